"""Script-aware normalization of Devanagari and Bengali news text.

Each rule is a small named *step* (a pure ``str -> str`` function plus a change
count); :func:`normalize` runs the enabled steps in a fixed order. The default
profile changes only what the steps name, never drops a letter, and is
idempotent: ``normalize(normalize(t)) == normalize(t)``.

Steps, in the order they run (see :data:`STEPS`):

``invisible``
    Remove BOM, ZWSP, word joiner, soft hyphen, LRM/RLM/ALM and bidi controls.
    ZWJ/ZWNJ are kept next to a virama (where they select a half form or stop a
    conjunct: ``র‍্যাব``, ``क्‌ष``) and inside emoji sequences, removed elsewhere.
    Runs first so that removing an invisible character can never create a
    sequence the later steps would have changed (that would break idempotence).
``nfc``
    Unicode NFC. Decomposes the composition-excluded nukta letters (U+0958–095F,
    U+09DC, U+09DD, U+09DF) into base + nukta, composes Bengali ে+া / ে+ৗ, and
    puts a nukta typed after a virama before it. Note that NFC keeps (and
    produces) the three precomposed letters U+0929 ऩ, U+0931 ऱ, U+0934 ऴ: they are
    not composition exclusions.
``visual``
    Sequences that render like one canonical letter or sign become it:
    Unicode's "do not use" sequences (अ+ा → आ, ए+े → ऐ, অ+া → আ, …), vowel
    signs typed in pieces (ा+े → ो), a sign typed twice (ुु → ु), and Bengali
    khanda ta written ত + ্ + ZWJ → ৎ.
``spaces``
    NBSP and the other Unicode space separators become a plain space, runs of
    spaces collapse to one, spaces at line ends go, CRLF and CR become LF.
``danda``
    ``|``/``||`` after Devanagari or Bengali text at a clause end become
    ``।``/``॥``; Bengali U+09E4/U+09E5 become U+0964/U+0965; ``৷`` (U+09F7) used
    as a danda after Bengali text becomes ``।``.
``visarga``
    ``:`` between two letters of the same Indic script becomes that script's
    visarga when the word before it is one that takes a visarga (``दु:ख`` →
    ``दुःख``; ``data/<lang>/visarga_prefixes.txt``); datelines (``नई दिल्ली:``,
    even glued as ``भोपाल:प्रदेश``) and times stay.

Optional rewrites, off by default: ``nukta="drop"``, ``digits="ascii"|"native"``,
``quotes="ascii"``.

>>> normalize("नई दिल्ली: दु:ख है |")
'नई दिल्ली: दुःख है ।'
>>> normalize("অ\u09be\u09ae\u09be\u09b0\u00a0 দেশ ")
'আমার দেশ'
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from itertools import compress
from operator import is_, ne
from typing import Literal

from newskit._data import data_text
from newskit.languages import data_file, fallback_chain, languages
from newskit.scripts import (
    BEN_LETTER,
    BEN_MARK,
    DEV_LETTER,
    DEV_MARK,
    INDIC_DIGIT,
    INDIC_WORD,
    NUKTAS,
    PIECE,
    VIRAMAS,
    ZWJ,
    ZWNJ,
    find_all,
    line_pieces,
)

__all__ = ["STEPS", "NormalizeOptions", "explain", "normalize"]

#: Step names in the order they run. ``--skip``/``--only`` take these names.
STEPS: tuple[str, ...] = ("invisible", "nfc", "visual", "spaces", "danda", "visarga")
#: Optional steps, enabled by their own option rather than by default.
OPTIONAL_STEPS: tuple[str, ...] = ("nukta", "digits", "quotes")


@dataclass(frozen=True)
class NormalizeOptions:
    """What :func:`normalize` does. Frozen so one object can be shared by workers.

    Each boolean enables one default step; the string fields select optional
    rewrites. ``profile="indicnlp"`` ignores everything else and delegates to
    indic-nlp-library's own normalizer, for users who need its exact output.
    """

    #: remove invisible format characters (see ``zero_width`` for ZWJ/ZWNJ)
    invisible: bool = True
    #: Unicode NFC
    nfc: bool = True
    #: visual normalization: "do not use" sequences, split vowels, doubled signs, khanda ta
    visual: bool = True
    #: Unicode spaces to ASCII space, collapse runs, strip line ends, CRLF/CR to LF
    spaces: bool = True
    #: ``|``/``||``/U+09E4/U+09E5/U+09F7 to danda and double danda, in Indic context only
    danda: bool = True
    #: ``:`` between two letters of one Indic script to visarga
    visarga: bool = True
    #: ``keep`` nukta signs, or ``drop`` them (ड़ → ड, য় → য): lossy, for matching only
    nukta: Literal["keep", "drop"] = "keep"
    #: ``keep`` digits, map all to ``ascii``, or ASCII digits to the line's ``native`` script
    digits: Literal["keep", "ascii", "native"] = "keep"
    #: ``keep`` curly quotes, or fold them to ``ascii`` ``"`` and ``'``
    quotes: Literal["keep", "ascii"] = "keep"
    #: ZWJ/ZWNJ: ``smart`` keeps them where they change rendering, ``keep`` or ``drop`` all
    zero_width: Literal["smart", "keep", "drop"] = "smart"
    #: ``default`` (the steps above) or ``indicnlp`` (indic-nlp-library's normalizer)
    profile: Literal["default", "indicnlp"] = "default"
    #: the text's language (a code of ``data/languages.tsv``): its visarga words
    #: (``data/<lang>/visarga_prefixes.txt``) and rules (Sanskrit: a word-final ``:`` is a
    #: visarga); ``None`` uses Hindi's and Bengali's. For the ``indicnlp`` profile, the language
    #: indic-nlp-library normalizes as; ``None`` picks hi/bn per line by script
    lang: str | None = None

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if self.profile == "indicnlp" and self.lang not in (None, *_INDICNLP_LANGS):
            raise ValueError(f"lang must be one of {', '.join(_INDICNLP_LANGS)} for indicnlp")
        if self.lang is not None and self.lang not in (*languages(), *_INDICNLP_LANGS):
            raise ValueError(f"unknown lang {self.lang!r}; languages are {', '.join(languages())}")

    @classmethod
    def only(cls, steps: Iterable[str], **kwargs: object) -> NormalizeOptions:
        """Options running only the named default steps (plus any optional ones in kwargs)."""
        wanted = set(steps)
        _check_step_names(wanted)
        return cls(**{s: s in wanted for s in STEPS}, **kwargs)  # type: ignore[arg-type]

    def skip(self, steps: Iterable[str]) -> NormalizeOptions:
        """A copy of these options with the named default steps turned off."""
        names = set(steps)
        _check_step_names(names)
        return replace(self, **dict.fromkeys(names, False))  # type: ignore[arg-type]

    def enabled(self) -> list[str]:
        """Names of the steps these options run, in order."""
        steps = [s for s in STEPS if getattr(self, s)]
        if self.nukta == "drop":
            steps.append("nukta")
        if self.digits != "keep":
            steps.append("digits")
        if self.quotes != "keep":
            steps.append("quotes")
        return steps


_CHOICES: dict[str, tuple[str, ...]] = {
    "nukta": ("keep", "drop"),
    "digits": ("keep", "ascii", "native"),
    "quotes": ("keep", "ascii"),
    "zero_width": ("smart", "keep", "drop"),
    "profile": ("default", "indicnlp"),
}
_INDICNLP_LANGS = ("hi", "bn", "mr", "ne", "sa", "as", "kK", "kok")
_OPTION_NAMES = frozenset(f.name for f in fields(NormalizeOptions))
DEFAULT = NormalizeOptions()


def _chars(cls: str) -> frozenset[str]:
    """The characters of a regex class fragment such as ``"a-z0"`` (ranges expanded)."""
    out: set[str] = set()
    i = 0
    while i < len(cls):
        if i + 2 < len(cls) and cls[i + 1] == "-":
            out.update(map(chr, range(ord(cls[i]), ord(cls[i + 2]) + 1)))
            i += 3
        else:
            out.add(cls[i])
            i += 1
    return frozenset(out)


def _check_step_names(names: set[str]) -> None:
    unknown = names - set(STEPS)
    if unknown:
        raise ValueError(f"unknown step {', '.join(sorted(unknown))}; steps are {', '.join(STEPS)}")


# ---------------------------------------------------------------------------
# Step implementations. Each takes (text, options) and returns (text, changes),
# where changes counts the characters the step rewrote (for --explain and stats).
# ---------------------------------------------------------------------------
StepFn = Callable[[str, NormalizeOptions, "frozenset[str] | None"], "tuple[str, int]"]

# invisible ------------------------------------------------------------------
_INVISIBLE = "\ufeff\u200b\u2060\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u180e"
_INVISIBLE_SET = _chars(_INVISIBLE)
# A joiner renders when it sits next to a virama (half forms, ya-phala, explicit
# virama) or, for emoji, after a pictograph or variation selector; elsewhere it
# does nothing. The pattern starts with the joiner itself (fast scanning) and
# looks behind it for the virama.
_KEEP_JOINER_AFTER = f"{VIRAMAS}\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
_STRAY_JOINER_RE = re.compile(
    # (a nukta may stand between: NFC moves a nukta typed after the virama before it)
    f"[{ZWJ}{ZWNJ}](?<![{_KEEP_JOINER_AFTER}].)[{ZWJ}{ZWNJ}]*(?![{NUKTAS}]?[{VIRAMAS}])"
)


def _step_invisible(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    if present is not None and not present & _INVISIBLE_OR_JOINER:
        return text, 0
    before = len(text)
    # str.replace per character present: a regex scan costs a pass of its own
    for ch in _INVISIBLE_SET if present is None else present & _INVISIBLE_SET:
        if ch in text:
            text = text.replace(ch, "")
    if opts.zero_width != "keep" and (ZWJ in text or ZWNJ in text):
        if opts.zero_width == "drop":
            text = text.replace(ZWJ, "").replace(ZWNJ, "")
        else:
            # Joiners are rare, and the rule looks at most one character before
            # and two after: applying it to the words that have one is exact.
            hits = sorted(find_all(text, ZWJ) + find_all(text, ZWNJ))
            text = _fix_words(text, hits, _drop_stray_joiners)[0]
    return text, before - len(text)


def _drop_stray_joiners(word: str) -> tuple[str, int]:
    return _STRAY_JOINER_RE.sub("", word), 0


# nfc ------------------------------------------------------------------------


# Fast path: unicodedata.is_normalized() is quick only when no character has
# NFC_QC=Maybe, but Bengali vowel sign aa (U+09BE), au length mark (U+09D7) and
# the nuktas (U+093C, U+09BC) are Maybe and occur everywhere. They are Maybe
# only because they can compose with a preceding letter; so test a *probe* copy
# in which they are replaced by look-alikes that compose with nothing (same
# canonical class), and look for the few compositions separately. The
# composition-excluded nukta letters (NFC_QC=No) are decomposed directly.
_NFC_DECOMPOSE = {
    c: unicodedata.normalize("NFC", c)
    for c in "\u0958\u0959\u095a\u095b\u095c\u095d\u095e\u095f\u09dc\u09dd\u09df"
}
# A superset of the pairs that compose (ে+া, ে+ৗ, न/र/ळ+nukta); one class-first
# pattern scans much faster than an alternation.
_NFC_COMPOSE_RE = re.compile("[\u09c7\u0928\u0930\u0933][\u09be\u09d7\u093c]")
_NFC_PROBE = str.maketrans({"\u09be": "a", "\u09d7": "a", "\u093c": "\u0abc", "\u09bc": "\u0abc"})


def _nfc_clean(text: str) -> bool:
    """True if ``text`` is NFC, given it has no composition-excluded nukta letters."""
    probe = text
    for ch in ("\u09be", "\u09d7", "\u093c", "\u09bc"):
        if ch in probe:
            probe = probe.replace(ch, _NFC_PROBE[ord(ch)])
    return unicodedata.is_normalized("NFC", probe) and not _NFC_COMPOSE_RE.search(text)


def _nfc(text: str) -> str:
    """NFC of ``text`` (already free of composition-excluded letters), by bisection.

    Only the lines that are not NFC get normalized; halving the text at a line
    break finds them with a few C-speed checks instead of one check per line.
    """
    if _nfc_clean(text):
        return text
    if len(text) < 4096:
        return "".join(
            line if _nfc_clean(line) else unicodedata.normalize("NFC", line)
            for line in text.splitlines(keepends=True)
        )
    mid = text.find("\n", len(text) // 2) + 1
    if mid <= 0 or mid >= len(text):
        mid = text.rfind("\n", 0, len(text) // 2) + 1
        if mid <= 0:
            return unicodedata.normalize("NFC", text)
    return _nfc(text[:mid]) + _nfc(text[mid:])


# Adjacent pairs that NFC reorders (virama typed before nukta) or composes; the
# words that contain one are normalized (see _pair_positions for the search).
_NFC_PAIR_SET = frozenset(
    {
        "\u094d\u093c",
        "\u09cd\u09bc",
        # (the other script's nukta too: NFC orders marks by class, not by script)
        "\u094d\u09bc",
        "\u09cd\u093c",
        "\u09c7\u09be",
        "\u09c7\u09d7",
        "\u0928\u093c",
        "\u0930\u093c",
        "\u0933\u093c",
    }
)


def _step_nfc(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    original = text
    if present is None:
        present = _rare_chars(text)
    # One str.replace per letter present (য় is everywhere in Bengali news);
    # a single-character `in` is far cheaper than a regex class scan.
    for ch, decomposed in _NFC_DECOMPOSE.items():
        if ch in text:
            text = text.replace(ch, decomposed)
    hits = [i for i in _pair_positions(text) if text[i : i + 2] in _NFC_PAIR_SET]
    if hits:  # NFC of the words with a pair that NFC reorders or composes
        positions = _pair_positions(text)
        text, _, edits = _fix_words(text, hits, _nfc_word)
        _remember_pairs(text, _shift_positions(positions, edits, text))
    if present & _nfc_unsafe():
        text = _nfc(text)  # other scripts, unusual mark orders: the exact path
    if text == original:
        return original, 0
    if not _counting:
        return text, 1
    # (a change to whitespace alone, U+2000 to U+2002, changes no word: count characters)
    return text, _changed_words(original, text) or sum(map(ne, original, text)) or 1


def _nfc_word(word: str) -> tuple[str, int]:
    return unicodedata.normalize("NFC", word), 1


# Exact per-step counts (``explain``) cost a word-by-word comparison for NFC;
# plain normalization only needs to know whether something changed. (A module
# flag: a thread calling normalize() while another explains only pays for counts
# it does not use; results are the same.)
_counting = False


def _changed_words(old: str, new: str) -> int:
    """Characters changed between two texts that differ only inside words.

    Used for counting only (``--explain``, ``newskit stats``), so it favours
    being cheap and close over being a minimal edit distance: for each pair of
    differing words, the span between their common prefix and common suffix.
    (``str.split`` splits on exactly the characters regex ``\\s`` matches, and
    the unchanged words are skipped by a C-level comparison.)
    """
    a_lines, b_lines = old.splitlines(), new.splitlines()
    if len(a_lines) == len(b_lines):  # only the lines that differ are split
        differ = map(ne, a_lines, b_lines)
        a_words = " ".join(compress(a_lines, differ)).split()
        differ = map(ne, a_lines, b_lines)
        b_words = " ".join(compress(b_lines, differ)).split()
    else:
        a_words, b_words = old.split(), new.split()
    changed = compress(zip(a_words, b_words, strict=False), map(ne, a_words, b_words))
    return sum(map(_WORD_CHANGES.__getitem__, changed))


class _WordChanges(dict[tuple[str, str], int]):
    """(old word, new word) -> characters changed between them, remembered: the same few
    thousand words change again and again (Bengali য় is in most of them), so the sum over a
    text's changed words is one C-level ``map`` when they are known."""

    def __missing__(self, pair: tuple[str, str]) -> int:
        a, b = pair
        p = _common_prefix_len(a, b)
        s = _common_prefix_len(a[p:][::-1], b[p:][::-1])
        n = max(len(a) - p - s, len(b) - p - s, 1)
        if len(self) >= 1 << 16:
            self.clear()  # bounded: the common words come straight back
        self[pair] = n
        return n


_WORD_CHANGES = _WordChanges()


def _common_prefix_len(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


# visual ---------------------------------------------------------------------
# Unicode "do not use" tables (Devanagari Table 12-1, Bengali Table 12-?),
# vowel signs typed in pieces, khanda ta. Longest sequences first.
_VISUAL_MAP: dict[str, str] = {
    # a half form followed by the aa sign, with a joiner (the joiner goes too)
    "\u094d\u200c\u093e": "",
    # Devanagari independent vowels
    "\u0905\u0946": "\u0904",
    "\u0905\u093e": "\u0906",
    "\u0905\u0949": "\u0911",
    "\u0905\u094a": "\u0912",
    "\u0905\u094b": "\u0913",
    "\u0905\u094c": "\u0914",
    "\u090f\u0945": "\u090d",
    "\u090f\u0946": "\u090e",
    "\u090f\u0947": "\u0910",
    "\u0906\u0945": "\u0911",
    "\u0906\u0947": "\u0913",
    "\u0906\u0948": "\u0914",
    "\u0905\u0945": "\u0972",
    "\u0905\u093a": "\u0973",
    "\u0905\u093b": "\u0974",
    "\u0905\u094f": "\u0975",
    "\u0905\u0956": "\u0976",
    "\u0905\u0957": "\u0977",
    # Devanagari dependent vowels typed in pieces (aa sign then e/ai/candra signs)
    "\u093e\u0945": "\u0949",
    "\u093e\u0946": "\u094a",
    "\u093e\u0947": "\u094b",
    "\u093e\u0948": "\u094c",
    # candra sign with anusvara renders as candrabindu (अॅंडी, बॅंक)
    "\u0905\u0945\u0902": "\u0905\u0901",
    "\u0945\u0902": "\u0901",
    "\u0902\u0945": "\u0901",
    # ई written as र् + इ (legacy-font conversion): the reph over इ looks like ई
    "\u0930\u094d\u0907": "\u0908",
    # a half form followed by the aa sign looks like the full consonant (च्ा → च)
    "\u094d\u093e": "",
    "\u094d\u200d\u093e": "",
    # a sign repeated inside a vowel that already contains it (ोे → ो, औै → औ)
    "\u0947\u0948": "\u0948",
    "\u0948\u0947": "\u0948",
    "\u0910\u0947": "\u0910",
    "\u0914\u0947": "\u0914",
    "\u0914\u0948": "\u0914",
    "\u094c\u0948": "\u094c",
    "\u0913\u0947": "\u0913",
    "\u094b\u0947": "\u094b",
    "\u0911\u0945": "\u0911",
    "\u0949\u0945": "\u0949",
    # aa + anusvara + e typed in pieces (अधिकारियांे → अधिकारियों)
    "\u093e\u0902\u0947": "\u094b\u0902",
    "\u093e\u0902\u0948": "\u094c\u0902",
    # a nukta added to a letter that already has one (ऩ़ → ऩ)
    "\u0929\u093c": "\u0929",
    "\u0931\u093c": "\u0931",
    "\u0934\u093c": "\u0934",
    **{chr(c) + "\u093c": chr(c) for c in range(0x0958, 0x0960)},
    **{chr(c) + "\u09bc": chr(c) for c in (0x09DC, 0x09DD, 0x09DF)},
    # Bengali two-part vowel typed aa-first, or with its part repeated
    "\u09be\u09c7": "\u09cb",
    "\u09cb\u09be": "\u09cb",
    "\u0993\u09cb": "\u0993",
    # Bengali ra + ya-phala: ZWJ (Unicode's recommendation) rather than ZWNJ
    "\u09b0\u200c\u09cd\u09af": "\u09b0\u200d\u09cd\u09af",
    # Bengali independent vowels
    "\u0985\u09be": "\u0986",
    "\u098b\u09c3": "\u09e0",
    "\u098c\u09e2": "\u09e1",
    # Bengali khanda ta (Unicode 4.0 encoding)
    "\u09a4\u09cd\u200d": "\u09ce",
}
# Combining signs that are never legitimately doubled.
_DOUBLED_SIGNS = (
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
    "\u0981-\u0983\u09bc\u09be-\u09c4\u09c7\u09c8\u09cb-\u09cd\u09d7\u09e2\u09e3"
)
# Dependent vowel signs (not anusvara, candrabindu, visarga, nukta or virama).
_VOWEL_SIGNS = (
    "\u093a\u093b\u093e-\u094c\u094e\u094f\u0955-\u0957\u0962\u0963"
    "\u09be-\u09c4\u09c7\u09c8\u09cb\u09cc\u09d7\u09e2\u09e3"
)
_INDEPENDENT_VOWELS = "\u0904-\u0914\u0960\u0961\u0972-\u0977\u0985-\u0994\u09e0\u09e1"
_VISUAL_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_VISUAL_MAP, key=len, reverse=True))
    + f"|(?P<double>[{_DOUBLED_SIGNS}])(?P=double)+"
    # virama typed before a nukta (NFC also fixes this; kept for --skip nfc)
    + "|\u094d\u093c|\u09cd\u09bc"
    # a nukta typed after the vowel sign instead of after its consonant (রযে়ছে)
    + f"|(?P<signs>[{_VOWEL_SIGNS}]+)(?P<nukta>[\u093c\u09bc])"
    # a virama after a vowel, where it cannot render (চু্ক্তি, এ্তে): dropped
    # (but অ্যা, এ্যা: a ya-phala after a Bengali vowel letter is standard spelling)
    + f"|(?P<vowel>[{_VOWEL_SIGNS}{_INDEPENDENT_VOWELS}])"
    + "[\u094d\u09cd](?![\u200c\u200d]*\u09af)[\u200c\u200d]*"
)
_REORDER = {"\u094d\u093c": "\u093c\u094d", "\u09cd\u09bc": "\u09bc\u09cd"}


def _visual_precise(text: str) -> tuple[str, int]:
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        s = m.group()
        count += len(s)
        if m.group("double"):
            return m.group("double")
        if m.group("signs"):
            return m.group("nukta") + m.group("signs")
        if m.group("vowel"):
            return m.group("vowel")
        return _VISUAL_MAP[s] if s in _VISUAL_MAP else _REORDER[s]

    # A fix can expose another (ुुु, or ा+ा+े): repeat until stable, normally once.
    while True:
        new = _VISUAL_RE.sub(fix, text)
        if new == text:
            return new, count
        text = new


def _visual_word(word: str, nfc: bool) -> tuple[str, int]:
    """Visual fixes on one word, with NFC again when a fix made a new pair
    (moving a nukta can bring ে and া together): repeat until stable."""
    count = 0
    while True:
        fixed, n = _visual_precise(word)
        count += n
        if nfc:
            fixed = unicodedata.normalize("NFC", fixed)
        if fixed == word:
            return fixed, count
        word = fixed


def _visual_triggers() -> frozenset[str]:
    """Character pairs of which every match of ``_VISUAL_RE`` contains at least one.

    The full pattern is slow (it tries every alternative at every position), so
    :func:`_step_visual` first scans for these pairs -- which never occur in
    correctly typed text except ``অ্য`` -- and runs it only on the words that have one.
    """
    rare_pair = {  # for keys whose first pair is common in correct text
        "\u0930\u094d\u0907": "\u094d\u0907",
        "\u094d\u200d\u093e": "\u200d\u093e",
        "\u09a4\u09cd\u200d": "\u09cd\u200d",
        "\u09b0\u200c\u09cd\u09af": "\u09b0\u200c",
        "\u093e\u0902\u0947": "\u0902\u0947",
        "\u093e\u0902\u0948": "\u0902\u0948",
    }
    pairs = {rare_pair.get(k, k[:2]) for k in _VISUAL_MAP}
    pairs |= {c + c for c in _chars(_DOUBLED_SIGNS)}
    pairs |= set(_REORDER)
    for v in _chars(_VOWEL_SIGNS):
        pairs |= {v + "\u093c", v + "\u09bc"}
    for v in _chars(_VOWEL_SIGNS) | _chars(_INDEPENDENT_VOWELS):
        pairs |= {v + "\u094d", v + "\u09cd"}
    assert all(len(p) == 2 for p in pairs)
    return frozenset(pairs)


_VISUAL_PAIRS = _visual_triggers()


# Trigger-pair detection -------------------------------------------------------
# The NFC and visual steps look for a few hundred character pairs that are rare
# in correctly typed text but made of characters that are everywhere (vowel signs
# are a third of all characters). A regex stops at every vowel sign; here a block
# is checked with a handful of C-speed passes over bytes instead:
#
# 1. encode the text as UTF-16/32 and keep the low byte of each character, so
#    byte i stands for character i (Devanagari and Bengali differ in that byte);
# 2. translate those bytes through two tables: FIRST[b] has bit k set when a
#    character with low byte b starts a trigger pair whose second character is of
#    kind k (virama, nukta, vowel sign, ...), SECOND[b] when it can be that
#    second character;
# 3. AND the FIRST bytes with the SECOND bytes shifted by one character, as two
#    big integers: a non-zero byte marks a position that *may* start a pair.
#
# Every real pair is found (the tables are built from the pairs themselves);
# other characters sharing a low byte (ASCII "AB", a Latin-1 letter) only give
# candidates that the exact set lookup then rejects.
# (the spaces step asks for a run of spaces or a space at a line end)
_SPACE_PAIRS = frozenset({"  ", " \n"})
_TRIGGER_PAIRS = _VISUAL_PAIRS | _NFC_PAIR_SET | _SPACE_PAIRS
_PAIR_KINDS = (
    VIRAMAS,
    NUKTAS,
    _chars(_VOWEL_SIGNS),
    "\u0900-\u0903\u0981-\u0983",
    ZWJ + ZWNJ,
    " \n",
)


def _pair_tables(pairs: frozenset[str]) -> tuple[bytes, bytes]:
    first, second = bytearray(256), bytearray(256)
    kinds = [_chars(k) if isinstance(k, str) else k for k in _PAIR_KINDS]
    for pair in pairs:
        a, b = pair
        kind = next((n for n, chars in enumerate(kinds) if b in chars), len(kinds))
        first[ord(a) & 0xFF] |= 1 << kind
        second[ord(b) & 0xFF] |= 1 << kind
    return bytes(first), bytes(second)


_FIRST, _SECOND = _pair_tables(_TRIGGER_PAIRS)
_NONZERO = bytes([0] + [1] * 255)
_last_pairs: tuple[str, list[int]] = ("", [])


def _pair_positions(text: str) -> list[int]:
    """Ascending positions ``i`` where ``text[i:i+2]`` is a trigger pair.

    The NFC step and the visual step both ask, usually about the same string
    object, so the last answer is kept.
    """
    global _last_pairs
    last_text, last = _last_pairs
    if last_text is text:
        return last
    if _may_have_astral(text):  # 4 bytes a character keep positions exact
        low = text.encode("utf-32-le", "surrogatepass")[0::4]
    else:
        low = text.encode("utf-16-le", "surrogatepass")[0::2]
    found = int.from_bytes(low.translate(_FIRST), "little") & (
        int.from_bytes(low.translate(_SECOND), "little") >> 8
    )
    out: list[int] = []
    if found:
        marks = found.to_bytes(len(low), "little").translate(_NONZERO)
        i = marks.find(1)
        while i >= 0:
            if text[i : i + 2] in _TRIGGER_PAIRS:
                out.append(i)
            i = marks.find(1, i + 1)
    _last_pairs = (text, out)
    return out


def _remember_pairs(text: str, positions: list[int]) -> None:
    global _last_pairs
    _last_pairs = (text, positions)


def _step_visual(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    hits = [
        i
        for i in _pair_positions(text)
        if text[i : i + 2] in _VISUAL_PAIRS
        # (অ্য: a ya-phala after a vowel letter is correct)
        and not (text[i + 1] == "\u09cd" and text.startswith("\u09af", i + 2))
    ]
    if not hits:
        return text, 0
    # No rule spans whitespace, so fixing the word around each hit is exact.
    positions = _pair_positions(text)
    text, count, edits = _fix_words(text, hits, lambda word: _visual_word(word, opts.nfc))
    _remember_pairs(text, _shift_positions(positions, edits, text))
    return text, count


def _fix_words(
    text: str, hits: list[int], fix: Callable[[str], tuple[str, int]]
) -> tuple[str, int, list[tuple[int, int, int, int]]]:
    """Apply ``fix`` to the space- or newline-delimited word around each position
    in ``hits`` (ascending).

    Returns the new text, the summed counts, and the edits as ``(start, end,
    new_start, new_end)``: the word ``text[start:end]`` is now
    ``new[new_start:new_end]``.
    """
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    count = 0
    pos = 0
    out_len = 0
    for i in hits:
        if i < pos:
            continue
        start = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i), pos - 1) + 1
        end = _word_end(text, i)
        fixed, n = fix(text[start:end])
        pieces.append(text[pos:start])
        out_len += start - pos
        edits.append((start, end, out_len, out_len + len(fixed)))
        pieces.append(fixed)
        out_len += len(fixed)
        count += n
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces), count, edits


def _shift_positions(
    positions: list[int], edits: list[tuple[int, int, int, int]], new_text: str
) -> list[int]:
    """Trigger-pair positions of ``new_text``, from those of the text before
    :func:`_fix_words` made ``edits``: positions outside the edited words move by
    the length change before them; the edited words and their edges are scanned
    again."""
    out: list[int] = []
    k = 0
    delta = 0
    for start, end, new_start, new_end in edits:
        # Scanned again: from the pair ending at the word's first character to
        # the one starting at its last (a word fixed to nothing joins the spaces
        # around it into a new pair).
        while k < len(positions) and positions[k] < start - 1:
            out.append(positions[k] + delta)
            k += 1
        while k < len(positions) and positions[k] < end:
            k += 1
        out.extend(
            j
            for j in range(max(new_start - 1, 0), new_end)
            if new_text[j : j + 2] in _TRIGGER_PAIRS
        )
        delta = new_end - end
    out.extend(p + delta for p in positions[k:])
    return out


def _word_end(text: str, i: int) -> int:
    space = text.find(" ", i)
    newline = text.find("\n", i)
    ends = [e for e in (space, newline) if e >= 0]
    return min(ends) if ends else len(text)


# spaces ---------------------------------------------------------------------
_SPACE_CHARS = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_UNISPACE_SET = _chars(_SPACE_CHARS)
_SPACE_RUN_RE = re.compile(" +")


def _splice_spaces(text: str, starts: list[int]) -> str:
    """Collapse the runs of spaces and drop those at line ends, given the
    (ascending) positions of every ``"  "`` and ``" \\n"`` in ``text``."""
    pieces = []
    pos = 0
    for i in starts:
        if i < pos:
            continue  # inside the run just handled
        end = _SPACE_RUN_RE.match(text, i).end()  # type: ignore[union-attr]
        at_line_end = end == len(text) or text[end] == "\n"
        pieces.append(text[pos:i] if at_line_end else text[pos : i + 1])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _step_spaces(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    # Several simple C-speed passes beat one pattern with a Python callback.
    count = 0
    for ch in _UNISPACE_SET if present is None else present & _UNISPACE_SET:
        n = text.count(ch)
        if n:
            text = text.replace(ch, " ")
            count += n
    if (present is None or "\r" in present) and "\r" in text:
        n = len(text)
        text = text.replace("\r\n", "\n")
        count += n - len(text)
        n = text.count("\r")
        text = text.replace("\r", "\n")
        count += n
    n = len(text)
    last_text, positions = _last_pairs
    if last_text is text:  # the earlier steps found the pairs already
        starts = [i for i in positions if text[i] == " "]
    else:  # (a regex for these stops at every space)
        starts = sorted(find_all(text, "  ") + find_all(text, " \n"))
    if starts:
        text = _splice_spaces(text, starts)
    if text.endswith(" "):
        text = text[:-1]
    return text, count + n - len(text)


# danda ----------------------------------------------------------------------
# Patterns start with a literal so the regex engine can skip ahead quickly;
# the context (what precedes and follows) is checked in Python on the rare hits.
_CLOSERS = frozenset("\"'”’»)]")
_INDIC_CONTEXT = _chars(f"{INDIC_WORD}{INDIC_DIGIT}\u0964\u0965")
_BENGALI_CONTEXT = _chars(f"{BEN_LETTER}{BEN_MARK}")
_PIPE_RE = re.compile("\\|\\|?")
_BENGALI_FOUR_RE = re.compile("\u09f7")


def _ends_clause(text: str, end: int) -> bool:
    return end == len(text) or text[end].isspace() or text[end] in _CLOSERS


def _after(text: str, start: int, context: frozenset[str]) -> bool:
    """True if the character before ``start`` (skipping one space) is in ``context``."""
    i = start - 1
    if i >= 0 and text[i] == " ":
        i -= 1
    return i >= 0 and text[i] in context


def _after_visarga_colon(text: str, start: int) -> bool:
    """True if a ``:`` that the Sanskrit visarga rule turns into ``ः`` stands before ``start``
    (skipping one space): the danda step then sees the line as the visarga step will leave it."""
    i = start - 1
    if i >= 0 and text[i] == " ":
        i -= 1
    return i >= 1 and text[i] == ":" and text[i - 1] in _DEV_BEFORE


def _step_danda(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    if present is None:
        present = frozenset(c for c in _DANDA_CHARS if c in text)
    if not present & _DANDA_CHARS:
        return text, 0
    count = 0
    for legacy, danda in (("\u09e4", "\u0964"), ("\u09e5", "\u0965")):
        if legacy in present:
            count += text.count(legacy)
            text = text.replace(legacy, danda)

    visarga_colon = _word_final_visarga(opts.lang)

    def pipe(m: re.Match[str]) -> str:
        nonlocal count
        s, t = m.group(), m.string
        if _ends_clause(t, m.end()) and (
            _after(t, m.start(), _INDIC_CONTEXT)
            # (Sanskrit: "नम: |", the colon becomes a visarga in the next step)
            or (visarga_colon and _after_visarga_colon(t, m.start()))
        ):
            count += len(s)
            return "\u0965" if s == "||" else "\u0964"
        return s

    def bengali_four(m: re.Match[str]) -> str:
        nonlocal count
        if _ends_clause(m.string, m.end()) and _after(m.string, m.start(), _BENGALI_CONTEXT):
            count += 1
            return "\u0964"
        return m.group()

    if "|" in present:
        text = _PIPE_RE.sub(pipe, text)
    if "\u09f7" in present:
        text = _BENGALI_FOUR_RE.sub(bengali_four, text)
    return text, count


# visarga --------------------------------------------------------------------
# (not after a visarga or virama: ःः and ्ः would be new errors)
_DEV_BEFORE = _chars(f"{DEV_LETTER}{DEV_MARK}") - {"\u0903", "\u094d"}
_DEV_AFTER = _chars(DEV_LETTER)
_BEN_BEFORE = _chars(f"{BEN_LETTER}{BEN_MARK}") - {"\u0983", "\u09cd"}
_BEN_AFTER = _chars(BEN_LETTER)
_DEV_WORD = _chars(f"{DEV_LETTER}{DEV_MARK}")
_BEN_WORD = _chars(f"{BEN_LETTER}{BEN_MARK}")


_VISARGA_PREFIXES: frozenset[str] | None = None


def _visarga_prefixes() -> frozenset[str]:
    """Word beginnings written with a visarga (data/<lang>/visarga_prefixes.txt)."""
    global _VISARGA_PREFIXES
    if _VISARGA_PREFIXES is None:
        _VISARGA_PREFIXES = _visarga_prefixes_of(("hi", "bn"))
    return _VISARGA_PREFIXES


@lru_cache(maxsize=16)
def _visarga_prefixes_of(langs: tuple[str, ...]) -> frozenset[str]:
    entries: set[str] = set()
    for lang in langs:
        try:
            text = data_text(lang, "visarga_prefixes.txt")
        except FileNotFoundError:
            continue
        entries.update(
            unicodedata.normalize("NFC", line.strip())
            for line in text.splitlines()
            if line.strip() and not line.startswith("#")
        )
    return frozenset(entries)


def _lang_prefixes(lang: str | None) -> frozenset[str]:
    """Hindi's and Bengali's visarga words plus those of *lang* and the languages it borrows
    from (``data/languages.tsv``): Hindi and Bengali text keeps exactly today's rule."""
    if lang is None or lang in ("hi", "bn"):
        return _visarga_prefixes()
    return _visarga_prefixes_of(("hi", "bn", *fallback_chain(lang)))


@lru_cache(maxsize=16)
def _word_final_visarga(lang: str | None) -> bool:
    """Whether *lang*'s rules (``data/<lang>/rules.tsv``) make a word-final ``:`` a visarga."""
    found = None if lang is None else data_file(lang, "rules.tsv")
    if found is None:
        return False
    return any(
        line.split("\t")[:2] == ["visarga_word_final", "yes"] for line in found[1].splitlines()
    )


def _word_before(text: str, i: int, script: frozenset[str]) -> str:
    start = i
    while start > 0 and text[start - 1] in script:
        start -= 1
    return text[start:i]


def _step_visarga(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    # ":" inside a word is a visarga only after a word beginning that takes one
    # (दु:ख, अत:पर, मूलत:): a dateline glued to the next word (भोपाल:प्रदेश) stays.
    if ":" not in text:
        return text, 0
    count = 0
    prefixes = _lang_prefixes(opts.lang)
    word_final = _word_final_visarga(opts.lang)

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        t, i = m.string, m.start()
        if 0 < i < len(t) - 1:
            before, after = t[i - 1], t[i + 1]
            if before in _DEV_BEFORE and after in _DEV_AFTER:
                if _word_before(t, i, _DEV_WORD) in prefixes:
                    count += 1
                    return "\u0903"
            elif (
                before in _BEN_BEFORE
                and after in _BEN_AFTER
                and _word_before(t, i, _BEN_WORD) in prefixes
            ):
                count += 1
                return "\u0983"
        # Sanskrit: नमः, रामः at a word's end (before a space, danda, closer or line end)
        if (
            word_final
            and i > 0
            and t[i - 1] in _DEV_BEFORE
            and (i == len(t) - 1 or t[i + 1] in _WORD_FINAL_AFTER or t[i + 1] in _DEV_AFTER)
        ):
            count += 1
            return "\u0903"
        return ":"

    return _COLON_RE.sub(fix, text), count


_COLON_RE = re.compile(":")
# what may follow a word-final visarga (Sanskrit): whitespace, dandas, closing marks
_WORD_FINAL_AFTER = frozenset(" \t\n\r\u00a0\u0964\u0965,;?!\"'”’)]")


# optional: nukta, digits, quotes ---------------------------------------------
_NUKTA_RE = re.compile("[\u093c\u09bc]")


def _step_nukta(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    # NFC first so that precomposed nukta letters lose their nukta too.
    decomposed = unicodedata.normalize("NFC", text)
    out, n = _NUKTA_RE.subn("", decomposed)
    return out, n


_TO_ASCII_DIGITS = {0x0966 + i: str(i) for i in range(10)} | {0x09E6 + i: str(i) for i in range(10)}
_DEV_DIGITS = {ord(str(i)): chr(0x0966 + i) for i in range(10)}
_BEN_DIGITS = {ord(str(i)): chr(0x09E6 + i) for i in range(10)}
_INDIC_DIGIT_RE = re.compile(f"[{INDIC_DIGIT}]")
_ASCII_DIGIT_RUN = re.compile(r"[0-9]+")
_SCRIPT_LETTER_RE = re.compile(f"([{DEV_LETTER}])|([{BEN_LETTER}])")


def _step_digits(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    if opts.digits == "ascii":
        n = len(_INDIC_DIGIT_RE.findall(text))
        return (text.translate(_TO_ASCII_DIGITS), n) if n else (text, 0)
    # native: ASCII digit runs take the script of the nearest preceding letter
    # in the same line (or the first Indic letter of the line if none precedes).
    count = 0
    out_lines = []
    for line in text.split("\n"):
        if not _ASCII_DIGIT_RUN.search(line):
            out_lines.append(line)
            continue
        pieces, last = [], 0
        for m in _ASCII_DIGIT_RUN.finditer(line):
            prev = None
            for lm in _SCRIPT_LETTER_RE.finditer(line, 0, m.start()):
                prev = lm
            if prev is None:
                prev = _SCRIPT_LETTER_RE.search(line, m.end())
            pieces.append(line[last : m.start()])
            digits = m.group()
            if prev is not None:
                digits = digits.translate(_DEV_DIGITS if prev.group(1) else _BEN_DIGITS)
                count += len(digits)
            pieces.append(digits)
            last = m.end()
        pieces.append(line[last:])
        out_lines.append("".join(pieces))
    return "\n".join(out_lines), count


_QUOTES_TABLE = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
_QUOTES_RE = re.compile("[“”„‘’‚]")


def _step_quotes(
    text: str, opts: NormalizeOptions, present: frozenset[str] | None = None
) -> tuple[str, int]:
    n = len(_QUOTES_RE.findall(text))
    return (text.translate(_QUOTES_TABLE), n) if n else (text, 0)


_STEP_FUNCS: dict[str, StepFn] = {
    "invisible": _step_invisible,
    "nfc": _step_nfc,
    "visual": _step_visual,
    "spaces": _step_spaces,
    "danda": _step_danda,
    "visarga": _step_visarga,
    "nukta": _step_nukta,
    "digits": _step_digits,
    "quotes": _step_quotes,
}


# ---------------------------------------------------------------------------
# One scan for the rare characters that most steps look for
# ---------------------------------------------------------------------------
_INVISIBLE_OR_JOINER = _chars(_INVISIBLE) | {ZWJ, ZWNJ}
_DANDA_CHARS = frozenset("|\u09e4\u09e5\u09f7")
_NFC_UNSAFE: frozenset[str] | None = None
_RARE_RE: re.Pattern[str] | None = None


@lru_cache(maxsize=1)
def _nfc_unsafe_ranges() -> list[tuple[int, int]]:
    """Code points the NFC fast path does not cover, for this Python's Unicode.

    Read from ``data/nfc_unsafe.txt`` when it was generated for the running
    Unicode version, else computed (about 0.2 s, once per process).
    """
    lines = data_text("nfc_unsafe.txt").splitlines()
    if lines and lines[0] == f"# unidata_version={unicodedata.unidata_version}":
        out = []
        for line in lines:
            if line and not line.startswith("#"):
                a, _, b = line.partition("..")
                out.append((int(a, 16), int(b or a, 16)))
        return out
    from newskit._nfc_table import unsafe_ranges

    return unsafe_ranges()


def _nfc_unsafe() -> frozenset[str]:
    global _NFC_UNSAFE
    if _NFC_UNSAFE is None:
        ranges = _nfc_unsafe_ranges()
        _NFC_UNSAFE = frozenset(chr(c) for a, b in ranges for c in range(a, b + 1))
    return _NFC_UNSAFE


def _rare_re() -> re.Pattern[str]:
    global _RARE_RE
    if _RARE_RE is None:
        # Only BMP ranges: sre compiles those to a bitmap; one astral range would
        # turn the class into a linear list of ranges (20 MB/s instead of 500).
        # Any astral character at all is reported as itself and, being in
        # _nfc_unsafe() or not, decides the NFC path exactly.
        unsafe = "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in _nfc_unsafe_ranges()
            if b <= 0xFFFF
        )
        _RARE_RE = re.compile(
            f"[{_INVISIBLE}{ZWJ}{ZWNJ}{_SPACE_CHARS}\r|\u09e4\u09e5\u09f7{unsafe}]"
        )
    return _RARE_RE


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _may_have_astral(text: str) -> bool:
    """False when ``text`` certainly has no character beyond U+FFFF.

    CPython stores a string with 1, 2 or 4 bytes per character, by its widest
    character, so the object's size tells without scanning (a regex search for
    astral characters costs a full pass over every block that has none).
    """
    n = len(text)
    if n < 256:
        return True
    try:
        return sys.getsizeof(text) >= 4 * n
    except TypeError:  # pragma: no cover - other Python implementations
        return True


def _rare_chars(text: str) -> frozenset[str]:
    """The rare characters (invisibles, odd spaces, pipes, marks needing exact NFC) in ``text``."""
    found = frozenset(_rare_re().findall(text))
    if text.isascii() or not _may_have_astral(text) or not _ASTRAL_RE.search(text):
        return found
    return found | frozenset(_ASTRAL_RE.findall(text))


# ---------------------------------------------------------------------------
# indic-nlp-library compatibility profile
# ---------------------------------------------------------------------------
_indicnlp_normalizers: dict[str, Callable[[str], str]] = {}
_DEV_OR_BEN_RE = re.compile("([\u0900-\u097f])|([\u0980-\u09ff])")


def _indicnlp(text: str, opts: NormalizeOptions) -> str:
    """Delegate to indic-nlp-library line by line, choosing hi/bn by script."""
    out = []
    for line in text.splitlines(keepends=True):
        lang = opts.lang
        if lang is None:
            dev = ben = 0
            for m in _DEV_OR_BEN_RE.finditer(line):
                if m.group(1):
                    dev += 1
                else:
                    ben += 1
            lang = None if dev == ben == 0 else ("hi" if dev >= ben else "bn")
        if lang is None:
            out.append(line)
            continue
        body = line.rstrip("\r\n")
        out.append(_indicnlp_normalizer(lang)(body) + line[len(body) :])
    return "".join(out)


def _indicnlp_normalizer(lang: str) -> Callable[[str], str]:
    fn = _indicnlp_normalizers.get(lang)
    if fn is None:
        from indicnlp.normalize.indic_normalize import IndicNormalizerFactory

        fn = IndicNormalizerFactory().get_normalizer(lang).normalize
        _indicnlp_normalizers[lang] = fn
    return fn


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------
def _options(options: NormalizeOptions | None, kwargs: dict[str, object]) -> NormalizeOptions:
    if options is None and not kwargs:
        return DEFAULT
    unknown = set(kwargs) - _OPTION_NAMES
    if unknown:
        raise TypeError(f"unknown normalize option(s): {', '.join(sorted(unknown))}")
    return replace(options or DEFAULT, **kwargs)  # type: ignore[arg-type]


def normalize(text: str, options: NormalizeOptions | None = None, **kwargs: object) -> str:
    """Return ``text`` normalized by the enabled steps.

    Keyword arguments override fields of ``options`` (default: all default
    steps, nothing optional), e.g. ``normalize(t, digits="ascii", danda=False)``.

    >>> normalize("ड़ को बदलो।")  # U+095C decomposed by NFC
    'ड़ को बदलो।'
    >>> normalize("দু’টি অত:পর ১০:৩০ টায়")
    'দু’টি অতঃপর ১০:৩০ টায়'
    """
    opts = _options(options, kwargs)
    if opts.profile == "indicnlp":
        return _indicnlp(text, opts)
    if len(text) <= 2 * PIECE:
        return _normalize_piece(text, opts)
    pieces = list(line_pieces(text))
    done = [_normalize_piece(piece, opts) for piece in pieces]
    if all(map(is_, done, pieces)):
        return text  # the same object when nothing changed, as for a short text
    return "".join(done)


#: Characters whose NFC is a character a later step looks for (U+2000, U+2001 become the
#: spaces U+2002, U+2003): with one of them present, the rare characters are looked for again
#: after the NFC step, or the spaces step would leave the new ones and normalizing twice would
#: differ from once. (tests/test_normalize.py checks every code point for others.)
NFC_MAKES_RARE = frozenset("\u2000\u2001")


def _normalize_piece(
    text: str, opts: NormalizeOptions, counts: dict[str, int] | None = None
) -> str:
    """The enabled steps over one piece, adding what each changed to ``counts`` if given."""
    present = _rare_chars(text)
    for step in opts.enabled():
        text, n = _STEP_FUNCS[step](text, opts, present)
        if counts is not None:
            counts[step] += n
        if step == "nfc" and present & NFC_MAKES_RARE:
            present = _rare_chars(text)
    return text


def explain(
    text: str, options: NormalizeOptions | None = None, **kwargs: object
) -> tuple[str, dict[str, int]]:
    """Normalize ``text`` and report how many characters each step changed.

    >>> explain("दु:ख  है |")
    ('दुःख है ।', {'invisible': 0, 'nfc': 0, 'visual': 0, 'spaces': 1, 'danda': 1, 'visarga': 1})
    """
    opts = _options(options, kwargs)
    if opts.profile == "indicnlp":
        out = _indicnlp(text, opts)
        return out, {"indicnlp": _changed_words(text, out) if out != text else 0}
    global _counting
    counts = dict.fromkeys(opts.enabled(), 0)
    _counting = True
    try:
        pieces = line_pieces(text) if len(text) > 2 * PIECE else [text]
        done = [_normalize_piece(piece, opts, counts) for piece in pieces]
    finally:
        _counting = False
    return (done[0] if len(done) == 1 else "".join(done)), counts
