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
from dataclasses import dataclass
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


# -- a shard's run --------------------------------------------------------------------------
def _stats_state(st: Any) -> dict[str, Any]:
    """A :class:`CorpusStats` or a ``ByLang`` as JSON-ready data."""
    from newskit.pipeline.stats import ByLang

    if isinstance(st, ByLang):
        return {
            "by_lang": {lang: stats_to_state(x) for lang, x in st.langs.items()},
            "rest": stats_to_state(st.rest),
        }
    return stats_to_state(st)


def _stats_of(state: dict[str, Any]) -> Any:
    from newskit.pipeline.stats import ByLang

    if "by_lang" in state:
        out = ByLang()
        out.langs = {lang: stats_from_state(x) for lang, x in state["by_lang"].items()}
        out.rest = stats_from_state(state["rest"])
        return out
    return stats_from_state(state)


def _item_key(item: Any) -> list[Any]:
    from newskit.parquet import RowGroup
    from newskit.pipeline.chunks import ByteRange

    part = item.part
    if part is None:
        return ["whole", item.size]
    if isinstance(part, ByteRange):
        return ["range", part.start, part.end]
    if isinstance(part, RowGroup):
        return ["rows", part.index, part.rows]
    return ["bytes", len(part.data)]


def _fingerprint(sources: list[Any], items: list[list[Any]], config: Any, by: str) -> str:
    """What must be equal for states to merge: newskit, the options that decide the
    figures, the inputs and how they were cut into items."""
    import hashlib

    import newskit

    what = {
        "newskit": newskit.__version__,
        "by": by,
        "doc_sep": config.doc_sep,
        "field": config.field,
        "errors": config.errors,
        "normalization": config.normalization,
        "quotes": config.quotes,
        "lang": config.langs.lang,
        "lang_field": config.langs.field,
        "inputs": [
            [s.name, [_item_key(i) for i in its]] for s, its in zip(sources, items, strict=True)
        ],
    }
    return hashlib.sha256(json.dumps(what, ensure_ascii=False).encode()).hexdigest()


@dataclass
class _Keep:
    """A reduction that keeps an input's whole state as its result (nothing goes to the
    total): the segments of an input that a shard boundary cuts."""

    inner: Any

    def zero(self) -> Any:
        return self.inner.zero()

    def new(self, total: Any) -> Any:
        return self.inner.new(None)

    def commit(self, total: Any, state: Any, shared: bool) -> Any:
        return state

    def merge(self, into: Any, other: Any) -> Any:
        return self.inner.merge(into, other)

    def finish(self, group: int, part: Any) -> Any:
        return part


def _info_state(info: Any) -> dict[str, Any]:
    from newskit.parallel import Failed

    if isinstance(info, Failed):
        from newskit.pipeline.inputs import failure_message

        kind, message = failure_message("", info.exc)
        return {"failed": [kind, message]}
    error = info.error
    if error is not None and not isinstance(error, str):
        error = {"path": error.path, "line": error.line, "message": error.message}
    return {
        "bytes": info.bytes,
        "replacements": info.replacements,
        "error": error,
        "warning": info.warning,
        "newlines": info.newlines,
    }


def run_shard(
    inputs: Any,
    sources: list[Any],
    config: Any,
    *,
    by: str,
    jobs: int,
    tuning: Any,
    dask: Any,
    shard: tuple[int, int],
    save_state: Path | None,
) -> int:
    """Run shard ``K/N`` of ``stats`` and write its state (see the module docstring)."""
    from newskit.pipeline.inputs import UsageError
    from newskit.pipeline.stats import (
        LangReduction,
        StatsCollector,
        StatsReduction,
        _items_of,
        iter_stats,
    )

    if any(s.is_stdin for s in sources):
        raise UsageError("--shard and --save-state need files (every shard lists the same inputs)")
    diag = inputs.diag
    k, n = shard
    items = [list(_items_of(s, config, 2, tuning)) for s in sources]
    flat = [(g, i) for g, its in enumerate(items) for i in range(len(its))]
    chosen = shard_items([items[g][i].size for g, i in flat], k, n)
    mine: dict[int, list[int]] = {}
    for j in chosen:
        g, i = flat[j]
        mine.setdefault(g, []).append(i)
    whole = [g for g, its in mine.items() if len(its) == len(items[g])]
    cut = [g for g in mine if g not in set(whole)]
    reduction = LangReduction() if by == "lang" else StatsReduction(by)

    # inputs wholly in this shard: finished here, as one run would
    collector = StatsCollector(by)
    rows: list[list[Any]] = []
    messages: list[list[Any]] = []
    results, reduced = iter_stats(
        [sources[g] for g in whole],
        config,
        by=by,
        jobs=jobs,
        tuning=tuning,
        dask=dask,
        groups=[items[g] for g in whole],
        reduction=reduction,
    )
    for g, r in zip(whole, results, strict=True):
        if r.warning:
            messages.append([g, "warn", r.warning])
        if r.error:
            messages.append([g, "error", r.error])
            diag.status = 1
        if r.replacements:
            messages.append([g, "replacements", r.replacements])
        if by == "file":
            rows.append([g, r.name, r.result])
        else:
            collector.add(r.name, r.result)
    total = reduced.total if whole else reduction.zero()
    if by == "lang":
        total = total.combined()

    # inputs a boundary cuts: each segment kept whole, with where it starts and ends
    segments: list[dict[str, Any]] = []
    if cut:
        _, seg = iter_stats(
            [sources[g] for g in cut],
            config,
            by=by,
            jobs=jobs,
            tuning=tuning,
            dask=dask,
            groups=[[items[g][i] for i in mine[g]] for g in cut],
            reduction=_Keep(reduction),
        )
        for g, (_, infos, part) in zip(cut, seg, strict=True):
            segments.append(
                {
                    "input": g,
                    "first": mine[g][0],
                    "last": mine[g][-1],
                    "infos": [_info_state(x) for x in infos],
                    "state": _stats_state(part),
                }
            )
    state = {
        "fingerprint": _fingerprint(sources, items, config, by),
        "by": by,
        "shard": [k, n],
        "inputs": [s.name for s in sources],
        "items": [len(its) for its in items],
        "rows": rows,
        "groups": {key: stats_to_state(st) for key, st in collector.groups().items()},
        "total": _stats_state(total),
        "segments": segments,
        "messages": messages,
    }
    if save_state is None:  # pragma: no cover - run_stats always passes one with --shard
        raise UsageError("--shard needs --save-state FILE")
    write_state(save_state, state)
    diag.info(
        f"newskit: shard {k}/{n}: {len(chosen)} of {len(flat)} items, {len(whole)} inputs"
        f" whole and {len(cut)} in part; state saved to {save_state}"
    )
    for _, kind, message in messages:
        if kind != "replacements":
            (diag.warn if kind == "warn" else diag.error)(message)
    return diag.status


# -- merging the shards' states ---------------------------------------------------------------
def _replay_info(info: dict[str, Any], name: str, lines: int) -> tuple[str | None, str | None]:
    """``(error, warning)`` of a saved item info, its line made absolute."""
    if "failed" in info:
        kind, message = info["failed"]
        return (None, message) if kind == "warn" else (message, None)
    error = info["error"]
    if isinstance(error, dict):
        from newskit.io import InputError

        line = None if error["line"] is None else error["line"] + lines
        error = str(InputError(error["path"], line, error["message"]))
    return error, info["warning"]


def run_merge(
    paths: Sequence[Path],
    diag: Any,
    *,
    fmt: str,
    sections: set[str],
    by: str,
    top: int,
    keep_stopwords: bool,
) -> int:
    """Print what one run over all the shards' inputs prints, from their state files;
    the messages of the inputs come again, in input order, on stderr."""
    from newskit.pipeline.inputs import UsageError
    from newskit.pipeline.stats import LangReduction, StatsCollector, StatsReduction, print_report

    try:
        states = [read_state(Path(p)) for p in paths]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not states:
        raise UsageError("--merge needs state files (written by --save-state)")
    first = states[0]
    for p, st in zip(paths, states, strict=True):
        if st["fingerprint"] != first["fingerprint"]:
            raise UsageError(
                f"{p} comes from another run ({paths[0]} and it differ in their inputs, options"
                " or newskit version): merge only the shards of one run"
            )
    if first["by"] != by:
        raise UsageError(f"the states were made with --by {first['by']}; merge with the same")
    n = first["shard"][1]
    seen = sorted(st["shard"][0] for st in states)
    if seen != list(range(1, n + 1)):
        missing = sorted(set(range(1, n + 1)) - set(seen))
        twice = sorted({k for k in seen if seen.count(k) > 1})
        what = []
        if missing:
            what.append(f"missing shard{'s' if len(missing) > 1 else ''} {missing} of {n}")
        if twice:
            what.append(f"shard{'s' if len(twice) > 1 else ''} {twice} given twice")
        raise UsageError("cannot merge: " + "; ".join(what))
    names = first["inputs"]
    reduction = LangReduction() if by == "lang" else StatsReduction(by)
    collector = StatsCollector(by)
    total = CorpusStats()
    rows: list[tuple[int, str, Any]] = []
    messages: list[tuple[int, str, Any]] = []
    segments: dict[int, list[dict[str, Any]]] = {}
    for st in states:
        total += _stats_of(st["total"])
        for key, group in st["groups"].items():
            collector._merge(key, stats_from_state(group))
        rows.extend((g, name, row) for g, name, row in st["rows"])
        messages.extend((g, kind, message) for g, kind, message in st["messages"])
        for seg in st["segments"]:
            segments.setdefault(seg["input"], []).append(seg)
    for g, segs in segments.items():
        segs.sort(key=lambda s: s["first"])
        part = None
        lines = 0
        replacements = 0
        for seg in segs:
            stopped = False
            for info in seg["infos"]:
                error, warning = _replay_info(info, names[g], lines)
                if warning:
                    messages.append((g, "warn", warning))
                if error:
                    messages.append((g, "error", error))
                lines += info.get("newlines", 0)
                replacements += info.get("replacements", 0)
                stopped = stopped or bool(error or warning)
            state = _stats_of(seg["state"])
            part = state if part is None else reduction.merge(part, state)
            if stopped:
                break  # (what the input holds after its bad byte counts for nothing)
        if replacements:
            messages.append((g, "replacements", replacements))
        assert part is not None
        result = reduction.finish(g, part)
        if by == "file":
            rows.append((g, names[g], result))
        elif by != "total":
            collector.add(names[g], result)
        total += part.combined() if by == "lang" else part
    for _, name, row in sorted(rows, key=lambda r: r[0]):
        collector.add(name, row)
    for g, kind, message in sorted(messages, key=lambda m: m[0]):
        if kind == "replacements":
            s = "s" if message != 1 else ""
            diag.warn(f"{names[g]}: replaced {message} invalid UTF-8 byte sequence{s} with U+FFFD")
        else:
            (diag.warn if kind == "warn" else diag.error)(message)
    print_report(
        collector, total, diag, fmt=fmt, sections=sections, top=top, keep_stopwords=keep_stopwords
    )
    return diag.status
