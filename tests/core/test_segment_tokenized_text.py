"""The tokenized-text fast path's bail-outs agree with the token pattern.

``tokenized_text`` looks for characters outside the BMP only in texts that CPython stores with
four bytes a character, and learns of a combining mark after punctuation from the padding step
(``_fast_tokenized`` gives up, and the lines holding one go to the token pattern).
"""

from __future__ import annotations

import pytest

from newskit import segment

LINES = [
    "डॉ. सिंह ने कहा, “ठीक है।” फिर 1,00,000 रुपये दिए.",
    "দু’টি বই। তিনি বলেন, ‘আমরা যাব’সহ সবাই।",
    "राम ने 2015-2016 में ₹5,000 दिए; (सूत्र) — बीबीसी",
]


def _check(text: str) -> None:
    assert segment.tokenized_text(text) == segment._reference_tokenized_text(text)


@pytest.mark.parametrize(
    "odd",
    [
        "कहा,ि फिर",  # a vowel sign after a comma belongs to it
        "(\u0901) चंद्रबिंदु",
        "“\u200dजोड़”",  # a joiner after a quote
        "सूची: १, २,\u093c ३",
    ],
)
def test_mark_after_punctuation_among_plain_lines(odd: str) -> None:
    _check("\n".join([*LINES, odd, *LINES]) + "\n")
    _check(odd)
    assert segment._fast_tokenized(odd) is None
    assert segment._fast_tokenized("\n".join(LINES)) is not None


@pytest.mark.parametrize("astral", ["हँसी 😀 आई।", "𝐁𝐨𝐥𝐝 शब्द", "a𐌰b, c"])
def test_characters_outside_the_bmp(astral: str) -> None:
    text = "\n".join([*LINES, astral, *LINES])
    _check(text)
    # the same lines without them are stored two bytes a character: no scan, same tokens
    _check("\n".join(LINES))
    assert segment._context_positions(text)  # found by the scan that the size asks for


def test_latin1_and_ascii_texts() -> None:
    _check("plain ascii text, with (brackets) and 1,000.5 numbers.\n")
    _check("café – naïve ½ ² text\n")


@pytest.mark.parametrize(
    "messy",
    [
        "दो  स्पेस, यहाँ।",
        " आगे स्पेस (कोष्ठक)",
        "पीछे स्पेस। ",
        "टैब\tऔर\u00a0एनबीएसपी, “उद्धरण”",
        "\u2009पतला स्पेस\u2009",
        "कैरिज रिटर्न।\r",
        "  ",
        "",
    ],
)
def test_whitespace_cleanup_only_where_needed(messy: str) -> None:
    """Padding adds single spaces; lines with other whitespace are cleaned up alone."""
    _check("\n".join([*LINES, messy, *LINES, messy]))
    _check(messy)
    _check("\n" + messy + "\n")


def test_chunk_cache_keeps_context_dependent_chunks_out() -> None:
    """Cut chunks are cached; a chunk whose tokens depend on the one before is not."""
    text = "बी. सी. राय आए.\nसी. आया. डॉ. राम, कहा-सुनी 1,00,000 ''शब्द''\nके.आर. नारायणन."
    segment._SHAPES.clear()
    first = segment.tokenized_text(text)
    again = segment.tokenized_text(text)  # now from the cache
    assert first == again == segment._reference_tokenized_text(text)
    assert "सी." not in segment._SHAPES  # needs the token pattern and its left context
    assert segment._SHAPES["आए."] == "आए ."


@pytest.mark.parametrize(
    "line",
    [
        "।शुरू में दंड, और अंत में।",
        "कहा।”फिर “क्या?”।(देखें),,और 1,00,000, 1,। ,2 a,b ।, ।।",
        "१,२५०.५ रुपये,১,০০০ টাকা, ২,৩ ও 3,4,5",
        "दंड के बाद मात्रा।ि और अल्पविराम के बाद,ं",
        " । , ",
    ],
)
def test_danda_and_comma_padded_in_bulk(line: str) -> None:
    """The danda and the comma are spaced out with re.sub before the callback: same tokens."""
    _check(line)
    _check("\n".join([*LINES, line, *LINES]))


def test_closing_apostrophe_fixed_in_its_lines_only() -> None:
    """‘…’ with a clitic (``’সহ``) is split; elsewhere ``দু’টি`` stays; URL lines too."""
    quoted = "তিনি বলেন, ‘আমরা যাব’সহ সবাই দু’টি বই নিল। ‘ফের’ এল।"
    lines = [
        *LINES,
        quoted,
        "দু’টি বই, কোনো উদ্ধৃতি নেই।",
        "‘খোলা উদ্ধৃতি, দু’টি আর বন্ধ নয়",
        f"দেখুন https://example.com/a ‘লিংক’সহ {quoted}",
        "\r",
        quoted + "\r",
    ]
    _check("\n".join(lines))
    _check("\n".join(reversed(lines)))
    assert "যাব ’ সহ" in segment.tokenized_text(quoted)


def test_a_url_stops_at_any_whitespace() -> None:
    # str.isspace counts U+001C..U+001F as whitespace, regex's \s does not: a URL used to run on
    # through them, making a token that holds whitespace
    for space in ("\x1c", "\x1f", " ", "\u2003"):
        toks = [t.text for t in segment.tokenize(f"देखें http://a.in/x{space}y.z, अब")]
        assert toks[:3] == ["देखें", "http://a.in/x", "y"]
        assert not any(c.isspace() for t in toks for c in t)
    assert segment.tokenized_text("http://a.in/x\x1cy") == "http://a.in/x y"
