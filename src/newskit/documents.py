"""Lines and documents of decoded text: the one rule every command splits text by.

Pure (``str`` in, values out): :mod:`newskit.io` applies it to files as they stream, and the
statistics core to texts it is given.
"""

from __future__ import annotations

from collections.abc import Iterator


def split_lf(text: str) -> list[str]:
    """Split after each ``\\n`` only (``str.splitlines`` also splits on U+2028 etc.)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def is_separator(line: str, doc_sep: str) -> bool:
    """Whether *line* (its line end kept or not) separates documents: with ``doc_sep`` of
    ``"blank"`` a line that is only whitespace, else a line equal to ``doc_sep`` once
    stripped. The one rule of every command that splits text into documents.

    >>> is_separator(" \\n", "blank"), is_separator("---\\n", "---"), is_separator("x", "blank")
    (True, True, False)
    """
    body = line.strip()
    return body == "" if doc_sep == "blank" else body == doc_sep


def split_documents(
    text: str, doc_sep: str | None, first_line: int = 1
) -> Iterator[tuple[int, int, str, bool]]:
    """``(first_line, offset, text, closed)`` per document of *text* (whole lines).

    ``doc_sep=None``: the whole text is one document. Otherwise separator lines (see
    :func:`is_separator`) are in no document; the others keep their line ends. ``offset`` is
    the document's character offset in *text*; ``closed`` tells whether a separator line
    follows it (a document cut short by the end of *text* may go on in what comes next).
    :func:`iter_documents` gives the same documents for a whole input.

    >>> [d[2] for d in split_documents("a\\n\\n\\nb\\n", "blank")]
    ['a\\n', 'b\\n']
    """
    if doc_sep is None:
        if text:
            yield first_line, 0, text, False
        return
    start = pos = 0
    begin = first_line
    n = first_line
    for line in split_lf(text):
        if is_separator(line, doc_sep):
            if pos > start:
                yield begin, start, text[start:pos], True
            pos += len(line)
            start = pos
            begin = n + 1
        else:
            pos += len(line)
        n += 1
    if pos > start:
        yield begin, start, text[start:pos], False
