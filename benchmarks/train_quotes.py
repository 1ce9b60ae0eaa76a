#!/usr/bin/env python3
"""Train the quote speaker ranker, the kind model and the confidence model (issue 17, phase 2).

Why here and in pure Python: the models are two small logistic regressions over a few dozen
interpretable features (``newskit/quotes/_rank.py``), trained on a few hundred development
quotations; a dependency for that would cost more than the code. The shipped package only
reads the weights (``src/newskit/data/quote_speaker.tsv``, ``quote_kind.tsv``,
``quote_confidence.tsv``).

Data: the development gold only (``benchmarks/gold/README.md``: sample, quotes-news,
heldout, blind dev, dev2 and the phase-1 blind test); never ``quotes-blind-test2.jsonl``.

- always: 5-fold cross-validation **by article**; per fold the models are trained on the
  other folds and the held-out articles are extracted with them (so each quote's "previous
  speaker" is the model's own choice), then scored with ``eval_quotes.score`` next to the
  rules alone on the same articles.
- ``--write``: train the ranker and the kind model on all development articles and write
  their weights; the confidence model is a logistic regression fitted to the out-of-fold
  records of the shipped mode (``_rank.DECIDE``: since the comparison on the second blind
  test the rules decide and the models only score their choices), so that it learns how
  often a choice the models did not train on is right.

Run: ``python benchmarks/train_quotes.py --data ../shared/data [--write]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import eval_quotes  # noqa: E402

from newskit.quotes import _extract  # noqa: E402
from newskit.quotes._rank import DECIDE, KINDS3, Models  # noqa: E402

DEV_SETS = ("sample", "news_gold", "news_heldout", "blind_dev", "blind_dev2", "blind_test")
DATA = ROOT / "src" / "newskit" / "data"
FOLDS = 5
L2_SPEAKER = 1.0
L2_KIND = 1.0
# the rules' own choice is not a feature of the ranker: the rules were hand-tuned on this very
# data, so a weight learned for "the rules chose it" would be an overfitted one
DROP = ("src_rule", "none_rule")

Doc = tuple[str, int]  # (path, article)


# -- examples ----------------------------------------------------------------------------------


def examples(data_dir: Path) -> tuple[dict[Doc, str], dict[Doc, list[dict]], list[dict]]:
    """Every development article, its gold quotes, and one example per top-level quote that
    the rules' extraction found with a gold span: candidates with labels, quote features."""
    texts: dict[Doc, str] = {}
    golds: dict[Doc, list[dict]] = {}
    sets = eval_quotes.gold_sets(data_dir)
    for name in DEV_SETS:
        docs, gold = sets[name]
        for key, text in docs.items():
            texts[key] = text
            golds.setdefault(key, [])
        for g in gold:
            golds[g["path"], g["article"]].append(g)
    rows = []
    for key, text in texts.items():
        trace: list[dict] = []
        _extract(text, None, None, None, trace)
        by_span = {(g["start"], g["end"]): g for g in golds[key]}
        for t in trace:
            g = by_span.get((t["start"], t["end"]))
            if g is None or "cands" not in t:
                continue
            labels = [_cand_right(name, span, g, text) for _, name, span in t["cands"]]
            rows.append(
                {
                    "doc": key,
                    "feats": [
                        {k: v for k, v in f.items() if not k.startswith(DROP)}
                        for f, _, _ in t["cands"]
                    ],
                    "labels": labels,
                    "kind": g["kind"],
                    "kind_feats": _kind_feats(t),
                    "rule_kind": t["rule_kind"],
                }
            )
    return texts, golds, rows


def _kind_feats(t: dict) -> dict[str, float]:
    from newskit.quotes._rank import kind_features

    return kind_features(t["quote"], t["decision"], t["rule_kind"])


def _cand_right(name: str | None, span: tuple[int, int] | None, g: dict, text: str) -> bool:
    """Is this candidate's answer the gold speaker (the evaluator's rules)?"""
    if g["speaker"] is None or name is None:
        return g["speaker"] is None and name is None
    if "resolved" not in g:  # the older sets: the mention's span
        gs = g["speaker"]
        return span is not None and span[1] == gs["end"] and gs["start"] <= span[0] < gs["end"]
    names = [eval_quotes._text(text, g["resolved"] or g["speaker"]) or ""]
    names += [text[a["start"] : a["end"]] for a in g.get("aliases", [])]
    return eval_quotes.name_matches(name, names)


def fold_of(key: Doc) -> int:
    return zlib.crc32(f"{key[0]}#{key[1]}".encode()) % FOLDS


# -- training ------------------------------------------------------------------------------------


def train_speaker(rows: Iterable[dict], l2: float = L2_SPEAKER, steps: int = 400) -> dict:
    """Conditional logit over each quote's candidates: maximize the log of the probability of
    the right candidates (several may be right: a pronoun and the name it stands for)."""
    groups = [
        (r["feats"], r["labels"])
        for r in rows
        if r["kind"] != "term" and any(r["labels"]) and len(r["labels"]) > 1
    ]
    names = sorted({k for feats, _ in groups for f in feats for k in f})
    w = dict.fromkeys(names, 0.0)

    def loss_grad() -> tuple[float, dict[str, float]]:
        grad = {k: l2 * v for k, v in w.items()}
        loss = 0.5 * l2 * sum(v * v for v in w.values())
        for feats, labels in groups:
            scores = [sum(w[k] * v for k, v in f.items()) for f in feats]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            z = sum(exps)
            pos = sum(e for e, y in zip(exps, labels, strict=True) if y)
            loss -= math.log(pos / z)
            for f, e, y in zip(feats, exps, labels, strict=True):
                coef = e / z - (e / pos if y else 0.0)
                for k, v in f.items():
                    grad[k] += coef * v
        return loss, grad

    _adam(w, loss_grad, steps)
    return w


def train_kind(rows: Iterable[dict], l2: float = L2_KIND, steps: int = 400) -> dict:
    """Multinomial logit of the gold kind over the kind features."""
    data = [(r["kind_feats"], KINDS3.index(r["kind"])) for r in rows]
    names = sorted({k for f, _ in data for k in f})
    w = {f"{k}\t{c}": 0.0 for k in names for c in KINDS3}

    def loss_grad() -> tuple[float, dict[str, float]]:
        grad = {k: l2 * v for k, v in w.items()}
        loss = 0.5 * l2 * sum(v * v for v in w.values())
        for f, y in data:
            scores = [sum(w[f"{k}\t{c}"] * v for k, v in f.items()) for c in KINDS3]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            z = sum(exps)
            loss -= math.log(exps[y] / z)
            for ci, c in enumerate(KINDS3):
                coef = exps[ci] / z - (1.0 if ci == y else 0.0)
                for k, v in f.items():
                    grad[f"{k}\t{c}"] += coef * v
        return loss, grad

    _adam(w, loss_grad, steps)
    out: dict[str, dict[str, float]] = {}
    for key, v in w.items():
        k, c = key.split("\t")
        out.setdefault(k, {})[c] = v
    return out


def _adam(w: dict[str, float], loss_grad, steps: int, lr: float = 0.05) -> None:
    """Full-batch Adam: the problems are small and convex."""
    m = dict.fromkeys(w, 0.0)
    v = dict.fromkeys(w, 0.0)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        _, g = loss_grad()
        for k in w:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
            mh = m[k] / (1 - b1**t)
            vh = v[k] / (1 - b2**t)
            w[k] -= lr * mh / (math.sqrt(vh) + eps)


# -- evaluation ----------------------------------------------------------------------------------


def _extractor(models: Models | None):
    return lambda text: _extract(text, None, None, models, None)


def cross_validate(data_dir: Path) -> dict:
    """The rules' choices and the models' choices, out of fold, on every development set; and
    the out-of-fold records of the shipped mode (``_rank.DECIDE``: the rules decide and the
    fold's models score their choices) with their confidence features, to fit the confidence
    model on."""
    texts, golds, rows = examples(data_dir)
    sets = eval_quotes.gold_sets(data_dir)
    set_of = {key: name for name in DEV_SETS for key in sets[name][0]}
    fold_models = {}
    for k in range(FOLDS):
        train = [r for r in rows if fold_of(r["doc"]) != k]
        fold_models[k] = Models(train_speaker(train), train_kind(train), {}, True)
    out: dict = {}
    raws: list[tuple[dict[str, float], bool]] = []
    for label, pick in (
        ("rules", lambda key: None),
        ("models", lambda key: fold_models[fold_of(key)]),
    ):
        per_set: dict[str, tuple[dict, list]] = {}
        for name in DEV_SETS:
            docs = {key: t for key, t in texts.items() if set_of[key] == name}
            gold = [g for key in docs for g in golds[key]]
            result: dict = {}
            # score each fold's articles with that fold's models, then merge the tallies
            merged = None
            for k in range(FOLDS):
                fdocs = {key: t for key, t in docs.items() if fold_of(key) == k}
                if not fdocs:
                    continue
                fgold = [g for g in gold if (g["path"], g["article"]) in fdocs]
                res, _ = eval_quotes.score(fdocs, fgold, _extractor(pick(next(iter(fdocs)))))
                merged = _merge(merged, res)
                if label == "models":  # the shipped mode: who decides is DECIDE
                    shipped = dataclasses.replace(fold_models[k], decide=DECIDE)
                    raws.extend(_records(fdocs, fgold, shipped))
            result = merged or {}
            per_set[name] = result
        out[label] = per_set
    out["oof_records"] = raws
    return out


def _merge(a: dict | None, b: dict) -> dict:
    """Sum the counts behind two score dicts (found, right speakers, right kinds)."""
    cb = _counts(b)
    if a is None:
        return cb
    return {k: a[k] + cb[k] for k in a}


def _counts(res: dict) -> dict:
    found = round(res["span_recall"] * res["gold_quotes"])
    return {
        "gold": res["gold_quotes"],
        "found": found,
        "speaker": round((res["speaker_accuracy"] or 0) * found),
        "kind": round((res["kind_accuracy"] or 0) * found),
    }


def _records(
    docs: dict[Doc, str], gold: list[dict], models: Models | None
) -> list[tuple[dict[str, float], bool]]:
    """(confidence features, right) of every record extracted from *docs*."""
    by_doc: dict[Doc, dict] = {}
    for g in gold:
        by_doc.setdefault((g["path"], g["article"]), {})[g["start"], g["end"]] = g
    out = []
    for key, text in docs.items():
        trace: list[dict] = []
        quotes = _extract(text, None, None, models, trace)
        conf = {(t["start"], t["end"]): t["conf"] for t in trace}
        for q in quotes:
            g = by_doc.get(key, {}).get((q.start, q.end))
            right = g is not None and q.kind == g["kind"] and eval_quotes.speaker_right(q, g, text)
            out.append((conf[q.start, q.end], right))
    return out


def train_confidence(records: list[tuple[dict[str, float], bool]], l2: float = 1.0) -> dict:
    """Logistic regression of "the record is right" on its confidence features."""
    names = sorted({k for f, _ in records for k in f})
    w = dict.fromkeys(names, 0.0)

    def loss_grad() -> tuple[float, dict[str, float]]:
        grad = {k: l2 * v for k, v in w.items()}
        loss = 0.5 * l2 * sum(v * v for v in w.values())
        for f, y in records:
            z = sum(w[k] * v for k, v in f.items())
            p = 1 / (1 + math.exp(-max(min(z, 30), -30)))
            loss -= math.log(p if y else 1 - p)
            for k, v in f.items():
                grad[k] += (p - y) * v
        return loss, grad

    _adam(w, loss_grad, 400)
    return w


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


def bands(records: list[tuple[float, bool]]) -> list[tuple[str, int, int]]:
    """(confidence band, records, right), the bands of eval_quotes."""
    out = []
    for lo, hi in eval_quotes.BANDS:
        got = [right for c, right in records if lo <= c < hi]
        out.append((f"{lo:.2f}-{min(hi, 1.0):.2f}", len(got), sum(got)))
    return out


def report(cv: dict) -> None:
    for label in ("rules", "models"):
        tot = {"gold": 0, "found": 0, "speaker": 0, "kind": 0}
        for name, c in cv[label].items():
            for k in tot:
                tot[k] += c[k]
            n = max(c["found"], 1)
            print(
                f"{label:6} {name:13} found {c['found']:4}/{c['gold']:4}  speaker "
                f"{c['speaker'] / n:.3f}  kind {c['kind'] / n:.3f}"
            )
        print(
            f"{label:6} {'ALL':13} found {tot['found']:4}/{tot['gold']:4}  speaker "
            f"{tot['speaker'] / tot['found']:.3f}  kind {tot['kind'] / tot['found']:.3f}"
        )


def write(data_dir: Path, cv: dict) -> None:
    """Train on every development article; write the weights and the confidence table."""
    _, _, rows = examples(data_dir)
    speaker = train_speaker(rows)
    kind = train_kind(rows)
    head = (
        "# Generated by `python benchmarks/train_quotes.py --write` from the development gold\n"
        "# (tests/gold/quotes-sample.jsonl, benchmarks/gold/quotes-news*, quotes-blind-dev*,\n"
        "# quotes-blind-test.jsonl; never quotes-blind-test2.jsonl). newskit's own data, MIT.\n"
    )
    lines = [
        "# Weights of the quote speaker ranker (newskit/quotes/_rank.py, speaker_features):",
        f"# a conditional logit over each quote's candidates, L2 {L2_SPEAKER:.1f}.",
        "feature\tweight",
    ]
    lines += [f"{k}\t{v:.4f}" for k, v in sorted(speaker.items())]
    (DATA / "quote_speaker.tsv").write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    lines = [
        "# Weights of the quote kind model (newskit/quotes/_rank.py, kind_features):",
        f"# a multinomial logit over speech, partial and term, L2 {L2_KIND:.1f}.",
        "feature\tspeech\tpartial\tterm",
    ]
    lines += [f"{k}\t" + "\t".join(f"{kind[k][c]:.4f}" for c in KINDS3) for k in sorted(kind)]
    (DATA / "quote_kind.tsv").write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    conf = train_confidence(cv["oof_records"])
    lines = [
        "# Confidence of a quote record (newskit/quotes/_rank.py, confidence_features): a",
        "# logistic regression of 'the record is right' (span, speaker and kind) on how sure",
        "# the kind and speaker models were and what was chosen, fitted to the records the",
        "# models produced OUT OF FOLD (5 folds by article), so that it does not learn the",
        "# in-sample sureness of a model on its own training articles. L2 1.0.",
        "feature\tweight",
    ]
    lines += [f"{k}\t{v:.4f}" for k, v in sorted(conf.items())]
    (DATA / "quote_confidence.tsv").write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--write", action="store_true", help="train on all dev data, write the files")
    args = ap.parse_args()
    cv = cross_validate(args.data)
    report(cv)
    conf = train_confidence(cv["oof_records"])
    scored = [
        (_sigmoid(sum(conf.get(k, 0) * v for k, v in f.items())), y) for f, y in cv["oof_records"]
    ]
    print("calibration of the out-of-fold records (band, records, right):")
    for band, n, right in bands(scored):
        print(f"  {band}  {n:4}  {right:4}  {right / n if n else 0:.2f}")
    if args.write:
        write(args.data, cv)


if __name__ == "__main__":
    main()
