"""Analysis: frequencies, co-occurrence, crosstab with residuals, timeline, keyword in context, specificities.

Every view takes the same filters (coders, sources, code level, and the document set: network, type, language),
draws its chart with ``qualcoder.figures`` (downloadable as PNG, SVG, HTML) and opens any of its passages in the
coding studio (``drill``).
"""

from __future__ import annotations

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import charts, drill, safe, state
from qualcoder.explorer.analysis_filters import Query, selection

VIEWS = ("Frequencies", "Co-occurrence", "Crosstab", "Timeline", "Keyword in context", "Specificities")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    st.title("Analysis")
    query = selection(project)
    view = st.radio("View", VIEWS, horizontal=True, key="an_view")
    try:
        {"Frequencies": _frequencies, "Co-occurrence": _cooccurrence, "Crosstab": _crosstab, "Timeline": _timeline,
         "Keyword in context": _kwic, "Specificities": _specificities}[view](query)
    except QualcoderError as error:
        safe.error(error)


def _frequencies(query: Query) -> None:
    from qualcoder import figures

    by = st.selectbox("By", [None, *query.attributes], key="an_freq_by",
                      format_func=lambda v: "whole corpus" if v is None else v)
    table = query.call("code_frequencies", by, label_language=query.style.language)
    charts.show(figures.frequencies_figure(table, query.style, by=by), f"frequencies-{by or 'corpus'}",
                key="an_freq")
    st.dataframe(table, hide_index=True, height=320)
    _code_segments(query, table["code"].unique().tolist(), by, key="an_freq_drill")


def _cooccurrence(query: Query) -> None:
    from qualcoder import figures

    cols = st.columns(2)
    measure = cols[0].radio("Measure", ["count", "jaccard"], horizontal=True, key="an_co_measure")
    window = int(cols[1].number_input("Window (neighbouring segments)", 0, 10, 0, key="an_co_window"))
    matrix = query.call("cooccurrence_matrix", window=window, measure=measure)
    charts.show(figures.cooccurrence_figure(matrix, query.style, measure=measure), f"cooccurrence-{measure}",
                key="an_co")
    st.dataframe(query.call("cooccurrence", window=window).head(50), hide_index=True)


def _crosstab(query: Query) -> None:
    from qualcoder import figures

    by = st.selectbox("Groups", query.attributes, index=1, key="an_ct_by")
    table = query.call("crosstab", by)
    st.caption(safe.md(table.summary()))
    charts.show(figures.crosstab_figure(table, query.style), f"crosstab-{by}", key="an_ct")
    st.markdown("**Cells**, the most over-represented first — select one to list its segments, then a segment to "
                "open it in the coding studio.")
    cells = table.long()
    cells = cells[cells["observed"] > 0].sort_values("residual", ascending=False, kind="stable")
    cells = cells.assign(label=cells["code"].map(query.style.label)).reset_index(drop=True)
    event = st.dataframe(cells[["code", "label", "group", "observed", "expected", "residual"]], hide_index=True,
                         height=300, key="an_ct_cells", on_select="rerun", selection_mode="single-row")
    if event.selection.rows:
        cell = cells.iloc[event.selection.rows[0]]
        _segments_of(query, str(cell["code"]), {by: [str(cell["group"])]}, key="an_ct_drill",
                     title=f"{query.style.label(cell['code'])} × {cell['group']}")


def _timeline(query: Query) -> None:
    from qualcoder import figures

    cols = st.columns([2, 1])
    period = cols[0].radio("Period", ["meeting", "month", "quarter", "year"], horizontal=True, key="an_tl_period")
    split = cols[1].selectbox("One panel per", ["network", "type", "language", None], key="an_tl_split",
                              format_func=lambda v: "(one panel)" if v is None else v)
    table = query.call("timeline", period=period)
    totals = table.groupby("code")["segments"].sum()
    codes = st.multiselect("Codes", totals.index.tolist(), key="an_tl_codes", format_func=query.style.label,
                           default=totals.nlargest(6).index.tolist())
    panels = _panels(query, table, period, split)
    shown = {name: frame[frame["code"].isin(codes)] for name, frame in panels.items()}
    charts.show(figures.timeline_figure(shown, query.style), f"timeline-{period}", key="an_tl")
    rows = table[table["code"].isin(codes) & (table["segments"] > 0)]
    st.markdown("**Points** — select one to list its segments, then a segment to open it in the coding studio.")
    event = st.dataframe(rows.assign(label=rows["code"].map(query.style.label)), hide_index=True, height=260,
                         key="an_tl_points", on_select="rerun", selection_mode="single-row")
    if event.selection.rows:
        point = rows.iloc[event.selection.rows[0]]
        attribute = "doc" if period == "meeting" else period
        _segments_of(query, str(point["code"]), {attribute: [str(point["period"])]}, key="an_tl_drill",
                     title=f"{query.style.label(point['code'])} · {point['period']}")


def _panels(query: Query, table, period: str, split: str | None) -> dict:
    """One timeline per value of ``split`` that has segments (a value without any is left out)."""
    if split is None:
        return {"": table}
    panels = {}
    for value in query.values(split):
        try:
            panels[value] = query.call("timeline", period=period, extra_where={split: [value]})
        except QualcoderError:
            continue
    return panels or {"": table}


def _kwic(query: Query) -> None:
    cols = st.columns([3, 1])
    text = cols[0].text_input("Word, phrase or pattern", key="an_kwic_query").strip()
    mode = cols[1].radio("Match", ["lemma", "phrase", "regex"], horizontal=True, key="an_kwic_mode")
    if not text:
        return
    table = query.call("kwic", text, mode=mode, coded=False)
    st.caption(f"{len(table)} occurrences")
    drill.table(table, key="an_kwic_table", what="occurrence", height=460,
                shown=["left", "match", "right", "doc", "speaker", "profession", "start", "end"],
                column_config={"left": st.column_config.TextColumn("left context", width="large",
                                                                   alignment="right"),
                               "match": st.column_config.TextColumn("match", width="small"),
                               "right": st.column_config.TextColumn("right context", width="large"),
                               "doc": st.column_config.TextColumn(width="small")})


def _specificities(query: Query) -> None:
    cols = st.columns(3)
    by = cols[0].selectbox("Groups", query.attributes, index=1, key="an_sp_by")
    method = cols[1].radio("Method", ["hypergeometric", "loglik"], horizontal=True, key="an_sp_method")
    top = int(cols[2].number_input("Words per group", 5, 100, 15, key="an_sp_top"))
    st.dataframe(query.call("specificities", by, method=method, top=top, coded=False, filtered=False),
                 hide_index=True, height=420)
    if query.where:
        st.caption("Specificities compare the groups of the whole corpus: the document filters do not apply here.")


def _code_segments(query: Query, codes: list[str], by: str | None, *, key: str) -> None:
    with st.expander("Segments of a code (open one in the coding studio)"):
        code = st.selectbox("Code", codes, format_func=query.style.label, key=f"{key}_code", index=None)
        if code:
            _segments_of(query, code, {}, key=key, title=query.style.label(code))


def _segments_of(query: Query, code: str, where: dict, *, key: str, title: str) -> None:
    units = query.call("coded_units", extra_where=where)
    units = units[units["code"] == code]
    st.markdown(f"**{safe.md(title)}** — {len(units)} segments")
    drill.table(units, key=key, shown=["doc", "speaker", "profession", "start", "end", "coders"], height=260)


if __name__ == "__main__":
    render()
