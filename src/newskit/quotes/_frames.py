"""Reporting frames: the cue verbs around a quote and the speaker phrase each frame names.

Why separate from the decision of ``extract_quotes``: a frame finder answers "who is the subject
of this cue", a question the resolver asks too for sentences without any quote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newskit.quotes._lexicon import (
    _class,
    _entity_class,
    _has_strong_ending,
    _Lexicon,
    _stems,
    _suffixes,
)
from newskit.quotes._pairing import _Raw
from newskit.quotes._records import Span
from newskit.quotes._text import (
    _LEAD_PUNCT,
    _PRONOUNS,
    _SENTENCE_END_GLUED_RE,
    _TAIL_RE,
    _TERMINATOR_RE,
    _TERMINATORS,
    _WCH,
    _WORD_RE,
    _abbreviation_before,
    _count_words,
    _Doc,
    _is_word_char,
    _key,
    _lang,
    _last_sentence_end,
    _line_end,
    _words,
)
from newskit.scripts import ZWJ, ZWNJ


@dataclass
class _Attr:
    speaker: Span | None
    cue: Span | None
    position: str | None
    framed: bool
    punct: bool = False  # punctuation between the cue and the quote ("বলেন, ‘…’")
    frame: str | None = None  # the cue's frame (``ne``, ``direct``, ``passive``, …)


_DIGIT_RE = re.compile("\\d")


def _phrase_at(lex: _Lexicon, words: list[re.Match[str]], j: int, cls: str) -> int:
    """Length in words of the longest multi-word *cls* phrase starting at ``words[j]``, or 0."""
    starts = _phrase_starts(lex, cls)
    if not starts or _key(words[j].group(), lex.lang) not in starts:
        return 0
    for phrase in lex.phrases.get(cls, ()):
        k = len(phrase)
        if (
            j + k <= len(words)
            and all(_key(words[j + x].group(), lex.lang) == phrase[x] for x in range(k - 1))
            and phrase[-1] in _stems(lex, words[j + k - 1].group())
        ):
            return k
    return 0


_STARTS: dict[tuple[str, str], frozenset[str]] = {}


def _phrase_starts(lex: _Lexicon, cls: str) -> frozenset[str]:
    """First words of the multi-word phrases of *cls* (a quick test before matching them)."""
    got = _STARTS.get((lex.lang, cls))
    if got is None:
        got = frozenset(p[0] for p in lex.phrases.get(cls, ()))
        _STARTS[lex.lang, cls] = got
    return got


def _is_initial(text: str, tok: re.Match[str]) -> bool:
    """``এস.``, ``ए.``: a short word with a full stop, an initial of a name."""
    return len(tok.group()) <= 3 and text[tok.end() : tok.end() + 1] == "."


def _someone(lex: _Lexicon, sp: Span | None) -> Span | None:
    """*sp* unless its head noun is a thing, a document or a feeling (``অধ্যয়ন``, ``হতাশা``):
    a speaker is a person, a group or an organisation, and no speaker beats a wrong one."""
    if sp is None:
        return None
    words = _WORD_RE.findall(sp.text)
    if words and _entity_class(lex, words[-1]) == "not_speaker":
        return None
    return sp


def _is_name_word(lex: _Lexicon, tok: re.Match[str], text: str) -> bool:
    """Could this word be part of a person's or organisation's name? (Not a function word, a
    cue, a number, or a word a title list knows.)"""
    w = _key(tok.group(), lex.lang)
    if w in lex.stopwords or lex.classes.get(w) is not None or _DIGIT_RE.search(w):
        return False
    if _entity_class(lex, tok.group()) in ("person_title", "title_modifier", "addressee"):
        return False
    return lex.cue_re.match(text, tok.start()) is None


def _titled_name(
    text: str, words: list[re.Match[str]], i: int, lex: _Lexicon
) -> tuple[int, int] | None:
    """The name after the title word ``words[i]`` (``সার্ভেয়ার মো. আবুল কাশেম``, ``मंत्री
    मुसद्दिक मलिक``): (index of its first word, index after its last), or None.

    Further titles and abbreviations may follow the first (``প্রফেসর ড. মুহাম্মদ ইউনূস``); the
    name is at most four words on the same line with only spaces or an abbreviation's full stop
    between; a word with a case ending closes it (``মঈন উদ্দিনের``), and a word followed by a
    postposition (``নির্বাচন থেকে``, ``बिजली के``) is left out once two name words are found.
    """
    n = len(words)
    j = i + 1
    while j < n and _entity_class(lex, words[j].group()) in ("person_title", "title_modifier"):
        j += 1
    first = j
    while j < n and j - first < 4:
        tok = words[j]
        gap = text[words[j - 1].end() : tok.start()]
        if gap.strip() not in ("", ".") or "\n" in gap:
            break
        initial = _is_initial(text, tok)
        if not (initial or _is_name_word(lex, tok, text)) or _phrase_at(lex, words, j, "addressee"):
            break  # (an initial such as এস. or ए. is a name word even if a stopword too)
        if (
            j - first >= 2
            and j + 1 < n
            and _entity_class(lex, words[j + 1].group()) == "postposition"
        ):
            break  # … হান্নান নির্বাচন থেকে: that word is the object of the postposition
        j += 1
        if _has_strong_ending(lex, tok.group()):
            break  # হোসেনের, জাহিদ হোসেনকে: the ending closes the name
    return (first, j) if j > first else None


def _scan_back(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """The speaker noun phrase that ends right before *hi* (never reaching back past *lo*)."""
    lang = lex.lang
    cls = lex.classes
    got: list[re.Match[str]] = []
    words = _words(text, lo, hi)
    hi = _before_addressee(text, words, hi, lex)
    head = text[lo:hi].rstrip()
    if head.endswith(")"):  # সেন্ট্রাল কমান্ড (সেন্টকম) জানায়: an abbreviation in brackets
        opened = head.rfind("(", max(0, len(head) - 40))
        if opened > 0 and ")" not in head[opened:-1] and len(_words(head, opened, len(head))) <= 3:
            hi = lo + opened
    right = hi
    for tok in reversed([w for w in words if w.end() <= hi]):
        gap = text[tok.end() : right].strip()
        w = _key(tok.group(), lang)
        c = cls.get(w)
        if gap and not (gap == "." and c == "abbr" and got):
            break
        right = tok.start()
        if not got:
            if c == "skip":
                continue
            if lang == "bn" and w.endswith("\u09c7") and c not in _PRONOUNS:
                continue  # dative (-কে) or locative (-এ) adjunct between subject and verb
        if c in _PRONOUNS:
            if not got:
                got.append(tok)
            break
        if c in ("stop", "skip", "postp", "naming") or _DIGIT_RE.search(tok.group()):
            break
        if c == "gen" and not got:
            break
        if lang == "bn" and got and (w.endswith("\u09c7")):
            break
        got.append(tok)
        if len(got) >= 10:
            break
    while got and cls.get(_key(got[-1].group(), lang)) == "gen":
        got.pop()  # a noun phrase does not start with a postposition
    if not got or all(cls.get(_key(t.group(), lang)) == "det" for t in got):
        return None  # "এই" alone is a determiner of an object, not a speaker
    s, e = got[-1].start(), got[0].end()
    return _someone(lex, Span(text[s:e], s, e))


def _before_addressee(text: str, words: list[re.Match[str]], hi: int, lex: _Lexicon) -> int:
    """*hi*, or the start of an addressee that ends right before it (``… কাশেম জাগো নিউজকে
    বলেন``, ``… बीबीसी से कहते हैं``): the speaker stands before the addressee."""
    if not words or text[words[-1].end() : hi].strip():
        return hi
    n = len(words)
    for k in range(min(4, n), 0, -1):
        if k > 1 and _phrase_at(lex, words, n - k, "addressee") == k:
            return words[n - k].start()
    if _entity_class(lex, words[-1].group()) == "addressee":
        return words[-1].start()
    return hi


def _is_genitive(lex: _Lexicon, word: str) -> bool:
    """Bengali genitive (``পুতিনের``, ``বিএনপির``); Hindi marks it with a separate word."""
    key = _key(word, lex.lang)
    return lex.lang == "bn" and key.endswith("\u09b0") and len(key) > 2


def _organisation(text: str, words: list[re.Match[str]], i: int, lex: _Lexicon) -> Span | None:
    """``বিএনপি মিডিয়া সেল``: an organisation's name ending in the bare head noun ``words[i]``,
    in the nominative (no postposition after it), with at most three name words before it."""
    if i + 1 < len(words) and _entity_class(lex, words[i + 1].group()) == "postposition":
        return None
    if (
        i + 1 < len(words)
        and not text[words[i].end() : words[i + 1].start()].strip()
        and _key(words[i + 1].group(), lex.lang).endswith("\u0995\u09c7")
    ):
        return None  # সংবাদ সংস্থা পিটিআইকে বলেছেন: the agency named in the dative is addressed
    t = i
    while t > 0 and i - t < 3:
        prev = words[t - 1]
        if text[prev.end() : words[t].start()].strip() or not _is_name_word(lex, prev, text):
            break
        key = _key(prev.group(), lex.lang)
        locative = key.endswith(("\u09c7", "\u09af\u09bc", "\u09df")) and not key.endswith(
            ("\u09c0\u09af\u09bc", "\u09c0\u09df")
        )  # (ইউরোপীয়, জাতীয়: adjectives in -ীয়, not locatives)
        if locative or _stems(lex, prev.group())[1:]:
            break  # a locative or an inflected word (ছয়টায়, হোসেনের) is not part of the name
        t -= 1
    s, e = words[t].start(), words[i].end()
    return Span(text[s:e], s, e)


def _first_titled(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """The first titled name in text[lo:hi] that is not in an oblique case (``আমির মুফতি আবদুল
    হান্নান``, not ``প্রধানমন্ত্রী শেখ হাসিনার সঙ্গে``), with its title."""
    words = _words(text, lo, hi)
    i = 0
    while i < len(words):
        bare = lex.entities.get(_key(words[i].group(), lex.lang))
        if bare == "org_head" and lex.lang == "bn":
            j = i  # বিএনপি মিডিয়া সেল: the name runs to its last head noun
            for k in range(i + 1, min(i + 4, len(words))):
                if text[words[k - 1].end() : words[k].start()].strip() or not _is_name_word(
                    lex, words[k], text
                ):
                    break
                if lex.entities.get(_key(words[k].group(), lex.lang)) == "org_head":
                    j = k
            org = _organisation(text, words, j, lex)
            if org is not None:
                return org
        if bare != "person_title":
            i += 1  # (a title with a case ending, ব্যবসায়ীদের, is no title before a name)
            continue
        got = _titled_name(text, words, i, lex)
        if got is None:
            i += 1
            continue
        end = got[1]
        last = words[end - 1]
        after = words[end] if end < len(words) else None
        oblique = _has_strong_ending(lex, last.group()) or (
            after is not None and _entity_class(lex, after.group()) == "postposition"
        )
        if not oblique:
            t = i
            while t > 0 and _entity_class(lex, words[t - 1].group()) in (
                "person_title",
                "title_modifier",
            ):
                t -= 1
            g = 0  # পুতিনের উপদেষ্টা ইউরি উশাকভ, বিএনপি মহাসচিব: the title's organisation
            while (
                t > 0
                and g < 1
                and (
                    _is_genitive(lex, words[t - 1].group())
                    or _entity_class(lex, words[t - 1].group()) == "org_head"
                )
                and _is_name_word(lex, words[t - 1], text)
                and not text[words[t - 1].end() : words[t].start()].strip()
            ):
                t -= 1
                g += 1
            s, e = words[t].start(), last.end()
            return Span(text[s:e], s, e)
        i = end
    return None


def _speaker_before_cue(
    text: str, lo: int, cue: re.Match[str], frame: str, lex: _Lexicon
) -> Span | None:
    """Speaker of a cue, looking left of it (within [lo, cue.start))."""
    if frame == "passive":
        return None
    cls = lex.classes
    lang = lex.lang
    if lang == "hi" and frame == "ne":
        for tok in reversed(_words(text, lo, cue.start())):
            w = _key(tok.group(), lang)
            if w == "ने":
                return _scan_back(text, lo, tok.start(), lex)
            if cls.get(w) in _PRONOUNS and w.endswith("ने"):
                return Span(tok.group(), tok.start(), tok.end())
        return None
    if lang == "hi" and frame == "dative":  # X को लगता है
        words = _words(text, lo, cue.start())
        if words and _key(words[-1].group(), lang) == "को":
            return _scan_back(text, lo, words[-1].start(), lex)
        return None
    if lang == "hi" and frame in ("gen", "source"):
        words = _words(text, lo, cue.start())
        if not words:
            return None
        last = words[-1]
        w = _key(last.group(), lang)
        if cls.get(w) in _PRONOUNS:
            return Span(last.group(), last.start(), last.end())
        if cls.get(w) == "gen":
            return _scan_back(text, lo, last.start(), lex)
        return None
    if lang == "bn" and frame == "direct":
        quoted = _quoted_source(text, _clause_start(text, lo, cue.start()), cue.start(), lex)
        if quoted is not None:
            return quoted
    sp = _scan_back(text, lo, cue.start(), lex)
    if lang != "bn":
        return sp
    if sp is not None and lex.classes.get(_key(sp.text, lang)) in _PRONOUNS:
        return sp
    titled = _first_titled(text, _clause_start(text, lo, cue.start()), cue.start(), lex)
    if titled is not None and (sp is None or sp.end <= titled.start or sp.start >= titled.end):
        # আমির মুফতি আবদুল হান্নান নির্বাচন থেকে সরে দাঁড়ানোর সিদ্ধান্তের কথা জানান: the
        # words before the verb are its object; the titled name is the subject
        return titled
    if titled is not None and sp is not None and titled.end == sp.end and titled.start > sp.start:
        return titled  # … হামলার প্রতিবাদ জামায়াতের আমির শফিকুর রহমান বলেন: the titled name
    hi = _before_addressee(
        text, _words(text, max(lo, cue.start() - 80), cue.start()), cue.start(), lex
    )
    if sp is not None and hi < cue.start() and not text[sp.end : hi].strip():
        return sp  # … আবুল কাশেম জাগো নিউজকে বলেন: the phrase right before the addressee
    if _adjunct_before(text, lo, hi, lex):
        # X গতকাল রুশ গণমাধ্যমকে জানান: the words before the verb are an adjunct, and
        # the subject stands at the start of the clause
        return _subject_forward(text, lo, hi, lex) or sp
    return sp


def _quoted_source(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """``X-কে উদ্ধৃত করে Y জানিয়েছে``, ``X-এর এক বিবৃতি উদ্ধৃত করে Y …``: Y only passes on X's
    words, so X is the speaker (entities.tsv class ``quoting``)."""
    if not any(
        text.find(v, lo, hi) >= 0
        for w in _phrase_starts(lex, "quoting")
        for v in (w, unicodedata.normalize("NFC", w))
    ):
        return None  # (most clauses: no need to look at their words)
    words = _words(text, lo, hi)
    for j in range(len(words) - 1, 0, -1):
        k = _phrase_at(lex, words, j, "quoting")
        if not k:
            continue
        i = j - 1  # the word before the phrase: the dative person or the quoted document
        if _entity_class(lex, words[i].group()) == "not_speaker":
            i -= 1  # … নংগ্রাং-এর এক বিবৃতি: step over the document and its article
            while i >= 0 and lex.entities.get(_key(words[i].group(), lex.lang)) == "indefinite":
                i -= 1
            if i < 0 or not _is_genitive(lex, words[i].group()):
                return None
        elif not _key(words[i].group(), lex.lang).endswith("\u0995\u09c7"):
            return None
        subject = _first_titled(text, lo, words[i].start(), lex)
        if subject is not None and subject.end < words[i].start():
            return None  # বিএনপি মিডিয়া সেল X-কে উদ্ধৃত করে এক পোস্টে বলেছে: a named issuer
            # before the quoted person speaks for itself in its own post
        t = i  # the noun phrase ends there; take its name words before it
        while (
            t > 0
            and i - t < 6
            and not text[words[t - 1].end() : words[t].start()].strip(" ")
            and _is_name_word(lex, words[t - 1], text)
            and not _key(words[t - 1].group(), lex.lang).endswith("\u09c7")
        ):
            t -= 1
        s, e = words[t].start(), words[i].end()
        return _someone(lex, Span(text[s:e], s, e))
    return None


def _clause_start(text: str, lo: int, hi: int) -> int:
    """Start of the clause that ends at *hi* (after the last comma, colon, dash or full stop
    that is not an abbreviation's)."""
    start = lo
    for m in _CLAUSE_RE.finditer(text, lo, hi):
        if not (m.group()[0] == "." and _abbreviation_before(text, lo, m.start() + 1)):
            start = m.end()
    return start


_CLAUSE_RE = re.compile("[,;:\u2014\u2013\u0964\u0965]|-\\s|\\.\\s")


def _adjunct_before(text: str, lo: int, hi: int, lex: _Lexicon) -> bool:
    """Does a dative/locative/participle (-কে, -এ) stand right before *hi*?"""
    words = _words(text, max(lo, hi - 60), hi)
    if not words or text[words[-1].end() : hi].strip():
        return False
    w = _key(words[-1].group(), "bn")
    return w.endswith("\u09c7") and lex.classes.get(w) not in _PRONOUNS


def _subject_forward(text: str, lo: int, hi: int, lex: _Lexicon) -> Span | None:
    """Bengali subject at the start of the clause that ends at *hi* (SOV word order).

    A nominative pronoun (তিনি) anywhere in the clause wins; a participle or locative
    (``…প্রশংসা করে``, ``…জানাতে``, words in -এ) ends a preceding adverbial phrase, so the noun
    phrase starts again after it; a dative (-কে) or an adverb (-ভাবে) ends the subject.
    """
    start = lo
    for m in _CLAUSE_RE.finditer(text, lo, hi):
        if not (m.group()[0] == "." and _abbreviation_before(text, lo, m.start() + 1)):
            start = m.end()
    words = _words(text, start, hi)
    for tok in words:
        if lex.classes.get(_key(tok.group(), "bn")) == "subject":
            return Span(tok.group(), tok.start(), tok.end())
    got: list[re.Match[str]] = []
    right = start
    for tok in words:
        gap = text[right : tok.start()].strip()
        right = tok.end()
        if got and gap and not (gap == "." and _class(lex, got[-1].group()) == "abbr"):
            break
        w = _key(tok.group(), "bn")
        c = lex.classes.get(w)
        if c in _PRONOUNS:
            if not got:
                got.append(tok)
            break
        if any(w.endswith(x) for x in _suffixes(lex, "stop_suffix")):
            break
        if w.endswith("\u09c7"):
            if got and lex.classes.get(_key(got[0].group(), "bn")) == "det":
                got = []  # এই প্ল্যাটফর্মের ব্লু টিক পদ্ধতিকে: one object noun phrase
                continue
            if got and (
                (w.endswith("\u0995\u09c7") and c is None) or tok is words[-1]
            ):  # a dative object, or an adjunct right before the verb: the subject is complete
                break
            got = []  # participle, locative, postposition: the words so far were adverbial
            continue
        # a genitive left alone by a stop is a modifier of what the stop governs
        # (যুক্তরাষ্ট্রের এই পদক্ষেপের পর X …): the subject comes after it
        dangling = (
            len(got) == 1
            and _is_genitive(lex, got[0].group())
            and (w in lex.stopwords or _entity_class(lex, tok.group()) == "postposition")
        )
        if c in ("stop", "skip", "naming") or tok.group().isdigit():
            if got and not dangling:
                break
            got = []
            continue
        if got and c == "abbr" and text.startswith(".", tok.end()):
            break  # রজার্স মি. আহমেদকে: an honorific begins the next name
        if got and w in lex.stopwords and not _is_initial(text, tok):
            if dangling:
                got = []
                continue
            break  # প্রধান উপদেষ্টা নতুন শ্রম অধ্যাদেশকে: a function word ends the subject
        got.append(tok)
        if len(got) >= 10:
            return None
    if not got or all(lex.classes.get(_key(t.group(), "bn")) == "det" for t in got):
        return None
    s, e = got[0].start(), got[-1].end()
    return _someone(lex, Span(text[s:e], s, e))


def _leading_subject(text: str, ps: tuple[int, int], lex: _Lexicon) -> Span | None:
    """The organisation or titled name that opens the sentence *ps* (``ইউরোপীয় কমিশন
    সম্প্রতি …``): the subject a Bengali sentence after it may leave out."""
    lo, hi = ps
    words = _words(text, lo, hi)
    if not words:
        return None
    m = _CLAUSE_RE.search(text, lo, hi)
    sub = _first_titled(text, lo, m.start() if m else hi, lex)
    return sub if sub is not None and sub.start == words[0].start() else None


def _postposed_subject(text: str, start: int, hi: int, lex: _Lexicon) -> Span | None:
    """The subject after the verb, up to the sentence end: ``‘…’ বলেন তিনি।``, ``… দিয়েছেন
    পুতিন।``, ``'…', बोले शर्मा।``."""
    got: list[re.Match[str]] = []
    right = start
    for tok in _words(text, start, hi):
        gap = text[right : tok.start()].strip()
        if gap and not (
            gap == "." and got and lex.classes.get(_key(got[-1].group(), lex.lang)) == "abbr"
        ):
            break
        c = lex.classes.get(_key(tok.group(), lex.lang))
        if c in ("stop", "skip", "naming") or (c in _PRONOUNS and c != "subject"):
            return None  # (… বলেও বিশ্বাস তার: a genitive pronoun, not a subject)
        if lex.cue_re.match(text, tok.start()):
            return None  # … বলেও জানান তিনি: another cue follows; its subject is its own
        got.append(tok)
        right = tok.end()
        if len(got) > 8:
            return None
    rest = _TAIL_RE.sub("", text[right:hi])
    if not got or (rest and not (rest.lstrip().startswith(",") and len(got) <= 3)):
        return None  # (a headline's "… জানালেন ট্রাম্প, লক্ষ্য …": a comma may end it)
    s, e = got[0].start(), got[-1].end()
    return _someone(lex, Span(text[s:e], s, e))


def _final_subject(text: str, start: int, hi: int, lex: _Lexicon) -> Span | None:
    """The noun phrase that ends a sentence after its verb, when more stands between:
    ``… বলে জানিয়েছেন তার মেডিকেল টিমের সদস্য ও দলের … সদস্য এ জেড এম জাহিদ হোসেন।``."""
    tail = _TAIL_RE.search(text, start, hi)
    while tail is not None and tail.end() < hi:
        tail = _TAIL_RE.search(text, tail.end(), hi)
    if tail is None or tail.end() != hi or not _TERMINATOR_RE.search(tail.group()):
        return None  # the sentence goes on (another quote follows): no final subject
    end = tail.start()
    words = _words(text, start, end)
    if (
        not words
        or len(words) > 16
        or lex.classes.get(_key(words[0].group(), lex.lang))
        in (
            "stop",
            "naming",
        )
    ):
        return None  # … জানান এবং …: a new clause, not the subject
    titled = _first_titled(text, start, end, lex)
    if titled is not None and titled.end == end:
        return titled
    sp = _scan_back(text, start, end, lex)
    if sp is None or sp.end != end or _DIGIT_RE.search(sp.text):
        return None
    if lex.cue_re.search(text, sp.start, end) is not None:
        return None  # … বলেও বিবৃতিতে দাবি করা হয়: a second (passive) verb, not a subject
    return sp


def _cues(text: str, lo: int, hi: int, lex: _Lexicon) -> list[tuple[re.Match[str], str]]:
    if hi <= lo:
        return []
    return [
        (m, lex.frames.get(_key(m.group(), lex.lang), "direct"))
        for m in lex.cue_re.finditer(text, lo, hi)
    ]


def _only_links(text: str, lo: int, hi: int, lex: _Lexicon) -> bool:
    """Is text[lo:hi] nothing but link words (कि, है, যে) and punctuation?"""
    return all(
        _key(w.group(), lex.lang) in lex.links or not w.group().strip(ZWJ + ZWNJ)
        for w in _words(text, lo, hi)
    )


def _attribute_pre(text: str, lo: int, open_pos: int, lex: _Lexicon) -> _Attr | None:
    cues = _cues(text, lo, open_pos, lex)
    if not cues:
        return None
    m, frame = cues[-1]
    if frame == "passive":  # X জানিয়েছে যে, … যে খবর দাবি করা হয়েছে, তার "…": the passive
        for m0, f0 in reversed(cues[:-1]):  # stands inside X's reported clause
            nxt = _words(text, m0.end(), min(m0.end() + 12, open_pos))
            if f0 != "passive" and nxt and _key(nxt[0].group(), lex.lang) in lex.links:
                m, frame = m0, f0
                break
    framed = _only_links(text, m.end(), open_pos, lex)
    speaker = _speaker_before_cue(text, lo, m, frame, lex)
    punct = bool(_PUNCT_RE.search(text, m.end(), open_pos))
    return _Attr(speaker, Span(m.group(), m.start(), m.end()), "before", framed, punct, frame)


_PUNCT_RE = re.compile("[,:;\u2014\u2013-]")


def _ends_clause(text: str, r: _Raw, sent_hi: int, lex: _Lexicon) -> bool:
    """Does the quote end its clause (sentence end, punctuation, or a cue follows)?

    ``X का कहना है कि ‘जीजे-121’ उन ग्रहों में से नहीं है``: the quote is the subject of a longer
    clause, so it is a fragment even though a cue stands right before it.
    """
    if r.close_mark is None or _ends_with_terminator(text[r.start : r.end]):
        return True
    close_end = r.close_pos + len(r.close_mark)
    tail = text[close_end:sent_hi].lstrip()
    if not tail or not _is_word_char(tail[0]):
        return True
    if close_end < len(text) and _is_word_char(text[close_end]):
        # किया है"चंद्रभूषण का कहना है: a long quote whose closing mark is glued to the next
        # sentence (BBC Hindi joined its paragraphs) ends its clause
        return _count_words(text[r.start : r.end], 6) >= 6
    return lex.cue_re.match(tail) is not None


def _attribute_post(
    text: str, close_end: int, hi: int, lo_pre: int, open_pos: int, lex: _Lexicon
) -> _Attr | None:
    cues = _cues(text, close_end, hi, lex)
    if not cues:
        return None
    m, frame = cues[0]
    cue_start, cue_end = m.start(), m.end()
    for m2, frame2 in cues[1:]:  # adjacent cues form one: ‘…’ বলেও অভিযোগ করেছেন কেউ কেউ
        if text[cue_end : m2.start()].strip():
            break
        cue_end, frame = m2.end(), frame2
    lead = text[close_end:cue_start]
    stripped = lead.lstrip()
    framed = not stripped or stripped[0] in _LEAD_PUNCT or _only_addressee(stripped, lex)
    cue = Span(text[cue_start:cue_end], cue_start, cue_end)
    speaker = None
    if frame == "direct":  # ‘…’ বলেন রহমান। / '…', बोले शर्मा।: the subject after the verb
        speaker = _postposed_subject(text, cue_end, hi, lex)
    if lex.lang == "bn" and frame == "direct" and speaker is None:
        for tok in _words(text, close_end, cue_start):  # ‘…’ আখ্যা দিয়ে তিনি জানিয়েছেন
            if lex.classes.get(_key(tok.group(), "bn")) == "subject":
                speaker = Span(tok.group(), tok.start(), tok.end())
        if speaker is None and _words(text, cue_end, hi):
            speaker = _final_subject(text, cue_end, hi, lex)
    if speaker is None and framed:
        speaker = _speaker_before_cue(text, close_end, _FakeMatch(cue_start), frame, lex)
    elif (
        speaker is None
        and lex.lang == "bn"
        and frame == "direct"
        and _ends_in_comma(text, close_end)
    ):
        # "…লক্ষ্য করে," পররাষ্ট্রমন্ত্রী মার্কো রুবিও এক বিবৃতিতে বলেছেন: the quote is the
        # object of the clause that follows it, whose subject is the speaker
        sp = _speaker_before_cue(text, close_end, _FakeMatch(cue_start), frame, lex)
        if sp is not None:
            speaker, framed = sp, True
    elif speaker is None and lex.lang == "hi" and frame in ("ne", "direct"):
        # headline style without a comma: 'मगरमच्छ…बराबर' सीएम मोहन यादव ने इंदौर में कहा
        sp = _speaker_before_cue(text, close_end, _FakeMatch(cue_start), frame, lex)
        if sp is not None and not text[close_end : sp.start].strip(_LEAD_PUNCT + " "):
            speaker, framed = sp, True
    if speaker is not None:
        return _Attr(speaker, cue, "after", framed, frame=frame)
    if frame != "passive":  # पुलिस इसे ‘पटका’ बताती है: the subject stands before the quote
        if lex.lang == "bn":
            speaker = _subject_forward(text, lo_pre, open_pos, lex)
        else:
            speaker = _speaker_before_cue(text, lo_pre, _FakeMatch(open_pos), frame, lex)
        if speaker is not None:
            return _Attr(speaker, cue, "before", False, frame=frame)
    return _Attr(None, cue, "after", framed, frame=frame)


def _ends_in_comma(text: str, close_end: int) -> bool:
    """Does the quote closed just before *close_end* end with a comma inside its marks?"""
    j = close_end - 1
    while j > 0 and text[j] in "\"'\u2019\u201d":
        j -= 1
    return text[j] == ","


def _only_addressee(s: str, lex: _Lexicon) -> bool:
    """Bengali "‘…’ বিবিসি বাংলাকে বলেন X": only an addressee (-কে) between quote and cue."""
    if lex.lang != "bn":
        return False
    words = [_key(w.group(), "bn") for w in _WORD_RE.finditer(s)]
    return bool(words) and words[-1].endswith("\u0995\u09c7") and len(words) <= 3


class _FakeMatch:
    """Stands in for a cue match that starts at the opening mark."""

    def __init__(self, pos: int) -> None:
        self._pos = pos

    def start(self) -> int:
        return self._pos


def _word_next_to(text: str, lo: int, hi: int, before: bool) -> str | None:
    """The word right before *hi* (before=True) or right after *lo*, if only spaces between."""
    if before:
        ws = _words(text, max(lo, hi - 40), hi)
        if ws and not text[ws[-1].end() : hi].strip():
            return ws[-1].group()
        return None
    m = _WORD_RE.match(text, lo + len(text[lo:hi]) - len(text[lo:hi].lstrip()))
    return m.group() if m and m.start() < hi else None


def _ends_with_terminator(content: str) -> bool:
    """Does the quoted text end its own sentence (``…है।``, ``…হবে?``)?"""
    return content.rstrip()[-1:] in _TERMINATORS


_BYLINE_RE = re.compile(
    "[ \\t]*\\n?[ \\t]*[-\u2013\u2014][ \\t]*"  # rest of the line or next line: a dash
    f"((?:[{_WCH}]+\\.?[ \\t]*){{1,6}}?)"  # the name: one to six words, abbreviations allowed
    "[ \\t]*(?:,[^\\n]*)?(?=\\n|$)"  # ", designation" up to the end of the line
)


def _byline(text: str, r: _Raw) -> _Attr | None:
    """A pull quote signed on its own line or after a dash: ``'…'- डॉ. जीएल सोढ़ी, सिविल सर्जन``.

    Only the rest of the closing line, or the whole next line, may hold the signature: a dash,
    one to six words (the name, abbreviations allowed), then an optional ", designation".
    """
    if r.close_mark is None:
        return None
    m = _BYLINE_RE.match(text, r.close_pos + len(r.close_mark))
    if m is None:
        return None
    s, e = m.start(1), m.end(1)
    while e > s and text[e - 1].isspace():
        e -= 1
    return _Attr(Span(text[s:e], s, e), None, "after", True)


def _resolve_by_cues(
    doc: _Doc, pos: int, line_lo: int, lex: _Lexicon, last: tuple[str, int] | None
) -> str | None:
    """The most recent named speaker before *pos*: of a quote, or the subject of a cue in one of
    the three sentences before (``X সাংবাদিকদের সঙ্গে কথা বলেন। ‘…’, বলেন তিনি।``)."""
    text = doc.text
    lo = line_lo
    sent = doc.sentence_at(pos, line_lo, _line_end(text, pos))
    at = sent[0] if sent else pos
    for _ in range(3):
        ps = doc.previous_sentence(at, lo)
        if ps is None or (last is not None and ps[1] <= last[1]):
            break
        if _lang(text, ps[0], ps[1]) == lex.lang:
            for m, frame in reversed(_cues(text, ps[0], ps[1], lex)):
                sp = _speaker_before_cue(text, ps[0], m, frame, lex)
                if (
                    sp is not None
                    and lex.classes.get(_key(sp.text, lex.lang)) not in _PRONOUNS
                    and (last is None or sp.start > last[1])
                ):
                    return sp.text
        at = ps[0]
        lo = text.rfind("\n", 0, at) + 1
    return last[0] if last else None


def _previous_attr(
    text: str,
    ps: tuple[int, int],
    history: list[tuple[int, int, Span | None, Span | None]],
    lex: _Lexicon,
) -> _Attr | None:
    """Speaker of the previous sentence: its last quote's, else its last cue's."""
    lo, hi = ps
    for pos, end, speaker, cue in reversed(history):
        if end < lo:
            break
        if pos < hi and speaker is not None:  # a quote in (or running through) that sentence
            return _Attr(speaker, cue, "previous", False)
    if _lang(text, lo, hi) != lex.lang:
        return None
    for m, frame in reversed(_cues(text, lo, hi, lex)):
        speaker = _speaker_before_cue(text, lo, m, frame, lex)
        if speaker is None and lex.lang == "bn" and frame == "direct":
            speaker = _postposed_subject(text, m.end(), hi, lex)
        if speaker is not None:
            return _Attr(speaker, Span(m.group(), m.start(), m.end()), "previous", False)
    return None


def _headline_attr(text: str, r: _Raw, lex: _Lexicon) -> _Attr | None:
    """Speaker of a quote in an article's headline line (the first line of several).

    In the headline itself: the agent of ``ने`` after the quote (``'…' इंदौर में CM यादव ने
    श्रमदान कर …``); else in the body: the sentence that restates the quote (most of its words)
    and the subject of that sentence's reporting frame (``পৃষ্ঠপোষকতার রাজনীতি নয়, … করতে চান বলে
    জানিয়েছেন … আমীর খসরু মাহমুদ চৌধুরী।``).
    """
    nl = text.find("\n")
    if _count_words(text[r.start : r.end], 4) < 4:
        return None  # (a short quote in a headline is a name or a label)
    line_lo = text.rfind("\n", 0, r.open_pos) + 1
    before = text[line_lo : r.open_pos].rstrip()
    leading = not before or before.endswith((":", ".", "-", "\u2026", "\u0964"))
    if nl < 0 or r.open_pos > nl or nl > 250:
        # not a headline: a quote that leads its line or a link (इसे भी पढ़ें...'…' X ने …)
        # may only take the agent that follows it
        if not leading or lex.lang != "hi" or r.close_mark is None:
            return None
        after = r.close_pos + len(r.close_mark)
        nl = _last_sentence_end(text, after, _line_end(text, r.open_pos), first=True)
        for tok in _words(text, after, nl or _line_end(text, r.open_pos)):
            if _key(tok.group(), "hi") == "ने":
                sp = _scan_back(text, r.close_pos + len(r.close_mark), tok.start(), lex)
                if sp is not None and lex.classes.get(_key(sp.text, "hi")) not in _PRONOUNS:
                    return _Attr(sp, None, "after", False)
                break
        return None
    if lex.lang == "hi" and r.close_mark is not None:
        for tok in _words(text, r.close_pos + len(r.close_mark), nl):
            if _key(tok.group(), "hi") == "ने":
                sp = _scan_back(text, r.close_pos + len(r.close_mark), tok.start(), lex)
                if sp is not None and lex.classes.get(_key(sp.text, "hi")) not in _PRONOUNS:
                    return _Attr(sp, None, "after", False)
                break
    want = {_key(w.group(), lex.lang) for w in _words(text, r.start, r.end)}
    if len(want) < 4:
        return None  # a name or a label, not a statement to look up
    body_end = min(len(text), nl + 3000)
    for sent_lo, sent_hi in _sentences_in(text, nl + 1, body_end):
        have = {_key(w.group(), lex.lang) for w in _words(text, sent_lo, sent_hi)}
        if len(want & have) * 2 < len(want):
            continue
        for m, frame in reversed(_cues(text, sent_lo, sent_hi, lex)):
            sp = None
            if lex.lang == "bn" and frame == "direct":
                sp = _postposed_subject(text, m.end(), sent_hi, lex) or _final_subject(
                    text, m.end(), sent_hi, lex
                )
            if sp is None:
                sp = _speaker_before_cue(text, sent_lo, m, frame, lex)
            if sp is not None:
                return _Attr(sp, Span(m.group(), m.start(), m.end()), "following", False)
        return None
    return None


def _sentences_in(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Sentences of text[lo:hi] by their terminators (a cheap split for a look-up)."""
    out = []
    start = lo
    for m in _SENTENCE_END_GLUED_RE.finditer(text, lo, hi):
        e = m.start() + 1
        if m.group()[0] == "." and _abbreviation_before(text, lo, e):
            continue
        out.append((start, e))
        start = e
    if start < hi:
        out.append((start, hi))
    return out
