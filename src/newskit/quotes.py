"""Quotation extraction with speaker and reporting cue for Hindi and Bengali news.

Why rules and not a model: no quotation tool exists for these languages (textacy, CoreNLP, citron
are English-bound) and news frames are few and regular (see the team notes on quote conventions):
Hindi puts the speaker before ``ने`` (``X ने कहा कि “…”``), Bengali before a finite verb
(``X বলেন, ‘…’``) or after it (``‘…’ বলেন তিনি``). The cue lexicons and the word classes used to
delimit a speaker live in ``data/<lang>/cues.tsv`` and ``data/<lang>/quote_words.tsv``.

Two passes per document:

1. *Pairing* (per paragraph = line): marks are paired by type and direction; a ``’`` between two
   letters is an apostrophe (``দু’টি``) unless a ``‘`` is open and no later ``’`` could close it
   (``…নীতির’সহ``). Straight marks take their direction from their neighbours, else alternate;
   ``"`` and ``''`` close each other (BBC Hindi mixes them). An unclosed quote ends at the end of
   its paragraph (``closed=False``) unless the next paragraph opens with the same mark
   (``continued=True``), or, for a straight double mark, where a new one opens after
   ``বলেন, `` (scraped text that lost a closing mark); it never swallows later paragraphs and
   never raises. Stray closing marks are ignored; nesting is capped at eight levels.
2. *Attribution* (per quote, on its sentence from :func:`newskit.segment.split_sentences`): the
   nearest cue before the quote, else after it, else a signature line (``'…'- नाम, पद``), else
   the previous sentence's quote or cue. ``kind`` follows from the frame: ``speech`` when the
   quote is introduced by its cue (``X ने कहा, “…”``) or followed by it (``“…”, X ने कहा``),
   ``partial`` when it is a fragment of a sentence with a cue, ``term`` for titles, names and
   quotes with no cue around them.

Offsets always refer to the raw text: cues are matched with patterns that accept both the
precomposed and decomposed form of every nukta letter and vowel sign (and, for Hindi, a missing
nukta), so the text is never normalized and ``raw[q.start:q.end] == q.text`` holds for every quote.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from newskit._data import data_text
from newskit.scripts import INDIC_MARK, ZWJ, ZWNJ

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from newskit.segment import Sentence

__all__ = ["KINDS", "Quote", "Span", "extract_quotes"]

#: Values of :attr:`Quote.kind`.
KINDS = ("speech", "partial", "term")

# -- public data types --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the raw text: ``raw[start:end] == text``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: its text (marks excluded), how it was marked, and who said it."""

    text: str
    start: int
    end: int
    open_mark: str
    close_mark: str | None
    closed: bool
    continued: bool
    kind: str
    speaker: Span | None
    cue: Span | None
    speaker_position: str | None
    resolved: str | None
    confidence: float
    line: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record in the schema of ``newskit quotes`` (the CLI adds ``path``)."""
        return {
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "open_mark": self.open_mark,
            "close_mark": self.close_mark,
            "closed": self.closed,
            "continued": self.continued,
            "kind": self.kind,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "speaker_position": self.speaker_position,
            "resolved": self.resolved,
            "confidence": self.confidence,
        }


# -- characters ---------------------------------------------------------------------------------

_WCH = f"\\w{INDIC_MARK}{ZWJ}{ZWNJ}"
_WORDCH_RE = re.compile(f"[{_WCH}]")
# A word; hyphenated compounds (``X-এর``, ``आफताब-ए``) stay one word.
_WORD_RE = re.compile(f"[{_WCH}]+(?:-[{_WCH}]+)*")
# ``''`` (two apostrophes used as a double mark, BBC Hindi) before the single characters.
_MARK_RE = re.compile("''|[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e]")
_INDIC_RE = re.compile("[\u0900-\u09ff]")
_TERMINATOR_RE = re.compile("[\u0964\u0965.!?]")
# a terminator that ends a sentence (not the dots of www.example.com or आर...राजकुमार)
# … and the BBC Hindi way, glued to the next sentence ("थे.वॉशिंगटन")
_SENTENCE_END_GLUED_RE = re.compile(
    "(?<!\\.)[\u0964\u0965.!?](?:\\s|$|(?=[\u0900-\u09ff\"'\u201c\u2018]))"
)
_WORD_BEFORE_RE = re.compile(f"([{_WCH}]+)\\.$")
_SENTENCE_END_RE = re.compile("(?<!\\.)[\u0964\u0965.!?](?:\\s|$)")
_OPENING_CONTEXT = "([{<\u2014\u2013-/:,"
_TERMINATORS = ".!?\u0964\u0965"
_CLOSING_CONTEXT = ",.;:!?\u0964\u0965)]}>\u2014\u2013-"
_TAIL_RE = re.compile("[\\s\u0964\u0965.!?'\"\u2019\u201d]+")
_LEAD_PUNCT = ",\u2014\u2013-:"
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
_DEV_NUKTA = "\u093c"
# word classes of quote_words.tsv that are pronouns ("subject": nominative, e.g. তিনি)
_PRONOUNS = ("pronoun", "subject")
_BEN_NUKTA = "\u09bc"


def _is_word_char(ch: str) -> bool:
    return bool(_WORDCH_RE.match(ch))


def _is_letter(ch: str) -> bool:
    """A letter, digit or combining mark, but not a joiner (ZWNJ may stand before a quote)."""
    return ch not in (ZWJ, ZWNJ) and _is_word_char(ch)


def _key(word: str, lang: str) -> str:
    """Comparison key: NFD, single spaces, and for Hindi no nukta (मुताबिक = मुताबिक़).

    Memoized per language (the rules look up each word near a quote several times).
    """
    known = _KEYS.get(lang)
    if known is None:
        known = _KEYS.setdefault(lang, {})
    k = known.get(word)
    if k is None:
        k = " ".join(unicodedata.normalize("NFD", word).split())
        if lang == "hi":
            k = k.replace(_DEV_NUKTA, "")
        if len(known) > 200_000:  # keep memory flat on endless streams
            known.clear()
        known[word] = k
    return k


_KEYS: dict[str, dict[str, str]] = {}


# -- language data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    lang: str
    cue_re: re.Pattern[str]
    frames: dict[str, str]
    links: frozenset[str]
    classes: dict[str, str]


def _read_tsv(lang: str, name: str) -> list[tuple[str, str]]:
    rows = []
    for line in data_text(lang, name).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, cls = line.partition("\t")
        rows.append((word.strip(), cls.strip()))
    return rows


@lru_cache(maxsize=1)
def _precomposed() -> dict[str, str]:
    """Map base+nukta to the precomposed letter (composition exclusions such as ड़ U+095C)."""
    out = {}
    for cp in range(0x0900, 0x0A00):
        dec = unicodedata.decomposition(chr(cp))
        if dec and not dec.startswith("<"):
            out["".join(chr(int(h, 16)) for h in dec.split())] = chr(cp)
    return out


def _cue_pattern(cue: str, lang: str) -> str:
    """A regex for *cue* that matches its precomposed and decomposed spellings in raw text."""
    chars = unicodedata.normalize("NFD", cue)
    pre = _precomposed()
    parts: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c.isspace():
            while i < len(chars) and chars[i].isspace():
                i += 1
            parts.append(r"\s+")
            continue
        pair = chars[i : i + 2]
        if len(pair) == 2 and pair in pre:
            optional = "?" if lang == "hi" and pair[1] == _DEV_NUKTA else ""
            parts.append(f"(?:{re.escape(pre[pair])}|{re.escape(c)}{re.escape(pair[1])}{optional})")
            i += 2
            continue
        parts.append(re.escape(c))
        i += 1
    return "".join(parts)


@lru_cache(maxsize=4)
def _lexicon(lang: str) -> _Lexicon:
    frames: dict[str, str] = {}
    links: set[str] = set()
    cues: list[str] = []
    for cue, frame in _read_tsv(lang, "cues.tsv"):
        if frame == "link":
            links.add(_key(cue, lang))
            continue
        frames[_key(cue, lang)] = frame
        cues.append(cue)
    cues.sort(key=lambda c: len(unicodedata.normalize("NFD", c)), reverse=True)
    alternation = "|".join(_cue_pattern(c, lang) for c in cues)
    cue_re = re.compile(f"(?<![{_WCH}])(?:{alternation})(?![{_WCH}])")
    classes = {_key(w, lang): cls for w, cls in _read_tsv(lang, "quote_words.tsv")}
    return _Lexicon(lang, cue_re, frames, frozenset(links), classes)


# -- pass 1: pairing marks ----------------------------------------------------------------------


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


def _last_sentence_end(text: str, start: int, p: int) -> int | None:
    """Offset just after the last sentence terminator in text[start:p], None if there is none."""
    end = None
    for m in _SENTENCE_END_GLUED_RE.finditer(text, start, p):
        if m.group()[0] == "." and _abbreviation_before(text, start, m.start() + 1):
            continue  # মি. বাগ: an abbreviation, not a sentence end
        end = m.start() + 1
    return end


def _abbreviation_before(text: str, lo: int, dot_end: int) -> bool:
    """Is the full stop ending at *dot_end* the one of an abbreviation (মি., ডা., डॉ.)?"""
    from newskit.segment import abbreviations  # the team's list, shared with the splitter

    word = _WORD_BEFORE_RE.search(text, max(lo, dot_end - 12), dot_end)
    return word is not None and word.group(1) in abbreviations()


def _closed_later(text: str, p: int, hi: int, mark: str) -> bool:
    """Is the next *mark* in the paragraph a clear closing one (glued left, space right)?"""
    q = text.find(mark, p + len(mark), hi)
    if q < 0:
        return False
    prev = text[q - 1]
    nxt = text[q + len(mark)] if q + len(mark) < hi else " "
    return not prev.isspace() and (nxt.isspace() or nxt in _CLOSING_CONTEXT or nxt == "(")


# -- pass 2: attribution ------------------------------------------------------------------------


@dataclass
class _Attr:
    speaker: Span | None
    cue: Span | None
    position: str | None
    framed: bool
    punct: bool = False  # punctuation between the cue and the quote ("বলেন, ‘…’")


class _Doc:
    """Sentence lookup for one document, split lazily per paragraph."""

    def __init__(self, text: str, sentences: Sequence[Sentence] | None = None) -> None:
        self.text = text
        self._cache: dict[tuple[int, int], tuple[list[int], list[Sentence]]] = {}
        # the document's sentences when the caller has them: a paragraph's sentences are then
        # looked up instead of split again (a line splits alone as it does in its text)
        self._given: tuple[list[int], list[Sentence]] | None = None
        if sentences is not None:
            self._given = ([s.start for s in sentences], list(sentences))
        self._newlines: list[int] | None = None
        self._langs: dict[int, str | None] = {}

    def paragraph(self, pos: int) -> tuple[int, int, str | None]:
        """(start, end, language) of the paragraph (line) holding *pos*; found by bisection so
        that a paragraph with thousands of quotes is not rescanned for each of them."""
        text = self.text
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", text)]
        nl = self._newlines
        i = bisect.bisect_left(nl, pos)
        lo = nl[i - 1] + 1 if i > 0 else 0
        hi = nl[i] if i < len(nl) else len(text)
        if lo not in self._langs:
            self._langs[lo] = _lang(text, lo, hi)
        return lo, hi, self._langs[lo]

    def sentences(self, lo: int, hi: int) -> tuple[list[int], list[Sentence]]:
        got = self._cache.get((lo, hi))
        if got is None:
            text = self.text
            if (
                self._given is not None
                and (lo == 0 or text[lo - 1] == "\n")
                and (hi == len(text) or text[hi] == "\n")
            ):  # whole lines: the given sentences that start in them
                starts, sents = self._given
                i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
                got = (starts[i:j], sents[i:j])
            else:
                from newskit.segment import split_sentences  # lazy: segment imports regex

                sents = [_shift(s, lo) for s in split_sentences(text[lo:hi])]
                got = ([s.start for s in sents], sents)
            self._cache[lo, hi] = got
        return got

    def sentence_at(self, pos: int, lo: int, hi: int) -> tuple[int, int] | None:
        """(start, end) of the sentence holding *pos* in paragraph [lo, hi)."""
        starts, sents = self.sentences(lo, hi)
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return None
        return sents[i].start, sents[i].end

    def previous_sentence(self, pos: int, lo: int) -> tuple[int, int] | None:
        """The sentence before the one holding *pos*, crossing into earlier paragraphs."""
        text = self.text
        hi = text.find("\n", lo)
        hi = len(text) if hi < 0 else hi
        starts, sents = self.sentences(lo, hi)
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 1:
            return sents[i - 1].start, sents[i - 1].end
        while lo > 0:  # previous non-blank paragraph
            phi = lo - 1
            plo = text.rfind("\n", 0, phi) + 1
            if text[plo:phi].strip():
                _, psents = self.sentences(plo, phi)
                if psents:
                    return psents[-1].start, psents[-1].end
            lo = plo
        return None


def _shift(s: Sentence, lo: int) -> Sentence:
    return type(s)(s.text, s.start + lo, s.end + lo)


def _lang(text: str, lo: int, hi: int) -> str | None:
    m = _INDIC_RE.search(text, lo, hi)
    if m is None:
        return None
    return "hi" if m.group() <= "\u097f" else "bn"


def _words(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    return list(_WORD_RE.finditer(text, lo, hi))


def _scan_back(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """The speaker noun phrase that ends right before *hi* (never reaching back past *lo*)."""
    lang = lex.lang
    cls = lex.classes
    got: list[re.Match[str]] = []
    right = hi
    for tok in reversed(_words(text, lo, hi)):
        gap = text[tok.end() : right].strip()
        w = _key(tok.group(), lang)
        c = cls.get(w)
        if gap and not (gap == "." and c == "abbr" and got):
            break
        right = tok.start()
        if not got:
            if c == "skip":
                continue
            if lang == "bn" and w.endswith("\u09c7") and c not in _PRONOUNS:
                continue  # dative (-কে) or locative (-এ) adjunct between subject and verb
        if c in _PRONOUNS:
            if not got:
                got.append(tok)
            break
        if c in ("stop", "skip", "postp", "naming") or tok.group().isdigit():
            break
        if c == "gen" and not got:
            break
        if lang == "bn" and got and (w.endswith("\u09c7")):
            break
        got.append(tok)
        if len(got) >= 10:
            break
    while got and cls.get(_key(got[-1].group(), lang)) == "gen":
        got.pop()  # a noun phrase does not start with a postposition
    if not got or all(cls.get(_key(t.group(), lang)) == "det" for t in got):
        return None  # "এই" alone is a determiner of an object, not a speaker
    s, e = got[-1].start(), got[0].end()
    return Span(text[s:e], s, e)


def _speaker_before_cue(
    text: str, lo: int, cue: re.Match[str], frame: str, lex: _Lexicon
) -> Span | None:
    """Speaker of a cue, looking left of it (within [lo, cue.start))."""
    if frame == "passive":
        return None
    cls = lex.classes
    lang = lex.lang
    if lang == "hi" and frame == "ne":
        for tok in reversed(_words(text, lo, cue.start())):
            w = _key(tok.group(), lang)
            if w == "ने":
                return _scan_back(text, lo, tok.start(), lex)
            if cls.get(w) in _PRONOUNS and w.endswith("ने"):
                return Span(tok.group(), tok.start(), tok.end())
        return None
    if lang == "hi" and frame in ("gen", "source"):
        words = _words(text, lo, cue.start())
        if not words:
            return None
        last = words[-1]
        w = _key(last.group(), lang)
        if cls.get(w) in _PRONOUNS:
            return Span(last.group(), last.start(), last.end())
        if cls.get(w) == "gen":
            return _scan_back(text, lo, last.start(), lex)
        return None
    sp = _scan_back(text, lo, cue.start(), lex)
    if lang == "bn" and _adjunct_before(text, lo, cue.start(), lex):
        # X গতকাল রুশ গণমাধ্যমকে জানান: the words before the verb are an adjunct, and
        # the subject stands at the start of the clause
        return _subject_forward(text, lo, cue.start(), lex) or sp
    return sp


_CLAUSE_RE = re.compile("[,;:\u2014\u2013\u0964\u0965]|-\\s|\\.\\s")


def _adjunct_before(text: str, lo: int, hi: int, lex: _Lexicon) -> bool:
    """Does a dative/locative/participle (-কে, -এ) stand right before *hi*?"""
    words = _words(text, max(lo, hi - 60), hi)
    if not words or text[words[-1].end() : hi].strip():
        return False
    w = _key(words[-1].group(), "bn")
    return w.endswith("\u09c7") and lex.classes.get(w) not in _PRONOUNS


def _subject_forward(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """Bengali subject at the start of the clause that ends at *hi* (SOV word order).

    A nominative pronoun (তিনি) anywhere in the clause wins; a participle or locative
    (``…প্রশংসা করে``, ``…জানাতে``, words in -এ) ends a preceding adverbial phrase, so the noun
    phrase starts again after it; a dative (-কে) or an adverb (-ভাবে) ends the subject.
    """
    start = lo
    for m in _CLAUSE_RE.finditer(text, lo, hi):
        if not (m.group()[0] == "." and _abbreviation_before(text, lo, m.start() + 1)):
            start = m.end()
    words = _words(text, start, hi)
    for tok in words:
        if lex.classes.get(_key(tok.group(), "bn")) == "subject":
            return Span(tok.group(), tok.start(), tok.end())
    got: list[re.Match[str]] = []
    right = start
    for tok in words:
        gap = text[right : tok.start()].strip()
        right = tok.end()
        if got and gap and not (gap == "." and _class(lex, got[-1].group()) == "abbr"):
            break
        w = _key(tok.group(), "bn")
        c = lex.classes.get(w)
        if c in _PRONOUNS:
            if not got:
                got.append(tok)
            break
        if any(w.endswith(x) for x in _suffixes(lex, "stop_suffix")):
            break
        if w.endswith("\u09c7"):
            if got and (
                (w.endswith("\u0995\u09c7") and c is None) or tok is words[-1]
            ):  # a dative object, or an adjunct right before the verb: the subject is complete
                break
            got = []  # participle, locative, postposition: the words so far were adverbial
            continue
        if c in ("stop", "skip", "naming") or tok.group().isdigit():
            if got:
                break
            continue
        got.append(tok)
        if len(got) >= 10:
            return None
    if not got or all(lex.classes.get(_key(t.group(), "bn")) == "det" for t in got):
        return None
    s, e = got[0].start(), got[-1].end()
    return Span(text[s:e], s, e)


_SUFFIXES: dict[tuple[str, str], tuple[str, ...]] = {}


def _suffixes(lex: _Lexicon, cls: str) -> tuple[str, ...]:
    """Entries of a suffix class, written with a leading hyphen in the data file."""
    got = _SUFFIXES.get((lex.lang, cls))
    if got is None:
        got = tuple(w.lstrip("-") for w, c in lex.classes.items() if c == cls)
        _SUFFIXES[lex.lang, cls] = got
    return got


def _postposed_subject(text: str, start: int, hi: int, lex: _Lexicon) -> Span | None:
    """Bengali subject after the verb: ``‘…’ বলেন তিনি।`` / ``… দিয়েছেন পুতিন।``."""
    got: list[re.Match[str]] = []
    right = start
    for tok in _words(text, start, hi):
        gap = text[right : tok.start()].strip()
        if gap and not (
            gap == "." and got and lex.classes.get(_key(got[-1].group(), "bn")) == "abbr"
        ):
            break
        c = lex.classes.get(_key(tok.group(), "bn"))
        if c in ("stop", "skip", "naming"):
            return None
        got.append(tok)
        right = tok.end()
        if len(got) > 8:
            return None
    if not got or _TAIL_RE.sub("", text[right:hi]):
        return None
    s, e = got[0].start(), got[-1].end()
    return Span(text[s:e], s, e)


def _cues(text: str, lo: int, hi: int, lex: _Lexicon) -> list[tuple[re.Match[str], str]]:
    if hi <= lo:
        return []
    return [
        (m, lex.frames.get(_key(m.group(), lex.lang), "direct"))
        for m in lex.cue_re.finditer(text, lo, hi)
    ]


def _only_links(text: str, lo: int, hi: int, lex: _Lexicon) -> bool:
    """Is text[lo:hi] nothing but link words (कि, है, যে) and punctuation?"""
    return all(
        _key(w.group(), lex.lang) in lex.links or not w.group().strip(ZWJ + ZWNJ)
        for w in _words(text, lo, hi)
    )


def _attribute_pre(text: str, lo: int, open_pos: int, lex: _Lexicon) -> _Attr | None:
    cues = _cues(text, lo, open_pos, lex)
    if not cues:
        return None
    m, frame = cues[-1]
    framed = _only_links(text, m.end(), open_pos, lex)
    speaker = _speaker_before_cue(text, lo, m, frame, lex)
    punct = bool(_PUNCT_RE.search(text, m.end(), open_pos))
    return _Attr(speaker, Span(m.group(), m.start(), m.end()), "before", framed, punct)


_PUNCT_RE = re.compile("[,:;\u2014\u2013-]")


def _ends_clause(text: str, r: _Raw, sent_hi: int, lex: _Lexicon) -> bool:
    """Does the quote end its clause (sentence end, punctuation, or a cue follows)?

    ``X का कहना है कि ‘जीजे-121’ उन ग्रहों में से नहीं है``: the quote is the subject of a longer
    clause, so it is a fragment even though a cue stands right before it.
    """
    if r.close_mark is None or _ends_with_terminator(text[r.start : r.end]):
        return True
    close_end = r.close_pos + len(r.close_mark)
    tail = text[close_end:sent_hi].lstrip()
    if not tail or not _is_word_char(tail[0]):
        return True
    return lex.cue_re.match(tail) is not None


def _attribute_post(
    text: str, close_end: int, hi: int, lo_pre: int, open_pos: int, lex: _Lexicon
) -> _Attr | None:
    cues = _cues(text, close_end, hi, lex)
    if not cues:
        return None
    m, frame = cues[0]
    cue_start, cue_end = m.start(), m.end()
    for m2, frame2 in cues[1:]:  # adjacent cues form one: ‘…’ বলেও অভিযোগ করেছেন কেউ কেউ
        if text[cue_end : m2.start()].strip():
            break
        cue_end, frame = m2.end(), frame2
    lead = text[close_end:cue_start]
    stripped = lead.lstrip()
    framed = not stripped or stripped[0] in _LEAD_PUNCT or _only_addressee(stripped, lex)
    cue = Span(text[cue_start:cue_end], cue_start, cue_end)
    speaker = None
    if lex.lang == "bn" and frame == "direct":
        speaker = _postposed_subject(text, cue_end, hi, lex)
        if speaker is None:  # ‘…’ আখ্যা দিয়ে তিনি জানিয়েছেন
            for tok in _words(text, close_end, cue_start):
                if lex.classes.get(_key(tok.group(), "bn")) == "subject":
                    speaker = Span(tok.group(), tok.start(), tok.end())
    if speaker is None and framed:
        speaker = _speaker_before_cue(text, close_end, _FakeMatch(cue_start), frame, lex)
    elif speaker is None and lex.lang == "hi" and frame in ("ne", "direct"):
        # headline style without a comma: 'मगरमच्छ…बराबर' सीएम मोहन यादव ने इंदौर में कहा
        sp = _speaker_before_cue(text, close_end, _FakeMatch(cue_start), frame, lex)
        if sp is not None and not text[close_end : sp.start].strip(_LEAD_PUNCT + " "):
            speaker, framed = sp, True
    if speaker is not None:
        return _Attr(speaker, cue, "after", framed)
    if frame != "passive":  # पुलिस इसे ‘पटका’ बताती है: the subject stands before the quote
        if lex.lang == "bn":
            speaker = _subject_forward(text, lo_pre, open_pos, lex)
        else:
            speaker = _speaker_before_cue(text, lo_pre, _FakeMatch(open_pos), frame, lex)
        if speaker is not None:
            return _Attr(speaker, cue, "before", False)
    return _Attr(None, cue, "after", framed)


def _only_addressee(s: str, lex: _Lexicon) -> bool:
    """Bengali "‘…’ বিবিসি বাংলাকে বলেন X": only an addressee (-কে) between quote and cue."""
    if lex.lang != "bn":
        return False
    words = [_key(w.group(), "bn") for w in _WORD_RE.finditer(s)]
    return bool(words) and words[-1].endswith("\u0995\u09c7") and len(words) <= 3


class _FakeMatch:
    """Stands in for a cue match that starts at the opening mark."""

    def __init__(self, pos: int) -> None:
        self._pos = pos

    def start(self) -> int:
        return self._pos


def _word_next_to(text: str, lo: int, hi: int, before: bool) -> str | None:
    """The word right before *hi* (before=True) or right after *lo*, if only spaces between."""
    if before:
        ws = _words(text, max(lo, hi - 40), hi)
        if ws and not text[ws[-1].end() : hi].strip():
            return ws[-1].group()
        return None
    m = _WORD_RE.match(text, lo + len(text[lo:hi]) - len(text[lo:hi].lstrip()))
    return m.group() if m and m.start() < hi else None


def _ends_with_terminator(content: str) -> bool:
    """Does the quoted text end its own sentence (``…है।``, ``…হবে?``)?"""
    return content.rstrip()[-1:] in _TERMINATORS


_BYLINE_RE = re.compile(
    "[ \\t]*\\n?[ \\t]*[-\u2013\u2014][ \\t]*"  # rest of the line or next line: a dash
    f"((?:[{_WCH}]+\\.?[ \\t]*){{1,6}}?)"  # the name: one to six words, abbreviations allowed
    "[ \\t]*(?:,[^\\n]*)?(?=\\n|$)"  # ", designation" up to the end of the line
)


def _byline(text: str, r: _Raw) -> _Attr | None:
    """A pull quote signed on its own line or after a dash: ``'…'- डॉ. जीएल सोढ़ी, सिविल सर्जन``.

    Only the rest of the closing line, or the whole next line, may hold the signature: a dash,
    one to six words (the name, abbreviations allowed), then an optional ", designation".
    """
    if r.close_mark is None:
        return None
    m = _BYLINE_RE.match(text, r.close_pos + len(r.close_mark))
    if m is None:
        return None
    s, e = m.start(1), m.end(1)
    while e > s and text[e - 1].isspace():
        e -= 1
    return _Attr(Span(text[s:e], s, e), None, "after", True)


def _class(lex: _Lexicon, word: str | None) -> str | None:
    return None if word is None else lex.classes.get(_key(word, lex.lang))


def _is_title_word(lex: _Lexicon, word: str | None) -> bool:
    """A title noun, also with a case or classifier ending (বইয়ের, বইটিতে, फ़िल्मों)."""
    if word is None:
        return False
    known = _TITLE_WORDS.setdefault(lex.lang, {})  # (memoized: a scan of every clitic)
    got = known.get(word)
    if got is None:
        w = _key(word, lex.lang)
        got = lex.classes.get(w) == "title" or any(
            w.endswith(x) and lex.classes.get(w[: -len(x)]) == "title"
            for x in _suffixes(lex, "clitic")
        )
        if len(known) > 200_000:  # keep memory flat on endless streams
            known.clear()
        known[word] = got
    return got


_TITLE_WORDS: dict[str, dict[str, bool]] = {}


def _count_words(s: str, limit: int) -> int:
    n = 0
    for _ in _WORD_RE.finditer(s):
        n += 1
        if n >= limit:
            break
    return n


def extract_quotes(text: str, *, sentences: Sequence[Sentence] | None = None) -> list[Quote]:
    """All quotations in one document (paragraphs are lines), with speaker and cue when found.

    *sentences*: ``split_sentences(text)`` when the caller has it already (corpus statistics
    split every document anyway), so that paragraphs with quotes are not split again. It
    must be exactly that list; the result is the same with or without it.
    """
    raws = _pair(text)
    if not raws:
        return []
    doc = _Doc(text, sentences)
    out: list[Quote] = []
    last_named: tuple[str, int] | None = None  # the latest non-pronoun speaker and its offset
    # speaker/cue of top-level quotes by opening offset, for "previous sentence" inheritance
    history: list[tuple[int, int, Span | None, Span | None]] = []
    tops = [r for r in raws if r.depth == 1]
    top_index = {id(r): i for i, r in enumerate(tops)}
    for r in raws:
        content = text[r.start : r.end]
        nwords = _count_words(content, 8)
        line_lo, line_hi, lang = doc.paragraph(r.open_pos)
        kind = "term"
        attr: _Attr | None = None
        conf = 0.6
        if r.depth > 1 or lang is None:
            kind = "term" if nwords < 4 else "partial"
            conf = 0.5
        else:
            lex = _lexicon(lang)
            i = top_index[id(r)]
            prev_close = tops[i - 1].close_pos + len(tops[i - 1].close_mark or "") if i else -1
            next_open = tops[i + 1].open_pos if i + 1 < len(tops) else len(text)
            s_open = doc.sentence_at(r.open_pos, line_lo, line_hi)
            sent_lo = s_open[0] if s_open else line_lo
            pre_lo = max(sent_lo, prev_close, line_lo)
            # the splitter may keep a glued mark in the sentence before ("चाहिए."मुख्य…): the
            # text before the quote starts after the last sentence end before its mark
            cut = _last_sentence_end(text, pre_lo, r.open_pos)
            prev_segment = (pre_lo, cut) if cut is not None else None
            if cut is not None:
                pre_lo = cut
            post_attr = None
            sent_hi = r.para_end
            if r.close_mark is not None:
                close_end = r.close_pos + len(r.close_mark or "")
                s_close = doc.sentence_at(r.close_pos, r.para_start, r.para_end)
                sent_hi = s_close[1] if s_close else r.para_end
                if s_close and s_close[0] == r.close_pos and r.close_pos > sent_lo:
                    sent_hi = close_end  # the splitter put the closing mark into the next sentence
                sent_hi = min(sent_hi, next_open)
                tail = text[close_end:sent_hi].lstrip()
                ends_sentence = (
                    bool(_TERMINATOR_RE.search(content[-2:]))
                    and content.rstrip()[-1:] in ".\u0964\u0965"
                )
                if not (ends_sentence and tail[:1] not in tuple(_LEAD_PUNCT)):
                    post_attr = _attribute_post(text, close_end, sent_hi, pre_lo, r.open_pos, lex)
            pre_attr = _attribute_pre(text, pre_lo, r.open_pos, lex)
            title_before = _word_next_to(text, pre_lo, r.open_pos, True)
            title_after = (
                _word_next_to(text, r.close_pos + len(r.close_mark), sent_hi, False)
                if r.close_mark and not _ends_with_terminator(content)
                else None
            )
            after_close = r.close_pos + len(r.close_mark or "")
            glued = r.close_mark is not None and (
                _is_word_char(text[after_close : after_close + 1] or " ")
                or text[after_close : after_close + 2][:1] == "-"
            )
            short = nwords < 4
            last_word = _WORD_RE.findall(content[-40:])[-1:] or [None]
            is_title = (
                _is_title_word(lex, title_before)
                or (nwords < 6 and _is_title_word(lex, last_word[0]))  # '… सेवा अभियान'
                or _is_title_word(lex, title_after)
                or (short and _class(lex, title_after) in ("postp", "gen"))
                or (glued and nwords < 8)
            )  # ‘…’-এর, '…' में: a quote used as a noun
            if is_title:
                kind, conf = "term", 0.7
            elif pre_attr is not None and pre_attr.framed and _ends_clause(text, r, sent_hi, lex):
                attr, kind, conf = pre_attr, "speech", 0.9
                if short and not _TERMINATOR_RE.search(content) and not pre_attr.punct:
                    kind, conf = "partial", 0.75  # পুলিশ বলছে ‘পটকা’: a fragment, not a sentence
            elif (
                post_attr is not None
                and post_attr.framed
                and post_attr.speaker is not None
                and (nwords >= 3 or _SENTENCE_END_RE.search(content))
            ):  # 'खुशी', महिलाएं बोलीं: a one-word quote before a cue is not a statement
                attr, kind, conf = post_attr, "speech", 0.85
            elif pre_attr is not None and pre_attr.speaker is not None:
                attr, kind, conf = pre_attr, "partial", 0.7
                if text[pre_lo : r.open_pos].rstrip()[-1:] in ":-\u2013\u2014" and (
                    nwords >= 6 or _SENTENCE_END_RE.search(content)
                ):  # X कहते हैं कि ये फैन्टसी है- “…”: a colon or dash introduces speech
                    kind, conf = "speech", 0.8
            elif (
                post_attr is not None
                and post_attr.speaker is not None
                and (lang == "bn" or nwords >= 4 or post_attr.position == "before")
            ):  # Hindi puts the speaker first: after a short quote only its ने-subject counts
                attr, kind, conf = post_attr, "partial", 0.7
            elif (byline := _byline(text, r)) is not None:
                attr, kind, conf = byline, "speech", 0.7
            else:
                prev = None
                for h in reversed(history):  # an earlier quote of the same sentence
                    if h[0] < sent_lo:
                        break
                    if h[2] is not None:
                        prev = _Attr(h[2], h[3], "previous", False)
                        break
                if prev is None:
                    ps = prev_segment or doc.previous_sentence(r.open_pos, line_lo)
                    if ps is not None:
                        prev = _previous_attr(text, ps, history, lex)
                long = _count_words(content, 6) >= 6 or bool(_SENTENCE_END_RE.search(content))
                if prev is not None and (long or nwords > 1):
                    # a one-word quote with no cue in its sentence is a name or label
                    attr = prev
                    kind, conf = ("speech", 0.5) if long else ("partial", 0.4)
                elif long:
                    kind, conf = "speech", 0.3
                    attr = pre_attr or post_attr
                else:
                    kind, conf = "term", 0.6
            if r.close_mark is None:
                conf = round(conf - 0.1, 2)
            history.append(
                (r.open_pos, r.end, attr.speaker if attr else None, attr.cue if attr else None)
            )
        speaker = attr.speaker if attr else None
        resolved = None
        if speaker is not None and lang is not None:
            lex = _lexicon(lang)
            if lex.classes.get(_key(speaker.text, lang)) in _PRONOUNS:
                resolved = _resolve(doc, r.open_pos, line_lo, lex, last_named)
            else:
                last_named = (speaker.text, speaker.start)
        out.append(
            Quote(
                text=content,
                start=r.start,
                end=r.end,
                open_mark=r.open_mark,
                close_mark=r.close_mark,
                closed=r.close_mark is not None,
                continued=r.continued,
                kind=kind,
                speaker=speaker,
                cue=attr.cue if attr else None,
                speaker_position=attr.position if attr and speaker else None,
                resolved=resolved,
                confidence=conf,
                line=r.line,
            )
        )
    return out


def _resolve(
    doc: _Doc, pos: int, line_lo: int, lex: _Lexicon, last: tuple[str, int] | None
) -> str | None:
    """The most recent named speaker before *pos*: of a quote, or the subject of a cue in one of
    the three sentences before (``X সাংবাদিকদের সঙ্গে কথা বলেন। ‘…’, বলেন তিনি।``)."""
    text = doc.text
    lo = line_lo
    sent = doc.sentence_at(pos, line_lo, _line_end(text, pos))
    at = sent[0] if sent else pos
    for _ in range(3):
        ps = doc.previous_sentence(at, lo)
        if ps is None or (last is not None and ps[1] <= last[1]):
            break
        if _lang(text, ps[0], ps[1]) == lex.lang:
            for m, frame in reversed(_cues(text, ps[0], ps[1], lex)):
                sp = _speaker_before_cue(text, ps[0], m, frame, lex)
                if (
                    sp is not None
                    and lex.classes.get(_key(sp.text, lex.lang)) not in _PRONOUNS
                    and (last is None or sp.start > last[1])
                ):
                    return sp.text
        at = ps[0]
        lo = text.rfind("\n", 0, at) + 1
    return last[0] if last else None


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _previous_attr(
    text: str,
    ps: tuple[int, int],
    history: list[tuple[int, int, Span | None, Span | None]],
    lex: _Lexicon,
) -> _Attr | None:
    """Speaker of the previous sentence: its last quote's, else its last cue's."""
    lo, hi = ps
    for pos, end, speaker, cue in reversed(history):
        if end < lo:
            break
        if pos < hi and speaker is not None:  # a quote in (or running through) that sentence
            return _Attr(speaker, cue, "previous", False)
    if _lang(text, lo, hi) != lex.lang:
        return None
    for m, frame in reversed(_cues(text, lo, hi, lex)):
        speaker = _speaker_before_cue(text, lo, m, frame, lex)
        if speaker is None and lex.lang == "bn" and frame == "direct":
            speaker = _postposed_subject(text, m.end(), hi, lex)
        if speaker is not None:
            return _Attr(speaker, Span(m.group(), m.start(), m.end()), "previous", False)
    return None
