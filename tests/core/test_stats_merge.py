"""CorpusStats merging is exact: associative, commutative, with an identity (property tests).

Why it matters: per-file results computed by worker processes (or on other
machines) are merged in whatever order they finish; the corpus figures must not
depend on that order or grouping.
"""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit.segment import token_columns
from newskit.stats import CorpusStats, document_stats, text_stats

# Realistic pieces of Hindi/Bengali news text, so tokens, sentences, quotes,
# repeats and non-NFC lines all occur in generated documents.
PIECES = [
    "किम ने कहा",
    " कि “हम तैयार हैं।”",
    " उत्तर कोरिया",
    " 25 अप्रैल",
    "।",
    ".",
    " ",
    "\n",
    "\n\n",
    "পুতিন বলেন, ‘সমতা’",
    " রাশিয়া ও চীন",
    " ৯০ শতাংশ",
    "সূত্র : বিবিসি",
    "र\u200d्याब",
    "स\u095cक",
    "\u200b",
    '"quote"',
    "[/x]",
]

texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
stats = texts.map(document_stats)


@settings(max_examples=40, deadline=None)
@given(stats, stats, stats)
def test_merge_is_associative(a: CorpusStats, b: CorpusStats, c: CorpusStats) -> None:
    assert (a + b) + c == a + (b + c)


@settings(max_examples=40, deadline=None)
@given(stats, stats)
def test_merge_is_commutative_and_leaves_operands_alone(a: CorpusStats, b: CorpusStats) -> None:
    a0, b0 = pickle.loads(pickle.dumps(a)), pickle.loads(pickle.dumps(b))
    assert a + b == b + a
    assert a + b is not a
    assert (a, b) == (a0, b0)
    assert (a + b).summary() == (b + a).summary()
    assert (a + b).report() == (b + a).report()


@settings(max_examples=30, deadline=None)
@given(stats)
def test_identity_and_sum(a: CorpusStats) -> None:
    assert a + CorpusStats() == a
    assert CorpusStats() + a == a
    assert sum([a, a], CorpusStats()) == a + a
    assert sum([a, a]) == a + a  # __radd__ with 0
    assert pickle.loads(pickle.dumps(a)) == a


@settings(max_examples=30, deadline=None)
@given(st.lists(texts.filter(lambda t: t.strip() != ""), min_size=1, max_size=4))
def test_documents_merge_to_the_same_result_as_one_pass(docs: list[str]) -> None:
    # Documents joined with a separator line and split again give the same stats
    # as analysing each document alone and adding the results.
    joined = "\n=====\n".join(docs)
    parts = [d for d in docs if d.strip()]
    assert text_stats(joined, doc_sep="=====") == sum(
        (document_stats(d if i == len(parts) - 1 else d + "\n") for i, d in enumerate(parts)),
        CorpusStats(),
    )


@settings(max_examples=30, deadline=None)
@given(texts, texts)
def test_adding_in_place_equals_merging(a: str, b: str) -> None:
    # document_stats(..., into=acc) is the fast path used per file; it must equal a + b.
    acc = document_stats(a)
    expected = acc + document_stats(b)
    assert document_stats(b, into=acc) is acc
    assert acc == expected


@settings(max_examples=60, deadline=None)
@given(texts)
def test_token_columns_equal_tokenize_on_generated_text(text: str) -> None:
    from newskit.segment import tokenize

    tokens = tokenize(text)
    assert token_columns(text) == tuple(
        [getattr(t, f) for t in tokens] for f in ("text", "start", "end", "kind")
    )
