"""Pass 1 of quote extraction: pairing quotation marks, paragraph by paragraph.

Why not a regular expression: real news mixes curly and straight marks, uses ``’`` as an
apostrophe (``দু’টি``), closes ``‘`` with ``'`` or ``”``, types a closer as a second opener and
leaves quotes unclosed; the pairing decides each mark from its neighbours and what is open.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from newskit.quotes._lexicon import _lexicon
from newskit.quotes._text import (
    _CLOSING_CONTEXT,
    _MARK_RE,
    _OPENING_CONTEXT,
    _SENTENCE_END_GLUED_RE,
    _SENTENCE_END_RE,
    _TERMINATORS,
    _WORDCH_RE,
    _abbreviation_before,
    _count_words,
    _is_letter,
    _is_word_char,
    _key,
    _lang,
    _last_sentence_end,
    _line_end,
    _words,
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
                _close_unclosed(text, op, plo, phi, out, end=_unclosed_end(text, op, phi))
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
                op = stack.pop()
                _close_unclosed(text, op, lo, hi, out, end=_unclosed_end(text, op, hi))
            carry = (stack[0], lo, hi)
    if carry is not None:
        op, plo, phi = carry
        _close_unclosed(text, op, plo, phi, out, end=_unclosed_end(text, op, phi))
    out.sort(key=lambda r: r.open_pos)
    return out


def _close_unclosed(
    text: str, op: _Open, lo: int, hi: int, out: list[_Raw], end: int | None = None
) -> None:
    """An unclosed quote ends at *end* (by default its paragraph's end), trailing whitespace
    excluded. A straight single mark that nothing closes is an apostrophe or a prime
    (``'এক্স-এ``, ``5'``), not a quote, unless a reporting frame introduces it (``उसने बताया
    कि 'मैं … दिलाइए। इस मामले में …``): then the quote is its first sentence."""
    start = op.pos + len(op.mark)
    if op.mark == "'" and not op.continued:
        first = _last_sentence_end(text, start, hi if end is None else end, first=True)
        if first is None or not _after_frame(text, lo, op.pos):
            return
        end = first
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


def _abandon(text: str, stack: list[_Open], i: int, p: int, lo: int, hi: int, out: list[_Raw]):
    """stack[i] (and what opened inside it) lost its closing mark: it ends where its words
    evidently end before *p* (its last sentence, else its first clause)."""
    op = stack[i]
    end = _boundary(text, op.pos + len(op.mark), p)
    while len(stack) > i:
        _close_unclosed(text, stack.pop(), lo, hi, out, end=end)


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
_DOUBLE = ('"', "''")
# opening marks a closing mark of another type may close when it is the innermost open one
# (‘…', “…’, '…”: typed with the wrong key); never « » or „, which are deliberate
_MISMATCH = ("\u201c", "\u2018", '"', "''", "'")


def _typed_as_closer(prev: str, nxt: str) -> bool:
    """An opening-type mark glued to the word before it and not to the word after it
    (``‘রণ সংবাদ‘ কার্যক্রম``): a closing mark typed with the opening key."""
    return (_is_word_char(prev) or prev in _TERMINATORS or prev in ")\u2026") and (
        nxt.isspace() or nxt in _CLOSING_CONTEXT
    )


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f"


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
    """Classify one mark as opening, closing or neither, and update the stack.

    A mark first pairs with its own type; a closing mark of another type closes the innermost
    open quote when it clearly closes (glued to the word before, not to the one after), and an
    opening mark of a type already open either closes it (typed as a closer) or shows that the
    open one lost its closing mark.
    """

    def push() -> None:
        if len(stack) < _MAX_NESTING:  # deeper "quotes" are runs of stray marks
            stack.append(_Open(mark, p, line, len(stack) + 1))

    def mismatch(prev: str) -> bool:
        """Close the innermost open quote with this mark of another type, if it may: not
        when its own closing mark follows after punctuation only (``নেই'।’``)."""
        if not stack or stack[-1].mark not in _MISMATCH or prev.isspace():
            return False
        own = _CLOSERS[stack[-1].mark]
        after = p + len(mark)
        while after < hi and after < p + 4 and not _is_word_char(text[after]):
            if text.startswith(own, after) and own != mark:
                return True  # a stray mark just before the real closer: ignored
            after += 1
        _close(text, stack, len(stack) - 1, mark, p, lo, hi, out)
        return True

    if mark in "\u201c\u2018":  # “ ‘ open, unless …
        _, _, prev, nxt = _flanks(text, p, 1, lo, hi)
        if mark == "\u2018" and _is_letter(prev) and _is_letter(nxt):
            return  # an apostrophe typed with the opening key (মিয়া‘সহ)
        i = _find(stack, ("\u201e",)) if mark == "\u201c" else -1
        if i >= 0:  # „ … “
            _close(text, stack, i, mark, p, lo, hi, out)
            return
        i = _find(stack, (mark,))
        if i >= 0 and _typed_as_closer(prev, nxt):
            _close(text, stack, i, mark, p, lo, hi, out)
            return
        if (
            i >= 0
            and i == len(stack) - 1
            and _WORDCH_RE.search(text, stack[i].pos + 1, p) is not None
            and not _outer_closes_later(text, p, hi, mark)
        ):
            _abandon(text, stack, i, p, lo, hi, out)  # ‘A, B ‘C’: the first lost its closer
        push()
    elif mark == "\u201d":  # ”
        i = _find(stack, ("\u201c", "\u201e"))
        if i >= 0:
            _close(text, stack, i, mark, p, lo, hi, out)
        else:
            mismatch(text[p - 1] if p > lo else " ")
    elif mark in "\u201e\u00ab":  # „ «
        push()
    elif mark == "\u00bb":
        i = _find(stack, ("\u00ab",))
        if i >= 0:
            _close(text, stack, i, mark, p, lo, hi, out)
    elif mark == "\u2019":  # ’ closes an open ‘ ; between letters only if nothing later can
        _, _, prev, nxt = _flanks(text, p, 1, lo, hi)
        between = _is_word_char(prev) and _is_word_char(nxt)
        i = _find(stack, ("\u2018",))
        if i < 0:
            if not between:  # “…’ : a closing mark of the wrong type
                mismatch(prev)
            return  # else an apostrophe (দু’টি, ’৭১) or a stray closing mark
        if between and _later_closer(text, p, hi, cache):
            return
        _close(text, stack, i, mark, p, lo, hi, out)
    else:  # ASCII " ' and '' : direction from the neighbours, else by alternation
        _straight(text, mark, p, lo, hi, stack, out, cache, push, mismatch)


def _straight(
    text: str,
    mark: str,
    p: int,
    lo: int,
    hi: int,
    stack: list[_Open],
    out: list[_Raw],
    cache: _Decisive,
    push: Callable[[], None],
    mismatch: Callable[[str], bool],
) -> None:
    """A straight mark (``"``, ``'`` or ``''``): direction from its neighbours and the stack."""
    open_ish, close_ish, prev, nxt = _flanks(text, p, len(mark), lo, hi)
    # " and '' are both double marks; BBC Hindi opens with one and closes with the other
    i = _find(stack, (mark,) if mark == "'" else _DOUBLE)
    if mark == "'" and _is_word_char(prev) and _is_word_char(nxt):
        # don't, it's, দু'টি are apostrophes; but Devanagari has no apostrophe, so
        # 'लाइन में खड़ा किया'ट्रंप closes, and '…नहीं'कपिल closes when nothing later can
        hindi = _is_devanagari(prev) and _is_devanagari(nxt)
        if i < 0 or (not hindi and (prev.isascii() or _later_closer(text, p, hi, cache, "'", "'"))):
            return
    if i >= 0:
        if mark == "'" and open_ish and not close_ish:
            push()  # a new single quote inside (rare); the open one is never closed
            return
        if mark != "'" and _reopens(text, stack[i], p, lo, nxt):
            # বলেছেন, "A। B। মি. বাগ বলেছেন, "C: the first quote lost its closing mark
            # (scraped text repeats sentences); it ends with its last sentence
            op = stack[i]
            end = _unclosed_end(text, op, p)
            if end >= p:
                end = _last_sentence_end(text, op.pos + len(op.mark), p) or p
            while len(stack) > i:
                _close_unclosed(text, stack.pop(), lo, hi, out, end=end)
            push()
            return
        if mark != "'" and open_ish and not close_ish and _short_pair_ahead(text, p, hi, mark):
            push()  # बताया, "… लोग जो "इंडोलॉजी" यानि …: a quoted word inside the quote
            return
        _close(text, stack, i, mark, p, lo, hi, out)
    elif close_ish and not open_ish:
        if mismatch(prev):  # ‘…' or “…" : closed with a straight mark
            return
        if prev in _TERMINATORS and _is_word_char(nxt) and _closed_later(text, p, hi, mark):
            push()  # इसे भी पढ़ें...'शिकायत कर दो…', : opens after an ellipsis
        return  # stray closing mark (or inches, or a possessive)
    elif mark != "'" and not stack and _closes_unmarked_speech(text, p, lo):
        return  # वह कहते हैं, जब हमने … बढ़ी है. "इसी …: the closer of a quote never opened
    else:
        push()


def _reopens(text: str, op: _Open, p: int, lo: int, nxt: str) -> bool:
    """Is the straight double mark at *p* a new opening one although one is still open?

    Only when the open quote already holds a full sentence and the mark stands where speech is
    introduced: after a comma or colon and a space, glued to the next word (``বলেন, "…``), or
    right after a reporting frame (``इनकी साथी वर्षा कहती हैं," मुझे …``): a closing mark
    almost never stands there.
    """
    start = op.pos + len(op.mark)
    last = _last_sentence_end(text, start, p)
    if last is None:
        return False
    if _is_word_char(nxt) and p - lo >= 2 and text[p - 1] == " " and text[p - 2] in ",:":
        return True
    if _is_word_char(nxt) and text[p - 1] == " " and _after_link(text, last, p):
        return True  # … করেছেন। X-কে উদ্ধৃত করে পত্রিকাটি জানিয়েছে যে "…: a new frame's link
    return _frame_ends_at(text, last, p)


def _after_link(text: str, lo: int, p: int) -> bool:
    """Does text[lo:p] end with a reporting cue and a link word (``জানিয়েছে যে``, ``कहा कि``)?"""
    lang = _lang(text, lo, p)
    if lang is None:
        return False
    words = _words(text, max(lo, p - 40), p)
    lex = _lexicon(lang)
    if not words or _key(words[-1].group(), lang) not in lex.links:
        return False
    return _after_frame(text, lo, p)


def _after_frame(text: str, lo: int, p: int) -> bool:
    """Does a reporting cue stand right before *p*, with only link words and punctuation
    between (``बताया कि '``, ``বলেন, '``)?"""
    lang = _lang(text, max(lo, p - 200), p)
    if lang is None:
        return False
    lex = _lexicon(lang)
    cue = None
    for m in lex.cue_re.finditer(text, max(lo, p - 80), p):
        cue = m
    if cue is None:
        return False
    return all(_key(w.group(), lang) in lex.links for w in _words(text, cue.end(), p))


def _frame_ends_at(text: str, lo: int, p: int) -> bool:
    """Does text[lo:p] end with a reporting cue, link words and a comma or colon
    (``इनकी साथी वर्षा कहती हैं,``, ``তিনি আরও বলেন, ``)?"""
    seg = text[lo:p].rstrip()
    if not seg or seg[-1] not in ",:":
        return False
    lang = _lang(text, lo, p)
    if lang is None:
        return False
    lex = _lexicon(lang)
    cue = None
    for m in lex.cue_re.finditer(text, lo, lo + len(seg) - 1):
        cue = m
    if cue is None:
        return False
    return all(_key(w.group(), lang) in lex.links for w in _words(text, cue.end(), lo + len(seg)))


def _short_pair_ahead(text: str, p: int, hi: int, mark: str) -> bool:
    """Is the next straight double mark a clear closing one a few words on, with no sentence
    end between (``"इंडोलॉजी"``, ``"ता थई थई तत"``)? Then this one opens a quote inside."""
    q = _next_double(text, p + len(mark), hi)
    if q is None:
        return False
    qpos, qlen = q
    prev = text[qpos - 1]
    nxt = text[qpos + qlen] if qpos + qlen < hi else " "
    if prev.isspace() or not (nxt.isspace() or nxt in _CLOSING_CONTEXT):
        return False
    inner = text[p + len(mark) : qpos]
    return _count_words(inner, 6) <= 5 and _SENTENCE_END_RE.search(inner + " ") is None


def _next_double(text: str, p: int, hi: int) -> tuple[int, int] | None:
    q = text.find('"', p, hi)
    r = text.find("''", p, hi)
    if r >= 0 and (q < 0 or r < q):
        return r, 2
    return (q, 1) if q >= 0 else None


def _boundary(text: str, start: int, p: int) -> int:
    """Where the words of a quote that lost its closing mark end before *p*: after its last
    sentence end, else at its first comma (a title in a list: ``‘A, B ‘C’``), else at *p*."""
    op_end = _unclosed_end(text, _Open("", start, 0, 0), p)
    if op_end < p:
        return op_end
    last = _last_sentence_end(text, start, p)
    if last is not None:
        return last
    comma = text.find(",", start, p)
    return comma if comma > start else p


def _unclosed_end(text: str, op: _Open, hi: int) -> int:
    """Where a quote that nothing closed ends: the end of its paragraph, or earlier, after the
    sentence that a fresh reporting frame follows (``… হবে। তিনি আরও বলেন, …``): one missing
    mark must not swallow the rest of a one-line article."""
    start = op.pos + len(op.mark)
    lang = _lang(text, start, hi)
    if lang is None:
        return hi
    for m in _SENTENCE_END_GLUED_RE.finditer(text, start, hi):
        e = m.start() + 1
        if m.group()[0] == "." and _abbreviation_before(text, start, e):
            continue
        if _fresh_frame(text, e, hi, lang):
            return e
    return hi


def _fresh_frame(text: str, e: int, hi: int, lang: str, comma_only: bool = False) -> bool:
    """Does the sentence after *e* open with a third-person reporting frame: a few words, a
    cue, then a comma or colon (``X বলেন,``) or a link word (``X ने कहा कि``)?"""
    lex = _lexicon(lang)
    window = min(hi, e + 160)
    nxt = _last_sentence_end(text, e, window, first=True)
    if nxt is not None:
        window = nxt  # the frame must stand in the sentence that begins at *e*
    m = lex.cue_re.search(text, e, window)
    if m is None:
        return False
    before = _words(text, e, m.start())
    if not before or len(before) > 14 or _MARK_RE.search(text, e, m.start()):
        return False
    link = False
    rest = text[m.end() : window]
    for w in _words(text, m.end(), window):
        if _key(w.group(), lang) not in lex.links:
            rest = text[m.end() : w.start()]
            break
        link = True
    return "," in rest or ":" in rest or (link and not comma_only)


def _closes_unmarked_speech(text: str, p: int, lo: int) -> bool:
    """Is the straight double mark at *p*, after a sentence end and a space, the closing mark
    of speech a frame introduced without an opening mark (``वह कहते हैं, जब हमने … बढ़ी है. "``)?
    Only when that sentence has no other mark: then a closing mark stands where it belongs."""
    if p - lo < 3 or text[p - 1] != " " or text[p - 2] not in _TERMINATORS:
        return False
    start = _last_sentence_end(text, lo, p - 2)
    start = lo if start is None else start
    while start < p and (text[start].isspace() or _MARK_RE.match(text, start)):
        start += 1  # the closing mark of the sentence before ("…हैं."वह कहते हैं)
    if _MARK_RE.search(text, start, p) is not None:
        return False
    lang = _lang(text, start, p)
    if lang is None or not _fresh_frame(text, start, p, lang, comma_only=True):
        return False
    # … তারা। "যে গ্রামে … করেছি," বিবিসি বাংলাকে বলেন …: when the next mark clearly closes
    # (glued to the word before, not to the one after), this one opens a quote after all
    q = _next_double(text, p + 1, _line_end(text, p))
    if q is None:
        return True
    qpos, qlen = q
    nxt = text[qpos + qlen] if qpos + qlen < len(text) else " "
    return text[qpos - 1].isspace() or not (nxt.isspace() or nxt in _CLOSING_CONTEXT)


def _outer_closes_later(text: str, p: int, hi: int, mark: str) -> bool:
    """Opening *mark* at *p* while one of its type is open: does a closing mark later in the
    paragraph close the outer one too (``‘… ‘স্পিড’ … ‘স্পিড’ … পরিকর।’``: a quote inside a
    quote), rather than every later mark pairing off (``‘A, B ‘C’ ও ‘D’``: the outer one lost
    its closer)? Counted over a bounded window so that a long paragraph stays linear."""
    closer = _CLOSERS[mark][-1]
    depth = 1
    end = min(hi, p + 3000)
    for q in range(p + 1, end):
        ch = text[q]
        if ch != mark and ch != closer and ch != "'":
            continue
        prev = text[q - 1]
        nxt = text[q + 1] if q + 1 < hi else " "
        if _is_word_char(prev) and _is_word_char(nxt):
            continue  # an apostrophe
        if ch == mark or (ch == "'" and (prev.isspace() or prev in _OPENING_CONTEXT)):
            depth += 1
        elif ch == closer or ch == "'":
            depth -= 1
            if depth < 0:
                return True
    return False


def _closed_later(text: str, p: int, hi: int, mark: str) -> bool:
    """Is the next *mark* in the paragraph a clear closing one (glued left, space right)?"""
    q = text.find(mark, p + len(mark), hi)
    if q < 0:
        return False
    prev = text[q - 1]
    nxt = text[q + len(mark)] if q + len(mark) < hi else " "
    return not prev.isspace() and (nxt.isspace() or nxt in _CLOSING_CONTEXT or nxt == "(")
