"""Agreement: per-code reliability with its interpretation, the disagreements, and adjudication."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.coding.adjudicate import earlier_decision
from qualcoder.errors import QualcoderError
from qualcoder.explorer import actions, charts, drill, safe, state, views

if TYPE_CHECKING:
    from qualcoder.project import Project


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Inter-coder agreement")
    known = views.human_coders(state.codings(folder, revision))
    cols = st.columns([3, 1])
    coders = cols[0].multiselect("Coders to compare", known, default=known[:2], key="ag_coders")
    level = cols[1].radio("Unit", ["segment", "character"], horizontal=True, key="ag_level")
    decided = st.toggle("Show decided disagreements too", key="ag_decided",
                        help="A disagreement leaves the list once a decision settles it.")
    if len(coders) < 2:
        st.info("Choose at least two coders.")
        return
    try:
        table = state.agreement(folder, revision, tuple(coders), level)
        disagreements = state.disagreements(folder, revision, tuple(coders), decided)
    except QualcoderError as error:
        safe.error(error)
        return
    st.caption(safe.md(table.attrs.get("scope", "")))
    first = [table.columns[0], "interpretation", "alpha", "alpha_low", "alpha_high"]
    st.dataframe(table, hide_index=True, column_order=first + [c for c in table.columns if c not in first])
    charts.show(views.agreement_figure(table), "agreement-" + "-".join(coders), key="ag_chart")
    st.subheader(f"Disagreements ({len(disagreements)})")
    code = st.selectbox("Code", [None, *sorted(disagreements["code"].unique())], key="ag_code",
                        format_func=lambda c: "all codes" if c is None else c)
    shown = views.keep(disagreements, "code", [code] if code else [])
    documents = state.documents(folder, revision)
    located = shown.assign(doc_id=shown["doc"].map(dict(zip(documents["name"], documents["doc_id"]))))
    drill.table(located.dropna(subset=["doc_id"]), key="ag_table", what="disagreement", height=260)
    _adjudicate(project, shown, coders)
    _decisions(project)


def _adjudicate(project: Project, shown, coders: list[str]) -> None:
    st.subheader("Adjudicate")
    if shown.empty:
        st.info("Nothing left to decide here.")
        return
    rows = {views.disagreement_caption(r): r for r in shown.itertuples()}
    picked = rows[st.selectbox("Disagreement", list(rows), key="ag_pick")]
    safe.text_block(picked.text, css_class="qc-passage")
    cols = st.columns(3)
    keep = cols[0].radio("Keep", [*coders, "both", "neither"], horizontal=True, key="ag_keep")
    decided_by = cols[1].text_input("Decided by", value=st.query_params.get("coder", ""), key="ag_by").strip()
    earlier = earlier_decision(project, picked.doc, int(picked.start), int(picked.end), picked.code)
    replace = False
    if earlier is not None:  # deciding the same item twice asks first
        st.warning(f"Already decided: decision {earlier.decision_id}, keep {earlier.decision}, by {earlier.decided_by}.")
        replace = st.checkbox("Replace that decision", key="ag_replace")
    cols[2].button("Record the decision", type="primary", disabled=not decided_by or (earlier is not None and not replace),
                   on_click=actions.resolve, args=(coders, int(picked.segment_id), picked.code, keep, decided_by, replace))



def _decisions(project: Project) -> None:
    decisions = project.decisions_df()
    active = decisions[decisions["reverted_at"].isna()] if len(decisions) else decisions
    with st.expander(f"Decisions ({len(active)} active)"):
        st.dataframe(decisions, hide_index=True)
        if len(active):
            chosen = st.selectbox("Undo a decision", active["decision_id"].tolist(), key="ag_undo")
            st.button("Undo", on_click=actions.undo_decision, args=(int(chosen),))


if __name__ == "__main__":
    render()
