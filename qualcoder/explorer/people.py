"""Speakers & documents: who speaks in each document (role, profession, organisation), each document's type, date
and attributes, and value groups (``GP``, ``médecin généraliste`` and ``general practitioner`` counted as one), all
edited in tables. Each saved row is one action of the API (``set_speaker``, ``set_document``, ``set_group``):
recorded with who and when, undoable with ``qualcoder undo``, refused with the API's reason for a role that may not."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from qualcoder.explorer import safe, state
from qualcoder.explorer.table_edits import cell, changed_cells, group_changes
from qualcoder.study.speakers import SPEAKER_FIELDS, groupable_attributes
from qualcoder.team import accounts

if TYPE_CHECKING:
    from qualcoder.project import Project

ACTOR = "people_actor"
FIXED_DOCUMENT_COLUMNS = ("doc_id", "name", "language", "format", "n_chars", "sha256", "source_path")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    revision = state.revision(project)
    st.title("Speakers & documents")
    actor = _actor()
    speakers, documents, groups = st.tabs(["Speakers", "Documents", "Value groups"])
    mark = abs(hash((revision.labels, revision.documents)))  # a saved edit redraws the tables from the project
    with speakers:
        _speakers(project, actor, mark)
    with documents:
        _documents(project, actor, mark)
    with groups:
        _groups(project, actor, mark)


def _actor() -> str:
    """Who the edits are recorded under: the login on a shared project, else a typed name."""
    user = accounts.current_user()
    if user is not None:
        st.caption(safe.md(f"Changes are recorded under {user.name}."))
        return user.name
    st.session_state.setdefault(ACTOR, st.query_params.get("coder", ""))
    name = st.text_input("Your name (recorded on each change)", key=ACTOR, placeholder="your name")
    return name.strip()


def _save(label: str, key: str, actor: str, disabled: bool = False) -> bool:
    if not actor:
        st.caption("Type your name above to save changes.")
    return st.button(label, key=key, type="primary", disabled=disabled or not actor)


def _run_all(writes: list, what: str) -> None:
    """Run each write (one action each); say how many were saved, and show every refusal."""
    saved = sum(state.run(write) for write in writes)
    if saved:
        safe.toast(f"{saved} {what} saved")
        st.rerun()


# speakers ------------------------------------------------------------------------------------------------------
def _speakers(project: Project, actor: str, mark: int) -> None:
    frame = project.speakers_df(grouped=False)
    if frame.empty:
        st.info("No speaker turns were found in the documents yet.")
        return
    names = project.documents_df(with_text=False, grouped=False).set_index("doc_id")["name"]
    frame = frame.assign(document=frame["doc_id"].map(names))
    chosen = st.selectbox("Document", [None, *sorted(frame["document"].dropna().unique())], key="people_doc",
                          format_func=lambda v: "every document" if v is None else v)
    shown = frame if chosen is None else frame[frame["document"] == chosen]
    shown = shown[["doc_id", "document", "speaker", "turns", *SPEAKER_FIELDS]].reset_index(drop=True)
    st.caption(f"{len(shown)} speakers · values as written (value groups apply in the analyses)")
    edited = st.data_editor(shown, hide_index=True, key=f"people_speakers_{chosen}_{mark}",
                            disabled=["doc_id", "document", "speaker", "turns"], column_config={"doc_id": None})
    changes = changed_cells(shown, edited, SPEAKER_FIELDS)
    if _save(f"Save speaker changes ({len(changes)})", "people_save_speakers", actor, disabled=not changes):
        _run_all([lambda i=i, d=d: project.set_speaker(actor, int(shown.at[i, "doc_id"]), shown.at[i, "speaker"], **d)
                  for i, d in changes.items()], "speaker edit(s)")


# documents -----------------------------------------------------------------------------------------------------
def _documents(project: Project, actor: str, mark: int) -> None:
    frame = project.documents_df(with_text=False, grouped=False)
    if frame.empty:
        st.info("No documents yet: see the Import page.")
        return
    listed = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, (list, dict))).any()]
    extra = st.session_state.setdefault("people_new_columns", [])
    with st.popover("Add an attribute column"):
        new = st.text_input("Attribute name", key="people_new_column").strip()
        if st.button("Add", key="people_add_column", disabled=not new) and new not in frame.columns:
            extra.append(new)
    shown = frame.assign(**{c: "" for c in extra if c not in frame.columns})
    shown = shown.assign(**{c: shown[c].map(_listed) for c in listed}).reset_index(drop=True)
    editable = [c for c in shown.columns if c not in FIXED_DOCUMENT_COLUMNS and c not in listed]
    edited = st.data_editor(shown, hide_index=True, key=f"people_documents_{mark}_{len(extra)}",
                            disabled=[c for c in shown.columns if c not in editable],
                            column_config={"sha256": None, "source_path": None, "doc_id": None})
    changes = changed_cells(shown, edited, editable)
    if _save(f"Save document changes ({len(changes)})", "people_save_documents", actor, disabled=not changes):
        _run_all([lambda i=i, d=d: project.set_document(actor, int(shown.at[i, "doc_id"]), **_document_fields(d))
                  for i, d in changes.items()], "document edit(s)")


def _listed(value) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else cell(value)


def _document_fields(diff: dict[str, str]) -> dict:
    """A row's changed cells as ``set_document``'s arguments (a cleared attribute is removed)."""
    fields: dict = {}
    if "type" in diff:
        fields["doc_type"] = diff.pop("type")
    if "date" in diff:
        fields["date"] = diff.pop("date")
    fields["attributes"] = {k: v for k, v in diff.items() if v}
    fields["remove"] = [k for k, v in diff.items() if not v]
    return fields


# value groups --------------------------------------------------------------------------------------------------
def _groups(project: Project, actor: str, mark: int) -> None:
    st.caption("Give several values the same group to count them as one in every table, chart and export "
               "(GP, médecin généraliste and general practitioner as one profession). Clear a group to count a "
               "value as itself again.")
    attribute = st.selectbox("Attribute", sorted(groupable_attributes(project)), key="people_group_attribute",
                             index=sorted(groupable_attributes(project)).index("profession"))
    values = _values(project, attribute)
    current = project.groups_df()
    mapping = dict(zip(*(current.loc[current["attribute"] == attribute, c] for c in ("value", "group"))))
    table = pd.DataFrame({"value": values.index, "count": values.to_numpy(),
                          "group": [mapping.get(v, "") for v in values.index]})
    edited = st.data_editor(table, hide_index=True, key=f"people_groups_{attribute}_{mark}",
                            disabled=["value", "count"],
                            column_config={"group": st.column_config.TextColumn("group (counts as)")})
    grouped, ungrouped = group_changes(table, edited)
    count = sum(map(len, grouped.values())) + len(ungrouped)
    if _save(f"Save groups ({count} value(s))", "people_save_groups", actor, disabled=not count):
        _run_all([*(lambda g=g, v=v: project.set_group(actor, attribute, v, g) for g, v in grouped.items()),
                  *(lambda v=v: project.remove_group(actor, attribute, v) for v in ungrouped)], "group change(s)")


def _values(project: Project, attribute: str) -> pd.Series:
    """Each value of ``attribute`` as written, with how many speakers (or documents) have it."""
    if attribute in SPEAKER_FIELDS:
        column = project.speakers_df(grouped=False)[attribute]
    else:
        column = project.documents_df(with_text=False, grouped=False)[attribute]
    return column.map(cell).loc[lambda c: c != ""].value_counts().sort_index()


if __name__ == "__main__":
    render()
