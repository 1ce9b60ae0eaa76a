"""Speakers of quotations: the frame before or after, pronouns and descriptions resolved over
the article's named people, the headline's speaker found in the body, and confidence.

The excerpts are written for these tests in the style of the Hindi and Bengali news sites of
the team's corpus (people and offices named as those sites name them); no article is copied.
"""

from __future__ import annotations

from newskit.quotes import Quote, extract_quotes


def _one(text: str) -> Quote:
    got = extract_quotes(text)
    assert len(got) == 1, [q.text for q in got]
    q = got[0]
    if q.speaker is not None:
        assert text[q.speaker.start : q.speaker.end] == q.speaker.text
    return q


def test_speaker_after_a_verb_first_frame_bengali() -> None:
    q = _one("‘আমরা কাউকে ছাড় দেব না’, বলেন স্বরাষ্ট্র উপদেষ্টা জাহাঙ্গীর আলম চৌধুরী।")
    assert q.speaker is not None
    assert q.speaker.text == "স্বরাষ্ট্র উপদেষ্টা জাহাঙ্গীর আলম চৌধুরী"
    assert q.speaker_position == "after"
    assert q.cue is not None and q.cue.text == "বলেন"
    assert q.kind == "speech"


def test_speaker_after_a_verb_first_frame_hindi() -> None:
    q = _one('"यह फैसला जनता के हित में है", बोले महापौर पुष्यमित्र भार्गव.')
    assert q.speaker is not None and q.speaker.text == "महापौर पुष्यमित्र भार्गव"
    assert q.speaker_position == "after"


def test_speaker_with_ne_after_the_quote() -> None:
    q = _one("'ये सरकार किसानों की है', केंद्रीय कृषि मंत्री शिवराज सिंह चौहान ने कहा.")
    assert q.speaker is not None
    assert q.speaker.text == "केंद्रीय कृषि मंत्री शिवराज सिंह चौहान"


def test_addressee_between_quote_and_cue_is_skipped() -> None:
    q = _one("‘ঘটনার তদন্ত চলছে, দোষীদের শাস্তি হবে’, বিবিসি বাংলাকে বলেন পুলিশ সুপার মোহাম্মদ শামসুল আলম।")
    assert q.speaker is not None and q.speaker.text == "পুলিশ সুপার মোহাম্মদ শামসুল আলম"
    assert "বিবিসি" not in q.speaker.text


def test_addressee_before_the_cue_is_not_the_speaker_hindi() -> None:
    q = _one('पुलिस अधीक्षक ने पत्रकारों से कहा, "आरोपी को जल्द गिरफ्तार कर लिया जाएगा."')
    assert q.speaker is not None and q.speaker.text == "पुलिस अधीक्षक"


def test_pronoun_resolved_across_a_paragraph() -> None:
    text = (
        "বিএনপির মহাসচিব মির্জা ফখরুল ইসলাম আলমগীর শনিবার ঢাকায় এক সমাবেশে বক্তব্য দেন।\n"
        "তিনি বলেন, ‘জনগণ এই সরকারকে আর চায় না।’"
    )
    q = _one(text)
    assert q.speaker is not None and q.speaker.text == "তিনি"  # as written
    assert q.resolved == "মির্জা ফখরুল ইসলাম আলমগীর"


def test_pronoun_resolved_to_the_person_of_the_sentence_before_hindi() -> None:
    text = (
        "केंद्रीय मंत्री ज्योतिरादित्य सिंधिया शुक्रवार को इंदौर पहुंचे. उन्होंने कहा,"
        ' "शहर की सफाई पूरे देश के लिए मिसाल है."'
    )
    q = _one(text)
    assert q.speaker is not None and q.speaker.text == "उन्होंने"
    assert q.resolved == "ज्योतिरादित्य सिंधिया"


def test_description_resolved_to_the_named_holder() -> None:
    text = (
        "প্রধান উপদেষ্টা অধ্যাপক মুহাম্মদ ইউনূস বৃহস্পতিবার সচিবালয়ে যান। সেখানে প্রধান উপদেষ্টা"
        " বলেন, ‘সংস্কার ছাড়া নির্বাচন অর্থবহ হবে না।’"
    )
    q = _one(text)
    assert q.speaker is not None and q.speaker.text == "প্রধান উপদেষ্টা"
    assert q.resolved == "মুহাম্মদ ইউনূস"


def test_description_with_nobody_named_stays_unresolved() -> None:
    q = _one("প্রধানমন্ত্রী বলেন, ‘আমরা সবাই মিলে দেশটাকে এগিয়ে নিয়ে যাব।’")
    assert q.speaker is not None and q.speaker.text == "প্রধানমন্ত্রী"
    assert q.resolved is None


def test_a_study_is_not_a_speaker() -> None:
    q = _one("এক অধ্যয়নে বলা হয়েছে, ‘শহরের বাতাসে সীসার মাত্রা বিপজ্জনক।’")
    assert q.speaker is None
    assert q.kind == "speech"


def test_a_statement_is_not_a_speaker_hindi() -> None:
    q = _one('जारी बयान में कहा गया, "दोषियों को बख्शा नहीं जाएगा."')
    assert q.speaker is None


def test_headline_quote_takes_its_speaker_from_the_body() -> None:
    text = (
        "‘সংস্কার ছাড়া নির্বাচন অর্থবহ হবে না’\n"
        "ঢাকা, ১২ মার্চ: সংস্কার ছাড়া নির্বাচন অর্থবহ হবে না বলে মন্তব্য করেছেন প্রধান উপদেষ্টা"
        " অধ্যাপক মুহাম্মদ ইউনূস।"
    )
    q = extract_quotes(text)[0]
    assert q.text == "সংস্কার ছাড়া নির্বাচন অর্থবহ হবে না"
    assert q.speaker is not None
    assert q.speaker.text.endswith("মুহাম্মদ ইউনূস")
    assert q.speaker.start > text.index("\n")  # found in the body, not in the headline


def test_a_whole_sentence_before_its_attribution_is_speech() -> None:
    """BBC Bangla style: the quote ends in a comma inside the marks, then the source."""
    text = (
        'জেলেনস্কি পরে বলেন, আলোচনা চলবে। "আমরা সব ইস্যুতেই অর্থবহ আলোচনা করেছি এবং অগ্রগতিকে'
        ' গুরুত্ব দেই," টেলিগ্রামে দেওয়া এক বিবৃতিতে তিনি বলেছেন।'
    )
    q = _one(text)
    assert q.kind == "speech"
    assert q.speaker is not None and q.speaker.text == "তিনি"
    assert q.resolved == "জেলেনস্কি"


def test_confidence_is_a_probability_lower_for_an_unresolved_pronoun() -> None:
    resolved = _one(
        "বিএনপির মহাসচিব মির্জা ফখরুল ইসলাম আলমগীর শনিবার ঢাকায় বক্তব্য দেন। তিনি বলেন,"
        " ‘জনগণ এই সরকারকে আর চায় না।’"
    )
    unresolved = _one("তিনি বলেন, ‘আমরা এখনও কোনো সিদ্ধান্ত নিইনি।’")
    assert unresolved.resolved is None
    for q in (resolved, unresolved):
        assert 0.0 < q.confidence <= 1.0
    assert unresolved.confidence < resolved.confidence


def test_confidence_is_in_the_json_record_but_the_basis_is_not() -> None:
    d = _one("তিনি বলেন, ‘আমরা এখনও কোনো সিদ্ধান্ত নিইনি।’").to_dict()
    assert 0.0 < d["confidence"] <= 1.0
    assert "basis" not in d
