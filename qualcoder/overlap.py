"""Which segments a coding covers: one mechanism for auto-coding scopes, agreement units and training labels."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

import pandas as pd

Rule = Callable[[int, int, int], bool]  # (overlap, segment length, coding length) -> covered?

RULES: dict[str, Rule] = {
    "any": lambda overlap, segment, coding: overlap > 0,
    "half_segment": lambda overlap, segment, coding: overlap > 0 and overlap >= 0.5 * segment,
    "half_either": lambda overlap, segment, coding: overlap > 0 and overlap >= 0.5 * min(segment, coding),
}


def covered_segments(segments: pd.DataFrame, codings: pd.DataFrame, rule: str) -> dict[int, set[str]]:
    """segment_id -> codes of the codings that cover it under ``rule`` (``any``, ``half_segment``,
    ``half_either``). Codings give their document as ``doc_id`` or ``document_id``.

    >>> segments = pd.DataFrame({"segment_id": [1, 2], "doc_id": [1, 1], "start": [0, 10], "end": [10, 20]})
    >>> codings = pd.DataFrame({"doc_id": [1], "start": [8], "end": [20], "code": ["x"]})
    >>> covered_segments(segments, codings, "any"), covered_segments(segments, codings, "half_segment")
    ({1: {'x'}, 2: {'x'}}, {2: {'x'}})
    """
    covers = RULES[rule]
    by_doc = {int(doc_id): (group["start"].tolist(), group["end"].tolist(), group["segment_id"].tolist())
              for doc_id, group in segments.sort_values(["doc_id", "start"]).groupby("doc_id")}
    doc_column = "document_id" if "document_id" in codings.columns else "doc_id"
    found: dict[int, set[str]] = {}
    for doc_id, start, end, code in codings[[doc_column, "start", "end", "code"]].itertuples(index=False):
        starts, ends, ids = by_doc.get(int(doc_id), ([], [], []))
        for index in range(max(bisect_left(starts, start) - 1, 0), bisect_left(starts, end)):
            overlap = min(ends[index], end) - max(starts[index], start)
            if covers(overlap, ends[index] - starts[index], end - start):
                found.setdefault(int(ids[index]), set()).add(code)
    return found
