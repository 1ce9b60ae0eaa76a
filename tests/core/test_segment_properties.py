"""Property tests for newskit.segment: offsets, losslessness, stability.

Texts are built from realistic pieces of Hindi/Bengali news (words, numbers, abbreviations,
quotes, terminators, URLs) joined by random whitespace, plus fully random Unicode text for the
invariants that must hold on any input.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit.segment import iter_sentences, iter_tokens, split_sentences, tokenize

PIECES = [
    "किम",
    "ने",
    "कहा",
    "है",
    "क्षेत्र",
    "क्‍ष",
    "ज़मीन",
    "ड़",
    "রাশিয়ার",
    "র‍্যাব",
    "দু’টি",
    "’৭১",
    "নীতির",
    "মো.",
    "ডা.",
    "বি.এন.পি.",
    "डॉ.",
    "प्रो.",
    "के.आर.",
    "के",
    "आई",
    "U.S.",
    "Mr.",
    "1,00,000",
    "१,२५०.५",
    "৯০.৫",
    "2015-2016",
    "25/04/2019",
    "10:30",
    "$5,000",
    "8वीं",
    "www.bbc.com/hindi",
    "https://example.com/a?b=1",
    "a@b.co.uk",
    "@नाम",
    "#হ্যাশ",
    "।",
    "॥",
    "৷",
    ".",
    "...",
    "…",
    "?",
    "!",
    ",",
    ":",
    ";",
    "-",
    "--",
    "—",
    "(",
    ")",
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "''",
    "|",
    "%",
    "₹",
]
SEPARATORS = ["", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2009", "\r\n"]

realistic = st.lists(
    st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=0, max_size=40
).map(lambda pairs: "".join(p + s for p, s in pairs))
anything = st.text(max_size=200)


def _nonspace(text: str) -> str:
    return "".join(text.split())


def _check(text: str) -> None:
    toks = tokenize(text)
    for t in toks:
        assert text[t.start : t.end] == t.text
        assert t.text and not any(c.isspace() for c in t.text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(toks))
    assert "".join(t.text for t in toks) == _nonspace(text)
    sents = split_sentences(text)
    for s in sents:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert "\n" not in s.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(sents))
    assert "".join(_nonspace(s.text) for s in sents) == _nonspace(text)


@settings(max_examples=300, deadline=None)
@given(realistic)
def test_realistic_text_invariants(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_any_text_invariants(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(realistic)
def test_streaming_variants_agree(text: str) -> None:
    assert list(iter_tokens(text)) == tokenize(text)
    assert list(iter_sentences(text)) == split_sentences(text)


@settings(max_examples=200, deadline=None)
@given(realistic)
def test_sentence_tokens_are_the_text_tokens(text: str) -> None:
    """Sentence boundaries fall on token boundaries, so tokenizing sentences changes nothing."""
    assert [t for s in split_sentences(text) for t in s.tokens()] == tokenize(text)


@settings(max_examples=300, deadline=None)
@given(realistic)
def test_tokenizing_tokenized_text_is_stable(text: str) -> None:
    """Joining the tokens of a line with spaces and tokenizing again gives the same tokens."""
    for line in text.split("\n"):
        once = [t.text for t in tokenize(line)]
        assert [t.text for t in tokenize(" ".join(once))] == once


@settings(max_examples=400, deadline=None)
@given(st.one_of(realistic, anything))
def test_fast_paths_agree_with_the_reference(text: str) -> None:
    """The C-level fast paths give exactly what the token pattern and the general path give."""
    from newskit import segment

    assert segment.tokenized_text(text) == segment._reference_tokenized_text(text)
    reference = [segment.Sentence(text[a:b], a, b) for a, b in segment._sentence_bounds(text)]
    assert split_sentences(text) == reference
