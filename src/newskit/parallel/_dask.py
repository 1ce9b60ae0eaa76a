"""The Dask back end: the same map-reduce and ordered map, run on a Dask cluster.

Why Dask: the people who run newskit on tens of GB already run a cluster (Slurm, Kubernetes, a
few machines), and Dask starts on all of them (``dask-jobqueue``, ``dask-kubernetes``,
``dask-mpi``); it is pure Python and imported only when ``--dask`` is given.

What crosses the network: tasks name their input (a path and a byte range, a Parquet row
group: workers read it themselves from a file system they share with the client), and only
small results come back (an input's row, each item's info, the corpus total at the end).
States are merged on the cluster, in a tree; an input's states are reduced only once every
item before them is known to count (the rule of :mod:`._reduce`), so an input that stops
part-way counts exactly as with one process.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newskit.parallel._common import ClusterError, Failed
from newskit.parallel._reduce import Reduced, ReduceFn, Reduction

#: Environment variable holding a scheduler address when ``--dask`` is not given.
ENV = "DASK_SCHEDULER_ADDRESS"
#: States merged by one task of the tree reduction.
FAN_IN = 8


def code_digest() -> str:
    """A digest of newskit's own source files: equal on the client and every worker when
    they run the same code (the version alone does not tell a development checkout apart)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _installed() -> tuple[str, str]:
    import newskit

    return newskit.__version__, code_digest()


def _check_versions(client: Any) -> None:
    """Stop with a clear message unless every worker runs the newskit this client runs
    (Dask unpickles tasks on the workers, which must import the same functions)."""
    mine = _installed()
    try:
        theirs = client.run(_installed)
    except ModuleNotFoundError as exc:  # pragma: no cover - needs a worker without newskit
        raise ClusterError(
            f"newskit is not installed on a Dask worker ({exc}); install newskit {mine[0]}"
            " in the workers' environment"
        ) from None
    wrong = {w: v for w, v in theirs.items() if v != mine}
    if wrong:
        lines = ", ".join(f"{w} has {v[0]} ({v[1]})" for w, v in sorted(wrong.items()))
        raise ClusterError(
            f"the Dask workers must run the same newskit as this client ({mine[0]}, code"
            f" {mine[1]}): {lines}; install the same version on every machine"
        )


@dataclass
class DaskEngine:
    """A connected client (and, for ``local:N``, the cluster it started)."""

    client: Any
    cluster: Any = None
    progress: bool = False

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    # -- ordered map ------------------------------------------------------------------------
    def ordered_map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """``map`` on the cluster, results in order, at most a few tasks a worker in flight
        (the results come back to this process)."""
        window = 4 * self.workers
        pending: collections.deque[Any] = collections.deque()
        for item in items:
            pending.append(self.client.submit(fn, item, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    # -- map-reduce ---------------------------------------------------------------------------
    def map_reduce(
        self, fn: ReduceFn, groups: Iterable[Iterable[Any]], reduction: Reduction[Any, Any]
    ) -> Reduced[Any, Any]:
        """:func:`newskit.parallel.map_reduce` on the cluster (see the module docstring)."""
        out: Reduced[Any, Any] = Reduced(iter(()))
        out._it = self._reduce(fn, groups, reduction, out)
        return out

    def _reduce(
        self,
        fn: ReduceFn,
        groups: Iterable[Iterable[Any]],
        reduction: Reduction[Any, Any],
        out: Reduced[Any, Any],
    ) -> Iterator[tuple[int, list[Any], Any]]:
        """Items are submitted a window at a time, in input order; the oldest one's info is
        awaited, and once an item is known to count its state is merged into its input's
        running part on the cluster (:data:`FAN_IN` at a time), so memory holds a window of
        states, not an input's: a 20 GB file is a few thousand items."""
        client = self.client
        window = 4 * self.workers
        bar = _Progress(self.progress)
        totals: list[Any] = []
        pending: collections.deque[tuple[int, Any]] = collections.deque()  # (group, future)
        opened: dict[int, _Open] = {}
        items = _numbered(groups)

        def submit_more() -> None:
            while len(pending) < window:
                entry = next(items, None)
                if entry is None:
                    return
                g, item = entry
                st = opened.setdefault(g, _Open())
                if isinstance(item, Failed):
                    pending.append((g, item))
                elif item is _END:
                    pending.append((g, _END))
                elif not st.stopped:
                    pending.append((g, client.submit(_run, fn, reduction, item, pure=False)))

        def close(g: int) -> tuple[int, list[Any], Any]:
            st = opened.pop(g)
            if st.parts:
                part = _tree(client, reduction, st.parts + st.batch)
            elif st.batch:
                part = _tree(client, reduction, st.batch)
            else:
                part = client.submit(_zero, reduction, pure=False)
            result = client.submit(_finish, reduction, g, part, pure=False).result()
            totals.append(part)
            if len(totals) >= FAN_IN:
                totals[:] = [_tree(client, reduction, totals)]
            return g, st.infos, result

        try:
            submit_more()
            while pending:
                g, head = pending.popleft()
                st = opened[g]
                if head is _END:
                    yield close(g)
                elif isinstance(head, Failed):
                    st.infos.append(head)
                    st.stopped = True
                elif not st.stopped:
                    info, stop = client.submit(_info, head, pure=False).result()
                    bar.advance(info)
                    st.infos.append(info)
                    st.batch.append(head)
                    st.stopped = stop
                    if len(st.batch) >= FAN_IN:
                        st.parts.append(_tree(client, reduction, st.batch))
                        st.batch = []
                        if len(st.parts) >= FAN_IN:
                            st.parts = [_tree(client, reduction, st.parts)]
                # (an item after its input stopped is dropped: it counts for nothing)
                submit_more()
            total = _tree(client, reduction, totals) if totals else None
            out.total = reduction.zero() if total is None else total.result()
        finally:
            bar.close()


_END = object()  # (the end of an input, in the stream of items)


@dataclass
class _Open:
    """An input whose items are being reduced on the cluster."""

    infos: list[Any] = dataclasses.field(default_factory=list)
    batch: list[Any] = dataclasses.field(default_factory=list)  # items' futures, to merge
    parts: list[Any] = dataclasses.field(default_factory=list)  # merged batches
    stopped: bool = False


def _numbered(groups: Iterable[Iterable[Any]]) -> Iterator[tuple[int, Any]]:
    """``(input, item)`` for every item, then ``(input, _END)``; an input whose items fail
    to be read gives ``(input, Failed(exc))`` before its end."""
    for g, items in enumerate(groups):
        try:
            for item in items:
                yield g, item
        except Exception as exc:
            yield g, Failed(exc)
        yield g, _END


def _run(fn: ReduceFn, reduction: Reduction[Any, Any], item: Any) -> tuple[Any, Any, bool]:
    """On a worker: an item's state, its info and whether it stops its input."""
    state = reduction.new(None)
    info, stop = fn(item, state)
    return state, info, stop


def _info(done: tuple[Any, Any, bool]) -> tuple[Any, bool]:
    return done[1], done[2]


def _zero(reduction: Reduction[Any, Any]) -> Any:
    return reduction.zero()


def _merge(reduction: Reduction[Any, Any], *parts: Any) -> Any:
    """On a worker: merge states (an item's done tuple counts by its state)."""
    total = reduction.zero()
    for part in parts:
        total = reduction.merge(total, part[0] if isinstance(part, tuple) else part)
    return total


def _finish(reduction: Reduction[Any, Any], group: int, part: Any) -> Any:
    return reduction.finish(group, part)


def _tree(client: Any, reduction: Reduction[Any, Any], futures: list[Any]) -> Any:
    """One future of the merge of ``futures`` (states, or items' done tuples), merged
    :data:`FAN_IN` at a time on the cluster (never here)."""
    level = list(futures)
    while True:
        level = [
            client.submit(_merge, reduction, *level[i : i + FAN_IN], pure=False)
            for i in range(0, len(level), FAN_IN)
        ]
        if len(level) == 1:
            return level[0]


class _Progress:
    """A progress bar on stderr when it is a terminal (Rich, drawn by :mod:`newskit.render`
    would be the place, but the engine must not import it: a plain counter instead)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bytes = 0

    def advance(self, info: Any) -> None:
        if not self.enabled:
            return
        self.bytes += getattr(info, "bytes", 0) or 0
        sys.stderr.write(f"\rnewskit: {self.bytes / 1e6:,.0f} MB done")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def parse_address(address: str) -> tuple[str, Any]:
    """``("local", N)``, ``("file", path)`` or ``("address", address)`` for ``--dask``."""
    if address.startswith("local:"):
        try:
            n = int(address.removeprefix("local:"))
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"--dask local:N needs a number of workers, not {address!r}")
        return "local", n
    if address.endswith(".json") or (os.path.exists(address) and not address.startswith("tcp")):
        return "file", address
    return "address", address


@contextlib.contextmanager
def connect(
    address: str, *, progress: bool = False, say: Callable[[str], None] | None = None
) -> Iterator[DaskEngine]:
    """A :class:`DaskEngine` on the cluster at ``address`` (see :func:`parse_address`):
    ``local:N`` starts a ``LocalCluster`` of N single-threaded worker processes for this run.
    ``say`` gets the dashboard address (for stderr)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(
            "--dask needs Dask: pip install 'newskit[scale]' (dask[distributed], pyarrow)"
        ) from None
    kind, where = parse_address(address)
    cluster = None
    try:
        if kind == "local":
            cluster = LocalCluster(
                n_workers=where,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=40,  # (logging.ERROR: the cluster's chatter is not the data's)
            )
            client = Client(cluster)
        elif kind == "file":
            client = Client(scheduler_file=where, timeout="20s")
        else:
            client = Client(where, timeout="20s")
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        _check_versions(client)
        if say is not None and client.dashboard_link:
            say(f"newskit: Dask dashboard at {client.dashboard_link}")
        yield DaskEngine(client, cluster, progress)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
