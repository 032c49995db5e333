"""Correcting who speaks: a speaker's role, profession, organisation and attributes in a document, and value groups.

Each edit is one undoable action (``qualcoder undo``). A speaker edit is stored as a speakers.csv entry scoped to the
document, so it wins over a general entry and over the minutes' attendee list, exactly as an imported one would.

>>> # set_speaker(project, "alice", "cr-2004-03-11.txt", "Dr Morel", profession="neurologue")
>>> # set_group(project, "alice", "profession", ["GP", "general practitioner"], "médecin généraliste")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.errors import InvalidMetadata
from qualcoder.store.journal import Changes

if TYPE_CHECKING:
    from qualcoder.project import Project

SPEAKER_FIELDS = ("role", "profession", "organisation")
GROUPED_SPEAKER_COLUMNS = SPEAKER_FIELDS


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else value


def set_speaker(project: Project, actor: str, doc: int | str, label: str, *, role: str | None = None,
                profession: str | None = None, organisation: str | None = None,
                attributes: Mapping[str, str] | None = None) -> None:
    """Set what is given (``""`` clears a field) for the speaker ``label`` of a document."""
    document = project.document(doc)
    speakers = project.speakers_df(grouped=False)
    mine = speakers[(speakers["doc_id"] == document.id) & (speakers["speaker"] == label)]
    if mine.empty:
        raise InvalidMetadata(f"{label!r} does not speak in {document.name}", place=document.name,
                              fix="Pick a speaker of this document (see its speakers table).")
    current = mine.iloc[0]
    given = {"role": role, "profession": profession, "organisation": organisation}
    values = {name: _clean(given[name]) if given[name] is not None else _none(current[name]) for name in SPEAKER_FIELDS}

    def work(changes: Changes) -> None:
        rows = changes.rows("speakers", label=label, file=document.name)
        extra = dict(rows[0]["attributes"] or {}) if rows else {}
        extra.update({k: v for k, v in (attributes or {}).items() if v})
        for key in [k for k, v in (attributes or {}).items() if not v]:
            extra.pop(key, None)
        if rows:
            changes.update("speakers", rows[0]["id"], {**values, "attributes": extra})
        else:
            changes.insert("speakers", {"label": label, "file": document.name, **values, "attributes": extra})

    what = ", ".join(f"{k} {v!r}" for k, v in {**given, **(attributes or {})}.items() if v is not None)
    project.act(actor, "speaker-edit", f"speaker {label} in {document.name}: {what}", work)


def _none(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def set_group(project: Project, actor: str, attribute: str, values: Iterable[str], group: str) -> None:
    """Count each of ``values`` of ``attribute`` (profession, role, organisation, or a document attribute) as
    ``group`` everywhere."""
    group = _clean(group) or ""
    values = [v for v in dict.fromkeys(_clean(v) for v in values) if v]
    if not group or not values:
        raise InvalidMetadata("a group needs a name and at least one value", place=attribute,
                              fix="Give the values to put together and the group's name.")
    known = groupable_attributes(project)
    if attribute not in known:
        raise InvalidMetadata(f"{attribute!r} is not an attribute of this project", place=attribute,
                              fix=f"Use one of {', '.join(sorted(known))}.")

    def work(changes: Changes) -> None:
        for value in values:
            rows = changes.rows("value_groups", attribute=attribute, value=value)
            if rows:
                changes.update("value_groups", rows[0]["id"], {"group_name": group})
            else:
                changes.insert("value_groups", {"attribute": attribute, "value": value, "group_name": group})

    project.act(actor, "group-edit", f"{attribute}: {', '.join(values)} → {group}", work)


def remove_group(project: Project, actor: str, attribute: str, value: str) -> None:
    """Count ``value`` as itself again."""

    def work(changes: Changes) -> None:
        rows = changes.rows("value_groups", attribute=attribute, value=value)
        if not rows:
            raise InvalidMetadata(f"{value!r} is in no group of {attribute!r}", place=attribute,
                                  fix="List the groups with `qualcoder groups list`.")
        changes.delete("value_groups", rows[0]["id"])

    project.act(actor, "group-remove", f"{attribute}: {value} no longer grouped", work)


def groupable_attributes(project: Project) -> set[str]:
    documents = project.documents_df(with_text=False, grouped=False)
    core = {"doc_id", "name", "language", "date", "format", "n_chars", "sha256", "source_path", "n_words"}
    return {*SPEAKER_FIELDS, *(c for c in documents.columns if c not in core)}


def apply_groups(frame: pd.DataFrame, groups: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """``frame`` with each grouped column's values replaced by their group (other values unchanged).

    >>> apply_groups(pd.DataFrame({"profession": ["GP", "nurse"]}), {"profession": {"GP": "médecin"}}
    ...              )["profession"].tolist()
    ['médecin', 'nurse']
    """
    changed = {column: frame[column].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
               for column, mapping in groups.items() if column in frame.columns and mapping}
    return frame.assign(**changed) if changed else frame


def groups_df(project: Project) -> pd.DataFrame:
    """One row per grouped value: attribute, value, group."""
    rows = [(attribute, value, group) for attribute, mapping in sorted(project.value_groups().items())
            for value, group in sorted(mapping.items())]
    return pd.DataFrame(rows, columns=["attribute", "value", "group"])
