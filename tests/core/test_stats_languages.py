"""Statistics per language: detection per document, each language's rules and stopwords,
script health, and exact merges (newskit.stats with newskit.langid).

The news text is ``tests/cases/languages-news.txt``: short articles written for these tests in
Hindi, Marathi (two), Nepali, Bengali and Assamese, one per blank-line-separated block.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

import newskit.stats as stats_module
import reference as ref
from newskit.langid import detect
from newskit.segment import segmentation_rules, split_sentences
from newskit.stats import CorpusStats, document_stats, stopwords, text_stats
from samples import CASES

DOCS = (CASES / "languages-news.txt").read_text("utf-8").split("\n\n")
BY_LANG = {
    lang: [d for d in DOCS if detect(d).lang == lang] for lang in ("hi", "mr", "ne", "bn", "as")
}


def test_the_test_articles_are_in_the_languages_they_claim() -> None:
    assert [detect(d).lang for d in DOCS] == ["hi", "mr", "ne", "bn", "as", "mr"]


def test_each_document_counts_under_its_detected_language() -> None:
    st = text_stats("\n\n".join(DOCS), doc_sep="blank")
    assert st.document_langs == Counter({"mr": 2, "hi": 1, "ne": 1, "bn": 1, "as": 1})
    assert st.document_scripts == Counter({"Deva": 4, "Beng": 2})
    assert st.lang() == "mixed"  # no language has four fifths of the documents
    assert st.lang_script_mismatches == Counter()
    # CLD2 is sure of every one of these articles
    assert 0.9 <= st.lang_probability() <= 1.0
    assert st.summary()["lang_probability"] == st.lang_probability()


def test_a_row_takes_the_language_of_four_fifths_of_its_documents() -> None:
    mr = text_stats("\n\n".join(BY_LANG["mr"] * 4 + BY_LANG["hi"]), doc_sep="blank")
    assert mr.document_langs == Counter({"mr": 8, "hi": 1})
    assert mr.lang() == "mr"
    assert text_stats("\n\n".join(BY_LANG["mr"] + BY_LANG["hi"]), doc_sep="blank").lang() == (
        "mixed"
    )
    assert CorpusStats().lang() == "und"
    assert text_stats("१२३ ...").lang() == "und"  # nothing to tell a language by


def test_a_given_language_is_certain_and_not_detected() -> None:
    st = document_stats(BY_LANG["ne"][0], lang="hi")
    assert st.document_langs == Counter({"hi": 1})
    assert st.lang_probability() == 1.0


def test_marathi_top_words_leave_out_marathi_stopwords() -> None:
    st = text_stats("\n\n".join(BY_LANG["mr"]), doc_sep="blank")
    counts = st.word_counts
    # the commonest Marathi words are function words (the complaint: with the Hindi
    # list they topped the "stopwords excluded" list)
    assert counts["आहे"] >= 5 and counts["आणि"] >= 4
    top = [w for w, _ in st.report(top=10)["lexicon"]["top_words"]]
    assert "आहे" not in top and "आणि" not in top
    assert "पुढील" in top
    kept = [w for w, _ in st.report(top=3, keep_stopwords=True)["lexicon"]["top_words"]]
    assert kept[0] == "आहे"
    assert st.top_words(10) == st.report(top=10)["lexicon"]["top_words"]


def test_stopwords_per_language_and_their_fallbacks() -> None:
    assert "आहे" in stopwords("mr") and "आहे" not in stopwords("hi")
    assert "और" in stopwords("hi") and "और" not in stopwords("mr")
    assert "छ" in stopwords("ne")
    assert stopwords("mai") == stopwords("hi")  # Maithili borrows Hindi's list
    assert stopwords("kok") == stopwords("mr")  # Konkani Marathi's
    # the default list of the other script stays (a Marathi article may quote Bengali)
    assert "এবং" in stopwords("mr") and "और" in stopwords("as")
    assert stopwords() == stopwords("hi") == stopwords("bn") == stopwords("en")


def test_the_total_leaves_out_the_stopwords_of_every_language_present() -> None:
    st = text_stats("\n\n".join(DOCS), doc_sep="blank")
    assert st.stopword_set() == frozenset().union(*map(stopwords, ("hi", "mr", "ne", "bn", "as")))
    top = [w for w, _ in st.report(top=30)["lexicon"]["top_words"]]
    assert not set(top) & {"आहे", "आणि", "छ", "र", "আৰু", "এই", "के", "की"}


def test_sentences_and_tokens_follow_the_documents_language() -> None:
    doc = BY_LANG["mr"][0]
    as_mr = document_stats(doc, lang="mr", quotes=False)
    as_hi = document_stats(doc, lang="hi", quotes=False)
    # "प्रा. सौ. कुलकर्णी": Marathi abbreviations, not sentence ends; "सौ." one token
    assert as_mr.sentences == len(split_sentences(doc, "mr")) < as_hi.sentences
    assert as_hi.sentences == len(split_sentences(doc))
    assert as_mr.tokens == as_hi.tokens - 1
    # detected: Marathi's rules
    found = detect(doc)
    assert document_stats(doc, quotes=False) == document_stats(
        doc, lang="mr", lang_probability=found.probability, quotes=False
    )


def test_piece_caches_are_kept_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same pieces ("सौ.") tokenize differently under Hindi's and Marathi's lists: one
    # language's cached tokens must never serve the other.
    monkeypatch.setattr(stats_module, "_piece_info", stats_module._piece_info.__wrapped__)
    doc = BY_LANG["mr"][0]
    cold_mr = document_stats(doc, lang="mr", quotes=False)
    cold_hi = document_stats(doc, lang="hi", quotes=False)
    monkeypatch.undo()
    stats_module._piece_info.cache_clear()
    warm = [document_stats(doc, lang=x, quotes=False) for x in ("hi", "mr", "hi", "mr")]
    assert warm == [cold_hi, cold_mr, cold_hi, cold_mr]


def test_documents_not_in_their_languages_script() -> None:
    bn = BY_LANG["bn"][0]
    st = document_stats(bn, lang="hi")
    assert st.lang_script_mismatches == Counter({"hi in Beng": 1})
    scripts = st.report()["scripts"]
    assert scripts["lang_script_mismatch"] == 1
    assert scripts["lang_script_mismatches"] == {"hi in Beng": 1}
    assert scripts["document_scripts"] == {"Beng": 1}
    # a Devanagari language on Latin text, and Urdu on Devanagari text
    assert document_stats("The minister said on Monday.", lang="mr").lang_script_mismatches
    assert document_stats(BY_LANG["hi"][0], lang="ur").lang_script_mismatches == Counter(
        {"ur in Deva": 1}
    )
    # und and text without letters agree with everything
    assert not document_stats(bn, lang="und").lang_script_mismatches
    assert not document_stats("१२३ ४५६", lang="hi").lang_script_mismatches


def test_the_script_of_a_document_with_latin_names() -> None:
    # Hindi news names companies in Latin letters: a fifth of Devanagari letters wins.
    text = "कंपनी ने CBS, ABC, NBC, CNN, Fox News Channel और MSNBC के दर्शकों की गिनती की।"
    st = document_stats(text, lang="hi")
    assert st.document_scripts == Counter({"Deva": 1}) and not st.lang_script_mismatches
    urdu = "وزیر اعظم نے پیر کو کہا کہ حکومت جلد ہی کسانوں کے لیے ایک نئی اسکیم شروع کرے گی۔"
    assert document_stats(urdu).document_scripts == Counter({"Arab": 1})
    tamil = "முதலமைச்சர் திங்கள்கிழமை புதிய திட்டத்தை அறிவித்தார்."
    st = document_stats(tamil)
    assert st.document_scripts == Counter({"other": 1}) and st.document_langs == Counter({"und": 1})
    assert st.report()["scripts"]["undetermined_documents"] == 1


def test_language_figures_merge_exactly_in_any_grouping() -> None:
    parts = [document_stats(d) for d in DOCS]
    whole = CorpusStats()
    for d in DOCS:
        document_stats(d, into=whole)
    assert sum(parts) == whole == sum(reversed(parts))
    assert parts[1] + parts[5] + parts[0] == parts[0] + (parts[5] + parts[1])
    # probabilities are integers (hundredths): no float rounding depends on the order
    assert isinstance(whole.lang_probability_hundredths, int)
    assert whole.lang_probability_hundredths == sum(p.lang_probability_hundredths for p in parts)


MARATHI_TRICKY = (
    "सौ. सुनीता पाटील आणि प्रा. डॉ. कुलकर्णी यांनी इ.स. २०२४ मध्ये भेट दिली. ते म्हणाले.\n"
    '"हे काम कधी होणार?" त्यांनी विचारले. श्री. देशमुख यु.एस. येथे आहेत.\n'
    "‘सौ.’ आणि ‘श्री.’ हे शब्द; के.आर. नारायणन म्हणाले, ‘ठीक आहे’.\n"
)


@pytest.mark.parametrize("text", [MARATHI_TRICKY, *BY_LANG["mr"], *BY_LANG["ne"], *BY_LANG["as"]])
def test_token_fast_path_equals_the_reference_under_a_languages_rules(text: str) -> None:
    # the piece cache and the whole-sentence path tokenize by the language's lists, as the
    # reference (token offsets of the whole text) does
    rules = segmentation_rules(detect(text).lang)
    assert rules in ("mr", "ne", "as")
    split = functools.partial(split_sentences, lang=rules)
    got = []
    for add in (stats_module._add_tokens_and_sentences, ref.add_tokens_and_sentences):
        st = CorpusStats()
        mattr = stats_module._MattrWindow(stats_module.MATTR_WINDOW)
        seen: set[int] = set()
        add(st, text, split, mattr, seen, rules)
        got.append((st, mattr.sums(), seen))
    assert got[0] == got[1]
