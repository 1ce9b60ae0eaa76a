"""Pass 1 of quote extraction: pairing quotation marks, paragraph by paragraph.

Why not a regular expression: real news mixes curly and straight marks, uses ``’`` as an
apostrophe (``দু’টি``), closes ``‘`` with ``'`` or ``”``, types a closer as a second opener and
leaves quotes unclosed; the pairing decides each mark from its neighbours and what is open.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from newskit.quotes._text import (
    _CLOSING_CONTEXT,
    _MARK_RE,
    _OPENING_CONTEXT,
    _SENTENCE_END_RE,
    _TERMINATORS,
    _is_letter,
    _is_word_char,
    _last_sentence_end,
)

# closing mark(s) each opening mark type accepts
_CLOSERS: dict[str, str] = {
    "\u201c": "\u201d",  # “ ”
    "\u201e": "\u201c\u201d",  # „ “ (German style) or „ ”
    "\u00ab": "\u00bb",  # « »
    "\u2018": "\u2019",  # ‘ ’
    '"': '"',
    "'": "'",
    "''": "''",
}


@dataclass
class _Open:
    mark: str
    pos: int  # offset of the opening mark
    line: int
    depth: int
    continued: bool = False


@dataclass
class _Raw:
    """A paired quote before attribution."""

    open_mark: str
    open_pos: int
    start: int
    end: int
    close_mark: str | None
    close_pos: int  # offset of the closing mark, or ``end`` when unclosed
    line: int
    depth: int
    continued: bool
    para_start: int  # paragraph of the closing side
    para_end: int


def _flanks(text: str, p: int, n: int, lo: int, hi: int) -> tuple[bool, bool, str, str]:
    """(opening-ish, closing-ish, prev char, next char) for the mark text[p:p+n]."""
    prev = text[p - 1] if p > lo else " "
    nxt = text[p + n] if p + n < hi else " "
    open_ish = prev.isspace() or prev in _OPENING_CONTEXT
    # after a full stop a straight quote closes even when glued to the next word ("है."वो)
    close_ish = nxt.isspace() or nxt in _CLOSING_CONTEXT or prev in _TERMINATORS
    if open_ish and close_ish:
        open_ish = close_ish = False  # surrounded by spaces or punctuation: decide by alternation
    return open_ish, close_ish, prev, nxt


# Decisive marks after a position, per paragraph end and opening mark: built once per
# paragraph, so that a paragraph full of apostrophes (দু’টি …) is not rescanned for each one.
_Decisive = dict[tuple[int, str], tuple[list[int], list[bool]]]


def _later_closer(
    text: str,
    p: int,
    hi: int,
    cache: _Decisive,
    opener: str = "\u2018",
    closer: str = "\u2019",
) -> bool:
    """Is there a *closer* after *p* in the paragraph, not between letters, before the next
    *opener*?  (For ASCII ``'`` both are the same character: any later one not between letters.)
    """
    # marks are paired left to right, so the first query of a paragraph has the smallest p and
    # its list serves every later one (each paragraph has its own end offset *hi*)
    got = cache.get((hi, opener))
    if got is None:
        got = _decisive_marks(text, p, hi, opener, closer)
        cache[hi, opener] = got
    positions, closing = got
    i = bisect.bisect_right(positions, p)
    return i < len(positions) and closing[i]


def _decisive_marks(
    text: str, p: int, hi: int, opener: str, closer: str
) -> tuple[list[int], list[bool]]:
    """Positions after *p* of openers (False) and of closers not between letters (True)."""
    positions: list[int] = []
    closing: list[bool] = []
    for m in re.finditer(f"[{re.escape(opener + closer)}]", text[p + 1 : hi]):
        q = p + 1 + m.start()
        if m.group() == opener and opener != closer:
            positions.append(q)
            closing.append(False)
            continue
        prev = text[q - 1]
        nxt = text[q + 1] if q + 1 < hi else " "
        if not (_is_word_char(prev) and _is_word_char(nxt)):
            positions.append(q)
            closing.append(True)
    return positions, closing


def _pair(text: str) -> list[_Raw]:
    """Pair quotation marks paragraph by paragraph (a paragraph is a line)."""
    cache: _Decisive = {}
    out: list[_Raw] = []
    carry: tuple[_Open, int, int] | None = None  # open quote at the end of a paragraph
    pos = 0
    n = len(text)
    line = 0
    while pos <= n:
        line += 1
        nl = text.find("\n", pos)
        hi = n if nl < 0 else nl
        lo = pos
        pos = hi + 1
        if carry is not None:
            stripped = text[lo:hi].lstrip()
            if not stripped:
                continue  # a blank line does not end a quote that may continue
            op, plo, phi = carry
            carry = None
            if stripped.startswith(op.mark):
                op.continued = True
                stack = [op]
                first = hi - len(stripped) + len(op.mark)
            else:
                _close_unclosed(text, op, plo, phi, out)
                stack = []
                first = lo
        else:
            stack = []
            first = lo
        if hi > first and _MARK_RE.search(text, first, hi) is None and not stack:
            continue
        for m in _MARK_RE.finditer(text, first, hi):
            _step(text, m.group(), m.start(), lo, hi, line, stack, out, cache)
        if stack:
            while len(stack) > 1:
                _close_unclosed(text, stack.pop(), lo, hi, out)
            carry = (stack[0], lo, hi)
    if carry is not None:
        op, plo, phi = carry
        _close_unclosed(text, op, plo, phi, out)
    out.sort(key=lambda r: r.open_pos)
    return out


def _close_unclosed(
    text: str, op: _Open, lo: int, hi: int, out: list[_Raw], end: int | None = None
) -> None:
    """An unclosed quote runs to the end of its paragraph, trailing whitespace excluded."""
    start = op.pos + len(op.mark)
    end = hi if end is None else end
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(
            _Raw(op.mark, op.pos, start, end, None, end, op.line, op.depth, op.continued, lo, hi)
        )


def _close(
    text: str, stack: list[_Open], i: int, mark: str, p: int, lo: int, hi: int, out: list[_Raw]
) -> None:
    """Close stack[i] at the mark at *p*; quotes opened inside it and left open end there too."""
    while len(stack) > i + 1:
        _close_unclosed(text, stack.pop(), lo, hi, out, end=p)
    op = stack.pop()
    start = op.pos + len(op.mark)
    if text[start:p].strip():
        out.append(
            _Raw(op.mark, op.pos, start, p, mark, p, op.line, op.depth, op.continued, lo, hi)
        )


def _find(stack: list[_Open], marks: tuple[str, ...]) -> int:
    """Index of the innermost open quote whose opening mark is one of *marks*, or -1.

    Quotes nest at most ``_MAX_NESTING`` deep (real ones nest two or three deep): a run of
    stray opening marks must not make pairing, or the nested quote texts, quadratic.
    """
    for i in range(len(stack) - 1, max(len(stack) - _MAX_NESTING, 0) - 1, -1):
        if stack[i].mark in marks:
            return i
    return -1


_MAX_NESTING = 8


def _step(
    text: str,
    mark: str,
    p: int,
    lo: int,
    hi: int,
    line: int,
    stack: list[_Open],
    out: list[_Raw],
    cache: _Decisive,
) -> None:
    """Classify one mark as opening, closing or neither, and update the stack."""

    def push() -> None:
        if len(stack) < _MAX_NESTING:  # deeper "quotes" are runs of stray marks
            stack.append(_Open(mark, p, line, len(stack) + 1))

    if mark == "\u201c":  # “ closes a „ , otherwise opens
        i = _find(stack, ("\u201e",))
        if i >= 0:
            _close(text, stack, i, mark, p, lo, hi, out)
        else:
            push()
    elif mark == "\u201d":  # ”
        i = _find(stack, ("\u201c", "\u201e"))
        if i >= 0:
            _close(text, stack, i, mark, p, lo, hi, out)
    elif mark in "\u201e\u00ab":  # „ «
        push()
    elif mark == "\u00bb":
        i = _find(stack, ("\u00ab",))
        if i >= 0:
            _close(text, stack, i, mark, p, lo, hi, out)
    elif mark == "\u2018":  # ‘ opens unless it sits between two letters (an apostrophe)
        _, _, prev, nxt = _flanks(text, p, 1, lo, hi)
        if not (_is_letter(prev) and _is_letter(nxt)):
            push()
    elif mark == "\u2019":  # ’ closes an open ‘ ; between letters only if nothing later can
        i = _find(stack, ("\u2018",))
        if i < 0:
            return  # apostrophe (দু’টি, ’৭১) or a stray closing mark
        _, _, prev, nxt = _flanks(text, p, 1, lo, hi)
        if _is_word_char(prev) and _is_word_char(nxt) and _later_closer(text, p, hi, cache):
            return
        _close(text, stack, i, mark, p, lo, hi, out)
    else:  # ASCII " ' and '' : direction from the neighbours, else by alternation
        open_ish, close_ish, prev, nxt = _flanks(text, p, len(mark), lo, hi)
        # " and '' are both double marks; BBC Hindi opens with one and closes with the other
        i = _find(stack, (mark,) if mark == "'" else ('"', "''"))
        # don't, it's, দু'টি; but '…नहीं'कपिल closes an open quote when nothing later can
        if (
            mark == "'"
            and _is_word_char(prev)
            and _is_word_char(nxt)
            and (i < 0 or prev.isascii() or _later_closer(text, p, hi, cache, "'", "'"))
        ):
            return
        if i >= 0:
            if mark == "'" and open_ish and not close_ish:
                push()  # a new single quote inside (rare); the open one is never closed
                return
            if mark != "'" and _reopens(text, stack[i], p, lo, nxt):
                # বলেছেন, "A। B। মি. বাগ বলেছেন, "C: the first quote lost its closing mark
                # (scraped text repeats sentences); it ends with its last sentence
                op = stack[i]
                end = _last_sentence_end(text, op.pos + len(op.mark), p) or p
                while len(stack) > i:
                    _close_unclosed(text, stack.pop(), lo, hi, out, end=end)
                push()
                return
            _close(text, stack, i, mark, p, lo, hi, out)
        elif close_ish and not open_ish:
            if prev in _TERMINATORS and _is_word_char(nxt) and _closed_later(text, p, hi, mark):
                push()  # इसे भी पढ़ें...'शिकायत कर दो…', : opens after an ellipsis
            return  # stray closing mark (or inches, or a possessive)
        else:
            push()


def _reopens(text: str, op: _Open, p: int, lo: int, nxt: str) -> bool:
    """Is the straight double mark at *p* a new opening one although one is still open?

    Only when it stands where speech is introduced (``বলেন, "…``, ``कहा: "…``: after a comma
    or colon and a space, glued to the next word) and the open quote already holds a full
    sentence: a closing mark almost never stands there.
    """
    if not _is_word_char(nxt) or p - lo < 2 or text[p - 1] != " " or text[p - 2] not in ",:":
        return False
    return _SENTENCE_END_RE.search(text, op.pos + len(op.mark), p) is not None


def _closed_later(text: str, p: int, hi: int, mark: str) -> bool:
    """Is the next *mark* in the paragraph a clear closing one (glued left, space right)?"""
    q = text.find(mark, p + len(mark), hi)
    if q < 0:
        return False
    prev = text[q - 1]
    nxt = text[q + len(mark)] if q + len(mark) < hi else " "
    return not prev.isspace() and (nxt.isspace() or nxt in _CLOSING_CONTEXT or nxt == "(")
