"""Analysis: frequencies, co-occurrence, crosstab with residuals, timeline, keyword in context, specificities."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe, state

VIEWS = ("Frequencies", "Co-occurrence", "Crosstab", "Timeline", "Keyword in context", "Specificities")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Analysis")
    query = _selection(folder, revision)
    view = st.radio("View", VIEWS, horizontal=True, key="an_view")
    try:
        {"Frequencies": _frequencies, "Co-occurrence": _cooccurrence, "Crosstab": _crosstab, "Timeline": _timeline,
         "Keyword in context": _kwic, "Specificities": _specificities}[view](query)
    except QualcoderError as error:
        safe.error(error)


def _selection(folder: str, revision):
    """Which codings count (coders, sources, code level); returns a cached-call helper bound to them."""
    options = state.segment_index(folder, revision).options
    cols = st.columns(3)
    coders = tuple(cols[0].multiselect("Coders (all when empty)", options["coder"], key="an_coders"))
    sources = tuple(cols[1].multiselect("Sources (all when empty)", options["source"], key="an_sources"))
    level = cols[2].selectbox("Code level", [None, 1, 2, 3], key="an_level",
                              format_func=lambda v: "every code" if v is None else f"level {v}")
    selection = {"coders": list(coders) or None, "sources": list(sources) or None, "level": level}

    def call(function: str, *args, coded: bool = True, **extra):
        return state.analysis(folder, revision, function, *args, **({**selection, **extra} if coded else extra))

    return call


def _frequencies(call) -> None:
    by = st.selectbox("By", [None, *call("attributes", coded=False)], key="an_freq_by",
                      format_func=lambda v: "whole corpus" if v is None else v)
    table = call("code_frequencies", by)
    st.dataframe(table, hide_index=True, height=320)
    if by is None:
        st.plotly_chart(px.bar(table, x="segments", y="code", orientation="h", height=max(300, 18 * len(table))))
    else:
        pivot = table.pivot_table(index="code", columns=by, values="share", fill_value=0)
        st.plotly_chart(px.imshow(pivot, aspect="auto", color_continuous_scale="Blues",
                                  title=f"Share of each {by}'s segments", height=max(350, 18 * len(pivot))))


def _cooccurrence(call) -> None:
    cols = st.columns(2)
    measure = cols[0].radio("Measure", ["count", "jaccard"], horizontal=True, key="an_co_measure")
    window = int(cols[1].number_input("Window (neighbouring segments)", 0, 10, 0, key="an_co_window"))
    matrix = call("cooccurrence_matrix", window=window, measure=measure)
    st.plotly_chart(px.imshow(matrix, aspect="auto", color_continuous_scale="Viridis", title="Co-occurrence",
                              height=max(450, 16 * len(matrix))))
    st.dataframe(call("cooccurrence", window=window).head(50), hide_index=True)


def _crosstab(call) -> None:
    by = st.selectbox("Groups", call("attributes", coded=False), index=1, key="an_ct_by")
    table = call("crosstab", by)
    st.caption(safe.md(table.summary()))
    st.plotly_chart(px.imshow(table.residuals, aspect="auto", color_continuous_scale="RdBu_r",
                              color_continuous_midpoint=0, height=max(400, 18 * len(table.residuals)),
                              title="Adjusted residuals (beyond ±1.96: more or less than independence predicts)"))
    st.dataframe(table.long(), height=300)


def _timeline(call) -> None:
    period = st.radio("Period", ["meeting", "month", "quarter", "year"], horizontal=True, key="an_tl_period")
    table = call("timeline", period=period)
    codes = st.multiselect("Codes", sorted(table["code"].unique()), key="an_tl_codes",
                           default=table.groupby("code")["segments"].sum().nlargest(5).index.tolist())
    shown = table[table["code"].isin(codes)]
    st.plotly_chart(px.line(shown, x="period", y="share", color="code", markers=True, title="Theme timeline"))
    st.dataframe(shown, hide_index=True, height=260)


def _kwic(call) -> None:
    cols = st.columns([3, 1])
    query = cols[0].text_input("Word, phrase or pattern", key="an_kwic_query").strip()
    mode = cols[1].radio("Match", ["lemma", "phrase", "regex"], horizontal=True, key="an_kwic_mode")
    if query:
        table = call("kwic", query, mode=mode, coded=False)
        st.caption(f"{len(table)} occurrences")
        st.dataframe(table[["doc", "speaker", "profession", "left", "match", "right"]], hide_index=True)


def _specificities(call) -> None:
    cols = st.columns(3)
    by = cols[0].selectbox("Groups", call("attributes", coded=False), index=1, key="an_sp_by")
    method = cols[1].radio("Method", ["hypergeometric", "loglik"], horizontal=True, key="an_sp_method")
    top = int(cols[2].number_input("Words per group", 5, 100, 15, key="an_sp_top"))
    st.dataframe(call("specificities", by, method=method, top=top, coded=False), hide_index=True, height=420)


if __name__ == "__main__":
    render()
