"""``stats --dask local:2`` against ``--jobs 1`` and ``--jobs 2``, and a scaling model.

Rows (issue 16's targets): on ``size_mb`` (at least 50) MB of news in one file of articles,
``--dask local:2`` against ``--jobs 1`` and against ``--jobs 2``, identical JSON. The model
predicts a cluster's time from measured parts:

    T(W) = start + S * t / W + n * o / W + ceil(log8(n)) * m + r

``t``: seconds per MB of one worker (from ``--jobs 1``); ``o``: the cost of one task to the
cluster (client, scheduler, worker hand-over), measured on a LocalCluster with thousands of
tasks of a few KB (where it dominates); ``m``: one merge node of the tree (8 item states);
``n``: tasks (``S`` / 1 MiB); ``start``: connecting; ``r``: the total to the client and the
report. Dask's scheduler hands out a few thousand tasks a second, which is what ``n * o / W``
must stay under: with 1 MiB tasks the model's ``o`` term is small next to the work.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    benchlib.warm(cmd)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start, hashlib.sha256(proc.stdout).hexdigest()


def _ranges(path: Path, size: int) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from newskit.io import iter_document_ranges

    return sum(1 for _ in iter_document_ranges(path, "blank", size))


def _merge_seconds(data_dir: Path) -> float:
    """One merge node: 8 states of 1 MiB of news each, merged (in this process)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from newskit.stats import text_stats

    text = b"\n".join(f.read_bytes() for f in sorted((data_dir / "news").glob("*.txt")))
    parts = [text[i << 20 : (i + 1) << 20].decode("utf-8", "ignore") for i in range(8)]
    states = [text_stats(p, doc_sep="blank") for p in parts]
    start = time.perf_counter()
    total = states[0].copy()
    for st in states[1:]:
        total += st
    return time.perf_counter() - start


def run(data_dir: Path, size_mb: float = 50, runs: int = 2) -> list[dict]:
    size_mb = max(size_mb, 50)
    news = sorted((data_dir / "news").glob("*.txt"))
    base = b"\n".join(f.read_bytes().rstrip(b"\n") + b"\n" for f in news)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="newskit-bench-dask-") as tmp:
        big = Path(tmp) / "big.txt"
        copies = max(1, math.ceil(size_mb * 1e6 / len(base)))
        big.write_bytes(b"\n".join([base] * copies))
        mb = big.stat().st_size / 1e6
        stats = [*benchlib.NEWSKIT, "stats", "--format", "json", "--doc-sep", "blank", str(big)]
        times: dict[str, list[float]] = {"1": [], "2": [], "dask": []}
        digests = set()
        for _ in range(runs):
            for key, extra in (
                ("1", ["--jobs", "1"]),
                ("2", ["--jobs", "2"]),
                ("dask", ["--dask", "local:2"]),
            ):
                t, d = _timed([*stats, *extra])
                times[key].append(t)
                digests.add(d)
        one, two, dask = (min(times[k]) for k in ("1", "2", "dask"))
        same = len(digests) == 1
        rows.append(
            {
                "name": f"stats --dask local:2 ({mb:.0f} MB file, {copies} copies of the news)",
                "mb_per_s": round(mb / dask, 2),
                "baseline": "--jobs 1",
                "baseline_mb_per_s": round(mb / one, 2),
                "ratio": round(one / dask, 2),
                "target": ">= 1.6x (bar 1.5x), identical output",
                "identical_output": same,
            }
        )
        rows.append(
            {
                "name": "stats --dask local:2 against --jobs 2 (overhead)",
                "value": f"{(dask / two - 1) * 100:+.1f}%",
                "baseline": "--jobs 2",
                "baseline_mb_per_s": round(mb / two, 2),
                "target": "<= +15%",
            }
        )
        # the model's parts
        t_mb = one / mb  # (start-up and the report are a small part of this)
        empty = Path(tmp) / "empty.txt"
        empty.write_text("")
        dask_stats = [*benchlib.NEWSKIT, "stats", "--format", "json", "--dask", "local:2"]
        start_t = min(_timed([*dask_stats, str(empty)])[0] for _ in range(2))
        small = Path(tmp) / "small.txt"
        small.write_bytes(b"\n\n".join(b"x y z" for _ in range(60_000)))
        tasks = _ranges(small, 256)
        t_small, _ = _timed(
            [*dask_stats, "--doc-sep", "blank", str(small)], {"NEWSKIT_TUNING": "chunk_bytes=256"}
        )
        o = max(0.0, (t_small - start_t) / tasks * 2)  # (two workers: one task's cost to one)
        m = _merge_seconds(data_dir)
        model = {}
        for w in (8, 32, 128):
            s_mb = 20_000.0
            n = math.ceil(s_mb)  # 1 MiB tasks
            seconds = start_t + s_mb * t_mb / w + n * o / w + math.ceil(math.log(n, 8)) * m + 2.0
            model[w] = seconds
        rows.append(
            {
                "name": "scaling model inputs",
                "value": (
                    f"t {t_mb * 1000:.0f} ms/MB, o {o * 1000:.1f} ms/task,"
                    f" m {m * 1000:.0f} ms/merge, start {start_t:.1f} s"
                ),
            }
        )
        rows.append(
            {
                "name": "predicted stats on 20 GB (1 MiB tasks)",
                "value": ", ".join(f"{w} workers {s / 60:.1f} min" for w, s in model.items()),
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--size-mb", type=float, default=50)
    args = ap.parse_args()
    for row in run(args.data, args.size_mb):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
