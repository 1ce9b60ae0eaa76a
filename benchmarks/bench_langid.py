"""Benchmark for language identification (newskit.langid): is detection cheap next to `stats`?

The issue's budget: detection adds at most 10% to ``newskit stats``. So the rows compare
:func:`newskit.langid.detect` with :func:`newskit.stats.document_stats` on the same documents
(the shared news articles, one per blank-line-separated block, repeated to ``size_mb``), in
this process: the ratio is how many times faster detection is (>= 10x keeps it within 10%).
A second row does the same per line (lines of at least 8 words, as single sentences), where
no sample can be cut and CLD2's per-call cost weighs more.

Run directly: ``python benchmarks/bench_langid.py --data ../shared/data --size-mb 4``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import benchlib  # noqa: E402


def _documents(data_dir: Path, size_mb: float) -> list[str]:
    articles: list[str] = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        articles += [b.strip("\n") for b in f.read_text("utf-8").split("\n\n") if b.strip()]
    docs: list[str] = []
    size = 0
    while size < size_mb * 1e6:
        for a in articles:
            docs.append(a)
            size += len(a.encode("utf-8"))
    return docs


def run(data_dir: Path, size_mb: float = 4) -> list[dict]:
    from newskit.langid import detect
    from newskit.stats import document_stats

    # (stats runs at a few MB/s: a few MB are enough, whatever the suite's size)
    docs = _documents(Path(data_dir), min(size_mb, 4))
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    lines = [ln for d in docs for ln in d.split("\n") if len(ln.split()) >= 8]
    line_mb = sum(len(ln.encode("utf-8")) for ln in lines) / 1e6
    detect(docs[0])  # import pycld2 and read the marker words outside the timing
    # (stats is timed with each document's language given, so that it detects nothing)
    doc_langs = [detect(d).lang for d in docs]
    line_langs = [detect(ln).lang for ln in lines]

    def detect_docs() -> None:
        for d in docs:
            detect(d)

    def stats_docs() -> None:
        for d, lang in zip(docs, doc_langs, strict=True):
            document_stats(d, lang=lang)

    def detect_lines() -> None:
        for ln in lines:
            detect(ln)

    def stats_lines() -> None:
        for ln, lang in zip(lines, line_langs, strict=True):
            document_stats(ln, lang=lang)

    stats_s = benchlib.best_of(stats_docs, repeat=1)
    rows = [
        benchlib.compared(
            "langid detect per document (1,024-character sample)",
            mb / benchlib.best_of(detect_docs),
            "stats document_stats per document",
            mb / stats_s,
            ">= 10x (detection <= 10% of stats)",
        )
    ]
    lines_s = benchlib.best_of(stats_lines, repeat=1)
    rows.append(
        benchlib.compared(
            "langid detect per line of >= 8 words (whole line)",
            line_mb / benchlib.best_of(detect_lines),
            "stats document_stats per line",
            line_mb / lines_s,
            "info",
        )
    )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=float, default=4)
    a = ap.parse_args()
    for row in run(a.data, a.size_mb):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
