"""Normalization with a language (NormalizeOptions.lang) and what it must never touch."""

from __future__ import annotations

import pytest

from newskit.normalization import STEPS, NormalizeOptions, explain, normalize

# Assamese written for these tests: ৰ and ৱ in most words, elision apostrophes.
ASSAMESE = "অসমৰ মুখ্যমন্ত্ৰীয়ে ক'লে যে ৱাহিদে এই বছৰ দু:খৰ বাতৰি দিছিল | তেওঁ আহিব।"
# Nepali and Marathi spellings with ZWJ after a virama (eyelash ra, half forms).
NEPALI = "उसले काम गर्\u200dयो र घर फर्क्\u200dयो।"
MARATHI = "त्याने दर्\u200dयाचे चित्र काढले आणि ऱ्हासाबद्दल लिहिले."


@pytest.mark.parametrize("lang", ["as", "bn", None])
def test_assamese_ra_and_wa_are_never_rewritten(lang: str | None) -> None:
    out = normalize(ASSAMESE, lang=lang)
    for ch in "\u09f0\u09f1":
        assert out.count(ch) == ASSAMESE.count(ch)
    assert "ক'লে" in out
    assert "দুঃখৰ" in out  # the Bengali-script visarga rule still applies
    assert out.endswith("দিছিল । তেওঁ আহিব।")


def test_assamese_through_indicnlp_profile_keeps_ra_and_wa() -> None:
    out = normalize(ASSAMESE, profile="indicnlp", lang="as")
    assert out.count("\u09f0") == ASSAMESE.count("\u09f0")
    assert out.count("\u09f1") == ASSAMESE.count("\u09f1")


@pytest.mark.parametrize(("text", "lang"), [(NEPALI, "ne"), (MARATHI, "mr")])
def test_joiners_after_a_virama_survive_every_step(text: str, lang: str) -> None:
    assert normalize(text, lang=lang) == text
    for step in STEPS:
        assert normalize(text, NormalizeOptions.only([step], lang=lang)) == text
    out, counts = explain(text, lang=lang)
    assert out == text and not any(counts.values())


def test_sanskrit_word_final_visarga() -> None:
    text = "ओं नम: श्रीशारदागणपतिगुरुभ्य:। राम: वनं गच्छति।"
    assert normalize(text, lang="sa") == "ओं नमः श्रीशारदागणपतिगुरुभ्यः। रामः वनं गच्छति।"
    assert normalize(text) == text  # Hindi rules: a colon at a word's end is no visarga
    assert normalize("समय 10:30 बजे", lang="sa") == "समय 10:30 बजे"


def test_language_visarga_words() -> None:
    assert normalize("समाजाचे अध:पतन झाले.", lang="mr") == "समाजाचे अधःपतन झाले."
    assert normalize("समाजाचे अध:पतन झाले.") == "समाजाचे अध:पतन झाले."
    # a dateline stays in every language
    assert normalize("मुंबई:राज्य सरकार", lang="mr") == "मुंबई:राज्य सरकार"


@pytest.mark.parametrize("lang", ["hi", "bn", "mai", "bho", "ur", "en", "und"])
def test_languages_without_rules_of_their_own_normalize_as_today(lang: str) -> None:
    for text in ("नई दिल्ली: दु:ख है |", "অত:পর ১০:৩০ টায় |", NEPALI, ASSAMESE):
        assert normalize(text, lang=lang) == normalize(text)


@pytest.mark.parametrize("lang", ["mr", "ne", "as", "sa"])
def test_idempotent_with_a_language(lang: str) -> None:
    for text in (ASSAMESE, NEPALI, MARATHI, "नम: श्री: | दु:ख"):
        once = normalize(text, lang=lang)
        assert normalize(once, lang=lang) == once


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown lang"):
        NormalizeOptions(lang="xx")
