"""Properties of extract_quotes on arbitrary text: it never raises, offsets are exact, quotes
stay inside their paragraph unless continued, and unclosed quotes end at a paragraph end."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit.quotes import KINDS, extract_quotes

# Pieces that exercise every rule: Hindi/Bengali words, cues, pronouns, every quote mark,
# apostrophes between letters, terminators, joiners and paragraph breaks.
PIECES = [
    "पुतिन", "ने", "कहा", "कि", "उन्होंने", "कहते हैं", "के मुताबिक़", "का कहना है", "फ़िल्म",
    "তিনি", "বলেন", "বলে", "জানান", "ভাষায়", "দু’টি", "বিজিবি’র", "মি.", "ছবি",
    "“", "”", "‘", "’", '"', "'", "''", "„", "«", "»",
    " ", " ", " ", ", ", "।", ".", "?", "\n", "\n\n", "\u200c", "\u200d", "-", "don't", "12\"",
]  # fmt: skip

texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
MARKS = "“”‘’\"'„«»"
CUES = ("कहा", "कहते हैं", "के मुताबिक़", "का कहना है", "বলেন", "জানান", "ভাষায়")


@settings(max_examples=400, deadline=None)
@given(texts)
def test_offsets_exact_and_well_formed(text: str) -> None:
    quotes = extract_quotes(text)
    previous_start = -1
    for q in quotes:
        assert text[q.start : q.end] == q.text
        assert q.text.strip()
        assert q.start >= previous_start  # in document order
        previous_start = q.start
        assert text[: q.start].endswith(q.open_mark)
        assert q.kind in KINDS
        assert 0.0 < q.confidence <= 1.0
        assert q.line == text.count("\n", 0, q.start - len(q.open_mark)) + 1
        if q.closed:
            assert text[q.end :].startswith(q.close_mark or "\0")
        else:
            assert q.close_mark is None
            # an unclosed quote runs to the end of its paragraph (trailing spaces excluded),
            # or stops earlier only where the paragraph visibly starts afresh: another
            # quotation mark follows (a reopened quote, a title list) or a reporting cue does
            # (``… হবে। তিনি বলেন, …``), or, opened inside another quote, where that one closes
            rest = text[q.end :].split("\n", 1)[0]
            assert (
                rest.strip() == ""
                or any(m in rest for m in MARKS)
                or any(c in rest for c in CUES)
                or any(
                    o.closed
                    and o.start < q.start <= q.end <= o.end
                    and not text[q.end : o.end].strip()
                    for o in quotes
                )
            )
        if not q.continued:
            assert "\n" not in q.text
        for span in (q.speaker, q.cue):
            if span is not None:
                assert text[span.start : span.end] == span.text
                # the speaker and cue are never inside the quote itself
                assert span.end <= q.start - len(q.open_mark) or span.start >= q.end


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_a_blank_line_isolates_the_next_paragraph(a: str, b: str) -> None:
    """Quotes never run from one paragraph into the next unless it opens with the same mark:
    the spans found in *b* are the same alone and after *a* and a blank line."""
    if b.lstrip()[:1] in "“”‘’\"'„«»":
        b = "x " + b
    offset = len(a) + 2
    alone = [(q.start, q.end, q.closed) for q in extract_quotes(b)]
    joined = [
        (q.start - offset, q.end - offset, q.closed)
        for q in extract_quotes(a + "\n\n" + b)
        if q.start >= offset
    ]
    assert joined == alone
