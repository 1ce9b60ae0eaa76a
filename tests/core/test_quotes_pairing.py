"""Quotation marks as news sites really type them: mismatched, mistyped, nested, unclosed.

The excerpts are written for these tests in the style of the Hindi and Bengali sites in the
team's corpus (BBC Hindi, Naidunia, bdnews24, BBC Bangla, Banglanews24): the same typing
slips occur there (a ‘ closed by a straight ', a “ closed by ’, a ‘ typed twice, a closing
' glued to the next word, a closing mark lost before a paragraph ends).
"""

from __future__ import annotations

from newskit.quotes import Quote, extract_quotes


def _quotes(text: str) -> list[Quote]:
    got = extract_quotes(text)
    for q in got:  # offsets always refer to the raw input
        assert text[q.start : q.end] == q.text
        assert text[q.start - len(q.open_mark) : q.start] == q.open_mark
        if q.closed:
            assert text[q.end : q.end + len(q.close_mark or "")] == q.close_mark
    return got


def test_curly_opener_closed_by_a_straight_mark() -> None:
    text = "প্রধানমন্ত্রী বলেন, ‘আমরা সবাই মিলে দেশটাকে এগিয়ে নিয়ে যাব'। এরপর তিনি মঞ্চ ছাড়েন।"
    (q,) = _quotes(text)
    assert q.text == "আমরা সবাই মিলে দেশটাকে এগিয়ে নিয়ে যাব"
    assert (q.open_mark, q.close_mark) == ("‘", "'")
    assert q.kind == "speech"
    assert q.speaker is not None and q.speaker.text == "প্রধানমন্ত্রী"


def test_double_opener_closed_by_a_single_closer() -> None:
    text = "अधिकारी ने कहा, “हम जांच पूरी होने तक कोई टिप्पणी नहीं करेंगे’. बैठक दोपहर तक चली."
    (q,) = _quotes(text)
    assert q.text == "हम जांच पूरी होने तक कोई टिप्पणी नहीं करेंगे"
    assert q.closed and q.close_mark == "’"
    assert q.kind == "speech"


def test_opening_mark_typed_again_as_the_closer() -> None:
    text = "মন্ত্রী বলেন, ‘উন্নয়নের কাজ থেমে থাকবে না‘। সভায় আরও অনেকে উপস্থিত ছিলেন।"
    (q,) = _quotes(text)
    assert q.text == "উন্নয়নের কাজ থেমে থাকবে না"
    assert q.closed
    assert "সভায়" not in q.text


def test_closing_straight_mark_glued_to_the_next_word() -> None:
    """``'…नहीं'ट्रंप``: the space went missing after the closer; the quote still ends there,
    and the comma frame before it keeps it a statement, not a name."""
    text = "उन्होंने कहा, 'अमेरिका के साथ कोई समझौता नहीं'ट्रंप ने इस पर जवाब नहीं दिया."
    (q,) = _quotes(text)
    assert q.text == "अमेरिका के साथ कोई समझौता नहीं"
    assert q.kind == "speech"


def test_glued_short_quote_without_a_frame_is_a_name() -> None:
    text = "सरकार ने 'आत्मनिर्भर भारत'अभियान के तहत कई योजनाएं शुरू कीं."
    (q,) = _quotes(text)
    assert q.text == "आत्मनिर्भर भारत"
    assert q.kind == "term"


def test_nested_quote_of_the_same_mark_type() -> None:
    text = "তিনি বলেন, ‘আমরা ‘না’ বলতে শিখেছি, এখন আর কেউ আমাদের থামাতে পারবে না।’"
    outer, inner = _quotes(text)
    assert outer.text == "আমরা ‘না’ বলতে শিখেছি, এখন আর কেউ আমাদের থামাতে পারবে না।"
    assert outer.kind == "speech"
    assert inner.text == "না"
    assert inner.kind == "term"


def test_list_of_titles_is_terms() -> None:
    text = "উৎসবে ‘মাটির ময়না’, ‘আয়নাবাজি’ ও ‘হাওয়া’ ছবিগুলো দেখানো হবে।"
    got = _quotes(text)
    assert [q.text for q in got] == ["মাটির ময়না", "আয়নাবাজি", "হাওয়া"]
    assert {q.kind for q in got} == {"term"}
    assert all(q.speaker is None for q in got)


def test_unclosed_quote_stops_at_its_paragraph_end() -> None:
    """A lost closer must not swallow the next paragraph, which starts fresh."""
    text = "সভাপতি বলেন, “আমরা আগামী মাসে নির্বাচন করব।\nঢাকায় আজ বৃষ্টি হয়েছে। আবহাওয়া অধিদপ্তর জানায়, বৃষ্টি চলবে।"
    (q,) = _quotes(text)
    assert q.text == "আমরা আগামী মাসে নির্বাচন করব।"
    assert not q.closed and q.close_mark is None
    assert q.speaker is not None and q.speaker.text == "সভাপতি"


def test_lost_closer_does_not_pair_with_a_later_quote() -> None:
    """The next paragraph's own quote keeps its own marks and speaker."""
    text = (
        "মন্ত্রী বলেন, “আমরা কাজ শুরু করেছি।\n"
        "এদিকে আজ সকালে সংসদ ভবনের সামনে বিক্ষোভ হয়। পুলিশ জানায়, “পরিস্থিতি নিয়ন্ত্রণে আছে।”"
    )
    first, second = _quotes(text)
    assert first.text == "আমরা কাজ শুরু করেছি।" and not first.closed
    assert second.text == "পরিস্থিতি নিয়ন্ত্রণে আছে।" and second.closed
    assert second.speaker is not None and second.speaker.text == "পুলিশ"


def test_unclosed_quote_in_hindi_ends_with_its_paragraph() -> None:
    text = (
        'कलेक्टर आशीष सिंह ने कहा, "अस्पताल में दवाओं की कमी नहीं होने दी जाएगी. हर मरीज का'
        " इलाज होगा.\nबैठक में सभी विभागों के अधिकारी मौजूद थे."
    )
    (q,) = _quotes(text)
    assert q.text.endswith("इलाज होगा.")
    assert "\n" not in q.text and not q.closed


def test_quote_continued_over_paragraphs() -> None:
    """The convention of repeating the opener at each new paragraph, closing only at the end."""
    text = (
        "रमेश शर्मा ने कहा, “पानी की समस्या बहुत पुरानी है.\n"
        "“हमने कई बार नगर निगम को लिखा, लेकिन कोई सुनवाई नहीं हुई.”\n"
        "इसके बाद लोग लौट गए."
    )
    (q,) = _quotes(text)
    assert q.continued and q.closed
    assert q.text.startswith("पानी की समस्या") and q.text.endswith("सुनवाई नहीं हुई.")
    assert q.speaker is not None and q.speaker.text == "रमेश शर्मा"


def test_quote_reopened_after_a_frame_inside_the_sentence() -> None:
    text = (
        "মির্জা ফখরুল বলেন, “নির্বাচন হতেই হবে। জনগণ ভোট দিতে চায়,” তিনি আরও বলেন,"
        " “কোনো ষড়যন্ত্র সফল হবে না।”"
    )
    first, second = _quotes(text)
    assert first.text == "নির্বাচন হতেই হবে। জনগণ ভোট দিতে চায়,"
    assert second.text == "কোনো ষড়যন্ত্র সফল হবে না।"
    assert first.kind == second.kind == "speech"
    assert second.resolved == "মির্জা ফখরুল"


def test_text_without_marks_has_no_quotes() -> None:
    assert extract_quotes("ढाका में आज बारिश हुई. मौसम विभाग ने कहा कि बारिश जारी रहेगी.") == []
