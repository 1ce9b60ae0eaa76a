"""Rendering stats: machine formats carry raw values; tables never parse corpus text as markup."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from newskit.formats import delimited, to_json
from newskit.render import render_stats_table

ROWS = [
    ("file", "a\tb.txt", {"lang": "hi", "tokens": 12345, "mattr": 0.71234, "quotes": None}),
    ("file", "c,d.txt", {"lang": "bn", "tokens": 7, "mattr": 0.5, "quotes": 3}),
    ("total", "*", {"lang": "hi", "tokens": 12352, "mattr": 0.7, "quotes": 3}),
]


def test_tsv_has_header_raw_numbers_and_no_stray_tabs() -> None:
    lines = delimited(ROWS).splitlines()
    assert lines[0] == "level\tname\tlang\ttokens\tmattr\tquotes"
    assert lines[1] == "file\ta b.txt\thi\t12345\t0.71234\t"  # no thousands separator; None empty
    assert all(len(line.split("\t")) == 6 for line in lines)
    assert lines[-1].startswith("total\t*\t")


def test_csv_quotes_fields_and_round_trips() -> None:
    parsed = list(csv.reader(io.StringIO(delimited(ROWS, ","))))
    assert parsed[0] == ["level", "name", "lang", "tokens", "mattr", "quotes"]
    assert parsed[2] == ["file", "c,d.txt", "bn", "7", "0.5", "3"]


def test_json_schema() -> None:
    data = json.loads(to_json(ROWS, {"lexicon": {"top_words": [["राम", 2]]}}))
    assert set(data) == {"total", "rows", "sections"}
    assert data["total"]["tokens"] == 12352
    assert [r["name"] for r in data["rows"]] == ["a\tb.txt", "c,d.txt"]
    assert data["rows"][0]["quotes"] is None
    assert data["sections"]["lexicon"]["top_words"] == [["राम", 2]]


def test_table_keeps_markup_like_corpus_text() -> None:
    sections = {
        "lexicon": {
            "stopwords_excluded": True,
            "top_words": [["[/x]", 3], ["[red]लाल[/red]", 2], ["राष्ट्रपति", 1]],
        },
        "hygiene": {"top_repeated_lines": [["[bold]সূত্র : বিবিসি", 4]]},
    }
    out = io.StringIO()
    rows = [("file", "[/note].txt", ROWS[0][2]), ROWS[2]]
    render_stats_table(rows, sections, file=out, width=100, color=False)
    text = out.getvalue()
    for s in ("[/x]", "[red]लाल[/red]", "राष्ट्रपति", "[bold]সূত্র : বিবিসি", "[/note].txt"):
        assert s in text
    assert "12,345" in text  # people get thousands separators
    assert "TOTAL" in text


def test_table_numbers_are_right_aligned_before_the_text_column() -> None:
    sections = {"lexicon": {"top_words": [["क", 1000], ["ख", 7]]}}
    out = io.StringIO()
    render_stats_table([], sections, show=["lexicon"], file=out, width=60, color=False)
    lines = [line for line in out.getvalue().splitlines() if line.strip().endswith(("क", "ख"))]
    assert len(lines) == 2
    # the counts end in the same column, the words start in the same column
    assert lines[0].index("1,000") + len("1,000") == lines[1].index("7") + 1
    assert lines[0].index("क") == lines[1].index("ख")


def test_importing_stats_and_render_does_not_load_rich() -> None:
    # Rich is imported inside the drawing functions only, so machine formats and
    # other commands start without it.
    code = (
        "import sys, newskit.stats, newskit.render\n"
        "from newskit.formats import delimited\n"
        "delimited([('total', '*', {'a': 1})])\n"
        "assert 'rich' not in sys.modules, sorted(m for m in sys.modules if 'rich' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
