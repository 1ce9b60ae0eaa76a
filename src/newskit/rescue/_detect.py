"""Which legacy font, if any, a run of Latin-looking characters was typed in.

A character trigram model per class (``data/legacy/detector.tsv``, built by
``tools/build_repair_data.py``): three legacy encodings, whose glyph streams have their own
letter statistics (``‡`` before a consonant, ``k`` after every other consonant in KrutiDev),
and ``latin`` (English, code, URLs, numbers, romanized Hindi and Bengali). The probability
of a class is its share of the likelihood, uniform prior.

Why trigrams over raw code points and not words: legacy text has no dictionary of its own,
its "words" are glyph strings, and a run of a few characters must already be scored (an
English acronym inside a Hindi line, a Bijoy phrase inside a Unicode one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice, repeat
from operator import add, lshift

from newskit._data import data_text

__all__ = ["CLASSES", "classify", "grams"]

#: the model's classes, in the column order of ``detector.tsv``
CLASSES: tuple[str, ...] = ("bijoy", "krutidev", "chanakya", "latin")
#: characters of a run that are scored: enough to tell the classes apart, and it bounds the
#: cost of a long line (the conversion, not the detection, then dominates)
SAMPLE = 100


def grams(text: str) -> list[str]:
    """The character trigrams of *text* with a start (U+0002) and end (U+0003) mark."""
    padded = "\x02\x02" + text + "\x03"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


#: bits of one class's score inside a packed trigram value (see :func:`_model`)
_BITS = 16


@lru_cache(maxsize=1)
def _model() -> tuple[dict[str, int], int, tuple[int, ...]]:
    """The model as one dict: trigram -> the -10 x log-probabilities of every scored class
    packed into one int (class *k* in bits ``16k..16k+15``), the packed value of an unseen
    trigram, and the classes scored (those with a table).

    Why packed: scoring a run is then one dict lookup per trigram and one C-level ``sum``
    instead of one lookup per class (the dicts are too large for the CPU cache, so each
    lookup is a memory miss); the per-class sums come out of the packed sum exactly,
    because no class's sum over a sample reaches ``2**16``. The file is read column by
    column with C-level maps (50,000 rows: a loop per row took half a second, which
    ``newskit stats`` would pay on any text with a line of English).
    """
    text = data_text("legacy", "detector.tsv")
    # comment lines come before the header row; after it, a trigram may start with "#"
    body = text[text.find("\ntrigram\t") + 1 :].strip("\n")
    width = len(CLASSES) + 1
    cells = body.replace("\n", "\t").split("\t")
    header, floor_row = cells[:width], cells[width : 2 * width]
    if header[0] != "trigram" or floor_row[0] != "floor" or len(cells) % width:
        raise ValueError(f"detector.tsv: expected a header row, a floor row, then rows of {width}")
    keys = cells[2 * width :: width]
    columns = [cells[2 * width + 1 + k :: width] for k in range(len(CLASSES))]
    floors = [int(v) for v in floor_row[1:]]
    # a class without training text (its column all floor) is never the answer: not scored
    scored = tuple(k for k, col in enumerate(columns) if col.count(floor_row[k + 1]) < len(col))
    if max(floors[k] for k in scored) * (SAMPLE + 1) >= 1 << _BITS:
        raise ValueError("detector.tsv: a floor too large for a packed score")
    packed_floor = sum(floors[k] << (_BITS * i) for i, k in enumerate(scored))
    values: Iterable[int] = repeat(0)
    for i, k in enumerate(scored):
        values = map(add, values, map(lshift, map(int, columns[k]), repeat(_BITS * i)))
    keys = [_unescape(k) if "\\" in k else k for k in keys]
    return dict(zip(keys, values, strict=False)), packed_floor, scored


def _unescape(key: str) -> str:
    """A trigram as the file writes it (tab, newline and backslash as ``\\uXXXX``)."""
    return key.replace("\\u0009", "\t").replace("\\u000a", "\n").replace("\\u005c", "\\")


# slices of the trigrams of a padded sample, so that they are cut at C speed
_TRIGRAMS = [slice(i, i + 3) for i in range(SAMPLE + 1)]


def scores(text: str) -> list[float]:
    """Log-likelihood (natural log) of the first :data:`SAMPLE` characters, per class;
    ``-inf`` for a class without a table."""
    packed, floor, scored = _model()
    padded = "\x02\x02" + text[:SAMPLE] + "\x03"
    trigrams = map(padded.__getitem__, islice(_TRIGRAMS, len(padded) - 2))
    total = sum(map(packed.get, trigrams, repeat(floor)))
    out = [-math.inf] * len(CLASSES)
    mask = (1 << _BITS) - 1
    for i, k in enumerate(scored):
        out[k] = -((total >> (_BITS * i)) & mask) / 10
    return out


def classify(text: str) -> tuple[str, float]:
    """The most likely class of *text* and its probability (uniform prior)."""
    s = scores(text)
    top = max(s)
    weights = [math.exp(x - top) if x > -math.inf else 0.0 for x in s]
    best = max(range(len(s)), key=s.__getitem__)
    return CLASSES[best], weights[best] / sum(weights)
