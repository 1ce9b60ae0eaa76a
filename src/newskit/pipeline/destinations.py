"""Where each input of a rewrite is written, decided and checked before anything is.

Why before: a run that finds out half-way that two inputs go to one output has already
overwritten one with the other (``raw/2019/a.txt raw/2020/a.txt -o clean/`` wrote
``clean/a.txt`` twice, exit 0). So every output's path is computed first, and if two inputs
would be written to one place, or an output (or a backup) would replace an input, the run
stops with a usage error (exit 2) that lists them, having written nothing.

- ``-o DIR/``: an input found under a directory argument keeps its path below it; files
  named one by one keep theirs below their common directory (:class:`newskit.io.Source`).
  The same file reached twice (named and found) is written once. A symbolic link among the
  inputs is read through; the output is a regular file.
- ``--in-place``: the file rewritten is the real file (a symbolic link is written through,
  and stays a link), unless ``--no-follow-symlinks``; a link found in a directory is
  followed only to a file inside the directories given (a link to a file elsewhere is
  rewritten only when named); a file reached by several names (links, or named and found)
  is rewritten once. ``--backup`` names are checked like outputs.

The run's output is not read back as input: a directory walked skips the output directory
or file inside it (:func:`newskit.io.iter_sources`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newskit.pipeline.inputs import UsageError

if TYPE_CHECKING:
    from newskit.diagnostics import Diagnostics
    from newskit.io import Source

__all__ = ["Destination", "Placed", "clean_stale", "place"]


@dataclass(frozen=True)
class Destination:
    """Where the rewritten text goes: stdout unless one of these is set.

    ``follow_symlinks`` (with ``in_place``): write through a symbolic link to its target
    (the default) or refuse to. ``clean_stale``: remove the temporary files a killed run
    left beside the files read or written (otherwise they are reported).
    """

    out_file: Path | None = None
    out_dir: Path | None = None
    in_place: bool = False
    backup: str | None = None
    check: bool = False
    diff: bool = False
    follow_symlinks: bool = True
    clean_stale: bool = False

    @classmethod
    def parse(
        cls,
        output: str | None = None,
        in_place: bool = False,
        backup: str | None = None,
        check: bool = False,
        diff: bool = False,
        *,
        follow_symlinks: bool = True,
        clean_stale: bool = False,
    ) -> Destination:
        """From the options: ``-o`` is a directory when it ends with ``/`` or exists as one."""
        if sum(map(bool, (output, in_place, check, diff))) > 1:
            raise UsageError("use only one of --output, --in-place, --check, --diff")
        if backup and not in_place:
            raise UsageError("--backup needs --in-place")
        out_dir = out_file = None
        if output and (output.endswith(("/", os.sep)) or Path(output).is_dir()):
            out_dir = Path(output)
        elif output:
            out_file = Path(output)
        return cls(out_file, out_dir, in_place, backup, check, diff, follow_symlinks, clean_stale)

    @property
    def per_file(self) -> bool:
        """Each input goes to a place of its own (or is only checked)."""
        return bool(self.out_dir or self.in_place or self.check or self.diff)

    @property
    def writes_files(self) -> bool:
        return bool(self.out_dir or self.out_file or self.in_place)

    def outputs(self) -> list[Path]:
        """What a directory walked must not read: the output directory or file."""
        return [p for p in (self.out_dir, self.out_file) if p is not None]


@dataclass(frozen=True)
class Placed:
    """An input and where it is written: ``target`` (None: the one output, stdout or ``-o
    FILE``, or nowhere: ``--check``, ``--diff``) and, with ``--backup``, ``backup``."""

    source: Source
    target: Path | None = None
    backup: Path | None = None


def place(sources: list[Source], dest: Destination, diag: Diagnostics) -> list[Placed]:
    """Each input with where it goes (see the module docstring); raises
    :class:`UsageError` listing the collisions, before anything is written. Links not
    followed are reported on ``diag`` (only once there is no collision)."""
    if dest.out_dir is not None:
        return _mirrored(sources, dest.out_dir)
    if dest.in_place:
        return _in_place(sources, dest, diag)
    return [Placed(s) for s in sources]


class _RealPaths:
    """Real paths of inputs: a file found under a directory argument, not a link itself,
    is the real path of that directory followed by its path below it (the walk follows no
    link to a directory), which saves ``os.path.realpath`` on every file of a tree."""

    def __init__(self) -> None:
        self._roots: dict[Path, str] = {}

    def root(self, root: Path) -> str:
        real = self._roots.get(root)
        if real is None:
            real = self._roots[root] = os.path.realpath(root)
        return real

    def of(self, source: Source, link: bool) -> str:
        assert source.path is not None
        if source.root is not None and not link:
            return os.path.join(self.root(source.root), source.rel)
        return os.path.realpath(source.path)


def _collisions(lines: list[str], hint: str) -> UsageError:
    return UsageError(
        f"nothing was written: {len(lines)} output{'s' if len(lines) > 1 else ''} would "
        f"replace another or an input ({hint}):\n  " + "\n  ".join(lines)
    )


def _mirrored(sources: list[Source], out_dir: Path) -> list[Placed]:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a directory", "-o / --output")
    reals = _RealPaths()
    real_out = os.path.realpath(out_dir)
    of_source = [None if s.path is None else reals.of(s, os.path.islink(s.path)) for s in sources]
    inputs: dict[str, Source] = {}  # real path -> input
    for s, real in zip(sources, of_source, strict=True):
        if real is not None:
            inputs.setdefault(real, s)
    placed: list[Placed] = []
    written: dict[str, tuple[Source, str | None]] = {}  # output -> (input, its real path)
    problems: list[str] = []
    for s, real in zip(sources, of_source, strict=True):
        rel = "stdin.txt" if s.path is None else s.rel
        target = out_dir / rel
        key = os.path.join(real_out, rel)
        earlier = written.get(key)
        if earlier is not None:
            if real is not None and earlier[1] == real:
                continue  # the same file, named and found (or named twice): written once
            problems.append(f"{target}: from {earlier[0].name} and from {s.name}")
            continue
        written[key] = (s, real)
        placed.append(Placed(s, target))
        other = inputs.get(key)
        if other is not None and key != real:
            problems.append(f"{target}: from {s.name}, but it is the input {other.name}")
    for key, (s, _) in written.items():
        parent = os.path.dirname(key)
        while len(parent) > len(real_out):
            if parent in written:
                problems.append(
                    f"{os.path.join(out_dir, os.path.relpath(key, real_out))}: from {s.name},"
                    f" but {os.path.relpath(parent, real_out)} is a file there, from "
                    f"{written[parent][0].name}"
                )
                break
            parent = os.path.dirname(parent)
    if problems:
        raise _collisions(
            problems,
            "name one directory that holds them all, or write them to separate -o directories",
        )
    return placed


def _in_place(sources: list[Source], dest: Destination, diag: Diagnostics) -> list[Placed]:
    reals = _RealPaths()
    links = [s.path is not None and os.path.islink(s.path) for s in sources]
    real = [reals.of(s, link) for s, link in zip(sources, links, strict=True)]
    # files rewritten under a name of their own: not a link, or a link named
    direct = {r for r, s, link in zip(real, sources, links, strict=True) if not link or not s.root}
    roots = {reals.root(s.root) for s in sources if s.root is not None}
    notes: list[tuple[str, str]] = []
    placed: list[Placed] = []
    seen: set[str] = set()
    for s, link, r in zip(sources, links, real, strict=True):
        if link and s.root is not None and r not in direct:
            if not dest.follow_symlinks:
                notes.append(("warn", f"{s.name}: symbolic link not followed; skipped"))
                continue
            if not any(os.path.commonpath([r, root]) == root for root in roots):
                notes.append(
                    (
                        "warn",
                        f"{s.name}: symbolic link to {r}, outside the directories given: "
                        "not rewritten (name it to rewrite it)",
                    )
                )
                continue
        elif link and s.root is None and not dest.follow_symlinks:
            notes.append(("error", f"{s.name}: a symbolic link (to {r}); not rewritten"))
            continue
        if r in seen:
            continue  # (another name of a file already placed: rewritten once)
        seen.add(r)
        backup = Path(r + dest.backup) if dest.backup else None
        placed.append(Placed(s, Path(r), backup))
    if dest.backup:
        names = set(real) | {os.path.abspath(s.path) for s in sources if s.path is not None}
        problems = [
            f"{p.backup}: the backup of {p.source.name}, but it is an input too"
            for p in placed
            if str(p.backup) in names
        ]
        if problems:
            raise _collisions(problems, "choose another --backup suffix")
    for kind, message in notes:
        getattr(diag, kind)(message)
    return placed


def stale_directories(placed: Iterable[Placed], out_file: Path | None) -> set[Path]:
    """The directories where a killed run of the same command would have left temporary
    files: those of the inputs and of the outputs (backups sit beside their file)."""
    dirs: set[Path] = set()
    for p in placed:
        if p.source.path is not None:
            dirs.add(p.source.path.parent)
        if p.target is not None:
            dirs.add(p.target.parent)
    if out_file is not None:
        dirs.add(Path(os.path.realpath(out_file)).parent)
    return dirs


def clean_stale(directories: Iterable[Path], remove: bool, diag: Diagnostics) -> None:
    """Report the temporary files a killed run left in ``directories``, or remove them."""
    from newskit.io import stale_temps

    spelled = {os.path.abspath(d): d for d in directories}  # (messages: as given)
    for path in stale_temps(spelled[d] for d in sorted(spelled)):
        if not remove:
            diag.warn(
                f"{path}: left by an interrupted newskit run (remove it, or run again with "
                "--clean-stale)"
            )
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            diag.error(f"{path}: cannot remove: {exc.strerror or exc}")
            continue
        diag.info(f"newskit: removed {path} (left by an interrupted newskit run)")
