"""Batch cleaning never loses or silently breaks a file (issue 21), through the command line:
every input ends up exactly once where the user expects it, or the run stops (exit 2)
having written nothing; the output is not read back as input; symbolic and hard links;
SIGTERM, SIGHUP and SIGKILL mid-rewrite; a full disk. With ``--jobs 1`` and ``--jobs 2``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import WITH_WORKERS, invoke
from newskit.io import TEMP_SUFFIX
from samples import BN, HI

DIRTY = "दु:ख  है |\nঅামার\u00a0দেশ \r\n"
CLEAN = "दुःख है ।\nআমার দেশ\n"

#: --jobs, and the tuning that makes workers take part on inputs of a few bytes: file
#: chunks to forked workers (every file is "large"), or whole small files to a pool.
JOBS = {
    "1": {},
    "2": WITH_WORKERS,
    "2-pool": {"NEWSKIT_TUNING": "workers_from_bytes=120,batch_bytes=100"},
}


def normalize(*args: str, jobs: str = "1") -> object:
    return invoke("normalize", "--jobs", jobs[0], *args, env=JOBS[jobs])


def snapshot(root: Path, leave_out: Path | None = None) -> dict[str, tuple[str, object]]:
    """Everything under ``root``: directories, files (bytes), links (where they point)."""
    out: dict[str, tuple[str, object]] = {}
    for directory, dirs, files in os.walk(root):
        d = Path(directory)
        for name in [*dirs, *files]:
            p = d / name
            if leave_out is not None and (p == leave_out or leave_out in p.parents):
                continue
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir", None)
            else:
                out[rel] = ("file", p.read_bytes())
    return out


@functools.cache
def stdout_mode(content: bytes) -> bytes:
    """What ``newskit normalize`` writes on stdout for ``content``."""
    r = invoke("normalize", input=content)
    assert r.exit_code == 0, r.stderr
    return r.stdout_bytes


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    return path


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(f"*{TEMP_SUFFIX}")]


# --- destinations: decided and checked before anything is written ---------------------


@pytest.mark.parametrize("jobs", ["1", "2", "2-pool"])
def test_files_named_keep_their_path_below_their_common_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # `normalize raw/2019/a.txt raw/2020/a.txt -o clean/` wrote clean/a.txt twice, exit 0
    monkeypatch.chdir(tmp_path)
    write(Path("raw/2019/a.txt"), "2019 " + DIRTY)
    write(Path("raw/2020/a.txt"), "2020 " + DIRTY)
    r = normalize("raw/2019/a.txt", "raw/2020/a.txt", "-o", "clean/", jobs=jobs)
    assert r.exit_code == 0, r.stderr
    assert snapshot(Path("clean")) == {
        "2019": ("dir", None),
        "2019/a.txt": ("file", ("2019 " + CLEAN).encode()),
        "2020": ("dir", None),
        "2020/a.txt": ("file", ("2020 " + CLEAN).encode()),
    }


@pytest.mark.parametrize("jobs", ["1", "2-pool"])
def test_two_inputs_for_one_output_stop_the_run_having_written_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("raw/2019/a.txt"), "2019 " + DIRTY)
    write(Path("raw/2019/b.txt"), DIRTY)
    write(Path("raw/2020/a.txt"), "2020 " + DIRTY)
    write(Path("clean/old.txt"), "from before\n")
    before = snapshot(tmp_path)
    for args in (["raw/2019/", "raw/2020/"], ["raw/2019", "raw/2020/a.txt"]):
        r = normalize(*args, "-o", "clean/", jobs=jobs)
        assert r.exit_code == 2
        assert "nothing was written: 1 output would replace another or an input" in r.stderr
        assert f"clean/a.txt: from raw/2019/a.txt and from {args[1].rstrip('/')}" in r.stderr
        assert snapshot(tmp_path) == before


def test_an_output_that_would_replace_another_input_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `a.txt` goes to sub/a.txt, which is an input too: written first, it lost sub/a.txt's
    # text; read first, sub/sub/a.txt got a.txt's
    monkeypatch.chdir(tmp_path)
    write(Path("a.txt"), "a " + DIRTY)
    write(Path("sub/a.txt"), "sub " + DIRTY)
    before = snapshot(tmp_path)
    r = normalize("a.txt", "sub/a.txt", "-o", "sub/")
    assert r.exit_code == 2
    assert "sub/a.txt: from a.txt, but it is the input sub/a.txt" in r.stderr
    assert snapshot(tmp_path) == before


def test_the_same_file_named_and_found_is_written_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(data / "a.txt", DIRTY)
    write(data / "b.txt", CLEAN)
    out = tmp_path / "out"
    r = normalize(str(data), str(data / "a.txt"), "-o", f"{out}/", "--explain")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert r.stderr.count(f"{data / 'a.txt'}: ") == 1
    r = normalize("--in-place", "--explain", str(data), str(data / "a.txt"))
    assert r.exit_code == 0, r.stderr
    assert r.stderr.count(f"{data / 'a.txt'}: ") == 1
    assert (data / "a.txt").read_bytes().decode() == CLEAN


def test_a_backup_name_that_is_an_input_stops_the_run(tmp_path: Path) -> None:
    write(tmp_path / "x.txt", DIRTY)
    write(tmp_path / "x.txt.orig", "the first original\n" + DIRTY)
    before = snapshot(tmp_path)
    r = normalize("--in-place", "--backup", ".orig", "--glob", "*", str(tmp_path))
    assert r.exit_code == 2
    assert f"{tmp_path}/x.txt.orig: the backup of {tmp_path}/x.txt, but it is an input" in r.stderr
    assert "choose another --backup suffix" in r.stderr
    assert snapshot(tmp_path) == before
    r = normalize("--in-place", "--backup", ".orig", str(tmp_path))  # (*.txt: not the .orig)
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "x.txt.orig").read_bytes().decode() == DIRTY


@pytest.mark.parametrize("jobs", ["1", "2", "2-pool"])
def test_the_output_directory_inside_the_input_is_not_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # `normalize data/ -o data/clean/` run twice made data/clean/clean/x.txt
    monkeypatch.chdir(tmp_path)
    write(Path("data/x.txt"), DIRTY)
    write(Path("data/sub/y.txt"), DIRTY + DIRTY)
    expected = {
        "clean": ("dir", None),
        "clean/x.txt": ("file", CLEAN.encode()),
        "clean/sub": ("dir", None),
        "clean/sub/y.txt": ("file", (CLEAN + CLEAN).encode()),
        "sub": ("dir", None),
        "sub/y.txt": ("file", (DIRTY + DIRTY).encode()),
        "x.txt": ("file", DIRTY.encode()),
    }
    first = normalize("data/", "-o", "data/clean/", jobs=jobs)
    assert (first.exit_code, first.stderr) == (0, "")
    assert snapshot(Path("data")) == expected
    second = normalize("data/", "-o", "data/clean/", jobs=jobs)
    assert second.exit_code == 0
    assert second.stderr == "newskit: skipping data/clean: it is the output of this command\n"
    assert snapshot(Path("data")) == expected


def test_an_output_file_inside_the_input_is_not_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(Path("data/a.txt"), DIRTY)
    write(Path("data/b.txt"), "b " + DIRTY)
    for _ in range(2):
        r = normalize("data/", "-o", "data/all.txt")
        assert r.exit_code == 0, r.stderr
        assert Path("data/all.txt").read_bytes().decode() == CLEAN + "b " + CLEAN
    # an output named as an input too is fine: it is replaced only once read
    r = normalize("data/b.txt", "-o", "data/b.txt")
    assert r.exit_code == 0, r.stderr
    assert Path("data/b.txt").read_bytes().decode() == "b " + CLEAN


# --- symbolic and hard links -----------------------------------------------------------


def test_in_place_writes_through_a_symbolic_link_and_keeps_it(tmp_path: Path) -> None:
    # `corpus/today.txt -> 2025/12/29.txt` became a copy, and the real file stayed dirty
    day = write(tmp_path / "corpus" / "2025" / "12" / "29.txt", DIRTY)
    today = tmp_path / "corpus" / "today.txt"
    today.symlink_to("2025/12/29.txt")
    r = normalize("--in-place", "--backup", ".orig", str(today))
    assert r.exit_code == 0, r.stderr
    assert os.readlink(today) == "2025/12/29.txt"
    assert day.read_bytes().decode() == CLEAN
    assert (day.parent / "29.txt.orig").read_bytes().decode() == DIRTY  # (beside the file)
    assert not (tmp_path / "corpus" / "today.txt.orig").exists()


def test_no_follow_symlinks_refuses_a_link_named(tmp_path: Path) -> None:
    target = write(tmp_path / "real.txt", DIRTY)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    r = normalize("--in-place", "--no-follow-symlinks", str(link))
    assert r.exit_code == 1
    assert r.stderr == f"{link}: a symbolic link (to {target}); not rewritten\n"
    assert link.is_symlink() and target.read_bytes().decode() == DIRTY


@pytest.mark.parametrize("jobs", ["1", "2-pool"])
def test_links_found_in_a_directory(tmp_path: Path, jobs: str) -> None:
    tree = tmp_path / "tree"
    a = write(tree / "a.txt", "a " + DIRTY)
    outside = write(tmp_path / "outside.txt", "outside " + DIRTY)
    (tree / "link-in.txt").symlink_to("a.txt")  # a second name of a.txt
    (tree / "link-in-2.txt").symlink_to(a)  # and a third
    (tree / "link-out.txt").symlink_to(outside)
    r = normalize("--in-place", "--explain", str(tree), jobs=jobs)
    assert r.exit_code == 0, r.stderr
    assert a.read_bytes().decode() == "a " + CLEAN
    assert r.stderr.count(": nfc") + r.stderr.count("changed\n") == 1  # rewritten once
    assert f"{tree}/a.txt: " in r.stderr
    assert (
        f"warning: {tree}/link-out.txt: symbolic link to {outside}, outside the directories "
        "given: not rewritten (name it to rewrite it)"
    ) in r.stderr
    assert outside.read_bytes().decode() == "outside " + DIRTY
    assert all((tree / n).is_symlink() for n in ("link-in.txt", "link-in-2.txt", "link-out.txt"))
    # named, it is written through
    r = normalize("--in-place", str(tree / "link-out.txt"), jobs=jobs)
    assert (r.exit_code, r.stderr) == (0, "")
    assert outside.read_bytes().decode() == "outside " + CLEAN
    assert (tree / "link-out.txt").is_symlink()


def test_no_follow_symlinks_skips_the_links_found(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    a = write(tree / "a.txt", DIRTY)
    outside = write(tmp_path / "outside.txt", DIRTY)
    (tree / "link-in.txt").symlink_to("a.txt")
    (tree / "link-out.txt").symlink_to(outside)
    r = normalize("--in-place", "--no-follow-symlinks", str(tree))
    assert r.exit_code == 0, r.stderr
    assert r.stderr == f"warning: {tree}/link-out.txt: symbolic link not followed; skipped\n"
    assert a.read_bytes().decode() == CLEAN  # (a.txt is rewritten as itself)
    assert outside.read_bytes().decode() == DIRTY


def test_in_place_warns_that_other_hard_links_keep_the_old_text(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", DIRTY)
    b = tmp_path / "b.md"
    os.link(a, b)
    r = normalize("--in-place", str(a))
    assert r.exit_code == 0
    assert r.stderr == (
        f"warning: {a}: rewritten as a new file; its 1 other hard link still holds the old text\n"
    )
    assert a.read_bytes().decode() == CLEAN
    assert b.read_bytes().decode() == DIRTY
    r = normalize("--in-place", str(a))  # (no longer linked, and unchanged: nothing said)
    assert (r.exit_code, r.stderr) == (0, "")


def test_help_says_what_happens_to_links() -> None:
    r = invoke("normalize", "--help")
    text = " ".join(r.stdout.split())
    assert "--follow-symlinks / --no-follow-symlinks" in text
    assert "other hard links to the old one keep the old text" in text
    assert "Following is the default because the link is how the file was named" in text


# --- the property: every input exactly once, or nothing written -----------------------

CONTENTS = [
    DIRTY,
    CLEAN,
    "",
    "no newline at the end |",
    HI.read_text("utf-8")[:150] + "\n",
    BN.read_text("utf-8")[:90] + " |\n" + DIRTY,
]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    """A small tree under ``in/`` (nested directories, the same names in several of them,
    links to files inside it and outside it), what the command line names (directories and
    files), and where the output goes (``out/``, or inside the tree)."""
    dirs = ["in", "in/a", "in/b", "in/a/c", "in/b/c"]
    files: dict[str, str] = {}
    for d in dirs:
        for name in ("x.txt", "y.txt", "z.md"):
            if draw(st.integers(0, 9)) < 4:
                files[f"{d}/{name}"] = draw(st.sampled_from(CONTENTS))
    outside = {"outside/o1.txt": DIRTY, "outside/o2.txt": CONTENTS[4]}
    links: dict[str, str] = {}
    targets = sorted(f for f in files if f.endswith(".txt")) + sorted(outside)
    for _ in range(draw(st.integers(0, 3))):
        path = f"{draw(st.sampled_from(dirs))}/{draw(st.sampled_from(['l1.txt', 'l2.txt']))}"
        if path not in links:
            links[path] = draw(st.sampled_from(targets))
    named = sorted(f for f in [*files, *links] if f.endswith(".txt")) + sorted(outside)
    # (often two directories, which may hold the same names: collisions)
    args = [draw(st.sampled_from(dirs)) for _ in range(draw(st.integers(0, 2)))]
    args += [draw(st.sampled_from(named)) for _ in range(draw(st.integers(not args, 2)))]
    mode = draw(st.sampled_from(["out", "out-inside", "in-place"]))
    out = "out" if mode == "out" else f"{draw(st.sampled_from(dirs))}/out"
    old = draw(st.booleans()) and mode == "out-inside"  # the output of a run before
    return {
        "dirs": dirs,
        "files": {**files, **outside},
        "links": links,
        "args": args,
        "mode": mode,
        "out": out,
        "old": old,
    }


def expected_inputs(base: Path, args: list[str], out: Path | None) -> list[tuple[Path, str, bool]]:
    """``(path, path below the output, named)`` of the inputs, by the rules of the README
    (an oracle written apart from the code under test)."""
    named = [base / a for a in args if not (base / a).is_dir()]
    common = os.path.commonpath([os.path.abspath(p.parent) for p in named]) if named else ""
    found: list[tuple[Path, str, bool]] = []
    for a in args:
        p = base / a
        if not p.is_dir():
            found.append((p, os.path.relpath(os.path.abspath(p), common), True))
            continue
        walked = []
        for directory, dirs, files in os.walk(p):
            d = Path(directory)
            if out is not None and d == out and d != p:
                dirs[:] = []
                continue
            for name in files:
                q = d / name
                if name.endswith(".txt") and q.is_file() and q != out:
                    walked.append(q)
            dirs[:] = [n for n in dirs if not (out is not None and d / n == out and d / n != p)]
        for q in sorted(walked):
            found.append((q, q.relative_to(p).as_posix(), False))
    return found


def check_mirrored(base: Path, sc: dict, before: dict, r: object) -> None:
    out = base / str(sc["out"])
    inputs = expected_inputs(base, sc["args"], out)
    real = {os.path.realpath(p) for p, _, _ in inputs}
    targets: dict[str, set[str]] = {}
    for p, rel, _ in inputs:
        targets.setdefault(rel, set()).add(os.path.realpath(p))
    collide = any(len(v) > 1 for v in targets.values()) or any(
        os.path.realpath(out / rel) in real and os.path.realpath(out / rel) not in srcs
        for rel, srcs in targets.items()
    )
    if collide:
        assert r.exit_code == 2, r.stderr
        assert "nothing was written" in r.stderr
        assert snapshot(base) == before
        return
    assert r.exit_code == 0, r.stderr
    assert snapshot(base, leave_out=out) == {
        k: v for k, v in before.items() if not (base / k == out or out in (base / k).parents)
    }
    got = {k: v for k, v in snapshot(out).items() if v[0] == "file"}
    expected = {rel: ("file", stdout_mode(p.read_bytes())) for p, rel, _ in inputs}
    if sc["old"]:
        expected.setdefault("old.txt", ("file", DIRTY.encode()))
    assert got == expected


def check_in_place(base: Path, sc: dict, before: dict, r: object) -> None:
    inputs = expected_inputs(base, sc["args"], None)
    roots = [os.path.realpath(base / a) for a in sc["args"] if (base / a).is_dir()]
    direct = {os.path.realpath(p) for p, _, named in inputs if named or not p.is_symlink()}
    rewritten = set()
    for p, _, named in inputs:
        real = os.path.realpath(p)
        inside = any(os.path.commonpath([real, root]) == root for root in roots)
        if named or not p.is_symlink() or real in direct or inside:
            rewritten.add(real)
    assert r.exit_code == 0, r.stderr
    expected = dict(before)
    for real in rewritten:
        rel = Path(real).relative_to(os.path.realpath(base)).as_posix()
        expected[rel] = ("file", stdout_mode(before[rel][1]))  # type: ignore[arg-type]
    assert snapshot(base) == expected


@pytest.mark.parametrize("jobs", ["1", "2", "2-pool"])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sc=scenarios())
def test_every_input_once_byte_equal_to_stdout_mode_or_nothing_written(
    sc: dict[str, object], jobs: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for rel in sc["dirs"]:  # type: ignore[attr-defined]
            (base / rel).mkdir(parents=True, exist_ok=True)
        for rel, text in sc["files"].items():  # type: ignore[attr-defined]
            write(base / rel, text)
        for rel, target in sc["links"].items():  # type: ignore[attr-defined]
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            (base / rel).symlink_to(base / target)
        if sc["old"]:
            write(base / str(sc["out"]) / "old.txt", DIRTY)
        before = snapshot(base)
        args = [str(base / a) for a in sc["args"]]  # type: ignore[attr-defined]
        if sc["mode"] == "in-place":
            r = normalize("--in-place", *args, jobs=jobs)
            check_in_place(base, sc, before, r)
        else:
            r = normalize(*args, "-o", f"{base / str(sc['out'])}/", jobs=jobs)
            check_mirrored(base, sc, before, r)
        event(f"{sc['mode']}: exit {r.exit_code}")  # type: ignore[attr-defined]
        assert temps(base) == []


# --- signals ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_text() -> bytes:
    """24 MB of news text with script noise: a rewrite of it takes a good part of a second."""
    text = (DIRTY + HI.read_text("utf-8") + "\n" + BN.read_text("utf-8") + "\n").encode()
    return text * (24_000_000 // len(text))


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``python -m newskit ARGS`` in a session of its own (so that it and its workers can
    be stopped together)."""
    return subprocess.Popen(
        [sys.executable, "-m", "newskit", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        start_new_session=True,
    )


def written(where: Path, at_least: int) -> list[Path]:
    """The temporary files under ``where`` with ``at_least`` bytes written."""
    held = []
    for p in temps(where):
        with contextlib.suppress(FileNotFoundError):
            if p.stat().st_size >= at_least:
                held.append(p)
    return held


@contextlib.contextmanager
def frozen_mid_write(
    proc: subprocess.Popen[bytes], where: Path, at_least: int = 1
) -> Iterator[list[Path]]:
    """Wait until a temporary file of the run under ``where`` holds ``at_least`` bytes (a
    write in flight), stop the run and its workers there (SIGSTOP to its session), and
    yield the temporary files; on leaving, let them go on (SIGCONT). Fails if the run ends
    first."""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if written(where, at_least):
                os.killpg(proc.pid, signal.SIGSTOP)
                held = written(where, at_least)
                if held:
                    yield held
                    return
                os.killpg(proc.pid, signal.SIGCONT)  # (it was renamed in between)
            if proc.poll() is not None:
                pytest.fail(f"the run ended before a write could be caught: {proc.stderr}")
            time.sleep(0.002)
        pytest.fail("no temporary file appeared")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGCONT)


def ended(proc: subprocess.Popen[bytes], where: Path) -> tuple[int, str, list[Path]]:
    """The run's exit status, its stderr, and the temporary files left under ``where`` the
    moment it ended (as a script that waits for it would see them: a parent that left its
    workers to clean up after it would leave them there for a while)."""
    try:
        proc.wait(timeout=60)
        left = temps(where)
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):  # (no worker is left behind)
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err.decode(), left


#: SIGINT goes to the whole session, as Ctrl-C in a terminal sends it (Click then says
#: "Aborted!", exit 1); the others to the command only, as ``kill PID`` or a hangup.
SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL, signal.SIGINT]


def send(proc: subprocess.Popen[bytes], sig: int) -> None:
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)


def killed_by(sig: int) -> int:
    """The status a run ends with on ``sig``: killed by it (a shell says 128+N), or 1."""
    return 1 if sig == signal.SIGINT else -sig


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_during_an_in_place_rewrite_of_a_large_file(
    tmp_path: Path, big_text: bytes, sig: int, jobs: str
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(big_text)
    proc = start("normalize", "--jobs", jobs, "--in-place", str(big), env=JOBS[jobs])
    with frozen_mid_write(proc, tmp_path, at_least=1_000_000) as held:
        assert held[0].stat().st_size < len(big_text)  # (half-written)
        send(proc, sig)
    status, err, left = ended(proc, tmp_path)
    assert status == killed_by(sig), err
    assert big.read_bytes() == big_text
    if sig != signal.SIGKILL:
        assert left == []
        assert sorted(os.listdir(tmp_path)) == ["big.txt"]
        return
    # SIGKILL cannot be caught: the next run says so, and --clean-stale removes it
    assert left == held
    again = subprocess.run(
        [sys.executable, "-m", "newskit", "normalize", "--in-place", str(big)],
        capture_output=True,
        env={**os.environ, "NEWSKIT_TUNING": "chunk_bytes=4000000"},
    )
    assert again.returncode == 0
    assert again.stderr.decode() == (
        f"warning: {held[0]}: left by an interrupted newskit run (remove it, or run again "
        "with --clean-stale)\n"
    )
    assert big.read_bytes() == stdout_mode(big_text)
    r = normalize("--clean-stale", "--in-place", str(big))
    assert r.exit_code == 0
    assert r.stderr == f"newskit: removed {held[0]} (left by an interrupted newskit run)\n"
    assert sorted(os.listdir(tmp_path)) == ["big.txt"]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_during_o_dir_of_many_files(
    tmp_path: Path, big_text: bytes, sig: int, jobs: str
) -> None:
    # 40 files of 600 kB; with --jobs 2, workers write whole files of their own (files
    # under 4 MB are small here), each with its temporary file.
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    piece = big_text[: big_text.index(b"\n", 600_000) + 1]
    for i in range(40):
        (src / f"{i:02d}.txt").write_bytes(piece)
    env = {"NEWSKIT_TUNING": "workers_from_bytes=4000000"}
    proc = start("normalize", "--jobs", jobs, str(src), "-o", f"{out}/", env=env)
    with frozen_mid_write(proc, tmp_path) as held:
        writers = {int(p.name.rsplit(".", 2)[1].split("-")[0]) for p in held}
        assert writers == ({proc.pid} if jobs == "1" else writers - {proc.pid})
        send(proc, sig)
    status, err, left = ended(proc, tmp_path)
    assert status == killed_by(sig), err
    assert all(p.read_bytes() == piece for p in src.iterdir())
    assert len(list(src.iterdir())) == 40
    expected = stdout_mode(piece)
    done = [p for p in out.iterdir() if not p.name.endswith(TEMP_SUFFIX)]
    assert all(p.read_bytes() == expected for p in done)  # never half a file
    assert len(done) < 40
    if sig != signal.SIGKILL:
        assert left == []


# --- a full disk --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A file system of 1 MB (a tmpfs), where the test runs as root."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (the file-size limit test still runs)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def run_newskit(*args: str, env: dict[str, str], **kwargs: object) -> tuple[int, str]:
    r = subprocess.run(
        [sys.executable, "-m", "newskit", *args],
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
        **kwargs,  # type: ignore[arg-type]
    )
    assert r.stdout == b""
    return r.returncode, r.stderr.decode()


def a_full_disk_stops_nothing_but_the_file_it_cannot_write(
    disk: Path, cause: str, preexec: Callable[[], None] | None = None
) -> None:
    """``--in-place`` (with and without a backup), ``-o DIR/`` and ``-o FILE`` of a 600 kB
    file where there is room for one copy of it, not two; with one process and with
    workers that write the file themselves."""
    text = (HI.read_text("utf-8") + "\n" + DIRTY).encode() * 85
    assert 600_000 < len(text) < 700_000  # (two of them do not fit in 1 MiB)
    a = disk / "a.txt"
    a.write_bytes(text)
    for jobs in ("1", "2"):
        env = {"NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=65536"}
        for args in (["--in-place"], ["--in-place", "--backup", ".orig"]):
            status, err = run_newskit(
                "normalize", "--jobs", jobs, *args, str(a), env=env, preexec_fn=preexec
            )
            assert (status, err) == (1, f"{a}: cannot write: {cause}; the file is unchanged\n")
            assert a.read_bytes() == text
            assert sorted(os.listdir(disk)) == ["a.txt"]
        status, err = run_newskit(
            "normalize", "--jobs", jobs, str(a), "-o", f"{disk}/out/", env=env, preexec_fn=preexec
        )
        assert (status, err) == (
            1,
            f"{disk}/out/a.txt: cannot write: {cause}; nothing was written\n",
        )
        assert os.listdir(disk / "out") == []
        status, err = run_newskit(
            "normalize",
            "--jobs",
            jobs,
            str(a),
            "-o",
            f"{disk}/all.txt",
            env=env,
            preexec_fn=preexec,
        )
        assert (status, err) == (1, f"{disk}/all.txt: cannot write: {cause}; nothing was written\n")
        assert sorted(os.listdir(disk)) == ["a.txt", "out"]
        (disk / "out").rmdir()


def test_a_full_disk(small_disk: Path) -> None:
    a_full_disk_stops_nothing_but_the_file_it_cannot_write(small_disk, "No space left on device")
    # A backup takes no room (a second name of the original): 400 kB rewritten with a
    # backup where there is room for two copies, not three. (A copy to the backup's name
    # left half a backup there.)
    for name in os.listdir(small_disk):
        (small_disk / name).unlink()
    text = (HI.read_text("utf-8") + "\n" + DIRTY).encode() * 55
    assert 400_000 < len(text) < 1_048_576 / 2
    a = small_disk / "a.txt"
    a.write_bytes(text)
    status, err = run_newskit("normalize", "--in-place", "--backup", ".orig", str(a), env={})
    assert (status, err) == (0, "")
    assert (small_disk / "a.txt.orig").read_bytes() == text
    assert a.read_bytes() == stdout_mode(text)


def test_a_file_size_limit(tmp_path: Path) -> None:
    # The same, where a tmpfs cannot be mounted: a write past RLIMIT_FSIZE fails with EFBIG
    # (with SIGXFSZ ignored), in the command and in its workers alike.
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    a_full_disk_stops_nothing_but_the_file_it_cannot_write(tmp_path, "File too large", limit)


def test_a_write_error_a_command_did_not_report_ends_it_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # (every command that writes files gets this, whether or not it reports a full disk
    # itself as normalize does)
    from newskit.cli import main
    from newskit.io import OutputError

    def full(*args: object, **kwargs: object) -> int:
        raise OutputError.of("out.txt", OSError(28, "No space left on device"), existed=False)

    monkeypatch.setattr("newskit.pipeline.normalize.run_normalize", full)
    assert main(["normalize", str(HI)]) == 1
    assert capsys.readouterr().err == (
        "out.txt: cannot write: No space left on device; nothing was written\n"
    )
