"""Documents: the list with filters, and a document read in the document view (read-only: coding happens in the
coding studio, one click away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.explorer import drill, safe, state, studio, views
from qualcoder.explorer.components.document_view import document_view, event_value
from qualcoder.explorer.components.runs import build_view

if TYPE_CHECKING:
    from qualcoder.project import Project

VIEW_KEY, CLICKED = "documents_view", "documents_clicked"


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Documents")
    frame = state.documents(folder, revision)
    cols = st.columns(3)
    types = cols[0].multiselect("Type", sorted(frame["type"].dropna().unique()))
    languages = cols[1].multiselect("Language", sorted(frame["language"].dropna().unique()))
    name = cols[2].text_input("Name contains")
    shown = views.keep(views.keep(frame, "type", types), "language", languages)
    if name:
        shown = shown[shown["name"].str.contains(name, case=False, regex=False)]
    st.caption(f"{len(shown)} of {len(frame)} documents")
    st.dataframe(shown.drop(columns=["sha256", "source_path"], errors="ignore"), hide_index=True, height=260)
    ids = dict(zip(shown["name"], shown["doc_id"]))
    chosen = st.selectbox("Read a document", list(ids))
    if chosen:
        _document(project, folder, revision, int(ids[chosen]))


def _remember_click(name: str) -> None:
    value = event_value(VIEW_KEY, name)
    if name == "click" and value:
        st.session_state[CLICKED] = [int(i) for i in value.get("coding_ids", [])]


def _document(project: Project, folder: str, revision, doc_id: int) -> None:
    parts = studio.parts(folder, doc_id, revision)
    document = parts.document
    st.subheader(document.name)
    st.caption(safe.md(f"{document.doc_type} · {document.language} · {document.date or 'no date'}"))
    st.page_link(drill.STUDIO, label="Code this document in the coding studio ▸",
                 query_params={"doc": str(doc_id)})
    codings = studio.document_codings(folder, doc_id, revision)
    cols = st.columns(3)
    coders = cols[0].multiselect("Coders shown", sorted(codings["coder"].unique()), key="doc_coders")
    sources = cols[1].multiselect("Sources shown", sorted(codings["source"].unique()), key="doc_sources")
    suggestions = cols[2].checkbox("Show open suggestions", value=False)
    shown = codings[codings["status"].isin([*COUNTED_STATUSES, *(["suggested"] if suggestions else [])])]
    shown = views.keep(views.keep(shown, "coder", coders), "source", sources)
    book = state.codebook(folder, revision)
    view = build_view(document.text, studio.shown_codings(shown, "", studio.Layers()), turns=parts.turns,
                      sections=parts.sections, professions=parts.professions)
    clicked = [i for i in st.session_state.get(CLICKED, []) if i in set(shown["coding_id"])]
    hint = "Click a coded span or a chip in the margin to list its codings below; code it in the coding studio."
    document_view(studio.view_data(view, parts, book, "", active=clicked, height="60vh", hint=hint), key=VIEW_KEY,
                  on_event=_remember_click)
    if clicked:
        st.markdown("**Codings clicked**")
        st.dataframe(_described(shown[shown["coding_id"].isin(clicked)], book, document.language), hide_index=True)
    with st.expander(f"{len(shown)} codings in this document"):
        st.dataframe(_described(shown, book, document.language), hide_index=True)


def _described(codings, book, language: str):
    return codings.assign(label=[views.label(book, c, language) for c in codings["code"]])[
        ["coding_id", "label", "coder", "source", "status", "confidence", "start", "end", "memo"]]


if __name__ == "__main__":
    render()
