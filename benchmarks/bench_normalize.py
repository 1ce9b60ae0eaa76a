"""Benchmark for `newskit normalize` against indic-nlp-library's normalizer.

Measured on real news text (``<data>/news/*.txt`` concatenated and repeated to
``size_mb``), single process:

- library throughput: ``newskit.normalize`` over 1 MiB blocks of lines, and
  indic-nlp-library's ``IndicNormalizerFactory().get_normalizer(lang).normalize``
  applied per line with the language of the file the line came from (what a
  user of that library would do); both exclude reading the file;
- command throughput: ``newskit normalize FILE > /dev/null`` wall time on the
  text (start-up included) and on 4x the text, against the in-memory baseline
  and against the same normalizer run as a command on the same file (Python
  start-up, reading, per-line normalization, writing); ``--jobs 2`` vs ``--jobs 1``;
- start-up: median wall time of ``echo नमस्ते | newskit normalize`` and
  ``newskit --help``, and which modules ``--help`` imports;
- peak RSS of ``newskit normalize`` on a ``memory_mb`` input.

Run directly: ``python benchmarks/bench_normalize.py --data ../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import benchlib
from benchlib import NEWSKIT, best_of, build_text, compared, jobs_one_two, peak_rss_kb, wall

# What a user of indic-nlp-library would run on a file: its normalizer per line,
# the language picked by the script at the start of the line (the file mixes both).
_BASELINE_COMMAND = """
import re, sys
from indicnlp.normalize.indic_normalize import IndicNormalizerFactory
factory = IndicNormalizerFactory()
hi, bn = factory.get_normalizer("hi").normalize, factory.get_normalizer("bn").normalize
bengali = re.compile("[\u0980-\u09ff]").search
out = sys.stdout
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        out.write((bn if bengali(line, 0, 64) else hi)(line))
"""


def run(data_dir: Path, size_mb: float = 25, memory_mb: float = 500) -> list[dict]:
    from indicnlp.normalize.indic_normalize import IndicNormalizerFactory

    from newskit.normalization import normalize

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "news.txt"
        lines = build_text(data_dir, size_mb, big)
        mb = big.stat().st_size / 1e6
        blocks = benchlib.blocks(lines)

        factory = IndicNormalizerFactory()
        norms = {lang: factory.get_normalizer(lang).normalize for lang in ("hi", "bn")}

        def baseline() -> None:
            for lang, line in lines:
                norms[lang](line)

        def ours() -> None:
            for block in blocks:
                normalize(block)

        base_s = best_of(baseline)
        ours_s = best_of(ours)
        rows.append(
            compared(
                "normalize (library, default profile)",
                mb / ours_s,
                "indic-nlp normalize per line",
                mb / base_s,
                ">= 1.0x (aim 2x)",
            )
        )
        one = min(wall([*NEWSKIT, "normalize", "--jobs", "1", str(big)]) for _ in range(3))
        rows.append(
            compared(
                f"newskit normalize FILE (command, --jobs 1, {mb:.0f} MB, incl. start-up)",
                mb / one,
                "indic-nlp normalize per line, in memory",
                mb / base_s,
                ">= 1.0x",
            )
        )
        # Throughput without start-up deciding it, and --jobs (for large inputs):
        # 4x the text, so that starting Python and the workers (~0.1 s) is small.
        large = benchlib.repeated(big, 4, Path(tmp) / "large.txt")
        large_mb = large.stat().st_size / 1e6
        base_cmd = [sys.executable, "-c", _BASELINE_COMMAND, str(large)]
        base_large = min(wall(base_cmd) for _ in range(3))
        one_large, two = jobs_one_two([*NEWSKIT, "normalize", str(large)], 3)
        # The same text as a directory of 20 files (about 5 MB each, a day of a paper's
        # articles): all the inputs share the workers, so it scales as the one large file.
        mid_dir = benchlib.split_into_files(large, 20, Path(tmp) / "mid")
        large.unlink()
        mid_one, mid_two = jobs_one_two([*NEWSKIT, "normalize", str(mid_dir)], 3)
        shutil.rmtree(mid_dir)
        rows.append(
            compared(
                f"newskit normalize FILE (command, --jobs 1, {large_mb:.0f} MB)",
                large_mb / one_large,
                "indic-nlp normalize per line, in memory",
                mb / base_s,
                ">= 1.0x",
            )
        )
        rows.append(
            compared(
                f"newskit normalize FILE (command, --jobs 1, {large_mb:.0f} MB)",
                large_mb / one_large,
                "indic-nlp normalizer as a command (read, per line, write)",
                large_mb / base_large,
                ">= 1.0x",
            )
        )
        rows.append(
            compared(
                f"newskit normalize --jobs 2 ({large_mb:.0f} MB)",
                large_mb / two,
                "--jobs 1",
                large_mb / one_large,
                ">= 1.7x",
            )
        )
        rows.append(
            compared(
                f"newskit normalize --jobs 2 DIR (20 files, {large_mb:.0f} MB)",
                large_mb / mid_two,
                "--jobs 1",
                large_mb / mid_one,
                ">= 1.7x",
            )
        )
        # A directory of small files (about 20 KB, as a scrape stores articles) with --jobs 2:
        # each input used to start its own workers, which made this 20x slower than
        # --jobs 1; inputs of under 8 MiB in all now run in the main process.
        small_dir = Path(tmp) / "small"
        small_dir.mkdir()
        text = big.read_bytes()[: 8 << 20]
        pieces = text[: text.rfind(b"\n")].split(b"\n")  # (whole lines only)
        n_files = 0
        for i in range(0, len(pieces), 20):
            (small_dir / f"{n_files:05d}.txt").write_bytes(b"\n".join(pieces[i : i + 20]) + b"\n")
            n_files += 1
        small_mb = sum(f.stat().st_size for f in small_dir.iterdir()) / 1e6
        dir_one, dir_two = jobs_one_two([*NEWSKIT, "normalize", str(small_dir)], 3)
        rows.append(
            compared(
                f"newskit normalize --jobs 2 DIR ({n_files} files, {small_mb:.0f} MB)",
                small_mb / dir_two,
                "--jobs 1",
                small_mb / dir_one,
                "not slower than --jobs 1",
            )
        )
        hello = "नमस्ते\n".encode()
        starts = [wall([*NEWSKIT, "normalize"], stdin=hello) for _ in range(15)]
        console = Path(sys.executable).with_name("newskit")
        cmd = [str(console)] if console.exists() else NEWSKIT
        starts_cs = [wall([*cmd, "normalize"], stdin=hello) for _ in range(15)]
        rows.append(
            {
                "name": "start-up: echo नमस्ते | newskit normalize (median ms)",
                "value": round(statistics.median(starts_cs) * 1000),
                "python -m newskit (median ms)": round(statistics.median(starts) * 1000),
                "target": "< 150 ms",
            }
        )
        imports = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "newskit", "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        heavy = sorted(
            {
                m
                for m in ("pandas", "rich.progress", "rich", "indicnlp", "regex", "numpy")
                if f" {m}\n" in imports or f" {m}." in imports
            }
        )
        rows.append(
            {"name": "newskit --help imports", "value": heavy or "none of pandas/rich/indicnlp"}
        )

        if memory_mb:
            huge = Path(tmp) / "huge.txt"
            chunk = big.read_bytes()
            with open(huge, "wb") as f:
                written = 0
                while written < memory_mb * 1e6:
                    f.write(chunk)
                    written += len(chunk)
            rss = peak_rss_kb([*NEWSKIT, "normalize", str(huge)])
            rss_two = peak_rss_kb([*NEWSKIT, "normalize", "--jobs", "2", str(huge)])
            rows.append(
                {
                    "name": f"peak RSS, normalize on {written / 1e6:.0f} MB",
                    "value_mb": round(rss / 1024, 1),
                    "jobs2_peak_rss_mb": round(rss_two / 1024, 1),
                    "target": "< 100 MB",
                }
            )
            # --jobs on a large input, where starting Python (~0.07 s, an eighth of the
            # 100 MB run with two workers) no longer decides the ratio
            huge_mb = written / 1e6
            huge_one, huge_two = jobs_one_two([*NEWSKIT, "normalize", str(huge)], 2)
            rows.append(
                compared(
                    f"newskit normalize --jobs 2 ({huge_mb:.0f} MB)",
                    huge_mb / huge_two,
                    "--jobs 1",
                    huge_mb / huge_one,
                    ">= 1.7x",
                )
            )
            huge.unlink()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--size-mb", type=float, default=25)
    ap.add_argument("--memory-mb", type=float, default=500)
    a = ap.parse_args()
    for row in run(a.data, a.size_mb, a.memory_mb):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
