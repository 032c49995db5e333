"""Downloads: the project's exports as the CLI writes them (``qualcoder export segments|qdpx|codebook|memos``):
coded segments in long form (one row per coding) or as a 0/1 matrix, the REFI-QDA .qdpx, the codebook as .docx,
.md or .yaml, the memos. Each file is made when its button is clicked."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.explorer import downloads, safe, state

if TYPE_CHECKING:
    from qualcoder.project import Project

SOURCES = ("manual", "import", "rules", "model")


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Downloads")
    st.caption(safe.md("The same files as the qualcoder export commands write; each is made when you click."))
    if state.documents(folder, revision).empty:
        st.info(safe.md("Import documents first: qualcoder import FILES."))
        return
    _segments(project, state.codings(folder, revision))
    st.divider()
    cols = st.columns(3, gap="large")
    with cols[0]:
        _qdpx(project)
    with cols[1]:
        _codebook(project, state.codebook(folder, revision))
    with cols[2]:
        _memos(project)


def _segments(project: Project, codings) -> None:
    st.subheader("Coded segments")
    cols = st.columns([2, 2, 1.3, 1.3], vertical_alignment="bottom")
    # only what the project holds: the export refuses a coder or source nobody has, and a download cannot say so
    present = [source for source in SOURCES if source in set(codings["source"])]
    coders = cols[0].multiselect("Coders", project.coders(present), key="downloads_coders",
                                 placeholder="every coder")
    sources = cols[1].multiselect("Sources", present, key="downloads_sources", placeholder="every source")
    suggestions = cols[2].toggle("With suggestions", help="Add the model's pending suggestions", key="downloads_suggestions")
    excel = cols[3].toggle("Excel (French)", key="downloads_excel", help="BOM, ';' and decimal commas")
    options = {"coders": coders, "sources": sources, "include_suggestions": suggestions, "excel": excel}
    chosen = codings[codings["coder"].isin(coders or codings["coder"]) & codings["source"].isin(sources or present)]
    empty = not set(coders) <= set(chosen["coder"]) or not set(sources) <= set(chosen["source"])
    if empty:
        st.warning(safe.md("Some of the chosen coders have no coding from the chosen sources: choose again."))
    buttons = st.columns(2)
    buttons[0].download_button(
        "Long form: one row per coding (CSV)", partial(downloads.coded_segments_bytes, project, wide=False, **options),
        "coded-segments.csv", "text/csv", key="downloads_long", on_click="ignore", disabled=empty,
        help="coder, source, status, memo, labels, offsets, text, speaker and document attributes")
    buttons[1].download_button(
        "0/1 matrix: one row per segment (CSV)", partial(downloads.coded_segments_bytes, project, wide=True,
                                                         **options),
        "coded-segments-matrix.csv", "text/csv", key="downloads_wide", on_click="ignore", disabled=empty)


def _qdpx(project: Project) -> None:
    st.subheader("REFI-QDA")
    st.caption("For NVivo, ATLAS.ti, MAXQDA, QualCoder: documents, codebook, codings, memos, cases.")
    st.download_button("Project (.qdpx)", partial(downloads.qdpx_bytes, project, coders=[]), "project.qdpx",
                       "application/zip", key="downloads_qdpx", on_click="ignore")


def _codebook(project: Project, book) -> None:
    st.subheader("Codebook")
    if book is None:
        st.caption("No codebook is loaded.")
        return
    language = st.radio("Language", list(book.languages), horizontal=True, key="downloads_language")
    for format, mime in downloads.CODEBOOK_FORMATS.items():
        st.download_button(f"Codebook (.{format})", partial(downloads.codebook_bytes, project, format, language),
                           f"codebook-{book.id}.{format}", mime, key=f"downloads_codebook_{format}",
                           on_click="ignore")


def _memos(project: Project) -> None:
    st.subheader("Memos")
    st.caption("Grouped by what they are on (Markdown), or as a table (CSV).")
    for format, mime in (("md", "text/markdown"), ("csv", "text/csv")):
        st.download_button(f"Memos (.{format})", partial(downloads.memos_bytes, project, format), f"memos.{format}",
                           mime, key=f"downloads_memos_{format}", on_click="ignore")


if __name__ == "__main__":
    render()
