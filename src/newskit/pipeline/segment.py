"""``newskit tokenize`` and ``newskit sentences``: decode → (normalize) → segment → format,
chunk by chunk (:func:`newskit.formats.segmentation`).

Plain text goes in chunks of whole lines to workers, one stream for all the inputs, which
they segment and write in turn. Offsets (JSON Lines, CoNLL-U) are character offsets into the
decoded input: a chunk's offset is counted here from its bytes, so chunks are read here for
those formats; text output has no offsets, and workers read byte ranges of a file
themselves. With ``--normalize`` offsets refer to the normalized text, whose length is known
only once a chunk is normalized: chunks are then done one after another, in this process.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newskit.parallel import Tuning, by_input, ordered_map, ordered_write, writer_fd
from newskit.pipeline.chunks import UTF8_CONTINUATION, Chunk, chunk_results, file_chunks, load
from newskit.pipeline.inputs import Inputs, input_errors, stdout_bytes
from newskit.pipeline.languages import LangOptions, warn_if_guessing

if TYPE_CHECKING:
    from newskit.io import DecodeReport, InputError, Source


def segment_tuning() -> Tuning:
    """Tokenizing takes about 25 ms a MiB: workers pay from 8 MiB (as for normalize)."""
    return Tuning.from_env(workers_from_bytes=8 << 20)


@dataclass(frozen=True)
class SegmentTask:
    """A chunk to segment: ``mode`` and ``fmt`` of :func:`newskit.formats.segmentation`,
    ``norm``: normalize first; ``offset``: characters of the input before the chunk;
    ``lang``: its input's language (whose rules segment it)."""

    chunk: Chunk
    mode: str
    fmt: str
    norm: bool
    offset: int = 0
    lang: str | None = None


def segment_chunk(task: SegmentTask) -> tuple[bytes, int, int, InputError | None, int]:
    """Decode, optionally normalize, segment and format one chunk of lines (runs in workers).

    Returns ``(output, characters, replacements, error, newlines)``; on invalid UTF-8 the
    lines before the bad byte are still done and the error is returned for the parent to
    report; ``newlines`` are those of a byte range the worker read (see
    :func:`~newskit.pipeline.chunks.chunk_results`).
    """
    from newskit.formats import segmentation

    got = load(task.chunk)
    text = got.text
    if task.norm:
        from newskit.normalization import normalize

        text = normalize(text)
    out = segmentation(
        text,
        task.mode,
        task.fmt,
        path=task.chunk.name,
        first_line=got.first_line,
        offset=task.offset,
        lang=task.lang,
    )
    return out.encode(), len(text), got.replaced, got.error, got.newlines


def _for_writing(task: SegmentTask) -> tuple[bytes, tuple[int, InputError | None, int], bool]:
    """:func:`segment_chunk` for :func:`~newskit.parallel.ordered_write`."""
    data, _, replaced, error, newlines = segment_chunk(task)
    return data, (replaced, error, newlines), error is not None


def run_segment(
    inputs: Inputs,
    mode: str,
    fmt: str,
    *,
    norm: bool = False,
    jobs: int = 1,
    tuning: Tuning | None = None,
    langs: LangOptions | None = None,
    dask: Any = None,
) -> int:
    """Segment every input to stdout; return the exit status. ``dask``: a
    :class:`newskit.parallel.DaskEngine` that segments the chunks (workers read byte ranges
    themselves for text output); this process writes them in order.

    Each input is segmented by the rules of one language (``langs``: given, or detected on
    the input's first few KB, once, here; for JSON Lines on its first record), unless
    ``--lang-field`` names a record's own. Why not detect per paragraph, per record or per
    chunk: a paragraph is too short to tell Marathi from Hindi reliably; detecting each
    record (70 microseconds) added 16-20% to ``newskit tokenize`` on the shared JSON Lines
    news; and per chunk the output would depend on where chunks are cut. Corpora that mix
    languages in one file label their records (``--lang-field``); ``stats`` detects each.
    """
    tuning = tuning or segment_tuning()
    langs = langs or LangOptions()
    diag = inputs.diag
    warn_if_guessing(diag, langs)
    out = stdout_bytes()
    exact = norm and fmt != "text"
    jobs = 1 if exact else jobs
    sources = inputs.sources()
    if dask is not None and not exact:
        for source in sources:
            if source.records:
                _one_source(inputs, source, (mode, fmt, norm), 1, tuning, out, langs)
            else:
                _on_dask(inputs, source, (mode, fmt, norm), dask, tuning, out, langs)
        out.flush()
        return diag.status
    fd = writer_fd(out, jobs)
    if fd >= 0 and not any(s.records for s in sources):
        out.flush()
        _with_workers(inputs, sources, (mode, fmt, norm), jobs, fd, tuning, langs)
        return diag.status
    for source in sources:
        _one_source(inputs, source, (mode, fmt, norm), jobs, tuning, out, langs)
    out.flush()
    return diag.status


def _one_source(
    inputs: Inputs,
    source: Source,
    how: tuple[str, str, bool],
    jobs: int,
    tuning: Tuning,
    out: Any,
    langs: LangOptions,
) -> None:
    from newskit.formats import segmentation
    from newskit.io import DecodeReport, iter_records

    mode, fmt, norm = how
    exact = norm and fmt != "text"
    report = DecodeReport()
    with input_errors(inputs.diag, source):
        if source.records:
            detected = None  # (the input's, from the first record that names no language)
            for n, record, text in iter_records(source, inputs.field, inputs.errors, report):  # type: ignore[arg-type]
                lang = langs.labelled(record)
                if lang is None:
                    detected = detected or langs.of_text(text).lang
                    lang = detected
                if norm:
                    from newskit.normalization import normalize

                    text = normalize(text)
                segmented = segmentation(text, mode, fmt, path=source.name, first_line=n, lang=lang)
                out.write(segmented.encode())
        else:
            offset = [0]

            def tasks() -> Iterator[SegmentTask]:
                lang = None
                for chunk in file_chunks(source, report, inputs.errors, False, tuning.chunk_bytes):  # type: ignore[arg-type]
                    lang = lang or langs.of_chunk(chunk)
                    yield SegmentTask(chunk, mode, fmt, norm, offset[0], lang)
                    if not exact and fmt != "text":  # (text output has no offsets)
                        offset[0] += len(chunk.data.data.translate(None, UTF8_CONTINUATION))  # type: ignore[union-attr]

            here = tuning.in_process([None if source.streamed else source.file_size])
            done = ordered_map(segment_chunk, tasks(), jobs=jobs, in_process=here)
            with contextlib.closing(done):  # (on an error, its workers end now)
                for data, chars, replaced, error, _ in done:
                    report.replacements += replaced
                    if exact:
                        offset[0] += chars
                    out.write(data)
                    if error is not None:
                        raise error
    inputs.report_decoding(source, report)


def _on_dask(
    inputs: Inputs,
    source: Source,
    how: tuple[str, str, bool],
    dask: Any,
    tuning: Tuning,
    out: Any,
    langs: LangOptions,
) -> None:
    """One plain-text input's chunks segmented on a Dask cluster, written here in order."""
    from newskit.io import DecodeReport

    mode, fmt, norm = how
    report = DecodeReport()
    ranged = fmt == "text" and source.ranged

    def tasks() -> Iterator[SegmentTask]:
        offset = 0
        lang = None
        for chunk in file_chunks(source, report, inputs.errors, ranged, tuning.chunk_bytes):  # type: ignore[arg-type]
            lang = lang or langs.of_chunk(chunk)
            yield SegmentTask(chunk, mode, fmt, norm, offset, lang)
            if fmt != "text":  # (text output has no offsets)
                offset += len(chunk.data.data.translate(None, UTF8_CONTINUATION))  # type: ignore[union-attr]

    with input_errors(inputs.diag, source):
        done = ((d, r, e, n) for d, _, r, e, n in dask.ordered_map(segment_chunk, tasks()))
        for (data,) in chunk_results(done, report, ranged):
            out.write(data)
    inputs.report_decoding(source, report)


def _with_workers(
    inputs: Inputs,
    sources: list[Source],
    how: tuple[str, str, bool],
    jobs: int,
    fd: int,
    tuning: Tuning,
    langs: LangOptions,
) -> None:
    """Text inputs with workers: they write the output to ``fd`` themselves, in turn, and
    with text output read their own byte ranges of each file too (no offsets to count)."""
    from newskit.io import DecodeReport

    mode, fmt, norm = how
    here = tuning.in_process(None if s.streamed else s.file_size for s in sources)

    def tasks(source: Source, report: DecodeReport) -> Iterator[SegmentTask]:
        # (byte ranges only for workers: done here, a file is opened once, not once a chunk)
        ranged = fmt == "text" and source.ranged and here != sys.maxsize
        offset = 0
        lang = None
        for chunk in file_chunks(source, report, inputs.errors, ranged, tuning.chunk_bytes):  # type: ignore[arg-type]
            lang = lang or langs.of_chunk(chunk)
            yield SegmentTask(chunk, mode, fmt, norm, offset, lang)
            if fmt != "text":  # (text output has no offsets)
                offset += len(chunk.data.data.translate(None, UTF8_CONTINUATION))  # type: ignore[union-attr]

    reports = [DecodeReport() for _ in sources]
    groups = (tasks(s, r) for s, r in zip(sources, reports, strict=True))
    results = ordered_write(
        _for_writing,
        groups,
        jobs=jobs,
        fd=fd,
        size=lambda task: task.chunk.size,
        in_process=here,
        slow_input=any(s.streamed for s in sources),
        tuning=tuning,
    )
    for i, done in by_input(results, len(sources)):
        with input_errors(inputs.diag, sources[i]):
            # (a chunk the parent read returns 0 newlines: its lines are numbered)
            for _ in chunk_results(done, reports[i], ranged=True):
                pass
        inputs.report_decoding(sources[i], reports[i])
