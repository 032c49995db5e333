"""The action log's mechanics: record the rows an action changes, and undo or redo them.

An action runs inside one transaction with a ``Changes`` recorder: every insert, update and delete it makes goes
through the recorder, which keeps the row before and after. The list is stored on the action's row
(``ActionRow.changes``), so undoing applies it backwards and redoing forwards, after checking that each row is
still as the action left it (another person may have changed it since: then nothing is applied and the undo is
refused with the reason). Only this package knows tables; callers name them (``"codings"``, ``"memos"``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Table, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcoder.store.privacy import PrivacyDetectionRow
from qualcoder.store.tables import (
    ActionRow,
    AdjudicationRow,
    CodebookRow,
    CodingRow,
    DocumentRow,
    FrameworkSummaryRow,
    MemoRow,
    SectionRow,
    SettingRow,
    SpeakerRow,
    TurnRow,
    UserRow,
    ValueGroupRow,
)

TABLES: dict[str, Table] = {row.__tablename__: row.__table__ for row in (
    CodingRow, MemoRow, AdjudicationRow, CodebookRow, SpeakerRow, DocumentRow, ValueGroupRow, SectionRow, TurnRow,
    UserRow, SettingRow, FrameworkSummaryRow)}
TABLES["privacy_detections"] = PrivacyDetectionRow.__table__  # qualcoder.privacy's review decisions
# rows that die with a parent through a foreign key: deleted (and so recorded) before the parent
# (for a codebook version: the versions made from it, so that undoing a version someone built on is refused)
DEPENDENTS = {"codings": (("memos", "coding_id"),), "codebooks": (("codebooks", "derived_from"),)}


def now() -> datetime:
    """The time stored on rows: UTC, without a zone (SQLite keeps none)."""
    return datetime.now(UTC).replace(tzinfo=None)


class StaleChange(Exception):
    """A row is no longer as the action left it: the undo or redo would overwrite someone else's work."""


@dataclass(frozen=True)
class Action:
    """One entry of the action log."""

    id: int
    created_at: datetime
    actor: str
    kind: str
    summary: str
    undoable: bool
    target: int | None
    changes: list[dict]


def plain(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row as JSON-safe values (dates as ISO text)."""
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in row.items()
            if name in table.columns}


def restored(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``plain``: ISO text back to dates for date columns."""
    out = {}
    for name, value in row.items():
        column = table.columns[name]
        out[name] = datetime.fromisoformat(value) if isinstance(column.type, DateTime) and value else value
    return out


class Changes:
    """Inserts, updates and deletes inside one transaction, each recorded with the row before and after.

    On SQLite the transaction takes the write lock before it reads anything: two writers then run one after the
    other, and the second sees what the first wrote (instead of failing on a snapshot that went stale)."""

    def __init__(self, session: Session):
        self.session = session
        self.recorded: list[dict] = []
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("UPDATE actions SET id = id WHERE 0"))

    def rows(self, table: str, **equal) -> list[dict]:
        """The rows of ``table`` whose columns equal the given values (current state, inside the transaction)."""
        found = TABLES[table]
        query = select(found).where(*[found.columns[name] == value for name, value in equal.items()])
        return [dict(row._mapping) for row in self.session.execute(query.order_by(found.columns["id"]))]

    def row(self, table: str, row_id: int) -> dict | None:
        found = self.rows(table, id=row_id)
        return found[0] if found else None

    def latest(self, table: str) -> dict | None:
        """The row of ``table`` with the highest id."""
        found = TABLES[table]
        row = self.session.execute(select(found).order_by(found.columns["id"].desc()).limit(1)).first()
        return dict(row._mapping) if row else None

    def insert(self, table: str, values: dict) -> int:
        """Insert a row (its ``created_at`` set to now when the table has one and it is not given); its id."""
        found = TABLES[table]
        if "created_at" in found.columns and values.get("created_at") is None:
            values = {**values, "created_at": now()}
        try:
            # values as parameters, not in the statement: one cached statement per table (building a cache key
            # from the values cost 20 ms an insert)
            row = self.session.execute(insert(found).returning(*found.columns), values).one()
        except IntegrityError as error:  # a unique row written by someone else at the same moment
            raise StaleChange(f"another {table[:-1]} like this one was written meanwhile") from error
        after = dict(row._mapping)
        self.recorded.append({"table": table, "id": after["id"], "before": None, "after": plain(found, after)})
        return after["id"]

    def update(self, table: str, row_id: int, values: dict) -> None:
        found = TABLES[table]
        current = self.row(table, row_id)
        changed = {name: value for name, value in values.items() if current[name] != value}
        if not changed:
            return
        self.session.execute(update(found).where(found.columns["id"] == row_id).values(**changed))
        self.recorded.append({"table": table, "id": row_id, "before": plain(found, {n: current[n] for n in changed}),
                              "after": plain(found, changed)})

    def delete(self, table: str, row_id: int) -> None:
        found = TABLES[table]
        for child, column in DEPENDENTS.get(table, ()):
            for dependent in self.rows(child, **{column: row_id}):
                self.delete(child, dependent["id"])
        current = self.row(table, row_id)
        self.session.execute(delete(found).where(found.columns["id"] == row_id))
        self.recorded.append({"table": table, "id": row_id, "before": plain(found, current), "after": None})

    # undo and redo -------------------------------------------------------------------------------------------
    def reverse(self, changes: list[dict]) -> None:
        """Undo ``changes`` (newest first), after checking that each row is as they left it."""
        for change in reversed(changes):
            self._move(change["table"], change["id"], change["after"], change["before"])

    def replay(self, changes: list[dict]) -> None:
        """Redo ``changes`` (oldest first), after checking that each row is as they found it."""
        for change in changes:
            self._move(change["table"], change["id"], change["before"], change["after"])

    def _move(self, table: str, row_id: int, expected: dict | None, wanted: dict | None) -> None:
        found = TABLES[table]
        current = self.row(table, row_id)
        now = plain(found, current) if current is not None else None
        if (now is None) != (expected is None) or (now is not None and any(
                now.get(name) != value for name, value in expected.items())):
            raise StaleChange(f"{table[:-1]} {row_id} was changed since")
        if wanted is None:
            for child, column in DEPENDENTS.get(table, ()):
                if self.rows(child, **{column: row_id}):
                    raise StaleChange(f"{table[:-1]} {row_id} has {child} added since")
            self.session.execute(delete(found).where(found.columns["id"] == row_id))
        elif expected is None:
            self.session.execute(insert(found).values(**restored(found, wanted)))
        else:
            self.session.execute(update(found).where(found.columns["id"] == row_id).values(**restored(found,
                                                                                                         wanted)))
        self.recorded.append({"table": table, "id": row_id, "before": expected, "after": wanted})


def log(session: Session, actor: str, kind: str, summary: str, changes: list[dict], *, undoable: bool = True,
        target: int | None = None, when: datetime) -> Action:
    """Append an action to the log (in the caller's transaction)."""
    row = ActionRow(created_at=when, actor=actor, kind=kind, summary=summary, changes=changes, undoable=undoable,
                    target=target)
    session.add(row)
    session.flush()
    return as_action(row)


def as_action(row: ActionRow) -> Action:
    return Action(row.id, row.created_at, row.actor, row.kind, row.summary, bool(row.undoable), row.target,
                  list(row.changes or []))


def stacks(entries: list[tuple[int, str, bool, int | None]]) -> tuple[list[int], list[int]]:
    """(done, undone) stacks of one actor from its log entries ``(id, kind, undoable, target)`` in order: an undo
    moves its target from done to undone, a redo back, and any new undoable action empties the undone stack.

    >>> stacks([(1, "apply", True, None), (2, "apply", True, None), (3, "undo", False, 2)])
    ([1], [2])
    >>> stacks([(1, "apply", True, None), (2, "undo", False, 1), (3, "apply", True, None)])
    ([3], [])
    """
    done: list[int] = []
    undone: list[int] = []
    for action_id, kind, undoable, target in entries:
        if kind == "undo" and target in done:
            done.remove(target)
            undone.append(target)
        elif kind == "redo" and target in undone:
            undone.remove(target)
            done.append(target)
        elif undoable:
            done.append(action_id)
            undone.clear()
    return done, undone
