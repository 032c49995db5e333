"""Documents: the list with filters, and a document with its speaker turns and coded spans."""

from __future__ import annotations

import streamlit as st

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.explorer import highlight, state, views


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
    chosen = st.selectbox("Read a document", shown["name"].tolist())
    if chosen:
        _document(project, folder, revision, chosen)


def _document(project, folder: str, revision, name: str) -> None:
    document = project.document(name)
    st.subheader(document.name)
    st.caption(f"{document.doc_type} · {document.language} · {document.date or 'no date'}")
    codings = state.codings(folder, revision)
    codings = codings[codings["doc_id"] == document.id]
    cols = st.columns(3)
    coders = cols[0].multiselect("Coders shown", sorted(codings["coder"].unique()), key="doc_coders")
    sources = cols[1].multiselect("Sources shown", sorted(codings["source"].unique()), key="doc_sources")
    suggestions = cols[2].checkbox("Show open suggestions", value=False)
    shown = codings[codings["status"].isin([*COUNTED_STATUSES, *(["suggested"] if suggestions else [])])]
    shown = views.keep(views.keep(shown, "coder", coders), "source", sources)
    book = state.codebook(folder, revision)
    palette = views.colours(book)
    speakers = project.speakers_df()
    turns = views.turn_captions(project, document.id, state.turns(folder, revision).get(document.id, []), speakers)
    present = sorted(shown["code"].unique())
    st.html(highlight.legend_html([(c, views.label(book, c)) for c in present], palette))
    st.html(highlight.document_html(document.text, highlight.spans_from(shown), palette, turns))
    with st.expander(f"{len(shown)} codings in this document"):
        st.dataframe(shown.drop(columns=["doc_id", "doc"]), hide_index=True)


if __name__ == "__main__":
    render()
