"""Legacy 8-bit font encodings (Bijoy, KrutiDev, Chanakya) to Unicode and back.

A legacy font puts glyphs, not characters, on Latin code points, in the order they are drawn:
the i-sign (ি, ि) and Bengali ে/ৈ are typed *before* the consonant cluster they follow in
Unicode, the reph (র্, र्) *after* the cluster it precedes, a Bengali ো is ে + cluster + া,
and conjuncts are single glyphs or a half form plus a subjoined form. So decoding is three
passes, each simple:

1. read the longest glyph at each position (``data/legacy/<name>.tsv``) and write its Unicode;
   a pre-base sign or a reph is written with a private-use marker in front of it;
2. move each marked pre-base sign after the consonant cluster that follows it, then each reph
   before the cluster (and its signs) that precedes it;
3. Unicode NFC (it composes ে + া into ো).

The encoder is the inverse, syllable by syllable; it exists so that the detector can be
trained on legacy text made from real news and so that ``decode(encode(s)) == s`` can be
checked on every news sentence, which is how the tables were made complete.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

from newskit._data import data_text

__all__ = ["LATIN_CODE", "LEGACY", "Codec", "Reading", "codec"]

#: the legacy encodings with a table, and the script they write
LEGACY: dict[str, str] = {"bijoy": "bn", "krutidev": "hi", "chanakya": "hi"}

#: words :meth:`Codec.decode` remembers per encoding (about 8 MB at most)
MEMO_WORDS = 1 << 15

_PRE = "\ue000"  # marks a pre-base vowel sign in pass 1
_REPH = "\ue001"  # marks a reph in pass 1


@dataclass(frozen=True)
class _Script:
    """The Unicode facts of one script that the reordering passes and :class:`Reading`
    need (regex class fragments)."""

    ra_virama: str
    virama: str
    consonant: str
    nukta: str
    signs: str  # vowel signs and the marks typed after them
    pre_signs: str  # the vowel signs drawn before the consonant
    letters: str  # independent vowels and consonants
    vowels: str  # independent vowels
    no_start: str  # signs and marks that cannot start a word


_SCRIPTS = {
    "bn": _Script(
        ra_virama="র্",
        virama="\u09cd",
        consonant="\u0995-\u09b9\u09dc\u09dd\u09df",
        nukta="\u09bc",
        signs="\u09be-\u09c4\u09c7\u09c8\u09cb\u09cc\u09d7\u0981-\u0983",
        pre_signs="\u09bf\u09c7\u09c8",
        letters="\u0985-\u09b9\u09ce\u09dc-\u09df",
        vowels="\u0985-\u0994",
        no_start="\u09be-\u09cd\u0981-\u0983",
    ),
    "hi": _Script(
        ra_virama="र्",
        virama="\u094d",
        consonant="\u0915-\u0939\u0958-\u095f",
        nukta="\u093c",
        signs="\u093e-\u094c\u0945\u0949\u0900-\u0903\u093c",
        pre_signs="\u093f",
        letters="\u0905-\u0939\u0958-\u095f",
        vowels="\u0905-\u0914",
        no_start="\u093e-\u094d\u0900-\u0903",
    ),
}


@dataclass(frozen=True)
class Reading:
    """Legacy text decoded, with the counts that say whether it reads as the script."""

    text: str
    #: letters of the script (independent vowels and consonants)
    letters: int
    #: independent vowels among them (where English capitals land in Bijoy: A-J)
    vowels: int
    #: words that start with a vowel sign or mark, which no real word does
    sign_starts: int
    #: words (not counting the empty ones between two spaces)
    words: int
    #: words that hold a token shaped like a Latin code (:data:`LATIN_CODE`)
    codes: int


#: A token that may be Latin inside legacy text: capitals and digits (a code, BS30). Legacy
#: fonts put lower-case letters on most glyphs, so a word with one is legacy (17Zg = ১৭তম).
LATIN_CODE = re.compile(r"(?<!\S)(?:[A-Z]{2,}[0-9]+|[0-9]+[A-Z]{2,})(?!\S)")

#: what the memo holds per legacy word: (decoded, letters, vowels, starts with a sign,
#: holds a Latin code)
_Entry = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Codec:
    """One legacy encoding: its glyph table in both directions and its reordering rules."""

    name: str
    lang: str
    decode_table: dict[str, str]
    glyph_re: re.Pattern[str]
    encode_table: dict[str, str]
    unicode_re: re.Pattern[str]
    pre_initial: dict[str, str]  # pre-base sign -> glyph used at the start of a word
    pre_glyph: dict[str, str]  # pre-base sign -> glyph used inside a word
    reph: str  # the reph glyph
    reph_after_signs: bool  # KrutiDev and Chanakya: after the vowel signs; Bijoy: before
    _multi_re: re.Pattern[str] | None  # the glyphs of two or more characters (one group)
    _single: dict[int, str]  # the one-character glyphs, for str.translate
    _move_pre: re.Pattern[str]
    _move_reph: re.Pattern[str]
    _syllable: re.Pattern[str]
    _counts: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]
    _memo: dict[str, _Entry] = field(default_factory=dict, compare=False, repr=False)

    def decode(self, text: str) -> str:
        """Unicode NFC of legacy *text* (no other normalization)."""
        return " ".join(map(itemgetter(0), self._entries(text.split(" "))))

    def read(self, text: str) -> Reading:
        """:meth:`decode`, and what the decoded text consists of."""
        words = text.split(" ")
        entries = self._entries(words)
        return Reading(
            " ".join(map(itemgetter(0), entries)),
            sum(map(itemgetter(1), entries)),
            sum(map(itemgetter(2), entries)),
            sum(map(itemgetter(3), entries)),
            len(words) - words.count(""),
            sum(map(itemgetter(4), entries)),
        )

    def _entries(self, words: list[str]) -> list[_Entry]:
        """Each legacy word decoded, and its counts.

        Through a memo of the words decoded before: legacy text is news, whose words repeat,
        so most of a run is a dict lookup per word. The words not seen yet are decoded
        together, in one call of :meth:`_decode_words`. A word decodes on its own exactly
        as inside its text: no glyph holds a space, the pre-base signs and the reph move
        inside a consonant cluster, and NFC composes nothing across a space.
        """
        memo = self._memo
        out = list(map(memo.get, words))
        if None not in out:
            return out  # type: ignore[return-value]
        missing = list(set(words).difference(memo))  # (C-level: no loop over the words)
        done = self._decode_words(" ".join(missing)).split(" ")
        if len(done) != len(missing):  # (cannot happen: no glyph reads as a space)
            done = [self._decode_words(w) for w in missing]
        letters, vowels, no_start = self._counts
        # (each count a C-level map over the new words: a first pass meets tens of thousands)
        counts = zip(
            done,
            map(len, map(letters.findall, done)),
            map(len, map(vowels.findall, done)),
            map(bool, map(no_start.match, done)),
            map(bool, map(LATIN_CODE.search, missing)),
            strict=True,
        )
        new = dict(zip(missing, counts, strict=True))
        if len(memo) + len(new) > MEMO_WORDS:
            memo.clear()  # bounded memory: start again
        if len(new) <= MEMO_WORDS:
            memo.update(new)  # type: ignore[arg-type]
        return list(map(new.get, words, out))  # type: ignore[arg-type]

    def _decode_words(self, text: str) -> str:
        """:meth:`decode` without the memo: the three passes over *text*, each a few calls
        at C speed (``re.split`` and slice assignment, never a Python function per glyph)."""
        out = text
        if self._multi_re is not None:
            # pass 1: the glyphs of several characters (at odd indices of the split) ...
            parts = self._multi_re.split(text)
            if len(parts) > 1:
                parts[1::2] = map(self.decode_table.__getitem__, parts[1::2])
                out = "".join(parts)
        out = out.translate(self._single)  # ... then the single ones
        sc = _SCRIPTS[self.lang]
        out = out.replace(sc.virama + sc.virama, sc.virama)
        for _ in range(3):  # pass 2, a sign per pass: two typed in a row (ে ে) are rare
            if _PRE not in out:
                break
            parts = self._move_pre.split(out)  # [text, sign, cluster, text, ...]
            parts[1::3], parts[2::3] = parts[2::3], parts[1::3]
            out = "".join(parts)
        out = out.replace(_PRE, "")
        if _REPH in out:  # pass 2: [text, cluster, signs, text, ...] -> ra + cluster + signs
            parts = self._move_reph.split(out)
            parts[1::3] = map(sc.ra_virama.__add__, parts[1::3])
            out = "".join(parts).replace(_REPH, sc.ra_virama)
        return unicodedata.normalize("NFC", out)  # pass 3

    def encode(self, text: str) -> str:
        """Legacy glyphs of Unicode *text*; characters without a glyph are kept as they are.

        The inverse of :meth:`decode` on text the encoding can write (no Latin letters, and
        only the punctuation its table has): ``decode(encode(s)) == NFC(s)``.
        """
        text = unicodedata.normalize("NFC", text)
        out: list[str] = []
        pos = 0
        for m in self._syllable.finditer(text):
            if m.start() > pos:
                out.append(self._glyphs(text[pos : m.start()]))
            out.append(self._encode_syllable(text, m))
            pos = m.end()
        out.append(self._glyphs(text[pos:]))
        return "".join(out)

    def _glyphs(self, s: str) -> str:
        table = self.encode_table
        return self.unicode_re.sub(lambda m: table.get(m.group(), m.group()), s)

    def _encode_syllable(self, text: str, m: re.Match[str]) -> str:
        reph, cluster, signs = m.group(1, 2, 3)
        sc = _SCRIPTS[self.lang]
        pre = ""
        post = signs
        if signs and signs[0] in sc.pre_signs:
            pre, post = signs[0], signs[1:]
        elif self.lang == "bn" and signs[:1] in ("\u09cb", "\u09cc"):
            # ো = ে + া and ৌ = ে + ৗ: the ে half is drawn before the cluster
            pre, post = "\u09c7", ("\u09be" if signs[0] == "\u09cb" else "\u09d7") + signs[1:]
        start = m.start()
        word_start = start == 0 or not _is_letter_or_mark(text[start - 1])
        glyph = ""
        if pre:
            glyph = (self.pre_initial if word_start else self.pre_glyph).get(pre, pre)
        if reph and not self.reph_after_signs:
            body = self._glyphs(cluster) + self.reph + self._glyphs(post)
        else:
            body = self._glyphs(cluster + post) + (self.reph if reph else "")
        return glyph + body


def _is_letter_or_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _unescape(field: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), field)


def _alternation(keys: list[str]) -> re.Pattern[str]:
    """A pattern matching the longest of *keys* at a position, or any one character."""
    ordered = sorted(keys, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)) + "|.", re.DOTALL)


@cache
def codec(name: str) -> Codec:
    """The :class:`Codec` for legacy encoding *name* (``bijoy``, ``krutidev``, ``chanakya``)."""
    lang = LEGACY[name]
    sc = _SCRIPTS[lang]
    decode: dict[str, str] = {}
    encode: dict[str, str] = {}
    pre_initial: dict[str, str] = {}
    pre_glyph: dict[str, str] = {}
    reph = ""
    for line in data_text("legacy", f"{name}.tsv").split("\n"):
        if not line or line.startswith("#"):
            continue
        cols = [*line.split("\t"), "", ""]
        legacy, uni, role, use = _unescape(cols[0]), cols[1], cols[2], cols[3]
        uni = unicodedata.normalize("NFC", _unescape(uni))
        if legacy in decode:
            raise ValueError(f"{name}.tsv: glyph {legacy!r} listed twice")
        if role == "pre":
            decode[legacy] = _PRE + uni
            target = pre_initial if use == "initial" else pre_glyph
            target.setdefault(uni, legacy)
            pre_initial.setdefault(uni, legacy)
            continue
        if role == "reph":
            decode[legacy] = _REPH + uni
            if not reph and not uni:
                reph = legacy
            continue
        decode[legacy] = uni
        if use == "" and uni and uni not in encode:
            encode[uni] = legacy
    for sign, glyph in pre_glyph.items():
        pre_initial.setdefault(sign, glyph)
    c, n, v = sc.consonant, sc.nukta, sc.virama
    # Reading a glyph of several characters first and then the single ones with
    # str.translate is the longest match of pass 1 (a position a long glyph does not
    # start at is one character), at C speed. A long glyph whose reading is that of its
    # characters one by one (the encoder's ¤^ = ম্ব) needs no pass of its own.
    single = {k: u for k, u in decode.items() if len(k) == 1}
    multi = [
        re.escape(k)
        for k, u in sorted(decode.items(), key=lambda item: len(item[0]), reverse=True)
        if len(k) > 1 and "".join(single.get(ch, ch) for ch in k).replace(v + v, v) != u
    ]
    cluster = f"[{c}]{n}?(?:{v}[{c}]{n}?)*"
    signs = f"[{sc.signs}{sc.pre_signs}]"
    return Codec(
        name=name,
        lang=lang,
        decode_table=decode,
        glyph_re=_alternation(list(decode)),
        encode_table=encode,
        unicode_re=_alternation(list(encode)),
        pre_initial=pre_initial,
        pre_glyph=pre_glyph,
        reph=reph,
        reph_after_signs=lang == "hi",
        _multi_re=re.compile(f"({'|'.join(multi)})") if multi else None,
        _single={ord(k): v for k, v in decode.items() if len(k) == 1},
        _move_pre=re.compile(f"{_PRE}([{sc.pre_signs}])({cluster})"),
        _move_reph=re.compile(f"({cluster})({signs}*){_REPH}"),
        _syllable=re.compile(f"({sc.ra_virama}(?=[{c}]))?({cluster})({signs}*)"),
        _counts=(
            re.compile(f"[{sc.letters}]"),
            re.compile(f"[{sc.vowels}]"),
            re.compile(f"\\s*[{sc.no_start}]"),
        ),
    )
