"""The language of a document, sentence or line: ``hi mr ne sa mai bho bn as en ur`` or ``und``.

How, and why each piece:

- **CLD2** (PyPI ``pycld2``, Apache-2.0, the model is compiled in, wheels for CPython
  3.10-3.13) tells Hindi, Marathi, Nepali, Sanskrit, Bengali, Assamese, Urdu and English apart
  on news: on the dev split of ``benchmarks/eval_langid.py`` it is right on every translated
  news document and on 99.5-100% of single sentences of 8 or more words. It is imported on
  first use only, so ``newskit --help`` never loads its 14 MB.
- **A sample** of each document: its first :data:`SAMPLE_CHARS` characters (cut at a space).
  A news article's language is the language of its head, and CLD2 on 1,024 characters costs
  about 70 microseconds, a few percent of what ``newskit stats`` spends on the same document.
  Callers that need the whole text weighed pass ``sample=None``.
- **Assamese by its letters**: ``ৰ`` (U+09F0) and ``ৱ`` (U+09F1) occur in every Assamese
  sentence that has an r- or w-sound and never in Bengali (0 in 2,819 Bengali news lines), so a
  Bengali-script text with enough of them is Assamese whatever CLD2 says (CLD2 takes short
  Assamese sentences for Bengali).
- **Marker words** (``data/langid_markers.tsv``): CLD2 has one "Bihari" class, so Maithili and
  Bhojpuri are told apart by their copulas and auxiliaries (``अछि``, ``छल`` against ``बा``,
  ``गइल``); and a short sentence for which CLD2 answers a language it has no marker of, while
  another language has two or more and the answer none, is given to that language.

What cannot be told apart falls back: Magahi and other Bihari languages come out as ``bho``
(or ``hi``); Konkani (no model) as ``mr`` or ``hi``; Manipuri in Bengali script, which also
writes ``ৱ``, as ``as``. Any other language, and text without letters, is ``und``.

The probability is a confidence in [0, 1], not calibrated: the share of the sample CLD2
gives the answer (halved when CLD2 calls its answer unreliable), or a fixed value for an answer
a script rule or the marker words decided.

>>> detect("यो अवस्था संसदको नामलाई वेल्स संसदमा परिवर्तन गर्ने योजनाहरूका कारण उत्पन्न भएको हो।")
Detection(lang='ne', probability=0.99)
>>> detect("এই বনবিধৰ বৈজ্ঞানিক নাম ছ্যাচাৰাম স্পণ্টেনিয়াম।").lang
'as'
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from newskit._data import data_text
from newskit.languages import LANGS

__all__ = [
    "DETECTABLE",
    "SAMPLE_CHARS",
    "Detection",
    "LineLanguage",
    "detect",
    "detect_lines",
    "dominant_script",
    "has_cld2",
    "sample_of",
    "script_counts",
    "script_of_counts",
]

#: Languages :func:`detect` can answer (``kok`` is only ever named with ``--lang``).
DETECTABLE: tuple[str, ...] = tuple(x for x in LANGS if x != "kok")
#: Characters of a document that :func:`detect` looks at by default.
SAMPLE_CHARS = 1024
#: Fewer letters than this and the answer is ``und``: nothing to go on.
MIN_LETTERS = 3


class Detection(NamedTuple):
    """A language code and how sure the detector is of it (unpacks as ``(code, probability)``)."""

    lang: str
    probability: float


# -- scripts ----------------------------------------------------------------------------------
# Script counting at C speed: encode as UTF-16-BE, translate the high byte and the low byte of
# every character through two tables and AND them, so that one byte per character holds 1 for
# Devanagari, 2 for Bengali, 4 for a Latin letter, 8 for Arabic; then bytes.count. (Regex
# classes ran at 10 MB/s, a tenth of CLD2's speed.) Digits and dandas count for no script:
# they say nothing about the language. Vowel signs count with their script.
_SCRIPT_BITS = {"Deva": 1, "Beng": 2, "Latn": 4, "Arab": 8}


def _script_tables() -> tuple[bytes, bytes]:
    high, low = bytearray(256), bytearray(256)
    high[0x09] = 1 | 2
    high[0x00] = high[0x01] = high[0x02] = 4
    high[0x06] = 8
    for b in range(256):
        if b < 0x80 and not 0x64 <= b <= 0x6F:  # U+0900-097F less dandas and digits
            low[b] |= 1
        if b >= 0x80 and not 0xE4 <= b <= 0xEF:  # U+0980-09FF less dandas and digits
            low[b] |= 2
        if chr(b).isalpha() and (b < 0x80 or b >= 0xC0):  # A-Z a-z and Latin-1/Extended letters
            low[b] |= 4
        if 0x20 <= b <= 0x4A or 0x6E <= b <= 0xD3 or b >= 0xFA:  # Arabic letters
            low[b] |= 8
    return bytes(high), bytes(low)


_HIGH, _LOW = _script_tables()
_ASSAMESE_LETTERS = ("\u09f0", "\u09f1")  # ৰ ৱ


def script_counts(text: str) -> dict[str, int]:
    """Characters of each script in *text* (letters and vowel signs; Latin and Arabic letters).

    >>> script_counts("नमस्ते, দেশ 2024 ok")
    {'Deva': 6, 'Beng': 3, 'Latn': 2, 'Arab': 0}
    """
    raw = text.encode("utf-16-be", "surrogatepass")
    n = len(raw) // 2
    code = int.from_bytes(raw[0::2].translate(_HIGH), "big") & int.from_bytes(
        raw[1::2].translate(_LOW), "big"
    )
    found = code.to_bytes(n, "big")
    return {name: found.count(bit) for name, bit in _SCRIPT_BITS.items()}


#: Share of the letters a non-Latin script needs to be a text's script against Latin letters.
NON_LATIN_SHARE = 0.2


def _main_script(counts: dict[str, int]) -> str:
    """The script of a text from its letter counts (see :func:`dominant_script`)."""
    best = max(counts, key=counts.__getitem__)
    if best == "Latn":
        other = max(("Deva", "Beng", "Arab"), key=counts.__getitem__)
        if counts[other] and counts[other] >= NON_LATIN_SHARE * (counts[other] + counts[best]):
            return other
    return best


def script_of_counts(counts: dict[str, int]) -> str | None:
    """:func:`dominant_script` from letter counts by script (``Deva``, ``Beng``, ``Latn``,
    ``Arab``; a missing one counts 0), for callers that counted letters already.

    >>> script_of_counts({"Deva": 30, "Latn": 100}), script_of_counts({})
    ('Deva', None)
    """
    full = {name: counts.get(name, 0) for name in _SCRIPT_BITS}
    best = _main_script(full)
    return best if full[best] else None


def dominant_script(text: str) -> str | None:
    """The script of *text*: the one most of its letters are in, or None when it has none.

    Why not simply the most letters: Hindi or Bengali news names companies, places and people
    in Latin letters (``CBS, NBC, MSNBC र CNN मा``), and one Devanagari letter stands for a
    syllable where English spends two or three. So a Devanagari, Bengali or Arabic script with
    at least :data:`NON_LATIN_SHARE` of the letters wins against Latin.

    >>> dominant_script("नई दिल्ली (AP)"), dominant_script("১২৩ ।")
    ('Deva', None)
    >>> dominant_script("Kansas City, Missouri र Omaha बीच लगभग 20 डिग्री")
    'Deva'
    """
    counts = script_counts(text)
    best = _main_script(counts)
    return best if counts[best] else None


def sample_of(text: str, size: int | None = SAMPLE_CHARS) -> str:
    """The part of *text* :func:`detect` looks at: its first *size* characters, cut at a space."""
    if size is None or len(text) <= size:
        return text
    cut = text.rfind(" ", size // 2, size)
    return text[: cut if cut > 0 else size]


# -- CLD2 ---------------------------------------------------------------------------------------
# CLD2's codes for the languages newskit names ("bh" is CLD2's single Bihari class).
_FROM_CLD2 = {"hi": "hi", "mr": "mr", "ne": "ne", "sa": "sa", "bh": "bh", "bn": "bn", "as": "as"}
_FROM_CLD2 |= {"en": "en", "ur": "ur"}
_CLD2_SCRIPT = {"hi": "Deva", "mr": "Deva", "ne": "Deva", "sa": "Deva", "bh": "Deva"}
_CLD2_SCRIPT |= {"bn": "Beng", "as": "Beng", "en": "Latn", "ur": "Arab"}


@lru_cache(maxsize=1)
def _cld2() -> Callable[..., tuple] | None:
    """``pycld2.detect``, imported on first use (it is 14 MB of tables); None without pycld2.

    Why tolerate its absence: pycld2 has no wheel for Linux aarch64, musl or the newest
    CPython, and building it needs a C++ compiler. Without it, :func:`detect` still answers
    from the script, the Assamese letters and the marker words (see :func:`has_cld2`).
    """
    try:
        import pycld2
    except ImportError:
        return None
    return pycld2.detect  # type: ignore[no-any-return]


def has_cld2() -> bool:
    """Whether CLD2 (``pycld2``) can be used; without it the answers are less sure.

    Without CLD2, :func:`detect` tells the languages apart by script (Latin: ``en``, Arabic:
    ``ur``), Assamese by ``ৰ``/``ৱ`` (as sure as with CLD2) and the Devanagari languages by
    their marker words and Marathi's ``ळ`` (Hindi when none: Sanskrit comes out as Hindi),
    at probabilities of :data:`NO_CLD2_PROBABILITY` or less. The core never prints: callers
    warn once (:func:`newskit.pipeline.languages.warn_if_guessing`).
    """
    return _cld2() is not None


#: The highest probability :func:`detect` gives without CLD2, for an answer that only the
#: script (Latin, Arabic) or the marker words decided.
NO_CLD2_PROBABILITY = 0.5


def _cld2_guesses(text: str) -> tuple[list[tuple[str, int]], bool]:
    """CLD2's ``(code, percent)`` guesses for *text*, best first, and whether it is reliable
    (none, and unreliable, without pycld2)."""
    detect = _cld2()
    if detect is None:
        return [], False
    try:
        reliable, _, guesses = detect(text, bestEffort=True)
    except Exception:  # pycld2.error: invalid UTF-8 (lone surrogates) or control bytes
        clean = text.encode("utf-8", "replace").decode("utf-8", "replace")
        clean = "".join(c if c.isprintable() or c.isspace() else " " for c in clean)
        try:
            reliable, _, guesses = detect(clean, bestEffort=True)
        except Exception:
            return [], False
    return [(code, percent) for _, code, percent, _ in guesses if code != "un"], bool(reliable)


# -- marker words --------------------------------------------------------------------------------


def _variants(word: str) -> set[str]:
    """*word* as written, NFC and NFD (news text has precomposed ड़ as often as not)."""
    return {word, unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word)}


@lru_cache(maxsize=1)
def _markers() -> tuple[dict[str, str], dict[str, str]]:
    """Marker word -> language and marker suffix -> language, from ``data/langid_markers.tsv``."""
    words: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for line in data_text("langid_markers.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, lang = (x.strip() for x in line.split("\t"))
        table = suffixes if word.startswith("-") else words
        for variant in _variants(word.lstrip("-")):
            table[variant] = lang
    return words, suffixes


_WORD_EDGE = str.maketrans(dict.fromkeys("।॥,;:!?\"'“”‘’()[]{}.-—", " "))


def _marker_counts(text: str) -> Counter[str]:
    """Marker words and suffixed words of each language in *text*."""
    markers, suffixes = _markers()
    words = text.translate(_WORD_EDGE).split()
    counts = Counter(map(markers.get, words))
    counts.pop(None, None)
    ends = tuple(suffixes)
    for word in words:
        if word.endswith(ends):
            for suffix, lang in suffixes.items():
                if word.endswith(suffix) and len(word) > len(suffix):
                    counts[lang] += 1
                    break
    return counts  # type: ignore[return-value]


# -- the decision ---------------------------------------------------------------------------------


def _confidence(percent: int, reliable: bool) -> float:
    return round(percent / 100 * (1.0 if reliable else 0.5), 2)


def detect(text: str, sample: int | None = SAMPLE_CHARS) -> Detection:
    """The language of *text* (a document, a sentence or a line) and a confidence.

    Only the first *sample* characters are looked at (``None``: all of them).

    >>> detect("The Prime Minister said on Monday that talks would go on.").lang
    'en'
    >>> detect("१२३ ...")
    Detection(lang='und', probability=0.0)
    """
    s = sample_of(text, sample)
    counts = script_counts(s)
    script = _main_script(counts)
    letters = counts[script]
    if letters < MIN_LETTERS:
        return Detection("und", 0.0)
    guesses, reliable = _cld2_guesses(s)
    in_script = [(c, p) for c, p in guesses if _CLD2_SCRIPT.get(c) == script]
    top, percent = in_script[0] if in_script else (None, 0)
    if script == "Beng":
        return _bengali_script(s, letters, top, percent, reliable)
    if script == "Deva":
        return _devanagari(s, letters, top, percent, reliable)
    if top is None:
        if _cld2() is None:  # (without CLD2 the script is all there is to go on)
            return Detection(_SCRIPT_LANG[script], _NO_CLD2_SCRIPT_ONLY)
        return Detection("und", 0.0)
    return Detection(_FROM_CLD2[top], _confidence(percent, reliable))


#: The language a Latin or Arabic text is taken for without CLD2, and how sure that is.
_SCRIPT_LANG = {"Latn": "en", "Arab": "ur"}
_NO_CLD2_SCRIPT_ONLY = 0.3


def _bengali_script(
    s: str, letters: int, top: str | None, percent: int, reliable: bool
) -> Detection:
    """Bengali or Assamese: ``ৰ``/``ৱ`` in at least 1 letter of 200 decide for Assamese."""
    marked = sum(map(s.count, _ASSAMESE_LETTERS))
    if marked and marked * 200 >= letters:
        return Detection("as", 0.99 if marked >= 2 else 0.9)
    if top == "as":
        return Detection("as", _confidence(percent, reliable))
    return Detection("bn", _confidence(percent, reliable) if top == "bn" else 0.5)


_NOT_HINDI_SCORE = 2  # markers another language needs when the answer has none


#: Samples with more Devanagari characters than this are left to CLD2 alone when it is sure
#: (the marker words are for sentences; on a document CLD2 does not err, and they cost time).
MARKER_CHARS = 400


def _devanagari(s: str, letters: int, top: str | None, percent: int, reliable: bool) -> Detection:
    """hi, mr, ne, sa, mai or bho: CLD2's answer, checked against the marker words."""
    if top not in (None, "bh") and reliable and letters > MARKER_CHARS:
        return Detection(top, _confidence(percent, reliable))
    markers = _marker_counts(s)
    if top is None:  # CLD2 has no Devanagari answer (or no CLD2): the markers, else Hindi
        if "\u0933" in s:  # ळ: Marathi writes it in about 30 words of 1,000, Hindi and Nepali not
            markers["mr"] += s.count("\u0933")
        if markers:
            best, n = markers.most_common(1)[0]
            return Detection(best, 0.5 if n >= _NOT_HINDI_SCORE else 0.3)
        return Detection("hi", 0.3)
    lang = top
    if top == "bh":  # CLD2's Bihari: Maithili or Bhojpuri by their own words
        lang = "mai" if markers["mai"] > markers["bho"] else "bho"
    if markers and not markers[lang]:
        best, n = markers.most_common(1)[0]
        if n >= _NOT_HINDI_SCORE and list(markers.values()).count(n) == 1:
            return Detection(best, 0.6)
    return Detection(lang, _confidence(percent, reliable))


# -- lines ---------------------------------------------------------------------------------------


class LineLanguage(NamedTuple):
    """The language of the lines ``text[start:end]`` (a run of lines of one language)."""

    start: int
    end: int
    lang: str
    probability: float


#: A line with fewer letters than this takes the language of the document instead of its own.
MIN_LINE_LETTERS = 40


def detect_lines(text: str, document: Detection | None = None) -> list[LineLanguage]:
    """Runs of consecutive lines of one language, for documents that mix languages.

    Why runs: an English paragraph inside a Hindi article, or a Nepali quotation in a Hindi
    report, should get its own language's rules, but a short line (a dateline, a byline, a
    caption under :data:`MIN_LINE_LETTERS` letters) tells too little and keeps the document's
    language (*document*, detected on the whole text if not given). Offsets cover the whole
    text: every character is in exactly one run.
    """
    doc = document if document is not None else detect(text)
    runs: list[LineLanguage] = []
    for start, end in _line_spans(text):
        line = text[start:end]
        counts = script_counts(line)
        if max(counts.values()) < MIN_LINE_LETTERS:
            lang, prob = doc
        else:
            lang, prob = detect(line, sample=None)
            if lang == "und":
                lang, prob = doc
        if runs and runs[-1].lang == lang:
            last = runs[-1]
            runs[-1] = last._replace(end=end, probability=min(last.probability, prob))
        else:
            runs.append(LineLanguage(start, end, lang, prob))
    return runs


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl + 1
        yield pos, end
        pos = end
