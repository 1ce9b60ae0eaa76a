"""Shard and merge with no engine at all: ``--shard K/N`` runs a deterministic K-th of a
run's items, ``stats --save-state FILE`` writes what it found in a mergeable form, and
``stats --merge STATE...`` prints what one run over all of the input prints.

Why contiguous shards (by bytes, in input order) and not every N-th item: an input that
stops part-way (a bad byte) must count only its items before the stop, and with contiguous
shards each shard holds one run of each input's items. An input wholly inside a shard is
finished there (its row, and its statistics added to the shard's total); an input cut by a
shard boundary is kept as *segments* (the merged state of the shard's run of its items, where
they start and end, whether one stopped it), which the merge puts in order, keeping the
segments up to the first stop. At most N - 1 inputs are cut, so state files stay small.

State files are gzip-compressed JSON (no pickle: a state file may come from another
machine), versioned, and carry the options that decide the figures: merging states of runs
with other options, another newskit, or another set of inputs is refused.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newskit.stats import CorpusStats

FORMAT = 1
KIND = "newskit-stats-state"


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)`` with ``1 <= K <= N``.

    >>> parse_shard("2/8")
    (2, 8)
    """
    k, sep, n = value.partition("/")
    try:
        kk, nn = int(k), int(n)
    except ValueError:
        kk = nn = 0
    if not sep or nn < 1 or not 1 <= kk <= nn:
        raise ValueError(f"--shard takes K/N with 1 <= K <= N, not {value!r}")
    return kk, nn


def shard_items(sizes: Sequence[int], k: int, n: int) -> range:
    """The items (indices into ``sizes``, the run's items in order) of shard ``k`` of ``n``:
    a contiguous run, cut where the bytes before an item reach ``(k - 1) / n`` of all of them
    (each item has at least one byte's weight). Every item is in exactly one shard.

    >>> [list(shard_items([5, 5, 5, 5], k, 2)) for k in (1, 2)]
    [[0, 1], [2, 3]]
    """
    weights = [max(1, s) for s in sizes]
    total = sum(weights)

    def start(j: int) -> int:
        if j >= n:
            return len(weights)
        bound = total * j / n
        seen = 0
        for i, w in enumerate(weights):
            if seen >= bound:
                return i
            seen += w
        return len(weights)

    return range(start(k - 1), start(k))


def _encode(value: Any) -> Any:
    if isinstance(value, Counter | dict):
        return [[_encode(k), v] for k, v in value.items()]
    if isinstance(value, tuple):
        return list(value)
    return value


def _decode_key(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def stats_to_state(st: CorpusStats) -> dict[str, Any]:
    """A JSON-ready dict of every field of ``st`` (counters as ``[key, count]`` pairs)."""
    return {f.name: _encode(getattr(st, f.name)) for f in dataclasses.fields(st)}


def stats_from_state(state: dict[str, Any]) -> CorpusStats:
    """The :class:`CorpusStats` :func:`stats_to_state` was made from (fields it does not
    know stay empty: a state from an older newskit merges as far as it goes)."""
    st = CorpusStats()
    for f in dataclasses.fields(st):
        if f.name not in state:
            continue
        value = state[f.name]
        current = getattr(st, f.name)
        if isinstance(current, Counter):
            setattr(st, f.name, Counter({_decode_key(k): v for k, v in value}))
        elif isinstance(current, dict):
            setattr(st, f.name, {_decode_key(k): v for k, v in value})
        else:
            setattr(st, f.name, value)
    return st


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Write a state file (atomically: a half-written state is never mistaken for one)."""
    from newskit.io import atomic_write

    data = json.dumps({"kind": KIND, "format": FORMAT, **state}, ensure_ascii=False)
    with atomic_write(path, gzipped=False) as out:
        out.write(gzip.compress(data.encode("utf-8"), compresslevel=6))


def read_state(path: Path) -> dict[str, Any]:
    """Read a state file; ``ValueError`` naming the file if it is not one."""
    try:
        state = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{path}: not a newskit state file ({exc})") from None
    if not isinstance(state, dict) or state.get("kind") != KIND:
        raise ValueError(f"{path}: not a newskit state file")
    if state.get("format") != FORMAT:
        raise ValueError(f"{path}: state format {state.get('format')}, this newskit reads {FORMAT}")
    return state
