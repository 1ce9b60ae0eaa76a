"""The ``newskit`` command line: option parsing, inputs, outputs and exit codes.

Only this module talks to the terminal (diagnostics) and only ``render.py``
imports Rich. Library modules are imported inside the commands so that
``newskit --help`` starts without loading them.

Exit codes: 0 success; 1 findings (``--check``) or data errors (bad UTF-8,
bad JSON); 2 usage errors (Click's own convention).

Shared pieces for every command (reuse them when adding one):

- ``@input_options`` adds ``PATHS...``, ``--glob``, ``--jsonl``, ``--field`` and
  ``--errors`` and passes one :class:`Inputs` object as ``inputs``;
- ``@jobs_option`` adds ``--jobs N``;
- :class:`Diagnostics` prints ``path:line: message`` on stderr and keeps the
  exit status; :meth:`Inputs.sources` lists the inputs and
  :meth:`Inputs.report_decoding` reports replaced bytes;
- :func:`stdout_bytes` is the UTF-8 binary stdout whatever the locale.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import itertools
import operator
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeVar

import click

from newskit import __version__

if TYPE_CHECKING:
    from newskit.io import DecodeError, DecodeReport, InputError, RawChunk, Source
    from newskit.normalization import NormalizeOptions

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ---------------------------------------------------------------------------
# Diagnostics and shared plumbing
# ---------------------------------------------------------------------------
@dataclass
class Diagnostics:
    """Collects the exit status while printing diagnostics on stderr."""

    status: int = 0
    quiet: bool = False

    def error(self, message: str) -> None:
        """A data error: printed, and the command will exit 1."""
        self.status = max(self.status, 1)
        click.echo(message, err=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"warning: {message}", err=True)

    def finding(self, message: str) -> None:
        """A ``--check`` finding: printed, exit 1."""
        self.status = max(self.status, 1)
        click.echo(message, err=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message, err=True)


@dataclass
class RecordedDiagnostics(Diagnostics):
    """Diagnostics kept, not printed: a worker's, which the parent prints in input order."""

    messages: list[tuple[str, str]] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.messages.append(("error", message))

    def warn(self, message: str) -> None:
        self.messages.append(("warn", message))

    def finding(self, message: str) -> None:
        self.messages.append(("finding", message))

    def info(self, message: str) -> None:
        self.messages.append(("info", message))


def replay(messages: list[tuple[str, str]], diag: Diagnostics) -> None:
    """Print recorded messages through ``diag`` (which then keeps the exit status)."""
    for kind, message in messages:
        getattr(diag, kind)(message)


@dataclass
class Inputs:
    """The parsed input options of a command (see :func:`input_options`)."""

    paths: tuple[str, ...]
    globs: tuple[str, ...]
    jsonl: bool | None
    field: str
    errors: str
    diag: Diagnostics = field(default_factory=Diagnostics)

    def sources(self) -> list[Source]:
        """The inputs, expanded; a missing path is a usage error (exit 2)."""
        from newskit.io import iter_sources

        try:
            found = list(iter_sources(self.paths, self.globs or None, self.jsonl))
        except FileNotFoundError as exc:
            raise click.BadParameter(
                f"no such file or directory: {exc.args[0]}", param_hint="PATHS"
            ) from None
        if any(s.is_stdin for s in found) and sys.stdin.isatty():
            # A bare `newskit normalize` in a terminal would otherwise seem to hang.
            self.diag.info("newskit: reading standard input (end with Ctrl-D; see --help)")
        if self.paths and not found:
            pattern = ", ".join(self.globs or ("*.txt", "*.txt.gz"))
            self.diag.warn(f"no input files matching {pattern} under {', '.join(self.paths)}")
        return found

    def report_decoding(self, source: Source, report: DecodeReport) -> None:
        self.report_replacements(source.name, report.replacements)

    def report_replacements(self, name: str, replacements: int) -> None:
        """Warn that ``--errors replace`` replaced bytes of input *name*, if it did."""
        if replacements:
            self.diag.warn(
                f"{name}: replaced {replacements} invalid UTF-8 "
                f"byte sequence{'s' if replacements != 1 else ''} with U+FFFD"
            )


def input_options(f: F) -> F:
    """Add the shared input options; the command receives ``inputs: Inputs``."""

    @click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, path_type=str))
    @click.option(
        "--glob",
        "globs",
        multiple=True,
        metavar="PATTERN",
        help="File pattern when a PATH is a directory (repeatable). [default: *.txt, *.txt.gz]",
    )
    @click.option(
        "--jsonl/--no-jsonl",
        "jsonl",
        default=None,
        help="Read JSON Lines (one record per line). [default: by file name, *.jsonl]",
    )
    @click.option(
        "--field",
        default="text",
        show_default=True,
        metavar="NAME",
        help="JSON Lines field holding the text (normalize writes other fields back as they were).",
    )
    @click.option(
        "--errors",
        type=click.Choice(["strict", "replace"]),
        default="strict",
        show_default=True,
        help="Invalid UTF-8: stop that input with path:line, or replace with U+FFFD.",
    )
    @functools.wraps(f)
    def wrapper(
        *args: Any,
        paths: tuple[str, ...],
        globs: tuple[str, ...],
        jsonl: bool | None,
        field: str,
        errors: str,
        **kwargs: Any,
    ) -> Any:
        return f(*args, inputs=Inputs(paths, globs, jsonl, field, errors), **kwargs)

    return wrapper  # type: ignore[return-value]


def jobs_option(default: int | None = 1, help_more: str = "") -> Callable[[F], F]:
    """``--jobs N``: worker processes; 0 means one per CPU."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=default,
        show_default=True,
        help="Worker processes (0: one per CPU). Output order is kept." + help_more,
    )


# (see WORKERS_FROM_BYTES and in_process_chunks)
_CHUNK_JOBS_HELP = (
    " Workers start when the inputs add up to 8 MiB or more; less runs in the main process."
)


def resolve_jobs(jobs: int | None) -> int:
    if not jobs:
        return os.cpu_count() or 1
    return jobs


def stdout_bytes() -> BinaryIO:
    """Binary stdout: data is written as UTF-8 whatever the locale says."""
    return sys.stdout.buffer


def _worker_init() -> None:
    """Make a worker die with its parent.

    The parent may end abruptly (SIGPIPE from ``| head``, a kill); forked
    siblings keep the task queue's pipe open, so a worker would otherwise wait
    forever. Linux only (prctl PR_SET_PDEATHSIG); elsewhere a no-op.
    """
    import ctypes
    import signal

    # a worker writing output (normalize) learns of a closed pipe as an error
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _keep_freed_memory() -> None:
    """Ask glibc to keep big freed blocks for reuse instead of giving them back at once.

    Why: a chunk's bytes, decoded text and output are blocks of megabytes, which glibc
    serves with ``mmap`` and unmaps when they are freed, so each chunk faulted its pages in
    afresh: 60,000 page faults per 100 MB with two workers, a quarter of their system time
    (measured: about 8% off ``normalize --jobs 2``). Set before forking, the workers inherit
    it; memory stays bounded by the chunks in flight. Elsewhere than glibc, a no-op.
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks under 32 MiB come from the heap
    mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD: free heap top returned beyond 256 MiB only


#: Chunks of an input of unknown size (stdin, gzip) that :func:`ordered_map` runs in-process
#: before starting workers.
IN_PROCESS_CHUNKS = 2
#: Inputs adding up to less than this are done in-process: starting workers (30-60 ms)
#: costs more than they would save on less (normalize takes about 10 ms per MiB, tokenize 25).
WORKERS_FROM_BYTES = 8 << 20
_NO_ITEM = object()


def _rest(it: Iterator[Any]) -> Iterator[Any] | None:
    """What is left of *it*, or None if nothing is (one item is looked at)."""
    more = next(it, _NO_ITEM)
    return None if more is _NO_ITEM else itertools.chain([more], it)


def in_process_chunks(*sources: Source) -> int:
    """How many leading chunks of *sources* (the inputs that share one set of workers) to
    process in this process before workers start: all of them when they are files adding up
    to less than :data:`WORKERS_FROM_BYTES`, none when they are more (their sizes are known:
    no chunk need wait), :data:`IN_PROCESS_CHUNKS` when a size is unknown (stdin, gzip, a
    named pipe)."""
    total = 0
    for source in sources:
        if source.streamed:  # (or a path that cannot be looked at: reading it will say why)
            return IN_PROCESS_CHUNKS
        total += source.file_size or 0
    return sys.maxsize if total < WORKERS_FROM_BYTES else 0


@contextlib.contextmanager
def _worker_pool(jobs: int, warm: Callable[[], object] | None) -> Iterator[Any]:
    """A pool of ``jobs`` forked worker processes (where ``fork`` exists) that die with
    this one and inherit what ``warm`` compiles and loads."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    if warm is not None:
        warm()  # before forking, so every worker inherits compiled patterns and tables
    _keep_freed_memory()
    gc.freeze()  # the collector then leaves inherited objects alone: fewer copied pages
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init) as pool:
            yield pool
    finally:
        gc.unfreeze()  # (the workers are gone by now)


def ordered_map(
    fn: Callable[[Any], Any],
    items: Iterator[Any],
    jobs: int,
    warm: Callable[[], object] | None = None,
    depth: int = 3,
    in_process: int = IN_PROCESS_CHUNKS,
) -> Iterator[Any]:
    """``map`` over worker processes, in order, with a bounded queue (flat memory):
    at most ``depth`` tasks per worker are in flight, their results held.

    The first ``in_process`` items run in this process, and workers start only
    if more come. Why: starting them (fork, warm-up, compiling patterns) costs 30-60 ms, more
    than a small input takes (a directory of small files with ``--jobs 2`` once took 20-45
    times as long as with ``--jobs 1``). Results come as soon as each item is done, so a slow
    pipe on stdin is not held up either.
    """
    if jobs <= 1:
        yield from map(fn, items)
        return
    it = iter(items)
    yield from map(fn, itertools.islice(it, in_process))
    rest = _rest(it)
    if rest is None:
        return
    with _worker_pool(jobs, warm) as pool:
        pending: collections.deque[Any] = collections.deque()
        while True:
            try:
                item = next(rest)
            except StopIteration:
                break
            except Exception:
                # the input failed (a NUL byte, a read error): what came before it first
                while pending:
                    yield pending.popleft().result()
                raise
            pending.append(pool.submit(fn, item))
            if len(pending) >= jobs * depth:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _Failed:
    """An input's failure (the exception), in the stream of results of :func:`ordered_write`
    at the place where the input failed."""

    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __reduce__(self) -> tuple[object, ...]:
        return (_Failed, (self.exc,))


# Set in the parent just before the workers are forked (they inherit it) by ordered_write:
# (function, condition, number of the task whose turn it is or -1 once all stopped, last
# input stopped, output file descriptor).
_write_turn: tuple[Callable[[Any], Any], Any, Any, Any, int] | None = None


def _write_bytes(fd: int, data: bytes) -> bool:
    """Write all of *data* to *fd*; False if the reader went away."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        return False
    return True


def _reader_gone() -> None:
    """End as a write to a closed pipe would (quietly, see :func:`main`)."""
    import signal

    os.kill(os.getpid(), signal.SIGPIPE)
    raise BrokenPipeError(32, "Broken pipe")  # (if SIGPIPE is ignored)


def _run_items(
    fn: Callable[[Any], tuple[bytes, Any, bool]], items: list[tuple[int, Any]], last_stop: int
) -> tuple[list[tuple[int, bytes | None, Any]], int]:
    """In a worker: run ``fn`` over a task's ``[(input, item), ...]``; return
    ``([(input, bytes to write, result), ...], number of the last input stopped)``.

    An item of an input already stopped (``last_stop``: by earlier tasks as far as known,
    then by this one: an error after its good lines, or an exception, whose result is a
    :class:`_Failed`) is neither run nor returned, and the next input's items go on.
    """
    done: list[tuple[int, bytes | None, Any]] = []
    for group, item in items:
        if group <= last_stop:
            continue
        try:
            data, result, stop = fn(item)
        except Exception as exc:  # this input fails here (the parent reports it)
            data, result, stop = None, _Failed(exc), True
        done.append((group, data, result))
        if stop:
            last_stop = group
    return done, last_stop


def _write_done(
    fd: int, done: list[tuple[int, bytes | None, Any]], stopped: int
) -> tuple[list[tuple[int, Any]], bool]:
    """In a worker whose turn it is: write what :func:`_run_items` made to ``fd``, except
    for inputs that earlier tasks stopped (``stopped``: exact now, all of them are written),
    and return ``([(input, result), ...], output_ok)``."""
    kept = [d for d in done if d[0] > stopped]
    ok = _write_bytes(fd, b"".join([data for _, data, _ in kept if data]))
    return [(group, result) for group, _, result in kept], ok


def _run_and_write(task: tuple[int, list[tuple[int, Any]]]) -> tuple[list[tuple[int, Any]], bool]:
    """In an executor's worker: run task ``(number, [(input, item), ...])``, then write its
    output when its turn comes (see :func:`_executor_turns`).

    A closed output stops every turn, and an interrupt too, so that no worker is left
    waiting for a turn that will never come.
    """
    assert _write_turn is not None
    fn, cond, turn, stopped, fd = _write_turn
    seq, items = task
    try:
        done, last_stop = _run_items(fn, items, stopped.value)
    except BaseException:
        with cond:
            turn.value = -1
            cond.notify_all()
        raise
    pairs: list[tuple[int, Any]] = []
    ok = True
    with cond:
        while turn.value not in (seq, -1):
            cond.wait()
        if turn.value == seq:
            pairs, ok = _write_done(fd, done, stopped.value)
            stopped.value = max(stopped.value, last_stop)
            turn.value = seq + 1 if ok else -1
        cond.notify_all()
    return pairs, ok


class _StopMark:
    """The number of the last input stopped (-1: none) for :func:`ordered_write`: a plain
    number until workers start (so that a small input never imports ``multiprocessing``,
    some 30 ms), then a number in memory shared with them."""

    def __init__(self) -> None:
        self.shared: Any = None
        self._value = -1

    def share(self, ctx: Any) -> None:
        self.shared = ctx.Value("q", self._value, lock=False)

    @property
    def value(self) -> int:
        return self._value if self.shared is None else int(self.shared.value)

    @value.setter
    def value(self, value: int) -> None:
        if self.shared is None:
            self._value = value
        else:
            self.shared.value = value


def _grouped_items(groups: Iterable[Iterable[Any]], stopped: Any) -> Iterator[tuple[int, Any]]:
    """``(input number, item)`` for the items of each input in turn, while the input is not
    stopped; an input whose items fail (a read error) gives ``(number, _Failed(exc))``."""
    for g, items in enumerate(groups):
        it = iter(items)
        while stopped.value < g:
            try:
                item = next(it)
            except StopIteration:
                break
            except Exception as exc:
                yield g, _Failed(exc)
                break
            yield g, item


def chunk_bytes(task: tuple[Any, ...]) -> int:
    """The input bytes of a chunk task of the text commands: its first item is a raw chunk
    or the ``(path, start, end)`` range a worker reads itself."""
    chunk = task[0]
    return chunk[2] - chunk[1] if isinstance(chunk, tuple) else len(chunk.data)


def ordered_write(
    fn: Callable[[Any], tuple[bytes, Any, bool]],
    groups: Iterable[Iterable[Any]],
    jobs: int,
    fd: int,
    warm: Callable[[], object] | None = None,
    in_process: int = IN_PROCESS_CHUNKS,
    size: Callable[[Any], int] = chunk_bytes,
    depth: int = 16,
    slow_input: bool = False,
) -> Iterator[tuple[int, Any]]:
    """Run ``fn`` over the items of several inputs (``groups``: the items of each input) in
    worker processes that write its output to ``fd`` themselves, in order, and yield
    ``(input number, result)`` for each item done, in order.

    ``fn(item)`` returns ``(bytes to write, result, stop)``. A ``stop`` (the error after an
    input's good lines) or an exception ends that input: its later items are neither run nor
    written, and the next input goes on. An exception, raised by ``fn`` or by the input's
    iterator, comes as the result ``_Failed(exc)`` (see :func:`by_input`, which raises it in
    its place).

    Why one stream for all the inputs: workers started per input left a directory of
    mid-size files (a few MiB each) no faster with ``--jobs 2`` than with one process, as
    each input's last chunks ran alone and the next input waited for them. Small items (of
    under :data:`BATCH_BYTES` by ``size``: small files) go to the workers in batches, as a
    task per file of a few KB cost more in hand-over than the file's work. Why the workers
    write: the output never crosses the process boundary (pickling it back to the parent,
    which then wrote it, cost the parent up to a third of a worker's time). A worker whose
    task is not next waits for its turn (2-3% of its time with two workers on 100 MB). The
    first ``in_process`` items run here, as in :func:`ordered_map`. The workers are
    :func:`_forked_turns`, or :func:`_executor_turns` when an input is ``slow_input``: one
    that this process reads at a pace it does not set (stdin) or decompresses (``.gz``).
    Needs ``fork``; a closed output ends the command as a write to a closed pipe would.
    """
    stopped = _StopMark()
    items = _grouped_items(groups, stopped)
    for group, item in itertools.islice(items, in_process):
        if isinstance(item, _Failed):
            yield group, item
            continue
        try:
            data, result, stop = fn(item)
        except Exception as exc:
            data, result, stop = b"", _Failed(exc), True
        if not _write_bytes(fd, data):
            _reader_gone()
        if stop:
            stopped.value = group
        yield group, result
    rest = _rest(items)
    if rest is None:
        return

    # (an input's failure counts as a whole batch: it stays alone, in its place)
    def item_size(pair: tuple[int, Any]) -> int:
        return BATCH_BYTES if isinstance(pair[1], _Failed) else size(pair[1])

    batches = size_batches(rest, item_size, BATCH_BYTES)
    turns = _executor_turns if slow_input else _forked_turns
    yield from turns(fn, batches, jobs, fd, warm, depth, stopped)


def _executor_turns(
    fn: Callable[[Any], tuple[bytes, Any, bool]],
    batches: Iterator[list[tuple[int, Any]]],
    jobs: int,
    fd: int,
    warm: Callable[[], object] | None,
    depth: int,
    stopped: _StopMark,
) -> Iterator[tuple[int, Any]]:
    """:func:`ordered_write`'s workers for a slow input (stdin, ``.gz``): a process pool
    whose workers pass the turn to write among themselves, through a condition they share.

    Why not :func:`_forked_turns` here: there this process passes the turn, and while it
    waits for the next chunk of a slow pipe, or decompresses one, chunks already done wait
    too (``normalize --jobs 2`` on 100 MB gzipped: 0.96-1.02 s against 0.71-0.78 s here).
    """
    global _write_turn
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    cond, turn = ctx.Condition(), ctx.Value("q", 0, lock=False)
    stopped.share(ctx)
    _write_turn = (fn, cond, turn, stopped.shared, fd)
    try:
        with _worker_pool(jobs, warm) as pool:
            # Results are small here (the output is written), so many tasks can be in
            # flight: workers then never wait for the parent to hand them the next one
            # (measured on 400 MB: best of three 2.15 s against 2.52 s with three a worker).
            pending: collections.deque[Any] = collections.deque()
            seq = itertools.count()
            for batch in batches:
                if isinstance(batch[0][1], _Failed):  # after what came before it
                    pending.append(batch[0])
                else:
                    pending.append(pool.submit(_run_and_write, (next(seq), batch)))
                while len(pending) >= jobs * depth:
                    yield from _written(pending.popleft())
            while pending:
                yield from _written(pending.popleft())
    except BaseException:
        with cond:  # no worker may wait for a turn that will not come
            turn.value = -1
            cond.notify_all()
        raise
    finally:
        _write_turn = None


def _forked_turns(
    fn: Callable[[Any], tuple[bytes, Any, bool]],
    batches: Iterator[list[tuple[int, Any]]],
    jobs: int,
    fd: int,
    warm: Callable[[], object] | None,
    depth: int,
    stopped: _StopMark,
) -> Iterator[tuple[int, Any]]:
    """:func:`ordered_write`'s workers for files: ``jobs`` forked processes, each with a
    pipe for its tasks and one for its messages, and this process passing the turn to write.

    A worker runs a task, says it is ready, waits for its turn (a message on its task pipe
    carrying the exact number of the last input stopped), writes, and says it is done with
    the results. Why not :func:`_executor_turns`: importing ``multiprocessing`` and
    ``concurrent.futures`` took 19 ms before any worker started, and the executor's threads
    about 0.4 ms of this process's time per task (38 ms on 100 MB, taken from the two
    workers' CPUs): together a tenth of ``normalize --jobs 2`` on 100 MB. This process
    never blocks on a worker: its writes to the task pipes wait in buffers until the pipe
    has room, and one ``select`` watches every pipe (a worker that ends early ends the
    command with an error).
    """
    import gc
    import pickle
    import select

    if warm is not None:
        warm()  # before forking, so every worker inherits compiled patterns and tables
    workers: list[_Worker] = []
    owner: dict[int, _Worker] = {}  # task number -> the worker running it
    ready: set[int] = set()  # tasks run, waiting for their turn to write
    results: dict[int, list[tuple[int, Any]]] = {}  # tasks done, not yet yielded
    inline: set[int] = set()  # "tasks" that are an input's failure: nothing to run or write
    turn = next_task = next_out = 0
    more = True
    try:
        gc.freeze()  # the collector then leaves inherited objects alone: fewer copied pages
        try:
            for _ in range(jobs):
                workers.append(_Worker.fork(fn, fd, workers))
        finally:
            gc.unfreeze()
        while True:
            while more and len(owner) < jobs * depth:
                batch = next(batches, None)
                if batch is None:
                    more = False
                elif isinstance(batch[0][1], _Failed):  # after what came before it
                    results[next_task] = batch
                    inline.add(next_task)
                    next_task += 1
                else:
                    worker = min(workers, key=lambda w: w.tasks)
                    worker.send((next_task, batch, stopped.value))
                    owner[next_task] = worker
                    next_task += 1
            while turn in inline:
                inline.discard(turn)
                turn += 1
            if turn in ready:
                ready.discard(turn)
                owner[turn].send((turn, None, stopped.value))
            while next_out in results:
                yield from results.pop(next_out)
                next_out += 1
            if not more and next_out == next_task:
                break
            readable, writable, _ = select.select(
                [w.messages for w in workers], [w.tasks_fd for w in workers if w.outbox], []
            )
            for worker in workers:
                if worker.tasks_fd in writable:
                    worker.flush()
                if worker.messages not in readable:
                    continue
                for seq, body in worker.receive(pickle.loads):
                    if body is None:
                        ready.add(seq)
                        continue
                    pairs, ok, last_stop = body
                    if not ok:
                        _reader_gone()
                    results[seq] = pairs
                    stopped.value = max(stopped.value, last_stop)
                    del owner[seq]
                    worker.tasks -= 1
                    turn = seq + 1
    finally:
        for worker in workers:
            worker.close(kill=bool(owner))


class WorkerDied(RuntimeError):
    """A worker process of :func:`_forked_turns` ended before its tasks were done (killed,
    out of memory). Not an ``OSError``: no input is to blame, and the command must stop."""


class _Worker:
    """A worker process of :func:`_forked_turns`, as its parent sees it: the write end of
    its task pipe (with what is waiting to be written to it), the read end of its message
    pipe, and how many of its tasks are not done."""

    def __init__(self, pid: int, tasks_fd: int, messages: int) -> None:
        self.pid = pid
        self.tasks_fd = tasks_fd
        self.messages = messages
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.tasks = 0

    @classmethod
    def fork(
        cls, fn: Callable[[Any], tuple[bytes, Any, bool]], fd: int, siblings: list[_Worker]
    ) -> _Worker:
        task_r, task_w = os.pipe()
        msg_r, msg_w = os.pipe()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns from here
            status = 1
            try:
                os.close(task_w)
                os.close(msg_r)
                for sibling in siblings:
                    os.close(sibling.tasks_fd)
                    os.close(sibling.messages)
                _keep_freed_memory()
                _worker_init()
                _turn_worker(fn, task_r, msg_w, fd)
                status = 0
            finally:
                os._exit(status)
        os.close(task_r)
        os.close(msg_w)
        os.set_blocking(task_w, False)
        return cls(pid, task_w, msg_r)

    def send(self, message: tuple[int, Any, int]) -> None:
        """Queue a task (or, with ``None`` for its items, the turn) and write what fits."""
        import pickle

        if message[1] is not None:
            self.tasks += 1
        body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        self.outbox += len(body).to_bytes(4, "little") + body
        self.flush()

    def flush(self) -> None:
        try:
            n = os.write(self.tasks_fd, self.outbox)
        except BlockingIOError:
            return
        del self.outbox[:n]

    def receive(self, loads: Callable[[bytes], Any]) -> Iterator[Any]:
        """The whole messages that have come, after one read of the pipe."""
        data = os.read(self.messages, 1 << 16)
        if not data:
            raise WorkerDied(f"a worker process (pid {self.pid}) ended unexpectedly")
        self.inbox += data
        while len(self.inbox) >= 4:
            n = int.from_bytes(self.inbox[:4], "little")
            if len(self.inbox) < 4 + n:
                break
            message = loads(bytes(self.inbox[4 : 4 + n]))
            del self.inbox[: 4 + n]
            yield message

    def close(self, kill: bool) -> None:
        """End the worker: at the end of its task pipe it exits; one still running a task
        (the command failed or was interrupted) is killed."""
        import signal

        for fd in (self.tasks_fd, self.messages):
            with contextlib.suppress(OSError):
                os.close(fd)
        if kill:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _read_exactly(fd: int, n: int) -> bytes | None:
    """``n`` bytes from the pipe ``fd``, or None at its end."""
    parts = []
    while n:
        data = os.read(fd, n)
        if not data:
            return None
        parts.append(data)
        n -= len(data)
    return b"".join(parts)


def _turn_worker(
    fn: Callable[[Any], tuple[bytes, Any, bool]], tasks_fd: int, messages_fd: int, fd: int
) -> None:
    """A worker of :func:`_forked_turns`: run tasks until the task pipe ends."""
    import pickle

    def send(message: tuple[int, Any]) -> None:
        body = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        if not _write_bytes(messages_fd, len(body).to_bytes(4, "little") + body):
            raise SystemExit(1)  # the parent is gone

    def receive() -> tuple[int, Any, int] | None:
        head = _read_exactly(tasks_fd, 4)
        body = None if head is None else _read_exactly(tasks_fd, int.from_bytes(head, "little"))
        return None if body is None else pickle.loads(body)

    queued: collections.deque[tuple[int, Any, int]] = collections.deque()
    while True:
        message = queued.popleft() if queued else receive()
        if message is None:
            return
        seq, items, last_stop = message
        done, last_stop = _run_items(fn, items, last_stop)
        send((seq, None))  # ready to write
        while True:
            message = receive()
            if message is None:
                return
            if message[1] is None:  # the turn (only ever this task's)
                break
            queued.append(message)
        stopped = message[2]
        pairs, ok = _write_done(fd, done, stopped)
        send((seq, (pairs, ok, max(stopped, last_stop))))
        if not ok:
            return


#: Items smaller than this go to the workers together, up to this size (see ordered_write).
BATCH_BYTES = 1 << 20


def size_batches(
    items: Iterable[Any], size: Callable[[Any], int], most: int
) -> Iterator[list[Any]]:
    """Consecutive runs of *items* of at most *most* by *size* (a larger item alone).

    Why never more than *most*: a file's short last chunk joined to the next file's first
    full one made tasks of uneven size, and workers wait for each other's turn to write (a
    directory of 20 files of 5 MB: tokenize --jobs 2 in 1.53-1.75 s against 1.40-1.45 s
    without batches).
    """
    batch: list[Any] = []
    total = 0
    for item in items:
        n = size(item)
        if batch and total + n > most:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += n
        if total >= most:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _written(entry: Any) -> Iterator[tuple[int, Any]]:
    """The ``(input, result)`` pairs of a task of :func:`ordered_write` once it is done."""
    if isinstance(entry, tuple):
        yield entry
        return
    done, ok = entry.result()
    if not ok:
        _reader_gone()
    yield from done


def by_input(results: Iterable[tuple[int, Any]], n: int) -> Iterator[tuple[int, Iterator[Any]]]:
    """``(i, results of input i)`` for inputs ``0 .. n-1`` from :func:`ordered_write`'s
    stream, in order (an input with no results gets an empty iterator). A ``_Failed`` result
    raises its exception from the input's iterator, after the results before it; what an
    input's consumer leaves unread is skipped."""
    it = iter(results)
    head: tuple[int, Any] | None = next(it, None)

    def of(g: int) -> Iterator[Any]:
        nonlocal head
        while head is not None and head[0] == g:
            result = head[1]
            head = next(it, None)
            if isinstance(result, _Failed):
                raise result.exc
            yield result

    for g in range(n):
        yield g, of(g)
        while head is not None and head[0] == g:
            head = next(it, None)


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


def one_input(results: Iterator[tuple[int, Any]]) -> Iterator[Any]:
    """The results of :func:`ordered_write` run on one input (see :func:`by_input`); the
    stream is closed after them, so its workers are gone when this ends."""
    try:
        for _, done in by_input(results, 1):
            yield from done
    finally:
        results.close()  # type: ignore[attr-defined]


@contextlib.contextmanager
def input_errors(diag: Diagnostics, source: Source) -> Iterator[None]:
    """Report the failure of one input as every command does, and go on with the next: a
    skipped input (binary data) warns, a data error or an unreadable file is an error
    (exit 1); a closed output pipe ends the command (quietly, see :func:`main`)."""
    from newskit.io import InputError, SkipInput

    try:
        yield
    except SkipInput as exc:
        diag.warn(str(exc))
    except InputError as exc:
        diag.error(str(exc))
    except OSError as exc:
        if exc.errno == 32:  # EPIPE
            raise
        diag.error(f"{source.name}: {exc.strerror or exc}")


def writer_fd(out: BinaryIO, jobs: int) -> int:
    """The file descriptor workers can write ``out`` through with :func:`ordered_write`,
    or -1: one job, no ``fork``, or not a real file (Click's test runner)."""
    if jobs <= 1 or not hasattr(os, "fork"):  # (no need to import multiprocessing to know)
        return -1
    try:
        return out.fileno()
    except (OSError, ValueError, AttributeError):
        return -1


# ---------------------------------------------------------------------------
# The command group
# ---------------------------------------------------------------------------
@click.group(name="newskit", context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, package_name="newskit", prog_name="newskit")
def cli() -> None:
    """Corpus toolkit for Hindi and Bengali news text.

    Every command reads files, directories (recursively) or standard input
    (no PATH or -), writes data to stdout and diagnostics to stderr, and exits
    0 on success, 1 on findings or data errors, 2 on usage errors.
    """


# ---------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------
def _split_steps(values: tuple[str, ...]) -> list[str]:
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


NormalizeTask = tuple["RawChunk | tuple[Path, int, int]", str, str, "NormalizeOptions", bool, bool]


def _normalize_chunk(
    task: NormalizeTask,
) -> tuple[bytes | None, bytes, dict[str, int], int, InputError | None, int]:
    """Decode, normalize and encode one chunk of lines (top level: runs in workers).

    The chunk is raw bytes, or a ``(path, start, end)`` range the worker reads
    itself (the parent then only writes). Returns ``(original, normalized,
    step counts, replacements, error, newlines)``; on invalid UTF-8 the lines
    before the bad byte are still normalized and the error is returned, not
    raised, so the parent writes them first.
    """
    from newskit.io import DecodeError, NulError, RawChunk, decode_chunk, read_range
    from newskit.normalization import explain, normalize

    chunk, name, errors, opts, want_counts, want_original = task
    error: InputError | None = None
    ranged = isinstance(chunk, tuple)
    if ranged:
        try:
            chunk = read_range(*chunk, name)  # (SkipInput: the first range, nothing written yet)
        except NulError as exc:  # the lines before it, then the error
            chunk, error = RawChunk(exc.good, 1, chunk[1]), exc
    try:
        text, replaced = decode_chunk(chunk, name, errors)  # type: ignore[arg-type]
        original = chunk.data
    except DecodeError as exc:
        text, replaced, error = exc.good, 0, exc
        original = text.encode()
    if want_counts:
        out, counts = explain(text, opts)
    else:
        out, counts = normalize(text, opts), {}
    # normalize() returns the very same object when nothing changed
    new = original if out is text else out.encode()
    # Sending the original back doubles what crosses the process boundary; only
    # --diff needs it, the other modes only need to know whether it changed.
    kept: bytes | None = original if (want_original or new == original) else None
    # a worker that read its own range counts its lines (the parent did not)
    newlines = chunk.data.count(b"\n") if ranged else 0
    return kept, new, counts, replaced, error, newlines


def _normalize_for_writing(
    task: NormalizeTask,
) -> tuple[bytes, tuple[bool, dict[str, int], int, InputError | None, int], bool]:
    """:func:`_normalize_chunk` for :func:`ordered_write`: ``(output, (changed,
    step counts, replacements, error, newlines), stop after this chunk)``."""
    kept, new, counts, replaced, error, newlines = _normalize_chunk(task)
    return new, (kept is None, counts, replaced, error, newlines), error is not None


def _warm_normalizer() -> None:
    from newskit.normalization import explain

    explain("दु:ख অত:পর \u095c\u200c|", None)


@dataclass
class _NormalizeRun:
    opts: NormalizeOptions
    jobs: int
    explain: bool
    inputs: Inputs
    want_original: bool = False  # --diff: the original text of every chunk
    totals: dict[str, int] = field(default_factory=dict)

    def blocks(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes | None, bytes]]:
        """(original, normalized) UTF-8 pairs for a plain-text source, streaming.

        ``original`` is ``None`` for a changed chunk unless ``want_original``.
        With ``--jobs N`` the workers decode, normalize and encode, reading their
        own byte ranges of a file.
        """
        ranged = self.jobs > 1 and source.ranged
        results = ordered_map(
            _normalize_chunk,
            self._tasks(source, report, ranged),
            self.jobs,
            warm=_warm_normalizer,
            in_process=in_process_chunks(source),
        )
        yield from self._follow(results, report, ranged)  # type: ignore[misc]

    def write(self, source: Source, report: DecodeReport, out: BinaryIO) -> bool:
        """Write the normalized ``source`` to ``out``; return whether it changed.

        With ``--jobs N`` on a file the workers also write their output to
        ``out`` themselves, in turn (see :func:`ordered_write`).
        """
        fd = writer_fd(out, self.jobs)
        if fd >= 0 and source.ranged and not source.jsonl:
            out.flush()
            results = ordered_write(
                _normalize_for_writing,
                [self._tasks(source, report, True)],
                self.jobs,
                fd,
                warm=_warm_normalizer,
                in_process=in_process_chunks(source),
            )
            done = self._follow(one_input(results), report, True)
            return any([changed for (changed,) in done])
        changed = False
        for original, new in self.pairs(source, report):
            changed = changed or new != original
            out.write(new)
        return changed

    def _tasks(self, source: Source, report: DecodeReport, ranged: bool) -> Iterator[NormalizeTask]:
        """The chunks of a plain-text source as tasks: byte ranges the workers read
        themselves (``ranged``: the parent only finds line boundaries), or raw chunks."""
        from newskit.io import iter_file_ranges, iter_raw_chunks, starts_with_bom

        chunks: Iterator[Any]
        if ranged:
            path = source.path
            assert path is not None
            report.bom = starts_with_bom(path)
            chunks = ((path, a, b) for a, b in iter_file_ranges(path))
        else:
            chunks = iter_raw_chunks(source, report)
        for c in chunks:
            yield (c, source.name, self.inputs.errors, self.opts, self.explain, self.want_original)

    def _follow(
        self, results: Iterator[tuple[Any, ...]], report: DecodeReport, ranged: bool
    ) -> Iterator[tuple[Any, ...]]:
        """:func:`chunk_results`, adding up each chunk's step counts (its last head item)."""
        for *head, counts in chunk_results(results, report, ranged):
            self._add(counts)
            yield tuple(head)

    def _one(self, text: str) -> str:
        from newskit.normalization import explain, normalize

        if self.explain:
            out, counts = explain(text, self.opts)
            self._add(counts)
            return out
        return normalize(text, self.opts)

    def _add(self, counts: dict[str, int]) -> None:
        for k, v in counts.items():
            self.totals[k] = self.totals.get(k, 0) + v

    def records(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes, bytes]]:
        """(original, normalized) line pairs for a JSON Lines source.

        Records are re-serialized (``json.dumps``, UTF-8 kept), so both sides
        of the pair use the same formatting and only the field can differ.
        """
        from newskit.io import dump_record, iter_records

        field_name = self.inputs.field
        for _, record, text in iter_records(source, field_name, self.inputs.errors, report):  # type: ignore[arg-type]
            original = dump_record(record).encode()
            new = self._one(text)
            if new == text:
                yield original, original
                continue
            record[field_name] = new
            yield original, dump_record(record).encode()

    def pairs(self, source: Source, report: DecodeReport) -> Iterator[tuple[bytes | None, bytes]]:
        return self.records(source, report) if source.jsonl else self.blocks(source, report)


class _Unchanged(Exception):
    """Raised inside an atomic write to abandon it: the content did not change."""


@cli.command(context_settings=CONTEXT_SETTINGS)
@input_options
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    metavar="FILE|DIR/",
    help="Write to FILE, or mirror the inputs under DIR/ (ends with / or exists). "
    "[default: stdout]",
)
@click.option(
    "-i", "--in-place", is_flag=True, help="Rewrite each file atomically (only if it changes)."
)
@click.option(
    "--backup", metavar="SUFFIX", help="With --in-place: keep the original as FILE+SUFFIX."
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; list files that would change on stderr; exit 1 if any.",
)
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
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
    1,
    " Workers start when the inputs add up to 8 MiB or more (with -o DIR/, --in-place, "
    "--check, --diff: for a file of 8 MiB or more); less runs in the main process.",
)
def normalize(
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
    quotes: str,
    zero_width: str,
    profile: str,
    lang: str | None,
    explain: bool,
    jobs: int,
) -> None:
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

    if sum(map(bool, (output, in_place, check, diff))) > 1:
        raise click.UsageError("use only one of --output, --in-place, --check, --diff")
    if backup and not in_place:
        raise click.UsageError("--backup needs --in-place")
    try:
        base = NormalizeOptions(
            nukta=nukta,
            digits=digits,
            quotes=quotes,  # type: ignore[arg-type]
            zero_width=zero_width,
            profile=profile,
            lang=lang,
        )  # type: ignore[arg-type]
        if only:
            base = NormalizeOptions.only(
                _split_steps(only),
                nukta=nukta,
                digits=digits,
                quotes=quotes,
                zero_width=zero_width,
                profile=profile,
                lang=lang,
            )
        if skip:
            base = base.skip(_split_steps(skip))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None

    sources = inputs.sources()
    if in_place and any(s.is_stdin for s in sources):
        raise click.UsageError("--in-place needs files, not standard input")
    for s in sources if in_place else ():
        if s.file_size is None and s.path is not None and s.path.exists():
            raise click.UsageError(f"--in-place needs regular files: {s.name} is a pipe or device")
    out_dir: Path | None = None
    if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
        out_dir = Path(output)
    elif output and len(sources) > 1 and any(s.jsonl != sources[0].jsonl for s in sources):
        raise click.UsageError("cannot mix JSON Lines and text inputs into one --output file")

    run = _NormalizeRun(base, resolve_jobs(jobs), explain, inputs, want_original=diff)
    diag = inputs.diag
    single_out: BinaryIO | None = None
    single_ctx = None
    if output and out_dir is None:
        from newskit.io import atomic_write

        single_ctx = atomic_write(Path(output))
        single_out = single_ctx.__enter__()
    try:
        one_output = not (check or diff or in_place or out_dir)
        target = single_out or stdout_bytes()
        if not (one_output and _normalize_to_one_output(run, sources, target)):
            per_file = (out_dir, single_out, in_place, backup, check, diff)
            _normalize_each(run, sources, per_file)
    except BaseException:
        if single_ctx is not None:
            single_ctx.__exit__(*sys.exc_info())
            single_ctx = None
        raise
    finally:
        if single_ctx is not None:
            single_ctx.__exit__(None, None, None)
    sys.exit(diag.status)


def _normalize_each(run: _NormalizeRun, sources: list[Source], per_file: tuple[Any, ...]) -> None:
    """Normalize each input on its own (``per_file``: the arguments of
    :func:`_normalize_source` after the source).

    With ``--jobs N`` and a destination per file (``-o DIR/``, ``--in-place``, ``--check``),
    workers take whole small files, in batches of up to :data:`BATCH_BYTES`, and the parent
    prints their messages in input order; a file of :data:`WORKERS_FROM_BYTES` or more (or
    stdin) is done here, in chunks that workers take (see :class:`_NormalizeRun`).
    """
    out_dir, _, in_place, backup, check, _ = per_file
    if run.jobs <= 1 or not (out_dir or in_place or check) or len(sources) < 2:
        # (one output, written in input order: stdout, -o FILE or --diff)
        for source in sources:
            _normalize_source(run, source, *per_file)
        return
    sizes = [_file_size(source) for source in sources]
    runs = itertools.groupby(zip(sources, sizes, strict=True), lambda p: p[1] >= 0)
    for small, pairs in runs:
        if not small:
            for source, _ in pairs:
                _normalize_source(run, source, *per_file)
            continue
        files = list(pairs)
        batches = [
            (run, [source for source, _ in batch], out_dir, in_place, backup, check)
            for batch in size_batches(files, operator.itemgetter(1), BATCH_BYTES)
        ]
        whole = sys.maxsize if sum(n for _, n in files) < WORKERS_FROM_BYTES else 0
        done = ordered_map(
            _normalize_files, iter(batches), run.jobs, warm=_warm_normalizer, in_process=whole
        )
        for messages in done:
            replay(messages, run.inputs.diag)


def _file_size(source: Source) -> int:
    """The size of a readable file under :data:`WORKERS_FROM_BYTES`, which one worker takes
    whole; -1 for a larger file, standard input or a file that cannot be read (done here,
    which says why)."""
    size = source.file_size
    return -1 if size is None or size >= WORKERS_FROM_BYTES else size


def _normalize_files(task: tuple[Any, ...]) -> list[tuple[str, str]]:
    """In a worker (or here, for few files): :func:`_normalize_source` for a batch of small
    files, one process, its messages recorded for the parent to print."""
    run, sources, out_dir, in_place, backup, check = task
    diag = RecordedDiagnostics()
    one = dataclasses.replace(run, jobs=1, inputs=dataclasses.replace(run.inputs, diag=diag))
    for source in sources:
        _normalize_source(one, source, out_dir, None, in_place, backup, check, False)
    return diag.messages


def _normalize_source(
    run: _NormalizeRun,
    source: Source,
    out_dir: Path | None,
    single_out: BinaryIO | None,
    in_place: bool,
    backup: str | None,
    check: bool,
    diff: bool,
) -> None:
    from newskit.io import DecodeReport, atomic_write

    report = DecodeReport()
    run.totals = {}
    with input_errors(run.inputs.diag, source):
        if check or diff:
            _check_or_diff(run, source, report, diff)
        elif in_place:
            assert source.path is not None
            try:
                with atomic_write(source.path, backup=backup) as out:
                    changed = run.write(source, report, out)
                    if not changed and not report.bom:
                        raise _Unchanged
            except _Unchanged:
                pass
        elif out_dir is not None:
            target = out_dir / (source.rel if not source.is_stdin else "stdin.txt")
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(target) as out:
                run.write(source, report, out)
        else:
            out = single_out or stdout_bytes()
            run.write(source, report, out)
            out.flush()
    _report_normalized(run, source, report)


def _report_normalized(run: _NormalizeRun, source: Source, report: DecodeReport) -> None:
    """After an input: replaced bytes, and with ``--explain`` what each step changed."""
    run.inputs.report_decoding(source, report)
    if run.explain:
        parts = ", ".join(f"{k} {v}" for k, v in run.totals.items())
        run.inputs.diag.info(
            f"{source.name}: {parts or 'no steps'}; {sum(run.totals.values())} changed"
        )


def _normalize_to_one_output(run: _NormalizeRun, sources: list[Source], out: BinaryIO) -> bool:
    """Normalize all the text inputs into ``out`` (stdout, ``-o FILE``) with workers started
    once for all of them (see :func:`ordered_write`); False if this cannot be done here (one
    job, JSON Lines inputs, an output the workers cannot write), and nothing was done."""
    from newskit.io import DecodeReport

    fd = writer_fd(out, run.jobs)
    if fd < 0 or any(s.jsonl for s in sources):
        return False
    out.flush()
    reports = [DecodeReport() for _ in sources]
    here = in_process_chunks(*sources)
    # (byte ranges only for workers: done here, a file is opened once, not once a chunk)
    groups = (
        run._tasks(s, r, here != sys.maxsize and s.ranged)
        for s, r in zip(sources, reports, strict=True)
    )
    results = ordered_write(
        _normalize_for_writing,
        groups,
        run.jobs,
        fd,
        warm=_warm_normalizer,
        in_process=here,
        slow_input=any(s.streamed for s in sources),
    )
    for i, done in by_input(results, len(sources)):
        run.totals = {}
        with input_errors(run.inputs.diag, sources[i]):
            for _ in run._follow(done, reports[i], True):
                pass
        _report_normalized(run, sources[i], reports[i])
    return True


def _check_or_diff(run: _NormalizeRun, source: Source, report: DecodeReport, diff: bool) -> None:
    diag = run.inputs.diag
    if not diff:
        changed = any(new != original for original, new in run.pairs(source, report))
        if changed or report.bom:
            diag.finding(f"would normalize {source.name}")
        return
    import difflib

    from newskit.io import _split_lf

    before: list[str] = []
    after: list[str] = []
    for original, new in run.pairs(source, report):
        before.extend(_split_lf((original or b"").decode()))
        after.extend(_split_lf(new.decode()))
    if before != after:
        diag.status = max(diag.status, 1)
        out: IO[bytes] = stdout_bytes()
        for line in difflib.unified_diff(before, after, source.name, f"{source.name} (normalized)"):
            out.write(line.encode())
            if not line.endswith("\n"):
                out.write(b"\n\\ No newline at end of file\n")
        out.flush()


# ---------------------------------------------------------------------------
# stats
# ---------------------------------------------------------------------------
_STATS_SECTIONS = ("files", "overview", "scripts", "punctuation", "lexicon", "hygiene")


@cli.command(context_settings=CONTEXT_SETTINGS)
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "tsv", "csv"]),
    default=None,
    help="Output format. [default: table on a terminal, tsv otherwise]",
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice([*_STATS_SECTIONS, "all"]),
    help="Sections to show (repeatable; table and json). "
    "[default: table: files, overview, lexicon; json: all]",
)
@click.option(
    "--by",
    type=click.Choice(["file", "dir", "lang", "total"]),
    default="file",
    show_default=True,
    help="One row per file, per directory, per dominant language, or only the total.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Length of the top words, bigrams, speakers and repeated-lines lists.",
)
@click.option(
    "--keep-stopwords", is_flag=True, help="Keep hi/bn stopwords in the top words and bigrams."
)
@click.option(
    "--doc-sep",
    metavar="LINE",
    default=None,
    help="Split plain-text files into documents at lines equal to LINE "
    "('blank': at blank lines). [default: one document per file; JSONL: one per record]",
)
@jobs_option(0)
def stats(
    inputs: Inputs,
    fmt: str | None,
    sections: tuple[str, ...],
    by: str,
    top: int,
    keep_stopwords: bool,
    doc_sep: str | None,
    jobs: int | None,
) -> None:
    """Corpus statistics: counts, scripts and encoding health, quotes, lexicon, hygiene.

    One row per file (--by) plus the total. TSV/CSV/JSON carry raw numbers.

    \b
    Examples:
      newskit stats corpus/                          # tables on a terminal, TSV in a pipe
      newskit stats --doc-sep blank --section all --format table news.txt
      newskit stats --by lang --format json --jobs 2 corpus/ > stats.json
    """
    from newskit import render
    from newskit.stats import SECTIONS, StatsCollector, iter_source_stats, source_size

    diag = inputs.diag
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "tsv"
    chosen = set(sections)
    if "all" in chosen or (not chosen and fmt != "table"):
        chosen = set(_STATS_SECTIONS)
    elif not chosen:
        chosen = {"files", "overview", "lexicon"}

    sources = inputs.sources()
    total_bytes = sum(source_size(s) for s in sources)
    collector = StatsCollector(by)
    results = iter_source_stats(
        sources,
        jobs=resolve_jobs(jobs),
        totals_in_workers=by in ("file", "total"),  # (dir and lang rows need each file's)
        doc_sep=doc_sep,
        field_name=inputs.field,
        errors=inputs.errors,
    )
    with render.progress(len(sources), total_bytes, enabled=sys.stderr.isatty()) as advance:
        for result in results:
            if result.partial:
                collector.add_total(result.stats)
                continue
            if result.warning:
                diag.warn(result.warning)
            if result.error:
                diag.error(result.error)
            inputs.report_replacements(result.name, result.replacements)
            collector.add(result.name, result.stats, result.summary)
            advance(result.bytes)

    rows = collector.rows()
    report = collector.total.report(top=top, keep_stopwords=keep_stopwords)
    report = {k: v for k, v in report.items() if k in chosen and k in SECTIONS}
    if fmt == "table":
        render.render_stats_table(rows, report, show=[s for s in _STATS_SECTIONS if s in chosen])
    elif fmt == "json":
        text = render.to_json(rows, report)
    else:
        text = render.delimited(rows, "\t" if fmt == "tsv" else ",")
    if fmt != "table":
        out = stdout_bytes()
        out.write(text.encode("utf-8"))
        out.flush()
    sys.exit(diag.status)


# ---------------------------------------------------------------------------
# quotes
# ---------------------------------------------------------------------------
def _shift_quote(record: dict[str, Any], offset: int, first_line: int) -> dict[str, Any]:
    """Make a document-level quote record file-level: offsets and line into the whole input."""
    record["start"] += offset
    record["end"] += offset
    record["line"] += first_line - 1
    for key in ("speaker", "cue"):
        span = record.get(key)
        if span:
            span["start"] += offset
            span["end"] += offset
    return record


def _quote_records(
    inputs: Inputs, kinds: tuple[str, ...], doc_sep: str | None
) -> Iterator[dict[str, Any]]:
    """Quote records of every input, streaming one document at a time.

    Plain text: offsets and lines refer to the whole decoded file (documents are only the
    unit ``extract_quotes`` sees, so a quote never runs from one article into the next).
    JSON Lines: one document per record; ``line`` is the record's line and offsets refer to
    its text field.
    """
    from newskit.io import DecodeReport, InputError, SkipInput, iter_lines, iter_records
    from newskit.quotes import extract_quotes

    def emit(name: str, text: str, offset: int, first_line: int) -> Iterator[dict[str, Any]]:
        for q in extract_quotes(text):
            if kinds and q.kind not in kinds:
                continue
            yield {"path": name, **_shift_quote(q.to_dict(), offset, first_line)}

    for source in inputs.sources():
        report = DecodeReport()
        try:
            if source.jsonl:
                for n, _, text in iter_records(source, inputs.field, inputs.errors, report):  # type: ignore[arg-type]
                    for rec in emit(source.name, text, 0, 1):
                        rec["line"] = n
                        yield rec
                continue
            buf: list[str] = []
            pos = doc_start = 0
            first = 1
            for n, line in iter_lines(source, inputs.errors, report):  # type: ignore[arg-type]
                body = line.strip()
                if doc_sep is not None and (body == "" if doc_sep == "blank" else body == doc_sep):
                    if buf:
                        yield from emit(source.name, "".join(buf), doc_start, first)
                        buf = []
                    pos += len(line)
                    continue
                if not buf:
                    doc_start, first = pos, n
                buf.append(line)
                pos += len(line)
            if buf:
                yield from emit(source.name, "".join(buf), doc_start, first)
        except SkipInput as exc:
            inputs.diag.warn(str(exc))
        except InputError as exc:
            inputs.diag.error(str(exc))
        except OSError as exc:
            if exc.errno == 32:  # EPIPE: let Click end quietly
                raise
            inputs.diag.error(f"{source.name}: {exc.strerror or exc}")
        inputs.report_decoding(source, report)


@cli.command(context_settings=CONTEXT_SETTINGS)
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "tsv", "csv"]),
    default=None,
    help="Output format. [default: table on a terminal, jsonl otherwise]",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["speech", "partial", "term"]),
    help="Only quotes of this kind (repeatable). [default: all]",
)
@click.option(
    "--doc-sep",
    metavar="LINE",
    default="blank",
    show_default=True,
    help="Split plain-text files into documents at lines equal to LINE ('blank': at blank "
    "lines; 'none': one document per file). JSON Lines: one document per record.",
)
def quotes(inputs: Inputs, fmt: str | None, kinds: tuple[str, ...], doc_sep: str) -> None:
    """Quotations in Hindi and Bengali news, with speaker, reporting cue and kind.

    One record per quotation: path, line, start/end (character offsets of the quoted text,
    marks excluded, into the decoded input), text, marks, closed, continued, kind
    (speech/partial/term), speaker and cue ({text, start, end} or null), speaker_position
    (before/after/previous), resolved (the named antecedent of a pronoun speaker), confidence.

    \b
    Examples:
      newskit quotes corpus/                        # a table on a terminal
      newskit quotes --kind speech news.txt > q.jsonl
      newskit quotes --format tsv --jsonl --field body articles.jsonl
    """
    import json

    from newskit import render

    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    records = _quote_records(inputs, kinds, None if doc_sep == "none" else doc_sep)
    if fmt == "table":
        render.render_quotes_table(records)
    else:
        out = stdout_bytes()
        if fmt == "jsonl":
            lines: Iterator[str] = (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            lines = render.quote_lines(records, "\t" if fmt == "tsv" else ",")
        for line in lines:
            out.write(line.encode("utf-8"))
        out.flush()
    sys.exit(inputs.diag.status)


# ---------------------------------------------------------------------------
# tokenize and sentences (library: newskit.segment)
# ---------------------------------------------------------------------------
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))


def _segment_chunk(
    task: tuple[RawChunk, str, str, str, str, bool, int],
) -> tuple[bytes, int, int, DecodeError | None]:
    """Decode, optionally normalize, segment and format one chunk of lines (runs in workers).

    Returns ``(output, characters, replacements, error)``; on invalid UTF-8 the lines before
    the bad byte are still processed and the error is returned for the parent to report.
    """
    from newskit.io import DecodeError, decode_chunk
    from newskit.segment import render

    chunk, name, errors, mode, fmt, norm, offset = task
    error = None
    try:
        text, replaced = decode_chunk(chunk, name, errors)  # type: ignore[arg-type]
    except DecodeError as exc:
        text, replaced, error = exc.good, 0, exc
    if norm:
        from newskit.normalization import normalize

        text = normalize(text)
    out = render(text, mode, fmt, path=name, first_line=chunk.first_line, offset=offset)
    return out.encode(), len(text), replaced, error


def _segment_for_writing(
    task: tuple[Any, str, str, str, str, bool, int],
) -> tuple[bytes, tuple[int, DecodeError | None, int], bool]:
    """:func:`_segment_chunk` for :func:`ordered_write` (only with ``n_jobs > 1``, so
    never in the exact mode that needs the character counts back). Also returns the
    number of lines of a byte range the worker read itself, for error line numbers."""
    newlines = 0
    nul = None
    if isinstance(task[0], tuple):  # a byte range the worker reads itself (text output)
        from newskit.io import NulError, RawChunk, read_range

        try:
            chunk = read_range(*task[0], task[1])  # (SkipInput: the first range)
        except NulError as exc:  # the lines before it, then the error
            chunk, nul = RawChunk(exc.good, 1, task[0][1]), exc
        newlines = chunk.data.count(b"\n")
        task = (chunk, *task[1:])
    data, _, replaced, error = _segment_chunk(task)
    error = error or nul
    return data, (replaced, error, newlines), error is not None


def _segment_command(inputs: Inputs, mode: str, fmt: str, norm: bool, jobs: int | None) -> None:
    """Shared body of ``tokenize`` and ``sentences``: stream every input through the segmenter.

    Plain text goes in chunks of whole lines to ``--jobs`` workers, one stream for all the
    inputs (see :func:`ordered_write`). Offsets (JSONL, CoNLL-U) are character offsets into
    the decoded input; a chunk's offset is counted from its bytes, except with
    ``--normalize``, where they refer to the normalized text and chunks are done one after
    another so that the normalized lengths are known.
    """
    from newskit.io import DecodeReport, iter_raw_chunks, iter_records
    from newskit.segment import render

    diag = inputs.diag
    out = stdout_bytes()
    exact = norm and fmt != "text"
    n_jobs = 1 if exact else resolve_jobs(jobs)
    sources = inputs.sources()
    fd = writer_fd(out, n_jobs)
    if fd >= 0 and not any(s.jsonl for s in sources):
        out.flush()
        _segment_with_workers(inputs, sources, (mode, fmt, norm), n_jobs, fd)
        sys.exit(diag.status)
    for source in sources:
        report = DecodeReport()
        with input_errors(diag, source):
            if source.jsonl:
                for n, _, text in iter_records(source, inputs.field, inputs.errors, report):  # type: ignore[arg-type]
                    if norm:
                        from newskit.normalization import normalize

                        text = normalize(text)
                    out.write(render(text, mode, fmt, path=source.name, first_line=n).encode())
            else:
                offset = [0]

                def tasks(
                    source: Source = source,
                    report: DecodeReport = report,
                    offset: list[int] = offset,
                ) -> Iterator[tuple[Any, ...]]:
                    for chunk in iter_raw_chunks(source, report):
                        yield (chunk, source.name, inputs.errors, mode, fmt, norm, offset[0])
                        if not exact and fmt != "text":  # (text output has no offsets)
                            offset[0] += len(chunk.data.translate(None, _UTF8_CONTINUATION))

                for data, chars, replaced, error in ordered_map(
                    _segment_chunk, tasks(), n_jobs, in_process=in_process_chunks(source)
                ):
                    report.replacements += replaced
                    if exact:
                        offset[0] += chars
                    out.write(data)
                    if error is not None:
                        raise error
        inputs.report_decoding(source, report)
    out.flush()
    sys.exit(diag.status)


def _segment_with_workers(
    inputs: Inputs, sources: list[Source], how: tuple[str, str, bool], jobs: int, fd: int
) -> None:
    """:func:`_segment_command` for text inputs with ``--jobs N``: the workers write the
    output to ``fd`` themselves, in turn, and with text output read their own byte ranges of
    each file too (no offsets to count)."""
    from newskit.io import DecodeReport, iter_file_ranges, iter_raw_chunks, starts_with_bom

    mode, fmt, norm = how
    here = in_process_chunks(*sources)

    def tasks(source: Source, report: DecodeReport) -> Iterator[tuple[Any, ...]]:
        path = source.path
        # (byte ranges only for workers: done here, a file is opened once, not once a chunk)
        if fmt == "text" and path is not None and source.ranged and here != sys.maxsize:
            report.bom = starts_with_bom(path)
            for a, b in iter_file_ranges(path):
                yield ((path, a, b), source.name, inputs.errors, mode, fmt, norm, 0)
            return
        offset = 0
        for chunk in iter_raw_chunks(source, report):
            yield (chunk, source.name, inputs.errors, mode, fmt, norm, offset)
            if fmt != "text":  # (text output has no offsets)
                offset += len(chunk.data.translate(None, _UTF8_CONTINUATION))

    reports = [DecodeReport() for _ in sources]
    groups = (tasks(s, r) for s, r in zip(sources, reports, strict=True))
    slow = any(s.streamed for s in sources)
    results = ordered_write(
        _segment_for_writing, groups, jobs, fd, in_process=here, slow_input=slow
    )
    for i, done in by_input(results, len(sources)):
        with input_errors(inputs.diag, sources[i]):
            # (a chunk the parent read returns 0 newlines: its lines are numbered)
            for _ in chunk_results(done, reports[i], ranged=True):
                pass
        inputs.report_decoding(sources[i], reports[i])


_NORMALIZE_HELP = "Run the default normalization first (offsets then refer to the normalized text)."


@cli.command(name="tokenize", context_settings=CONTEXT_SETTINGS)
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
@jobs_option(1, _CHUNK_JOBS_HELP)
def tokenize_cmd(inputs: Inputs, by_sentence: bool, fmt: str, norm: bool, jobs: int | None) -> None:
    """Split Hindi and Bengali text into tokens, losslessly (UD conventions).

    Punctuation and every quote mark become tokens; numbers (1,00,000, १,२५०.५), dates,
    URLs, e-mail addresses, @handles, #hashtags, abbreviations (डॉ., মো., বি.এন.পি.) and
    Bengali apostrophe words (দু’টি) stay whole. By default each input line becomes one
    output line. JSON Lines records: path, line, sentence, start, end, text and tokens as
    [text, start, end, kind], offsets in characters into the input.

    \b
    Examples:
      newskit tokenize article.txt | less
      newskit tokenize --sentences corpus/ > tokenized.txt
      newskit tokenize --format conllu --normalize article.txt
      newskit tokenize --format jsonl --jsonl --field body articles.jsonl
    """
    mode = "token-sentences" if by_sentence else "tokens"
    _segment_command(inputs, mode, fmt, norm, jobs)


@cli.command(name="sentences", context_settings=CONTEXT_SETTINGS)
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
@jobs_option(1, _CHUNK_JOBS_HELP)
def sentences_cmd(inputs: Inputs, fmt: str, norm: bool, jobs: int | None) -> None:
    """One sentence per line, exactly as in the input apart from the whitespace between.

    Sentences end at । ॥ ৷ ? ! and at a full stop (not after an abbreviation, an initial or
    inside a number), keep their closing quotes and brackets, and never run over a line
    break; an unclosed quote never swallows the text after it.

    \b
    Examples:
      newskit sentences article.txt
      newskit sentences --normalize corpus/ > sentences.txt
      newskit sentences --format jsonl news.txt
    """
    _segment_command(inputs, "sentences", fmt, norm, jobs)


def main() -> None:
    """Console-script entry point.

    A closed pipe (``newskit … | head``) ends the process the way it ends
    ``cat``: silently, by SIGPIPE, whichever command and however many workers.
    """
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli(prog_name="newskit")
    except WorkerDied as exc:  # (killed from outside, out of memory: not a bug to trace)
        click.echo(f"newskit: {exc}", err=True)
        sys.exit(1)


def entry_point() -> None:
    """The ``newskit`` console script and ``python -m newskit``: :func:`main`, then the
    process ends at once (see :func:`_exit_now`). Code that calls :func:`main` itself
    still gets its ``SystemExit``."""
    try:
        main()
    except SystemExit as exc:
        _exit_now(exc)
        raise


def _exit_now(exc: SystemExit) -> None:
    """End the process at once with ``exc``'s status once the command is done, skipping
    the interpreter's teardown (freeing every module and object: 12-17 ms, a fifth of
    ``echo नमस्ते | newskit normalize``, and serial time in every ``--jobs`` run).

    What a normal exit would still do is done first: the outputs are flushed (a closed
    pipe then ends the process by SIGPIPE as before) and the ``atexit`` handlers run.
    Returns, for a normal exit, when a tracer or profiler is active (coverage, cProfile,
    a debugger: they report after the program ends) or when the status is not a number.
    """
    import atexit

    code = 0 if exc.code is None else exc.code
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if not isinstance(code, int) or run_exitfuncs is None:
        return
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry_point()
