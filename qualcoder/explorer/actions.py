"""What the workbench's and agreement page's buttons do: each writes through the Project at once.

They run as Streamlit callbacks (before the rerun that follows the click), so the page redraws from the new
project revision; a QualcoderError is shown with ``st.error``.
"""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import state


def go_to(segment_id: int | None) -> None:
    """Make ``segment_id`` the workbench's segment; kept in the URL so that a reload comes back to it."""
    if segment_id is None:
        st.query_params.pop("segment", None)
    else:
        st.query_params["segment"] = str(segment_id)


def remember_coder() -> None:
    coder = st.session_state.get("wb_coder", "").strip()
    if coder:
        st.query_params["coder"] = coder
    else:
        st.query_params.pop("coder", None)


def apply_codes(segment_id: int, coder: str) -> None:
    """Apply the codes chosen in the form (with the memo, if any) to the whole segment."""
    project = state.open_project(state.folder())
    codes = st.session_state.get("wb_codes", [])
    memo = st.session_state.get("wb_coding_memo", "").strip() or None
    if not codes:
        st.error("Choose at least one code to apply.")
        return
    for code in codes:
        if not state.run(lambda code=code: project.add_coding(code, coder, segment=segment_id, memo=memo)):
            return
    st.toast(f"Applied {', '.join(codes)} to segment {segment_id}")
    st.session_state["wb_codes"] = []
    st.session_state["wb_coding_memo"] = ""


def decide(coding_id: int, coder: str, accept: bool) -> None:
    project = state.open_project(state.folder())
    action = project.accept_suggestion if accept else project.reject_suggestion
    state.run(lambda: action(coding_id, coder), f"{'Accepted' if accept else 'Rejected'} suggestion {coding_id}")


def remove(coding_id: int) -> None:
    project = state.open_project(state.folder())
    state.run(lambda: project.remove_coding(coding_id), f"Removed coding {coding_id}")


def write_memo(target: str, target_id: int | str, coder: str, key: str) -> None:
    project = state.open_project(state.folder())
    text = st.session_state.get(key, "")
    if state.run(lambda: project.add_memo(target, target_id, coder, text), f"Memo saved on {target} {target_id}"):
        st.session_state[key] = ""


def resolve(coders: list[str], segment_id: int, code: str, keep: str, decided_by: str) -> None:
    project = state.open_project(state.folder())
    state.run(lambda: project.resolve(coders, segment_id, code, keep, decided_by),
              f"Decision recorded: segment {segment_id}, {code}, keep {keep}")


def undo_decision(decision_id: int) -> None:
    project = state.open_project(state.folder())
    state.run(lambda: project.undo_decision(decision_id), f"Decision {decision_id} undone")
