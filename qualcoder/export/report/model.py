"""What a study report holds, before it is written: sections of paragraphs, tables and figures, each with the
sentence that says how it was computed, and the options and versions that reproduce it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class ReportOptions:
    """The choices a report is computed with (recorded in it).

    >>> ReportOptions().level
    1
    """

    by: str = "profession"  # frequencies by group
    crosstab_by: str = "type"
    level: int | None = 1  # codes rolled up to this depth in the code tables (None: every code)
    coders: tuple[str, ...] = ()  # which codings count (empty: all)
    sources: tuple[str, ...] = ()
    agreement_coders: tuple[str, ...] = ()  # empty: the first two human coders
    period: str = "meeting"
    timeline_where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (attribute, values) pairs
    event_types: tuple[str, ...] = ("document",)
    topic_run: str | None = None  # None: the latest run, if any
    presets: tuple[str, ...] = ()  # framework presets (empty: every available one)
    figures: bool = True

    def selection(self) -> dict[str, Any]:
        """The options of the code tables (``qualcoder.analysis``) that say which codings count."""
        return {"coders": list(self.coders) or None, "sources": list(self.sources) or None, "level": self.level}

    def recorded(self) -> dict[str, str]:
        """Every option as text, for the report's table of parameters."""
        return {name: str(value if value not in ((), None) else "(default)") for name, value in vars(self).items()}


@dataclass
class Table:
    caption: str
    frame: pd.DataFrame
    max_rows: int = 60  # the written report shows at most this many rows (it says how many were left out)


@dataclass
class Figure:
    caption: str
    figure: Any  # a plotly Figure
    name: str  # a file-safe name (report-figure-NAME.png)
    width: int = 1100
    height: int = 520


@dataclass
class Section:
    """One part of the report: ``method`` is the sentence that says how its numbers were computed."""

    key: str
    title: str
    method: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings: what was left out and why


@dataclass
class StudyReport:
    title: str
    sections: list[Section]
    provenance: pd.DataFrame  # name, value: versions, options, project revision
    images: dict[str, dict[str, bytes]] = field(default_factory=dict)  # figure name -> {"png": ..., "svg": ...}
