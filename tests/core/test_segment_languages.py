"""Segmentation with a language's rules (newskit.segment, ``lang=``).

Sentences written for these tests in the style of Marathi, Nepali and Assamese news and of the
UD Marathi-UFAL stories (a quotation followed by its reporting clause).
"""

from __future__ import annotations

import pytest

from newskit.segment import (
    iter_sentences,
    iter_tokens,
    piece_tokens,
    segmentation_rules,
    sentence_columns,
    sentence_lines,
    split_sentences,
    token_columns,
    token_strings,
    tokenize,
    tokenized_text,
)

MARATHI = (
    'सौ. मॉरिस म्हणाल्या की यु.एस.चे अध्यक्ष येणार आहेत. "तुम्ही कुठे होता?" राजाने विचारले. '
    '"नका घालवू त्याला दूर!" ती रडत म्हणाली. ले. कर्नल वॉन यांनी पदक जिंकले.'
)
NEPALI = 'डा. शर्माले भने, "हामी तयार छौँ।" "के तपाईं तयार हुनुहुन्छ?" उनले सोधिन्। वि.सं. २०८० मा निर्वाचन भयो।'


def texts(sentences: list) -> list[str]:
    return [s.text for s in sentences]


def test_marathi_sentences() -> None:
    assert texts(split_sentences(MARATHI, "mr")) == [
        "सौ. मॉरिस म्हणाल्या की यु.एस.चे अध्यक्ष येणार आहेत.",
        '"तुम्ही कुठे होता?" राजाने विचारले.',
        '"नका घालवू त्याला दूर!" ती रडत म्हणाली.',
        "ले. कर्नल वॉन यांनी पदक जिंकले.",
    ]


def test_without_a_language_the_default_rules_apply() -> None:
    # (Hindi/Bengali lists: सौ. and ले. are not abbreviations there, and no clause joining)
    got = texts(split_sentences(MARATHI))
    assert "सौ." in got and "ती रडत म्हणाली." in got
    assert texts(split_sentences(MARATHI, "hi")) == got
    assert texts(split_sentences(MARATHI, "mai")) == got  # Maithili segments as Hindi


def test_marathi_tokens() -> None:
    toks = [t.text for t in tokenize(MARATHI, lang="mr")]
    assert toks[:2] == ["सौ.", "मॉरिस"]
    assert "यु.एस." in toks and "ले." in toks
    assert toks == tokenized_text(MARATHI, "mr").split(" ") == token_strings(MARATHI, "mr")
    assert toks == token_columns(MARATHI, "mr")[0]
    assert toks == [t.text for t in iter_tokens(MARATHI, lang="mr")]


def test_nepali_sentences() -> None:
    assert texts(split_sentences(NEPALI, "ne")) == [
        'डा. शर्माले भने, "हामी तयार छौँ।"',
        '"के तपाईं तयार हुनुहुन्छ?" उनले सोधिन्।',
        "वि.सं. २०८० मा निर्वाचन भयो।",
    ]


def test_a_reporting_clause_with_its_own_quotation_stays_a_sentence() -> None:
    text = 'त्या अधिक मोकळेपणाने बोलल्या. "हो, नक्कीच," केनेडी म्हणाले.'
    assert len(split_sentences(text, "mr")) == 2


def test_a_long_sentence_ending_in_a_reporting_verb_is_not_joined() -> None:
    text = '"तुम्ही कुठे होता?" त्यानंतर राजाने दरबारातील सर्व मंत्र्यांना एकत्र बोलावून विचारले.'
    assert len(split_sentences(text, "mr")) == 2


def test_reporting_clause_joins_only_on_the_same_line() -> None:
    text = '"तुम्ही कुठे होता?"\nराजाने विचारले.'
    assert len(split_sentences(text, "mr")) == 2


@pytest.mark.parametrize("lang", ["mr", "ne", "as", "kok", None])
def test_offsets_and_losslessness(lang: str | None) -> None:
    for text in (MARATHI, NEPALI, "অসমৰ মুখ্যমন্ত্ৰীয়ে ক'লে যে ড. শৰ্মা আহিব। তেওঁ আহিলে।"):
        doubled = text + "\n\n  " + text
        sentences = split_sentences(doubled, lang)
        assert all(doubled[s.start : s.end] == s.text for s in sentences)
        joined = "".join("".join(s.text.split()) for s in sentences)
        assert joined == "".join(doubled.split())
        assert list(iter_sentences(doubled, lang)) == sentences
        cols = sentence_columns(doubled, lang)
        assert list(zip(*cols, strict=True)) == [(s.text, s.start, s.end) for s in sentences]
        for s in sentences:
            assert all(doubled[t.start : t.end] == t.text for t in s.tokens(lang))


def test_assamese_elision_apostrophe_is_part_of_the_word() -> None:
    text = "তেওঁ ক'লে যে কাইলৈ সভা হ'ব আৰু সকলোৱে ক’ব।"
    for lang in ("as", None):
        toks = [t.text for t in tokenize(text, lang=lang)]
        assert "ক'লে" in toks and "হ'ব" in toks and "ক’ব" in toks
        assert tokenized_text(text, lang).split(" ") == toks


def test_assamese_abbreviation() -> None:
    text = "শ্ৰী. বৰুৱাই ক'লে। ড. শৰ্মা আহিল।"
    assert texts(split_sentences(text, "as")) == ["শ্ৰী. বৰুৱাই ক'লে।", "ড. শৰ্মা আহিল।"]
    assert "শ্ৰী." in [t.text for t in tokenize(text, lang="as")]


def test_piece_tokens_with_a_language() -> None:
    pieces = MARATHI.split()
    got = piece_tokens(pieces, "mr")
    assert got[0] == ["सौ."]
    assert got[0] != piece_tokens(pieces)[0]


ASSAMESE = "ড° শৰ্মাই ক'লে, \"আমি সাজু।\" তেওঁ কয় যে কাম হ'ব। ৰাজ্যত বানপানী।"


@pytest.mark.parametrize("lang", [None, "hi", "mr", "ne", "as", "sa", "kok", "bho"])
@pytest.mark.parametrize("text", [MARATHI, NEPALI, ASSAMESE])
def test_sentence_lines_equals_the_sentences_under_every_languages_rules(
    lang: str | None, text: str
) -> None:
    # the fast path of `newskit sentences` (text output) against the offsets path
    doc = f"{text}\n\n  {text}  \n{text}"
    assert sentence_lines(doc, lang) == "\n".join(s.text for s in split_sentences(doc, lang))


def test_which_languages_have_rules_of_their_own() -> None:
    # Sanskrit's rules.tsv holds a normalization rule only: it segments by the default lists
    own = {x: segmentation_rules(x) for x in ("hi", "bn", "en", "sa", "mai", "bho", "ur", "und")}
    assert set(own.values()) == {None}
    assert [segmentation_rules(x) for x in ("mr", "kok", "ne", "as")] == ["mr", "mr", "ne", "as"]
    assert split_sentences(MARATHI, "sa") == split_sentences(MARATHI)
