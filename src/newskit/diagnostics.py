"""Diagnostics on stderr and the exit status they add up to; no Click, no Rich.

Why not ``click.echo``: the pipelines that report through this must run without Click
(they are the library behind the commands), and a worker's messages are recorded, not
printed, for the parent to print in input order (:class:`RecordedDiagnostics`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


def _print(message: str) -> None:
    stream = sys.stderr
    stream.write(message + "\n")
    stream.flush()


@dataclass
class Diagnostics:
    """Collects the exit status while printing diagnostics on stderr.

    ``status``: 0, or 1 once a data error or a finding was reported (never lowered).
    """

    status: int = 0
    quiet: bool = False

    def error(self, message: str) -> None:
        """A data error (``path:line: …``): printed, and the command will exit 1."""
        self.status = max(self.status, 1)
        _print(message)

    def warn(self, message: str) -> None:
        if not self.quiet:
            _print(f"warning: {message}")

    def finding(self, message: str) -> None:
        """A ``--check`` finding: printed, exit 1."""
        self.status = max(self.status, 1)
        _print(message)

    def info(self, message: str) -> None:
        if not self.quiet:
            _print(message)


@dataclass
class RecordedDiagnostics(Diagnostics):
    """Diagnostics kept, not printed: a worker's, which the parent prints in input order."""

    messages: list[tuple[str, str]] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.messages.append(("error", message))

    def warn(self, message: str) -> None:
        self.messages.append(("warn", message))

    def finding(self, message: str) -> None:
        self.messages.append(("finding", message))

    def info(self, message: str) -> None:
        self.messages.append(("info", message))


def replay(messages: list[tuple[str, str]], diag: Diagnostics) -> None:
    """Print recorded messages through ``diag`` (which then keeps the exit status)."""
    for kind, message in messages:
        getattr(diag, kind)(message)
