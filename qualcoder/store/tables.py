"""SQLAlchemy 2 tables. Every schema change goes through an Alembic migration in ``migrations/``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    source_path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    # the identity hash: of the text, or for a survey row of its file, row and text (see ingest.parse_file)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    date: Mapped[str | None] = mapped_column(String(10))
    attributes: Mapped[dict] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)
    n_chars: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))


class TurnRow(Base):
    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    section: Mapped[int | None] = mapped_column(Integer)
    timestamp: Mapped[str | None] = mapped_column(String(20))


class SpeakerRow(Base):
    """A speaker label's role and attributes; ``file`` is '' for a label valid in every document."""

    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("label", "file", name="uq_speakers_label_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    file: Mapped[str] = mapped_column(String(500), default="")
    role: Mapped[str | None] = mapped_column(String(40))
    profession: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(300))
    attributes: Mapped[dict] = mapped_column(JSON)


class ParseRow(Base):
    """The cached spaCy parse of a document: token offsets, lower-cased lemmas, sentence starts."""

    __tablename__ = "parses"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    pipeline: Mapped[str] = mapped_column(String(200))
    n_tokens: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SegmentationRow(Base):
    __tablename__ = "segmentations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SegmentRow(Base):
    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segmentation_id: Mapped[int] = mapped_column(ForeignKey("segmentations.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    section: Mapped[int | None] = mapped_column(Integer)
    turn: Mapped[int | None] = mapped_column(Integer)


class CodebookRow(Base):
    """Every codebook loaded into the project, newest active; ``content`` is the YAML format's mapping."""

    __tablename__ = "codebooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    content: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)


class CodingRow(Base):
    """A code applied to ``document.text[start:end]``; a snippet is kept, as Taguette does."""

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(200), index=True)
    coder: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(20))  # manual | rules | model | import
    status: Mapped[str] = mapped_column(String(20))  # applied | suggested | accepted | rejected
    confidence: Mapped[float | None] = mapped_column(Float)
    codebook_version: Mapped[str | None] = mapped_column(String(20))
    pattern: Mapped[str | None] = mapped_column(Text)
    memo: Mapped[str | None] = mapped_column(Text)
    snippet: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    adjudication_id: Mapped[int | None] = mapped_column(Integer, index=True)


class MemoRow(Base):
    """A memo on a code, a document or a coding."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # code | document | coding
    target_id: Mapped[str] = mapped_column(String(200))
    coder: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AdjudicationRow(Base):
    """A decision on a disagreement; the consensus codings it made point back to it (reversible)."""

    __tablename__ = "adjudications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(100))  # a coder's name | both | neither | agreed
    coders: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reverted_at: Mapped[datetime | None] = mapped_column(DateTime)


class TopicRunRow(Base):
    """A topic-model fit: its parameters, the defaults chosen, random states, library versions, quality."""

    __tablename__ = "topic_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    segmentation: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON)


class TopicRow(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_runs.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    words: Mapped[list] = mapped_column(JSON)
    size: Mapped[int] = mapped_column(Integer)


class TopicAssignmentRow(Base):
    """segment -> topic; anchored to document offsets like codings, so a re-segmentation keeps it readable."""

    __tablename__ = "topic_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float | None] = mapped_column(Float)


class RefiGuidRow(Base):
    """The GUID an object had in the REFI-QDA project it was imported from, so a re-export keeps it (the original
    tool then recognises its own codes, sources and users). ``kind``: document, code, user, case, variable,
    selection, coding, note; ``key``: the object in qualcoder (document name, code id, coder, ...)."""

    __tablename__ = "refi_guids"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_refi_guids_kind_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(600))
    guid: Mapped[str] = mapped_column(String(40))
