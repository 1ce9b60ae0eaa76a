"""``newskit dedup``: near-duplicate documents (or boilerplate lines) found in one pass over
the inputs, the kept documents written in a second.

Why two passes: whether a document is kept depends on every document before *and after* it
(a cluster keeps its first or its longest member), and memory holds signatures, never texts
(:mod:`newskit.dedup`). So pass 1 reads every input and computes a signature per document
(workers do it for chunks of whole documents; this process adds the signatures to the index
in input order), the clusters are found here, and pass 2 reads the inputs again, in the same
order, and writes each kept document exactly as it was read. A file is read twice; standard
input and named pipes, which cannot be, are copied to a temporary file in pass 1 (on disk:
memory stays flat), and pass 2 reads the copy. ``--check`` stops after the clusters.

A data error (invalid UTF-8, invalid JSON) found in pass 1 is reported as ``path:line`` and
ends the run with exit status 1 *before anything is written*: writing the documents read so
far would silently lose the ones after the error, and no document may be lost that the run
was not asked to drop. The other inputs are still read, so that every bad input is reported
at once.

``--lines`` counts, in pass 1, the documents each line (after normalization) occurs in, and
pass 2 drops the common lines by :func:`newskit.dedup.strip_boilerplate`; pass 2 then costs
as much as pass 1 and runs in workers too.
"""

from __future__ import annotations

import contextlib
import json
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from newskit.dedup import DedupConfig, LineConfig
from newskit.parallel import Tuning, ordered_map
from newskit.pipeline.chunks import ByteRange, Chunk, Loaded, load
from newskit.pipeline.inputs import Inputs, UsageError, stdout_bytes

if TYPE_CHECKING:
    from newskit.dedup import Clusters, SignatureBatch
    from newskit.io import InputError, Source


def dedup_tuning() -> Tuning:
    """Signatures take about 45 ms a MiB: workers (30-60 ms to start) pay from 4 MiB."""
    return Tuning.from_env(workers_from_bytes=4 << 20)


@dataclass(frozen=True)
class DedupOptions:
    """What a run looks for and how it reads documents (frozen: every part carries it)."""

    config: DedupConfig = _field(default_factory=DedupConfig)
    #: ``--lines``: boilerplate lines instead of documents
    lines: LineConfig | None = None
    #: plain text: documents split at lines equal to this (``blank``: blank lines); None:
    #: a file is one document
    doc_sep: str | None = None
    #: JSON Lines: the field holding the text
    field: str = "text"
    #: JSON Lines: the field whose value is a cluster member's ``id``
    id_field: str | None = None
    errors: str = "strict"


@dataclass(frozen=True)
class Part:
    """Whole documents (or JSON Lines records) of one input: the unit of work of both passes."""

    chunk: Chunk
    jsonl: bool
    options: DedupOptions


# -- reading documents -----------------------------------------------------------------------


def _documents(got: Loaded, part: Part) -> tuple[list[tuple[int, str]], InputError | None]:
    """``(first line, text)`` of each document of a loaded part (for JSON Lines: each
    record's line, its line end kept), and the error that ended the part early, if one did.

    Lines are relative to the part for a byte range (:class:`~newskit.pipeline.chunks.Loaded`).
    A document that a bad byte cuts short is left out.
    """
    from newskit.documents import split_documents, split_lf

    if part.jsonl:
        docs = [
            (n, line)
            for n, line in enumerate(split_lf(got.text), got.first_line)
            if line.strip()  # (as io.iter_records: a blank line is no record)
        ]
        return docs, got.error
    docs = [
        (first, text)
        for first, _, text, closed in split_documents(
            got.text, part.options.doc_sep, got.first_line
        )
        if closed or got.error is None
    ]
    return docs, got.error


def _texts(docs: list[tuple[int, str]], part: Part) -> tuple[list[str], InputError | None]:
    """The texts of the documents (a JSON Lines record's ``--field``); a record that is not
    valid JSON ends the list and is returned as the error."""
    if not part.jsonl:
        return [text for _, text in docs], None
    from newskit.io import InputError, parse_record

    texts = []
    for n, line in docs:
        try:
            texts.append(parse_record(line, part.chunk.name, n, part.options.field)[1])
        except InputError as exc:
            return texts, exc
    return texts, None


# -- pass 1 ------------------------------------------------------------------------------------


@dataclass
class Signed:
    """What pass 1 learns from a part: a :class:`~newskit.dedup.SignatureBatch` (documents) or
    the distinct line hashes of each document (``--lines``), and what to report."""

    documents: int = 0
    batch: SignatureBatch | None = None
    #: ``--lines``: each document's distinct line hashes, one after another
    hashes: array[int] | None = None
    #: ``--lines``: how many of ``hashes`` each document has
    per_document: array[int] | None = None
    replaced: int = 0
    #: lines of a byte range (error lines of later ranges count from it)
    newlines: int = 0
    #: lines of the part, whoever read it (pass 2 numbers the lines of parts it skips)
    lines: int = 0
    error: InputError | None = None
    warning: str | None = None


def sign_part(part: Part) -> Signed:
    """Pass 1 for one part (top level: runs in workers): signatures, or line hashes."""
    from newskit.io import InputError, SkipInput

    try:
        got = load(part.chunk)
    except SkipInput as exc:
        return Signed(warning=str(exc))
    except OSError as exc:
        return Signed(error=InputError(part.chunk.name, None, exc.strerror or str(exc)))
    docs, error = _documents(got, part)
    texts, bad_record = _texts(docs, part)
    error = bad_record or error
    out = Signed(len(texts), replaced=got.replaced, newlines=got.newlines, error=error)
    out.lines = got.text.count("\n")
    options = part.options
    if options.lines is None:
        from newskit.dedup import signatures

        out.batch = signatures(texts, options.config)
        return out
    from newskit.dedup import line_keys

    out.hashes = array("Q")
    out.per_document = array("I")
    for text in texts:
        distinct = {k.hash for k in line_keys(text) if k.hash is not None}
        out.hashes.extend(distinct)
        out.per_document.append(len(distinct))
    return out


def _warm(options: DedupOptions) -> None:
    """Patterns, word lists and rensa, loaded before workers are forked (they inherit them)."""
    from newskit.dedup import line_keys, signature

    sample = "नई दिल्ली: प्रधानमंत्री ने कहा, ‘हम तैयार हैं।’\nঢাকা, ৮ ডিসেম্বর: তিনি বলেন।"
    signature(sample, options.config)
    if options.lines is not None:
        line_keys(sample)


# -- the run -------------------------------------------------------------------------------------


@dataclass
class DedupRun:
    """One run: its inputs, what pass 1 found in each, and where standard input was copied."""

    inputs: Inputs
    sources: list[Source]
    options: DedupOptions
    jobs: int
    tuning: Tuning
    #: a :class:`newskit.parallel.DaskEngine` that runs the passes' parts instead of local
    #: workers (the kept documents are written here)
    dask: Any = None
    #: documents of each part of each input, as pass 1 read them (pass 2 reads the same
    #: parts and must find as many)
    part_documents: list[list[int]] = _field(default_factory=list)
    #: lines of each part of each input
    part_lines: list[list[int]] = _field(default_factory=list)
    #: inputs skipped in pass 1 (binary files), skipped in pass 2 too
    skipped: set[int] = _field(default_factory=set)
    #: input number -> the temporary file holding what pass 1 read of it, and the byte
    #: range of each of its parts there
    spools: dict[int, Any] = _field(default_factory=dict)
    spooled_parts: dict[int, list[tuple[int, int]]] = _field(default_factory=dict)
    spool_needed: bool = True

    @property
    def documents(self) -> list[int]:
        """Documents of each input."""
        return [sum(parts) for parts in self.part_documents]

    def sizes(self, second: bool = False) -> list[int | None]:
        """Each input's bytes, None where not known before it is read (a stream, ``.gz``);
        in pass 2 a copied input's are known."""
        out: list[int | None] = []
        for i, s in enumerate(self.sources):
            if second and self.spooled_parts.get(i):
                out.append(self.spooled_parts[i][-1][1])
            else:
                out.append(None if s.streamed else s.file_size)
        return out

    def first_documents(self) -> list[int]:
        """The number (over all inputs, from 0) of each input's first document."""
        out = []
        g = 0
        for n in self.documents:
            out.append(g)
            g += n
        return out

    def parts(self, i: int, second: bool = False) -> Iterator[Part]:
        """The parts of input *i*: byte ranges of whole documents of a regular file (read
        by whoever does the part), else whole documents read here. In pass 1 standard input
        and named pipes are copied to a temporary file as they are read; pass 2 reads the
        same parts from that copy. Both passes cut an input into the same parts."""
        from newskit.io import BLOCK_SIZE, iter_document_chunks, iter_document_ranges

        source = self.sources[i]
        size = self.tuning.chunk_bytes or BLOCK_SIZE
        sep = "\n" if source.jsonl else self.options.doc_sep
        errors = self.options.errors

        def part(data: Any) -> Part:
            return Part(Chunk(data, source.name, errors), source.jsonl, self.options)  # type: ignore[arg-type]

        if second and i in self.spools:
            path = Path(self.spools[i].name)
            for start, end in self.spooled_parts[i]:
                yield part(ByteRange(path, start, end))
            return
        if source.ranged:
            assert source.path is not None
            for start, end in iter_document_ranges(source.path, sep, size):
                yield part(ByteRange(source.path, start, end))
            return
        spool = None
        if not second and self.spool_needed and source.file_size is None:
            import tempfile

            spool = self.spools[i] = tempfile.NamedTemporaryFile(  # noqa: SIM115
                prefix="newskit-dedup-", suffix=".spool"
            )
            ranges = self.spooled_parts[i] = []
        at = 0
        for raw in iter_document_chunks(source, sep, None, size):
            if spool is not None:
                spool.write(raw.data)
                ranges.append((at, at + len(raw.data)))
                at += len(raw.data)
            yield part(raw)
        if spool is not None:
            spool.flush()

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()  # (a named temporary file is removed when closed)


@dataclass
class Found:
    """Pass 1's result: the clusters (documents) or the common lines (``--lines``)."""

    documents: int
    clusters: Clusters | None = None
    counts: Any = None  # newskit.dedup.LineCounts
    common: frozenset[int] = frozenset()


def first_pass(run: DedupRun) -> Found | None:
    """Read every input once (see the module docstring); None after a data error, which was
    reported (every input is still read, to report each bad one)."""
    from newskit.dedup import Index, LineCounts

    options = run.options
    index = Index(options.config) if options.lines is None else None
    counts = LineCounts() if options.lines is not None else None
    run.part_documents = [[] for _ in run.sources]
    run.part_lines = [[] for _ in run.sources]
    failed: set[int] = set()

    def tasks() -> Iterator[tuple[int, Part | Exception]]:
        for i in range(len(run.sources)):
            try:
                for part in run.parts(i):
                    if i in failed or i in run.skipped:
                        break
                    yield i, part
            except Exception as exc:  # reading here failed (a NUL byte, a read error)
                yield i, exc

    here = run.tuning.in_process(run.sizes())
    if run.dask is not None:
        done = run.dask.ordered_map(_sign_task, tasks())
    else:
        done = ordered_map(
            _sign_task, tasks(), jobs=run.jobs, warm=lambda: _warm(options), in_process=here
        )
    lines_before = [0] * len(run.sources)
    replaced = [0] * len(run.sources)
    diag = run.inputs.diag
    with contextlib.closing(done):  # type: ignore[type-var]
        for i, signed in done:
            if i in failed or i in run.skipped:
                continue
            if isinstance(signed, Exception):
                _report_failure(run, i, signed, failed)
                continue
            if signed.warning is not None:
                diag.warn(signed.warning)
                run.skipped.add(i)
                continue
            replaced[i] += signed.replaced
            run.part_documents[i].append(signed.documents)
            run.part_lines[i].append(signed.lines)
            if index is not None and signed.batch is not None:
                index.add_batch(signed.batch)
            elif counts is not None and signed.hashes is not None:
                _count_lines(counts, signed)
            if signed.error is not None:
                if signed.error.line is not None:
                    signed.error.line += lines_before[i]
                diag.error(str(signed.error))
                failed.add(i)
            lines_before[i] += signed.newlines
    for i, source in enumerate(run.sources):
        run.inputs.report_replacements(source.name, replaced[i])
    if failed:
        return None
    total = sum(run.documents)
    if index is not None:
        return Found(total, clusters=index.clusters())
    assert counts is not None and options.lines is not None
    return Found(total, counts=counts, common=counts.common(options.lines.min_docs))


def _sign_task(task: tuple[int, Part | Exception]) -> tuple[int, Signed | Exception]:
    i, part = task
    return i, part if isinstance(part, Exception) else sign_part(part)


def _count_lines(counts: Any, signed: Signed) -> None:
    assert signed.hashes is not None and signed.per_document is not None
    at = 0
    for n in signed.per_document:
        counts.add_distinct(signed.hashes[at : at + n])
        at += n


def _report_failure(run: DedupRun, i: int, exc: Exception, failed: set[int]) -> None:
    """An input that failed while read here: skipped with a warning (binary), else an error."""
    from newskit.pipeline.inputs import failure_message

    kind, message = failure_message(run.sources[i].name, exc)
    if kind == "warn":
        run.inputs.diag.warn(message)
        run.skipped.add(i)
    else:
        run.inputs.diag.error(message)
        failed.add(i)


# -- pass 2: writing ---------------------------------------------------------------------------


class DocumentWriter:
    """Documents into one output, in order: a separator line between two documents
    (``--doc-sep``; none for JSON Lines records and whole files), and a line end added to a
    document that lacks one (the last of a file) when another follows. The documents
    themselves are written exactly as they were read."""

    def __init__(self, out: BinaryIO | IO[bytes], separator: bytes) -> None:
        self.out = out
        self.separator = separator
        self.written = 0
        self._open_line = False

    def write(self, data: bytes) -> None:
        out = self.out
        if self._open_line:
            out.write(b"\n")
        if self.written and self.separator:
            out.write(self.separator)
        out.write(data)
        self.written += 1
        self._open_line = not data.endswith(b"\n")


def separator_line(doc_sep: str | None, jsonl: bool) -> bytes:
    """The line written between two documents: none between JSON Lines records or whole
    files, an empty line for ``--doc-sep blank``, else the separator itself."""
    if jsonl or doc_sep is None:
        return b""
    return b"\n" if doc_sep == "blank" else doc_sep.encode() + b"\n"


@dataclass
class Member:
    """Where a cluster member is: for ``--clusters``."""

    path: str
    doc: int  # 1-based, within its input
    line: int
    id: Any = None


class _Changed(Exception):
    """An input read twice gave something else the second time (it changed meanwhile)."""


def _loaded(part: Part) -> Loaded:
    """A part read again in pass 2, where it must hold what it held in pass 1."""
    from newskit.io import SkipInput

    try:
        got = load(part.chunk)
    except SkipInput as exc:
        raise _Changed(part.chunk.name) from exc
    if got.error is not None:
        raise got.error
    return got


def _changed(run: DedupRun, i: int, then: str) -> InputError:
    from newskit.io import InputError

    return InputError(
        run.sources[i].name,
        None,
        f"changed while dedup read it ({run.documents[i]} documents, then {then}); "
        "nothing after it was written",
    )


def _check_same(run: DedupRun, i: int, documents: int) -> None:
    if documents != run.documents[i]:
        raise _changed(run, i, str(documents))


@dataclass(frozen=True)
class KeptTask:
    """A part of pass 2 and all it needs to write its kept documents: their numbers (over
    all inputs) start at ``first_doc``; ``dropped`` has a byte per document, 1 where it is
    dropped; ``first_kept`` and ``last_kept`` are the first and last documents written to
    the output (no separator before the first, no line end added after the last)."""

    part: Part
    first_doc: int
    dropped: bytes
    first_kept: int
    last_kept: int
    separator: bytes
    lines_before: int = 0  # lines of the input's parts before this one


def kept_part(task: KeptTask) -> tuple[bytes, int, bool]:
    """The kept documents of a part, exactly as read, with a separator line before each but
    the output's first and a line end after one that lacks it (the last of a file) unless it
    is the output's last (top level: runs in workers, which write it themselves). Returns
    ``(bytes, documents, stop)`` for :func:`~newskit.parallel.ordered_write`."""
    got = _loaded(task.part)
    docs, _ = _documents(got, task.part)
    if len(docs) != len(task.dropped):
        raise _Changed(task.part.chunk.name)
    out: list[bytes] = []
    sep = task.separator
    g = task.first_doc
    for (_, text), dropped in zip(docs, task.dropped, strict=True):
        if not dropped:
            data = text.encode()
            if sep and g != task.first_kept:
                out.append(sep)
            out.append(data)
            if g != task.last_kept and not data.endswith(b"\n"):
                out.append(b"\n")
        g += 1
    return b"".join(out), len(docs), False


def kept_tasks(
    run: DedupRun, i: int, clusters: Clusters, first_doc: int, layout: tuple[int, int, bytes]
) -> Iterator[KeptTask]:
    """The :class:`KeptTask` of each part of input *i* (whose first document is number
    ``first_doc``), for an output whose first and last kept documents and separator are
    ``layout``. An input that no longer has the parts it had raises an error."""
    if i in run.skipped:
        return
    counts = run.part_documents[i]
    g = first_doc
    lines = 0
    k = -1
    for k, part in enumerate(run.parts(i, second=True)):
        if k >= len(counts):
            raise _changed(run, i, "more")
        n = counts[k]
        yield KeptTask(part, g, clusters.dropped_flags(g, g + n), *layout, lines)
        g += n
        lines += run.part_lines[i][k]
    if k + 1 != len(counts):
        raise _changed(run, i, "fewer")


def _layout(run: DedupRun, clusters: Clusters, i: int | None = None) -> tuple[int, int, bytes]:
    """First and last kept documents and the separator of the output of input *i* (-o DIR/),
    or of all the inputs (None)."""
    if i is None:
        start, end = 0, clusters.documents
        jsonl = bool(run.sources) and run.sources[0].jsonl
    else:
        start = run.first_documents()[i]
        end = start + run.documents[i]
        jsonl = run.sources[i].jsonl
    kept = clusters.kept_between(start, end) or (-1, -1)
    return (*kept, separator_line(run.options.doc_sep, jsonl))


def write_kept(run: DedupRun, clusters: Clusters, out: BinaryIO | IO[bytes]) -> None:
    """Pass 2 into one output (stdout, ``-o FILE``): with workers on large inputs, which write
    the kept documents of their parts themselves, in turn."""
    from newskit.parallel import by_input, ordered_write, writer_fd

    layout = _layout(run, clusters)
    starts = run.first_documents()
    groups = (kept_tasks(run, i, clusters, starts[i], layout) for i in range(len(run.sources)))
    fd = writer_fd(out, run.jobs)  # type: ignore[arg-type]
    # (.gz inputs are decompressed here, at their own pace, for a pool of workers whose
    # tasks must be bytes: not worth it for pass 2)
    if fd < 0 or run.dask is not None or any(s.gzipped for s in run.sources):
        for tasks in groups:
            for task in tasks:
                out.write(kept_part(task)[0])
        return
    out.flush()
    tuning = pass2_tuning()
    results = ordered_write(
        kept_part,
        groups,
        jobs=run.jobs,
        fd=fd,
        size=lambda task: task.part.chunk.size,
        in_process=tuning.in_process(run.sizes(second=True)),
        tuning=tuning,
    )
    for _, done in by_input(results, len(run.sources)):
        for _ in done:  # (a part that failed raises here)
            pass


def pass2_tuning() -> Tuning:
    """Writing the kept documents takes about 5 ms a MiB: workers pay from 32 MiB."""
    return Tuning.from_env(workers_from_bytes=32 << 20)


def locate_members(run: DedupRun, clusters: Clusters) -> dict[int, Member]:
    """Where each member of a cluster is (path, number in its input, first line, id), by
    reading again only the parts that hold one."""
    from bisect import bisect_left

    from newskit.io import parse_record

    wanted = sorted(m.doc for c in clusters.clusters for m in c.members)
    members: dict[int, Member] = {}
    id_field = run.options.id_field
    starts = run.first_documents()
    for i, source in enumerate(run.sources):
        for task in kept_tasks(run, i, clusters, starts[i], (-1, -1, b"")):
            n = len(task.dropped)
            at = bisect_left(wanted, task.first_doc)
            if at == len(wanted) or wanted[at] >= task.first_doc + n:
                continue
            got = _loaded(task.part)
            docs, _ = _documents(got, task.part)
            if len(docs) != n:
                raise _Changed(source.name)
            ranged = isinstance(task.part.chunk.data, ByteRange)
            for j, (first, text) in enumerate(docs):
                g = task.first_doc + j
                if not clusters.cluster_of(g):
                    continue
                line = first + task.lines_before if ranged else first
                member = Member(source.name, g - starts[i] + 1, line)
                if id_field is not None and source.jsonl:
                    record = parse_record(text, source.name, line, run.options.field)[0]
                    member.id = record.get(id_field)
                members[g] = member
    return members


# -- pass 2: boilerplate lines -------------------------------------------------------------------


@dataclass(frozen=True)
class StripTask:
    """A part and the common line hashes (a few hundred: cheap to send with every part)."""

    part: Part
    common: frozenset[int]


@dataclass
class StrippedPart:
    """A part's documents with their boilerplate lines dropped."""

    #: each document's output bytes (None for a plain-text document left without text)
    outputs: list[bytes | None]
    documents: int
    lines_dropped: int
    documents_changed: int
    newlines: int
    #: common hash -> [dropped occurrences, text of the first occurrence, its line (in the
    #: part)] for the common lines found in the part
    seen: dict[int, list[Any]]


def strip_part(task: StripTask) -> StrippedPart:
    """Pass 2 of ``--lines`` for one part (top level: runs in workers)."""
    from newskit.dedup import line_keys, strip_boilerplate
    from newskit.io import dump_record, parse_record

    part = task.part
    options = part.options
    assert options.lines is not None
    got = _loaded(part)
    docs, _ = _documents(got, part)
    out = StrippedPart([], len(docs), 0, 0, got.newlines, {})
    common = task.common
    for first, raw in docs:
        record: dict[str, Any] | None = None
        if part.jsonl:
            record, text = parse_record(raw, part.chunk.name, first, options.field)
            line_of_text = 0  # (every line of a record's text is on the record's line)
        else:
            text, line_of_text = raw, 1
        keys = line_keys(text)
        stripped = strip_boilerplate(text, common, options.lines, keys)
        gone = set(stripped.dropped)
        lines: list[str] = []
        for j, key in enumerate(keys):
            if key.hash in common:
                entry = out.seen.get(key.hash)
                if entry is None:
                    lines = lines or text.split("\n")
                    line = lines[j].rstrip("\r")
                    entry = out.seen[key.hash] = [0, line, first + j * line_of_text]
                entry[0] += j in gone
        if not stripped.dropped:
            out.outputs.append(raw.encode())
            continue
        out.lines_dropped += len(stripped.dropped)
        out.documents_changed += 1
        if record is not None:
            record[options.field] = stripped.text
            out.outputs.append(dump_record(record).encode())
        else:
            out.outputs.append(stripped.text.encode() if stripped.text.strip() else None)
    return out


@dataclass
class Boilerplate:
    """One common line, for ``--lines --clusters``."""

    hash: int
    text: str
    path: str
    first_line: int
    documents: int
    dropped: int = 0


def second_pass_lines(
    run: DedupRun, found: Found, writer_of: Any
) -> tuple[int, int, dict[int, Boilerplate]]:
    """Read every input again, drop the boilerplate lines (in workers with ``--jobs``) and
    hand each document to the writer of its input. Returns ``(lines dropped, documents
    changed, the common lines seen, by hash)``."""
    lines_dropped = changed = 0
    seen: dict[int, Boilerplate] = {}
    todo = [i for i in range(len(run.sources)) if i not in run.skipped]

    def tasks() -> Iterator[tuple[int, StripTask]]:
        for i in todo:
            for part in run.parts(i, second=True):
                yield i, StripTask(part, found.common)

    here = run.tuning.in_process(run.sizes(second=True))
    if run.dask is not None:
        done = run.dask.ordered_map(_strip_task, tasks())
    else:
        done = ordered_map(
            _strip_task, tasks(), jobs=run.jobs, warm=lambda: _warm(run.options), in_process=here
        )
    documents = [0] * len(run.sources)
    lines_before = [0] * len(run.sources)
    with contextlib.closing(done):  # type: ignore[type-var]
        for i, result in done:
            writer = writer_of(i)
            for data in result.outputs:
                if writer is not None and data is not None:
                    writer.write(data)
            documents[i] += result.documents
            lines_dropped += result.lines_dropped
            changed += result.documents_changed
            for h, (dropped, text, line) in result.seen.items():
                entry = seen.get(h)
                if entry is None:
                    name = run.sources[i].name
                    entry = seen[h] = Boilerplate(
                        h, text, name, line + lines_before[i], found.counts.counts[h]
                    )
                entry.dropped += dropped
            lines_before[i] += result.newlines
    for i in todo:
        _check_same(run, i, documents[i])
    return lines_dropped, changed, seen


def _strip_task(task: tuple[int, StripTask]) -> tuple[int, StrippedPart]:
    return task[0], strip_part(task[1])


# -- records for --clusters ----------------------------------------------------------------------


def cluster_records(clusters: Clusters, members: dict[int, Member], with_id: bool) -> list[dict]:
    """One record per cluster (see the command's help for the schema)."""
    out = []
    for cluster in clusters.clusters:
        rows = []
        for m in cluster.members:
            where = members[m.doc]
            row: dict[str, Any] = {"path": where.path, "doc": where.doc, "line": where.line}
            if with_id:
                row["id"] = where.id
            row["keep"] = m.keep
            row["similarity"] = m.similarity
            rows.append(row)
        out.append({"cluster": cluster.number, "size": len(rows), "members": rows})
    return out


def boilerplate_records(seen: dict[int, Boilerplate]) -> list[dict]:
    """One record per boilerplate line that was dropped somewhere, most frequent first."""
    lines = sorted(
        (b for b in seen.values() if b.dropped),
        key=lambda b: (-b.documents, b.path, b.first_line),
    )
    return [
        {
            "line": b.text,
            "documents": b.documents,
            "dropped": b.dropped,
            "path": b.path,
            "first_line": b.first_line,
        }
        for b in lines
    ]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


# -- the command -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DedupOutput:
    """What the run writes: the kept documents (to stdout, ``-o FILE`` or ``-o DIR/``), the
    clusters instead (``clusters``: JSON Lines, or a ``table``), or nothing (``check``)."""

    out_file: Path | None = None
    out_dir: Path | None = None
    clusters: bool = False
    table: bool = False
    check: bool = False

    @classmethod
    def parse(cls, output: str | None, clusters: bool, check: bool, table: bool) -> DedupOutput:
        """From the options: ``-o`` is a directory when it ends with ``/`` or is one."""
        import os

        if check and (clusters or output):
            raise UsageError("--check writes nothing: use it without --clusters and --output")
        out_dir = out_file = None
        if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
            if clusters:
                raise UsageError("--clusters writes one file: give -o a file name")
            out_dir = Path(output)
        elif output:
            out_file = Path(output)
        return cls(out_file, out_dir, clusters, table and not output, check)


def run_dedup(
    inputs: Inputs,
    options: DedupOptions,
    output: DedupOutput,
    *,
    jobs: int = 1,
    tuning: Tuning | None = None,
    dask: Any = None,
) -> int:
    """Deduplicate ``inputs`` into ``output``; return the exit status (0; 1 for duplicates
    found with ``check``, or a data error, reported on stderr before anything was written).
    ``dask``: a Dask engine computes the signatures (pass 1) and strips boilerplate lines;
    the kept documents are written here."""
    sources = inputs.sources()
    writes_documents = not (output.check or output.clusters)
    if writes_documents and output.out_dir is None and len({s.jsonl for s in sources}) > 1:
        raise UsageError("cannot mix JSON Lines and text inputs into one output")
    run = DedupRun(inputs, sources, options, jobs, tuning or dedup_tuning(), dask)
    # (--check of documents needs no second pass, so nothing to copy)
    run.spool_needed = not (output.check and options.lines is None)
    try:
        found = first_pass(run)
        if found is None:
            return inputs.diag.status
        if options.lines is None:
            return _documents_out(run, found, output)
        return _lines_out(run, found, output)
    finally:
        run.close()


def _documents_out(run: DedupRun, found: Found, output: DedupOutput) -> int:
    clusters = found.clusters
    assert clusters is not None
    diag = run.inputs.diag
    config = run.options.config
    if output.check:
        if clusters.dropped:
            diag.finding(
                f"dedup: {clusters.dropped} of {found.documents} documents are duplicates "
                f"({_count(len(clusters.clusters), 'cluster')})"
            )
        return diag.status
    how = (
        "exact" if config.exact else f"threshold {config.threshold}, {config.num_perm} permutations"
    )
    summary = (
        f"dedup: {found.documents} documents, {clusters.kept} kept, {clusters.dropped} dropped "
        f"in {_count(len(clusters.clusters), 'cluster')} ({how})"
    )
    try:
        if output.clusters:
            members = locate_members(run, clusters)
            with_id = run.options.id_field is not None
            records = cluster_records(clusters, members, with_id)
            _write_records(records, output, "documents")
        elif output.out_dir is not None:
            _kept_into_directory(run, clusters, output.out_dir)
        else:
            from newskit.io import atomic_write

            with contextlib.ExitStack() as stack:
                out: Any = stdout_bytes()
                if output.out_file is not None:
                    out = stack.enter_context(atomic_write(output.out_file))
                write_kept(run, clusters, out)
                out.flush()
    except Exception as exc:
        if not _second_pass_failed(run, exc):
            raise
        return diag.status
    diag.info(summary)
    return diag.status


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _lines_out(run: DedupRun, found: Found, output: DedupOutput) -> int:
    diag = run.inputs.diag
    lines = run.options.lines
    assert lines is not None
    try:
        if output.check or output.clusters:
            dropped, changed, seen = second_pass_lines(run, found, lambda i: None)
        else:
            with _destination(run, output) as writer_of:
                dropped, changed, seen = second_pass_lines(run, found, writer_of)
    except Exception as exc:
        if not _second_pass_failed(run, exc):
            raise
        return diag.status
    distinct = sum(1 for b in seen.values() if b.dropped)
    what = (
        f"{dropped} lines dropped from {changed} documents, {distinct} boilerplate lines "
        f"(in ≥ {lines.min_docs} documents)"
    )
    if output.check:
        if dropped:
            diag.finding(f"dedup --lines: {what}")
        return diag.status
    if output.clusters:
        _write_records(boilerplate_records(seen), output, "lines")
    diag.info(f"dedup --lines: {found.documents} documents, {what}")
    return diag.status


def _second_pass_failed(run: DedupRun, exc: Exception) -> bool:
    """Report an input that changed between the passes (exit 1); False for any other error."""
    from newskit.io import InputError

    if isinstance(exc, _Changed):
        run.inputs.diag.error(
            f"{exc.args[0]}: changed while dedup read it (other documents the second time); "
            "nothing after it was written"
        )
        return True
    if isinstance(exc, InputError):
        run.inputs.diag.error(f"{exc} (found when reading it again: it changed)")
        return True
    return False


def _write_records(records: list[dict], output: DedupOutput, kind: str) -> None:
    if output.table:
        from newskit import render

        if kind == "documents":
            render.render_dedup_clusters(records)
        else:
            render.render_boilerplate_lines(records)
        return
    data = _jsonl(records)
    if output.out_file is not None:
        from newskit.io import atomic_write

        with atomic_write(output.out_file) as out:
            out.write(data)
        return
    out = stdout_bytes()
    out.write(data)
    out.flush()


def _kept_into_directory(run: DedupRun, clusters: Clusters, out_dir: Path) -> None:
    """``-o DIR/``: each input's kept documents into a file of its own (its path under its
    directory argument), written atomically; a whole-file document that was dropped is not
    written."""
    from newskit.io import atomic_write

    starts = run.first_documents()
    for i in range(len(run.sources)):
        target = _target(run, i, out_dir, clusters, starts[i])
        if target is None or i in run.skipped:
            continue
        layout = _layout(run, clusters, i)
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as out:
            for task in kept_tasks(run, i, clusters, starts[i], layout):
                out.write(kept_part(task)[0])


@contextlib.contextmanager
def _destination(run: DedupRun, output: DedupOutput) -> Iterator[Any]:
    """``--lines``: ``writer_of(i)`` for the documents of input *i*: one writer for stdout or
    ``-o FILE`` (written atomically: nothing replaces the file unless the whole run
    succeeds), or one file per input under ``-o DIR/`` (each written atomically once its
    input is done)."""
    from newskit.io import atomic_write

    if output.out_dir is None:
        jsonl = bool(run.sources) and run.sources[0].jsonl
        with contextlib.ExitStack() as stack:
            out: Any = stdout_bytes()
            if output.out_file is not None:
                out = stack.enter_context(atomic_write(output.out_file))
            writer = DocumentWriter(out, separator_line(run.options.doc_sep, jsonl))
            yield lambda i: writer
            out.flush()
        return
    current: list[Any] = [None, None, None]  # input number, its atomic write, its writer

    def finish(exc: BaseException | None = None) -> None:
        _, cm, _ = current
        current[:] = [None, None, None]
        if cm is not None:
            cm.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    def writer_of(i: int) -> DocumentWriter | None:
        if current[0] != i:
            finish()
            current[0] = i
            target = _target(run, i, output.out_dir, None, 0)
            assert target is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            current[1] = atomic_write(target)
            out = current[1].__enter__()
            current[2] = DocumentWriter(
                out, separator_line(run.options.doc_sep, run.sources[i].jsonl)
            )
        return current[2]  # type: ignore[no-any-return]

    try:
        yield writer_of
    except BaseException as exc:
        finish(exc)
        raise
    finish()


def _target(
    run: DedupRun, i: int, out_dir: Path | None, clusters: Clusters | None, first_doc: int
) -> Path | None:
    """Where input *i* goes under ``-o DIR/`` (its path under its directory argument); None
    for a whole-file document that was dropped."""
    assert out_dir is not None
    source = run.sources[i]
    whole = not source.jsonl and run.options.doc_sep is None
    if whole and clusters is not None and run.documents[i] and not clusters.is_kept(first_doc):
        return None
    rel = source.rel if not source.is_stdin else ("stdin.jsonl" if source.jsonl else "stdin.txt")
    return out_dir / rel
