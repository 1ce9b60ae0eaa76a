"""Machine formats in one place: JSON Lines, CoNLL-U, TSV and CSV.

Pure functions from plain data (and the cores' dataclasses) to ``str``; no Rich, no I/O.
Tables for people are :mod:`newskit.render`'s. Formats follow these rules:

* TSV fields never hold a tab or a line break (stats rows: replaced by spaces; quote
  records: escaped as ``\\t``, ``\\n``), CSV quotes per RFC 4180;
* numbers are raw (no thousands separators, ``.`` decimals), "not computed" is an empty
  field, JSON keeps UTF-8 text readable (no ``\\u`` escapes).
"""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from newskit.segment import (
    Sentence,
    sentence_lines,
    split_sentences,
    token_columns,
    tokenized_text,
)

#: (group level, name, summary row) as produced by the stats command.
Row = tuple[str, str, dict[str, Any]]


# ---------------------------------------------------------------------------
# stats rows
# ---------------------------------------------------------------------------
def _raw(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def delimited(rows: Sequence[Row], sep: str = "\t") -> str:
    """TSV (``sep="\\t"``) or CSV: a header, then one line per row.

    Columns: ``level`` (file/dir/lang/total), ``name``, then every key of the
    summary rows in order. TSV fields never contain tabs or newlines (they are
    replaced by spaces); CSV quotes fields per RFC 4180.
    """
    keys = list(rows[0][2]) if rows else []
    buf = io.StringIO()
    header = ["level", "name", *keys]
    if sep == "\t":
        lines = ["\t".join(header)]
        for level, name, row in rows:
            fields = [level, name, *(_raw(row.get(k)) for k in keys)]
            lines.append("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields))
        return "\n".join(lines) + "\n"
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for level, name, row in rows:
        writer.writerow([level, name, *(_raw(row.get(k)) for k in keys)])
    return buf.getvalue()


def to_json(rows: Sequence[Row], sections: dict[str, Any]) -> str:
    """One JSON object: ``{"total": {...}, "rows": [...], "sections": {...}}``.

    ``total`` is the row whose level is ``total``; ``rows`` are the others,
    each with ``level`` and ``name`` keys added.
    """
    total = next((r for lvl, _, r in rows if lvl == "total"), {})
    out = {
        "total": total,
        "rows": [{"level": lvl, "name": name, **r} for lvl, name, r in rows if lvl != "total"],
        "sections": sections,
    }
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# quote records
# ---------------------------------------------------------------------------
#: Columns of ``newskit quotes --format tsv|csv``; the quote text comes last.
QUOTE_COLUMNS = (
    "path",
    "line",
    "start",
    "end",
    "kind",
    "closed",
    "continued",
    "open_mark",
    "close_mark",
    "speaker",
    "speaker_position",
    "resolved",
    "cue",
    "confidence",
    "text",
)


def _quote_field(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if isinstance(value, dict):  # speaker / cue spans: their text
        value = value.get("text")
    return _raw(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def quote_header(sep: str = "\t") -> str:
    """The header line of :func:`quote_lines`."""
    return _csv_line(QUOTE_COLUMNS) if sep == "," else "\t".join(QUOTE_COLUMNS) + "\n"


def quote_line(record: dict[str, Any], sep: str = "\t") -> str:
    """One TSV or CSV line for a quote record (see :func:`quote_lines`)."""
    if sep == ",":
        return _csv_line([_quote_field(record, k) for k in QUOTE_COLUMNS])
    return "\t".join(_quote_field(record, k).translate(_TSV_ESCAPES) for k in QUOTE_COLUMNS) + "\n"


def _csv_line(fields: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


def quote_lines(records: Iterable[dict[str, Any]], sep: str = "\t") -> Iterator[str]:
    """TSV or CSV lines (header first) for quote records, one line per quote, streaming.

    TSV escapes backslash, tab, CR and newline as ``\\\\``, ``\\t``, ``\\r``, ``\\n`` (a
    quote continued across paragraphs holds a newline), so a line is always one record;
    CSV quotes fields per RFC 4180 instead.
    """
    yield quote_header(sep)
    for r in records:
        yield quote_line(r, sep)


def quote_jsonl(record: dict[str, Any]) -> str:
    """One JSON Lines line for a quote record (UTF-8 text kept readable)."""
    return json.dumps(record, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# segmentation (``newskit tokenize`` and ``newskit sentences``)
# ---------------------------------------------------------------------------
def to_jsonl(
    sentence: Sentence,
    *,
    path: str | None = None,
    line: int | None = None,
    index: int | None = None,
    tokens: bool = True,
    toks: list[tuple[str, int, int, str]] | None = None,
    lang: str | None = None,
) -> str:
    """One JSON record (no newline) for *sentence*: offsets, and tokens with their offsets.

    ``tokens`` is a list of ``[text, start, end, kind]``; offsets are into the text the
    sentence came from (shifted as the caller shifted the sentence). ``lang``: the language
    whose rules segmented it, as ``"lang"``.
    """
    record: dict[str, object] = {}
    if path is not None:
        record["path"] = path
    if line is not None:
        record["line"] = line
    if index is not None:
        record["sentence"] = index
    if lang is not None:
        record["lang"] = lang
    record["start"] = sentence.start
    record["end"] = sentence.end
    record["text"] = sentence.text
    if tokens:
        if toks is None:
            toks = [(t.text, t.start, t.end, t.kind) for t in sentence.tokens(lang)]
        record["tokens"] = toks
    return json.dumps(record, ensure_ascii=False)


def to_conllu(
    sentence: Sentence,
    *,
    sent_id: str,
    newpar: bool = False,
    toks: list[tuple[str, int, int, str]] | None = None,
) -> str:
    """A CoNLL-U block for *sentence*: comments, one token per line, a final blank line.

    Only ID, FORM and MISC are filled (``SpaceAfter=No`` where no whitespace follows, and
    the character span as ``TokenRange=start:end``); the other columns are ``_``, as UD
    allows for text that has only been segmented.
    """
    if toks is None:
        toks = [(t.text, t.start, t.end, t.kind) for t in sentence.tokens()]
    lines = ["# newpar"] if newpar else []
    lines += [f"# sent_id = {sent_id}", f"# text = {sentence.text}"]
    for i, (form, start, end, _) in enumerate(toks, 1):
        misc = f"TokenRange={start}:{end}"
        if i < len(toks) and toks[i][1] == end:
            misc = "SpaceAfter=No|" + misc
        lines.append(f"{i}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
    return "\n".join(lines) + "\n\n"


#: What :func:`segmentation` can produce.
MODES = ("tokens", "token-sentences", "sentences")
FORMATS = ("text", "jsonl", "conllu")


def segmentation(
    text: str,
    mode: str = "tokens",
    fmt: str = "text",
    *,
    path: str = "-",
    first_line: int = 1,
    offset: int = 0,
    lang: str | None = None,
) -> str:
    """Segment *text* (whole lines) and format it for output; pure, so workers can run it.

    - ``tokens``/``text``: :func:`tokenized_text` (one output line per input line);
    - ``token-sentences``/``text``: one sentence per line, tokens separated by spaces, and an
      empty line after each paragraph (input line);
    - ``sentences``/``text``: one sentence per line, exactly as in the input;
    - ``jsonl``: one record per sentence (:func:`to_jsonl`), tokens unless mode is
      ``sentences``; ``conllu``: :func:`to_conllu` blocks, ``# newpar`` at each paragraph.

    *path*, *first_line* (line number of the first line of *text*) and *offset* (character
    offset of *text* in the whole input) make the records point into the whole input.
    *lang* segments by that language's rules (:func:`newskit.segment.split_sentences`) and
    is written in each JSON record.
    """
    if mode not in MODES or fmt not in FORMATS:
        raise ValueError(f"unknown mode/format: {mode}/{fmt}")
    if mode == "tokens" and fmt == "text":
        return tokenized_text(text, lang)
    if mode == "sentences" and fmt == "text":
        out = sentence_lines(text, lang)
        return out + "\n" if out else ""
    sents = split_sentences(text, lang)
    if not sents:
        return ""
    out: list[str] = []
    line_no = first_line
    prev = 0
    k = 0
    # tokens of the whole text at once (a sentence tokenizes as it does in its text)
    cols = token_columns(text, lang) if fmt != "text" and mode != "sentences" else None
    for s in sents:
        breaks = text.count("\n", prev, s.start)
        prev = s.start
        if breaks:
            line_no += breaks
            if fmt == "text" and k:
                out.append("\n")  # an empty line after each paragraph
            k = 0
        k += 1
        if fmt == "text":
            out.append(s.text + "\n")  # tokenized below, all at once
            continue
        shifted = Sentence(s.text, s.start + offset, s.end + offset)
        toks = None
        if cols is not None:  # this sentence's share of the text's tokens
            i0, i1 = bisect_left(cols[1], s.start), bisect_left(cols[1], s.end)
            toks = [
                (t, a + offset, b + offset, kd)
                for t, a, b, kd in zip(*(c[i0:i1] for c in cols), strict=True)
            ]
        if fmt == "jsonl":
            rec = to_jsonl(
                shifted,
                path=path,
                line=line_no,
                index=k,
                tokens=mode != "sentences",
                toks=toks,
                lang=lang,
            )
            out.append(rec + "\n")
        else:
            out.append(
                to_conllu(shifted, sent_id=f"{path}:{line_no}:{k}", newpar=k == 1, toks=toks)
            )
    if fmt == "text":
        out.append("\n")
        # a sentence tokenizes alone as it does in its text (a tested property), so the
        # one-sentence-per-line text can go through the fast line-keeping tokenizer
        return tokenized_text("".join(out), lang)
    return "".join(out)
