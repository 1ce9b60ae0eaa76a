"""``newskit tokenize`` and ``newskit sentences``."""

from __future__ import annotations

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

_NORMALIZE_HELP = "Run the default normalization first (offsets then refer to the normalized text)."
_LANG_AUTO = "detect once per input, on its first lines (JSON Lines: its first record)"
_LANG_HELP = " Marathi, Nepali and Assamese add their abbreviations; mr/ne a reporting-clause rule."


@click.command(name="tokenize")
@input_options
@click.option(
    "--sentences",
    "by_sentence",
    is_flag=True,
    help="One sentence per output line, an empty line after each paragraph.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl", "conllu"]),
    default="text",
    show_default=True,
    help="text: tokens separated by spaces; jsonl: one record per sentence with token "
    "offsets; conllu: CoNLL-U with # text.",
)
@click.option("--normalize", "norm", is_flag=True, help=_NORMALIZE_HELP)
@lang_options(_LANG_HELP, auto=_LANG_AUTO)
@jobs_option()
@dask_option
@usage_errors
def tokenize_cmd(
    inputs: Inputs,
    by_sentence: bool,
    fmt: str,
    norm: bool,
    lang: str | None,
    lang_field: str | None,
    jobs: int,
    dask: str | None,
) -> int:
    """Split Devanagari and Bengali-script text into tokens, losslessly (UD conventions).

    Punctuation and every quote mark become tokens; numbers (1,00,000, १,२५०.५), dates,
    URLs, e-mail addresses, @handles, #hashtags, abbreviations (डॉ., মো., বি.এন.পি.) and
    Bengali apostrophe words (দু’টি) stay whole. By default each input line becomes one
    output line. JSON Lines records: path, line, sentence, lang, start, end, text and tokens
    as [text, start, end, kind], offsets in characters into the input.

    \b
    Examples:
      newskit tokenize article.txt | less
      newskit tokenize --sentences corpus/ > tokenized.txt
      newskit tokenize --format conllu --normalize article.txt
      newskit tokenize --format jsonl --jsonl --field body articles.jsonl
    """
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.languages import LangOptions
    from newskit.pipeline.segment import run_segment

    mode = "token-sentences" if by_sentence else "tokens"
    langs = LangOptions(lang, lang_field)
    with dask_engine(dask) as engine:
        return run_segment(
            inputs, mode, fmt, norm=norm, jobs=resolve_jobs(jobs), langs=langs, dask=engine
        )


@click.command(name="sentences")
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "jsonl"]),
    default="text",
    show_default=True,
    help="text: one sentence per line; jsonl: one record per sentence with its offsets.",
)
@click.option("--normalize", "norm", is_flag=True, help=_NORMALIZE_HELP)
@lang_options(_LANG_HELP, auto=_LANG_AUTO)
@jobs_option()
@dask_option
@usage_errors
def sentences_cmd(
    inputs: Inputs,
    fmt: str,
    norm: bool,
    lang: str | None,
    lang_field: str | None,
    jobs: int,
    dask: str | None,
) -> int:
    """One sentence per line, exactly as in the input apart from the whitespace between.

    Sentences end at । ॥ ৷ ? ! and at a full stop (not after an abbreviation, an initial or
    inside a number), keep their closing quotes and brackets, and never run over a line
    break; an unclosed quote never swallows the text after it. Marathi's full stops and
    abbreviations (सौ., प्रा.) follow its own lists (--lang mr, or detected).

    \b
    Examples:
      newskit sentences article.txt
      newskit sentences --normalize corpus/ > sentences.txt
      newskit sentences --format jsonl news.txt
    """
    from newskit.parallel import resolve_jobs
    from newskit.pipeline.languages import LangOptions
    from newskit.pipeline.segment import run_segment

    langs = LangOptions(lang, lang_field)
    with dask_engine(dask) as engine:
        return run_segment(
            inputs, "sentences", fmt, norm=norm, jobs=resolve_jobs(jobs), langs=langs, dask=engine
        )
