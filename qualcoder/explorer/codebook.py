"""Codebook: the tree of codes with definitions, criteria, examples and how often each is used; and growing it:
a new code, one code's labels, definitions, criteria, colour, examples, parent, merge, delete and memos (each an
undoable codebook version), a YAML loaded after its dry run."""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import actions, codebook_forms, drill, safe, state, views
from qualcoder.explorer.code_card import code_html

TABS = ["Tree", "Edit a code", "New code", "Load a YAML"]


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Codebook")
    book = state.codebook(folder, revision)
    top = st.columns([1, 1, 2], vertical_alignment="bottom")
    coder = actions.coder_field(top[0])
    codebook_forms.show_message()
    if book is None:
        st.info(safe.md("No codebook is loaded yet: load a YAML here (or `qualcoder codebook load FILE`)."))
        codebook_forms.load_yaml(project, coder)
        return
    language = top[1].radio("Language", list(book.languages), horizontal=True)
    with top[2]:
        codebook_forms.undo_button(project, coder)
    st.caption(f"{safe.md(book.title.get(language, book.id))} · version {book.version} · {len(book.codes)} codes")
    if not coder:
        st.info("Type your coder name to change the codebook (every change is recorded under it and undoable).")
    index = state.segment_index(folder, revision)
    counts = views.code_counts(index)
    # tracked (only the open tab is drawn), so that a change's rerun stays on the tab it was made from
    tree, edit, new, load = st.tabs(TABS, key="codebook_tab", on_change="rerun",
                                    default=TABS[1] if st.query_params.get("code") else None)
    if tree.open:
        with tree:
            _tree(folder, revision, book, language, index, counts)
    if edit.open:
        with edit:
            code_id = codebook_forms.choose_code(book, language)
            if code_id:
                codebook_forms.edit_code(project, book, code_id, language, coder, counts)
    if new.open:
        with new:
            codebook_forms.new_code(book, language, coder)
    if load.open:
        with load:
            codebook_forms.load_yaml(project, coder)


def _tree(folder: str, revision, book, language: str, index, counts) -> None:
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
