"""Who a pronoun or a description stands for: the article's people and organisations.

Why: ``তিনি বলেন, ‘…’`` and ``उन्होंने कहा, “…”`` attribute about a third of the quotations in
Bengali and Hindi news, and the answer a reader wants is a name. The resolver collects the
*mentions* of people and organisations in the reporter's text (never inside quotes): subjects of
reporting frames (``X বলেন``, ``X ने कहा``), Hindi agents (``X ने``), titled names (``সার্ভেয়ার
মো. আবুল কাশেম``, ``मंत्री मुसद्दिक मलिक``), ``X নামের এক ব্যক্তি`` and a headline's ``…: X``;
mentions with the same last word (case endings stripped) are one entity, and a one-word mention
of an entity's first name (``মাহফুজ`` for ``মাহফুজ আলম``) joins it too. Every later word that
names an entity is a mention of it.

A pronoun then stands for the nearest entity going back sentence by sentence: in each sentence,
the speaker of a quote or reporting frame first, else the first entity named there not in an
oblique case (``করুনারত্নে ম্যাচশেষে প্রশংসা করেছেন হাসানের। তিনি বলেন`` -> করুনারত্নে), one that
agrees with the pronoun (``তিনি`` is a person, ``তারা``/``সেটি`` a group or an organisation). A
description (``প্রধান উপদেষ্টা``, ``सीपी``) stands for the last entity named with the same title,
else, when it points back (a bare title, ``এই ব্যাটার``), it resolves like a pronoun; ``এক
মুখপাত্র`` (indefinite) names nobody. No guess is better than a wrong one: when nothing
qualifies within a few sentences, the answer is None.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from newskit.quotes._frames import (
    _final_subject,
    _first_titled,
    _is_name_word,
    _postposed_subject,
    _scan_back,
    _speaker_before_cue,
    _titled_name,
)
from newskit.quotes._lexicon import (
    _anchor_re,
    _entity_class,
    _has_strong_ending,
    _Lexicon,
    _stems,
)
from newskit.quotes._records import Span
from newskit.quotes._text import (
    _PRONOUNS,
    _SENTENCE_END_GLUED_RE,
    _WCH,
    _WORD_RE,
    _abbreviation_before,
    _is_word_char,
    _key,
    _words,
)

_WINDOW = 3000  # how far back (characters) a pronoun looks for its referent
_LAST_WORD_RE = re.compile(f"[{_WCH}]+(?:-[{_WCH}]+)*$")
_GROUP_ENDINGS = ("\u09a6\u09cd\u09ac\u09df", "\u09a6\u09cd\u09ac\u09af\u09bc")  # -দ্বয় (the two)
_FINAL_PUNCT = " \t\n.\u0964\u0965!?'\"\u2019\u201d)"
_BOLE = "\u09ac\u09b2\u09c7 "  # "বলে ": the quotative of বলে জানান, বলে উল্লেখ করেন
_MAX_SENTENCES = 8


@dataclass
class _Entity:
    name: str  # the fullest form seen (display)
    heads: set[str]  # stems of the last word
    firsts: set[str]  # stems of the first word (a first name used alone)
    group: bool  # an organisation or a group, not one person
    titles: set[str] = field(default_factory=set)  # title words it was named with


@dataclass
class _Mention:
    start: int
    end: int
    entity: int
    speaker: bool  # the subject of a reporting frame (or a quote's speaker)
    oblique: bool  # in a case ending or before a postposition (হাসানের, मलिक के)


class _Entities:
    """The entities and mentions of one document, collected once, outside the quotes."""

    def __init__(self, text: str, quotes: list[tuple[int, int]], lex: _Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.quotes = sorted(quotes)
        self.entities: list[_Entity] = []
        self.mentions: list[_Mention] = []
        self._by_head: dict[str, int] = {}
        self._by_first: dict[str, int] = {}
        self._forms: set[str] = set()  # spellings of name words, to find their repeats
        self._seen: dict[str, tuple[list[str], set[str], set[str], str, bool]] = {}
        self._quote_starts = [q[0] for q in self.quotes]
        self._collect()

    # -- collection ---------------------------------------------------------------------------

    def _outside(self) -> list[tuple[int, int]]:
        """The stretches of the text outside every quote."""
        out = []
        pos = 0
        for s, e in self.quotes:
            if s > pos:
                out.append((pos, s))
            pos = max(pos, e)
        if pos < len(self.text):
            out.append((pos, len(self.text)))
        return out

    def _collect(self) -> None:
        text, lex = self.text, self.lex
        found: list[tuple[int, int, str, bool, str | None]] = []  # start, end, name, speaker
        anchors = _anchor_re(lex.lang)
        for lo, hi in self._outside():
            for am in anchors.finditer(text, lo, hi) if anchors is not None else ():
                if am.group() == "\u0928\u0947":  # ने: the agent before it (no look ahead)
                    sp = _scan_back(text, max(lo, am.start() - 120), am.start(), lex)
                    if sp is not None and self._nameish(sp) and self._agentish(sp):
                        found.append((sp.start, sp.end, sp.text, True, None))
                    continue
                words = _words(text, am.start(), min(hi, am.end() + 70))
                if not words or words[0].start() != am.start():
                    continue
                i, tok = 0, words[0]
                cls = lex.entities.get(_key(tok.group(), lex.lang))
                if cls == "person_title":
                    # (a bare title: চিকিৎসকরা, চেয়ারপার্সনকে are no title before a name)
                    got = _titled_name(text, words, i, lex)
                    if got is not None:
                        s, e = words[got[0]].start(), words[got[1] - 1].end()
                        found.append((s, e, text[s:e], False, tok.group()))
                elif cls == "name_marker" or self._marker_at(words, i):
                    sp = _scan_back(text, max(lo, tok.start() - 80), tok.start(), lex)
                    if sp is not None and self._nameish(sp):
                        found.append((sp.start, sp.end, sp.text, False, None))
            for m in lex.cue_re.finditer(text, lo, hi):
                frame = lex.frames.get(_key(m.group(), lex.lang), "direct")
                if lex.lang == "bn" and _key(m.group(), "bn").startswith(_BOLE):
                    # … পার করছেন বলে জানিয়েছেন X: the words before are the reported
                    # clause; the subject, if any, follows the verb
                    end = _sentence_end(text, m.end(), hi)
                    sp = _final_subject(text, m.end(), end, lex)
                else:
                    sp = None
                    if lex.lang == "bn" and frame == "direct":
                        # … নিয়েও কথা বলেছেন তাসকিন।: the subject after the verb
                        sp = _postposed_subject(
                            text, m.end(), _sentence_end(text, m.end(), hi), lex
                        )
                    if sp is None:
                        start = _sentence_start(text, max(lo, m.start() - 200), m.start())
                        sp = _speaker_before_cue(text, start, m, frame, lex)
                if sp is not None and self._nameish(sp) and self._recurs(sp, lo):
                    found.append((sp.start, sp.end, sp.text, True, None))
        byline = self._headline_byline()
        if byline is not None:
            found.append((byline.start, byline.end, byline.text, True, None))
        found.sort()
        for s, e, name, speaker, title in found:
            k = self._entity_of(name, title)
            self.mentions.append(_Mention(s, e, k, speaker, not speaker and self._oblique(e)))
        self._repeats()
        self.mentions.sort(key=lambda m: m.start)

    def _marker_at(self, words: list[re.Match[str]], i: int) -> bool:
        phrases = self.lex.phrases.get("name_marker", ())
        if not phrases or _key(words[i].group(), self.lex.lang) not in {p[0] for p in phrases}:
            return False
        return any(
            i + len(p) <= len(words)
            and all(_key(words[i + x].group(), self.lex.lang) == p[x] for x in range(len(p)))
            for p in phrases
        )

    def _nameish(self, sp: Span) -> bool:
        """A phrase that can stand for someone: not a pronoun, not only a bare title."""
        lex = self.lex
        if lex.classes.get(_key(sp.text, lex.lang)) in _PRONOUNS:
            return False
        words = _words(self.text, sp.start, sp.end)
        if not words:
            return False
        return _entity_class(lex, words[-1].group()) not in ("person_title", "title_modifier")

    def _agentish(self, sp: Span) -> bool:
        """A Hindi agent (``X ने``) that may be someone: no genitive inside (``बिजली के संकट
        ने`` is a thing) unless a title says who (``पाकिस्तान के प्रधानमंत्री X ने``)."""
        words = _words(self.text, sp.start, sp.end)
        if not any(self.lex.classes.get(_key(w.group(), "hi")) == "gen" for w in words):
            return True
        return any(_entity_class(self.lex, w.group()) == "person_title" for w in words)

    def _recurs(self, sp: Span, lo: int) -> bool:
        """A one-word frame subject is a name only if the article names it again
        (``ব্লैकबर्न``); ``ফল আসবে বলেও`` is a thing."""
        words = _words(self.text, sp.start, sp.end)
        if len(words) != 1:
            return True
        key = _stems(self.lex, words[0].group())[-1]
        return self.text.count(key) + self._nfc_count(key) > 1

    def _nfc_count(self, key: str) -> int:
        nfc = unicodedata.normalize("NFC", key)
        return self.text.count(nfc) if nfc != key else 0

    def _headline_byline(self) -> Span | None:
        """``ওপেনারদের কঠিন পরীক্ষায় ফেলেছেন হাসান: করুনারত্নে``: a headline line that ends
        with a colon and a short name names the speaker of the article."""
        text = self.text
        nl = text.find("\n")
        if nl < 0 or nl > 200:
            return None
        colon = text.rfind(":", 0, nl)
        if colon < 0:
            return None
        words = _words(text, colon + 1, nl)
        if not 1 <= len(words) <= 4 or text[words[-1].end() : nl].strip():
            return None
        if not all(_is_name_word(self.lex, w, text) for w in words):
            return None
        s, e = words[0].start(), words[-1].end()
        return Span(text[s:e], s, e)

    def _oblique(self, end: int) -> bool:
        """Is the mention ending at *end* in an oblique case: a case ending on its last word
        (``হোসেনের``) or a postposition after it (``मलिक के``)?"""
        text = self.text
        last = _LAST_WORD_RE.search(text, max(0, end - 40), end)
        if last is not None and _has_strong_ending(self.lex, last.group()):
            return True
        nxt = _WORD_RE.search(text, end, min(len(text), end + 40))
        return nxt is not None and _entity_class(self.lex, nxt.group()) == "postposition"

    def _parts(self, name: str) -> tuple[list[str], set[str], set[str], str, bool]:
        """(name words, head stems, first-word stems, display, all name words) of a mention
        text; memoized per document, where the same names come back."""
        got = self._seen.get(name)
        if got is None:
            lex = self.lex
            words = _words(name, 0, len(name))
            names = [w.group() for w in words if _entity_class(lex, w.group()) is None]
            names = names or [w.group() for w in words]
            got = (
                names,
                set(_stems(lex, names[-1])),
                set(_stems(lex, names[0])),
                _display(name, lex),
                self._all_names(name),
            )
            self._seen[name] = got
            self._add_forms(names[-1])
            if len(names) > 1:
                self._add_forms(names[0])
        return got

    def _entity_of(self, name: str, title: str | None) -> int:
        lex = self.lex
        names, heads, firsts, display, all_names = self._parts(name)
        k = next((self._by_head[h] for h in heads if h in self._by_head), None)
        if k is None and len(names) == 1:  # মাহফুজ for মাহফুজ আলম
            k = next((self._by_first[h] for h in heads if h in self._by_first), None)
        if k is None:
            last = names[-1]
            group = _entity_class(lex, last) == "org_head" or _is_plural(lex, last)
            self.entities.append(_Entity(display, heads, firsts, group))
            k = len(self.entities) - 1
            for h in heads:
                self._by_head.setdefault(h, k)
            if len(names) > 1 and all_names:
                for h in firsts:
                    self._by_first.setdefault(h, k)
        else:
            ent = self.entities[k]
            if len(display) > len(ent.name) and len(names) > 1:
                ent.name = display
                if all_names:
                    for h in firsts:
                        self._by_first.setdefault(h, k)
            ent.heads |= heads
        if title is not None:
            self.entities[k].titles |= set(_stems(lex, title))
        return k

    def _all_names(self, name: str) -> bool:
        """Are all the words of *name* (titles aside) name words (no ``के``, no numbers)?"""
        return all(
            _entity_class(self.lex, w.group()) in ("person_title", "title_modifier")
            or _is_name_word(self.lex, w, name)
            for w in _words(name, 0, len(name))
        )

    def add_named(self, sp: Span) -> None:
        """A quote's speaker written as a name is one of the article's entities too, with its
        repeats: its frame may wrap the quote (``… ব্রেটন অবশ্য এটিকে ‘…’ বলে উল্লেখ করেছেন``),
        where the collection outside the quotes cannot see it."""
        if not self._nameish(sp) or any(m.start == sp.start for m in self.mentions):
            return
        before = set(self._forms)
        k = self._entity_of(sp.text, None)
        self.mentions.append(_Mention(sp.start, sp.end, k, True, False))
        new = self._forms - before
        if new:
            self._repeats(new)
        self.mentions.sort(key=lambda m: m.start)

    def _repeats(self, forms: set[str] | None = None) -> None:
        """Every word outside the quotes that names a known entity is a mention of it.

        Found with ``str.find`` of the names' words as the article spells them (and their other
        normalization form), not by looking up every word of the article; *forms*: only these
        spellings (of a name added later)."""
        covered: set[int] = set()  # word starts inside a mention already found
        for m in self.mentions:
            covered.update(w.start() for w in _words(self.text, m.start, m.end))
        text = self.text
        starts: set[int] = set()
        for form in self._forms if forms is None else forms:
            pos = text.find(form)
            while pos >= 0:
                if pos == 0 or not _is_word_char(text[pos - 1]):
                    starts.add(pos)
                pos = text.find(form, pos + 1)
        starts -= covered
        for start in sorted(starts):
            tok = _WORD_RE.match(text, start)
            if tok is None or self._inside_quote(start):
                continue
            stems = _stems(self.lex, tok.group())
            hit = next((h for h in stems if h in self._by_head), None)
            k = self._by_head[hit] if hit is not None else None
            if k is None:
                hit = next((h for h in stems if h in self._by_first), None)
                k = self._by_first[hit] if hit is not None else None
                nxt = _WORD_RE.search(text, tok.end(), min(len(text), tok.end() + 40))
                if (
                    k is not None
                    and nxt is not None
                    and not text[tok.end() : nxt.start()].strip()
                    and any(self._by_head.get(h) == k for h in _stems(self.lex, nxt.group()))
                ):
                    continue  # খালেদা জিয়ার: the head word that follows is the mention
            if k is None or not _is_name_word(self.lex, tok, text):
                continue
            # জিয়ার for জিয়া: a known name with an ending is in an oblique case
            oblique = hit != stems[0] or self._oblique(tok.end())
            self.mentions.append(_Mention(tok.start(), tok.end(), k, False, oblique))

    def _inside_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, pos) - 1
        return i >= 0 and pos < self.quotes[i][1]

    def _add_forms(self, word: str) -> None:
        """Remember how a name word is spelled here, without its case ending, in both
        normalization forms (a Bengali article mixes precomposed and decomposed য়)."""
        stems = _stems(self.lex, word)
        raw = word
        if len(stems) > 1:  # cut the ending off the word as spelled
            while len(raw) > 1 and _key(raw, self.lex.lang) != stems[-1]:
                raw = raw[:-1]
        for form in {raw, unicodedata.normalize("NFC", raw), unicodedata.normalize("NFD", raw)}:
            if len(form) > 1:
                self._forms.add(form)

    # -- resolution ---------------------------------------------------------------------------

    def resolve(
        self,
        pos: int,
        want: str,
        speakers: list[tuple[int, str]],
        title: tuple[str, ...] = (),
    ) -> str | None:
        """The entity a pronoun or description at *pos* stands for (its display name).

        *want*: ``person``, ``group`` or ``any``; *speakers*: (offset, name) of the speakers of
        the quotes before, resolved; *title*: for a description, the stems of its title word.
        """
        lo = max(0, pos - _WINDOW)
        if title:
            # a description resolves within its paragraph (the reason is in resolve_title)
            lo = max(lo, self.text.rfind("\n", 0, pos) + 1)
            for m in reversed(self.mentions):
                ent = self.entities[m.entity]
                if lo <= m.start < pos and ent.titles & set(title) and self._fits(ent, want):
                    return ent.name
        bounds = _sentence_bounds(self.text, lo, pos)
        for n, (lo, hi) in enumerate(bounds[: _MAX_SENTENCES + 1]):
            said: list[tuple[int, str]] = []
            for off, name in speakers:
                if lo <= off < hi and self._name_fits(name, want):
                    said.append((off, name))
            others: list[_Mention] = []
            for m in self.mentions:
                if lo <= m.start < hi and self._fits(self.entities[m.entity], want):
                    if m.speaker and not m.oblique:
                        said.append((m.start, self.entities[m.entity].name))
                    else:
                        others.append(m)
            if said:
                return max(said)[1]
            if n == 0:
                continue  # in the pronoun's own sentence only a speaker counts
            final = [m for m in others if not self.text[m.end : hi].strip(_FINAL_PUNCT)]
            if final and self.lex.lang == "bn":  # … ব্রিফ করেন এ জেড এম জাহিদ হোসেন।
                return self.entities[final[-1].entity].name
            if others:
                best = next((m for m in others if not m.oblique), others[0])
                return self.entities[best.entity].name
        return None

    def resolve_title(self, pos: int, title: tuple[str, ...]) -> str | None:
        """The last person named before *pos* in its paragraph with this title (``রাশিয়ার
        প্রেসিডেন্ট ভ্লাদিমির পুতিন …, রুশ প্রেসিডেন্ট বলেন``), or None.

        Why only the paragraph: a description repeats a title used nearby, and further away
        the risk of naming the wrong person grows; also, ``newskit stats`` analyses a huge
        document in chunks of lines and its quote figures must not depend on where the
        chunks fall (tests/test_stats.py). Pronouns are the exception: ``उन्होंने कहा`` at
        the start of a paragraph needs the paragraph before (docs/integration/quotes.md).
        """
        lo = self.text.rfind("\n", 0, pos) + 1
        for m in reversed(self.mentions):
            ent = self.entities[m.entity]
            if lo <= m.start < pos and ent.titles & set(title) and not ent.group:
                return ent.name
        return None

    def _fits(self, ent: _Entity, want: str) -> bool:
        return want == "any" or (want == "group") == ent.group

    def _name_fits(self, name: str, want: str) -> bool:
        """Does a quote speaker's name agree with the pronoun (a person, a group)?"""
        if want == "any":
            return True
        words = _words(name, 0, len(name))
        if not words:
            return False
        stems = _stems(self.lex, words[-1].group())
        k = next((self._by_head[h] for h in stems if h in self._by_head), None)
        if k is not None:
            return self._fits(self.entities[k], want)
        last = words[-1].group()
        group = _entity_class(self.lex, last) == "org_head" or _is_plural(self.lex, last)
        return (want == "group") == group


def _display(name: str, lex: _Lexicon) -> str:
    """The name without its title words and without a case ending on its last word."""
    words = _words(name, 0, len(name))
    keep = [w for w in words if _entity_class(lex, w.group()) not in ("person_title",)]
    keep = keep or words
    s, e = keep[0].start(), keep[-1].end()
    out = unicodedata.normalize("NFC", name[s:e])
    last = unicodedata.normalize("NFC", keep[-1].group())
    if _has_strong_ending(lex, last):
        for ending in lex.strong_endings:
            ending = unicodedata.normalize("NFC", ending)
            if last.endswith(ending):
                out = out[: len(out) - len(ending)]
                break
    return out


def _is_plural(lex: _Lexicon, word: str) -> bool:
    key = _key(word, lex.lang)
    if lex.lang == "bn":
        return key.endswith(("\u09b0\u09be", "\u0997\u09c1\u09b2\u09cb", "\u09a6\u09c7\u09b0"))
    return key in ("लोग", "लोगों") or key.endswith("ों")


def _sentence_start(text: str, lo: int, p: int) -> int:
    start = lo
    for m in _SENTENCE_END_GLUED_RE.finditer(text, lo, p):
        e = m.start() + 1
        if m.group()[0] == "." and _abbreviation_before(text, lo, e):
            continue
        start = e
    nl = text.rfind("\n", lo, p)
    return max(start, nl + 1)


def _sentence_end(text: str, p: int, hi: int) -> int:
    for m in _SENTENCE_END_GLUED_RE.finditer(text, p, hi):
        e = m.start() + 1
        if m.group()[0] == "." and _abbreviation_before(text, p, e):
            continue
        return e
    nl = text.find("\n", p, hi)
    return hi if nl < 0 else nl


def _sentence_bounds(text: str, lo: int, p: int) -> list[tuple[int, int]]:
    """Sentences of text[lo:p], the one holding *p* first, then going back."""
    cuts = [lo]
    for m in _SENTENCE_END_GLUED_RE.finditer(text, lo, p):
        e = m.start() + 1
        if m.group()[0] == "." and _abbreviation_before(text, lo, e):
            continue
        cuts.append(e)
    for m in re.finditer("\n", text[lo:p]):
        before = text[lo : lo + m.start()].rstrip()
        if not before or before[-1] in _FINAL_PUNCT or before[-1] == ":":
            cuts.append(lo + m.end())  # (a line broken inside a sentence does not end it)
    cuts = sorted(set(cuts))
    out = []
    if cuts[-1] == p or not text[cuts[-1] : p].strip():
        out.append((p, p))  # *p* starts a sentence: the one before is not its own
    hi = p
    for c in reversed(cuts):
        if c < hi:
            out.append((c, hi))
            hi = c
    return out


def pronoun_number(lex: _Lexicon, word: str) -> str:
    """``person`` for a pronoun of one person, ``group`` for one of a group, else ``any``."""
    cls = _entity_class(lex, word)
    if cls == "singular_pronoun":
        return "person"
    if cls == "group_pronoun":
        return "group"
    return "any"


def description_title(lex: _Lexicon, text: str, sp: Span) -> tuple[tuple[str, ...], bool] | None:
    """(stems of its title word, points back) when the speaker phrase is a description of a
    person — its last word a title (``প্রধান উপদেষ্টা``, ``এই ব্যাটার``) — else None. An
    indefinite description (``এক মুখপাত্র``) is returned as not pointing back."""
    words = _words(text, sp.start, sp.end)
    if not words or _entity_class(lex, words[-1].group()) != "person_title":
        return None
    if _first_titled(text, sp.start, sp.end, lex) is not None:
        return None  # a title with a name: not a description
    classes = [_entity_class(lex, w.group()) for w in words]
    # it points back when it is a bare title (প্রধান উপদেষ্টা, सीपी) or has a demonstrative
    # (এই ব্যাটার); উত্তর কোরিয়ার নেতা is only matched by the same title named before; a
    # plural (নেতারা, नेताओं) describes a group, never one name
    bare = all(c in ("person_title", "title_modifier") for c in classes)
    points = ("definite" in classes or bare) and "indefinite" not in classes
    if _is_plural(lex, words[-1].group()) or (
        _stems(lex, words[-1].group())[0] not in (lex.entities)
        and _key(words[-1].group(), lex.lang).endswith(_GROUP_ENDINGS)
    ):
        return None
    return _stems(lex, words[-1].group()), points
