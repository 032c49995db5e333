"""The domain as frozen dataclasses: what the store holds and the API returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` in a document's text."""

    start: int
    end: int

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Section:
    """A part of a document under a heading: a case (``Cas n°3 : Mme D., 82 ans``), an agenda item."""

    start: int
    end: int
    title: str
    kind: str  # "case" | "item" | "heading"


@dataclass(frozen=True)
class Turn:
    """A speaker's turn, or a narrative paragraph (``speaker is None``) in minutes.

    ``start``/``end`` cover the speech only, never the speaker label.
    """

    start: int
    end: int
    speaker: str | None
    section: int | None = None  # index into the document's sections
    timestamp: str | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """What the importer produces for one document, before it is stored."""

    name: str
    text: str
    format: str
    source_path: str
    sha256: str  # the identity hash: of the text, or of file, row and text for a survey row
    doc_type: str
    language: str
    date: str | None
    attributes: dict[str, Any]
    sections: tuple[Section, ...]
    turns: tuple[Turn, ...]
    warnings: tuple[str, ...] = ()  # what the reader repaired or left out, and doubts about language or turns
    layout: str = "none"  # how its speaker turns were found


@dataclass(frozen=True)
class DocumentReport:
    """What the import found in one document: its turns and speakers, and what the user should check.

    ``speaker_share`` is the share of the text inside turns with a speaker; ``top_speaker_share`` the share of that
    text held by the most present speaker.
    """

    name: str
    doc_type: str
    language: str
    chars: int
    turns: int
    speakers: int
    speaker_share: float
    top_speaker: str | None
    top_speaker_share: float
    layout: str
    segments: int | None = None  # segments made on import (None when the project is not segmented yet)
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A stored document. Its text is NFC-normalised with ``\\n`` line ends and never edited."""

    id: int
    name: str
    text: str
    sha256: str  # the identity hash: of the text, or of file, row and text for a survey row
    doc_type: str
    language: str
    date: str | None
    format: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    """A view on a document: ``document.text[start:end]``."""

    id: int
    doc_id: int
    start: int
    end: int
    position: int
    speaker: str | None
    section: str | None


@dataclass(frozen=True)
class ImportFailure:
    path: str
    code: str
    message: str


@dataclass
class ImportReport:
    """What an import did: documents added (with a report on each), duplicates skipped, files that failed, and
    every warning (the per-document ones included)."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (new file, existing document)
    failures: list[ImportFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: list[DocumentReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures
