"""``newskit quotes``: documents → :func:`newskit.quotes.extract_quotes` → records.

Records point into the whole decoded input (offsets, line), or for JSON Lines into the
record's text field (line: the record's). The unit of work is a chunk of whole documents: a
byte range of a file that a worker reads, or bytes read here (stdin, ``.gz``). A worker finds
the quotes of its chunk with offsets and lines relative to the chunk; how many characters and
lines came before it is known only once the chunks before it are done, so records are
shifted when the chunk's turn to be written comes (the ``carry`` of
:func:`newskit.parallel.ordered_write`), or here when they come back (a table, or an output
the workers cannot write to). For bytes read here the offset is counted as they are read,
and workers write at once.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newskit.parallel import Tuning, by_input, ordered_map, ordered_write, writer_fd
from newskit.parquet import RowGroup
from newskit.pipeline.chunks import ByteRange, Chunk, load
from newskit.pipeline.inputs import Inputs, input_errors, stdout_bytes

if TYPE_CHECKING:
    from newskit.io import InputError, Source


def quotes_tuning() -> Tuning:
    """Quotes take about 30 ms a MiB: workers (30-60 ms to start) pay from 2 MiB."""
    return Tuning.from_env(workers_from_bytes=2 << 20)


@dataclass(frozen=True)
class QuoteOptions:
    """What to extract and keep."""

    doc_sep: str | None = "blank"
    field: str = "text"
    kinds: tuple[str, ...] = ()
    min_confidence: float = 0.0


@dataclass(frozen=True)
class QuoteItem:
    """A chunk of whole documents (or JSON Lines records) of one input. ``base``: characters
    of the input before it, when known here (bytes read here); None for a byte range."""

    chunk: Chunk
    jsonl: bool
    options: QuoteOptions
    base: int | None = None
    first: bool = True  # the input's first chunk
    group: RowGroup | None = None  # a Parquet row group instead of the chunk


@dataclass
class QuoteChunk:
    """A chunk's quotes, offsets and lines relative to it, and what the chunk spans."""

    records: list[dict[str, Any]]
    chars: int  # characters of the chunk (those after it are shifted by them)
    newlines: int  # lines of a byte range (0 for bytes read here: their lines are absolute)
    replaced: int
    error: InputError | None


def quote_chunk(item: QuoteItem) -> QuoteChunk:
    """Find the quotations of a chunk (top level: runs in workers)."""
    from newskit.documents import split_documents, split_lf
    from newskit.io import InputError, parse_record
    from newskit.quotes import extract_quotes

    opts = item.options
    if item.group is not None:  # (a Parquet row group: records, their rows numbered)
        from newskit.parquet import iter_records

        found = []
        for n, _, text in iter_records(item.group, opts.field):
            for q in extract_quotes(text):
                if (not opts.kinds or q.kind in opts.kinds) and q.confidence >= opts.min_confidence:
                    found.append({"path": item.chunk.name, **q.to_dict(), "line": n})
        return QuoteChunk(found, 0, 0, 0, None)
    got = load(item.chunk)
    name = item.chunk.name
    records: list[dict[str, Any]] = []
    error = got.error

    def keep(quotes: list[Any]) -> Iterator[dict[str, Any]]:
        for q in quotes:
            if opts.kinds and q.kind not in opts.kinds:
                continue
            if q.confidence < opts.min_confidence:
                continue
            yield q.to_dict()

    if item.jsonl:
        for n, line in enumerate(split_lf(got.text), got.first_line):
            if not line.strip():
                continue
            try:
                text = parse_record(line, name, n, opts.field)[1]
            except InputError as exc:
                error = exc
                break
            for rec in keep(extract_quotes(text)):
                rec["line"] = n
                records.append({"path": name, **rec})
    else:
        for first, offset, doc, closed in split_documents(got.text, opts.doc_sep, got.first_line):
            if not closed and got.error is not None:
                continue  # (the document a bad byte cuts is left out)
            for rec in keep(extract_quotes(doc)):
                records.append({"path": name, **_shift(rec, offset, first - 1)})
    # (JSON Lines offsets index each record's text: chunks before move only the lines)
    chars = 0 if item.jsonl else len(got.text)
    return QuoteChunk(records, chars, got.newlines, got.replaced, error)


def _shift(record: dict[str, Any], chars: int, lines: int) -> dict[str, Any]:
    """Move a record's offsets ``chars`` and its line ``lines`` further (in place)."""
    if chars:
        record["start"] += chars
        record["end"] += chars
        for key in ("speaker", "cue"):
            span = record.get(key)
            if span:
                span["start"] += chars
                span["end"] += chars
    record["line"] += lines
    return record


#: ``(input, characters before, lines before)`` of the next chunk, as the carry goes.
Carry = tuple[int, int, int]
_START: Carry = (-1, 0, 0)


def _step(value: Carry, group: int, result: tuple[int, int, Any]) -> Carry:
    g, chars, lines = value
    if g != group:
        chars = lines = 0
    return group, chars + result[0], lines + result[1]


def _encoder(fmt: str) -> Callable[[dict[str, Any]], str]:
    from newskit import formats

    if fmt == "jsonl":
        return formats.quote_jsonl
    sep = "\t" if fmt == "tsv" else ","
    return lambda record: formats.quote_line(record, sep)


@dataclass(frozen=True)
class _Writer:
    """:func:`quote_chunk` for :func:`~newskit.parallel.ordered_write`: the encoded records,
    made at once when the chunk's base is known here, else from the carry when its turn
    comes; the result is ``(characters, lines, (replaced, error, lines of a range))``."""

    fmt: str

    def __call__(self, item: QuoteItem) -> tuple[Any, Any, bool]:
        done = quote_chunk(item)
        result = (done.chars, done.newlines, (done.replaced, done.error, done.newlines))
        stop = done.error is not None
        encode = _encoder(self.fmt)

        def data(value: Carry) -> bytes:
            # (the chunk before this one is this input's, unless this is the input's first)
            chars, lines = (0, 0) if item.first else value[1:]
            return "".join(encode(_shift(r, chars, lines)) for r in done.records).encode()

        if item.base is not None:
            return data((-1, item.base, 0)), result, stop
        return data, result, stop


def quote_items(
    source: Source, opts: QuoteOptions, errors: str, ranged: bool, tuning: Tuning
) -> Iterator[QuoteItem]:
    """The chunks of one input: byte ranges of whole documents that workers read
    (``ranged``), or whole documents read here, their base offsets counted."""
    from newskit.io import BLOCK_SIZE, iter_document_chunks, iter_document_ranges

    size = tuning.chunk_bytes or BLOCK_SIZE
    if source.parquet:
        from newskit.io import RawChunk
        from newskit.parquet import row_groups

        assert source.path is not None
        empty = Chunk(RawChunk(b"", 1, 0), source.name, errors)  # type: ignore[arg-type]
        for group in row_groups(source.path):
            yield QuoteItem(empty, True, opts, 0, group.index == 0, group)
        return
    sep = "\n" if source.jsonl else opts.doc_sep
    path = source.path
    if ranged and path is not None:
        for start, end in iter_document_ranges(path, sep, size):
            chunk = Chunk(ByteRange(path, start, end), source.name, errors)  # type: ignore[arg-type]
            yield QuoteItem(chunk, source.jsonl, opts, None, start == 0)
        return
    base = 0
    for i, raw in enumerate(iter_document_chunks(source, sep, None, size)):
        chunk = Chunk(raw, source.name, errors)  # type: ignore[arg-type]
        yield QuoteItem(chunk, source.jsonl, opts, base, i == 0)
        # (as decoding will count them: with --errors replace a bad byte is one character;
        # JSON Lines offsets index each record's text, whatever came before)
        if not source.jsonl:
            base += len(raw.data.decode("utf-8", "replace"))


def _records_here(
    inputs: Inputs,
    sources: list[Source],
    opts: QuoteOptions,
    jobs: int,
    tuning: Tuning,
    dask: Any = None,
) -> Iterator[dict[str, Any]]:
    """Every input's records, in order, shifted here (``dask``: found on a cluster)."""
    for source in sources:
        ranged = (jobs > 1 or dask is not None) and source.ranged
        items = quote_items(source, opts, inputs.errors, ranged, tuning)
        if dask is not None:
            done = dask.ordered_map(quote_chunk, items)
        else:
            here = tuning.in_process([None if source.streamed else source.file_size])
            done = ordered_map(quote_chunk, items, jobs=jobs, warm=_warm, in_process=here)
        chars = lines = replaced = 0
        with input_errors(inputs.diag, source), contextlib.closing(done):
            for chunk in done:
                replaced += chunk.replaced
                for record in chunk.records:
                    yield _shift(record, chars, lines)
                if chunk.error is not None:
                    if ranged and chunk.error.line is not None:
                        chunk.error.line += lines
                    raise chunk.error
                chars += chunk.chars
                lines += chunk.newlines
        inputs.report_replacements(source.name, replaced)


def _warm() -> None:
    from newskit.quotes import extract_quotes

    extract_quotes("उन्होंने कहा, “ठीक है।” তিনি বলেন, ‘ভালো’।")


def run_quotes(
    inputs: Inputs,
    opts: QuoteOptions,
    *,
    fmt: str,
    jobs: int,
    tuning: Tuning | None = None,
    dask: Any = None,
) -> int:
    """Print the quotations of ``inputs`` as a table (``fmt="table"``), JSON Lines, TSV or
    CSV; return the exit status (1 if an input had bad data, reported on stderr)."""
    from newskit import render

    tuning = tuning or quotes_tuning()
    sources = inputs.sources()
    out = stdout_bytes()
    fd = writer_fd(out, jobs) if fmt != "table" and dask is None else -1
    if fd < 0:
        records = _records_here(inputs, sources, opts, jobs, tuning, dask)
        if fmt == "table":
            render.render_quotes_table(records)
            return inputs.diag.status
        encode = _encoder(fmt)
        if fmt != "jsonl":
            from newskit.formats import quote_header

            out.write(quote_header("\t" if fmt == "tsv" else ",").encode())
        for record in records:
            out.write(encode(record).encode())
        out.flush()
        return inputs.diag.status
    if fmt != "jsonl":
        from newskit.formats import quote_header

        out.write(quote_header("\t" if fmt == "tsv" else ",").encode())
    out.flush()
    here = tuning.in_process(None if s.streamed else s.file_size for s in sources)
    slow = any(s.streamed for s in sources)
    # Byte ranges need the carry, which only the forked workers pass: with an input read
    # here at its own pace (the process pool), every chunk is read here, its base counted.
    ranged = here != sys.maxsize and not slow
    groups = (quote_items(s, opts, inputs.errors, ranged and s.ranged, tuning) for s in sources)
    results = ordered_write(
        _Writer(fmt),
        groups,
        jobs=jobs,
        fd=fd,
        size=lambda item: item.chunk.size,
        warm=_warm,
        in_process=here,
        slow_input=slow,
        carry=(_START, _step),
        tuning=tuning,
    )
    for i, done in by_input(results, len(sources)):
        replaced = 0
        lines = 0
        with input_errors(inputs.diag, sources[i]):
            for _, _, (rep, error, newlines) in done:
                replaced += rep
                if error is not None:
                    if error.line is not None and sources[i].ranged:
                        error.line += lines
                    raise error
                lines += newlines
        inputs.report_replacements(sources[i].name, replaced)
    return inputs.diag.status
