"""The ``newskit`` command line: Click only. Each command parses its options, builds the
pipeline's inputs and options, calls one ``run_…`` function of :mod:`newskit.pipeline` and
returns its exit status; nothing here reads text, starts a process or formats output.

Exit codes: 0 success; 1 findings (``--check``) or data errors (bad UTF-8, bad JSON); 2 usage
errors. :func:`main` returns the status (tests call it); the console script ends the process
with it (:func:`entry_point`).

Commands are loaded when they are used (``newskit normalize`` imports one command module), so
that start-up stays small; ``newskit --help`` reads every command's short help.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from newskit import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: command name -> (module, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "dedup": ("newskit.cli.dedup", "dedup_cmd"),
    "normalize": ("newskit.cli.normalize", "normalize_cmd"),
    "quotes": ("newskit.cli.quotes", "quotes_cmd"),
    "repair": ("newskit.cli.repair", "repair_cmd"),
    "sentences": ("newskit.cli.segment", "sentences_cmd"),
    "stats": ("newskit.cli.stats", "stats_cmd"),
    "tokenize": ("newskit.cli.segment", "tokenize_cmd"),
}


class NewskitGroup(click.Group):
    """A group whose commands are imported on first use, and whose commands' return value
    is the exit status (Click's standalone mode would exit 0 whatever they return)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        return getattr(importlib.import_module(where[0]), where[1])  # type: ignore[no-any-return]

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        status = _run(self, args, prog_name, complete_var, **extra)
        if standalone_mode:
            sys.exit(status)
        return status


def _run(group: click.Group, args: Any, prog_name: Any, complete_var: Any, **extra: Any) -> int:
    """Click's standalone error handling, returning the status instead of exiting."""
    from newskit.parallel import ClusterError, WorkerDied

    try:
        rv = click.Group.main(group, args, prog_name, complete_var, standalone_mode=False, **extra)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except (WorkerDied, ClusterError) as exc:  # (killed, out of memory, a cluster's trouble)
        click.echo(f"newskit: {exc}", err=True)
        return 1
    except Exception as exc:
        # a full disk (newskit.io.OutputError) that a command did not report itself; io is
        # not imported here for that (start-up): if it was never loaded, it raised nothing
        io = sys.modules.get("newskit.io")
        if io is None or not isinstance(exc, io.OutputError):
            raise
        click.echo(str(exc), err=True)
        return 1
    return rv if isinstance(rv, int) else 0


@click.group(name="newskit", cls=NewskitGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, package_name="newskit", prog_name="newskit")
def cli() -> None:
    """Corpus toolkit for Hindi and Bengali news text.

    Every command reads files, directories (recursively) or standard input
    (no PATH or -), writes data to stdout and diagnostics to stderr, and exits
    0 on success, 1 on findings or data errors, 2 on usage errors.
    """


def main(argv: list[str] | None = None) -> int:
    """Run ``newskit`` with ``argv`` (default: the process's arguments); return the exit
    status.

    A closed pipe (``newskit … | head``) ends the process the way it ends ``cat``:
    silently, by SIGPIPE, whichever command and however many workers.
    """
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return cli.main(args=argv, prog_name="newskit", standalone_mode=False)  # type: ignore[no-any-return]


def entry_point() -> None:
    """The ``newskit`` console script and ``python -m newskit``: :func:`main`, then the
    process ends at once (see :func:`_exit_now`)."""
    _exit_now(main())


def _exit_now(code: int) -> None:
    """End the process at once with ``code`` once the command is done, skipping the
    interpreter's teardown (freeing every module and object: 12-17 ms, a fifth of ``echo
    नमस्ते | newskit normalize``; bench row ``start-up``).

    What a normal exit would still do is done first: the outputs are flushed (a closed pipe
    then ends the process by SIGPIPE as before) and the ``atexit`` handlers run (through
    the private ``atexit._run_exitfuncs``: there is no public way). Exits normally when a
    tracer or profiler is active (coverage, cProfile, a debugger: they report after the
    program ends) or when that private function is missing.
    """
    import atexit

    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None or sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    run_exitfuncs()
    os._exit(code)
