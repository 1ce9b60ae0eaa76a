"""Language identification (newskit.langid) on realistic news sentences.

The sentences are written for these tests (the same news item, "the chief minister said on
Monday that the government will soon start a new scheme for farmers", in each language), so
that no corpus text is needed; the scores on real text are in benchmarks/eval_langid.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise

import pytest

import newskit.langid as langid
from newskit.langid import (
    DETECTABLE,
    NO_CLD2_PROBABILITY,
    SAMPLE_CHARS,
    Detection,
    detect,
    detect_lines,
    dominant_script,
    has_cld2,
    sample_of,
    script_counts,
)
from newskit.languages import LANGS

NEWS = {
    "hi": "प्रधानमंत्री ने सोमवार को कहा कि सरकार किसानों की आय दोगुनी करने के लिए नई योजना शुरू करेगी।",
    "mr": "मुख्यमंत्र्यांनी सोमवारी सांगितले की राज्य सरकार शेतकऱ्यांसाठी नवी योजना लवकरच सुरू करणार आहे.",
    "ne": "प्रधानमन्त्रीले सोमबार भने कि सरकारले किसानहरूका लागि नयाँ योजना चाँडै सुरु गर्नेछ।",
    "bn": "প্রধানমন্ত্রী সোমবার বলেছেন যে সরকার কৃষকদের জন্য শিগগিরই একটি নতুন প্রকল্প চালু করবে।",
    "as": "মুখ্যমন্ত্ৰীয়ে সোমবাৰে ক'লে যে চৰকাৰে কৃষকসকলৰ বাবে সোনকালে এখন নতুন আঁচনি আৰম্ভ কৰিব।",
    "en": "The prime minister said on Monday that the government would soon start a new scheme"
    " for farmers.",
    "ur": "وزیر اعظم نے پیر کو کہا کہ حکومت جلد ہی کسانوں کے لیے ایک نئی اسکیم شروع کرے گی۔",
    "sa": "राजा प्रजानां हिताय सर्वदा प्रयत्नं करोति इति मन्त्री अवदत्। सः धर्मेण राज्यं पालयति।",
    "mai": "मुख्यमंत्री सोमदिन कहलनि जे सरकार किसान सभक लेल नव योजना शीघ्र शुरू करत। ओ कहलनि जे"
    " ई काज एहि साल पूरा भ जाएत।",
    "bho": "मुख्यमंत्री सोमार के कहलें कि सरकार किसानन खातिर नया योजना जल्दिए शुरू करी। ऊ कहलें कि"
    " ई काम एह साल पूरा हो जाई।",
}


@pytest.mark.parametrize("lang", sorted(NEWS))
def test_news_sentence_in_each_language(lang: str) -> None:
    found = detect(NEWS[lang])
    assert found.lang == lang
    assert 0.5 <= found.probability <= 1.0


def test_detection_unpacks_as_code_and_probability() -> None:
    code, probability = detect(NEWS["ne"])
    assert (code, probability) == tuple(detect(NEWS["ne"]))
    assert isinstance(detect(NEWS["ne"]), Detection)


def test_every_answer_is_a_known_code() -> None:
    assert set(DETECTABLE) <= set(LANGS)
    assert "kok" not in DETECTABLE  # named with --lang only: no model tells it apart


def test_assamese_letters_decide_against_bengali() -> None:
    # The same short clause with and without ৰ: CLD2 alone takes both for Bengali.
    assert detect("বাংলাদেশৰ ঢাকাত এই সময়ত ডাঙৰ মেলা বহে।").lang == "as"
    assert detect("বাংলাদেশের ঢাকায় এই সময়ে বড় মেলা বসে।").lang == "bn"


def test_one_assamese_name_does_not_make_a_bengali_document_assamese() -> None:
    text = (NEWS["bn"] + " ") * 6 + "অসমৰ মুখ্যমন্ত্ৰী।"
    assert detect(text, sample=None).lang == "bn"


def test_nothing_to_go_on_is_und() -> None:
    assert detect("") == Detection("und", 0.0)
    assert detect("2024 - 25 । ১২৩").lang == "und"


def test_other_languages_are_und() -> None:
    # Spanish and Tamil news sentences: newskit has no rules for them.
    assert detect("El presidente dijo el lunes que el gobierno pronto lanzará un plan.").lang == (
        "und"
    )
    assert detect("முதலமைச்சர் திங்கள்கிழமை புதிய திட்டத்தை அறிவித்தார்.").lang == "und"


def test_latin_names_inside_a_devanagari_sentence() -> None:
    # Nepali with TV channel names: more Latin letters than Devanagari ones.
    text = "कम्पनीले CBS, ABC, NBC, CNN, Fox News Channel र MSNBC का दर्शकहरूको औसत गणना गरेको थियो।"
    assert dominant_script(text) == "Deva"
    assert detect(text).lang == "ne"


def test_invalid_text_does_not_raise() -> None:
    # a lone surrogate (bad input decoded with surrogateescape) makes CLD2 refuse the text
    assert detect("\udcff " + NEWS["hi"]).lang == "hi"


def test_document_sample() -> None:
    long = (NEWS["mr"] + " ") * 40
    sample = sample_of(long)
    assert len(sample) <= SAMPLE_CHARS and long.startswith(sample)
    assert sample_of(long, None) == long
    assert detect(long).lang == detect(long, sample=None).lang == "mr"


def test_script_counts() -> None:
    assert script_counts("नमस्ते, দেশ 2024 ok") == {"Deva": 6, "Beng": 3, "Latn": 2, "Arab": 0}
    assert script_counts("१२३ ১২৩ ।") == {"Deva": 0, "Beng": 0, "Latn": 0, "Arab": 0}
    assert dominant_script("...") is None


def test_lines_of_a_mixed_document() -> None:
    doc = "\n".join([NEWS["hi"], NEWS["hi"], "(एपी)", NEWS["en"], NEWS["en"], NEWS["hi"]])
    runs = detect_lines(doc)
    assert [r.lang for r in runs] == ["hi", "en", "hi"]
    # every character is in exactly one run, in order
    assert runs[0].start == 0 and runs[-1].end == len(doc)
    assert all(a.end == b.start for a, b in pairwise(runs))
    # the short dateline line takes the document's language
    assert doc[runs[0].start : runs[0].end].endswith("(एपी)\n")


def test_detector_is_imported_lazily() -> None:
    code = (
        "import sys, newskit.langid, newskit.languages, newskit.segment, newskit.normalization;"
        "print('pycld2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture
def without_cld2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As on a machine where pycld2 has no wheel: ``import pycld2`` fails."""
    monkeypatch.setitem(sys.modules, "pycld2", None)  # (None in sys.modules: ImportError)
    langid._cld2.cache_clear()
    yield
    monkeypatch.undo()
    langid._cld2.cache_clear()


def test_without_cld2_scripts_letters_and_marker_words_still_answer(without_cld2: None) -> None:
    assert not has_cld2()
    for lang in ("hi", "mr", "ne", "bn", "mai", "bho"):
        found = detect(NEWS[lang])
        assert found.lang == lang
        assert found.probability <= NO_CLD2_PROBABILITY  # less sure than with CLD2
    assert detect(NEWS["as"]) == Detection("as", 0.99)  # the letters decide, as with CLD2
    assert detect(NEWS["en"]).lang == "en" and detect(NEWS["ur"]).lang == "ur"
    assert detect(NEWS["en"]).probability < 0.5
    assert detect(NEWS["sa"]).lang == "hi"  # (no marker words for Sanskrit)
    assert detect("१२३ ...") == Detection("und", 0.0)


def test_without_cld2_marathi_is_told_by_its_letter_and_suffixes(without_cld2: None) -> None:
    # no Marathi marker word here: ळ and the -च्या/-णार suffixes decide
    assert detect("पुण्याच्या नागरिकांना पाणी मिळणार").lang == "mr"
    assert detect("पावसामुळे शाळा बंद").lang == "mr"  # (ळ alone)
    assert detect("सरकारले आगामी वर्षको बजेट सार्वजनिक गरेको").lang == "ne"


def test_with_cld2_installed_it_is_used() -> None:
    assert has_cld2()
    assert detect(NEWS["mr"]).probability > NO_CLD2_PROBABILITY
