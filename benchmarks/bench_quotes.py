#!/usr/bin/env python3
"""Throughput of quotation extraction (`make bench` calls ``run``; also a script).

Builds a text of ``size_mb`` MB by concatenating ``<data>/news/*.txt`` and repeating it, splits
it into articles (blocks separated by one blank line, as the CLI does) and times
:func:`newskit.quotes.extract_quotes` over every article, single process, sentence splitting
and attribution included. The baseline is the floor any quote finder pays: one regular
expression pairing “…”, ‘…’ and "…" within a line, no direction rules, no attribution.

Run: ``python benchmarks/bench_quotes.py --data ../shared/data --size-mb 20``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from newskit.quotes import extract_quotes  # noqa: E402

_NAIVE = re.compile('\u201c[^\u201d\\n]*\u201d|\u2018[^\u2019\\n]*\u2019|"[^"\\n]*"')


def build_text(data_dir: Path, size_mb: float) -> str:
    """The news files concatenated (blank line between) and repeated to at least size_mb."""
    parts = [f.read_text("utf-8").strip("\n") for f in sorted((data_dir / "news").glob("*.txt"))]
    one = "\n\n".join(parts)
    size = len(one.encode("utf-8"))
    copies = max(1, int(size_mb * 1e6 / size) + 1)
    return "\n\n".join([one] * copies)


def _time(fn: object, text: str) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for doc in text.split("\n\n"):
        n += len(fn(doc))  # type: ignore[operator]
    return time.perf_counter() - start, n


def run(data_dir: Path, size_mb: float) -> list[dict]:
    """One row: quotes MB/s against the naive regex baseline."""
    text = build_text(data_dir, size_mb)
    mb = len(text.encode("utf-8")) / 1e6
    extract_quotes(text[:20000])  # load lexicons and the sentence splitter outside the timing
    seconds, quotes = _time(extract_quotes, text)
    base_seconds, base_quotes = _time(_NAIVE.findall, text)
    ours = mb / seconds
    base = mb / base_seconds
    return [
        {
            "name": "quotes",
            "mb": round(mb, 1),
            "quotes": quotes,
            "mb_per_s": round(ours, 1),
            "baseline": "naive regex pairing (no direction rules, no attribution)",
            "baseline_quotes": base_quotes,
            "baseline_mb_per_s": round(base, 1),
            "ratio": round(ours / base, 2),
            "target": ">= 10 MB/s",
        }
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=float, default=20.0)
    args = ap.parse_args()
    for row in run(args.data, args.size_mb):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
