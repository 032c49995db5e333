"""Merging a colleague's work: another project (its folder, or a .qdpx of ours) brought into this one.

Documents are matched by their text's hash (and name when several share a text); the other side's codings, memos,
decisions and speaker entries come in with their coder; codes the other side added join the codebook. Nothing of
either side is lost: a coding both sides hold (same document, span, code, coder and source) is kept once, and when
the two differ (status, memo) ours is kept, the difference reported and their memo kept as a memo on the coding.
The whole merge is one transaction and one undoable action; the store is backed up first.

>>> # report = merge_project(project, "colleague-copy/", "alice"); report.codings_added, report.conflicts
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.coding.codebook import parse_codebook, to_document
from qualcoder.errors import QualcoderError
from qualcoder.store.journal import Changes, now

if TYPE_CHECKING:
    from qualcoder.project import Project

CODING_KEY = ("document_id", "start", "end", "code", "coder", "source")
CODING_COPIED = ("start", "end", "code", "coder", "source", "status", "confidence", "codebook_version", "pattern",
                 "memo", "snippet", "created_at", "decided_by")


class MergeRefused(QualcoderError):
    code = "Q260"


@dataclass
class MergeReport:
    """What a merge did (or would do, on a dry run)."""

    documents_matched: int = 0
    documents_added: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    decisions_added: int = 0
    speakers_added: int = 0
    codes_added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    def __init__(self, report: MergeReport):
        self.report = report


def merge_project(project: Project, other: str | Path, actor: str, *, dry_run: bool = False) -> MergeReport:
    """Bring the project in folder ``other`` (or a ``.qdpx`` file) into ``project``."""
    source = Path(other)
    if source.suffix.lower() == ".qdpx":
        return _merge_qdpx(project, source, actor, dry_run)
    from qualcoder.project import Project

    theirs = Project.open(source)
    try:
        if theirs.folder.resolve() == project.folder.resolve():
            raise MergeRefused("a project cannot be merged into itself", place=source, fix="Give a colleague's copy.")
        return _merge(project, theirs, actor, dry_run, str(source))
    finally:
        theirs.close()


def _merge_qdpx(project: Project, path: Path, actor: str, dry_run: bool) -> MergeReport:
    from qualcoder.refi.new_project import import_qdpx_as_new_project

    scratch = Path(tempfile.mkdtemp(prefix="qualcoder-merge-"))
    try:
        theirs, _ = import_qdpx_as_new_project(path, scratch / "incoming")
        try:
            return _merge(project, theirs, actor, dry_run, str(path))
        finally:
            theirs.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _merge(project: Project, theirs, actor: str, dry_run: bool, place: str) -> MergeReport:
    incoming = _Incoming.read(theirs)
    if not dry_run:
        project.backup(f"merge {Path(place).name}")
    report = MergeReport(dry_run=dry_run)

    def work(changes: Changes) -> MergeReport:
        documents = _documents(changes, incoming, report)
        _codebook(changes, project, incoming, report)
        decisions = _decisions(changes, incoming, documents, report)
        codings = _codings(changes, incoming, documents, decisions, report)
        _memos(changes, incoming, documents, codings, report)
        _speakers(changes, incoming, report)
        if dry_run:
            raise _DryRun(report)
        return report

    try:
        project.act(actor, "merge", f"merge {place}", work)
    except _DryRun as done:
        return done.report
    return report


@dataclass
class _Incoming:
    """Everything read from the other project before our transaction starts."""

    documents: pd.DataFrame
    sections: dict
    turns: dict
    codings: pd.DataFrame
    memos: pd.DataFrame
    decisions: pd.DataFrame
    speakers: list
    codebook: tuple | None

    @classmethod
    def read(cls, theirs) -> _Incoming:
        repo = theirs.repo
        return cls(repo.documents_frame(with_text=True), repo.sections(), repo.turns(), repo.codings_frame(),
                   repo.memos_frame(), repo.decisions_frame(), repo.speakers(), repo.active_codebook())


def _documents(changes: Changes, incoming: _Incoming, report: MergeReport) -> dict[int, int]:
    """their document id -> ours; documents we lack are added with their sections and turns."""
    ours = changes.session.execute(_select_documents()).all()
    by_hash: dict[str, list[tuple[int, str]]] = {}
    for doc_id, name, sha in ours:
        by_hash.setdefault(sha, []).append((doc_id, name))
    names = {name for _, name, _ in ours}
    mapping = {}
    for row in incoming.documents.itertuples():
        same = by_hash.get(row.sha256, [])
        chosen = next((doc_id for doc_id, name in same if name == row.name), same[0][0] if same else None)
        if chosen is not None:
            mapping[int(row.doc_id)] = chosen
            report.documents_matched += 1
            continue
        name = _free(row.name, names)
        names.add(name)
        new_id = changes.insert("documents", {
            "name": name, "source_path": row.source_path, "format": row.format, "sha256": row.sha256,
            "doc_type": row.type, "language": row.language, "date": row.date, "attributes": row.attributes or {},
            "text": row.text, "n_chars": len(row.text), "imported_at": now()})
        for position, section in enumerate(incoming.sections.get(int(row.doc_id), [])):
            changes.insert("sections", {"document_id": new_id, "position": position, "start": section.start,
                                        "end": section.end, "title": section.title, "kind": section.kind})
        for position, turn in enumerate(incoming.turns.get(int(row.doc_id), [])):
            changes.insert("turns", {"document_id": new_id, "position": position, "start": turn.start,
                                     "end": turn.end, "speaker": turn.speaker, "section": turn.section,
                                     "timestamp": turn.timestamp})
        mapping[int(row.doc_id)] = new_id
        report.documents_added.append(name)
        by_hash.setdefault(row.sha256, []).append((new_id, name))
    return mapping


def _select_documents():
    from sqlalchemy import select

    from qualcoder.store.journal import TABLES

    table = TABLES["documents"]
    return select(table.c.id, table.c.name, table.c.sha256)


def _free(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}~{number}" in taken:
        number += 1
    return f"{name}~{number}"


def _codebook(changes: Changes, project: Project, incoming: _Incoming, report: MergeReport) -> None:
    """Codes only the other side has join our codebook (as a new version); a code both define differently keeps
    our definition (reported)."""
    if incoming.codebook is None:
        return
    their_book = parse_codebook(*incoming.codebook)
    latest = changes.latest("codebooks")
    if latest is None:
        book, report.codes_added = their_book, [c.id for c in their_book.codes]
    else:
        ours = parse_codebook(latest["content"], latest["source"])
        known = {c.id: c for c in ours.codes}
        document = to_document(ours)
        theirs_document = {item["id"]: item for item in to_document(their_book)["codes"]}
        for code in their_book.codes:
            if code.id not in known:
                document["codes"].append(theirs_document[code.id])
                report.codes_added.append(code.id)
            elif (code.label, code.definition, code.parent) != (known[code.id].label, known[code.id].definition,
                                                                known[code.id].parent):
                report.conflicts.append(f"code {code.id}: defined differently on the other side; ours kept")
        if not report.codes_added:
            return
        book = parse_codebook(document, latest["source"])
    changes.insert("codebooks", {"book_id": book.id, "version": book.version, "source": book.source,
                                 "content": to_document(book), "loaded_at": now(),
                                 "derived_from": latest["id"] if latest else None})


def _decisions(changes: Changes, incoming: _Incoming, documents: dict[int, int], report: MergeReport
               ) -> dict[int, int]:
    mapping = {}
    for row in incoming.decisions.to_dict("records"):
        document_id = documents[int(row["document_id"])]
        same = changes.rows("adjudications", document_id=document_id, start=row["start"], end=row["end"],
                            code=row["code"], decision=row["decision"], decided_by=row["decided_by"])
        if same:
            mapping[int(row["id"])] = same[0]["id"]
            continue
        values = {k: _value(row[k]) for k in ("start", "end", "code", "decision", "coders", "decided_by",
                                               "created_at", "reverted_at")}
        mapping[int(row["id"])] = changes.insert("adjudications", {**values, "document_id": document_id})
        report.decisions_added += 1
    return mapping


def _value(value):
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _codings(changes: Changes, incoming: _Incoming, documents: dict[int, int], decisions: dict[int, int],
             report: MergeReport) -> dict[int, int]:
    """their coding id -> ours."""
    ours: dict[tuple, dict] = {}
    for document_id in set(documents.values()):
        for row in changes.rows("codings", document_id=document_id):
            ours.setdefault(tuple(row[k] for k in CODING_KEY), row)
    mapping = {}
    for row in incoming.codings.to_dict("records"):
        values = {k: _value(row[k]) for k in CODING_COPIED}
        values["document_id"] = documents[int(row["document_id"])]
        adjudication = _value(row.get("adjudication_id"))
        values["adjudication_id"] = decisions.get(int(adjudication)) if adjudication is not None else None
        key = tuple(values[k] for k in CODING_KEY)
        present = ours.get(key)
        if present is None:
            new_id = changes.insert("codings", values)
            ours[key] = {**values, "id": new_id}
            mapping[int(row["id"])] = new_id
            report.codings_added += 1
            continue
        mapping[int(row["id"])] = present["id"]
        report.codings_present += 1
        if present["status"] != values["status"]:
            report.conflicts.append(f"coding {present['id']} ({values['code']}, {values['coder']}): ours is "
                                    f"{present['status']}, theirs {values['status']}; ours kept")
        if values["memo"] and values["memo"] != present.get("memo") and not changes.rows(
                "memos", coding_id=present["id"], text=values["memo"]):
            changes.insert("memos", {"target": "coding", "target_id": str(present["id"]), "coding_id": present["id"],
                                     "coder": values["coder"], "text": values["memo"]})
            report.memos_added += 1
    return mapping


def _memos(changes: Changes, incoming: _Incoming, documents: dict[int, int], codings: dict[int, int],
           report: MergeReport) -> None:
    for row in incoming.memos.to_dict("records"):
        values = {"target": row["target"], "target_id": row["target_id"], "coder": row["coder"], "text": row["text"],
                  "created_at": _value(row["created_at"])}
        if row["target"] == "document" and _value(row.get("document_id")) is not None:
            values["document_id"] = documents[int(row["document_id"])]
            values["target_id"] = str(values["document_id"])
        elif row["target"] == "coding" and _value(row.get("coding_id")) is not None:
            values["coding_id"] = codings[int(row["coding_id"])]
            values["target_id"] = str(values["coding_id"])
        if changes.rows("memos", target=values["target"], target_id=values["target_id"], coder=values["coder"],
                        text=values["text"]):
            continue
        changes.insert("memos", values)
        report.memos_added += 1


def _speakers(changes: Changes, incoming: _Incoming, report: MergeReport) -> None:
    for info in incoming.speakers:
        found = changes.rows("speakers", label=info.label, file=info.file or "")
        values = {"role": info.role, "profession": info.profession, "organisation": info.organisation,
                  "attributes": dict(info.attributes)}
        if not found:
            changes.insert("speakers", {"label": info.label, "file": info.file or "", **values})
            report.speakers_added += 1
        elif any(found[0][k] != v for k, v in values.items()):
            report.conflicts.append(f"speaker {info.label}{' in ' + info.file if info.file else ''}: described "
                                    "differently on the other side; ours kept")
