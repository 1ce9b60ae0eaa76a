"""The package's data files (word lists, rules, tables) as text.

Why not ``importlib.resources`` everywhere: importing it brings in ``tempfile``,
``shutil``, ``zipfile`` and their imports, 5-6 ms, a tenth of the start-up of
``echo नमस्ते | newskit normalize``, to read files that an installed package
keeps in an ordinary directory. It is still used when the package is not
installed as files (imported from a zip archive), where there is no directory.
"""

from __future__ import annotations

import os

_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data_text(*parts: str) -> str:
    """The UTF-8 text of ``data/<parts...>`` in the package.

    Raises :class:`FileNotFoundError` if there is no such file.

    >>> data_text("hi", "stopwords.txt").startswith("#")
    True
    """
    try:
        with open(os.path.join(_DIR, *parts), encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        if os.path.isdir(_DIR):
            raise
    from importlib.resources import files  # (not a directory: a zip archive)

    ref = files("newskit").joinpath("data", *parts)
    if not ref.is_file():
        raise FileNotFoundError(f"newskit data file not found: {'/'.join(parts)}")
    return ref.read_text(encoding="utf-8")
