#!/usr/bin/env python3
"""Language identification and per-language segmentation quality (`make eval` imports ``run``).

Why a plugin with outside data: no language-ID gold ships with newskit, and the texts that can
serve as one (translated news, Wikipedia sentences, UD treebanks) are CC BY-SA, so they are read
from a directory outside the project, never copied into it. The directory is ``<data>/langid``
(``make eval``'s ``--data``, normally ``../shared/data``) or the one named by the environment
variable ``NEWSKIT_LANGID_DATA``. Without it the plugin reports what is missing and skips.

Layout of that directory and where each file comes from (repository @ commit, path):

``ntrex/``
    NTREX-128, translated news of the WMT 2019 test set (123 documents, 1,997 sentences per
    language), ``MicrosoftTranslator/NTREX @ 8561f6a``: ``DOCUMENT_IDS.tsv`` and, under
    ``NTREX-128/``, ``newstest2019-ref.{hin,mar,nep,ben,urd}.txt`` and
    ``newstest2019-src.eng.txt``. CC BY-SA 4.0.
``leipzig/asm_wikipedia_2021_10K-sentences.txt``
    10,000 Assamese Wikipedia sentences (Leipzig Corpora Collection format: number, tab,
    sentence), ``indian-nlp/assamese-dataset @ 7d71542``,
    ``asm_wikipedia_2021_10K/asm_wikipedia_2021_10K-sentences.txt``. Wikipedia text,
    CC BY-SA 4.0.
``ud/sa_ufal-ud-test.conllu``, ``ud/bho_bhtb-ud-test.conllu``
    UD Sanskrit-UFAL @ 27279e7 (Pañcatantra) and UD Bhojpuri-BHTB @ cb3dcc5 (news), the
    ``# text`` lines. CC BY-SA 4.0.

Blind split, frozen before any rule or threshold was tuned (commit "eval_langid: frozen
dev/test splits"): a unit goes to ``test`` when the SHA-256 of ``"newskit-langid-20:" + key``
is even, else to ``dev``. The key is the NTREX document id (so a document's sentences are all
in one split, in every language), the Leipzig sentence text, or the UD ``sent_id``. UD
Marathi-UFAL (in ``<data>/ud``) is split as UD splits it: ``train`` + ``dev`` are the dev
split, ``test`` is blind. Rules are tuned on ``dev`` only; ``test`` is reported beside it.

Units measured:
- documents: an NTREX document is its sentences joined by newlines (one paragraph a line,
  as a news article is stored);
- sentences: every NTREX sentence of at least 8 whitespace-separated words (the issue's
  "single sentences of >= 8 words"), every Assamese sentence, every UD sentence;
- sentence splitting (mr, ne, hi, bn news): in each NTREX document, every run of consecutive
  sentences that end in ``. । ? !`` (closing quotes after it allowed) is joined with one space
  into a paragraph, one paragraph a line; the gold boundaries are the NTREX sentence ends;
- Assamese against Bengali: Assamese sentences that contain ৰ or ৱ (the letters that tell
  the two apart) against the Bengali NTREX sentences of the same split.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

SALT = "newskit-langid-20:"
#: NTREX file stem -> newskit language code
NTREX_LANGS = {"hin": "hi", "mar": "mr", "nep": "ne", "ben": "bn", "urd": "ur", "eng": "en"}
MIN_WORDS = 8


def split_of(key: str) -> str:
    """``"test"`` or ``"dev"`` for a unit's key (see the module docstring): frozen."""
    digest = hashlib.sha256((SALT + key).encode("utf-8")).digest()
    return "test" if digest[-1] % 2 == 0 else "dev"


def langid_dir(data_dir: Path) -> Path | None:
    """The directory holding the language-ID data, or None when there is none."""
    env = os.environ.get("NEWSKIT_LANGID_DATA")
    for path in (Path(env) if env else None, data_dir / "langid"):
        if path is not None and (path / "ntrex" / "DOCUMENT_IDS.tsv").is_file():
            return path
    return None


def _ntrex_file(root: Path, stem: str) -> Path:
    name = "newstest2019-src.eng.txt" if stem == "eng" else f"newstest2019-ref.{stem}.txt"
    return root / "ntrex" / "NTREX-128" / name


def ntrex_documents(root: Path) -> Iterator[tuple[str, str, str, list[str]]]:
    """``(split, document id, language, sentences)`` for every NTREX document and language."""
    ids = (root / "ntrex" / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    for stem, lang in NTREX_LANGS.items():
        lines = _ntrex_file(root, stem).read_text("utf-8").splitlines()
        if len(lines) != len(ids):
            raise ValueError(f"{stem}: {len(lines)} lines for {len(ids)} document ids")
        order: list[str] = []
        by_doc: dict[str, list[str]] = {}
        for doc, line in zip(ids, lines, strict=True):
            doc = doc.split("\t")[0].strip()
            if doc not in by_doc:
                order.append(doc)
                by_doc[doc] = []
            by_doc[doc].append(line.strip())
        for doc in order:
            yield split_of(doc), doc, lang, by_doc[doc]


def leipzig_sentences(root: Path) -> Iterator[tuple[str, str]]:
    """``(split, sentence)`` for the Assamese Wikipedia sentences."""
    path = root / "leipzig" / "asm_wikipedia_2021_10K-sentences.txt"
    for line in path.read_text("utf-8").splitlines():
        _, _, text = line.partition("\t")
        text = text.strip()
        if text:
            yield split_of(text), text


def ud_sentences(path: Path) -> Iterator[tuple[str, str]]:
    """``(split, text)`` for every sentence of a CoNLL-U file, keyed by its ``sent_id``."""
    sent_id = ""
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("# sent_id"):
            sent_id = line.partition("=")[2].strip()
        elif line.startswith("# text =") or line.startswith("# text="):  # not text_en, text_fr
            text = line.partition("=")[2].strip()
            yield split_of(f"{path.name}:{sent_id or text}"), text


def _prf(pairs: list[tuple[str, str]], labels: list[str]) -> dict:
    """Per-label precision/recall/F1, accuracy and the confusion matrix of ``(gold, got)``."""
    confusion: dict[str, Counter[str]] = {}
    for gold, got in pairs:
        confusion.setdefault(gold, Counter())[got] += 1
    got_totals: Counter[str] = Counter(got for _, got in pairs)
    per: dict[str, dict] = {}
    for lang in labels:
        row = confusion.get(lang, Counter())
        n, hit = sum(row.values()), row[lang]
        if not n:
            continue
        p = hit / got_totals[lang] if got_totals[lang] else 0.0
        r = hit / n
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[lang] = {"n": n, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    correct = sum(g == s for g, s in pairs)
    return {
        "accuracy": round(correct / len(pairs), 4) if pairs else None,
        "per_language": per,
        "confusion": {g: dict(row.most_common()) for g, row in confusion.items()},
    }


def _units(root: Path, split: str) -> dict[str, list[tuple[str, str]]]:
    """The ``(gold language, text)`` units of one split, by unit kind."""
    docs: list[tuple[str, str]] = []
    sents: list[tuple[str, str]] = []
    for sp, _, lang, lines in ntrex_documents(root):
        if sp != split:
            continue
        docs.append((lang, "\n".join(lines)))
        sents += [(lang, s) for s in lines if len(s.split()) >= MIN_WORDS]
    assamese = [("as", s) for sp, s in leipzig_sentences(root) if sp == split]
    ud = []
    for name, lang in (("sa_ufal-ud-test.conllu", "sa"), ("bho_bhtb-ud-test.conllu", "bho")):
        ud += [(lang, s) for sp, s in ud_sentences(root / "ud" / name) if sp == split]
    as_bn = [u for u in assamese if "\u09f0" in u[1] or "\u09f1" in u[1]]
    as_bn += [u for u in sents if u[0] == "bn"]
    return {
        "documents": docs,
        "sentences": sents,
        "as_vs_bn": as_bn,
        "as_all": assamese,
        "sa_bho_sentences": ud,
    }


def score_langid(root: Path, split: str) -> dict:
    """Language-ID scores of :func:`newskit.langid.detect` on one split."""
    from newskit.langid import DETECTABLE, detect

    out: dict[str, dict] = {}
    for kind, units in _units(root, split).items():
        pairs = [(gold, detect(text).lang) for gold, text in units]
        out[kind] = _prf(pairs, list(DETECTABLE))
    return out


_END_RE = re.compile(r"[.।?!][\"'”’)»]*$")


def _boundary_prf(gold: set[int], got: set[int]) -> tuple[int, int, int]:
    return len(gold & got), len(got - gold), len(gold - got)


def _f1(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "gold": tp + fn}


def score_news_sentences(root: Path, split: str) -> dict:
    """Sentence-boundary F1 on NTREX paragraphs (see the module docstring), per language.

    ``with_lang``: ``split_sentences(text, lang)``; ``default``: without a language (today's
    Hindi/Bengali rules), to show what the language's rules change.
    """
    from newskit.segment import split_sentences

    totals: dict[str, dict[str, list[int]]] = {}
    for sp, _, lang, lines in ntrex_documents(root):
        if sp != split or lang not in ("hi", "mr", "ne", "bn"):
            continue
        runs: list[list[str]] = [[]]
        for line in lines:
            if _END_RE.search(line):
                runs[-1].append(line)
            elif runs[-1]:
                runs.append([])
        for run in filter(None, runs):
            text = " ".join(run)
            gold, pos = set(), 0
            for sentence in run:
                pos += len(sentence) + 1
                gold.add(pos - 1)
            for mode, code in (("with_lang", lang), ("default", None)):
                got = {x.end for x in split_sentences(text, code)}
                acc = totals.setdefault(lang, {}).setdefault(mode, [0, 0, 0])
                for i, n in enumerate(_boundary_prf(gold, got)):
                    acc[i] += n
    return {
        lang: {mode: _f1(*acc) for mode, acc in modes.items()} for lang, modes in totals.items()
    }


def score_ud_marathi(data_dir: Path) -> dict:
    """UD Marathi-UFAL token and sentence F1 with ``lang="mr"``: dev (train + dev) and test."""
    from newskit.segment import split_sentences

    ud = data_dir / "ud"
    out: dict[str, dict] = {}
    for split, names in (("dev", ["train", "dev"]), ("test", ["test"])):
        stats = {"tokens": [0, 0, 0], "sentences": [0, 0, 0]}
        for name in names:
            base = ud / f"mr_ufal-{name}"
            if not base.with_suffix(".txt").is_file():
                return {"skipped": f"no {base}.txt"}
            text = base.with_suffix(".txt").read_text("utf-8")
            gold_lines = base.with_suffix(".tokens").read_text("utf-8").splitlines()
            sys_lines = [[t.text for t in s.tokens("mr")] for s in split_sentences(text, "mr")]
            gold_tok, gold_sent = _spans([line.split() for line in gold_lines])
            got_tok, got_sent = _spans(sys_lines)
            for kind, g, t in (("tokens", gold_tok, got_tok), ("sentences", gold_sent, got_sent)):
                for i, n in enumerate(_boundary_prf(g, t)):
                    stats[kind][i] += n
        out[split] = {kind: _f1(*acc) for kind, acc in stats.items()}
    return out


def _spans(sentences: list[list[str]]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Token and sentence spans over the text with whitespace removed (CoNLL 2018 style)."""
    tokens: set[tuple[int, int]] = set()
    sents: set[tuple[int, int]] = set()
    pos = 0
    for toks in sentences:
        start = pos
        for tok in toks:
            tokens.add((pos, pos + len(tok)))
            pos += len(tok)
        if pos > start:
            sents.add((start, pos))
    return tokens, sents


_ELISION_RE = re.compile("(?<=[\u0980-\u09ff])['’](?=[\u0980-\u09ff])")


def score_assamese(root: Path, split: str) -> dict:
    """Assamese sentences: ৰ/ৱ through normalization, elision apostrophes through tokenization.

    ``normalized_changed_ra_wa``: sentences whose count of ৰ or ৱ differs after
    ``normalize(s, lang="as")`` (must be 0); ``apostrophes_split``: elision apostrophes
    (between two Bengali-block characters, ``হ'ব``) that do not sit inside a token with the
    letters on both sides (must be 0). Sentences with a ``‘`` are left out: there a ``’``
    between letters may be the closing quote before a case ending (``‘ভেলা’ৰ``), which the
    tokenizer splits off as it does in Bengali.
    """
    from newskit.normalization import normalize
    from newskit.segment import tokenize

    sentences = [s for sp, s in leipzig_sentences(root) if sp == split]
    changed = apostrophes = split_ones = in_quotes = 0
    for sentence in sentences:
        out = normalize(sentence, lang="as")
        if any(sentence.count(c) != out.count(c) for c in "\u09f0\u09f1"):
            changed += 1
        marks = [m.start() for m in _ELISION_RE.finditer(sentence)]
        if not marks or "‘" in sentence:  # (with a ‘ open, ’ may close it: ‘ভেলা’ৰ)
            in_quotes += len(marks)
            continue
        apostrophes += len(marks)
        spans = [(t.start, t.end) for t in tokenize(sentence, lang="as")]
        for pos in marks:
            if not any(a < pos < b - 1 for a, b in spans):
                split_ones += 1
    return {
        "sentences": len(sentences),
        "with_ra_wa": sum("\u09f0" in s or "\u09f1" in s for s in sentences),
        "normalized_changed_ra_wa": changed,
        "apostrophes": apostrophes,
        "apostrophes_split": split_ones,
        "apostrophes_in_quoted_sentences_not_scored": in_quotes,
    }


def run(data_dir: Path) -> dict:
    """Language-ID, segmentation and Assamese scores on the dev and the blind test split."""
    data_dir = Path(data_dir)
    out: dict[str, object] = {"ud_marathi": score_ud_marathi(data_dir)}
    root = langid_dir(data_dir)
    if root is None:
        out["langid"] = {"skipped": "no <data>/langid/ntrex/DOCUMENT_IDS.tsv (see eval_langid.py)"}
        return out
    for split in ("dev", "test"):
        out[split] = {
            "langid": score_langid(root, split),
            "news_sentences": score_news_sentences(root, split),
            "assamese": score_assamese(root, split),
        }
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")), indent=1))
