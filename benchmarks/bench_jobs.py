"""``--jobs 2`` against ``--jobs 1`` on the shapes real corpora come in (issue 15's targets).

Rows, each with the two runs' outputs compared byte for byte:

- ``stats`` on one 25 MB file of articles (``--doc-sep blank``): a corpus that comes as one big
  file (IndicCorp is one multi-GB text per language) used to get no second worker;
- ``stats`` on the shared news files copied to 25 MB (twelve files);
- ``stats`` on the four shared news files as they are (0.5 to 3.4 MB, 8 MB);
- ``quotes`` on one 25 MB file.

The 25 MB inputs repeat the 8 MB of shared news three times (said in the row names); the
vocabulary caches of ``stats`` are then warm for the later copies, as they are for any corpus
that repeats itself (boilerplate, agency copy). Each figure is the shortest of ``runs`` wall
times, ``--jobs 1`` and ``--jobs 2`` alternating so that a slow spell of this shared machine
falls on both.

Run one part: ``python benchmarks/run.py --data ../shared/data --only jobs``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tempfile
import time
from pathlib import Path

import benchlib

RUNS = 3


def _timed(cmd: list[str]) -> tuple[float, str]:
    """Wall seconds of one run and the SHA-256 of its stdout (inputs warmed)."""
    benchlib.warm(cmd)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start, hashlib.sha256(proc.stdout).hexdigest()


def _one_two(cmd: list[str], runs: int) -> tuple[float, float, bool]:
    one: list[float] = []
    two: list[float] = []
    digests = set()
    for _ in range(runs):
        t, d = _timed([*cmd, "--jobs", "1"])
        one.append(t)
        digests.add(d)
        t, d = _timed([*cmd, "--jobs", "2"])
        two.append(t)
        digests.add(d)
    return min(one), min(two), len(digests) == 1


def _row(name: str, mb: float, one: float, two: float, same: bool, target: str) -> dict:
    return {
        "name": name,
        "mb_per_s": round(mb / two, 2),
        "baseline": "--jobs 1",
        "baseline_mb_per_s": round(mb / one, 2),
        "ratio": round(one / two, 2),
        "target": target,
        "identical_output": same,
    }


def run(data_dir: Path, size_mb: float = 25, runs: int = RUNS) -> list[dict]:
    news = sorted((data_dir / "news").glob("*.txt"))
    base = b"\n".join(f.read_bytes().rstrip(b"\n") + b"\n" for f in news)
    rows = []
    with tempfile.TemporaryDirectory(prefix="newskit-bench-jobs-") as tmp:
        root = Path(tmp)
        copies = max(1, round(size_mb * 1e6 / len(base)))
        big = root / "big.txt"
        big.write_bytes(b"\n".join([base] * copies))
        big_mb = big.stat().st_size / 1e6
        copied = root / "copied"
        copied.mkdir()
        for i in range(copies):
            for f in news:
                (copied / f"{i}-{f.name}").write_bytes(f.read_bytes())
        copied_mb = sum(f.stat().st_size for f in copied.iterdir()) / 1e6
        four_mb = sum(f.stat().st_size for f in news) / 1e6

        stats = [*benchlib.NEWSKIT, "stats", "--format", "json", "--doc-sep", "blank"]
        one, two, same = _one_two([*stats, str(big)], runs)
        rows.append(
            _row(
                f"stats --jobs 2, one file of articles ({big_mb:.0f} MB, {copies} copies)",
                big_mb,
                one,
                two,
                same,
                ">= 1.7x (bar 1.6x), identical output",
            )
        )
        one, two, same = _one_two([*stats, str(copied)], runs)
        rows.append(
            _row(
                f"stats --jobs 2, the news copied ({copied_mb:.0f} MB, {copies * len(news)} files)",
                copied_mb,
                one,
                two,
                same,
                ">= 1.7x (bar 1.6x), identical output",
            )
        )
        one, two, same = _one_two([*stats, *map(str, news)], runs)
        rows.append(
            _row(
                f"stats --jobs 2, the four news files as they are ({four_mb:.0f} MB)",
                four_mb,
                one,
                two,
                same,
                ">= 1.7x (bar 1.4x), identical output",
            )
        )
        quotes = [*benchlib.NEWSKIT, "quotes", "--format", "jsonl"]
        one, two, same = _one_two([*quotes, str(big)], runs)
        rows.append(
            _row(
                f"quotes --jobs 2, one file ({big_mb:.0f} MB)",
                big_mb,
                one,
                two,
                same,
                ">= 1.7x, identical output",
            )
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--size-mb", type=float, default=25)
    ap.add_argument("--runs", type=int, default=RUNS)
    args = ap.parse_args()
    for row in run(args.data, args.size_mb, args.runs):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
