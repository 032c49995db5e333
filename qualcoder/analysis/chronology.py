"""A dated chronology beside the coded themes: events (the regulatory texts of the demo, or a CSV of dated events)
on the same time axis as the timeline of codes.

Events come from the project's documents of the given types (their date and ``title`` attribute; the demo's
``textes/`` are of type ``document``) and, optionally, from a CSV file with columns ``date,title`` (and ``kind``).

>>> # events = chronology(project)                              # the regulatory texts
>>> # themes, events = theme_chronology(project, period="meeting", level=1, where={"language": ["fr"]})
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.analysis.errors import AnalysisError, NothingToAnalyse

if TYPE_CHECKING:
    from qualcoder.project import Project

EVENT_TYPES = ("document",)
EVENT_COLUMNS = ["date", "title", "kind", "doc"]


class InvalidEvents(AnalysisError):
    """An events CSV that cannot be read (missing columns, a date that is not YYYY-MM-DD)."""

    code = "Q980"


def chronology(project: Project, *, types: Sequence[str] = EVENT_TYPES, events: str | Path | None = None) -> pd.DataFrame:
    """The dated events, in date order: columns date (a Timestamp), title, kind, doc.

    Documents of ``types`` give one event each (kind = their type); ``events`` adds the rows of a CSV file
    (kind = its ``kind`` column, else ``event``). Undated documents are not placed: their names are listed in
    ``frame.attrs["undated"]`` so that a caller can say so.
    """
    documents = project.documents_df(with_text=False)
    chosen = documents[documents["type"].isin(list(types))]
    dates = pd.to_datetime(chosen["date"], errors="coerce", format="mixed")
    titles = chosen["title"] if "title" in chosen.columns else pd.Series(index=chosen.index, dtype=object)
    frame = pd.DataFrame({"date": dates, "title": titles.where(titles.notna(), chosen["name"]).astype(str),
                          "kind": chosen["type"].astype(str), "doc": chosen["name"].astype(str)})
    undated = frame.loc[frame["date"].isna(), "doc"].tolist()
    frame = frame.dropna(subset=["date"])
    if events is not None:
        frame = pd.concat([frame, read_events(events)], ignore_index=True)
    frame = frame.sort_values(["date", "title"], kind="stable").reset_index(drop=True)[EVENT_COLUMNS]
    frame.attrs["undated"] = undated
    return frame


def read_events(path: str | Path) -> pd.DataFrame:
    """A CSV of events (``date,title[,kind]``, dates as YYYY, YYYY-MM or YYYY-MM-DD), checked row by row."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidEvents(f"the events file cannot be read ({error})", place=path,
                            fix="Give a UTF-8 CSV file with columns date,title.") from error
    if not rows or not {"date", "title"} <= set(rows[0]):
        raise InvalidEvents("the events file needs the columns date and title", place=path,
                            fix="Write a header line: date,title,kind (kind is optional).")
    found = []
    for line, row in enumerate(rows, start=2):
        date = pd.to_datetime((row.get("date") or "").strip(), errors="coerce", format="ISO8601")
        if pd.isna(date) or not (row.get("title") or "").strip():
            raise InvalidEvents(f"row {line} has no valid date or no title ({row.get('date')!r})", place=path,
                                fix="Write each date as YYYY-MM-DD (or YYYY-MM, YYYY) and give every event a title.")
        found.append({"date": date, "title": row["title"].strip(), "kind": (row.get("kind") or "event").strip(),
                      "doc": ""})
    return pd.DataFrame(found, columns=EVENT_COLUMNS)


def theme_chronology(project: Project, *, period: str = "meeting", event_types: Sequence[str] = EVENT_TYPES,
                     events: str | Path | None = None, where: Mapping[str, Sequence[str]] | None = None,
                     **selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the timeline of codes, with a ``date`` Timestamp per period, and the events): one time axis for both.

    ``selection`` is passed to ``timeline`` (codes, level, coders, sources, types...); periods without a date
    are left out of the axis and listed in ``themes.attrs["undated"]``.
    """
    from qualcoder.analysis.timeline import timeline

    themes = timeline(project, period=period, where=where, **selection)
    themes = themes.assign(date=pd.to_datetime(themes["date"], errors="coerce", format="mixed"))
    undated = sorted(themes.loc[themes["date"].isna(), "period"].unique().tolist())
    themes = themes.dropna(subset=["date"]).reset_index(drop=True)
    if themes.empty:
        raise NothingToAnalyse("no dated period to place on the time axis", place="--period",
                               fix="Give the documents dates (date column of metadata.csv).")
    themes.attrs["undated"] = undated
    return themes, chronology(project, types=event_types, events=events)
