"""The worker machinery of the text commands: one stream of chunks for all the inputs
(:func:`newskit.parallel.ordered_write`), split back per input
(:func:`newskit.parallel.by_input`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import WITH_WORKERS, child_processes, run_process
from newskit.parallel import WorkerDied, by_input, ordered_write
from samples import BN, HI

PARENT = os.getpid()


def _echo(item: str) -> tuple[bytes, tuple[str, int], bool]:
    """A task: writes its item as a line; ``stop…`` stops its input, ``boom…`` fails,
    ``die`` ends the worker process."""
    if item.startswith("boom"):
        raise OSError(5, f"cannot read {item}")
    if item == "die" and os.getpid() != PARENT:
        os._exit(3)
    return f"{item}\n".encode(), (item, os.getpid()), item.startswith("stop")


def _failing(*items: str) -> Iterator[str]:
    """The items of an input whose reading fails after them."""
    yield from items
    raise OSError(5, "read error")


def _run(
    groups: list[Any],
    tmp_path: Path,
    in_process: int,
    size: Callable[[Any], int],
    slow_input: bool = False,
) -> tuple[list[tuple[int, Any]], str]:
    out = tmp_path / "out.txt"
    with open(out, "wb") as f:
        stream = ordered_write(
            _echo,
            groups,
            jobs=2,
            fd=f.fileno(),
            in_process=in_process,
            size=size,
            slow_input=slow_input,
        )
        results = list(stream)
    return results, out.read_text()


# The two kinds of workers: forked ones to which this process passes the turn to write
# (files), and a process pool whose workers pass it among themselves (stdin, .gz files).
KINDS = pytest.mark.parametrize("slow_input", [False, True], ids=["files", "slow-input"])


ONE_A_TASK = 1 << 20  # every item is as large as a batch
BATCHED = 1  # many items to a task


@KINDS
@pytest.mark.parametrize("item_size", [ONE_A_TASK, BATCHED])
def test_one_set_of_workers_writes_every_input_in_order(
    tmp_path: Path, item_size: int, slow_input: bool
) -> None:
    groups = [[f"a{i}" for i in range(5)], [], ["b0"], [f"c{i}" for i in range(40)]]
    results, written = _run(groups, tmp_path, 0, lambda _: item_size, slow_input)
    expected = [(g, item) for g, items in enumerate(groups) for item in items]
    assert [(g, r[0]) for g, r in results] == expected
    assert written == "".join(f"{item}\n" for _, item in expected)
    pids = {r[1] for _, r in results}
    assert os.getpid() not in pids and len(pids) <= 2  # two workers for the four inputs


@KINDS
@pytest.mark.parametrize("in_process", [0, 2, 100])
@pytest.mark.parametrize("item_size", [ONE_A_TASK, BATCHED])
def test_a_stop_or_a_failure_ends_only_its_input(
    tmp_path: Path, in_process: int, item_size: int, slow_input: bool
) -> None:
    groups = [
        ["a0", "stop-a1", "a2", "a3"],  # an error after good lines: a2, a3 neither run nor written
        ["b0"],
        ["c0", "boom-c1", "c2"],  # the task fails
        _failing("d0"),  # reading the input fails
        ["e0", "e1"],
    ]
    results, written = _run(groups, tmp_path, in_process, lambda _: item_size, slow_input)
    assert written == "a0\nstop-a1\nb0\nc0\nd0\ne0\ne1\n"
    seen: list[tuple[int, list[str], str | None]] = []
    for i, done in by_input(iter(results), 6):
        items: list[str] = []
        try:
            items.extend(item for item, _ in done)
        except OSError as exc:
            seen.append((i, items, exc.strerror))
        else:
            seen.append((i, items, None))
    assert seen == [
        (0, ["a0", "stop-a1"], None),
        (1, ["b0"], None),
        (2, ["c0"], "cannot read boom-c1"),
        (3, ["d0"], "read error"),
        (4, ["e0", "e1"], None),
        (5, [], None),  # an input with nothing in the stream
    ]


def test_a_worker_that_dies_ends_the_stream_with_an_error(tmp_path: Path) -> None:
    # (not a hang: the parent watches every worker's pipe; and no worker is left behind)
    groups = [[f"a{i}" for i in range(10)], ["die"], [f"c{i}" for i in range(10)]]
    before = child_processes()
    with pytest.raises(WorkerDied, match="ended unexpectedly"):
        _run(groups, tmp_path, 0, lambda _: ONE_A_TASK)
    assert child_processes() <= before  # no worker left, running or not waited for


def test_a_killed_worker_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    code = "import os, newskit.cli as c, newskit.pipeline.rewrite as n; "
    code += "f = n._for_writing; "
    code += "n._for_writing = lambda t: os._exit(9) if t.chunk.data.start else f(t); "
    code += "c.entry_point()"
    (tmp_path / "a.txt").write_bytes(BN.read_bytes() * 200)
    proc = subprocess.run(
        [sys.executable, "-c", code, "normalize", "--jobs", "2", str(tmp_path / "a.txt")],
        capture_output=True,
        env={**os.environ, **WITH_WORKERS},
    )
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("newskit: a worker process (pid ")
    assert b"Traceback" not in proc.stderr


def _command(*args: str) -> subprocess.CompletedProcess[bytes]:
    """newskit with workers for inputs of any size (by default, inputs of under 8 MiB in all
    are done in the main process); a real stdout, which the workers write themselves."""
    return run_process(*args, env=WITH_WORKERS)


@pytest.mark.parametrize(
    "args",
    [
        ["normalize"],
        ["normalize", "--explain"],
        ["tokenize"],
        ["tokenize", "--format", "jsonl"],
        ["sentences"],
    ],
)
def test_a_directory_with_bad_files_comes_out_as_with_one_process(
    tmp_path: Path, args: list[str]
) -> None:
    # Many inputs share the workers: a bad byte, a NUL byte, a binary file and an empty file
    # among them end only themselves, with the same output, messages and exit status.
    text = HI.read_text("utf-8") + "\n" + BN.read_text("utf-8") + "\n"
    good = "दु:ख है |\n".encode() + text.encode()
    assert 12_000 < len(good) < 14_000  # (so that these files are of two 1 MiB chunks)
    (tmp_path / "a.txt").write_bytes(good * 100)
    (tmp_path / "b-bad.txt").write_bytes(good * 100 + b"x \xff\n" + good * 30)
    (tmp_path / "c-binary.txt").write_bytes(b"\x00\x01" * 10)
    (tmp_path / "d-empty.txt").write_bytes(b"")
    (tmp_path / "e-nul.txt").write_bytes(good * 85 + b"x\x00y\n" + good)  # in chunk 2
    for i in range(20):  # small files, batched together
        (tmp_path / f"f{i:02d}.txt").write_bytes(good[: 200 + 50 * i].rsplit(b"\n", 1)[0] + b"\n")
    one, two = (_command(*args, "--jobs", j, str(tmp_path)) for j in ("1", "2"))
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    messages = two.stderr.decode()
    assert "b-bad.txt:" in messages and "invalid UTF-8" in messages
    assert "c-binary.txt: contains NUL bytes" in messages
    assert "e-nul.txt:" in messages and "NUL byte in text" in messages
    assert two.stdout.count(b"\n") > 100 * 40


@pytest.mark.parametrize(
    ("nul_at", "status", "message"),
    [
        (10, 0, b"a.txt: contains NUL bytes (binary file?), skipped"),  # in the first 64 bytes
        (90, 1, b"a.txt:1: NUL byte in text"),  # after them, in the first line
        (150, 1, b"a.txt:2: NUL byte in text"),  # in the second line
    ],
)
def test_a_binary_file_is_the_same_with_workers(
    tmp_path: Path, nul_at: int, status: int, message: bytes
) -> None:
    # A file is binary (skipped) when its first BLOCK_SIZE bytes hold a NUL byte; the lines
    # before a later one are written, then its line is named. The chunks read here end at
    # a line end before BLOCK_SIZE, the workers' ranges after it: both must agree.
    code = "import newskit.cli as c, newskit.io as io; io.BLOCK_SIZE = 64; c.entry_point()"
    data = bytearray(("क" * 33 + "\n" + "ख" * 20 + "\n") * 3, "utf-8")  # lines of 100, 61
    data[nul_at] = 0
    (tmp_path / "a.txt").write_bytes(bytes(data))
    one, two = (
        subprocess.run(
            [sys.executable, "-c", code, "normalize", "--jobs", j, str(tmp_path / "a.txt")],
            capture_output=True,
            env={**os.environ, **WITH_WORKERS},
        )
        for j in ("1", "2")
    )
    assert (one.returncode, one.stdout, one.stderr) == (two.returncode, two.stdout, two.stderr)
    assert one.returncode == status
    assert message in one.stderr
    assert one.stdout == (data[:100] if nul_at == 150 else b"")
