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
    book = project.codebook() if project.repo.active_codebook() else None
    return tabular.to_xlsx_bytes(frame, codebook=book)
