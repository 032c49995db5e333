"""Overview: the project at a glance."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from qualcoder.explorer import safe, state, views


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title(safe.md(project.config.name))
    info = state.status(folder, revision)
    totals = info["totals"]
    cols = st.columns(5)
    cols[0].metric("Documents", totals["documents"])
    cols[1].metric("Words", f"{totals['words']:,}")
    cols[2].metric("Turns", totals["turns"])
    cols[3].metric("Segments", totals["segments"])
    cols[4].metric("Segmentation", totals["segmentation"] or "none")
    left, right = st.columns(2)
    left.subheader("Documents by type and language")
    left.dataframe(info["documents"], hide_index=True)
    if len(info["documents"]):
        left.plotly_chart(px.bar(info["documents"], x="type", y="documents", color="language", height=280))
    right.subheader("Speakers by profession")
    right.dataframe(info["professions"], hide_index=True, height=420)
    st.subheader("Codebook coverage")
    book = state.codebook(folder, revision)
    if book is None:
        st.info("No codebook is loaded yet: `qualcoder codebook load FILE`.")
    elif totals["segments"]:
        st.caption(f"Codebook {safe.md(book.id)}, version {book.version}: segments coded with each top-level code "
                   "(or a code beneath it), by people and by rules.")
        st.dataframe(views.coverage(state.segment_index(folder, revision), book), hide_index=True)
    st.subheader("Latest topic run")
    runs = project.topic_runs_df()
    if runs.empty:
        st.info("No topic model has been fitted yet: see the Topics page.")
    else:
        st.dataframe(runs.tail(1), hide_index=True)


if __name__ == "__main__":
    render()
