"""Filtering segments by codes, speaker, attributes, dates, coder, source and text: plain pandas, no Streamlit.

``SegmentIndex.build`` does the expensive part once per project revision (which codings cover which segment,
the code list of every segment, lower-cased text, parsed dates); each filter is then a handful of boolean
masks, a few tens of milliseconds on 100,000 segments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebook import Codebook
from qualcoder.coding.overlap import covered_pairs

ATTRIBUTE_COLUMNS = ("speaker", "profession", "type", "language")
SHOWN_COLUMNS = ["segment_id", "doc", "speaker", "profession", "codes", "text", "type", "language", "date", "section"]


@dataclass(frozen=True)
class SegmentFilter:
    """What the Segments page asks for; empty fields do not filter."""

    codes: tuple[str, ...] = ()
    match_all: bool = False  # every selected code (True) or any of them (False)
    speakers: tuple[str, ...] = ()
    professions: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    text: str = ""


@dataclass
class SegmentIndex:
    """Segments (one row each, ordered by id) and ``links``: one row per (segment, code, coder, source)."""

    segments: pd.DataFrame
    links: pd.DataFrame
    families: dict[str, set[str]] = field(default_factory=dict)  # code -> itself and its descendants

    @classmethod
    def build(cls, segments: pd.DataFrame, codings: pd.DataFrame, book: Codebook | None = None) -> SegmentIndex:
        segments = segments.sort_values("segment_id").reset_index(drop=True)
        counted = codings[codings["status"].isin(COUNTED_STATUSES)]
        links = coding_links(segments, counted)
        frame = segments.assign(
            date_value=pd.to_datetime(segments["date"], errors="coerce", format="mixed"),
            text_lower=segments["text"].str.lower(),
        )
        return cls(frame, links, _families(book) if book else {})

    @cached_property
    def options(self) -> dict[str, list[str]]:
        """The values each filter can take, sorted."""
        found = {column: sorted(self.segments[column].dropna().unique().tolist()) for column in ATTRIBUTE_COLUMNS}
        for column in ("code", "coder", "source"):
            found[column] = sorted(self.links[column].dropna().unique().tolist())
        return found

    @cached_property
    def date_range(self) -> tuple[date, date] | None:
        dates = self.segments["date_value"].dropna()
        return (dates.min().date(), dates.max().date()) if len(dates) else None

    def mask(self, wanted: SegmentFilter) -> np.ndarray:
        """True for each segment (in ``self.segments`` order) that passes every filter."""
        frame = self.segments
        keep = np.ones(len(frame), dtype=bool)
        for column, values in (("speaker", wanted.speakers), ("profession", wanted.professions),
                               ("type", wanted.types), ("language", wanted.languages)):
            if values:
                keep &= frame[column].isin(values).to_numpy()
        if wanted.date_from is not None:
            keep &= (frame["date_value"] >= pd.Timestamp(wanted.date_from)).to_numpy()
        if wanted.date_to is not None:
            keep &= (frame["date_value"] < pd.Timestamp(wanted.date_to) + pd.Timedelta(days=1)).to_numpy()
        if wanted.text.strip():
            keep &= frame["text_lower"].str.contains(wanted.text.strip().lower(), regex=False).to_numpy()
        ids = self._coded_ids(wanted)
        if ids is not None:
            keep &= np.isin(frame["segment_id"].to_numpy(), ids)
        return keep

    def select(self, wanted: SegmentFilter, limit: int | None = None) -> pd.DataFrame:
        """The segments that pass the filter (the first ``limit`` of them), with the columns the page shows.

        ``codes`` lists each shown segment's codes; it is joined for the returned rows only (joining it for
        every segment of a 100,000-segment project would cost a third of a second on each new revision)."""
        return self.shown(self.mask(wanted), limit)

    def shown(self, mask: np.ndarray, limit: int | None = None) -> pd.DataFrame:
        """The segments of a ``mask`` (the first ``limit`` of them) with the columns the page shows."""
        chosen = self.segments.loc[mask]
        if limit is not None:
            chosen = chosen.head(limit)
        codes = self.codes_of(chosen["segment_id"])
        return chosen.assign(codes=chosen["segment_id"].map(codes).fillna(""))[SHOWN_COLUMNS]

    def codes_of(self, segment_ids: pd.Series) -> dict[int, str]:
        """segment_id -> its codes, sorted and joined ("code_a, code_b"); segments without a code are absent."""
        links = self.links
        if len(segment_ids) < len(self.segments):
            links = links[links["segment_id"].isin(segment_ids)]
        return _joined_codes(links)

    def _coded_ids(self, wanted: SegmentFilter) -> np.ndarray | None:
        """Ids of segments carrying the codes (by the coders, from the sources); None when nothing asks."""
        if not (wanted.codes or wanted.coders or wanted.sources):
            return None
        links = self.links
        if wanted.coders:
            links = links[links["coder"].isin(wanted.coders)]
        if wanted.sources:
            links = links[links["source"].isin(wanted.sources)]
        if not wanted.codes:
            return links["segment_id"].unique()
        groups = [links.loc[links["code"].isin(self.families.get(code, {code})), "segment_id"].unique()
                  for code in wanted.codes]
        if wanted.match_all:
            found = groups[0]
            for group in groups[1:]:
                found = np.intersect1d(found, group)
            return found
        return np.unique(np.concatenate(groups))


def coding_links(segments: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """(segment_id, code, coder, source) for every segment a coding covers, under the rule agreement and the
    wide export use (``half_either``: the overlap is at least half of the shorter of segment and coding)."""
    pairs = covered_pairs(segments, codings, "half_either")
    picked = codings.iloc[pairs["coding"].to_numpy()]
    links = pd.DataFrame({"segment_id": pairs["segment_id"].to_numpy(), "code": picked["code"].to_numpy(),
                          "coder": picked["coder"].to_numpy(), "source": picked["source"].to_numpy()})
    return _categorical(links.drop_duplicates())


def _joined_codes(links: pd.DataFrame) -> dict[int, str]:
    """segment_id -> "code_a, code_b" (a plain loop: a pandas groupby-join is ~30x slower on categoricals)."""
    pairs = links[["segment_id", "code"]].astype({"code": str}).drop_duplicates().sort_values(["segment_id", "code"])
    found: dict[int, list[str]] = {}
    for segment_id, code in zip(pairs["segment_id"].tolist(), pairs["code"].tolist()):
        found.setdefault(segment_id, []).append(code)
    return {segment_id: ", ".join(codes) for segment_id, codes in found.items()}


def _categorical(links: pd.DataFrame) -> pd.DataFrame:
    links = links.astype({"segment_id": "int64"})
    for column in ("code", "coder", "source"):
        links[column] = links[column].astype("category")
    return links.reset_index(drop=True)


def _families(book: Codebook) -> dict[str, set[str]]:
    """code -> the code and all its descendants (choosing a parent finds the segments coded with a child)."""
    families = {code.id: {code.id} for code in book.codes}
    for code in book.codes:
        parent = code.parent
        while parent:
            families[parent].add(code.id)
            parent = book.code(parent).parent
    return families


def segment_ids(frame: pd.DataFrame) -> list[int]:
    return [int(i) for i in frame["segment_id"]]


def as_tuple(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(values or ())
