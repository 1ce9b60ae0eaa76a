"""Pieces shared by the engine's back ends: failures in the stream of results, writing to a
file descriptor in turn, batching, and splitting one stream of results back per input."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

#: ``fn(item) -> (data, result, stop)`` of :func:`newskit.parallel.ordered_write`.
WriteFn = Callable[[Any], tuple[Any, Any, bool]]
#: ``(initial value, step(value, input number, result) -> value)``: see ``carry`` of
#: :func:`newskit.parallel.ordered_write`.
Carry = tuple[Any, Callable[[Any, int, Any], Any]]

_NO_ITEM = object()


class WorkerDied(RuntimeError):
    """A worker process ended before its tasks were done (killed, out of memory). Not an
    ``OSError``: no input is to blame, and the command must stop."""


class ClusterError(RuntimeError):
    """A Dask cluster cannot run the command (unreachable scheduler, another newskit on a
    worker, a task that keeps killing its workers); the message says what to do."""


class Failed:
    """An input's failure (the exception), in the stream of results at the place where the
    input failed."""

    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __reduce__(self) -> tuple[object, ...]:
        return (Failed, (self.exc,))


def rest(it: Iterator[Any]) -> Iterator[Any] | None:
    """What is left of *it*, or None if nothing is (one item is looked at)."""
    more = next(it, _NO_ITEM)
    return None if more is _NO_ITEM else itertools.chain([more], it)


def write_bytes(fd: int, data: bytes) -> bool:
    """Write all of *data* to *fd*; False if the reader went away."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        return False
    return True


def reader_gone() -> None:
    """End as a write to a closed pipe would (quietly, see ``newskit.cli.main``)."""
    import signal

    os.kill(os.getpid(), signal.SIGPIPE)
    raise BrokenPipeError(32, "Broken pipe")  # (if SIGPIPE is ignored)


def run_items(
    fn: WriteFn, items: list[tuple[int, Any]], last_stop: int
) -> tuple[list[tuple[int, Any, Any]], int]:
    """In a worker: run ``fn`` over a task's ``[(input, item), ...]``; return
    ``([(input, data to write, result), ...], number of the last input stopped)``.

    An item of an input already stopped (``last_stop``: by earlier tasks as far as known,
    then by this one: an error after its good lines, or an exception, whose result is a
    :class:`Failed`) is neither run nor returned, and the next input's items go on.
    """
    done: list[tuple[int, Any, Any]] = []
    for group, item in items:
        if group <= last_stop:
            continue
        try:
            data, result, stop = fn(item)
        except Exception as exc:  # this input fails here (the parent reports it)
            data, result, stop = None, Failed(exc), True
        done.append((group, data, result))
        if stop:
            last_stop = group
    return done, last_stop


def render(
    done: list[tuple[int, Any, Any]], stopped: int, carry: Carry | None, value: Any
) -> tuple[bytes, list[tuple[int, Any]], Any]:
    """What a task whose turn it is writes: the data of its items of inputs that earlier
    tasks did not stop (``stopped``: exact now), each deferred one (a callable) made with the
    ``carry`` value before it. Returns ``(bytes, [(input, result), ...], carry value after)``.
    """
    parts: list[bytes] = []
    pairs: list[tuple[int, Any]] = []
    step = carry[1] if carry is not None else None
    for group, data, result in done:
        if group <= stopped:
            continue
        if callable(data):
            data = data(value)
        if data:
            parts.append(data)
        pairs.append((group, result))
        if step is not None:
            value = step(value, group, result)
    return b"".join(parts), pairs, value


class StopMark:
    """The number of the last input stopped (-1: none): a plain number until workers start
    (so that a small input never imports ``multiprocessing``, some 30 ms), then, for a
    process pool, a number in memory shared with its workers."""

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


def grouped_items(groups: Iterable[Iterable[Any]], stopped: Any) -> Iterator[tuple[int, Any]]:
    """``(input number, item)`` for the items of each input in turn, while the input is not
    stopped; an input whose items fail (a read error) gives ``(number, Failed(exc))``."""
    for g, items in enumerate(groups):
        it = iter(items)
        while stopped.value < g:
            try:
                item = next(it)
            except StopIteration:
                break
            except Exception as exc:
                yield g, Failed(exc)
                break
            yield g, item


def size_batches(
    items: Iterable[Any], size: Callable[[Any], int], most: int
) -> Iterator[list[Any]]:
    """Consecutive runs of *items* of at most *most* by *size* (a larger item alone).

    Why never more than *most*: a file's short last chunk joined to the next file's first
    full one made tasks of uneven size, and workers wait for each other's turn to write (a
    directory of 20 files of 5 MB: tokenize --jobs 2 in 1.53-1.75 s against 1.40-1.45 s
    without batches).

    >>> list(size_batches([1, 2, 3, 9, 1], lambda n: n, 5))
    [[1, 2], [3], [9], [1]]
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


def by_input(results: Iterable[tuple[int, Any]], n: int) -> Iterator[tuple[int, Iterator[Any]]]:
    """``(i, results of input i)`` for inputs ``0 .. n-1`` from ``ordered_write``'s stream,
    in order (an input with no results gets an empty iterator). A :class:`Failed` result
    raises its exception from the input's iterator, after the results before it; what an
    input's consumer leaves unread is skipped."""
    it = iter(results)
    head: tuple[int, Any] | None = next(it, None)

    def of(g: int) -> Iterator[Any]:
        nonlocal head
        while head is not None and head[0] == g:
            result = head[1]
            head = next(it, None)
            if isinstance(result, Failed):
                raise result.exc
            yield result

    for g in range(n):
        yield g, of(g)
        while head is not None and head[0] == g:
            head = next(it, None)


def one_input(results: Iterator[tuple[int, Any]]) -> Iterator[Any]:
    """The results of ``ordered_write`` run on one input (see :func:`by_input`); the stream
    is closed after them, so its workers are gone when this ends."""
    try:
        for _, done in by_input(results, 1):
            yield from done
    finally:
        results.close()  # type: ignore[attr-defined]
