"""Tokens from the stored parses (no text is parsed again), each placed in its segment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import NothingToAnalyse

if TYPE_CHECKING:
    from qualcoder.project import Project


def token_table(project: Project, doc_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per stored token: doc_id, start, end, lemma (lower-cased), in document and text order."""
    parses = project.parses(doc_ids)
    if not parses:
        raise NothingToAnalyse("the project has no parsed documents", place="project",
                               fix="Run `qualcoder segment` (it parses the documents once).")
    ids = sorted(parses)
    sizes = [len(parses[d].lemmas) for d in ids]
    return pd.DataFrame({
        "doc_id": np.repeat(np.array(ids, dtype=np.int64), sizes),
        "start": np.concatenate([np.asarray(parses[d].starts, dtype=np.int64) for d in ids]),
        "end": np.concatenate([np.asarray(parses[d].ends, dtype=np.int64) for d in ids]),
        "lemma": [lemma for d in ids for lemma in parses[d].lemmas],
    })


def place_in_segments(spans: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """``spans`` (doc_id, start, ...) with the segment_id of the segment holding their start (NA outside any
    segment) and the segment columns given in ``segments``."""
    left = spans.reset_index(drop=True).assign(_row=lambda f: np.arange(len(f))).sort_values("start")
    right = segments.rename(columns={"start": "_segment_start", "end": "_segment_end"}).sort_values("_segment_start")
    placed = pd.merge_asof(left, right, left_on="start", right_on="_segment_start", by="doc_id", direction="backward")
    outside = placed["_segment_end"].isna() | (placed["start"] >= placed["_segment_end"])
    placed.loc[outside, [c for c in right.columns if c not in ("doc_id",)]] = pd.NA
    placed = placed.sort_values("_row").drop(columns=["_row", "_segment_start", "_segment_end"])
    if "segment_id" in placed.columns:
        placed["segment_id"] = placed["segment_id"].astype("Int64")
    return placed.reset_index(drop=True)
