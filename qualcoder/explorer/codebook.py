"""Codebook: the tree of codes with definitions, criteria, examples and how often each is used; and growing it:
a new code, one code's labels, definitions, criteria, colour, examples, parent, merge, delete and memos (each an
undoable codebook version), a YAML loaded after its dry run."""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import actions, codebook_forms, safe, state, views
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
            _tree(book, language, index, counts)
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


def _tree(book, language: str, index, counts) -> None:
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
