"""The classes next to what the project already knows: class x code (does a lexical world match a theme of the
codebook?), class x topic, and the classes over meetings or time.

A code (or a topic) is present in a text segment under the rule every qualcoder table uses: a coding covers half
the segment or half the coding (``analysis.coded_units``; topic assignments go through the same overlap rule).
Each cell has the signed 2 x 2 chi-square of the profiles (class against the code's presence, in segments).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qualcoder.lexico.errors import InvalidLexicoOption
from qualcoder.lexico.stats import p_values, signed_chi2

PERIODS = ("meeting", "month", "quarter", "year")
CROSS_COLUMNS = ["class", "segments", "class_segments", "feature_segments", "share_of_class", "share_of_feature",
                 "chi2", "p_value"]


def _association(pairs: pd.DataFrame, labels: np.ndarray, feature: str) -> pd.DataFrame:
    """From one row per (segment position, feature value) to one row per (class, value) with counts and chi2."""
    classified = labels > 0
    total = int(classified.sum())
    pairs = pairs[classified[pairs["position"].to_numpy(dtype=np.int64)]].drop_duplicates(["position", feature])
    pairs = pairs.assign(**{"class": labels[pairs["position"].to_numpy(dtype=np.int64)]})
    classes = sorted(int(c) for c in np.unique(labels[classified]))
    values = sorted(pairs[feature].unique().tolist(), key=str)
    grid = pd.MultiIndex.from_product([classes, values], names=["class", feature])
    counts = pairs.groupby(["class", feature]).size().reindex(grid, fill_value=0).rename("segments").reset_index()
    sizes = pd.Series(labels[classified]).value_counts()
    counts["class_segments"] = counts["class"].map(sizes).astype(int)
    counts["feature_segments"] = counts[feature].map(pairs.groupby(feature)["position"].nunique()).astype(int)
    chi2 = signed_chi2(counts["segments"], counts["class_segments"], counts["feature_segments"], total)
    counts["share_of_class"] = (counts["segments"] / counts["class_segments"]).round(4)
    counts["share_of_feature"] = (counts["segments"] / counts["feature_segments"].clip(lower=1)).round(4)
    counts["chi2"] = np.round(chi2, 3)
    counts["p_value"] = p_values(chi2)
    return counts


def class_codes(run, *, coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                codes: Sequence[str] | None = None, level: int | None = 1, include_suggestions: bool = False
                ) -> pd.DataFrame:
    """class, code, label, segments (of the class carrying the code), class_segments, feature_segments (classified
    segments carrying the code), share_of_class, share_of_feature, chi2, p_value. ``level=1``: codes rolled up to
    their top themes (None: every code)."""
    from qualcoder.analysis.units import codebook_of, coded_units, labels_of

    table = run.segments.rename(columns={"position": "segment_id"})
    units = coded_units(run.project, coders=coders, sources=sources, codes=codes, level=level,
                        include_suggestions=include_suggestions, table=table)
    pairs = units[["segment_id", "code"]].rename(columns={"segment_id": "position"})
    frame = _association(pairs, run.labels, "code")
    language = run.options.language
    frame.insert(2, "label", frame["code"].map(labels_of(codebook_of(run.project), language)))
    return frame[["class", "code", "label", *CROSS_COLUMNS[1:]]]


def class_topics(run, topic_run: str | None = None) -> pd.DataFrame:
    """class, topic (``fr:3``), topic label, counts, shares, chi2, p: a topic is present in a text segment when
    one of its segments covers half of it (or half of the topic's segment)."""
    from qualcoder.coding.overlap import covered_pairs

    topics = run.project.topic_run(topic_run)
    assignments = topics.assignments
    spans = run.stored.rename(columns={"position": "segment_id"})[["segment_id", "doc_id", "start", "end"]]
    found = covered_pairs(spans, assignments[["doc_id", "start", "end"]], "half_either")
    pairs = pd.DataFrame({"position": found["segment_id"].to_numpy(),
                          "topic": assignments["key"].to_numpy()[found["coding"].to_numpy()]})
    frame = _association(pairs, run.labels, "topic")
    labels = assignments.drop_duplicates("key").set_index("key")["label"]
    frame.insert(2, "topic_label", frame["topic"].map(labels))
    frame.attrs["topic_run"] = topics.name
    return frame[["class", "topic", "topic_label", *CROSS_COLUMNS[1:]]]


def classes_over_time(run, period: str = "quarter") -> pd.DataFrame:
    """period, date, class, segments, period_segments, share (of the period's classified segments). ``meeting``:
    one period per minutes document, in date order; otherwise month, quarter or year of the document's date,
    undated documents last as ``(no date)``."""
    if period not in PERIODS:
        raise InvalidLexicoOption(f"{period!r} is not a period", place="--period", fix=f"Use one of: "
                                                                                     f"{', '.join(PERIODS)}.")
    segments = run.segments[run.segments["class"] > 0]
    if period == "meeting":
        segments = segments[segments["type"] == "minutes"]
        if segments.empty:
            raise InvalidLexicoOption("no classified segment comes from minutes", place="--period",
                                      fix="Use --period month, quarter or year.")
    segments = segments.assign(period=segments["doc" if period == "meeting" else period])
    order = (segments.groupby("period").agg(date=("date", "min"), period_segments=("position", "size"))
             .reset_index().sort_values(["date", "period"], na_position="last", kind="stable"))
    classes = sorted(segments["class"].unique().tolist())
    grid = pd.MultiIndex.from_product([order["period"], classes], names=["period", "class"])
    counts = segments.groupby(["period", "class"]).size().reindex(grid, fill_value=0).rename("segments").reset_index()
    frame = counts.merge(order, on="period", how="left")
    frame["share"] = (frame["segments"] / frame["period_segments"]).round(4)
    return frame[["period", "date", "class", "segments", "period_segments", "share"]]
