#!/usr/bin/env python3
"""Draw the articles of the second blind quotation test (issue 17, phase 2).

Why a second script: the first blind test became development data once its errors shaped the
rules, so a new test must come from articles nobody on the project has read. The draw is code
with fixed seeds, written and run before the articles were read (README.md, section 10). It
reads only the news files and the gold files; it never runs newskit.

Run: ``python benchmarks/gold/draw_quotes_blind2.py --data ../shared/data [--extra N]`` prints
one JSON line per drawn article: path, article number (1-based), rank in its file's order.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = (
    "news/hi-bbc-hindi.txt",
    "news/hi-naidunia-indore.txt",
    "news/bn-banglanews24.txt",
    "news/bn-bdnewspaperscraper-20251229.txt",
)
PER_FILE = 10
SEED = "issue-17-phase-2-test2"
_MARK = re.compile("[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e]")


def excluded() -> set[tuple[str, int]]:
    """Every article of every gold file so far: they have been read, so they cannot be blind."""
    out = set()
    for gold in sorted(HERE.glob("quotes-*.jsonl")):
        if gold.name == "quotes-blind-test2.jsonl":
            continue  # (the file this draw fills)
        for line in gold.read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.add((r["path"], r["article"]))
    return out


def order(data_dir: Path, path: str, skip: set[tuple[str, int]]) -> list[int]:
    """The eligible article numbers of one file in their seeded drawing order: not in a gold
    file, and holding at least one quotation-mark character."""
    articles = (data_dir / path).read_text("utf-8").split("\n\n")
    eligible = [
        i + 1
        for i, a in enumerate(articles)
        if (path, i + 1) not in skip and _MARK.search(a) is not None
    ]
    random.Random(f"{SEED}:{path}").shuffle(eligible)
    return eligible


def draw(data_dir: Path, extra: int = 0) -> list[dict]:
    """PER_FILE articles per file, plus *extra* more per file (added when the first draw holds
    fewer than 150 quotations); all of them are test."""
    skip = excluded()
    out = []
    for path in FILES:
        for rank, a in enumerate(order(data_dir, path, skip)[: PER_FILE + extra]):
            out.append({"path": path, "article": a, "rank": rank, "split": "test2"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parents[2] / "shared" / "data")
    ap.add_argument("--extra", type=int, default=0, help="articles per file beyond the first 10")
    args = ap.parse_args()
    for row in draw(args.data, args.extra):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
