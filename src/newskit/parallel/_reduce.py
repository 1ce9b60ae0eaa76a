"""Map-reduce over the items of several inputs, exact when an input stops part-way.

Each item (a small file, a byte range of a large one) adds to a *state* (for ``stats``: a
``CorpusStats``); the states of an input's items make that input's *part*, from which its
*result* (a row) is made, and every part goes into the *total*. A worker adds the items it runs
of an input straight into its part of that input (no state per item, no merging per item);
at the input's end, a worker that holds all of the part makes the result itself, and parts held
by several workers come here, are merged, and the result is made here. Only results, parts of
split inputs and one running total per worker cross the process boundary: merging every file's
counters here once took a CPU from the workers (1.4 s per 40 MB).

An input may stop at an item (invalid UTF-8): its later items must count for nothing. This
process knows which worker ran which item; a worker whose part mixes items before the stop
with items after it cannot take the latter out, so then every worker drops its part of that
input and this process counts the input's items up to the stop again itself. That costs time
only for inputs with bad data, and the result is exact either way.

The same shape serves a cluster: the Dask back end (:mod:`._dask`) keeps the states as futures
on the workers and merges the ones that count in a tree.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from newskit.parallel._common import Failed, size_batches
from newskit.parallel._forked import Worker, pipe_messages, start_workers

S = TypeVar("S")
R = TypeVar("R")

#: ``fn(item, state) -> (info, stop)``: fill ``state`` from the item; ``info`` (small)
#: comes back to this process in order; ``stop`` ends the item's input after it.
ReduceFn = Callable[[Any, Any], tuple[Any, bool]]

_EMPTY = object()  # the "item" of an input that has none
_LOCAL = -1  # this process, as the holder of items it ran itself


class Reduction(Protocol[S, R]):
    """How states are made, merged and turned into results (see the module docstring)."""

    def zero(self) -> S:
        """An empty state."""
        ...

    def new(self, total: S | None) -> S:
        """A state for one item. With ``total`` the item is known to count (it is an input
        of its own, or items run in order), and the state may share with ``total`` what
        :meth:`commit` would add to it, to save merging it later."""
        ...

    def commit(self, total: S, state: S, shared: bool) -> S:
        """Add to ``total`` what no result reads (unless ``shared``: it is there already)
        and return the rest, which goes into the item's input's part."""
        ...

    def merge(self, into: S, other: S) -> S:
        """``into + other``, in place if it likes; ``other`` is left alone."""
        ...

    def finish(self, group: int, part: S) -> R:
        """Input ``group``'s result from its part (which then goes into the total)."""
        ...


class _Holder(Generic[S, R]):
    """Runs items and keeps parts: in a worker, or in this process for the items it runs."""

    def __init__(self, fn: ReduceFn, reduction: Reduction[S, R]) -> None:
        self.fn = fn
        self.reduction = reduction
        self.total = reduction.zero()
        self.parts: dict[int, S] = {}

    def run(self, group: int, index: int, item: Any, whole: bool) -> tuple[Any, bool, Any]:
        """Run one item; return ``(info, stop, result)``, the result only for a ``whole``
        input (its only item), which counts at once."""
        red = self.reduction
        if whole:
            state = red.new(self.total)
            info, stop = self.fn(item, state)
            part = red.commit(self.total, state, True)
            result = red.finish(group, part)
            self.total = red.merge(self.total, part)
            return info, stop, result
        state = self.parts.get(group)
        if state is None:
            state = self.parts[group] = red.new(None)
        info, stop = self.fn(item, state)
        return info, stop, None

    def finish(self, group: int, mode: str) -> Any:
        """End ``group``: ``"row"``: make its result here and return it; ``"part"``: return
        this holder's part; ``"drop"``: what this holder added counts for nothing."""
        part = self.parts.pop(group, None)
        if mode == "drop":
            return None
        red = self.reduction
        part = red.commit(self.total, red.zero() if part is None else part, False)
        if mode == "part":
            return part
        result = red.finish(group, part)
        self.total = red.merge(self.total, part)
        return result


def _reduce_worker(fn: ReduceFn, reduction: Reduction[Any, Any], tasks: int, messages: int) -> None:
    """A worker of :func:`forked_reduce`: serve messages until ``end`` or the pipe's end."""
    receive, send = pipe_messages(tasks, messages)
    holder = _Holder(fn, reduction)
    while True:
        message = receive()
        if message is None:
            return
        kind = message[0]
        if kind == "task":
            _, seq, items = message
            try:
                out = [(g, i, whole, *holder.run(g, i, item, whole)) for g, i, item, whole in items]
            except Exception as exc:  # a bug, not an input's fault: the command stops
                send(("error", _picklable(exc), None))
                return
            send(("done", seq, out))
        elif kind == "finish":
            _, group, mode = message
            reply = holder.finish(group, mode)
            if mode != "drop":
                send((mode, group, reply))
        else:  # "end"
            send(("total", None, holder.total))
            return


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class _Group:
    """What this process knows of one input while its items run."""

    __slots__ = ("count", "done", "exhausted", "holders", "items", "last", "result", "stop")

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, bool]] = {}  # item -> (info, stop)
        self.holders: dict[int, int] = {}  # item -> holder (worker number or _LOCAL)
        self.exhausted = False  # no more items will come
        self.stop: int | None = None  # the first item that stopped the input
        self.count = 0  # items the input gave so far
        self.items: dict[int, Any] = {}  # item -> the item (counted again if parts are mixed)
        self.last = -1  # set at the end: the last item that counts
        self.result: Any = _EMPTY

    def complete(self) -> bool:
        return self.exhausted and len(self.done) == self.count

    def infos(self) -> list[Any]:
        return [self.done[i][0] for i in range(self.last + 1)]


class Reduced(Generic[S, R]):
    """The results of :func:`newskit.parallel.map_reduce`: iterate for ``(input, infos,
    result)`` in input order; then :attr:`total` holds the merged state of everything."""

    def __init__(self, it: Iterator[tuple[int, list[Any], R]]) -> None:
        self._it = it
        self.total: S | None = None

    def __iter__(self) -> Iterator[tuple[int, list[Any], R]]:
        return self._it

    def __next__(self) -> tuple[int, list[Any], R]:
        return next(self._it)


def _items(
    groups: Iterable[Iterable[Any]], state: dict[int, _Group]
) -> Iterator[tuple[int, int, Any, bool]]:
    """``(input, item number, item, whole)`` for every item, looking one item ahead to know
    whether an input has only one; an input that has stopped gives no more; a failing input
    gives a :class:`Failed` item and ends."""
    for g, items in enumerate(groups):
        st = state[g] = _Group()
        it = iter(items)
        index = 0
        try:
            current = next(it, _EMPTY)
        except Exception as exc:
            current = Failed(exc)
        if current is _EMPTY:
            st.exhausted = True
            st.count = 1
            yield g, 0, _EMPTY, True
            continue
        while True:
            if isinstance(current, Failed):
                st.exhausted = True
                st.count += 1
                yield g, index, current, False
                break
            if st.stop is not None:
                st.exhausted = True
                break
            try:
                following = next(it, _EMPTY)
            except Exception as exc:
                following = Failed(exc)
            if following is _EMPTY:
                st.exhausted = True
            st.count += 1
            yield g, index, current, index == 0 and following is _EMPTY
            if following is _EMPTY:
                break
            current, index = following, index + 1


def forked_reduce(
    fn: ReduceFn,
    groups: Iterable[Iterable[Any]],
    reduction: Reduction[S, R],
    jobs: int,
    size: Callable[[Any], int],
    warm: Callable[[], object] | None,
    in_process: int,
    batch_bytes: int,
    depth: int,
    out: Reduced[S, R],
    rerun: Callable[[Any], bool] = lambda item: True,
) -> Iterator[tuple[int, list[Any], R]]:
    """See :func:`newskit.parallel.map_reduce`."""
    import pickle
    import select

    state: dict[int, _Group] = {}
    local: _Holder[S, R] = _Holder(fn, reduction)
    items = _items(groups, state)
    workers: list[Worker] = []
    waiting: dict[int, int] = {}  # input -> replies still awaited for its result
    parts: dict[int, S] = {}  # input -> the parts that came here, merged
    next_out = 0
    in_flight = 0
    seq = itertools.count()

    def settle(g: int) -> None:
        """Once every item of split input ``g`` is done, end it (see the module docstring)."""
        st = state[g]
        if not st.complete() or st.last >= 0:
            return
        st.last = st.stop if st.stop is not None else st.count - 1
        valid = {st.holders[i] for i in range(st.last + 1) if i in st.holders}
        after = {h for i, h in st.holders.items() if i > st.last}
        mixed = valid & after
        for holder in (valid | after) if mixed else after - valid:
            if holder == _LOCAL:
                local.finish(g, "drop")
            else:
                workers[holder].send(("finish", g, "drop"), task=False)
        if mixed:  # (a part holds items after the stop: count the input again, here)
            part = reduction.new(None)
            for i in range(st.last + 1):
                if i not in st.items:  # pragma: no cover - the caller's promise broken
                    raise RuntimeError(f"item {i} of input {g} cannot be counted again")
                fn(st.items[i], part)
            part = reduction.commit(local.total, part, False)
            st.result = reduction.finish(g, part)
            local.total = reduction.merge(local.total, part)
            return
        if not valid:  # (the input failed at its first item)
            st.result = reduction.finish(g, reduction.zero())
            return
        mode = "row" if len(valid) == 1 else "part"
        waiting[g] = len(valid)
        for holder in sorted(valid):
            if holder == _LOCAL:
                reply(mode, g, local.finish(g, mode))
            else:
                workers[holder].send(("finish", g, mode), task=False)

    def reply(mode: str, g: int, body: Any) -> None:
        """A holder's answer to ``finish``: the result, or its part of input ``g``."""
        st = state[g]
        waiting[g] -= 1
        if mode == "row":
            st.result = body
        else:
            mine = parts.get(g)
            parts[g] = body if mine is None else reduction.merge(mine, body)
            if waiting[g] == 0:
                part = parts.pop(g)
                st.result = reduction.finish(g, part)
                local.total = reduction.merge(local.total, part)
        if waiting[g] == 0:
            del waiting[g]

    def record(g: int, i: int, whole: bool, info: Any, stop: bool, result: Any) -> None:
        st = state[g]
        st.done[i] = (info, stop)
        if stop and (st.stop is None or i < st.stop):
            st.stop = i
        if whole:  # (its only item, which made its result)
            st.last = 0
            st.result = result
        else:
            settle(g)

    def run_here(g: int, i: int, item: Any, whole: bool) -> None:
        st = state[g]
        if item is _EMPTY:
            st.result = reduction.finish(g, reduction.zero())
        elif isinstance(item, Failed):
            record(g, i, False, item, True, None)
        else:
            st.holders[i] = _LOCAL
            if not whole and rerun(item):
                st.items[i] = item
            record(g, i, whole, *local.run(g, i, item, whole))

    def ready() -> Iterator[tuple[int, list[Any], R]]:
        nonlocal next_out
        while next_out in state and state[next_out].result is not _EMPTY:
            st = state.pop(next_out)
            yield next_out, st.infos(), st.result
            next_out += 1

    try:
        for entry in itertools.islice(items, in_process):
            run_here(*entry)
            yield from ready()
        first = next(items, None)
        for g in [g for g, st in state.items() if st.last < 0 and st.complete()]:
            settle(g)
        if first is not None:
            if warm is not None:
                warm()  # before forking, so every worker inherits compiled patterns and tables

            def target(tasks: int, messages: int) -> None:
                _reduce_worker(fn, reduction, tasks, messages)

            workers = start_workers(jobs, target)

            def item_size(entry: tuple[int, int, Any, bool]) -> int:
                item = entry[2]
                return batch_bytes if item is _EMPTY or isinstance(item, Failed) else size(item)

            batches = size_batches(itertools.chain([first], items), item_size, batch_bytes)
            more = True
            while True:
                while more and in_flight < jobs * depth:
                    batch = next(batches, None)
                    if batch is None:
                        more = False
                    elif batch[0][2] is _EMPTY or isinstance(batch[0][2], Failed):
                        run_here(*batch[0])  # (alone in its batch: see item_size)
                    else:
                        number = min(range(len(workers)), key=lambda w: workers[w].tasks)
                        for g, i, item, whole in batch:
                            state[g].holders[i] = number
                            if not whole and rerun(item):
                                state[g].items[i] = item
                        workers[number].send(("task", next(seq), batch))
                        in_flight += 1
                for g in [g for g, st in state.items() if st.last < 0 and st.complete()]:
                    settle(g)  # (an input seen to end only now: its items were all done)
                yield from ready()
                if not more and not state:
                    break
                readable, writable, _ = select.select(
                    [w.messages for w in workers], [w.tasks_fd for w in workers if w.outbox], []
                )
                for worker in workers:
                    if worker.tasks_fd in writable:
                        worker.flush()
                    if worker.messages not in readable:
                        continue
                    for kind, key, body in worker.receive(pickle.loads):
                        if kind == "done":
                            in_flight -= 1
                            worker.tasks -= 1
                            for entry in body:
                                record(*entry)
                        elif kind in ("row", "part"):
                            reply(kind, key, body)
                        elif kind == "error":
                            raise key
                        else:  # pragma: no cover - a protocol error
                            raise RuntimeError(f"unexpected message {kind!r} from a worker")
            for worker in workers:
                worker.send(("end",), task=False)
            for worker in workers:
                total: Any = _EMPTY
                while total is _EMPTY:
                    select.select([worker.messages], [worker.tasks_fd] if worker.outbox else [], [])
                    if worker.outbox:
                        worker.flush()
                    for kind, key, body in worker.receive(pickle.loads):
                        if kind == "error":
                            raise key
                        total = body
                local.total = reduction.merge(local.total, total)
        yield from ready()
        out.total = local.total
    finally:
        for worker in workers:
            worker.close(kill=out.total is None)


def serial_reduce(
    fn: ReduceFn,
    groups: Iterable[Iterable[Any]],
    reduction: Reduction[S, R],
    out: Reduced[S, R],
) -> Iterator[tuple[int, list[Any], R]]:
    """:func:`newskit.parallel.map_reduce` in this process: items run in order, so every
    state shares with the total at once and an input's items after a stop never run."""
    total = reduction.zero()
    for g, items in enumerate(groups):
        infos: list[Any] = []
        part: S | None = None
        it = iter(items)
        while True:
            try:
                item = next(it)
            except StopIteration:
                break
            except Exception as exc:  # the input's items failed (a read error)
                infos.append(Failed(exc))
                break
            state = reduction.new(total)
            info, stop = fn(item, state)
            got = reduction.commit(total, state, True)
            part = got if part is None else reduction.merge(part, got)
            infos.append(info)
            if stop:
                break
        if part is None:
            part = reduction.zero()
        result = reduction.finish(g, part)
        total = reduction.merge(total, part)
        yield g, infos, result
    out.total = total
