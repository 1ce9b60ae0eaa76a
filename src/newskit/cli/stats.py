"""``newskit stats``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newskit.cli.options import (
    dask_engine,
    dask_option,
    input_options,
    jobs_option,
    lang_options,
    usage_errors,
)
from newskit.pipeline.inputs import Inputs, UsageError

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
@dask_option
@click.option(
    "--shard",
    metavar="K/N",
    default=None,
    help="Run only the K-th of N shares of the work (contiguous, by bytes, the same on every "
    "machine), for Slurm job arrays or xargs -P; needs --save-state.",
)
@click.option(
    "--save-state",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    default=None,
    help="Write the mergeable state of this run to FILE (gzip JSON) instead of a report.",
)
@click.option(
    "--merge",
    is_flag=True,
    help="PATHS are state files of the shards of one run: print what that one run prints.",
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
    dask: str | None,
    shard: str | None,
    save_state: Path | None,
    merge: bool,
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
      newskit stats --dask local:4 --doc-sep blank big.txt
      newskit stats --shard 3/8 --save-state s3.state corpus/    # one of 8 jobs
      newskit stats --merge s*.state --format json               # what one run prints
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
    if merge:
        from newskit.pipeline.shards import run_merge

        if shard or save_state or dask:
            raise UsageError("--merge takes no --shard, --save-state or --dask")
        return run_merge(
            [Path(p) for p in inputs.paths],
            inputs.diag,
            fmt=fmt,
            sections=chosen,
            by=by,
            top=top,
            keep_stopwords=keep_stopwords,
        )
    parts = None
    if shard is not None:
        from newskit.pipeline.shards import parse_shard

        try:
            parts = parse_shard(shard)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--shard") from None
        if save_state is None:
            raise UsageError("--shard needs --save-state FILE (then --merge the states)")
    config = StatsConfig(doc_sep, inputs.field, inputs.errors, langs=LangOptions(lang, lang_field))
    with dask_engine(dask) as engine:
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
            dask=engine,
            shard=parts,
            save_state=save_state,
        )
