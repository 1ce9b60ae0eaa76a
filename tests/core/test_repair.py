"""newskit.rescue (``newskit repair``): legacy fonts, mojibake, and lines left alone.

Excerpts (a few words each) come from ``../shared/data/repair`` (Bijoy 2000 word pairs of
OpenBangla/poriborton, MIT; KrutiDev vectors of JujuAdams/Scribble, MIT) and from the shared
news (BBC Hindi, MIT per its compilers; banglanews24, MIT), named at each use.
"""

from __future__ import annotations

import unicodedata

import pytest

import newskit
from newskit.rescue import (
    RepairOptions,
    count_broken,
    detect,
    explain,
    repair,
    repair_line,
)
from newskit.rescue._legacy import codec
from newskit.rescue._mojibake import fix_mojibake

# --- legacy fonts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Avwg evsjvq Mvb MvB", "আমি বাংলায় গান গাই"),  # the example
        ("A_©M„aœy", "অর্থগৃধ্নু"),  # poriborton: reph after the cluster, ৃ variant
        ("cO&w³", "পঙ্\u200cক্তি"),  # explicit hasanta: the i-sign goes on the last part
        ("†`ŠivÍ¨", "দৌরাত্ম্য"),  # ে ... ৗ around a conjunct with ya-phala
        ("¯^v¯’¨", "স্বাস্থ্য"),  # half form + subjoined form
        ("Zx¶è", "তীক্ষ্ণ"),  # è is ণ-phala after ক্ষ
        ("evPKèex", "বাচক্নবী"),  # ... and ন-phala after ক
        ("wKš‘ mK‡jB", "কিন্তু সকলেই"),  # SutonnyMJ ‘ (ন্তু), from bijoy-news-sentences
        ("¸i“Zi", "গুরুতর"),  # classic ¸ = গু, i“ = রু
    ],
)
def test_bijoy_words_convert(legacy: str, unicode: str) -> None:
    assert repair(legacy, source="bijoy") == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Hkkjr ljdkj", "भारत सरकार"),  # the example
        ("fLFkr", "स्थित"),  # i-sign before the whole conjunct
        ("/keZ", "धर्म"),  # reph after the syllable
        ("ikfFkZo", "पार्थिव"),  # reph and i-sign on one consonant
        ('o"kksaZ', "वर्षों"),  # reph after ो and anusvara
        ("tqM+rk", "जुड़ता"),  # Scribble: nukta
        ("gEe~---", "हम्म्..."),  # Scribble: ~ virama, - full stop
        ("Q‚Dl BS30", "फॉक्स BS30"),  # Scribble: a Latin code inside the line stays
    ],
)
def test_krutidev_words_convert(legacy: str, unicode: str) -> None:
    assert repair(legacy, source="krutidev") == unicode


def test_auto_detects_whole_sentences() -> None:
    # bijoy-news-sentences / krutidev-news-sentences (dev part)
    bn = "B‡”Q Ki‡j cv_‡ii Avov‡jI jywK‡q _vK‡Z cvi‡e|"
    hi = "gSnjkckn dh vksj ls ikfFkZo iVsy vkSj f'k[kj /kou us dh-"
    assert repair(bn) == "ইচ্ছে করলে পাথরের আড়ালেও লুকিয়ে থাকতে পারবে।"
    assert repair(hi) == "हैदराबाद की ओर से पार्थिव पटेल और शिखर धवन ने की."
    reports = detect(f"{bn}\n{hi}")
    assert [(r.line, r.kind, r.changed) for r in reports] == [
        (1, "bijoy", True),
        (2, "krutidev", True),
    ]
    assert all(r.probability >= RepairOptions().min_confidence for r in reports)


@pytest.mark.parametrize(
    "sentence",
    [
        # banglanews24 and BBC Hindi, one sentence each
        "অস্ট্রেলিয়ার মেয়েদের কাছে পাত্তাই পেল না বাংলাদেশ",
        "জবাবে সফরকারীরা কোনো উইকেট না হারিয়ে ১৩তম ওভারেই জয়ের বন্দরে পৌঁছে যায়।",
        "हैदराबाद की ओर से पार्थिव पटेल और शिखर धवन ने की.",
        "हालांकि थिएटरों के नाटकों में भी कई वर्षों से ऐसे दृश्य मंचन किए जाते हैं",
    ],
)
def test_encoder_round_trips(sentence: str) -> None:
    name = "bijoy" if "\u0980" <= sentence[0] <= "\u09ff" else "krutidev"
    c = codec(name)
    legacy = c.encode(sentence)
    assert legacy != sentence
    assert c.decode(legacy) == unicodedata.normalize("NFC", sentence)


def test_bijoy_encoder_uses_initial_e_kar() -> None:
    # Bijoy 2000 writes ে as † at the start of a word and ‡ inside one
    assert codec("bijoy").encode("কেন দেশে") == "†Kb †`‡k"


# --- mojibake ----------------------------------------------------------------------------


def _broken(text: str, encoding: str) -> str:
    import ftfy.bad_codecs  # noqa: F401

    return text.encode("utf-8").decode(encoding)


def test_mojibake_cp1252_latin1_and_double() -> None:
    s = "नमस्ते दुनिया"
    once = _broken(s, "sloppy-windows-1252")
    assert repair(once) == s
    assert repair(_broken(s, "latin-1")) == s
    twice = once.encode("utf-8").decode("sloppy-windows-1252")
    assert repair(twice) == s


@pytest.mark.parametrize("lost", ["", "?", "\ufffd"])
def test_lossy_mojibake_is_rebuilt_from_the_lexicon(lost: str) -> None:
    # पुलिस and अनुसार lose the third byte of ु (0x81), स्थित that of ् (0x8D)
    s = "पुलिस के अनुसार स्थित"
    once = _broken(s, "sloppy-windows-1252")
    lossy = "".join(lost if ch in "\x81\x8d\x8f\x90\x9d" else ch for ch in once)
    assert lossy != once
    assert fix_mojibake(lossy) == s
    assert repair(lossy) == s


def test_a_legacy_line_is_not_taken_for_mojibake() -> None:
    # poriborton: ণ্ঠ্য looks like the UTF-8 of a Latin letter when read as Windows-1252
    assert repair("KÉ¨", source="bijoy") == "কণ্ঠ্য"
    assert repair("KÉ¨") in ("KÉ¨", "কণ্ঠ্য")  # never the "fix" to K + U+0268


# --- what must not change ------------------------------------------------------------------

CLEAN = [
    "The quick brown fox jumps over the lazy dog.",  # the detector PyPI calls KrutiDev
    "GNU GENERAL PUBLIC LICENSE",
    "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "https://www.bbc.com/hindi/india-12345678?utm_source=twitter",
    "def repair(text: str, source: str = 'auto') -> str:",
    "aap kaise ho, main theek hoon",  # romanized Hindi
    "ami banglay gan gai",  # romanized Bengali
    "BBC के अनुसार NSA ने यह कहा",  # English names inside Hindi (naidunia style)
    "Love Jihad: पहले हिंदू नाम बताकर किया विवाह",
    "BATB AGM NOTICE As per the letter directed by BSEC",  # banglanews24
    "café, naïve, Zürich – 25 °C",  # Latin-1 letters that are not mojibake
    "১২ ডিসেম্বর ‘ঢাকা’ — ২০২৫",
]


@pytest.mark.parametrize("line", CLEAN)
def test_clean_lines_come_back_byte_for_byte(line: str) -> None:
    assert repair(line) == line
    assert not any(r.changed for r in detect(line))


def test_unicode_text_is_returned_as_the_same_object() -> None:
    text = "দেশ — ‘ঢাকা’\nभारत सरकार\n"
    assert repair(text) is text
    assert explain(text) == (text, [])


def test_only_broken_lines_change_and_line_ends_are_kept() -> None:
    text = "first line\r\nAvwg evsjvq\r\n\nकुछ नहीं\nHkkjr ljdkj"
    out = repair(text)
    assert out == "first line\r\nআমি বাংলায়\r\n\nकुछ नहीं\nभारत सरकार"


def test_u0085_inside_mojibake_is_not_a_line_break() -> None:
    # अ is E0 A4 85 in UTF-8: read as Latin-1 it holds U+0085 (NEL), a line break to
    # str.splitlines but not to repair
    s = "अनुसार स्थित"
    broken = _broken(s, "latin-1")
    assert "\x85" in broken
    assert repair(broken + "\nok") == s + "\nok"


def test_explain_reports_changed_lines_with_their_number() -> None:
    text = "clean\nAvwg evsjvq Mvb MvB\nalso clean"
    _, reports = explain(text)
    changed = [r for r in reports if r.changed]
    assert [(r.line, r.kind) for r in changed] == [(2, "bijoy")]
    assert changed[0].runs[0].converted


def test_count_broken_for_stats() -> None:
    text = "Avwg evsjvq Mvb MvB\nHkkjr ljdkj\nà¤¨à¤®à¤¸à¥à¤¤à¥‡\nplain English here\nভারত"
    assert count_broken(text) == {"bijoy": 1, "krutidev": 1, "mojibake": 1}


def test_legacy_phrase_inside_a_unicode_line() -> None:
    line = "তিনি বলেন, Avgiv GLb evsjvq Mvb MvB — এবং চলে যান।"
    new, report = repair_line(line)
    assert new == "তিনি বলেন, আমরা এখন বাংলায় গান গাই — এবং চলে যান।"
    assert report.changed and report.kind == "bijoy"


def test_min_confidence_one_converts_nothing_uncertain() -> None:
    # a two-word run is converted by default, but not when certainty is asked for
    assert repair("Hkkjr ljdkj", min_confidence=1.0) in ("Hkkjr ljdkj", "भारत सरकार")
    assert repair("Hkkjr ljdkj", min_confidence=0.0) == "भारत सरकार"


def test_named_source_leaves_english_alone() -> None:
    assert repair("The quick brown fox", source="bijoy") == "The quick brown fox"
    assert repair("The quick brown fox", source="krutidev") == "The quick brown fox"


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="source"):
        RepairOptions(source="shree-lipi")
    with pytest.raises(ValueError, match="min_confidence"):
        RepairOptions(min_confidence=2)


def test_package_exports_repair() -> None:
    assert newskit.repair("Hkkjr ljdkj") == "भारत सरकार"
    assert newskit.RepairOptions is RepairOptions


# --- phase 2: the fast paths give what the plain ones gave -----------------------------------


#: Bijoy and KrutiDev lines of the sample corpus encoded with newskit's encoder, English, and
#: glyph soup: what the decoder's word memo and the batched normalization must not change
def _legacy_texts() -> list[tuple[str, str]]:
    from samples import BN, HI

    out = []
    for name, path in (("bijoy", BN), ("krutidev", HI)):
        c = codec(name)
        for line in path.read_text("utf-8").split("\n"):
            out.append((name, c.encode(line)))
    glyphs = "".join(sorted(codec("bijoy").decode_table)) + " ‡†©¨¯ª“”‘’\t"
    out += [("bijoy", glyphs[i : i + 40]) for i in range(0, len(glyphs), 7)]
    out += [("krutidev", line) for line in CLEAN]
    return out


def test_decoding_word_by_word_through_the_memo_is_decoding_the_whole_text() -> None:
    for name, text in _legacy_texts():
        c = codec(name)
        c._memo.clear()
        cold = c.decode(text)
        warm = c.decode(text)  # every word from the memo now
        assert cold == warm == c._decode_words(text), text
        words = text.split(" ")
        assert cold == " ".join(c._decode_words(w) for w in words)


def test_the_memo_stays_bounded() -> None:
    from newskit.rescue import _legacy

    c = codec("bijoy")
    c._memo.clear()
    words = " ".join(f"K{n}v" for n in range(_legacy.MEMO_WORDS + 10))  # more than it holds
    assert c.decode(words) == c._decode_words(words)
    assert len(c._memo) <= _legacy.MEMO_WORDS
    assert c.decode("K1v K2v") == "ক১া ক২া"
    assert 0 < len(c._memo) <= _legacy.MEMO_WORDS


def _reference_scores(text: str) -> list[float]:
    """The detector's log-likelihoods computed the plain way: the file read row by row
    (comments only before the header row), one dict per class, trigram by trigram."""
    import math

    from newskit._data import data_text
    from newskit.rescue._detect import CLASSES, SAMPLE, grams

    lines = data_text("legacy", "detector.tsv").split("\n")
    start = lines.index(next(ln for ln in lines if ln.startswith("trigram\t")))
    floors = [int(v) for v in lines[start + 1].split("\t")[1:]]
    tables: list[dict[str, int]] = [{} for _ in CLASSES]
    for line in lines[start + 2 :]:
        if line:
            key, *vals = line.split("\t")
            key = key.replace("\\u0009", "\t").replace("\\u000a", "\n").replace("\\u005c", "\\")
            for table, v in zip(tables, vals, strict=True):
                table[key] = int(v)
    out = []
    for k, table in enumerate(tables):
        if all(v == floors[k] for v in table.values()):
            out.append(-math.inf)  # a class without a table is not scored
        else:
            out.append(-sum(table.get(g, floors[k]) for g in grams(text[:SAMPLE])) / 10)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "Avwg evsjvq Mvb MvB",
        "gSnjkckn dh vksj ls ikfFkZo iVsy vkSj f'k[kj /kou us dh-",
        "# A comment, #hashtag and C# code",  # trigrams that start with # are model rows
        "tab\there, back\\slash",
        "",
        "x" * 300,
    ],
)
def test_packed_scores_are_the_per_class_sums(text: str) -> None:
    from newskit.rescue._detect import scores

    assert scores(text) == _reference_scores(text)


def test_repairing_a_text_is_repairing_each_line() -> None:
    # converted runs are normalized together, joined by newlines: each comes out as alone
    lines = [text for _, text in _legacy_texts()]
    lines += [
        "তিনি বলেন, Avgiv GLb evsjvq Mvb MvB — এবং চলে যান।",
        "Hkkjr ljdkj dk QSlyk |",  # a danda the normalization makes
        "Avwg evsjvq\rMvb MvB",  # a CR inside a line, which the normalization ends lines at
        _broken("दु:ख की बात", "sloppy-windows-1252"),
    ]
    text = "\n".join(lines)
    assert repair(text) == "\n".join(repair(line) for line in lines)
    assert explain(text)[0] == repair(text)
    # (the normalization makes a CR a line break, as it did run by run)
    assert repair("x\nAvwg evsjvq\rMvb MvB\ny") == "x\nআমি বাংলায়\nগান গাই\ny"


def test_count_broken_counts_what_explain_changes() -> None:
    text = "\n".join(t for _, t in _legacy_texts()) + "\n" + _broken("नमस्ते", "latin-1")
    reports = detect(text)
    expected: dict[str, int] = {}
    for r in reports:
        if r.changed:
            expected[r.kind] = expected.get(r.kind, 0) + 1
    assert count_broken(text) == expected
    assert expected["mojibake"] == 1 and expected["bijoy"] > 10 and expected["krutidev"] > 10


def test_options_keep_their_source_unless_one_is_given() -> None:
    krutidev = RepairOptions(source="krutidev")
    assert repair("Avwg evsjvq Mvb MvB", options=krutidev) != "আমি বাংলায় গান গাই"
    assert repair("Avwg evsjvq Mvb MvB", "bijoy", options=krutidev) == "আমি বাংলায় গান গাই"
    assert repair("Hkkjr ljdkj", options=krutidev) == "भारत सरकार"


# --- phase 2: lossy mojibake -----------------------------------------------------------------


def _lossy(text: str, lost: str) -> str:
    once = _broken(text, "sloppy-windows-1252")
    out = "".join(lost if ch in "\x81\x8d\x8f\x90\x9d" else ch for ch in once)
    assert out != once
    return out


@pytest.mark.parametrize("lost", ["", "?", "\ufffd"])
def test_lossy_word_with_a_danda_is_looked_up_without_it(lost: str) -> None:
    # banglanews24 style: the danda sticks to the word; সুযোগ is in the lexicon, স্যোগ is not
    from newskit.rescue._mojibake import _lexicon, _score

    lexicon, grams = _lexicon()
    assert "সুযোগ" in lexicon
    assert _score("সুযোগ।", lexicon, grams) == _score("সুযোগ", lexicon, grams) > 1000
    s = "এটাই ছিল শেষ সুযোগ।"
    assert repair(_lossy(s, lost)) == s


@pytest.mark.parametrize("lost", ["", "?", "\ufffd"])
@pytest.mark.parametrize(
    "s",
    [
        "দেশ ছাড়ার হুমকিতে তিনি",  # হুমকি + তে (bdnewspaperscraper)
        "তাঁর অনুবাদই পড়েছি",  # অনুবাদ + ই (banglanews24)
    ],
)
def test_lossy_word_with_an_ending_is_scored_by_its_stem(s: str, lost: str) -> None:
    # only the stem is in the lexicon; the letter pairs alone pick ্ for ু
    assert repair(_lossy(s, lost)) == s


def test_lossy_word_of_many_lost_bytes_is_rebuilt() -> None:
    # BBC Hindi: एक्सएचटीएमएल (XHTML) loses five bytes (three ए, two ्); more than the
    # combinations tried at once, it used to leave the whole line broken
    from newskit.rescue._mojibake import _MAX_SLOTS

    assert _lossy("एक्सएचटीएमएल", "\ufffd").count("\ufffd") > _MAX_SLOTS
    s = "टेक्स्ट, एक्सएचटीएमएल जैसे कई फ़ॉर्मेट"
    assert repair(_lossy(s, "\ufffd")) == s


def test_rescue_is_a_pure_core() -> None:
    import ast

    from samples import ROOT

    forbidden = ("newskit.io", "newskit.parallel", "newskit.pipeline", "newskit.cli", "rich")
    for path in (ROOT / "src" / "newskit" / "rescue").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module] if isinstance(node, ast.ImportFrom) else []
                names += [a.name for a in node.names]
                assert not any(str(n).startswith(forbidden) for n in names), (path, names)
