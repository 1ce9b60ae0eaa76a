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


def run(data_dir: Path) -> dict:
    """Language-ID and sentence-splitting scores on the dev and the blind test split."""
    root = langid_dir(Path(data_dir))
    if root is None:
        return {"skipped": "no <data>/langid/ntrex/DOCUMENT_IDS.tsv (see eval_langid.py)"}
    return {split: {"langid": score_langid(root, split)} for split in ("dev", "test")}


if __name__ == "__main__":
    import json

    print(json.dumps(run(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")), indent=1))
