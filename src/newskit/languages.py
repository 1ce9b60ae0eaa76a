"""The languages newskit knows: codes, scripts, ``--lang`` spellings and data-file fallbacks.

Why a module of its own: normalization, segmentation, quotes and stats all key their rules by
language (Assamese keeps ``ৰ``/``ৱ``, Marathi ends sentences at ``.``, Nepali keeps ZWJ), and
language identification (:mod:`newskit.langid`) names languages with the same codes. One table,
``data/languages.tsv``, says which codes exist, which script each is written in, and whose data
files a language borrows when it has none of its own (Maithili and Bhojpuri use Hindi's,
Konkani Marathi's). Importing this module costs nothing beyond reading that small file on
first use; it never imports the detector.

>>> parse_lang("Marathi"), parse_lang("npi"), script_of_lang("as")
('mr', 'ne', 'Beng')
>>> fallback_chain("mai")
('mai', 'hi')
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from newskit._data import data_text

__all__ = [
    "LANGS",
    "Language",
    "data_file",
    "fallback_chain",
    "lang_of_label",
    "languages",
    "parse_lang",
    "script_agrees",
    "script_of_lang",
]


class Language(NamedTuple):
    """One row of ``data/languages.tsv``."""

    code: str
    script: str  # ISO 15924 (Deva, Beng, Latn, Arab) or "-" for und
    fallback: str | None  # whose data files this language borrows
    name: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def languages() -> dict[str, Language]:
    """Every known language by code, in the table's order."""
    out: dict[str, Language] = {}
    for line in data_text("languages.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, script, fallback, name, *rest = line.split("\t")
        aliases = tuple(
            a.strip().lower() for a in (rest[0] if rest else "").split(",") if a.strip()
        )
        out[code] = Language(code, script, None if fallback == "-" else fallback, name, aliases)
    return out


#: Every language code newskit accepts (``--lang`` takes these and their aliases).
LANGS: tuple[str, ...] = (
    "hi", "mr", "ne", "sa", "mai", "bho", "kok", "bn", "as", "en", "ur", "und",
)  # fmt: skip


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages().values():
        out[lang.code.lower()] = lang.code
        out[lang.name.lower()] = lang.code
        for alias in lang.aliases:
            out[alias] = lang.code
    return out


def parse_lang(value: str) -> str:
    """The language code for a ``--lang`` value: a code, an ISO 639-2/3 code or an English name.

    Raises :class:`ValueError` naming the accepted codes for anything else.

    >>> parse_lang("HI"), parse_lang("Bangla"), parse_lang("asm")
    ('hi', 'bn', 'as')
    """
    code = _spellings().get(value.strip().lower())
    if code is None:
        raise ValueError(f"unknown language {value!r}; languages are {', '.join(LANGS)}")
    return code


def lang_of_label(value: object) -> str | None:
    """The language code a corpus record's language field names, or None when it names none.

    Corpora label languages in their own ways: CulturaX ``"mr"``, FLORES-style
    ``"mar_Deva"``, locale tags ``"hi-IN"``, names ``"Nepali"``. The label is read with
    :func:`parse_lang`, then by its part before ``_`` or ``-``. Anything else (a language
    newskit does not know, an empty or non-string value) is None, so that the caller falls
    back to the ``--lang`` given or to detection rather than fail on a record.

    >>> lang_of_label("mar_Deva"), lang_of_label("hi-IN"), lang_of_label("ta"), lang_of_label(3)
    ('mr', 'hi', None, None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    spellings = _spellings()
    label = value.strip().lower()
    code = spellings.get(label)
    if code is None:
        code = spellings.get(label.replace("-", "_").split("_")[0])
    return code


def script_of_lang(lang: str) -> str | None:
    """The script (``Deva``, ``Beng``, ``Latn``, ``Arab``) *lang* is written in; None for und."""
    info = languages().get(lang)
    return None if info is None or info.script == "-" else info.script


def script_agrees(lang: str, script: str | None) -> bool:
    """Whether a text in *script* can be in *lang* (script health counts the texts where not).

    ``und`` and a text with no script agree with everything.

    >>> script_agrees("ne", "Deva"), script_agrees("hi", "Beng"), script_agrees("und", "Latn")
    (True, False, True)
    """
    expected = script_of_lang(lang)
    return expected is None or script is None or expected == script


@lru_cache(maxsize=64)
def fallback_chain(lang: str | None) -> tuple[str, ...]:
    """The languages whose ``data/<lang>/`` directories are searched for *lang*, in order."""
    chain: list[str] = []
    table = languages()
    while lang is not None and lang not in chain:
        chain.append(lang)
        info = table.get(lang)
        lang = info.fallback if info is not None else None
    return tuple(chain)


def data_file(lang: str, name: str) -> tuple[str, str] | None:
    """``(language, text)`` of the first ``data/<l>/<name>`` along *lang*'s fallback chain.

    None when no language of the chain has the file. The language says whose file it is, so
    that callers can tell a language's own list from a borrowed one.
    """
    for code in fallback_chain(lang):
        try:
            return code, data_text(code, name)
        except FileNotFoundError:
            continue
    return None
