"""``newskit quotes``."""

from __future__ import annotations

import sys

import click

from newskit.cli.options import (
    dask_engine,
    dask_option,
    input_options,
    jobs_option,
    lang_options,
    usage_errors,
)
from newskit.pipeline.inputs import Inputs


@click.command(name="quotes")
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "tsv", "csv"]),
    default=None,
    help="Output format. [default: table on a terminal, jsonl otherwise]",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["speech", "partial", "term"]),
    help="Only quotes of this kind (repeatable). [default: all]",
)
@click.option(
    "--doc-sep",
    metavar="LINE",
    default="blank",
    show_default=True,
    help="Split plain-text files into documents at lines equal to LINE ('blank': at blank "
    "lines; 'none': one document per file). JSON Lines: one document per record.",
)
@lang_options(
    " Accepted for every command alike, not used yet: quotations are found with the Hindi "
    "and Bengali cues whatever the language.",
    field=False,
    auto="the Hindi and Bengali cues",
)
@jobs_option(" Workers take ranges of whole documents of a large file (a document is never cut).")
@dask_option
@usage_errors
def quotes_cmd(
    inputs: Inputs,
    fmt: str | None,
    kinds: tuple[str, ...],
    doc_sep: str,
    lang: str | None,
    jobs: int,
    dask: str | None,
) -> int:
    """Quotations in Hindi and Bengali news, with speaker, reporting cue and kind.

    One record per quotation: path, line, start/end (character offsets of the quoted text,
    marks excluded, into the decoded input), text, marks, closed, continued, kind
    (speech/partial/term), speaker and cue ({text, start, end} or null), speaker_position
    (before/after/previous), resolved (the named antecedent of a pronoun speaker), confidence.

    \b
    Examples:
      newskit quotes corpus/                        # a table on a terminal
      newskit quotes --kind speech news.txt > q.jsonl
      newskit quotes --format tsv --jsonl --field body articles.jsonl
    """
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.quotes import QuoteOptions, run_quotes

    del lang  # (checked like every command's: quotes has no cues of other languages yet)

    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    opts = QuoteOptions(None if doc_sep == "none" else doc_sep, inputs.field, kinds)
    with dask_engine(dask) as engine:
        return run_quotes(inputs, opts, fmt=fmt, jobs=resolve_jobs(jobs), dask=engine)
