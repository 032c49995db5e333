"""The Codebook page's forms: a new code, one code's labels, definitions, criteria, colour, examples, place in the
tree, merge and delete, its memos, and a YAML's dry run before it is loaded. The writes are in
``codebook_actions``; every widget shows user text through Streamlit's own escaping (inputs, dataframes) or
``safe``.

Widgets are keyed on the code and the codebook version, so after a change (or an undo) they show what is stored.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qualcoder.coding.codebook import Codebook
from qualcoder.errors import QualcoderError
from qualcoder.explorer import codebook_actions as do
from qualcoder.explorer import safe, views
from qualcoder.project import Project


def show_message() -> None:
    found = do.message()
    if found:
        kind, text = found
        (safe.error if kind == "error" else lambda t: st.success(safe.md(t)))(text)
        safe.toast(text)  # seen too when the button clicked is far down the page


def undo_button(project: Project, coder: str) -> None:
    undo_next = project.next_steps(coder)[0] if coder else None
    st.button("↶ Undo", key="codebook_undo", on_click=do.undo, disabled=undo_next is None,
              help=safe.md(f"Undo: {undo_next.summary}") if undo_next else "Nothing to undo")
    if undo_next:
        st.caption(safe.md(f"Undo would take back: {undo_next.summary}"))


def parent_options(book: Codebook, code_id: str | None = None) -> list[str]:
    """Where a code can go: the top level (``""``) or any code outside its own branch (no cycle)."""
    below = {code_id} if code_id else set()
    changed = True
    while changed:
        more = {c.id for c in book.codes if c.parent in below} - below
        changed, below = bool(more), below | more
    return [do.TOP, *(c.id for c in _tree(book) if c.id not in below)]


def _tree(book: Codebook) -> list:
    ordered = []

    def visit(parent: str | None) -> None:
        for code in book.children(parent):
            ordered.append(code)
            visit(code.id)

    visit(None)
    return ordered


def _named(book: Codebook, language: str):
    return lambda code: "(top level)" if code == do.TOP else views.label(book, code, language)


# a new code ----------------------------------------------------------------------------------------------------
def new_code(book: Codebook, language: str, coder: str) -> None:
    keys = {"label": "codebook_new_label", "parent": "codebook_new_parent", "color": "codebook_new_color",
            "definition": "codebook_new_definition"}
    cols = st.columns([2, 2, 1], vertical_alignment="bottom")
    cols[0].text_input("Label of the new code", key=keys["label"],
                       help="Used for every language until you translate it in Edit a code.")
    cols[1].selectbox("Parent", parent_options(book), key=keys["parent"], format_func=_named(book, language))
    cols[2].color_picker("Colour", key=keys["color"], value=None,
                         help="Left as it is, the next free colour of the palette is taken.")
    st.text_area("Definition (optional)", key=keys["definition"], height=80)
    st.button("Create code", key="codebook_create", type="primary", on_click=do.create, args=(book.version, keys),
              disabled=not coder)


# one code ------------------------------------------------------------------------------------------------------
def choose_code(book: Codebook, language: str) -> str | None:
    ids = [c.id for c in _tree(book)]
    if st.session_state.get(do.CHOSEN) not in ids:
        st.session_state.pop(do.CHOSEN, None)
        wanted = st.query_params.get("code", "")
        st.session_state[do.CHOSEN] = wanted if wanted in ids else (ids[0] if ids else None)
    return st.selectbox("Code", ids, key=do.CHOSEN, format_func=_named(book, language))


def edit_code(project: Project, book: Codebook, code_id: str, language: str, coder: str,
              counts: pd.DataFrame) -> None:
    """Labels, definitions, criteria and colour (one Save), then examples, place, merge, delete and memos."""
    code = book.code(code_id)
    tag = f"{code_id}_{book.version}"
    keys, shown = {}, {}
    with st.form(f"codebook_form_{tag}", border=True):
        columns = st.columns(len(book.languages))
        for column, lang in zip(columns, book.languages):
            with column:
                for name, widget, value in (
                        ("label", st.text_input, code.label.get(lang, "")),
                        ("definition", st.text_area, code.definition.get(lang, "")),
                        ("include", st.text_area, "\n".join(code.include.get(lang, ()))),
                        ("exclude", st.text_area, "\n".join(code.exclude.get(lang, ())))):
                    keys[(name, lang)] = key = f"codebook_{name}_{lang}_{tag}"
                    shown[(name, lang)] = value
                    title = {"label": "Label", "definition": "Definition", "include": "Include (one per line)",
                             "exclude": "Exclude (one per line)"}[name]
                    widget(f"{title} ({lang})", value=value, key=key)
        keys[("color", "")], shown[("color", "")] = f"codebook_color_{tag}", code.color.upper()
        st.color_picker("Colour", value=code.color, key=keys[("color", "")])
        st.form_submit_button("Save changes", type="primary", on_click=do.save, disabled=not coder,
                              args=(code_id, book.version, book.languages, keys, shown))
    _examples(code, tag, book.version, coder)
    _place(book, code_id, tag, language, coder, counts)
    memos(project, "code", code_id, coder, key=f"codebook_memo_{code_id}")


def _examples(code, tag: str, version: str, coder: str) -> None:
    st.markdown("**Examples**")
    for example in code.examples:
        safe.text_block(f"«{example.get('text', '')}» ({example.get('source', '')})")
    if not code.examples:
        st.caption("No example yet. Select a passage in the coding studio and add it as an example from there, or "
                   "paste one here.")
    cols = st.columns([3, 1, 1], vertical_alignment="bottom")
    text_key, source_key = f"codebook_example_{tag}", f"codebook_example_source_{tag}"
    cols[0].text_input("New example", key=text_key)
    cols[1].text_input("Source", key=source_key, placeholder="document name")
    cols[2].button("Add example", key=f"codebook_add_example_{tag}", on_click=do.add_example,
                   args=(code.id, version, text_key, source_key), disabled=not coder)


def _place(book: Codebook, code_id: str, tag: str, language: str, coder: str, counts: pd.DataFrame) -> None:
    st.markdown("**Place in the tree, merge, delete**")
    cols = st.columns(3, vertical_alignment="bottom", border=True)
    parents = parent_options(book, code_id)
    current = book.code(code_id).parent or do.TOP
    move_key = f"codebook_parent_{tag}"
    cols[0].selectbox("Parent", parents, index=parents.index(current) if current in parents else 0, key=move_key,
                      format_func=_named(book, language))
    cols[0].button("Move", key=f"codebook_move_{tag}", on_click=do.move, args=(code_id, book.version, move_key),
                   disabled=not coder)
    merge_key = f"codebook_merge_target_{tag}"
    others = [c.id for c in _tree(book) if c.id != code_id]
    cols[1].selectbox("Merge into", others, index=None, key=merge_key, format_func=_named(book, language),
                      placeholder="the code that keeps the codings")
    human = int(counts.loc[code_id, "human"]) if code_id in counts.index else 0
    cols[1].button("Merge", key=f"codebook_merge_{tag}", on_click=do.merge, args=(code_id, book.version, merge_key),
                   disabled=not coder, help=f"{human} segment(s) coded by people move to the chosen code.")
    cols[2].caption("Only a code nobody coded with, without sub-codes, can be deleted; merge it otherwise.")
    cols[2].button("Delete code", key=f"codebook_delete_{tag}", on_click=do.delete, args=(code_id, book.version),
                   disabled=not coder)


# memos ---------------------------------------------------------------------------------------------------------
def memos(project: Project, target: str, target_id: str, coder: str, *, key: str, title: str | None = None) -> None:
    """The memos on one thing, oldest first, and a box to write another."""
    found = project.memos_df(target=target)
    mine = found[found["target_id"] == str(target_id)]
    st.markdown(f"**{safe.md(title or 'Memos')}** ({len(mine)})")
    for memo in mine.itertuples():
        when = memo.created_at if pd.isna(memo.updated_at) else memo.updated_at
        st.caption(safe.md(f"{memo.coder}, {when:%Y-%m-%d %H:%M} · memo {memo.id}"))
        safe.text_block(memo.text, css_class="qc-memo")
    if coder:
        st.text_area("New memo", key=key, height=70, label_visibility="collapsed", placeholder="Write a memo…")
        st.button("Save memo", key=f"{key}_save", on_click=do.write_memo, args=(target, str(target_id), key))


# a YAML, dry run first -----------------------------------------------------------------------------------------
def load_yaml(project: Project, coder: str) -> None:
    st.caption(safe.md("A codebook YAML (as `qualcoder codebook export --format yaml` writes it): what it would "
                       "change is shown first; nothing is stored until you apply it."))
    upload = st.file_uploader("Codebook YAML", type=["yaml", "yml"], key="codebook_yaml")
    if upload is None:
        return
    path = do.uploaded_path(upload)
    try:
        change = project.load_codebook(path, dry_run=True)
    except QualcoderError as error:
        safe.error(error)
        return
    rows = [("added", ", ".join(change.added)), ("removed", ", ".join(change.removed)),
            ("edited (labels, definitions, place)", ", ".join(change.edited)),
            ("rules changed", ", ".join(change.changed)),
            ("kept under a removed id", ", ".join(f"{c} ({n})" for c, n in change.orphaned.items()))]
    items = [f"<li><b>{safe.esc(what)}</b>: {safe.esc(codes)}</li>" for what, codes in rows if codes]
    st.html('<div class="qc-diff"><p>Loading this file would change:</p><ul>'
            + ("".join(items) or "<li>nothing: the codebook is the same</li>") + "</ul></div>")
    st.caption(safe.md(f"Version {change.previous_version or 'none'} → {change.version}"))
    st.button("Apply this codebook", key="codebook_apply", type="primary", on_click=do.load, args=(str(path),),
              disabled=not coder or change.version == change.previous_version)
