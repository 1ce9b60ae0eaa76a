"""Characters, comparison keys and sentence lookup shared by the passes of quote extraction.

Why a module of its own: pairing, frames and the resolver all need the same notion of a word
(Indic letters with their vowel signs and joiners), of a sentence end (``।``, ``.``, also the BBC
Hindi ``है.वो`` glued form) and of equal words (precomposed or decomposed nukta letters).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from newskit.scripts import INDIC_MARK, ZWJ, ZWNJ

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from newskit.segment import Sentence


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


def _last_sentence_end(text: str, start: int, p: int, first: bool = False) -> int | None:
    """Offset just after the last (or *first*) sentence terminator in text[start:p], None if
    there is none. Glued BBC Hindi ends (``है.वो``) count; abbreviations (``মি.``) do not."""
    end = None
    for m in _SENTENCE_END_GLUED_RE.finditer(text, start, p):
        if m.group()[0] == "." and _abbreviation_before(text, start, m.start() + 1):
            continue  # মি. বাগ: an abbreviation, not a sentence end
        end = m.start() + 1
        if first:
            break
    return end


def _abbreviation_before(text: str, lo: int, dot_end: int) -> bool:
    """Is the full stop ending at *dot_end* the one of an abbreviation (মি., ডা., डॉ.)?"""
    from newskit.segment import abbreviations  # the team's list, shared with the splitter

    word = _WORD_BEFORE_RE.search(text, max(lo, dot_end - 12), dot_end)
    return word is not None and (
        word.group(1) in abbreviations() or word.group(1) in _name_abbreviations()
    )


@lru_cache(maxsize=1)
def _name_abbreviations() -> frozenset[str]:
    """The honorifics of quote_words.tsv (class ``abbr``: মিজ., ডা.) that the splitter's list
    may lack: a full stop after them never ends a quoted sentence."""
    from newskit.quotes._lexicon import _lexicon

    return frozenset(
        w for lang in ("hi", "bn") for w, c in _lexicon(lang).classes.items() if c == "abbr"
    )


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


def _count_words(s: str, limit: int) -> int:
    n = 0
    for _ in _WORD_RE.finditer(s):
        n += 1
        if n >= limit:
            break
    return n


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e
