"""The explorer's pages. Each is a few lines of layout over the Project API."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.project import Project


@st.cache_resource
def _project(folder: str) -> Project:
    return Project.open(folder)


def _open() -> Project | None:
    try:
        return _project(st.session_state["project_folder"])
    except QualcoderError as error:
        st.error(str(error))
        return None


@st.cache_data
def _segments(folder: str) -> pd.DataFrame:
    return _project(folder).segments_df()


def overview() -> None:
    project = _open()
    if project is None:
        return
    st.title(project.config.name)
    info = project.status()
    totals = info["totals"]
    cols = st.columns(4)
    cols[0].metric("Documents", totals["documents"])
    cols[1].metric("Words", f"{totals['words']:,}")
    cols[2].metric("Turns", totals["turns"])
    cols[3].metric("Segments", totals["segments"])
    left, right = st.columns(2)
    left.subheader("Documents by type and language")
    left.dataframe(info["documents"], hide_index=True)
    right.subheader("Speakers by profession")
    right.dataframe(info["professions"], hide_index=True)


def documents() -> None:
    project = _open()
    if project is None:
        return
    st.title("Documents")
    frame = project.documents_df(with_text=False)
    st.dataframe(frame.drop(columns=["sha256", "source_path"], errors="ignore"), hide_index=True)
    name = st.selectbox("Read a document", frame["name"].tolist())
    if name:
        document = project.document(name)
        st.caption(f"{document.doc_type} · {document.language} · {document.date or 'no date'}")
        st.text(document.text)


def segments() -> None:
    project = _open()
    if project is None:
        return
    st.title("Segments")
    frame = _segments(st.session_state["project_folder"])
    query = st.text_input("Filter the text")
    professions = st.multiselect("Profession", sorted(frame["profession"].dropna().unique()))
    shown = frame
    if query:
        shown = shown[shown["text"].str.contains(query, case=False, regex=False)]
    if professions:
        shown = shown[shown["profession"].isin(professions)]
    st.caption(f"{len(shown)} of {len(frame)} segments")
    st.dataframe(shown, hide_index=True)
    st.download_button("Download CSV", shown.to_csv(index=False).encode("utf-8"), "segments.csv", "text/csv")
