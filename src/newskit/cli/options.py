"""Options shared by the commands, as decorators (the way sqlite-utils shares them)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from newskit.pipeline.inputs import Inputs, UsageError

F = TypeVar("F", bound=Callable[..., Any])


def input_options(f: F) -> F:
    """``PATHS...``, ``--glob``, ``--jsonl``, ``--field``, ``--errors``; the command receives
    ``inputs``: a :class:`newskit.pipeline.inputs.Inputs`."""

    @click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
    @click.option(
        "--glob",
        "globs",
        multiple=True,
        metavar="PATTERN",
        help="File pattern when a PATH is a directory (repeatable). [default: *.txt, *.txt.gz]",
    )
    @click.option(
        "--jsonl/--no-jsonl",
        "jsonl",
        default=None,
        help="Read JSON Lines (one record per line). [default: by file name, *.jsonl]",
    )
    @click.option(
        "--field",
        default="text",
        show_default=True,
        metavar="NAME",
        help="JSON Lines field holding the text (normalize writes other fields back as they were).",
    )
    @click.option(
        "--errors",
        type=click.Choice(["strict", "replace"]),
        default="strict",
        show_default=True,
        help="Invalid UTF-8: stop that input with path:line, or replace with U+FFFD.",
    )
    @functools.wraps(f)
    def wrapper(
        *args: Any,
        paths: tuple[str, ...],
        globs: tuple[str, ...],
        jsonl: bool | None,
        field: str,
        errors: str,
        **kwargs: Any,
    ) -> Any:
        return f(*args, inputs=Inputs(paths, globs, jsonl, field, errors), **kwargs)

    return wrapper  # type: ignore[return-value]


def output_options(f: F) -> F:
    """Where a line-keeping rewrite writes (``normalize``, ``repair``): ``-o FILE|DIR/``,
    ``--in-place`` with ``--backup``, ``--check``, ``--diff``; the command receives them as
    ``output``, ``in_place``, ``backup``, ``check``, ``diff`` (for
    :meth:`newskit.pipeline.rewrite.Destination.parse`)."""
    for option in reversed(
        [
            click.option(
                "-o",
                "--output",
                type=click.Path(path_type=str),
                metavar="FILE|DIR/",
                help="Write to FILE, or mirror the inputs under DIR/ (ends with / or exists). "
                "[default: stdout]",
            ),
            click.option(
                "-i",
                "--in-place",
                is_flag=True,
                help="Rewrite each file atomically (only if it changes).",
            ),
            click.option(
                "--backup",
                metavar="SUFFIX",
                help="With --in-place: keep the original as FILE+SUFFIX.",
            ),
            click.option(
                "--check",
                is_flag=True,
                help="Write nothing; list files that would change on stderr; exit 1 if any.",
            ),
            click.option(
                "--diff", is_flag=True, help="Write nothing; print a unified diff of the changes."
            ),
        ]
    ):
        f = option(f)
    return f


def jobs_option(help_more: str = "") -> Callable[[F], F]:
    """``--jobs N``: worker processes, one per CPU by default, the same on every command."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Worker processes (0: one per CPU). Output is the same whatever the number; "
        "workers start only when the input is large enough to pay for them." + help_more,
    )


def usage_errors(f: F) -> F:
    """Show the pipeline's :class:`UsageError` as Click's usage errors (exit 2)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except UsageError as exc:
            if exc.param:
                raise click.BadParameter(str(exc), param_hint=exc.param) from None
            raise click.UsageError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def split_steps(values: tuple[str, ...]) -> list[str]:
    """``--skip a,b --skip c`` → ``["a", "b", "c"]``."""
    return [s.strip() for v in values for s in v.split(",") if s.strip()]
