"""A learned ranking of speaker candidates, a learned kind, and a calibrated confidence.

Why learned on top of the rules: the frame rules find good candidates (the subject of the cue
before or after the quote, the speaker of the quote before, the subject of the sentence
before, a headline's restatement in the body), but which one is the speaker depends on many
small signals whose weights hand-tuning overfits (phase 1 of issue 17: dev 0.92-0.98, blind
test 0.65). So every candidate the rules can find is kept, described by a handful of
interpretable features (the routes that found it, whether it is a pronoun and was resolved,
…), and a conditional logit model scores them; "nobody" is a candidate too, so no speaker
(and a low confidence) stays a possible answer. The kind (speech/partial/term) is a
multinomial logit over the rules' decision and the quote's surface. The weights are small
TSV files in ``data/`` written by ``benchmarks/train_quotes.py`` from the development gold;
nothing here trains or needs NumPy.

Measured once against the rules on a blind test the models could choose, but did not do
better (``DECIDE``); they score the rules' choices, and their probabilities feed the
confidence model (``confidence_features``), which is what they are shipped for.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from functools import lru_cache

from newskit._data import data_text
from newskit.quotes._records import Span

KINDS3 = ("speech", "partial", "term")


@dataclass
class _Cand:
    """One possible speaker of a quote (``speaker`` None: nobody)."""

    speaker: Span | None
    cue: Span | None
    position: str | None
    sources: set[str] = field(default_factory=set)
    framed: bool = False  # its cue introduces the quote with only links/punctuation between
    who: str = "none"  # name, pronoun, description (title without a name), none
    resolved: str | None = None
    oblique: bool = False  # a genitive or another case ending on its last word
    words: int = 0
    far: bool = False  # more than a paragraph before the quote
    same_as_last: bool = False  # the same entity as the previous quote's speaker
    org: bool = False  # an organisation's head noun ends it (বিএনপি, मंत्रालय)


def speaker_features(c: _Cand, quote: dict[str, float]) -> dict[str, float]:
    """The features of candidate *c* of a quote whose own features are *quote*."""
    if c.speaker is None:
        f = {"none": 1.0}
        if "rule" in c.sources:
            f["none_rule"] = 1.0
        for k in ("q_short", "q_sentence", "q_no_cue", "q_headline", "q_adjacent", "q_pre_framed"):
            if quote.get(k):
                f["none_" + k] = 1.0
        return f
    f = {f"src_{s}": 1.0 for s in c.sources}
    for s in c.sources:  # a source's worth depends on whether the quote's sentence has a cue
        if quote.get("q_no_cue"):
            f[f"src_{s}&no_cue"] = 1.0
        if quote.get("q_short"):
            f[f"src_{s}&short"] = 1.0
        if quote.get("q_adjacent"):
            f[f"src_{s}&adjacent"] = 1.0
        if quote.get("q_pre_framed") and s not in ("pre", "rule"):
            f[f"src_{s}&own_frame"] = 1.0  # the quote has a frame of its own before it
    routes = len(c.sources - {"rule"})  # (the rules' own choice is not a route of its own)
    f["n_sources"] = min(routes, 4) / 2
    if c.framed:
        f["framed"] = 1.0
    f["who_" + c.who] = 1.0
    if c.who in ("pronoun", "description") and c.resolved is None:
        f["unresolved"] = 1.0
    if c.oblique:
        f["oblique"] = 1.0
    if c.words >= 5:
        f["long_phrase"] = 1.0
    if c.far:
        f["far"] = 1.0
    if c.same_as_last:
        f["same_as_last"] = 1.0
    if c.org:
        f["org"] = 1.0
    return f


def kind_features(q: dict[str, float], decision: str, rule_kind: str) -> dict[str, float]:
    """The kind model's features: the rules' decision and kind, and the quote's surface."""
    f = dict(q)
    f["bias"] = 1.0
    f["rule_" + rule_kind] = 1.0
    f["basis_" + decision.split(":", 1)[-1]] = 1.0
    return f


@dataclass(frozen=True)
class Models:
    """Weights of the speaker ranker, the kind model and the confidence model.

    *decide*: whether the ranker and the kind model make the choices, or only score the
    rules' choices (their probabilities are features of the confidence).
    """

    speaker: dict[str, float]
    kind: dict[str, dict[str, float]]  # feature -> kind -> weight
    confidence: dict[str, float]
    decide: bool = False


#: Whether the shipped models choose the speaker and the kind (True) or only score the rules'
#: choices for the confidence (False). Compared once on the second blind test
#: (benchmarks/gold/README.md, section 11): the ranker was not better than the rules (speaker
#: micro +0.012 from one article, macro -0.007; kind -0.008 micro, -0.013 macro; more invented
#: speakers), so the rules decide and the models measure how sure each choice is.
DECIDE = False


def confidence_features(
    chosen: _Cand, kind: str, pk: float | None, ps: float | None, unclosed: bool
) -> dict[str, float]:
    """What the confidence of a record depends on: how sure the two models were (as logits),
    what kind of speaker was chosen (an unresolved pronoun is rarely right), the kind."""
    f = {"bias": 1.0, "kind_" + kind: 1.0}
    if pk is not None:
        f["logit_kind"] = _logit(pk)
    if ps is not None and kind != "term":
        f["logit_speaker"] = _logit(ps)
    if kind != "term":
        who = chosen.who
        if who in ("pronoun", "description") and chosen.resolved is None:
            who += "-unresolved"
        f["who_" + who] = 1.0
    if unclosed:
        f["unclosed"] = 1.0
    return f


def confidence(models: Models | None, feats: dict[str, float]) -> float:
    """The probability that the record is right (span, speaker and kind), two decimals."""
    if models is None or not models.confidence:
        return 0.5
    z = score(models.confidence, feats)
    return round(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))), 2)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def score(weights: dict[str, float], feats: dict[str, float]) -> float:
    return sum(weights.get(k, 0.0) * v for k, v in feats.items())


def softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def kind_probs(models: Models, feats: dict[str, float]) -> dict[str, float]:
    scores = [0.0, 0.0, 0.0]
    for k, v in feats.items():
        w = models.kind.get(k)
        if w is not None:
            scores[0] += w.get("speech", 0.0) * v
            scores[1] += w.get("partial", 0.0) * v
            scores[2] += w.get("term", 0.0) * v
    return dict(zip(KINDS3, softmax(scores), strict=True))


@lru_cache(maxsize=1)
def default_models() -> Models | None:
    """The shipped models (``data/quote_speaker.tsv``, ``quote_kind.tsv``,
    ``quote_confidence.tsv``), or None when the speaker table is missing (the rules' own
    choices, confidence 0.5)."""
    try:
        speaker_rows = _rows("quote_speaker.tsv")
    except FileNotFoundError:
        return None
    speaker = {r[0]: float(r[1]) for r in speaker_rows}
    kind: dict[str, dict[str, float]] = {}
    with contextlib.suppress(FileNotFoundError):
        for r in _rows("quote_kind.tsv"):
            kind[r[0]] = {k: float(v) for k, v in zip(KINDS3, r[1:4], strict=True)}
    conf: dict[str, float] = {}
    with contextlib.suppress(FileNotFoundError):
        conf = {r[0]: float(r[1]) for r in _rows("quote_confidence.tsv")}
    return Models(speaker, kind, conf, DECIDE)


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in data_text(name).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            float(cols[1])
        except (IndexError, ValueError):
            continue  # a header row
        out.append(cols)
    return out
