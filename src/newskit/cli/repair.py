"""``newskit repair``."""

from __future__ import annotations

import click

from newskit.cli.options import (
    dask_engine,
    dask_option,
    input_options,
    jobs_option,
    output_options,
    shard_option,
    usage_errors,
)
from newskit.pipeline.inputs import Inputs

#: ``--from``: newskit.rescue.SOURCES (not imported here: ``newskit --help`` loads every
#: command module, and the choices are checked against it by the tests)
SOURCES = ("auto", "mojibake", "bijoy", "krutidev", "chanakya")


@click.command(name="repair")
@input_options
@output_options
@click.option(
    "--from",
    "source",
    type=click.Choice(SOURCES),
    default="auto",
    show_default=True,
    help="What the broken lines are: detected per line and run (auto), or one encoding.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.999,
    show_default=True,
    metavar="P",
    help="With --from auto: the least probability of a legacy font to convert a run.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Report each changed line on stderr as path:line: kind probability, and per file "
    "the lines changed per kind.",
)
@jobs_option(
    " With -o DIR/, --in-place, --check or --diff each file is done on its own: workers take"
    " small files whole and a large file's chunks."
)
@dask_option
@shard_option
@usage_errors
def repair_cmd(
    inputs: Inputs,
    output: str | None,
    in_place: bool,
    backup: str | None,
    follow_symlinks: bool,
    clean_stale: bool,
    check: bool,
    diff: bool,
    source: str,
    min_confidence: float,
    explain: bool,
    jobs: int,
    dask: str | None,
    shard: tuple[int, int] | None,
) -> int:
    """Convert legacy-font text (Bijoy, KrutiDev) and mojibake to Unicode, line by line.

    Each line with Latin letters, Latin-1 characters or U+FFFD is looked at: UTF-8 read as
    Windows-1252 or Latin-1 (once or twice, lost bytes rebuilt from a news lexicon) is
    decoded again; text typed in Bijoy (Bengali) or KrutiDev (Hindi), whole lines or runs
    inside Unicode lines, is converted when the detector is sure. What is converted becomes
    NFC and then goes through the default normalization; every other line, English and
    romanized text included, is written byte for byte.

    Files are written atomically (a temporary file renamed over the old one); SIGTERM
    or SIGHUP removes the temporary files in flight. See the README's Safety section.

    \b
    Examples:
      newskit repair old.txt > new.txt
      newskit repair --check archive/          # exit 1 if any line would change
      newskit repair --explain a.txt > /dev/null
      newskit repair --from krutidev --diff notice.txt
      newskit repair --in-place --backup .orig corpus/
    """
    inputs.shard = shard
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.repair import Destination, run_repair
    from newskit.rescue import RepairOptions

    dest = Destination.parse(
        output,
        in_place,
        backup,
        check,
        diff,
        follow_symlinks=follow_symlinks,
        clean_stale=clean_stale,
    )
    opts = RepairOptions(source=source, min_confidence=min_confidence)
    with dask_engine(dask) as engine:
        return run_repair(inputs, opts, dest, jobs=resolve_jobs(jobs), explain=explain, dask=engine)
