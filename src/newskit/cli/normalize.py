"""``newskit normalize``."""

from __future__ import annotations

import click

from newskit.cli.options import (
    dask_engine,
    dask_option,
    input_options,
    jobs_option,
    lang_options,
    output_options,
    shard_option,
    split_steps,
    usage_errors,
)
from newskit.pipeline.inputs import Inputs, UsageError


@click.command(name="normalize")
@input_options
@output_options
@click.option(
    "--skip",
    multiple=True,
    metavar="STEP",
    help="Skip these steps (repeatable or comma-separated).",
)
@click.option(
    "--only",
    multiple=True,
    metavar="STEP",
    help="Run only these steps (repeatable or comma-separated).",
)
@click.option(
    "--nukta",
    type=click.Choice(["keep", "drop"]),
    default="keep",
    show_default=True,
    help="Drop nukta signs (lossy; for matching).",
)
@click.option(
    "--digits",
    type=click.Choice(["keep", "ascii", "native"]),
    default="keep",
    show_default=True,
    help="Map digits to ASCII, or ASCII digits to the line's script.",
)
@click.option(
    "--quotes",
    "quote_marks",
    type=click.Choice(["keep", "ascii"]),
    default="keep",
    show_default=True,
    help="Fold curly quotes to ASCII.",
)
@click.option(
    "--zero-width",
    type=click.Choice(["smart", "keep", "drop"]),
    default="smart",
    show_default=True,
    help="ZWJ/ZWNJ: keep where they change rendering, keep all, drop all.",
)
@click.option(
    "--profile",
    type=click.Choice(["default", "indicnlp"]),
    default="default",
    show_default=True,
    help="indicnlp: indic-nlp-library's normalizer, for its exact output.",
)
@lang_options(
    " A language adds its visarga words (mr, ne, as) or rules (sa: नम: -> नमः); with "
    "--profile indicnlp, the language indic-nlp normalizes as (hi, bn, mr, ne, sa, as, kok).",
    field=False,
    auto="no detection: the Hindi and Bengali rules, safe for every language; indicnlp: hi or "
    "bn per line, by script",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Report on stderr how many characters each step changed, per file.",
)
@jobs_option(
    " With -o DIR/, --in-place, --check or --diff each file is done on its own: workers take"
    " small files whole and a large file's chunks."
)
@dask_option
@shard_option
@usage_errors
def normalize_cmd(
    inputs: Inputs,
    output: str | None,
    in_place: bool,
    backup: str | None,
    follow_symlinks: bool,
    clean_stale: bool,
    check: bool,
    diff: bool,
    skip: tuple[str, ...],
    only: tuple[str, ...],
    nukta: str,
    digits: str,
    quote_marks: str,
    zero_width: str,
    profile: str,
    lang: str | None,
    explain: bool,
    jobs: int,
    dask: str | None,
    shard: tuple[int, int] | None,
) -> int:
    """Normalize Devanagari and Bengali text: NFC, visual forms, invisibles, spaces, danda, visarga.

    Steps, in order: invisible, nfc, visual, spaces, danda, visarga. Curly
    quotes, dashes, digits and Latin text are left alone unless asked.

    Files are written atomically (a temporary file renamed over the old one); SIGTERM
    or SIGHUP removes the temporary files in flight. See the README's Safety section.

    \b
    Examples:
      cat a.txt | newskit normalize | less
      newskit normalize corpus/ -o clean/
      newskit normalize --check corpus/        # exit 1 if any file would change
      newskit normalize --in-place --backup .orig corpus/
      newskit normalize --only nfc,spaces --explain a.txt > /dev/null
    """
    inputs.shard = shard
    from newskit.normalization import NormalizeOptions
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.normalize import Destination, run_normalize

    dest = Destination.parse(
        output,
        in_place,
        backup,
        check,
        diff,
        follow_symlinks=follow_symlinks,
        clean_stale=clean_stale,
    )
    settings = {
        "nukta": nukta,
        "digits": digits,
        "quotes": quote_marks,
        "zero_width": zero_width,
        "profile": profile,
        "lang": lang,
    }
    try:
        if only:
            opts = NormalizeOptions.only(split_steps(only), **settings)
        else:
            opts = NormalizeOptions(**settings)  # type: ignore[arg-type]
        if skip:
            opts = opts.skip(split_steps(skip))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with dask_engine(dask) as engine:
        return run_normalize(
            inputs, opts, dest, jobs=resolve_jobs(jobs), explain=explain, dask=engine
        )
