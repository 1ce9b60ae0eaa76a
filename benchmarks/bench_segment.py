"""Benchmark for `newskit tokenize` / `newskit sentences` against indic-nlp-library.

Measured on real news text (``<data>/news/*.txt`` concatenated and repeated to ``size_mb``),
single process unless said otherwise:

- tokenize, text output: ``newskit.segment.tokenized_text`` over 1 MiB blocks of lines (what
  ``newskit tokenize`` runs) vs indic-nlp-library's ``trivial_tokenize`` applied per line with
  the language of the file the line came from, joined with spaces (the issue's baseline);
- tokenize, Token objects: ``newskit.tokenize`` (text, offsets and kind per token) on the same
  blocks, against the same baseline, for information;
- sentences: ``newskit.split_sentences`` over 1 MiB blocks vs ``sentence_split`` per line;
- the commands end to end: ``newskit tokenize FILE > /dev/null`` and ``newskit sentences``
  wall time with ``--jobs 1`` and ``--jobs 2`` (best of three runs, as the library figures;
  Python start-up, about 0.1 s, is included), and the peak RSS of ``newskit tokenize``.

The text is the news repeated, so per-chunk caches (the tokenizer caches the cut of common
chunk shapes) hit somewhat more than on fresh text: on the 8.4 MB of news read once, the
tokenized-text ratio was about 10 % lower than on the repeated text.

Run directly: ``python benchmarks/bench_segment.py --data ../shared/data``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import benchlib
from benchlib import NEWSKIT, best_of, build_text, compared, jobs_one_two, peak_rss_kb, wall

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


# What a user of indic-nlp-library would run on a file: its function per line, the
# language picked by the script at the start of the line (the file mixes both).
_BASE_HEAD = """
import re, sys
bengali = re.compile("[\\u0980-\\u09ff]").search
out = sys.stdout
"""
_BASE_TOKENIZE = (
    _BASE_HEAD
    + """
from indicnlp.tokenize.indic_tokenize import trivial_tokenize
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        lang = "bn" if bengali(line, 0, 64) else "hi"
        out.write(" ".join(trivial_tokenize(line, lang)) + "\\n")
"""
)
_BASE_SENTENCES = (
    _BASE_HEAD
    + """
from indicnlp.tokenize.sentence_tokenize import sentence_split
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        sentences = sentence_split(line, "bn" if bengali(line, 0, 64) else "hi")
        if sentences:
            out.write("\\n".join(sentences) + "\\n")
"""
)


def _row(name: str, mb: float, ours: float, baseline: str, base: float | None, target: str) -> dict:
    """A row for *mb* MB done in *ours* seconds, against *base* seconds (if any)."""
    if base is None:
        return {"name": name, "mb_per_s": round(mb / ours, 1), "target": target}
    return compared(name, mb / ours, baseline, mb / base, target)


def run(data_dir: Path, size_mb: float = 25, commands: bool = True) -> list[dict]:
    from indicnlp.tokenize import indic_tokenize, sentence_tokenize

    from newskit.segment import split_sentences, tokenize, tokenized_text

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "news.txt"
        lines = build_text(Path(data_dir), size_mb, big)
        mb = big.stat().st_size / 1e6
        blocks = benchlib.blocks(lines)
        trivial = indic_tokenize.trivial_tokenize
        split = sentence_tokenize.sentence_split

        def base_tok() -> None:
            for lang, line in lines:
                " ".join(trivial(line, lang))

        def base_sent() -> None:
            for lang, line in lines:
                split(line, lang)

        def ours_text() -> None:
            for block in blocks:
                tokenized_text(block)

        def ours_tokens() -> None:
            for block in blocks:
                tokenize(block)

        def ours_sent() -> None:
            for block in blocks:
                split_sentences(block)

        base_tok_s = best_of(base_tok)
        rows.append(
            _row(
                "tokenize (library, tokenized text)",
                mb,
                best_of(ours_text),
                "indicnlp trivial_tokenize per line",
                base_tok_s,
                ">= 1.0x",
            )
        )
        rows.append(
            _row(
                "tokenize (library, Token objects with offsets)",
                mb,
                best_of(ours_tokens),
                "indicnlp trivial_tokenize per line",
                base_tok_s,
                "info",
            )
        )
        base_sent_s = best_of(base_sent)
        rows.append(
            _row(
                "sentences (library, split_sentences)",
                mb,
                best_of(ours_sent),
                "indicnlp sentence_split per line",
                base_sent_s,
                ">= 1.0x",
            )
        )
        if commands:
            # 25 MB, start-up included, against the in-memory baseline
            for cmd, base_s, label in (
                (["tokenize"], base_tok_s, "indicnlp trivial_tokenize per line, in memory"),
                (["tokenize", "--format", "jsonl"], None, ""),
                (["sentences"], base_sent_s, "indicnlp sentence_split per line, in memory"),
            ):
                seconds = min(wall([*NEWSKIT, *cmd, "--jobs", "1", str(big)]) for _ in range(3))
                rows.append(
                    _row(
                        f"newskit {' '.join(cmd)} --jobs 1 ({mb:.0f} MB, incl. start-up)",
                        mb,
                        seconds,
                        label,
                        base_s,
                        ">= 1.0x" if base_s is not None else "info",
                    )
                )
            # 4x the text: throughput without start-up deciding it, against the same
            # indic-nlp functions run as a command on the file, and --jobs 2
            large = benchlib.repeated(big, 4, Path(tmp) / "large.txt")
            large_mb = large.stat().st_size / 1e6
            for cmd, base_s, code, label in (
                (["tokenize"], base_tok_s, _BASE_TOKENIZE, "trivial_tokenize"),
                (["sentences"], base_sent_s, _BASE_SENTENCES, "sentence_split"),
            ):
                base_cmd = min(wall([sys.executable, "-c", code, str(large)]) for _ in range(2))
                one, two = jobs_one_two([*NEWSKIT, *cmd, str(large)], 2)
                name = f"newskit {' '.join(cmd)} --jobs 1 ({large_mb:.0f} MB)"
                rows.append(
                    compared(
                        name,
                        large_mb / one,
                        f"indicnlp {label} per line, in memory",
                        mb / base_s,
                        ">= 1.0x",
                    )
                )
                rows.append(
                    _row(
                        name,
                        large_mb,
                        one,
                        f"indicnlp {label} as a command (read, per line, write)",
                        base_cmd,
                        ">= 1.0x",
                    )
                )
                rows.append(
                    _row(
                        f"newskit {' '.join(cmd)} --jobs 2 ({large_mb:.0f} MB)",
                        large_mb,
                        two,
                        "--jobs 1",
                        one,
                        ">= 1.7x",
                    )
                )
            # sentences --jobs 2 on 4x that again, where starting Python (~0.07 s, a ninth of
            # the 100 MB run with two workers) no longer decides the ratio
            huge = benchlib.repeated(large, 4, Path(tmp) / "huge.txt")
            huge_mb = huge.stat().st_size / 1e6
            one, two = jobs_one_two([*NEWSKIT, "sentences", str(huge)], 2)
            huge.unlink()
            rows.append(
                _row(
                    f"newskit sentences --jobs 2 ({huge_mb:.0f} MB)",
                    huge_mb,
                    two,
                    "--jobs 1",
                    one,
                    ">= 1.7x",
                )
            )
            # the same text as a directory of 20 files: all of them share the workers
            mid_dir = benchlib.split_into_files(large, 20, Path(tmp) / "mid")
            large.unlink()
            one, two = jobs_one_two([*NEWSKIT, "tokenize", str(mid_dir)], 2)
            rows.append(
                _row(
                    f"newskit tokenize --jobs 2 DIR (20 files, {large_mb:.0f} MB)",
                    large_mb,
                    two,
                    "--jobs 1",
                    one,
                    ">= 1.7x",
                )
            )
            rss = peak_rss_kb([*NEWSKIT, "tokenize", str(big)])
            rows.append(
                {
                    "name": f"newskit tokenize peak RSS on {mb:.0f} MB",
                    "value_mb": round(rss / 1024, 1),
                    "target": "flat (independent of input size)",
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=float, default=25)
    ap.add_argument("--no-commands", action="store_true", help="library figures only")
    a = ap.parse_args(argv)
    for row in run(a.data, a.size_mb, commands=not a.no_commands):
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
