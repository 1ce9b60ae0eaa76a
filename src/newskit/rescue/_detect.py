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
from functools import lru_cache
from itertools import islice, repeat

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
    because no class's sum over a sample reaches ``2**16``.
    """
    tables: list[dict[str, int]] = [{} for _ in CLASSES]
    floors: list[int] = []
    for line in data_text("legacy", "detector.tsv").split("\n"):
        if not line or line.startswith("#") or line.startswith("trigram\t"):
            continue
        key, *vals = line.split("\t")
        if key == "floor":
            floors = [int(v) for v in vals]
            continue
        key = key.replace("\\u0009", "\t").replace("\\u000a", "\n").replace("\\u005c", "\\")
        for table, v, floor in zip(tables, vals, floors, strict=True):
            if int(v) != floor:  # unseen in that class: the floor applies anyway
                table[key] = int(v)
    # a class without training text (no table yet) is never the answer: not scored
    scored = tuple(k for k, t in enumerate(tables) if t)
    if max(floors[k] for k in scored) * (SAMPLE + 1) >= 1 << _BITS:
        raise ValueError("detector.tsv: a floor too large for a packed score")
    packed_floor = sum(floors[k] << (_BITS * i) for i, k in enumerate(scored))
    packed: dict[str, int] = {}
    for i, k in enumerate(scored):
        for key, v in tables[k].items():
            packed[key] = packed.get(key, packed_floor) + ((v - floors[k]) << (_BITS * i))
    # The likeliest trigrams first, as new objects made in that order: the entries, keys and
    # values that most lookups touch then share cache lines (5-15% off scoring measured).
    mask = (1 << _BITS) - 1

    def likeliest(item: tuple[str, int]) -> int:
        return min((item[1] >> (_BITS * i)) & mask for i in range(len(scored)))

    hot = sorted(packed.items(), key=likeliest)
    return {"".join(key): int(str(v)) for key, v in hot}, packed_floor, scored


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
