"""Paths every test uses: the sample articles and the golden case files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
HI = CORPUS / "hi" / "kim-putin-vladivostok.txt"
BN = CORPUS / "bn" / "putin-pyongyang-visit.txt"
SAMPLES = (HI, BN)
CASES = ROOT / "tests" / "cases"
GOLD = ROOT / "tests" / "gold"
