"""Codebook: the tree of codes with definitions, criteria, examples and how often each is used."""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import drill, safe, state, views
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
    chosen = codes_table(table, key="cb_table")
    if chosen is not None:
        code_codings(folder, revision, str(chosen["code"]), language)
    for top in book.children(None):
        with st.expander(safe.md(f"{top.id} — {top.label.get(language, '')}")):
            st.html(code_html(book, top.id, language, counts))
            below = index.families.get(top.id, set()) - {top.id}
            for child in [c for c in table["code"] if c in below]:
                st.divider()
                st.html(code_html(book, child, language, counts))


def codes_table(table, *, key: str):
    """The codebook table: each code's colour as a swatch, its counts whole; a selected row is returned."""
    swatch = table[["colour"]].rename(columns={"colour": "■"})
    shown = table.drop(columns=["colour"]).assign(**{"■": swatch["■"]})[
        ["■", "code", "label", "human", "rules", "model", "definition"]]
    styled = shown.style.map(lambda colour: f"background-color: {colour}; color: {colour}", subset=["■"])
    event = st.dataframe(styled, hide_index=True, height=360, key=key, on_select="rerun",
                         selection_mode="single-row", column_config={
                             "■": st.column_config.TextColumn("", width=28),
                             "code": st.column_config.TextColumn(width="medium"),
                             "label": st.column_config.TextColumn(width="medium"),
                             "human": st.column_config.NumberColumn(width="small"),
                             "rules": st.column_config.NumberColumn(width="small"),
                             "model": st.column_config.NumberColumn(width="small"),
                             "definition": st.column_config.TextColumn(width="large")})
    rows = event.selection.rows
    if not rows:
        st.caption("Select a code to list its codings, each one click from the coding studio.")
        return None
    return table.iloc[rows[0]]


def code_codings(folder: str, revision, code: str, language: str) -> None:
    codings = state.codings(folder, revision)
    mine = codings[(codings["code"] == code) & (codings["status"] != "rejected")]
    st.markdown(f"**{safe.md(code)}**: {len(mine)} codings")
    drill.table(mine, key="cb_codings", what="coding", height=260,
                shown=["doc", "coder", "source", "status", "start", "end", "text"],
                column_config={"text": st.column_config.TextColumn(width="large")})


if __name__ == "__main__":
    render()
