"""The records quote extraction returns: :class:`Quote` and the :class:`Span` of speaker and cue.

Why frozen dataclasses with ``to_dict``: ``newskit quotes`` and ``stats`` serialise them as they
are, so the field names are the JSON schema; fields are added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Values of :attr:`Quote.kind`.
KINDS = ("speech", "partial", "term")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the raw text: ``raw[start:end] == text``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: its text (marks excluded), how it was marked, and who said it."""

    text: str
    start: int
    end: int
    open_mark: str
    close_mark: str | None
    closed: bool
    continued: bool
    kind: str
    speaker: Span | None
    cue: Span | None
    speaker_position: str | None
    resolved: str | None
    confidence: float
    line: int
    # how the record was attributed (``speech:frame-before/pronoun``): what ``confidence`` is
    # calibrated on; for debugging and evaluation, not part of the JSON schema
    basis: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record in the schema of ``newskit quotes`` (the CLI adds ``path``)."""
        return {
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "open_mark": self.open_mark,
            "close_mark": self.close_mark,
            "closed": self.closed,
            "continued": self.continued,
            "kind": self.kind,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "speaker_position": self.speaker_position,
            "resolved": self.resolved,
            "confidence": self.confidence,
        }
