"""`newskit tokenize` and `newskit sentences`: every format, inputs, --normalize, --jobs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import WITH_WORKERS, invoke, run_process
from newskit.segment import split_sentences, tokenize
from samples import BN, HI


def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = invoke(*args, input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_tokenize_text_keeps_lines_and_splits_tokens() -> None:
    code, out, _ = run("tokenize", input="डॉ. सिंह ने कहा, “ठीक है।”\n\nদু’টি বই।\n")
    assert code == 0
    assert out == "डॉ. सिंह ने कहा , “ ठीक है । ”\n\nদু’টি বই ।\n"


def test_tokenize_sample_file_line_by_line() -> None:
    code, out, _ = run("tokenize", str(HI))
    assert code == 0
    text = HI.read_text(encoding="utf-8")
    assert out.split("\n") == [
        " ".join(t.text for t in tokenize(line)) for line in text.split("\n")
    ]
    assert out.count("\n") == text.count("\n")  # no final newline added (the file has none)


def test_tokenize_sentences_one_per_line_with_paragraph_breaks() -> None:
    code, out, _ = run("tokenize", "--sentences", input="पहला वाक्य। दूसरा!\nशीर्षक\n")
    assert code == 0
    assert out == "पहला वाक्य ।\nदूसरा !\n\nशीर्षक\n\n"


def test_tokenize_sentences_sample_counts() -> None:
    for path in (HI, BN):
        code, out, _ = run("tokenize", "--sentences", str(path))
        assert code == 0
        paragraphs = [p for p in out.split("\n\n") if p.strip()]
        assert sum(len(p.strip("\n").split("\n")) for p in paragraphs) == 21


def test_tokenize_jsonl_offsets_point_into_the_input() -> None:
    text = HI.read_text(encoding="utf-8")
    code, out, _ = run("tokenize", "--format", "jsonl", str(HI))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 21
    lines = text.split("\n")
    for rec in records:
        assert rec["path"].endswith("kim-putin-vladivostok.txt")
        assert text[rec["start"] : rec["end"]] == rec["text"]
        assert rec["text"] in lines[rec["line"] - 1]
        for tok_text, start, end, kind in rec["tokens"]:
            assert text[start:end] == tok_text
            assert kind
    headline = [r for r in records if r["text"] == "सुरक्षा गारंटी"]
    assert [(r["line"], r["sentence"]) for r in headline] == [(7, 1)]
    assert [r["sentence"] for r in records[:3]] == [1, 2, 3]


def test_tokenize_conllu_blocks() -> None:
    code, out, _ = run("tokenize", "--format", "conllu", input="डॉ. सिंह आए। ठीक\nनया\n")
    assert code == 0
    blocks = out.strip("\n").split("\n\n")
    assert len(blocks) == 3
    first = blocks[0].split("\n")
    assert first[:3] == ["# newpar", "# sent_id = <stdin>:1:1", "# text = डॉ. सिंह आए।"]
    rows = [line.split("\t") for line in first[3:]]
    assert [r[1] for r in rows] == ["डॉ.", "सिंह", "आए", "।"]
    assert all(len(r) == 10 for r in rows)
    assert rows[2][9] == "SpaceAfter=No|TokenRange=9:11"
    assert blocks[1].startswith("# sent_id = <stdin>:1:2")  # same paragraph: no # newpar
    assert blocks[2].startswith("# newpar\n# sent_id = <stdin>:2:1")


def test_sentences_exactly_as_in_input() -> None:
    code, out, _ = run("sentences", str(BN))
    assert code == 0
    text = BN.read_text(encoding="utf-8")
    assert out.splitlines() == [s.text for s in split_sentences(text)]
    assert len(out.splitlines()) == 21


def test_sentences_whitespace_only_between() -> None:
    code, out, _ = run("sentences", input="  एक।  दो?\r\n\n  तीन  \n")
    assert code == 0
    assert out == "एक।\nदो?\nतीन\n"


def test_sentences_jsonl() -> None:
    code, out, _ = run("sentences", "--format", "jsonl", input="एक। दो।\nतीन\n")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["text"], r["line"], r["start"], r["end"]) for r in records] == [
        ("एक।", 1, 0, 3),
        ("दो।", 1, 4, 7),
        ("तीन", 2, 8, 11),
    ]
    assert "tokens" not in records[0]


def test_jsonl_input_field() -> None:
    data = json.dumps({"id": 1, "body": "पहला। दूसरा।"}, ensure_ascii=False) + "\n"
    code, out, _ = run("sentences", "--jsonl", "--field", "body", input=data)
    assert code == 0
    assert out == "पहला।\nदूसरा।\n"
    code, out, err = run("sentences", "--jsonl", input=data)
    assert code == 1
    assert "field 'text' is missing" in err


def test_normalize_option_runs_default_normalization() -> None:
    code, out, _ = run("tokenize", "--normalize", input="दु:ख है |\n")
    assert code == 0
    assert out == "दुःख है ।\n"
    code, out, _ = run("tokenize", input="दु:ख है |\n")
    assert out == "दु:ख है |\n"  # without it the text is left as it is


def test_invalid_utf8_is_reported_with_line() -> None:
    code, out, err = run("sentences", input=b"\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\xae\n\xff\n")
    assert code == 1
    assert out == "काम\n"
    assert ":2" in err


@pytest.fixture
def many(tmp_path: Path) -> Path:
    for i in range(4):
        for src in (HI, BN):
            shutil.copy(src, tmp_path / f"{i}-{src.name}")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "jsonl", "conllu"])
def test_jobs_give_the_same_output(many: Path, fmt: str, monkeypatch) -> None:
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 4096)  # several chunks a file
    one = run("tokenize", "--format", fmt, "--jobs", "1", str(many))
    two = run("tokenize", "--format", fmt, "--jobs", "2", str(many))
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert one[1]


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "tokenize" in out and "sentences" in out
    code, out, _ = run("tokenize", "--help")
    assert "--sentences" in out and "conllu" in out and "--normalize" in out and "--jobs" in out


def _command(*args: str) -> subprocess.CompletedProcess[bytes]:
    # a real stdout: with --jobs 2 the workers write to it themselves, in turn; workers for
    # files of any size (by default a file under 8 MiB is done in the main process)
    return run_process(*args, env=WITH_WORKERS)


@pytest.mark.parametrize("args", [["tokenize"], ["tokenize", "--format", "conllu"], ["sentences"]])
def test_workers_write_stdout_in_order(tmp_path: Path, args: list[str]) -> None:
    both = (HI.read_text("utf-8") + "\n" + BN.read_text("utf-8") + "\n").encode()
    big = tmp_path / "big.txt"
    big.write_bytes(both * (3_500_000 // len(both) + 1))  # several 1 MiB chunks
    one = _command(*args, "--jobs", "1", str(big))
    two = _command(*args, "--jobs", "2", str(big))
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert one.stdout.count(b"\n") > 3_500_000 // len(both) * 19


def test_workers_stop_at_a_bad_byte(tmp_path: Path) -> None:
    good = "उन्होंने कहा कि यह ठीक है। दूसरा वाक्य।\n" * 40_000  # about 3.4 MB
    bad = tmp_path / "bad.txt"
    bad.write_bytes(good.encode() + b"x \xff\n" + "बाद में।\n".encode() * 40_000)
    proc = _command("sentences", "--jobs", "2", str(bad))
    assert proc.returncode == 1
    assert proc.stdout.decode() == "उन्होंने कहा कि यह ठीक है।\nदूसरा वाक्य।\n" * 40_000
    assert f"{bad}:40001: invalid UTF-8".encode() in proc.stderr


def test_workers_report_a_late_nul_byte_at_its_line(tmp_path: Path) -> None:
    line = "उन्होंने कहा कि यह ठीक है। दूसरा वाक्य।\n"
    bad = tmp_path / "nul.txt"
    bad.write_bytes((line * 40_000).encode() + b"x\x00y\n" + line.encode())  # NUL in chunk 4
    one, two = (_command("tokenize", "--jobs", j, str(bad)) for j in ("1", "2"))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert f"{bad}:40001: NUL byte in text".encode() in two.stderr
    assert one.stderr == two.stderr
