"""Running work in parallel: the only code in newskit that starts processes.

Three ways to run a function over items, each in input order, each in this process when
``jobs`` is 1 or the input is small (see :class:`Tuning`), each knowing nothing of what an item
holds:

- :func:`ordered_map`: results come back here (``--diff``, tables, per-file messages);
- :func:`ordered_write`: workers write their output to a file descriptor themselves, in
  turn (stdout, ``-o FILE``); results (small) come back here;
- :func:`map_reduce`: mergeable states (``stats``), reduced per input and in total, exact
  when an input stops part-way.

Back ends: forked workers with a pipe each way (files, and every ``map_reduce``), and a
process pool whose workers pass the turn to write among themselves (``ordered_write`` on a
stream this process reads at a pace it does not set). Both need ``fork``; without it
everything runs in this process.

>>> list(ordered_map(str.upper, iter(["a", "b"]), jobs=2))
['A', 'B']
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from newskit.parallel._common import (
    Carry,
    ClusterError,
    Failed,
    StopMark,
    WorkerDied,
    WriteFn,
    by_input,
    grouped_items,
    one_input,
    reader_gone,
    rest,
    size_batches,
    write_bytes,
)
from newskit.parallel._tuning import Tuning, resolve_jobs

if TYPE_CHECKING:
    from newskit.parallel._reduce import Reduced, ReduceFn, Reduction


def __getattr__(name: str) -> Any:
    """``Reduced`` and ``Reduction`` on first use: the reduce machinery (and ``typing``'s
    generics it defines classes with) is not imported by commands that never reduce."""
    if name in ("Reduced", "Reduction"):
        from newskit.parallel import _reduce

        return getattr(_reduce, name)
    raise AttributeError(f"module 'newskit.parallel' has no attribute {name!r}")


__all__ = [
    "Carry",
    "ClusterError",
    "Failed",
    "Reduced",
    "Reduction",
    "Tuning",
    "WorkerDied",
    "by_input",
    "map_reduce",
    "one_input",
    "ordered_map",
    "ordered_write",
    "resolve_jobs",
    "size_batches",
    "writer_fd",
]

_DEFAULT = Tuning()


def _can_fork() -> bool:
    return hasattr(os, "fork")


def ordered_map(
    fn: Callable[[Any], Any],
    items: Iterator[Any],
    *,
    jobs: int,
    warm: Callable[[], object] | None = None,
    in_process: int | None = None,
    tuning: Tuning = _DEFAULT,
    depth: int = 3,
) -> Iterator[Any]:
    """``map`` over worker processes, in order, with a bounded queue (flat memory): at most
    ``depth`` tasks per worker are in flight, their results held.

    The first ``in_process`` items (default :attr:`Tuning.in_process_items`) run in this
    process, and workers start only if more come. Why: starting them (fork, warm-up,
    compiling patterns) costs 30-60 ms, more than a small input takes. Results come as soon
    as each item is done, so a slow pipe on stdin is not held up either. ``warm`` runs
    before the workers are forked, so that they inherit what it loads.
    """
    if jobs <= 1 or not _can_fork():
        yield from map(fn, items)
        return
    from newskit.parallel._pool import pool_map

    here = tuning.in_process_items if in_process is None else in_process
    yield from pool_map(fn, items, jobs, warm, depth, here)


def ordered_write(
    fn: WriteFn,
    groups: Iterable[Iterable[Any]],
    *,
    jobs: int,
    fd: int,
    size: Callable[[Any], int],
    warm: Callable[[], object] | None = None,
    in_process: int | None = None,
    slow_input: bool = False,
    carry: Carry | None = None,
    tuning: Tuning = _DEFAULT,
) -> Iterator[tuple[int, Any]]:
    """Run ``fn`` over the items of several inputs (``groups``: the items of each input) in
    worker processes that write its output to ``fd`` themselves, in order, and yield
    ``(input number, result)`` for each item done, in order.

    ``fn(item)`` returns ``(data, result, stop)``: the bytes to write, or a callable that
    makes them from the ``carry`` value when the item's turn comes (for output that depends
    on what came before it, such as offsets into an input a worker read a byte range of:
    ``carry`` is ``(initial, step)`` and after each item written the value becomes
    ``step(value, input, result)``; only the forked back end and this process support it, so
    inputs read here at their own pace, ``slow_input``, must give bytes). A ``stop`` (the
    error after an input's good lines) or an exception ends that input: its later items are
    neither run nor written, and the next input goes on. An exception, raised by ``fn`` or
    by the input's iterator, comes as the result :class:`Failed` (see :func:`by_input`,
    which raises it in its place).

    Why one stream for all the inputs: workers started per input left a directory of
    mid-size files no faster with ``--jobs 2`` than with one process, as each input's last
    chunks ran alone and the next input waited for them. Small items (under
    :attr:`Tuning.batch_bytes` by ``size``: small files) go to the workers in batches. Why
    the workers write: the output never crosses the process boundary (pickling it back to
    the parent, which then wrote it, cost the parent up to a third of a worker's time). A
    worker whose task is not next waits for its turn (2-3% of its time with two workers on
    100 MB). A closed output ends the command as a write to a closed pipe would.
    """
    stopped = StopMark()
    items = grouped_items(groups, stopped)
    here = tuning.in_process_items if in_process is None else in_process
    if jobs <= 1 or not _can_fork():
        here = sys.maxsize
    value = carry[0] if carry is not None else None
    step = carry[1] if carry is not None else None
    for group, item in _islice(items, here):
        if isinstance(item, Failed):
            yield group, item
            continue
        try:
            data, result, stop = fn(item)
        except Exception as exc:
            data, result, stop = b"", Failed(exc), True
        if callable(data):
            data = data(value)
        if not write_bytes(fd, data):
            reader_gone()
        if step is not None:
            value = step(value, group, result)
        if stop:
            stopped.value = group
        yield group, result
    more = rest(items)
    if more is None:
        return

    # (an input's failure counts as a whole batch: it stays alone, in its place)
    def item_size(pair: tuple[int, Any]) -> int:
        return tuning.batch_bytes if isinstance(pair[1], Failed) else size(pair[1])

    batches = size_batches(more, item_size, tuning.batch_bytes)
    if slow_input:
        from newskit.parallel._pool import executor_turns

        yield from executor_turns(fn, batches, jobs, fd, warm, tuning.depth, stopped)
    else:
        from newskit.parallel._forked import forked_turns

        yield from forked_turns(fn, batches, jobs, fd, warm, tuning.depth, stopped, carry, value)


def _islice(it: Iterator[Any], n: int) -> Iterator[Any]:
    """``itertools.islice`` (kept out of this module's imports: start-up)."""
    for _ in range(n):
        try:
            yield next(it)
        except StopIteration:
            return


def map_reduce(
    fn: ReduceFn,
    groups: Iterable[Iterable[Any]],
    reduction: Reduction[Any, Any],
    *,
    jobs: int,
    size: Callable[[Any], int],
    warm: Callable[[], object] | None = None,
    in_process: int | None = None,
    tuning: Tuning = _DEFAULT,
    rerun: Callable[[Any], bool] | None = None,
) -> Reduced[Any, Any]:
    """Reduce the items of several inputs to one result per input and a total.

    ``fn(item, state) -> (info, stop)`` fills a state made by ``reduction.new``; iterating
    the returned :class:`Reduced` gives ``(input number, [info of each item that counts],
    result)`` in input order, and then its ``total`` is the merge of every state that
    counts. An input stops after an item whose ``stop`` is true: its later items count for
    nothing, wherever they ran. An input whose iterator raises ends with a :class:`Failed`
    info. ``rerun(item)``: whether an item can be run again (it names its input, a byte
    range, rather than holding it): an input whose workers' parts mix items before and after
    its stop is counted again here from its items, so an item that cannot be run again (bytes
    read here) must never follow a stopping item of its input. An exception raised by ``fn``
    itself stops the whole run (it is a bug, not bad input: ``fn`` reports bad input in its
    ``info``). See :mod:`newskit.parallel._reduce`.
    """
    from newskit.parallel._reduce import Reduced, forked_reduce, serial_reduce

    out: Reduced[Any, Any] = Reduced(iter(()))
    if jobs <= 1 or not _can_fork():
        out._it = serial_reduce(fn, groups, reduction, out)
        return out
    here = tuning.in_process_items if in_process is None else in_process
    out._it = forked_reduce(
        fn,
        groups,
        reduction,
        jobs,
        size,
        warm,
        here,
        tuning.batch_bytes,
        tuning.depth,
        out,
        rerun or (lambda item: True),
    )
    return out


def writer_fd(out: BinaryIO, jobs: int) -> int:
    """The file descriptor workers can write ``out`` through with :func:`ordered_write`,
    or -1: one job, no ``fork``, or not a real file (Click's test runner)."""
    if jobs <= 1 or not _can_fork():
        return -1
    try:
        return out.fileno()
    except (OSError, ValueError, AttributeError):
        return -1
