#!/usr/bin/env python3
"""Rebuild the data files of ``newskit repair`` from the shared news and Python's own docs.

    python tools/build_repair_data.py --data ../shared/data

Writes ``src/newskit/data/legacy/lexicon-{hi,bn}.tsv`` (word counts for lossy mojibake) and
``src/newskit/data/legacy/detector.tsv`` (the character trigram model that tells legacy-font
text from Latin text). Only the *training* articles are read: the held-out ones
(``benchmarks/eval_repair.py:heldout_article``) and every sentence of ``<data>/repair/`` are
left out, so that the evaluation's held-out figures stay blind.

Training text per class:
- ``bijoy``, ``krutidev``, ``chanakya``: news sentences without Latin letters, encoded with
  newskit's own encoders (:meth:`Codec.encode`), a share of them with the glyph variants of
  other fonts of the family, so that the model does not learn one encoder's habits;
- ``latin``: English prose and code from Python's ``pydoc_data`` topics (shipped with
  CPython), the Latin-letter runs of the news, URLs and e-mail addresses, numbers and dates,
  and the news sentences romanized by a small rule-based romanizer written here.
"""

from __future__ import annotations

import argparse
import collections
import math
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_repair import heldout_article, news_articles, read_rows  # noqa: E402

from newskit.rescue._detect import CLASSES, grams  # noqa: E402
from newskit.rescue._legacy import LEGACY, codec  # noqa: E402

OUT = ROOT / "src" / "newskit" / "data" / "legacy"
_AMBIGUOUS = set("ँऍएऐझुॏॐ्ঁএঐঝু্") | {"\u095d", "\u09dd"}
_SENTENCE_END = re.compile(r"(?<=[।.?!])\s+")
_LATIN = re.compile(r"[A-Za-z]")


def training_sentences(data_dir: Path) -> dict[str, list[str]]:
    """NFC sentences of the training articles per language, minus the repair/ sentences."""
    excluded: set[str] = set()
    for path in (data_dir / "repair").glob("*.tsv"):
        for row in read_rows(path):
            excluded.update(unicodedata.normalize("NFC", c) for c in row[1:2])
    out: dict[str, list[str]] = {"hi": [], "bn": []}
    for path in sorted((data_dir / "news").glob("*.txt")):
        lang = path.name[:2]
        for number, article in enumerate(news_articles(path)):
            if heldout_article(path.name, number):
                continue
            for line in article.split("\n"):
                for s in _SENTENCE_END.split(line.strip()):
                    s = unicodedata.normalize("NFC", s.strip())
                    if s and s not in excluded:
                        out[lang].append(s)
    return out


def write_lexicon(sentences: dict[str, list[str]]) -> None:
    """Words seen twice or more that contain a letter a lost Windows-1252 byte can hide."""
    for lang, sents in sentences.items():
        counts: collections.Counter[str] = collections.Counter()
        for s in sents:
            for w in s.split():
                w = w.strip(".,;:!?।॥()[]{}\"'‘’“”-–—")
                if w and _AMBIGUOUS.intersection(w):
                    counts[w] += 1
        rows = sorted((w, n) for w, n in counts.items() if n >= 2)
        header = (
            f"# Word counts of the {lang} training articles of the newskit shared news\n"
            "# (sources and licences: ../shared/data/README.md; MIT / CC0 as declared), kept when\n"
            "# seen twice and containing a letter whose UTF-8 ends in a byte Windows-1252 leaves\n"
            "# undefined. Made by tools/build_repair_data.py; used to rebuild lossy mojibake.\n"
        )
        body = "".join(f"{w}\t{n}\n" for w, n in rows)
        (OUT / f"lexicon-{lang}.tsv").write_text(header + body, encoding="utf-8")
        print(f"lexicon-{lang}.tsv: {len(rows)} words", file=sys.stderr)


# -- Latin-letter training text -------------------------------------------------------------
def _pairs(chars: str, romans: str) -> dict[str, str]:
    return dict(zip(chars, romans.split(" "), strict=True))


_ROMAN = {
    **_pairs("अआइईउऊऋएऐओऔ", "a aa i ii u uu ri e ai o au"),
    **_pairs("ািীুূৃেৈোৌ", "a i ii u uu ri e oi o ou"),
    **_pairs("ािीुूृेैोौ", "aa i ii u uu ri e ai o au"),
    **_pairs("অআইঈউঊঋএঐওঔ", "o a i ii u uu ri e oi o ou"),
}
_CONS = "k kh g gh ng ch chh j jh ny t th d dh n t th d dh n p ph b bh m y r l l l sh sh s h"
for base in (0x0915, 0x0995):
    for i, r in enumerate(_CONS.split(" ")):
        _ROMAN.setdefault(chr(base + i), r + "\u0001")
_ROMAN.update({"ं": "n", "ँ": "n", "ः": "h", "ং": "ng", "ঁ": "n", "ঃ": "h", "ৎ": "t"})
_ROMAN.update({"्": "\u0002", "্": "\u0002", "़": "", "়": "", "।": ".", "॥": "."})
_ROMAN.update({"য়": "y", "ড়": "r", "ঢ়": "rh", "ड़": "r", "ढ़": "rh"})


def romanize(text: str, rng: random.Random) -> str:
    """A casual romanization (ITRANS-like, lower case, inherent vowel written or dropped)."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        out.append(_ROMAN.get(ch, ch if ch.isascii() else ""))
    s = "".join(out)
    s = re.sub("\u0001(?=[aeiou]|\u0002)", "", s)
    s = re.sub("\u0001(?=\\s|$|[.,?!])", "", s)
    s = s.replace("\u0001", "a").replace("\u0002", "")
    if rng.random() < 0.3:
        s = " ".join(w.capitalize() for w in s.split())
    return s


def latin_text(data_dir: Path, sentences: dict[str, list[str]], rng: random.Random) -> list[str]:
    """English, code, URLs, numbers, news Latin runs and romanized news, one item per line."""
    import pydoc_data.topics

    items: list[str] = []
    for topic in pydoc_data.topics.topics.values():
        items.extend(x.strip() for x in topic.split("\n") if x.strip())
    items.extend(re.findall(r"https?://\S+", " ".join(items)))
    # headings, acronyms and shouting: English in capitals (GNU GENERAL PUBLIC LICENSE)
    prose = [x for x in items if len(x.split()) >= 3]
    items.extend(x.upper() for x in rng.sample(prose, len(prose) // 5))
    items.extend(x.title() for x in rng.sample(prose, len(prose) // 10))
    for path in sorted((data_dir / "news").glob("*.txt")):
        for number, article in enumerate(news_articles(path)):
            if not heldout_article(path.name, number):
                items.extend(re.findall(r"[\x20-\x7e]*[A-Za-z][\x20-\x7e]*", article))
    words = [w for s in sentences["hi"][:3000] for w in romanize(s, rng).split()]
    for _ in range(3000):
        host = rng.choice(words).lower().strip(".,") or "news"
        path = "/".join(rng.choice(words).lower().strip(".,") for _ in range(rng.randint(1, 4)))
        items.append(rng.choice(["https://", "http://www.", "www.", ""]) + f"{host}.com/{path}")
        items.append(f"{host}{rng.randint(1, 99)}@gmail.com")
        items.append(
            rng.choice(
                [
                    f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1990, 2030)}",
                    f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}",
                    f"+91 {rng.randint(6000000000, 9999999999)}",
                    f"Rs {rng.randint(1, 99999)}",
                    f"{rng.randint(1, 999)}.{rng.randint(0, 99)}%",
                ]
            )
        )
    for lang in ("hi", "bn"):
        items.extend(romanize(s, rng) for s in sentences[lang][:4000])
    return items


# -- glyph variants of other encoders, so that the model is not one encoder's ------------------
_VARIANTS = {
    "bijoy": [("z", "y"), ("~", "‚"), ("…", "„"), ("‡", "†"), ("Ö", "ª"), ("i“", "i“")],
    "krutidev": [("ç", "iz"), ("#", "jq"), ("Ø", "Dz")],
    "chanakya": [],
}


def legacy_text(name: str, sentences: list[str], rng: random.Random) -> list[str]:
    c = codec(name)
    out = []
    for s in sentences:
        if _LATIN.search(s):
            continue
        enc = c.encode(s)
        if rng.random() < 0.3:
            for a, b in _VARIANTS[name]:
                enc = enc.replace(a, b)
        out.append(enc)
    return out


def write_detector(data_dir: Path, sentences: dict[str, list[str]]) -> None:
    rng = random.Random(19)
    texts: dict[str, list[str]] = {}
    for name, lang in LEGACY.items():
        try:
            texts[name] = legacy_text(name, sentences[lang], rng)
        except FileNotFoundError:
            texts[name] = []
    texts["latin"] = latin_text(data_dir, sentences, rng)
    counts: dict[str, collections.Counter[str]] = {}
    contexts: dict[str, collections.Counter[str]] = {}
    for cls in CLASSES:
        tri: collections.Counter[str] = collections.Counter()
        for item in texts.get(cls, []):
            tri.update(grams(item))
        counts[cls] = tri
        ctx: collections.Counter[str] = collections.Counter()
        for g, n in tri.items():
            ctx[g[:2]] += n
        contexts[cls] = ctx
        print(f"{cls}: {len(texts.get(cls, []))} items, {len(tri)} trigrams", file=sys.stderr)
    keep = sorted(
        g for g in set().union(*counts.values()) if max(c[g] for c in counts.values()) >= 3
    )
    lines = [
        "# Character trigram model of newskit repair's detector (tools/build_repair_data.py).\n",
        "# Trained on legacy text newskit's encoders made from the training articles of the\n",
        "# shared news (MIT / CC0 as declared there) and on Latin text: Python's pydoc topics\n",
        "# (PSF licence), URLs, numbers, the Latin runs of the news, romanized news.\n",
        "# Columns: trigram (\\uXXXX for\n",
        "# tab, newline and backslash), then per class log P(char | two before) x -10, rounded;\n",
        "# the row 'floor' holds the value of an unseen trigram per class.\n",
        "trigram\t" + "\t".join(CLASSES) + "\n",
    ]
    floors = []
    for cls in CLASSES:
        n_types = max(1, len(counts[cls]))
        floors.append(-math.log(max(1, sum(counts[cls].values())) + n_types))
    lines.append("floor\t" + "\t".join(str(round(-10 * f)) for f in floors) + "\n")
    for g in keep:
        vals = []
        for cls, floor in zip(CLASSES, floors, strict=False):
            n = counts[cls][g]
            if n == 0:
                vals.append(str(round(-10 * floor)))
                continue
            # Witten-Bell-like: the context's total plus its number of distinct followers
            p = n / (contexts[cls][g[:2]] + 1)
            vals.append(str(round(-10 * math.log(p))))
        key = g.replace("\\", "\\u005c").replace("\t", "\\u0009").replace("\n", "\\u000a")
        lines.append(key + "\t" + "\t".join(vals) + "\n")
    (OUT / "detector.tsv").write_text("".join(lines), encoding="utf-8")
    print(f"detector.tsv: {len(keep)} trigrams", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--only", choices=["lexicon", "detector"])
    a = ap.parse_args()
    sentences = training_sentences(a.data)
    if a.only in (None, "lexicon"):
        write_lexicon(sentences)
    if a.only in (None, "detector"):
        write_detector(a.data, sentences)
    return 0


if __name__ == "__main__":
    sys.exit(main())
