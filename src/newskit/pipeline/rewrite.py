"""Line-keeping rewrites (``newskit normalize``, ``newskit repair``): decode → a
:class:`Rewriter` → encode, chunk by chunk, into one of six destinations (stdout, ``-o FILE``,
``-o DIR/``, ``--in-place``, ``--check``, ``--diff``), each input's place decided and checked
for collisions before anything is written (:mod:`newskit.pipeline.destinations`), every file
written atomically (:func:`newskit.io.atomic_write`).

A rewriter is a small picklable object (workers get a copy) whose ``apply`` maps text of whole
lines to text, line by line, so that any cut at a line end gives the same output; ``explain``
also says what changed (counts per kind of change, and notes about single lines, which are
printed on stderr as ``path:line: note``).

How a run is split is decided once, in :func:`run_rewrite`:

- one output (stdout, ``-o FILE``) and plain text: one stream of chunks for all the inputs,
  which workers normalize and write in turn (:func:`newskit.parallel.ordered_write`);
- a destination per file (``-o DIR/``, ``--in-place``, ``--check``) and several files:
  workers take files under :attr:`~newskit.parallel.Tuning.workers_from_bytes` whole, in
  batches, and a larger file is done here with workers taking its chunks;
- otherwise (``--diff``, JSON Lines, one job) each input in turn, its chunks to workers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import operator
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from newskit.diagnostics import RecordedDiagnostics, replay
from newskit.parallel import (
    Tuning,
    by_input,
    one_input,
    ordered_map,
    ordered_write,
    size_batches,
    writer_fd,
)
from newskit.pipeline.chunks import Chunk, file_chunks, load
from newskit.pipeline.destinations import (
    Destination,
    Placed,
    clean_stale,
    place,
    stale_directories,
)
from newskit.pipeline.inputs import Inputs, UsageError, input_errors, stdout_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from newskit.io import DecodeReport, InputError, Source

__all__ = ["Destination", "Rewriter", "run_rewrite"]

#: ``(counts per kind of change, notes)``; a note is ``(line in the text, message)``.
Explained = tuple[dict[str, int], list[tuple[int, str]]]


class Rewriter(Protocol):
    """What a rewrite does to text of whole lines (see the module docstring)."""

    #: the verb of messages: ``would normalize a.txt``, ``a.txt (normalized)``
    verb: str

    def apply(self, text: str) -> str:
        """The rewritten text; the very same object when nothing changed."""
        ...

    def explain(self, text: str) -> tuple[str, dict[str, int], list[tuple[int, str]]]:
        """``apply``, and what changed: counts per kind, notes on lines (1-based in *text*)."""
        ...

    def warm(self) -> None:
        """Load what ``apply`` needs, before workers are forked (they inherit it)."""
        ...


@dataclass(frozen=True)
class RewriteTask:
    """A chunk to rewrite, and what to send back besides the rewritten bytes."""

    chunk: Chunk
    rewriter: Rewriter
    explain: bool  # --explain: counts and notes
    original: bool  # --diff: the original bytes of a changed chunk


def _task_size(task: RewriteTask) -> int:
    return task.chunk.size


#: ``(counts, notes, the chunk's first line)``: notes are numbered within the chunk.
ChunkExplained = tuple[dict[str, int], list[tuple[int, str]], int]


def rewrite_chunk(
    task: RewriteTask,
) -> tuple[bytes | None, bytes, ChunkExplained, int, InputError | None, int]:
    """Decode, rewrite and encode one chunk of lines (top level: runs in workers).

    Returns ``(original, rewritten, explained, replacements, error, newlines)``; on invalid
    UTF-8 the lines before the bad byte are still rewritten and the error is returned, not
    raised, so the parent writes them first. ``original`` is None for a changed chunk
    unless the task wants it (sending it back doubles what crosses the process boundary;
    only ``--diff`` needs it).
    """
    got = load(task.chunk)
    text = got.text
    if task.explain:
        out, counts, notes = task.rewriter.explain(text)
    else:
        out, counts, notes = task.rewriter.apply(text), {}, []
    # a rewriter returns the very same object when nothing changed
    new = got.original if out is text else out.encode()
    kept = got.original if (task.original or new == got.original) else None
    return kept, new, (counts, notes, got.first_line), got.replaced, got.error, got.newlines


def _for_writing(
    task: RewriteTask,
) -> tuple[bytes, tuple[bool, ChunkExplained, int, InputError | None, int], bool]:
    """:func:`rewrite_chunk` for :func:`~newskit.parallel.ordered_write`: ``(output,
    (changed, explained, replacements, error, newlines), stop after this chunk)``."""
    kept, new, explained, replaced, error, newlines = rewrite_chunk(task)
    return new, (kept is None, explained, replaced, error, newlines), error is not None


class _Unchanged(Exception):
    """Raised inside an atomic write to abandon it: the content did not change."""


@dataclass
class RewriteRun:
    """One run's settings, and the counts of the input being done."""

    rewriter: Rewriter
    jobs: int
    explain: bool
    inputs: Inputs
    tuning: Tuning
    want_original: bool = False  # --diff: the original text of every chunk
    totals: dict[str, int] = field(default_factory=dict)
    #: the one output, for messages: its name, and whether the file existed (None: stdout)
    output: tuple[str, bool | None] = ("<stdout>", None)

    def tasks(self, source: Source, report: DecodeReport, ranged: bool) -> Iterator[RewriteTask]:
        errors = self.inputs.errors
        for chunk in file_chunks(source, report, errors, ranged, self.tuning.chunk_bytes):  # type: ignore[arg-type]
            yield RewriteTask(chunk, self.rewriter, self.explain, self.want_original)

    def warm(self) -> None:
        self.rewriter.warm()

    def blocks(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes | None, bytes]]:
        """(original, normalized) UTF-8 pairs for a plain-text source, streaming."""
        ranged = self.jobs > 1 and source.ranged
        results = ordered_map(
            rewrite_chunk,
            self.tasks(source, report, ranged),
            jobs=self.jobs,
            warm=self.warm,
            in_process=self.tuning.in_process([_known_size(source)]),
        )
        try:
            yield from self.follow(results, source, report, ranged)  # type: ignore[misc]
        finally:
            results.close()  # type: ignore[attr-defined]  # (its workers end now, not at exit)

    def write(self, source: Source, report: DecodeReport, out: BinaryIO) -> bool:
        """Write the normalized ``source`` to ``out``; return whether it changed. With
        workers on a file, they write to ``out`` themselves, in turn."""
        fd = writer_fd(out, self.jobs)
        if fd >= 0 and source.ranged and not source.jsonl:
            out.flush()
            results = ordered_write(
                _for_writing,
                [self.tasks(source, report, True)],
                jobs=self.jobs,
                fd=fd,
                size=_task_size,
                warm=self.warm,
                in_process=self.tuning.in_process([source.file_size]),
                tuning=self.tuning,
            )
            done = self.follow(one_input(results), source, report, True)
            return any([changed for (changed,) in done])
        changed = False
        for original, new in self.pairs(source, report):
            changed = changed or new != original
            out.write(new)
        return changed

    def follow(
        self,
        results: Iterator[tuple[Any, ...]],
        source: Source,
        report: DecodeReport,
        ranged: bool,
    ) -> Iterator[tuple[Any, ...]]:
        """Follow the results of chunks done in order, each ``(*head, explained, replaced,
        error, newlines)``: yield each head, add up replacements and counts, print notes,
        and raise a chunk's decoding error only after its head was yielded, so the lines
        before the bad byte are written first. A worker that read its own byte range
        (``ranged``) numbered lines from there: notes and errors are made absolute with the
        newlines of the chunks before it (a chunk read here is numbered already, and says 0).
        """
        lines_before = 0
        for *head, (counts, notes, first_line), replaced, error, newlines in results:
            report.replacements += replaced
            self._add(counts)
            for line, note in notes:
                self._note(source, lines_before + first_line + line - 1, note)
            yield tuple(head)
            if error is not None:
                if ranged and error.line is not None:
                    error.line += lines_before
                raise error
            lines_before += newlines

    def _note(self, source: Source, line: int, note: str) -> None:
        self.inputs.diag.info(f"{source.name}:{line}: {note}")

    def _one(self, text: str, source: Source, line: int) -> str:
        if self.explain:
            out, counts, notes = self.rewriter.explain(text)
            self._add(counts)
            for _, note in notes:
                self._note(source, line, note)
            return out
        return self.rewriter.apply(text)

    def _add(self, counts: dict[str, int]) -> None:
        for k, v in counts.items():
            self.totals[k] = self.totals.get(k, 0) + v

    def records(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes, bytes]]:
        """(original, normalized) line pairs for a JSON Lines source.

        Records are re-serialized (``json.dumps``, UTF-8 kept), so both sides of the pair
        use the same formatting and only the field can differ.
        """
        from newskit.io import dump_record, iter_records

        field_name = self.inputs.field
        for n, record, text in iter_records(source, field_name, self.inputs.errors, report):  # type: ignore[arg-type]
            original = dump_record(record).encode()
            new = self._one(text, source, n)
            if new == text:
                yield original, original
                continue
            record[field_name] = new
            yield original, dump_record(record).encode()

    def pairs(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes | None, bytes]]:
        return self.records(source, report) if source.jsonl else self.blocks(source, report)


def _known_size(source: Source) -> int | None:
    """A file's size (None for a stream: its size is not known before it is read)."""
    return None if source.streamed else source.file_size


def run_rewrite(
    inputs: Inputs,
    rewriter: Rewriter,
    dest: Destination,
    *,
    jobs: int,
    tuning: Tuning,
    explain: bool = False,
    dask: Any = None,
) -> int:
    """Rewrite ``inputs`` into ``dest``; return the exit status (0, or 1 for findings and
    data errors, which were reported on stderr). ``jobs``: worker processes (resolved);
    ``dask``: a :class:`newskit.parallel.DaskEngine` instead (whole files for a
    destination per file, written by the workers; chunks for one output, written here).

    Parquet inputs are written back as Parquet, the text column rewritten and the others
    untouched: with ``-o DIR/``, ``--in-place`` or ``-o FILE.parquet`` (one input), and
    ``--check``; not to stdout, ``--diff`` or another kind of output file.
    """
    from newskit.io import OutputError, output_errors

    sources = inputs.sources(exclude=dest.outputs())
    parquet = [s for s in sources if s.parquet]
    if parquet:
        to_file = dest.out_file is not None and dest.out_file.suffix in (".parquet", ".pq")
        if dest.diff or (dest.out_file is None and not dest.per_file):
            raise UsageError(
                "Parquet inputs are written back as Parquet: use -o DIR/, --in-place, "
                "-o FILE.parquet (one input) or --check"
            )
        if dest.out_file is not None and not (to_file and len(sources) == 1):
            raise UsageError("-o FILE.parquet takes one Parquet input (or use -o DIR/)")
    if dest.in_place and any(s.is_stdin for s in sources):
        raise UsageError("--in-place needs files, not standard input")
    for s in sources if dest.in_place else ():
        if s.file_size is None and s.path is not None and s.path.exists():
            raise UsageError(f"--in-place needs regular files: {s.name} is a pipe or device")
    if dest.out_file and len(sources) > 1 and any(s.jsonl != sources[0].jsonl for s in sources):
        raise UsageError("cannot mix JSON Lines and text inputs into one --output file")
    placed = place(sources, dest, inputs.diag)  # (or a UsageError: nothing is written yet)
    if dest.writes_files or dest.clean_stale:
        clean_stale(stale_directories(placed, dest.out_file), dest.clean_stale, inputs.diag)

    run = RewriteRun(rewriter, jobs, explain, inputs, tuning, want_original=dest.diff)
    if dest.out_file is not None:
        run.output = (str(dest.out_file), dest.out_file.exists())
    if parquet and dest.out_file is not None:  # (-o FILE.parquet: its own atomic write)
        with input_errors(inputs.diag, sources[0]):
            _rewrite_parquet(run, sources[0], dest.out_file, check=False)
        return inputs.diag.status
    if dask is not None:
        _on_dask(run, placed, dest, dask)
        return inputs.diag.status
    try:
        with contextlib.ExitStack() as stack:
            single: BinaryIO | None = None
            if dest.out_file is not None:
                from newskit.io import atomic_write

                single = stack.enter_context(atomic_write(dest.out_file))
            stack.enter_context(output_errors(*run.output))
            out = single or stdout_bytes()
            if dest.per_file or not _to_one_output(run, sources, out):
                _each(run, placed, dest, single)
    except OutputError as exc:  # (the one output failed: the command ends)
        inputs.diag.error(str(exc))
    return inputs.diag.status


def _each(
    run: RewriteRun, placed: list[Placed], dest: Destination, single: BinaryIO | None
) -> None:
    """Rewrite each input on its own, into the place :func:`place` gave it.

    With workers and a destination per file (``-o DIR/``, ``--in-place``, ``--check``),
    workers take whole files under ``workers_from_bytes``, in batches of up to
    ``batch_bytes``, and the parent prints their messages in input order; a larger file (or
    stdin) is done here, in chunks that workers take.
    """
    if run.jobs <= 1 or not (dest.out_dir or dest.in_place or dest.check) or len(placed) < 2:
        # (one output, written in input order: stdout, -o FILE or --diff)
        for p in placed:
            _one_source(run, p, dest, single)
        return
    limit = run.tuning.workers_from_bytes
    sizes = [_whole_size(p.source, limit) for p in placed]
    runs = itertools.groupby(zip(placed, sizes, strict=True), lambda pair: pair[1] >= 0)
    for small, pairs in runs:
        if not small:
            for p, _ in pairs:
                _one_source(run, p, dest, single)
            continue
        files = list(pairs)
        batches = [
            (run, [p for p, _ in batch], dest)
            for batch in size_batches(files, operator.itemgetter(1), run.tuning.batch_bytes)
        ]
        here = sys.maxsize if sum(n for _, n in files) < limit else 0
        done = ordered_map(
            _rewrite_files, iter(batches), jobs=run.jobs, warm=run.warm, in_process=here
        )
        for messages in done:
            replay(messages, run.inputs.diag)


def _whole_size(source: Source, limit: int) -> int:
    """The size of a readable file under ``limit``, which one worker takes whole; -1 for a
    larger file, standard input or a file that cannot be read (done here, which says why)."""
    size = source.file_size
    return -1 if size is None or size >= limit else size


def _rewrite_files(task: tuple[RewriteRun, list[Placed], Destination]) -> list[tuple[str, str]]:
    """In a worker (or here, for few files): :func:`_one_source` for a batch of small
    files, one process, its messages recorded for the parent to print."""
    run, placed, dest = task
    diag = RecordedDiagnostics()
    one = dataclasses.replace(run, jobs=1, inputs=dataclasses.replace(run.inputs, diag=diag))
    for p in placed:
        _one_source(one, p, dest, None)
    return diag.messages


def _one_source(
    run: RewriteRun, placed: Placed, dest: Destination, single: BinaryIO | None
) -> None:
    """Rewrite one input into its place. A failure to write a file of its own (a full
    disk) is that input's error, and the run goes on; a failure to write the one output
    (stdout, ``-o FILE``) ends the run (:class:`~newskit.io.OutputError` goes up)."""
    from newskit.io import DecodeReport, OutputError, output_errors

    source = placed.source
    report = DecodeReport()
    run.totals = {}
    if source.parquet:
        with input_errors(run.inputs.diag, source):
            try:
                if dest.check:
                    _rewrite_parquet(run, source, None, check=True)
                else:
                    assert placed.target is not None and source.path is not None
                    if dest.in_place and dest.backup:
                        from newskit.io import atomic_write

                        with atomic_write(Path(f"{source.path}{dest.backup}")) as copy:
                            copy.write(source.path.read_bytes())
                    target = source.path if dest.in_place else placed.target
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _rewrite_parquet(run, source, target, check=False)
            except OutputError as exc:
                run.inputs.diag.error(str(exc))
        return
    with input_errors(run.inputs.diag, source):
        if dest.check or dest.diff:
            with output_errors(*run.output):
                _check_or_diff(run, source, report, dest.diff)
        elif dest.in_place or dest.out_dir is not None:
            try:
                if dest.in_place:
                    _rewrite_in_place(run, placed, report, dest.backup)
                else:
                    assert placed.target is not None
                    _write_mirrored(run, source, placed.target, report)
            except OutputError as exc:
                run.inputs.diag.error(str(exc))
        else:
            out = single or stdout_bytes()
            with output_errors(*run.output):  # (not the input's fault: see input_errors)
                run.write(source, report, out)
                out.flush()
    _report(run, source, report)


def _rewrite_parquet(run: RewriteRun, source: Source, target: Path | None, check: bool) -> None:
    """A Parquet input: the text column (``--field``) rewritten row group by row group into
    ``target`` (``check``: written nowhere, a finding if a row would change)."""
    from newskit.parquet import count_changes, rewrite_file

    assert source.path is not None
    field = run.inputs.field
    if check:
        if count_changes(source.path, field, run.rewriter.apply):
            run.inputs.diag.finding(f"would {run.rewriter.verb} {source.name}")
        return
    assert target is not None
    rows, changed = rewrite_file(source.path, target, field, run.rewriter.apply)
    if run.explain:
        run.inputs.diag.info(f"{source.name}: {changed} of {rows} rows changed")


def _on_dask(run: RewriteRun, placed: list[Placed], dest: Destination, dask: Any) -> None:
    """The rewrite on a Dask cluster: whole files to the workers for a destination per file
    (they write their outputs, atomically, on the file system they share with this
    machine); for one output (stdout, ``-o FILE``), the chunks of each input, written here
    in order; ``--diff`` and JSON Lines here."""
    from newskit.io import DecodeReport, output_errors

    if dest.out_dir or dest.in_place or dest.check:
        one = dataclasses.replace(run, jobs=1)
        batches = [
            (one, batch, dest)
            for batch in size_batches(
                placed, lambda p: p.source.file_size or 0, run.tuning.batch_bytes
            )
        ]
        for messages in dask.ordered_map(_rewrite_files, batches):
            replay(messages, run.inputs.diag)
        return
    with contextlib.ExitStack() as stack:
        single: BinaryIO | None = None
        if dest.out_file is not None:
            from newskit.io import atomic_write

            single = stack.enter_context(atomic_write(dest.out_file))
        stack.enter_context(output_errors(*run.output))
        out = single or stdout_bytes()
        for p in placed:
            source = p.source
            if dest.diff or source.records or source.is_stdin:
                _one_source(dataclasses.replace(run, jobs=1), p, dest, single)
                continue
            report = DecodeReport()
            run.totals = {}
            with input_errors(run.inputs.diag, source):
                tasks = run.tasks(source, report, source.ranged)
                done = dask.ordered_map(rewrite_chunk, tasks)
                for _, new in run.follow(done, source, report, source.ranged):
                    out.write(new)
                out.flush()
            _report(run, source, report)


def _write_mirrored(run: RewriteRun, source: Source, target: Path, report: DecodeReport) -> None:
    """``-o DIR/``: a new file at ``target`` (a symbolic link there is replaced, not
    written through: nothing outside the output directory changes)."""
    from newskit.io import OutputError, atomic_write

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.of(target.parent, exc, existed=False) from exc
    with atomic_write(target, follow_symlinks=False) as out:
        run.write(source, report, out)


def _rewrite_in_place(
    run: RewriteRun, placed: Placed, report: DecodeReport, backup: str | None
) -> None:
    """``--in-place``: the real file (through a symbolic link) is replaced, if its text
    changes. The replacement is a new file: other hard links to the old one keep the old
    text, which a warning says."""
    from newskit.io import atomic_write

    assert placed.target is not None and placed.source.path is not None
    links = os.stat(placed.target).st_nlink
    try:
        # (through the name given, for messages: the same file as ``placed.target``)
        with atomic_write(placed.source.path, backup=backup) as out:
            changed = run.write(placed.source, report, out)
            if not changed and not report.bom:
                raise _Unchanged
    except _Unchanged:
        return
    if links > 1:
        others = links - 1
        run.inputs.diag.warn(
            f"{placed.source.name}: rewritten as a new file; its {others} other hard "
            f"link{'s' if others > 1 else ''} still hold{'s' if others == 1 else ''} the "
            "old text"
        )


def _report(run: RewriteRun, source: Source, report: DecodeReport) -> None:
    """After an input: replaced bytes, and with ``--explain`` what each step changed."""
    run.inputs.report_decoding(source, report)
    if run.explain:
        parts = ", ".join(f"{k} {v}" for k, v in run.totals.items())
        run.inputs.diag.info(
            f"{source.name}: {parts or 'no steps'}; {sum(run.totals.values())} changed"
        )


def _to_one_output(run: RewriteRun, sources: list[Source], out: BinaryIO) -> bool:
    """Normalize all the text inputs into ``out`` (stdout, ``-o FILE``) with workers started
    once for all of them; False if this cannot be done here (one job, JSON Lines inputs, an
    output the workers cannot write), and nothing was done."""
    from newskit.io import DecodeReport, output_errors

    fd = writer_fd(out, run.jobs)
    if fd < 0 or any(s.jsonl for s in sources):
        return False
    out.flush()
    reports = [DecodeReport() for _ in sources]
    here = run.tuning.in_process(_known_size(s) for s in sources)
    # (byte ranges only for workers: done here, a file is opened once, not once a chunk)
    groups = (
        run.tasks(s, r, here != sys.maxsize and s.ranged)
        for s, r in zip(sources, reports, strict=True)
    )
    results = ordered_write(
        _for_writing,
        groups,
        jobs=run.jobs,
        fd=fd,
        size=_task_size,
        warm=run.warm,
        in_process=here,
        slow_input=any(s.streamed for s in sources),
        tuning=run.tuning,
    )
    for i, done in by_input(results, len(sources)):
        run.totals = {}
        with input_errors(run.inputs.diag, sources[i]), output_errors(*run.output):
            for _ in run.follow(done, sources[i], reports[i], True):
                pass
        _report(run, sources[i], reports[i])
    return True


def _check_or_diff(run: RewriteRun, source: Source, report: DecodeReport, diff: bool) -> None:
    diag = run.inputs.diag
    if not diff:
        changed = any(new != original for original, new in run.pairs(source, report))
        if changed or report.bom:
            diag.finding(f"would {run.rewriter.verb} {source.name}")
        return
    import difflib

    from newskit.io import split_lf

    before: list[str] = []
    after: list[str] = []
    for original, new in run.pairs(source, report):
        before.extend(split_lf((original or b"").decode()))
        after.extend(split_lf(new.decode()))
    if before != after:
        diag.status = max(diag.status, 1)
        out = stdout_bytes()
        verb = run.rewriter.verb
        after_name = f"{source.name} ({verb}{'d' if verb.endswith('e') else 'ed'})"
        for line in difflib.unified_diff(before, after, source.name, after_name):
            out.write(line.encode())
            if not line.endswith("\n"):
                out.write(b"\n\\ No newline at end of file\n")
        out.flush()
