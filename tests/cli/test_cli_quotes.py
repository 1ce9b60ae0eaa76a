"""`newskit quotes`: formats, offsets into the whole input, --kind, JSONL, errors (CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import invoke, run_process
from newskit.formats import QUOTE_COLUMNS
from samples import BN, HI

TWO_DOCS = "पुतिन ने कहा कि “हम साथ हैं।”\n\nমন্ত্রী বলেন, ‘আমরা প্রস্তুত।’ ছবি ‘মনপুরা’ দেখুন।\n"


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = invoke("quotes", *args, input=stdin, env={"COLUMNS": "120"})
    return result.exit_code, result.stdout, result.stderr


def test_jsonl_is_the_default_in_a_pipe_and_offsets_index_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text(TWO_DOCS, encoding="utf-8")
    code, out, _ = run(str(path))
    assert code == 0
    records = [json.loads(x) for x in out.splitlines()]
    assert [r["text"] for r in records] == ["हम साथ हैं।", "আমরা প্রস্তুত।", "মনপুরা"]
    for r in records:
        assert r["path"] == str(path)
        assert TWO_DOCS[r["start"] : r["end"]] == r["text"]
        if r["speaker"]:
            assert TWO_DOCS[r["speaker"]["start"] : r["speaker"]["end"]] == r["speaker"]["text"]
        assert TWO_DOCS.split("\n")[r["line"] - 1].find(r["text"]) >= 0
    assert [r["line"] for r in records] == [1, 3, 3]
    assert records[1]["speaker"]["text"] == "মন্ত্রী"


def test_kind_filter_and_sample_files() -> None:
    code, out, _ = run("--kind", "speech", str(HI), str(BN))
    assert code == 0
    records = [json.loads(x) for x in out.splitlines()]
    # the Hindi sample has six speech quotes; the Bengali quotes are all partial
    assert len(records) == 6
    assert {r["path"] for r in records} == {str(HI)}
    assert sum(not r["closed"] for r in records) == 1
    code, out, _ = run("--kind", "partial", str(BN))
    assert len(out.splitlines()) == 5


def test_tsv_and_csv_carry_the_same_records(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text("उन्होंने कहा, “पहला\tहिस्सा\n“दूसरा हिस्सा।”\n", encoding="utf-8")
    _, tsv_out, _ = run("--format", "tsv", str(path))
    _, csv_out, _ = run("--format", "csv", str(path))
    tsv_rows = [line.split("\t") for line in tsv_out.splitlines()]
    csv_rows = list(csv.reader(io.StringIO(csv_out)))
    assert tsv_rows[0] == csv_rows[0] == list(QUOTE_COLUMNS)
    assert len(tsv_rows) == len(csv_rows) == 2  # one continued quote, one line each
    text = csv_rows[1][QUOTE_COLUMNS.index("text")]
    assert text == "पहला\tहिस्सा\n“दूसरा हिस्सा।"
    assert tsv_rows[1][QUOTE_COLUMNS.index("text")] == "पहला\\tहिस्सा\\n“दूसरा हिस्सा।"
    assert csv_rows[1][QUOTE_COLUMNS.index("continued")] == "true"


def test_jsonl_input_one_document_per_record() -> None:
    lines = [
        json.dumps({"id": 1, "body": "মন্ত্রী বলেন, ‘আমরা প্রস্তুত।’"}, ensure_ascii=False),
        json.dumps({"id": 2, "body": "कोई उद्धरण नहीं।"}, ensure_ascii=False),
        json.dumps({"id": 3, "body": 'वो कहती हैं, "यह सच है."'}, ensure_ascii=False),
    ]
    code, out, _ = run("--jsonl", "--field", "body", stdin="\n".join(lines) + "\n")
    assert code == 0
    records = [json.loads(x) for x in out.splitlines()]
    assert [(r["line"], r["text"], r["start"]) for r in records] == [
        (1, "আমরা প্রস্তুত।", 15),
        (3, "यह सच है.", 14),
    ]


def test_table_has_file_kind_and_indic_text_last() -> None:
    code, out, _ = run("--format", "table", str(BN))
    assert code == 0
    header = next(line for line in out.splitlines() if line.strip())
    assert header.split()[:2] == ["file", "kind"]
    assert "speaker · cue / quote" in header
    assert "partial (unclosed)" in out
    assert "রুশ প্রেসিডেন্ট" in out


def test_bad_utf8_is_reported_with_path_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("मंत्री ने कहा, “ठीक है।”\n".encode() + b"\xff\xfe broken\n")
    code, out, err = run(str(bad))
    assert code == 1
    assert str(bad) in err
    code, out, err = run("--errors", "replace", str(bad))
    assert code == 0
    assert json.loads(out.splitlines()[0])["speaker"]["text"] == "मंत्री"


def test_unclosed_quote_never_swallows_the_next_article() -> None:
    text = "मंत्री ने कहा, “अधूरा उद्धरण\n\nदूसरी ख़बर में “नया” शब्द।\n"
    _, out, _ = run(stdin=text)
    records = [json.loads(x) for x in out.splitlines()]
    assert [(r["text"], r["closed"], r["line"]) for r in records] == [
        ("अधूरा उद्धरण", False, 1),
        ("नया", True, 3),
    ]


def _news(n: int) -> str:
    """``n`` articles with quotations (the samples, each followed by a numbered line)."""
    docs = [src.read_text("utf-8").strip("\n") for src in (HI, BN)]
    return "\n\n".join(f"{docs[i % 2]}\n{i}" for i in range(n)) + "\n"


SPLIT = {"NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=15000,batch_bytes=15000"}


@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "csv"])
def test_jobs_give_identical_output_with_offsets_into_the_whole_file(
    tmp_path: Path, fmt: str
) -> None:
    # Workers read byte ranges of the file and learn how many characters and lines came
    # before theirs only when their turn to write comes: offsets must still index the file.
    path = tmp_path / "news.txt"
    text = _news(40)
    path.write_text(text, "utf-8")
    small = tmp_path / "small.txt"
    small.write_text(TWO_DOCS, "utf-8")
    args = ["quotes", "--format", fmt, str(path), str(small), str(path)]
    one = run_process(*args, "--jobs", "1")
    two = run_process(*args, "--jobs", "2", env=SPLIT)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    if fmt == "jsonl":
        records = [json.loads(x) for x in two.stdout.decode().splitlines()]
        assert len(records) > 100
        lines = text.split("\n")
        for r in records:
            source = text if r["path"] == str(path) else TWO_DOCS
            assert source[r["start"] : r["end"]] == r["text"]
            if r["path"] == str(path):
                assert r["text"].split("\n")[0] in lines[r["line"] - 1]


def test_jobs_on_standard_input_and_a_bad_byte(tmp_path: Path) -> None:
    data = _news(40).encode()
    cut = data.index(b"\n\n", len(data) // 2) + 2
    data = data[:cut] + b"x \xff\n" + data[cut:]
    one = run_process("quotes", "--jobs", "1", input=data)
    two = run_process("quotes", "--jobs", "2", input=data, env=SPLIT)
    assert one.returncode == two.returncode == 1
    assert (one.stdout, one.stderr) == (two.stdout, two.stderr)
    line = data[:cut].count(b"\n") + 1
    assert f"<stdin>:{line}: invalid UTF-8".encode() in two.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_lines_offsets_index_each_record_whatever_the_chunks(
    tmp_path: Path, jobs: str
) -> None:
    # Offsets of JSON Lines records index the record's text: the chunks before a record
    # move its line number, never its offsets.
    docs = _news(30).split("\n\n")
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs))
    r = run_process("quotes", "--jobs", jobs, str(path), env=SPLIT)
    assert r.returncode == 0
    records = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert len(records) > 50 and {r["line"] for r in records} == set(range(1, 31))
    for rec in records:
        assert docs[rec["line"] - 1][rec["start"] : rec["end"]] == rec["text"]
