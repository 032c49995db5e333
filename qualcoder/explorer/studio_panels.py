"""The coding studio's side panels that reach into the codebook and the memos: a new code from the selection (which
codes it at once), the selection as an example of a code, and the memos on what is shown (the document, its
speakers, the codes and codings clicked), beside the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from qualcoder.explorer import actions, codebook_forms, safe, studio, views
from qualcoder.explorer import codebook_actions as do
from qualcoder.explorer.actions import ACTIVE

if TYPE_CHECKING:
    from qualcoder.project import Project

NEW_LABEL, NEW_PARENT, EXAMPLE_CODE = "studio_new_code", "studio_new_parent", "studio_example_code"
MEMO_ON, MEMO_TEXT = "studio_memo_on", "studio_memo_text"


def selection_tools(book, coder: str, recent: list[str]) -> None:
    """Under the selection: "New code from this selection" (label, parent) and "Add as an example of"."""
    if not coder or book is None:
        return
    with st.container(border=True, key="studio_new_code_box"):
        st.text_input("New code from this selection", key=NEW_LABEL, placeholder="label of the new code")
        st.selectbox("Under", codebook_forms.parent_options(book), key=NEW_PARENT,
                     format_func=lambda c: "(top level)" if c == do.TOP else views.label(book, c))
        st.button("Create and code", key="studio_new_code_go", on_click=actions.new_code_from_selection,
                  args=(NEW_LABEL, NEW_PARENT), type="primary")
    st.selectbox("Add as an example of", studio.code_choices(book, recent), key=EXAMPLE_CODE, index=None,
                 format_func=lambda c: views.label(book, c), placeholder="a code of the codebook")
    st.button("Add example", key="studio_example_go", on_click=actions.example_from_selection,
              args=(EXAMPLE_CODE,))


def memos_here(project: Project, doc_id: int, document_name: str, codings: pd.DataFrame, coder: str) -> None:
    """The memos on this document, its speakers, the codes and codings listed, and a box to write one on any."""
    memos = project.memos_df()
    speakers = sorted(project.document_speakers(doc_id))
    active = [i for i in st.session_state.get(ACTIVE, []) if i in set(codings["coding_id"])]
    codes = sorted(set(codings[codings["coding_id"].isin(active)]["code"]))
    places = [("document", str(doc_id), f"this document ({document_name})"),
              *(("speaker", s, f"speaker {s}") for s in speakers),
              *(("code", c, f"code {c}") for c in codes), *(("coding", str(i), f"coding {i}") for i in active)]
    shown = memos.merge(pd.DataFrame([p[:2] for p in places], columns=["target", "target_id"]),
                        on=["target", "target_id"])
    captions = {(t, i): caption for t, i, caption in places}
    with st.expander(f"Memos here ({len(shown)})", expanded=bool(len(shown))):
        for memo in shown.itertuples():
            st.caption(safe.md(f"On {captions[(memo.target, memo.target_id)]} · {memo.coder}, "
                               f"{memo.created_at:%Y-%m-%d %H:%M}"))
            safe.text_block(memo.text, css_class="qc-memo")
        if not len(shown):
            st.caption("No memo on this document, its speakers or the codings clicked.")
        if coder:
            if st.session_state.get(MEMO_ON) not in places:
                st.session_state[MEMO_ON] = places[0]
            st.selectbox("Memo on", places, key=MEMO_ON, format_func=lambda p: p[2])
            st.text_area("New memo", key=MEMO_TEXT, height=70)
            st.button("Save memo", key="studio_memo_save", on_click=do.write_memo_on, args=(MEMO_ON, MEMO_TEXT))
            message = do.message()
            if message:
                (safe.error if message[0] == "error" else lambda text: st.caption(safe.md(text)))(message[1])
