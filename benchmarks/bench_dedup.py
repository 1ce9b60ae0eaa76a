"""Benchmark for near-duplicate detection: end-to-end MB/s in one process, and peak memory.

There is no ``newskit dedup`` command yet (the CLI is being restructured, issue 15), so each
measurement runs, in a fresh process, what the command will run (docs/integration/dedup.md):
pass 1 reads the documents with ``newskit.io.iter_documents`` (``--doc-sep blank``), computes
``dedup.signature`` for each and adds it to a ``dedup.Index``; ``Index.clusters()`` runs; pass 2
reads the input again and writes the kept documents (to ``/dev/null``). Start-up is included.

Texts: never repeated copies of one article (every copy would be a duplicate and the index would
not grow). ``real news``: the 1,356 articles of ``<data>/news/*.txt`` once (8.4 MB, distinct).
``distinct``: documents of the length of a real article, each made of sentences drawn at random
from the news of its language (a sentence recurs in several documents, a document does not).

Memory: peak RSS of runs with many short documents (N and 8N documents) gives the cost per
document, extrapolated to a million; a run with the same N documents four times as long shows
that memory does not grow with the text.

The machine is shared: "mb_per_cpu_s" (CPU time of the process) is steadier than wall time.

Run directly: ``python benchmarks/bench_dedup.py --data ../shared/data --size-mb 25``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

SEED = "bench-dedup"


def _articles(data_dir: Path) -> list[tuple[str, str]]:
    out = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        out += [
            (f.name[:2], a.strip("\n")) for a in f.read_text("utf-8").split("\n\n") if a.strip()
        ]
    return out


def _sentences(articles: list[tuple[str, str]]) -> dict[str, list[str]]:
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


def write_real(data_dir: Path, path: Path) -> int:
    arts = _articles(data_dir)
    path.write_text("".join(f"{t}\n\n" for _, t in arts), "utf-8")
    return len(arts)


def child(path: Path) -> dict:
    """Pass 1, clustering and pass 2 over *path* in this process (see the module docstring)."""
    t0 = time.perf_counter()
    from newskit import io
    from newskit.dedup import DedupConfig, Index, signature

    config = DedupConfig()
    source = io.Source(path, path.name)
    index = Index(config)
    for _line, text in io.iter_documents(source, doc_sep="blank"):
        index.add(signature(text, config))
    t1 = time.perf_counter()
    clusters = index.clusters()
    t2 = time.perf_counter()
    with open("/dev/null", "w", encoding="utf-8") as out:
        for i, (_line, text) in enumerate(io.iter_documents(source, doc_sep="blank")):
            if clusters.is_kept(i):
                out.write(text)
                out.write("\n")
    t3 = time.perf_counter()
    return {
        "documents": len(index),
        "dropped": clusters.dropped,
        "clusters": len(clusters.clusters),
        "pass1_s": round(t1 - t0, 3),
        "clusters_s": round(t2 - t1, 3),
        "pass2_s": round(t3 - t2, 3),
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "cpu_s": round(time.process_time(), 3),
    }


def _measure(path: Path) -> tuple[float, dict]:
    """Wall seconds of a fresh process running :func:`child` on *path*, and its report."""
    with open(path, "rb") as f:  # in the page cache: the benchmark measures processing
        while f.read(1 << 20):
            pass
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t, json.loads(proc.stdout)


def run(data_dir: Path, size_mb: float) -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real.txt"
        write_real(data_dir, real)
        mb = real.stat().st_size / 1e6
        secs, rep = _measure(real)
        rows.append(
            {
                "name": f"dedup one process, real news once ({mb:.1f} MB, {rep['documents']} docs)",
                "mb_per_s": round(mb / secs, 1),
                "target": ">= 10 MB/s (bar 5)",
                "mb_per_cpu_s": round(mb / rep["cpu_s"], 1),
                "peak_rss_mb": round(rep["peak_rss_kb"] / 1024, 1),
                "detail": rep,
            }
        )
        distinct = Path(tmp) / "distinct.txt"
        write_distinct(data_dir, distinct, size_mb=size_mb)
        mb = distinct.stat().st_size / 1e6
        secs, rep = _measure(distinct)
        rows.append(
            {
                "name": f"dedup one process, {mb:.0f} MB of {rep['documents']} distinct documents",
                "mb_per_s": round(mb / secs, 1),
                "target": ">= 10 MB/s (bar 5)",
                "mb_per_cpu_s": round(mb / rep["cpu_s"], 1),
                "peak_rss_mb": round(rep["peak_rss_kb"] / 1024, 1),
                "detail": rep,
            }
        )
        # memory: N and 8N short documents, then N documents four times as long
        mem = {}
        for name, docs, chars in (("n", 10_000, 200), ("8n", 80_000, 200), ("n_long", 10_000, 800)):
            p = Path(tmp) / f"mem_{name}.txt"
            write_distinct(data_dir, p, docs=docs, chars=chars)
            _, mem[name] = _measure(p)
            mem[name]["mb"] = round(p.stat().st_size / 1e6, 1)
            p.unlink()
        n, n8, long = mem["n"], mem["8n"], mem["n_long"]
        per_doc = (n8["peak_rss_kb"] - n["peak_rss_kb"]) * 1024 / (n8["documents"] - n["documents"])
        base_mb = n["peak_rss_kb"] / 1024 - per_doc * n["documents"] / 2**20
        rows.append(
            {
                "name": f"peak memory, {n['documents']} docs of ~200 chars ({n['mb']} MB)",
                "value_mb": round(n["peak_rss_kb"] / 1024, 1),
            }
        )
        rows.append(
            {
                "name": f"peak memory, {n8['documents']} docs of ~200 chars ({n8['mb']} MB)",
                "value_mb": round(n8["peak_rss_kb"] / 1024, 1),
                "bytes_per_document": round(per_doc),
            }
        )
        rows.append(
            {
                "name": f"peak memory, {long['documents']} docs of ~800 chars ({long['mb']} MB)",
                "value_mb": round(long["peak_rss_kb"] / 1024, 1),
                "target": "flat in the texts: about the first row's",
            }
        )
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
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=float, default=25)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child)))
        return 0
    for row in run(a.data, a.size_mb):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
