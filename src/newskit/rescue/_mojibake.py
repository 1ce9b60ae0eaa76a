"""Mojibake: UTF-8 read as Windows-1252 or Latin-1 (once or twice), and its lossy variants.

The lossless kinds are ftfy's job (:func:`ftfy.fix_encoding`, its encoding fixes only: never
``fix_text``, whose defaults also straighten quotes). What ftfy cannot do is the *lossy* kind:
Windows-1252 leaves five bytes undefined (0x81 0x8D 0x8F 0x90 0x9D), and in Devanagari and
Bengali they are the third byte of common letters (् ु ँ ए ऐ झ, ্ ু ঁ এ ঐ ঝ …). When a tool drops
them, or writes ``?`` or U+FFFD instead, the UTF-8 structure still shows *where* a byte is
missing, and the lead bytes before it say which five letters it can be; this module rebuilds
the candidates of each word and picks the one the news lexicon (``data/legacy/lexicon-*.tsv``)
knows, or else the one whose letter pairs are most frequent in it.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from functools import lru_cache

from newskit._data import data_text

__all__ = ["MOJIBAKE_HINT", "fix_mojibake", "looks_like_mojibake"]

_LOST = -1  # a byte that was dropped or replaced
# the undefined Windows-1252 bytes, and what they complete after each Indic lead pair
_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_INDIC_SECOND = range(0xA4, 0xA8)  # E0 A4..A7: Devanagari and Bengali
_MAX_SLOTS = 4  # per word, every combination is scored; beyond this, a beam
_BEAM = 16  # partial fillings kept
_MIN_STEM = 3  # characters of a known word a longer word starts with, to count
# what joins the parts of a compound word (ग्रुप-बी), and the punctuation around a word
_PARTS = re.compile("[^\\w\u0900-\u0963\u0966-\u09ff]+")

#: a cheap test for a line worth handing to :func:`fix_mojibake`: the Windows-1252 or Latin-1
#: spelling of a UTF-8 lead byte followed by a continuation byte's spelling, U+FFFD, or an
#: Indic lead pair (``à¤``, ``à¦`` …), which clean text practically never contains
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@lru_cache(maxsize=1)
def _byte_of() -> dict[str, int]:
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    chars = bytes(range(256)).decode("sloppy-windows-1252")
    byte_of = {ch: b for b, ch in enumerate(chars)}
    for b in range(0x80, 0xA0):  # Latin-1 reads these bytes as C1 controls
        byte_of.setdefault(chr(b), b)
    return byte_of


def looks_like_mojibake(line: str) -> bool:
    """True if *line* has the spelling of a UTF-8 sequence read as Windows-1252/Latin-1."""
    return MOJIBAKE_HINT.search(line) is not None


def fix_mojibake(line: str) -> str | None:
    """The repaired *line* (NFC), or ``None`` when it is not mojibake this module can undo."""
    import ftfy

    if not looks_like_mojibake(line):
        return None
    raw = _to_bytes(line)
    if raw is not None and _LOST in raw:
        fixed = _rebuild_lossy(raw)
    else:
        fixed = ftfy.fix_encoding(line)
        if "\ufffd" in fixed and "\ufffd" not in line:
            return None  # ftfy gave up part way: do not write replacement characters
    if fixed is None or fixed == line:
        return None
    return unicodedata.normalize("NFC", fixed)


def _to_bytes(line: str) -> list[int] | None:
    """The bytes *line* was decoded from, with ``_LOST`` where a byte is missing.

    ``None`` if a character cannot come from one Windows-1252 byte (then it is not single
    mojibake, and ftfy decides).
    """
    byte_of = _byte_of()
    out: list[int] = []
    for ch in line:
        b = byte_of.get(ch)
        at_third = len(out) >= 2 and out[-2] == 0xE0 and out[-1] in _INDIC_SECOND
        if at_third and ch in "?\ufffd":
            out.append(_LOST)
        elif at_third and (b is None or not 0x80 <= b <= 0xBF):
            out.append(_LOST)  # the byte was dropped: this character starts the next one
            out.extend(_char_bytes(ch, b))
        elif b is not None:
            out.append(b)
        elif ch == "\ufffd" or ord(ch) < 0x100:
            out.extend(_char_bytes(ch, b))
        else:
            return None
    if len(out) >= 2 and out[-2] == 0xE0 and out[-1] in _INDIC_SECOND:
        out.append(_LOST)
    return out


def _char_bytes(ch: str, b: int | None) -> list[int]:
    return [b] if b is not None else list(ch.encode("utf-8"))


def _rebuild_lossy(raw: list[int]) -> str | None:
    """Fill every lost byte of *raw* word by word with the best-known candidate."""
    words: list[list[int]] = [[]]
    for b in raw:
        if b == 0x20:
            words.append([])
        else:
            words[-1].append(b)
    out = []
    for word in words:
        text = _best_word(word)
        if text is None:
            return None
        out.append(text)
    return " ".join(out)


def _best_word(word: list[int]) -> str | None:
    """The best-scored filling of the lost bytes of *word*: every combination for a few
    slots, else a beam over the slots from left to right, each partial filling scored by
    its text up to the next slot."""
    slots = [i for i, b in enumerate(word) if b == _LOST]
    if not slots:
        return _decode(word)
    options = [_candidates(word, i) for i in slots]
    if any(not o for o in options):
        return None
    if len(slots) <= _MAX_SLOTS:
        fillings = []
        for combo in itertools.product(*options):
            filled = list(word)
            for i, b in zip(slots, combo, strict=True):
                filled[i] = b
            fillings.append(filled)
        return _best(fillings, len(word))
    beam = [list(word)]
    for k, (i, opts) in enumerate(zip(slots, options, strict=True)):
        grown = []
        for filled in beam:
            for b in opts:
                grown.append([*filled[:i], b, *filled[i + 1 :]])
        # (the text up to the lead bytes of the next lost one is whole UTF-8)
        end = slots[k + 1] - 2 if k + 1 < len(slots) else len(word)
        beam = _ranked(grown, end)[:_BEAM]
    return _best(beam, len(word))


def _best(fillings: list[list[int]], end: int) -> str | None:
    ranked = _ranked(fillings, end)
    return _decode(ranked[0]) if ranked else None


def _ranked(fillings: list[list[int]], end: int) -> list[list[int]]:
    """The fillings whose first *end* bytes decode, best score first (ties: first given)."""
    lexicon, grams = _lexicon()
    scored = []
    for n, filled in enumerate(fillings):
        text = _decode(filled[:end])
        if text is not None:
            scored.append((-_score(unicodedata.normalize("NFC", text), lexicon, grams), n))
    return [fillings[n] for _, n in sorted(scored)]


def _candidates(word: list[int], i: int) -> list[int]:
    """The undefined bytes that make a letter after the lead pair before position *i*."""
    if i < 2 or word[i - 2] != 0xE0 or word[i - 1] not in _INDIC_SECOND:
        return []
    out = []
    for b in _UNDEFINED:
        ch = bytes((0xE0, word[i - 1], b)).decode("utf-8")
        if unicodedata.category(ch) != "Cn":
            out.append(b)
    return out


def _decode(data: list[int]) -> str | None:
    try:
        return bytes(data).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return None


def _score(word: str, lexicon: dict[str, int], grams: dict[str, float]) -> float:
    """Known words first (by frequency), then words that start with a known word (a stem
    with an ending: পুলিশ + ও), the longer the better, then the mean log frequency of the
    letter triples.

    A word joined by punctuation (ग्रुप-बी, ललितपुर(उप्र), the danda of सुयोग।) is scored
    by its parts, as the lexicon holds words without punctuation.
    """
    total = 0.0
    for core in _PARTS.split(word):
        if not core:
            continue
        n = lexicon.get(core)
        if n:
            total += 1000.0 + math.log(n)
            continue
        stem = next((k for k in range(len(core) - 1, _MIN_STEM - 1, -1) if core[:k] in lexicon), 0)
        padded = f"^{core}$"
        trigrams = [padded[j : j + 3] for j in range(len(padded) - 2)]
        total += 10.0 * stem + sum(grams.get(g, -16.0) for g in trigrams) / len(trigrams)
    return total


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, int], dict[str, float]]:
    """Word counts of both lexicon files, and log frequencies of their letter triples."""
    words: dict[str, int] = {}
    for lang in ("hi", "bn"):
        for line in data_text("legacy", f"lexicon-{lang}.tsv").split("\n"):
            if line and not line.startswith("#"):
                w, _, n = line.partition("\t")
                words[w] = words.get(w, 0) + int(n)
    counts: dict[str, int] = {}
    for w, n in words.items():
        padded = f"^{w}$"
        for j in range(len(padded) - 2):
            counts[padded[j : j + 3]] = counts.get(padded[j : j + 3], 0) + n
    total = sum(counts.values()) or 1
    return words, {g: math.log(n / total) for g, n in counts.items()}
