"""``segment.piece_tokens``: a sentence's tokens are its whitespace-separated pieces' tokens.

Corpus statistics count each distinct piece once (see ``stats._PieceInfo``), so this must hold
for every sentence whose pieces all have tokens, and the pieces given None must be exactly the
ones whose tokens can change with their neighbours.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from newskit.segment import piece_tokens, split_sentences, tokenized_text
from samples import ROOT

ARTICLES = sorted((ROOT / "corpus").glob("*/*.txt"))


def _pieces_agree(sentence: str) -> bool:
    """Check one sentence; False when a piece has no tokens of its own (nothing to check)."""
    got = piece_tokens(sentence.split())
    if None in got:
        return False
    assert [t for toks in got for t in toks] == tokenized_text(sentence).split(" ")
    return True


@pytest.mark.parametrize("path", ARTICLES, ids=[p.parent.name for p in ARTICLES])
def test_piece_tokens_make_up_the_sentences_of_the_articles(path: Path) -> None:
    sentences = [s.text for s in split_sentences(path.read_text("utf-8"))]
    checked = sum(map(_pieces_agree, sentences))
    assert checked >= 0.95 * len(sentences)


# pieces whose tokens look at their neighbours, and their neighbours
PIECES = [
    "बी.",
    "सी.",
    "के.आर.",
    "A.",
    "B.",
    "डॉ.",
    "‘ওরা",
    "দু’টি",
    "’৭১",
    "‘",
    "’",
    "it's",
    "'",
    "राम,",
    "है.",
    "है.सईद",
    "http://a.in/x",
    "www.bbc.com/hindi",
    "a@b.co",
    "@x",
    "#y",
    "1,00,000",
    "2015-2016",
    "“हम",
    "हैं।”",
    "(सूत्र)",
    "—",
    "...",
    "''हम",
    "कहा,ि",
    "👍🏽",
    "\u200d",
    "y.z,",
]
SPACES = ["", " ", "  ", "\t", "\u00a0", "\u2003", "\x1c", "\x1f"]
sentences = hs.lists(hs.tuples(hs.sampled_from(SPACES), hs.sampled_from(PIECES)), max_size=12).map(
    lambda parts: "".join(space + piece for space, piece in parts).strip()
)


@settings(max_examples=300, deadline=None)
@given(sentences)
def test_piece_tokens_make_up_generated_sentences(sentence: str) -> None:
    if sentence:
        _pieces_agree(sentence)


@pytest.mark.parametrize(
    ("sentence", "piece"),
    [
        ("बी. सी. राय", "सी."),  # an initial after an initial keeps its period
        ("‘ওরা দু’টি নিল", "দু’টি"),  # the apostrophe closes the open ‘
    ],
)
def test_pieces_that_depend_on_their_neighbours_have_no_tokens(sentence: str, piece: str) -> None:
    alone = tokenized_text(piece).split(" ")
    in_sentence = tokenized_text(sentence).split(" ")
    assert not _is_sublist(alone, in_sentence)  # the dependence is real
    assert piece_tokens([piece]) == [None]


def _is_sublist(part: list[str], whole: list[str]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def test_piece_tokens_of_plain_pieces() -> None:
    assert piece_tokens(["राम,", "“हम", "है.", "www.bbc.com/hindi"]) == [
        ["राम", ","],
        ["“", "हम"],
        ["है", "."],
        ["www.bbc.com/hindi"],
    ]
    assert piece_tokens([]) == []
