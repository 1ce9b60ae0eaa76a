"""Lossless word and sentence segmentation for Hindi and Bengali news text.

Why a module of our own: indic-nlp-library's ``trivial_tokenize`` leaves curly quotes, ``—`` and
``৷`` glued to words and shreds URLs and Indic-digit numbers, and its ``sentence_split`` drops
text after abbreviations and never splits at a line break (see ``/work/shared/notes``). News
pipelines need exact character offsets into the raw input, so every function here returns spans:
``text[t.start:t.end] == t.text`` always holds and no character is added, dropped or changed.

Tokens follow the Universal Dependencies conventions of UD Hindi (HDTB/PUD), applied to Bengali
too: punctuation and every quote mark are split off, while numbers (``1,00,000``, ``१,२५०.५``,
``2015-2016``, ``$5,000``), URLs, e-mail addresses, @handles, #hashtags, abbreviations with their
period (``डॉ.``, ``বি.এন.পি.``) and Bengali apostrophe words (``দু’টি``, ``’৭১``) stay whole.

Sentences end at ``।``, ``॥``, ``৷``, ``?``, ``!`` and at a ``.`` that is a full stop (BBC Hindi
writes ``.``, sometimes glued: ``है.सईद``), together with the closing quotes and brackets that
follow; a line break always ends a sentence. Quote state is deliberately *not* carried across
sentence ends, so an unbalanced quote can never swallow the rest of a document.

Speed: one compiled :mod:`regex` pattern drives the tokenizer (``finditer`` over the text); the
sentence splitter only looks at terminator characters and consults the tokenizer for the few
``.`` whose role is unclear, so it runs much faster than tokenization. What the commands print
(tokenized text, sentence text) has faster paths that work on whole blocks with ``str`` methods
and stdlib :mod:`re`, and hand only the unusual lines or pieces to the general code; the tests
check them against it.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import TypeVar

import regex

from newskit._data import data_text
from newskit.languages import fallback_chain, languages
from newskit.scripts import (
    BEN_DIGIT,
    INDIC_DIGIT,
    INDIC_LETTER,
    INDIC_MARK,
    NUKTAS,
    PIECE,
    VIRAMAS,
    ZWJ,
    ZWNJ,
    find_all,
    line_pieces,
)

__all__ = [
    "KINDS",
    "Sentence",
    "Token",
    "abbreviations",
    "initials",
    "iter_sentences",
    "iter_tokens",
    "piece_tokens",
    "segmentation_rules",
    "sentence_columns",
    "sentence_lines",
    "split_sentences",
    "token_columns",
    "token_kind",
    "token_strings",
    "tokenize",
    "tokenized_text",
]

#: Every value :attr:`Token.kind` can take.
KINDS = (
    "word",
    "number",
    "punct",
    "symbol",
    "url",
    "email",
    "handle",
    "hashtag",
    "abbr",
    "other",
)

#: Languages whose abbreviation lists are loaded (``data/<lang>/abbreviations.txt``). The lists
#: are merged because news text mixes scripts (English abbreviations occur in Hindi text).
ABBREVIATION_LANGS = ("hi", "bn", "en")
#: Files that make a language's segmentation differ from the default (hi + bn + en lists).
_RULE_FILES = ("abbreviations.txt", "initials.txt", "rules.tsv")
#: The keys of ``rules.tsv`` that are segmentation rules (Sanskrit's file has only a
#: normalization rule: Sanskrit segments by the default lists).
_SEGMENT_RULES = ("reporting_clause", "reporting_openers")

# The language whose rules apply (see _rules_key), set by a public function's ``lang=`` for the
# duration of the call. Why a context variable and not a parameter: about thirty helpers (fast
# paths, cached patterns) consult the abbreviation lists; threading ``lang`` through all of them
# would touch every path, while ``lang=None`` must stay exactly today's Hindi/Bengali code. A
# ContextVar is per thread and per asyncio task, so concurrent calls never see each other's.
_RULES: ContextVar[str | None] = ContextVar("newskit_segment_rules", default=None)
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its exact text and its span in the text that was tokenized."""

    text: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its exact text (no surrounding whitespace) and its span."""

    text: str
    start: int
    end: int

    def tokens(self, lang: str | None = None) -> list[Token]:
        """Tokens of this sentence, with offsets into the text the sentence came from."""
        return tokenize(self.text, offset=self.start, lang=lang)


# -- data ---------------------------------------------------------------------------------------


def _read_list(lang: str, name: str) -> list[str]:
    """Entries of ``data/<lang>/<name>``: one per line, ``#`` starts a comment line."""
    try:
        text = data_text(lang, name)
    except FileNotFoundError:
        return []
    entries = []
    for line in text.splitlines():
        entry = line.strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return entries


# Precomposed nukta letters (composition exclusions: NFC decomposes them, news text often
# does not), so that ज़ेड. matches whichever way it was typed.
_PRECOMPOSED = {
    unicodedata.normalize("NFD", chr(c)): chr(c)
    for c in (*range(0x0958, 0x0960), 0x09DC, 0x09DD, 0x09DF)
}


def _variants(entry: str) -> set[str]:
    """An entry as written, NFC, NFD and with precomposed nukta letters (input is raw)."""
    nfc = unicodedata.normalize("NFC", entry)
    composed = nfc
    for seq, ch in _PRECOMPOSED.items():
        composed = composed.replace(seq, ch)
    return {entry, nfc, unicodedata.normalize("NFD", entry), composed}


@lru_cache(maxsize=64)
def _rules_key(lang: str | None) -> str | None:
    """The language whose own segmentation files apply to *lang*, or None for the default.

    The first language of *lang*'s fallback chain (``data/languages.tsv``) that has one of
    :data:`_RULE_FILES` and is not one of the default lists' languages: ``mr`` for Marathi and
    Konkani, ``ne``, ``as``; None for Hindi, Bengali, English, Maithili, Bhojpuri, Sanskrit
    (they segment by the default lists), and for an unknown code.
    """
    if lang is None or lang not in languages():
        return None
    for code in fallback_chain(lang):
        if code in ABBREVIATION_LANGS:
            return None
        for name in _RULE_FILES:
            try:
                text = data_text(code, name)
            except FileNotFoundError:
                continue
            if name != "rules.tsv" or any(
                line.split("\t")[0].strip() in _SEGMENT_RULES for line in text.splitlines()
            ):
                return code
    return None


def segmentation_rules(lang: str | None) -> str | None:
    """Whose segmentation rules apply to *lang*: a code with rules of its own, or None for
    the default lists (Hindi, Bengali and English), which every other language uses.

    Callers that memoize segmentation results (``newskit stats`` keeps the tokens of every
    distinct piece of text) keep one memo per answer: the same text may segment differently
    under another language's rules (``सौ.`` is one token in Marathi).

    >>> [segmentation_rules(x) for x in ("hi", "mr", "kok", "sa", "as", None)]
    [None, 'mr', 'mr', None, 'as', None]
    """
    return _rules_key(lang)


def _rules_langs(key: str | None) -> tuple[str, ...]:
    return ABBREVIATION_LANGS if key is None else (*ABBREVIATION_LANGS, key)


def abbreviations(lang: str | None = None) -> frozenset[str]:
    """All known abbreviations (without their final period): ``डॉ``, ``মো``, ``Mr`` ...

    *lang* adds that language's own list (``data/mr/abbreviations.txt`` ...) to the Hindi,
    Bengali and English ones; without it, the lists of the call in progress apply.
    """
    return _abbreviations(_RULES.get() if lang is None else _rules_key(lang))


@lru_cache(maxsize=16)
def _abbreviations(key: str | None) -> frozenset[str]:
    entries: set[str] = set()
    for lang in _rules_langs(key):
        for entry in _read_list(lang, "abbreviations.txt"):
            entries |= _variants(entry)
    return frozenset(entries)


def initials(lang: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """Letter names used as initials: (safe alone, only inside a sequence like ``के.आर.``)."""
    return _initials(_RULES.get() if lang is None else _rules_key(lang))


@lru_cache(maxsize=16)
def _initials(key: str | None) -> tuple[frozenset[str], frozenset[str]]:
    alone: set[str] = set()
    in_sequence: set[str] = set()
    for lang in _rules_langs(key):
        for entry in _read_list(lang, "initials.txt"):
            name, _, flag = entry.partition("\t")
            (in_sequence if flag.strip() == "word" else alone).update(_variants(name.strip()))
    return frozenset(alone), frozenset(in_sequence)


def _in_rules(lang: str | None, fn: Callable[..., _T], *args: object) -> _T:
    """``fn(*args)`` with the segmentation rules of *lang* (see ``_RULES``)."""
    key = _rules_key(lang)
    if key == _RULES.get():
        return fn(*args)
    token = _RULES.set(key)
    try:
        return fn(*args)
    finally:
        _RULES.reset(token)


# -- the token pattern ---------------------------------------------------------------------------

# Whitespace exactly as ``str.isspace`` defines it, so that ``str.strip``/``split`` and the
# pattern agree on what separates tokens (regex's ``\s`` differs for U+001C..U+001F).
_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_WS_CLASS = regex.escape(_WS, special_only=False)
_WS_CLASS_RE = "".join(map(re.escape, _WS))
# Whitespace that does not end a line (between spaced initials: बी. सी.).
_HSPACE = regex.escape(_WS.replace("\n", ""), special_only=False)

_JOINERS = ZWJ + ZWNJ
# Combining marks (any script) and joiners that must stay with the character before them.
_MARKS = rf"[\p{{M}}{_JOINERS}]"
# One Devanagari/Bengali orthographic syllable (conjuncts included): used for initials.
_AKSHARA = (
    rf"[{INDIC_LETTER}](?:[{NUKTAS}]?[{VIRAMAS}][{_JOINERS}]?[{INDIC_LETTER}])*"
    rf"[{INDIC_MARK}{_JOINERS}]*"
)
# (whitespace as everywhere here: regex's ``\s`` would let a URL run on through U+001C..U+001F)
_CLOSE_URL = _WS_CLASS + r"\"“”‘’<>()\[\]{}"
_BEN = r"\u0980-\u09ff"
_INDIC = INDIC_LETTER + INDIC_MARK

# Order matters: the first alternative that matches at a position wins. Each match first
# consumes the whitespace before the token (the token is the named group that matched), and the
# first two alternatives are fast paths for the common case: a run of letters followed by
# whitespace or plain punctuation (no "." "-" "@" "'" ":" after it, which could make it part of an
# abbreviation, e-mail address, URL, apostrophe word ...), and plain punctuation.
_FAST_FOLLOW = r"[\s,;?!।॥৷()\[\]{}\"“”‘«»]"
_WS_PREFIX = rf"[{_WS_CLASS}]*+"
_TOKEN_ALTS = rf"""
(?:(?P<w>[^\W\d_]++(?={_FAST_FOLLOW}|\Z))
|(?P<p>[,;?!।॥৷()\[\]{{}}“”‘«»](?!{_MARKS}))
|(?P<url>(?:https?://|ftp://|www\.)[^{_CLOSE_URL}]*[^{_CLOSE_URL}.,;:!?'।॥৷])
|(?P<email>(?<![\w+-])\w[\w.+-]*@\w[\w-]*(?:\.\w[\w-]*)+)
|(?P<handle>(?<!\w)@\w+)
|(?P<hashtag>(?<!\w)\#\w+)
|(?P<abbr>(?<!\w)
    (?:(?:\L<abbr>|\L<initial>)\.(?:(?:\L<abbr>|\L<component>|{_AKSHARA}|[A-Za-z])\.)*
      |(?:(?:\L<component>|{_AKSHARA}|[A-Za-z])\.){{2,}}
      |[A-Z]\.(?![A-Za-z])
      |\L<component>\.(?<=(?<![\w.])(?:\L<component>|[A-Z])\.[{_HSPACE}]+\L<component>\.)
    )(?!\.))
|(?P<number>\$?(?:\d+(?:-\d+)+(?![.,:/]\d)|\d+(?:[.,:/]\d+)*)\w*)
|(?P<word>(?:(?<!\w)[’'][{BEN_DIGIT}]{{2}}(?!\w)
    |\w+(?:(?<=[{_BEN}])[’'](?=[{_BEN}])\w+|(?<=[{_INDIC}]):(?=[{INDIC_LETTER}])\w+)*))
|(?P<punct>''|``|--|\.\.+|[^\w{_WS_CLASS}\p{{S}}]{_MARKS}*)
|(?P<symbol>\p{{S}}{_MARKS}*)
)"""
_TOKEN_PATTERN = _WS_PREFIX + _TOKEN_ALTS


_KIND_OF_GROUP = {"w": "word", "p": "punct", **{k: k for k in KINDS}}


def _compile(pattern: str, key: str | None) -> regex.Pattern[str]:
    alone, in_sequence = _initials(key)
    return regex.compile(
        pattern,
        regex.VERBOSE | regex.V0,
        abbr=sorted(_abbreviations(key)),
        initial=sorted(alone),
        component=sorted(alone | in_sequence),
    )


def _token_re() -> regex.Pattern[str]:
    """The compiled token pattern (compiled on first use: keeps ``import newskit`` fast)."""
    return _token_re_for(_RULES.get())


@lru_cache(maxsize=16)
def _token_re_for(key: str | None) -> regex.Pattern[str]:
    return _compile(_TOKEN_PATTERN, key)


def _split_re() -> regex.Pattern[str]:
    return _split_re_for(_RULES.get())


@lru_cache(maxsize=16)
def _split_re_for(key: str | None) -> regex.Pattern[str]:
    """The same pattern as ``(whitespace)(token)`` with no other groups, for ``Pattern.split``.

    Why: ``split`` cuts the whole text in C, and the offsets follow from the running sum of
    the pieces' lengths, so no Python code runs per token on the fast path.
    """
    alts = regex.sub(r"\(\?P<\w+>", "(?:", _TOKEN_ALTS)
    return _compile(f"({_WS_PREFIX})({alts})", key)


class _KindCache(dict[str, str]):
    """Token text -> kind, computed once per distinct token (kinds do not depend on context)."""

    def __missing__(self, tok: str) -> str:
        m = _token_re().fullmatch(tok)
        if m is None:  # an initial that needed the initial before it ("बी. सी.")
            kind = "abbr" if tok.endswith(".") else "word"
        else:
            kind = _KIND_OF_GROUP[m.lastgroup or "other"]
            if kind == "number" and not tok[-1].isdigit():
                kind = "word"  # a number glued to letters (8वीं, ৫০টি, 2C) is one word, as in UD
        if len(self) > 500_000:  # keep memory flat on endless streams
            self.clear()
        self[tok] = kind
        return kind


_KINDS = _KindCache()


def token_kind(token: str) -> str:
    """The kind of a token (one of :data:`KINDS`), from its text alone, memoized.

    >>> token_kind("डॉ."), token_kind("১২৩"), token_kind("।")
    ('abbr', 'number', 'punct')
    """
    return _KINDS[token]


_INNER_APOS_RE = regex.compile(r"(?<=\w)[’'](?=\w)")
_CLOSING_APOS_RE = regex.compile(r"’(?!\w)")
_SCOPE_END_RE = regex.compile(r"[।॥৷?!.]+[”’»)\]}›\"']*")


# -- tokenization --------------------------------------------------------------------------------


def _fix_apostrophes(text: str, toks: list[str], starts: list[int], ends: list[int]) -> None:
    """Split ``…’সহ`` into ``…``, ``’``, ``সহ`` where the ``’`` closes an open ``‘`` (in place).

    Why: ``’`` between Bengali letters is an apostrophe (``দু’টি``, kept in the word) unless a
    single quote is open; then it is the closing mark plus a clitic. "Open" is judged within the
    current sentence (since the last terminator), so that an unclosed ``‘`` cannot split every
    apostrophe word after it, and a sentence tokenized alone gets the same tokens.
    """
    closing: list[int] = []  # inner marks found to close a quote, in text order
    for m in _INNER_APOS_RE.finditer(text):
        pos = m.start()
        scope = text.rfind("\n", 0, pos) + 1
        for end in _SCOPE_END_RE.finditer(text, scope, pos):
            scope = end.end()
        before = text[scope:pos]
        opened = before.count("‘")
        if not opened:
            continue
        closed = len(_CLOSING_APOS_RE.findall(before)) + sum(1 for c in closing if c >= scope)
        if opened > closed:
            closing.append(pos)
    for pos in reversed(closing):
        i = bisect_right(starts, pos) - 1
        if i < 0 or not (starts[i] < pos < ends[i] - 1):
            continue
        tok, start = toks[i], starts[i]
        cut = pos - start
        pieces = [tok[:cut], tok[cut], tok[cut + 1 :]]
        toks[i : i + 1] = pieces
        starts[i : i + 1] = [start, pos, pos + 1]
        ends[i : i + 1] = [pos, pos + 1, ends[i]]


def _spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """Token texts, start and end offsets of *text*: the C-speed core of the tokenizer."""
    parts = _split_re().split(text)
    cum = list(accumulate(map(len, parts)))
    toks, starts, ends = parts[2::3], cum[1::3], cum[2::3]
    if "‘" in text:
        _fix_apostrophes(text, toks, starts, ends)
    return toks, starts, ends


def tokenize(text: str, offset: int = 0, lang: str | None = None) -> list[Token]:
    """All tokens of *text* in order; offsets are into *text* plus *offset*.

    Whitespace (as ``str.isspace`` defines it, newlines and NBSP included) only separates
    tokens; every other character belongs to exactly one token. *lang* (a code of
    ``data/languages.tsv``) adds that language's abbreviations and initials (``mr``: ``सौ.``,
    ``यु.एस.``); None, ``hi`` and ``bn`` use the Hindi, Bengali and English lists.
    """
    if lang is not None and _rules_key(lang) != _RULES.get():
        return _in_rules(lang, tokenize, text, offset)
    toks, starts, ends = _spans(text)
    if offset:
        starts = [s + offset for s in starts]
        ends = [e + offset for e in ends]
    kinds = map(_KINDS.__getitem__, toks)
    return list(map(Token, toks, starts, ends, kinds))


def token_columns(
    text: str, lang: str | None = None
) -> tuple[list[str], list[int], list[int], list[str]]:
    """The tokens of *text* as four parallel lists: texts, starts, ends, kinds.

    Exactly :func:`tokenize` without a :class:`Token` object per token, for callers that only
    count or aggregate (corpus statistics), where building millions of objects would dominate.
    """
    if lang is not None and _rules_key(lang) != _RULES.get():
        return _in_rules(lang, token_columns, text)
    toks, starts, ends = _spans(text)
    return toks, starts, ends, list(map(_KINDS.__getitem__, toks))


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of *text*, its newline included."""
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        nl = n if nl < 0 else nl + 1
        yield pos, nl
        pos = nl


def iter_tokens(text: str, offset: int = 0, lang: str | None = None) -> Iterator[Token]:
    """Yield the tokens of *text* line by line (same results as :func:`tokenize`).

    Memory stays proportional to the longest line, not to the text.
    """
    for pos, nl in _line_spans(text):
        yield from tokenize(text[pos:nl], offset + pos, lang)


def token_strings(text: str, lang: str | None = None) -> list[str]:
    """Just the token texts of *text*, in order (the fast path: no offsets, no kinds)."""
    return tokenized_text(text, lang).split()


# -- sentences ----------------------------------------------------------------------------------

# Candidate sentence ends: runs of terminators. ``.`` is checked further, the others are final.
_TERM_RE = re.compile(r"[।॥৷?!.]+|\n")
# What may follow a terminator and still belong to the sentence: closing quotes and brackets.
_CLOSERS = "”’»)]}\"'›"
_STRAIGHT = "\"'"
# After a terminator and its closers, these mean the sentence goes on (or ends later).
_NOT_AFTER_END = "।॥৷?!,;:"
_HAS_WORD_RE = regex.compile(r"[\w\p{S}]")
# A straight quote right after a sentence end whose role depends on the quotes before it
# (glued to the next word, or alone after a space): the general path counts them.
_QUOTE_AMBIGUITY_RE = re.compile(
    rf"[।॥৷?!.][”’»)\]}}›\"']*(?:[\"'][^{_WS_CLASS_RE}\"'”’»)\]}}›,;:।॥৷?!.]"
    rf"|[{_WS_CLASS_RE}]+[\"']+(?:[{_WS_CLASS_RE}]|$))"
)
# A word made only of Devanagari/Bengali letters and marks.
_PLAIN_WORD_RE = re.compile(rf"[{INDIC_LETTER}{INDIC_MARK}{ZWJ}{ZWNJ}]+")
_APOS_YEAR_RE = regex.compile(rf"[’'][{BEN_DIGIT}]{{2}}(?!\w)")
# A sentence boundary in an easy line: after a terminator and its closing marks, either the
# whitespace there (captured, so that offsets can be summed) or, when the next sentence is glued
# on, an empty match before anything that does not continue the sentence.
# (stdlib re: for this simple pattern it is several times faster than the regex module)
_EASY_SPLIT_RE = re.compile(
    rf"([।॥৷?!.]+[”’»)\]}}›\"']*)"
    rf"((?:[{_WS_CLASS_RE}]+)|(?=[^{_WS_CLASS_RE},;:।॥৷?!.”’»)\]}}›\"']))"
)
# The letters-and-marks word that ends right before a ".". (Searched in reverse, from the
# dot: a forward search tries every start in its 40-character window, ten times slower.)
_WORD_BEFORE_DOT_RE = regex.compile(r"(?r)[^\W\d_]+$")
_PROTECT_HINT_RE = regex.compile(r"@|://|www\.")
# Tokens whose inner "." "?" "!" never end a sentence.
_PROTECTED_RE = regex.compile(
    rf"(?:https?://|ftp://|www\.)[^{_CLOSE_URL}]*[^{_CLOSE_URL}.,;:!?'।॥৷]"
    r"|(?<![\w+-])\w[\w.+-]*@\w[\w-]*(?:\.\w[\w-]*)+"
)


def _names() -> frozenset[str]:
    """Every abbreviation and initial: a word before "." that may not be a full stop."""
    return _names_for(_RULES.get())


@lru_cache(maxsize=16)
def _names_for(key: str | None) -> frozenset[str]:
    alone, in_sequence = _initials(key)
    names = _abbreviations(key) | alone | in_sequence
    if key is not None:
        # the parts of a dotted entry (वि in वि.सं.): a "." after one is left to the tokenizer,
        # which keeps the whole abbreviation one token (the default lists keep today's rule)
        names |= {part for name in names if "." in name for part in name.split(".") if part}
    return names


def _dot_is_full_stop(line: str, s: int) -> bool:
    """Decide whether the ``.`` at ``line[s]`` ends a sentence, by asking the tokenizer.

    Why the tokenizer: the period of an abbreviation, an initial, a number, a URL or an e-mail
    address is part of a token; only a ``.`` that is a token of its own is a full stop.
    """
    prev = line[s - 1] if s else " "
    if not (prev.isalnum() or unicodedata.category(prev)[0] == "M"):
        return True  # after a quote, bracket, space ...: nothing to protect
    nxt = line[s + 1] if s + 1 < len(line) else " "
    if prev.isdigit() and nxt.isdigit():
        return False
    if prev.isascii() and nxt.isascii() and prev.isalnum() and nxt.isalnum():
        return False  # bbc.com, e.g
    # fast path: a plain word before the dot that is no abbreviation or initial
    m = _WORD_BEFORE_DOT_RE.search(line, max(0, s - 40), s)
    if m is not None and (m.start() == 0 or line[m.start() - 1] in _WS):
        word = m.group()
        if len(word) > 1 and not word.isascii() and word not in _names():
            return True
    # the whitespace-delimited chunk around the dot
    cs = s
    while cs > 0 and not line[cs - 1].isspace():
        cs -= 1
    ce = s + 1
    n = len(line)
    while ce < n and not line[ce].isspace():
        ce += 1
    pos = cs
    for tok in _chunk_tokens(line, cs, ce):
        if pos <= s < pos + len(tok):
            return tok == "."
        pos += len(tok)
    return True


def _absorb_closers(line: str, pending: int, e: int, end_all: int) -> int:
    """Extend a sentence end *e* over the closing quotes and brackets that follow it.

    Curly closers always belong to the sentence before them. A straight ``"``/``'`` is closing
    when whitespace, another closer or the line end follows it, or when the sentence so far holds
    an odd number of that mark (``आहे? " जेम्स``: the quote is open, so the lone mark closes it).
    """
    n = len(line)
    while e < end_all:
        c = line[e]
        if c in _CLOSERS:
            if c in "’'" and _APOS_YEAR_RE.match(line, e):
                break  # ’৭১ is a year (one token), not a closing quote
            width = 1
            if c in _STRAIGHT:
                if line.startswith("''", e):
                    c, width = "''", 2  # two apostrophes used as one double quote
                nxt = line[e + width] if e + width < n else " "
                glued = not (nxt.isspace() or nxt in _CLOSERS or nxt in _NOT_AFTER_END)
                if glued and line.count(c, pending, e) % 2 == 0:
                    break  # a straight quote glued to the next word opens the next sentence
            e += width
            continue
        if c.isspace() and c != "\n":
            # "आहे? " जेम्स": a lone straight quote after a space closes an open quote
            q = e
            while q < end_all and line[q].isspace() and line[q] != "\n":
                q += 1
            if (
                q < end_all
                and line[q] in _STRAIGHT
                and (q + 1 >= end_all or line[q + 1].isspace())
                and line.count(line[q], pending, e) % 2 == 1
            ):
                e = q + 1
                continue
        break
    return e


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted spans of the URLs and e-mail addresses in *text* (their "." "?" are not ends).

    Why not one regex pass over the text: the e-mail pattern would be tried at every word;
    instead only the whitespace-delimited chunks around ``@``/``://``/``www.`` are scanned.
    """
    spans: set[tuple[int, int]] = set()
    n = len(text)
    for m in _PROTECT_HINT_RE.finditer(text):
        cs = m.start()
        while cs > 0 and not text[cs - 1].isspace():
            cs -= 1
        ce = m.end()
        while ce < n and not text[ce].isspace():
            ce += 1
        spans.update(p.span() for p in _PROTECTED_RE.finditer(text, cs, ce))
    return sorted(spans)


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of *text*, in one pass over its terminators.

    Why one loop over ``[।॥৷?!.]+|\n`` matches: only those positions can end a sentence, so
    the Python code runs once per candidate end, not per character or token.
    """
    bounds: list[tuple[int, int]] = []
    n = len(text)
    pending = 0  # start of the sentence being built (a non-space character)
    while pending < n and text[pending].isspace():
        pending += 1
    para_start = pending  # first sentence start of the current paragraph
    protected: list[tuple[int, int]] = []
    if "://" in text or "www." in text or "@" in text:
        protected = _protected_spans(text)
    for m in _TERM_RE.finditer(text):
        s, e = m.span()
        if e <= pending:
            continue
        c0 = text[s]
        if c0 == "\n":  # a line break ends the paragraph and its last sentence
            b = s
            while text[b - 1].isspace():
                b -= 1
            if b > pending:
                _add(text, bounds, pending, b, para_start)
            pending = e
            while pending < n and text[pending].isspace():
                pending += 1
            para_start = pending
            continue
        if protected:
            i = bisect_right(protected, (s, n + 1)) - 1
            if i >= 0 and protected[i][0] <= s < protected[i][1]:
                continue
        if c0 == "." and text.count(".", s, e) == e - s:
            if e - s > 1:
                continue  # an ellipsis "..." does not end a sentence
            if not _dot_is_full_stop(text, s):
                continue
        c = text[e] if e < n else ""
        if c in _CLOSERS or (c in " \t\xa0" and e + 1 < n and text[e + 1] in _STRAIGHT):
            e = _absorb_closers(text, pending, e, n)
            c = text[e] if e < n else ""
        if c and c in _NOT_AFTER_END:
            continue  # more terminators ("?”।") or a comma ("!”, she said") follow
        _add(text, bounds, pending, e, para_start)
        pending = e
        while pending < n and text[pending].isspace():
            if text[pending] == "\n":
                para_start = -1  # the next sentence starts a new paragraph
            pending += 1
        if para_start < 0:
            para_start = pending
    if pending < n:
        b = n
        while text[b - 1].isspace():
            b -= 1
        if b > pending:
            _add(text, bounds, pending, b, para_start)
    return bounds


def _add(text: str, bounds: list[tuple[int, int]], a: int, b: int, para_start: int) -> None:
    """Append sentence ``[a, b)``, or glue it to the previous one if it has no word in it.

    Why: a stray terminator (``না ! !``) is not a sentence of its own; it is only glued within
    a paragraph, so a line made of punctuation still stays a sentence.
    """
    glue = b - a <= 3 and bounds and bounds[-1][0] >= para_start
    if glue and not _HAS_WORD_RE.search(text, a, b):
        bounds[-1] = (bounds[-1][0], b)
    else:
        bounds.append((a, b))


def iter_sentences(text: str, lang: str | None = None) -> Iterator[Sentence]:
    """Yield the sentences of *text* paragraph by paragraph (see :func:`split_sentences`).

    Memory stays proportional to the longest line, not to the text.
    """
    for pos, nl in _line_spans(text):
        texts, starts, ends = sentence_columns(text[pos:nl], lang)
        yield from map(Sentence, texts, map(pos.__add__, starts), map(pos.__add__, ends))


def split_sentences(text: str, lang: str | None = None) -> list[Sentence]:
    """The sentences of *text*, which may hold many lines; a newline always ends a sentence.

    Sentences exclude the whitespace around them; every other character of *text* is in exactly
    one sentence, so joining the sentences' texts gives *text* minus inter-sentence whitespace.
    *lang* adds that language's abbreviations, initials and sentence rules
    (``data/<lang>/rules.tsv``: in Marathi and Nepali a short reporting clause after a quotation,
    ``"…?" राजाने विचारले.``, belongs to the quotation's sentence, as in UD Marathi).
    """
    return list(map(Sentence, *sentence_columns(text, lang)))


def sentence_columns(text: str, lang: str | None = None) -> tuple[list[str], list[int], list[int]]:
    """The sentences of *text* as three parallel lists: texts, starts, ends.

    Exactly :func:`split_sentences` without a :class:`Sentence` object per sentence.
    """
    if lang is None:
        return _sentence_columns(text)
    key = _rules_key(lang)
    cols = _in_rules(lang, _sentence_columns, text) if key != _RULES.get() else None
    if cols is None:
        cols = _sentence_columns(text)
    rules = _rules(key)
    if rules.get("reporting_clause") == "yes" and len(cols[0]) > 1:
        cols = _join_reporting_clauses(text, cols, key)
    return cols


@lru_cache(maxsize=16)
def _rules(key: str | None) -> dict[str, str]:
    """``data/<key>/rules.tsv`` as a dict (key -> value); empty for the default rules."""
    out: dict[str, str] = {}
    if key is not None:
        for entry in _read_list(key, "rules.tsv"):
            name, _, value = entry.partition("\t")
            out[name.strip()] = value.strip()
    return out


@lru_cache(maxsize=16)
def _reporting_words(key: str) -> tuple[frozenset[str], frozenset[str]]:
    """(reporting verbs, openers) of a language: the last word of each ``direct`` or ``ne`` cue
    of its ``cues.tsv``, and the ``reporting_openers`` of its ``rules.tsv``."""
    verbs: set[str] = set()
    for entry in _read_list(key, "cues.tsv"):
        cue, _, frame = entry.partition("\t")
        if frame.strip() in ("direct", "ne") and cue.split():
            verbs |= _variants(cue.split()[-1])
    openers: set[str] = set()
    for word in _rules(key).get("reporting_openers", "").split(","):
        if word.strip():
            openers |= _variants(word.strip())
    return frozenset(verbs), frozenset(openers)


#: A reporting clause that joins the sentence before it has at most this many words.
REPORTING_CLAUSE_WORDS = 5
_QUOTE_END = tuple("?!”’\"'»")
_QUOTES_AND_COMMA = ",\"'“”‘’«»"
_WORD_EDGE_CHARS = "।॥৷?!.,;:\"'“”‘’«»()[]"


def _join_reporting_clauses(
    text: str, cols: tuple[list[str], list[int], list[int]], key: str | None
) -> tuple[list[str], list[int], list[int]]:
    """Join each sentence that is a reporting clause to the quotation before it.

    A sentence joins the one before it (same line only) when its last word is a reporting verb,
    it has no quotation mark or comma of its own, and it has at most
    :data:`REPORTING_CLAUSE_WORDS` words after a sentence that ends in ``?``, ``!`` or a closing
    quote (``"…!" ती रडत म्हणाली.``), at most two after any other (``… झाली. तो म्हणाला.``);
    or when the sentence before ends in ``?``, ``!`` or a closing quote and this one opens with a
    quotative word (``असे म्हणून …``, ``भन्ने कुरामा …``).
    """
    if key is None:
        return cols
    verbs, openers = _reporting_words(key)
    texts, starts, ends = cols
    out_t, out_s, out_e = [texts[0]], [starts[0]], [ends[0]]
    for sentence, start, end in zip(texts[1:], starts[1:], ends[1:], strict=True):
        words = sentence.split()
        prev_end = out_e[-1]
        same_line = "\n" not in text[prev_end:start]
        after_quote = out_t[-1].endswith(_QUOTE_END)
        last = words[-1].strip(_WORD_EDGE_CHARS) if words else ""
        first = words[0].strip(_WORD_EDGE_CHARS) if words else ""
        # (a clause with a quotation or a comma of its own is an utterance, not a frame)
        clause = (
            len(words) <= (REPORTING_CLAUSE_WORDS if after_quote else 2)
            and last in verbs
            and not any(c in sentence for c in _QUOTES_AND_COMMA)
        )
        if same_line and (clause or (after_quote and first in openers)):
            out_e[-1] = end
            out_t[-1] = text[out_s[-1] : end]
        else:
            out_t.append(sentence)
            out_s.append(start)
            out_e.append(end)
    return out_t, out_s, out_e


def _sentence_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """Texts, starts and ends of the sentences of *text* (what split_sentences is made of).

    Why by way of :func:`sentence_lines`: it finds the sentences mostly in C, and since only
    whitespace lies between two sentences, each start is found right where the previous
    sentence ended, one character later, or (rarely) by a search: no Python code runs per
    character. :func:`_general_columns` is the per-line reference it is tested against.
    """
    if "\x00" in text:
        return _general_columns(text)
    out = sentence_lines(text)
    if not out:
        return [], [], []
    texts = out.split("\n")  # (a sentence never holds a newline)
    starts: list[int] = []
    add = starts.append
    at = text.startswith
    pos = 0
    for sentence in texts:
        # a sentence starts at the first non-space character from pos, which is pos if the
        # sentence is there (it starts with a non-space), else pos + 1 if it is there
        if not at(sentence, pos):
            pos = pos + 1 if at(sentence, pos + 1) else text.find(sentence, pos)
        add(pos)
        pos += len(sentence)
    return texts, starts, list(map(int.__add__, starts, map(len, texts)))


def _general_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """:func:`_sentence_columns` line by line, cutting each line with :func:`_easy_line_columns`
    (the reference for the fast path, and the path for text that holds NUL)."""
    cols: tuple[list[str], list[int], list[int]] = ([], [], [])
    pos = 0
    needs_general = _needs_general_path if _needs_general_path(text) else _never
    for line in text.split("\n"):
        if line:
            body, lead = line, 0
            if line[0].isspace() or line[-1].isspace():
                body = line.strip()  # the easy path wants the line without edge whitespace
                lead = line.index(body[0]) if body else 0
            if body:
                if needs_general(body):
                    _extend(cols, _general(body, 0, len(body), pos + lead))
                else:
                    _extend(cols, _easy_line_columns(body, pos + lead))
        pos += len(line) + 1
    return cols


def _never(line: str) -> bool:
    return False


def _extend(
    cols: tuple[list[str], list[int], list[int]], more: tuple[list[str], list[int], list[int]]
) -> None:
    cols[0].extend(more[0])
    cols[1].extend(more[1])
    cols[2].extend(more[2])


def _needs_general_path(line: str) -> bool:
    """URLs, e-mail addresses and apostrophe years: only the general path handles them
    (the rule is :func:`_general_positions`)."""
    return bool(_general_positions(line))


def _suspect_ends(line: str, parts: list[str], texts: list[str], cum: list[int]) -> set[int]:
    """Indices of the easy split's sentence ends that the general path must decide.

    A "." that does not follow a plain word (abbreviations, initials, ``कि.मी.``, numbers),
    an ellipsis, a "." glued to a word that may go on, a short piece that may be a stray
    terminator, and straight quotes whose role depends on the quotes before them.
    """
    suspect: set[int] = set()
    k = len(texts) - 1  # number of ends
    if "." in line:
        names = _names()
        for i, term in enumerate(parts[1::3]):
            if term[0] != ".":
                continue
            if len(term) > 1 and term[1] in ".।॥৷?!":
                suspect.add(i)  # an ellipsis or a mixed run
                continue
            if not parts[3 * i + 2] and " " not in parts[3 * i + 3]:
                suspect.add(i)  # glued to a word that may go on to another "." (कि.मी.)
                continue
            chunk = parts[3 * i]
            cut = max(chunk.rfind(" "), chunk.rfind("\t")) + 1
            word = chunk[cut:]
            if len(word) < 2 or word in names or not _PLAIN_WORD_RE.fullmatch(word):
                suspect.add(i)
            elif cut == 0 and i and not parts[3 * i - 1]:
                suspect.add(i)  # the word goes on before a glued end (म.प्र.)
    # A piece that may be a stray terminator, which the general path glues to the sentence
    # before it: short (without closing marks: the general path may leave a glued straight
    # quote to the next sentence, and ``- ।"राम`` then has a stray ``- ।``), or with no word
    # at all (``।।”.”`` is two stray pieces there).
    for i, t in enumerate(texts):
        if len(t.rstrip(_CLOSERS)) <= 3 or (not t[0].isalnum() and not _HAS_WORD_RE.search(t)):
            suspect.update(j for j in (i - 1, i) if 0 <= j < k)
    if "'" in line or '"' in line:
        term_starts = cum[0 : 3 * k : 3]
        for m in _QUOTE_AMBIGUITY_RE.finditer(line):
            i = bisect_right(term_starts, m.start()) - 1
            if i >= 0 and m.start() < cum[3 * i + 1]:
                if i - 1 not in suspect and _quote_closes(line, parts, cum, i):
                    continue
                suspect.add(i)
    return suspect


def _quote_closes(line: str, parts: list[str], cum: list[int], i: int) -> bool:
    """Whether the easy split's end *i* (a terminator, one straight quote, the next word
    glued on: ``आऊं.''ओलंपिक``) is the general path's end, which _absorb_closers decides by
    counting that quote in the sentence so far: an odd count means it closes the sentence.

    Only the plain case is decided here (one terminator, ``"``, ``'`` or ``''``); the
    sentence must start where the easy split says, so the end before it must not be
    suspect (the caller checks). Why: BBC Hindi glues its closing ``''`` to the next word,
    and sending each such end through the general path was most of its cost on that text.
    """
    term = parts[3 * i + 1]
    quote = term[1:]
    if quote not in ('"', "'", "''") or parts[3 * i + 2]:
        return False
    start = cum[3 * i - 1] if i else 0
    end = cum[3 * i] + 1  # just after the terminator
    return line.count(quote, start, end) % 2 == 1


# A closing mark between two terminators (``।”.”``, ``?'.``): the general path may end a
# sentence after the mark, where the easy split never cuts (it wants no terminator next).
# Such a line goes through the general path whole. (Every such line reaches
# _easy_line_columns: its first terminator is never at the end of a unit.)
_SANDWICH_RE = re.compile(r"[।॥৷?!.][”’»)\]}›\"']+[।॥৷?!.]")


def _easy_line_columns(line: str, base: int) -> tuple[list[str], list[int], list[int]]:
    """Sentence texts, starts and ends of one stripped line, cut in C where that is certain.

    Why: ``Pattern.split`` finds the ends after ``।``/``?``/``!``/plain full stops and the
    offsets follow from the pieces' lengths, so no Python code runs per sentence. Ends that
    need context (see :func:`_suspect_ends`) are decided by :func:`_sentence_bounds`, the
    reference, on the stretch between two certain ends.
    """
    if _SANDWICH_RE.search(line) is not None:
        return _general(line, 0, len(line), base)
    parts = _EASY_SPLIT_RE.split(line)  # text, terminator, whitespace, text, ...
    if len(parts) == 1:
        return [line], [base], [base + len(line)]
    cum = list(accumulate(map(len, parts)))  # cum[j]: end of part j
    texts = [*map(str.__add__, parts[0:-1:3], parts[1::3]), parts[-1]]
    suspect = _suspect_ends(line, parts, texts, cum)
    starts = [base, *map(base.__add__, cum[2::3])]
    ends = [*map(base.__add__, cum[1::3]), cum[-1] + base]
    if suspect:
        # each run of suspect ends i0..i1 joins sentences i0..i1+1 into one stretch, which
        # the general path cuts again; patch from the right so that indices stay valid
        runs: list[tuple[int, int]] = []
        for i in sorted(suspect):
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        for i0, i1 in reversed(runs):
            t, st, en = _general(line, starts[i0] - base, ends[i1 + 1] - base, base)
            texts[i0 : i1 + 2] = t
            starts[i0 : i1 + 2] = st
            ends[i0 : i1 + 2] = en
    return texts, starts, ends


def _general(line: str, a: int, b: int, base: int) -> tuple[list[str], list[int], list[int]]:
    """Sentence columns of ``line[a:b]`` by the general path, offsets shifted to the text."""
    part = line[a:b]
    shift = base + a
    bounds = _sentence_bounds(part)
    return (
        [part[x:y] for x, y in bounds],
        [x + shift for x, _ in bounds],
        [y + shift for _, y in bounds],
    )


# -- sentence text, mostly in C (what ``newskit sentences`` prints) ------------------------------

# The common certain sentence end, "। " followed by a word, is marked with NUL in C
# (one ``re.sub`` that turns the space into NUL where the end is certain), and only the
# units between marks that hold another terminator go through the general per-line code.
# A mark is certain when the general code makes that end whatever the context:
# - the danda is the whole terminator run: no space or terminator right before it;
# - the piece before it is not a possible stray terminator, which the easy split
#   (_easy_line_columns) decides with its neighbours: three ordinary characters before the
#   danda, or a word and a space in them;
# - a word follows the space (or an opening quote or bracket and a word), so nothing can be
#   glued back across the mark, and no terminator in the next three characters (same reason).
# (patterns that start with a literal: re finds candidates by fast search, while a pattern that
# starts with a character class is tried at every position, several times slower)
_WORD_START = rf"{INDIC_LETTER}{INDIC_DIGIT}A-Za-z0-9"
_ORDINARY = rf"[^{_WS_CLASS_RE}।॥৷?!.\x00”’»)\]}}›\"']"
_LONG_BEFORE = (
    rf"{_ORDINARY}{{3}}",
    rf"{_ORDINARY}[{_WS_CLASS_RE}]{_ORDINARY}{{2}}",
    rf"{_ORDINARY}{{2}}[{_WS_CLASS_RE}]{_ORDINARY}",
)
_NEXT_WORD = rf"(?:[{_WORD_START}]|[“‘(\[{{«][{_WORD_START}])"


def _long_before(end: str) -> str:
    """A look-behind: one of :data:`_LONG_BEFORE`, then *end*, right before this point."""
    return "(?:" + "|".join(rf"(?<={long}{end})" for long in _LONG_BEFORE) + ")"


# (the look-aheads first: they are cheaper, and most ends pass them)
_CERTAIN_END = re.compile(rf"। (?={_NEXT_WORD})(?=[^।॥৷?!.\n\x00]{{3}}){_long_before('। ')}")


# Two more certain danda ends, as common in news: a danda glued to the next word (datelines,
# ``इंदौर।लुटेरी``; a NUL is inserted) and a danda with a closing quote before a space and a
# word (``है।" राम``, ``है।’ राम``: the space becomes NUL). The same conditions as above, plus,
# glued, a space before the next terminator (see _full_stop_res: the unit after the mark must
# still have whitespace before its first end). Both have the danda as first literal, so the
# scan is fast; the few matches are replaced by a function.
_DANDA_LONG_BEFORE = _long_before("।")
_DANDA_MORE = re.compile(
    # (the cheap look-aheads first: most dandas fail them before the look-behinds run)
    rf"।(?:(?=[{INDIC_LETTER}]){_DANDA_LONG_BEFORE}(?=[^ ।॥৷?!.\n\x00]* )"
    rf"|(?=[\"’”] ){_DANDA_LONG_BEFORE}[\"’”] (?={_NEXT_WORD}))"
    r"(?=[^।॥৷?!.\n\x00]{3})"
)


def _mark_danda_more(m: re.Match[str]) -> str:
    return "।\x00" if m.end() - m.start() == 1 else m.group()[:2] + "\x00"


# What makes a unit (a stripped line, or a piece of one between marks) more than one plain
# sentence: a terminator that is not at its end (closing marks aside).
_UNIT_END = r"(?![”’»)\]}›\"']*(?:[\x00\n]|\Z))"


def _full_stop_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return _full_stop_res_for(_RULES.get())


@lru_cache(maxsize=16)
def _full_stop_res_for(key: str | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The certain full stops of BBC Hindi style text, spaced (``है. सईद``: the space becomes
    NUL) and glued (``है.सईद``: NUL is inserted), as two patterns for ``re.sub``.

    As _suspect_ends decides them: a ``.`` right after a word of Devanagari/Bengali letters and
    marks that starts after a space (a NUL that stands for one, or the line start) and is no
    abbreviation or initial; glued, a space must come before the next terminator, so the unit
    after a glued mark still has whitespace before its first end (its first word's full stop
    would be suspect otherwise; a glued mark inserted by the same ``sub`` is never seen by the
    look-behinds, which run on the text before it). The piece before must be long enough (a
    word of three characters, or of two after a space after a word; see _ORDINARY), and so must
    the piece after.
    """
    letter = f"[{INDIC_LETTER}{INDIC_MARK}{ZWJ}{ZWNJ}]"
    by_length: dict[int, list[str]] = {}
    for name in sorted(_names_for(key)):
        if _PLAIN_WORD_RE.fullmatch(name):
            by_length.setdefault(len(name), []).append(re.escape(name))

    def before(after: str) -> str:
        """The word and no-name look-behinds, for a match that ends with ``.`` + *after*."""
        word = "|".join(
            [rf"(?<={_ORDINARY} {letter}{{2}}\.{after})"]
            + [rf"(?<=[ \x00\n]{letter}{{{k}}}\.{after})" for k in range(3, 31)]
        )
        return f"(?:{word})" + "".join(
            rf"(?<![ \x00\n](?:{'|'.join(names)})\.{after})" for names in by_length.values()
        )

    ahead = r"[^।॥৷?!.\n\x00]{3}"
    # (the look-aheads first: they are cheap and fail at most dots that are not full stops)
    spaced = re.compile(rf"\. (?={_NEXT_WORD})(?={ahead}){before(' ')}")
    glued = re.compile(rf"\.(?=[{INDIC_LETTER}])(?=[^ ।॥৷?!.\n\x00]* )(?={ahead}){before('')}")
    return spaced, glued


_UNIT_HARD_RES = tuple((c, re.compile(rf"{re.escape(c)}{_UNIT_END}")) for c in "।?!॥৷")
_HARD_DOT_RE = re.compile(rf"\.{_UNIT_END}")


def sentence_lines(text: str, lang: str | None = None) -> str:
    """The sentence texts of *text* joined by newlines, exactly as written (no offsets).

    The same as ``"\\n".join(_general_columns(text)[0])``; with *lang*, as
    ``"\\n".join(sentence_columns(text, lang)[0])`` (that language's lists and rules).

    Why a second path: the command that prints sentences needs neither offsets nor objects,
    and the general one runs Python code per line and a regex split over all the text. Here
    lines are stripped and joined in C, the common certain ends are marked (see
    _CERTAIN_END), and only the units holding some other terminator are cut by the
    per-line code (:func:`_easy_line_columns`).
    """
    if lang is not None:
        key = _rules_key(lang)
        if _rules(key).get("reporting_clause") == "yes":  # (joins need the offsets)
            return "\n".join(sentence_columns(text, lang)[0])
        if key != _RULES.get():
            return _in_rules(lang, sentence_lines, text)
    if "\x00" in text:
        return "\n".join(_general_columns(text)[0])
    text = "\n".join(filter(None, map(str.strip, text.split("\n"))))
    if len(text) <= 2 * PIECE:
        return _stripped_sentence_text(text)
    # (in cache-sized pieces of whole lines, without the newline that ends each)
    return "\n".join(_stripped_sentence_text(p.rstrip("\n")) for p in line_pieces(text))


def _stripped_sentence_text(text: str) -> str:
    """:func:`sentence_lines` of stripped, non-empty lines joined by single newlines."""
    general = _general_positions(text)
    if not general:
        return _plain_sentence_text(text)
    pieces = []
    for a, b, marked in _marked_lines(text, general):
        if marked:
            pieces.append("\n".join(_general(text, a, b, 0)[0]))
        else:  # whole non-empty lines: the newlines at the ends only join them to the rest
            stretch = text[a:b].strip("\n")
            if stretch:
                pieces.append(_plain_sentence_text(stretch))
    return "\n".join(pieces)


def _marked_lines(text: str, positions: list[int]) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, marked)`` spans that cover *text* in order: each line holding one of
    the ascending *positions* (``marked``, without its newline) and the stretches between
    them (newlines included)."""
    done = 0  # text[:done] is covered
    for p in positions:
        if p < done:
            continue
        a = text.rfind("\n", 0, p) + 1
        b = text.find("\n", p)
        b = len(text) if b < 0 else b
        if a > done:
            yield done, a, False
        yield a, b, True
        done = b
    if done < len(text):
        yield done, len(text), False


_APOS_DIGIT_RES = tuple((q, re.compile(f"{q}(?=[০-৯])")) for q in "’'")


def _general_positions(text: str) -> list[int]:
    """Sorted positions of what makes a line need the general path: an apostrophe before a
    Bengali digit (``’৭১``), ``@``, ``://`` and ``www.`` (URLs and e-mail addresses).

    Found by fast searches for literals rather than one regex scan of every character.
    """
    found = [
        m.start() for q, pattern in _APOS_DIGIT_RES if q in text for m in pattern.finditer(text)
    ]
    for first, needle in (("@", "@"), ("/", "://"), ("w", "www.")):
        if first in text:  # (a character is found several times faster than a string)
            found += find_all(text, needle)
    return sorted(found)


def _plain_sentence_text(text: str) -> str:
    """:func:`sentence_lines` of stripped, non-empty lines that need no general path.

    Why cutting at the marks gives the per-line code's sentences: it makes each marked end
    whatever the context, and it cuts a unit between two marks as it cuts it within its line:
    the first end of the unit has whitespace before it (see _full_stop_res for the glued full
    stops), nothing is glued and no quote is counted across a mark, and the pieces on both
    sides of a mark are too long to be taken for stray terminators. The tests check this path
    against the general one on realistic and random text.
    """
    if "।" in text:
        text = _CERTAIN_END.sub("।\x00", text)
        text = _DANDA_MORE.sub(_mark_danda_more, text)
    if "." in text:
        spaced, glued = _full_stop_res()
        text = glued.sub(".\x00", spaced.sub(".\x00", text))
    # (str finds a single character several times faster than re: look before scanning)
    spots = [m.start() for c, hard in _UNIT_HARD_RES if c in text for m in hard.finditer(text)]
    if "." in text:
        spots += _dot_spots(text)
    if not spots:
        return text.replace("\x00", "\n")
    spots.sort()
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    n = len(text)
    for p in spots:
        if p < done:
            continue  # in a unit already cut
        a = text.rfind("\n", 0, p) + 1
        a = text.rfind("\x00", a, p) + 1 or a
        b = text.find("\n", p)
        b = n if b < 0 else b
        z = text.find("\x00", p, b)
        b = b if z < 0 else z
        pieces += [text[done:a], "\n".join(_easy_line_columns(text[a:b], 0)[0])]
        done = b
    pieces.append(text[done:])
    return "".join(pieces).replace("\x00", "\n")


def _dot_spots(text: str) -> list[int]:
    """Positions of the ``.`` that may end a sentence inside a unit (see _plain_sentence_text).

    Left out, as the general code never ends a sentence there: a ``.`` between two digits
    (``1.5``), a run of dots alone (``...``), and the period of a known abbreviation or initial
    standing alone (``डॉ. ``).
    """
    alone = _ALONE_ABBRS()
    spots = []
    n = len(text)
    for m in _HARD_DOT_RE.finditer(text):
        p = m.start()
        prev = text[p - 1] if p else " "
        nxt = text[p + 1]  # the pattern excludes the end of the text
        if prev.isdigit() and nxt.isdigit():
            continue
        if nxt == "." or prev == ".":
            a = p
            while a and text[a - 1] == ".":
                a -= 1
            e = p + 1
            while e < n and text[e] == ".":
                e += 1
            if (not a or text[a - 1] not in "।॥৷?!") and (e == n or text[e] not in "।॥৷?!"):
                continue
        if nxt == " " and (prev.isalnum() or unicodedata.category(prev)[0] == "M"):
            lo = p - 40 if p > 40 else 0
            w = max(text.rfind(" ", lo, p), text.rfind("\n", lo, p))
            if (w >= 0 or not lo) and text[w + 1 : p] in alone:
                continue
        spots.append(p)
    return spots


# -- output formats (pure text; the CLI writes them) --------------------------------------------


class _SeparatorCache(dict[str, str]):
    """Whitespace between two tokens -> what separates them in tokenized text."""

    def __missing__(self, ws: str) -> str:
        sep = "\n" * ws.count("\n") or " "
        if len(self) < 10_000:
            self[ws] = sep
        return sep


_SEPARATORS = _SeparatorCache()


def _reference_tokenized_text(text: str) -> str:
    """:func:`tokenized_text` computed straight from the token pattern (the reference)."""
    parts = _split_re().split(text)
    toks = parts[2::3]
    if not toks:
        return "\n" * text.count("\n")
    seps = list(map(_SEPARATORS.__getitem__, parts[1::3]))
    seps[0] = "\n" * parts[1].count("\n")
    out = "".join(map(str.__add__, seps, toks)) + "\n" * parts[-1].count("\n")
    if "‘" in text and _INNER_APOS_RE.search(text):
        out = _fix_apostrophe_lines(text, out)
    return out


def _fix_apostrophe_lines(text: str, out: str) -> str:
    """Redo the output lines where an apostrophe may close a quote (see _fix_apostrophes).

    Only lines with a ``‘`` are looked at (found with ``str.find``), and their tokens are taken
    from *out* (line i of *out* holds the tokens of line i of *text*) rather than from the
    token pattern, which is slow on long lines.
    """
    todo: dict[int, str] = {}
    line_no = 0
    last = 0
    p = text.find("‘")
    while p >= 0:
        line_no += text.count("\n", last, p)
        a = text.rfind("\n", 0, p) + 1
        b = text.find("\n", p)
        b = len(text) if b < 0 else b
        line = text[a:b]
        if _INNER_APOS_RE.search(line):
            todo[line_no] = line
        last = p
        p = text.find("‘", b)
    if not todo:
        return out
    lines = out.split("\n")
    for i, line in todo.items():
        toks = lines[i].split(" ") if lines[i] else []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for tok in toks:
            while pos < len(line) and line[pos].isspace():
                pos += 1
            if not line.startswith(tok, pos):  # (cannot happen: the tokens are the line's)
                toks, starts, ends = _spans(line)
                break
            starts.append(pos)
            pos += len(tok)
            ends.append(pos)
        else:
            _fix_apostrophes(line, toks, starts, ends)
        lines[i] = " ".join(toks)
    return "\n".join(lines)


# Punctuation that is always a token of its own (unless a combining mark follows it), so a
# space can be put around it in C before anything else looks at the text.
_ALONE = '।॥৷?!;()[]{}“”‘«»„—–…|%"₹£€¥'


@lru_cache(maxsize=1)
def _fast_res() -> tuple[
    tuple[re.Pattern[str], ...], re.Pattern[str], re.Pattern[str], re.Pattern[str], frozenset[str]
]:
    """Patterns of the fast tokenized-text path (stdlib re: simple classes scan faster).

    Returns (lines that need the token pattern throughout, punctuation to space out, characters
    that make a whitespace-delimited chunk need the token pattern, a plain word of letters, the
    combining marks and joiners of the BMP).
    """
    # one pass over the BMP: combining marks, and the characters re's \w takes and the token
    # pattern's \w does not (², ½, ①: category No)
    mark_chars: list[str] = []
    number_chars: list[str] = []
    category = unicodedata.category
    for c in map(chr, range(0xA0, 0x10000)):
        cat = category(c)
        if cat[0] == "M":
            mark_chars.append(c)
        elif cat == "No" and c not in _ALONE:
            number_chars.append(c)
    marks = "".join(map(re.escape, mark_chars)) + ZWJ + ZWNJ
    other_numbers = "".join(map(re.escape, number_chars))
    alone = re.escape(_ALONE)
    # rare things handled line by line with the token pattern: URLs, addresses, handles,
    # hashtags, a combining mark after punctuation, characters like ² that re counts as \w,
    # and characters outside the BMP (emoji, historic scripts: the classes here stop at U+FFFF)
    # (one pattern per kind: re scans a single class fast, an alternation of them slowly)
    context = (
        re.compile(rf"[{other_numbers}]"),
        re.compile(r"[\U00010000-\U0010ffff]"),
        re.compile(rf"[{alone},][{marks}]"),
    )
    # (but "।" and ",", padded in bulk first: see _bulk_pads; and the whitespace other than
    # space and newline, which the padding step reports)
    spaced = re.compile(rf"[{re.escape(_ALONE.replace('।', ''))}{_OTHER_WS_RE}]")
    indic = INDIC_LETTER + INDIC_MARK + INDIC_DIGIT + ZWJ + ZWNJ
    special = re.compile(rf"[^\w\s{indic}{alone},]")
    # letters and marks, starting with a letter (a mark after punctuation stays with it)
    letter = rf"[^\W\d_{other_numbers}{alone}]"  # (re's \w also takes ৷, a No character)
    plain = re.compile(rf"{letter}(?:{letter}|[{marks}])*")
    return context, spaced, special, plain, frozenset([*mark_chars, ZWJ, ZWNJ])


def _chunk_tokens(out: str, cs: int, ce: int) -> list[str]:
    """Tokens of the chunk ``out[cs:ce]`` (no whitespace in it), with its left context.

    The common shapes are cut directly: one character; a number (``1,00,000``, ``2015-2016``,
    ``10:30``); ``है.`` at a BBC Hindi sentence end, also glued (``है.सईद``); an abbreviation
    (``डॉ.``); words joined by ``-`` or ``/`` (``अलग-अलग``, ``ঢাকা-১৭``); ``News:``. Anything
    else goes to the token pattern, whose per-call cost is high.
    """
    toks = _chunk_shape(out[cs:ce])
    if toks is not None:
        return toks
    w = max(0, cs - 40)  # enough left context for the look-behinds
    window = out[w:ce]
    return [window[slice(*t.span(t.lastgroup))] for t in _token_re().finditer(window, cs - w)]


def _chunk_shape(chunk: str) -> list[str] | None:
    """Tokens of *chunk* if it has one of the common shapes (see _chunk_tokens), else None.

    They depend on the chunk alone, so :func:`_fast_tokenized` caches them.
    """
    if len(chunk) == 1:
        return [chunk]
    plain = _fast_res()[3].fullmatch
    if _NUMBER_RE.fullmatch(chunk):
        return [chunk]
    dots = chunk.count(".")
    if dots == 1:
        word, _, rest = chunk.partition(".")
        if not rest and word in _ALONE_ABBRS():
            return [chunk]
        if len(word) > 1 and plain(word) and word not in _names() and (not rest or plain(rest)):
            return [word, ".", rest] if rest else [word, "."]
    elif dots == 0:
        if chunk[-1] == ":" and plain(chunk[:-1]):
            return [chunk[:-1], ":"]
        sep = "-" if "-" in chunk else "/" if "/" in chunk else ""
        if sep and (sep == "-" or "-" not in chunk):
            words = chunk.split(sep)
            kinds = [2 if plain(w) else 1 if w.isdecimal() else 0 for w in words]
            if all(kinds) and "11" not in "".join(map(str, kinds)):
                return [x for w in words for x in (w, sep)][:-1]
    return _peel(chunk, plain)


def _peel(chunk: str, plain: Callable[[str], object]) -> list[str] | None:
    """Quotes, a dash or an ellipsis around one plain word, cut as the token pattern does.

    ``'शब्द'``, ``''हम``, ``নীতির’``, ``-शब्द``, ``शब्द...``; None for any other shape.
    """
    head = ""
    if chunk.startswith("''") and not chunk.startswith("'''"):
        head = "''"
    elif chunk[0] in "'’-:" and not chunk.startswith("--"):
        head = chunk[0]
    tail = ""
    body = chunk[len(head) :]
    if body.endswith(".."):
        tail = body[len(body.rstrip(".")) :]
    elif body.endswith("''") and not body.endswith("'''"):
        tail = "''"
    elif body and body[-1] in "'’-" and not body.endswith("--"):
        tail = body[-1]
    word = body[: len(body) - len(tail)]
    if not (head or tail) or not word or not plain(word):
        return None
    return [x for x in (head, word, tail) if x]


_DIGIT_COMMA_RE = re.compile(r",(?=\d)")
_NUMBER_RE = re.compile(r"\$?(?:\d+(?:-\d+)+|\d+(?:[.,:/]\d+)*)")


def _ALONE_ABBRS() -> frozenset[str]:
    """Abbreviations and initials that are one token with their period wherever they stand."""
    return _alone_abbrs_for(_RULES.get())


@lru_cache(maxsize=16)
def _alone_abbrs_for(key: str | None) -> frozenset[str]:
    return _abbreviations(key) | _initials(key)[0]


_OTHER_WS = _WS.replace(" ", "").replace("\n", "")
_OTHER_WS_RE = "".join(map(re.escape, _OTHER_WS))
# Before a mark that is spaced out: no space is added after these (one is there or will be).
_NO_SPACE_BEFORE = f" \n{_ALONE},"


def _single_spaced(padded: str, text: str, odd: list[int]) -> str:
    """*padded* with the whitespace of each line as ``" ".join(line.split())`` leaves it.

    Only the lines that need it are redone: those with other whitespace than space and
    newline (at *odd*, positions in *text*, which has the same lines), two spaces in a row, or
    a space at either end.
    """
    where = [text.count("\n", 0, p) for p in odd[:1]]
    for a, b in pairwise(odd):
        where.append(where[-1] + text.count("\n", a, b))
    spots = []
    for needle, shift in (("  ", 0), (" \n", 0), ("\n ", 1)):
        p = padded.find(needle)
        while p >= 0:
            spots.append(p + shift)
            p = padded.find(needle, p + 1)
    if padded[:1] == " ":
        spots.append(0)
    if padded[-1:] == " ":
        spots.append(len(padded) - 1)
    if spots:
        spots.sort()
        line = padded.count("\n", 0, spots[0])
        where.append(line)
        for a, b in pairwise(spots):
            line += padded.count("\n", a, b)
            where.append(line)
    if not where:
        return padded
    lines = padded.split("\n")
    for i in set(where):
        lines[i] = " ".join(lines[i].split())
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _bulk_pads() -> list[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], str]]:
    """For "।" and ",", the commonest marks to space out: patterns that find one glued to a
    combining mark, and that add the space before and after it where the padding callback of
    :func:`_fast_tokenized` would (a comma between two digits stays), with a literal
    replacement: ``re.sub`` then runs in C, where the callback costs a Python call each."""
    marks = "".join(map(re.escape, sorted(_fast_res()[4])))
    no_space = f" \n{re.escape(_ALONE)},"
    pads = []
    for c, keep in (("।", ""), (",", r"(?:(?<!\d,)|(?!\d))")):
        pads.append(
            (
                re.compile(f"{c}[{marks}]"),
                re.compile(rf"{c}(?<=[^{no_space}]{c}){keep}"),
                re.compile(rf"{c}(?=[^ \n]){keep}"),
                c,
            )
        )
    return pads


#: Chunk -> its tokens joined by spaces, or None if it is one token (see _chunk_shape).
_SHAPES: dict[str, str | None] = {}
# (one cache per language whose rules differ: a chunk such as "सौ." is cut by the lists in force)
_LANG_SHAPES: dict[str, dict[str, str | None]] = {}


def _fast_tokenized(text: str) -> str | None:
    """Tokenized text without URLs, handles or hashtags, mostly in C.

    Why it is exact: every character of :data:`_ALONE` is a token of its own wherever it
    stands (outside URLs), so spacing it out changes no other token; a chunk made only of
    letters, marks and digits is one token; every other chunk is cut by the token pattern,
    run in place on the spaced-out text so that its look-behinds see the same context.
    None if a combining mark follows one of those characters (it then belongs to it): the
    caller sends such lines to the token pattern (looked for here, in the callback that runs
    for every such character anyway, rather than in one more scan of every text).
    """
    _, spaced, special, _, marks = _fast_res()
    for glued_mark, before, after, c in _bulk_pads():
        if c in text:
            if glued_mark.search(text):
                return None
            text = after.sub(c + " ", before.sub(" " + c, text))
    glued = False
    odd: list[int] = []  # where other whitespace than space and newline is

    def pad(m: re.Match[str]) -> str:
        """Space out a punctuation mark (other than "।" and ",": done before).

        A space is added only where none is or will be (next to a space, a newline, the text's
        ends or a mark that is spaced out itself), so that lines with single spaces between
        words come out with single spaces and need no whitespace clean-up.
        """
        nonlocal glued
        c = m.group()
        p = m.end()
        if c in _OTHER_WS:
            odd.append(p)
            return c
        nxt = text[p : p + 1]
        if nxt in marks:
            glued = True
        before = "" if text[p - 2 : p - 1] in _NO_SPACE_BEFORE else " "
        return f"{before}{c} " if nxt not in " \n" else before + c

    padded = spaced.sub(pad, text)
    if glued:
        return None
    out = _single_spaced(padded, text, odd)
    pieces: list[str] = []
    last = 0
    n = len(out)
    where = [m.start() for m in special.finditer(out)]
    if "," in out:  # a comma left between digits: the chunk may be more than a number (a1,5)
        where += [m.start() for m in _DIGIT_COMMA_RE.finditer(out)]
        where.sort()
    key = _RULES.get()
    shapes = _SHAPES if key is None else _LANG_SHAPES.setdefault(key, {})
    for p in where:
        if p < last:
            continue  # in a chunk already done
        sp = out.rfind(" ", 0, p)
        cs = max(sp, out.rfind("\n", sp + 1, p)) + 1
        ce = out.find(" ", p)
        ce = n if ce < 0 else ce
        nl = out.find("\n", p, ce)
        ce = ce if nl < 0 else nl
        chunk = out[cs:ce]
        cut = shapes.get(chunk, "")
        if cut == "":  # not seen yet (a chunk is never empty, so "" cannot be a value)
            toks = _chunk_shape(chunk)
            if toks is None:  # the token pattern, with the left context: not cached
                toks = _chunk_tokens(out, cs, ce)
                cut = " ".join(toks) if len(toks) > 1 else None
            else:
                cut = " ".join(toks) if len(toks) > 1 else None
                if len(shapes) > 100_000:  # keep memory flat on endless streams
                    shapes.clear()
                shapes[chunk] = cut
        if cut is not None:
            pieces += [out[last:cs], cut]
            last = ce
    if not pieces:
        return out
    pieces.append(out[last:])
    return "".join(pieces)


# Size of a str of kind 2 (UCS-2) minus its characters: a str above that size for its length
# holds characters outside the BMP (CPython stores them 4 bytes each), so only then is the text
# scanned for them.
_UCS2_BASE = sys.getsizeof("\u0100") - 4


def _context_positions(text: str, marks: bool = False) -> list[int]:
    """Sorted positions of what needs the token pattern for its whole line (see _fast_res).

    *marks*: also the combining marks after punctuation (otherwise :func:`_fast_tokenized`
    reports them).
    """
    other_numbers, astral, punct_mark = _fast_res()[0]
    patterns = [other_numbers]
    if sys.implementation.name != "cpython" or sys.getsizeof(text) > _UCS2_BASE + 2 * (
        len(text) + 1
    ):
        patterns.append(astral)
    if marks:
        patterns.append(punct_mark)
    found = [m.start() for pattern in patterns for m in pattern.finditer(text)]
    for needle in ("://", "www.", "@", "#"):
        found += find_all(text, needle)
    return sorted(found)


def tokenized_text(text: str, lang: str | None = None) -> str:
    """*text* with the tokens of each line separated by single spaces; lines are kept.

    Every input line becomes one output line (blank lines stay blank, ``\r\n`` becomes
    ``\n``), so the result lines up with the input for tools that expect tokenized text.
    This is the fast path behind ``newskit tokenize``: lines with URLs, e-mail addresses,
    handles or hashtags go through the token pattern, the rest through :func:`_fast_tokenized`.
    *lang* as for :func:`tokenize`.
    """
    if lang is not None and _rules_key(lang) != _RULES.get():
        return _in_rules(lang, tokenized_text, text)
    out = _tokenized_lines(text, _context_positions(text))
    if out is None:  # a combining mark after punctuation: those lines go to the token pattern
        out = _tokenized_lines(text, _context_positions(text, marks=True))
        assert out is not None
    if "‘" in text and _INNER_APOS_RE.search(text):
        out = _fix_apostrophe_lines(text, out)
    return out


def _tokenized_lines(text: str, context: list[int]) -> str | None:
    """:func:`tokenized_text` (before the apostrophe fix) with the lines at *context* positions
    done by the token pattern; None if :func:`_fast_tokenized` gave up on the others."""
    pieces = [
        _reference_tokenized_text(text[a:b]) if marked else _fast_tokenized(text[a:b])
        for a, b, marked in _marked_lines(text, context)
    ]
    if None in pieces:
        return None
    return "".join(pieces)  # type: ignore[arg-type]


def _initial_start_re() -> regex.Pattern[str]:
    """A piece that starts with an initial and its period: ``सी.`` in ``बी. सी.``."""
    return _initial_start_re_for(_RULES.get())


@lru_cache(maxsize=16)
def _initial_start_re_for(key: str | None) -> regex.Pattern[str]:
    alone, in_sequence = _initials(key)
    return regex.compile(r"\L<component>\.", component=sorted(alone | in_sequence))


def _may_take_neighbours(piece: str) -> bool:
    """Whether a piece's tokens may depend on the pieces around it (see piece_tokens)."""
    return bool(_INNER_APOS_RE.search(piece) or _initial_start_re().match(piece))


def piece_tokens(pieces: list[str], lang: str | None = None) -> list[list[str] | None]:
    r"""The tokens of each piece of a sentence, or None where they may depend on its neighbours.

    A piece is a non-empty run of non-whitespace characters (``str.split`` cuts a sentence into
    its pieces). Why: a caller that counts tokens can then tokenize each distinct piece once
    however often it occurs. Tokens never hold whitespace, and a piece tokenizes between its
    neighbours as it does alone, except by two rules that look past the whitespace before it,
    so None for such a piece:

    - an inner apostrophe (``দু’টি``) is cut when an earlier ``‘`` in the sentence is still
      open (see :func:`_fix_apostrophes`);
    - an initial's period (``सी.`` in ``बी. सी.``) stays with it only after another initial.

    Every other look-behind of the token pattern asks whether the character before is not a
    word character, which holds for whitespace and for the start of the text alike, and the
    look-aheads see whitespace and the end alike. So a sentence's tokens are its pieces' tokens
    one after another when none of them is None here (tested against :func:`tokenized_text` on
    whole sentences).
    """
    if lang is not None and _rules_key(lang) != _RULES.get():
        return _in_rules(lang, piece_tokens, pieces)
    out: list[list[str] | None] = [None] * len(pieces)
    free = [i for i, p in enumerate(pieces) if not _may_take_neighbours(p)]
    if free:
        # one call for all of them: each line of tokenized text is its input line's tokens
        lines = tokenized_text("\n".join([pieces[i] for i in free])).split("\n")
        for i, line in zip(free, lines, strict=True):
            out[i] = line.split(" ")
    return out
