"""Corpus statistics: exact figures on the sample articles, recounted independently.

The expected numbers are either hand-checked (``tests/cases/stats_samples.tsv``)
or recounted here with a deliberately naive method (a letter-run regex, a
line/danda split, a quadratic MATTR), never by calling the code under test.
"""

from __future__ import annotations

import itertools
import json
import statistics
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as hs

import newskit.stats as stats_module
from newskit.documents import split_documents as split_with_offsets
from newskit.pipeline.stats import corpus_stats
from newskit.segment import token_columns
from newskit.stats import (
    MATTR_WINDOW,
    CorpusStats,
    _mattr_sums,
    _MattrWindow,
    document_stats,
    stopwords,
    text_stats,
)
from samples import BN, HI, ROOT
from samples import CASES as CASE_DIR

CASES = CASE_DIR / "stats_samples.tsv"

# Naive word: a run of letters and combining marks (the tokenizer also splits
# "एक-एक" at the hyphen; the samples have no URLs, abbreviations or clitics).
WORD_RUN = regex.compile(r"[\p{L}\p{M}]+")


def _cases() -> list[dict[str, str]]:
    lines = CASES.read_text("utf-8").splitlines()
    header = next(line[2:].split("\t") for line in lines if line.startswith("# path\t"))
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [dict(zip(header, r, strict=True)) for r in rows]


def _naive_sentences(text: str) -> list[str]:
    """Split each line after every danda; a rest without a danda is a sentence too."""
    out = []
    for line in text.split("\n"):
        for piece in regex.split(r"(?<=।[”’]?)", line):
            if WORD_RUN.search(piece):
                out.append(piece)
    return out


@pytest.mark.parametrize("case", _cases(), ids=lambda c: Path(c["path"]).name)
def test_hand_checked_counts(case: dict[str, str]) -> None:
    text = (ROOT / case["path"]).read_text("utf-8")
    st = document_stats(text)
    assert st.documents == 1
    assert st.paragraphs == int(case["paragraphs"])
    assert st.sentences == int(case["sentences"])
    assert st.terminators == Counter(danda=int(case["danda_ends"]), none=int(case["none_ends"]))
    assert st.digits["ascii"] == int(case["ascii_digits"])
    assert st.digits["bengali"] == int(case["bengali_digits"])
    assert st.digits["devanagari"] == 0
    marks = {k: st.quote_marks[k] for k in ("left_double", "right_double")}
    marks |= {k: st.quote_marks[k] for k in ("left_single", "right_single")}
    assert marks == {
        k: int(case[k]) for k in ("left_double", "right_double", "left_single", "right_single")
    }
    assert st.unbalanced_documents == int(case["unbalanced"])
    # every opening mark in these articles starts one quotation
    assert st.quotes == int(case["opening_marks"])
    assert sum(st.quote_kinds.values()) == st.quotes


@pytest.mark.parametrize("path", [HI, BN], ids=["hi", "bn"])
def test_counts_match_naive_recount(path: Path) -> None:
    text = path.read_text("utf-8")
    st = document_stats(text)
    words = WORD_RUN.findall(text)
    numbers = regex.findall(r"\p{Nd}+", text)
    punct = regex.findall(r"[^\s\p{L}\p{M}\p{Nd}]", text)
    assert st.chars == len(text)
    assert st.words == len(words)
    assert st.tokens == len(words) + len(numbers) + len(punct)
    assert st.word_counts == Counter(words)  # the samples are NFC and need no normalization
    assert st.types == len(set(words))
    hapax = sum(1 for n in Counter(words).values() if n == 1)
    assert st.summary()["hapax_share"] == round(hapax / len(set(words)), 4)

    # sentence lengths: words and numbers between dandas / line ends
    naive = _naive_sentences(text)
    assert st.sentences == len(naive)
    lengths = [len(regex.findall(r"[\p{L}\p{M}]+|\p{Nd}+", s)) for s in naive]
    assert st.sentence_lengths == Counter(lengths)
    assert st.median_sentence_length() == statistics.median(lengths)
    assert st.summary()["mean_sentence_tokens"] == round(statistics.mean(lengths), 2)

    # scripts: letters and marks whose Unicode name says DEVANAGARI / BENGALI
    letters = [c for c in text if unicodedata.category(c)[0] in "LM"]
    dev = sum(1 for c in letters if unicodedata.name(c).startswith("DEVANAGARI"))
    ben = sum(1 for c in letters if unicodedata.name(c).startswith("BENGALI"))
    assert st.script_letters == Counter({"Devanagari": dev, "Bengali": ben}) - Counter()
    assert dev + ben == len(letters)
    assert st.lang() == ("hi" if path == HI else "bn")

    # grapheme clusters: regex \X (Unicode 15.1 keeps conjuncts whole)
    assert st.graphemes == len(regex.findall(r"\X", text))
    assert st.non_nfc_lines == sum(
        1 for line in text.split("\n") if not unicodedata.is_normalized("NFC", line)
    )


def test_mattr_matches_quadratic_definition_on_sample() -> None:
    words = WORD_RUN.findall(HI.read_text("utf-8"))
    windows = [words[i : i + MATTR_WINDOW] for i in range(len(words) - MATTR_WINDOW + 1)]
    naive = sum(len(set(w)) for w in windows) / (len(windows) * MATTR_WINDOW)
    assert document_stats(HI.read_text("utf-8")).summary()["mattr"] == round(naive, 4)


def test_graphemes_keep_conjuncts_and_count_marks_with_their_base() -> None:
    # क्ष-त्रि-य: three aksharas out of 8 code points; ZWJ/ZWNJ never count alone
    st = document_stats("क्षत्रिय")
    assert (st.chars, st.graphemes) == (8, 3)
    assert document_stats("র‍্যাব").graphemes == 2


def test_script_shares_count_the_danda_as_common() -> None:
    # A Bengali sentence ending in the (Script=Common) danda has no Devanagari letters.
    st = document_stats("আমি ভাত খাই।")
    assert st.script_letters["Devanagari"] == 0
    assert st.script_letters["Bengali"] == len("আমিভাতখাই")
    assert st.terminators == Counter(danda=1)


def test_encoding_health_markers() -> None:
    text = "र‌्यास\u200b नमस्ते\ufffd à¤¨à¤®\nनई दिल्ली\u00a0है\n"
    st = document_stats(text)
    assert st.specials["zwnj"] == 1
    assert st.specials["invisible"] == 1  # ZWSP
    assert st.specials["replacement"] == 1
    assert st.specials["mojibake"] == 2
    assert st.normalization_changes["invisible"] >= 1
    assert st.normalization_changes["spaces"] >= 1


def test_non_nfc_lines_and_native_digits() -> None:
    # U+095C (ड़ precomposed) is a composition exclusion: its line is not NFC.
    text = "स\u095cक पर १२ लोग।\nस\u0921\u093cक ठीक है।\n"
    st = document_stats(text)
    assert st.non_nfc_lines == 1
    assert st.non_nfc_documents == 1
    assert st.digits["devanagari"] == 2
    assert st.normalization_changes["nfc"] > 0
    # both spellings are one type after normalization
    assert st.word_counts["स\u0921\u093cक"] == 2


def test_repeats_inside_and_across_documents_and_duplicates() -> None:
    cta = "আমাদের ফেসবুক পেজে লাইক দিন"
    a = f"প্রথম খবর এখানে।\n{cta}\n{cta}\n"
    b = f"দ্বিতীয় খবর এখানে।\n{cta}\n"
    st = text_stats(f"{a}\n{b}\n{b}", doc_sep="blank")
    assert st.documents == 3
    assert st.lines_repeated_in_document == 1
    assert st.duplicate_documents() == 1
    hygiene = st.report()["hygiene"]
    assert hygiene["lines_in_several_docs"] == 2  # the call to action and b's first line
    assert hygiene["line_occurrences_in_several_docs"] == 3 + 2
    assert hygiene["top_repeated_lines"][0] == [cta, 3]


def test_stopwords_are_excluded_from_top_words_unless_kept() -> None:
    text = "और राम और श्याम और राम गए।"
    st = document_stats(text)
    top = [w for w, _ in st.report(top=5)["lexicon"]["top_words"]]
    assert "और" not in top and top[0] == "राम"
    kept = [w for w, _ in st.report(top=5, keep_stopwords=True)["lexicon"]["top_words"]]
    assert kept[0] == "और"
    bigrams = st.report(keep_stopwords=True)["lexicon"]["top_bigrams"]
    assert ["और राम", 2] in bigrams
    assert all("और" not in b for b, _ in st.report()["lexicon"]["top_bigrams"])


def test_stopword_lists_loaded_from_package_data() -> None:
    sw = stopwords()
    assert {"और", "के", "এবং", "ও"} <= sw
    assert len(sw) > 500


def split_documents(text: str, doc_sep: str | None) -> list[str]:
    return [doc for _, _, doc, _ in split_with_offsets(text, doc_sep)]


def test_split_documents_like_the_io_layer() -> None:
    assert split_documents("a\n\n\nb\n", "blank") == ["a\n", "b\n"]
    assert split_documents("a\n---\nb", "---") == ["a\n", "b"]
    assert split_documents("a\n\nb", None) == ["a\n\nb"]
    assert split_documents("\n\n", "blank") == []


def test_corpus_stats_paths_vs_texts(tmp_path: Path) -> None:
    # str items are texts, PathLike items are files or directories
    texts = [HI.read_text("utf-8"), BN.read_text("utf-8")]
    from_texts = corpus_stats(texts)
    from_paths = corpus_stats(ROOT / "corpus")
    assert from_paths.files == 2 and from_texts.files == 0
    from_texts.files = 2
    assert from_texts == from_paths
    as_text = corpus_stats(str(HI))  # a str is never opened: it is the text
    assert (as_text.files, as_text.documents, as_text.chars) == (0, 1, len(str(HI)))


def test_corpus_stats_jobs_give_identical_results() -> None:
    one = corpus_stats([HI, BN], jobs=1)
    two = corpus_stats([HI, BN], jobs=2)
    assert one == two
    assert one.summary() == two.summary()


def test_report_does_not_depend_on_merge_order() -> None:
    # tied counts (one question, one exclamation; one quote mark of each kind) and
    # normalization steps first seen in different orders
    a = text_stats("क्या यह सच है? हाँ “ठीक” है। दु:ख  है।")
    b = text_stats("वाह! यह ‘अच्छा’ है। ড়\u200b है।")
    ab, ba = a + b, b + a
    assert ab == ba
    assert json.dumps(ab.report()) == json.dumps(ba.report())
    changes = list(ab.report()["scripts"]["normalization_changes"])
    assert changes == ["invisible", "nfc", "visual", "spaces", "danda", "visarga"]


def test_corpus_stats_reports_bad_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("ठीक है\n".encode() + b"\xff\n")
    with pytest.raises(ValueError, match=r"bad\.txt:2"):
        corpus_stats(bad)


def test_empty_stats_summary_has_no_division_errors() -> None:
    row = CorpusStats().summary()
    assert row["mattr"] == 0.0 and row["median_sentence_tokens"] == 0.0
    assert CorpusStats().report()["lexicon"]["top_words"] == []


def test_mattr_sums_short_document_is_one_window() -> None:
    assert _mattr_sums(["a", "b", "a"], 100) == (2, 3)
    assert _mattr_sums([], 100) == (0, 0)


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.sampled_from("abcdefg"), max_size=40), hs.integers(1, 12))
def test_mattr_sums_equal_the_quadratic_definition(words: list[str], window: int) -> None:
    if len(words) <= window:
        expected = (len(set(words)), len(words))
    else:
        starts = range(len(words) - window + 1)
        expected = (sum(len(set(words[i : i + window])) for i in starts), len(starts) * window)
    assert _mattr_sums(words, window) == expected


def test_bigrams_pair_adjacent_words_only() -> None:
    # punctuation and line breaks (a heading, then a paragraph) break pairs
    st = document_stats("राम, श्याम घर गए।\nसुरक्षा गारंटी\nसीता आई")
    assert st.bigram_counts == {
        ("श्याम", "घर"): 1,
        ("घर", "गए"): 1,
        ("सुरक्षा", "गारंटी"): 1,
        ("सीता", "आई"): 1,
    }


@settings(max_examples=200, deadline=None)
@given(
    hs.lists(hs.sampled_from("abcdefg"), max_size=60),
    hs.integers(1, 12),
    hs.lists(hs.integers(0, 60), max_size=5),
)
def test_streaming_mattr_window_equals_whole_list(
    words: list[str], window: int, cuts: list[int]
) -> None:
    acc = _MattrWindow(window)
    bounds = sorted({0, len(words), *(c for c in cuts if c < len(words))})
    for lo, hi in itertools.pairwise(bounds):
        acc.feed(words[lo:hi])
    assert acc.sums() == _mattr_sums(words, window)


@pytest.mark.parametrize("path", [HI, BN], ids=["hi", "bn"])
def test_chunked_analysis_of_a_long_document_changes_nothing(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file without --doc-sep is one document; it is tokenized in chunks of whole
    # lines so memory stays bounded. Cutting after every line must give the same figures.
    text = path.read_text("utf-8")
    whole = document_stats(text)
    monkeypatch.setattr(stats_module, "CHUNK_CHARS", 1)
    assert document_stats(text) == whole


@pytest.mark.parametrize(
    "text",
    [
        HI.read_text("utf-8"),
        BN.read_text("utf-8"),
        "দু’টি ‘কথা’সহ বলেন, ‘আমরা’ও যাব। Dr. A. B. Roy 8वीं www.bbc.com/hindi @x #y ₹5 ...",
    ],
    ids=["hi", "bn", "mixed"],
)
def test_token_columns_equal_tokenize(text: str) -> None:
    # stats reads segment's columnar core to skip building Token objects; this
    # pins it to what tokenize() returns, so a change in segment fails here.
    from newskit.segment import tokenize

    tokens = tokenize(text)
    assert token_columns(text) == (
        [t.text for t in tokens],
        [t.start for t in tokens],
        [t.end for t in tokens],
        [t.kind for t in tokens],
    )


def test_public_api_reexports() -> None:
    import newskit

    st = newskit.corpus_stats(["राम घर गया।", "সে বাড়ি গেল।"])
    assert isinstance(st, newskit.CorpusStats)
    assert (st.documents, st.sentences, st.words) == (2, 2, 6)
    assert st.document_langs == {"hi": 1, "bn": 1}
