"""`newskit stats`: formats, grouping, parallel runs and the table snapshot (CliRunner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import invoke, run_process
from samples import BN, CASES, CORPUS, HI

SNAPSHOT = CASES / "stats_table_snapshot.txt"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = invoke("stats", *args, input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six files in two directories (copies of the samples), enough for two workers."""
    root = tmp_path_factory.mktemp("many")
    for i in range(3):
        for src in (HI, BN):
            d = root / src.parent.name
            d.mkdir(exist_ok=True)
            shutil.copy(src, d / f"{i}-{src.name}")
    return root


def test_tsv_is_the_default_in_a_pipe_with_one_row_per_file_and_a_total() -> None:
    code, out, err = run(str(CORPUS), "--jobs", "1")
    assert code == 0 and err == ""
    lines = out.splitlines()
    header = lines[0].split("\t")
    assert header[:5] == ["level", "name", "lang", "lang_probability", "files"]
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    assert [r["level"] for r in rows] == ["file", "file", "total"]
    by_name = {Path(r["name"]).name: r for r in rows}
    hi = by_name[HI.name]
    assert (hi["lang"], hi["documents"], hi["paragraphs"], hi["sentences"]) == (
        "hi",
        "1",
        "9",
        "21",
    )
    assert hi["chars"] == str(len(HI.read_text("utf-8")))
    assert by_name[BN.name]["lang"] == "bn"
    total = by_name["*"]
    assert total["files"] == "2" and total["sentences"] == "42"
    assert int(total["words"]) == int(hi["words"]) + int(by_name[BN.name]["words"])


def test_csv_and_json_agree_with_tsv() -> None:
    _, tsv, _ = run(str(CORPUS), "--format", "tsv", "-j", "1")
    _, csv_out, _ = run(str(CORPUS), "--format", "csv", "-j", "1")
    _, js, _ = run(str(CORPUS), "--format", "json", "-j", "1")
    assert tsv.replace("\t", ",") == csv_out  # no field needs quoting here
    data = json.loads(js)
    assert set(data) == {"total", "rows", "sections"}
    assert set(data["sections"]) == {"overview", "scripts", "punctuation", "lexicon", "hygiene"}
    header = tsv.splitlines()[0].split("\t")
    total = dict(zip(header, tsv.splitlines()[-1].split("\t"), strict=True))
    assert str(data["total"]["tokens"]) == total["tokens"]
    assert len(data["rows"]) == 2 and all(r["level"] == "file" for r in data["rows"])
    assert data["sections"]["lexicon"]["top_words"][0] == ["कोरिया", 12]


@pytest.mark.parametrize("by", ["file", "total", "dir", "lang"])
def test_jobs_1_and_2_give_identical_output(many: Path, by: str) -> None:
    # (with --by file and total, the workers keep running totals and hand them over at the
    # end: a different merge order, the same bytes)
    one = run(str(many), "--format", "json", "--jobs", "1", "--by", by)
    two = run(str(many), "--format", "json", "--jobs", "2", "--by", by)
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert json.loads(one[1])["total"]["files"] == 6


@pytest.mark.parametrize(
    ("by", "names"),
    [("dir", ["bn", "hi"]), ("lang", ["bn", "hi"]), ("total", [])],
)
def test_group_rows(many: Path, by: str, names: list[str]) -> None:
    _, out, _ = run(str(many), "--by", by, "--format", "json", "-j", "1")
    data = json.loads(out)
    assert [Path(r["name"]).name for r in data["rows"]] == names
    assert all(r["level"] == by for r in data["rows"])
    if names:
        assert sum(r["files"] for r in data["rows"]) == data["total"]["files"] == 6


def test_doc_sep_and_stdin() -> None:
    text = HI.read_text("utf-8") + "\n\n" + BN.read_text("utf-8") + "\n\n" + BN.read_text("utf-8")
    _, out, _ = run(
        "--doc-sep", "blank", "--format", "json", "--section", "hygiene", input=text.encode()
    )
    data = json.loads(out)
    assert data["total"]["documents"] == 3
    assert data["total"]["duplicate_documents"] == 1
    assert set(data["sections"]) == {"hygiene"}
    assert data["sections"]["hygiene"]["duplicate_documents"] == 1


def test_top_and_keep_stopwords() -> None:
    _, out, _ = run(str(HI), "--format", "json", "--top", "3", "--keep-stopwords")
    lex = json.loads(out)["sections"]["lexicon"]
    assert len(lex["top_words"]) == 3
    assert lex["top_words"][0] == ["के", 33]  # grep -ow के: 33
    assert lex["stopwords_excluded"] is False


def test_bad_utf8_reports_path_line_and_still_counts_the_rest(tmp_path: Path) -> None:
    shutil.copy(HI, tmp_path / "a.txt")
    (tmp_path / "b.txt").write_bytes("ठीक है।\n".encode() + b"\xff\xfe\n")
    code, out, err = run(str(tmp_path), "-j", "1")
    assert code == 1
    assert "b.txt:2" in err
    assert out.splitlines()[1].split("\t")[1].endswith("a.txt")


def test_markup_like_text_survives_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = "[/x] शब्द [bold]শব্দ [/note]"
    Path("[red]x[red].txt").write_text(f"{line}\n\n{line}\n", encoding="utf-8")
    code, out, _ = run(
        "[red]x[red].txt", "--format", "table", "--section", "all", "--doc-sep", "blank"
    )
    assert code == 0
    assert "[red]x[red].txt" in out
    assert line in out  # the repeated-lines list shows the line verbatim


def test_table_snapshot_at_pinned_width() -> None:
    """The default table for the sample corpus at 100 columns.

    If segmentation or quotes change on purpose, regenerate with
    ``COLUMNS=100 NO_COLOR=1 newskit stats corpus/ --format table --top 5 -j 1``
    (from the repository root) and review the diff.
    """
    code, out, _ = run("corpus/", "--format", "table", "--top", "5", "-j", "1")
    assert code == 0
    assert out == SNAPSHOT.read_text("utf-8")


def _articles(n: int) -> str:
    """``n`` news-like articles (the samples' paragraphs, reshuffled), separated by blank
    lines: distinct documents, so that each range of a file holds different ones."""
    paragraphs = [p for src in (HI, BN) for p in src.read_text("utf-8").split("\n") if p]
    out = []
    for i in range(n):
        k = 2 + i % 5
        doc = [paragraphs[(i * 7 + j) % len(paragraphs)] for j in range(k)]
        out.append("\n".join(doc) + f"\n{i}\n")
    return "\n".join(out)


SPLIT = {"NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=20000,batch_bytes=20000"}


@pytest.mark.parametrize(
    "args",
    [
        ["--doc-sep", "blank"],
        ["--doc-sep", "blank", "--by", "dir"],
        ["--doc-sep", "blank", "--by", "total", "--section", "all"],
        ["--jsonl"],
    ],
)
def test_a_large_file_is_split_between_workers_with_identical_output(
    tmp_path: Path, args: list[str]
) -> None:
    # One big file used to go to one worker: now ranges of whole documents (JSON Lines:
    # records) go to all of them, and the merge is exact.
    big = tmp_path / "big.txt"
    text = _articles(120)
    if "--jsonl" in args:
        docs = text.split("\n\n")
        text = "".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs)
    big.write_text(text, "utf-8")
    assert len(text.encode()) > 10 * 20000  # (ten ranges at least)
    one = run_process("stats", "--format", "json", *args, "--jobs", "1", str(big))
    two = run_process("stats", "--format", "json", *args, "--jobs", "2", str(big), env=SPLIT)
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    assert json.loads(one.stdout)["total"]["documents"] == 120


def test_a_bad_byte_in_a_split_file_counts_only_what_came_before(tmp_path: Path) -> None:
    # The documents after the bad byte, which other workers may have counted already, count
    # for nothing; the message names the same line as with one process.
    text = _articles(120).encode()
    cut = text.index(b"\n\n", len(text) // 2) + 2
    bad = tmp_path / "bad.txt"
    bad.write_bytes(text[:cut] + b"x \xff\n" + text[cut:])
    one = run_process("stats", "--format", "json", "--doc-sep", "blank", "--jobs", "1", str(bad))
    two = run_process(
        "stats", "--format", "json", "--doc-sep", "blank", "--jobs", "2", str(bad), env=SPLIT
    )
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    line = text[:cut].count(b"\n") + 1
    assert f"bad.txt:{line}: invalid UTF-8".encode() in two.stderr
    documents = json.loads(two.stdout)["total"]["documents"]
    assert documents == text[:cut].decode().count("\n\n")


def test_standard_input_is_split_too(tmp_path: Path) -> None:
    text = _articles(120).encode()
    one = run_process("stats", "--format", "json", "--doc-sep", "blank", "--jobs", "1", input=text)
    two = run_process(
        "stats", "--format", "json", "--doc-sep", "blank", "--jobs", "2", input=text, env=SPLIT
    )
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
