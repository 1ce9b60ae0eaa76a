"""``newskit normalize``: the default normalization (or one chosen by options) as a
line-keeping rewrite (:mod:`newskit.pipeline.rewrite`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newskit.parallel import Tuning
from newskit.pipeline.inputs import Inputs
from newskit.pipeline.rewrite import Destination, run_rewrite

if TYPE_CHECKING:
    from newskit.normalization import NormalizeOptions

__all__ = ["Destination", "NormalizeRewriter", "normalize_tuning", "run_normalize"]


def normalize_tuning() -> Tuning:
    """Normalizing takes about 10 ms a MiB: workers (30-60 ms to start) pay from 8 MiB."""
    return Tuning.from_env(workers_from_bytes=8 << 20)


@dataclass(frozen=True)
class NormalizeRewriter:
    """:func:`newskit.normalization.normalize` with ``opts``; ``explain`` counts the
    characters each step changed."""

    opts: NormalizeOptions
    verb: str = "normalize"

    def apply(self, text: str) -> str:
        from newskit.normalization import normalize

        return normalize(text, self.opts)

    def explain(self, text: str) -> tuple[str, dict[str, int], list[tuple[int, str]]]:
        from newskit.normalization import explain

        out, counts = explain(text, self.opts)
        return out, counts, []

    def warm(self) -> None:
        from newskit.normalization import explain

        explain("दु:ख অত:পর \u095c\u200c|", None)


def run_normalize(
    inputs: Inputs,
    opts: NormalizeOptions,
    dest: Destination,
    *,
    jobs: int,
    explain: bool = False,
    tuning: Tuning | None = None,
    dask: Any = None,
) -> int:
    """Normalize ``inputs`` into ``dest``; return the exit status (0, or 1 for findings and
    data errors, which were reported on stderr). ``jobs``: worker processes (resolved)."""
    return run_rewrite(
        inputs,
        NormalizeRewriter(opts),
        dest,
        jobs=jobs,
        tuning=tuning or normalize_tuning(),
        explain=explain,
        dask=dask,
    )
