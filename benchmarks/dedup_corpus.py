"""The near-duplicate benchmark of ``eval_dedup.py``: known clusters built from the shared news.

Why generated and not stored: the articles belong to their newspapers (``<data>/README.md``), so
the repository keeps only this generator, the list of natural pairs it was checked against
(``gold/dedup-natural-pairs.tsv``: references, no text) and the frozen split
(``gold/dedup-split.tsv``); the documents are rebuilt from ``<data>/news/*.txt`` at evaluation
time, identically on every run (every random choice comes from a ``random.Random`` seeded with a
string, which Python hashes the same way on every platform and run).

What a benchmark holds, per split:

- every source article of the split once, as it is in the shared data;
- for about 70% of them, one to three *edited copies* (the kinds the issue lists, one kind per
  copy, drawn round-robin so that every kind gets about the same number of copies), and
  ``combined`` copies with one content edit plus two surface edits;
- the natural duplicates of the shared data (``repeat`` pairs: the same report republished with
  a new lead or headline) in one gold cluster, and the natural *hard negatives* (``same_event``
  and ``same_topic`` pairs: different articles about one event, Jaccard 0.10-0.56) in different
  clusters.

The split: articles linked by a natural pair (Jaccard >= 0.1) form one unit, so that an event's
reports never sit on both sides; each unit goes to ``dev`` or ``test`` by the first byte of
SHA-256 of ``SEED/file/article``. ``gold/dedup-split.tsv`` records the outcome and was committed
before any threshold or band was tried; :func:`check_split` verifies it against this procedure.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"
PAIRS_FILE = GOLD / "dedup-natural-pairs.tsv"
SPLIT_FILE = GOLD / "dedup-split.tsv"
SEED = "newskit-dedup-2026-12-08"
SPLITS = ("dev", "test")

#: Edits that change the words of a document (its shingles).
CONTENT_EDITS = (
    "headline_rewritten",
    "headline_dropped",
    "byline_added",
    "footer_appended",
    "lead_repeated",
    "tail_cut",
    "sentences_deleted",
    "paragraph_inserted",
)
#: Edits that change only the encoding or the spacing: normalization must undo them.
SURFACE_EDITS = ("whitespace_danda", "nfd", "nukta", "zwj_zwnj", "quotes")
EDITS = (*CONTENT_EDITS, *SURFACE_EDITS, "exact", "combined")
COPIES_WEIGHTS = {0: 30, 1: 30, 2: 25, 3: 15}  # how many edited copies a source gets, in %


@dataclass(frozen=True)
class Article:
    """One article of the shared news: its file, 1-based block number and text."""

    file: str
    number: int
    text: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.file, self.number)

    @property
    def lang(self) -> str:
        return self.file[:2]


@dataclass(frozen=True)
class NaturalPair:
    """A pair of shared-news articles read and labelled by hand (``gold/...-pairs.tsv``)."""

    a: tuple[str, int]
    b: tuple[str, int]
    jaccard: float
    verdict: str  # repeat | same_event | same_topic

    @property
    def duplicate(self) -> bool:
        return self.verdict == "repeat"


@dataclass
class Doc:
    """One benchmark document: its text, gold cluster, source article and how it was made."""

    text: str
    cluster: int
    source: tuple[str, int]
    edit: str  # "original", one of EDITS, or "combined:<content>+<surface>+<surface>"


@dataclass
class Benchmark:
    """The documents of one split, in their (shuffled) input order."""

    split: str
    docs: list[Doc] = field(default_factory=list)
    #: (doc, doc) index pairs of original articles that are natural hard negatives
    hard_negatives: list[tuple[int, int]] = field(default_factory=list)


# -- inputs ------------------------------------------------------------------------------------


def load_articles(data_dir: Path) -> list[Article]:
    """Every article of ``<data>/news/*.txt`` (blocks separated by a blank line)."""
    out = []
    for path in sorted((data_dir / "news").glob("*.txt")):
        blocks = [b for b in path.read_text("utf-8").split("\n\n") if b.strip()]
        out.extend(Article(path.name, i, b.strip("\n")) for i, b in enumerate(blocks, 1))
    return out


def load_pairs(path: Path = PAIRS_FILE) -> list[NaturalPair]:
    """The hand-labelled natural pairs."""
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("file_a\t"):
            continue
        fa, na, fb, nb, jac, verdict, _note = line.split("\t")
        pairs.append(NaturalPair((fa, int(na)), (fb, int(nb)), float(jac), verdict))
    return pairs


# -- the split -----------------------------------------------------------------------------------


def _units(articles: list[Article], pairs: list[NaturalPair]) -> dict[tuple[str, int], tuple]:
    """Article key -> its unit's representative (the smallest key linked to it by pairs)."""
    parent = {a.key: a.key for a in articles}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = find(p.a), find(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {k: find(k) for k in parent}


def make_split(articles: list[Article], pairs: list[NaturalPair]) -> dict[tuple[str, int], str]:
    """Article key -> ``dev`` or ``test``, by the procedure in the module docstring."""
    rep = _units(articles, pairs)
    out = {}
    for key, (file, number) in rep.items():
        digest = hashlib.sha256(f"{SEED}/{file}/{number}".encode()).digest()
        out[key] = SPLITS[digest[0] & 1]
    return out


def write_split(articles: list[Article], pairs: list[NaturalPair], path: Path = SPLIT_FILE) -> None:
    """Write the frozen split (run once, before tuning; kept in the repository)."""
    split = make_split(articles, pairs)
    lines = [
        f"# Frozen dev/test split of the shared news for eval_dedup (seed {SEED!r});",
        "# procedure: benchmarks/dedup_corpus.py make_split. Committed before any tuning.",
        "file\tarticle\tsplit",
    ]
    lines += [f"{f}\t{n}\t{s}" for (f, n), s in sorted(split.items())]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def load_split(path: Path = SPLIT_FILE) -> dict[tuple[str, int], str]:
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("file\t"):
            continue
        file, number, split = line.split("\t")
        out[(file, int(number))] = split
    return out


def check_split(articles: list[Article], pairs: list[NaturalPair]) -> bool:
    """Whether the frozen split is what the procedure gives on these articles."""
    return load_split() == make_split(articles, pairs)


# -- edits -----------------------------------------------------------------------------------------
# Each takes (text, lang, rng, ctx) and returns the edited text, or None where it does not apply.

_HEADLINE_MAX_WORDS = 25
_SENT_END_RE = re.compile(r"(?<=[।॥?!.])\s+")

BYLINES = {
    "hi": [
        "नई दिल्ली, {d} {m} (भाषा)",
        "नईदुनिया प्रतिनिधि, इंदौर।",
        "{city}, {d} {m} (एजेंसी)।",
        "स्रोत: समाचार एजेंसी आईएएनएस",
        "संवाददाता, {city}",
    ],
    "bn": [
        "নিজস্ব প্রতিবেদক, ঢাকা",
        "ঢাকা, {d} {m} (বাংলানিউজ টোয়েন্টিফোর ডটকম):",
        "স্টাফ রিপোর্টার, {city}",
        "সূত্র: বাসস",
        "{city} প্রতিনিধি",
    ],
}
CITIES = {"hi": ["भोपाल", "इंदौर", "लखनऊ", "पटना", "जयपुर"], "bn": ["ঢাকা", "চট্টগ্রাম", "সিলেট", "খুলনা"]}
MONTHS = {"hi": ["जून", "जुलाई", "मार्च", "दिसंबर"], "bn": ["জুন", "জুলাই", "মার্চ", "ডিসেম্বর"]}
FOOTERS = {
    "hi": [
        "(बीबीसी हिन्दी के एंड्रॉएड ऐप के लिए आप यहां क्लिक कर सकते हैं. आप हमें फ़ेसबुक और "
        "ट्विटर पर फ़ॉलो भी कर सकते हैं.)",
        "ये भी पढ़ें: ताज़ा ख़बरों के लिए हमारे साथ बने रहें।",
        "देश और दुनिया की ताजा खबरों के लिए हमें फेसबुक, ट्विटर और इंस्टाग्राम पर फॉलो करें।",
        "Disclaimer: यह खबर एजेंसी फीड से प्रकाशित की गई है।",
    ],
    "bn": [
        "বাংলাদেশ সময়: ১৬৪৫ ঘণ্টা, ডিসেম্বর ২৯, ২০২৫",
        "আরও পড়ুন: সর্বশেষ খবর পেতে আমাদের ফেসবুক পেজে লাইক দিন।",
        "সংবাদটি ভালো লাগলে শেয়ার করুন। এ সংক্রান্ত আরও খবর পড়তে ক্লিক করুন।",
        "এসএইচ/এমজে",
    ],
}
_NUKTA_PAIRS = [
    ("\u0958", "\u0915\u093c"),
    ("\u0959", "\u0916\u093c"),
    ("\u095a", "\u0917\u093c"),
    ("\u095b", "\u091c\u093c"),
    ("\u095c", "\u0921\u093c"),
    ("\u095d", "\u0922\u093c"),
    ("\u095e", "\u092b\u093c"),
    ("\u095f", "\u092f\u093c"),
    ("\u09dc", "\u09a1\u09bc"),
    ("\u09dd", "\u09a2\u09bc"),
    ("\u09df", "\u09af\u09bc"),
]


@dataclass
class _Ctx:
    """What edits may borrow from other articles of the same split and language."""

    headlines: dict[str, list[str]]
    bodies: dict[str, list[Article]]
    avoid: set[tuple[str, int]]  # articles related to this one: never borrow from them


def _parts(text: str) -> tuple[str | None, str]:
    """(headline or None, body): a first line of at most 25 words followed by more lines."""
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and len(first.split()) <= _HEADLINE_MAX_WORDS:
        return first, rest
    return None, text


def _join(headline: str | None, body: str) -> str:
    return body if headline is None else f"{headline}\n{body}"


def _sentences(body: str) -> list[tuple[int, int]]:
    """Sentence spans of *body* (newskit's splitter: the benchmark edits at real sentence ends)."""
    from newskit.segment import split_sentences

    return [(s.start, s.end) for s in split_sentences(body)]


def _words(text: str) -> int:
    return len(text.split())


def headline_rewritten(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """A new headline (another article's): replaces the headline, or is added above the text."""
    head, body = _parts(text)
    choices = [h for h in ctx.headlines[lang] if h != head]
    return _join(rng.choice(choices), body)


def headline_dropped(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    head, body = _parts(text)
    return None if head is None else body


def byline_added(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """A byline under the headline, or a source line at the end."""
    line = rng.choice(BYLINES[lang]).format(
        d=rng.randint(1, 28), m=rng.choice(MONTHS[lang]), city=rng.choice(CITIES[lang])
    )
    head, body = _parts(text)
    if rng.random() < 0.7:
        return _join(head, f"{line}\n{body}")
    return f"{text}\n{line}"


def footer_appended(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    return f"{text}\n{rng.choice(FOOTERS[lang])}"


def lead_repeated(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """The first one or two sentences of the body again, as a line of their own above it."""
    head, body = _parts(text)
    sents = _sentences(body)
    if len(sents) < 3:
        return None
    k = rng.choice((1, 2))
    lead = body[sents[0][0] : sents[k - 1][1]]
    return _join(head, f"{lead}\n{body}")


def tail_cut(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """The last 5-25% of the characters cut off, at a space (scrapers cut mid-sentence)."""
    frac = rng.uniform(0.05, 0.25)
    cut = text.rfind(" ", 0, int(len(text) * (1 - frac)))
    if cut <= 0:
        return None
    return text[:cut]


def sentences_deleted(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """5-20% of the body's sentences deleted (at least one; needs five or more sentences)."""
    head, body = _parts(text)
    sents = _sentences(body)
    k = round(len(sents) * rng.uniform(0.05, 0.20))
    if len(sents) < 5 or k < 1:
        return None
    gone = set(rng.sample(range(len(sents)), k))
    out, pos = [], 0
    for i, (a, b) in enumerate(sents):
        if i in gone:
            out.append(body[pos:a])
            pos = b
            while pos < len(body) and body[pos] == " ":  # the space after it goes too
                pos += 1
    out.append(body[pos:])
    return _join(head, "".join(out))


def paragraph_inserted(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """A paragraph of another article's sentences (5-20% of this one's words) inserted as a line."""
    head, body = _parts(text)
    want = max(8, int(_words(body) * rng.uniform(0.05, 0.20)))
    donors = [a for a in ctx.bodies[lang] if a.key not in ctx.avoid]
    donor_body = _parts(rng.choice(donors).text)[1]
    spans = _sentences(donor_body)
    start = rng.randrange(len(spans))
    para, n = [], 0
    for a, b in spans[start:]:
        para.append(donor_body[a:b])
        n += _words(donor_body[a:b])
        if n >= want:
            break
    paragraph = " ".join(para).replace("\n", " ")
    sents = _sentences(body)
    at = body.find("\n", sents[len(sents) // 2][1]) if len(sents) > 1 else -1
    if at < 0:  # one-line body: break it at a sentence end in the middle
        at = sents[len(sents) // 2][1] if len(sents) > 1 else len(body)
        rest = body[at:].lstrip(" ")
        new = f"{body[:at]}\n{paragraph}" + (f"\n{rest}" if rest else "")
    else:
        new = f"{body[:at]}\n{paragraph}{body[at:]}"
    return _join(head, new)


def whitespace_danda(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """Spaces doubled or made NBSP, CRLF line ends, a space before the danda, ``।`` as ``|``,
    BBC's full stop as ``।``, Bengali ``।`` as U+09F7."""
    out = []
    for ch in text:
        r = rng.random()
        if ch == " " and r < 0.08:
            out.append(rng.choice(("  ", "\u00a0", " \t")))
        elif ch == "\n" and r < 0.5:
            out.append(" \r\n")
        elif ch == "।" and r < 0.5:
            out.append(rng.choice((" ।", "|", " |", "৷" if lang == "bn" else ".")))
        elif ch == "." and lang == "hi" and r < 0.3:
            out.append("।")
        else:
            out.append(ch)
    new = "".join(out)
    return new if new != text else None


def nfd(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    new = unicodedata.normalize("NFD", text)
    return new if new != text else None


def nukta(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """Precomposed nukta letters decomposed, decomposed ones precomposed (each 70% of the time)."""
    new = text
    for pre, dec in _NUKTA_PAIRS:
        parts = new.split(pre)
        new = "".join(p + (dec if rng.random() < 0.7 else pre) for p in parts[:-1]) + parts[-1]
        parts = new.split(dec)
        new = "".join(p + (pre if rng.random() < 0.7 else dec) for p in parts[:-1]) + parts[-1]
    return new if new != text else None


_VIRAMA_RE = re.compile("[\u094d\u09cd]")
_LETTER_PAIR_RE = re.compile("(?<=[\u0915-\u0939\u0995-\u09b9])(?=[\u0915-\u0939\u0995-\u09b9])")


def zwj_zwnj(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """ZWJ or ZWNJ inserted after 30% of the viramas and between 2% of adjacent letters."""
    marks = [m.end() for m in _VIRAMA_RE.finditer(text) if rng.random() < 0.3]
    marks += [m.start() for m in _LETTER_PAIR_RE.finditer(text) if rng.random() < 0.02]
    if not marks:
        return None
    out, pos = [], 0
    for at in sorted(set(marks)):
        out.append(text[pos:at])
        out.append(rng.choice(("\u200d", "\u200c")))
        pos = at
    out.append(text[pos:])
    return "".join(out)


def quotes(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    """Curly quotes made straight and straight ones curly (by position: opening or closing)."""
    out = []
    for i, ch in enumerate(text):
        if ch in "“”":
            out.append('"')
        elif ch in "‘’":
            out.append("'")
        elif ch == '"':
            out.append("“" if i == 0 or text[i - 1].isspace() else "”")
        elif ch == "'":
            out.append("‘" if i == 0 or text[i - 1].isspace() else "’")
        else:
            out.append(ch)
    new = "".join(out)
    return new if new != text else None


def exact(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> str | None:
    return text


EDIT_FUNCS: dict[str, Callable[[str, str, random.Random, _Ctx], str | None]] = {
    f.__name__: f
    for f in (
        headline_rewritten,
        headline_dropped,
        byline_added,
        footer_appended,
        lead_repeated,
        tail_cut,
        sentences_deleted,
        paragraph_inserted,
        whitespace_danda,
        nfd,
        nukta,
        zwj_zwnj,
        quotes,
        exact,
    )
}


def _combined(text: str, lang: str, rng: random.Random, ctx: _Ctx) -> tuple[str, str] | None:
    """One content edit and two surface edits, in that order; (text, name) or None."""
    content = rng.choice(CONTENT_EDITS)
    new = EDIT_FUNCS[content](text, lang, rng, ctx)
    if new is None:
        return None
    names = [content]
    for surface in rng.sample(SURFACE_EDITS, len(SURFACE_EDITS)):
        edited = EDIT_FUNCS[surface](new, lang, rng, ctx)
        if edited is not None:
            new = edited
            names.append(surface)
            if len(names) == 3:
                break
    return new, "combined:" + "+".join(names)


def _edit(kind: str, art: Article, rng: random.Random, ctx: _Ctx) -> tuple[str, str] | None:
    if kind == "combined":
        return _combined(art.text, art.lang, rng, ctx)
    new = EDIT_FUNCS[kind](art.text, art.lang, rng, ctx)
    return None if new is None else (new, kind)


# -- the benchmark -------------------------------------------------------------------------------


def build(data_dir: Path, split: str) -> Benchmark:
    """The benchmark documents of *split* (``dev`` or ``test``), shuffled, with gold clusters."""
    articles = load_articles(data_dir)
    pairs = load_pairs()
    which = load_split()
    mine = [a for a in articles if which[a.key] == split]
    rng = random.Random(f"{SEED}/{split}")
    related: dict[tuple[str, int], set[tuple[str, int]]] = {a.key: {a.key} for a in mine}
    for p in pairs:
        if p.a in related:
            related[p.a].add(p.b)
            related[p.b].add(p.a)
    # gold clusters: one per article, natural repeats merged
    cluster_of = {a.key: i for i, a in enumerate(mine)}
    for p in pairs:
        if p.duplicate and p.a in cluster_of:
            old, new = cluster_of[p.b], cluster_of[p.a]
            for k, c in cluster_of.items():
                if c == old:
                    cluster_of[k] = new
    ctx = _Ctx(
        headlines={lang: [] for lang in ("hi", "bn")},
        bodies={lang: [] for lang in ("hi", "bn")},
        avoid=set(),
    )
    for a in mine:
        head, _ = _parts(a.text)
        if head is not None:
            ctx.headlines[a.lang].append(head)
        ctx.bodies[a.lang].append(a)
    docs = [Doc(a.text, cluster_of[a.key], a.key, "original") for a in mine]
    order = list(range(len(mine)))
    rng.shuffle(order)
    counts, weights = list(COPIES_WEIGHTS), list(COPIES_WEIGHTS.values())
    tie = list(EDITS)
    rng.shuffle(tie)
    made = dict.fromkeys(EDITS, 0)
    for i in order:
        art = mine[i]
        ctx.avoid = related[art.key]
        for _ in range(rng.choices(counts, weights)[0]):
            # the kind with the fewest copies so far that applies to this article (balance)
            for kind in sorted(EDITS, key=lambda k: (made[k], tie.index(k))):
                result = _edit(kind, art, rng, ctx)
                if result is not None:
                    made[kind] += 1
                    docs.append(Doc(result[0], cluster_of[art.key], art.key, result[1]))
                    break
    perm = list(range(len(docs)))
    rng.shuffle(perm)
    bench = Benchmark(split, [docs[j] for j in perm])
    position = {j: k for k, j in enumerate(perm)}
    original = {mine[i].key: position[i] for i in range(len(mine))}
    for p in pairs:
        if not p.duplicate and p.a in original:
            bench.hard_negatives.append((original[p.a], original[p.b]))
    return bench
