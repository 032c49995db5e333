"""Pseudonymise: detect names and identifying details, review every detection in its context (accept, reject,
change its category, for one or every occurrence), add a missed one, preview the pseudonyms, and write the
pseudonymised copy with its key. Thin over ``qualcoder.privacy``; user text shown in dataframes or escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe, state

if TYPE_CHECKING:
    from qualcoder.project import Project

DECISIONS = {"pending": "pending", "accepted": "accept", "rejected": "reject"}
COLUMNS = ["id", "doc", "before", "text", "after", "category", "source", "status"]


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    from qualcoder.privacy import apply as privacy_apply
    from qualcoder.privacy import review

    st.title("Pseudonymise")
    marked = privacy_apply.state(project)
    if marked:
        st.info(safe.md(f"This project is a pseudonymised copy (made {marked.get('applied_at', '')}, "
                        f"{marked.get('entities', 0)} entities). Its key is kept outside it."))
    by = st.text_input("Reviewer", value=st.query_params.get("coder", ""), key="pv_by").strip()
    counts = review.progress_counts(project)
    total = sum(counts.values())
    if total:
        done = counts["accepted"] + counts["rejected"]
        st.progress(done / total, text=f"Reviewed {done} of {total} detections ({counts['accepted']} accepted, "
                                       f"{counts['rejected']} rejected, {counts['pending']} pending)")
    _detect(project, by)
    if total:
        _review(project, by)
        _add(project, by)
        _preview(project)
        _apply(project, by)


def _detect(project: Project, by: str) -> None:
    from qualcoder.privacy import review

    with st.expander("Detect", expanded=not review.progress_counts(project)["pending"]):
        st.caption("Persons, places and organisations (spaCy NER, French and English), speakers' names, e-mails, "
                   "phone numbers, dates of birth, ages near a name, street addresses and the project's terms. "
                   "Decisions already taken are kept.")
        if st.button("Detect in every document", disabled=not by, key="pv_detect", type="primary"):
            bar = st.progress(0.0, text="Detecting…")

            def progress(stage: str, done: int, total: int) -> None:
                bar.progress(min(1.0, done / max(total, 1)), text=f"Detecting… {done:,} of {total:,} characters")

            try:
                report = review.detect(project, by, progress=progress)
                st.success(f"{report.added} detections in {report.documents} documents; {report.kept} kept.")
            except QualcoderError as error:
                safe.error(error)


def _review(project: Project, by: str) -> None:
    from qualcoder.privacy import review
    from qualcoder.privacy.detect import CATEGORIES

    st.subheader("Review")
    cols = st.columns(3)
    status = cols[0].selectbox("Status", ["pending", "accepted", "rejected", "all"], key="pv_status")
    category = cols[1].selectbox("Category", ["all", *CATEGORIES], key="pv_category")
    everywhere = cols[2].checkbox("Apply to all occurrences of the same text", value=True, key="pv_everywhere")
    frame = review.detections_df(project, status=None if status == "all" else status,
                                 category=None if category == "all" else category)
    if frame.empty:
        st.info("Nothing to review with these filters.")
        return
    shown = frame[COLUMNS].head(500).assign(decision=lambda f: f["status"].map(DECISIONS))
    edited = st.data_editor(
        shown, hide_index=True, key="pv_editor", disabled=[c for c in COLUMNS if c != "category"],
        column_order=["decision", "before", "text", "after", "category", "doc", "source", "id"],
        column_config={"decision": st.column_config.SelectboxColumn("decision", options=list(DECISIONS.values())),
                       "category": st.column_config.SelectboxColumn("category", options=list(CATEGORIES))})
    if len(frame) > 500:
        st.caption(f"The first 500 of {len(frame)} detections; filter to see the others.")
    if st.button("Save the decisions", disabled=not by, key="pv_save"):
        try:
            changed = _save(project, by, shown, edited, everywhere)
            st.success(f"{changed} detections changed.")
            st.rerun()
        except QualcoderError as error:
            safe.error(error)


def _save(project: Project, by: str, before: pd.DataFrame, after: pd.DataFrame, everywhere: bool) -> int:
    """The edited rows as review decisions (one action per kind of change)."""
    from qualcoder.privacy import review

    wanted = {value: key for key, value in DECISIONS.items()}
    changed = 0
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows()):
        status = wanted[new["decision"]] if new["decision"] != old["decision"] else None
        category = new["category"] if new["category"] != old["category"] else None
        if status or category:
            changed += review.decide(project, by, [int(old["id"])], status=status, category=category,
                                     all_occurrences=everywhere)
    return changed


SELECTION, VIEW_KEY = "pv_selection", "pv_view"


def _remember_selection(name: str) -> None:
    from qualcoder.explorer.components.document_view import event_value

    value = event_value(VIEW_KEY, name)
    if name == "selection" and isinstance(value, dict) and isinstance(value.get("start"), int):
        st.session_state[SELECTION] = value


def _document_view(folder: str, revision, doc_id: int) -> None:
    """The document in the shared document view: selecting a passage there picks it (no code picker: no coder)."""
    from qualcoder.explorer import studio
    from qualcoder.explorer.components.document_view import document_view
    from qualcoder.explorer.components.runs import build_view

    parts = studio.parts(folder, doc_id, revision)
    view = build_view(parts.document.text, [], turns=parts.turns, sections=parts.sections,
                      professions=parts.professions)
    data = studio.view_data(view, parts, None, "", height="40vh", hint="Select the missed name with the mouse.")
    # selections are sent only by an editable view; without a coder it opens no code picker
    document_view(data.replace('"editable":false', '"editable":true', 1), key=VIEW_KEY, on_event=_remember_selection)


def _add(project: Project, by: str) -> None:
    from qualcoder.privacy import review
    from qualcoder.privacy.detect import CATEGORIES

    with st.expander("Add a missed name"):
        documents = project.documents_df(with_text=False, grouped=False)
        names = dict(zip(documents["doc_id"], documents["name"]))
        cols = st.columns([3, 1, 1])
        doc = cols[0].selectbox("Document", list(names), format_func=lambda d: names[d], key="pv_add_doc")
        category = cols[1].selectbox("Category", list(CATEGORIES), key="pv_add_category")
        everywhere = cols[2].checkbox("Every occurrence in every document", value=True, key="pv_add_everywhere")
        _document_view(state.folder(), state.revision(project), int(doc))
        picked = st.session_state.get(SELECTION)
        if picked and picked.get("doc") != int(doc):
            picked = None
        passage = st.text_input("…or type the passage, as written in the document", key="pv_add_text").strip()
        if picked and not passage:
            safe.text_block(f"Selected: {picked.get('text', '')}")
        if st.button("Add", disabled=not (by and (passage or picked)), key="pv_add"):
            text = project.document(int(doc)).text
            if passage:
                start = text.find(passage)
                if start < 0:
                    safe.error(f"{passage!r} is not in {names[doc]}.")
                    return
                end = start + len(passage)
            else:
                start, end = int(picked["start"]), int(picked["end"])
            try:
                added = review.add(project, by, int(doc), start, end, category, all_occurrences=everywhere)
                st.session_state.pop(SELECTION, None)
                st.success(f"{added} detections added.")
            except QualcoderError as error:
                safe.error(error)


def _preview(project: Project) -> None:
    from qualcoder.privacy import apply as privacy_apply

    with st.expander("Pseudonyms (preview)"):
        style = st.radio("Style", ["label", "realistic"], horizontal=True, key="pv_style")
        try:
            planned = privacy_apply.plan(project, style=style)
        except QualcoderError as error:
            safe.error(error)
            return
        for warning in planned.warnings:
            st.warning(safe.md(warning))
        st.dataframe(pd.DataFrame(privacy_apply.summary(planned)), hide_index=True)


def _apply(project: Project, by: str) -> None:
    from qualcoder.privacy import apply as privacy_apply

    st.subheader("Apply")
    cols = st.columns(2)
    key = cols[0].text_input("Key file (outside the project folder)", key="pv_key")
    output = cols[1].text_input("Folder of the pseudonymised copy (new)", key="pv_output")
    cols = st.columns(3)
    in_place = cols[0].checkbox("In place instead (a backup is written next to the key)", key="pv_in_place")
    accepted_only = cols[1].checkbox("Accepted detections only", key="pv_accepted_only")
    style = cols[2].radio("Pseudonyms", ["label", "realistic"], horizontal=True, key="pv_apply_style")
    ready = by and key.strip() and (in_place or output.strip())
    if st.button("Write the pseudonymised project", disabled=not ready, type="primary", key="pv_apply"):
        try:
            with st.spinner("Pseudonymising…"):
                report = privacy_apply.apply(project, by, key.strip(), output=output.strip() or None,
                                             in_place=in_place, style=style, accepted_only=accepted_only)
        except QualcoderError as error:
            safe.error(error)
            return
        for warning in report.warnings:
            st.warning(safe.md(warning))
        st.success(safe.md(f"Pseudonymised {report.documents} documents ({report.replacements} replacements) into "
                           f"{report.folder}; key {report.key} (mode 0600)."))


if __name__ == "__main__":
    render()
