#!/usr/bin/env python3
"""Draw the articles of the blind quotation gold (issue 17) and split them into test and dev.

Why a script: the draw must be reproducible and fixed before anyone reads the articles, so the
procedure (README.md, section 7) is code with fixed seeds, not a choice made while looking. It
reads only the news files and the two older gold files; it never runs newskit.

Run: ``python benchmarks/gold/draw_quotes_blind.py --data ../shared/data [--extra N]`` prints one
JSON line per drawn article: path, article number (1-based), rank in its file's order, split.
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
OLDER_GOLD = ("quotes-news.jsonl", "quotes-news-heldout.jsonl")
PER_FILE = 16
_MARK = re.compile("[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e]")


def excluded() -> set[tuple[str, int]]:
    """Articles of the older gold sets: they have been read, so they cannot be blind."""
    out = set()
    for name in OLDER_GOLD:
        for line in (HERE / name).read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.add((r["path"], r["article"]))
    return out


def order(data_dir: Path, path: str, skip: set[tuple[str, int]]) -> list[int]:
    """The eligible article numbers of one file in their seeded drawing order."""
    articles = (data_dir / path).read_text("utf-8").split("\n\n")
    eligible = [
        i + 1
        for i, a in enumerate(articles)
        if (path, i + 1) not in skip and _MARK.search(a) is not None
    ]
    random.Random(f"issue-17:{path}").shuffle(eligible)
    return eligible


def draw(data_dir: Path, extra: int = 0) -> list[dict]:
    """PER_FILE articles per file, plus *extra* more per file (added round-robin when the
    first draw holds fewer than 200 quotations), each with its split.

    The split goes by pairs of ranks (0-1, 2-3, ...), a seeded coin deciding which of the two is
    test: half of each file in each split, and adding articles never moves a drawn one.
    """
    skip = excluded()
    out = []
    for path in FILES:
        drawn = order(data_dir, path, skip)[: PER_FILE + extra]
        coin = random.Random(f"issue-17-split:{path}")
        for k in range(0, len(drawn), 2):  # ranks 0-1, 2-3, ...: one test and one dev each
            pair = drawn[k : k + 2]
            first_test = coin.random() < 0.5
            for j, a in enumerate(pair):
                split = "test" if (j == 0) == first_test else "dev"
                out.append({"path": path, "article": a, "rank": k + j, "split": split})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parents[2] / "shared" / "data")
    ap.add_argument("--extra", type=int, default=0, help="articles per file beyond the first 16")
    args = ap.parse_args()
    for row in draw(args.data, args.extra):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
