"""Which segments a coding covers: the vectorised search against a brute force over every pair, on
non-overlapping segments (turns, paragraphs) and on overlapping windows."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder.coding.overlap import RULES, covered_segments

spans = st.tuples(st.integers(1, 3), st.integers(0, 60), st.integers(1, 25))


def brute_force(segments: pd.DataFrame, codings: pd.DataFrame, rule: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for s in segments.itertuples():
        for c in codings.itertuples():
            overlap = min(s.end, c.end) - max(s.start, c.start)
            if s.doc_id == c.doc_id and RULES[rule](overlap, s.end - s.start, c.end - c.start):
                found.setdefault(s.segment_id, set()).add(c.code)
    return found


@settings(max_examples=200, deadline=None)
@given(segment_spans=st.lists(spans, max_size=12), coding_spans=st.lists(spans, max_size=8),
       rule=st.sampled_from(sorted(RULES)))
def test_same_as_every_pair(segment_spans, coding_spans, rule):
    segments = pd.DataFrame([(i + 1, d, s, s + n) for i, (d, s, n) in enumerate(segment_spans)],
                            columns=["segment_id", "doc_id", "start", "end"])
    codings = pd.DataFrame([(d, s, s + n, f"c{i % 3}") for i, (d, s, n) in enumerate(coding_spans)],
                           columns=["doc_id", "start", "end", "code"])
    assert covered_segments(segments, codings, rule) == brute_force(segments, codings, rule)


def test_overlapping_windows_are_all_found():
    windows = pd.DataFrame({"segment_id": [1, 2, 3], "doc_id": [1, 1, 1], "start": [0, 5, 10], "end": [10, 15, 20]})
    coding = pd.DataFrame({"doc_id": [1], "start": [12], "end": [14], "code": ["x"]})
    assert covered_segments(windows, coding, "any") == {2: {"x"}, 3: {"x"}}
