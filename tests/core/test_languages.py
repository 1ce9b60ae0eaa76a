"""The language table (data/languages.tsv, newskit.languages) and the per-language data files."""

from __future__ import annotations

import unicodedata

import pytest

from newskit._data import data_text
from newskit.languages import (
    LANGS,
    data_file,
    fallback_chain,
    languages,
    parse_lang,
    script_agrees,
    script_of_lang,
)


def test_table_and_vocabulary_agree() -> None:
    assert tuple(languages()) == LANGS
    for code in LANGS:
        assert parse_lang(code) == code
        assert parse_lang(code.upper()) == code


@pytest.mark.parametrize(
    ("spelling", "code"),
    [("Marathi", "mr"), ("npi", "ne"), ("nep", "ne"), ("asm", "as"), ("Bangla", "bn"),
     ("bihari", "bho"), ("gom", "kok"), ("san", "sa"), ("urd", "ur"), (" hin ", "hi")],
)  # fmt: skip
def test_aliases(spelling: str, code: str) -> None:
    assert parse_lang(spelling) == code


def test_unknown_language_names_the_choices() -> None:
    with pytest.raises(ValueError, match="languages are hi, mr, ne"):
        parse_lang("klingon")


def test_scripts() -> None:
    assert [script_of_lang(c) for c in ("mr", "as", "en", "ur", "und")] == [
        "Deva", "Beng", "Latn", "Arab", None,
    ]  # fmt: skip
    assert script_agrees("as", "Beng") and not script_agrees("as", "Deva")
    assert script_agrees("und", "Latn") and script_agrees("hi", None)


def test_fallbacks() -> None:
    assert fallback_chain("mai") == ("mai", "hi")
    assert fallback_chain("kok") == ("kok", "mr", "hi")
    assert fallback_chain("as") == ("as", "bn")
    assert fallback_chain("hi") == ("hi",)
    found = data_file("bho", "stopwords.txt")
    assert found is not None and found[0] == "hi"  # Bhojpuri borrows Hindi's list
    found = data_file("mr", "stopwords.txt")
    assert found is not None and found[0] == "mr"
    assert data_file("en", "stopwords.txt") is None


NEW = ("mr", "ne", "as", "sa")
LISTS = ("stopwords.txt", "abbreviations.txt", "initials.txt", "visarga_prefixes.txt")
TABLES = ("cues.tsv", "quote_words.tsv", "rules.tsv")


def _files() -> list[tuple[str, str]]:
    out = []
    for lang in NEW:
        for name in LISTS + TABLES:
            try:
                data_text(lang, name)
            except FileNotFoundError:
                continue
            out.append((lang, name))
    return out


@pytest.mark.parametrize(("lang", "name"), _files())
def test_data_file_has_source_header_and_no_duplicates(lang: str, name: str) -> None:
    text = data_text(lang, name)
    header = [x for x in text.splitlines() if x.startswith("#")]
    assert any("Source" in x for x in header), "each list names its source"
    entries = [x for x in text.splitlines() if x.strip() and not x.startswith("#")]
    assert entries
    keys = [unicodedata.normalize("NFC", x.split("\t")[0]) for x in entries]
    assert len(keys) == len(set(keys))
    if name.endswith(".tsv"):
        assert all(len(x.split("\t")) == 2 for x in entries)


@pytest.mark.parametrize("lang", ["mr", "ne", "as"])
def test_every_required_file_exists(lang: str) -> None:
    for name in ("stopwords.txt", "abbreviations.txt", "initials.txt", "cues.tsv",
                 "quote_words.tsv", "visarga_prefixes.txt"):  # fmt: skip
        assert data_text(lang, name)


def test_cue_frames_and_word_classes_are_the_ones_quotes_knows() -> None:
    frames = {"ne", "direct", "gen", "source", "passive", "link"}
    classes = {"subject", "pronoun", "stop", "postp", "skip", "gen", "title", "clitic", "abbr",
               "naming", "stop_suffix", "det"}  # fmt: skip
    for lang in ("mr", "ne", "as"):
        for line in data_text(lang, "cues.tsv").splitlines():
            if line.strip() and not line.startswith("#"):
                assert line.split("\t")[1] in frames, line
        for line in data_text(lang, "quote_words.tsv").splitlines():
            if line.strip() and not line.startswith("#"):
                assert line.split("\t")[1] in classes, line


def test_issue_cues_are_listed() -> None:
    def cues(lang: str) -> set[str]:
        rows = data_text(lang, "cues.tsv").splitlines()
        return {unicodedata.normalize("NFC", x.split("\t")[0]) for x in rows if "\t" in x}

    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    assert {"म्हणाले", "सांगितले", "असे ते म्हणाले"} <= cues("mr")
    assert {"बताए", "भने", "उनले भने"} <= cues("ne")
    assert {nfc("ক'লে"), nfc("কয়"), nfc("জনায়")} <= cues("as")


def test_commonest_function_words_are_stopwords() -> None:
    def words(lang: str) -> set[str]:
        rows = data_text(lang, "stopwords.txt").splitlines()
        return {unicodedata.normalize("NFC", x) for x in rows if x and not x.startswith("#")}

    assert {"आहे", "आणि", "ते", "मध्ये", "त्यांनी"} <= words("mr")
    assert {"छ", "र", "मा", "पनि", "उहाँले"} <= words("ne")
    assert {"আৰু", "হয়", "তেওঁ", "বাবে"} <= {unicodedata.normalize("NFC", w) for w in words("as")}
