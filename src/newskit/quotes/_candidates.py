"""Speaker candidates of a quote, what each one is, and the quote's own features.

Why a step of its own: the frame rules used to return one answer per quote, and when it was
wrong nothing else was on the table. Here every attribution the rules can find is kept (the
frame before and after the quote, the speaker of the quote before, the subject of the
sentence before, a headline's restatement in the body) with "nobody", each described by what
it is (a name, a pronoun and whom it stands for, a description), so that a ranker
(``_rank.py``) can choose among them; with no ranker the rules' choice is taken, as before.
"""

from __future__ import annotations

from newskit.quotes._frames import (
    _Attr,
    _headline_attr,
    _is_genitive,
    _leading_subject,
    _previous_attr,
    _resolve_by_cues,
    _someone,
)
from newskit.quotes._lexicon import _entity_class, _has_strong_ending, _Lexicon, _stems
from newskit.quotes._pairing import _Raw
from newskit.quotes._rank import _Cand
from newskit.quotes._records import Span
from newskit.quotes._resolve import _Entities, _is_plural, description_title, pronoun_number
from newskit.quotes._text import (
    _LEAD_PUNCT,
    _MARK_RE,
    _PRONOUNS,
    _SENTENCE_END_RE,
    _TERMINATORS,
    _WORD_RE,
    _count_words,
    _Doc,
    _is_word_char,
    _key,
    _lang,
)


class _State:
    """What attribution knows of a document so far: the speakers chosen, the entities (built
    the first time a pronoun or a description needs resolving)."""

    def __init__(self, text: str, raws: list[_Raw], doc: _Doc, lang_code: str | None) -> None:
        self.text = text
        self.raws = raws
        self.doc = doc
        self.lang_code = lang_code
        self.ents: _Entities | None = None
        self.said: list[tuple[int, str]] = []  # (offset, name) of the speakers so far, resolved
        self.last_named: tuple[str, int] | None = None  # the latest non-pronoun speaker
        # (open offset, end, speaker, cue) of the top-level quotes so far
        self.history: list[tuple[int, int, Span | None, Span | None]] = []
        self.last_name: str | None = None  # the previous quote's speaker, resolved
        # the speakers chosen so far, by span, with whom they stand for: a later quote's
        # candidate that is the same mention needs no second resolution
        self.known: dict[tuple[int, int], str | None] = {}
        # _previous_attr of a sentence, by its bounds (the quotes of one sentence share it)
        self.previous: dict[tuple[int, int], _Attr | None] = {}
        self.leading: dict[tuple[int, int], Span | None] = {}

    def _same_lang(self, sp: Span, lex: _Lexicon) -> bool:
        got = _lang(self.text, sp.start, sp.end)
        return got is not None if self.lang_code is not None else got == lex.lang

    def entities(self, lex: _Lexicon) -> _Entities:
        if self.ents is None or self.ents.lex.lang != lex.lang:
            self.ents = _Entities(self.text, [(q.open_pos, q.end) for q in self.raws], lex)
            for h in self.history:  # the named speakers of the quotes before
                sp = h[2]
                if sp is not None and self._same_lang(sp, lex) and not needs_resolving(lex, sp):
                    self.ents.add_named(sp)
        return self.ents

    def resolve(self, sp: Span, lex: _Lexicon, pos: int, line_lo: int) -> str | None:
        """The name a pronoun or description speaker stands for (None for a name)."""
        if not needs_resolving(lex, sp):
            return None
        got = resolve_speaker(self.entities(lex), sp, self.said, lex)
        if got is None and lex.classes.get(_key(sp.text, lex.lang)) in _PRONOUNS:
            got = _resolve_by_cues(self.doc, pos, line_lo, lex, self.last_named)
            if got is not None and pronoun_number(lex, sp.text) == "person" and _is_group(lex, got):
                got = None  # তিনি never stands for an organisation (ইউরোপিয়ান স্পার্ম ব্যাংক)
        return got

    def chosen(self, sp: Span, resolved: str | None, lex: _Lexicon) -> None:
        """Remember the speaker chosen for a quote."""
        if (
            self.ents is not None
            and self.ents.lex.lang == lex.lang
            and not needs_resolving(lex, sp)
        ):
            self.ents.add_named(sp)
        if lex.classes.get(_key(sp.text, lex.lang)) not in _PRONOUNS:
            self.last_named = (sp.text, sp.start)
        if resolved is not None or not needs_resolving(lex, sp):
            # (an unresolved pronoun names nobody: a later তিনি must not "resolve" to it)
            self.said.append((sp.start, resolved or sp.text))
        self.last_name = resolved or sp.text
        self.known[sp.start, sp.end] = resolved


def _is_group(lex: _Lexicon, name: str) -> bool:
    """Does *name* end with an organisation's head noun or a plural (a group, not one person)?"""
    last = _WORD_RE.findall(name)[-1:]
    return bool(last) and (_entity_class(lex, last[0]) == "org_head" or _is_plural(lex, last[0]))


def needs_resolving(lex: _Lexicon, speaker: Span) -> bool:
    """Is the speaker a pronoun or a description (the resolver's work), not a name?"""
    if lex.classes.get(_key(speaker.text, lex.lang)) in _PRONOUNS:
        return True
    last = _WORD_RE.findall(speaker.text)[-1:]
    return bool(last) and _entity_class(lex, last[0]) == "person_title"


def resolve_speaker(
    ents: _Entities, speaker: Span, said: list[tuple[int, str]], lex: _Lexicon
) -> str | None:
    """The name a pronoun or a description speaker stands for, None for a name (or nobody)."""
    text = ents.text
    if lex.classes.get(_key(speaker.text, lex.lang)) in _PRONOUNS:
        return ents.resolve(speaker.start, pronoun_number(lex, speaker.text), said)
    desc = description_title(lex, text, speaker)
    if desc is None:
        return None
    stems, points_back = desc
    if not points_back:
        return ents.resolve_title(speaker.start, stems)
    return ents.resolve(speaker.start, "person", said, title=stems)


def who(lex: _Lexicon, speaker: Span) -> str:
    """``pronoun``, ``description`` (a title standing for someone) or ``name``."""
    if lex.classes.get(_key(speaker.text, lex.lang)) in _PRONOUNS:
        return "pronoun"
    if needs_resolving(lex, speaker) and description_title(
        lex, speaker.text, Span(speaker.text, 0, len(speaker.text))
    ):
        return "description"
    return "name"


def gather(
    text: str,
    r: _Raw,
    lex: _Lexicon,
    doc: _Doc,
    st: _State,
    rule: _Attr | None,
    pre: _Attr | None,
    post: _Attr | None,
    line_lo: int,
    prev_segment: tuple[int, int] | None,
) -> list[_Cand]:
    """The speaker candidates of a top-level quote, "nobody" first; a candidate found by
    several routes is one candidate with several sources."""
    cands: list[_Cand] = [_Cand(None, None, None, {"none"})]
    if rule is None or rule.speaker is None:
        cands[0].sources.add("rule")
    by_span: dict[tuple[int, int], _Cand] = {}

    def add(att: _Attr | None, source: str, position: str | None = None) -> None:
        if att is None or att.speaker is None:
            return
        sp = _someone(lex, att.speaker)
        if sp is None:
            return
        got = by_span.get((sp.start, sp.end))
        if got is None:
            got = _Cand(sp, att.cue, position or att.position)
            by_span[sp.start, sp.end] = got
            cands.append(got)
        got.sources.add(source)
        got.framed = got.framed or att.framed

    add(rule, "rule")
    if not any("rule" in c.sources for c in cands):
        cands[0].sources.add("rule")  # the rules' speaker is a thing (বিবৃতি): nobody
    add(pre, "pre")
    add(post, "post")
    for h in reversed(st.history):
        if h[2] is not None:
            add(_Attr(h[2], h[3], "previous", False), "prevq")
            break
    ps = prev_segment or doc.previous_sentence(r.open_pos, line_lo)
    if ps is not None:
        if ps not in st.previous:
            st.previous[ps] = _previous_attr(text, ps, st.history, lex)
        add(st.previous[ps], "prevs", "previous")
        if lex.lang == "bn":
            if ps not in st.leading:
                st.leading[ps] = _leading_subject(text, ps, lex)
            lead = st.leading[ps]
            if lead is not None:
                add(_Attr(lead, None, "previous", False), "lead")
    nl = text.find("\n")
    if 0 <= nl < 250 and r.open_pos < nl:
        add(_headline_attr(text, r, lex), "head")
    return cands


def describe(c: _Cand, st: _State, lex: _Lexicon, pos: int, line_lo: int) -> None:
    """Fill in what candidate *c* is: the kind of mention, whom it stands for, its case."""
    sp = c.speaker
    if sp is None:
        return
    c.who = who(lex, sp)
    if c.who != "name":
        key = (sp.start, sp.end)
        c.resolved = st.known[key] if key in st.known else st.resolve(sp, lex, pos, line_lo)
    words = _WORD_RE.findall(sp.text)
    c.words = len(words)
    last = words[-1] if words else ""
    c.oblique = bool(last) and (_has_strong_ending(lex, last) or _is_genitive(lex, last))
    c.org = bool(last) and _entity_class(lex, last) == "org_head"
    prev_para = st.text.rfind("\n", 0, max(0, line_lo - 1)) + 1 if line_lo else 0
    c.far = sp.start < prev_para
    if st.last_name is not None:
        mine = _WORD_RE.findall(c.resolved or sp.text)[-1:]
        theirs = _WORD_RE.findall(st.last_name)[-1:]
        c.same_as_last = bool(mine and theirs) and bool(
            set(_stems(lex, mine[0])) & set(_stems(lex, theirs[0]))
        )


def quote_features(
    text: str,
    r: _Raw,
    content: str,
    nwords: int,
    pre_lo: int,
    sent_hi: int,
    pre: _Attr | None,
    post: _Attr | None,
    is_title: bool,
    glued: bool,
    lex: _Lexicon,
    prev_close: int,
) -> dict[str, float]:
    """The quote's own features, shared by the kind model and the "nobody" candidate."""
    f: dict[str, float] = {}
    if prev_close >= 0 and not _WORD_RE.search(text, prev_close, r.open_pos):
        f["q_adjacent"] = 1  # “…” “…”: it goes on from the quote right before it
    f["q_w1" if nwords <= 1 else "q_w2" if nwords < 4 else "q_w4" if nwords < 8 else "q_w8"] = 1
    if nwords < 4:
        f["q_short"] = 1
    if _SENTENCE_END_RE.search(content):
        f["q_sentence"] = 1
    if content.rstrip()[-1:] in _TERMINATORS:
        f["q_term_end"] = 1
    if content.rstrip()[-1:] == ",":
        f["q_comma_end"] = 1
    if glued:
        f["q_glued"] = 1
    if is_title:
        f["q_title"] = 1
    if r.close_mark is None:
        f["q_unclosed"] = 1
    if pre is not None:
        f["q_pre_cue"] = 1
        if pre.framed:
            f["q_pre_framed"] = 1
        if pre.punct:
            f["q_pre_punct"] = 1
        if pre.speaker is not None:
            f["q_pre_speaker"] = 1
    if post is not None:
        f["q_post_cue"] = 1
        if post.framed:
            f["q_post_framed"] = 1
        if post.speaker is not None:
            f["q_post_speaker"] = 1
        if post.frame == "passive":
            f["q_post_passive"] = 1
    if pre is None and post is None:
        f["q_no_cue"] = 1
    lead = text[pre_lo : r.open_pos].rstrip()
    if lead[-1:] in (":", "-", "\u2013", "\u2014"):
        f["q_colon"] = 1
    elif _count_words(lead, 2) >= 2 and lead[-1:] not in ",;.\u0964\u2026":
        f["q_lead_words"] = 1  # the reporter's sentence began before the quote
    if r.close_mark is not None:
        close_end = r.close_pos + len(r.close_mark)
        tail = text[close_end:sent_hi]
        m = _WORD_RE.search(tail)
        if (
            m is not None
            and not tail[: m.start()].strip(" " + _LEAD_PUNCT)
            and lex.cue_re.match(tail, m.start()) is None
        ):
            f["q_tail_words"] = 1  # the sentence goes on after the quote, not with a cue
        if _MARK_RE.match(text, close_end + 1) or (
            close_end < len(text) and _is_word_char(text[close_end])
        ):
            f["q_glued_after"] = 1
    nl = text.find("\n")
    if 0 <= nl < 250 and r.open_pos < nl:
        f["q_headline"] = 1
    return f
