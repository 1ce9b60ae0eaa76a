"""``newskit dedup``."""

from __future__ import annotations

import sys

import click

from newskit.cli.options import (
    dask_engine,
    dask_option,
    input_options,
    jobs_option,
    usage_errors,
)
from newskit.pipeline.inputs import Inputs, UsageError

_LINES_HELP = (
    "Drop boilerplate lines instead of duplicate documents: a line (after normalization) "
    "found in at least --min-docs documents. Short lines are common for good reasons (a "
    "dateline 'नई दिल्ली:', a byline, a lone '।'), so a common line of fewer than "
    "--min-words words is dropped only where it stands in a run of common lines (blank lines "
    "between them ignored) that holds a longer one, as 'फ़ेसबुक और' does inside the BBC "
    "Hindi footer. Run dedup on documents first: in a repeated article every line is common."
)


@click.command(name="dedup")
@input_options
@click.option(
    "--doc-sep",
    metavar="LINE",
    default=None,
    help="Split plain-text files into documents at lines equal to LINE "
    "('blank': at blank lines). [default: one document per file; JSONL: one per record]",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    default=None,
    help="Write to FILE instead of stdout (replaced only when the run succeeds), or into "
    "DIR/ one file per input (a dropped whole-file document is not written).",
)
@click.option(
    "--clusters",
    is_flag=True,
    help="Write the clusters instead of the documents: JSON Lines (a table on a terminal).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.7,
    show_default=True,
    help="Estimated Jaccard similarity of the word shingles at which two documents are duplicates.",
)
@click.option(
    "--ngram",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Words per shingle (a shorter document gets one shingle of all its words).",
)
@click.option(
    "--num-perm",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="MinHash permutations (memory: 4 bytes each per document).",
)
@click.option(
    "--bands",
    type=click.IntRange(min=1),
    default=None,
    help="LSH bands. [default: the fewest that propose 99.9% of the pairs at --threshold]",
)
@click.option("--seed", type=int, default=1, show_default=True, help="MinHash seed.")
@click.option(
    "--exact",
    is_flag=True,
    help="Only documents identical after normalization (whitespace, joiners, quote shapes "
    "and Latin letter case ignored).",
)
@click.option(
    "--keep",
    type=click.Choice(["first", "longest"]),
    default="first",
    show_default=True,
    help="Which member of a cluster is kept: the first in input order, or the one with the "
    "most words.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if there are duplicates (boilerplate lines with --lines), "
    "0 if none.",
)
@click.option("--lines", "by_lines", is_flag=True, help=_LINES_HELP)
@click.option(
    "--min-docs",
    type=click.IntRange(min=2),
    default=None,
    help="With --lines: a line in at least this many documents is boilerplate. [default: 5]",
)
@click.option(
    "--min-words",
    type=click.IntRange(min=0),
    default=None,
    help="With --lines: a boilerplate line of fewer words is dropped only next to a longer "
    "one. [default: 4]",
)
@click.option(
    "--id-field",
    metavar="NAME",
    default=None,
    help="JSON Lines: the field whose value is each member's id in --clusters.",
)
@jobs_option(" Workers compute the signatures; this process finds the clusters.")
@dask_option
@usage_errors
def dedup_cmd(
    inputs: Inputs,
    doc_sep: str | None,
    output: str | None,
    clusters: bool,
    threshold: float,
    ngram: int,
    num_perm: int,
    bands: int | None,
    seed: int,
    exact: bool,
    keep: str,
    check: bool,
    by_lines: bool,
    min_docs: int | None,
    min_words: int | None,
    id_field: str | None,
    jobs: int,
    dask: str | None,
) -> int:
    """Drop near-duplicate documents or boilerplate lines.

    Two documents are duplicates when their word 5-grams, after newskit's normalization
    (NFC, nukta and vowel forms, joiners, spaces, dandas, quote shapes, Latin case), have an
    estimated Jaccard similarity of at least --threshold: the same story re-published with a
    new headline, a byline, a footer or a few sentences cut. Two outlets' reports of one
    event are not duplicates. MinHash with LSH bands finds the candidates; each is checked
    against the threshold; a cluster is all the documents linked by such pairs,
    and one of them is kept (--keep).

    Documents: one per file, one per JSON Lines record, or split at --doc-sep. Output: the
    kept documents in input order, each exactly as read (JSON Lines records byte for byte;
    plain-text documents joined by the separator line), and a one-line summary on stderr.
    The input is read twice (signatures, then the documents to write); standard input is
    copied to a temporary file for the second reading. Bad UTF-8 or JSON anywhere stops the
    run before anything is written (exit 1).

    \b
    --clusters writes one JSON object per cluster:
      {"cluster": 1, "size": 2, "members": [{"path": "a.jsonl", "doc": 3, "line": 3,
       "id": "x7", "keep": true, "similarity": 1.0}, ...]}
    doc: its number in its input; line: its first line; id: with --id-field; similarity:
    estimated, with the kept member. With --lines: one object per boilerplate line,
    {"line", "documents", "dropped", "path", "first_line"}, most frequent first.

    \b
    Examples:
      newskit dedup --doc-sep blank news.txt > unique.txt
      newskit dedup --clusters --id-field url articles.jsonl
      newskit dedup --check corpus/ || echo "duplicates found"
      newskit dedup -o unique/ corpus/               # one article per file
      newskit dedup --lines --doc-sep blank unique.txt > clean.txt
    """
    from newskit.dedup import DedupConfig, LineConfig
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.dedup import DedupOptions, DedupOutput, run_dedup

    lines = None
    if by_lines:
        if exact:
            raise UsageError("--exact and --lines do not go together")
        lines = LineConfig(
            min_docs=5 if min_docs is None else min_docs,
            min_words=4 if min_words is None else min_words,
        )
    elif min_docs is not None or min_words is not None:
        raise UsageError("--min-docs and --min-words need --lines")
    try:
        config = DedupConfig(
            threshold=threshold,
            ngram=ngram,
            num_perm=num_perm,
            bands=bands,
            seed=seed,
            keep=keep,  # type: ignore[arg-type]
            exact=exact,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    options = DedupOptions(config, lines, doc_sep, inputs.field, id_field, inputs.errors)
    out = DedupOutput.parse(output, clusters, check, table=sys.stdout.isatty())
    with dask_engine(dask) as engine:
        return run_dedup(inputs, options, out, jobs=resolve_jobs(jobs), dask=engine)
