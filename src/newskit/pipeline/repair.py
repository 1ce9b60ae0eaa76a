"""``newskit repair``: legacy-font text (Bijoy, KrutiDev) and mojibake converted to Unicode,
as a line-keeping rewrite (:mod:`newskit.pipeline.rewrite`), the way ``normalize`` is one.

The core (:mod:`newskit.rescue`) looks at each line on its own, so a chunk cut at any line end
gives the same output, and workers can take chunks as they take ``normalize``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newskit.parallel import Tuning
from newskit.pipeline.inputs import Inputs
from newskit.pipeline.rewrite import Destination, run_rewrite

if TYPE_CHECKING:
    from newskit.rescue import RepairOptions

__all__ = ["Destination", "RepairRewriter", "repair_tuning", "run_repair"]


def repair_tuning() -> Tuning:
    """Workers pay from 4 MiB: clean Unicode text is repaired at 100 MB/s and more (nearly
    every line takes the fast path), legacy text at about 5 MB/s; starting workers costs
    30-60 ms, which 4 MiB of legacy text repays many times and clean text about breaks even
    on."""
    return Tuning.from_env(workers_from_bytes=4 << 20)


@dataclass(frozen=True)
class RepairRewriter:
    """:func:`newskit.rescue.repair` with ``opts``; ``explain`` counts the changed lines per
    kind detected and notes each one as ``kind probability``."""

    opts: RepairOptions
    verb: str = "repair"

    def apply(self, text: str) -> str:
        from newskit.rescue import repair

        return repair(text, options=self.opts)

    def explain(self, text: str) -> tuple[str, dict[str, int], list[tuple[int, str]]]:
        from newskit.rescue import detectable_kinds, explain

        out, reports = explain(text, self.opts)
        # (every kind, 0 too: a file's --explain summary then says what was looked for)
        counts = dict.fromkeys(detectable_kinds(), 0)
        notes: list[tuple[int, str]] = []
        for r in reports:
            if r.changed:
                counts[r.kind] = counts.get(r.kind, 0) + 1
                notes.append((r.line, f"{r.kind} {r.probability:.4f}"))
        return out, counts, notes

    def warm(self) -> None:
        """Load the detector and the glyph tables (what any Latin-letter line needs) and
        the normalization, so that forked workers share them."""
        from newskit.rescue import explain

        explain("Avwg evsjvq Mvb MvB\nHkkjr ljdkj\nThe quick brown fox", self.opts)


def run_repair(
    inputs: Inputs,
    opts: RepairOptions,
    dest: Destination,
    *,
    jobs: int,
    explain: bool = False,
    tuning: Tuning | None = None,
    dask: Any = None,
) -> int:
    """Repair ``inputs`` into ``dest``; return the exit status (0, or 1 for findings and
    data errors, which were reported on stderr). ``jobs``: worker processes (resolved);
    ``dask``: a Dask engine instead (see :func:`~newskit.pipeline.rewrite.run_rewrite`)."""
    return run_rewrite(
        inputs,
        RepairRewriter(opts),
        dest,
        jobs=jobs,
        tuning=tuning or repair_tuning(),
        explain=explain,
        dask=dask,
    )
