"""The unit of work of the text commands: whole lines of one input, as bytes read here or
as a byte range a worker reads itself."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newskit.io import DecodeReport, Errors, InputError, RawChunk, Source

#: The bytes that continue a UTF-8 sequence: a chunk's characters are its bytes less these.
UTF8_CONTINUATION = bytes(range(0x80, 0xC0))


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``[start, end)`` of a regular file, whole lines, for a worker to read."""

    path: Path
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    """Whole lines of input ``name``: ``data`` read here, or a :class:`ByteRange`."""

    data: RawChunk | ByteRange
    name: str
    errors: Errors = "strict"

    @property
    def size(self) -> int:
        """Its input bytes (how :mod:`newskit.parallel` batches work)."""
        d = self.data
        return d.end - d.start if isinstance(d, ByteRange) else len(d.data)


@dataclass
class Loaded:
    """A chunk decoded: ``text`` (the whole lines before a bad byte, if there is one, and
    then ``error``), ``original`` (its bytes, as far as ``text`` goes), ``replaced`` (bytes
    replaced by ``--errors replace``) and, for a byte range, ``newlines`` (the lines it
    spans, which make the numbers in later chunks' errors absolute; 0 for bytes read here,
    whose lines are numbered already)."""

    text: str
    original: bytes
    first_line: int
    replaced: int = 0
    error: InputError | None = None
    newlines: int = 0


def load(chunk: Chunk) -> Loaded:
    """Read (a byte range) and decode a chunk; bad input is returned, not raised, so that
    the lines before it are still done. A file that is binary from its first bytes raises
    :class:`newskit.io.SkipInput` (only a first range can: nothing was done yet)."""
    from newskit.io import DecodeError, NulError, RawChunk, decode_chunk, read_range

    data = chunk.data
    error: InputError | None = None
    newlines = 0
    if isinstance(data, ByteRange):
        try:
            raw = read_range(data.path, data.start, data.end, chunk.name)
        except NulError as exc:  # the lines before it, then the error
            raw, error = RawChunk(exc.good, 1, data.start), exc
        newlines = raw.data.count(b"\n")
    else:
        raw = data
    try:
        text, replaced = decode_chunk(raw, chunk.name, chunk.errors)
        original = raw.data
    except DecodeError as exc:
        text, replaced, error = exc.good, 0, exc
        original = text.encode()
    return Loaded(text, original, raw.first_line, replaced, error, newlines)


def file_chunks(
    source: Source, report: DecodeReport, errors: Errors, ranged: bool, size: int | None = None
) -> Iterator[Chunk]:
    """The chunks of a plain-text input: byte ranges that workers read themselves
    (``ranged``: this process only finds line boundaries), or bytes read here."""
    from newskit.io import iter_file_ranges, iter_raw_chunks, starts_with_bom

    if ranged:
        path = source.path
        assert path is not None
        report.bom = starts_with_bom(path)
        for a, b in iter_file_ranges(path, size):
            yield Chunk(ByteRange(path, a, b), source.name, errors)
        return
    for raw in iter_raw_chunks(source, report, size):
        yield Chunk(raw, source.name, errors)


def chunk_results(
    results: Iterable[tuple[Any, ...]], report: DecodeReport, ranged: bool
) -> Iterator[tuple[Any, ...]]:
    """Follow the results of chunks done in order, each ``(*head, replaced, error, newlines)``.

    Yields each head and adds up the replacements; raises a chunk's decoding error only after
    its head was yielded, so the lines before the bad byte are written first. A worker that
    read its own byte range (``ranged``) counted lines from there: the number is made
    absolute with the newlines of the chunks before it.
    """
    lines_before = 0
    for *head, replaced, error, newlines in results:
        report.replacements += replaced
        yield tuple(head)
        if error is not None:
            if ranged and error.line is not None:
                error.line += lines_before
            raise error
        lines_before += newlines
