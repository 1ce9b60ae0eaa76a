"""How a run is split between this process and its workers: one frozen object, no globals.

Why an object: the figures below were module constants that tests and benchmarks
monkeypatched; a value passed down makes every decision visible where it is taken, and lets a
test force workers on a small input (``NEWSKIT_TUNING=workers_from_bytes=0``) without reaching
into a module.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass

#: Environment variable read by :meth:`Tuning.from_env` (``name=value,name=value``).
ENV = "NEWSKIT_TUNING"


@dataclass(frozen=True)
class Tuning:
    """Sizes that decide how work is cut and when workers start.

    ``batch_bytes``: small items (small files) go to a worker together, up to this size (a
    task per file of a few KB cost more in hand-over than the file's work).
    ``workers_from_bytes``: inputs adding up to less than this are done in this process
    (starting workers costs 30-60 ms: more than normalizing 8 MiB saves; each pipeline
    passes its own figure, by how long a MiB takes it).
    ``in_process_items``: leading items of an input of unknown size (stdin, ``.gz``, a named
    pipe) done here before workers start: a short stream never starts them.
    ``depth``: tasks in flight per worker (results are small, so workers never wait for the
    parent to hand them the next one).
    ``chunk_bytes``: bytes of whole lines (or whole documents) per item of a large input;
    None: :data:`newskit.io.BLOCK_SIZE`.
    """

    batch_bytes: int = 1 << 20
    workers_from_bytes: int = 8 << 20
    in_process_items: int = 2
    depth: int = 16
    chunk_bytes: int | None = None

    @classmethod
    def from_env(cls, **defaults: int) -> Tuning:
        """A tuning with ``defaults`` (a pipeline's own figures), overridden by the
        ``NEWSKIT_TUNING`` environment variable (for tests and experiments).

        >>> Tuning.from_env(workers_from_bytes=1 << 20).workers_from_bytes
        1048576
        """
        tuning = cls(**defaults)  # type: ignore[arg-type]
        spec = os.environ.get(ENV, "").strip()
        if not spec:
            return tuning
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, int] = {}
        for part in spec.split(","):
            name, _, value = part.partition("=")
            name = name.strip()
            if name not in fields:
                raise ValueError(f"{ENV}: unknown setting {name!r} (one of {sorted(fields)})")
            values[name] = int(value)
        return dataclasses.replace(tuning, **values)  # type: ignore[arg-type]

    def in_process(self, sizes: Iterable[int | None]) -> int:
        """How many leading items to run in this process before workers start, for inputs of
        these byte ``sizes`` (None: unknown, a stream): all of them (``sys.maxsize``) when
        the sizes add up to less than :attr:`workers_from_bytes`, none when more (no item
        need wait), :attr:`in_process_items` when a size is unknown.

        >>> Tuning().in_process([1000, 2000]) == sys.maxsize
        True
        >>> Tuning().in_process([1000, None])
        2
        """
        total = 0
        for size in sizes:
            if size is None:
                return self.in_process_items
            total += size
        return sys.maxsize if total < self.workers_from_bytes else 0


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes for ``--jobs N``: 0 or None means one per CPU this process may use.

    >>> resolve_jobs(3)
    3
    """
    if jobs:
        return jobs
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1
