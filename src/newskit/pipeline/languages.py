"""The language a command applies to a document or an input: given (``--lang``), read from
a JSON Lines field (``--lang-field``), or detected (:func:`newskit.langid.detect`).

Why one place: ``stats``, ``tokenize`` and ``sentences`` (and later ``repair`` and
``dedup``) resolve languages the same way, and warn the same way, once, when detection has
to do without CLD2. Resolving is pure and runs wherever the text is, in workers too;
warnings go through the run's :class:`~newskit.diagnostics.Diagnostics`, in this process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the detector is imported only where something is detected)
    from newskit.diagnostics import Diagnostics
    from newskit.langid import Detection
    from newskit.pipeline.chunks import Chunk

#: Bytes of an input's head that tell its language (a few lines; a Devanagari or Bengali
#: character is 3 bytes, so more than :data:`newskit.langid.SAMPLE_CHARS` characters).
HEAD_BYTES = 4096

NO_CLD2 = (
    "pycld2 is not installed: languages are told by their scripts, the Assamese letters and "
    "marker words only (less sure, and no Urdu/English beyond the script); pip install pycld2"
)


@dataclass(frozen=True)
class LangOptions:
    """``--lang`` and ``--lang-field``: ``lang`` None means detect (``auto``)."""

    lang: str | None = None
    field: str | None = None

    @property
    def detects(self) -> bool:
        """Whether some text may go to the detector (nothing given for all of it)."""
        return self.lang is None

    def of_text(self, text: str) -> Detection:
        """The language of a document: the one given (probability 1.0), or detected."""
        from newskit.langid import Detection, detect

        if self.lang is not None:
            return Detection(self.lang, 1.0)
        return detect(text)

    def labelled(self, record: dict[str, object]) -> str | None:
        """The language a JSON Lines record's ``field`` names, if it names one newskit knows
        (see :func:`newskit.languages.lang_of_label`); else the one given, if any."""
        if self.field is not None:
            from newskit.languages import lang_of_label

            code = lang_of_label(record.get(self.field))
            if code is not None:
                return code
        return self.lang

    def of_record(self, record: dict[str, object], text: str) -> Detection:
        """The language of a JSON Lines record: :meth:`labelled` (probability 1.0), else
        detected on its text."""
        from newskit.langid import Detection

        code = self.labelled(record)
        return self.of_text(text) if code is None else Detection(code, 1.0)

    def of_chunk(self, chunk: Chunk) -> str:
        """The language of an input from its first chunk: given, or detected on the input's
        head (read here when the chunk is a byte range a worker will read)."""
        if self.lang is not None:
            return self.lang
        return self.of_text(head_text(chunk)).lang


def head_text(chunk: Chunk) -> str:
    """The first :data:`HEAD_BYTES` bytes of a chunk as text (a cut character dropped)."""
    from newskit.pipeline.chunks import ByteRange

    data = chunk.data
    if isinstance(data, ByteRange):
        try:
            with open(data.path, "rb") as f:
                f.seek(data.start)
                head = f.read(min(HEAD_BYTES, data.end - data.start))
        except OSError:  # (the worker that reads the range reports it, at its place)
            return ""
    else:
        head = data.data[:HEAD_BYTES]
    return head.decode("utf-8", "ignore")


def warn_if_guessing(diag: Diagnostics, opts: LangOptions) -> None:
    """Warn once, on stderr, when languages will be detected without CLD2."""
    if opts.detects:
        from newskit.langid import has_cld2

        if not has_cld2():
            diag.warn(NO_CLD2)
