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
    visarga (``दु:ख`` → ``दुःख``); datelines (``नई दिल्ली:``) and times stay.

Optional rewrites, off by default: ``nukta="drop"``, ``digits="ascii"|"native"``,
``quotes="ascii"``.

>>> normalize("नई दिल्ली: दु:ख है |")
'नई दिल्ली: दुःख है ।'
>>> normalize("অ\u09be\u09ae\u09be\u09b0\u00a0 দেশ ")
'আমার দেশ'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Literal

from newskit.scripts import (
    BEN_LETTER,
    BEN_MARK,
    DEV_LETTER,
    DEV_MARK,
    INDIC_DIGIT,
    INDIC_WORD,
    VIRAMAS,
    ZWJ,
    ZWNJ,
)

__all__ = ["STEPS", "NormalizeOptions", "explain", "normalize", "normalize_lines"]

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
    #: language for the ``indicnlp`` profile; ``None`` picks hi/bn per line by script
    lang: str | None = None

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        if self.profile == "indicnlp" and self.lang not in (None, *_INDICNLP_LANGS):
            raise ValueError(f"lang must be one of {', '.join(_INDICNLP_LANGS)} for indicnlp")

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


def _check_step_names(names: set[str]) -> None:
    unknown = names - set(STEPS)
    if unknown:
        raise ValueError(f"unknown step {', '.join(sorted(unknown))}; steps are {', '.join(STEPS)}")


# ---------------------------------------------------------------------------
# Step implementations. Each takes (text, options) and returns (text, changes),
# where changes counts the characters the step rewrote (for --explain and stats).
# ---------------------------------------------------------------------------
StepFn = Callable[[str, NormalizeOptions], "tuple[str, int]"]

# invisible ------------------------------------------------------------------
_INVISIBLE = "\ufeff\u200b\u2060\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u180e"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]+")
_JOINER_RE = re.compile(f"[{ZWJ}{ZWNJ}]+")
# A joiner renders when it sits next to a virama, or (ZWJ) glues an emoji sequence.
_EMOJI_BEFORE = re.compile(r"[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]$")


def _keep_joiner(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before in VIRAMAS or after in VIRAMAS:
        return True
    return ZWJ in text[start:end] and bool(before) and bool(_EMOJI_BEFORE.search(before))


def _step_invisible(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    count = 0
    if _INVISIBLE_RE.search(text):
        before = len(text)
        text = _INVISIBLE_RE.sub("", text)
        count = before - len(text)
    if opts.zero_width == "keep" or (ZWJ not in text and ZWNJ not in text):
        return text, count
    if opts.zero_width == "drop":
        before = len(text)
        text = text.replace(ZWJ, "").replace(ZWNJ, "")
        return text, count + before - len(text)

    def smart(m: re.Match[str]) -> str:
        nonlocal count
        if _keep_joiner(m.string, m.start(), m.end()):
            return m.group()
        count += m.end() - m.start()
        return ""

    return _JOINER_RE.sub(smart, text), count


# nfc ------------------------------------------------------------------------
_WORD_RE = re.compile(r"\S+")


def _step_nfc(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    if unicodedata.is_normalized("NFC", text):
        return text, 0
    out = unicodedata.normalize("NFC", text)
    return out, _changed_words(text, out)


def _changed_words(old: str, new: str) -> int:
    """Characters changed between two texts that differ only inside words.

    Used for counting only (``--explain``), so it favours being cheap and
    close over being a minimal edit distance.
    """
    total = 0
    for a, b in zip(_WORD_RE.findall(old), _WORD_RE.findall(new), strict=False):
        if a != b:
            p = len(_common_prefix(a, b))
            s = len(_common_prefix(a[p:][::-1], b[p:][::-1]))
            total += max(len(a) - p - s, len(b) - p - s, 1)
    return total


def _common_prefix(a: str, b: str) -> str:
    i = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        i += 1
    return a[:i]


# visual ---------------------------------------------------------------------
# Unicode "do not use" tables (Devanagari Table 12-1, Bengali Table 12-?),
# vowel signs typed in pieces, khanda ta. Longest sequences first.
_VISUAL_MAP: dict[str, str] = {
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
_VISUAL_RE = re.compile(
    "|".join(re.escape(k) for k in sorted(_VISUAL_MAP, key=len, reverse=True))
    + f"|([{_DOUBLED_SIGNS}])\\1+"
    # virama typed before a nukta (NFC also fixes this; kept for --skip nfc)
    + "|\u094d\u093c|\u09cd\u09bc"
)
_REORDER = {"\u094d\u093c": "\u093c\u094d", "\u09cd\u09bc": "\u09bc\u09cd"}


def _step_visual(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        s = m.group()
        count += len(s)
        if m.group(1):
            return m.group(1)
        return _VISUAL_MAP.get(s) or _REORDER[s]

    # A fix can expose another (ुुु, or ा+ा+े): repeat until stable, normally once.
    while True:
        new = _VISUAL_RE.sub(fix, text)
        if new == text:
            return new, count
        text = new


# spaces ---------------------------------------------------------------------
_SPACE_CHARS = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_UNISPACE_RE = re.compile(f"[{_SPACE_CHARS}]")
_SPACES_RE = re.compile(r"\r\n?| +(?=\r|\n|\Z)|  +")


def _step_spaces(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    text, n = _UNISPACE_RE.subn(" ", text)
    count = n
    if "  " in text or " \n" in text or "\r" in text or text.endswith(" "):
        pieces: list[int] = []

        def fix(m: re.Match[str]) -> str:
            s = m.group()
            if s[0] == "\r":
                pieces.append(len(s) - 1 if len(s) == 2 else 1)
                return "\n"
            end = m.end()
            if end == len(text) or text[end] in "\n\r":
                pieces.append(len(s))
                return ""
            pieces.append(len(s) - 1)
            return " "

        text = _SPACES_RE.sub(fix, text)
        count += sum(pieces)
    return text, count


# danda ----------------------------------------------------------------------
_CLOSERS = "\"'”’»)\\]"
_INDIC_CONTEXT = f"{INDIC_WORD}{INDIC_DIGIT}\u0964\u0965"
_DANDA_RE = re.compile(
    f"(?<=[{_INDIC_CONTEXT}])( ?)(\\|\\|?)(?=[\\s{_CLOSERS}]|\\Z)"
    f"|[\u09e4\u09e5]"
    f"|(?<=[{BEN_LETTER}{BEN_MARK}])( ?)\u09f7(?=[\\s{_CLOSERS}]|\\Z)"
)


def _step_danda(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    if "|" not in text and "\u09e4" not in text and "\u09e5" not in text and "\u09f7" not in text:
        return text, 0
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        s = m.group()
        if m.group(2):
            count += len(m.group(2))
            return m.group(1) + ("\u0965" if m.group(2) == "||" else "\u0964")
        if s == "\u09e4" or s == "\u09e5":
            count += 1
            return "\u0964" if s == "\u09e4" else "\u0965"
        count += 1
        return (m.group(3) or "") + "\u0964"

    return _DANDA_RE.sub(fix, text), count


# visarga --------------------------------------------------------------------
_VISARGA_RE = re.compile(
    f"(?<=[{DEV_LETTER}{DEV_MARK}]):(?=[{DEV_LETTER}])|(?<=[{BEN_LETTER}{BEN_MARK}]):(?=[{BEN_LETTER}])"
)


def _visarga_fix(m: re.Match[str]) -> str:
    return "\u0903" if "\u0900" <= m.string[m.start() - 1] <= "\u097f" else "\u0983"


def _step_visarga(text: str, opts: NormalizeOptions) -> tuple[str, int]:
    if ":" not in text:
        return text, 0
    return _VISARGA_RE.subn(_visarga_fix, text)


# optional: nukta, digits, quotes ---------------------------------------------
_NUKTA_RE = re.compile("[\u093c\u09bc]")


def _step_nukta(text: str, opts: NormalizeOptions) -> tuple[str, int]:
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


def _step_digits(text: str, opts: NormalizeOptions) -> tuple[str, int]:
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


def _step_quotes(text: str, opts: NormalizeOptions) -> tuple[str, int]:
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
    for step in opts.enabled():
        text = _STEP_FUNCS[step](text, opts)[0]
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
    counts: dict[str, int] = {}
    for step in opts.enabled():
        text, counts[step] = _STEP_FUNCS[step](text, opts)
    return text, counts


def normalize_lines(lines: Iterable[str], options: NormalizeOptions | None = None) -> Iterable[str]:
    """Normalize an iterable of lines lazily, one at a time (for streaming callers)."""
    opts = options or DEFAULT
    for line in lines:
        yield normalize(line, opts)
