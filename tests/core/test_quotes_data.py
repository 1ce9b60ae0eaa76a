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
