"""Inputs and outputs shared by every command: discovery, decoding, JSONL, atomic writes.

Why not ``click.File`` or ``open(..., encoding="utf-8")``: a text wrapper decodes
in chunks, so one stray byte raises a traceback *and* loses the valid lines
before it. Here input is read as bytes in blocks of whole lines and decoded
block by block; on a bad byte the valid lines before it are still delivered and
:class:`InputError` names ``path:line`` and the byte offset.

Memory stays flat: everything is an iterator over blocks of about
:data:`BLOCK_SIZE` bytes (a single line longer than that is one block).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from newskit.documents import is_separator, split_documents, split_lf

# (gzip, json, shutil and tempfile are imported where they are used: together they took
# 4-5 ms of every start-up, a twelfth of `echo नमस्ते | newskit normalize`)

__all__ = [
    "BLOCK_SIZE",
    "TEMP_SUFFIX",
    "Block",
    "DecodeError",
    "DecodeReport",
    "InputError",
    "OutputError",
    "RawChunk",
    "SkipInput",
    "Source",
    "atomic_write",
    "decode_chunk",
    "is_separator",
    "iter_blocks",
    "iter_document_chunks",
    "iter_document_ranges",
    "iter_documents",
    "iter_file_ranges",
    "iter_lines",
    "iter_raw_chunks",
    "iter_records",
    "iter_sources",
    "parse_record",
    "read_range",
    "split_documents",
    "split_lf",
    "stale_temps",
]

# Bytes of whole lines per chunk, the unit of work of every command (and of a worker with
# --jobs). Each task costs its worker about half a millisecond of hand-over, so chunks
# should not be small: with 256 KiB, normalize --jobs 2 ran 8% slower (1.55x --jobs 1
# against 1.7x); the steps that pass over a text several times cut it into cache-sized
# pieces themselves (scripts.line_pieces). Tests shrink it to exercise chunk boundaries.
BLOCK_SIZE = 1 << 20
DEFAULT_GLOBS: tuple[str, ...] = ("*.txt", "*.txt.gz")
_BOM = b"\xef\xbb\xbf"
_REPLACEMENT_BYTES = "\ufffd".encode()

Errors = Literal["strict", "replace"]


class InputError(Exception):
    """A data error in one input: reported as ``path:line: message``, exit status 1."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # picklable with all fields, so that worker processes can return it
        return (_rebuild_error, (type(self), self.__dict__))


class NulError(InputError):
    """A NUL byte after the start of a file; ``good`` holds the whole lines before it
    (of the range being read), which are written before the error is reported."""

    def __init__(self, path: str, line: int | None, message: str, good: bytes) -> None:
        super().__init__(path, line, message)
        self.good = good


def _nul_error(name: str, first_line: int, data: bytes) -> NulError:
    nul = data.index(b"\x00")
    good = data[: data.rfind(b"\n", 0, nul) + 1]
    return NulError(name, first_line + data.count(b"\n", 0, nul), "NUL byte in text", good)


def _rebuild_error(cls: type[InputError], state: dict[str, object]) -> InputError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, state.get("message"))
    exc.__dict__.update(state)
    return exc


class SkipInput(InputError):
    """An input that is skipped with a warning (binary data), not a failure."""


@dataclass(frozen=True)
class Source:
    """One input: a file, a gzip file or standard input.

    ``rel`` is the path relative to the directory argument it was found under (``root``),
    or, for a file named on the command line (``root`` None), relative to the common
    directory of the files named: so ``-o DIR/`` mirrors the input trees, and
    ``raw/2019/a.txt raw/2020/a.txt -o clean/`` writes ``clean/2019/a.txt`` and
    ``clean/2020/a.txt``, not one ``clean/a.txt`` twice.
    """

    path: Path | None  # None: standard input
    rel: str
    jsonl: bool = False
    root: Path | None = None  # the directory argument it was found under; None: named

    @property
    def name(self) -> str:
        """How diagnostics name this input."""
        return "<stdin>" if self.path is None else str(self.path)

    @property
    def is_stdin(self) -> bool:
        return self.path is None

    @property
    def parquet(self) -> bool:
        """A Parquet file (by its suffix): records, like JSON Lines, read by row group."""
        return self.path is not None and self.path.name.lower().endswith((".parquet", ".pq"))

    @property
    def gzipped(self) -> bool:
        return self.path is not None and self.path.suffix == ".gz"

    @functools.cached_property
    def file_size(self) -> int | None:
        """The size of a regular file (of a ``.gz`` file, compressed); None for standard
        input, a named pipe (as ``<(cmd)`` gives), a device, or a path that cannot be
        looked at (reading it will say why). A ``/proc`` file says 0, whatever it holds."""
        if self.path is None:
            return None
        import stat

        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    @property
    def ranged(self) -> bool:
        """Whether workers can read byte ranges of this input themselves: a file whose size
        is its length. Anything else is read as a stream, in order (byte ranges of a named
        pipe once made ``--jobs 2 --check <(cmd)`` see no text and pass)."""
        return bool(self.file_size) and not self.gzipped and not self.parquet

    @property
    def records(self) -> bool:
        """Read as records with a text field (JSON Lines, Parquet), not as lines of text."""
        return self.jsonl or self.parquet

    @property
    def streamed(self) -> bool:
        """Read at a pace this process does not set (standard input, a named pipe) or
        decompressed as it is read (``.gz``)."""
        return self.file_size is None or self.gzipped

    def open(self) -> BinaryIO:
        """Open for reading bytes (decompressing ``.gz``)."""
        if self.path is None:
            return sys.stdin.buffer
        if self.gzipped:
            import gzip

            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return open(self.path, "rb")


def _is_jsonl_name(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


def iter_sources(
    paths: Sequence[str],
    globs: Sequence[str] | None = None,
    jsonl: bool | None = None,
    exclude: Sequence[Path] = (),
    on_skip: Callable[[Path, OSError | None], None] | None = None,
) -> Iterator[Source]:
    """Expand command-line paths into inputs, in a stable order.

    No paths or ``-`` means standard input. Directories are searched
    recursively for ``globs`` (default ``*.txt`` and ``*.txt.gz``), sorted.
    ``jsonl=None`` decides per file from the name (``*.jsonl``); ``True`` or
    ``False`` forces it. A path that does not exist raises ``FileNotFoundError``.

    The walk, like ``find``'s, does not go into symbolic links to directories (a loop
    cannot happen, and a tree is what it looks like); a symbolic link to a file is an
    input (whether it may be written through is the destinations' business). It leaves
    out the temporary files of atomic writes (``*.newskit-tmp``), whatever ``globs``
    say, and ``exclude``: paths (the output of the run) not to walk into or read when
    found inside a directory argument; ``on_skip(path, None)`` is told of each path left
    out so, and ``on_skip(path, error)`` of a directory that cannot be read.
    """
    patterns = tuple(globs) if globs else DEFAULT_GLOBS
    args = list(paths or ["-"])
    named = [Path(a) for a in args if a != "-" and not os.path.isdir(a) and os.path.exists(a)]
    common = _common_parent(named)
    excluded = [os.path.realpath(p) for p in exclude]
    for arg in args:
        if arg == "-":
            yield Source(None, "stdin", bool(jsonl))
            continue
        p = Path(arg)
        if p.is_dir():
            skip = _excluded_inside(p, excluded)
            for q, rel in _walk(p, patterns, skip, on_skip):
                yield Source(q, rel, _is_jsonl_name(q) if jsonl is None else jsonl, p)
        elif p.exists():
            rel = os.path.relpath(os.path.abspath(p), common) if common else p.name
            yield Source(p, Path(rel).as_posix(), _is_jsonl_name(p) if jsonl is None else jsonl)
        else:
            raise FileNotFoundError(arg)


def _common_parent(files: list[Path]) -> str | None:
    """The deepest directory holding all ``files`` (absolute; lexical, as the command line
    spells them: ``raw/2019/a.txt raw/2020/b.txt`` → ``raw``), None for no files."""
    if not files:
        return None
    return os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files])


def _excluded_inside(root: Path, excluded: list[str]) -> dict[str, str]:
    """``{path relative to root: path}`` of the ``excluded`` paths strictly inside the tree
    of ``root``. (The walk follows no symbolic link to a directory, so a path found under
    ``root`` is the real path of ``root`` followed by the same names.)"""
    if not excluded:
        return {}
    real = os.path.realpath(root)
    return {
        Path(os.path.relpath(e, real)).as_posix(): e
        for e in excluded
        if e != real and os.path.commonpath([e, real]) == real
    }


def _walk(
    root: Path,
    patterns: tuple[str, ...],
    skip: dict[str, str],
    on_skip: Callable[[Path, OSError | None], None] | None,
) -> list[tuple[Path, str]]:
    """``(path, path relative to root)`` of the files under ``root`` whose names match one
    of ``patterns``, sorted as ``sorted(root.rglob(...))`` sorts them (component by
    component). A pattern with ``/`` matches the last components (as ``rglob`` does)."""
    from fnmatch import fnmatchcase

    split = [tuple(pat.split("/")) for pat in patterns]

    def matches(rel: tuple[str, ...]) -> bool:
        return any(
            len(rel) >= len(parts)
            and all(fnmatchcase(n, pat) for n, pat in zip(rel[-len(parts) :], parts, strict=True))
            for parts in split
        )

    found: list[tuple[Path, str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while stack:
        directory, rel = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            if on_skip is not None:
                on_skip(Path(directory), exc)
            continue
        for entry in entries:
            name = entry.name
            here = (*rel, name)
            key = "/".join(here)
            if key in skip:
                if on_skip is not None:
                    on_skip(Path(entry.path), None)
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                stack.append((entry.path, here))
            elif (
                not name.endswith(TEMP_SUFFIX) and matches(here) and _is_file(entry)
            ):  # (a link to a file counts, a dangling one not)
                found.append((Path(entry.path), key))
    found.sort(key=lambda pair: pair[0].parts)
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


@dataclass
class DecodeReport:
    """What decoding did to one input (for diagnostics)."""

    replacements: int = 0
    bom: bool = False
    lines: int = 0


@dataclass(frozen=True)
class Block:
    """Whole lines of decoded text; ``first_line`` is the 1-based number of the first."""

    text: str
    first_line: int
    lines: int = field(default=0)


@dataclass(frozen=True)
class RawChunk:
    """Undecoded whole lines of one input, with where they start (for messages)."""

    data: bytes
    first_line: int  # 1-based
    offset: int  # byte offset in the input (after a dropped BOM)


def iter_raw_chunks(
    source: Source, report: DecodeReport | None = None, block_size: int | None = None
) -> Iterator[RawChunk]:
    """Read ``source`` in chunks of whole lines, as bytes.

    Drops a UTF-8 BOM at the start and raises :class:`SkipInput` before
    yielding anything if the first ``block_size`` bytes hold a NUL byte (a binary
    file); a NUL later on is an :class:`InputError` at its line, after the whole
    lines before it. (Bytes, not the first chunk, which ends at a line end: the
    workers' byte ranges end elsewhere, and both must call the same file binary.)
    Decoding is left to :func:`decode_chunk` so that it can happen in a worker process.
    """
    report = report if report is not None else DecodeReport()
    block_size = block_size or BLOCK_SIZE
    name = source.name
    line_no = 1
    offset = 0
    first = True
    binary = False
    f = source.open()
    try:
        carry = b""
        size = source.file_size or 0
        if source.ranged and size < block_size:
            # (a small file is read with a buffer of its size: a read allocates all it asks
            # for, and a MiB for a file of a few KB left the heap to grow and be trimmed
            # again, faulting fresh pages in: 3% of a directory of 414 such files)
            block_size = size + 1
        while True:
            chunk = f.read(block_size)
            if first and not carry:  # (a binary file: a NUL in the first block_size bytes)
                binary = b"\x00" in chunk
            data = carry + chunk if carry else chunk
            if not chunk:
                if not data:
                    break
                carry = b""
            else:
                cut = data.rfind(b"\n") + 1
                if cut == 0:  # no newline yet: keep reading (one long line)
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            if first:
                first = False
                if data.startswith(_BOM):
                    data = data[3:]
                    offset += 3
                    report.bom = True
                if binary:
                    raise SkipInput(name, None, "contains NUL bytes (binary file?), skipped")
            if b"\x00" in data:
                error = _nul_error(name, line_no, data)
                if error.good:  # the whole lines before it first, as for invalid UTF-8
                    yield RawChunk(error.good, line_no, offset)
                raise error
            yield RawChunk(data, line_no, offset)
            newlines = data.count(b"\n")
            report.lines += newlines + (0 if data.endswith(b"\n") else 1)
            line_no += newlines
            offset += len(data)
            if not chunk:
                break
    finally:
        if not source.is_stdin:
            f.close()


def iter_file_ranges(path: Path, block_size: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` byte ranges of whole lines covering a regular file.

    Only the bytes around each boundary are read, so a parent process can hand
    ranges to workers that read (and decode) the file themselves.
    """
    block_size = block_size or BLOCK_SIZE
    size = path.stat().st_size
    with open(path, "rb") as f:
        start = 0
        while start < size:
            end = min(start + block_size, size)
            while end < size:
                f.seek(end)
                piece = f.read(4096)
                nl = piece.find(b"\n")
                if nl >= 0:
                    end += nl + 1
                    break
                end += len(piece)
            yield start, end
            start = end


def starts_with_bom(path: Path) -> bool:
    """Whether the file begins with a UTF-8 BOM (which :func:`read_range` drops)."""
    with open(path, "rb") as f:
        return f.read(3) == _BOM


def read_range(path: Path, start: int, end: int, name: str) -> RawChunk:
    """The bytes ``[start, end)`` of a file as a chunk whose line numbers start at 1.

    The caller adds the number of lines before ``start`` to any error's line.
    The first range drops a BOM, and the file is skipped (:class:`SkipInput`) if its first
    :data:`BLOCK_SIZE` bytes hold a NUL byte, as :func:`iter_raw_chunks` does (a range
    reaches past that, to the end of a line).
    """
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    offset = start
    if start == 0:
        if b"\x00" in data[:BLOCK_SIZE]:
            raise SkipInput(name, None, "contains NUL bytes (binary file?), skipped")
        if data.startswith(_BOM):
            data, offset = data[3:], 3
    if b"\x00" in data:
        raise _nul_error(name, 1, data)
    return RawChunk(data, 1, offset)


class DecodeError(InputError):
    """Invalid UTF-8; ``good`` holds the decoded whole lines before the bad one."""

    def __init__(self, path: str, line: int | None, message: str, good: str) -> None:
        super().__init__(path, line, message)
        self.good = good


def decode_chunk(chunk: RawChunk, name: str, errors: Errors = "strict") -> tuple[str, int]:
    """Decode one chunk; return ``(text, replacements)``.

    With ``errors="strict"`` a bad byte raises :class:`DecodeError` naming
    ``path:line`` and the byte offset in the input, carrying the valid lines
    before it. With ``"replace"`` bad bytes become U+FFFD and are counted.
    """
    data = chunk.data
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError as exc:
        if errors == "strict":
            good_end = data.rfind(b"\n", 0, exc.start) + 1
            raise DecodeError(
                name,
                chunk.first_line + data.count(b"\n", 0, exc.start),
                f"invalid UTF-8 at byte {chunk.offset + exc.start} "
                f"(0x{data[exc.start]:02x}); use --errors replace to continue",
                data[:good_end].decode("utf-8"),
            ) from None
        text = data.decode("utf-8", "replace")
        return text, text.count("\ufffd") - data.count(_REPLACEMENT_BYTES)


def iter_blocks(
    source: Source,
    errors: Errors = "strict",
    report: DecodeReport | None = None,
    block_size: int | None = None,
) -> Iterator[Block]:
    """Decode ``source`` as UTF-8 in blocks of whole lines (line ends kept).

    See :func:`iter_raw_chunks` (BOM, NUL bytes) and :func:`decode_chunk`
    (invalid UTF-8): on a bad byte the valid lines before it are yielded
    first, then :class:`DecodeError` is raised.
    """
    report = report if report is not None else DecodeReport()
    for chunk in iter_raw_chunks(source, report, block_size):
        try:
            text, replaced = decode_chunk(chunk, source.name, errors)
        except DecodeError as exc:
            if exc.good:
                yield Block(exc.good, chunk.first_line, exc.good.count("\n"))
            raise
        report.replacements += replaced
        yield Block(text, chunk.first_line, text.count("\n"))


def iter_lines(
    source: Source, errors: Errors = "strict", report: DecodeReport | None = None
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` with the line end kept.

    Lines end at ``\\n`` only (``str.splitlines`` would also split at U+2028,
    form feeds and lone CRs), so numbers match ``sed -n Np`` and diagnostics.
    """
    for block in iter_blocks(source, errors, report):
        n = block.first_line
        for line in split_lf(block.text):
            yield n, line
            n += 1


def iter_documents(
    source: Source,
    errors: Errors = "strict",
    report: DecodeReport | None = None,
    doc_sep: str | None = None,
) -> Iterator[tuple[int, str]]:
    """Yield ``(first_line, text)`` per document of a plain-text input, streaming.

    ``doc_sep=None``: the whole input is one document. ``doc_sep="blank"``: one or more
    blank lines separate documents (the news corpus format). Any other string: a line equal
    to it (stripped) separates documents and is not part of either (see
    :func:`is_separator`). The text keeps its line ends. A document cut by invalid input is
    not yielded (the error is raised after the documents before it).
    """
    buf: list[str] = []
    start = 1
    for n, line in iter_lines(source, errors, report):
        if doc_sep is not None and is_separator(line, doc_sep):
            if buf:
                yield start, "".join(buf)
                buf = []
            start = n + 1
            continue
        if not buf:
            start = n
        buf.append(line)
    if buf:
        yield start, "".join(buf)


def _separator_after(data: bytes, pos: int, doc_sep: str) -> int:
    """The end (after its newline) of the first separator line that starts at or after
    byte ``pos`` of *data* (whole lines from ``pos`` on), or -1 if there is none."""
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return -1
        if is_separator(data[pos:nl].decode("utf-8", "replace"), doc_sep):
            return nl + 1
        pos = nl + 1


def _separator_before(data: bytes, doc_sep: str) -> int:
    """The end (after its newline) of the last complete separator line in *data* (whole
    lines), or -1."""
    end = data.rfind(b"\n")
    while end >= 0:
        start = data.rfind(b"\n", 0, end) + 1
        if is_separator(data[start:end].decode("utf-8", "replace"), doc_sep):
            return end + 1
        end = start - 1
    return -1


def iter_document_ranges(
    path: Path, doc_sep: str | None, block_size: int | None = None
) -> Iterator[tuple[int, int]]:
    """``(start, end)`` byte ranges of whole documents covering a regular file.

    A range ends after the first separator line (see :func:`is_separator`) that starts
    after ``block_size`` bytes of it, so a document is never cut: one longer than
    ``block_size`` makes a longer range. ``doc_sep=None`` (the file is one document): one
    range. ``doc_sep="\\n"``: any line end (JSON Lines, a record per line). Only the bytes
    around each cut are read, so a parent process can hand ranges to workers that read the
    file themselves.
    """
    size = path.stat().st_size
    if doc_sep is None:
        if size:
            yield 0, size
        return
    if doc_sep == "\n":
        yield from iter_file_ranges(path, block_size)
        return
    block_size = block_size or BLOCK_SIZE
    with open(path, "rb") as f:
        start = 0
        while start < size:
            end = min(start + block_size, size)
            if end < size:
                f.seek(end)
                tail = b""
                cut = -1
                while cut < 0:
                    piece = f.read(1 << 16)
                    if not piece:
                        break
                    tail += piece
                    first = tail.find(b"\n")  # (the line ``end`` falls in is not looked at)
                    if first >= 0:
                        cut = _separator_after(tail, first + 1, doc_sep)
                end = size if cut < 0 else end + cut
            yield start, end
            start = end


def iter_document_chunks(
    source: Source,
    doc_sep: str | None,
    report: DecodeReport | None = None,
    block_size: int | None = None,
) -> Iterator[RawChunk]:
    """:func:`iter_raw_chunks` cut only after separator lines, so that every chunk holds
    whole documents (for an input read here: stdin, ``.gz``, a named pipe). ``doc_sep`` as
    in :func:`iter_document_ranges`. BOM, NUL bytes: as :func:`iter_raw_chunks`.
    """
    chunks = iter_raw_chunks(source, report, block_size)
    if doc_sep == "\n":
        yield from chunks
        return
    held: list[RawChunk] = []
    for chunk in chunks:
        held.append(chunk)
        if doc_sep is None:
            continue
        cut = _separator_before(chunk.data, doc_sep)
        if cut < 0:
            continue
        data = b"".join(c.data for c in held)
        cut += len(data) - len(chunk.data)
        first = held[0]
        yield RawChunk(data[:cut], first.first_line, first.offset)
        rest = data[cut:]
        held = []
        if rest:
            lines = data.count(b"\n", 0, cut)
            held = [RawChunk(rest, first.first_line + lines, first.offset + cut)]
    if held:
        first = held[0]
        yield RawChunk(b"".join(c.data for c in held), first.first_line, first.offset)


def parse_record(line: str, name: str, n: int, field_name: str) -> tuple[dict[str, object], str]:
    """One JSON Lines record and its text field, or :class:`InputError` naming ``name:n``:
    a line that is not a JSON object, or whose ``field_name`` is missing or not a string."""
    import json

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(name, n, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise InputError(name, n, "JSON Lines record is not an object")
    value = record.get(field_name)
    if not isinstance(value, str):
        what = "missing" if value is None else f"not a string ({type(value).__name__})"
        raise InputError(name, n, f"field {field_name!r} is {what}; see --field")
    return record, value


def iter_records(
    source: Source,
    field_name: str = "text",
    errors: Errors = "strict",
    report: DecodeReport | None = None,
) -> Iterator[tuple[int, dict[str, object], str]]:
    """Yield ``(line_number, record, text)`` for each JSON Lines record (see
    :func:`parse_record`); blank lines are skipped. A Parquet input gives ``(row number,
    {field: text}, text)`` for each row (:mod:`newskit.parquet`)."""
    if source.parquet:
        from newskit.parquet import iter_file_records

        assert source.path is not None
        yield from iter_file_records(source.path, field_name)
        return
    for n, line in iter_lines(source, errors, report):
        if line.strip():
            yield n, *parse_record(line, source.name, n, field_name)


def dump_record(record: dict[str, object]) -> str:
    """One JSON Lines line, UTF-8 text kept readable (no ``\\u`` escapes)."""
    import json

    return json.dumps(record, ensure_ascii=False) + "\n"


#: The end of the name of an atomic write's temporary file: ``.NAME.PID-XXXXXXXX.newskit-tmp``
#: beside the file it replaces (hidden, never matched by the default globs, and never read
#: as an input).
TEMP_SUFFIX = ".newskit-tmp"

# The errors a write can give and a read cannot: an OSError with one of these, raised where
# input is read and output written, is the output's failure, not the input's.
_WRITE_ERRNOS = frozenset(
    getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EFBIG", "EROFS") if hasattr(errno, n)
)

#: Temporary files of atomic writes in flight: path -> the process writing it. (A forked
#: child inherits its parent's entries and leaves them alone.)
_temps: dict[str, int] = {}


class OutputError(Exception):
    """Writing an output failed (a full disk, a read-only file system, a file too large):
    the message names the output and the cause, and says that the file there was left as it
    was. Not an ``OSError`` or :class:`InputError`: the input is not to blame, and a failed
    single output (stdout, ``-o FILE``) ends the command."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (OutputError, (self.path, self.message))

    @classmethod
    def of(cls, path: Path | str, exc: OSError, existed: bool | None) -> OutputError:
        """The error for ``exc`` raised while writing ``path`` atomically, which ``existed``
        before (None: a stream, written as it went, of which nothing can be said)."""
        message = f"cannot write: {exc.strerror or exc}"
        if existed is not None:
            message += "; the file is unchanged" if existed else "; nothing was written"
        return cls(str(path), message)


def is_write_error(exc: BaseException) -> bool:
    """Whether ``exc`` can only come from writing (see :data:`_WRITE_ERRNOS`)."""
    return isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS


@contextlib.contextmanager
def output_errors(name: str, existed: bool | None = None) -> Iterator[None]:
    """Report a write error inside the block as :class:`OutputError` on ``name`` (stdout,
    or ``-o FILE`` written with :func:`atomic_write`, which ``existed``), where it would
    otherwise pass for a failure of the input being read."""
    try:
        yield
    except OSError as exc:
        if is_write_error(exc):
            raise OutputError.of(name, exc, existed) from exc
        raise


def _remove_temps() -> None:
    """Unlink the temporary files this process is writing (run on SIGTERM and SIGHUP)."""
    pid = os.getpid()
    for tmp, owner in list(_temps.items()):
        if owner == pid:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            _temps.pop(tmp, None)


def _temp_prefix(name: str) -> str:
    """``.NAME.PID-``: NAME cut so that the temporary file's name stays under the 255
    bytes most file systems allow (a long Devanagari name is 3 bytes a letter)."""
    raw = os.fsencode(name)
    if len(raw) > 200:
        name = os.fsdecode(raw[:200])
    return f".{name}.{os.getpid()}-"


def _new_file_mode() -> int:
    """The mode ``open()`` gives a new file (0o666 less the umask): a temporary file is
    made 0o600, and an output that did not exist must not stay private. (The only portable
    way to read the umask is to set it: to the strictest, for the instant it is set, in
    case another thread creates a file then.)"""
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_write(
    path: Path,
    backup: str | None = None,
    gzipped: bool | None = None,
    *,
    follow_symlinks: bool = True,
) -> Iterator[BinaryIO]:
    """Write ``path`` atomically: the reader sees the old file or the new one, never half.

    The new content goes to a temporary file in the same directory (``.NAME.PID-XXXXXXXX
    .newskit-tmp``), is flushed and fsynced, gets the original's permission bits (a new
    file: those ``open()`` would give) and replaces ``path`` with ``os.replace``.
    ``click.open_file(atomic=True)`` is not used because it replaces the original even
    when the block raises.

    - If the block raises, the original is untouched and the temporary file is removed; if
      the process is ended by SIGTERM or SIGHUP, too (see :mod:`newskit._cleanup`); after
      a SIGKILL or a power cut the temporary file stays, which :func:`stale_temps` finds.
    - A write that fails (a full disk: ``ENOSPC``; a quota, a read-only file system, a
      file too large), in the block or here, raises :class:`OutputError` naming ``path``.
    - ``backup`` (a suffix): the original is kept as ``path + backup``, itself replaced
      atomically, as a hard link to the original (no copy, no space) where the file system
      has them.
    - ``follow_symlinks``: a symbolic link at ``path`` is written through (its target is
      replaced, the link stays), as a shell's ``>`` does; otherwise the link itself is
      replaced by the new file. Either way the rename makes a new file: other hard links
      to the old one keep the old content.
    """
    import gzip
    import stat
    import tempfile

    from newskit._cleanup import holding_signals, on_termination

    path = shown = Path(path)
    link = os.path.islink(path)
    if follow_symlinks and link:
        path = Path(os.path.realpath(path))
    gz = path.suffix == ".gz" if gzipped is None else gzipped
    try:
        st = None if link and not follow_symlinks else os.stat(path)
    except FileNotFoundError:
        st = None
    mode = stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode()
    on_termination(_remove_temps)
    try:
        with holding_signals():  # (a temporary file is never left unregistered)
            fd, tmp = tempfile.mkstemp(
                dir=path.parent, prefix=_temp_prefix(path.name), suffix=TEMP_SUFFIX
            )
            _temps[tmp] = os.getpid()
    except OSError as exc:
        raise OutputError.of(shown, exc, st is not None) from exc
    written = False
    try:
        with os.fdopen(fd, "wb") as raw:
            if gz:
                with gzip.GzipFile(fileobj=raw, mode="wb", filename=path.name[:-3]) as zf:
                    yield zf  # type: ignore[misc]
            else:
                yield raw
            written = True
            raw.flush()
            os.fchmod(raw.fileno(), mode)
            os.fsync(raw.fileno())
        if backup and st is not None:
            _keep_backup(path, Path(str(path) + backup))
        os.replace(tmp, path)
        _temps.pop(tmp, None)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _temps.pop(tmp, None)
        if isinstance(exc, OSError) and (written or is_write_error(exc)):
            raise OutputError.of(shown, exc, st is not None) from exc
        raise
    # make the rename durable too
    with contextlib.suppress(OSError):
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _keep_backup(path: Path, backup: Path) -> None:
    """Make ``backup`` the file now at ``path``, atomically: a hard link to it under a
    temporary name (a copy where the file system has no hard links), renamed over
    ``backup``. (``shutil.copy2`` straight to ``backup`` left half a backup under its
    final name when the disk filled up.)"""
    import shutil

    from newskit._cleanup import holding_signals

    for _ in range(100):
        tmp = str(backup.parent / f"{_temp_prefix(backup.name)}{os.urandom(4).hex()}")
        tmp += TEMP_SUFFIX
        with holding_signals():
            try:
                os.link(path, tmp)
            except FileExistsError:
                continue
            except OSError:
                linked = False
            else:
                linked = True
            _temps[tmp] = os.getpid()
        try:
            if not linked:
                shutil.copy2(path, tmp)
            os.replace(tmp, backup)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        finally:
            _temps.pop(tmp, None)
        return
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(backup))


def stale_temps(directories: Iterable[Path]) -> list[Path]:
    """The temporary files of atomic writes in ``directories`` (not below them) that no
    running process is writing: left by a run that was killed (SIGKILL, a power cut, out
    of memory). A file whose name carries the number of a process that is alive is left
    out (another run may be writing it; if the number was reused since, it stays until
    that process ends)."""
    import re

    pid_in_name = re.compile(r"\.(\d+)-[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
    found: list[Path] = []
    for directory in directories:
        try:
            with os.scandir(directory) as it:
                names = sorted(e.name for e in it if e.name.endswith(TEMP_SUFFIX))
        except OSError:
            continue
        for name in names:
            m = pid_in_name.search(name)
            if m is None or not _alive(int(m.group(1))):
                found.append(Path(directory) / name)
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (EPERM: alive, another user's)
        return True
    return True
