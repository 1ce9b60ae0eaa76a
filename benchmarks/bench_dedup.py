"""Benchmark for `newskit dedup`: end-to-end MB/s in one process and with two workers, and
peak memory per document.

Every measurement runs the command as a user does (``python -m newskit dedup --doc-sep blank
-o /dev/null FILE``), in a fresh process: start-up, pass 1 (signatures), the clusters and pass
2 (reading the input again and writing the kept documents) are all included. CPU time and
peak RSS are those of the command and its workers (``os.wait4``).

Texts: ``real news``: the 1,356 articles of ``<data>/news/*.txt`` once (8.4 MB, distinct:
every piece of text is new to the process). ``distinct``: documents of the length of a real
article, each made of sentences drawn at random from the news of its language (a sentence
recurs in several documents, a document does not: the index grows with every one).
``repeated``: the news three times over (labelled: two documents in three are duplicates, and
their pieces of text are known by then). ``--lines``: boilerplate lines of the real news.

Memory: peak RSS of runs with many short documents (N and 8N documents) gives the cost per
document, extrapolated to a million; a run with the same N documents four times as long
shows that memory does not grow with the text.

The machine is shared: "mb_per_cpu_s" (CPU time of the command) is steadier than wall time,
and --jobs 1 and --jobs 2 alternate (see ``benchlib.jobs_one_two``).

Run directly: ``python benchmarks/bench_dedup.py --data ../shared/data --size-mb 25``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import benchlib
from bench_stats import parallel_ceiling

SEED = "bench-dedup"
DEDUP = [*benchlib.NEWSKIT, "dedup", "--doc-sep", "blank", "-o", os.devnull]


def _articles(data_dir: Path) -> list[tuple[str, str]]:
    out = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        out += [
            (f.name[:2], a.strip("\n")) for a in f.read_text("utf-8").split("\n\n") if a.strip()
        ]
    return out


def _sentences(articles: list[tuple[str, str]]) -> dict[str, list[str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from newskit.segment import split_sentences

    pool: dict[str, list[str]] = {"hi": [], "bn": []}
    for lang, text in articles:
        pool[lang] += [s.text for s in split_sentences(text)]
    return pool


def write_distinct(
    data_dir: Path, path: Path, size_mb: float = 0, docs: int = 0, chars: int = 0
) -> int:
    """Write distinct documents (blank-line separated); return how many.

    Each document is filled with random sentences of one language up to the length, in
    characters, of a random real article (or up to *chars* if given); writing stops at
    *size_mb* MB or after *docs* documents.
    """
    arts = _articles(data_dir)
    pool = _sentences(arts)
    rng = random.Random(SEED)
    target = size_mb * 1e6
    written = count = 0
    with open(path, "w", encoding="utf-8") as out:
        while (written < target) if size_mb else (count < docs):
            lang, model = rng.choice(arts)
            want = chars or len(model)
            parts, n = [], 0
            while n < want:
                s = rng.choice(pool[lang]).replace("\n", " ")
                parts.append(s)
                n += len(s) + 1
            doc = " ".join(parts) + "\n\n"
            out.write(doc)
            written += len(doc.encode())
            count += 1
    return count


def write_real(data_dir: Path, path: Path, times: int = 1) -> int:
    arts = _articles(data_dir)
    path.write_text("".join(f"{t}\n\n" for _, t in arts) * times, "utf-8")
    return len(arts) * times


# A small process runs the command and reports on its children: so each run's peak RSS is
# its own (a child forked from this process, which holds the texts it wrote, would start
# its count from this process's size).
_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
err = proc.stderr.decode().strip().splitlines() or [""]
print(proc.returncode, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, err[-1])
"""


def measure(args: list[str]) -> dict:
    """One run of ``newskit dedup ARGS`` (inputs warmed): wall seconds, CPU seconds and peak
    RSS of the command and its workers, and its summary line."""
    benchlib.warm(args)
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *DEDUP, *args], capture_output=True, text=True
    ).stdout
    code, secs, cpu, rss, summary = out.rstrip("\n").split(" ", 4)
    if code != "0":
        raise RuntimeError(f"newskit dedup {' '.join(args)}: {summary}")
    return {"s": float(secs), "cpu_s": float(cpu), "peak_rss_kb": int(rss), "summary": summary}


def best(args: list[str], runs: int) -> dict:
    """The fastest of *runs* runs (wall time), with the least CPU time of them."""
    done = [measure(args) for _ in range(runs)]
    out = min(done, key=lambda r: r["s"])
    out["cpu_s"] = min(r["cpu_s"] for r in done)
    return out


def _row(name: str, mb: float, rep: dict, target: str | None = None) -> dict:
    row = {
        "name": name,
        "mb_per_s": round(mb / rep["s"], 1),
        "mb_per_cpu_s": round(mb / rep["cpu_s"], 1),
        "peak_rss_mb": round(rep["peak_rss_kb"] / 1024, 1),
        "detail": rep["summary"],
    }
    if target:
        row["target"] = target
    return row


def run(data_dir: Path, size_mb: float, runs: int = 3) -> list[dict]:
    rows: list[dict] = []
    target = ">= 10 MB/s (bar 5)"
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real.txt"
        docs = write_real(data_dir, real)
        mb = real.stat().st_size / 1e6
        name = f"dedup --jobs 1, real news once ({mb:.1f} MB, {docs} distinct articles)"
        rows.append(_row(name, mb, best([str(real), "--jobs", "1"], runs), target))
        lines = best(["--lines", str(real), "--jobs", "1"], runs)
        rows.append(_row(f"dedup --lines --jobs 1, real news once ({mb:.1f} MB)", mb, lines))
        again = Path(tmp) / "repeated.txt"
        write_real(data_dir, again, times=3)
        mb = again.stat().st_size / 1e6
        name = f"dedup --jobs 1, real news 3 times over ({mb:.1f} MB, 2 in 3 are duplicates)"
        rows.append(_row(name, mb, best([str(again), "--jobs", "1"], runs)))
        again.unlink()

        distinct = Path(tmp) / "distinct.txt"
        n = write_distinct(data_dir, distinct, size_mb=size_mb)
        mb = distinct.stat().st_size / 1e6
        one: list[dict] = []
        two: list[dict] = []
        for _ in range(runs):  # (alternating: a slow spell falls on both)
            one.append(measure([str(distinct), "--jobs", "1"]))
            two.append(measure([str(distinct), "--jobs", "2"]))
        rep1 = min(one, key=lambda r: r["s"])
        rep2 = min(two, key=lambda r: r["s"])
        name = f"dedup --jobs 1, {mb:.0f} MB of {n} distinct documents"
        rows.append(_row(name, mb, rep1, target))
        row = _row(f"dedup --jobs 2, {mb:.0f} MB of {n} distinct documents", mb, rep2)
        row.update(
            baseline="--jobs 1",
            baseline_mb_per_s=round(mb / rep1["s"], 1),
            ratio=round(rep1["s"] / rep2["s"], 2),
            target=">= 1.7x",
            jobs2_peak_rss_mb=round(rep2["peak_rss_kb"] / 1024, 1),
            runs=[[round(a["s"], 2), round(b["s"], 2)] for a, b in zip(one, two, strict=True)],
            machine_2proc_ceiling=round(parallel_ceiling(), 2),
        )
        rows.append(row)
        distinct.unlink()

        # memory: N and 8N short documents, then N documents four times as long
        mem = {}
        for key, docs, chars in (("n", 10_000, 200), ("8n", 80_000, 200), ("n_long", 10_000, 800)):
            p = Path(tmp) / f"mem_{key}.txt"
            write_distinct(data_dir, p, docs=docs, chars=chars)
            mem[key] = measure([str(p), "--jobs", "1"])
            mem[key]["docs"] = docs
            mem[key]["mb"] = round(p.stat().st_size / 1e6, 1)
            p.unlink()
        n1, n8 = mem["n"], mem["8n"]
        per_doc = (n8["peak_rss_kb"] - n1["peak_rss_kb"]) * 1024 / (n8["docs"] - n1["docs"])
        base_mb = n1["peak_rss_kb"] / 1024 - per_doc * n1["docs"] / 2**20
        for key, label in (("n", "~200"), ("8n", "~200"), ("n_long", "~800")):
            m = mem[key]
            row = {
                "name": f"peak memory, {m['docs']} docs of {label} chars ({m['mb']} MB)",
                "value_mb": round(m["peak_rss_kb"] / 1024, 1),
            }
            if key == "8n":
                row["bytes_per_document"] = round(per_doc)
            if key == "n_long":
                row["target"] = "flat in the texts: about the first row's"
            rows.append(row)
        rows.append(
            {
                "name": "estimated peak memory for 1,000,000 documents",
                "value_mb": round(base_mb + per_doc * 1e6 / 2**20),
                "detail": f"{base_mb:.0f} MB start-up + {per_doc:.0f} bytes a document",
            }
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    ap.add_argument("--size-mb", type=float, default=25)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    for row in run(a.data, a.size_mb, a.runs):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
