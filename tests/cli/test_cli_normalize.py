"""`newskit normalize` and the shared input/output layer, through the command line."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shlex
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_process
from newskit.cli import COMMANDS
from newskit.parallel import Tuning, ordered_map
from newskit.pipeline import rewrite as rewrite_pipeline
from samples import BN, CORPUS, HI

DIRTY = "दु:ख  है |\nঅামার\u00a0দেশ \r\n"
CLEAN = "दुःख है ।\nআমার দেশ\n"


def test_stdin_to_stdout(run) -> None:
    r = run("normalize", input=DIRTY.encode())
    assert r.exit_code == 0, r.stderr
    assert r.stdout == CLEAN
    assert r.stderr == ""


def test_dash_is_stdin(run) -> None:
    assert run("normalize", "-", input=DIRTY.encode()).stdout == CLEAN


def test_files_and_directory_in_sorted_order(run, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("दु:ख\n", "utf-8")
    (tmp_path / "a.txt").write_text("अ\u093e\n", "utf-8")
    (tmp_path / "skip.md").write_text("not me\n", "utf-8")
    with gzip.open(tmp_path / "c.txt.gz", "wt", encoding="utf-8") as f:
        f.write("है |\n")
    r = run("normalize", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "आ\nदुःख\nहै ।\n"  # a.txt, b/2.txt, c.txt.gz
    r = run("normalize", "--glob", "*.md", str(tmp_path))
    assert r.stdout == "not me\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_paths_whose_size_says_nothing_are_read_to_the_end(run, tmp_path: Path, jobs) -> None:
    # A named pipe (as ``<(cmd)`` gives) has no size; a /proc file says 0 and has text.
    # Both are read as streams: byte ranges by their size once made ``--jobs 2 --check``
    # and ``--diff`` see no text at all and pass.
    import threading

    def piped(*args: str, text: str = DIRTY * 5000):  # 200 KB: several reads
        fifo = tmp_path / "pipe"
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)

        def write() -> None:
            with contextlib.suppress(BrokenPipeError):
                fifo.write_bytes(text.encode())

        writer = threading.Thread(target=write)
        writer.start()
        try:
            return run("normalize", "--jobs", jobs, *args, str(fifo))
        finally:
            if writer.is_alive():  # (the command never opened it: let the writer go)
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            writer.join()

    r = piped()
    assert r.exit_code == 0, r.stderr
    # (length and equality: a diff of two 200 KB strings takes pytest minutes)
    assert (len(r.stdout), r.stdout == CLEAN * 5000) == (len(CLEAN) * 5000, True)
    r = piped("--check")
    assert (r.exit_code, r.stdout) == (1, ""), r.stderr
    assert "would normalize" in r.stderr
    r = piped("--diff", text=DIRTY)
    assert r.exit_code == 1, r.stderr
    assert "\n-दु:ख  है |\n" in r.stdout
    assert "\n+दुःख है ।\n" in r.stdout
    proc = Path("/proc/version")
    if proc.exists():  # (Linux)
        assert proc.stat().st_size == 0
        assert run("normalize", "--jobs", jobs, str(proc)).stdout_bytes == proc.read_bytes()


def test_sample_corpus_is_unchanged(run) -> None:
    r = run("normalize", str(CORPUS))
    assert r.exit_code == 0
    assert r.stdout_bytes == BN.read_bytes() + HI.read_bytes()
    assert run("normalize", "--check", str(CORPUS)).exit_code == 0


def test_missing_path_is_a_usage_error(run, tmp_path: Path) -> None:
    r = run("normalize", str(tmp_path / "nope.txt"))
    assert r.exit_code == 2
    assert "no such file" in r.stderr


def test_invalid_utf8_reports_file_line_byte_after_valid_lines(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("पहली पंक्ति\nदूसरी |\n".encode() + b"bad \xff byte\nlast\n")
    r = run("normalize", str(bad))
    assert r.exit_code == 1
    assert r.stdout == "पहली पंक्ति\nदूसरी ।\n"
    offset = len("पहली पंक्ति\nदूसरी |\n".encode()) + 4
    assert f"{bad}:3: invalid UTF-8 at byte {offset} (0xff)" in r.stderr


def test_invalid_utf8_stops_only_that_input(run, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xff\n")
    (tmp_path / "b.txt").write_text("दु:ख\n", "utf-8")
    r = run("normalize", str(tmp_path))
    assert r.exit_code == 1
    assert r.stdout == "दुःख\n"
    assert "a.txt:1: invalid UTF-8" in r.stderr


def test_errors_replace_counts_replacements(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a\xffb\xfe\n\xef\xbf\xbd\n")  # the last line holds a real U+FFFD
    r = run("normalize", "--errors", "replace", str(bad))
    assert r.exit_code == 0
    assert r.stdout == "a\ufffdb\ufffd\n\ufffd\n"
    assert "replaced 2 invalid UTF-8 byte sequences" in r.stderr


def test_bom_is_dropped_and_nul_files_skipped(run, tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + "क\n".encode())
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary\n")
    r = run("normalize", str(tmp_path))
    assert r.exit_code == 0
    assert r.stdout == "क\n"
    assert "bin.txt: contains NUL bytes" in r.stderr


def test_jsonl_field_mode_keeps_other_fields(run, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    records = [
        {"id": 1, "text": "दु:ख  है |", "meta": {"url": "http://x|y"}},
        {"id": 2, "text": "ok", "tags": ["a", "b"]},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    r = run("normalize", str(src))
    assert r.exit_code == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert out[0] == {"id": 1, "text": "दुःख है ।", "meta": {"url": "http://x|y"}}
    assert out[1] == records[1]
    # --field and --jsonl on stdin
    body = json.dumps({"body": "अ\u093e", "text": "अ\u093e"}, ensure_ascii=False) + "\n"
    r = run("normalize", "--jsonl", "--field", "body", input=body.encode())
    assert json.loads(r.stdout) == {"body": "आ", "text": "अ\u093e"}


def test_jsonl_bad_record_names_line(run, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n{"text": 3}\n', "utf-8")
    r = run("normalize", str(src))
    assert r.exit_code == 1
    assert r.stdout == '{"text": "a"}\n'
    assert f"{src}:2: field 'text' is not a string" in r.stderr


def test_check_exit_codes(run, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    dirty = tmp_path / "dirty.txt"
    clean.write_text(CLEAN, "utf-8")
    dirty.write_bytes(DIRTY.encode())
    r = run("normalize", "--check", str(clean))
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    r = run("normalize", "--check", str(clean), str(dirty))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == f"would normalize {dirty}\n"
    assert dirty.read_bytes() == DIRTY.encode()  # --check writes nothing


def test_diff(run, tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.txt"
    dirty.write_bytes(DIRTY.encode())
    r = run("normalize", "--diff", str(dirty))
    assert r.exit_code == 1
    assert r.stdout.splitlines()[2:] == [
        "@@ -1,2 +1,2 @@",
        "-दु:ख  है |",
        "-অামার\u00a0দেশ ",
        "+दुःख है ।",
        "+আমার দেশ",
    ]
    assert dirty.read_bytes() == DIRTY.encode()


def test_in_place_rewrites_only_changed_files_keeping_mode(run, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    dirty = tmp_path / "dirty.txt"
    clean.write_text(CLEAN, "utf-8")
    dirty.write_bytes(DIRTY.encode())
    os.chmod(dirty, 0o640)
    before = clean.stat().st_mtime_ns
    r = run("normalize", "--in-place", "--backup", ".orig", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert dirty.read_text("utf-8") == CLEAN
    assert stat.S_IMODE(dirty.stat().st_mode) == 0o640
    assert (tmp_path / "dirty.txt.orig").read_bytes() == DIRTY.encode()
    assert clean.stat().st_mtime_ns == before  # unchanged content: not rewritten
    assert not (tmp_path / "clean.txt.orig").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "clean.txt",
        "dirty.txt",
        "dirty.txt.orig",
    ]


def test_in_place_failure_mid_write_leaves_original(run, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "big.txt"
    original = ("दु:ख\n" * 50_000).encode()  # several chunks
    target.write_bytes(original)
    calls = {"n": 0}
    real = rewrite_pipeline.rewrite_chunk

    def failing(task):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(task)

    monkeypatch.setattr(rewrite_pipeline, "rewrite_chunk", failing)
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 64 * 1024)
    r = run("normalize", "--jobs", "1", "--in-place", str(target))
    assert r.exit_code == 1
    assert "No space left on device" in r.stderr
    assert target.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["big.txt"]  # no temp file left


def test_in_place_needs_files(run, tmp_path: Path) -> None:
    r = run("normalize", "--in-place", input=b"x\n")
    assert r.exit_code == 2
    assert "not standard input" in r.stderr
    fifo = tmp_path / "pipe"  # (as ``<(cmd)`` gives: nothing to rewrite, nothing read)
    os.mkfifo(fifo)
    r = run("normalize", "--in-place", str(fifo))
    assert r.exit_code == 2
    assert f"{fifo} is a pipe or device" in r.stderr


def test_output_file_and_mirrored_directory(run, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "hi").mkdir(parents=True)
    (src / "hi" / "a.txt").write_text("दु:ख\n", "utf-8")
    (src / "b.txt").write_text("है |\n", "utf-8")
    out = tmp_path / "out"
    r = run("normalize", str(src), "-o", f"{out}/")
    assert r.exit_code == 0, r.stderr
    assert (out / "hi" / "a.txt").read_text("utf-8") == "दुःख\n"
    assert (out / "b.txt").read_text("utf-8") == "है ।\n"
    single = tmp_path / "all.txt"
    r = run("normalize", str(src), "-o", str(single))
    assert single.read_text("utf-8") == "है ।\nदुःख\n"


def test_options_reach_the_library(run) -> None:
    assert run("normalize", "--skip", "danda,visarga", input="दु:ख |\n").stdout == "दु:ख |\n"
    assert run("normalize", "--only", "visarga", input="दु:ख  |\n").stdout == "दुःख  |\n"
    assert run("normalize", "--digits", "ascii", input="२०२४\n").stdout == "2024\n"
    assert run("normalize", "--quotes", "ascii", input="“क”\n").stdout == '"क"\n'
    assert run("normalize", "--nukta", "drop", input="ज़रा\n").stdout == "जरा\n"
    assert run("normalize", "--zero-width", "keep", input="क\u200cष\n").stdout == "क\u200cष\n"
    r = run("normalize", "--profile", "indicnlp", input="नई दिल्ली: आज\n")
    assert r.stdout == "नई दिल्लीः आज\n"
    r = run("normalize", "--only", "bogus", input="x\n")
    assert r.exit_code == 2
    assert "unknown step bogus" in r.stderr


def test_explain_goes_to_stderr(run) -> None:
    r = run("normalize", "--explain", input="दु:ख  है |\n")
    assert r.stdout == "दुःख है ।\n"
    assert (
        "<stdin>: invisible 0, nfc 0, visual 0, spaces 1, danda 1, visarga 1; 3 changed" in r.stderr
    )


def test_jobs_give_identical_output(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 16 * 1024)
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    text = (DIRTY + BN.read_text("utf-8") + "\n") * 40
    src = tmp_path / "in.txt"
    src.write_text(text, "utf-8")
    one = run("normalize", "--jobs", "1", str(src))
    two = run("normalize", "--jobs", "2", str(src))
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert one.stdout.count("দুঃখ") == 0 and one.stdout.count("दुःख") == 40


def _newskit(*args: str) -> list[str]:
    return [sys.executable, "-m", "newskit", *args]


def _newskit_with_workers(*args: str) -> list[str]:
    """newskit with workers for files of any size (by default a file under 8 MiB is done in
    the main process), for the tests of the workers on files of a few MB."""
    return ["env", "NEWSKIT_TUNING=workers_from_bytes=0", *_newskit(*args)]


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("दु:ख है |\n" * 200_000, "utf-8")
    proc = subprocess.run(
        f"{' '.join(_newskit('normalize', str(big)))} | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout == "दुःख है ।\n" * 2
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr


def test_broken_pipe_with_workers_leaves_no_process(tmp_path: Path) -> None:
    big = tmp_path / "workers-pipe-test.txt"
    big.write_text("दु:ख है |\n" * 400_000, "utf-8")
    cmd = shlex.join(_newskit_with_workers("normalize", "--jobs", "2", str(big)))
    proc = subprocess.run(f"{cmd} | head -n 1", shell=True, capture_output=True, text=True)
    assert proc.stdout == "दुःख है ।\n"
    assert proc.stderr == ""
    for _ in range(50):  # workers get SIGTERM when their parent dies
        left = subprocess.run(["pgrep", "-f", big.name], capture_output=True, text=True)
        if not left.stdout:
            break
        time.sleep(0.1)
    assert left.stdout == ""


def test_utf8_output_whatever_the_locale(tmp_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run(
        _newskit("normalize"), input="दु:ख\n".encode(), capture_output=True, env=env, check=True
    )
    assert proc.stdout.decode("utf-8") == "दुःख\n"


def test_help_for_every_command(run) -> None:
    r = run("--help")
    assert r.exit_code == 0
    commands = sorted(COMMANDS)
    assert "normalize" in commands
    for name in commands:
        r = run(name, "--help")
        assert r.exit_code == 0, name
        assert "Usage: newskit " + name in r.stdout
        assert len(r.stdout.splitlines()) > 5, name


def test_version(run) -> None:
    r = run("--version")
    assert r.exit_code == 0
    assert r.stdout.startswith("newskit, version ")


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from newskit.cli import main; main(['--help'])\n"
        "heavy=[m for m in ('pandas','rich','indicnlp','newskit.normalization','newskit.stats')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(_newskit("normalize"), input="अ\u093e\n".encode(), capture_output=True)
    assert proc.returncode == 0
    assert proc.stdout.decode() == "आ\n"


@pytest.mark.parametrize(("text", "status"), [("दु:ख\n", 0), ("a\n\xff\n", 1)])
def test_the_console_entry_point_ends_at_once_but_flushes_and_runs_atexit(
    text: str, status: int
) -> None:
    # entry_point skips the interpreter's teardown (os._exit); what a normal exit does
    # that matters still happens: buffered output is written, atexit handlers run
    code = "import atexit, sys, newskit.cli as c\n"
    code += "atexit.register(lambda: sys.stdout.write('atexit ran\\n'))\n"
    code += "c.entry_point()"
    data = text.encode("latin-1") if status else text.encode()
    cmd = [sys.executable, "-c", code, "normalize"]
    proc = subprocess.run(cmd, input=data, capture_output=True)
    assert proc.returncode == status
    assert proc.stdout.decode() == ("a\n" if status else "दुःख\n") + "atexit ran\n"
    assert (b"invalid UTF-8" in proc.stderr) == bool(status)


def test_jobs_report_errors_like_one_process(run, tmp_path: Path, monkeypatch) -> None:
    # Workers read their own byte ranges; line numbers, BOM and NUL handling
    # must not depend on that.
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 4096)
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    good = "दु:ख है |\n" * 2000
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbf" + good.encode() + b"x \xff\n" + b"after\n")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01" * 10)
    results = [run("normalize", "--jobs", j, str(bad), str(binary)) for j in ("1", "2")]
    for r in results:
        assert r.exit_code == 1
        assert r.stdout == "दुःख है ।\n" * 2000
        assert f"{bad}:2001: invalid UTF-8 at byte {3 + len(good.encode()) + 2} (0xff)" in r.stderr
        assert "bin.txt: contains NUL bytes" in r.stderr
    checks = [run("normalize", "--check", "--jobs", j, str(bad)) for j in ("1", "2")]
    assert checks[0].stderr.splitlines()[0] == checks[1].stderr.splitlines()[0]


def test_workers_write_files_in_order(run, tmp_path: Path, monkeypatch) -> None:
    # With --jobs 2 and a real output file, the workers write their chunks to it
    # themselves, taking turns: -o FILE, -o DIR/ and --in-place must come out
    # byte for byte as with one process.
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 16 * 1024)
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    text = (DIRTY + BN.read_text("utf-8") + "\n" + HI.read_text("utf-8") + "\n") * 30
    results = {}
    for jobs in ("1", "2"):
        d = tmp_path / jobs
        d.mkdir()
        a, b = d / "a.txt", d / "b.txt"
        a.write_text(text, "utf-8")
        b.write_text(text[::-1].replace("\r", ""), "utf-8")
        one = run("normalize", "--jobs", jobs, "-o", str(d / "one.txt"), str(a), str(b))
        tree = run("normalize", "--jobs", jobs, "-o", str(d / "out") + "/", str(a), str(b))
        inplace = run("normalize", "--jobs", jobs, "--in-place", str(a), str(b))
        assert one.exit_code == tree.exit_code == inplace.exit_code == 0, one.stderr
        results[jobs] = [
            (d / "one.txt").read_bytes(),
            (d / "out" / "a.txt").read_bytes(),
            (d / "out" / "b.txt").read_bytes(),
            a.read_bytes(),
            b.read_bytes(),
        ]
    assert results["1"] == results["2"]
    assert results["2"][0] == results["2"][3] + results["2"][4]
    assert results["2"][3].decode().count("दुःख") == 30


def test_workers_stop_writing_at_a_bad_byte(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 4096)
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    good = "दु:ख है |\n" * 3000
    bad = tmp_path / "bad.txt"
    bad.write_bytes(good.encode() + b"x \xff\n" + "दु:ख\n".encode() * 3000)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01" * 10)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.txt"
        r = run("normalize", "--jobs", jobs, "-o", str(out), str(binary), str(bad), str(HI))
        assert r.exit_code == 1
        assert f"{bad}:3001: invalid UTF-8" in r.stderr
        assert "bin.txt: contains NUL bytes" in r.stderr
        outs.append(out.read_text("utf-8"))
    assert outs[0] == outs[1] == "दुःख है ।\n" * 3000 + HI.read_text("utf-8")


def test_workers_write_to_stdout_and_stop_at_a_bad_byte(tmp_path: Path) -> None:
    good = "दु:ख है |\n" * 100_000
    bad = tmp_path / "bad.txt"
    bad.write_bytes(good.encode() + b"x \xff\n" + "दु:ख\n".encode() * 100_000)
    cmd = _newskit_with_workers("normalize", "--jobs", "2", str(bad))
    proc = subprocess.run(cmd, capture_output=True)
    assert proc.returncode == 1
    assert proc.stdout.decode() == "दुःख है ।\n" * 100_000
    assert f"{bad}:100001: invalid UTF-8".encode() in proc.stderr


def test_nul_byte_mid_file_writes_the_lines_before_it(run, tmp_path: Path, monkeypatch) -> None:
    # Like invalid UTF-8: the whole lines before the bad one are written, then the
    # error names its line; with one process, with workers reading their own ranges,
    # with workers writing a file, and with workers fed from standard input.
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 4096)
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=0")
    bad = tmp_path / "nul.txt"
    bad.write_bytes(("दु:ख है |\n" * 2000).encode() + b"x\x00y\n" + b"after\n")
    expected = "दुःख है ।\n" * 2000
    for jobs in ("1", "2"):
        r = run("normalize", "--jobs", jobs, str(bad))
        assert (r.exit_code, r.stdout) == (1, expected)
        assert f"{bad}:2001: NUL byte in text" in r.stderr
        out = tmp_path / f"out{jobs}.txt"
        r = run("normalize", "--jobs", jobs, "-o", str(out), str(bad))
        assert r.exit_code == 1 and out.read_text("utf-8") == expected
        r = run("normalize", "--jobs", jobs, input=bad.read_bytes())
        assert (r.exit_code, r.stdout) == (1, expected)
        assert ":2001: NUL byte in text" in r.stderr


def _pid_of(_: int) -> int:
    return os.getpid()


def test_workers_start_only_for_inputs_of_several_chunks() -> None:
    # Starting workers costs more than a small input takes, and every input gets its own:
    # the first chunks run in this process, the workers take the rest if there is more.
    me = os.getpid()
    here = Tuning().in_process_items
    small = list(ordered_map(_pid_of, iter(range(here)), jobs=2))
    assert small == [me] * here
    large = list(ordered_map(_pid_of, iter(range(40)), jobs=2))
    assert large[:here] == [me] * here
    assert me not in large[here:]


def test_a_directory_of_small_files_starts_no_workers(run, tmp_path: Path, monkeypatch) -> None:
    # With --jobs 2, each small file used to start (and stop) its own workers.
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("workers started for a small file")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(DIRTY * 3, "utf-8")
    one, two = (run("normalize", "--jobs", j, str(tmp_path)) for j in ("1", "2"))
    assert one.exit_code == two.exit_code == 0
    assert one.stdout_bytes == two.stdout_bytes == CLEAN.encode() * 15


def test_workers_take_whole_small_files_for_per_file_outputs(
    run, tmp_path: Path, monkeypatch
) -> None:
    # With -o DIR/, --in-place and --check, workers take small files whole, in batches, and
    # the parent prints their messages in input order; a larger file among them is done in
    # chunks. Files, messages and exit status must be those of one process.
    # a file of 50 kB is large; batches of a few files
    monkeypatch.setenv("NEWSKIT_TUNING", "workers_from_bytes=50000,batch_bytes=30000")
    monkeypatch.setattr("newskit.io.BLOCK_SIZE", 16 * 1024)
    dirty = (DIRTY + HI.read_text("utf-8") + "\n").encode()
    assert 5_000 < len(dirty) < 10_000

    def tree(root: Path) -> Path:
        root.mkdir()
        for i in range(12):
            whole_lines = dirty[: len(dirty) // 12 * (i + 1)].rsplit(b"\n", 1)[0]
            (root / f"a{i:02d}.txt").write_bytes(whole_lines + b"\n")
        (root / "b-bad.txt").write_bytes(dirty + b"x \xff\n" + dirty)
        (root / "c-binary.txt").write_bytes(b"\x00\x01" * 10)
        (root / "d-large.txt").write_bytes(dirty * 8)  # chunks of it go to the workers
        (root / "e-clean.txt").write_text(CLEAN, "utf-8")
        return root

    results = {}
    for jobs in ("1", "2"):
        src = tree(tmp_path / f"src{jobs}")
        mirrored = run("normalize", "--jobs", jobs, str(src), "-o", f"{tmp_path}/out{jobs}/")
        check = run("normalize", "--jobs", jobs, "--check", str(src))
        in_place = run("normalize", "--jobs", jobs, "--in-place", str(src))
        files = sorted((p.name, p.read_bytes()) for p in (tmp_path / f"out{jobs}").iterdir())
        rewritten = sorted((p.name, p.read_bytes()) for p in src.iterdir())
        messages = [r.stderr.replace(f"src{jobs}", "src") for r in (mirrored, check, in_place)]
        codes = [r.exit_code for r in (mirrored, check, in_place)]
        results[jobs] = (codes, messages, files, rewritten)
    assert results["1"] == results["2"]
    codes, messages, files, rewritten = results["2"]
    assert codes == [1, 1, 1]
    assert "b-bad.txt:" in messages[0] and "c-binary.txt: contains NUL bytes" in messages[0]
    assert messages[1].count("would normalize") == 14  # not the clean file, not the binary
    names = [name for name, _ in files]  # no output for the bad and the binary file
    assert names == [f"a{i:02d}.txt" for i in range(12)] + ["d-large.txt", "e-clean.txt"]
    assert dict(files)["a11.txt"].decode().startswith(CLEAN.split("\n")[0])
    assert dict(rewritten)["d-large.txt"] == dict(files)["d-large.txt"]


def test_jsonl_among_the_inputs_keeps_stdout_in_order(tmp_path: Path) -> None:
    # JSON Lines inputs are done in this process, one input after another; the text
    # inputs beside them too, whatever --jobs says (their output is one stream).
    for i in range(6):
        (tmp_path / f"{i}-a.txt").write_text(f"{i} {DIRTY}" * 200, "utf-8")
        record = {"id": i, "text": DIRTY}
        (tmp_path / f"{i}-b.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n")
    args = ["normalize", "--glob", "*.txt", "--glob", "*.jsonl", str(tmp_path)]
    # (files of 10 kB are small here, and together large enough for workers)
    env = {"NEWSKIT_TUNING": "workers_from_bytes=20000,batch_bytes=1"}
    one, two = (run_process(*args, "--jobs", j, env=env) for j in ("1", "2"))
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    lines = one.stdout.decode().splitlines()
    assert lines[0].startswith("0 ") and json.loads(lines[-1])["id"] == 5


def test_main_returns_the_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # everything the command line does is callable from Python, status included
    from newskit.cli import main

    dirty = tmp_path / "dirty.txt"
    dirty.write_text(DIRTY, "utf-8")
    assert main(["normalize", "--check", str(HI)]) == 0
    assert main(["normalize", "--check", str(dirty)]) == 1
    assert "would normalize" in capsys.readouterr().err
    assert main(["normalize", "--no-such-option"]) == 2
    assert main(["normalize", str(tmp_path / "missing.txt")]) == 2
