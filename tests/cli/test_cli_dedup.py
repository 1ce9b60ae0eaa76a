"""`newskit dedup`: kept documents byte for byte, clusters, --check, --exact, --lines, stdin,
bad input and workers (CliRunner; the console script for --jobs).

The articles are the made-up Hindi and Bengali news of ``tests/core/dedup_articles.txt`` and
the two sample articles of ``corpus/``; the copies are edited the way republished news is.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import WITH_WORKERS, invoke, run_process
from samples import BN, HI, ROOT

ARTICLES_FILE = ROOT / "tests" / "core" / "dedup_articles.txt"
FOOTER = [
    "(बीबीसी हिन्दी के एंड्रॉएड ऐप के लिए आप",
    "यहां क्लिक कर सकते हैं. आप हमें",
    "फ़ेसबुक और",
    "ट्विटर पर फ़ॉलो भी कर सकते हैं.)",
]


def _articles() -> dict[str, str]:
    text = ARTICLES_FILE.read_text("utf-8")
    parts = re.split(r"^==== (\w+)\n", text, flags=re.M)
    return {name: body.rstrip("\n") for name, body in zip(parts[1::2], parts[2::2], strict=True)}


ART = _articles()
WATER, OTHER, CRICKET, MARKET = (
    ART[k] for k in ("HI_WATER", "HI_WATER_OTHER", "HI_CRICKET", "BN_MARKET")
)
KIM = HI.read_text("utf-8").strip("\n")
PUTIN = BN.read_text("utf-8").strip("\n")


def _headline_rewritten(text: str) -> str:
    return "नर्मदा लाइन की मरम्मत: तीन दिन जल संकट\n" + text.split("\n", 1)[1]


def _footer_added(text: str) -> str:
    return text + "\nदेश और दुनिया की ताजा खबरों के लिए हमें फेसबुक पर फॉलो करें।"


# Documents in input order: name, text. Copies come after their originals; OTHER reports
# WATER's event in other words (not a duplicate).
DOCS = [
    ("water", WATER),
    ("kim", KIM),
    ("market", MARKET),
    ("other", OTHER),
    ("water-headline", _headline_rewritten(WATER)),
    ("cricket", CRICKET),
    ("market-nfd", unicodedata.normalize("NFD", MARKET).replace("।", " |")),
    ("putin", PUTIN),
    ("kim-footer", _footer_added(KIM)),
    ("water-exact", WATER),
]
KEPT = ["water", "kim", "market", "other", "cricket", "putin"]
CLUSTERS = [
    ["water", "water-headline", "water-exact"],
    ["kim", "kim-footer"],
    ["market", "market-nfd"],
]


def dedup(*args: str, input: bytes | None = None) -> Result:
    return invoke("dedup", *args, input=input, catch_exceptions=False)


def _text_corpus(path: Path, docs: list[tuple[str, str]] = DOCS) -> Path:
    """The documents separated by blank lines (one with CRLF line ends, two blank lines after
    another, no line end at the very end)."""
    parts = []
    for name, text in docs:
        if name == "cricket":
            text = text.replace("\n", "\r\n")
        parts.append(text + ("\n\n\n" if name == "kim" else "\n\n"))
    path.write_bytes("".join(parts).rstrip("\n").encode())
    return path


def _records(docs: list[tuple[str, str]] = DOCS) -> list[bytes]:
    """One JSON Lines record a document, each written differently (key order, spacing,
    escapes), so that only copying the input line gives it back."""
    lines = []
    for i, (name, text) in enumerate(docs):
        record: dict[str, Any] = {"id": name, "text": text, "n": i}
        if i % 3 == 0:
            line = json.dumps(record, ensure_ascii=True)  # \u escapes
        elif i % 3 == 1:
            line = json.dumps(
                {"n": i, "text": text, "id": name},
                ensure_ascii=False,
                indent=None,
                separators=(",", ":"),
            )
        else:
            line = json.dumps(record, ensure_ascii=False) + "  "
        lines.append(line.encode() + b"\n")
    return lines


def test_kept_text_documents_are_written_byte_for_byte(tmp_path: Path) -> None:
    path = _text_corpus(tmp_path / "news.txt")
    result = dedup("--doc-sep", "blank", str(path))
    assert result.exit_code == 0
    text = dict(DOCS)
    expected = [text[n].replace("\n", "\r\n") if n == "cricket" else text[n] for n in KEPT]
    assert result.stdout_bytes == "\n\n".join(expected).encode() + b"\n"
    assert result.stderr == (
        "dedup: 10 documents, 6 kept, 4 dropped in 3 clusters (threshold 0.7, 128 permutations)\n"
    )


def test_kept_json_lines_records_are_the_input_lines(tmp_path: Path) -> None:
    lines = _records()
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"\n".join(lines[:5]) + b"\n" + b"".join(lines[5:]))  # a blank line
    result = dedup(str(path))
    assert result.exit_code == 0
    names = [n for n, _ in DOCS]
    assert result.stdout_bytes == b"".join(lines[names.index(n)] for n in KEPT)


def test_every_document_is_written_or_a_dropped_member_of_a_cluster(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"".join(_records()))
    written = {json.loads(line)["id"] for line in dedup(str(path)).stdout.splitlines()}
    clusters = [
        json.loads(line)
        for line in dedup("--clusters", "--id-field", "id", str(path)).stdout.splitlines()
    ]
    dropped = {m["id"] for c in clusters for m in c["members"] if not m["keep"]}
    assert written | dropped == {n for n, _ in DOCS}
    assert not written & dropped
    assert sorted(sorted(m["id"] for m in c["members"]) for c in clusters) == sorted(
        sorted(c) for c in CLUSTERS
    )


def test_clusters_schema(tmp_path: Path) -> None:
    path = _text_corpus(tmp_path / "news.txt")
    result = dedup("--clusters", "--doc-sep", "blank", str(path))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["cluster"] for r in records] == [1, 2, 3]
    names = [n for n, _ in DOCS]
    # line numbers of the documents in the file (kim is followed by two blank lines)
    first_lines, line = [], 1
    for name, text in DOCS:
        first_lines.append(line)
        line += text.count("\n") + 1 + (2 if name == "kim" else 1)
    for record, members in zip(records, CLUSTERS, strict=True):
        assert set(record) == {"cluster", "size", "members"}
        assert record["size"] == len(record["members"]) == len(members)
        assert [m["doc"] for m in record["members"]] == [names.index(n) + 1 for n in members]
        assert [m["line"] for m in record["members"]] == [
            first_lines[names.index(n)] for n in members
        ]
        assert [m["keep"] for m in record["members"]] == [True] + [False] * (len(members) - 1)
        for m in record["members"]:
            assert set(m) == {"path", "doc", "line", "keep", "similarity"}
            assert m["path"] == str(path)
            assert 0.7 <= m["similarity"] <= 1.0 or not m["keep"]
        assert record["members"][0]["similarity"] == 1.0
    exact = records[0]["members"][2]
    assert exact["similarity"] == 1.0  # an exact copy


def test_ids_in_clusters_and_keep_longest(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(b"".join(_records()))
    result = dedup("--clusters", "--id-field", "id", "--keep", "longest", str(path))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    kept = {r["members"][0]["id"]: [m["id"] for m in r["members"] if m["keep"]] for r in records}
    # the copy with a footer has more words; equal word counts keep the first
    assert kept == {"water": ["water"], "kim": ["kim-footer"], "market": ["market"]}
    assert all(
        set(m) == {"path", "doc", "line", "id", "keep", "similarity"}
        for r in records
        for m in r["members"]
    )


def test_check_exits_1_with_duplicates_and_0_without(tmp_path: Path) -> None:
    dup = _text_corpus(tmp_path / "dup.txt")
    clean = _text_corpus(tmp_path / "clean.txt", [d for d in DOCS if d[0] in KEPT])
    found = dedup("--check", "--doc-sep", "blank", str(dup))
    assert (found.exit_code, found.stdout) == (1, "")
    assert found.stderr == "dedup: 4 of 10 documents are duplicates (3 clusters)\n"
    none = dedup("--check", "--doc-sep", "blank", str(clean))
    assert (none.exit_code, none.stdout, none.stderr) == (0, "", "")


def test_exact_finds_only_copies_identical_after_normalization(tmp_path: Path) -> None:
    path = _text_corpus(tmp_path / "news.txt")
    result = dedup("--exact", "--clusters", "--doc-sep", "blank", str(path))
    names = [n for n, _ in DOCS]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[names[m["doc"] - 1] for m in r["members"]] for r in records] == [
        ["water", "water-exact"],
        ["market", "market-nfd"],  # NFD, spaced dandas: the same after normalization
    ]
    assert result.stderr.endswith("dropped in 2 clusters (exact)\n")


def test_whole_files_are_documents_and_a_dropped_file_is_not_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "hi").mkdir(parents=True)
    (src / "bn").mkdir()
    shutil.copy(HI, src / "hi" / "a.txt")
    (src / "hi" / "b-copy.txt").write_text(_footer_added(KIM), "utf-8")  # no final line end
    shutil.copy(BN, src / "bn" / "c.txt")
    out = tmp_path / "out"
    result = dedup("-o", f"{out}/", str(src))
    assert result.exit_code == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["bn/c.txt", "hi/a.txt"]
    assert (out / "hi" / "a.txt").read_bytes() == HI.read_bytes()
    assert (out / "bn" / "c.txt").read_bytes() == BN.read_bytes()
    # to stdout the files follow each other (a line end added to a file without one)
    (src / "hi" / "b-copy.txt").write_text("नई दिल्ली: एक बिल्कुल अलग खबर", "utf-8")
    both = dedup(str(src / "hi" / "b-copy.txt"), str(src / "bn" / "c.txt"))
    assert both.stdout_bytes == "नई दिल्ली: एक बिल्कुल अलग खबर\n".encode() + BN.read_bytes()


def test_output_file_and_custom_separator(tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_text("\n---\n".join(t for _, t in DOCS) + "\n", "utf-8")
    out = tmp_path / "kept.txt"
    result = dedup("--doc-sep", "---", "-o", str(out), str(path))
    assert (result.exit_code, result.stdout) == (0, "")
    text = dict(DOCS)
    assert out.read_text("utf-8") == "\n---\n".join(text[n] for n in KEPT) + "\n"


def test_standard_input_is_read_once_and_written_whole(tmp_path: Path) -> None:
    path = _text_corpus(tmp_path / "news.txt")
    from_file = dedup("--doc-sep", "blank", str(path))
    from_stdin = dedup("--doc-sep", "blank", input=path.read_bytes())
    assert from_stdin.exit_code == 0
    assert from_stdin.stdout_bytes == from_file.stdout_bytes
    clusters = dedup("--clusters", "--doc-sep", "blank", "-", input=path.read_bytes())
    assert json.loads(clusters.stdout.splitlines()[0])["members"][0]["path"] == "<stdin>"
    records = b"".join(_records())
    jsonl = dedup("--jsonl", input=records)
    assert jsonl.stdout_bytes == dedup(str(_write(tmp_path / "r.jsonl", records))).stdout_bytes


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_bad_utf8_stops_before_anything_is_written(tmp_path: Path) -> None:
    good = _text_corpus(tmp_path / "a.txt")
    bad = tmp_path / "b.txt"
    bad.write_bytes(f"{CRICKET}\n\n{MARKET}\n".encode() + b"\xff \xe0\xa4\n\n" + PUTIN.encode())
    out = tmp_path / "kept.txt"
    out.write_text("old\n", "utf-8")
    for args in ((), ("-o", str(out))):
        result = dedup("--doc-sep", "blank", *args, str(good), str(bad))
        assert result.exit_code == 1
        assert result.stdout == ""
        line = CRICKET.count("\n") + MARKET.count("\n") + 4
        assert result.stderr.startswith(f"{bad}:{line}: invalid UTF-8 at byte ")
        assert "dedup:" not in result.stderr  # no summary: nothing was written
    assert out.read_text("utf-8") == "old\n"
    replaced = dedup("--doc-sep", "blank", "--errors", "replace", str(bad))
    assert replaced.exit_code == 0
    assert "\ufffd" in replaced.stdout
    assert f"warning: {bad}: replaced 2 invalid UTF-8 byte sequences with U+FFFD" in replaced.stderr


def test_bad_json_is_reported_with_its_line_and_nothing_is_written(tmp_path: Path) -> None:
    lines = _records()
    path = _write(
        tmp_path / "news.jsonl",
        b"".join(lines[:3]) + b'{"id": "x", "text": \n' + b"".join(lines[3:]),
    )
    result = dedup(str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{path}:4: invalid JSON: Expecting value")
    missing = _write(tmp_path / "m.jsonl", lines[0] + b'{"id": "y", "body": "x"}\n')
    result = dedup("--clusters", str(missing))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{missing}:2: field 'text' is missing; see --field\n"


def test_an_input_that_changes_between_the_passes_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newskit.pipeline import dedup as pipeline

    path = _text_corpus(tmp_path / "news.txt")
    first_pass = pipeline.first_pass

    def then_change(run: Any) -> Any:
        found = first_pass(run)
        path.write_text(f"{WATER}\n\n{CRICKET}\n", "utf-8")  # fewer documents now
        return found

    monkeypatch.setattr(pipeline, "first_pass", then_change)
    out = tmp_path / "kept.txt"
    result = dedup("--doc-sep", "blank", "-o", str(out), str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: changed while dedup read it (")
    assert not out.exists()


# -- boilerplate lines ------------------------------------------------------------------------


def _with_footer(tmp_path: Path) -> Path:
    """Five articles with a dateline line and the BBC footer, blank-line separated."""
    bodies = [WATER, OTHER, CRICKET, KIM, WATER.replace("इंदौर", "भोपाल")]
    docs = []
    for body in bodies:
        head, _, rest = body.partition("\n")
        docs.append("\n".join([head, "नई दिल्ली:", rest, *FOOTER]))
    return _write(tmp_path / "news.txt", "\n\n".join(docs).encode() + b"\n")


def test_lines_drops_the_footer_and_keeps_short_common_lines(tmp_path: Path) -> None:
    path = _with_footer(tmp_path)
    result = dedup("--lines", "--doc-sep", "blank", "--min-docs", "3", str(path))
    assert result.exit_code == 0
    original = path.read_text("utf-8")
    expected = original
    for line in FOOTER:
        expected = expected.replace(f"\n{line}", "")
    assert result.stdout == expected
    assert "नई दिल्ली:" in result.stdout  # short, common, alone: kept
    assert result.stderr == (
        "dedup --lines: 5 documents, 20 lines dropped from 5 documents, 4 boilerplate lines "
        "(in ≥ 3 documents)\n"
    )
    records = [
        json.loads(x)
        for x in dedup(
            "--lines", "--clusters", "--doc-sep", "blank", "--min-docs", "3", str(path)
        ).stdout.splitlines()
    ]
    assert {r["line"] for r in records} == set(FOOTER)
    assert all(r["documents"] == r["dropped"] == 5 and r["path"] == str(path) for r in records)
    first = WATER.count("\n") + 2
    assert sorted(r["first_line"] for r in records) == [first + 1, first + 2, first + 3, first + 4]
    check = dedup("--lines", "--check", "--doc-sep", "blank", "--min-docs", "3", str(path))
    assert (check.exit_code, check.stdout) == (1, "")
    clean = dedup("--lines", "--check", "--doc-sep", "blank", "--min-docs", "6", str(path))
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")


def test_lines_in_json_lines_rewrite_only_the_records_that_change(tmp_path: Path) -> None:
    docs = [(f"d{i}", t) for i, t in enumerate([WATER, OTHER, CRICKET])]
    lines = _records([(n, t + "\n" + "\n".join(FOOTER)) for n, t in docs[:2]] + docs[2:])
    path = _write(tmp_path / "news.jsonl", b"".join(lines))
    result = dedup("--lines", "--min-docs", "2", str(path))
    out = result.stdout_bytes.splitlines(keepends=True)
    assert out[2] == lines[2]  # unchanged: the input line
    assert [json.loads(x)["text"] for x in out] == [WATER, OTHER, CRICKET]
    assert json.loads(out[1]) == {"n": 1, "text": OTHER, "id": "d1"}  # other fields kept


# -- usage, workers, table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--check", "--clusters"),
        ("--check", "-o", "x.txt"),
        ("--min-docs", "3"),
        ("--lines", "--exact"),
        ("--bands", "500"),
        ("--threshold", "0"),
    ],
)
def test_usage_errors(args: tuple[str, ...], tmp_path: Path) -> None:
    path = _text_corpus(tmp_path / "news.txt")
    result = invoke("dedup", *args, str(path))
    assert result.exit_code == 2
    assert result.stdout == ""


def test_json_lines_and_text_cannot_share_one_output(tmp_path: Path) -> None:
    text = _text_corpus(tmp_path / "a.txt")
    records = _write(tmp_path / "b.jsonl", b"".join(_records()))
    result = invoke("dedup", str(text), str(records))
    assert result.exit_code == 2 and "cannot mix" in result.stderr
    assert invoke("dedup", "--check", str(text), str(records)).exit_code == 1


def test_two_workers_give_the_output_of_one(tmp_path: Path) -> None:
    """Signatures in worker processes (forced on a small input, in small parts), the index
    and the clusters here: the same bytes, for files, standard input and --lines."""
    docs = DOCS * 3 + [(f"x{i}", f"{t}\nनई दिल्ली: खबर {i}") for i, (_, t) in enumerate(DOCS)]
    path = _text_corpus(tmp_path / "news.txt", docs)
    env = {**WITH_WORKERS, "NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=4096"}
    for args in (
        ("--doc-sep", "blank", str(path)),
        ("--doc-sep", "blank", "--clusters", str(path)),
        ("--lines", "--doc-sep", "blank", str(path)),
        ("--doc-sep", "blank", "-"),
    ):
        stdin = path.read_bytes() if "-" in args else None
        one = run_process("dedup", "--jobs", "1", *args, input=stdin, env=env)
        two = run_process("dedup", "--jobs", "2", *args, input=stdin, env=env)
        assert one.returncode == two.returncode == 0, two.stderr
        assert one.stdout == two.stdout and one.stdout
        assert one.stderr == two.stderr


def test_workers_report_bad_input_before_anything_is_written(tmp_path: Path) -> None:
    bad = _write(tmp_path / "b.txt", (f"{WATER}\n\n" * 20).encode() + b"\xc3(\n" + MARKET.encode())
    env = {"NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=4096"}
    result = run_process("dedup", "--jobs", "2", "--doc-sep", "blank", str(bad), env=env)
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode().startswith(
        f"{bad}:{(WATER.count(chr(10)) + 2) * 20 + 1}: invalid UTF-8"
    )


def test_clusters_table() -> None:
    import io

    from newskit import render

    member = {"path": "a.jsonl", "doc": 1, "line": 1, "id": "बीबीसी-1", "keep": True}
    records = [
        {
            "cluster": 1,
            "size": 2,
            "members": [
                {**member, "similarity": 1.0},
                {
                    **member,
                    "doc": 9,
                    "line": 9,
                    "id": "बीबीसी-9",
                    "keep": False,
                    "similarity": 0.7734,
                },
            ],
        },
        {
            "cluster": 2,
            "size": 2,
            "members": [
                {"path": "b.txt", "doc": 3, "line": 7, "keep": True, "similarity": 1.0},
                {"path": "b.txt", "doc": 4, "line": 19, "keep": False, "similarity": 0.9},
            ],
        },
    ]
    buf = io.StringIO()
    assert render.render_dedup_clusters(records, file=buf, width=80, color=False) == 2
    assert [line.rstrip() for line in buf.getvalue().splitlines()[1:]] == [
        " cluster   similarity   kept   document (path:line #doc, id)",
        " " + "─" * 59,
        "       1         1.00    yes   a.jsonl:1 #1  बीबीसी-1",
        "                 0.77          a.jsonl:9 #9  बीबीसी-9",
        "",
        "       2         1.00    yes   b.txt:7 #3",
        "                 0.90          b.txt:19 #4",
        "",
    ]
