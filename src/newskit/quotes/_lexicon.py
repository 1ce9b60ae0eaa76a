"""Language data of quote extraction: cues, word classes and suffixes from ``data/<lang>/``.

Why data files: the cue verbs, titles and function words are lists a linguist extends without
touching code (another language only needs its two files); this module compiles them once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from newskit._data import data_text
from newskit.quotes._text import _DEV_NUKTA, _WCH, _key


@dataclass(frozen=True)
class _Lexicon:
    lang: str
    cue_re: re.Pattern[str]
    frames: dict[str, str]
    links: frozenset[str]
    classes: dict[str, str]
    # entities.tsv (optional for a language): the class of one-word entries (and of the last
    # word of a multi-word title), the multi-word phrases per class, and the case endings
    entities: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    endings: tuple[str, ...] = ()
    stopwords: frozenset[str] = frozenset()  # function words: never part of a name
    strong_endings: tuple[str, ...] = ()  # endings that close a name (-ের, -কে)


def _read_tsv(lang: str, name: str) -> list[tuple[str, str]]:
    rows = []
    for line in data_text(lang, name).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, cls = line.partition("\t")
        rows.append((word.strip(), cls.strip()))
    return rows


@lru_cache(maxsize=1)
def _precomposed() -> dict[str, str]:
    """Map base+nukta to the precomposed letter (composition exclusions such as ड़ U+095C)."""
    out = {}
    for cp in range(0x0900, 0x0A00):
        dec = unicodedata.decomposition(chr(cp))
        if dec and not dec.startswith("<"):
            out["".join(chr(int(h, 16)) for h in dec.split())] = chr(cp)
    return out


def _cue_pattern(cue: str, lang: str) -> str:
    """A regex for *cue* that matches its precomposed and decomposed spellings in raw text."""
    chars = unicodedata.normalize("NFD", cue)
    pre = _precomposed()
    parts: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c.isspace():
            while i < len(chars) and chars[i].isspace():
                i += 1
            parts.append(r"\s+")
            continue
        pair = chars[i : i + 2]
        if len(pair) == 2 and pair in pre:
            optional = "?" if lang == "hi" and pair[1] == _DEV_NUKTA else ""
            parts.append(f"(?:{re.escape(pre[pair])}|{re.escape(c)}{re.escape(pair[1])}{optional})")
            i += 2
            continue
        parts.append(re.escape(c))
        i += 1
    return "".join(parts)


@lru_cache(maxsize=4)
def _lexicon(lang: str) -> _Lexicon:
    frames: dict[str, str] = {}
    links: set[str] = set()
    cues: list[str] = []
    for cue, frame in _read_tsv(lang, "cues.tsv"):
        if frame == "link":
            links.add(_key(cue, lang))
            continue
        frames[_key(cue, lang)] = frame
        cues.append(cue)
    cues.sort(key=lambda c: len(unicodedata.normalize("NFD", c)), reverse=True)
    alternation = "|".join(_cue_pattern(c, lang) for c in cues)
    cue_re = re.compile(f"(?<![{_WCH}])(?:{alternation})(?![{_WCH}])")
    classes = {_key(w, lang): cls for w, cls in _read_tsv(lang, "quote_words.tsv")}
    entities: dict[str, str] = {}
    phrases: dict[str, list[tuple[str, ...]]] = {}
    endings: list[str] = []
    strong: list[str] = []
    try:
        rows = _read_tsv(lang, "entities.tsv")
    except FileNotFoundError:  # a language without the file: no titles, no resolver hints
        rows = []
    for phrase, cls in rows:
        if cls in ("case_ending", "weak_ending"):
            endings.append(_key(phrase.lstrip("-"), lang))
            if cls == "case_ending":
                strong.append(endings[-1])
            continue
        words = tuple(_key(w, lang) for w in phrase.split())
        if len(words) > 1:
            phrases.setdefault(cls, []).append(words)
            if cls in ("person_title", "org_head"):
                entities.setdefault(words[-1], cls)
        else:
            entities[words[0]] = cls
    endings.sort(key=len, reverse=True)
    try:
        stop = frozenset(
            _key(w.strip(), lang)
            for w in data_text(lang, "stopwords.txt").splitlines()
            if w.strip() and not w.startswith("#")
        )
    except FileNotFoundError:
        stop = frozenset()
    return _Lexicon(
        lang,
        cue_re,
        frames,
        frozenset(links),
        classes,
        entities,
        {c: tuple(sorted(v, key=len, reverse=True)) for c, v in phrases.items()},
        tuple(endings),
        stop,
        tuple(strong),
    )


@lru_cache(maxsize=8)
def _anchor_re(lang: str) -> re.Pattern[str] | None:
    """Words that anchor a mention of someone: bare person titles (``সভাপতি``), the first word
    of a name marker (``নামের``) and, for Hindi, the agent postposition ``ने``. One regular
    expression, so that an article's words are not looked up one by one."""
    lex = _lexicon(lang)
    words = [w for w, c in lex.entities.items() if c == "person_title"]
    words += [p[0] for p in lex.phrases.get("name_marker", ())]
    words += [w for w, c in lex.entities.items() if c == "name_marker"]
    if lang == "hi":
        words.append("ने")
    if not words:
        return None
    words.sort(key=len, reverse=True)
    alternation = "|".join(_cue_pattern(w, lang) for w in words)
    return re.compile(f"(?<![{_WCH}])(?:{alternation})(?![{_WCH}])")


def _stems(lex: _Lexicon, word: str) -> tuple[str, ...]:
    """The comparison key of *word* and the keys left when one case ending is stripped
    (``হোসেনের`` -> ``হোসেন``, ``नेताओं`` -> ``नेता``); the longest stem first.

    Memoized per language: the resolver looks up every word of an article.
    """
    known = _STEMS.setdefault(lex.lang, {})
    got = known.get(word)
    if got is None:
        key = _key(word, lex.lang)
        out = [key]
        for e in lex.endings:
            if key.endswith(e) and len(key) > len(e) + 1:
                out.append(key[: -len(e)])
        got = tuple(out)
        if len(known) > 200_000:  # keep memory flat on endless streams
            known.clear()
        known[word] = got
    return got


_STEMS: dict[str, dict[str, tuple[str, ...]]] = {}


def _entity_class(lex: _Lexicon, word: str) -> str | None:
    """The entities.tsv class of *word*, also with a case ending (সভাপতির, नेताओं)."""
    for stem in _stems(lex, word):
        cls = lex.entities.get(stem)
        if cls is not None:
            return cls
    return None


_SUFFIXES: dict[tuple[str, str], tuple[str, ...]] = {}


def _suffixes(lex: _Lexicon, cls: str) -> tuple[str, ...]:
    """Entries of a suffix class, written with a leading hyphen in the data file."""
    got = _SUFFIXES.get((lex.lang, cls))
    if got is None:
        got = tuple(w.lstrip("-") for w, c in lex.classes.items() if c == cls)
        _SUFFIXES[lex.lang, cls] = got
    return got


def _class(lex: _Lexicon, word: str | None) -> str | None:
    return None if word is None else lex.classes.get(_key(word, lex.lang))


def _is_title_word(lex: _Lexicon, word: str | None) -> bool:
    """A title noun, also with a case or classifier ending (বইয়ের, বইটিতে, फ़िल्मों)."""
    if word is None:
        return False
    known = _TITLE_WORDS.setdefault(lex.lang, {})  # (memoized: a scan of every clitic)
    got = known.get(word)
    if got is None:
        w = _key(word, lex.lang)
        got = lex.classes.get(w) == "title" or any(
            w.endswith(x) and lex.classes.get(w[: -len(x)]) == "title"
            for x in _suffixes(lex, "clitic")
        )
        if len(known) > 200_000:  # keep memory flat on endless streams
            known.clear()
        known[word] = got
    return got


_TITLE_WORDS: dict[str, dict[str, bool]] = {}


def _has_strong_ending(lex: _Lexicon, word: str) -> bool:
    """Does *word* carry a case ending that cannot end a bare name (হোসেনের, হোসেনকে)?"""
    key = _key(word, lex.lang)
    return any(key.endswith(e) and len(key) > len(e) + 1 for e in lex.strong_endings)
