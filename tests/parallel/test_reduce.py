"""``newskit.parallel.map_reduce``: exact reductions whatever the workers, stops and failures.

A toy reduction sums numbers: each input's result is its sum, the total is the sum of every
item that counts, and a separate "total only" figure (the way ``stats`` counts bigrams straight
into the total) must come out the same. Items of an input after the one that stops it must
count for nothing, wherever they ran.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import child_processes
from newskit.parallel import Failed, Tuning, WorkerDied, map_reduce

PARENT = os.getpid()


class Sums:
    """States are Counters: ``n`` (read by results) and ``all`` (total only)."""

    def zero(self) -> Counter[str]:
        return Counter()

    def new(self, total: Counter[str] | None) -> Counter[str]:
        return Counter()

    def commit(self, total: Counter[str], state: Counter[str], shared: bool) -> Counter[str]:
        total["all"] += state.pop("all", 0)
        return state

    def merge(self, into: Counter[str], other: Counter[str]) -> Counter[str]:
        into.update(other)
        return into

    def finish(self, group: int, part: Counter[str]) -> tuple[int, int]:
        return group, part["n"]


def count(item: tuple[int, bool, bool], state: Counter[str]) -> tuple[Any, bool]:
    n, stop, die = item
    if die and os.getpid() != PARENT:
        os._exit(3)
    state["n"] += n
    state["all"] += n
    return (n, os.getpid()), stop


def failing_input(*items: tuple[int, bool, bool]) -> Any:
    yield from items
    raise OSError(5, "read error")


def expected(groups: list[list[tuple[int, bool, bool]]]) -> tuple[list[int], int]:
    sums = []
    for items in groups:
        s = 0
        for n, stop, _ in items:
            s += n
            if stop:
                break
        sums.append(s)
    return sums, sum(sums)


inputs = st.lists(
    st.lists(st.tuples(st.integers(1, 1000), st.booleans(), st.just(False)), max_size=6),
    min_size=1,
    max_size=8,
)
tunings = st.builds(
    Tuning,
    batch_bytes=st.integers(1, 4),
    in_process_items=st.integers(0, 5),
    depth=st.integers(1, 3),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=inputs, jobs=st.integers(1, 3), tuning=tunings)
def test_results_and_total_are_those_of_one_pass(
    groups: list[list[tuple[int, bool, bool]]], jobs: int, tuning: Tuning
) -> None:
    # (an item stops its input a third of the time: often in the middle of a split input)
    reduced = map_reduce(count, groups, Sums(), jobs=jobs, size=lambda _: 1, tuning=tuning)
    got = list(reduced)
    sums, total = expected(groups)
    assert [g for g, _, _ in got] == list(range(len(groups)))
    assert [result for _, _, result in got] == list(enumerate(sums))
    for (_, infos, _), items in zip(got, groups, strict=True):
        counted = [n for n, _ in infos]
        cut = next((i for i, (_, stop, _) in enumerate(items) if stop), len(items) - 1)
        assert counted == [n for n, _, _ in items[: cut + 1]]
    assert reduced.total == Counter({"n": total, "all": total})


def test_items_run_in_workers_and_a_failing_input_ends_with_its_failure() -> None:
    groups = [
        [(1, False, False)] * 5,
        failing_input((10, False, False), (20, False, False)),
        [(100, False, False)] * 5,
    ]
    reduced = map_reduce(
        count, groups, Sums(), jobs=2, size=lambda _: 1, tuning=Tuning(in_process_items=0)
    )
    got = list(reduced)
    assert [r for _, _, r in got] == [(0, 5), (1, 30), (2, 500)]
    infos = got[1][1]
    assert [i[0] for i in infos[:2]] == [10, 20]
    assert isinstance(infos[2], Failed) and infos[2].exc.strerror == "read error"
    pids = {
        pid for _, infos, _ in got for i in infos if not isinstance(i, Failed) for pid in [i[1]]
    }
    assert PARENT not in pids and len(pids) == 2
    assert reduced.total == Counter({"n": 535, "all": 535})


def test_a_worker_that_dies_ends_the_run_with_an_error() -> None:
    groups = [[(1, False, False)] * 20, [(1, False, True)], [(1, False, False)] * 20]
    reduced = map_reduce(
        count, groups, Sums(), jobs=2, size=lambda _: 1, tuning=Tuning(in_process_items=0)
    )
    before = child_processes()
    with pytest.raises(WorkerDied, match="ended unexpectedly"):
        list(reduced)
    assert child_processes() <= before  # no worker left, running or not waited for


def bug(item: int, state: Counter[str]) -> tuple[Any, bool]:
    if item == 3:
        raise ZeroDivisionError("a bug in the function")
    state["n"] += item
    return item, False


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_in_the_function_stops_the_run(jobs: int) -> None:
    # bad input is reported in the info; an exception is a bug and must not pass unseen
    reduced = map_reduce(
        bug,
        [[1, 2], [3], [4]],
        Sums(),
        jobs=jobs,
        size=lambda _: 1,
        tuning=Tuning(in_process_items=0),
    )
    with pytest.raises(ZeroDivisionError, match="a bug"):
        list(reduced)
