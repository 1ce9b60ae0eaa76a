"""Corpus statistics for Hindi and Bengali news text, mergeable across files and processes.

The central type is :class:`CorpusStats`: a bag of *exact* counters (integers,
``Counter`` objects and hash sets) for one or more documents. Two partial
results combine with ``a + b`` exactly, in any order and grouping, so per-file
results computed in worker processes (or on different machines) sum to the
same corpus result as a single pass. That is why nothing in it is a float or a
running mean: means, medians, shares and MATTR are *derived* in
:meth:`CorpusStats.summary` / :meth:`CorpusStats.report` from integer counts.

Choices worth knowing (see ``../shared/notes/corpus-stats.md`` for the why):

* **Documents**: a ``str`` item is one document; a path is one document per
  file (per record for JSON Lines), or one per block when ``doc_sep`` is given
  (``doc_sep="blank"`` splits at blank lines, any other string splits at lines
  equal to it).
* **Paragraphs** are non-blank lines (news text keeps one paragraph per line).
* **Tokens** come from :func:`newskit.segment.tokenize` (all kinds);
  **words** are its ``word`` tokens. Sentence length counts the tokens of a
  sentence that are not punctuation/symbols, so that ``है।`` and ``है .``
  measure the same. The median comes from an exact length histogram.
* **Types and the lexicon** use each word after default
  :func:`newskit.normalization.normalize` and ``casefold`` (so ``য়`` typed two
  ways is one type).
* **MATTR** (moving-average type/token ratio, Covington & McFall 2010) is
  computed per document over windows of :data:`MATTR_WINDOW` words; the corpus
  value pools every window of every document: ``sum(types in window) /
  sum(window sizes)``. A document shorter than the window counts as one window
  of its own length. Both sums are integers, so merging stays exact. Plain TTR
  (types / words over the whole corpus) is reported too, but it falls with
  corpus size and must not be compared across corpora of different sizes.
* **Graphemes** are extended grapheme clusters as the ``regex`` module's ``\\X``
  finds them (Unicode 15.1 rules keep conjuncts such as ``क्ष`` whole).
* **Scripts** use the Unicode Script property (``regex`` ``\\p{Script=…}``), so
  the danda (Script=Common) is not counted as Devanagari; only letters and
  combining marks are counted.
* **Languages** are per document (:func:`newskit.langid.detect` on its first
  1,024 characters, unless the caller gives one): a row's ``lang`` is the
  language of most of its documents. Sentences and tokens follow the
  document's language's rules (Marathi's abbreviations and full stops), the
  lexicon leaves out the stopwords of the languages present, and script
  health counts the documents whose letters are not in their language's
  script (``--lang hi`` on Bengali text). Probabilities are summed in
  hundredths, as integers, so that merging stays exact.
* **Repeats** use 8-byte BLAKE2b digests of stripped lines and sentences, not
  the strings. Memory therefore grows with the number of *distinct* lines and
  sentences (about 100 bytes each in a CPython ``Counter``: some 5 MB per 8 MB
  of never-repeated news text), not with repeated text. The text of short
  lines (at most :data:`BOILERPLATE_MAX_CHARS` characters) is kept so that
  boilerplate such as credit lines can be shown.
* **Long documents** (a big file read without ``doc_sep``) are tokenized in
  chunks of whole lines (:data:`CHUNK_CHARS`), so Token-level memory stays
  bounded; sentences, bigrams and quotations do not cross line breaks and the
  MATTR window carries over, so the figures are the same as in one piece.
* **Quote marks** are counted by character, so ``'`` and ``’`` include
  apostrophes (``দু’টি``); quotations, their kinds and speakers (normalized
  like words) come from :func:`newskit.quotes.extract_quotes`.
* **Unbalanced documents** are judged from the marks alone: more ``“`` than
  ``”`` (or the reverse), more ``‘`` than ``’`` (``’`` doubles as the
  apostrophe, so only a surplus of ``‘`` counts), ``«``/``»`` mismatch or an
  odd number of ``"``.
* **Speed** (the figures are those of the definitions above; each fast path
  keeps its reference as fallback and is tested against it): no Python code
  runs per token or per character except one step of the MATTR loop per word.
  Each sentence is cut at whitespace into pieces (a word, a word and its comma,
  a quoted word), and one memoized lookup per piece gives what its tokens are:
  their normalized forms or kinds, which are words, their lengths and their
  character figures and clusters (packed into one int), so text is tokenized
  once per distinct piece (:func:`newskit.segment.piece_tokens`; a sentence with
  a piece whose tokens depend on its neighbours is tokenized whole). Kinds,
  words, bigrams (pairs of words, joined only for the report) and lengths are
  then ``chain``/``map``/``compress``/``Counter`` passes, and the figures are
  summed per document: the pieces hold every non-whitespace character once.
  Where a cluster may cross a piece's edge (an emoji sequence, a mark after a
  space), the document goes through ``\\X`` whole. Caches are keyed by pieces
  and tokens (vocabulary), never by lines or documents, so repeated input is
  not what makes them pay.

The module never prints; :mod:`newskit.render` formats the dictionaries that
:meth:`CorpusStats.summary` and :meth:`CorpusStats.report` return.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import operator
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain, compress, filterfalse, pairwise, repeat
from operator import add, and_, getitem, mul, or_, sub, truth
from typing import Any

from newskit.documents import split_documents
from newskit.languages import script_agrees
from newskit.quotes import Quote, extract_quotes, lexicon_lang
from newskit.segment import segmentation_rules, token_kind

#: Window (in words) of the moving-average type/token ratio.
MATTR_WINDOW = 100
#: Lines up to this many characters keep their text for the boilerplate list.
BOILERPLATE_MAX_CHARS = 80
#: Mojibake markers: UTF-8 Devanagari/Bengali decoded as Latin-1/cp1252.
MOJIBAKE_MARKERS = ("à¤", "à¦")
#: Token kinds that do not count towards sentence length.
NON_WORD_KINDS = frozenset({"punct", "symbol", "space"})
#: Sentence-final characters reported by kind (anything else is ``other``).
TERMINATOR_NAMES = {
    "।": "danda",
    "॥": "double_danda",
    ".": "full_stop",
    "?": "question",
    "!": "exclamation",
    "…": "ellipsis",
    "৷": "bengali_currency_four",
    "|": "pipe",
}
#: Quote marks counted by kind.
QUOTE_MARK_NAMES = {
    '"': "ascii_double",
    "'": "ascii_single",
    "“": "left_double",
    "”": "right_double",
    "‘": "left_single",
    "’": "right_single",
    "«": "left_guillemet",
    "»": "right_guillemet",
    "„": "low_double",
    "‚": "low_single",
}
_CLOSERS = "\"'“”‘’«»)]}"  # stripped from a sentence end before reading its terminator
SCRIPTS = ("Devanagari", "Bengali", "Latin", "Other")
#: The ISO 15924 code of each script bucket that a language is written in.
_ISO_SCRIPT = {"Devanagari": "Deva", "Bengali": "Beng", "Latin": "Latn"}


def _digest(text: str) -> int:
    """8-byte BLAKE2b digest as an int: small, picklable and stable across processes."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


_blake2b_8 = functools.partial(hashlib.blake2b, digest_size=8)
_is_nfc = functools.partial(unicodedata.is_normalized, "NFC")


def _digests(texts: list[str]) -> list[int]:
    """``[_digest(t) for t in texts]`` with no Python-level call per text (all C callables)."""
    raw = map(operator.methodcaller("digest"), map(_blake2b_8, map(str.encode, texts)))
    return list(map(int.from_bytes, raw, repeat("little")))


@dataclass
class CorpusStats:
    """Exact, mergeable counts for a set of documents (see the module docstring).

    ``a + b`` adds every counter; it is associative and commutative, and
    ``CorpusStats()`` (or ``0``, so that ``sum()`` works) is its identity.
    """

    files: int = 0
    documents: int = 0
    paragraphs: int = 0
    sentences: int = 0
    tokens: int = 0
    words: int = 0
    chars: int = 0
    graphemes: int = 0
    sentence_lengths: Counter[int] = field(default_factory=Counter)
    token_kinds: Counter[str] = field(default_factory=Counter)
    word_counts: Counter[str] = field(default_factory=Counter)
    #: (word, next word) -> count; the report shows a pair as the two words joined by a space
    bigram_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    mattr_types: int = 0
    mattr_positions: int = 0
    # script and encoding health
    script_letters: Counter[str] = field(default_factory=Counter)
    #: documents per language (a code of newskit.languages: detected, or given)
    document_langs: Counter[str] = field(default_factory=Counter)
    #: documents per script of their letters (Deva, Beng, Latn, Arab, other; none: no letters)
    document_scripts: Counter[str] = field(default_factory=Counter)
    #: the documents' language probabilities summed in hundredths (an int: exact merges)
    lang_probability_hundredths: int = 0
    #: documents whose letters are not in their language's script, by "lang in Script"
    lang_script_mismatches: Counter[str] = field(default_factory=Counter)
    digits: Counter[str] = field(default_factory=Counter)
    non_nfc_lines: int = 0
    non_nfc_documents: int = 0
    legacy_lines: int = 0  # in a legacy font (Bijoy, KrutiDev): `newskit repair` converts them
    mojibake_lines: int = 0  # UTF-8 read as Windows-1252 or Latin-1: `newskit repair` too
    normalization_changes: Counter[str] = field(default_factory=Counter)
    specials: Counter[str] = field(default_factory=Counter)
    # punctuation and quotes
    terminators: Counter[str] = field(default_factory=Counter)
    quote_marks: Counter[str] = field(default_factory=Counter)
    unbalanced_documents: int = 0
    quote_documents: int = 0
    quotes: int = 0
    quote_kinds: Counter[str] = field(default_factory=Counter)
    unclosed_quotes: int = 0
    speakers: Counter[str] = field(default_factory=Counter)
    # hygiene
    lines_repeated_in_document: int = 0
    sentences_repeated_in_document: int = 0
    line_documents: Counter[int] = field(default_factory=Counter)
    sentence_documents: Counter[int] = field(default_factory=Counter)
    document_digests: Counter[int] = field(default_factory=Counter)
    short_lines: dict[int, str] = field(default_factory=dict)

    # -- merging -------------------------------------------------------------
    def __add__(self, other: object) -> CorpusStats:
        if isinstance(other, int) and other == 0:
            return self.copy()
        if not isinstance(other, CorpusStats):
            return NotImplemented
        out = self.copy()
        out += other
        return out

    def __radd__(self, other: object) -> CorpusStats:
        return self.__add__(other)

    def __iadd__(self, other: object) -> CorpusStats:
        if isinstance(other, int) and other == 0:
            return self
        if not isinstance(other, CorpusStats):
            return NotImplemented
        for f in dataclasses.fields(self):
            mine = getattr(self, f.name)
            theirs = getattr(other, f.name)
            if f.name in _LARGE_COUNTERS:
                _add_counts(mine, theirs)
            elif isinstance(mine, Counter):
                mine.update(theirs)
            elif isinstance(mine, dict):
                # same digest -> same text, so the union does not depend on order
                for key, value in theirs.items():
                    mine.setdefault(key, value)
            else:
                setattr(self, f.name, mine + theirs)
        return self

    def copy(self) -> CorpusStats:
        """A deep-enough copy: new counters, so adding to it leaves ``self`` alone."""
        kwargs = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            kwargs[f.name] = value.copy() if isinstance(value, dict) else value
        return CorpusStats(**kwargs)

    def __eq__(self, other: object) -> bool:
        # Counter equality treats a missing key as zero (Python >= 3.10).
        if not isinstance(other, CorpusStats):
            return NotImplemented
        return all(
            getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(self)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    # -- derived figures -----------------------------------------------------
    @property
    def types(self) -> int:
        """Distinct normalized words."""
        return len(self.word_counts)

    def median_sentence_length(self) -> float:
        """Exact median of sentence lengths (in non-punctuation tokens) from the histogram."""
        n = sum(self.sentence_lengths.values())
        if n == 0:
            return 0.0
        lows = _nth_from_histogram(self.sentence_lengths, (n - 1) // 2)
        highs = _nth_from_histogram(self.sentence_lengths, n // 2)
        return (lows + highs) / 2

    def lang(self) -> str:
        """The language of most documents (``hi``, ``mr``, ``as`` …; ties to the first code).

        ``mixed`` when no language has four fifths of the documents (a corpus total over
        Hindi and Marathi files should not claim to be Hindi); ``und`` without documents.
        """
        if not self.document_langs:
            return "und"
        code, n = min(self.document_langs.items(), key=lambda kv: (-kv[1], kv[0]))
        if n * 5 < sum(self.document_langs.values()) * 4:
            return "mixed"
        return code

    def lang_probability(self) -> float:
        """The mean probability of the documents' languages (1.0 for a language given)."""
        return _ratio(self.lang_probability_hundredths, 100 * self.documents, 4)

    def stopword_set(self) -> frozenset[str]:
        """The stopwords of every language with documents here (see :func:`stopwords`);
        Hindi's and Bengali's when no language is known."""
        langs = sorted(self.document_langs)
        if not langs:
            return stopwords()
        return frozenset().union(*map(stopwords, langs))

    def top_words(self, top: int = 20, keep_stopwords: bool = False) -> list[list[Any]]:
        """The ``top`` commonest words, without :meth:`stopword_set` unless
        ``keep_stopwords`` (the lexicon of one language's documents, per ``--by lang`` row)."""
        if keep_stopwords:
            return _top_counts(self.word_counts, top, None)
        stop = self.stopword_set()
        return _top_counts(self.word_counts, top, lambda w: w not in stop)

    def duplicate_documents(self) -> int:
        """Documents that are exact copies of an earlier one (identical text)."""
        return sum(n - 1 for n in self.document_digests.values() if n > 1)

    def summary(self) -> dict[str, Any]:
        """One flat row of raw numbers (for TSV/CSV rows and table columns)."""
        words = self.words
        sent_len = sum(k * v for k, v in self.sentence_lengths.items())
        letters = sum(self.script_letters.values())
        hapax = sum(1 for v in self.word_counts.values() if v == 1)
        cross_lines = [n for n in self.line_documents.values() if n > 1]
        return {
            "lang": self.lang(),
            "lang_probability": self.lang_probability(),
            "files": self.files,
            "documents": self.documents,
            "paragraphs": self.paragraphs,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "words": words,
            "types": self.types,
            "chars": self.chars,
            "graphemes": self.graphemes,
            "mean_sentence_tokens": _ratio(sent_len, self.sentences, 2),
            "median_sentence_tokens": self.median_sentence_length(),
            "ttr": _ratio(self.types, words, 4),
            "mattr": _ratio(self.mattr_types, self.mattr_positions, 4),
            "hapax_share": _ratio(hapax, self.types, 4),
            **{
                f"{s.lower()}_share": _ratio(self.script_letters.get(s, 0), letters, 4)
                for s in SCRIPTS
            },
            "ascii_digits": self.digits.get("ascii", 0),
            "native_digits": self.digits.get("devanagari", 0) + self.digits.get("bengali", 0),
            "non_nfc_lines": self.non_nfc_lines,
            "normalize_changes": sum(self.normalization_changes.values()),
            "zwj": self.specials.get("zwj", 0),
            "zwnj": self.specials.get("zwnj", 0),
            "invisible": self.specials.get("invisible", 0),
            "replacement_chars": self.specials.get("replacement", 0),
            "mojibake": self.specials.get("mojibake", 0),
            "legacy_lines": self.legacy_lines,
            "mojibake_lines": self.mojibake_lines,
            "danda_ends": self.terminators.get("danda", 0),
            "full_stop_ends": self.terminators.get("full_stop", 0),
            "quote_marks": sum(self.quote_marks.values()),
            "unbalanced_documents": self.unbalanced_documents,
            "quotes": self.quotes if self.quote_documents else None,
            "speech_share": _ratio(self.quote_kinds.get("speech", 0), self.quotes, 4)
            if self.quote_documents
            else None,
            "quotes_per_1k_tokens": _ratio(1000 * self.quotes, self.tokens, 2)
            if self.quote_documents
            else None,
            "lines_repeated_in_doc": self.lines_repeated_in_document,
            "sentences_repeated_in_doc": self.sentences_repeated_in_document,
            "lines_in_several_docs": len(cross_lines),
            "duplicate_documents": self.duplicate_documents(),
        }

    def report(self, top: int = 20, keep_stopwords: bool = False) -> dict[str, Any]:
        """All sections as nested plain data (JSON-ready), with top-``top`` lists.

        Stopwords (package data: the lists of the languages with documents here,
        :meth:`stopword_set`) are left out of the top words and of the top bigrams
        (a bigram is left out when either word is a stopword) unless
        ``keep_stopwords``; hapax share and types always count every word.
        """
        row = self.summary()
        stop: frozenset[str] = frozenset() if keep_stopwords else self.stopword_set()
        top_words = _top_counts(
            self.word_counts, top, None if keep_stopwords else lambda w: w not in stop
        )
        top_bigrams = _top_counts(
            self.bigram_counts,
            top,
            None if keep_stopwords else stop.isdisjoint,
            show=" ".join,
        )
        sentence_repeats = [n for n in self.sentence_documents.values() if n > 1]
        line_repeats = {h: n for h, n in self.line_documents.items() if n > 1}
        boilerplate = _top(
            ((self.short_lines[h], n) for h, n in line_repeats.items() if h in self.short_lines),
            top,
        )
        quotes_known = self.quote_documents > 0
        return {
            "overview": {
                k: row[k]
                for k in (
                    "files",
                    "documents",
                    "paragraphs",
                    "sentences",
                    "tokens",
                    "words",
                    "types",
                    "chars",
                    "graphemes",
                    "mean_sentence_tokens",
                    "median_sentence_tokens",
                    "ttr",
                    "mattr",
                    "hapax_share",
                )
            }
            | {"mattr_window": MATTR_WINDOW, "token_kinds": dict(sorted(self.token_kinds.items()))},
            "scripts": {
                "letters": {s: self.script_letters.get(s, 0) for s in SCRIPTS},
                "shares": {s: row[f"{s.lower()}_share"] for s in SCRIPTS},
                "dominant_lang": row["lang"],
                "document_langs": dict(sorted(self.document_langs.items())),
                "lang_probability": row["lang_probability"],
                "undetermined_documents": self.document_langs.get("und", 0),
                "document_scripts": dict(sorted(self.document_scripts.items())),
                "lang_script_mismatch": sum(self.lang_script_mismatches.values()),
                "lang_script_mismatches": _by_count(self.lang_script_mismatches),
                "digits": {k: self.digits.get(k, 0) for k in ("ascii", "devanagari", "bengali")},
                "non_nfc_lines": self.non_nfc_lines,
                "non_nfc_documents": self.non_nfc_documents,
                "normalization_changes": _in_step_order(self.normalization_changes),
                "zwj": row["zwj"],
                "zwnj": row["zwnj"],
                "invisible": row["invisible"],
                "replacement_chars": row["replacement_chars"],
                "mojibake": row["mojibake"],
                "legacy_lines": self.legacy_lines,
                "mojibake_lines": self.mojibake_lines,
            },
            "punctuation": {
                "terminators": _by_count(self.terminators),
                "quote_marks": _by_count(self.quote_marks),
                "unbalanced_documents": self.unbalanced_documents,
                "quotes": self.quotes if quotes_known else None,
                "quote_kinds": _by_count(self.quote_kinds) if quotes_known else None,
                "unclosed_quotes": self.unclosed_quotes if quotes_known else None,
                "speech_share": row["speech_share"],
                "quotes_per_1k_tokens": row["quotes_per_1k_tokens"],
                "top_speakers": _top(self.speakers.items(), top) if quotes_known else None,
            },
            "lexicon": {
                "stopwords_excluded": not keep_stopwords,
                "top_words": top_words,
                "top_bigrams": top_bigrams,
                "hapax_share": row["hapax_share"],
            },
            "hygiene": {
                "lines_repeated_in_doc": self.lines_repeated_in_document,
                "sentences_repeated_in_doc": self.sentences_repeated_in_document,
                "lines_in_several_docs": len(line_repeats),
                "line_occurrences_in_several_docs": sum(line_repeats.values()),
                "sentences_in_several_docs": len(sentence_repeats),
                "duplicate_documents": self.duplicate_documents(),
                "top_repeated_lines": boilerplate,
            },
        }


SECTIONS = ("overview", "scripts", "punctuation", "lexicon", "hygiene")


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """*counts* as a dict, most common first, ties by key.

    Why not ``most_common``: it keeps ties in insertion order, which depends on the order
    the per-file statistics were merged in, and ``--jobs`` must not change the output.
    """
    return dict(_top(counts.items(), len(counts)))


def _in_step_order(changes: Counter[str]) -> dict[str, int]:
    """Normalization counts in the order the steps run (any other name after, by name)."""
    from newskit.normalization import OPTIONAL_STEPS, STEPS

    order = {step: i for i, step in enumerate(STEPS + OPTIONAL_STEPS)}
    return {k: changes[k] for k in sorted(changes, key=lambda k: (order.get(k, len(order)), k))}


#: Vocabulary-sized counters whose key order nothing depends on (top lists sort by key).
_LARGE_COUNTERS = frozenset(
    ("word_counts", "bigram_counts", "line_documents", "sentence_documents", "document_digests")
)


def _add_counts(mine: Counter[Any], theirs: Counter[Any]) -> None:
    """``mine.update(theirs)`` with no Python code per key: new sums go in by ``dict.update``.

    Why: ``Counter.update`` with a mapping runs a Python loop per key, and merging per-file
    results (words, bigrams, line digests) spent most of its time there. Here every key's sum
    ``mine.get(k, 0) + n`` is made by ``map`` and stored by ``dict.update`` from the pairs, all
    in C. The result, key order included, is that of ``Counter.update`` (which the tests
    compare it with).
    """
    if not mine:
        mine.update(theirs)  # a C-level dict update
        return
    keys = theirs.keys()
    sums = map(add, map(mine.get, keys, repeat(0)), theirs.values())
    dict.update(mine, zip(keys, sums, strict=True))


def _ratio(num: float, den: float, digits: int) -> float:
    return round(num / den, digits) if den else 0.0


def _top(items: Iterable[tuple[str, int]], n: int) -> list[list[Any]]:
    """Top ``n`` by count, ties broken by the text so the output is deterministic."""
    ranked = sorted(items, key=lambda kv: (-kv[1], kv[0]))
    return [[k, v] for k, v in ranked[:n]]


def _top_counts(
    counts: Counter[Any],
    n: int,
    keep: Callable[[Any], bool] | None,
    show: Callable[[Any], str] | None = None,
) -> list[list[Any]]:
    """:func:`_top` of the items of *counts* whose key passes *keep* (all when None), each
    key shown as ``show(key)`` (and ranked by that text on ties).

    Why: sorting (and filtering in Python) a million bigrams costs about a second per
    report. Only the items at or above a count threshold are looked at: with at least
    *n* kept items at or above it, every item below it ranks after them. The threshold
    comes from a histogram of the counts and is lowered until enough items pass *keep*.
    """
    if n <= 0 or not counts:
        return []
    hist = Counter(counts.values())
    levels = sorted(hist, reverse=True)
    need = n
    while True:
        seen = 0
        threshold = levels[-1]
        for level in levels:
            seen += hist[level]
            if seen >= need:
                threshold = level
                break
        candidates = list(compress(counts.items(), map(threshold.__le__, counts.values())))
        if keep is not None:
            candidates = [kv for kv in candidates if keep(kv[0])]
        if show is not None:
            candidates = [(show(k), v) for k, v in candidates]
        if len(candidates) >= n or threshold == levels[-1]:
            return _top(candidates, n)
        need *= 4


def _nth_from_histogram(hist: Counter[int], index: int) -> int:
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen > index:
            return value
    raise IndexError(index)  # pragma: no cover - callers pass index < total


# ---------------------------------------------------------------------------
# Language data and caches (lazy; memory bounded by the vocabulary)
# ---------------------------------------------------------------------------
@lru_cache(maxsize=32)
def stopwords(lang: str | None = None) -> frozenset[str]:
    """Stopwords (package data) of *lang*, normalized like corpus words.

    A language's own list, or the one it borrows (``data/languages.tsv``: Maithili and
    Bhojpuri use Hindi's, Konkani Marathi's), plus the default list of the other script
    (Bengali's for a Devanagari language, Hindi's for a Bengali-script one): lists in
    different scripts cannot collide, and a Marathi article may quote a Bengali one. Without
    a language (or for one with no list: English, Urdu, ``und``), Hindi's and Bengali's,
    as for every document before languages were told apart.

    >>> "आहे" in stopwords("mr"), "आहे" in stopwords("hi"), "और" in stopwords()
    (True, False, True)
    """
    from newskit._data import data_text
    from newskit.languages import data_file, script_of_lang

    texts = []
    own = data_file(lang, "stopwords.txt") if lang is not None else None
    if own is not None:
        texts.append(own[1])
    script = script_of_lang(lang) if own is not None and lang is not None else None
    for default, its_script in (("hi", "Deva"), ("bn", "Beng")):
        if script != its_script:
            texts.append(data_text(default, "stopwords.txt"))
    words: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(_norm_word(line))
    return frozenset(words)


class _WordCache(dict[str, str]):
    """Word -> default-normalized, casefolded form, computed once per distinct word.

    A dict with ``__missing__`` so that ``map(_WORD_CACHE.__getitem__, words)`` normalizes
    a whole list in C on hits; memory is bounded by the vocabulary (and a cap).
    """

    def __missing__(self, word: str) -> str:
        from newskit.normalization import normalize

        out = normalize(word).casefold()
        if len(self) < 2_000_000:
            self[word] = out
        return out

    def normalize_all(self, words: Iterable[str]) -> list[str]:
        """``[self[w] for w in words]``, normalizing the new words in one call.

        Why one ``get`` pass first: once the vocabulary is known nearly every word is a hit,
        and one C-level ``map`` then does the whole list (no set of the chunk's words, no
        second pass). A falsy entry means a missing word (``None``) or an empty normalized
        form; only then are the new words looked for. One ``normalize`` over the new words
        joined by newlines costs about the same as one call per word costs for a few of them
        (a block normalizes exactly as its lines do, one by one).
        """
        words = list(words)
        out = list(map(self.get, words))
        if all(out):
            return out  # type: ignore[return-value]
        # (not set(words).difference(self): with a dict argument it walks the whole dict)
        missing = list(filterfalse(self.__contains__, set(words)))
        if len(missing) > 8:
            from newskit.normalization import normalize

            joined = "\n".join(missing)
            out2 = normalize(joined).casefold().split("\n") if "\r" not in joined else []
            if len(out2) == len(missing) and len(self) < 2_000_000:
                self.update(zip(missing, out2, strict=True))
        return list(map(self.__getitem__, words))


_WORD_CACHE = _WordCache()


def _norm_word(word: str) -> str:
    """Default-normalized, casefolded form of a word, memoized (vocabulary-sized)."""
    return _WORD_CACHE[word]


@lru_cache(maxsize=65536)
def _char_class(ch: str) -> tuple[str | None, str | None]:
    """(script bucket for letters/marks or None, special kind or None) for one character."""
    import regex

    cat = unicodedata.category(ch)
    script = None
    if cat[0] in "LM":
        script = "Other"
        for name in ("Devanagari", "Bengali", "Latin"):
            if regex.match(rf"\p{{Script={name}}}", ch):
                script = name
                break
    special = None
    if ch == "\u200d":
        special = "zwj"
    elif ch == "\u200c":
        special = "zwnj"
    elif ch == "\ufffd":
        special = "replacement"
    elif cat == "Cf" or ch in "\u00ad\u034f\u115f\u1160\u3164":
        special = "invisible"
    elif cat == "Nd":
        if "0" <= ch <= "9":
            special = "digit:ascii"
        elif "\u0966" <= ch <= "\u096f":
            special = "digit:devanagari"
        elif "\u09e6" <= ch <= "\u09ef":
            special = "digit:bengali"
        else:
            special = "digit:other"
    return script, special


@lru_cache(maxsize=1)
def _grapheme_re() -> Any:
    import regex

    return regex.compile(r"\X")


@lru_cache(maxsize=1)
def _edge_res() -> tuple[Any, Any]:
    """(a character that joins the cluster before it, one that joins the cluster after it).

    A mark or joiner joins the cluster of the character before it, even a space (GB9, GB9a);
    a prepended concatenation mark joins what follows it, even a space (GB9b).
    """
    import regex

    return (
        regex.compile(r"[\p{GCB=Extend}\p{GCB=SpacingMark}\p{GCB=ZWJ}]"),
        regex.compile(r"\p{GCB=Prepend}"),
    )


@lru_cache(maxsize=1)
def _token_edge_res() -> tuple[Any, Any]:
    """(a piece start that may join the cluster before it, a piece end that may join the
    cluster after it): :func:`_edge_res` for pieces that touch with no space between them too
    (a token next to a token, or a sentence's piece cut from the next sentence's).

    Next to another character than a space, more rules can join two characters: regional
    indicator pairs (GB12, GB13), Hangul syllable parts (GB6-GB8), an emoji after a ZWJ (GB11)
    and a consonant after a virama (GB9c, Unicode 15.1). Each rule needs the left character
    to end a piece with one of these or the right one to start a piece with one, so a piece
    with neither edge is segmented alone exactly as in its text.
    """
    import regex

    hangul = r"\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}"
    return (
        regex.compile(
            rf"[\p{{GCB=Extend}}\p{{GCB=SpacingMark}}\p{{GCB=ZWJ}}\p{{GCB=Regional_Indicator}}{hangul}]"
        ),
        regex.compile(
            rf"(?:[\p{{GCB=Prepend}}\p{{GCB=ZWJ}}\p{{GCB=Regional_Indicator}}{hangul}]"
            r"|\p{InCB=Linker}[\p{InCB=Extend}\p{InCB=Linker}]*)\Z"
        ),
    )


# The figures of a piece of text with no whitespace (a sentence's piece, a token, a chunk) are
# packed into one int, one FIELD_BITS-bit field per figure, so that the figures of a whole
# document are one C-level ``sum`` over its pieces (no field can overflow: a document would
# need 2**40 characters).
_FIELD_BYTES = 5
_FIELD_BITS = 8 * _FIELD_BYTES
_SPECIAL_KINDS = ("zwj", "zwnj", "replacement", "invisible")
_DIGIT_KINDS = ("ascii", "devanagari", "bengali", "other")
#: The packed fields: clusters, the edge flag, characters, then character counts by kind
#: (the quote marks last: figures of at least ``_FIELD[first quote field]`` hold a mark).
_FIELDS = (
    "graphemes",
    "edge",
    "chars",
    *(f"script:{s}" for s in SCRIPTS),
    *(f"special:{k}" for k in _SPECIAL_KINDS),
    *(f"digit:{k}" for k in _DIGIT_KINDS),
    *(f"quote:{c}" for c in QUOTE_MARK_NAMES),
)
_FIELD = {name: 1 << (_FIELD_BITS * i) for i, name in enumerate(_FIELDS)}
_FIELD_SLICES = [slice(_FIELD_BYTES * i, _FIELD_BYTES * (i + 1)) for i in range(len(_FIELDS))]
#: Set in a piece's figures when an edge of it may join a cluster with what is next to it:
#: see _token_edge_res (_edge_res for chunks, which only whitespace separates).
_EDGE = _FIELD["edge"]
#: Packed figures at least this large hold a quote mark (see _FIELDS).
_ANY_QUOTE = _FIELD[f"quote:{next(iter(QUOTE_MARK_NAMES))}"]


class _CharFigures(dict[str, int]):
    """Character -> its packed contribution: script bucket, special kind, digit kind, mark."""

    def __missing__(self, ch: str) -> int:
        script, special = _char_class(ch)
        n = 0
        if script is not None:
            n += _FIELD[f"script:{script}"]
        if special is not None:
            n += _FIELD[special if special.startswith("digit:") else f"special:{special}"]
        if ch in QUOTE_MARK_NAMES:
            n += _FIELD[f"quote:{ch}"]
        if len(self) > 100_000:
            self.clear()
        self[ch] = n
        return n


_CHAR_FIGURES = _CharFigures()


def _piece_figures(piece: str, edge: bool) -> int:
    """Packed figures of a piece of text with no whitespace: its clusters and characters,
    its character counts by kind, and the edge flag if ``edge``."""
    clusters: int = _grapheme_re().subn("", piece)[1]
    n = clusters + len(piece) * _FIELD["chars"] + sum(map(_CHAR_FIGURES.__getitem__, piece))
    return n + _EDGE if edge else n


class _ChunkFigures(dict[str, int]):
    """Whitespace-free chunk -> its packed figures (clusters, edge flag, character counts),
    computed once per distinct chunk: chunks repeat like words."""

    def __missing__(self, chunk: str) -> int:
        joins_before, joins_after = _edge_res()
        n = _piece_figures(chunk, bool(joins_before.match(chunk) or joins_after.match(chunk[-1])))
        if len(self) > 300_000:  # keep memory flat (some 50 MB) on endless streams
            self.clear()
        self[chunk] = n
        return n


_CHUNKS = _ChunkFigures()


def _text_figures(text: str) -> list[int]:
    """The unpacked :data:`_FIELDS` of *text* (the grapheme count is exact, the edge flag set
    when it needed the full pass).

    Whitespace has no script, special kind or quote mark, so the character figures are the
    sum over the chunks; for graphemes see :func:`count_graphemes`.
    """
    return _unpacked(text, sum(map(_CHUNKS.__getitem__, text.split())))


def _unpacked(text: str, packed: int) -> list[int]:
    """The :data:`_FIELDS` of *text* from the summed figures of pieces that hold each of its
    non-whitespace characters once (chunks or tokens): every whitespace character is a
    cluster of its own unless the edge flag is set or a CR may precede an LF (GB3); then
    the whole text goes through ``\\X``."""
    # (fields are whole bytes: slicing the bytes is cheaper than shifting the big int)
    raw = packed.to_bytes(_FIELD_BYTES * len(_FIELDS), "little")
    fields = list(map(int.from_bytes, map(raw.__getitem__, _FIELD_SLICES), repeat("little")))
    if fields[1] or "\r" in text:
        fields[0] = int(_grapheme_re().subn("", text)[1])
    else:
        fields[0] += len(text) - fields[2]
    return fields


def count_graphemes(text: str) -> int:
    """Extended grapheme clusters in *text*, exactly as ``regex`` ``\\X`` finds them.

    Why not one ``\\X`` pass: at several million clusters per 8 MB it costs more than the
    tokenizer. A whitespace character is a cluster of its own unless a mark or joiner follows
    it, a prepended concatenation mark precedes it or it is the CR of CR LF (GB3); every other
    cluster rule looks back only through marks, joiners and regional indicators, which
    whitespace is not. So when no chunk edge can join a space, the count is the whitespace
    characters plus the clusters of each whitespace-separated chunk, and chunks repeat like
    words, so each distinct one is segmented once. Otherwise the whole text goes through
    ``\\X``.
    """
    return _text_figures(text)[0]


# ---------------------------------------------------------------------------
# Per-document computation
# ---------------------------------------------------------------------------
def document_stats(
    text: str,
    *,
    lang: str | None = None,
    lang_probability: float | None = None,
    normalization: bool = True,
    quotes: bool = True,
    into: CorpusStats | None = None,
) -> CorpusStats:
    """Statistics for one document, added to ``into`` (a new object by default).

    Adding in place gives exactly ``into + document_stats(text)`` but skips
    building and merging a temporary object per document (merging counters
    is Python-level work). ``lang`` is the document's language (detected on
    its head when None; a language given has probability 1.0 unless
    ``lang_probability`` says otherwise): its rules split the sentences and
    tokens. ``normalization=False`` skips the per-step normalization counts;
    ``quotes=False`` skips quotation extraction. Skipped figures stay zero /
    "not computed".
    """
    from newskit.segment import split_sentences

    if lang is None:
        from newskit.langid import detect

        lang, lang_probability = detect(text)
    st = CorpusStats() if into is None else into
    st.documents += 1
    st.document_langs[lang] += 1
    st.lang_probability_hundredths += round(
        100 * (1.0 if lang_probability is None else lang_probability)
    )
    rules = segmentation_rules(lang)
    if rules is not None:  # (None: the default lists, the code path of every hi/bn document)
        split_sentences = functools.partial(split_sentences, lang=rules)
    st.chars += len(text)
    st.document_digests[_digest(text.strip())] += 1

    # lines: paragraphs, NFC, repeats (C-level passes over the lines)
    lines = list(filter(None, map(str.strip, text.split("\n"))))
    st.paragraphs += len(lines)
    digests = _digests(lines)
    seen = set(digests)
    st.lines_repeated_in_document += len(digests) - len(seen)
    short_lines = st.short_lines
    for h, line in zip(digests, lines, strict=True):
        if len(line) <= BOILERPLATE_MAX_CHARS:
            short_lines.setdefault(h, line)  # same digest, same text: any occurrence will do
    st.line_documents.update(seen)

    # Token-level work runs on chunks of whole lines, so a huge document (a file
    # with no --doc-sep) never holds more than CHUNK_CHARS worth of Token objects.
    # Sentences, bigrams and quotations do not cross line breaks here, and the
    # MATTR window carries over, so chunking does not change any figure.
    mattr = _MattrWindow(MATTR_WINDOW)
    seen_sent: set[int] = set()
    extract = extract_quotes if quotes else None
    quote_lang = lexicon_lang(lang)  # (Marathi, Nepali, Assamese cues; hi/bn by script)
    if extract is not None:
        st.quote_documents += 1
    nfc_changes = 0
    packed = 0  # the chunks' summed token figures
    for chunk in _line_chunks(text, CHUNK_CHARS):
        if normalization:
            nfc_changes += _add_normalization(st, chunk)
        sentences, in_chunk = _add_tokens_and_sentences(  # in_chunk: its packed figures
            st, chunk, split_sentences, mattr, seen_sent, rules
        )
        packed += in_chunk
        # a quotation needs a quote mark (figures of a chunk with one are at least _ANY_QUOTE)
        if extract is not None and in_chunk >= _ANY_QUOTE:
            _add_quotes(st, extract(chunk, sentences=sentences, lang=quote_lang))
    types, positions = mattr.sums()
    st.mattr_types += types
    st.mattr_positions += positions
    st.sentence_documents.update(seen_sent)

    # characters and graphemes: the tokens hold every non-whitespace character once, so
    # their memoized figures, summed in C, are the document's (see _unpacked)
    fields = _unpacked(text, packed)
    figures = dict(zip(_FIELDS, fields, strict=True))
    doc_letters = {s: n for s in SCRIPTS if (n := figures[f"script:{s}"])}
    st.script_letters.update(doc_letters)
    for kind in _SPECIAL_KINDS:
        if n := figures[f"special:{kind}"]:
            st.specials[kind] += n
    for kind in _DIGIT_KINDS:
        if n := figures[f"digit:{kind}"]:
            st.digits[kind] += n
    marks = {c: n for c in QUOTE_MARK_NAMES if (n := figures[f"quote:{c}"])}
    if marks:
        # new keys in order of first occurrence, as counting the text would add them
        for c in sorted(marks, key=text.find):
            st.quote_marks[QUOTE_MARK_NAMES[c]] += marks[c]
    mojibake = sum(text.count(m) for m in MOJIBAKE_MARKERS)
    if mojibake:
        st.specials["mojibake"] += mojibake
    from newskit.rescue import count_broken  # (only lines with a Latin letter are looked at)

    for kind, n in count_broken(text).items():
        if kind == "mojibake":
            st.mojibake_lines += n
        else:
            st.legacy_lines += n
    st.graphemes += fields[0]
    if _unbalanced(marks):
        st.unbalanced_documents += 1
    script = _document_script(text, doc_letters)
    st.document_scripts[script or "none"] += 1
    if not script_agrees(lang, script):
        st.lang_script_mismatches[f"{lang} in {script}"] += 1

    # Lines that are not NFC: the normalization's NFC step changed nothing, so there are
    # none (it runs after the invisible step, and taking out invisible characters, which
    # neither compose nor reorder, never makes NFC text of text that was not). Checking
    # each line costs: Bengali's ा is a composing mark, so most lines take the slow path.
    if not normalization or nfc_changes:
        non_nfc = len(lines) - sum(map(_is_nfc, lines))
        if non_nfc:
            st.non_nfc_lines += non_nfc
            st.non_nfc_documents += 1
    return st


def _document_script(text: str, letters: dict[str, int]) -> str | None:
    """The script of a document (:func:`newskit.langid.dominant_script`'s answer) from its
    letter counts: a Devanagari or Bengali share of a fifth wins against Latin letters
    (names in Latin letters inside Hindi news). Only when letters of another script are the
    most is the text looked at again, for Arabic (Urdu); other scripts are ``other``."""
    from newskit.langid import dominant_script, script_of_counts

    if not letters:
        return None
    counts = {_ISO_SCRIPT[s]: n for s, n in letters.items() if s in _ISO_SCRIPT}
    if letters.get("Other", 0) > max(counts.values(), default=0):
        return "Arab" if dominant_script(text) == "Arab" else "other"
    return script_of_counts(counts)


#: Largest piece of a document tokenized at once (whole lines; see document_stats).
CHUNK_CHARS = 1 << 20


def _line_chunks(text: str, size: int) -> Iterator[str]:
    """Consecutive pieces of ``text`` of about ``size`` characters, cut after a newline."""
    if len(text) <= size:
        yield text
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _add_normalization(st: CorpusStats, text: str) -> int:
    """Count what each default normalization step would change; return the NFC step's count."""
    from newskit.normalization import explain

    changes = explain(text)[1]
    st.normalization_changes.update({k: v for k, v in changes.items() if v})
    for k in changes:  # keep every step name present so JSON has a stable shape
        st.normalization_changes.setdefault(k, 0)
    return changes.get("nfc", 0)


def _add_tokens_and_sentences(
    st: CorpusStats,
    text: str,
    split_sentences: Any,
    mattr: _MattrWindow,
    seen_sent: set[int],
    rules: str | None = None,
) -> tuple[list[Any], int]:
    """Tokens, words, bigrams, MATTR input, sentences and their lengths for one chunk
    (tokenized by the segmentation ``rules`` of its language: see
    :func:`newskit.segment.segmentation_rules`).

    :func:`_sentence_pieces` gives each sentence as memoized pieces (see
    :class:`_PieceInfo`), and every per-token step is a ``chain``/``map``/``compress``/
    ``Counter`` pass in C over what they hold (``tests/reference.py`` computes the same from
    token offsets, and the tests compare the two). Returns the chunk's sentences, so that
    quote extraction does not split them again, and the summed packed figures of its pieces.
    """
    sentences, entries, per_sentence, figures = _sentence_pieces(text, split_sentences, rules)
    flat = chain.from_iterable
    info = list(flat(map(_p_info, entries)))
    is_word = list(flat(map(_p_is_word, entries)))
    words = list(compress(info, is_word))
    st.tokens += len(info)
    if words:
        st.token_kinds["word"] += len(words)
    st.token_kinds.update(flat(map(_p_kinds, entries)))
    # where each sentence starts, in tokens and in counted tokens (running sums over entries)
    at = [0, *accumulate(per_sentence)]
    bounds = list(map([0, *accumulate(map(_p_tokens, entries))].__getitem__, at))
    counted = list(map([0, *accumulate(map(_p_counted, entries))].__getitem__, at))
    st.sentence_lengths.update(map(sub, counted[1:], counted))
    # Bigrams: word tokens adjacent in the token stream (normalized forms); a punctuation
    # token or a line break between two words breaks the pair. Sentences of one line are
    # adjacent in the stream; a sentence that starts a new line is not.
    adjacent = list(map(and_, is_word, is_word[1:]))
    if len(sentences) > 1:
        starts = [s.start for s in sentences]
        ends = [s.end for s in sentences]
        # only the sentences that start a line (a few of them) are visited in Python
        for first in compress(bounds[1:-1], map(text.count, repeat("\n"), ends, starts[1:])):
            adjacent[first - 1] = False
    # (zip, not pairwise: zip reuses its pair tuple whenever the pair was counted before)
    st.bigram_counts.update(
        zip(compress(info, adjacent), compress(info[1:], adjacent), strict=True)
    )
    st.words += len(words)
    st.word_counts.update(words)
    mattr.feed(words)
    _add_sentences(st, sentences, seen_sent)
    return sentences, figures


class _TokenInfo(dict[str, "str | int"]):
    """Token -> its normalized form (see :class:`_WordCache`) when it is a word, else a mark
    (a small int) standing for its kind.

    Both follow from the token's text alone. Words are ``str`` and marks ``int``, so the two
    cannot be mistaken for each other; ``marks``, ``uncounted`` and ``kind_of_mark`` describe
    the marks. :class:`_PieceInfo` builds its entries from these. Memory is bounded by the
    vocabulary (and a cap).
    """

    def __init__(self) -> None:
        super().__init__()
        from newskit.segment import KINDS

        others = [k for k in KINDS if k != "word"]
        self.mark_of = {kind: i for i, kind in enumerate(others, 1)}
        self.kind_of_mark = dict(enumerate(others, 1))
        self.marks = frozenset(self.kind_of_mark)
        self.uncounted = frozenset(self.mark_of[k] for k in others if k in NON_WORD_KINDS)

    def __missing__(self, tok: str) -> str | int:
        kind = token_kind(tok)
        value = _WORD_CACHE[tok] if kind == "word" else self.mark_of[kind]
        if len(self) > 500_000:  # keep memory flat on endless streams
            self.clear()
        self[tok] = value
        return value

    def learn(self, toks: list[str]) -> None:
        """Add the tokens not known yet, normalizing their words in one call (see
        :meth:`_WordCache.normalize_all`): one call per word costs several times more."""
        missing = list(filterfalse(self.__contains__, set(toks)))
        _WORD_CACHE.normalize_all(t for t in missing if token_kind(t) == "word")
        for t in missing:
            self.__missing__(t)

    def entry(self, toks: list[str], figures: int) -> _Entry:
        """The :data:`_Entry` of consecutive tokens (a piece's, or a sentence's) and their
        packed figures."""
        if len(toks) == 1:  # (most pieces: a word alone)
            x = self[toks[0]]
            if x.__class__ is str:
                return ((x,), _ONE_WORD, (), 1, 1, figures)
        info = tuple(map(self.__getitem__, toks))
        marks = self.marks
        is_word = tuple(x not in marks for x in info)
        kinds = tuple(self.kind_of_mark[x] for x in info if x in marks)
        uncounted = sum(x in self.uncounted for x in info)
        return (info, is_word, kinds, len(info), len(info) - uncounted, figures)


#: What the token loop needs of a run of tokens: their words' normalized forms and their
#: kinds' marks (see :class:`_TokenInfo`), which of them are words, the kinds of the others,
#: how many tokens, how many count towards sentence length, and the packed figures of their
#: characters.
_Entry = tuple[tuple["str | int", ...], tuple[bool, ...], tuple[str, ...], int, int, int]
(_p_info, _p_is_word, _p_kinds, _p_tokens, _p_counted, _p_figures) = map(
    operator.itemgetter, range(6)
)
#: Figures at least this large are no real sum (no field overflows): a sum of entries'
#: figures that reaches it holds one of the two placeholders below.
_NOT_READY = 1 << (_FIELD_BITS * len(_FIELDS))
#: Placeholder entries: a piece not seen yet, and a piece whose tokens may depend on its
#: neighbours (stored as its entry, so that the piece is not looked at again).
#: ``is_word`` of a piece that is one word (shared by most entries).
_ONE_WORD = (True,)
_NEW: _Entry = ((), (), (), 0, 0, _NOT_READY)
_UNSAFE: _Entry = ((), (), (), 0, 0, 2 * _NOT_READY)  # (not equal to _NEW)


@lru_cache(maxsize=1)
def _token_info() -> _TokenInfo:
    """The token cache (built on first use: importing stats does not import segment)."""
    return _TokenInfo()


class _PieceInfo(dict[str, "_Entry"]):
    """Piece of a sentence (a run of non-whitespace) -> the :data:`_Entry` of its tokens, or
    :data:`_UNSAFE` when they may depend on its neighbours (see
    :func:`newskit.segment.piece_tokens`).

    Why: a sentence's tokens are its pieces' tokens one after another, and pieces repeat like
    words (a word, a word and its comma, a quoted word), so one C-level lookup per piece
    replaces tokenizing the text and one lookup per token, and the per-token facts come as
    ready-made tuples for ``chain``. A piece's figures are its own (clusters counted within it,
    edge flag by :func:`_token_edge_res`, as sentences may cut a piece from its neighbour
    without whitespace). Memory is bounded by the vocabulary (and a cap); the small tuples
    shared by many entries are stored once.
    """

    def __init__(self, rules: str | None = None) -> None:
        super().__init__()
        self.rules = rules  # whose segmentation rules tokenize the pieces
        self.shared: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def learn(self, pieces: list[str]) -> None:
        """Add the entries of the pieces not known yet (tokenized and normalized together)."""
        from newskit.segment import piece_tokens

        if len(self) > 300_000:  # keep memory flat on endless streams (before, not after)
            self.clear()
            self.shared.clear()
        new = list(filterfalse(self.__contains__, set(pieces)))
        if not new:
            return
        tokens = piece_tokens(new, self.rules)
        ti = _token_info()
        ti.learn([t for toks in tokens if toks is not None for t in toks])
        share = self.shared.setdefault
        entry = ti.entry
        for piece, toks, figures in zip(new, tokens, _own_figures(new), strict=True):
            if toks is None:
                self[piece] = _UNSAFE
                continue
            info, is_word, kinds, *rest = entry(toks, figures)
            self[piece] = (info, share(is_word, is_word), share(kinds, kinds), *rest)


_second = operator.itemgetter(1)


def _own_figures(pieces: list[str]) -> list[int]:
    """Packed figures of pieces of sentences, each with the edge flag when a cluster may cross
    its edge (see :func:`_token_edge_res`: a sentence may cut a piece from its neighbour
    without whitespace between them): :func:`_piece_figures` of each, as C-level passes over
    the list (a new piece is otherwise several Python calls)."""
    starts, ends = _token_edge_res()
    clusters = map(_second, map(_grapheme_re().subn, repeat(""), pieces))
    chars = map(mul, map(len, pieces), repeat(_FIELD["chars"]))
    kinds = map(sum, map(map, repeat(_CHAR_FIGURES.__getitem__), pieces))
    edge = map(or_, map(truth, map(starts.match, pieces)), map(truth, map(ends.search, pieces)))
    flags = map(mul, edge, repeat(_EDGE))
    return list(map(add, map(add, clusters, chars), map(add, kinds, flags)))


@lru_cache(maxsize=16)
def _piece_info(rules: str | None = None) -> _PieceInfo:
    """The piece cache of one language's segmentation rules (built on first use, like
    :func:`_token_info`): a piece may tokenize differently under other rules (``सौ.``)."""
    return _PieceInfo(rules)


def _sentence_pieces(
    text: str, split_sentences: Any, rules: str | None = None
) -> tuple[list[Any], list[_Entry], list[int], int]:
    """``(sentences, entries, entries per sentence, their summed figures)`` of a chunk.

    Each sentence is its pieces' entries (see :class:`_PieceInfo`), or, when one of its pieces
    may take its tokens from its neighbours, one entry of its own, from its tokens (not
    memoized): those sentences, joined by newlines, go through segment's C-level line
    tokenizer, so each output line holds one sentence's tokens (each sentence tokenizes alone
    as it does in its text, a tested property of segment).
    """
    from newskit import segment

    sentences = split_sentences(text)
    cut = list(map(str.split, [s.text for s in sentences]))
    per_sentence = list(map(len, cut))
    pieces = list(chain.from_iterable(cut))
    # (called as _piece_info() for the default rules: lru_cache keys () and (None,) apart)
    cache = _piece_info() if rules is None else _piece_info(rules)
    entries = list(map(cache.get, pieces, repeat(_NEW)))
    figures = sum(map(_p_figures, entries))
    if figures < _NOT_READY:  # (the sum of the figures tells whether a piece is new or unsafe)
        return sentences, entries, per_sentence, figures
    if _NEW in entries:
        cache.learn(pieces)
        entries = list(map(cache.__getitem__, pieces))
        figures = sum(map(_p_figures, entries))
        if figures < _NOT_READY:
            return sentences, entries, per_sentence, figures
    # the sentences with a piece that may depend on its neighbours, tokenized whole
    offsets = list(accumulate(per_sentence, initial=0))
    whole = [i for i, (a, b) in enumerate(pairwise(offsets)) if _UNSAFE in entries[a:b]]
    joined = "\n".join([sentences[i].text for i in whole])
    lines = segment.tokenized_text(joined, rules).split("\n")
    if len(lines) != len(whole) or not all(lines):
        # (never seen: a sentence holds no line break; if one did, each alone is exact)
        lines = [" ".join(segment.token_columns(sentences[i].text, rules)[0]) for i in whole]
    ti = _token_info()
    ti.learn(" ".join(lines).split())
    for i, line in zip(reversed(whole), reversed(lines), strict=True):
        entry = ti.entry(line.split(" "), sum(_own_figures(cut[i])))  # (tokens are
        entries[offsets[i] : offsets[i + 1]] = [entry]  # separated by single spaces; right
        per_sentence[i] = 1  # to left, the offsets on the left stay valid)
    return sentences, entries, per_sentence, sum(map(_p_figures, entries))


def _add_sentences(st: CorpusStats, sentences: list[Any], seen_sent: set[int]) -> None:
    """Sentence count, terminators and within-document repeats (lengths are counted apart)."""
    texts = [s.text for s in sentences]
    st.sentences += len(texts)
    st.terminators.update(_terminators(texts))
    digests = _digests(list(map(str.strip, texts)))
    before = len(seen_sent)
    seen_sent.update(digests)
    st.sentences_repeated_in_document += len(digests) - (len(seen_sent) - before)


def _add_quotes(st: CorpusStats, found: Iterable[Quote]) -> None:
    """Quotation figures: count, kinds, unclosed ones and speakers (resolved, normalized)."""
    for q in found:
        st.quotes += 1
        st.quote_kinds[q.kind] += 1
        if not q.closed:
            st.unclosed_quotes += 1
        # a pronoun speaker ("उन्होंने", "তিনি") counts as the name it was resolved to
        speaker = q.resolved or (q.speaker.text if q.speaker is not None else "")
        if speaker and speaker.strip():
            st.speakers[_norm_word(speaker.strip())] += 1


def _terminator(sentence: str) -> str:
    """Kind of the character that ends a sentence, looking past closing quotes/brackets."""
    end = sentence.rstrip().rstrip(_CLOSERS).rstrip()
    if not end:
        return "none"
    return TERMINATOR_NAMES.get(end[-1], "none")


_LAST_CHAR = slice(-1, None)


def _terminators(sentences: list[str]) -> Iterator[str]:
    """``map(_terminator, sentences)`` as C-level passes (no Python call per sentence).

    Why: a function call per sentence was a visible share of the sentence work. The last
    character is taken as a slice, so an empty end gives ``""``, which is not a terminator.
    """
    ends = map(str.rstrip, map(str.rstrip, map(str.rstrip, sentences), repeat(_CLOSERS)))
    return map(TERMINATOR_NAMES.get, map(getitem, ends, repeat(_LAST_CHAR)), repeat("none"))


def _unbalanced(chars: dict[str, int]) -> bool:
    return (
        chars.get("“", 0) != chars.get("”", 0)
        or chars.get("‘", 0) > chars.get("’", 0)
        or chars.get("«", 0) != chars.get("»", 0)
        or chars.get('"', 0) % 2 == 1
    )


class _MattrWindow:
    """Streaming MATTR sums over one document's words, fed in pieces.

    Counted per position rather than per window: the word at position j is a new
    type in every window that starts after its previous occurrence p and at most
    ``window`` positions back, so it adds ``min(j - p, window)``, as if the text
    went on for ever (one dict lookup a word, no window bookkeeping). The windows
    that would start in the last ``window - 1`` positions do not exist; ``sums``
    takes them off using the last ``window`` words alone. Feeding a document in
    chunks gives exactly the sums of :func:`_mattr_sums` on the whole word list.
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self.last: dict[str, int] = {}  # word -> its last position
        self.recent: collections.deque[str] = collections.deque(maxlen=window)
        self.n = 0
        self.total = 0

    def feed(self, words: list[str]) -> None:
        window, last = self.window, self.last
        get = last.get
        j, total = self.n, self.total
        for w in words:
            d = j - get(w, -1)
            total += d if d < window else window
            last[w] = j
            j += 1
        self.n, self.total = j, total
        self.recent.extend(words)

    def sums(self) -> tuple[int, int]:
        """(sum of types per window, sum of window sizes); short documents are one window."""
        n, window = self.n, self.window
        if n <= window:
            return len(self.last), n
        start = n - window  # the last real window starts here
        seen: dict[str, int] = {}
        extra = 0
        for j, w in enumerate(self.recent, start):
            if j > start:  # counted for windows start+1 .. j, which do not exist
                extra += j - seen.get(w, start)
            seen[w] = j
        return self.total - extra, (start + 1) * window


def _mattr_sums(words: list[str], window: int) -> tuple[int, int]:
    """(sum of types per window, sum of window sizes) for one whole word list.

    The reference for :class:`_MattrWindow` (which the analysis uses, fed in
    chunks); the tests check the two agree and match the quadratic definition.

    Sliding window with a running count: O(len(words)). A document shorter
    than ``window`` is one window of its own length.
    """
    n = len(words)
    if n == 0:
        return 0, 0
    if n <= window:
        return len(set(words)), n
    # A plain dict, not a Counter: Counter.__missing__ is a Python-level call.
    counts: dict[str, int] = dict(Counter(words[:window]))
    distinct = len(counts)
    total = distinct
    get = counts.get
    # old leaves, new enters the window (zip stops when new runs out)
    for old, new in zip(words, words[window:], strict=False):
        c = counts[old]
        if c == 1:
            del counts[old]
            distinct -= 1
        else:
            counts[old] = c - 1
        c = get(new, 0)
        if not c:
            distinct += 1
        counts[new] = c + 1
        total += distinct
    return total, (n - window + 1) * window


def text_stats(
    text: str,
    *,
    doc_sep: str | None = None,
    normalization: bool = True,
    quotes: bool = True,
    lang: str | None = None,
) -> CorpusStats:
    """Statistics for a text of one or more documents (``files`` stays 0); documents are
    split as :func:`newskit.documents.split_documents` splits them, and one with no text
    (only whitespace) is not counted. ``lang``: the language of every document (None:
    detected per document).

    >>> text_stats("एक।\\n\\nदो।\\n", doc_sep="blank", quotes=False).documents
    2
    """
    st = CorpusStats()
    for _, _, doc, _ in split_documents(text, doc_sep):
        if doc.strip():
            document_stats(doc, lang=lang, normalization=normalization, quotes=quotes, into=st)
    return st


#: Statistics that no summary reads (see :meth:`CorpusStats.summary`): a run that wants the
#: summaries of its inputs and the corpus total counts them straight into the total instead
#: of into each input's statistics, to be merged later (bigrams are the largest counter).
TOTAL_ONLY = ("bigram_counts", "sentence_documents", "short_lines")


def move_total_only(into: CorpusStats | None, st: CorpusStats) -> CorpusStats:
    """Add ``st``'s :data:`TOTAL_ONLY` statistics to ``into`` (unless None: they are there
    already, ``st`` shared them with it) and leave ``st`` without them; return ``st``."""
    for name in TOTAL_ONLY:
        theirs = getattr(st, name)
        if into is not None and theirs:
            mine = getattr(into, name)
            if isinstance(mine, Counter):
                _add_counts(mine, theirs)
            else:
                for key, value in theirs.items():
                    mine.setdefault(key, value)
        setattr(st, name, type(theirs)())
    return st


def sharing_total_only(total: CorpusStats) -> CorpusStats:
    """Empty statistics whose :data:`TOTAL_ONLY` counters are ``total``'s own objects."""
    return CorpusStats(**{name: getattr(total, name) for name in TOTAL_ONLY})
