"""Memos: every memo on a code, a coding, a document, a speaker or the project journal; searched, filtered by what
it is on, edited, removed (undoable), and new ones written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from qualcoder.coding.edits import MEMO_TARGETS
from qualcoder.explorer import actions, codebook_forms, safe, state, studio, views
from qualcoder.explorer import codebook_actions as do

if TYPE_CHECKING:
    from qualcoder.project import Project

ALL = "everything"
LISTED = 500
SHOWN = ["id", "target", "on", "coder", "created_at", "updated_at", "text"]


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Memos")
    top = st.columns([1, 1, 2], vertical_alignment="bottom")
    coder = actions.coder_field(top[0])
    target = top[1].selectbox("On", [ALL, *MEMO_TARGETS], key="memos_target")
    search = top[2].text_input("Search the memos", key="memos_search", placeholder="a word of the memo")
    codebook_forms.show_message()
    memos = project.memos_df(target=None if target == ALL else target, search=search or None)
    st.caption(f"{len(memos)} memo(s)")
    st.dataframe(memos[SHOWN], hide_index=True, height=min(300, 35 * (len(memos) + 1) + 3),
                 column_config={"text": st.column_config.TextColumn(width="large")})
    left, right = st.columns(2, gap="large")
    with left:
        _edit(memos, coder)
    with right:
        _new(project, state.codebook(folder, revision), state.documents(folder, revision), coder)


def _edit(memos: pd.DataFrame, coder: str) -> None:
    st.subheader("Edit a memo")
    if memos.empty:
        st.caption("No memo matches.")
        return
    rows = {int(m.id): m for m in memos.itertuples()}
    picked = st.selectbox("Memo", list(rows), key="memos_pick",
                          format_func=lambda i: f"{i} · {rows[i].target} · {studio.quote(str(rows[i].on), 40)} · "
                                                f"{studio.quote(rows[i].text, 50)}")
    memo = rows[picked]
    st.caption(safe.md(f"On {memo.target}: {memo.on} · by {memo.coder}"))
    key = f"memos_text_{picked}_{hash(memo.text)}"
    st.text_area("Text", value=memo.text, key=key, height=140)
    cols = st.columns(2)
    cols[0].button("Save memo", key="memos_save", type="primary", on_click=do.edit_memo, args=(picked, key),
                   disabled=not coder)
    cols[1].button("Remove memo", key="memos_remove", on_click=do.remove_memo, args=(picked,), disabled=not coder)


def _new(project: Project, book, documents: pd.DataFrame, coder: str) -> None:
    st.subheader("New memo")
    kind = st.selectbox("On", MEMO_TARGETS, index=MEMO_TARGETS.index("project"), key="memos_new_kind")
    options = _targets(project, book, documents, kind, coder)
    st.selectbox("Which", options, key="memos_new_target", format_func=lambda o: o[2],
                 disabled=kind == "project")
    st.text_area("Text", key="memos_new_text", height=110)
    st.button("Save memo", key="memos_new_save", on_click=do.write_memo_on,
              args=("memos_new_target", "memos_new_text"), disabled=not coder)


def _targets(project: Project, book, documents: pd.DataFrame, kind: str, coder: str) -> list[tuple[str, str, str]]:
    """``(target, target_id, caption)`` for each thing of ``kind`` a memo can be on."""
    if kind == "project":
        return [("project", "", "the project journal")]
    if kind == "code":
        return [("code", c.id, views.label(book, c.id)) for c in book.codes] if book else []
    if kind == "document":
        return [("document", str(d), name) for d, name in zip(documents["doc_id"], documents["name"])]
    if kind == "speaker":
        speakers = sorted(project.speaker_labels())
        return [("speaker", s, s) for s in speakers]
    codings = project.codings_df(coder=coder or None).head(LISTED)  # a coder's own codings, most often
    return [("coding", str(r.coding_id), f"{r.coding_id} · {r.code} · {studio.quote(str(r.text), 50)}")
            for r in codings.itertuples()]


if __name__ == "__main__":
    render()
