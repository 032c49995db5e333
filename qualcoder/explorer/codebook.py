"""Codebook: the tree of codes with definitions, criteria, examples and how often each is used."""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import safe, state, views
from qualcoder.explorer.code_card import code_html


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Codebook")
    book = state.codebook(folder, revision)
    if book is None:
        st.info("No codebook is loaded: `qualcoder codebook load FILE`.")
        return
    language = st.radio("Language", list(book.languages), horizontal=True)
    st.caption(f"{safe.md(book.title.get(language, book.id))} · version {book.version} · {len(book.codes)} codes")
    index = state.segment_index(folder, revision)
    counts = views.code_counts(index)
    table = views.codebook_table(book, counts, language)
    st.dataframe(table.drop(columns=["colour"]), hide_index=True, height=360)
    for top in book.children(None):
        with st.expander(safe.md(f"{top.id} — {top.label.get(language, '')}")):
            st.html(code_html(book, top.id, language, counts))
            below = index.families.get(top.id, set()) - {top.id}
            for child in [c for c in table["code"] if c in below]:
                st.divider()
                st.html(code_html(book, child, language, counts))


if __name__ == "__main__":
    render()
