"""The lexicometry runs (qualcoder.lexico): their tables and the only code that opens Sessions on them.

A run stores its parameters, report (versions, dendrogram, notes) and one row per text segment: the segment's
document offsets, its context unit and its class (0 = unclassified), plus the classes of the two simple
classifications behind a double one. Segments anchor to document offsets, like codings and topic assignments.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import JSON, DateTime, Engine, ForeignKey, Integer, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from qualcoder.store.tables import NEVER_REUSE_IDS, Base


class LexicoRunRow(Base):
    """A Reinert classification: kind (simple | double), parameters, seed, library versions, report."""

    __tablename__ = "lexico_runs"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    params: Mapped[dict] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON)


class LexicoSegmentRow(Base):
    """A text segment of a run: ``document.text[start:end]``, its context unit and class."""

    __tablename__ = "lexico_segments"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("lexico_runs.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    unit: Mapped[int] = mapped_column(Integer)
    cls: Mapped[int] = mapped_column(Integer)
    cls1: Mapped[int | None] = mapped_column(Integer)
    cls2: Mapped[int | None] = mapped_column(Integer)


SEGMENT_COLUMNS = ["position", "doc_id", "start", "end", "unit", "cls", "cls1", "cls2"]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class LexicoStore:
    """Runs and their segments, on the project's engine."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def save_run(self, name: str, kind: str, params: dict, report: dict, segments: list[dict]) -> int:
        """Store a run and its segments (``document_id, position, start, end, unit, cls, cls1, cls2``) in one
        transaction: a failure leaves nothing stored."""
        with Session(self.engine) as session, session.begin():
            run = LexicoRunRow(name=name, kind=kind, created_at=_now(), params=params, report=report)
            session.add(run)
            session.flush()
            if segments:
                session.execute(insert(LexicoSegmentRow), [{**row, "run_id": run.id} for row in segments])
            return run.id

    def run_taken(self, name: str) -> bool:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).where(LexicoRunRow.name == name)) > 0

    def runs_frame(self) -> pd.DataFrame:
        columns = list(LexicoRunRow.__table__.columns)
        with Session(self.engine) as session:
            rows = session.execute(select(*columns).order_by(LexicoRunRow.id)).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in columns])

    def segments_frame(self, run_id: int) -> pd.DataFrame:
        table = LexicoSegmentRow
        query = (select(table.position, table.document_id, table.start, table.end, table.unit, table.cls, table.cls1,
                        table.cls2).where(table.run_id == run_id).order_by(table.position))
        with Session(self.engine) as session:
            rows = session.execute(query).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=SEGMENT_COLUMNS)

    def delete_run(self, name: str) -> bool:
        with Session(self.engine) as session, session.begin():
            return session.execute(delete(LexicoRunRow).where(LexicoRunRow.name == name)).rowcount > 0

    def mark(self) -> tuple:
        """(count, highest id) of the runs: the explorer keys its cached lexicometry queries on it."""
        with Session(self.engine) as session:
            return tuple(session.execute(select(func.count(), func.max(LexicoRunRow.id))).one())
