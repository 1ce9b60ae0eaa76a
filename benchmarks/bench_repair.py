#!/usr/bin/env python3
"""Throughput of ``newskit repair``'s core (`make bench` calls ``run``; also a script).

Two texts of ``size_mb`` MB each, repaired in blocks of about 1 MB, single process:

- the shared news (``<data>/news/*.txt``) repeated: clean Unicode, where nearly every line
  takes the fast path (target >= 50 MB/s);
- the same news encoded line by line to Bijoy (Bengali) and KrutiDev (Hindi) with newskit's
  encoder: every line is detected and converted (target >= 5 MB/s).

Memory: the peak of Python allocations (tracemalloc) while repairing one block, for a
quarter and for all of the text: flat means the same. The baseline of the clean row is
``str.splitlines`` + ``"".join`` (the floor of any line-by-line filter).

Run: ``python benchmarks/bench_repair.py --data ../shared/data --size-mb 5`` (keep it short
on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from benchlib import blocks, build_text  # noqa: E402

from newskit.rescue import repair  # noqa: E402
from newskit.rescue._legacy import codec  # noqa: E402


def _legacy_lines(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    enc = {"bn": codec("bijoy").encode, "hi": codec("krutidev").encode}
    return [(lang, enc[lang](line)) for lang, line in lines]


def _time(parts: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    changed = 0
    for p in parts:
        changed += repair(p) is not p
    return time.perf_counter() - t, changed


def _peak_kb(parts: list[str]) -> int:
    tracemalloc.start()
    for p in parts:
        repair(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak // 1024


def run(data_dir: Path, size_mb: float) -> list[dict]:
    tmp = HERE.parent / "bench-out"
    tmp.mkdir(exist_ok=True)
    lines = build_text(data_dir, size_mb, tmp / "repair-clean.txt")
    clean = blocks(lines)
    legacy = blocks(_legacy_lines(lines))
    repair(clean[0][:50000])  # load the tables and the model outside the timing
    repair(legacy[0][:50000])
    rows = []
    for name, parts, target in (
        ("repair, clean Unicode news", clean, ">= 50 MB/s"),
        ("repair, Bijoy + KrutiDev lines", legacy, ">= 5 MB/s"),
    ):
        mb = sum(len(p.encode("utf-8")) for p in parts) / 1e6
        seconds, _ = _time(parts)
        base = time.perf_counter()
        for p in parts:
            "".join(p.splitlines(keepends=True))
        base_s = time.perf_counter() - base
        quarter = parts[: max(1, len(parts) // 4)]
        rows.append(
            {
                "name": name,
                "mb": round(mb, 1),
                "mb_per_s": round(mb / seconds, 1),
                "baseline": "splitlines + join",
                "baseline_mb_per_s": round(mb / base_s, 1),
                "ratio": round(base_s / seconds, 2),
                "target": target,
                "peak_alloc_kb_quarter": _peak_kb(quarter),
                "peak_alloc_kb_all": _peak_kb(parts),
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=float, default=5.0)
    a = ap.parse_args()
    for row in run(a.data, a.size_mb):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
