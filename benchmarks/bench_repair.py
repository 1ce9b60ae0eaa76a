#!/usr/bin/env python3
"""Throughput of ``newskit repair`` (`make bench` calls ``run``; also a script).

Texts made from the shared news (``<data>/news/*.txt``) repeated to ``size_mb``:

- *clean*: the news as it is: Unicode, where nearly every line takes the fast path
  (target >= 50 MB/s);
- *legacy*: the same news encoded line by line to Bijoy (Bengali) and KrutiDev (Hindi) with
  newskit's encoder, every line detected and converted (target >= 5 MB/s); the figure is in
  MB of legacy input, which is about 0.42 of the UTF-8 it becomes;
- *legacy, 80 columns*: the same legacy text wrapped at 80 characters, as text extracted
  from PDFs is: five times the lines, each detected on its own.

Library rows repair blocks of about 1 MB in one process, from a cold start (the decoder's
word memo empty, as a new process has it), and give wall and CPU-time throughput: the
machine these figures come from is shared, and CPU time is the steadier figure of one
process's speed. Command rows run ``newskit repair FILE > /dev/null`` (start-up included)
and ``--jobs 2`` against ``--jobs 1``. Memory: peak RSS of the command on a quarter and on
all of the legacy file (flat means the same).

Run: ``python benchmarks/bench_repair.py --data ../shared/data --size-mb 5`` (keep it short
on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from benchlib import NEWSKIT, blocks, build_text, peak_rss_kb, wall  # noqa: E402

from newskit.rescue import repair  # noqa: E402
from newskit.rescue._legacy import codec  # noqa: E402


def _legacy_lines(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    enc = {"bn": codec("bijoy").encode, "hi": codec("krutidev").encode}
    return [(lang, enc[lang](line)) for lang, line in lines]


def _wrapped(lines: list[tuple[str, str]], width: int = 80) -> list[tuple[str, str]]:
    out = []
    for lang, line in lines:
        for part in textwrap.wrap(line.rstrip("\n"), width) or [""]:
            out.append((lang, part + "\n"))
    return out


def _library_row(name: str, parts: list[str], target: str) -> dict:
    for c in ("bijoy", "krutidev"):
        codec(c)._memo.clear()  # a cold start, as in a new process
    mb = sum(len(p.encode("utf-8")) for p in parts) / 1e6
    cpu, t = time.process_time(), time.perf_counter()
    for p in parts:
        repair(p)
    cpu, seconds = time.process_time() - cpu, time.perf_counter() - t
    return {
        "name": name,
        "mb": round(mb, 1),
        "mb_per_s": round(mb / seconds, 1),
        "mb_per_cpu_s": round(mb / cpu, 1),
        "target": target,
    }


def run(data_dir: Path, size_mb: float) -> list[dict]:
    tmp = HERE.parent / "bench-out"
    tmp.mkdir(exist_ok=True)
    clean_file = tmp / "repair-clean.txt"
    lines = build_text(data_dir, size_mb, clean_file)
    legacy = _legacy_lines(lines)
    legacy_file = tmp / "repair-legacy.txt"
    legacy_file.write_text("".join(s for _, s in legacy), "utf-8")
    repair(blocks(lines)[0][:50000])  # the model, the tables, the normalization: loaded
    repair(blocks(legacy)[0][:50000])
    rows = [
        _library_row("repair, library, clean Unicode news", blocks(lines), ">= 50 MB/s"),
        _library_row("repair, library, Bijoy + KrutiDev lines", blocks(legacy), ">= 5 MB/s"),
        _library_row(
            "repair, library, Bijoy + KrutiDev at 80 columns", blocks(_wrapped(legacy)), ""
        ),
    ]
    for name, path, target in (
        ("newskit repair FILE, clean news", clean_file, ">= 50 MB/s"),
        ("newskit repair FILE, Bijoy + KrutiDev", legacy_file, ">= 5 MB/s"),
    ):
        mb = path.stat().st_size / 1e6
        one = wall([*NEWSKIT, "repair", "--jobs", "1", str(path)])
        rows.append({"name": name, "mb": round(mb, 1), "mb_per_s": round(mb / one, 1)})
        rows[-1]["target"] = target
    mb = legacy_file.stat().st_size / 1e6
    one = wall([*NEWSKIT, "repair", "--jobs", "1", str(legacy_file)])
    two = wall([*NEWSKIT, "repair", "--jobs", "2", str(legacy_file)])
    rows.append(
        {
            "name": "newskit repair --jobs 2 FILE, Bijoy + KrutiDev",
            "mb": round(mb, 1),
            "mb_per_s": round(mb / two, 1),
            "baseline": "--jobs 1",
            "baseline_mb_per_s": round(mb / one, 1),
            "ratio": round(one / two, 2),
        }
    )
    quarter = tmp / "repair-legacy-quarter.txt"
    data = legacy_file.read_bytes()
    quarter.write_bytes(data[: data.index(b"\n", len(data) // 4) + 1])
    rows.append(
        {
            "name": "peak RSS, newskit repair --jobs 1, legacy: a quarter / all (MB)",
            "value": f"{peak_rss_kb([*NEWSKIT, 'repair', '--jobs', '1', str(quarter)]) // 1024}"
            f" / {peak_rss_kb([*NEWSKIT, 'repair', '--jobs', '1', str(legacy_file)]) // 1024}",
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
