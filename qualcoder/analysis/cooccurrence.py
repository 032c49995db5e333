"""Code co-occurrence: in the same segment, or within a window of consecutive segments of a document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import InvalidOption, check_choice
from qualcoder.analysis.presence import presence_array
from qualcoder.analysis.units import code_order, codebook_of, coded_units, segment_table

if TYPE_CHECKING:
    from qualcoder.project import Project

MEASURES = ("count", "jaccard")


def _window_presence(project: Project, window: int, where=None, **selection) -> tuple[np.ndarray, list[str]]:
    """One row per window (``window + 1`` consecutive segments of a document; a shorter document is one
    window), one 0/1 column per code present anywhere: 1 where the code is present in the window."""
    if not isinstance(window, int) or window < 0:
        raise InvalidOption(f"the window {window!r} is not a whole number >= 0", place="--window",
                            fix="Give 0 for the same segment, or k for segments at most k apart.")
    table = segment_table(project, where).sort_values(["doc_id", "position"]).reset_index(drop=True)
    units = coded_units(project, table=table, **selection)
    codes = code_order(codebook_of(project), units["code"].unique())
    presence = presence_array(units, table["segment_id"], codes).astype(np.int64)
    if window == 0:
        return presence, codes
    doc = table["doc_id"].to_numpy()
    index = np.arange(len(table))
    first = pd.Series(index).groupby(doc).transform("min").to_numpy()
    last = pd.Series(index).groupby(doc).transform("max").to_numpy()
    ends = np.minimum(index + window, last)
    cumulative = np.vstack([np.zeros((1, len(codes)), dtype=np.int64), presence.cumsum(axis=0)])
    sums = cumulative[ends + 1] - cumulative[index]
    starts = (index + window <= last) | (index == first)
    return (sums[starts] > 0).astype(np.int64), codes


def _counts(presence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    as_float = presence.astype(np.float64)  # BLAS multiplies floats, not integers
    together = np.rint(as_float.T @ as_float).astype(np.int64)
    alone = np.diag(together)
    union = alone[:, None] + alone[None, :] - together
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, together / np.maximum(union, 1), 0.0)
    return together, jaccard


def cooccurrence(project: Project, *, window: int = 0, coders: Sequence[str] | None = None,
                 sources: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                 level: int | None = None, include_suggestions: bool = False,
                 where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Pairs of codes found together: code_a, code_b, count, jaccard, count_a, count_b (most frequent first).

    ``window=0``: count = segments holding both codes, jaccard = count / segments holding either.
    ``window=k``: the same over windows of k + 1 consecutive segments of a document, so two codes k or fewer
    segments apart co-occur.

    >>> # cooccurrence(project, level=1).head()
    """
    presence, names = _window_presence(project, window, coders=coders, sources=sources, codes=codes, level=level,
                                       include_suggestions=include_suggestions, where=where)
    together, jaccard = _counts(presence)
    a, b = np.triu_indices(len(names), k=1)
    frame = pd.DataFrame({"code_a": np.array(names, dtype=object)[a], "code_b": np.array(names, dtype=object)[b],
                          "count": together[a, b], "jaccard": jaccard[a, b].round(4),
                          "count_a": np.diag(together)[a], "count_b": np.diag(together)[b]})
    frame = frame[frame["count"] > 0]
    return frame.sort_values(["count", "jaccard"], ascending=False, kind="stable").reset_index(drop=True)


def cooccurrence_matrix(project: Project, *, window: int = 0, measure: str = "count", coders: Sequence[str] | None = None,
                        sources: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                        level: int | None = None, include_suggestions: bool = False,
                 where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Square table, codes x codes (codebook order), of ``count`` or ``jaccard``; the diagonal holds each code's
    own count (or 1.0).

    >>> # cooccurrence_matrix(project, measure="jaccard", level=1)
    """
    check_choice(measure, MEASURES, "--measure")
    presence, names = _window_presence(project, window, coders=coders, sources=sources, codes=codes, level=level,
                                       include_suggestions=include_suggestions, where=where)
    together, jaccard = _counts(presence)
    values = together if measure == "count" else jaccard.round(4)
    return pd.DataFrame(values, index=pd.Index(names, name="code"), columns=names)
