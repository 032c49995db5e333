"""Timelines: the share of each code per meeting (minutes in date order) or per month, quarter or year."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.analysis.errors import NothingToAnalyse, check_choice
from qualcoder.analysis.units import NO_DATE, code_order, codebook_of, coded_units, segment_table

if TYPE_CHECKING:
    from qualcoder.project import Project

PERIODS = ("meeting", "month", "quarter", "year")
MEETING_TYPE = "minutes"


def timeline(project: Project, *, period: str = "meeting", codes: Sequence[str] | None = None,
             coders: Sequence[str] | None = None, sources: Sequence[str] | None = None, level: int | None = None,
             include_suggestions: bool = False, types: Sequence[str] | None = None,
             where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Columns period, date, code, segments, period_segments, share, code_share; one row per period and code
    (zeros included), periods in date order, ``(no date)`` last.

    ``share`` = segments of the period carrying the code / all segments of the period; ``code_share`` = the
    code's part of the period's code occurrences (sums to 1 per period). ``period="meeting"``: one period per
    minutes document (named by its file); otherwise every document counts (or those of ``types``). ``where``
    keeps the segments whose attributes have one of the values given (``{"network": ["Northfield"]}``), so
    document sets years apart get timelines of their own.

    >>> # timeline(project, period="meeting", level=1).pivot(index="period", columns="code", values="share")
    """
    check_choice(period, PERIODS, "--period")
    table = segment_table(project, where)
    if period == "meeting":
        types = [MEETING_TYPE]
    if types:
        table = table[table["type"].isin(types)]
    if table.empty:
        raise NothingToAnalyse(f"no segment belongs to a document of type {', '.join(types or ['(any)'])}"
                               + "".join(f", {a} {', '.join(map(str, v))}" for a, v in (where or {}).items()),
                               place="--period", fix="Import minutes (type: minutes in metadata.csv) or use "
                                                     "--period month, quarter or year.")
    key = "doc" if period == "meeting" else period
    table = table.assign(period=table[key])
    units = coded_units(project, coders=coders, sources=sources, codes=codes, level=level,
                        include_suggestions=include_suggestions, table=table)
    periods = _period_order(table)
    codes_shown = code_order(codebook_of(project), units["code"].unique())
    grid = pd.MultiIndex.from_product([periods["period"], codes_shown], names=["period", "code"])
    counts = units.groupby(["period", "code"]).size().reindex(grid, fill_value=0).rename("segments").reset_index()
    frame = counts.merge(periods, on="period", how="left")
    frame["share"] = (frame["segments"] / frame["period_segments"]).round(4)
    occurrences = frame.groupby("period")["segments"].transform("sum")
    frame["code_share"] = (frame["segments"] / occurrences.where(occurrences > 0)).fillna(0.0).round(4)
    columns = ["period", "date", "code", "segments", "period_segments", "share", "code_share"]
    return frame[columns]


def _period_order(table: pd.DataFrame) -> pd.DataFrame:
    """period, date (its earliest document date), period_segments; sorted by date, undated last."""
    dated = table.assign(_date=table["date"].where(table["date"].notna() & (table["period"] != NO_DATE)))
    periods = dated.groupby("period").agg(date=("_date", "min"), period_segments=("segment_id", "size"))
    periods = periods.reset_index().sort_values(["date", "period"], na_position="last", kind="stable")
    return periods.reset_index(drop=True)
