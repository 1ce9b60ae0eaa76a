#!/usr/bin/env python3
"""Quality evaluation for newskit (`make eval`): segmentation scores, losslessness, sample counts.

Why a script and not tests: it reads the shared evaluation data (``--data``, default
``../shared/data``) which a clone of the repository does not have, and it reports numbers to
compare against the issue's targets rather than pass/fail on one case.

What it measures for segmentation:
- token and sentence F1 against UD gold (``ud/*.txt`` + ``.tokens``) with ``tools/segeval.py``
  (CoNLL 2018 style), for newskit and, with ``--baseline``, indic-nlp-library;
- the Bengali tokenizer cases of ``normalization/peer-cases.jsonl``;
- sentence counts of the two sample articles (``corpus/``);
- on every ``news/*.txt``: no character lost or changed by tokens or sentences, offsets exact,
  and the longest sentence.

Other capabilities plug in without editing this file: every ``benchmarks/eval_*.py`` module
exposing ``run(data_dir: Path) -> dict`` is imported and its result printed under its name.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import itertools
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from newskit import segment  # noqa: E402
from newskit.segment import split_sentences, tokenize  # noqa: E402

UD_SETS = {
    "hi_pud": ["hi_pud-test"],
    "bn_bru": ["bn_bru-test"],
    "mr_ufal": ["mr_ufal-train", "mr_ufal-dev", "mr_ufal-test"],
}
TARGETS = {"hi_pud": (0.999, 0.99), "bn_bru": (0.99, None), "mr_ufal": (0.99, 0.95)}
SAMPLES = {
    "hi": ROOT / "corpus" / "hi" / "kim-putin-vladivostok.txt",
    "bn": ROOT / "corpus" / "bn" / "putin-pyongyang-visit.txt",
}

Segmenter = Callable[[str], list[list[str]]]


def _load_segeval(data_dir: Path) -> ModuleType:
    path = data_dir.parent / "tools" / "segeval.py"
    spec = importlib.util.spec_from_file_location("segeval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def newskit_segment(text: str, lang: str | None = None) -> list[list[str]]:
    """Sentences of *text* as lists of token strings (newskit; *lang*: that language's rules)."""
    return [[t.text for t in s.tokens(lang)] for s in split_sentences(text, lang)]


#: UD sets scored with their language's rules (``lang=``); the others with the defaults.
UD_LANGS = {"mr_ufal": "mr"}


def indicnlp_segment(lang: str) -> Segmenter:
    """indic-nlp-library's sentence_split + trivial_tokenize, per line (the issue's anchor)."""
    from indicnlp.tokenize import indic_tokenize, sentence_tokenize

    def seg(text: str) -> list[list[str]]:
        out = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            for sent in sentence_tokenize.sentence_split(line, lang=lang):
                toks = indic_tokenize.trivial_tokenize(sent, lang=lang)
                toks = [w for t in toks for w in t.split()]
                if toks:
                    out.append(toks)
        return out

    return seg


def score_ud(data_dir: Path, segeval, segment: Segmenter, names: list[str]) -> dict:
    """Token/sentence P/R/F1 of *segment* over the concatenated UD files *names*."""
    gold_lines: list[str] = []
    sys_lines: list[str] = []
    for name in names:
        gold_lines += (data_dir / "ud" / f"{name}.tokens").read_text(encoding="utf-8").splitlines()
        text = (data_dir / "ud" / f"{name}.txt").read_text(encoding="utf-8")
        sys_lines += [" ".join(toks) for toks in segment(text)]
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.tokens"
        system = Path(tmp) / "system.tokens"
        gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
        system.write_text("\n".join(sys_lines) + "\n", encoding="utf-8")
        gtext, gtok, gsent = segeval.spans(str(gold))
        stext, stok, ssent = segeval.spans(str(system))
    if gtext != stext:
        return {"error": "system changed the text"}
    return {"tokens": segeval.prf(gtok, stok), "sentences": segeval.prf(gsent, ssent)}


def peer_cases(data_dir: Path) -> dict:
    """Pass/fail of the tokenizer and sentence cases in normalization/peer-cases.jsonl."""
    path = data_dir / "normalization" / "peer-cases.jsonl"
    passed, failed = 0, []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case.get("kind") == "tokenize":
            got = [t.text for t in tokenize(case["input"])]
        elif case.get("kind") == "sentences":
            got = [s.text for s in split_sentences(case["input"])]
        else:
            continue
        if got == case["expected"]:
            passed += 1
        else:
            failed.append({"input": case["input"][:80], "got": got, "expected": case["expected"]})
    return {"passed": passed, "failed": failed}


def lossless(data_dir: Path) -> dict:
    """Check on all news text that tokens and sentences keep every character, in place."""
    report: dict[str, object] = {}
    for path in sorted((data_dir / "news").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        nonspace = "".join(text.split())
        toks = tokenize(text)
        sents = split_sentences(text)
        tok_ok = "".join(t.text for t in toks) == nonspace and all(
            text[t.start : t.end] == t.text for t in toks
        )
        sent_ok = (
            "".join("".join(s.text.split()) for s in sents) == nonspace
            and all(text[s.start : s.end] == s.text for s in sents)
            and all(s.text == s.text.strip() for s in sents)
            and all(a.end <= b.start for a, b in itertools.pairwise(sents))
        )
        # sentence boundaries must fall on token boundaries
        starts = {t.start for t in toks}
        ends = {t.end for t in toks}
        aligned = all(s.start in starts and s.end in ends for s in sents)
        longest = max(sents, key=lambda s: len(s.text))
        # the C-level fast paths agree with the token pattern and the general sentence path
        fast_ok = segment.tokenized_text(text) == segment._reference_tokenized_text(text) and [
            (s.start, s.end) for s in sents
        ] == segment._sentence_bounds(text)
        report[path.name] = {
            "tokens_lossless": tok_ok,
            "sentences_lossless": sent_ok,
            "sentences_on_token_boundaries": aligned,
            "fast_paths_agree": fast_ok,
            "tokens": len(toks),
            "sentences": len(sents),
            "longest_sentence_chars": len(longest.text),
            "over_1000_chars": sum(len(s.text) > 1000 for s in sents),
        }
    return report


def samples() -> dict:
    """Sentence counts of the two sample articles (target: 21 each) and quote-token check."""
    out = {}
    quotes = set("“”‘’\"'«»„")
    for lang, path in SAMPLES.items():
        text = path.read_text(encoding="utf-8")
        toks = tokenize(text)
        n_quotes = sum(text.count(q) for q in quotes)
        quote_tokens = sum(1 for t in toks if t.text in quotes)
        out[lang] = {
            "sentences": len(split_sentences(text)),
            "quote_marks": n_quotes,
            "quote_marks_as_own_token": quote_tokens,
        }
    return out


def plugins(data_dir: Path) -> dict:
    """Results of the optional ``benchmarks/eval_*.py`` modules (quotes, stats, ...)."""
    results: dict[str, object] = {}
    for path in sorted(HERE.glob("eval_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "run"):
            results[path.stem] = module.run(data_dir)
    return results


def quote_eval(data_dir: Path) -> dict | None:
    """Hook kept for the quotes helper: superseded by ``benchmarks/eval_quotes.py`` if present."""
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--baseline", action="store_true", help="also score indic-nlp-library")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)
    data_dir: Path = a.data.resolve()
    segeval = _load_segeval(data_dir)
    result: dict[str, object] = {"segmentation": {}}
    seg: dict[str, object] = result["segmentation"]  # type: ignore[assignment]
    for key, names in UD_SETS.items():
        lang_seg = functools.partial(newskit_segment, lang=UD_LANGS.get(key))
        seg[key] = {"newskit": score_ud(data_dir, segeval, lang_seg, names)}
        if a.baseline:
            lang = key.split("_")[0]
            seg[key]["indicnlp"] = score_ud(data_dir, segeval, indicnlp_segment(lang), names)
    result["peer_cases"] = peer_cases(data_dir)
    result["samples"] = samples()
    result["lossless_news"] = lossless(data_dir)
    result.update(plugins(data_dir))
    ok = True
    for key, (tok_target, sent_target) in TARGETS.items():
        scores = seg[key]["newskit"]  # type: ignore[index]
        if "error" in scores:
            ok = False
            continue
        ok &= scores["tokens"]["f1"] >= tok_target
        if sent_target is not None:
            ok &= scores["sentences"]["f1"] >= sent_target
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0 if ok else 1
    for key, systems in seg.items():
        for system, scores in systems.items():  # type: ignore[union-attr]
            if "error" in scores:
                print(f"{key:8} {system:8} ERROR {scores['error']}")
                continue
            t, s = scores["tokens"], scores["sentences"]
            print(
                f"{key:8} {system:8} token F1 {t['f1']:.4f} (P {t['precision']:.4f} "
                f"R {t['recall']:.4f})  sentence F1 {s['f1']:.4f} (P {s['precision']:.4f} "
                f"R {s['recall']:.4f}, gold {s['gold']})"
            )
    pc = result["peer_cases"]
    print(f"peer tokenizer/sentence cases: {pc['passed']} passed, {len(pc['failed'])} failed")
    for f in pc["failed"]:
        print("  FAIL", json.dumps(f, ensure_ascii=False))
    for lang, info in result["samples"].items():  # type: ignore[union-attr]
        print(f"sample {lang}: {info}")
    for name, info in result["lossless_news"].items():  # type: ignore[union-attr]
        print(f"news {name}: {info}")
    for name, info in result.items():
        if name.startswith("eval_"):
            print(f"{name}: {json.dumps(info, ensure_ascii=False)}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
