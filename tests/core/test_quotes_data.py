"""The quote word lists are readable data: two tab-separated columns, and every class used is one
that the file's header explains (a class the header does not document is a typo or an undocumented
rule, and the loader would silently ignore it)."""

from __future__ import annotations

import re

import pytest

from newskit._data import data_text

FILES = [(lang, name) for lang in ("hi", "bn") for name in ("quote_words.tsv", "entities.tsv")]
_DOCUMENTED = re.compile(r"^#\s{2,4}([a-z_]+)\s")


@pytest.mark.parametrize(("lang", "name"), FILES)
def test_word_list_classes_are_documented_in_the_header(lang: str, name: str) -> None:
    text = data_text(lang, name)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Source" in line for line in header), "the header names its source"
    documented = {m.group(1) for line in header if (m := _DOCUMENTED.match(line))}
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert rows
    for line in rows:
        cols = line.split("\t")
        assert len(cols) == 2 and cols[0].strip() == cols[0] and cols[0], repr(line)
        assert cols[1] in documented, f"{lang}/{name}: class {cols[1]!r} of {cols[0]!r}"


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_entity_phrases_are_not_listed_twice_with_different_classes(lang: str) -> None:
    seen: dict[str, str] = {}
    for line in data_text(lang, "entities.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, cls = line.split("\t")
        assert seen.setdefault(phrase, cls) == cls, f"{phrase}: {seen[phrase]} and {cls}"


def test_the_models_strongest_weights_name_features_the_code_emits() -> None:
    """The speaker ranker and the kind model are weights by feature name
    (data/quote_speaker.tsv, quote_kind.tsv, written by benchmarks/train_quotes.py): a
    feature renamed in the code without retraining would silently weigh nothing. Every
    weight of 0.5 or more must be one the feature functions emit on the sample articles and
    the quote cases."""
    import json
    from pathlib import Path

    from newskit.quotes import _extract
    from newskit.quotes._rank import default_models

    models = default_models()
    assert models is not None and models.speaker and models.kind and models.confidence
    root = Path(__file__).resolve().parents[2]
    emitted_speaker: set[str] = set()
    emitted_kind: set[str] = set()
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "corpus").rglob("*.txt"))]
    cases = (root / "tests" / "cases" / "quotes.jsonl").read_text(encoding="utf-8")
    texts += [json.loads(line)["text"] for line in cases.splitlines() if line.strip()]
    for text in texts:
        trace: list[dict] = []
        _extract(text, None, None, models, trace)
        for t in trace:
            for feats, _, _ in t.get("cands", ()):
                emitted_speaker |= set(feats)
            emitted_kind |= set(t.get("quote", {}))
    emitted_kind |= {"bias", "rule_speech", "rule_partial", "rule_term"}
    strong = {k for k, w in models.speaker.items() if abs(w) >= 0.5}
    assert strong and strong <= emitted_speaker, strong - emitted_speaker
    strong_kind = {
        k
        for k, ws in models.kind.items()
        if max(abs(w) for w in ws.values()) >= 0.5 and not k.startswith("basis_")
    }
    assert strong_kind and strong_kind <= emitted_kind, strong_kind - emitted_kind
