"""Rescue text typed in legacy Bengali/Hindi fonts (Bijoy, KrutiDev) and mojibake.

The core of ``newskit repair``: pure functions from ``str`` to ``str`` and to reports, no I/O.

Each line is looked at on its own (split on ``\\n`` only: mojibake holds U+0085, which
``str.splitlines`` would take for a line break). A line with no ASCII letter, no Latin-1
character and no U+FFFD cannot be legacy text or mojibake and is not looked at further: that
is nearly every line of Unicode news, and why clean text goes at memory speed. Otherwise:

- a line with the UTF-8-read-as-Windows-1252 spelling (``à¤¨``) is mojibake, fixed by ftfy's
  encoding fixes or, where bytes were lost, rebuilt from a news lexicon (``_mojibake``);
- else each *run* is classified: the whole line, or, in a line that also has Devanagari or
  Bengali letters, each stretch between them. A run the trigram model (``_detect``) calls
  Bijoy or KrutiDev with at least ``min_confidence``, whose conversion reads as Bengali or
  Hindi, is converted (``_legacy``); Latin-letter tokens inside it that the model calls
  Latin (``BS30`` in a KrutiDev line) stay as they are.

What is converted becomes Unicode NFC and then goes through newskit's default normalization;
every other character of the text is returned as it was, byte for byte.

Why the package is not ``newskit.repair``: the library function is ``newskit.repair``, and a
submodule of the same name would replace it on the package once imported (the house names
modules by noun for that reason: ``normalize`` lives in ``normalization``).

>>> repair("Avwg evsjvq Mvb MvB")
'আমি বাংলায় গান গাই'
>>> repair("Hkkjr ljdkj")
'भारत सरकार'
>>> repair("The quick brown fox")
'The quick brown fox'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from newskit.rescue._detect import CLASSES, scores
from newskit.rescue._legacy import LEGACY, Reading, codec
from newskit.rescue._mojibake import fix_mojibake, looks_like_mojibake

__all__ = [
    "KINDS",
    "SOURCES",
    "LineReport",
    "RepairOptions",
    "Run",
    "count_broken",
    "detect",
    "detectable_kinds",
    "explain",
    "repair",
    "repair_line",
]

#: what a line or run can be detected as
KINDS: tuple[str, ...] = ("unicode", "mojibake", "bijoy", "krutidev", "chanakya")
#: what ``source`` (``--from``) accepts
SOURCES: tuple[str, ...] = ("auto", "mojibake", "bijoy", "krutidev", "chanakya")

# A line can only be legacy text or mojibake if it has one of these: an ASCII letter, a
# Latin-1 character (not NBSP, which clean news has), a C1 control or U+FFFD.
_SUSPECT = re.compile("[A-Za-z\u0080-\u009f\u00a1-\u00ff\ufffd]")
# With a named source a line of glyphs only (š— = ন্ত) is worth converting too.
_SUSPECT_WIDE = re.compile("[A-Za-z\u0080-\u009f\u00a1-\u00ff\u0152-\u2122\ufffd]")
_INDIC = re.compile("[\u0900-\u09ff]+")
# UTF-8 of Devanagari/Bengali read as Windows-1252 or Latin-1, once (à¤ à¥ à¦ à§) or twice
_INDIC_MOJIBAKE = re.compile("\u00e0[\u00a4-\u00a7]|\u00c3\u00a0\u00c2[\u00a4-\u00a7]")
_TOKEN = re.compile(r"\S+")
_NON_SPACE = re.compile(r"\S*")
_SPACE = re.compile(r"\s")
_EIGHT_LETTERS = re.compile("(?:[^A-Za-z]*[A-Za-z]){8}")
# a token that is a Latin code on its own (see _legacy.LATIN_CODE)
_LATIN_TOKEN = re.compile(r"[A-Z]{2,}[0-9]+|[0-9]+[A-Z]{2,}")
# glyph characters of the legacy fonts (for runs without an ASCII letter, --from only)
_GLYPH = re.compile("[A-Za-z\u00a1-\u00ff\u0152-\u2122]")
_ASCII_LETTER = re.compile("[A-Za-z]")
# What a repaired mojibake line may consist of: ASCII, Latin-1, Devanagari, Bengali, general
# punctuation, currency and letter-like symbols. A "repair" into anything else (IPA letters,
# Greek, Arabic presentation forms) was a legacy-font line that happened to look like UTF-8.
_MOJIBAKE_RESULT = re.compile(r"[\x00-\xff\u0900-\u09ff\u2000-\u206f\u20a0-\u20cf\u2100-\u214f]*")


@dataclass(frozen=True)
class RepairOptions:
    """What :func:`repair` converts. Frozen, so one object can be shared by workers."""

    #: ``auto`` detects per line and run; a named source converts only that (and still
    #: leaves runs that read as Latin text alone)
    source: str = "auto"
    #: the least probability of a legacy class for a run to be converted under ``auto``
    min_confidence: float = 0.999
    #: run newskit's default normalization after NFC on what was converted
    normalize: bool = True

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {self.source!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("min_confidence must be between 0 and 1")


@dataclass(frozen=True)
class Run:
    """A stretch of one line and what it was detected as (offsets in the line)."""

    start: int
    end: int
    kind: str
    probability: float
    converted: bool


@dataclass(frozen=True)
class LineReport:
    """What happened to one line: for ``--explain`` (``path:line kind probability``)."""

    #: 1-based line number in the text given
    line: int
    #: the kind of the line's first converted run, else of its most likely broken run, else
    #: ``unicode``
    kind: str
    probability: float
    changed: bool
    runs: tuple[Run, ...] = ()


DEFAULT = RepairOptions()


def _options(options: RepairOptions | None, kwargs: dict[str, object]) -> RepairOptions:
    if options is None and not kwargs:
        return DEFAULT
    return replace(options or DEFAULT, **kwargs)  # type: ignore[arg-type]


def repair(text: str, source: str | None = None, **kwargs: object) -> str:
    """*text* with its legacy-font and mojibake lines converted to Unicode.

    ``source``: what to convert (``auto``, the default, or one of :data:`SOURCES`).
    Keyword arguments are :class:`RepairOptions` fields (``min_confidence``, ``normalize``)
    or ``options=RepairOptions(...)``, which they and ``source`` override. Lines that are
    not converted come back unchanged.
    """
    options = kwargs.pop("options", None)
    if source is not None:
        kwargs["source"] = source
    return _repair(text, _options(options, kwargs), None)  # type: ignore[arg-type]


def explain(
    text: str, options: RepairOptions | None = None, **kwargs: object
) -> tuple[str, list[LineReport]]:
    """Repair *text* and report every line that was looked at (not the plain Unicode ones)."""
    reports: list[LineReport] = []
    return _repair(text, _options(options, kwargs), reports), reports


def detect(text: str, options: RepairOptions | None = None, **kwargs: object) -> list[LineReport]:
    """The report of every line of *text* that could be broken, without the repaired text."""
    return explain(text, options, **kwargs)[1]


def detectable_kinds() -> tuple[str, ...]:
    """The kinds a line can be converted from: mojibake, and each legacy encoding that has
    a table (``chanakya`` has none yet)."""
    return tuple(k for k in KINDS if k == "mojibake" or (k in LEGACY and _has_table(k)))


def count_broken(text: str, options: RepairOptions | None = None) -> dict[str, int]:
    """Lines of *text* that would be converted, per kind (for ``newskit stats``).

    Cheap on Unicode text: only lines with a Latin letter, a Latin-1 character or U+FFFD are
    looked at; and nothing is kept per line (no repaired text, no reports), so a document of
    any size is counted in flat memory.
    """
    opts = options or DEFAULT
    counts: Counter[str] = Counter()
    sink = _Finisher(opts, keep=False)
    for start, end, number in _suspect_lines(text, opts):
        report = _line(text[start:end], opts, number, sink)[1]
        if report.changed:
            counts[report.kind] += 1
    return dict(counts)


#: a repaired line before its converted runs are finished: text, and indexes into
#: :class:`_Finisher`'s results
_Pieces = list[str | int]


class _Finisher:
    """Converted runs (NFC) waiting for newskit's default normalization, done for all of
    them in one call over the runs joined by newlines.

    Per run, the normalization's fixed cost was a third of the time on legacy text of short
    lines. One call gives the same result because the normalization is line-local (its
    chunks are cut at line ends: the rewrite pipeline relies on it too) and no run holds a
    newline; a run with a CR, which the normalization makes a line break, is caught by the
    count of lines and finished on its own.
    """

    def __init__(self, opts: RepairOptions, keep: bool = True) -> None:
        self.opts = opts
        self.keep = keep  # False: only counting (count_broken), the runs are dropped
        self.texts: list[str] = []

    def add(self, text: str) -> int:
        if not self.keep:
            return -1
        self.texts.append(text)
        return len(self.texts) - 1

    def finish(self) -> list[str]:
        if not self.texts:
            return []
        if not self.opts.normalize:
            return self.texts
        from newskit.normalization import normalize

        done = normalize("\n".join(self.texts)).split("\n")
        if len(done) != len(self.texts):
            done = [normalize(t) for t in self.texts]
        return done


def _suspect_lines(text: str, opts: RepairOptions) -> Iterator[tuple[int, int, int]]:
    """``(start, end, number)`` of each line of *text* worth looking at (1-based number; the
    line is ``text[start:end]``, without its newline)."""
    suspect = _SUSPECT if opts.source in ("auto", "mojibake") else _SUSPECT_WIDE
    counted_to, number = 0, 1  # line numbers are counted as the scan goes, never from 0
    m = suspect.search(text)
    while m is not None:
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.start())
        if end < 0:
            end = len(text)
        number += text.count("\n", counted_to, start)
        counted_to = start
        yield start, end, number
        m = suspect.search(text, end)


def _repair(text: str, opts: RepairOptions, reports: list[LineReport] | None) -> str:
    finisher = _Finisher(opts)
    found: list[tuple[int, int, _Pieces | None, LineReport]] = []
    for start, end, number in _suspect_lines(text, opts):
        pieces, report = _line(text[start:end], opts, number, finisher)
        found.append((start, end, pieces, report))
    if not found:
        return text
    done = finisher.finish()
    out: list[str] = []
    pos = 0
    for start, end, pieces, report in found:
        if reports is not None:
            reports.append(report)
        if pieces is not None:
            out.append(text[pos:start])
            out.extend([p if isinstance(p, str) else done[p] for p in pieces])
            pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def repair_line(
    line: str, opts: RepairOptions = DEFAULT, number: int = 1
) -> tuple[str, LineReport]:
    """One line (without its ``\\n``; a final ``\\r`` is kept) repaired, and its report."""
    finisher = _Finisher(opts)
    pieces, report = _line(line, opts, number, finisher)
    if pieces is None:
        return line, report
    done = finisher.finish()
    return "".join([p if isinstance(p, str) else done[p] for p in pieces]), report


def _line(
    line: str, opts: RepairOptions, number: int, finisher: _Finisher
) -> tuple[_Pieces | None, LineReport]:
    """The pieces of the repaired *line* (None when it stays as it is), and its report."""
    body, cr = (line[:-1], "\r") if line.endswith("\r") else (line, "")
    if opts.source == "mojibake" or (opts.source == "auto" and _INDIC_MOJIBAKE.search(body)):
        done = _mojibake_line(body, cr, opts, number)
        if done is not None or opts.source == "mojibake":
            return done or (None, LineReport(number, "unicode", 1.0, False))
    pieces, report = _legacy_line(body, cr, opts, number, finisher)
    if pieces is None and opts.source == "auto" and looks_like_mojibake(body):
        return _mojibake_line(body, cr, opts, number) or (pieces, report)
    return pieces, report


def _mojibake_line(
    body: str, cr: str, opts: RepairOptions, number: int
) -> tuple[_Pieces | None, LineReport] | None:
    fixed = fix_mojibake(body)
    if fixed is None or not _MOJIBAKE_RESULT.fullmatch(fixed):
        return None
    out = _finish(fixed, opts)
    run = Run(0, len(body), "mojibake", 1.0, True)
    changed = out != body
    return ([out, cr] if changed else None), LineReport(number, "mojibake", 1.0, changed, (run,))


def _legacy_line(
    body: str, cr: str, opts: RepairOptions, number: int, finisher: _Finisher
) -> tuple[_Pieces | None, LineReport]:
    """The runs of *body* converted (pieces to finish), or None; and the line's report.

    A converted run always changes the line: it has no Devanagari or Bengali letter (runs
    are the stretches between them) and what it converts to has some (:func:`_plausible`).
    """
    runs: list[Run] = []
    pieces: _Pieces = []
    pos = 0
    gate = _ASCII_LETTER if opts.source == "auto" else _GLYPH
    spans = _runs(body)
    for start, end in spans:
        core_start, core_end = _strip(body, start, end)
        if core_start >= core_end or not gate.search(body, core_start, core_end):
            continue
        embedded = start > 0 or end < len(body)
        if embedded:
            core_start, core_end = _trim_tokens(body, core_start, core_end)
        core = body[core_start:core_end]
        if embedded and not _long_enough(core):
            runs.append(Run(core_start, core_end, "unicode", 1.0, False))
            continue
        kind, prob = _classify(core, opts)
        if kind in ("latin", "unicode"):
            runs.append(Run(core_start, core_end, "unicode", prob, False))
            continue
        converted = _convert(core, kind, opts) if _accept(prob, core, opts) else None
        runs.append(Run(core_start, core_end, kind, prob, converted is not None))
        if converted is not None:
            pieces.append(body[pos:core_start])
            pieces.append(finisher.add(converted))
            pos = core_end
    changed = [r for r in runs if r.converted]
    if not changed:
        best = max(
            (r for r in runs if r.kind != "unicode"), key=lambda r: r.probability, default=None
        )
        kind, prob = (best.kind, best.probability) if best else ("unicode", 1.0)
        return None, LineReport(number, kind, prob, False, tuple(runs))
    pieces.append(body[pos:] + cr)
    return pieces, LineReport(number, changed[0].kind, changed[0].probability, True, tuple(runs))


def _runs(line: str) -> list[tuple[int, int]]:
    """The whole line, or the stretches between its Devanagari/Bengali letters."""
    spans = [(m.start(), m.end()) for m in _INDIC.finditer(line)]
    if not spans:
        return [(0, len(line))]
    out, pos = [], 0
    for s, e in spans:
        if s > pos:
            out.append((pos, s))
        pos = e
    if pos < len(line):
        out.append((pos, len(line)))
    return out


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _trim_tokens(line: str, start: int, end: int) -> tuple[int, int]:
    """A run inside a Unicode line without its edge tokens that have no ASCII letter.

    Such a run usually carries the line's own punctuation with it (``—``, ``‘``, digits), and
    ``—`` is a Bijoy glyph (ত after a half form): converted, it would change a clean dash.
    (The first and last ASCII letters, widened to their tokens; the text is reversed to
    look backwards, so that no regex backtracks over a long token.)
    """
    first = _ASCII_LETTER.search(line, start, end)
    if first is None:
        return start, start
    last = end - 1 - _ASCII_LETTER.search(line[start:end][::-1]).start()  # type: ignore[union-attr]
    before = _NON_SPACE.match(line[start : first.start()][::-1]).end()  # type: ignore[union-attr]
    after = _NON_SPACE.match(line, last, end).end()  # type: ignore[union-attr]
    return first.start() - before, after


def _classify(core: str, opts: RepairOptions) -> tuple[str, float]:
    """The legacy class of *core* and its probability, or ``latin``."""
    s = scores(core)
    cands = [(s[i], c) for i, c in _candidates(opts.source)]
    top = max(v for v, _ in cands)
    total = sum(_exp(v - top) for v, _ in cands)
    value, best = max(cands)
    if opts.source != "auto" and len(cands) > 1:  # the named source and its probability
        value, best = cands[0]
    return best, _exp(value - top) / total


@cache
def _candidates(source: str) -> tuple[tuple[int, str], ...]:
    """(model column, class) of the classes *source* chooses from, ``latin`` last."""
    wanted = [c for c in CLASSES if c in LEGACY and _has_table(c)]
    if source != "auto":
        wanted = [source] if source in wanted else []
    return tuple((CLASSES.index(c), c) for c in [*wanted, "latin"])


def _long_enough(core: str) -> bool:
    """Whether a run inside a Unicode line is long enough to be legacy text, not a name.

    English names and acronyms inside Hindi and Bengali news (``BBC``, ``NSA``, ``Love
    Jihad``) are short; a pasted legacy phrase is words long. Two tokens and eight ASCII
    letters at least.
    """
    # (*core* is stripped: a space inside it parts two tokens)
    return _SPACE.search(core) is not None and _EIGHT_LETTERS.match(core) is not None


def _accept(prob: float, core: str, opts: RepairOptions) -> bool:
    if opts.source != "auto":
        # named source: only ASCII text that reads as Latin beyond doubt stays
        return prob >= 0.01 or not core.isascii()
    return prob >= opts.min_confidence


def _convert(core: str, kind: str, opts: RepairOptions) -> str | None:
    """*core* converted from legacy *kind* (NFC, not yet normalized: see
    :class:`_Finisher`), or ``None`` if the result does not read as text."""
    c = codec(kind)
    reading = c.read(core)
    if not reading.codes:
        return reading.text if _plausible(reading) else None
    readings: list[Reading] = []
    kept: list[str] = []
    parts: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(core):
        tok = m.group()
        if _LATIN_TOKEN.fullmatch(tok) and _classify(tok, replace(opts, source=kind))[1] < 0.5:
            if pos < m.start():
                readings.append(c.read(core[pos : m.start()]))
                parts.append(readings[-1].text)
            parts.append(tok)
            kept.append(tok)
            pos = m.end()
    readings.append(c.read(core[pos:]))
    parts.append(readings[-1].text)
    total = Reading(
        "",
        sum(r.letters for r in readings),
        sum(r.vowels for r in readings),
        sum(r.sign_starts for r in readings),
        sum(r.words for r in readings) + len(kept),
        0,
    )
    if not _plausible(total):
        return None
    import unicodedata

    return unicodedata.normalize("NFC", "".join(parts))


def _plausible(reading: Reading) -> bool:
    """Whether converted text reads as the script: letters, few words starting with a sign."""
    letters = reading.letters
    if letters == 0:
        return False
    # capitals of English text land on the independent vowels (A-J in Bijoy): real text has
    # a few per hundred letters
    if letters >= 6 and reading.vowels > 0.25 * letters:
        return False
    return reading.sign_starts <= 0.2 * max(1, reading.words)


def _finish(text: str, opts: RepairOptions) -> str:
    """NFC, then newskit's default normalization unless ``opts.normalize`` is off."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    if opts.normalize:
        from newskit.normalization import normalize

        text = normalize(text)
    return text


def _exp(x: float) -> float:
    import math

    return math.exp(x)


@cache
def _has_table(name: str) -> bool:
    try:
        codec(name)
    except FileNotFoundError:
        return False
    return True
