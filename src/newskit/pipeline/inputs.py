"""The input options every command takes, and how an input's failure is reported."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from newskit.diagnostics import Diagnostics

if TYPE_CHECKING:
    from newskit.io import DecodeReport, Source


class UsageError(Exception):
    """A mistake in how the command was called (exit 2): the CLI shows it as Click's usage
    errors; ``param`` names the option or argument at fault, if one is."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass
class Inputs:
    """The parsed input options of a command: paths (none or ``-``: standard input),
    ``--glob``, ``--jsonl``, ``--field``, ``--errors``, and where diagnostics go."""

    paths: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    jsonl: bool | None = None
    field: str = "text"
    errors: str = "strict"
    diag: Diagnostics = dataclasses.field(default_factory=Diagnostics)

    def sources(self, exclude: Sequence[Path] = ()) -> list[Source]:
        """The inputs, expanded; a missing path is a :class:`UsageError`. ``exclude``: the
        run's output, not read when a directory is walked (said once on stderr)."""
        from newskit.io import iter_sources

        said: set[Path] = set()

        def skipped(path: Path, error: OSError | None) -> None:
            if path in said:
                return
            said.add(path)
            if error is None:
                self.diag.info(f"newskit: skipping {path}: it is the output of this command")
            else:
                self.diag.warn(f"{path}: cannot read directory: {error.strerror or error}")

        try:
            found = list(iter_sources(self.paths, self.globs or None, self.jsonl, exclude, skipped))
        except FileNotFoundError as exc:
            raise UsageError(f"no such file or directory: {exc.args[0]}", "PATHS") from None
        if any(s.is_stdin for s in found) and sys.stdin.isatty():
            # A bare `newskit normalize` in a terminal would otherwise seem to hang.
            self.diag.info("newskit: reading standard input (end with Ctrl-D; see --help)")
        if self.paths and not found:
            pattern = ", ".join(self.globs or ("*.txt", "*.txt.gz"))
            self.diag.warn(f"no input files matching {pattern} under {', '.join(self.paths)}")
        return found

    def report_decoding(self, source: Source, report: DecodeReport) -> None:
        self.report_replacements(source.name, report.replacements)

    def report_replacements(self, name: str, replacements: int) -> None:
        """Warn that ``--errors replace`` replaced bytes of input *name*, if it did."""
        if replacements:
            self.diag.warn(
                f"{name}: replaced {replacements} invalid UTF-8 "
                f"byte sequence{'s' if replacements != 1 else ''} with U+FFFD"
            )


def stdout_bytes() -> BinaryIO:
    """Binary stdout: data is written as UTF-8 whatever the locale says."""
    return sys.stdout.buffer


@contextlib.contextmanager
def input_errors(diag: Diagnostics, source: Source) -> Iterator[None]:
    """Report the failure of one input as every command does, and go on with the next: a
    skipped input (binary data) warns, a data error or an unreadable file is an error
    (exit 1); a closed output pipe ends the command (quietly, see ``newskit.cli.main``)."""
    from newskit.io import InputError, SkipInput

    try:
        yield
    except SkipInput as exc:
        diag.warn(str(exc))
    except InputError as exc:
        diag.error(str(exc))
    except OSError as exc:
        if exc.errno == 32:  # EPIPE
            raise
        diag.error(f"{source.name}: {exc.strerror or exc}")


def failure_message(source_name: str, exc: BaseException) -> tuple[str, str]:
    """How :func:`input_errors` would report ``exc``: ``(kind, message)`` with kind
    ``warn`` or ``error``; for failures that come back from a worker as values."""
    from newskit.io import InputError, SkipInput

    if isinstance(exc, SkipInput):
        return "warn", str(exc)
    if isinstance(exc, InputError):
        return "error", str(exc)
    if isinstance(exc, OSError):
        return "error", f"{source_name}: {exc.strerror or exc}"
    raise exc
