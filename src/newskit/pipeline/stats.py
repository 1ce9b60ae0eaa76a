"""``newskit stats``: inputs → documents → :func:`newskit.stats.document_stats`, reduced per
input (a row) and over the corpus (the total), then rendered.

How a run is split (decided once, in :func:`stats_items`): with one job every input is one
item, read as a stream. With workers, a large file is cut into byte ranges of whole
documents (at ``--doc-sep`` lines, or at any line for JSON Lines) that workers read
themselves, an input read here (stdin, ``.gz``, a named pipe) into chunks of whole documents,
and small files stay whole; :func:`newskit.parallel.map_reduce` batches them and reduces
exactly (a range after an input's bad byte counts for nothing). A document is never split:
without ``--doc-sep`` a plain-text file is one document, and one worker's item.

Each document's language is found where the document is counted (given, read from its JSON
Lines record, or detected: :class:`~newskit.pipeline.languages.LangOptions`). With ``--by
lang`` an item's state is a :class:`ByLang`, statistics per language, so that a file that
mixes languages adds each document to its own language's row.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newskit.parallel import Failed, Tuning, map_reduce
from newskit.parquet import RowGroup
from newskit.pipeline.chunks import ByteRange
from newskit.pipeline.inputs import Inputs, failure_message, stdout_bytes
from newskit.pipeline.languages import LangOptions, warn_if_guessing
from newskit.stats import CorpusStats, move_total_only, sharing_total_only

if TYPE_CHECKING:
    from newskit.io import InputError, RawChunk, Source

#: What ``--by`` takes.
GROUPINGS = ("file", "dir", "lang", "total")
#: Report sections, in the order tables show them.
SECTIONS = ("files", "overview", "scripts", "punctuation", "lexicon", "hygiene")


def stats_tuning() -> Tuning:
    """Statistics take about 200 ms a MiB: workers (30-60 ms to start) pay from 512 KiB."""
    return Tuning.from_env(workers_from_bytes=512 << 10)


@dataclass(frozen=True)
class StatsConfig:
    """What every item of a run is read and counted with."""

    doc_sep: str | None = None
    field: str = "text"
    errors: str = "strict"
    normalization: bool = True
    quotes: bool = True
    langs: LangOptions = dataclasses.field(default_factory=LangOptions)


@dataclass(frozen=True)
class StatsItem:
    """One unit of work: an input whole (``part`` None: read by whoever runs it), a byte
    range of whole documents or a Parquet row group that a worker reads, or whole
    documents read here."""

    source: Source
    config: StatsConfig
    part: ByteRange | RowGroup | RawChunk | None = None
    first: bool = True  # the input's first item (it counts the file)

    @property
    def size(self) -> int:
        part = self.part
        if part is None:
            return self.source.file_size or 0
        if isinstance(part, ByteRange):
            return part.end - part.start
        return part.size if isinstance(part, RowGroup) else len(part.data)


@dataclass
class ItemInfo:
    """What an item tells this process besides its statistics."""

    bytes: int = 0  # input bytes it covered (for progress)
    replacements: int = 0
    error: InputError | str | None = None
    warning: str | None = None
    newlines: int = 0  # lines of a byte range (error lines of later ranges count from it)


def stats_item(item: StatsItem, st: CorpusStats | ByLang) -> tuple[ItemInfo, bool]:
    """Count one item into ``st`` (top level: runs in workers); bad input is reported in
    the info, which then stops the item's input."""
    from newskit.io import DecodeReport, InputError, SkipInput

    info = ItemInfo()
    source = item.source
    if item.first:
        st.files += 1
    report = DecodeReport()
    try:
        if item.part is None:
            _count_whole(item, st, info, report)
        else:
            _count_part(item, st, info)
    except SkipInput as exc:
        info.warning = str(exc)
    except InputError as exc:
        info.error = exc
    except OSError as exc:
        info.error = f"{source.name}: {exc.strerror or exc}"
    info.replacements += report.replacements
    return info, info.error is not None or info.warning is not None


def _counter(config: StatsConfig, st: CorpusStats | ByLang) -> Callable[[str, Any], None]:
    """``count(document, record)``: add a document (and its JSON Lines record, or None) to
    ``st``, or to its language's statistics in a :class:`ByLang`."""
    from newskit.stats import document_stats

    langs = config.langs
    by_lang = isinstance(st, ByLang)

    def count(doc: str, record: Any) -> None:
        found = langs.of_text(doc) if record is None else langs.of_record(record, doc)
        document_stats(
            doc,
            lang=found.lang,
            lang_probability=found.probability,
            normalization=config.normalization,
            quotes=config.quotes,
            into=st.of(found.lang) if by_lang else st,  # type: ignore[union-attr,arg-type]
        )

    return count


def _count_whole(item: StatsItem, st: CorpusStats | ByLang, info: ItemInfo, report: Any) -> None:
    from newskit.io import iter_documents, iter_records

    source, config = item.source, item.config
    # (a file's size is its st_size; what a pipe or /proc file holds is counted)
    size = source.file_size
    count = not (size or source.gzipped)
    docs: Iterable[tuple[str, Any]]
    if source.parquet:
        from newskit.parquet import iter_file_records

        assert source.path is not None
        rows = iter_file_records(source.path, config.field, _more_columns(config))
        docs = ((t, r) for _, r, t in rows)
    elif source.jsonl:
        records = iter_records(source, config.field, config.errors, report)  # type: ignore[arg-type]
        docs = ((t, r) for _, r, t in records)
    else:
        docs = ((t, None) for _, t in iter_documents(source, config.errors, report, config.doc_sep))  # type: ignore[arg-type]
    add = _counter(config, st)
    try:
        for doc, record in docs:
            add(doc, record)
            if count:
                info.bytes += len(doc.encode("utf-8"))
    finally:
        if not count:
            info.bytes = size or 0


def _count_part(item: StatsItem, st: CorpusStats | ByLang, info: ItemInfo) -> None:
    """Count a range or chunk of whole documents; on bad input, the documents that ended
    before it count and the error is raised (the one it cuts is left out)."""
    from newskit.documents import split_documents, split_lf
    from newskit.io import DecodeError, NulError, RawChunk, decode_chunk, parse_record, read_range

    source, config, part = item.source, item.config, item.part
    add = _counter(config, st)
    if isinstance(part, RowGroup):
        from newskit.parquet import iter_records

        info.bytes = part.size
        for _, record, doc in iter_records(part, config.field, _more_columns(config)):
            add(doc, record)
        return
    error: InputError | None = None
    if isinstance(part, ByteRange):
        info.bytes = part.end - part.start
        try:
            raw = read_range(part.path, part.start, part.end, source.name)
        except NulError as exc:  # the lines before it, then the error
            raw, error = RawChunk(exc.good, 1, part.start), exc
        info.newlines = raw.data.count(b"\n")
    else:
        assert part is not None
        raw = part
    try:
        text, info.replacements = decode_chunk(raw, source.name, config.errors)  # type: ignore[arg-type]
    except DecodeError as exc:
        text, error = exc.good, exc

    if source.jsonl:
        for n, line in enumerate(split_lf(text), raw.first_line):
            if line.strip():
                record, doc = parse_record(line, source.name, n, config.field)
                add(doc, record)
    else:
        for _, _, doc, closed in split_documents(text, config.doc_sep, raw.first_line):
            if closed or error is None:  # (a document the error cuts is left out)
                add(doc, None)
    if error is not None:
        raise error


def _more_columns(config: StatsConfig) -> tuple[str, ...]:
    """The Parquet columns read besides the text: the language label, if one is named."""
    return (config.langs.field,) if config.langs.field else ()


def stats_items(
    sources: list[Source], config: StatsConfig, jobs: int, tuning: Tuning
) -> Iterator[Iterator[StatsItem]]:
    """The items of each input (see the module docstring).

    A file is cut into ranges only when it is larger than a quarter of a worker's share of
    all the files (and than a chunk): ranges of one input are counted by several workers,
    whose parts of it must then be merged (here) for its row, so a corpus of many mid-size
    files keeps them whole (bench rows ``stats --jobs 2, the news copied``: 12 files of 0.5
    to 3.4 MB), while one big file (or a few) is shared out.
    """
    from newskit.io import BLOCK_SIZE

    total = sum(s.file_size or 0 for s in sources if not s.streamed)
    split_from = max(tuning.chunk_bytes or BLOCK_SIZE, total // (4 * max(1, jobs)))
    for source in sources:
        yield _items_of(source, config, jobs, tuning, split_from)


def _items_of(
    source: Source,
    config: StatsConfig,
    jobs: int,
    tuning: Tuning,
    split_from: int | None = None,
) -> Iterator[StatsItem]:
    from newskit.io import BLOCK_SIZE, iter_document_chunks, iter_document_ranges

    chunk = tuning.chunk_bytes or BLOCK_SIZE
    if split_from is None:
        split_from = chunk
    if source.parquet and jobs > 1:
        from newskit.parquet import row_groups

        assert source.path is not None
        groups = row_groups(source.path)  # (an unreadable file: one item, which says why)
        for group in groups if len(groups) > 1 else ():
            yield StatsItem(source, config, group, group.index == 0)
        if len(groups) > 1:
            return
    sep = "\n" if source.jsonl else config.doc_sep
    if jobs <= 1 or sep is None or source.parquet:
        yield StatsItem(source, config)
        return
    if source.ranged and (source.file_size or 0) > split_from:
        assert source.path is not None
        for start, end in iter_document_ranges(source.path, sep, chunk):
            yield StatsItem(source, config, ByteRange(source.path, start, end), start == 0)
    elif source.streamed and not source.jsonl:
        # Bytes read here cannot be read again (see map_reduce's ``rerun``): a chunk that
        # will stop its input (invalid UTF-8) is its last. (JSON Lines read here stays one
        # item: finding a bad record first would be parsing it here.)
        first = True
        for raw in iter_document_chunks(source, sep, None, chunk):
            yield StatsItem(source, config, raw, first)
            first = False
            if config.errors == "strict" and not _valid_utf8(raw.data):
                return
    else:
        yield StatsItem(source, config)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _rerun(item: StatsItem) -> bool:
    """Whether an item can be counted again: it names its bytes (a file range, a row group,
    a whole file), rather than holding bytes read here."""
    return item.part is None or isinstance(item.part, ByteRange | RowGroup)


class StatsReduction:
    """:class:`newskit.parallel.Reduction` of :class:`~newskit.stats.CorpusStats`: an
    input's result is its summary row (``by="file"``), its statistics (``dir``, ``lang``:
    grouped here) or nothing (``total``); statistics no row reads go straight to the total."""

    def __init__(self, by: str) -> None:
        self.by = by

    def zero(self) -> CorpusStats:
        return CorpusStats()

    def new(self, total: CorpusStats | None) -> CorpusStats:
        return CorpusStats() if total is None else sharing_total_only(total)

    def commit(self, total: CorpusStats, state: CorpusStats, shared: bool) -> CorpusStats:
        return move_total_only(None if shared else total, state)

    def merge(self, into: CorpusStats, other: CorpusStats) -> CorpusStats:
        into += other
        return into

    def finish(self, group: int, part: CorpusStats) -> Any:
        if self.by == "file":
            return part.summary()
        return None if self.by == "total" else part


class ByLang:
    """Statistics of documents by their language: the state of ``--by lang``, where one
    input may add to several rows (a JSON Lines file of CulturaX records in four languages).

    ``rest`` holds what belongs to no language: the files counted, and, in a running total,
    the :data:`~newskit.stats.TOTAL_ONLY` statistics that the languages' statistics made
    for it share (``shared``), as :class:`StatsReduction` shares them for one language.
    """

    def __init__(self, shared: CorpusStats | None = None) -> None:
        self.langs: dict[str, CorpusStats] = {}
        self.rest = CorpusStats()
        self._shared = shared

    @property
    def files(self) -> int:
        return self.rest.files

    @files.setter
    def files(self, value: int) -> None:
        self.rest.files = value

    def of(self, lang: str) -> CorpusStats:
        """The statistics of *lang*'s documents (new, and empty, the first time)."""
        st = self.langs.get(lang)
        if st is None:
            shared = self._shared
            st = CorpusStats() if shared is None else sharing_total_only(shared)
            self.langs[lang] = st
        return st

    def unshare(self) -> None:
        """Stop sharing with the total: languages added later get counters of their own,
        and pickling this (a result for the parent) does not take the total along."""
        self._shared = None

    def __iadd__(self, other: ByLang) -> ByLang:
        self.rest += other.rest
        for lang, theirs in other.langs.items():
            mine = self.langs.get(lang)
            if mine is None:
                self.langs[lang] = theirs.copy()  # (other is left alone)
            else:
                mine += theirs
        return self

    def combined(self) -> CorpusStats:
        """Every language's statistics and the rest merged: the corpus total."""
        total = self.rest.copy()
        for lang in sorted(self.langs):
            total += self.langs[lang]
        return total


class LangReduction:
    """:class:`newskit.parallel.Reduction` of :class:`ByLang` (``--by lang``): an input's
    result is its statistics per language; as in :class:`StatsReduction`, statistics no
    row reads go straight to the total's ``rest``."""

    def zero(self) -> ByLang:
        return ByLang()

    def new(self, total: ByLang | None) -> ByLang:
        return ByLang() if total is None else ByLang(shared=total.rest)

    def commit(self, total: ByLang, state: ByLang, shared: bool) -> ByLang:
        for st in state.langs.values():
            move_total_only(None if shared else total.rest, st)
        state.unshare()  # (an input's result must not carry the total to the parent)
        return state

    def merge(self, into: ByLang, other: ByLang) -> ByLang:
        into += other
        return into

    def finish(self, group: int, part: ByLang) -> ByLang:
        return part


def _warm(config: StatsConfig) -> None:
    """Imports, compiled patterns, word lists and the detector, before workers are forked
    (they inherit them)."""
    from newskit.stats import document_stats, stopwords

    lang = config.langs.lang
    document_stats(
        "क ख। “ग” ক খ।", lang=lang, normalization=config.normalization, quotes=config.quotes
    )
    stopwords(lang)


@dataclass
class InputResult:
    """One input's outcome: its row (or statistics) and what to report about it."""

    name: str
    result: Any
    bytes: int = 0
    replacements: int = 0
    error: str | None = None
    warning: str | None = None


def iter_stats(
    sources: list[Source],
    config: StatsConfig,
    *,
    by: str = "file",
    jobs: int = 1,
    tuning: Tuning | None = None,
    dask: Any = None,
    groups: Iterable[Iterable[StatsItem]] | None = None,
    reduction: Any = None,
) -> tuple[Iterator[InputResult], Any]:
    """``(results per input in order, reduced)``: once the results are consumed,
    ``reduced.total`` is the corpus total (a :class:`~newskit.stats.CorpusStats`; with
    ``by="lang"`` a :class:`ByLang`, whose :meth:`~ByLang.combined` is the total).

    ``dask``: a :class:`newskit.parallel.DaskEngine` to run on instead of local workers.
    ``groups``: the items of each input when the caller chose them (a shard's), instead of
    :func:`stats_items`; ``reduction``: another reduction than ``by``'s.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    tuning = tuning or stats_tuning()
    if reduction is None:
        reduction = LangReduction() if by == "lang" else StatsReduction(by)
    if dask is not None:
        if groups is None:
            # Tasks of a quarter of a worker's share (at least a chunk): every task is a
            # state to move and merge on the cluster, and a Dask worker starts cold (its
            # caches are its own), so fewer, larger tasks pay (bench ``stats --dask``).
            total = sum(s.file_size or 0 for s in sources if not s.streamed)
            share = total // (4 * max(1, dask.workers))
            big = dataclasses.replace(tuning, chunk_bytes=max(tuning.chunk_bytes or 0, share))
            groups = stats_items(sources, config, dask.workers, big if share else tuning)
        reduced = dask.map_reduce(stats_item, groups, reduction)
    else:
        sizes = [None if s.streamed else s.file_size for s in sources]
        reduced = map_reduce(
            stats_item,
            groups if groups is not None else stats_items(sources, config, jobs, tuning),
            reduction,  # type: ignore[arg-type]
            jobs=jobs,
            size=lambda item: item.size,
            warm=lambda: _warm(config),
            in_process=tuning.in_process(sizes),
            tuning=tuning,
            rerun=_rerun,
        )

    def results() -> Iterator[InputResult]:
        for g, infos, result in reduced:
            yield _input_result(sources[g], infos, result)

    return results(), reduced


def _input_result(source: Source, infos: list[Any], result: Any) -> InputResult:
    out = InputResult(source.name, result)
    lines = 0  # lines of the byte ranges before (their errors count lines from their start)
    for info in infos:
        if isinstance(info, Failed):  # reading the input here failed
            kind, message = failure_message(source.name, info.exc)
            if kind == "warn":
                out.warning = message
            else:
                out.error = message
            continue
        out.bytes += info.bytes
        out.replacements += info.replacements
        if info.warning:
            out.warning = info.warning
        if info.error is not None:
            error = info.error
            if not isinstance(error, str):
                if error.line is not None:
                    error.line += lines
                error = str(error)
            out.error = error
        lines += info.newlines
    return out


class StatsCollector:
    """Rows grouped ``by`` one key: ``file`` keeps each input's summary row (a flat dict, so
    memory does not grow with the number of files); ``dir`` and ``lang`` merge each group's
    statistics (few groups). A ``lang`` row's ``files`` are the inputs with documents in
    that language (a file of two languages counts in both rows, once in the total)."""

    def __init__(self, by: str = "file") -> None:
        self.by = by
        self._file_rows: list[tuple[str, dict[str, Any]]] = []
        self._groups: dict[str, CorpusStats] = {}

    def add(self, name: str, result: Any) -> None:
        """Add one input's result (see :class:`StatsReduction`)."""
        if self.by == "file":
            self._file_rows.append((name, result))
        elif self.by == "lang":
            for lang, st in result.langs.items():
                st.files = 1
                self._merge(lang, st)
        elif self.by != "total":
            self._merge(os.path.dirname(name) or ".", result)

    def _merge(self, key: str, st: CorpusStats) -> None:
        if key in self._groups:
            self._groups[key] += st
        else:
            self._groups[key] = st

    def groups(self) -> dict[str, CorpusStats]:
        """The statistics of each group (``dir``, ``lang``), by key."""
        return dict(sorted(self._groups.items()))

    def rows(self, total: CorpusStats) -> list[tuple[str, str, dict[str, Any]]]:
        """``(level, name, summary)`` rows in input order (groups sorted), then the total."""
        out: list[tuple[str, str, dict[str, Any]]] = [
            ("file", name, row) for name, row in self._file_rows
        ]
        out += [(self.by, key, self._groups[key].summary()) for key in sorted(self._groups)]
        out.append(("total", "*", total.summary()))
        return out


def run_stats(
    inputs: Inputs,
    config: StatsConfig,
    *,
    fmt: str,
    sections: set[str],
    by: str = "file",
    top: int = 20,
    keep_stopwords: bool = False,
    jobs: int = 1,
    progress: bool = False,
    tuning: Tuning | None = None,
    dask: Any = None,
    shard: tuple[int, int] | None = None,
    save_state: Path | None = None,
) -> int:
    """Compute and print the statistics of ``inputs`` (``fmt``: table, json, tsv or csv);
    return the exit status (1 if an input had bad data, reported on stderr).

    ``dask``: run on a Dask cluster (a :class:`newskit.parallel.DaskEngine`). ``shard``:
    ``(K, N)``, only the K-th of N contiguous shares of the items; ``save_state``: write the
    mergeable state of this run there instead of printing a report (see
    :mod:`newskit.pipeline.shards` and :func:`run_merge`).
    """
    diag = inputs.diag
    sources = inputs.sources()
    warn_if_guessing(diag, config.langs)
    if shard is not None or save_state is not None:
        from newskit.pipeline.shards import run_shard

        return run_shard(
            inputs,
            sources,
            config,
            by=by,
            jobs=jobs,
            tuning=tuning or stats_tuning(),
            dask=dask,
            shard=shard or (1, 1),
            save_state=save_state,
        )
    total_bytes = sum(s.file_size or 0 for s in sources)
    collector = StatsCollector(by)
    results, reduced = iter_stats(sources, config, by=by, jobs=jobs, tuning=tuning, dask=dask)
    from newskit import render

    with render.progress(len(sources), total_bytes, enabled=progress) as advance:
        for r in results:
            if r.warning:
                diag.warn(r.warning)
            if r.error:
                diag.error(r.error)
            inputs.report_replacements(r.name, r.replacements)
            collector.add(r.name, r.result)
            advance(r.bytes)
    total: CorpusStats = reduced.total.combined() if by == "lang" else reduced.total
    print_report(
        collector, total, diag, fmt=fmt, sections=sections, top=top, keep_stopwords=keep_stopwords
    )
    return diag.status


def print_report(
    collector: StatsCollector,
    total: CorpusStats,
    diag: Any,
    *,
    fmt: str,
    sections: set[str],
    top: int,
    keep_stopwords: bool,
) -> None:
    """Print the rows and the report (one run's, or merged shards')."""
    from newskit import formats, render
    from newskit.stats import SECTIONS as REPORT_SECTIONS

    rows = collector.rows(total)
    report = total.report(top=top, keep_stopwords=keep_stopwords)
    if collector.by == "lang":  # each language's own top words, without its own stopwords
        for lang, st in collector.groups().items():
            report["lexicon"][f"top_words_{lang}"] = st.top_words(top, keep_stopwords)
    report = {k: v for k, v in report.items() if k in sections and k in REPORT_SECTIONS}
    _report_mismatches(diag, total)
    if fmt == "table":
        render.render_stats_table(rows, report, show=[s for s in SECTIONS if s in sections])
        return
    if fmt == "json":
        text = formats.to_json(rows, report)
    else:
        text = formats.delimited(rows, "\t" if fmt == "tsv" else ",")
    out = stdout_bytes()
    out.write(text.encode("utf-8"))
    out.flush()


def _report_mismatches(diag: Any, total: CorpusStats) -> None:
    """Warn (exit 0) about documents whose letters are not in their language's script: a
    ``--lang`` or ``--lang-field`` that does not fit the text, or a document whose head is in
    another script than the rest of it."""
    found = total.lang_script_mismatches
    if found:
        n = sum(found.values())
        what = ", ".join(f"{k}: {v}" for k, v in sorted(found.items(), key=lambda kv: -kv[1]))
        plural = "s are" if n != 1 else " is"
        diag.warn(f"stats: {n} document{plural} not in the script of their language ({what})")


def corpus_stats(
    paths_or_texts: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    jobs: int = 1,
    doc_sep: str | None = None,
    normalization: bool = True,
    quotes: bool = True,
    lang: str | None = None,
) -> CorpusStats:
    """Statistics for a corpus given as texts and/or paths.

    Items that are ``str`` are *texts* (one document each, or several with ``doc_sep``);
    items that are :class:`os.PathLike` (e.g. :class:`pathlib.Path`) are *files or
    directories* (directories are searched for ``*.txt`` and ``*.txt.gz``; ``*.jsonl`` files
    are read as JSON Lines, field ``text``). Wrap a file name in ``Path(...)``: a plain
    ``str`` is never opened. A single text or path may be passed without a list. ``jobs > 1``
    analyses files in worker processes; the result is identical. ``lang`` is the language of
    every document (None: detected per document). Raises ``ValueError`` on an input error
    (bad UTF-8, bad JSON).
    """
    from newskit.io import iter_sources
    from newskit.stats import text_stats

    if isinstance(paths_or_texts, (str, os.PathLike)):
        paths_or_texts = [paths_or_texts]
    total = CorpusStats()
    paths: list[str] = []
    for item in paths_or_texts:
        if isinstance(item, str):
            total += text_stats(
                item, doc_sep=doc_sep, normalization=normalization, quotes=quotes, lang=lang
            )
        else:
            paths.append(os.fspath(item))
    if paths:
        config = StatsConfig(
            doc_sep, normalization=normalization, quotes=quotes, langs=LangOptions(lang)
        )
        results, reduced = iter_stats(list(iter_sources(paths)), config, by="total", jobs=jobs)
        for r in results:
            if r.error:
                raise ValueError(r.error)
        total += reduced.total
    return total
