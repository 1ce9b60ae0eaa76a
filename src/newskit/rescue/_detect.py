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
from itertools import repeat

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


@lru_cache(maxsize=1)
def _model() -> tuple[list[dict[str, int]], list[int]]:
    tables: list[dict[str, int]] = [{} for _ in CLASSES]
    floors: list[int] = []
    lines = data_text("legacy", "detector.tsv").split("\n")
    for line in lines:
        if not line or line.startswith("#") or line.startswith("trigram\t"):
            continue
        key, *vals = line.split("\t")
        if key == "floor":
            floors = [-int(v) for v in vals]
            continue
        key = key.replace("\\u0009", "\t").replace("\\u000a", "\n").replace("\\u005c", "\\")
        for table, v, floor in zip(tables, vals, floors, strict=True):
            if -int(v) != floor:  # unseen in that class: the floor applies anyway
                table[key] = -int(v)
    return tables, floors


def scores(text: str) -> list[float]:
    """Log-likelihood (natural log) of the first :data:`SAMPLE` characters, per class."""
    tables, floors = _model()
    g = grams(text[:SAMPLE])
    # a class without training text (no table yet) is never the answer: not scored
    return [
        sum(map(t.get, g, repeat(f))) / 10 if t else -math.inf
        for t, f in zip(tables, floors, strict=True)
    ]


def classify(text: str) -> tuple[str, float]:
    """The most likely class of *text* and its probability (uniform prior)."""
    s = scores(text)
    top = max(s)
    weights = [math.exp(x - top) if x > -math.inf else 0.0 for x in s]
    best = max(range(len(s)), key=s.__getitem__)
    return CLASSES[best], weights[best] / sum(weights)
