"""The fast paths inside the normalization steps agree with plain reference code.

The steps avoid regex passes over whole blocks (see ``_pair_positions`` and the
per-character ``str.replace`` loops). Each property here runs the fast code and
a direct, obviously-correct version on the same text and asserts they agree.
Every text is checked twice: as drawn (short strings take the 4-bytes-a-character
path) and inside a long clean line (longer strings without astral characters
take the UTF-16 path).
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from newskit import normalization as N
from newskit.normalization import NormalizeOptions, normalize
from newskit.scripts import PIECE
from samples import ROOT

# 300+ characters of real, clean Hindi news text (the sample article's first line)
FILLER = (ROOT / "corpus/hi/kim-putin-vladivostok.txt").read_text("utf-8").split("\n")[0]
assert len(FILLER) > 300

ALPHABET = (
    # letters, signs and marks of both scripts, including every kind of trigger pair
    "अआइउएऑकजनरळड़ािीुूेैोौॅॉंँः़्ऽ॑।"
    "অআএওকতনযরড়ািীুেোৌৗংঁ়্৷\u09df\u095c\u0929"
    # characters whose low byte equals a Devanagari sign's: ASCII, Latin-1,
    # Malayalam vowel sign AA (U+0D3E), a symbol (U+263E)
    "ABCDLMcc?:;<=\u00be\u00c0\u00cd\u0d3e\u263e"
    # astral characters shift UTF-16 positions
    "\U0001f600\U0001d7d0"
    # joiners, invisibles, odd spaces, CR
    "\u200c\u200d\u200b\u00ad\ufeff\u00a0\u2009\u3000 \n\r\t"
)
texts = st.text(alphabet=ALPHABET, max_size=60)


def _both(text: str) -> list[str]:
    return [text, f"{FILLER} {text} {FILLER}"]


@settings(max_examples=500, deadline=None)
@given(texts)
def test_pair_positions_find_exactly_the_trigger_pairs(text: str) -> None:
    for t in _both(text):
        expected = [i for i in range(len(t) - 1) if t[i : i + 2] in N._TRIGGER_PAIRS]
        N._last_pairs = ("", [])  # no help from the one-entry cache
        assert N._pair_positions(t) == expected


def test_pair_positions_long_text_with_astral_character() -> None:
    # a text long enough for the size check, with one astral character before a pair
    t = FILLER + "\U0001f600 अा " + FILLER + " ाे"
    got = N._pair_positions(t)
    assert [t[i : i + 2] for i in got] == ["अा", "ाे"]


@settings(max_examples=500, deadline=None)
@given(texts)
def test_nfc_step_is_unicode_nfc(text: str) -> None:
    for t in _both(text):
        assert normalize(t, NormalizeOptions.only(["nfc"])) == unicodedata.normalize("NFC", t)


_TRAILING = re.compile(r" +(?=\n|\Z)")
_RUN = re.compile(r"  +")
_UNISPACE = re.compile(f"[{N._SPACE_CHARS}]")


def _spaces_reference(t: str) -> str:
    t = _UNISPACE.sub(" ", t).replace("\r\n", "\n").replace("\r", "\n")
    return _RUN.sub(" ", _TRAILING.sub("", t))


@settings(max_examples=500, deadline=None)
@given(texts)
def test_spaces_step_matches_regex_reference(text: str) -> None:
    for t in _both(text):
        out, count = N._step_spaces(t, N.DEFAULT, N._rare_chars(t))
        assert out == _spaces_reference(t)
        lone_cr = t.count("\r") - t.count("\r\n")
        assert count == len(_UNISPACE.findall(t)) + lone_cr + len(t) - len(out)
        assert out == N._step_spaces(t, N.DEFAULT, None)[0]


def test_long_space_runs_collapse() -> None:
    t = "क" + " " * 1000 + "ख   \n   ग  " + "\u00a0" * 3 + "\n"
    assert normalize(t, NormalizeOptions.only(["spaces"])) == "क ख\n ग\n"


def _invisible_reference(t: str) -> str:
    t = re.sub(f"[{N._INVISIBLE}]", "", t)
    return N._STRAY_JOINER_RE.sub("", t)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_invisible_step_matches_regex_reference(text: str) -> None:
    for t in _both(text):
        assert N._step_invisible(t, N.DEFAULT, N._rare_chars(t))[0] == _invisible_reference(t)
        assert N._step_invisible(t, N.DEFAULT, None)[0] == _invisible_reference(t)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_decomposition_of_nukta_letters(text: str) -> None:
    # the composition-excluded letters are decomposed wherever they are
    for t in _both(text):
        out = normalize(t, NormalizeOptions.only(["nfc"]))
        assert not set(out) & set(N._NFC_DECOMPOSE)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_pair_positions_kept_across_the_nfc_step(text: str) -> None:
    # The NFC step hands the visual step the pair positions of its output,
    # shifted past the words it fixed instead of scanning again.
    for t in _both(text):
        N._last_pairs = ("", [])
        out = N._step_nfc(t, N.DEFAULT, N._rare_chars(t))[0]
        cached_text, cached = N._last_pairs
        if cached_text is out:
            assert cached == [i for i in range(len(out) - 1) if out[i : i + 2] in N._TRIGGER_PAIRS]


def test_pair_positions_shift_after_an_nfc_fix() -> None:
    # অা (visual) before, ক + ে + া (NFC composes ো: one character shorter) in
    # the middle, ाे (visual) after, in a text long enough for the UTF-16 path
    t = f"{FILLER} অা কে\u09be ाे {FILLER}"
    N._last_pairs = ("", [])
    out = N._step_nfc(t, N.DEFAULT, N._rare_chars(t))[0]
    cached_text, cached = N._last_pairs
    assert cached_text is out
    assert [out[i : i + 2] for i in cached] == ["অা", "ाे"]
    assert cached[1] == t.index("ाे") - 1


@settings(max_examples=500, deadline=None)
@given(texts)
def test_whole_pipeline_matches_steps_run_cold(text: str) -> None:
    # normalize() lets each step reuse the pair positions the step before found;
    # running every step with the cache emptied first must give the same text.
    for t in _both(text):
        expected = t
        present = N._rare_chars(t)
        for step in N.DEFAULT.enabled():
            N._last_pairs = ("", [])
            expected = N._STEP_FUNCS[step](expected, N.DEFAULT, present)[0]
        assert normalize(t) == expected


def test_word_fixed_to_nothing_joins_the_spaces_around_it() -> None:
    # A lone virama + aa is dropped by the visual step; the two spaces it leaves
    # must then be collapsed by the spaces step, which reuses the pair positions.
    t = f"{FILLER} \u094d\u093e {FILLER}"
    assert normalize(t) == f"{FILLER} {FILLER}"


def _prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _changed_words_reference(old: str, new: str) -> int:
    total = 0
    for a, b in zip(re.findall(r"\S+", old), re.findall(r"\S+", new), strict=False):
        if a != b:
            p = _prefix(a, b)
            s = _prefix(a[p:][::-1], b[p:][::-1])
            total += max(len(a) - p - s, len(b) - p - s, 1)
    return total


@settings(max_examples=500, deadline=None)
@given(texts)
def test_explain_nfc_count_matches_word_by_word_reference(text: str) -> None:
    for t in _both(text):
        out = normalize(t, NormalizeOptions.only(["nfc"]))
        assert N._changed_words(t, out) == _changed_words_reference(t, out)
        # and with the line count changed (pairs words across the whole text)
        assert N._changed_words(t, out + "\nx") == _changed_words_reference(t, out + "\nx")


def test_long_text_is_normalized_in_pieces_like_line_by_line() -> None:
    # Texts over 64K characters are normalized in pieces of whole lines; the result
    # and the per-step counts are those of normalizing every line alone.
    lines = [
        f"{FILLER} दु:ख  है |\n",
        "অ\u09be\u09ae\u09be\u09b0\u00a0 দেশ \r\n",
        "\u200bक\u094d\u093c \u095c ाे  \n",
        "plain ascii line\n",
    ]
    text = "".join(lines) * 300  # about 120K characters: several pieces
    assert len(text) > 3 * PIECE
    assert normalize(text) == "".join(normalize(line) for line in lines) * 300
    out, counts = N.explain(text)
    assert out == normalize(text)
    per_line = [N.explain(line)[1] for line in lines]
    assert counts == {k: 300 * sum(c[k] for c in per_line) for k in counts}
    clean = normalize(text)
    assert normalize(clean) is clean  # unchanged: the very same object
