"""The C-level fast paths of newskit.stats give exactly what their reference paths give.

Each fast path has a fallback (the reference) for input or module states it cannot handle;
these tests run both on realistic news text, on generated text and on text built to make the
fast path bail out, and require identical figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as hs

import newskit.segment as segment_module
import newskit.stats as stats_module
import reference as ref
from newskit.segment import split_sentences
from newskit.stats import CorpusStats, count_graphemes, document_stats
from samples import BN, HI

SAMPLES = [HI, BN]
TRICKY = (
    "दु’टि ‘कथा’सहित বলেন, ‘আমরা’ও যাব। Dr. A. B. Roy ने कहा है.सईद 8वीं www.bbc.com/hindi\n"
    "@x #y ₹5 ... “हम तैयार हैं।” उन्होंने कहा। ‘’৭১ সালে’ রাশিয়া ও চীন; र\u200d्याब स\u095cक\r\n"
    '  \u093f मात्रा अकेली, \u0600 prepended, ক\u200c্ষ, 👍🏽 ok!! next? "quote" end .\n'
    "a@b.co.uk के.आर. नारायणन 1,00,000 १,२५०.५ ৯০.৫ 2015-2016 10:30 $5,000 – — |\n"
)
PIECES = [
    "किम ने कहा",
    " कि “हम तैयार हैं।”",
    " उत्तर कोरिया",
    "है.सईद",
    " डॉ. राम",
    " 25 अप्रैल",
    "।",
    ".",
    "?",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u00a0",
    "पुतिन बलेन, ‘समता’",
    "দু’টি ‘কথা’সহ",
    " ’৭১",
    " রাশিয়া ও চীন।",
    " ৯০ শতাংশ",
    "সূত্র : বিবিসি",
    "र\u200d्याब",
    "स\u095cक",
    "\u200b",
    " \u093f",
    "\u0600",
    '"quote"',
    "'x'",
    "www.bbc.com/hindi",
    "a@b.co",
    "[/x]",
    "👍🏽",
    # apostrophes and quotes around sentence ends: the tokenizer's apostrophe scope
    "‘ডা. রহমান’ও",
    "কিন্তু’",
    "’সহ",
    " ‘",
    "’ ",
    "?”",
    "!’",
    'आहे? " जेम्स',
    " बी. सी. ",
    "…",
    # pieces whose tokens depend on their neighbours (segment.piece_tokens gives None)
    " A. B. Roy",
    "http://a.in/x\x1cy.z,",
    "\x1f",
    "‘দু’টি’",
    " के.आर. ",
]
texts = hs.lists(hs.sampled_from(PIECES), max_size=25).map("".join)


def _token_figures(text: str, add: object) -> tuple[CorpusStats, tuple[int, int], set[int]]:
    st = CorpusStats()
    mattr = stats_module._MattrWindow(stats_module.MATTR_WINDOW)
    seen: set[int] = set()
    add(st, text, split_sentences, mattr, seen)  # type: ignore[operator]
    return st, mattr.sums(), seen


def _assert_token_paths_agree(text: str) -> None:
    fast = _token_figures(text, stats_module._add_tokens_and_sentences)
    reference = _token_figures(text, ref.add_tokens_and_sentences)
    assert fast == reference


@pytest.mark.parametrize("path", SAMPLES, ids=["hi", "bn"])
def test_sentence_tokens_equal_reference_on_articles(path: Path) -> None:
    _assert_token_paths_agree(path.read_text("utf-8"))


def test_sentence_tokens_equal_reference_on_tricky_text() -> None:
    # several sentences per line (bigrams cross their boundary), glued ends, URLs, clitics;
    # the apostrophe word and the initials send their sentences whole (one entry)
    got = stats_module._sentence_pieces(TRICKY, split_sentences)
    assert got is not None
    sentences, entries, per_sentence, figures = got
    assert len(per_sentence) == len(sentences) and sum(per_sentence) == len(entries)
    assert figures == sum(e[-1] for e in entries) < stats_module._NOT_READY
    whole = [s.text for s, n in zip(sentences, per_sentence, strict=True) if n == 1]
    for piece in ("दु’टि", "के.आर."):
        assert any(piece in s for s in whole)
    assert "Dr. A. B. Roy ने कहा है." not in whole  # (the initials rule is for the lists')
    _assert_token_paths_agree(TRICKY)
    _assert_token_paths_agree("")
    _assert_token_paths_agree(" \n\t\n")


def test_token_paths_agree_from_cold_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    # every token new (the batch that normalizes a chunk's new words), and a word whose
    # normalized form is empty (a lone ZWJ)
    text = "\n".join(p.read_text("utf-8") for p in SAMPLES) + "\nराम \u200d श्याम घर गए।\n"
    monkeypatch.setattr(stats_module, "_WORD_CACHE", stats_module._WordCache())
    monkeypatch.setattr(segment_module, "_KINDS", segment_module._KindCache())
    stats_module._token_info.cache_clear()
    stats_module._piece_info.cache_clear()
    try:
        fast = _token_figures(text, stats_module._add_tokens_and_sentences)
        assert stats_module._token_info()["\u200d"] == ""
        assert stats_module._piece_info()["\u200d"] is not None
    finally:
        stats_module._token_info.cache_clear()
        stats_module._piece_info.cache_clear()
    assert fast == _token_figures(text, ref.add_tokens_and_sentences)
    assert fast[0].word_counts[""] == 1


@settings(max_examples=150, deadline=None)
@given(texts)
def test_sentence_tokens_equal_reference_on_generated_text(text: str) -> None:
    _assert_token_paths_agree(text)


def test_sentences_stay_exact_when_lines_do_not_line_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # the sentences tokenized whole go through the line tokenizer joined by newlines, one
    # line of tokens each; output that does not line up (never seen) is not trusted: each
    # sentence is then tokenized alone, from offsets, with the same figures
    # (the pieces are known from the first call)
    expected = document_stats(TRICKY)
    real = segment_module.tokenized_text
    monkeypatch.setattr(
        segment_module, "tokenized_text", lambda t, lang=None: real(t, lang) + "\nextra"
    )
    assert document_stats(TRICKY) == expected


# -- graphemes ------------------------------------------------------------------------------
CLUSTER = regex.compile(r"\X")


def _reference_graphemes(text: str) -> int:
    return len(CLUSTER.findall(text))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "क्षेत्र में",
        " \u093f",  # a vowel sign after a space joins the space's cluster
        "क \u200c",  # so does a joiner
        "x \u200d👍",
        "a\u0600 b",  # a prepended mark joins the space after it
        "a\r\nb",  # CR LF is one cluster
        "\u093fक",  # a mark at the very start: the fast path cannot tell, falls back
        "👍🏽 🇮🇳🇧🇩 ok",
        "\u00a0\u0301 \u2028\u0301",
        TRICKY,
    ],
)
def test_count_graphemes_equals_cluster_regex(text: str) -> None:
    assert count_graphemes(text) == _reference_graphemes(text)


@pytest.mark.parametrize("path", SAMPLES, ids=["hi", "bn"])
def test_count_graphemes_on_articles(path: Path) -> None:
    text = path.read_text("utf-8")
    assert count_graphemes(text) == _reference_graphemes(text)


@settings(max_examples=300, deadline=None)
@given(hs.one_of(texts, hs.text(max_size=80)))
def test_count_graphemes_on_generated_text(text: str) -> None:
    assert count_graphemes(text) == _reference_graphemes(text)


# -- character figures from the tokens ------------------------------------------------------
# Texts where a cluster may cross a token edge, or a space: each needs the full \X pass.
CLUSTER_EDGES = [
    "क्,ष",  # a virama ending a token: GB9c would join a consonant after it (flagged)
    "क्‍ष क्‌ष ক্‌ষ র‍্যাব",
    "🇮🇳🇧🇩, 🇮🇳.",  # regional indicator pairs (GB12, GB13)
    "👨‍👩‍👧 (👍🏽)",  # emoji ZWJ sequences (GB11)
    "한국어, 텍스트!",  # Hangul syllables (GB6-GB8)
    "(\u093f) \u093fक ।\u0902",  # marks after punctuation or a space
    "a\u0600 b \u0600(x)",  # a prepended mark (GB9b)
    "a\r\nb.\rc",
    "x\u200d👍 ‘ডা. রহমান’ও দু’টি",
]


def _token_fields(text: str) -> list[int] | None:
    """The figures of *text* from its tokens, as document_stats gets them (None: no fast path)."""
    mattr = stats_module._MattrWindow(stats_module.MATTR_WINDOW)
    add = stats_module._add_tokens_and_sentences
    _, packed = add(CorpusStats(), text, split_sentences, mattr, set())
    return None if packed is None else stats_module._unpacked(text, packed)


def _assert_token_fields_agree(text: str) -> None:
    fields = _token_fields(text)
    if fields is not None:
        chunk_fields = stats_module._text_figures(text)
        del fields[1], chunk_fields[1]  # (the edge flags differ: token edges are more)
        assert fields == chunk_fields
        assert fields[0] == _reference_graphemes(text)


@pytest.mark.parametrize("text", [*CLUSTER_EDGES, *(p.read_text("utf-8") for p in SAMPLES)])
def test_token_figures_equal_chunk_figures(text: str) -> None:
    assert _token_fields(text) is not None
    _assert_token_fields_agree(text)


@settings(max_examples=300, deadline=None)
@given(
    hs.one_of(texts, hs.text(max_size=80), hs.lists(hs.sampled_from(CLUSTER_EDGES)).map(" ".join))
)
def test_token_figures_equal_chunk_figures_on_generated_text(text: str) -> None:
    _assert_token_fields_agree(text)


# -- quotes with the document's sentences ----------------------------------------------------
QUOTED = (
    "किम ने कहा, “हम तैयार हैं। सब ठीक है।” उन्होंने जोड़ा।\n"
    "  ‘आगे बढ़ो’, उन्होंने कहा.सईद ने माना।\n\n"
    'পুতিন বলেন, ‘আমরা প্রস্তুত।’ তিনি আরও বলেন, "সব ঠিক আছে" \n'
    '"খোলা উদ্ধৃতি\n'
    '"পরের অনুচ্ছেদ।" বলেন তিনি।\n'
)


@pytest.mark.parametrize("text", [*(p.read_text("utf-8") for p in SAMPLES), QUOTED, TRICKY])
def test_quotes_with_given_sentences_are_the_same(text: str) -> None:
    from newskit.quotes import extract_quotes

    assert extract_quotes(text, sentences=split_sentences(text)) == extract_quotes(text)


@settings(max_examples=100, deadline=None)
@given(hs.lists(hs.sampled_from([*PIECES, " बोले, “हां।”", "\n‘नहीं’ কहा", '"'])).map("".join))
def test_quotes_with_given_sentences_on_generated_text(text: str) -> None:
    from newskit.quotes import extract_quotes

    assert extract_quotes(text, sentences=split_sentences(text)) == extract_quotes(text)


# -- top lists ---------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    hs.dictionaries(hs.text("abcde", min_size=1, max_size=3), hs.integers(1, 6), max_size=60),
    hs.integers(0, 8),
    hs.booleans(),
)
def test_top_counts_equal_sorting_everything(
    counts: dict[str, int], n: int, filtered: bool
) -> None:
    from collections import Counter

    keep = (lambda k: "a" not in k) if filtered else None
    expected = stats_module._top(((k, v) for k, v in counts.items() if keep is None or keep(k)), n)
    assert stats_module._top_counts(Counter(counts), n, keep) == expected


# -- character figures ----------------------------------------------------------------------
def _reference_char_figures(text: str) -> CorpusStats:
    """The character figures counted from ``Counter(text)`` (how stats counted them before)."""
    from collections import Counter

    st = CorpusStats()
    chars = Counter(text)
    for ch, n in chars.items():
        script, special = stats_module._char_class(ch)
        if script is not None:
            st.script_letters[script] += n
        if special is not None:
            if special.startswith("digit:"):
                st.digits[special[6:]] += n
            else:
                st.specials[special] += n
        if ch in stats_module.QUOTE_MARK_NAMES:
            st.quote_marks[stats_module.QUOTE_MARK_NAMES[ch]] += n
    mojibake = sum(text.count(m) for m in stats_module.MOJIBAKE_MARKERS)
    if mojibake:
        st.specials["mojibake"] += mojibake
    st.graphemes = _reference_graphemes(text)
    st.unbalanced_documents = int(stats_module._unbalanced(chars))
    return st


def _assert_char_figures(text: str) -> None:
    got = document_stats(text, quotes=False)
    want = _reference_char_figures(text)
    for name in ("script_letters", "specials", "digits", "graphemes", "unbalanced_documents"):
        assert getattr(got, name) == getattr(want, name), name
    # same keys in the same order: the JSON lists quote marks by count, ties in this order
    assert list(got.quote_marks.items()) == list(want.quote_marks.items())


def test_whitespace_has_no_character_figures() -> None:
    # the figures are summed over whitespace-separated chunks, so this must hold
    for ch in map(chr, range(0x3001)):
        if ch.isspace():
            assert stats_module._char_class(ch) == (None, None)
            assert ch not in stats_module.QUOTE_MARK_NAMES


@pytest.mark.parametrize("text", [*(p.read_text("utf-8") for p in SAMPLES), QUOTED, TRICKY])
def test_character_figures_equal_counting_the_text(text: str) -> None:
    _assert_char_figures(text)
    _assert_char_figures("’ ‘x” “ «»„‚ \"'" + text + "१२ ৩ 4 ① \ufffd à¤")


@settings(max_examples=200, deadline=None)
@given(hs.one_of(texts, hs.text(max_size=80)))
def test_character_figures_on_generated_text(text: str) -> None:
    _assert_char_figures(text)


# -- merging ---------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    hs.dictionaries(hs.sampled_from("abcdefgh"), hs.integers(0, 3)),
    hs.dictionaries(hs.sampled_from("abcdefgh"), hs.integers(0, 3)),
)
def test_adding_counts_equals_counter_update(a: dict[str, int], b: dict[str, int]) -> None:
    from collections import Counter

    mine, expected = Counter(a), Counter(a)
    stats_module._add_counts(mine, Counter(b))
    ref.add_counts(expected, Counter(b))
    assert list(mine.items()) == list(expected.items())  # zero counts and key order included


def test_adding_counts_of_articles_equals_counter_update() -> None:
    # word, bigram and line counts of two real articles, merged both ways
    hi, bn = (document_stats(p.read_text("utf-8")) for p in SAMPLES)
    for name in ("word_counts", "bigram_counts", "line_documents", "sentence_documents"):
        for first, second in ((hi, bn), (hi, hi), (bn, hi + bn)):
            mine, expected = getattr(first, name).copy(), getattr(first, name).copy()
            stats_module._add_counts(mine, getattr(second, name))
            ref.add_counts(expected, getattr(second, name))
            assert list(mine.items()) == list(expected.items()), name


# -- lines ---------------------------------------------------------------------------------------
def _reference_line_figures(text: str) -> tuple[int, int, int, set[int], dict[int, str]]:
    """Paragraphs, non-NFC lines, repeats, digests and short lines, line by line."""
    import unicodedata

    seen: set[int] = set()
    short: dict[int, str] = {}
    paragraphs = non_nfc = repeated = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        paragraphs += 1
        non_nfc += not unicodedata.is_normalized("NFC", line)
        h = stats_module._digest(line)
        if h in seen:
            repeated += 1
        else:
            seen.add(h)
            if len(line) <= stats_module.BOILERPLATE_MAX_CHARS:
                short.setdefault(h, line)
    return paragraphs, non_nfc, repeated, seen, short


LINE_PIECES = [
    *PIECES,
    "\u2000",
    "\u2001",
    "\u0928\u093c",
    "\u0929",
    "e\u0301",
    "\u0301",
    "ক\u09c7\u09be",
]


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.sampled_from(LINE_PIECES), max_size=25).map("".join))
def test_line_figures_equal_line_by_line(text: str) -> None:
    st = document_stats(text, quotes=False, normalization=False)
    paragraphs, non_nfc, repeated, seen, short = _reference_line_figures(text)
    assert (st.paragraphs, st.non_nfc_lines, st.lines_repeated_in_document) == (
        paragraphs,
        non_nfc,
        repeated,
    )
    assert st.non_nfc_documents == (non_nfc > 0)
    assert set(st.line_documents) == seen
    assert st.short_lines == short


# invisible characters, which the normalization takes out before its NFC step
NFC_PIECES = [*LINE_PIECES, "\u200b", "\u00ad", "\ufeff", "\u200d", "\u200c", "\u09cd", "\u093c"]


@settings(max_examples=300, deadline=None)
@given(hs.lists(hs.sampled_from(NFC_PIECES), max_size=25).map("".join))
def test_non_nfc_lines_with_the_normalization_counts(text: str) -> None:
    # With the normalization counted, lines are checked only when its NFC step changed
    # something: the figures must be those of checking every line.
    st = document_stats(text, quotes=False, normalization=True)
    _, non_nfc, _, _, _ = _reference_line_figures(text)
    assert (st.non_nfc_lines, st.non_nfc_documents) == (non_nfc, int(non_nfc > 0))


@settings(max_examples=200, deadline=None)
@given(
    hs.lists(
        hs.text(
            alphabet=hs.sampled_from(sorted(set(TRICKY) - set(" \n\r"))), min_size=1, max_size=12
        ),
        min_size=9,
        max_size=40,
    )
)
def test_words_normalized_together_as_one_by_one(words: list[str]) -> None:
    # The word cache normalizes the new words of a chunk in one call, joined by
    # newlines; that must equal normalizing each word alone.
    from newskit.normalization import normalize

    cache = stats_module._WordCache()
    assert cache.normalize_all(words) == [normalize(w).casefold() for w in words]
    assert len(cache) == len(set(words))
    # a second pass is all hits (the one-lookup path), and must give the same list
    assert cache.normalize_all(words) == [normalize(w).casefold() for w in words]


def test_words_normalized_on_articles_cold_and_warm() -> None:
    # real words, then the same words again with the cache warm, plus words whose normalized
    # form is empty (a lone zero-width space) and one new word among known ones
    from newskit.segment import token_columns

    for path in SAMPLES:
        texts, _, _, kinds = token_columns(path.read_text("utf-8"))
        words = [t for t, k in zip(texts, kinds, strict=True) if k == "word"]
        cache = stats_module._WordCache()
        reference = ref.normalize_all(stats_module._WordCache(), words)
        assert cache.normalize_all(words) == reference
        assert cache.normalize_all(words) == reference
        more = [*words[:50], "\u200b", "दु:ख", *words[50:100]]
        assert cache.normalize_all(more) == ref.normalize_all(stats_module._WordCache(), more)


# -- sentence terminators ----------------------------------------------------------------------
@pytest.mark.parametrize("text", [*(p.read_text("utf-8") for p in SAMPLES), QUOTED, TRICKY])
def test_terminators_equal_one_by_one(text: str) -> None:
    sentences = [s.text for s in split_sentences(text)]
    sentences += ["", " ", "”", "है।” ", "क्या?)", "…’", "x|", "৷", "!!", "ok", "\u0964\u201d\u2019"]
    expected = list(map(stats_module._terminator, sentences))
    assert list(stats_module._terminators(sentences)) == expected


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.one_of(texts, hs.text(alphabet="।॥.?!…৷| \"'“”‘’«»)]}कক", max_size=6))))
def test_terminators_on_generated_text(sentences: list[str]) -> None:
    expected = list(map(stats_module._terminator, sentences))
    assert list(stats_module._terminators(sentences)) == expected


# -- quotes skipped without quote marks --------------------------------------------------------
def test_every_mark_quotes_pairs_is_a_counted_quote_mark() -> None:
    # document_stats skips quote extraction when the document has no counted quote mark
    from newskit import quotes

    marks = {c for c in map(chr, range(0x3000)) if quotes._MARK_RE.match(c)}
    assert marks and marks <= set(stats_module.QUOTE_MARK_NAMES)


@pytest.mark.parametrize("text", [*(p.read_text("utf-8") for p in SAMPLES), QUOTED, TRICKY])
def test_quote_figures_same_when_marks_are_removed(text: str) -> None:
    bare = text.translate({ord(c): None for c in stats_module.QUOTE_MARK_NAMES})
    from newskit.quotes import extract_quotes

    assert extract_quotes(bare) == []
    st = document_stats(bare)
    assert (st.quote_documents, st.quotes) == (1, 0)
