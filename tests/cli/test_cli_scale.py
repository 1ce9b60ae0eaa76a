"""Beyond one machine (issue 16): a Dask cluster, shards merged with no engine, Parquet.

The Dask tests start a ``LocalCluster`` of two worker processes (as ``--dask local:2`` does),
so they exercise the same pickling, scheduling and tree reduction as a real cluster.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_process
from samples import BN, HI

pytest.importorskip("distributed", reason="the scale extra is not installed (make install has it)")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SMALL = {"NEWSKIT_TUNING": "chunk_bytes=20000,batch_bytes=20000"}


def _articles(n: int, salt: str = "") -> str:
    paragraphs = [p for src in (HI, BN) for p in src.read_text("utf-8").split("\n") if p]
    docs = []
    for i in range(n):
        k = 2 + i % 4
        docs.append("\n".join(paragraphs[(i * 5 + j) % len(paragraphs)] for j in range(k)))
        docs[-1] += f"\n{salt}{i}\n"
    return "\n".join(docs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A large file, small files, a .gz, a JSON Lines and a Parquet file."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "big.txt").write_text(_articles(150), "utf-8")
    (root / "small").mkdir()
    for i in range(4):
        (root / "small" / f"{i}.txt").write_text(_articles(3, f"s{i}-"), "utf-8")
    with gzip.open(root / "small" / "z.txt.gz", "wt", encoding="utf-8") as f:
        f.write(_articles(10, "z"))
    docs = _articles(60, "j").split("\n\n")
    (root / "records.jsonl").write_text(
        "".join(json.dumps({"text": d}, ensure_ascii=False) + "\n" for d in docs), "utf-8"
    )
    pq.write_table(
        pa.table({"text": docs, "n": list(range(len(docs)))}),
        root / "rows.parquet",
        row_group_size=7,
    )
    return root


def _stats(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return run_process("stats", "--format", "json", "--doc-sep", "blank", *args, env=env)


def _inputs(root: Path) -> list[str]:
    return [
        str(root / "big.txt"),
        str(root / "small"),
        str(root / "records.jsonl"),
        str(root / "rows.parquet"),
    ]


def test_dask_local_cluster_gives_the_output_of_one_process(corpus: Path) -> None:
    one = _stats("--jobs", "1", *_inputs(corpus))
    dask = _stats("--dask", "local:2", *_inputs(corpus), env=SMALL)
    assert one.returncode == dask.returncode == 0, dask.stderr
    assert one.stdout == dask.stdout
    assert b"Dask dashboard at http" in dask.stderr
    assert json.loads(one.stdout)["total"]["files"] == 8


def test_dask_reports_a_bad_byte_as_one_process_does(tmp_path: Path) -> None:
    text = _articles(100).encode()
    cut = text.index(b"\n\n", len(text) // 2) + 2
    bad = tmp_path / "bad.txt"
    bad.write_bytes(text[:cut] + b"x \xff\n" + text[cut:])
    one = _stats("--jobs", "1", str(bad))
    dask = _stats("--dask", "local:2", str(bad), env=SMALL)
    assert one.returncode == dask.returncode == 1
    assert one.stdout == dask.stdout
    line = text[:cut].count(b"\n") + 1
    assert f"bad.txt:{line}: invalid UTF-8".encode() in dask.stderr


def test_parquet_totals_equal_the_same_records_as_json_lines(corpus: Path) -> None:
    jsonl = _stats("--jobs", "1", str(corpus / "records.jsonl"))
    parquet = _stats(
        "--jobs", "2", str(corpus / "rows.parquet"), env={"NEWSKIT_TUNING": "workers_from_bytes=0"}
    )
    assert jsonl.returncode == parquet.returncode == 0
    a, b = json.loads(jsonl.stdout), json.loads(parquet.stdout)
    assert a["total"] == b["total"] and a["sections"] == b["sections"]


def test_a_null_in_a_parquet_text_column_is_named_by_its_row(tmp_path: Path) -> None:
    path = tmp_path / "nulls.parquet"
    pq.write_table(pa.table({"text": ["एक।", None, "दो।"]}), path)
    r = _stats(str(path))
    assert r.returncode == 1
    assert b"nulls.parquet: row 2: column 'text' is null" in r.stderr


@pytest.mark.parametrize("n", [1, 3])
def test_shards_merged_print_what_one_run_prints(corpus: Path, tmp_path: Path, n: int) -> None:
    # a bad byte in the middle of the big file, which a shard boundary cuts
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    text = (src / "big.txt").read_bytes()
    cut = text.index(b"\n\n", len(text) // 3) + 2
    (src / "big.txt").write_bytes(text[:cut] + b"x \xff\n" + text[cut:])
    one = _stats("--jobs", "1", *_inputs(src))
    states = []
    for k in range(1, n + 1):
        state = tmp_path / f"s{k}.state"
        r = _stats("--shard", f"{k}/{n}", "--save-state", str(state), *_inputs(src), env=SMALL)
        assert r.returncode in (0, 1) and r.stdout == b"", r.stderr
        states.append(str(state))
    merged = run_process("stats", "--merge", "--format", "json", *reversed(states))
    assert one.returncode == merged.returncode == 1
    assert one.stdout == merged.stdout
    assert one.stderr == merged.stderr


def test_merge_refuses_missing_or_foreign_shards(corpus: Path, tmp_path: Path) -> None:
    for k in (1, 2):
        _stats("--shard", f"{k}/3", "--save-state", str(tmp_path / f"s{k}"), *_inputs(corpus))
    r = run_process("stats", "--merge", str(tmp_path / "s1"), str(tmp_path / "s2"))
    assert r.returncode == 2 and b"missing shard [3] of 3" in r.stderr
    _stats("--save-state", str(tmp_path / "other"), str(corpus / "big.txt"))
    r = run_process("stats", "--merge", str(tmp_path / "s1"), str(tmp_path / "other"))
    assert r.returncode == 2 and b"comes from another run" in r.stderr
    (tmp_path / "junk").write_text("not a state")
    r = run_process("stats", "--merge", str(tmp_path / "junk"))
    assert r.returncode == 2 and b"not a newskit state file" in r.stderr


@pytest.fixture
def cluster() -> Iterator[object]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=40,
        ) as lc,
        Client(lc) as client,
    ):
        yield client


def test_a_worker_that_dies_mid_run_changes_nothing(cluster: object, tmp_path: Path) -> None:
    # Dask runs the killed worker's tasks again: the output is that of one process, or the
    # command stops with a message and no output, never a silent wrong total.
    big = tmp_path / "big.txt"
    big.write_text(_articles(2000), "utf-8")
    one = _stats("--jobs", "1", str(big))
    pids = cluster.run(os.getpid)  # type: ignore[attr-defined]
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newskit",
            "stats",
            "--format",
            "json",
            "--doc-sep",
            "blank",
            "--dask",
            address,
            str(big),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **SMALL},
    )
    time.sleep(3)
    os.kill(next(iter(pids.values())), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    if proc.returncode == 0:
        assert out == one.stdout
    else:
        assert proc.returncode == 1 and out == b"" and err.startswith(b"newskit: "), err


def test_a_worker_with_another_newskit_is_refused(cluster: object, tmp_path: Path) -> None:
    def pretend() -> None:
        import newskit

        newskit.__version__ = "0.0.0-other"

    cluster.run(pretend)  # type: ignore[attr-defined]
    (tmp_path / "a.txt").write_text("एक।\n", "utf-8")
    address = cluster.scheduler.address  # type: ignore[attr-defined]
    r = _stats("--dask", address, str(tmp_path / "a.txt"))
    assert r.returncode == 1
    assert b"the Dask workers must run the same newskit" in r.stderr
    assert b"0.0.0-other" in r.stderr and r.stdout == b""


def test_no_dask_import_without_dask(tmp_path: Path) -> None:
    code = (
        "import sys, newskit.cli as c\n"
        "c.main(['stats', '--jobs', '2', sys.argv[1]])\n"
        "heavy = ('dask', 'distributed', 'pyarrow')\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in heavy]\n"
    )
    (tmp_path / "a.txt").write_text("एक।\n", "utf-8")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.txt")], capture_output=True)
    assert r.returncode == 0, r.stderr


def _tree(root: Path) -> dict[str, bytes]:
    def content(p: Path) -> bytes:
        data = p.read_bytes()
        return gzip.decompress(data) if p.suffix == ".gz" else data  # (gzip stamps a time)

    return {p.relative_to(root).as_posix(): content(p) for p in root.rglob("*") if p.is_file()}


def test_normalize_to_a_directory_on_dask_writes_the_same_tree(
    corpus: Path, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    shutil.copytree(corpus / "small", src)
    (src / "big.txt").write_text(_articles(150).replace("।", " |"), "utf-8")
    (src / "bad.txt").write_bytes("दु:ख\n".encode() + b"\xff\n")
    one = run_process("normalize", "--jobs", "1", str(src), "-o", f"{tmp_path}/one/")
    dask = run_process("normalize", "--dask", "local:2", str(src), "-o", f"{tmp_path}/dask/")
    assert one.returncode == dask.returncode == 1
    assert _tree(tmp_path / "one") == _tree(tmp_path / "dask")
    assert b"bad.txt:2: invalid UTF-8" in dask.stderr
    stdout_one = run_process("normalize", "--jobs", "1", str(src / "big.txt"))
    stdout_dask = run_process("normalize", "--dask", "local:2", str(src / "big.txt"), env=SMALL)
    assert stdout_one.stdout == stdout_dask.stdout and stdout_one.returncode == 0


def test_normalize_writes_parquet_back_with_the_other_columns_untouched(tmp_path: Path) -> None:
    texts = ["दु:ख है |", None, "অত:পর বলেন |", "clean"]
    pq.write_table(
        pa.table({"id": [7, 8, 9, 10], "text": texts, "lang": ["hi", "hi", "bn", "en"]}),
        tmp_path / "in.parquet",
        row_group_size=2,
    )
    check = run_process("normalize", "--check", str(tmp_path / "in.parquet"))
    assert check.returncode == 1 and b"would normalize" in check.stderr
    r = run_process("normalize", str(tmp_path / "in.parquet"), "-o", f"{tmp_path}/out/")
    assert r.returncode == 0, r.stderr
    out = pq.read_table(tmp_path / "out" / "in.parquet")
    assert out.column("text").to_pylist() == ["दुःख है ।", None, "অতঃপর বলেন ।", "clean"]
    assert out.column("id").to_pylist() == [7, 8, 9, 10]
    assert out.column("lang").to_pylist() == ["hi", "hi", "bn", "en"]
    assert pq.ParquetFile(tmp_path / "out" / "in.parquet").metadata.num_row_groups == 2
    stdout = run_process("normalize", str(tmp_path / "in.parquet"))
    assert stdout.returncode == 2 and b"written back as Parquet" in stdout.stderr


def test_text_commands_shard_by_input_and_the_parts_make_one_run(corpus: Path) -> None:
    args = [str(corpus / "big.txt"), str(corpus / "small")]
    for command in (["tokenize"], ["quotes"], ["normalize"]):
        whole = run_process(*command, *args)
        parts = [run_process(*command, "--shard", f"{k}/3", *args) for k in (1, 2, 3)]
        assert whole.returncode == 0 and all(p.returncode == 0 for p in parts)
        assert b"".join(p.stdout for p in parts) == whole.stdout, command
        assert sum(bool(p.stdout) for p in parts) >= 2  # (the work is shared out)


def test_dedup_on_dask_keeps_what_one_process_keeps(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / "big.txt").read_text("utf-8")
    docs = text.split("\n\n")
    twice = tmp_path / "twice.txt"  # every fifth article again, edited a little
    twice.write_text("\n\n".join(docs + [d.replace("।", ".") for d in docs[::5]]), "utf-8")
    one = run_process("dedup", "--doc-sep", "blank", "--jobs", "1", str(twice))
    dask = run_process("dedup", "--doc-sep", "blank", "--dask", "local:2", str(twice), env=SMALL)
    assert one.returncode == dask.returncode == 0
    assert one.stdout == dask.stdout
    assert b"dropped" in dask.stderr
