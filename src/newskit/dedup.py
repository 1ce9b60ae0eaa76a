"""Near-duplicate documents and boilerplate lines in Hindi and Bengali news corpora.

Why a module of our own around a MinHash library: the generic tools cut Indic words with ``\\w``
(``प्रधानमंत्री`` becomes ``प``, ``रध``, ``नम``, ...) and compare text without normalization,
so the same Bengali article with precomposed ``য়`` and with ``য`` + ``়`` scores a median
Jaccard of 0.34. Here a document's *words* are newskit's own tokens after newskit's default
normalization, with ZWJ/ZWNJ removed, curly quotes made straight, Latin letters lower-cased and
the tokens of kind ``punct`` and ``symbol`` dropped; its *shingles* are the word N-grams
(N = 5 by default; a document of fewer than N words has the one shingle of all its words).

Documents (:func:`signature`, :class:`Index`, :func:`find_clusters`):

- :func:`signature` is a pure function of one text: a MinHash of its shingles (``rensa``'s
  R-MinHash, ``num_perm`` 32-bit values), a 64-bit digest of its normalized tokens (for exact
  duplicates) and its word count (for ``keep="longest"``). Workers can compute signatures in
  parallel; nothing else about a document is needed afterwards, so memory never holds texts.
  Why rensa and not datasketch (``benchmarks/compare_minhash.py``, 1,470 benchmark documents):
  16,100 against 1,130 signatures a second, the same accuracy (RMSE 0.032 against 0.036 near
  the threshold), identical digests in every process and on CPython 3.10, 3.11 and 3.13, and a
  0.5 MB wheel without dependencies where datasketch needs NumPy and SciPy.
- :class:`Index` keeps the signatures in flat arrays (``4 * num_perm + 13`` bytes a document)
  and :meth:`Index.clusters` finds the clusters in one batch: documents with equal digests are
  joined first, then locality-sensitive hashing proposes candidate pairs one band at a time
  (only one band's table exists at a time), every candidate pair is verified against the
  threshold on the signatures, and union-find joins the verified pairs. A cluster is a
  connected component, so a member may be below the threshold with the kept document if it is
  above it with another member; :attr:`Member.similarity` reports its estimate with the kept one.
- Writing the kept documents in input order needs a second pass over the input: the first pass
  computes signatures, :meth:`Clusters.is_kept` answers for each document of the second.

Boilerplate lines (:func:`line_keys`, :class:`LineCounts`, :func:`strip_boilerplate`): a line
that occurs (after the same normalization) in at least ``min_docs`` documents is boilerplate
and is dropped, with one exception for short lines, which are legitimately common (a dateline
``नई दिल्ली:``, a byline ``নিজস্ব প্রতিবেদক``, a lone ``।``): a common line of fewer than
``min_words`` words is dropped only when it is part of a run of common lines (consecutive lines,
blank lines between them ignored) that holds a long one, like the BBC Hindi footer
``फ़ेसबुक और`` between two longer pieces of it. Counting keeps 64-bit line hashes, never texts.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain, compress, filterfalse, repeat
from operator import and_, eq, itemgetter, methodcaller, ne
from typing import Any, Literal

import regex

from newskit.normalization import normalize
from newskit.scripts import ZWJ, ZWNJ
from newskit.segment import piece_tokens, tokenized_text

__all__ = [
    "Cluster",
    "Clusters",
    "DedupConfig",
    "Index",
    "LineConfig",
    "LineCounts",
    "LineKey",
    "Member",
    "Signature",
    "SignatureBatch",
    "Stripped",
    "candidate_probability",
    "choose_bands",
    "find_clusters",
    "line_keys",
    "shingles",
    "signature",
    "signatures",
    "similarity",
    "strip_boilerplate",
    "words",
]

#: Recall of the candidate step at the threshold that :func:`choose_bands` asks for.
BAND_RECALL = 0.999
#: Candidate pairs found below the threshold that clustering remembers, not to verify them
#: again when they share another band (about 70 MB; short documents that share sentences
#: made 960,000 such pairs among 250,000 documents).
_MAX_FAILED = 1_000_000
_U32 = "I"
if array(_U32).itemsize != 4:  # pragma: no cover - every platform CPython supports today
    _U32 = "L"
_NO_WORDS = b""
_NOT_A_WORD = regex.compile(r"\W+|\W[\p{M}\u200c\u200d]+")


@dataclass(frozen=True)
class DedupConfig:
    """What counts as a duplicate. Frozen, so that one object can be shared with workers.

    ``bands=None`` picks the band count for the threshold (:func:`choose_bands`). ``seed``
    selects the MinHash permutations: signatures are comparable only under the same
    ``seed``, ``num_perm`` and ``ngram``, and the same text and configuration give the same
    signature in every process, run and machine.
    """

    #: estimated Jaccard similarity of the shingle sets at or above which two documents match
    threshold: float = 0.7
    #: words per shingle
    ngram: int = 5
    #: MinHash permutations (the signature has this many 32-bit values)
    num_perm: int = 128
    #: LSH bands (rows per band = num_perm // bands); None: :func:`choose_bands`
    bands: int | None = None
    #: MinHash seed
    seed: int = 1
    #: which member of a cluster is kept: the ``first`` in input order or the ``longest`` (words)
    keep: Literal["first", "longest"] = "first"
    #: only documents identical after normalization (no MinHash at all)
    exact: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")
        if self.ngram < 1:
            raise ValueError(f"ngram must be at least 1, not {self.ngram}")
        if self.num_perm < 1:
            raise ValueError(f"num_perm must be at least 1, not {self.num_perm}")
        if self.bands is not None and not 1 <= self.bands <= self.num_perm:
            raise ValueError(f"bands must be between 1 and num_perm ({self.num_perm})")
        if self.keep not in ("first", "longest"):
            raise ValueError(f"keep must be first or longest, not {self.keep!r}")

    @property
    def band_layout(self) -> tuple[int, int]:
        """``(bands, rows)``: the bands used and the signature values in each."""
        if self.bands is None:
            return choose_bands(self.threshold, self.num_perm)
        return self.bands, self.num_perm // self.bands


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that LSH proposes a pair of this Jaccard similarity: ``1 - (1 - s^r)^b``."""
    return 1.0 - (1.0 - similarity**rows) ** bands


def choose_bands(threshold: float, num_perm: int, recall: float = BAND_RECALL) -> tuple[int, int]:
    """``(bands, rows)`` with the most rows a band whose candidate recall at *threshold* is at
    least *recall*.

    Why most rows: each row more makes a dissimilar pair less likely to become a candidate
    (less verification work), while the recall condition keeps the pairs at the threshold.
    Why not datasketch's default: ``MinHashLSH(0.8, 128)`` balances false positives against
    false negatives and proposes only about 40% of the pairs at similarity 0.8; every candidate
    is verified here, so extra candidates cost time, never precision.

    >>> choose_bands(0.7, 128)
    (32, 4)
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands, rows) >= recall:
            best = (bands, rows)
    return best


# -- words and shingles -------------------------------------------------------------------------


class _WordTokens(dict[str, bool]):
    """Token text -> whether it is a word: of any kind but ``punct`` and ``symbol``.

    In newskit's token pattern the ``punct`` and ``symbol`` alternatives are a character that
    is not a word character (``\\w`` of the ``regex`` module) with the combining marks and
    joiners after it (``,ि``: a mark typed after a comma stays with it), or a run of such
    characters (``...``, ``''``); every other token holds a word character. So the test is
    one match of that shape. It agreed with :func:`~newskit.segment.tokenize`'s kinds on
    every token of the shared news (``make eval``: ``words_agree_with_tokenize``) and on
    generated text (``tests/core/test_dedup.py``). Calling ``tokenize`` per distinct token
    instead took 2 of the 3.5 seconds of pass 1 on the 8.4 MB of shared news.
    """

    def __missing__(self, tok: str) -> bool:
        is_word = _NOT_A_WORD.fullmatch(tok) is None
        if len(self) > 500_000:  # keep memory flat on endless streams
            self.clear()
        self[tok] = is_word
        return is_word


_IS_WORD = _WordTokens()
_IS_WORD_GET = _IS_WORD.__getitem__
_QUOTES = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'))


def _key_text(text: str) -> str:
    """*text* as the keys see it: no joiners, default normalization, straight quotes.

    Joiners go before normalizing (so that ``ত্`` + ZWJ cannot become khanda ta in one copy
    only); quotes are made straight before tokenizing, so that ``‘...’সহ`` and ``'...'সহ`` give
    the same tokens.
    """
    if ZWJ in text or ZWNJ in text:
        text = text.replace(ZWJ, "").replace(ZWNJ, "")
    text = normalize(text)
    for curly, straight in _QUOTES:
        if curly in text:
            text = text.replace(curly, straight)
    return text


def _tokens(text: str) -> list[str]:
    """All tokens of *text* after :func:`_key_text`, lower-cased: the reference of
    :func:`_pieces` (and its path for a text with a piece that depends on its neighbours)."""
    return tokenized_text(_key_text(text)).lower().split()


#: ``(the piece's tokens, lower-cased, joined by spaces, as UTF-8; its words, as UTF-8)``
_Entry = tuple[bytes, tuple[bytes, ...]]
_ENTRY_TOKENS = itemgetter(0)
_ENTRY_WORDS = itemgetter(1)
_FIRST = itemgetter(0)


class _PieceCache(dict[str, _Entry]):
    """Piece (a run of non-whitespace of the key text) -> its :data:`_Entry`.

    Why pieces: a document's tokens are its pieces' tokens one after another (see
    :func:`newskit.segment.piece_tokens` for the two exceptions), and news repeats its pieces,
    so each distinct piece is tokenized once and a document costs ``str.split`` and one
    dictionary look-up a piece, both in C: 25 of the 70 ms a MB of a signature went to
    tokenizing every document whole. Words are kept as UTF-8 because rensa hashes bytes (a
    ``str`` shingle is encoded on the way in, and each word is in ``ngram`` shingles).
    """

    def __init__(self) -> None:
        super().__init__()
        #: pieces whose tokens depend on the piece before them: never cached
        self.context: set[str] = set()

    def fill(self, new: Iterable[str]) -> bool:
        """Add the pieces *new* (not yet known); False if one of them may be tokenized
        differently in its context (it is remembered in :attr:`context`, the others are
        added, and the document takes the reference path).

        Of :func:`~newskit.segment.piece_tokens`' two exceptions, an inner apostrophe is cut
        only while a ``‘`` is open, and the key text has none (its quotes are straight); an
        initial's period (``सी.`` after ``बी.``) depends on the piece before. So the pieces
        without a period are tokenized together, one a line (a line's tokens do not depend
        on the lines around it), and those with one are left to ``piece_tokens``.
        """
        new = list(new)
        dotted = list(filter(_HAS_DOT, new))
        lines: list[str] = []
        plain = new
        alone = True
        if dotted:
            found = piece_tokens(dotted)
            if None in found:
                alone = False
                self.context.update(p for p, t in zip(dotted, found, strict=True) if t is None)
                dotted = [p for p, t in zip(dotted, found, strict=True) if t is not None]
                found = [t for t in found if t is not None]
            lines = list(map(" ".join, found))  # type: ignore[arg-type]
            plain = list(filterfalse(_HAS_DOT, new))
        if plain:
            lines += tokenized_text("\n".join(plain)).split("\n")
        low = list(map(str.lower, lines))
        # (all in C: the map and filter objects below run no bytecode per piece)
        tokens = map(str.split, low, repeat(" "))
        words = map(
            tuple, map(partial(map, str.encode), map(partial(filter, _IS_WORD_GET), tokens))
        )
        entries = zip(map(str.encode, low), words, strict=True)
        self.update(zip(dotted + plain, entries, strict=True))
        return alone


_HAS_DOT = methodcaller("__contains__", ".")
_PIECES = _PieceCache()
_MAX_PIECES = 500_000


def _pieces(key_text: str) -> list[_Entry] | None:
    """The :data:`_Entry` of each piece of *key_text* (see :class:`_PieceCache`), or None if
    a piece depends on its neighbours."""
    pieces = key_text.split()
    try:  # (a miss raises: no test of each entry on the common path)
        return list(map(_PIECES.__getitem__, pieces))
    except KeyError:
        pass
    if len(_PIECES) + len(_PIECES.context) > _MAX_PIECES:  # keep memory flat on endless streams
        _PIECES.clear()
        _PIECES.context.clear()
    new = set(filterfalse(_PIECES.__contains__, pieces))
    if not _PIECES.context.isdisjoint(new):
        new -= _PIECES.context
        if new:
            _PIECES.fill(new)
        return None
    if not _PIECES.fill(new):
        return None
    return list(map(_PIECES.__getitem__, pieces))


def _token_bytes_and_words(text: str) -> tuple[bytes, list[bytes]]:
    """The tokens of *text* (lower-cased, joined by spaces) and its words, as UTF-8."""
    key = _key_text(text)
    entries = _pieces(key)
    if entries is None:
        tokens = tokenized_text(key).lower().split()
        return " ".join(tokens).encode(), [t.encode() for t in tokens if _IS_WORD[t]]
    return b" ".join(map(_ENTRY_TOKENS, entries)), list(
        chain.from_iterable(map(_ENTRY_WORDS, entries))
    )


def words(text: str) -> list[str]:
    """The words of *text* that shingles are made of.

    >>> words("नई दिल्ली: प्रधानमंत्री ने कहा, “हम तैयार हैं।”")
    ['नई', 'दिल्ली', 'प्रधानमंत्री', 'ने', 'कहा', 'हम', 'तैयार', 'हैं']
    """
    return [w.decode() for w in _token_bytes_and_words(text)[1]]


def shingles(word_list: Sequence[str], n: int = 5) -> list[str]:
    """The word *n*-grams of *word_list*, each as one string (words joined by a space).

    A list shorter than *n* gives one shingle of all its words, so that a short document can
    still match its copies; an empty list gives none.

    >>> shingles(["a", "b", "c"], 2), shingles(["a", "b"], 5)
    (['a b', 'b c'], ['a b'])
    """
    if len(word_list) < n:
        return [" ".join(word_list)] if word_list else []
    return list(map(" ".join, zip(*(word_list[i:] for i in range(n)), strict=False)))


# -- signatures ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    """What :class:`Index` needs of one document (about ``4 * num_perm + 100`` bytes pickled)."""

    #: ``num_perm`` MinHash values, unsigned 32-bit, native byte order; empty for a document
    #: without words and in exact mode
    minhash: bytes
    #: 64-bit digest of the normalized tokens (whitespace, joiners and letter case ignored)
    exact: int
    #: number of words (``keep="longest"`` keeps the cluster member with the most)
    words: int


@lru_cache(maxsize=8)
def _hasher(num_perm: int, seed: int) -> Callable[[], Any]:
    """A fresh R-MinHash constructor for these parameters (rensa is imported on first use)."""
    from rensa import RMinHash

    return lambda: RMinHash(num_perm, seed)


def signature(text: str, config: DedupConfig = DedupConfig()) -> Signature:
    """The signature of one document: a pure function, safe to run in worker processes.

    >>> a = signature("সে বলল, আমার দেশের মাটি সোনার চেয়েও খাঁটি।")
    >>> b = signature("সে বলল, আমার দেশের মাটি সোনার চেয়েও খাঁটি ।")
    >>> a == b, a.words
    (True, 8)
    """
    tokens, word_list = _token_bytes_and_words(text)
    exact = int.from_bytes(hashlib.blake2b(tokens, digest_size=8).digest(), "little")
    if config.exact or not word_list:
        return Signature(_NO_WORDS, exact, len(word_list))
    mh = _hasher(config.num_perm, config.seed)()
    n = config.ngram
    if len(word_list) < n:
        mh.update([b" ".join(word_list)])
    else:  # the shingles go to rensa as an iterator: no list of them is built
        mh.update(map(b" ".join, zip(*(word_list[i:] for i in range(n)), strict=False)))
    return Signature(array(_U32, mh.digest()).tobytes(), exact, len(word_list))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two documents' shingle sets (share of equal values).

    Identical digests give 1.0; a document without words matches nothing else (0.0).
    """
    if a.exact == b.exact:
        return 1.0
    if not a.minhash or not b.minhash:
        return 0.0
    if len(a.minhash) != len(b.minhash):
        raise ValueError("signatures of different num_perm cannot be compared")
    return _equal_values(a.minhash, b.minhash) / (len(a.minhash) // 4)


def _equal_values(x: bytes | memoryview, y: bytes | memoryview) -> int:
    """How many of the 32-bit values of two signatures are equal: the zero values of their
    XOR, counted in C (the XOR of two big integers; a comparison per value in Python took
    three times as long, and verification is most of the clustering of short documents).

    >>> _equal_values(bytes([1, 0, 0, 0, 7, 0, 0, 0]), bytes([1, 0, 0, 0, 0, 7, 0, 0]))
    1
    """
    n = len(x)
    xor = int.from_bytes(x, "little") ^ int.from_bytes(y, "little")
    return array(_U32, xor.to_bytes(n, "little")).count(0)


@dataclass(frozen=True)
class SignatureBatch:
    """The signatures of consecutive documents, packed: what a worker sends back.

    Why packed: for short documents a list of :class:`Signature` objects pickles to several
    times the bytes, and adding them costs the parent a Python call per document, while
    :meth:`Index.add_batch` extends its arrays in C.
    """

    #: ``4 * num_perm`` bytes per document, zeros for a document without words; empty in
    #: exact mode
    minhash: bytes
    #: 64-bit digests (:attr:`Signature.exact`), one per document
    exact: array[int]
    #: word counts, one per document
    words: array[int]
    #: 1 per document with words, else 0
    has_words: bytes

    def __len__(self) -> int:
        return len(self.exact)


def signatures(texts: Iterable[str], config: DedupConfig = DedupConfig()) -> SignatureBatch:
    """The :func:`signature` of each of *texts*, packed (a pure function, run by workers).

    >>> batch = signatures(["আমার দেশ", "।"])
    >>> len(batch), list(batch.words), batch.has_words
    (2, [2, 0], b'\\x01\\x00')
    """
    width = 0 if config.exact else 4 * config.num_perm
    zeros = bytes(width)
    minhash = bytearray()
    exact = array("Q")
    counts = array(_U32)
    has_words = bytearray()
    for text in texts:
        sig = signature(text, config)
        if width:
            minhash += sig.minhash or zeros
        exact.append(sig.exact)
        counts.append(min(sig.words, 0xFFFFFFFF))
        has_words.append(1 if sig.minhash else 0)
    return SignatureBatch(bytes(minhash), exact, counts, bytes(has_words))


# -- clusters --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """One document of a cluster: its index in input order, whether it is kept, and its
    estimated similarity with the kept member (1.0 for the kept one and exact copies)."""

    doc: int
    keep: bool
    similarity: float


@dataclass(frozen=True, slots=True)
class Cluster:
    """Two or more documents found to be duplicates; exactly one member is kept."""

    #: 1-based number, in the order of the clusters' first members
    number: int
    #: members in input order
    members: tuple[Member, ...]

    @property
    def kept(self) -> int:
        """Index of the kept document."""
        return next(m.doc for m in self.members if m.keep)


@dataclass
class Clusters:
    """The result of :meth:`Index.clusters`: the clusters and which documents are dropped."""

    #: documents indexed
    documents: int
    #: clusters of two or more documents, by first member
    clusters: list[Cluster]
    #: one byte per document, 1 where it is dropped
    _dropped: bytearray = field(repr=False)
    #: candidate pairs proposed by LSH and verified (a measure of the work done)
    candidates: int = 0
    _member_of: dict[int, int] | None = field(default=None, repr=False)

    def is_kept(self, doc: int) -> bool:
        """Whether document *doc* (0-based input index) is written out."""
        return not self._dropped[doc]

    def dropped_flags(self, start: int, end: int) -> bytes:
        """One byte per document of ``start .. end - 1``, 1 where it is dropped: what a
        worker writing those documents needs to know of the clusters."""
        return bytes(self._dropped[start:end])

    def kept_between(self, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """The first and the last kept document of ``start .. end - 1`` (None if none is)."""
        end = self.documents if end is None else end
        first = self._dropped.find(0, start, end)
        return None if first < 0 else (first, self._dropped.rfind(0, start, end))

    @property
    def kept(self) -> int:
        """Number of documents kept."""
        return self.documents - self.dropped

    @property
    def dropped(self) -> int:
        """Number of documents dropped as duplicates."""
        return self._dropped.count(1)

    def cluster_of(self, doc: int) -> int:
        """The number of the cluster document *doc* belongs to, 0 if none (pass 2 uses this to
        note the path, line and id of the members it meets)."""
        if self._member_of is None:
            self._member_of = {m.doc: c.number for c in self.clusters for m in c.members}
        return self._member_of.get(doc, 0)

    def labels(self) -> list[int]:
        """Cluster number per document, 0 for a document in no cluster (for evaluation)."""
        return [self.cluster_of(i) for i in range(self.documents)]


class _UnionFind:
    """Disjoint sets over ``0..n-1`` in a flat array (8 bytes a document)."""

    def __init__(self, n: int) -> None:
        self.parent = array("q", range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller index becomes the root: deterministic, and first wins
            self.parent[max(ra, rb)] = min(ra, rb)

    def joined(self) -> list[int]:
        """The elements that are not their own root, in order (in C: one pass of the array)."""
        parent = self.parent
        return list(compress(range(len(parent)), map(ne, parent, range(len(parent)))))


class Index:
    """Signatures of a corpus in input order, and the clusters they form.

    Memory: ``4 * num_perm`` bytes of MinHash values, 8 of digest, 4 of word count and 1 flag
    per document (525 bytes at 128 permutations: 0.53 GB for a million documents), plus, while
    :meth:`clusters` runs, one band's table, the union-find array and the candidate pairs that
    failed verification.
    """

    def __init__(self, config: DedupConfig = DedupConfig()) -> None:
        self.config = config
        self._width = 4 * config.num_perm
        self._minhash = bytearray()
        self._exact = array("Q")
        self._words = array(_U32)
        self._has_words = bytearray()

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, sig: Signature) -> int:
        """Append one document's signature; return its index (0-based input order)."""
        if sig.minhash and len(sig.minhash) != self._width:
            raise ValueError(
                f"signature has {len(sig.minhash) // 4} values, the index {self._width // 4}"
            )
        if not self.config.exact:
            self._minhash += sig.minhash or bytes(self._width)
        self._has_words.append(1 if sig.minhash else 0)
        self._exact.append(sig.exact)
        self._words.append(min(sig.words, 0xFFFFFFFF))
        return len(self._exact) - 1

    def extend(self, sigs: Iterable[Signature]) -> None:
        for sig in sigs:
            self.add(sig)

    def add_batch(self, batch: SignatureBatch) -> None:
        """Append the documents of a :func:`signatures` batch, in order."""
        if not self.config.exact:
            if len(batch.minhash) != self._width * len(batch):
                raise ValueError(f"batch signatures are not of {self._width // 4} values")
            self._minhash += batch.minhash
        self._has_words += batch.has_words
        self._exact.extend(batch.exact)
        self._words.extend(batch.words)

    def _values(self, doc: int) -> memoryview:
        start = doc * self._width
        return memoryview(self._minhash)[start : start + self._width]

    def _similarity(self, a: int, b: int) -> float:
        if self._exact[a] == self._exact[b]:
            return 1.0
        if not (self._has_words[a] and self._has_words[b]):
            return 0.0
        return _equal_values(self._values(a), self._values(b)) / self.config.num_perm

    def clusters(self) -> Clusters:
        """Cluster the documents added so far (see the module docstring for the steps).

        Every step that touches each document runs in C (``map``, ``compress``,
        ``struct.iter_unpack``); Python code runs only for the documents that share a digest
        or a band with another, so a million short documents cost seconds, not minutes.
        """
        n = len(self)
        uf = _UnionFind(n)
        docs = range(n)
        first_of: dict[int, int] = {}
        firsts = list(map(first_of.setdefault, self._exact, docs))
        del first_of
        for doc in compress(docs, map(ne, firsts, docs)):  # exact copies
            uf.union(firsts[doc], doc)
        candidates = 0
        if not self.config.exact:
            # the first of each digest, with words: the others join it through its cluster
            firsts_with_words = bytes(map(and_, map(eq, firsts, docs), self._has_words))
            del firsts
            candidates = self._join_similar(uf, firsts_with_words)
        return self._result(uf, n, candidates)

    def _join_similar(self, uf: _UnionFind, mask: bytes) -> int:
        """LSH one band at a time, verification, union, over the documents whose byte in
        *mask* is 1; returns the candidate pairs verified.

        A band's keys are cut out of the flat signatures by ``struct.iter_unpack``, and
        ``dict.setdefault`` maps each document to the first document with its key: only the
        documents whose first is another (they share a bucket) go on, in Python.
        """
        import struct

        bands, rows = self.config.band_layout
        threshold = self.config.threshold
        width = self._width
        docs = list(compress(range(len(mask)), mask))
        failed: set[int] = set()  # pairs found below the threshold, as other * n + doc
        n = len(mask)
        verified = 0
        for band in range(bands):
            lo = band * rows * 4
            layout = struct.Struct(f"{lo}x{rows * 4}s{width - lo - rows * 4}x")
            keys = map(_FIRST, compress(layout.iter_unpack(self._minhash), mask))
            seen: dict[bytes, int] = {}  # one band's table at a time
            firsts = list(map(seen.setdefault, keys, docs))
            del seen
            buckets: dict[int, list[int]] = {}
            for doc, first in compress(zip(docs, firsts, strict=True), map(ne, docs, firsts)):
                buckets.setdefault(first, [first]).append(doc)
            del firsts
            for bucket in buckets.values():
                for i, doc in enumerate(bucket[1:], 1):
                    root = uf.find(doc)
                    for other in bucket[:i]:
                        pair = other * n + doc
                        if uf.find(other) == root or pair in failed:
                            continue
                        verified += 1
                        if self._similarity(other, doc) >= threshold:
                            uf.union(other, doc)
                            root = uf.find(doc)
                        else:
                            if (
                                len(failed) >= _MAX_FAILED
                            ):  # (bounded: then some are verified again)
                                failed.clear()
                            failed.add(pair)
        return verified

    def _result(self, uf: _UnionFind, n: int, candidates: int) -> Clusters:
        # A set's root is its smallest index (union makes the smaller root the parent), so
        # each group starts with its root and lists its members in input order.
        groups: dict[int, list[int]] = {}
        for doc in uf.joined():
            root = uf.find(doc)
            if root != doc:
                groups.setdefault(root, [root]).append(doc)
        dropped = bytearray(n)
        out = []
        for number, root in enumerate(sorted(groups), 1):
            members = groups[root]
            if self.config.keep == "longest":
                keep = max(members, key=lambda d: (self._words[d], -d))
            else:
                keep = members[0]
            out.append(
                Cluster(
                    number,
                    tuple(
                        Member(d, d == keep, round(self._similarity(keep, d), 4)) for d in members
                    ),
                )
            )
            for d in members:
                if d != keep:
                    dropped[d] = 1
        return Clusters(n, out, dropped, candidates)


def find_clusters(
    signatures: Iterable[Signature],
    config: DedupConfig = DedupConfig(),
) -> Clusters:
    """Index *signatures* (in input order) and return their clusters."""
    index = Index(config)
    index.extend(signatures)
    return index.clusters()


# -- boilerplate lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineConfig:
    """What makes a line boilerplate (``--lines``)."""

    #: a line in at least this many documents is common
    min_docs: int = 5
    #: a common line with fewer words is dropped only inside a run of common lines with a long one
    min_words: int = 4

    def __post_init__(self) -> None:
        if self.min_docs < 2:
            raise ValueError(f"min_docs must be at least 2, not {self.min_docs}")
        if self.min_words < 0:
            raise ValueError(f"min_words must not be negative, not {self.min_words}")


@dataclass(frozen=True, slots=True)
class LineKey:
    """One line of a document: its 64-bit hash (None for a blank line) and its word count."""

    hash: int | None
    words: int


def _split_lines(text: str) -> list[str]:
    """Lines of *text* with their ``\\n`` kept (``\\n`` only, as io's line numbers count)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _line_key(line: str) -> LineKey:
    tokens, word_list = _token_bytes_and_words(line)
    if not tokens:
        return LineKey(None, 0)
    digest = hashlib.blake2b(tokens, digest_size=8).digest()
    return LineKey(int.from_bytes(digest, "little"), len(word_list))


def line_keys(text: str) -> list[LineKey]:
    """One :class:`LineKey` per line of *text* (lines end at ``\\n``): a pure function."""
    return [_line_key(line) for line in _split_lines(text)]


class LineCounts:
    """In how many documents each line hash occurs (a document counts once per line).

    Memory: one dict entry per distinct line (about 100 bytes), never the line's text.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.counts: dict[int, int] = {}

    def add(self, keys: Iterable[LineKey]) -> None:
        """Count one document's lines."""
        self.documents += 1
        counts = self.counts
        for h in {k.hash for k in keys if k.hash is not None}:
            counts[h] = counts.get(h, 0) + 1

    def add_distinct(self, hashes: Iterable[int]) -> None:
        """Count one document given the distinct hashes of its lines (:func:`line_hashes`)."""
        self.documents += 1
        counts = self.counts
        for h in hashes:
            counts[h] = counts.get(h, 0) + 1

    def common(self, min_docs: int) -> frozenset[int]:
        """The hashes of the lines in at least *min_docs* documents."""
        return frozenset(h for h, c in self.counts.items() if c >= min_docs)


@dataclass(frozen=True, slots=True)
class Stripped:
    """A document with its boilerplate lines removed."""

    #: the remaining text: kept lines exactly as they were
    text: str
    #: 0-based numbers of the dropped lines
    dropped: tuple[int, ...]


def boilerplate_lines(keys: Sequence[LineKey], common: frozenset[int], min_words: int) -> list[int]:
    """Indexes of the lines to drop, by the rule in the module docstring."""
    drop: list[int] = []
    run: list[int] = []  # consecutive common lines (blank lines skipped)
    long_in_run = False
    for i, key in enumerate([*keys, LineKey(0, 0)]):  # a sentinel ends the last run
        if key.hash is None:
            continue
        if i < len(keys) and key.hash in common:
            run.append(i)
            long_in_run = long_in_run or key.words >= min_words
            continue
        if long_in_run:
            drop.extend(run)
        run, long_in_run = [], False
    return drop


def strip_boilerplate(
    text: str,
    common: frozenset[int],
    config: LineConfig = LineConfig(),
    keys: Sequence[LineKey] | None = None,
) -> Stripped:
    """*text* without its boilerplate lines (those of *common* under the short-line rule).

    The kept lines are as they were, line ends included, except that a text which did not
    end with a line end does not end with one when its last lines are dropped (a JSON Lines
    field ``"…\\nफ़ेसबुक और"`` keeps no stray ``\\n``). *keys* may pass the
    :func:`line_keys` of *text* when they are already known.

    >>> strip_boilerplate("खबर\\nविज्ञापन के बाद खबर जारी है", frozenset(
    ...     [line_keys("विज्ञापन के बाद खबर जारी है")[0].hash])).text
    'खबर'
    """
    lines = _split_lines(text)
    if keys is None:
        keys = [_line_key(line) for line in lines]
    drop = boilerplate_lines(keys, common, config.min_words)
    if not drop:
        return Stripped(text, ())
    gone = set(drop)
    out = "".join(x for i, x in enumerate(lines) if i not in gone)
    if not text.endswith("\n") and out.endswith("\n"):
        out = out[:-2] if out.endswith("\r\n") else out[:-1]
    return Stripped(out, tuple(drop))
