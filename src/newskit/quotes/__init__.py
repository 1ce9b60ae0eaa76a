"""Quotation extraction with speaker and reporting cue for Hindi and Bengali news.

Why rules and not a model: no quotation tool exists for these languages (textacy, CoreNLP, citron
are English-bound) and news frames are few and regular (see the team notes on quote conventions):
Hindi puts the speaker before ``ने`` (``X ने कहा कि “…”``), Bengali before a finite verb
(``X বলেন, ‘…’``) or after it (``‘…’ বলেন তিনি``). The cue lexicons and the word classes used to
delimit a speaker live in ``data/<lang>/cues.tsv`` and ``data/<lang>/quote_words.tsv``.

Two passes per document:

1. *Pairing* (per paragraph = line): marks are paired by type and direction; a ``’`` between two
   letters is an apostrophe (``দু’টি``) unless a ``‘`` is open and no later ``’`` could close it
   (``…নীতির’সহ``). Straight marks take their direction from their neighbours, else alternate;
   ``"`` and ``''`` close each other (BBC Hindi mixes them). An unclosed quote ends at the end of
   its paragraph (``closed=False``) unless the next paragraph opens with the same mark
   (``continued=True``), or, for a straight double mark, where a new one opens after
   ``বলেন, `` (scraped text that lost a closing mark); it never swallows later paragraphs and
   never raises. Stray closing marks are ignored; nesting is capped at eight levels.
2. *Attribution* (per quote, on its sentence from :func:`newskit.segment.split_sentences`): the
   nearest cue before the quote, else after it, else a signature line (``'…'- नाम, पद``), else
   the previous sentence's quote or cue. ``kind`` follows from the frame: ``speech`` when the
   quote is introduced by its cue (``X ने कहा, “…”``) or followed by it (``“…”, X ने कहा``),
   ``partial`` when it is a fragment of a sentence with a cue, ``term`` for titles, names and
   quotes with no cue around them.

Offsets always refer to the raw text: cues are matched with patterns that accept both the
precomposed and decomposed form of every nukta letter and vowel sign (and, for Hindi, a missing
nukta), so the text is never normalized and ``raw[q.start:q.end] == q.text`` holds for every quote.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from newskit._data import data_text
from newskit.quotes._frames import (
    _Attr,
    _attribute_post,
    _attribute_pre,
    _byline,
    _ends_clause,
    _ends_with_terminator,
    _headline_attr,
    _leading_subject,
    _previous_attr,
    _resolve_by_cues,
    _subject_forward,
    _word_next_to,
)
from newskit.quotes._lexicon import _class, _entity_class, _is_title_word, _Lexicon, _lexicon
from newskit.quotes._pairing import _pair, _Raw
from newskit.quotes._records import KINDS, Quote, Span
from newskit.quotes._resolve import _Entities, description_title, pronoun_number
from newskit.quotes._text import (
    _LEAD_PUNCT,
    _MARK_RE,  # (also the marks stats' fast path checks)
    _PRONOUNS,
    _SENTENCE_END_RE,
    _TERMINATOR_RE,
    _WORD_RE,
    _count_words,
    _Doc,
    _is_word_char,
    _key,
    _lang,
    _last_sentence_end,
)

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from newskit.segment import Sentence


__all__ = ["KINDS", "Quote", "Span", "extract_quotes"]


def extract_quotes(text: str, *, sentences: Sequence[Sentence] | None = None) -> list[Quote]:
    """All quotations in one document (paragraphs are lines), with speaker and cue when found.

    *sentences*: ``split_sentences(text)`` when the caller has it already (corpus statistics
    split every document anyway), so that paragraphs with quotes are not split again. It
    must be exactly that list; the result is the same with or without it.
    """
    raws = _pair(text)
    if not raws:
        return []
    doc = _Doc(text, sentences)
    out: list[Quote] = []
    last_named: tuple[str, int] | None = None  # the latest non-pronoun speaker and its offset
    ents: _Entities | None = None  # the article's people and organisations, built when needed
    said: list[tuple[int, str]] = []  # (offset, name) of the speakers so far, resolved
    # speaker/cue of top-level quotes by opening offset, for "previous sentence" inheritance
    history: list[tuple[int, int, Span | None, Span | None]] = []
    tops = [r for r in raws if r.depth == 1]
    top_index = {id(r): i for i, r in enumerate(tops)}
    for r in raws:
        content = text[r.start : r.end]
        nwords = _count_words(content, 8)
        line_lo, line_hi, lang = doc.paragraph(r.open_pos)
        kind = "term"
        attr: _Attr | None = None
        basis = "term:no-cue"
        if r.depth > 1 or lang is None:
            kind = "term" if nwords < 5 else "partial"
            basis = f"{kind}:nested" if r.depth > 1 else f"{kind}:no-language"
        else:
            lex = _lexicon(lang)
            i = top_index[id(r)]
            prev_close = tops[i - 1].close_pos + len(tops[i - 1].close_mark or "") if i else -1
            next_open = tops[i + 1].open_pos if i + 1 < len(tops) else len(text)
            s_open = doc.sentence_at(r.open_pos, line_lo, line_hi)
            sent_lo = s_open[0] if s_open else line_lo
            pre_lo = max(sent_lo, prev_close, line_lo)
            # the splitter may keep a glued mark in the sentence before ("चाहिए."मुख्य…): the
            # text before the quote starts after the last sentence end before its mark
            cut = _last_sentence_end(text, pre_lo, r.open_pos)
            prev_segment = (pre_lo, cut) if cut is not None else None
            if cut is not None:
                pre_lo = cut
            post_attr = None
            sent_hi = r.para_end
            if r.close_mark is not None:
                close_end = r.close_pos + len(r.close_mark or "")
                s_close = doc.sentence_at(r.close_pos, r.para_start, r.para_end)
                sent_hi = s_close[1] if s_close else r.para_end
                if s_close and s_close[0] == r.close_pos and r.close_pos > sent_lo:
                    sent_hi = close_end  # the splitter put the closing mark into the next sentence
                sent_hi = min(sent_hi, next_open)
                tail = text[close_end:sent_hi].lstrip()
                ends_sentence = (
                    bool(_TERMINATOR_RE.search(content[-2:]))
                    and content.rstrip()[-1:] in ".\u0964\u0965"
                )
                if not (ends_sentence and tail[:1] not in tuple(_LEAD_PUNCT)):
                    post_attr = _attribute_post(text, close_end, sent_hi, pre_lo, r.open_pos, lex)
            pre_attr = _attribute_pre(text, pre_lo, r.open_pos, lex)
            title_before = _word_next_to(text, pre_lo, r.open_pos, True)
            title_after = (
                _word_next_to(text, r.close_pos + len(r.close_mark), sent_hi, False)
                if r.close_mark and not _ends_with_terminator(content)
                else None
            )
            after_close = r.close_pos + len(r.close_mark or "")
            glued = (
                r.close_mark is not None
                and not _ends_with_terminator(content)  # "…मजाक है."बीबीसी: a joined paragraph
                and (
                    _is_word_char(text[after_close : after_close + 1] or " ")
                    or text[after_close : after_close + 2][:1] == "-"
                )
            )
            short = nwords < 4
            last_word = _WORD_RE.findall(content[-40:])[-1:] or [None]
            is_title = (
                _is_title_word(lex, title_before)
                or (  # '… सेवा अभियान', but not বলেন, এটি ছিল একটি "যৌথ অভিযান" (a cue)
                    nwords < 6
                    and _is_title_word(lex, last_word[0])
                    and pre_attr is None
                    and post_attr is None
                )
                or _is_title_word(lex, title_after)
                or (short and _class(lex, title_after) in ("postp", "gen"))
                or (  # ‘…’ হিসেবে খতিয়ানভুক্ত, but ‘…’ হিসেবে অভিহিত করেন is someone's words
                    nwords < 8 and _class(lex, title_after) == "as_marker" and post_attr is None
                )
                or (glued and nwords < 8 and not (pre_attr is not None and pre_attr.punct))
                or (  # 'बैक बेंचर' कहा जाता है: a label, not someone's words
                    short and post_attr is not None and post_attr.frame == "passive"
                )
                or (
                    pre_attr is None
                    and post_attr is None
                    and (
                        (nwords < 6 and _genitive_name(lex, text, pre_lo, r.open_pos))  # আলীমের ‘…’
                        or (nwords < 8 and _in_list(text, r, tops, i, lex))  # ‘A’, ‘B’ ও ‘C’
                    )
                )
            )  # ‘…’-এর, '…' में: a quote used as a noun
            if is_title:
                kind, basis = "term", "term:title"
            elif pre_attr is not None and pre_attr.framed and _ends_clause(text, r, sent_hi, lex):
                attr, kind, basis = pre_attr, "speech", "speech:frame-before"
                if short and not _TERMINATOR_RE.search(content) and not pre_attr.punct:
                    # পুলিশ বলছে ‘পটকা’: a fragment, not a sentence
                    kind, basis = "partial", "partial:frame-before"
            elif (
                post_attr is not None
                and post_attr.framed
                and post_attr.speaker is not None
                and (nwords >= 3 or _SENTENCE_END_RE.search(content))
            ):  # 'खुशी', महिलाएं बोलीं: a one-word quote before a cue is not a statement
                attr, kind, basis = post_attr, "speech", "speech:frame-after"
                lead = text[pre_lo : r.open_pos].rstrip()
                if (
                    _count_words(lead, 2) >= 2
                    and lead[-1:] not in ",:;\u2013\u2014-.\u0964\u2026"
                    and not _SENTENCE_END_RE.search(content)
                    and pre_attr is None
                ):  # … ঘটনায় জড়িত 'কেউ গ্রেফতার হয় নি', জানাল X: the reporter's sentence
                    # began before the quote, which is only a part of it
                    kind, basis = "partial", "partial:cue-after"
            elif pre_attr is not None and pre_attr.speaker is not None:
                attr, kind, basis = pre_attr, "partial", "partial:cue-before"
                if text[pre_lo : r.open_pos].rstrip()[-1:] in ":-\u2013\u2014" and (
                    nwords >= 6 or _SENTENCE_END_RE.search(content)
                ):  # X कहते हैं कि ये फैन्टसी है- “…”: a colon or dash introduces speech
                    kind, basis = "speech", "speech:cue-colon"
                elif pre_attr.framed and pre_attr.punct and _SENTENCE_END_RE.search(content):
                    # X বলেন, “…হবে। … চায়,” তিনি আরও বলেন: sentences, though the reporter's
                    # sentence goes on after them
                    kind, basis = "speech", "speech:frame-before"
            elif (
                post_attr is not None
                and post_attr.speaker is not None
                and (lang == "bn" or nwords >= 4 or post_attr.position == "before")
            ):  # Hindi puts the speaker first: after a short quote only its ने-subject counts
                attr, kind, basis = post_attr, "partial", "partial:cue-after"
                if (
                    content.rstrip()[-1:] == ","
                    and nwords >= 6
                    and not text[pre_lo : r.open_pos].strip()
                ):  # "আমরা … গুরুত্ব দেই," টেলিগ্রামে … তিনি বলেছেন: a whole sentence, its
                    # attribution after it
                    kind, basis = "speech", "speech:cue-after"
            elif (
                lang == "bn"
                and post_attr is not None
                and post_attr.speaker is None
                and post_attr.frame == "direct"
                and _subject_forward(text, pre_lo, r.open_pos, lex) is None
                and (ps0 := prev_segment or doc.previous_sentence(r.open_pos, line_lo)) is not None
                and (lead_sub := _leading_subject(text, ps0, lex)) is not None
            ):  # ইউরোপীয় কমিশন … জরিমানা করেছে। … ‘প্রতারণামূলক’ বলে উল্লেখ করেছে: the
                # subject left out is the one that began the sentence before
                attr = _Attr(lead_sub, post_attr.cue, "previous", False, frame="direct")
                kind = "speech" if _SENTENCE_END_RE.search(content) else "partial"
                basis = f"{kind}:previous"
            elif (byline := _byline(text, r)) is not None:
                attr, kind, basis = byline, "speech", "speech:byline"
            elif (head := _headline_attr(text, r, lex)) is not None:
                long = _count_words(content, 4) >= 4 or bool(_SENTENCE_END_RE.search(content))
                kind = "speech" if long else "partial"
                attr, basis = head, f"{kind}:headline"
            else:
                prev = None
                inside = False  # reporter's words between this quote and an earlier one
                for h in reversed(history):  # an earlier quote of the same sentence
                    if h[0] < sent_lo:
                        break
                    if h[2] is not None:
                        prev = _Attr(h[2], h[3], "previous", False)
                        inside = bool(_WORD_RE.search(text, h[1] + 1, r.open_pos))
                        break
                if prev is None:
                    ps = prev_segment or doc.previous_sentence(r.open_pos, line_lo)
                    if ps is not None:
                        prev = _previous_attr(text, ps, history, lex)
                    if (
                        prev is None
                        and ps is not None
                        and not _MARK_RE.search(text, *ps)
                        and _SENTENCE_END_RE.search(content)
                    ):  # ট্রাম্প বলেছেন, …। ওই অঞ্চলের … করে। "…।": one plain sentence between
                        ps2 = doc.previous_sentence(ps[0], text.rfind("\n", 0, ps[0]) + 1)
                        if ps2 is not None:
                            prev = _previous_attr(text, ps2, history, lex)
                long = _count_words(content, 6) >= 6 or bool(_SENTENCE_END_RE.search(content))
                if prev is not None and (long or nwords > 1):
                    # a one-word quote with no cue in its sentence is a name or label
                    attr = prev
                    kind = "speech" if long and not inside else "partial"
                    basis = f"{kind}:previous"
                elif long:
                    kind, basis = "speech", "speech:no-cue"
                    attr = pre_attr or post_attr
                else:
                    kind, basis = "term", "term:no-cue"
            if (
                attr is not None
                and attr.speaker is None
                and attr.frame == "passive"
                and attr.cue is not None
                and _goes_on(lex, text, pre_lo, attr.cue.start)
            ):  # পোস্টে আরও উল্লেখ করা হয়, ‘…’: the same source goes on
                for h in reversed(history):
                    if h[2] is not None:
                        attr = _Attr(h[2], attr.cue, "previous", False, frame="passive")
                        break
            history.append(
                (r.open_pos, r.end, attr.speaker if attr else None, attr.cue if attr else None)
            )
        speaker = attr.speaker if attr else None
        resolved = None
        if speaker is not None and lang is not None:
            lex = _lexicon(lang)
            named = not _needs_resolving(lex, speaker)
            if not named and (ents is None or ents.lex.lang != lang):
                ents = _Entities(text, [(q.open_pos, q.end) for q in raws], lex)
                for h in history:  # the named speakers of the quotes before
                    sp = h[2]
                    if (
                        sp is not None
                        and _lang(text, sp.start, sp.end) == lang
                        and not _needs_resolving(lex, sp)
                    ):
                        ents.add_named(sp)
            if ents is not None and ents.lex.lang == lang:
                if named:
                    ents.add_named(speaker)
                else:
                    resolved = _resolve_speaker(ents, speaker, said, lex)
            if resolved is None and lex.classes.get(_key(speaker.text, lang)) in _PRONOUNS:
                resolved = _resolve_by_cues(doc, r.open_pos, line_lo, lex, last_named)
            if lex.classes.get(_key(speaker.text, lang)) not in _PRONOUNS:
                last_named = (speaker.text, speaker.start)
            said.append((speaker.start, resolved or speaker.text))
        basis = _basis(basis, speaker, resolved, r.close_mark is None, lang)
        out.append(
            Quote(
                text=content,
                start=r.start,
                end=r.end,
                open_mark=r.open_mark,
                close_mark=r.close_mark,
                closed=r.close_mark is not None,
                continued=r.continued,
                kind=kind,
                speaker=speaker,
                cue=attr.cue if attr else None,
                speaker_position=attr.position if attr and speaker else None,
                resolved=resolved,
                confidence=_confidence(basis),
                line=r.line,
                basis=basis,
            )
        )
    return out


def _needs_resolving(lex: _Lexicon, speaker: Span) -> bool:
    """Is the speaker a pronoun or a description (the resolver's work), not a name?"""
    if lex.classes.get(_key(speaker.text, lex.lang)) in _PRONOUNS:
        return True
    last = _WORD_RE.findall(speaker.text)[-1:]
    return bool(last) and _entity_class(lex, last[0]) == "person_title"


def _resolve_speaker(
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


def _genitive_name(lex: _Lexicon, text: str, lo: int, open_pos: int) -> bool:
    """Does a genitive name stand right before the quote (``এম আবদুল আলীমের ‘…’``, an
    author's work), not a genitive pronoun (``তাদের 'গভীর সহানুভূতি'``)?"""
    words = _WORD_RE.findall(text[max(lo, open_pos - 40) : open_pos])
    if not words or text[lo:open_pos].rstrip()[-1:] in ",:":
        return False
    word = words[-1]
    if lex.lang != "bn" or lex.classes.get(_key(word, "bn")) is not None:
        return False
    key = _key(word, "bn")
    genitive = key.endswith(("\u09c7\u09b0", "\u098f\u09b0")) or (
        key.endswith("\u09b0") and len(key) > 2 and key[-2] in _BN_VOWEL_SIGNS  # বিউটির
    )
    return genitive and not text[lo:open_pos].rstrip().endswith(("\u2019", "'"))


_BN_VOWEL_SIGNS = "\u09be\u09bf\u09c0\u09c1\u09c2\u09c7\u09cb"


def _in_list(text: str, r: _Raw, tops: list[_Raw], i: int, lex: _Lexicon) -> bool:
    """Is the quote one of a list of quoted items (``‘A’, ‘B’ ও ‘C’``)?"""

    def joined(a: _Raw, b: _Raw) -> bool:
        gap = text[a.close_pos + len(a.close_mark or "") : b.open_pos]
        words = _WORD_RE.findall(gap)
        return len(gap) < 12 and (
            (not words and "," in gap)
            or (len(words) == 1 and lex.classes.get(_key(words[0], lex.lang)) == "stop")
        )

    return (i > 0 and joined(tops[i - 1], r)) or (i + 1 < len(tops) and joined(r, tops[i + 1]))


def _goes_on(lex: _Lexicon, text: str, lo: int, hi: int) -> bool:
    """Does an adverb of continuation (``আরও``, ``आगे``) stand before the cue?"""
    return any(unicodedata.normalize("NFC", w) in _GOES_ON for w in _WORD_RE.findall(text[lo:hi]))


_GOES_ON = frozenset({"\u0986\u09b0\u0993", "\u0986\u09b0\u09cb", "\u0906\u0917\u0947"})
# আরও, আরো, आगे


def _basis(
    decision: str, speaker: Span | None, resolved: str | None, unclosed: bool, lang: str | None
) -> str:
    """How a record was attributed: the decision, the kind of speaker found, and whether the
    quote was closed (``speech:frame-before/pronoun``, ``term:title``, …). Calibration groups
    the records of the development gold by it (``data/quote_confidence.tsv``)."""
    if speaker is None:
        who = "none"
    elif lang is None:
        who = "name"
    else:
        lex = _lexicon(lang)
        if lex.classes.get(_key(speaker.text, lang)) in _PRONOUNS:
            who = "pronoun" if resolved else "pronoun-unresolved"
        elif _needs_resolving(lex, speaker) and description_title(
            lex, speaker.text, Span(speaker.text, 0, len(speaker.text))
        ):
            who = "description" if resolved else "description-unresolved"
        else:
            who = "name"
    return f"{decision}/{who}" + ("/unclosed" if unclosed else "")


def _confidence(basis: str) -> float:
    """The share of records with this basis that were right (span, speaker and kind) on the
    development gold, from the most specific basis with enough records; see
    ``data/quote_confidence.tsv`` and ``benchmarks/eval_quotes.py --calibrate``."""
    table = _confidence_table()
    parts = basis.split("/")
    for n in range(len(parts), 0, -1):
        got = table.get("/".join(parts[:n]))
        if got is not None:
            return got
    return table.get("*", 0.5)


@lru_cache(maxsize=1)
def _confidence_table() -> dict[str, float]:
    out: dict[str, float] = {}
    for line in data_text("quote_confidence.tsv").splitlines():
        if not line.strip() or line.startswith(("#", "basis\t")):
            continue
        cols = line.split("\t")
        out[cols[0]] = float(cols[-1])
    return out
