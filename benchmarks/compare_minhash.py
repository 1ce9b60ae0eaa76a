#!/usr/bin/env python3
"""Measure the MinHash libraries newskit could use, on our text: the basis of the choice of rensa.

Not part of ``make bench`` or ``make eval`` (datasketch is not a dependency): run it by hand
after ``pip install datasketch`` in the virtual environment:

    python benchmarks/compare_minhash.py --data ../shared/data

On the dev split of the dedup benchmark (``dedup_corpus.py``; edited copies of real articles),
with newskit's word 5-gram shingles computed once beforehand, for 128 permutations:

- speed: signatures per second and MB of source text per second, hashing only;
- accuracy: the estimated Jaccard similarity of every original/copy pair against the true one
  (mean error, RMSE, and RMSE near the threshold, true similarity 0.6-0.8);
- determinism: the digests of a fixed set of shingles computed in two fresh processes with
  different ``PYTHONHASHSEED`` must be identical.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import dedup_corpus  # noqa: E402

from newskit.dedup import shingles, words  # noqa: E402

NUM_PERM = 128
SEED = 1


def _rensa(kind: str):
    import rensa

    cls = getattr(rensa, kind)

    def sig(sh: list[str]) -> list[int]:
        m = cls(NUM_PERM, SEED)
        m.update(sh)
        return list(m.digest())

    return sig


def _datasketch():
    from datasketch import MinHash

    def sig(sh: list[str]) -> list[int]:
        m = MinHash(num_perm=NUM_PERM, seed=SEED)
        m.update_batch([s.encode() for s in sh])
        return [int(v) for v in m.hashvalues]

    return sig


LIBS = {
    "rensa RMinHash": lambda: _rensa("RMinHash"),
    "rensa CMinHash": lambda: _rensa("CMinHash"),
    "datasketch MinHash": _datasketch,
}
_PROBE = [["प्रधानमंत्री ने कहा कि", "দেশের বাজারে স্বর্ণের দাম", "a b c d e"], ["x"]]


def _probe(name: str) -> str:
    """Digests of the probe sets in a fresh process with a different hash seed."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import compare_minhash as c; "
        "f = c.LIBS[sys.argv[2]](); print(json.dumps([f(s) for s in c._PROBE]))"
    )
    digests = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code, str(HERE), name],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        digests.append(out.stdout)
    return "identical" if digests[0] == digests[1] else "DIFFERENT"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    a = ap.parse_args(argv)
    bench = dedup_corpus.build(a.data, "dev")
    docs = [d.text for d in bench.docs]
    mb = sum(len(t.encode()) for t in docs) / 1e6
    sh = [shingles(words(t)) for t in docs]
    orig = {d.source: i for i, d in enumerate(bench.docs) if d.edit == "original"}
    pairs = [(i, orig[d.source]) for i, d in enumerate(bench.docs) if d.edit != "original"]
    true = {}
    for i, j in pairs:
        x, y = set(sh[i]), set(sh[j])
        true[i, j] = len(x & y) / len(x | y) if x | y else 1.0
    rows = {}
    for name, make in LIBS.items():
        try:
            fn = make()
        except ImportError as exc:
            rows[name] = {"error": str(exc)}
            continue
        t = time.perf_counter()
        sigs = [fn(s) for s in sh]
        secs = time.perf_counter() - t
        errors, near = [], []
        for (i, j), jac in true.items():
            est = sum(p == q for p, q in zip(sigs[i], sigs[j], strict=True)) / NUM_PERM
            errors.append(est - jac)
            if 0.6 <= jac <= 0.8:
                near.append(est - jac)
        rows[name] = {
            "signatures_per_s": round(len(docs) / secs),
            "mb_per_s": round(mb / secs, 1),
            "mean_error": round(sum(errors) / len(errors), 4),
            "rmse": round(math.sqrt(sum(e * e for e in errors) / len(errors)), 4),
            "rmse_true_0.6_0.8": round(math.sqrt(sum(e * e for e in near) / len(near)), 4),
            "pairs_near": len(near),
            "across_processes": _probe(name),
        }
    print(json.dumps({"documents": len(docs), "mb": round(mb, 2), "libraries": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
