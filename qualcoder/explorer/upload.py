"""Import: upload documents (with an optional metadata CSV and speakers CSV), read the import report per file, and
segment or re-segment the project. The importer decides what is refused; a refused file leaves the project as it
was."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe, state
from qualcoder.explorer.uploads import (
    DOCUMENT_TYPES,
    MAX_UPLOAD_MB,
    Upload,
    import_uploads,
    report_table,
    shorter,
)
from qualcoder.ingest.speakers import LAYOUTS

if TYPE_CHECKING:
    from qualcoder.project import Project

REPORT = "upload_report"
METHODS = ("sentence", "paragraph", "turn", "window:5")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    st.title("Import")
    _upload_form()
    _last_report()
    st.divider()
    _segmentation(project, state.status(state.folder(), state.revision(project))["totals"])
    st.divider()
    _turns_again(project)


def _as_upload(file) -> Upload:
    return Upload(file.name, file.size, file.getvalue)


def _upload_form() -> None:
    with st.form("upload_form", clear_on_submit=True, border=True):
        files = st.file_uploader(f"Documents ({', '.join(DOCUMENT_TYPES)}; up to {MAX_UPLOAD_MB} MB each)",
                                 type=DOCUMENT_TYPES, accept_multiple_files=True, max_upload_size=MAX_UPLOAD_MB,
                                 key="upload_documents")
        cols = st.columns([1, 1, 0.6])
        metadata = cols[0].file_uploader("Metadata CSV (optional: one row per document)", type=["csv"],
                                         key="upload_metadata", max_upload_size=50)
        speakers = cols[1].file_uploader("Speakers CSV (optional: label, role, profession, organisation…)",
                                         type=["csv"], key="upload_speakers", max_upload_size=50)
        language = cols[2].selectbox("Language", [None, "fr", "en"], key="upload_language",
                                     format_func=lambda v: "detect per document" if v is None else v)
        layout = _layout_picker(st, "upload_layout")
        submitted = st.form_submit_button("Import", type="primary")
    if submitted:
        if not files:
            st.warning("Choose at least one document to import.")
            return
        _import(files, metadata, speakers, language, layout)


def _layout_picker(where, key: str) -> str | None:
    """How speaker labels are written (``None``: the project's setting, else detected)."""
    return where.selectbox("Speaker labels", [None, *LAYOUTS], key=key, format_func=_layout_label,
                           help="How the transcripts write who speaks; `auto` finds it per document.")


def _layout_label(preset: str | None) -> str:
    return "the project's setting" if preset is None else f"{preset} — {LAYOUTS[preset]}"


def _import(files, metadata, speakers, language, layout: str | None) -> None:
    project = state.open_project(state.folder())
    bar = st.progress(0.0, text="Reading the files…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{stage}: {done} of {total}")

    try:
        report, paths = import_uploads(project, [_as_upload(f) for f in files],
                                       metadata=_as_upload(metadata) if metadata else None,
                                       speakers=_as_upload(speakers) if speakers else None,
                                       language=language, speakers_layout=layout, progress=progress)
    except QualcoderError as error:
        bar.empty()
        st.session_state[REPORT] = {"error": str(error)}
        return
    bar.empty()
    st.session_state[REPORT] = {"table": report_table(project, report, paths),
                                "failures": [shorter(f.message, paths) for f in report.failures],
                                "warnings": list(report.warnings), "added": len(report.added)}


def _last_report() -> None:
    """The report of the latest import of this session (kept across reruns until the next import)."""
    found = st.session_state.get(REPORT)
    if not found:
        return
    st.subheader("Import report")
    if "error" in found:
        safe.error(found["error"])
        st.caption("Nothing was imported: the project is unchanged.")
        return
    failed = len(found["failures"])
    summary = f"{found['added']} document(s) imported, {failed} file(s) refused (the project is unchanged for them)."
    (st.success if not failed else st.warning)(summary)
    for message in found["failures"]:
        safe.error(message)
    for message in found["warnings"]:
        st.warning(safe.md(message))
    table = found["table"]
    st.dataframe(table.astype(object).where(table.notna(), ""), hide_index=True, key="upload_report_table",
                 column_config={"warnings": st.column_config.TextColumn(width="large"),
                                "error": st.column_config.TextColumn(width="large")})


def _segmentation(project: Project, totals: dict) -> None:
    st.subheader("Segmentation")
    current = totals["segmentation"]
    if current:
        st.caption(safe.md(f"{totals['segments']:,} segments ({current}). Re-segmenting keeps every coding: codings "
                           "anchor to the text, segments are a view on it."))
    else:
        st.caption("Not segmented yet: segment to code by segment, count, and run the analyses.")
    cols = st.columns([1, 3], vertical_alignment="bottom")
    method = cols[0].selectbox("Segment by", METHODS, key="upload_method",
                               index=METHODS.index(current) if current in METHODS else 0)
    if cols[1].button("Re-segment" if current else "Segment", key="upload_segment", disabled=not totals["documents"]):
        bar = st.progress(0.0, text="Loading the language pipeline…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"{stage}: {done} of {total} documents")

        done: list[int] = []
        with st.spinner("Segmenting…"):
            ok = state.run(lambda: done.append(project.segment(method, progress=progress)))
        bar.empty()
        if ok:
            st.success(f"{done[0]:,} segments ({method}).")


def _turns_again(project: Project) -> None:
    """Find the speaker turns again in imported documents with another layout: the text does not change, so every
    coding keeps its place (``Project.redetect_turns``)."""
    st.subheader("Speaker turns")
    documents = project.documents_df(with_text=False)["name"].tolist()
    if not documents:
        return
    st.caption("Turns wrong for a document? Find them again with the layout its transcript uses; codings stay.")
    cols = st.columns([2, 1.4, 0.6], vertical_alignment="bottom")
    chosen = cols[0].multiselect("Documents", documents, key="turns_documents", placeholder="every document")
    layout = _layout_picker(cols[1], "turns_layout")
    if not cols[2].button("Find turns again", key="turns_again"):
        return
    bar = st.progress(0.0, text="Finding the turns…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{stage}: {done} of {total} documents")

    found: list = []
    ok = state.run(lambda: found.extend(project.redetect_turns(chosen or None, speakers_layout=layout,
                                                               progress=progress)))
    bar.empty()
    if ok:
        st.success(f"Turns found again in {len(found)} document(s).")
        table = pd.DataFrame([r.as_dict() for r in found])
        table["warnings"] = table["warnings"].map("; ".join)
        st.dataframe(table[["name", "layout", "turns", "speakers", "top_speaker", "top_speaker_share", "warnings"]],
                     hide_index=True, key="turns_report")


if __name__ == "__main__":
    render()
