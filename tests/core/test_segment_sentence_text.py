"""The sentence-text fast path behind ``newskit sentences`` and ``split_sentences`` agrees with
the general code (``segment._sentence_bounds``, one terminator at a time) and the per-line
path (``segment._general_columns``).

``segment.sentence_lines`` marks the common certain sentence ends ("। " before a word) in C and
sends only the units holding other terminators through the per-line code; these tests check it
against the reference on realistic text built to hit the marks, the cases where a mark
must not be made, and the fallbacks (general-path lines, NUL in the text).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_segment_properties import PIECES, SEPARATORS

from newskit import segment
from newskit.formats import segmentation as render
from newskit.scripts import PIECE
from samples import ROOT

SAMPLES = sorted((ROOT / "corpus").glob("*/*.txt"))


def _expected(text: str) -> str:
    # the general code, one terminator at a time: the reference of every faster path
    return "\n".join(text[a:b] for a, b in segment._sentence_bounds(text))


# Pieces around the marks: dandas glued or spaced, closers, short pieces, dots of every kind.
MARK_PIECES = [
    "कहा।",
    "है।",
    "ने",
    "उन्होंने",
    "রহমান।",
    "১৯৬৭",
    "है.",
    "कहा.",
    "है.सईद",
    "गया. ",
    "प्रो.",
    "।”",
    '।"',
    "।’",
    ".”",
    ".(",
    "?”",
    "।।",
    "क।",
    "ab।",
    "डॉ.",
    "Mr.",
    "1.5",
    "...",
    "।-",
    "इंदौर।लुटेरी",
    "पाऊं.''ओलंपिक",
    '।"राम',
    "कहा.'",
    "''",
    "।लुटेरी",
    '।" ',
    "।’ ",
    "“",
    "‘",
    "(",
    "-",
]
dense = st.lists(
    st.tuples(
        st.sampled_from(PIECES + MARK_PIECES * 3),
        st.sampled_from([*SEPARATORS, " ", " ", ""]),
    ),
    min_size=0,
    max_size=50,
).map(lambda pairs: "".join(p + s for p, s in pairs))


@settings(max_examples=500, deadline=None)
@given(dense)
def test_sentence_text_is_split_sentences(text: str) -> None:
    assert segment.sentence_lines(text) == _expected(text)
    # split_sentences takes its texts from it and finds their offsets in the text
    cols = segment._sentence_columns(text)
    assert cols == segment._general_columns(text)
    assert list(zip(cols[1], cols[2], strict=True)) == segment._sentence_bounds(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="कखा है।?!.\"'”’( \n\t\xa0১", max_size=80))
def test_sentence_text_on_terminator_soup(text: str) -> None:
    assert segment.sentence_lines(text) == _expected(text)
    cols = segment._sentence_columns(text)
    assert cols == segment._general_columns(text)
    assert list(zip(cols[1], cols[2], strict=True)) == segment._sentence_bounds(text)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # certain marks: cut in C
        ("राम घर गया। वह सो गया। फिर उठा।", ["राम घर गया।", "वह सो गया।", "फिर उठा।"]),
        ("वह आया। “हाँ,” उसने कहा।", ["वह आया।", "“हाँ,” उसने कहा।"]),
        # a short piece before or after the danda: the per-line code decides (stray marks)
        ("राम आया। ! ! फिर गया।", ["राम आया। ! !", "फिर गया।"]),
        ("वह आया। ठीक", ["वह आया।", "ठीक"]),
        # other terminators inside a unit: the per-line code cuts it
        ("डॉ. सिंह ने कहा. फिर वे गए। सब ठीक है।", ["डॉ. सिंह ने कहा.", "फिर वे गए।", "सब ठीक है।"]),
        ("दाम 1.5 प्रतिशत बढ़ा... फिर घटा। अब स्थिर है।", None),
        ("उसने पूछा, “क्या?” और चला गया। कल लौटेगा।", None),
        ('वह बोला। "चलो।" सब गए।', None),
        ("कहा।सईद ने भी कहा। सब चुप।", None),
        # datelines glued to the next word, and closing quotes after a danda: marked in C too
        (
            "नईदुनिया प्रतिनिधि, इंदौर।लुटेरी दुल्हन पकड़ी गई।",
            ["नईदुनिया प्रतिनिधि, इंदौर।", "लुटेरी दुल्हन पकड़ी गई।"],
        ),
        ('उसने कहा, "सब ठीक है।" राम चुप रहा।', ['उसने कहा, "सब ठीक है।"', "राम चुप रहा।"]),
        ("उसने कहा, ‘सब ठीक है।’ राम गया। इंदौर।क", None),
        ('भोपाल।म.प्र. में "कहा।"राम गया। क।ख ग।"', None),
        # a straight quote glued to the next word: closing or opening by the count before it
        ("उन्होंने कहा, ''मैं शायद घर नहीं आ पाऊं.''ओलंपिक चैंपियन ने कहा.", None),
        ("यह बात है.''ओलंपिक में ''कौन जीता.''पता नहीं.", None),
        # a closing mark between two terminators: the general path cuts after the mark
        ("क?'.?? राम गया। ।”.”।” फिर", None),
        ('वह गया."राम आया." फिर "सब ठीक है."क्या?', None),
        # lines: stripped, blank lines dropped, \r\n
        ("  एक।  दो?\r\n\n  तीन  \n", ["एक।", "दो?", "तीन"]),
        ("", []),
        (" \n\t\n", []),
        # general-path lines (URLs, addresses, apostrophe years) among plain ones
        ("देखें www.bbc.com/hindi पर। फिर पढ़ें।\nराम आया। श्याम गया।", None),
        ("’৭১ সালে যুদ্ধ হয়। দেশ স্বাধীন হয়।\nসে এল। সে গেল।", None),
        # BBC Hindi full stops, spaced and glued; abbreviations, initials and short words not
        ("वह आया है. सईद ने कहा है.सईद फिर बोले. डॉ. राम आए.", None),
        ("यह है.वह. फिर कहा है.”बात खत्म. प्रो. सिंह, के. आर. नारायणन आए.", None),
        ("वो कौन है.(बीबीसी हिन्दी) ठीक. अब है. और.. क. ख", None),
        ("पर वह गया.सईद.राम ने कहा. हाँ", None),
        # NUL in the text: the marks cannot be used, the general code runs
        ("राम\x00 आया। श्याम गया।", None),
    ],
)
def test_sentence_text_cases(text: str, sentences: list[str] | None) -> None:
    got = segment.sentence_lines(text)
    assert got == _expected(text)
    if sentences is not None:
        assert (got.split("\n") if got else []) == sentences


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sentence_text_on_sample_articles(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert segment.sentence_lines(text) == _expected(text)
    lines = text.split("\n")
    for i in range(len(lines)):  # every line alone, and with its neighbour
        chunk = "\n".join(lines[i : i + 2])
        assert segment.sentence_lines(chunk) == _expected(chunk)


def test_sentence_text_of_a_long_text_is_that_of_its_lines() -> None:
    # Texts over 2 * PIECE characters are cut in pieces of whole lines (to stay in the CPU
    # cache); sentences never cross a line, so the result is that of every line alone.
    lines = [
        "नईदुनिया प्रतिनिधि, इंदौर।लुटेरी दुल्हन पकड़ी गई। वह भाग गई थी।",
        'उसने कहा, "सब ठीक है।" राम चुप रहा. डॉ. सिंह आए.',
        "  ",
        "সে বলল, ‘আমি যাব।’ তারপর চলে গেল। ঠিক?",
    ]
    text = "\n".join(lines * 1500)
    assert len(text) > 2 * PIECE
    assert segment.sentence_lines(text) == "\n".join(
        segment.sentence_lines(line) for line in lines * 1500 if line.strip()
    )
    assert segment.sentence_lines(text) == _expected(text)


def test_render_sentences_text_uses_it() -> None:
    text = "राम आया। श्याम गया।\n\nदेखो.\n"
    assert render(text, "sentences", "text") == "राम आया।\nश्याम गया।\nदेखो.\n"
    assert render(" \n", "sentences", "text") == ""
