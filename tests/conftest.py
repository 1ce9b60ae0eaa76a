"""Shared test helpers: the ``run`` fixture (a command in this process) and
:func:`run_process` (the console script in a new process, as a user runs it)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

#: Force workers on any input (``newskit.parallel.Tuning.from_env``).
WITH_WORKERS = {"NEWSKIT_TUNING": "workers_from_bytes=0"}


def invoke(
    *args: str,
    input: bytes | str | None = None,
    env: dict[str, str] | None = None,
    catch_exceptions: bool = True,
) -> Result:
    """``newskit ARGS`` through Click's test runner, in this process: stdout and stderr
    apart, ``COLUMNS`` pinned and no colour (``env`` may change them)."""
    from newskit.cli import cli

    runner = CliRunner(env={"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})
    return runner.invoke(cli, list(args), input=input, catch_exceptions=catch_exceptions)


@pytest.fixture
def run() -> Callable[..., Result]:
    """:func:`invoke` as a fixture: ``run("normalize", "a.txt", input=...)``."""
    return invoke


def run_process(
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    **kwargs: Any,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m newskit ARGS`` in a new process (real file descriptors: workers can
    write), with ``env`` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "newskit", *args],
        input=input,
        capture_output=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        **kwargs,
    )


def child_processes() -> set[int]:
    """This process's children, running or not waited for (Linux ``/proc``)."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(p) for p in (task / "children").read_text().split())
    return found
