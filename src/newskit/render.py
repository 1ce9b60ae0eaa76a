"""Tables and progress for people, with Rich (machine formats are :mod:`newskit.formats`).

This is the only module that imports Rich, and it does so inside functions so
that commands which never draw a table (and ``newskit --help``) do not pay for
the import. Library modules return plain data; these functions only format it.

Rules we follow (see ``../shared/notes/cli-and-rich.md``):

* corpus text is always wrapped in :class:`rich.text.Text`, never parsed as
  markup, so ``[/x]`` or ``[red]`` in a news article prints as written;
* numbers sit right-aligned in their own columns and Indic text goes in the
  *last* column of borderless tables: Rich measures Devanagari/Bengali spacing
  vowel signs as zero cells while terminals draw one, so anything to the right
  of Indic text (or a vertical border) would drift;
* machine formats carry raw numbers (no thousands separators, ``.`` decimals,
  empty field for "not computed").
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from newskit.formats import Row

# Columns of the compact per-file table: (summary key, header).
_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lang", "lang"),
    ("documents", "docs"),
    ("sentences", "sents"),
    ("tokens", "tokens"),
    ("types", "types"),
    ("mattr", "MATTR"),
    ("quotes", "quotes"),
    ("duplicate_documents", "dups"),
)

_LABELS: dict[str, str] = {
    "mean_sentence_tokens": "mean sentence length (tokens)",
    "median_sentence_tokens": "median sentence length (tokens)",
    "ttr": "TTR (size-dependent)",
    "mattr": "MATTR",
    "hapax_share": "hapax share of types",
    "non_nfc_lines": "lines not in NFC",
    "non_nfc_documents": "documents not in NFC",
    "replacement_chars": "U+FFFD replacement chars",
    "mojibake": "mojibake markers (à¤ à¦)",
    "zwj": "ZWJ",
    "zwnj": "ZWNJ",
    "invisible": "other invisible chars",
    "quotes_per_1k_tokens": "quotes per 1,000 tokens",
    "lines_repeated_in_doc": "lines repeated within a document",
    "sentences_repeated_in_doc": "sentences repeated within a document",
    "lines_in_several_docs": "distinct lines in ≥2 documents",
    "line_occurrences_in_several_docs": "occurrences of those lines",
    "sentences_in_several_docs": "distinct sentences in ≥2 documents",
    "duplicate_documents": "exact duplicate documents",
}


# ---------------------------------------------------------------------------
# Rich tables
# ---------------------------------------------------------------------------
def _num(value: Any) -> str:
    """Human number: thousands separators for ints, 4 significant decimals for shares."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def _label(key: str) -> str:
    return _LABELS.get(key, key.replace("_", " "))


def _console(file: Any, width: int | None, color: bool | None) -> Any:
    """A Rich console for corpus text: no markup or emoji parsing, colour only when asked
    or on a terminal (Rich honours ``NO_COLOR``); built per call so that the
    caller's ``COLUMNS``/``NO_COLOR`` apply."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=None if color is None else not color,
        force_terminal=color if color else None,
    )


def render_stats_table(
    rows: Sequence[Row],
    sections: dict[str, Any],
    *,
    show: Iterable[str] = ("files", "overview", "scripts", "punctuation", "lexicon", "hygiene"),
    file: IO[str] | None = None,
    width: int | None = None,
    color: bool | None = None,
) -> None:
    """Print the per-row table and the requested sections with Rich.

    ``show`` names what to print: ``files`` (the per-row table) and any of the
    report sections. The console is built here (not at import time) so that
    ``COLUMNS``/``NO_COLOR`` set by the caller are honoured.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(file, width, color)
    show = list(show)

    def table(headers: Sequence[str]) -> Table:
        """Borderless table: right-aligned numbers, free text in the last column."""
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for i, h in enumerate(headers):
            if i == len(headers) - 1:
                t.add_column(Text(h), justify="left", no_wrap=True, overflow="ellipsis")
            else:
                t.add_column(Text(h), justify="right", no_wrap=True)
        return t

    def emit(title: str, t: Table, cells: list[list[str]]) -> None:
        # Numeric columns never shrink: give each the width of its widest cell,
        # so only the text column (last) is cut when the terminal is narrow.
        for i, col in enumerate(t.columns[:-1]):
            col.min_width = max([len(str(col.header))] + [len(r[i]) for r in cells])
        console.print(Text(title, style="bold"))
        console.print(t)

    if "files" in show:
        data_rows = [r for r in rows if r[0] != "total"]
        level = data_rows[0][0] if data_rows else "total"
        t = table([h for _, h in _TABLE_COLUMNS] + ["name"])
        cells = []
        for lvl, name, row in rows:
            cell = [_num(row.get(k)) for k, _ in _TABLE_COLUMNS]
            cells.append(cell)
            t.add_row(
                *(Text(c) for c in cell),
                Text(name if lvl != "total" else "TOTAL"),
                style="bold" if lvl == "total" else "",
            )
        emit(f"per {level}" if data_rows else "total", t, cells)

    for section in ("overview", "scripts", "punctuation", "lexicon", "hygiene"):
        if section not in show or section not in sections:
            continue
        data = sections[section]
        t = table(["value", section])
        cells = []
        for k, v in data.items():
            if k == "stopwords_excluded" or isinstance(v, list):
                continue
            items = (
                [(f"{_label(k)}: {kk}", vv) for kk, vv in v.items()]
                if isinstance(v, dict)
                else [(_label(k), v)]
            )
            for label, value in items:
                cells.append([_num(value)])
                t.add_row(Text(cells[-1][0]), Text(label))
        if cells:
            emit(section, t, cells)
        for k, v in data.items():
            if not isinstance(v, list) or not v:
                continue
            title = _label(k)
            if section == "lexicon" and data.get("stopwords_excluded"):
                title += " (stopwords excluded)"
            t = table(["#", "count", "text"])
            cells = []
            for i, (text, count) in enumerate(v, 1):
                cells.append([str(i), _num(count)])
                t.add_row(Text(cells[-1][0]), Text(cells[-1][1]), Text(str(text)))
            emit(title, t, cells)


@contextlib.contextmanager
def progress(
    total_files: int, total_bytes: int, *, enabled: bool
) -> Iterator[Callable[[int], None]]:
    """A files-and-MB progress bar on stderr; yields ``advance(nbytes)`` (one call per file).

    Only shown when ``enabled`` (the caller passes ``sys.stderr.isatty()``):
    never in pipes, CI logs or CliRunner. ``transient`` so it leaves no trace,
    ``redirect_stdout=False`` so data written to stdout is not captured by it.
    """
    if not enabled:
        yield lambda nbytes: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    mb = total_bytes / 1e6
    bar = Progress(
        TextColumn("stats"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TextColumn("{task.fields[mb]:.1f}/" + f"{mb:.1f} MB"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    with bar:
        task = bar.add_task("stats", total=total_files, mb=0.0)
        done = 0

        def advance(nbytes: int) -> None:
            nonlocal done
            done += nbytes
            bar.update(task, advance=1, mb=done / 1e6)

        yield advance


# ---------------------------------------------------------------------------
# quotes (``newskit quotes``)
# ---------------------------------------------------------------------------
def render_quotes_table(
    records: Iterable[dict[str, Any]],
    *,
    file: IO[str] | None = None,
    width: int | None = None,
    color: bool | None = None,
) -> int:
    """Print quote records as a borderless Rich table; return how many were printed.

    Columns: file (``path:line``), kind, then one last column holding the speaker and the cue
    (first line) and the quote text (second line). Speaker and cue are Indic text too, and
    Rich mis-measures Indic vowel signs, so they share the last column with the quote instead
    of getting columns of their own, which would drift (see the module docstring).
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(file, width, color)
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    # a long path folds onto more lines; the kind column never shrinks
    t.add_column(Text("file"), overflow="fold", max_width=40)
    t.add_column(Text("kind"), no_wrap=True, min_width=len("partial (unclosed)"))
    t.add_column(Text("speaker · cue / quote"), no_wrap=True, overflow="ellipsis")
    n = 0
    for r in records:
        n += 1
        speaker = r.get("speaker") or {}
        cue = r.get("cue") or {}
        who = Text(str(speaker.get("text") or "—"), style="bold")
        if r.get("resolved"):
            who.append(f" (= {r['resolved']})", style="bold")
        who.append(f" · {cue.get('text') or '—'}", style="dim")
        if r.get("speaker_position"):
            who.append(f" [{r['speaker_position']}]", style="dim")
        close = r.get("close_mark") or ""
        quote = Text(f"{r.get('open_mark', '')}{r.get('text', '')}{close}".replace("\n", " ¶ "))
        kind = str(r.get("kind", ""))
        if not r.get("closed", True):
            kind += " (unclosed)"
        t.add_row(
            Text(f"{r.get('path', '')}:{r.get('line', '')}"),
            Text(kind),
            Text("\n").join([who, quote]),
        )
    if n:
        console.print(t)
    return n


# ---------------------------------------------------------------------------
# dedup (``newskit dedup --clusters`` on a terminal)
# ---------------------------------------------------------------------------
def render_dedup_clusters(
    records: Iterable[dict[str, Any]],
    *,
    file: IO[str] | None = None,
    width: int | None = None,
    color: bool | None = None,
) -> int:
    """Print ``dedup --clusters`` records as a borderless table, one row per member (the
    kept one in bold); return how many clusters were printed. The member's place (and its
    ``id``, which may be Indic text) goes in the last column."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(file, width, color)
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("cluster", "similarity", "kept"):
        t.add_column(Text(header), justify="right", no_wrap=True)
    t.add_column(Text("document (path:line #doc, id)"), no_wrap=True, overflow="ellipsis")
    records = list(records)
    for n, record in enumerate(records, 1):
        for i, m in enumerate(record["members"]):
            where = Text(f"{m['path']}:{m['line']} #{m['doc']}")
            if m.get("id") is not None:
                where.append(f"  {m['id']}")
            t.add_row(
                Text(str(record["cluster"]) if i == 0 else ""),
                Text(f"{m['similarity']:.2f}"),
                Text("yes" if m["keep"] else ""),
                where,
                style="bold" if m["keep"] else "",
                end_section=i == len(record["members"]) - 1 and n < len(records),
            )
    console.print(t if records else Text("no duplicates"))
    return len(records)


def render_boilerplate_lines(
    records: Iterable[dict[str, Any]],
    *,
    file: IO[str] | None = None,
    width: int | None = None,
    color: bool | None = None,
) -> int:
    """Print ``dedup --lines --clusters`` records as a borderless table: counts first, the
    line itself (Indic text) last; return how many lines were printed."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(file, width, color)
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("documents", "dropped"):
        t.add_column(Text(header), justify="right", no_wrap=True)
    t.add_column(Text("first at"), no_wrap=True, overflow="fold", max_width=40)
    t.add_column(Text("line"), no_wrap=True, overflow="ellipsis")
    n = 0
    for r in records:
        n += 1
        t.add_row(
            Text(_num(r["documents"])),
            Text(_num(r["dropped"])),
            Text(f"{r['path']}:{r['first_line']}"),
            Text(r["line"]),
        )
    if n:
        console.print(t)
    else:
        console.print(Text("no boilerplate lines"))
    return n
