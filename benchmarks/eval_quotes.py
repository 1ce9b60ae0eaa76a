#!/usr/bin/env python3
"""Quality evaluation of quotation extraction (`make eval` imports ``run``; also a script).

Why against hand-made gold: no quotation gold exists for Hindi or Bengali. Two gold sets:

- ``tests/gold/quotes-sample.jsonl``: every quote of the two sample articles (``corpus/``);
- ``benchmarks/gold/quotes-news.jsonl``: 64 quotations hand-annotated in 19 articles of
  ``<data>/news/`` (four outlets, both languages). It stores offsets, the source path and the
  article number (1-based, articles are blocks separated by one blank line), never the text.
  Every quotation in a listed article is annotated, so precision is measurable; articles
  without quotes (apostrophes only) are listed too. The rules were tuned while looking at
  this set, so it is a development set;
- ``benchmarks/gold/quotes-news-heldout.jsonl``: 93 more quotations in 37 randomly drawn
  articles, annotated in four batches after the rules were written. Blind first scores: batch
  1 (17 quotes) span F1 0.970, speaker 0.938, kind 0.938; batches 1+2 (40 quotes, batch 2 seen
  for the first time) span F1 0.987, speaker 0.795, kind 0.897; batch 3 alone (26 quotes) span
  F1 1.000, speaker 0.885, kind 0.885; batch 4 alone (27 quotes) span F1 1.000, speaker
  0.963, kind 0.926. After each blind score the rules were fixed on the mistakes, so the
  figures this script prints for it are no longer blind.

Scores: span precision/recall/F1 (exact start and end of the quoted text); speaker accuracy
over the gold quotes whose span was found (``speaker_head``: same phrase-final word, i.e. the
same end offset and a predicted start inside the gold phrase, which accepts a shorter title
such as अमेरिका के राजदूत X for जापान में अमेरिका के राजदूत X; ``speaker_exact``: identical
span; a gold "no speaker" needs a predicted "no speaker"); kind accuracy over found quotes.
It also runs over every document of ``<data>/news/`` and counts exceptions (must be 0).

Run: ``python benchmarks/eval_quotes.py --data ../shared/data [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from newskit.quotes import Quote, extract_quotes  # noqa: E402

NEWS_GOLD = HERE / "gold" / "quotes-news.jsonl"
HELDOUT_GOLD = HERE / "gold" / "quotes-news-heldout.jsonl"
SAMPLE_GOLD = ROOT / "tests" / "gold" / "quotes-sample.jsonl"
TARGETS = {"span_f1": 0.95, "speaker_accuracy": 0.85}


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _speaker_ok(q: Quote, gold: dict | None, exact: bool) -> bool:
    g = gold
    if g is None or q.speaker is None:
        return g is None and q.speaker is None
    if exact:
        return (q.speaker.start, q.speaker.end) == (g["start"], g["end"])
    return q.speaker.end == g["end"] and g["start"] <= q.speaker.start < g["end"]


def score(docs: dict[tuple[str, int], str], gold: list[dict]) -> tuple[dict, list[dict]]:
    """Scores of extract_quotes on *docs* against *gold* quote records, and the mistakes."""
    tp = fp = fn = 0
    spk_head = spk_exact = kind_ok = found = 0
    mistakes: list[dict] = []
    by_doc: dict[tuple[str, int], list[dict]] = {k: [] for k in docs}
    for g in gold:
        by_doc[g["path"], g["article"]].append(g)
    for key, text in docs.items():
        pred = {(q.start, q.end): q for q in extract_quotes(text)}
        golds = {(g["start"], g["end"]): g for g in by_doc[key]}
        for span, g in golds.items():
            q = pred.get(span)
            if q is None:
                fn += 1
                mistakes.append({"doc": key, "missed": span, "text": text[span[0] : span[1]][:60]})
                continue
            tp += 1
            found += 1
            head = _speaker_ok(q, g["speaker"], exact=False)
            spk_head += head
            spk_exact += _speaker_ok(q, g["speaker"], exact=True)
            kind_ok += q.kind == g["kind"]
            if not head or q.kind != g["kind"]:
                gs = g["speaker"]
                mistakes.append(
                    {
                        "doc": key,
                        "quote": q.text[:40],
                        "kind": [q.kind, g["kind"]],
                        "speaker": [
                            q.speaker.text if q.speaker else None,
                            text[gs["start"] : gs["end"]] if gs else None,
                        ],
                    }
                )
        for span, q in pred.items():
            if span not in golds:
                fp += 1
                mistakes.append({"doc": key, "spurious": span, "text": q.text[:60]})
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    result = {
        "gold_quotes": tp + fn,
        "predicted": tp + fp,
        "span_precision": round(p, 4),
        "span_recall": round(r, 4),
        "span_f1": round(f1, 4),
        "speaker_accuracy": round(spk_head / found, 4) if found else 0.0,
        "speaker_exact": round(spk_exact / found, 4) if found else 0.0,
        "kind_accuracy": round(kind_ok / found, 4) if found else 0.0,
    }
    return result, mistakes


def news_gold(
    data_dir: Path, path: Path = NEWS_GOLD
) -> tuple[dict[tuple[str, int], str], list[dict]]:
    records = _read_jsonl(path)
    cache: dict[str, list[str]] = {}
    docs: dict[tuple[str, int], str] = {}
    for r in records:
        if r["type"] != "article":
            continue
        if r["path"] not in cache:
            cache[r["path"]] = (data_dir / r["path"]).read_text("utf-8").split("\n\n")
        docs[r["path"], r["article"]] = cache[r["path"]][r["article"] - 1]
    return docs, [r for r in records if r["type"] == "quote"]


def sample_gold() -> tuple[dict[tuple[str, int], str], list[dict]]:
    records = _read_jsonl(SAMPLE_GOLD)
    docs = {(r["path"], 1): (ROOT / r["path"]).read_text("utf-8") for r in records}
    return docs, [dict(r, article=1) for r in records]


def run_all_news(data_dir: Path) -> dict:
    """Every document of news/*.txt and news/jsonl/*.jsonl: exceptions, offsets, speed."""
    docs = errors = quotes = bad_offsets = 0
    nbytes = 0
    first_error = None
    start = time.perf_counter()
    texts: list[str] = []
    for f in sorted((data_dir / "news").glob("*.txt")):
        texts.extend(f.read_text("utf-8").split("\n\n"))
    for f in sorted((data_dir / "news" / "jsonl").glob("*.jsonl")):
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line).get("text", "")))
    for text in texts:
        docs += 1
        nbytes += len(text.encode("utf-8"))
        try:
            for q in extract_quotes(text):
                quotes += 1
                bad_offsets += text[q.start : q.end] != q.text
        except Exception:  # counting failures is the point
            errors += 1
            first_error = first_error or traceback.format_exc(limit=3)
    seconds = time.perf_counter() - start
    out = {
        "documents": docs,
        "quotes": quotes,
        "errors": errors,
        "bad_offsets": bad_offsets,
        "mb_per_s": round(nbytes / 1e6 / seconds, 1),
    }
    if first_error:
        out["first_error"] = first_error
    return out


def run(data_dir: Path) -> dict:
    """All quote scores, for ``benchmarks/evaluate.py`` (`make eval`)."""
    result: dict = {}
    sdocs, sgold = sample_gold()
    result["sample"], _ = score(sdocs, sgold)
    ndocs, ngold = news_gold(data_dir)
    result["news_gold"], _ = score(ndocs, ngold)
    result["news_gold"]["articles"] = len(ndocs)
    hdocs, hgold = news_gold(data_dir, HELDOUT_GOLD)
    result["news_heldout"], _ = score(hdocs, hgold)
    result["news_heldout"]["articles"] = len(hdocs)
    result["targets"] = TARGETS
    result["all_news"] = run_all_news(data_dir)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--errors", action="store_true", help="list the mistakes on the gold")
    args = ap.parse_args()
    print(json.dumps(run(args.data), ensure_ascii=False, indent=2))
    if args.errors:
        sets = {
            "sample": sample_gold(),
            "news": news_gold(args.data),
            "heldout": news_gold(args.data, HELDOUT_GOLD),
        }
        for name, (docs, gold) in sets.items():
            for m in score(docs, gold)[1]:
                print(name, json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main()
