"""SQLAlchemy 2 tables. Every schema change goes through an Alembic migration in ``migrations/``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite reuses the highest rowid after a delete unless a table is AUTOINCREMENT; memos, decisions and the action log
# refer to ids, so no id may ever be given twice (PostgreSQL sequences never reuse one).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = NEVER_REUSE_IDS

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
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = NEVER_REUSE_IDS

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
    __table_args__ = (UniqueConstraint("label", "file", name="uq_speakers_label_file"), NEVER_REUSE_IDS)

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
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SegmentRow(Base):
    __tablename__ = "segments"
    __table_args__ = NEVER_REUSE_IDS

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
    """Every version of the project's codebook (loaded from YAML or edited), newest active; ``content`` is the YAML
    format's mapping."""

    __tablename__ = "codebooks"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    book_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    content: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    # the version this one was made from: unique, so of two people changing the same version at once one wins and
    # the other is told (the database refuses the second row)
    derived_from: Mapped[int | None] = mapped_column(Integer, unique=True)


class CodingRow(Base):
    """A code applied to ``document.text[start:end]``; a snippet is kept, as Taguette does."""

    __tablename__ = "codings"
    __table_args__ = NEVER_REUSE_IDS

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
    """A memo on a code, a document, a coding or the project (its journal). A memo on a coding or a document is
    deleted with it (foreign keys), never re-attached to another row."""

    __tablename__ = "memos"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # code | document | coding | project
    target_id: Mapped[str] = mapped_column(String(200))
    coder: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class AdjudicationRow(Base):
    """A decision on a disagreement; the consensus codings it made point back to it (reversible)."""

    __tablename__ = "adjudications"
    __table_args__ = NEVER_REUSE_IDS

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
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    segmentation: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON)


class TopicRow(Base):
    __tablename__ = "topics"
    __table_args__ = NEVER_REUSE_IDS

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
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("topic_runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float | None] = mapped_column(Float)


class ValueGroupRow(Base):
    """An attribute value counted as a group: ``profession`` ``GP`` → ``médecin généraliste``, so that every table,
    chart and export counts ``GP``, ``general practitioner`` and ``médecin généraliste`` as one."""

    __tablename__ = "value_groups"
    __table_args__ = (UniqueConstraint("attribute", "value", name="uq_value_groups_attribute_value"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attribute: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(300))
    group_name: Mapped[str] = mapped_column(String(300))


class UserRow(Base):
    """A person who may open a shared project (team mode starts with the first user): password hash (argon2) and
    role (owner, coder or viewer)."""

    __tablename__ = "users"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SettingRow(Base):
    """A project-wide setting an owner controls (e.g. blind coding)."""

    __tablename__ = "settings"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[dict] = mapped_column(JSON)


class FrameworkSummaryRow(Base):
    """A researcher's summary of one cell of a framework matrix (cases × codes), kept with the matrix's name."""

    __tablename__ = "framework_summaries"
    __table_args__ = (UniqueConstraint("matrix", "rows", "row_value", "code", name="uq_framework_summaries_cell"),
                      NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matrix: Mapped[str] = mapped_column(String(200))
    rows: Mapped[str] = mapped_column(String(100))
    row_value: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ActionRow(Base):
    """The append-only action log (Taguette's ``Command``): every user action with the rows it changed, written in
    the same transaction as its effect. ``changes`` lists ``{table, id, before, after}`` (``before`` None: inserted;
    ``after`` None: deleted), so an undo applies them backwards. An undo or redo is itself logged, naming the
    action it reverses (``target``)."""

    __tablename__ = "actions"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[list] = mapped_column(JSON)
    undoable: Mapped[bool] = mapped_column(Boolean)
    target: Mapped[int | None] = mapped_column(Integer)


from qualcoder.store import lexico as _lexico  # noqa: E402, F401  the lexicometry tables (qualcoder.lexico)


class RefiGuidRow(Base):
    """The GUID an object had in the REFI-QDA project it was imported from, so a re-export keeps it (the original
    tool then recognises its own codes, sources and users). ``kind``: document, code, user, case, variable,
    selection, coding, note; ``key``: the object in qualcoder (document name, code id, coder, ...)."""

    __tablename__ = "refi_guids"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_refi_guids_kind_key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(600))
    guid: Mapped[str] = mapped_column(String(40))


from qualcoder.store import privacy as _privacy  # noqa: E402, F401  the pseudonymisation detections (qualcoder.privacy)
