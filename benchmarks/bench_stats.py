"""Benchmark for `newskit stats`: throughput single-process and with 2 workers, peak memory.

Builds a corpus of ``size_mb`` MB by repeating the shared news articles
(``<data>/news/*.txt``, one article per blank-line-separated block) and writing
them as many files of about 100 articles each, as a scrape would be stored.
Each measurement runs in a fresh subprocess (``newskit stats --format json``),
so the peak RSS reported is that run's own (``ru_maxrss`` of its children:
the main process and, with ``--jobs 2``, the largest worker).

Run directly: ``python benchmarks/bench_stats.py --data ../shared/data --size-mb 160``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import benchlib

ARTICLES_PER_FILE = 100


def build_corpus(data_dir: Path, size_mb: float, out: Path) -> tuple[int, int]:
    """Write repeated news articles under ``out``; return (files, bytes)."""
    articles: list[str] = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        blocks = f.read_text("utf-8").split("\n\n")
        articles.extend(b.strip("\n") + "\n" for b in blocks if b.strip())
    target = int(size_mb * 1e6)
    written = files = copy = 0
    while written < target:
        for i in range(0, len(articles), ARTICLES_PER_FILE):
            chunk = "\n".join(articles[i : i + ARTICLES_PER_FILE])
            path = out / f"copy{copy:03d}" / f"part{i // ARTICLES_PER_FILE:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            data = chunk.encode("utf-8")
            path.write_bytes(data)
            written += len(data)
            files += 1
            if written >= target:
                break
        copy += 1
    return files, written


_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=True)
seconds = time.perf_counter() - start
sys.stdout.buffer.write(proc.stdout)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}\\n")
"""


def _run(corpus: Path, jobs: int) -> tuple[float, int, float, dict]:
    """Run the CLI once; return (wall seconds, peak RSS in KB, CPU seconds, JSON output).

    A small wrapper process runs the command and reports ``ru_maxrss`` of its
    children, so each run's peak is measured on its own (the largest of the
    main process and its workers).
    """
    cmd = [sys.executable, "-m", "newskit", "stats", str(corpus), "--doc-sep", "blank"]
    cmd += ["--format", "json", "--jobs", str(jobs), "--top", "5"]
    benchlib.warm([str(corpus)])  # (see benchlib.warm)
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, check=True, text=True
    )
    seconds, rss, cpu = proc.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(rss), float(cpu), json.loads(proc.stdout)


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_ceiling(n: int = 20_000_000) -> float:
    """Speed-up of a pure-Python CPU loop on 2 processes vs 1: what this machine allows.

    On a VM whose vCPUs are throttled (high steal time), this is well under 2
    and no program can beat it; compare the stats speed-up against it.
    """
    import multiprocessing
    import time

    start = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_burn, [n, n])
        parallel = time.perf_counter() - start
    return serial / parallel


def run(data_dir: Path, size_mb: float) -> list[dict]:
    """Rows for ``benchmarks/run.py``: stats MB/s with 1 and 2 workers, and peak RSS.

    Also one copy of the news alone with 1 worker: the repeated corpus repeats every word,
    so its throughput is that of warm vocabulary caches; this row shows new text.
    """
    with tempfile.TemporaryDirectory(prefix="newskit-bench-stats-") as tmp:
        corpus = Path(tmp)
        files, nbytes = build_corpus(data_dir, size_mb, corpus)
        mb = nbytes / 1e6
        t1, rss1, cpu1, out1 = _run(corpus, 1)
        t2, rss2, cpu2, out2 = _run(corpus, 2)
        # One copy of the news alone: no text repeats, so the vocabulary caches (normalized
        # words, token kinds, chunk figures) start cold as on a corpus never seen before.
        first = corpus / "copy000"
        once_mb = sum(f.stat().st_size for f in first.glob("*.txt")) / 1e6
        t0, _, cpu0, _ = _run(first, 1)
    same = out1 == out2
    differing = sorted(k for k in out1["total"] if out1["total"][k] != out2["total"].get(k))
    ceiling = parallel_ceiling()
    return [
        {
            "name": f"stats --jobs 1 ({mb:.0f} MB, {files} files)",
            "mb_per_s": round(mb / t1, 2),
            "baseline": "target 5 MB/s",
            "baseline_mb_per_s": 5.0,
            "ratio": round(mb / t1 / 5.0, 2),
            "target": ">= 1.0x",
            "peak_rss_mb": round(rss1 / 1024, 1),
            # CPU time does not count time stolen by a busy host: MB per CPU-second
            # is the machine-independent figure when the wall clock is noisy.
            "mb_per_cpu_s": round(mb / cpu1, 2),
        },
        {
            "name": f"stats --jobs 1 (one copy, {once_mb:.0f} MB, no repeats)",
            "mb_per_s": round(once_mb / t0, 2),
            "baseline": "target 5 MB/s (informational: the target is on the repeated corpus)",
            "baseline_mb_per_s": 5.0,
            "ratio": round(once_mb / t0 / 5.0, 2),
            "mb_per_cpu_s": round(once_mb / cpu0, 2),
        },
        {
            "name": f"stats --jobs 2 ({mb:.0f} MB, {files} files)",
            "mb_per_s": round(mb / t2, 2),
            "baseline": "stats --jobs 1",
            "baseline_mb_per_s": round(mb / t1, 2),
            "ratio": round(t1 / t2, 2),
            "target": ">= 1.7x on 2 cores, identical output",
            "identical_output": same if same else f"NO: total differs in {differing}",
            "peak_rss_mb": round(rss2 / 1024, 1),
            "mb_per_cpu_s": round(mb / cpu2, 2),
            "cpus": os.cpu_count(),
            "machine_2proc_ceiling": round(ceiling, 2),
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--size-mb", type=float, default=20.0)
    args = parser.parse_args()
    for row in run(args.data, args.size_mb):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
