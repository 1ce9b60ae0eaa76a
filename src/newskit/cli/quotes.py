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
    shard_option,
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
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    metavar="P",
    help="Only quotes whose confidence (the estimated chance that span, speaker and kind are "
    "all right) is at least P.",
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
    " Marathi, Nepali and Assamese documents are read with their own reporting cues; "
    "Hindi and Bengali ones (and the languages that borrow their rules) by script.",
    field=False,
    auto="detect per document, on its first 1,024 characters",
)
@jobs_option(" Workers take ranges of whole documents of a large file (a document is never cut).")
@dask_option
@shard_option
@usage_errors
def quotes_cmd(
    inputs: Inputs,
    fmt: str | None,
    kinds: tuple[str, ...],
    min_confidence: float,
    doc_sep: str,
    lang: str | None,
    jobs: int,
    dask: str | None,
    shard: tuple[int, int] | None,
) -> int:
    """Quotations in Hindi and Bengali news, with speaker, reporting cue and kind.

    One record per quotation: path, line, start/end (character offsets of the quoted text,
    marks excluded, into the decoded input), text, marks, closed, continued, kind
    (speech/partial/term), speaker and cue ({text, start, end} or null), speaker_position
    (before/after/previous/following), resolved (the named antecedent of a pronoun or
    description speaker), confidence (0..1, calibrated on the development gold).

    \b
    Examples:
      newskit quotes corpus/                        # a table on a terminal
      newskit quotes --kind speech news.txt > q.jsonl
      newskit quotes --kind speech --min-confidence 0.5 news.txt > q.jsonl
      newskit quotes --format tsv --jsonl --field body articles.jsonl
    """
    inputs.shard = shard
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.quotes import QuoteOptions, run_quotes

    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    from newskit.pipeline.languages import LangOptions

    doc_sep_or_none = None if doc_sep == "none" else doc_sep
    langs = LangOptions(lang)
    opts = QuoteOptions(doc_sep_or_none, inputs.field, kinds, min_confidence, langs)
    with dask_engine(dask) as engine:
        return run_quotes(inputs, opts, fmt=fmt, jobs=resolve_jobs(jobs), dask=engine)
