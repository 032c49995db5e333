"""Pseudonymisation detections (qualcoder.privacy): their table and the reads on it.

A detection is a passage ``document.text[start:end]`` that names someone or something identifying, its category
(person, place, organisation, email, phone, birthdate, age, address), where it came from (ner, pattern, speaker,
term, propagated, manual) and the reviewer's decision (pending, accepted, rejected). Writes go through the action
log (``Repository.act`` with the ``privacy_detections`` table), so review decisions are undoable.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from qualcoder.store.tables import NEVER_REUSE_IDS, Base

DETECTION_COLUMNS = ["id", "doc_id", "doc", "start", "end", "text", "category", "source", "status", "decided_by"]


class PrivacyDetectionRow(Base):
    __tablename__ = "privacy_detections"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


def detections_frame(engine: Engine) -> pd.DataFrame:
    """Every stored detection with its document's name, in document order."""
    from qualcoder.store.tables import DocumentRow

    row = PrivacyDetectionRow
    query = (select(row.id, row.document_id, DocumentRow.name, row.start, row.end, row.text, row.category,
                    row.source, row.status, row.decided_by)
             .join(DocumentRow, DocumentRow.id == row.document_id).order_by(row.document_id, row.start))
    with Session(engine) as session:
        rows = [tuple(r) for r in session.execute(query)]
    return pd.DataFrame(rows, columns=DETECTION_COLUMNS)
