"""The process-pool back end: an ordered map, and workers that pass the turn to write among
themselves (for inputs this process reads at a pace it does not set)."""

from __future__ import annotations

import collections
import contextlib
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from newskit._cleanup import on_termination
from newskit.parallel._common import (
    Failed,
    StopMark,
    WriteFn,
    reader_gone,
    render,
    rest,
    run_items,
    write_bytes,
)
from newskit.parallel._process import keep_freed_memory, worker_init


@contextlib.contextmanager
def worker_pool(jobs: int, warm: Callable[[], object] | None, *initargs: Any) -> Iterator[Any]:
    """A pool of ``jobs`` forked worker processes (where ``fork`` exists) that die with
    this one and inherit what ``warm`` compiles and loads (``initargs``: see
    :func:`_init_turns`)."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    ctx = multiprocessing.get_context(method)
    if warm is not None:
        warm()  # before forking, so every worker inherits compiled patterns and tables
    keep_freed_memory()
    # gc.freeze: the collector then leaves inherited objects alone, fewer pages are copied
    # on write (bench row: `newskit normalize --jobs 2`, with a warm normalizer inherited).
    gc.freeze()
    init = _init_turns if initargs else worker_init
    on_termination(_stop_workers)
    try:
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init, initargs=initargs) as pool:
            yield pool
    finally:
        gc.unfreeze()  # (the workers are gone by now)


def _stop_workers() -> None:
    """On SIGTERM or SIGHUP (:mod:`newskit._cleanup`): end the pool's workers and wait a
    little for them, so that each has removed its temporary files (``-o DIR/`` and
    ``--in-place`` workers write files of their own) before this process ends. (Ended
    with this process, they would be signalled too, but later than it exits.)"""
    import multiprocessing
    import time

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + 5
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))


def pool_map(
    fn: Callable[[Any], Any],
    items: Iterator[Any],
    jobs: int,
    warm: Callable[[], object] | None,
    depth: int,
    in_process: int,
) -> Iterator[Any]:
    """See :func:`newskit.parallel.ordered_map`."""
    it = iter(items)
    yield from map(fn, itertools.islice(it, in_process))
    more = rest(it)
    if more is None:
        return
    with worker_pool(jobs, warm) as pool:
        pending: collections.deque[Any] = collections.deque()
        while True:
            try:
                item = next(more)
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


# In a pool worker of executor_turns: (function, condition, number of the task whose turn it
# is or -1 once all stopped, last input stopped, output file descriptor), set by its
# initializer (the objects are inherited at fork, never pickled).
_turn: tuple[WriteFn, Any, Any, Any, int] | None = None


def _init_turns(fn: WriteFn, cond: Any, turn: Any, stopped: Any, fd: int) -> None:
    global _turn
    worker_init()
    _turn = (fn, cond, turn, stopped, fd)


def _run_and_write(task: tuple[int, list[tuple[int, Any]]]) -> tuple[list[tuple[int, Any]], bool]:
    """In a pool worker: run task ``(number, [(input, item), ...])``, then write its output
    when its turn comes (see :func:`executor_turns`).

    A closed output stops every turn, and an interrupt too, so that no worker is left
    waiting for a turn that will never come.
    """
    assert _turn is not None
    fn, cond, turn, stopped, fd = _turn
    seq, items = task
    try:
        done, last_stop = run_items(fn, items, stopped.value)
    except BaseException:
        with cond:
            turn.value = -1
            cond.notify_all()
        raise
    pairs: list[tuple[int, Any]] = []
    ok = True
    with cond:
        try:
            while turn.value not in (seq, -1):
                cond.wait()
            if turn.value == seq:
                data, pairs, _ = render(done, stopped.value, None, None)
                ok = write_bytes(fd, data)
                stopped.value = max(stopped.value, last_stop)
                turn.value = seq + 1 if ok else -1
        except BaseException:
            turn.value = -1  # (no worker may wait for a turn that will not come)
            raise
        finally:
            cond.notify_all()
    return pairs, ok


def _written(entry: Any) -> Iterator[tuple[int, Any]]:
    """The ``(input, result)`` pairs of a task once it is done."""
    if isinstance(entry, tuple):
        yield entry
        return
    done, ok = entry.result()
    if not ok:
        reader_gone()
    yield from done


def executor_turns(
    fn: WriteFn,
    batches: Iterator[list[tuple[int, Any]]],
    jobs: int,
    fd: int,
    warm: Callable[[], object] | None,
    depth: int,
    stopped: StopMark,
) -> Iterator[tuple[int, Any]]:
    """``ordered_write``'s workers for a slow input (stdin, ``.gz``): a process pool whose
    workers pass the turn to write among themselves, through a condition they share.

    Why not the forked workers here: there this process passes the turn, and while it
    waits for the next chunk of a slow pipe, or decompresses one, chunks already done wait
    too. Bench row: ``newskit normalize --jobs 2`` on 100 MB gzipped, 0.96-1.02 s with the
    forked workers against 0.71-0.78 s here.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    cond, turn = ctx.Condition(), ctx.Value("q", 0, lock=False)
    stopped.share(ctx)
    try:
        with worker_pool(jobs, warm, fn, cond, turn, stopped.shared, fd) as pool:
            # Results are small here (the output is written), so many tasks can be in
            # flight: workers then never wait for the parent to hand them the next one
            # (measured on 400 MB: best of three 2.15 s against 2.52 s with three a worker).
            pending: collections.deque[Any] = collections.deque()
            seq = itertools.count()
            for batch in batches:
                if isinstance(batch[0][1], Failed):  # after what came before it
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
