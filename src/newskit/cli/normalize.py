"""``newskit normalize``."""

from __future__ import annotations

import click

from newskit.cli.options import (
    input_options,
    jobs_option,
    output_options,
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
@click.option(
    "--lang",
    type=click.Choice(["hi", "bn", "mr", "ne"]),
    default=None,
    help="Language for --profile indicnlp. [default: per line, by script]",
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
@usage_errors
def normalize_cmd(
    inputs: Inputs,
    output: str | None,
    in_place: bool,
    backup: str | None,
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
) -> int:
    """Normalize Devanagari and Bengali text: NFC, visual forms, invisibles, spaces, danda, visarga.

    Steps, in order: invisible, nfc, visual, spaces, danda, visarga. Curly
    quotes, dashes, digits and Latin text are left alone unless asked.

    \b
    Examples:
      cat a.txt | newskit normalize | less
      newskit normalize corpus/ -o clean/
      newskit normalize --check corpus/        # exit 1 if any file would change
      newskit normalize --in-place --backup .orig corpus/
      newskit normalize --only nfc,spaces --explain a.txt > /dev/null
    """
    from newskit.normalization import NormalizeOptions
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.normalize import Destination, run_normalize

    dest = Destination.parse(output, in_place, backup, check, diff)
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
    return run_normalize(inputs, opts, dest, jobs=resolve_jobs(jobs), explain=explain)
