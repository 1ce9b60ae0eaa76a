#!/usr/bin/env python3
"""Quality evaluation of ``newskit repair`` (`make eval` imports ``run``; also a script).

The split comes first, and was committed before any conversion rule was written or tuned:

- every file of ``<data>/repair/`` is cut into a *dev* part (rules are written and tuned
  against it) and a *held-out* part (only scored), by :func:`split_rows`: the data rows are
  shuffled with ``random.Random(f"{SEED}:{file name}")`` and the first ``HELDOUT_FRACTION``
  go to held-out; ``mojibake-examples.tsv`` is split the same way within each kind, so
  every kind has held-out rows;
- the news articles of ``<data>/news/*.txt`` (blocks separated by one blank line) are cut by
  :func:`heldout_article`: an article is held out when the first byte of
  ``sha256(f"{SEED}:{file name}:{article number}")`` is below ``NEWS_HELDOUT_BYTE`` (about
  10%). Held-out articles are never used to train the detector, to build the lexicon or to
  tune a rule; the held-out sentence lines (legacy and mojibake) are generated from them.

Run: ``python benchmarks/eval_repair.py --data ../shared/data``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

#: the issue's number: the seed of every split here
SEED = 19
#: share of each repair/ file's rows held out (scored, never looked at while tuning)
HELDOUT_FRACTION = 0.3
#: an article is held out when the first byte of its hash is below this (26/256 ≈ 10%)
NEWS_HELDOUT_BYTE = 26


def read_rows(path: Path) -> list[list[str]]:
    """The data rows of a ``repair/`` TSV file (header dropped), split on ``\\n`` only.

    Why not ``splitlines``: the mojibake column holds C1 controls such as U+0085, which
    ``str.splitlines`` takes for line breaks.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    return [line.split("\t") for line in lines[1:] if line]


def split_rows(name: str, rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """(dev, held-out) rows of the file *name*, fixed by :data:`SEED` and the file name."""
    if name.startswith("mojibake"):
        dev: list[list[str]] = []
        held: list[list[str]] = []
        for kind in sorted({r[2] for r in rows}):
            d, h = _split([r for r in rows if r[2] == kind], f"{SEED}:{name}:{kind}")
            dev += d
            held += h
        return dev, held
    return _split(rows, f"{SEED}:{name}")


def _split(rows: list[list[str]], seed: str) -> tuple[list[list[str]], list[list[str]]]:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    n_held = round(len(rows) * HELDOUT_FRACTION)
    held = set(order[:n_held])
    return (
        [r for i, r in enumerate(rows) if i not in held],
        [r for i, r in enumerate(rows) if i in held],
    )


def news_articles(path: Path) -> list[str]:
    """The articles of a news file: blocks separated by one blank line."""
    text = path.read_text(encoding="utf-8")
    return [a for a in text.split("\n\n") if a.strip()]


def heldout_article(file_name: str, number: int) -> bool:
    """Whether article *number* (0-based) of *file_name* is held out (about 10%)."""
    digest = hashlib.sha256(f"{SEED}:{file_name}:{number}".encode()).digest()
    return digest[0] < NEWS_HELDOUT_BYTE


def split_summary(data_dir: Path) -> dict:
    """Sizes of every split, and a digest of the held-out rows (to show the split is frozen)."""
    out: dict[str, object] = {}
    for path in sorted((data_dir / "repair").glob("*.tsv")):
        dev, held = split_rows(path.name, read_rows(path))
        digest = hashlib.sha256("\n".join("\t".join(r) for r in held).encode()).hexdigest()
        out[path.name] = {"dev": len(dev), "heldout": len(held), "heldout_sha256": digest[:16]}
    for path in sorted((data_dir / "news").glob("*.txt")):
        arts = news_articles(path)
        held_n = sum(heldout_article(path.name, i) for i in range(len(arts)))
        out[path.name] = {"articles": len(arts), "heldout_articles": held_n}
    return out


def run(data_dir: Path) -> dict:
    """The evaluation's figures (so far: the frozen split)."""
    return {"split": split_summary(data_dir)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    a = ap.parse_args()
    print(json.dumps(run(a.data.resolve()), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
