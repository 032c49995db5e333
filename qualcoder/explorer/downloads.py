"""The Segments page's downloads: the filtered selection through the same export as ``qualcoder export``."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qualcoder.project import Project


def selection_table(project: Project, segment_ids: Iterable[int], *, coders: Iterable[str] = (),
                    sources: Iterable[str] = ()) -> pd.DataFrame:
    """One row per selected segment with a 0/1 column per code (``tabular.coded_segments(wide=True)``), codes
    counted from the chosen coders and sources only."""
    from qualcoder.export import tabular

    wide = tabular.coded_segments(project, coders=list(coders) or None, sources=list(sources) or None, wide=True)
    return wide[wide["segment_id"].isin(set(segment_ids))].reset_index(drop=True)


def csv_bytes(project: Project, segment_ids: list[int], coders: list[str], sources: list[str]) -> bytes:
    from qualcoder.export import tabular

    return tabular.to_csv_bytes(selection_table(project, segment_ids, coders=coders, sources=sources))


def xlsx_bytes(project: Project, segment_ids: list[int], coders: list[str], sources: list[str]) -> bytes:
    from qualcoder.export import tabular

    frame = selection_table(project, segment_ids, coders=coders, sources=sources)
    book = project.codebook() if project.has_codebook() else None
    return tabular.to_xlsx_bytes(frame, codebook=book)


# the Downloads page: the project's exports, each the bytes the matching CLI command writes -----------------------
CODEBOOK_FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "md": "text/markdown", "yaml": "application/x-yaml"}


def coded_segments_bytes(project: Project, *, wide: bool, coders: list[str], sources: list[str],
                         include_suggestions: bool = False, excel: bool = False) -> bytes:
    """``qualcoder export segments OUT.csv [--wide]`` as bytes: one row per coding (coder, source, status, memo,
    labels, offsets, text) or one 0/1 column per code.

    >>> # coded_segments_bytes(project, wide=False, coders=["alice"], sources=[])[:40]
    """
    from qualcoder.export import tabular

    frame = tabular.coded_segments(project, coders=coders or None, sources=sources or None,
                                   include_suggestions=include_suggestions, wide=wide)
    return tabular.to_csv_bytes(frame, excel=excel)


def qdpx_bytes(project: Project, *, coders: list[str], include_suggestions: bool = False) -> bytes:
    """``qualcoder export qdpx OUT.qdpx`` as bytes (written to a temporary file by the one atomic writer)."""
    import tempfile
    from pathlib import Path

    from qualcoder import refi

    with tempfile.TemporaryDirectory(prefix="qualcoder-qdpx-") as folder:
        path = Path(folder) / "project.qdpx"
        refi.export_qdpx(project, path, coders=coders or None, include_suggestions=include_suggestions)
        return path.read_bytes()


def codebook_bytes(project: Project, format: str, language: str) -> bytes:
    """The codebook as ``qualcoder export codebook`` (.docx, .md) or ``codebook export --format yaml`` writes it.

    >>> # codebook_bytes(project, "md", "fr").decode()[:20]
    """
    from qualcoder.coding.codebook import to_markdown, to_yaml
    from qualcoder.export.codebook_docx import codebook_docx_bytes

    book = project.codebook()
    if format == "docx":
        return codebook_docx_bytes(book, language)
    if format == "md":
        return to_markdown(book, language).encode("utf-8")
    return to_yaml(book).encode("utf-8")


def memos_bytes(project: Project, format: str) -> bytes:
    """``qualcoder export memos OUT.md|OUT.csv`` as bytes."""
    from qualcoder.export import tabular
    from qualcoder.export.memos import memos_markdown

    memos = project.memos_df()
    if format == "md":
        return memos_markdown(memos).encode("utf-8")
    return tabular.to_csv_bytes(memos)
