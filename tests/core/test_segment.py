"""Golden and invariant tests for newskit.segment (tokens and sentences).

The golden cases live in ``tests/cases/tokens.tsv``, ``tokens_kinds.tsv``, ``tokens_peer.jsonl``
and ``sentences.jsonl`` so that adding a case needs no code.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from newskit import segment
from newskit.segment import Sentence, Token, split_sentences, tokenize
from samples import BN, CASES, HI

SAMPLES = {"hi": HI, "bn": BN}


def _unescape(s: str) -> str:
    """Decode the escapes the TSV files use (\\n, \\t, \\uXXXX) and nothing else."""
    s = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), s)
    return s.replace("\\n", "\n").replace("\\t", "\t")


def _tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (CASES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _jsonl(name: str) -> list[dict]:
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


TOKEN_CASES = _tsv("tokens.tsv")
SENTENCE_CASES = _jsonl("sentences.jsonl")


def _check_tokens(text: str, toks: list[Token]) -> None:
    """The invariants every tokenization must satisfy."""
    for t in toks:
        assert text[t.start : t.end] == t.text
        assert t.text and not any(c.isspace() for c in t.text)
        assert t.kind in segment.KINDS
    assert all(a.end <= b.start for a, b in itertools.pairwise(toks))
    assert "".join(t.text for t in toks) == "".join(text.split())


def _check_sentences(text: str, sents: list[Sentence]) -> None:
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
    assert all(a.end <= b.start for a, b in itertools.pairwise(sents))
    # every non-whitespace character is in exactly one sentence
    assert "".join("".join(s.text.split()) for s in sents) == "".join(text.split())
    # a newline is never inside a sentence
    assert all("\n" not in s.text for s in sents)


@pytest.mark.parametrize(
    ("lang", "text", "expected", "note"), TOKEN_CASES, ids=[c[3] for c in TOKEN_CASES]
)
def test_golden_tokens(lang: str, text: str, expected: str, note: str) -> None:
    text = _unescape(text)
    toks = tokenize(text)
    assert [t.text for t in toks] == expected.split(" "), note
    _check_tokens(text, toks)


@pytest.mark.parametrize("case", _jsonl("tokens_peer.jsonl"), ids=lambda c: c["input"][:20])
def test_peer_tokens(case: dict) -> None:
    assert [t.text for t in tokenize(case["input"])] == case["tokens"], case["source"]


@pytest.mark.parametrize("row", _tsv("tokens_kinds.tsv"), ids=lambda r: r[0][:20])
def test_token_kinds(row: list[str]) -> None:
    text, expected = row
    got = [f"{t.text}/{t.kind}" for t in tokenize(text)]
    assert got == expected.split(" ")


@pytest.mark.parametrize("case", SENTENCE_CASES, ids=[c["note"] for c in SENTENCE_CASES])
def test_golden_sentences(case: dict) -> None:
    text = case["input"]
    sents = split_sentences(text)
    assert [s.text for s in sents] == case["sentences"], case["note"]
    _check_sentences(text, sents)
    # the streaming variant gives the same sentences
    assert list(segment.iter_sentences(text)) == sents


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_sample_articles_have_21_sentences(lang: str) -> None:
    text = SAMPLES[lang].read_text(encoding="utf-8")
    sents = split_sentences(text)
    assert len(sents) == 21
    _check_sentences(text, sents)


def test_sample_article_sentence_ends() -> None:
    text = SAMPLES["hi"].read_text(encoding="utf-8")
    sents = [s.text for s in split_sentences(text)]
    assert "सुरक्षा गारंटी" in sents  # the headline line is its own sentence
    # a closing quote ends its sentence, the next one does not start with it
    assert not any(s.startswith("”") for s in sents)
    assert any(s.endswith("था।”") for s in sents)
    text_bn = SAMPLES["bn"].read_text(encoding="utf-8")
    assert split_sentences(text_bn)[-1].text == "সূত্র : বিবিসি"


@pytest.mark.parametrize("lang", ["hi", "bn"])
def test_sample_articles_quote_marks_are_tokens(lang: str) -> None:
    text = SAMPLES[lang].read_text(encoding="utf-8")
    toks = tokenize(text)
    _check_tokens(text, toks)
    quote_chars = "“”‘’\"'"
    marks = sum(text.count(q) for q in quote_chars)
    assert marks > 0
    assert sum(1 for t in toks if t.text in quote_chars) == marks


def test_sentence_tokens_use_offsets_into_the_text() -> None:
    text = "पहला वाक्य है। “दूसरा” वाक्य डॉ. सिंह का है।\nतीसरा"
    sents = split_sentences(text)
    all_tokens = [t for s in sents for t in s.tokens()]
    assert all_tokens == tokenize(text)
    for t in all_tokens:
        assert text[t.start : t.end] == t.text


def test_iter_tokens_matches_tokenize() -> None:
    text = SAMPLES["bn"].read_text(encoding="utf-8") + "\n\n" + SAMPLES["hi"].read_text("utf-8")
    assert list(segment.iter_tokens(text)) == tokenize(text)


def test_tokenize_offset_argument() -> None:
    toks = tokenize("डॉ. सिंह।", offset=10)
    assert [(t.text, t.start, t.end) for t in toks] == [
        ("डॉ.", 10, 13),
        ("सिंह", 14, 18),
        ("।", 18, 19),
    ]


def test_token_strings_is_tokenize_texts() -> None:
    text = SAMPLES["bn"].read_text(encoding="utf-8")
    assert segment.token_strings(text) == [t.text for t in tokenize(text)]


def test_tokens_and_sentences_are_frozen_values() -> None:
    tok = tokenize("राम")[0]
    assert tok == Token("राम", 0, 3, "word")
    with pytest.raises(AttributeError):
        tok.text = "x"  # type: ignore[misc]
    assert split_sentences("राम।")[0] == Sentence("राम।", 0, 4)


def test_apostrophe_kept_without_open_quote_split_with_one() -> None:
    assert [t.text for t in tokenize("দু’টি")] == ["দু’টি"]
    text = "তিনি ‘নতুন সমৃদ্ধির’যুগে এবং দু’টি"
    assert [t.text for t in tokenize(text)] == [
        "তিনি",
        "‘",
        "নতুন",
        "সমৃদ্ধির",
        "’",
        "যুগে",
        "এবং",
        "দু’টি",
    ]
    # a quote opened in an earlier paragraph does not count
    assert "দু’টি" in [t.text for t in tokenize("‘শুরু\nদু’টি")]


def test_unbalanced_quotes_never_make_huge_sentences() -> None:
    para = "उसने कहा “यह ठीक है। " + "फिर वह चला गया। " * 200
    sents = split_sentences(para)
    assert len(sents) == 201
    assert max(len(s.text) for s in sents) < 100


def test_abbreviation_data_files() -> None:
    """Data files load, carry a source header, and hold entries without the final period."""
    from importlib import resources

    for lang in ("hi", "bn", "en"):
        ref = resources.files("newskit").joinpath("data", lang, "abbreviations.txt")
        head = ref.read_text(encoding="utf-8").splitlines()[:4]
        assert any("Source" in line for line in head if line.startswith("#"))
    abbrs = segment.abbreviations()
    assert {"डॉ", "प्रो", "ডা", "মো", "Mr"} <= abbrs
    assert not any(a.endswith(".") for a in abbrs)
    alone, in_sequence = segment.initials()
    assert "बी" in alone and "के" in in_sequence and "কে" in in_sequence
    assert not alone & in_sequence


def test_nukta_letters_match_in_any_form() -> None:
    # ज़ (U+095B) is a composition exclusion: NFC writes it as ज + ़, raw news text often not
    for zed in ("\u095b\u0947\u0921", "\u091c\u093c\u0947\u0921"):
        toks = tokenize(f"{zed}. अक्षर")
        assert (toks[0].text, toks[0].kind) == (f"{zed}.", "abbr")


def test_importing_segment_does_not_import_indicnlp() -> None:
    import subprocess
    import sys

    code = "import sys, newskit.segment; print('indicnlp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_package_reexports() -> None:
    import newskit

    assert newskit.tokenize is tokenize
    assert newskit.split_sentences is split_sentences
    assert newskit.Token is Token and newskit.Sentence is Sentence


def test_token_columns_are_tokenize_as_lists() -> None:
    text = SAMPLES["hi"].read_text(encoding="utf-8") + "\n‘নীতির’সহ দু’টি ’৭১"
    texts, starts, ends, kinds = segment.token_columns(text)
    assert list(zip(texts, starts, ends, kinds, strict=True)) == [
        (t.text, t.start, t.end, t.kind) for t in tokenize(text)
    ]
