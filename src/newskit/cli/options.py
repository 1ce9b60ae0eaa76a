"""Options shared by the commands, as decorators (the way sqlite-utils shares them)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
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
    ``--in-place`` with ``--backup``, ``--follow-symlinks``, ``--clean-stale``, ``--check``,
    ``--diff``; the command receives them under those names (for
    :meth:`newskit.pipeline.rewrite.Destination.parse`), as the options are listed here
    for every such command, with one help text."""
    options = [
        click.option(
            "-o",
            "--output",
            type=click.Path(path_type=str),
            metavar="FILE|DIR/",
            help="Write to FILE, or mirror the inputs under DIR/ (ends with / or exists): a file "
            "found in a directory keeps its path below it, files named keep theirs below their "
            "common directory. If two inputs would go to one file, nothing is written (exit 2). "
            "[default: stdout]",
        ),
        click.option(
            "-i",
            "--in-place",
            is_flag=True,
            help="Rewrite each file atomically (only if it changes). The new text is a new file: "
            "other hard links to the old one keep the old text (a warning says so).",
        ),
        click.option(
            "--backup", metavar="SUFFIX", help="With --in-place: keep the original as FILE+SUFFIX."
        ),
        click.option(
            "--follow-symlinks/--no-follow-symlinks",
            default=True,
            show_default=True,
            help="With --in-place: rewrite the file a symbolic link points to, keeping the link "
            "(a link found in a directory: only to a file inside the directories given), or leave "
            "links alone (a link named is then an error). Following is the default because the "
            "link is how the file was named: replacing it with a copy would lose the link and "
            "leave the file itself as it was.",
        ),
        click.option(
            "--clean-stale",
            is_flag=True,
            help="Remove the temporary files (.*.newskit-tmp) that a killed run left beside the "
            "files read or written; without it they are reported.",
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
    for option in reversed(options):
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


class LangType(click.ParamType):
    """A ``--lang`` value: ``auto`` (None: detect) or a language code, an ISO 639-2/3 code
    or an English name (:func:`newskit.languages.parse_lang`), any case; anything else is a
    usage error (exit 2) that lists the codes."""

    name = "lang"

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        from newskit.languages import LANGS

        return f"[auto|{'|'.join(LANGS)}]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> str | None:
        if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
            return None
        from newskit.languages import parse_lang

        try:
            return parse_lang(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def lang_options(
    help_more: str = "", *, field: bool = True, auto: str = "detect per document"
) -> Callable[[F], F]:
    """``--lang`` (and, with ``field``, ``--lang-field NAME`` for JSON Lines): the command
    receives ``lang`` (a code, or None for ``auto``) and, with ``field``, ``lang_field``.

    One option for every command with language rules, so that each takes the same codes and
    spellings (``mr``, ``mar``, ``Marathi``) and rejects the same mistakes.
    """

    def decorate(f: F) -> F:
        if field:  # (applied first: listed after --lang in --help)
            f = click.option(
                "--lang-field",
                metavar="NAME",
                default=None,
                help="JSON Lines: take each record's language from this field (mr, mar_Deva, "
                "hi-IN, Nepali); records without a known one use --lang.",
            )(f)
        return click.option(  # type: ignore[no-any-return]
            "--lang",
            type=LangType(),
            default="auto",
            show_default=True,
            help=f"Language of the text (auto: {auto}); also ISO 639-2/3 codes and English "
            "names (mar, Nepali)." + help_more,
        )(f)

    return decorate


def dask_option(f: F) -> F:
    """``--dask ADDRESS`` (or ``DASK_SCHEDULER_ADDRESS``): run on a Dask cluster."""
    return click.option(
        "--dask",
        "dask",
        metavar="ADDRESS",
        envvar="DASK_SCHEDULER_ADDRESS",
        default=None,
        help="Run on a Dask cluster instead of local workers: tcp://HOST:8786, a scheduler "
        "file (.json), or local:N (start N worker processes for this run). [env: "
        "DASK_SCHEDULER_ADDRESS] The workers read the inputs themselves: paths must be the "
        "same on every machine (a shared file system). Needs newskit[scale].",
    )(f)


@contextlib.contextmanager
def dask_engine(address: str | None) -> Iterator[Any]:
    """The Dask engine for ``--dask`` (None without it: Dask is then never imported)."""
    if not address:
        yield None
        return
    import sys

    from newskit.parallel._dask import connect

    try:
        from newskit.parallel._dask import parse_address

        parse_address(address)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--dask") from None

    def say(message: str) -> None:
        click.echo(message, err=True)

    with connect(address, progress=sys.stderr.isatty(), say=say) as engine:
        yield engine


def shard_option(f: F) -> F:
    """``--shard K/N`` for the commands that shard by input (every input whole in one shard;
    their outputs, concatenated in shard order, are one run's)."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        if value is None:
            return None
        from newskit.pipeline.shards import parse_shard

        try:
            return parse_shard(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return click.option(
        "--shard",
        metavar="K/N",
        default=None,
        callback=parse,
        help="Only the K-th of N contiguous shares of the inputs (by bytes, each input whole):"
        " for Slurm job arrays or xargs -P; the N outputs, in order, are one run's.",
    )(f)
