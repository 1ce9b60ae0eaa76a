"""Plain implementations of what newskit's fast paths compute, for the tests to compare
with (they are not on any live path: the fast paths are the only code that runs)."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from typing import Any

from newskit.segment import token_columns
from newskit.stats import (
    NON_WORD_KINDS,
    CorpusStats,
    _digest,
    _MattrWindow,
    _norm_word,
    _terminator,
    _WordCache,
)


def add_tokens_and_sentences(
    st: CorpusStats,
    text: str,
    split_sentences: Any,
    mattr: _MattrWindow,
    seen_sent: set[int],
    rules: str | None = None,
) -> list[Any]:
    """``newskit.stats._add_tokens_and_sentences`` from token offsets, one token at a time
    (``rules``: the language whose segmentation rules apply)."""
    texts, starts, ends, kinds = token_columns(text, rules)
    st.tokens += len(texts)
    st.token_kinds.update(kinds)
    counted_starts = [
        start for start, k in zip(starts, kinds, strict=True) if k not in NON_WORD_KINDS
    ]
    # Normalized words (memoized) and bigrams of word tokens adjacent in the token
    # stream: a punctuation token or a line break between two words breaks the pair.
    word_idx = [i for i, k in enumerate(kinds) if k == "word"]
    words = [_norm_word(texts[i]) for i in word_idx]
    pairs = [
        (a, b)
        for a, b, i, j in zip(words, words[1:], word_idx, word_idx[1:], strict=False)
        if j == i + 1 and "\n" not in text[ends[i] : starts[j]]
    ]
    st.bigram_counts.update(pairs)
    st.words += len(words)
    st.word_counts.update(words)
    mattr.feed(words)

    sentences = split_sentences(text)
    st.sentences += len(sentences)
    for s in sentences:
        n = bisect.bisect_left(counted_starts, s.end) - bisect.bisect_left(counted_starts, s.start)
        st.sentence_lengths[n] += 1
        st.terminators[_terminator(s.text)] += 1
        h = _digest(s.text.strip())
        if h in seen_sent:
            st.sentences_repeated_in_document += 1
        else:
            seen_sent.add(h)
    return sentences  # type: ignore[no-any-return]


def add_counts(mine: Counter[Any], theirs: Counter[Any]) -> None:
    """What ``newskit.stats._add_counts`` computes: ``Counter.update``."""
    mine.update(theirs)


def normalize_all(cache: _WordCache, words: Iterable[str]) -> list[str]:
    """What ``_WordCache.normalize_all`` returns, one word at a time."""
    return [cache[w] for w in words]
