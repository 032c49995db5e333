"""Coding studio: read a document whole, select any passage and code it, act on the codings there, undo and redo.

The document view (``components/document_view``) sends selections, clicks and the codes chosen in its picker; the
callbacks in ``actions.py`` write through the Project; ``studio.py`` reads and prepares what is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.explorer import actions, assist, safe, state, studio, studio_panels, views
from qualcoder.explorer.actions import ACTIVE, CODER, DOCUMENT, FOCUS, MESSAGE, SELECTION
from qualcoder.explorer.components.document_view import document_view
from qualcoder.explorer.filters import SegmentFilter

if TYPE_CHECKING:
    from qualcoder.project import Project

BLIND = "studio_blind"
MODES = ("Read", "Next uncoded segment", "Most uncertain suggestion", "Filtered list")
LISTED = 500


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Coding studio")
    documents = state.documents(folder, revision)
    if documents.empty:
        st.info(safe.md("Import documents first: qualcoder import FILES."))
        return
    names = dict(zip(documents["doc_id"].tolist(), documents["name"].tolist()))
    actions.arrive(names)
    book = state.codebook(folder, revision)
    assist.panel(project)
    top = st.columns([1, 2, 1.3, 1.7], vertical_alignment="bottom")
    top[0].text_input("Coder", key=CODER, on_change=actions.remember_coder, placeholder="your coder name",
                      disabled=project.gate.team, help="Your login's name" if project.gate.team else None)
    top[1].selectbox("Document", list(names), format_func=names.get, key=DOCUMENT, on_change=actions.choose_document)
    coder, doc_id = actions.coder(), int(st.session_state[DOCUMENT])
    mode = top[2].selectbox("Step through", MODES, key="studio_mode")
    with top[3]:
        _queue_button(mode, coder)
    if mode == MODES[3]:
        _filtered_list(folder, revision, book, names)
    if not coder:
        st.info("Type your coder name to code (it is recorded on every coding); until then the document is read-only.")
    elif book is None:
        st.info(safe.md("Load a codebook first (qualcoder codebook load FILE) to code; the document is read-only."))
    codings = studio.document_codings(folder, doc_id, revision)
    left, right = st.columns([3, 1.3], gap="medium")
    parts = studio.parts(folder, doc_id, revision)
    recent = project.recent_codes(coder, studio.RECENT_CODES) if coder else []
    with left:
        layers = _toolbar(project, coder)
        focus = st.session_state.get(FOCUS)
        focus = focus if focus and focus["doc"] == doc_id else None
        data = studio.view_data(studio.built_view(folder, doc_id, revision, coder, layers), parts, book, coder,
                                focus=focus, active=st.session_state.get(ACTIVE, []), recent=recent)
        document_view(data, key=studio.VIEW_KEY, on_event=actions.view_event)
    with right:
        _selection(doc_id, book, coder, recent)
        _codings_panel(codings, parts, book, coder, recent)
        studio_panels.memos_here(project, doc_id, parts.document.name, codings, coder)
        _history(project, coder)


def _queue_button(mode: str, coder: str) -> None:
    if mode == MODES[1]:
        st.button("Next uncoded segment ▸", on_click=actions.next_uncoded, disabled=not coder)
    elif mode == MODES[2]:
        st.button("Most uncertain suggestion ▸", on_click=actions.next_uncertain)


def _filtered_list(folder, revision, book, names: dict[int, str]) -> None:
    index = state.segment_index(folder, revision)
    cols = st.columns([1.2, 1.2, 0.8, 3], vertical_alignment="bottom")
    code = cols[0].selectbox("Coded with", [None, *index.options["code"]], key="studio_list_code",
                             format_func=lambda c: "any or none" if c is None else views.label(book, c))
    text = cols[1].text_input("Text contains", key="studio_list_text")
    here = cols[2].toggle("This document only", value=True, key="studio_list_here")
    frame = index.segments[index.mask(SegmentFilter(codes=(code,) if code else (), text=text))]
    if here:
        frame = frame[frame["doc_id"] == st.session_state[DOCUMENT]]
    shown = frame.head(LISTED)
    rows = {int(r.segment_id): (int(r.doc_id), int(r.start), int(r.end)) for r in shown.itertuples()}
    captions = {int(r.segment_id): f"{r.segment_id} · {names.get(int(r.doc_id), '')} · {studio.quote(r.text, 70)}"
                for r in shown.itertuples()}
    cols[3].selectbox(f"Segment ({len(frame)} match)", list(rows), index=None, format_func=captions.get,
                      key="studio_list_pick", on_change=actions.open_listed, args=("studio_list_pick", rows))


def _blind(project: Project) -> bool:
    """Blind coding, in the sidebar: a coder hides everyone else's codings, rules and model suggestions; when an
    owner enforces it for a shared project, it is on for every coder and the API itself reads only their codings."""
    enforced = project.gate.hide_others() is not None and project.blind()
    if enforced:
        st.session_state[BLIND] = True
    with st.sidebar:
        on = st.toggle("Blind coding", key=BLIND, disabled=enforced,
                       help="Show only your own codings: no other coder, no rule codings, no model suggestions "
                            "(independent coding for agreement).")
        if enforced:
            st.caption("Enforced by an owner for this double-coding round.")
    return bool(on)


def _layers(project: Project, coder: str) -> studio.Layers:
    """Other coders (of the whole project: the choice holds from one document to the next), rule codings, model
    suggestions: shown or hidden (blind coding hides them all)."""
    if _blind(project):
        st.caption("Blind coding: only your own codings are shown.")
        return studio.Layers((), False, False)
    others = [name for name in project.coders() if name != coder]
    shown = st.multiselect("Other coders shown", others, default=others, key="studio_others",
                           placeholder="none: only your own codings")
    rules = st.toggle("Rule codings", value=True, key="studio_rules")
    model = st.toggle("Model suggestions", value=True, key="studio_model")
    return studio.Layers(tuple(shown), rules, model)


def _toolbar(project: Project, coder: str) -> studio.Layers:
    undo_next, redo_next = project.next_steps(coder) if coder else (None, None)
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("↶ Undo", on_click=actions.undo, disabled=undo_next is None, key="studio_undo",
                  help=safe.md(f"Undo: {undo_next.summary}") if undo_next else "Nothing to undo")
        st.button("↷ Redo", on_click=actions.redo, disabled=redo_next is None, key="studio_redo",
                  help=safe.md(f"Redo: {redo_next.summary}") if redo_next else "Nothing to redo")
        with st.popover("Layers"):
            layers = _layers(project, coder)
        message = st.session_state.get(MESSAGE)
        if message:
            st.caption(safe.md(message), width="stretch")
        elif undo_next:
            st.caption(safe.md(f"Undo would take back: {undo_next.summary}"), width="stretch")
    return layers


def _selection(doc_id: int, book, coder: str, recent: list[str]) -> None:
    selection = st.session_state.get(SELECTION)
    st.markdown("**Selection**")
    if selection and selection.get("doc") == doc_id:
        st.caption(safe.md(f"{selection['start']}–{selection['end']}, {selection['end'] - selection['start']} "
                           "characters"))
        safe.text_block(f"«{studio.quote(selection.get('text', ''), 240)}»")
        studio_panels.selection_tools(book, coder, recent)
    else:
        st.caption("Select a passage in the document (mouse, or ↓ then Shift+→).")


def _codings_panel(codings, parts, book, coder: str, recent: list[str]) -> None:
    active = st.session_state.get(ACTIVE, [])
    st.markdown(f"**Codings here** ({len(active)})" if active else "**Codings here**")
    if not active:
        st.caption("Click a coded span or a chip in the margin to list its codings.")
        return
    by_id = codings.set_index("coding_id")
    language = parts.document.language
    choices = studio.code_choices(book, recent)
    order = {"mine": 0, "human": 1, "rules": 2, "model": 3}
    present = [i for i in active if i in by_id.index]
    present.sort(key=lambda i: order[studio.layer_of(by_id.at[i, "source"], by_id.at[i, "coder"], coder)])
    for coding_id in present + [i for i in active if i not in by_id.index]:
        if coding_id not in by_id.index:
            st.warning(f"Coding {coding_id} no longer exists: it was removed (by an undo, or by someone else).")
            continue
        _coding_card(coding_id, by_id.loc[coding_id], parts.document.text, book, coder, language, choices)


def _coding_card(coding_id: int, row, text: str, book, coder: str, language: str, choices: list[str]) -> None:
    layer = studio.layer_of(row["source"], row["coder"], coder)
    with st.container(border=True, key=f"studio_card_{coding_id}"):
        colour = studio.safe_colour(book.code(row["code"]).color if book and row["code"] in
                                    {c.id for c in book.codes} else None)
        st.html(f'<div style="border-left: 5px solid {colour}; padding-left: 6px; font-weight: 600">'
                f'{safe.esc(views.label(book, row["code"], language))}</div>')
        confidence = f" · p = {row['confidence']:.2f}" if row["confidence"] == row["confidence"] and \
            row["confidence"] is not None else ""
        st.caption(safe.md(f"coding {coding_id} · {row['coder']} · {row['source']} · {row['status']}{confidence}"
                           f" · {row['start']}–{row['end']}"))
        safe.text_block(f"«{studio.quote(text[int(row['start']):int(row['end'])], 120)}»")
        if not coder:
            if isinstance(row["memo"], str):
                safe.text_block(f"Memo: {row['memo']}")
            return
        if layer == "mine":
            _own_coding(coding_id, row, book, choices)
        elif row["source"] == "model" and row["status"] == "suggested":
            cols = st.columns(2)
            cols[0].button("Accept", key=f"studio_accept_{coding_id}", on_click=actions.decide, args=(coding_id, True),
                           type="primary")
            cols[1].button("Reject", key=f"studio_reject_{coding_id}", on_click=actions.decide,
                           args=(coding_id, False))
        elif row["source"] in ("rules", "model"):
            st.button("Reject", key=f"studio_reject_{coding_id}", on_click=actions.decide, args=(coding_id, False),
                      help="It stays rejected when autocode or suggest run again; Undo brings it back.")
        elif isinstance(row["memo"], str):
            safe.text_block(f"Memo: {row['memo']}")


def _own_coding(coding_id: int, row, book, choices: list[str]) -> None:
    memo = row["memo"] if isinstance(row["memo"], str) else ""
    # keyed on the current values: after a change or an undo, the widgets show what is stored
    code_key, memo_key = f"studio_code_{coding_id}_{row['code']}", f"studio_memo_{coding_id}_{hash(memo)}"
    options = choices if row["code"] in choices else [row["code"], *choices]
    st.selectbox("Code", options, index=options.index(row["code"]), key=code_key,
                 format_func=lambda c: views.label(book, c), on_change=actions.change_code, args=(coding_id, code_key))
    st.text_area("Memo", value=memo, key=memo_key, height=68)
    st.button("Save memo", key=f"studio_save_{coding_id}", on_click=actions.save_memo, args=(coding_id, memo_key))
    cols = st.columns(2)
    cols[0].button("Resize", key=f"studio_resize_{coding_id}", on_click=actions.resize, args=(coding_id,),
                   disabled=not st.session_state.get(SELECTION), help="Give it the extent of the current selection")
    cols[1].button("Remove", key=f"studio_remove_{coding_id}", on_click=actions.remove, args=(coding_id,))


def _history(project: Project, coder: str) -> None:
    if not coder:
        return
    with st.expander("Your recent actions"):
        history = project.history_df(coder, limit=10)
        st.dataframe(history[["created_at", "kind", "summary"]], hide_index=True)


if __name__ == "__main__":
    render()
