"""Segments: filter by codes, speaker, attributes, dates, source, coder and text; download the selection."""

from __future__ import annotations

from functools import partial

import streamlit as st

from qualcoder.explorer import downloads, drill, state, views
from qualcoder.explorer.filters import SegmentFilter

SHOWN_ROWS = 2_000  # the table shows this many; the downloads hold the whole selection


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Segments")
    index = state.segment_index(folder, revision)
    wanted = _filters(index, state.codebook(folder, revision))
    mask = index.mask(wanted)
    ids = index.segments.loc[mask, "segment_id"].tolist()
    st.caption(f"{len(ids):,} of {len(index.segments):,} segments"
               + (f" (the first {SHOWN_ROWS:,} are shown; the downloads hold them all)" if len(ids) > SHOWN_ROWS
                  else ""))
    rows = index.shown(mask, SHOWN_ROWS)
    located = rows.merge(index.segments[["segment_id", "doc_id", "start", "end"]], on="segment_id", how="left")
    drill.table(located, key="seg_table", what="segment", shown=list(rows.columns), height=480, column_config={
        "doc": st.column_config.TextColumn(width="small"), "codes": st.column_config.TextColumn(width="medium"),
        "text": st.column_config.TextColumn(width="large")})
    args = (project, ids, list(wanted.coders), list(wanted.sources))
    cols = st.columns(2)
    cols[0].download_button("Download CSV", partial(downloads.csv_bytes, *args), "segments.csv", "text/csv",
                            on_click="ignore", disabled=not ids)
    cols[1].download_button("Download XLSX", partial(downloads.xlsx_bytes, *args), "segments.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                            disabled=not ids)


def _filters(index, book) -> SegmentFilter:
    options = index.options
    text = st.text_input("Text contains", key="seg_text")
    cols = st.columns([3, 1])
    codes = cols[0].multiselect("Codes", options["code"], format_func=lambda c: views.label(book, c),
                                key="seg_codes")
    match_all = cols[1].radio("Segments with", ["any of them", "all of them"], key="seg_match") == "all of them"
    cols = st.columns(4)
    speakers = cols[0].multiselect("Speaker", options["speaker"], key="seg_speakers")
    professions = cols[1].multiselect("Profession", options["profession"], key="seg_professions")
    types = cols[2].multiselect("Document type", options["type"], key="seg_types")
    languages = cols[3].multiselect("Language", options["language"], key="seg_languages")
    cols = st.columns(3)
    sources = cols[0].multiselect("Source", options["source"], key="seg_sources")
    coders = cols[1].multiselect("Coder", options["coder"], key="seg_coders")
    date_from = date_to = None
    if index.date_range:
        low, high = index.date_range
        chosen = cols[2].date_input("Date range", (low, high), min_value=low, max_value=high, key="seg_dates")
        if isinstance(chosen, tuple | list) and len(chosen) == 2 and tuple(chosen) != (low, high):
            date_from, date_to = chosen
    return SegmentFilter(codes=tuple(codes), match_all=match_all, speakers=tuple(speakers),
                         professions=tuple(professions), types=tuple(types), languages=tuple(languages),
                         date_from=date_from, date_to=date_to, sources=tuple(sources), coders=tuple(coders),
                         text=text)


if __name__ == "__main__":
    render()
