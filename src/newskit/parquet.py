"""Parquet inputs and outputs: a text column read row group by row group, and a file written
back with that column rewritten and every other column untouched.

Why row groups: a Parquet shard of a web corpus (Sangraha's are about 340 MB) is a few dozen
row groups, each readable on its own, which makes them the natural unit of work for workers
and clusters. pyarrow is imported here only, and only when a Parquet file is read or written
(``pip install 'newskit[scale]'``).

Rows are numbered from 1 across the file, and messages name them ``path:row N``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newskit.io import InputError

SUFFIXES = (".parquet", ".pq")


def is_parquet(path: Path | str) -> bool:
    """Whether a path names a Parquet file (by its suffix)."""
    return str(path).lower().endswith(SUFFIXES)


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "parquet", None, "reading Parquet needs pyarrow: pip install 'newskit[scale]'"
        ) from None
    return pq


@dataclass(frozen=True)
class RowGroup:
    """Row group ``index`` of a Parquet file: ``rows`` rows, the first numbered ``first_row``
    (1-based, across the file); ``size``: its compressed bytes (how work is weighed)."""

    path: Path
    index: int
    first_row: int
    rows: int
    size: int


def row_groups(path: Path) -> list[RowGroup]:
    """The row groups of a Parquet file (read from its footer only)."""
    pq = _pyarrow()
    meta = _open(pq, path).metadata
    out = []
    first = 1
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        out.append(RowGroup(path, i, first, rg.num_rows, rg.total_byte_size))
        first += rg.num_rows
    return out


def _open(pq: Any, path: Path) -> Any:
    try:
        return pq.ParquetFile(path)
    except OSError as exc:
        raise InputError(str(path), None, f"not a readable Parquet file: {exc}") from None


def _column(pq: Any, f: Any, path: Path, field: str) -> str:
    names = f.schema_arrow.names
    if field not in names:
        raise InputError(
            str(path), None, f"no column {field!r} (columns: {', '.join(names)}); see --field"
        )
    return field


def iter_records(
    group: RowGroup, field: str = "text", more: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, object], str]]:
    """``(row number, record, text)`` for each row of a row group: the record holds the text
    column and the columns named in ``more`` that exist (a language label, say). A null or
    non-string text is an :class:`~newskit.io.InputError` naming its row (after the rows
    before it)."""
    pq = _pyarrow()
    f = _open(pq, group.path)
    column = _column(pq, f, group.path, field)
    names = [column, *(c for c in more if c in f.schema_arrow.names and c != column)]
    table = f.read_row_group(group.index, columns=names)
    columns = [table.column(c).to_pylist() for c in names]
    for i, value in enumerate(columns[0]):
        n = group.first_row + i
        if not isinstance(value, str):
            what = "null" if value is None else f"not a string ({type(value).__name__})"
            raise InputError(str(group.path), None, f"row {n}: column {field!r} is {what}")
        yield n, {c: col[i] for c, col in zip(names, columns, strict=True)}, value


def iter_file_records(
    path: Path, field: str = "text", more: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, object], str]]:
    """:func:`iter_records` for every row group of a Parquet file, in order."""
    for group in row_groups(path):
        yield from iter_records(group, field, more)


def rewrite_file(
    source: Path, target: Path, field: str, rewrite: Callable[[str], str]
) -> tuple[int, int]:
    """Write ``target`` as ``source`` with column ``field`` rewritten by ``rewrite`` (row
    group by row group: memory holds one), every other column, the schema and the row
    groups untouched; atomically (a temporary file renamed over it). Returns ``(rows,
    rows changed)``. Null values stay null."""
    import tempfile

    pq = _pyarrow()
    import pyarrow as pa

    f = _open(pq, source)
    column = _column(pq, f, source, field)
    schema = f.schema_arrow
    position = schema.get_field_index(column)
    rows = changed = 0
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".newskit-tmp")
    os.close(fd)
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for i in range(f.metadata.num_row_groups):
                table = f.read_row_group(i)
                values = table.column(position).to_pylist()
                new = [v if v is None else rewrite(v) for v in values]
                changed += sum(1 for a, b in zip(values, new, strict=True) if a != b)
                rows += len(values)
                array = pa.array(new, type=schema.field(position).type)
                writer.write_table(table.set_column(position, schema.field(position), array))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return rows, changed
