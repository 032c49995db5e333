"""The repository: the only module that opens SQLAlchemy Sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, Integer, Select, String, Text, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcoder.errors import UnknownDocument
from qualcoder.ingest.metadata import SpeakerInfo
from qualcoder.models import Document, ParsedDocument, Section, Turn
from qualcoder.store import journal
from qualcoder.store.journal import Action, Changes
from qualcoder.store.tables import (
    ActionRow,
    AdjudicationRow,
    CodebookRow,
    CodingRow,
    DocumentRow,
    FrameworkSummaryRow,
    MemoRow,
    ParseRow,
    RefiGuidRow,
    SectionRow,
    SegmentationRow,
    SegmentRow,
    SettingRow,
    SpeakerRow,
    TopicAssignmentRow,
    TopicRow,
    TopicRunRow,
    TurnRow,
    UserRow,
    ValueGroupRow,
)
from qualcoder.text.parse import Parse


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """A DataFrame from result rows (plain tuples build one several times faster than Row objects)."""
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


PLAIN_TYPES = {Integer, String, Text}  # exact types: Enum (a String) or Float may be converted by SQLAlchemy


def _plain_rows(connection: Connection, query: Select) -> list[tuple]:
    """The rows of ``query`` as plain tuples (they build a DataFrame several times faster than Rows). A query
    without parameters whose columns are all integers or strings (the driver's values are the Python values) is
    read straight from the DBAPI cursor: building SQLAlchemy Rows costs as much as the read itself on 100,000
    rows. Any other query goes through SQLAlchemy."""
    compiled = query.compile(dialect=connection.dialect)
    plain = not compiled.params and all(type(column.type) in PLAIN_TYPES for column in query.selected_columns)
    if not plain:
        return [tuple(row) for row in connection.execute(query)]
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()


CodingValue = str | int | Iterable[str] | None
"""A coding filter's value: one value (equal to it), several (one of them), or None (any)."""

_CODING_COLUMNS = {"document": "document_id", "code": "code", "coder": "coder", "source": "source",
                   "status": "status"}


def coding_where(*, not_status: str | None = None, **match: CodingValue) -> list:
    """The SQL conditions for codings whose ``document``, ``code``, ``coder``, ``source`` or ``status`` is the value
    given (one of the values, for a list or set), and whose status is not ``not_status``; callers outside the store
    pass these plain values and never see the table.

    >>> len(coding_where(coder="alice", status=["applied", "accepted"], code=None))
    2
    """
    conditions = []
    for name, value in match.items():
        if value is None:
            continue
        column = getattr(CodingRow, _CODING_COLUMNS[name])
        single = isinstance(value, (str, int))
        conditions.append(column == value if single else column.in_(sorted(value)))
    if not_status is not None:
        conditions.append(CodingRow.status != not_status)
    return conditions


class DocumentConflict(Exception):
    """Another writer stored a document with the same identity or name between the check and the insert."""


class Revision(NamedTuple):
    """(row count, highest id) of each table the explorer caches queries on, and codings per status."""

    codings: tuple
    memos: tuple
    decisions: tuple
    segments: tuple
    codebooks: tuple
    topic_runs: tuple
    statuses: tuple
    documents: tuple
    parses: tuple
    actions: tuple
    labels: tuple  # what speakers' roles and professions, document attributes and value groups depend on
    viewer: str | None = None  # the coder whose codings alone are read (blind coding enforced), else None


Result = TypeVar("Result")
# actions after which segments must be read again for their speakers' roles, professions and document attributes
LABEL_KINDS = ("speakers-import", "speaker-edit", "document-edit", "group-edit", "group-remove")


@dataclass(frozen=True)
class CodingSync:
    """What ``sync_codings`` did: rows added, kept (updated in place, id and decisions kept), removed, and the memos
    that went with the removed rows."""

    added: int
    kept: int
    removed: int
    memos_removed: int


_now = journal.now


class Repository:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.gate = None  # team mode's checks (qualcoder.team.accounts.Gate), set by the Project

    # documents -------------------------------------------------------------------------------
    @contextmanager
    def _core(self) -> Iterator[Connection]:
        """A Core connection for fast reads (the one this repository is bound to, inside an import transaction)."""
        if isinstance(self.engine, Connection):
            yield self.engine
        else:
            with self.engine.connect() as connection:
                yield connection

    def duplicate_of(self, sha256: str) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(DocumentRow.name).where(DocumentRow.sha256 == sha256))

    def name_taken(self, name: str) -> bool:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).where(DocumentRow.name == name)) > 0

    def add_documents(self, documents: Iterable[ParsedDocument]) -> list[int]:
        """Store documents with their sections and turns, all in one transaction.

        Raises ``DocumentConflict`` (nothing stored) when a document with the same identity hash or name was stored
        by another writer meanwhile: the caller checks again and reports it as a duplicate.
        """
        try:
            return self._add_documents(documents)
        except IntegrityError as exc:
            raise DocumentConflict(str(exc.orig)) from exc

    def _add_documents(self, documents: Iterable[ParsedDocument]) -> list[int]:
        ids = []
        with Session(self.engine) as session, session.begin():
            for parsed in documents:
                row = DocumentRow(
                    name=parsed.name, source_path=parsed.source_path, format=parsed.format, sha256=parsed.sha256,
                    doc_type=parsed.doc_type, language=parsed.language, date=parsed.date,
                    attributes=parsed.attributes, text=parsed.text, n_chars=len(parsed.text), imported_at=_now(),
                )
                session.add(row)
                session.flush()
                session.add_all(
                    SectionRow(document_id=row.id, position=i, start=s.start, end=s.end, title=s.title, kind=s.kind)
                    for i, s in enumerate(parsed.sections)
                )
                session.add_all(
                    TurnRow(document_id=row.id, position=i, start=t.start, end=t.end, speaker=t.speaker,
                            section=t.section, timestamp=t.timestamp)
                    for i, t in enumerate(parsed.turns)
                )
                ids.append(row.id)
        return ids

    def replace_turns(self, doc_id: int, turns: Iterable[Turn], doc_type: str | None = None) -> int:
        """Swap a document's speaker turns (its text never changes, so codings keep their offsets); its parse and
        segments, built from the old turns, are removed in the same transaction. Returns the number of turns."""
        turns = list(turns)
        with Session(self.engine) as session, session.begin():
            session.execute(delete(TurnRow).where(TurnRow.document_id == doc_id))
            session.add_all(TurnRow(document_id=doc_id, position=i, start=t.start, end=t.end, speaker=t.speaker,
                                    section=t.section, timestamp=t.timestamp) for i, t in enumerate(turns))
            session.execute(delete(ParseRow).where(ParseRow.document_id == doc_id))
            session.execute(delete(SegmentRow).where(SegmentRow.document_id == doc_id))
            if doc_type:
                session.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(doc_type=doc_type))
        return len(turns)

    def remove_document(self, doc_id: int, actor: str = "owner") -> dict[str, int]:
        """Delete a document and everything anchored to it, in one transaction: its codings, the memos on it or on
        its codings, its topic assignments, adjudications, turns, sections, segments and parse. Returns how many
        rows of each were removed. Logged (not undoable: the backup taken first restores it)."""
        self._authorize(actor, "document-remove")
        with Session(self.engine) as session, session.begin():
            row = session.get(DocumentRow, doc_id)
            if row is None:
                raise UnknownDocument(f"no document {doc_id!r} in this project", place="documents",
                                      fix="List them with `qualcoder documents`.")
            coding_ids = [str(i) for i in session.scalars(select(CodingRow.id).where(CodingRow.document_id == doc_id))]
            memo_filter = or_(
                (MemoRow.target == "document") & MemoRow.target_id.in_([str(doc_id), row.name]),
                (MemoRow.target == "coding") & MemoRow.target_id.in_(coding_ids or ["-"]),
            )
            removed = {"memos": session.execute(delete(MemoRow).where(memo_filter)).rowcount}
            for name, table in (("codings", CodingRow), ("topic_assignments", TopicAssignmentRow),
                                ("adjudications", AdjudicationRow), ("segments", SegmentRow), ("turns", TurnRow),
                                ("sections", SectionRow), ("parses", ParseRow)):
                removed[name] = session.execute(delete(table).where(table.document_id == doc_id)).rowcount
            session.execute(delete(RefiGuidRow).where(RefiGuidRow.kind == "document", RefiGuidRow.key == row.name))
            session.delete(row)
            counts = ", ".join(f"{n} {name}" for name, n in removed.items() if n)
            journal.log(session, actor, "document-remove", f"remove document {row.name}" + (f" ({counts})" if counts
                        else ""), [], undoable=False, when=_now())
        return removed

    def document(self, key: int | str) -> Document:
        with Session(self.engine) as session:
            column = DocumentRow.id if isinstance(key, int) else DocumentRow.name
            row = session.scalar(select(DocumentRow).where(column == key))
            if row is None:
                raise UnknownDocument(f"no document {key!r} in this project", place="documents",
                                      fix="List them with `qualcoder documents`.")
            return Document(row.id, row.name, row.text, row.sha256, row.doc_type, row.language, row.date,
                            row.format, dict(row.attributes or {}))

    def documents_frame(self, with_text: bool = True) -> pd.DataFrame:
        columns = [DocumentRow.id, DocumentRow.name, DocumentRow.doc_type, DocumentRow.language, DocumentRow.date,
                   DocumentRow.format, DocumentRow.n_chars, DocumentRow.sha256, DocumentRow.source_path,
                   DocumentRow.attributes]
        if with_text:
            columns.append(DocumentRow.text)
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).order_by(DocumentRow.id)).all()
        names = ["doc_id", "name", "type", "language", "date", "format", "n_chars", "sha256", "source_path",
                 "attributes"] + (["text"] if with_text else [])
        return pd.DataFrame(rows, columns=names)

    def texts(self) -> dict[int, tuple[str, str]]:
        """doc_id -> (language, text)."""
        with Session(self.engine) as session:
            rows = session.execute(select(DocumentRow.id, DocumentRow.language, DocumentRow.text)).all()
        return {doc_id: (language, text) for doc_id, language, text in rows}

    def turns(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[Turn]]:
        """doc_id -> its speaker turns in order (every document's, or only those of ``doc_ids``)."""
        query = select(TurnRow).order_by(TurnRow.document_id, TurnRow.position)
        if doc_ids is not None:
            query = query.where(TurnRow.document_id.in_(list(doc_ids)))
        with Session(self.engine) as session:
            rows = session.scalars(query).all()
            found: dict[int, list[Turn]] = {}
            for r in rows:
                found.setdefault(r.document_id, []).append(Turn(r.start, r.end, r.speaker, r.section, r.timestamp))
        return found

    def sections(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[Section]]:
        """doc_id -> its sections in order (every document's, or only those of ``doc_ids``)."""
        query = select(SectionRow).order_by(SectionRow.document_id, SectionRow.position)
        if doc_ids is not None:
            query = query.where(SectionRow.document_id.in_(list(doc_ids)))
        with Session(self.engine) as session:
            rows = session.scalars(query).all()
            found: dict[int, list[Section]] = {}
            for r in rows:
                found.setdefault(r.document_id, []).append(Section(r.start, r.end, r.title, r.kind))
        return found

    def turns_frame(self) -> pd.DataFrame:
        with Session(self.engine) as session:
            rows = session.execute(select(TurnRow.document_id, TurnRow.position, TurnRow.speaker)).all()
        return pd.DataFrame(rows, columns=["doc_id", "turn", "speaker"])

    # speakers --------------------------------------------------------------------------------
    def upsert_speakers(self, speakers: Iterable[SpeakerInfo]) -> int:
        count = 0
        with Session(self.engine) as session, session.begin():
            for info in speakers:
                row = session.scalar(select(SpeakerRow).where(SpeakerRow.label == info.label,
                                                              SpeakerRow.file == (info.file or "")))
                if row is None:
                    row = SpeakerRow(label=info.label, file=info.file or "")
                    session.add(row)
                row.role, row.profession, row.organisation = info.role, info.profession, info.organisation
                row.attributes = dict(info.attributes)
                count += 1
            if count:  # logged so that the explorer's speaker columns see the change (not undoable: re-import)
                journal.log(session, "import", LABEL_KINDS[0], f"speakers from a CSV: {count} row(s)", [],
                            undoable=False, when=_now())
        return count

    def users(self) -> list[UserRow]:
        with Session(self.engine) as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.name)).all()
            session.expunge_all()
            return list(rows)

    def framework_summaries(self, matrix: str, rows: str) -> pd.DataFrame:
        """row, code, summary, author, updated_at of a framework matrix's summarised cells."""
        query = select(FrameworkSummaryRow.row_value, FrameworkSummaryRow.code, FrameworkSummaryRow.summary,
                       FrameworkSummaryRow.author, FrameworkSummaryRow.updated_at).where(
            FrameworkSummaryRow.matrix == matrix, FrameworkSummaryRow.rows == rows)
        with Session(self.engine) as session:
            found = session.execute(query.order_by(FrameworkSummaryRow.id)).all()
        return _frame(found, ["row", "code", "summary", "author", "updated_at"])

    def setting(self, key: str) -> dict | None:
        with Session(self.engine) as session:
            return session.scalar(select(SettingRow.value).where(SettingRow.key == key))

    def value_groups(self) -> dict[str, dict[str, str]]:
        """attribute -> {value: group}."""
        with Session(self.engine) as session:
            rows = session.execute(select(ValueGroupRow.attribute, ValueGroupRow.value, ValueGroupRow.group_name))
            found: dict[str, dict[str, str]] = {}
            for attribute, value, group in rows:
                found.setdefault(attribute, {})[value] = group
        return found

    def speakers(self) -> list[SpeakerInfo]:
        with Session(self.engine) as session:
            rows = session.scalars(select(SpeakerRow).order_by(SpeakerRow.label, SpeakerRow.file)).all()
            return [SpeakerInfo(r.label, r.role, r.profession, r.organisation, r.file or None, dict(r.attributes))
                    for r in rows]

    # parses ----------------------------------------------------------------------------------
    def parse_pipelines(self) -> dict[int, str]:
        with Session(self.engine) as session:
            return dict(session.execute(select(ParseRow.document_id, ParseRow.pipeline)).all())

    def save_parses(self, parses: Iterable[tuple[int, str, Parse]]) -> None:
        with Session(self.engine) as session, session.begin():
            for doc_id, pipeline, parse in parses:
                session.execute(delete(ParseRow).where(ParseRow.document_id == doc_id))
                session.add(ParseRow(document_id=doc_id, pipeline=pipeline, n_tokens=len(parse.lemmas),
                                     data=parse.to_bytes(), created_at=_now()))

    def parses(self, doc_ids: Iterable[int] | None = None) -> dict[int, Parse]:
        query = select(ParseRow.document_id, ParseRow.data)
        if doc_ids is not None:
            query = query.where(ParseRow.document_id.in_(list(doc_ids)))
        with Session(self.engine) as session:
            return {doc_id: Parse.from_bytes(data) for doc_id, data in session.execute(query)}

    # segments --------------------------------------------------------------------------------
    def replace_segments(self, method: str, rows: list[dict]) -> int:
        """Swap the project's segmentation for a new one in one transaction."""
        with Session(self.engine) as session, session.begin():
            session.execute(delete(SegmentRow))
            session.execute(delete(SegmentationRow))
            segmentation = SegmentationRow(method=method, created_at=_now())
            session.add(segmentation)
            session.flush()
            for row in rows:
                row["segmentation_id"] = segmentation.id
            if rows:
                session.execute(insert(SegmentRow), rows)
        return len(rows)

    def add_segments(self, doc_ids: Iterable[int], rows: list[dict]) -> int:
        """Replace the segments of some documents inside the current segmentation (documents imported or
        re-detected after the project was segmented), in one transaction. Returns the number of segments."""
        doc_ids = list(doc_ids)
        with Session(self.engine) as session, session.begin():
            current = session.scalar(select(SegmentationRow.id).order_by(SegmentationRow.id.desc()).limit(1))
            if current is None:
                return 0
            session.execute(delete(SegmentRow).where(SegmentRow.document_id.in_(doc_ids)))
            if rows:
                session.execute(insert(SegmentRow), [{**row, "segmentation_id": current} for row in rows])
        return len(rows)

    def unsegmented_documents(self) -> list[str]:
        """Names of the documents without any segment while the project has a segmentation."""
        with Session(self.engine) as session:
            if session.scalar(select(func.count()).select_from(SegmentationRow)) == 0:
                return []
            segmented = select(SegmentRow.document_id).distinct()
            return list(session.scalars(select(DocumentRow.name).where(DocumentRow.id.not_in(segmented))
                                        .order_by(DocumentRow.id)))

    # REFI-QDA GUIDs ---------------------------------------------------------------------------
    def refi_guids(self) -> dict[tuple[str, str], str]:
        """(kind, key) → the GUID the object had in the .qdpx it was imported from."""
        with Session(self.engine) as session:
            return {(kind, key): guid for kind, key, guid in
                    session.execute(select(RefiGuidRow.kind, RefiGuidRow.key, RefiGuidRow.guid))}

    def save_refi_guids(self, guids: dict[tuple[str, str], str]) -> None:
        """Remember imported GUIDs; an object that already has one keeps its first."""
        if not guids:
            return
        with Session(self.engine) as session, session.begin():
            known = set(session.execute(select(RefiGuidRow.kind, RefiGuidRow.key)).tuples())
            fresh = [{"kind": k, "key": key[:600], "guid": g} for (k, key), g in guids.items() if (k, key) not in known]
            if fresh:
                session.execute(insert(RefiGuidRow), fresh)

    def segmentation(self) -> str | None:
        with Session(self.engine) as session:
            return session.scalar(select(SegmentationRow.method).order_by(SegmentationRow.id.desc()).limit(1))

    def segments_frame(self) -> pd.DataFrame:
        query = select(SegmentRow.id, SegmentRow.document_id, SegmentRow.position, SegmentRow.start, SegmentRow.end,
                       SegmentRow.speaker, SegmentRow.section, SegmentRow.turn).order_by(SegmentRow.id)
        with self._core() as connection:
            rows = _plain_rows(connection, query)
        return pd.DataFrame(rows, columns=["segment_id", "doc_id", "position", "start", "end", "speaker",
                                           "section_index", "turn"])

    def sections_frame(self) -> pd.DataFrame:
        with Session(self.engine) as session:
            rows = session.execute(select(SectionRow.document_id, SectionRow.position, SectionRow.title,
                                          SectionRow.kind)).all()
        return pd.DataFrame(rows, columns=["doc_id", "section_index", "section", "section_kind"])

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            return {
                name: session.scalar(select(func.count()).select_from(table))
                for name, table in (("documents", DocumentRow), ("turns", TurnRow), ("segments", SegmentRow),
                                    ("speakers", SpeakerRow), ("parses", ParseRow))
            }

    # codebooks -------------------------------------------------------------------------------
    def codebook_mark(self) -> tuple[int, str] | None:
        """(id, version) of the codebook row in force: it changes whenever a codebook is loaded. None without one."""
        with Session(self.engine) as session:
            row = session.execute(select(CodebookRow.id, CodebookRow.version).order_by(CodebookRow.id.desc())
                                  .limit(1)).first()
        return tuple(row) if row else None

    def active_codebook(self) -> tuple[dict, str] | None:
        with Session(self.engine) as session:
            row = session.scalars(select(CodebookRow).order_by(CodebookRow.id.desc()).limit(1)).first()
            return (dict(row.content), row.source) if row else None

    def codebook_history(self) -> dict[str, tuple[dict, str]]:
        """version -> (content, source) of every codebook ever loaded."""
        with Session(self.engine) as session:
            rows = session.execute(select(CodebookRow.version, CodebookRow.content, CodebookRow.source)).all()
        return {version: (dict(content), source) for version, content, source in rows}

    # codings ---------------------------------------------------------------------------------
    def add_codings(self, rows: list[dict]) -> list[int]:
        with Session(self.engine) as session, session.begin():
            objects = [CodingRow(created_at=_now(), **row) for row in rows]
            session.add_all(objects)
            session.flush()
            return [o.id for o in objects]

    def coding(self, coding_id: int) -> dict | None:
        with Session(self.engine) as session:
            row = session.get(CodingRow, coding_id)
            return {c.name: getattr(row, c.name) for c in CodingRow.__table__.columns} if row else None

    def codings_frame(self, columns: list[str] | None = None, **match: CodingValue) -> pd.DataFrame:
        """The codings (every column, or only ``columns``), in id order; ``match`` keeps some (see ``coding_where``).

        >>> # repo.codings_frame(["code", "start"], coder="alice", status=("applied", "accepted"))
        """
        table = CodingRow.__table__.columns
        chosen = [table[name] for name in columns] if columns else list(table)
        where = coding_where(**match)
        alone = self.gate.hide_others() if self.gate is not None else None
        if alone is not None and (self.setting("blind") or {}).get("on"):
            where = (*where, CodingRow.coder == alone)  # blind coding: a coder sees only their own codings
        # a Core connection: ORM result processing doubles the time on 100,000 codings
        with self._core() as connection:
            rows = _plain_rows(connection, select(*chosen).where(*where).order_by(CodingRow.id))
        return pd.DataFrame(rows, columns=[c.name for c in chosen])

    def code_versions(self, source: str) -> dict[str, str | None]:
        """code -> codebook version of its codings from one source (one version per code is expected)."""
        with Session(self.engine) as session:
            rows = session.execute(select(CodingRow.code, CodingRow.codebook_version)
                                   .where(CodingRow.source == source).distinct()).all()
        return dict(rows)

    def count_codings(self, **match: CodingValue) -> int:
        """How many codings ``match`` keeps (see ``coding_where``), whoever may see them."""
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(CodingRow).where(*coding_where(**match)))

    def revision(self) -> Revision:
        """A cheap fingerprint of what analyses read: it changes when codings, memos, decisions, segments, the
        codebook, topic runs, documents or parses change (row counts and highest ids, and codings per status)."""
        # a parse has no id of its own: re-parsing a document gives it a new time
        columns = [table.id for table in (CodingRow, MemoRow, AdjudicationRow, SegmentRow, CodebookRow, TopicRunRow,
                                          DocumentRow)] + [ParseRow.created_at, ActionRow.id]
        with Session(self.engine) as session:
            marks = [tuple(session.execute(select(func.count(), func.max(column))).one()) for column in columns]
            statuses = tuple(tuple(row) for row in session.execute(
                select(CodingRow.status, func.count()).group_by(CodingRow.status).order_by(CodingRow.status)))
            labels = (session.scalar(select(func.max(ActionRow.id)).where(ActionRow.kind.in_(LABEL_KINDS))),
                      *(tuple(session.execute(select(func.count(), func.max(table.id))).one())
                        for table in (SpeakerRow, ValueGroupRow)))
        return Revision(*marks[:6], statuses, *marks[6:], labels)

    def coders(self, sources: Iterable[str]) -> list[str]:
        """The coders with codings from any of ``sources``, sorted."""
        query = select(CodingRow.coder).where(CodingRow.source.in_(list(sources))).distinct().order_by(CodingRow.coder)
        with Session(self.engine) as session:
            return list(session.scalars(query))

    def recent_codes(self, coder: str, limit: int) -> list[str]:
        """The codes ``coder`` applied most recently (newest first, each once)."""
        newest = func.max(CodingRow.id)
        query = (select(CodingRow.code).where(CodingRow.coder == coder, CodingRow.source == "manual")
                 .group_by(CodingRow.code).order_by(newest.desc()).limit(limit))
        with Session(self.engine) as session:
            return list(session.scalars(query))

    # the action log --------------------------------------------------------------------------
    def act(self, actor: str, kind: str, summary: str, work: Callable[[Changes], Result], *,
            undoable: bool = True) -> tuple[Result, Action]:
        """Run ``work(changes)`` and log it as one action, in one transaction: both happen or neither."""
        self._authorize(actor, kind)
        with Session(self.engine) as session, session.begin():
            changes = Changes(session)
            result = work(changes)
            action = journal.log(session, actor, kind, summary, changes.recorded, undoable=undoable, when=_now())
        return result, action

    def _authorize(self, actor: str, kind: str) -> None:
        if self.gate is not None:
            self.gate.authorize(actor, kind)

    def undo(self, actor: str) -> Action | None:
        """Undo ``actor``'s latest action still done; None when there is none. Raises ``journal.StaleChange``
        (and changes nothing) when a row it touched was changed since."""
        return self._step(actor, undo=True)

    def redo(self, actor: str) -> Action | None:
        """Redo ``actor``'s latest undone action, unless a new action came after the undo."""
        return self._step(actor, undo=False)

    def next_steps(self, actor: str) -> tuple[Action | None, Action | None]:
        """The actions an undo and a redo by ``actor`` would act on now (None when there is none)."""
        with Session(self.engine) as session:
            done, undone = self._stacks(session, actor)
            return tuple(journal.as_action(session.get(ActionRow, stack[-1])) if stack else None
                         for stack in (done, undone))

    @staticmethod
    def _stacks(session: Session, actor: str) -> tuple[list[int], list[int]]:
        entries = session.execute(select(ActionRow.id, ActionRow.kind, ActionRow.undoable, ActionRow.target)
                                  .where(ActionRow.actor == actor).order_by(ActionRow.id)).all()
        return journal.stacks([tuple(entry) for entry in entries])

    def _step(self, actor: str, undo: bool) -> Action | None:
        self._authorize(actor, "undo" if undo else "redo")
        with Session(self.engine) as session, session.begin():
            done, undone = self._stacks(session, actor)
            stack = done if undo else undone
            if not stack:
                return None
            target = session.get(ActionRow, stack[-1])
            changes = Changes(session)
            (changes.reverse if undo else changes.replay)(list(target.changes))
            kind = "undo" if undo else "redo"
            return journal.log(session, actor, kind, f"{kind}: {target.summary}", changes.recorded, undoable=False,
                               target=target.id, when=_now())

    def actions(self, actor: str | None = None, limit: int | None = None) -> list[Action]:
        """The log, newest first (one actor's, or everyone's)."""
        query = select(ActionRow).order_by(ActionRow.id.desc())
        if actor is not None:
            query = query.where(ActionRow.actor == actor)
        with Session(self.engine) as session:
            return [journal.as_action(row) for row in session.scalars(query.limit(limit))]

    def sync_codings(self, rows: list[dict], actor: str, kind: str, summary: str, **match: CodingValue
                     ) -> CodingSync:
        """Make the codings ``match`` keeps (see ``coding_where``) equal ``rows`` (keyed by document, start, end
        and code), logged as one action that cannot be undone (it is re-run instead). A coding found again keeps its
        id, memos and status (a rejected rule coding stays rejected); one not found again is removed, with its memos,
        unless a person decided on it (accepted or rejected)."""
        self._authorize(actor, kind)
        with Session(self.engine) as session, session.begin():
            existing = {(r.document_id, r.start, r.end, r.code): r
                        for r in session.scalars(select(CodingRow).where(*coding_where(**match)))}
            added, kept = [], 0
            for row in rows:
                key = (row["document_id"], row["start"], row["end"], row["code"])
                found = existing.pop(key, None)
                if found is None:
                    added.append(row)
                    continue
                kept += 1
                for name in ("pattern", "confidence", "codebook_version", "snippet"):
                    if name in row and getattr(found, name) != row[name]:
                        setattr(found, name, row[name])
            gone = [r.id for r in existing.values() if r.status not in ("accepted", "rejected")]
            memos = session.scalar(select(func.count()).select_from(MemoRow).where(MemoRow.coding_id.in_(gone))
                                   ) if gone else 0
            for chunk in range(0, len(gone), 500):
                session.execute(delete(CodingRow).where(CodingRow.id.in_(gone[chunk:chunk + 500])))
            if added:
                now = _now()
                session.execute(insert(CodingRow), [{**row, "created_at": now} for row in added])
            result = CodingSync(len(added), kept, len(gone), memos)
            journal.log(session, actor, kind, f"{summary}: {result.added} added, {result.kept} kept, "
                        f"{result.removed} removed", [], undoable=False, when=_now())
        return result

    # memos -----------------------------------------------------------------------------------
    def add_memo(self, target: str, target_id: str, coder: str, text: str) -> int:
        """A memo written in bulk (REFI import); a person's memos go through the action log (coding.edits)."""
        document_id = int(target_id) if target == "document" else None
        coding_id = int(target_id) if target == "coding" else None
        with Session(self.engine) as session, session.begin():
            memo = MemoRow(target=target, target_id=target_id, coder=coder, text=text, created_at=_now(),
                           document_id=document_id, coding_id=coding_id)
            session.add(memo)
            session.flush()
            return memo.id

    def memos_frame(self) -> pd.DataFrame:
        columns = list(MemoRow.__table__.columns)
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).order_by(MemoRow.id)).all()
        return pd.DataFrame(rows, columns=[c.name for c in columns])

    # adjudication ----------------------------------------------------------------------------
    def decisions_frame(self) -> pd.DataFrame:
        columns = list(AdjudicationRow.__table__.columns)
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).order_by(AdjudicationRow.id)).all()
        return _frame(rows, [c.name for c in columns])

    # topics ----------------------------------------------------------------------------------
    def save_topic_run(self, name: str, segmentation: str, params: dict, report: dict, topics: list[dict],
                       assignments: list[dict], complete_report: Callable[[], dict] | None = None) -> int:
        """Store a run in one transaction. ``complete_report``, when given, is called once the rows are written
        and before the commit, and its report replaces ``report``: figures still being computed elsewhere are
        waited for while the rows are written, and a failure leaves nothing stored."""
        with Session(self.engine) as session, session.begin():
            run = TopicRunRow(name=name, created_at=_now(), segmentation=segmentation, params=params, report=report)
            session.add(run)
            session.flush()
            if topics:
                session.execute(insert(TopicRow), [{**t, "run_id": run.id} for t in topics])
            if assignments:
                session.execute(insert(TopicAssignmentRow), [{**a, "run_id": run.id} for a in assignments])
            if complete_report:
                session.execute(update(TopicRunRow).where(TopicRunRow.id == run.id)
                                .values(report=complete_report()))
            return run.id

    def topic_run_taken(self, name: str) -> bool:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).where(TopicRunRow.name == name)) > 0

    def topic_runs_frame(self) -> pd.DataFrame:
        columns = list(TopicRunRow.__table__.columns)
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).order_by(TopicRunRow.id)).all()
        return _frame(rows, [c.name for c in columns])

    def topics_frame(self, run_id: int) -> pd.DataFrame:
        columns = [TopicRow.language, TopicRow.topic, TopicRow.label, TopicRow.words, TopicRow.size]
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).where(TopicRow.run_id == run_id)
                                   .order_by(TopicRow.language, TopicRow.topic)).all()
        return _frame(rows, ["language", "topic", "label", "words", "size"])

    def topic_assignments_frame(self, run_id: int) -> pd.DataFrame:
        columns = [TopicAssignmentRow.segment_id, TopicAssignmentRow.document_id, TopicAssignmentRow.start,
                   TopicAssignmentRow.end, TopicAssignmentRow.language, TopicAssignmentRow.topic,
                   TopicAssignmentRow.probability]
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).where(TopicAssignmentRow.run_id == run_id)
                                   .order_by(TopicAssignmentRow.id)).all()
        return _frame(rows, ["segment_id", "doc_id", "start", "end", "language", "topic", "probability"])
