"""Helpers shared by the benchmarks: the repeated news text, timing, peak memory.

The benchmark scripts import this module by name, so run them from this folder's
parent (``python benchmarks/bench_x.py``) or through ``benchmarks/run.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

NEWSKIT = [sys.executable, "-m", "newskit"]


def news_lines(data_dir: Path) -> list[tuple[str, str]]:
    """(language, line) for every line of the shared news files."""
    out = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        lang = f.name[:2]
        out.extend((lang, line) for line in f.read_text("utf-8").splitlines(keepends=True))
    return out


def build_text(data_dir: Path, size_mb: float, path: Path) -> list[tuple[str, str]]:
    """Write the news text repeated to ``size_mb`` to ``path``; return its (lang, line) pairs."""
    base = news_lines(data_dir)
    base_size = sum(len(s.encode()) for _, s in base)
    lines: list[tuple[str, str]] = []
    size = 0
    while size < size_mb * 1e6:
        lines.extend(base)
        size += base_size
    path.write_text("".join(s for _, s in lines), "utf-8")
    return lines


def blocks(lines: list[tuple[str, str]], size: int = 1 << 20) -> list[str]:
    """The lines joined into strings of about ``size`` characters."""
    out, buf, n = [], [], 0
    for _, line in lines:
        buf.append(line)
        n += len(line)
        if n >= size:
            out.append("".join(buf))
            buf, n = [], 0
    if buf:
        out.append("".join(buf))
    return out


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Shortest of ``repeat`` wall times of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def warm(args: list[str]) -> None:
    """Read the files (and directories) named in ``args``, so they are in the page cache.

    This machine reclaims cached pages proactively (DAMON), so a file written a minute
    ago may be read from disk again; the benchmarks measure processing, not the disk.
    """
    for arg in args:
        path = Path(arg)
        try:
            files = sorted(path.rglob("*")) if path.is_dir() else [path] if path.is_file() else []
        except OSError:  # not a path (an option, a -c program)
            continue
        for f in files:
            if f.is_file():
                with open(f, "rb") as fh:
                    while fh.read(1 << 20):
                        pass


def wall(cmd: list[str], stdin: bytes | None = None) -> float:
    """Wall time of one run of ``cmd`` with stdout discarded, in seconds (inputs warmed)."""
    warm(cmd[1:])
    t = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - t


def peak_rss_kb(cmd: list[str]) -> int:
    """Peak resident memory of ``cmd`` (and its workers), in KiB."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, check=True)
    return int(out.stdout)


def compared(
    name: str, mb_per_s: float, baseline: str, baseline_mb_per_s: float, target: str | None = None
) -> dict:
    """A result row: a throughput against a baseline's, their ratio, and the issue's target."""
    row: dict[str, object] = {
        "name": name,
        "mb_per_s": round(mb_per_s, 1),
        "baseline": baseline,
        "baseline_mb_per_s": round(baseline_mb_per_s, 1),
        "ratio": round(mb_per_s / baseline_mb_per_s, 2),
    }
    if target is not None:
        row["target"] = target
    return row


def repeated(src: Path, times: int, dest: Path) -> Path:
    """Write *src* *times* over to *dest* (read once); return *dest*."""
    data = src.read_bytes()
    with open(dest, "wb") as f:
        for _ in range(times):
            f.write(data)
    return dest


def split_into_files(src: Path, n: int, out_dir: Path) -> Path:
    """Cut *src* into *n* files of whole lines and about equal size under *out_dir*."""
    out_dir.mkdir()
    data = src.read_bytes()
    step = len(data) // n
    start = 0
    for i in range(n):
        end = len(data) if i == n - 1 else data.index(b"\n", start + step) + 1
        (out_dir / f"{i:02d}.txt").write_bytes(data[start:end])
        start = end
    return out_dir


def jobs_one_two(cmd: list[str], runs: int) -> tuple[float, float]:
    """Shortest wall times of *cmd* with ``--jobs 1`` and with ``--jobs 2`` (*runs* each).

    The two alternate, so that a slow spell of a shared machine (its speed drifts within
    minutes) falls on both rather than on whichever ran during it.
    """
    one: list[float] = []
    two: list[float] = []
    for _ in range(runs):
        one.append(wall([*cmd, "--jobs", "1"]))
        two.append(wall([*cmd, "--jobs", "2"]))
    return min(one), min(two)
