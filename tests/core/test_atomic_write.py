"""The file layer every command that writes files shares (:mod:`newskit.io`): atomic
writes (modes, backups, long names, symbolic links, SIGTERM/SIGHUP), stale temporary files,
and the walk of directory arguments."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newskit.io import TEMP_SUFFIX, atomic_write, iter_sources, stale_temps

TEXT = "दु:ख  है |\n".encode()


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(TEMP_SUFFIX))


def test_a_new_file_gets_the_mode_open_gives_and_a_rewritten_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    # (a temporary file is made 0o600: outputs of `-o DIR/` stayed private to their owner)
    for mask, mode in ((0o022, 0o644), (0o027, 0o640)):
        with umask(mask):
            new = tmp_path / f"new-{mask:o}.txt"
            with atomic_write(new) as f:
                f.write(TEXT)
            assert stat.S_IMODE(new.stat().st_mode) == mode
    old = tmp_path / "old.txt"
    old.write_bytes(b"x\n")
    old.chmod(0o604)
    with atomic_write(old) as f:
        f.write(TEXT)
    assert stat.S_IMODE(old.stat().st_mode) == 0o604
    assert old.read_bytes() == TEXT
    assert temps(tmp_path) == []


def test_the_temporary_file_is_hidden_beside_the_file_and_named_after_the_process(
    tmp_path: Path,
) -> None:
    target = tmp_path / "a.txt"
    with atomic_write(target) as f:
        f.write(TEXT)
        (name,) = temps(tmp_path)
        assert name.startswith(f".a.txt.{os.getpid()}-")
        assert not target.exists()  # (nothing under the final name before the end)
    assert target.read_bytes() == TEXT
    assert temps(tmp_path) == []


def test_a_failing_block_leaves_the_original_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"original\n")
    with pytest.raises(ValueError), atomic_write(target, backup=".orig") as f:
        f.write(TEXT)
        raise ValueError("stop")
    assert target.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no backup either


def test_a_backup_holds_the_original_and_replaces_an_older_backup(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"first\n")
    os.utime(target, (1_000_000_000, 1_000_000_000))
    (tmp_path / "a.txt.orig").write_bytes(b"an older backup\n")
    with atomic_write(target, backup=".orig") as f:
        f.write(TEXT)
    backup = tmp_path / "a.txt.orig"
    assert backup.read_bytes() == b"first\n"
    assert backup.stat().st_mtime == 1_000_000_000  # (the original itself, not a copy)
    assert target.read_bytes() == TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.orig"]


def test_long_names_still_fit_with_the_temporary_suffix(tmp_path: Path) -> None:
    # 80 Devanagari letters are 240 bytes: with ".NAME.PID-XXXXXXXX.newskit-tmp" the
    # temporary file's name would pass the 255 bytes a name may have.
    name = "क" * 80 + ".txt"
    assert len(name.encode()) == 244
    target = tmp_path / name
    target.write_bytes(b"x\n")
    with atomic_write(target, backup="~") as f:
        f.write(TEXT)
    assert target.read_bytes() == TEXT
    assert (tmp_path / (name + "~")).read_bytes() == b"x\n"


def test_a_symbolic_link_is_written_through_or_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    link = tmp_path / "link.txt"
    real.write_bytes(b"old\n")
    link.symlink_to("real.txt")
    with atomic_write(link) as f:  # (as a shell's `>` does)
        f.write(TEXT)
    assert link.is_symlink() and real.read_bytes() == TEXT
    with atomic_write(link, follow_symlinks=False) as f:
        f.write(b"new\n")
    assert not link.is_symlink() and link.read_bytes() == b"new\n"
    assert real.read_bytes() == TEXT


SIGNALLED = """
import os, signal, sys, time
from pathlib import Path
from newskit.io import atomic_write

target = Path(sys.argv[1])
with atomic_write(target, backup=".orig") as f:
    f.write(b"half of it")
    f.flush()
    print(sorted(os.listdir(target.parent)), flush=True)
    os.kill(os.getpid(), int(sys.argv[2]))
    time.sleep(10)  # (never reached: the signal ends the process)
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_remove_the_temporary_file_and_end_by_the_signal(
    tmp_path: Path, sig: int
) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"original\n")
    r = subprocess.run(
        [sys.executable, "-c", SIGNALLED, str(target), str(int(sig))],
        capture_output=True,
        timeout=60,
    )
    assert TEMP_SUFFIX in r.stdout.decode()  # (it was there when the signal came)
    assert r.returncode == -sig, r.stderr  # (a shell says 128+N)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    assert target.read_bytes() == b"original\n"


def test_stale_temporary_files_are_those_of_processes_that_are_gone(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    dead = int(gone.stdout)
    names = {
        f".a.txt.{dead}-abcd_123{TEMP_SUFFIX}": True,  # its process ended
        f".b.txt.abcdefgh{TEMP_SUFFIX}": True,  # no process in the name (an older newskit)
        f".c.txt.{os.getpid()}-abcdefgh{TEMP_SUFFIX}": False,  # this process is writing it
        f".d.txt.1-abcdefgh{TEMP_SUFFIX}": False,  # a process that is running
        "e.txt": False,
    }
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    found = stale_temps([tmp_path, tmp_path / "missing"])
    assert sorted(p.name for p in found) == sorted(n for n, stale in names.items() if stale)


# The walk of a directory argument: the same files, in the same order, as
# ``sorted(root.rglob(pattern))`` gave before it became a walk of its own (which skips the
# run's output and temporary files).

NAMES = st.sampled_from(["a.txt", "b.txt", "a", "c.md", "ख.txt", "x.txt.gz", ".h.txt"])


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str]]:
    """``(path, kind)`` with kind ``file``, ``dir``, ``link-file``, ``link-dir`` or
    ``dangling``: nested directories, the same names at several depths."""
    entries: list[tuple[str, str]] = []
    dirs = [""]
    for _ in range(draw(st.integers(1, 14))):
        parent = draw(st.sampled_from(dirs))
        name = draw(NAMES)
        path = f"{parent}{name}"
        if any(p == path or p.startswith(path + "/") for p, _ in entries):
            continue
        kind = draw(st.sampled_from(["file", "file", "dir", "link-file", "link-dir", "dangling"]))
        if kind == "dir" and len(parent.split("/")) < 4:
            dirs.append(path + "/")
        entries.append((path, kind))
    return entries


def make(root: Path, entries: list[tuple[str, str]]) -> None:
    (root / "target-dir").mkdir(parents=True)
    (root / "target-dir" / "t.txt").write_bytes(b"t\n")
    (root / "target.txt").write_bytes(b"t\n")
    tree = root / "tree"
    tree.mkdir()
    for path, kind in entries:
        p = tree / path
        if kind == "dir":
            p.mkdir()
        elif kind == "file":
            p.write_bytes(b"x\n")
        elif kind == "link-file":
            p.symlink_to(root / "target.txt")
        elif kind == "link-dir":
            p.symlink_to(root / "target-dir")
        else:
            p.symlink_to(root / "nothing")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.sampled_from([(), ("*",), ("*.txt", "*.md"), ("x*",)]))
def test_the_walk_finds_what_rglob_found_in_the_same_order(
    entries: list[tuple[str, str]], globs: tuple[str, ...]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make(root, entries)
        tree = root / "tree"
        patterns = globs or ("*.txt", "*.txt.gz")
        found: set[Path] = set()
        for pattern in patterns:
            found.update(q for q in tree.rglob(pattern) if q.is_file())
        expected = [(q, q.relative_to(tree).as_posix()) for q in sorted(found)]
        got = [(s.path, s.rel) for s in iter_sources([str(tree)], globs)]
        assert got == expected
        assert all(s.root == tree for s in iter_sources([str(tree)], globs))


def test_the_walk_leaves_out_the_output_and_temporary_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "clean" / "deeper").mkdir(parents=True)
    for rel in ("a.txt", "clean/a.txt", "clean/deeper/b.txt", f".a.txt.1-abcdefgh{TEMP_SUFFIX}"):
        (data / rel).write_bytes(b"x\n")
    skipped: list[tuple[Path, OSError | None]] = []

    def walk(*exclude: Path, globs: tuple[str, ...] = ("*",)) -> list[str]:
        sources = iter_sources([str(data)], globs, None, exclude, lambda *a: skipped.append(a))
        return [s.rel for s in sources]

    assert walk() == ["a.txt", "clean/a.txt", "clean/deeper/b.txt"]  # (never a temp file)
    assert walk(data / "clean") == ["a.txt"]
    assert skipped == [(data / "clean", None)]
    assert walk(data / "clean" / "deeper" / "b.txt") == ["a.txt", "clean/a.txt"]
    assert walk(data) == walk()  # (the output is the input tree itself: nothing is inside)
    # spelled another way (a link to the directory): the same directory
    (tmp_path / "link").symlink_to(data)
    assert walk(tmp_path / "link" / "clean") == ["a.txt"]


def test_files_named_keep_their_path_below_their_common_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for rel in ("raw/2019/a.txt", "raw/2020/a.txt", "raw/2020/b.txt", "c.txt", "d/e.txt"):
        Path(rel).parent.mkdir(parents=True, exist_ok=True)
        Path(rel).write_bytes(b"x\n")

    def rels(*paths: str) -> list[str]:
        return [s.rel for s in iter_sources(paths)]

    assert rels("raw/2019/a.txt", "raw/2020/a.txt") == ["2019/a.txt", "2020/a.txt"]
    assert rels("raw/2020/a.txt", "raw/2020/b.txt") == ["a.txt", "b.txt"]  # (as before)
    assert rels(str(tmp_path / "raw/2020/b.txt")) == ["b.txt"]
    assert rels("c.txt", "raw/2020/b.txt") == ["c.txt", "raw/2020/b.txt"]
    assert rels("d/e.txt", "raw/2019/../2020/a.txt") == ["d/e.txt", "raw/2020/a.txt"]
    monkeypatch.chdir(tmp_path / "d")
    assert rels("../c.txt", "e.txt") == ["c.txt", "d/e.txt"]  # (never a "..")
    # a directory argument is not one of the files named: its files keep their own paths
    assert rels("../raw", "e.txt") == ["2019/a.txt", "2020/a.txt", "2020/b.txt", "e.txt"]
