"""``newskit stats``."""

from __future__ import annotations

import sys

import click

from newskit.cli.options import input_options, jobs_option, lang_options, usage_errors
from newskit.pipeline.inputs import Inputs

_SECTIONS = ("files", "overview", "scripts", "punctuation", "lexicon", "hygiene")


@click.command(name="stats")
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "tsv", "csv"]),
    default=None,
    help="Output format. [default: table on a terminal, tsv otherwise]",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice([*_SECTIONS, "all"]),
    help="Sections to show (repeatable; table and json). "
    "[default: table: files, overview, lexicon; json: all]",
)
@click.option(
    "--by",
    type=click.Choice(["file", "dir", "lang", "total"]),
    default="file",
    show_default=True,
    help="One row per file, per directory, per language (documents, each by its own "
    "language), or only the total.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Length of the top words, bigrams, speakers and repeated-lines lists.",
)
@click.option(
    "--keep-stopwords",
    is_flag=True,
    help="Keep the stopwords (of the languages present) in the top words and bigrams.",
)
@click.option(
    "--doc-sep",
    metavar="LINE",
    default=None,
    help="Split plain-text files into documents at lines equal to LINE "
    "('blank': at blank lines). [default: one document per file; JSONL: one per record]",
)
@lang_options(
    " A language given is used for every document (its abbreviations, sentence rules and "
    "stopwords); a row's lang is that of most of its documents.",
    auto="detect per document, on its first 1,024 characters",
)
@jobs_option(
    " A large file is cut into ranges of whole documents (at --doc-sep lines; JSON Lines: "
    "at any record) for the workers; a document is never cut, so a plain-text file without "
    "--doc-sep (one document) is one worker's."
)
@usage_errors
def stats_cmd(
    inputs: Inputs,
    fmt: str | None,
    sections: tuple[str, ...],
    by: str,
    top: int,
    keep_stopwords: bool,
    doc_sep: str | None,
    lang: str | None,
    lang_field: str | None,
    jobs: int,
) -> int:
    """Corpus statistics: counts, languages, scripts and encoding health, quotes, lexicon,
    hygiene.

    One row per file (--by) plus the total, each with the language of most of its documents
    (mixed when none has four fifths). TSV/CSV/JSON carry raw numbers; the output is the
    same whatever --jobs is.

    \b
    Examples:
      newskit stats corpus/                          # tables on a terminal, TSV in a pipe
      newskit stats --doc-sep blank --section all --format table news.txt
      newskit stats --by lang --format json --jobs 2 corpus/ > stats.json
      newskit stats --jsonl --lang-field lang --by lang culturax-sample.jsonl
    """
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.languages import LangOptions
    from newskit.pipeline.stats import StatsConfig, run_stats

    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "tsv"
    chosen = set(sections)
    if "all" in chosen or (not chosen and fmt != "table"):
        chosen = set(_SECTIONS)
    elif not chosen:
        chosen = {"files", "overview", "lexicon"}
    config = StatsConfig(doc_sep, inputs.field, inputs.errors, langs=LangOptions(lang, lang_field))
    return run_stats(
        inputs,
        config,
        fmt=fmt,
        sections=chosen,
        by=by,
        top=top,
        keep_stopwords=keep_stopwords,
        jobs=resolve_jobs(jobs),
        progress=sys.stderr.isatty(),
    )
