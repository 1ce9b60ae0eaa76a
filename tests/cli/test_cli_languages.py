"""``--lang`` and ``--lang-field`` on every command, and what each command does with the
language: stats rows per language, segmentation by the language's rules, normalization's
language rules, the fallback without CLD2 (CliRunner and real processes).

The articles are ``tests/cases/languages-news.txt`` (written for the tests: Hindi, Marathi,
Nepali, Bengali, Assamese, Marathi; one per blank-line-separated block).
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import newskit.langid as langid
from conftest import invoke, run_process
from samples import CASES

NEWS = CASES / "languages-news.txt"
DOCS = NEWS.read_text("utf-8").split("\n\n")
LANGS = ["hi", "mr", "ne", "bn", "as", "mr"]  # of DOCS, in order
SPLIT = {"NEWSKIT_TUNING": "workers_from_bytes=0,chunk_bytes=2000,batch_bytes=2000"}


def stats_json(*args: str) -> dict:
    result = invoke("stats", "--format", "json", *args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def per_language(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file per article, named by its number only (nothing tells the language)."""
    root = tmp_path_factory.mktemp("langs")
    for i, doc in enumerate(DOCS):
        (root / f"{i}.txt").write_text(doc.rstrip("\n") + "\n", "utf-8")
    return root


# -- the option -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["normalize", "tokenize", "sentences", "quotes", "stats"])
def test_every_command_rejects_an_unknown_language_as_a_usage_error(command: str) -> None:
    result = invoke(command, "--lang", "xx", str(NEWS))
    assert result.exit_code == 2
    assert "unknown language 'xx'" in result.stderr
    assert "hi, mr, ne, sa, mai, bho, kok, bn, as, en, ur, und" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["normalize", "tokenize", "sentences", "quotes", "stats"])
def test_every_command_takes_codes_aliases_names_and_auto(command: str) -> None:
    for value in ("mr", "mar", "Marathi", "MR", "auto"):
        result = invoke(command, "--lang", value, str(NEWS))
        assert result.exit_code == 0, (value, result.stderr)


def test_the_help_lists_every_code() -> None:
    out = invoke("stats", "--help").stdout
    assert "[auto|hi|mr|ne|sa|mai|bho|kok|bn|as|en|ur|und]" in out
    assert "--lang-field NAME" in out


# -- stats ------------------------------------------------------------------------------------


def test_stats_by_lang_groups_documents_of_one_file_by_their_language() -> None:
    data = stats_json("--doc-sep", "blank", "--by", "lang", str(NEWS))
    rows = {r["name"]: r for r in data["rows"]}
    assert list(rows) == ["as", "bn", "hi", "mr", "ne"]
    assert {k: r["documents"] for k, r in rows.items()} == {
        "as": 1,
        "bn": 1,
        "hi": 1,
        "mr": 2,
        "ne": 1,
    }
    assert all(r["lang"] == r["name"] and r["level"] == "lang" for r in rows.values())
    assert all(r["files"] == 1 and r["lang_probability"] >= 0.9 for r in rows.values())
    total = data["total"]
    assert total["documents"] == 6 and total["files"] == 1 and total["lang"] == "mixed"
    scripts = data["sections"]["scripts"]
    assert scripts["document_langs"] == {"as": 1, "bn": 1, "hi": 1, "mr": 2, "ne": 1}
    assert scripts["document_scripts"] == {"Beng": 2, "Deva": 4}
    assert scripts["lang_script_mismatch"] == 0


def test_stats_by_lang_rows_equal_the_stats_of_their_documents_alone(per_language: Path) -> None:
    # the Marathi row of the mixed file holds exactly what the two Marathi articles give alone
    mixed = stats_json("--doc-sep", "blank", "--by", "lang", str(NEWS))
    marathi = [p for p in sorted(per_language.iterdir()) if LANGS[int(p.stem)] == "mr"]
    alone = stats_json("--by", "total", *map(str, marathi))["total"]
    row = next(r for r in mixed["rows"] if r["name"] == "mr")
    skip = {"level", "name", "files", "lines_in_several_docs", "duplicate_documents"}
    assert {k: v for k, v in row.items() if k not in skip} == {
        k: v for k, v in alone.items() if k not in skip
    }


def test_stats_lexicon_per_language_leaves_out_each_languages_stopwords() -> None:
    data = stats_json("--doc-sep", "blank", "--by", "lang", "--section", "lexicon", str(NEWS))
    lexicon = data["sections"]["lexicon"]
    marathi = [w for w, _ in lexicon["top_words_mr"]]
    assert marathi[0] == "पुढील"
    assert not {"आहे", "आणि", "ते", "या"} & set(marathi)
    assert not {"छ", "र", "पनि"} & {w for w, _ in lexicon["top_words_ne"]}
    assert not {"আৰু", "এই"} & {w for w, _ in lexicon["top_words_as"]}
    kept = stats_json(
        "--doc-sep", "blank", "--by", "lang", "--keep-stopwords", "--section", "lexicon", str(NEWS)
    )
    assert kept["sections"]["lexicon"]["top_words_mr"][0][0] == "आहे"


def test_stats_rows_per_file_show_each_files_language(per_language: Path) -> None:
    data = stats_json(str(per_language))
    assert [r["lang"] for r in data["rows"]] == LANGS
    tsv = invoke("stats", str(per_language)).stdout.splitlines()
    assert tsv[0].split("\t")[2:4] == ["lang", "lang_probability"]
    assert [line.split("\t")[2] for line in tsv[1:]] == [*LANGS, "mixed"]


def test_stats_a_given_language_that_does_not_fit_the_script_is_reported() -> None:
    result = invoke("stats", "--format", "json", "--lang", "hi", "--doc-sep", "blank", str(NEWS))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"]["lang"] == "hi" and data["total"]["lang_probability"] == 1.0
    assert data["sections"]["scripts"]["lang_script_mismatches"] == {"hi in Beng": 2}
    assert result.stderr == (
        "warning: stats: 2 documents are not in the script of their language (hi in Beng: 2)\n"
    )


def test_stats_lang_field_of_json_lines_records(tmp_path: Path) -> None:
    labels = ["hin_Deva", "mr", "Nepali", "bn-BD", "xx-unknown", None]
    path = tmp_path / "records.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for doc, label in zip(DOCS, labels, strict=True):
            record = {"text": doc} if label is None else {"text": doc, "language": label}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    data = stats_json("--lang-field", "language", "--by", "lang", str(path))
    langs = data["sections"]["scripts"]["document_langs"]
    # the unknown label and the record without one are detected (as, mr)
    assert langs == {"as": 1, "bn": 1, "hi": 1, "mr": 2, "ne": 1}
    # a field that says the wrong language wins over detection (it is the corpus's word)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"text": DOCS[1], "language": "ne"}) + "\n", "utf-8")
    assert stats_json("--lang-field", "language", str(wrong))["total"]["lang"] == "ne"


@pytest.mark.parametrize("by", ["lang", "file", "total"])
def test_stats_workers_on_a_mixed_corpus_give_the_same_output(
    tmp_path: Path, per_language: Path, by: str
) -> None:
    # a large mixed file cut into ranges of documents for the workers, plus small files
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(DOCS[i % len(DOCS)] for i in range(60)) + "\n", "utf-8")
    args = ["stats", "--format", "json", "--section", "all", "--doc-sep", "blank", "--by", by]
    paths = [str(big), str(per_language)]
    one = run_process(*args, "--jobs", "1", *paths)
    two = run_process(*args, "--jobs", "2", *paths, env=SPLIT)
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert data["sections"]["scripts"]["document_langs"] == {
        "as": 11,
        "bn": 11,
        "hi": 11,
        "mr": 22,
        "ne": 11,
    }
    if by == "lang":
        files = {r["name"]: r["files"] for r in data["rows"]}
        assert files == {"as": 2, "bn": 2, "hi": 2, "mr": 3, "ne": 2}
        assert data["total"]["files"] == 7


# -- tokenize and sentences --------------------------------------------------------------------

MARATHI = 'सौ. सुनीता पाटील यांनी सोमवारी सांगितले की राज्य सरकार शेतकऱ्यांसाठी नवी योजना सुरू करणार आहे. "हे काम कधी होणार?" त्यांनी विचारले.\n'  # noqa: E501


def test_sentences_detects_the_language_of_an_input() -> None:
    auto = invoke("sentences", input=MARATHI).stdout
    assert auto == invoke("sentences", "--lang", "mr", input=MARATHI).stdout
    # Marathi: सौ. is an abbreviation, the reporting clause stays with its quotation
    assert auto.splitlines() == [
        "सौ. सुनीता पाटील यांनी सोमवारी सांगितले की राज्य सरकार शेतकऱ्यांसाठी नवी योजना सुरू करणार आहे.",
        '"हे काम कधी होणार?" त्यांनी विचारले.',
    ]
    assert len(invoke("sentences", "--lang", "hi", input=MARATHI).stdout.splitlines()) == 4


def test_tokenize_detects_the_language_and_records_name_it() -> None:
    auto = invoke("tokenize", input=MARATHI).stdout
    assert auto.startswith("सौ. सुनीता ")
    assert invoke("tokenize", "--lang", "hi", input=MARATHI).stdout.startswith("सौ . सुनीता ")
    records = [
        json.loads(x)
        for x in invoke("tokenize", "--format", "jsonl", input=MARATHI).stdout.splitlines()
    ]
    assert [r["lang"] for r in records] == ["mr", "mr"]
    assert records[0]["tokens"][0] == ["सौ.", 0, 3, "abbr"]
    hindi = invoke("sentences", "--format", "jsonl", "--lang", "hindi", input=MARATHI).stdout
    assert {json.loads(x)["lang"] for x in hindi.splitlines()} == {"hi"}


def test_json_lines_take_the_first_records_language_or_each_records_label(
    tmp_path: Path,
) -> None:
    def langs(*args: str) -> list[str]:
        out = invoke("sentences", "--format", "jsonl", *args).stdout
        langs = [json.loads(x)["lang"] for x in out.splitlines()]
        return [x for i, x in enumerate(langs) if not i or langs[i - 1] != x]

    path = tmp_path / "mixed.jsonl"
    records = [{"text": DOCS[1]}, {"text": MARATHI, "lang": "hi"}, {"text": DOCS[4], "lang": "as"}]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    # detected once per input, like a text file's (on the first record), unless labelled
    assert langs(str(path)) == ["mr"]
    assert langs("--lang-field", "lang", str(path)) == ["mr", "hi", "as"]
    assert langs("--lang-field", "lang", "--lang", "ne", str(path)) == ["ne", "hi", "as"]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(json.dumps({"text": MARATHI, "lang": "hi"}) + "\n", "utf-8")
    got = invoke("sentences", "--lang-field", "lang", str(labelled)).stdout
    assert len(got.splitlines()) == 4  # the record says Hindi: Hindi's lists


def test_segmentation_with_workers_equals_one_process(tmp_path: Path, per_language: Path) -> None:
    for command in (["sentences"], ["tokenize", "--sentences"], ["tokenize", "--format", "jsonl"]):
        one = run_process(*command, "--jobs", "1", str(per_language))
        two = run_process(*command, "--jobs", "2", str(per_language), env=SPLIT)
        assert one.returncode == two.returncode == 0, two.stderr
        assert one.stdout == two.stdout
    # a Marathi file of many chunks: every chunk takes the language of the input's head
    big = tmp_path / "big.txt"
    big.write_text(MARATHI * 200, "utf-8")
    one = run_process("sentences", "--jobs", "1", str(big))
    two = run_process("sentences", "--jobs", "2", str(big), env=SPLIT)
    assert one.stdout == two.stdout
    assert one.stdout.decode().count("\n") == 400


# -- normalize -------------------------------------------------------------------------------


def test_normalize_applies_a_given_languages_rules_and_detects_nothing() -> None:
    text = "नम: शिवाय |\n"
    assert invoke("normalize", input=text).stdout == "नम: शिवाय ।\n"
    assert invoke("normalize", "--lang", "auto", input=text).stdout == "नम: शिवाय ।\n"
    assert invoke("normalize", "--lang", "sa", input=text).stdout == "नमः शिवाय ।\n"
    # Assamese ৰ and ৱ are never rewritten, whatever the language
    assamese = DOCS[4] + "\n"
    for lang in ("auto", "as", "bn"):
        assert invoke("normalize", "--lang", lang, input=assamese).stdout == assamese


def test_normalize_indicnlp_profile_takes_only_its_languages() -> None:
    ok = invoke("normalize", "--profile", "indicnlp", "--lang", "mar", input="नमस्ते\n")
    assert ok.exit_code == 0
    bad = invoke("normalize", "--profile", "indicnlp", "--lang", "ur", input="نمستے\n")
    assert bad.exit_code == 2 and "for indicnlp" in bad.stderr


# -- without CLD2 ----------------------------------------------------------------------------


@pytest.fixture
def without_cld2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "pycld2", None)  # (None in sys.modules: ImportError)
    langid._cld2.cache_clear()
    yield
    monkeypatch.undo()
    langid._cld2.cache_clear()


def test_without_cld2_commands_warn_once_and_still_tell_the_languages(without_cld2: None) -> None:
    result = invoke("stats", "--format", "json", "--doc-sep", "blank", "--by", "lang", str(NEWS))
    assert result.exit_code == 0
    assert result.stderr.count("warning: pycld2 is not installed") == 1
    assert result.stderr.count("\n") == 1
    data = json.loads(result.stdout)
    assert data["sections"]["scripts"]["document_langs"] == {
        "as": 1,
        "bn": 1,
        "hi": 1,
        "mr": 2,
        "ne": 1,
    }
    assert data["total"]["lang_probability"] < 0.9  # less sure
    seg = invoke("sentences", input=MARATHI)
    assert seg.stderr.startswith("warning: pycld2 is not installed")
    assert len(seg.stdout.splitlines()) == 2  # still Marathi
    # a language given needs no detector: no warning
    assert invoke("stats", "--lang", "hi", str(NEWS)).stderr == ""
    assert invoke("normalize", input="नमस्ते\n").stderr == ""


def test_an_inputs_statistics_per_language_do_not_carry_the_running_total() -> None:
    # A worker shares the total-only counters (bigrams) of new statistics with its running
    # total; an input's result, pickled to the parent, must not take that total along.
    from newskit.pipeline.stats import LangReduction
    from newskit.stats import document_stats

    red = LangReduction()
    total = red.zero()
    sizes = []
    for _ in range(2):
        state = red.new(total)
        document_stats(DOCS[1], lang="mr", into=state.of("mr"))
        part = red.commit(total, state, True)
        assert not part.of("mr").bigram_counts  # (counted straight into the total)
        sizes.append(len(pickle.dumps(part)))
        total = red.merge(total, part)
        for i in range(2000):  # the total grows; the next input's result must not
            total.rest.bigram_counts[(str(i), "x")] += 1
    assert total.rest.bigram_counts[("राज्यात", "गेल्या")] == 2  # (both inputs', shared)
    assert sizes[1] < sizes[0] * 1.1
