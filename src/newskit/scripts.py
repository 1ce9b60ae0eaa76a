"""Unicode facts about the Devanagari and Bengali scripts, shared by every module.

Everything here is a constant or a tiny pure function so that the other modules
can build their regular expressions from one source of truth instead of
repeating code-point ranges. Ranges are given as regex character-class
fragments (no surrounding brackets) so they can be combined.

Why not the Unicode block alone: the danda (U+0964) and double danda (U+0965)
sit in the Devanagari block but have Script=Common, because Bengali, Gurmukhi
and others use them too. :func:`script_of` therefore reports them as
``"Common"``, and statistics count them as shared punctuation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

# -- single characters -------------------------------------------------------
ZWNJ: Final = "\u200c"
ZWJ: Final = "\u200d"
DANDA: Final = "\u0964"  # ।  Script=Common
DOUBLE_DANDA: Final = "\u0965"  # ॥  Script=Common
BENGALI_DANDA_LEGACY: Final = "\u09e4"  # unassigned-in-practice Bengali danda
BENGALI_DOUBLE_DANDA_LEGACY: Final = "\u09e5"
BENGALI_CURRENCY_FOUR: Final = "\u09f7"  # ৷  often typed as a danda
DEV_VIRAMA: Final = "\u094d"
BEN_VIRAMA: Final = "\u09cd"
DEV_NUKTA: Final = "\u093c"
BEN_NUKTA: Final = "\u09bc"
DEV_VISARGA: Final = "\u0903"
BEN_VISARGA: Final = "\u0983"
BEN_KHANDA_TA: Final = "\u09ce"
VIRAMAS: Final = DEV_VIRAMA + BEN_VIRAMA
NUKTAS: Final = DEV_NUKTA + BEN_NUKTA

# -- regex character-class fragments -----------------------------------------
# Letters: independent vowels and consonants (including the nukta consonants
# and the additional letters at the end of each block).
DEV_LETTER: Final = "\u0904-\u0939\u093d\u0950\u0958-\u0961\u0972-\u097f"
BEN_LETTER: Final = (
    "\u0985-\u098c\u098f\u0990\u0993-\u09a8\u09aa-\u09b0\u09b2\u09b6-\u09b9"
    "\u09bd\u09ce\u09dc\u09dd\u09df-\u09e1\u09f0\u09f1"
)
# Combining marks: candrabindu/anusvara/visarga, nukta, vowel signs, virama,
# length marks, vowel signs for vocalic r/l.
DEV_MARK: Final = "\u0900-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962\u0963"
BEN_MARK: Final = (
    "\u0981-\u0983\u09bc\u09be-\u09c4\u09c7\u09c8\u09cb-\u09cd\u09d7\u09e2\u09e3\u09fe"
)
DEV_DIGIT: Final = "\u0966-\u096f"
BEN_DIGIT: Final = "\u09e6-\u09ef"
INDIC_LETTER: Final = DEV_LETTER + BEN_LETTER
INDIC_MARK: Final = DEV_MARK + BEN_MARK
INDIC_DIGIT: Final = DEV_DIGIT + BEN_DIGIT
# Anything that belongs to a Devanagari or Bengali word (letters, marks, joiners).
INDIC_WORD: Final = INDIC_LETTER + INDIC_MARK + ZWJ + ZWNJ

DEVANAGARI_BLOCK: Final = (0x0900, 0x097F)
BENGALI_BLOCK: Final = (0x0980, 0x09FF)

_COMMON_IN_BLOCKS: Final = frozenset({0x0964, 0x0965})


def script_of(ch: str) -> str:
    """Return ``"Devanagari"``, ``"Bengali"``, ``"Latin"`` or ``"Common"``/``"Other"``.

    A fast approximation of the Unicode Script property for the characters
    news text in these languages contains; the danda is ``"Common"``.

    >>> script_of("क"), script_of("ক"), script_of("।"), script_of("a"), script_of("1")
    ('Devanagari', 'Bengali', 'Common', 'Latin', 'Common')
    """
    cp = ord(ch)
    if 0x0900 <= cp <= 0x097F:
        return "Common" if cp in _COMMON_IN_BLOCKS else "Devanagari"
    if 0x0980 <= cp <= 0x09FF:
        return "Bengali"
    if ch.isascii():
        return "Latin" if ch.isalpha() else "Common"
    if ch.isalpha() and (0x00C0 <= cp <= 0x024F or 0x1E00 <= cp <= 0x1EFF):
        return "Latin"
    if ch.isalpha():
        return "Other"
    return "Common"


def is_indic_letter(ch: str) -> bool:
    """True for a Devanagari or Bengali letter (not a mark, digit or danda).

    >>> is_indic_letter("क"), is_indic_letter("ा"), is_indic_letter("১")
    (True, False, False)
    """
    cp = ord(ch)
    if 0x0900 <= cp <= 0x097F:
        return (
            0x0904 <= cp <= 0x0939
            or cp in (0x093D, 0x0950)
            or 0x0958 <= cp <= 0x0961
            or cp >= 0x0972
        )
    if 0x0980 <= cp <= 0x09FF:
        return (
            0x0985 <= cp <= 0x09B9
            or cp in (0x09BD, 0x09CE, 0x09DC, 0x09DD, 0x09F0, 0x09F1)
            or 0x09DF <= cp <= 0x09E1
        ) and ch.isalpha()
    return False


# -- text in cache-sized pieces ----------------------------------------------
# Long texts are processed in pieces of whole lines of about this many characters by the
# steps that pass over a text several times (normalization, sentence text): a piece that
# stays in the CPU cache between passes is much faster (normalization measured 190 MB/s
# at 16-64K characters, 170 at 256K, 107 at 1M). Whole lines, because both work line by
# line: a text gives the same result as its pieces.
PIECE: Final = 1 << 15


def line_pieces(text: str, size: int = PIECE) -> Iterator[str]:
    r"""*text* cut after the first newline past every *size* characters (newlines kept).

    >>> list(line_pieces("ab\ncd\nef", 1))
    ['ab\n', 'cd\n', 'ef']
    """
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start + size) + 1 or n
        yield text[start:end]
        start = end


def find_all(text: str, needle: str) -> list[int]:
    """Every position of *needle* in *text* (overlapping), found by ``str.find`` at C speed.

    >>> find_all("ababa", "aba")
    [0, 2]
    """
    out = []
    i = text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out
