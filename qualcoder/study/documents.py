"""Correcting a document's type, date and attributes (one undoable action each)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from qualcoder.errors import InvalidMetadata
from qualcoder.store.journal import Changes

if TYPE_CHECKING:
    from qualcoder.project import Project

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def set_document(project: Project, actor: str, doc: int | str, *, doc_type: str | None = None, date: str | None = None,
                 attributes: Mapping[str, str] | None = None, remove: Iterable[str] = ()) -> None:
    """Set a document's type, its date (``YYYY-MM-DD``, ``""`` clears it) and attributes (``remove`` drops some).

    >>> # set_document(project, "alice", "entretien-03.txt", attributes={"network": "Réseau B"})
    """
    document = project.document(doc)
    if date and not ISO_DATE.match(date):
        raise InvalidMetadata(f"the date {date!r} is not YYYY-MM-DD", place=document.name,
                              fix="Write the date like 2004-03-11.")
    reserved = {"doc_id", "name", "type", "language", "date", "text"} & set(attributes or {})
    if reserved:
        raise InvalidMetadata(f"{', '.join(sorted(reserved))} cannot be set as an attribute", place=document.name,
                              fix="Use the type and date fields; the name and language come from the import.")
    remove = list(remove)

    def work(changes: Changes) -> None:
        row = changes.row("documents", document.id)
        values = {}
        if doc_type is not None:
            values["doc_type"] = doc_type.strip() or row["doc_type"]
        if date is not None:
            values["date"] = date or None
        if attributes or remove:
            merged = {**(row["attributes"] or {}), **{k.strip(): v for k, v in (attributes or {}).items() if k.strip()}}
            for key in remove:
                merged.pop(key, None)
            values["attributes"] = merged
        changes.update("documents", document.id, values)

    project.act(actor, "document-edit", f"document {document.name}: "
                     + ", ".join(k for k, v in (("type", doc_type), ("date", date), ("attributes", attributes or remove))
                                 if v is not None), work)
