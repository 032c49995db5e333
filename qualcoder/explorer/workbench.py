"""Code: the coding workbench. Step through segments, apply, accept or reject codes, write memos."""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import actions, state, views

MODES = ("Next uncoded", "Most uncertain suggestion", "Filtered list")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Coding workbench")
    st.session_state.setdefault("wb_coder", st.query_params.get("coder", ""))
    coder = st.text_input("Who are you? (your coder name, recorded on every coding)", key="wb_coder",
                          on_change=actions.remember_coder).strip()
    if not coder:
        st.info("Type your coder name to start.")
        return
    book = state.codebook(folder, revision)
    if book is None:
        st.info("Load a codebook first: `qualcoder codebook load FILE`.")
        return
    index, codings = state.segment_index(folder, revision), state.codings(folder, revision)
    current = _current(index, coder)
    _navigator(index, codings, coder, current, book)
    if current is None:
        st.success(f"{coder} has coded every segment.")
        return
    _segment(index, current)
    _codings(index, codings, current, coder, book)
    _memos(project, index, current, coder)


def _current(index, coder: str) -> int | None:
    wanted = st.query_params.get("segment")
    if wanted and wanted.isdigit() and (index.segments["segment_id"] == int(wanted)).any():
        return int(wanted)
    first = views.next_uncoded(index, coder, None)
    actions.go_to(first)  # in the URL, so that a reload comes back to this segment
    return first


def _navigator(index, codings, coder: str, current: int | None, book) -> None:
    mode = st.radio("Step through", MODES, horizontal=True, key="wb_mode")
    if mode == MODES[0]:
        st.button("Next uncoded segment", on_click=lambda: actions.go_to(views.next_uncoded(index, coder, current)))
    elif mode == MODES[1]:
        queue = views.uncertain_suggestions(index, codings)
        if queue.empty:
            st.info("There is no open suggestion. Run `qualcoder suggest` to get some.")
            return
        st.button("Next most uncertain suggestion", on_click=actions.go_to, args=(int(queue.iloc[0]["segment_id"]),))
        st.dataframe(queue.head(10), hide_index=True, height=200)
    else:
        cols = st.columns(3)
        docs = cols[0].multiselect("Document", sorted(index.segments["doc"].unique()))
        code = cols[1].selectbox("Coded with", [None, *index.options["code"]], format_func=lambda c: "any or none"
                                 if c is None else views.label(book, c))
        text = cols[2].text_input("Text contains", key="wb_text")
        from qualcoder.explorer.filters import SegmentFilter

        frame = index.segments[index.mask(SegmentFilter(codes=(code,) if code else (), text=text))]
        frame = views.keep(frame, "doc", docs)
        choices = frame["segment_id"].head(500).tolist()
        captions = dict(zip(frame["segment_id"], frame["doc"] + " · " + frame["text"].str.slice(0, 80)))
        picked = st.selectbox(f"Segment ({len(frame)} match)", choices, index=None, format_func=lambda s:
                              f"{s} · {captions[s]}", key="wb_pick")
        if picked is not None and picked != current:
            actions.go_to(int(picked))
            st.rerun()


def _segment(index, current: int) -> None:
    around = views.context(index, current)
    row = around[around["segment_id"] == current].iloc[0]
    who = f"{row['speaker']} ({row['profession']})" if isinstance(row["speaker"], str) else "no speaker"
    st.subheader(f"Segment {current}")
    st.caption(f"{row['doc']} · {row['type']} · {row['date'] or 'no date'} · {who}"
               + (f" · {row['section']}" if isinstance(row["section"], str) else ""))
    for item in around.itertuples():
        speaker = f"**{item.speaker}:** " if isinstance(item.speaker, str) else ""
        if item.segment_id == current:
            st.info(f"{speaker}{item.text}")
        else:
            st.caption(f"{speaker}{item.text}")


def _codings(index, codings, current: int, coder: str, book) -> None:
    present = views.segment_codings(index, codings, current)
    st.markdown(f"**Codings on this segment** ({len(present)})")
    st.dataframe(present, hide_index=True)
    for row in present.itertuples():
        if row.status == "suggested":
            cols = st.columns([4, 1, 1])
            cols[0].write(f"Suggestion {row.coding_id}: {views.label(book, row.code)} (p = {row.confidence:.2f})")
            cols[1].button("Accept", key=f"acc{row.coding_id}", on_click=actions.decide,
                           args=(int(row.coding_id), coder, True))
            cols[2].button("Reject", key=f"rej{row.coding_id}", on_click=actions.decide,
                           args=(int(row.coding_id), coder, False))
        elif row.coder == coder and row.source == "manual":
            cols = st.columns([5, 1])
            cols[0].write(f"Your coding {row.coding_id}: {views.label(book, row.code)}")
            cols[1].button("Remove", key=f"rm{row.coding_id}", on_click=actions.remove, args=(int(row.coding_id),))
    with st.form("wb_apply", clear_on_submit=False, border=True):
        st.multiselect("Apply codes", [c.id for c in book.codes], format_func=lambda c: views.label(book, c),
                       key="wb_codes")
        st.text_input("Memo on these codings (optional)", key="wb_coding_memo")
        st.form_submit_button("Apply", type="primary", on_click=actions.apply_codes, args=(current, coder))


def _memos(project, index, current: int, coder: str) -> None:
    doc_id = int(index.segments.loc[index.segments["segment_id"] == current, "doc_id"].iloc[0])
    memos = project.memos_df()
    mine = memos[(memos["target"] == "document") & (memos["target_id"] == str(doc_id))]
    with st.expander(f"Memos on this document ({len(mine)})"):
        for memo in mine.itertuples():
            st.markdown(f"*{memo.coder}, {memo.created_at:%Y-%m-%d %H:%M}:* {memo.text}")
        st.text_area("New memo", key="wb_memo")
        st.button("Save memo", on_click=actions.write_memo, args=("document", doc_id, coder, "wb_memo"))


if __name__ == "__main__":
    render()
