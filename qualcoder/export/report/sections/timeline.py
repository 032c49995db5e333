"""The timeline of codes over a dated chronology: the themes' share per meeting (or period) and the events (the
regulatory texts) on one time axis, one figure per network (the demo's French 2004–05 network and English 2019–20
partnership are never drawn as one series)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table
from qualcoder.export.report.rules import PRESENCE, level_words

if TYPE_CHECKING:
    from qualcoder.project import Project

SHOWN_CODES = 8  # the lines drawn: the most frequent codes (every code is in the table)
EVENT_MARGIN = pd.DateOffset(years=3)  # events this far before or after a network's periods share its axis


def build(project: Project, options: ReportOptions) -> Section | None:
    from qualcoder import analysis
    from qualcoder.analysis.errors import NothingToAnalyse

    unit = "each minutes document (a meeting) is a period" if options.period == "meeting" else \
        f"periods are {options.period}s of the documents' dates"
    section = Section(
        "timeline", "Timeline of themes over the chronology",
        f"{PRESENCE} {level_words(options.level)} Per period, “share” = segments carrying the code / all segments "
        f"of the period; {unit}, one figure per network. The events are the dated documents of type "
        f"{', '.join(options.event_types)} (their date and title), drawn on the same time axis when they fall "
        f"within {EVENT_MARGIN.years} years of the network's periods.")
    for title, where in _scopes(project, options):
        try:
            themes, events = analysis.theme_chronology(project, period=options.period, where=where,
                                                       event_types=list(options.event_types), **options.selection())
        except NothingToAnalyse as error:
            section.notes.append(f"{title}: {error}")
            continue
        _add(section, title, themes, events, _styles(project, where))
    chronology = analysis.chronology(project, types=list(options.event_types))
    if len(chronology):
        section.tables.append(Table("The whole chronology", chronology.assign(
            date=chronology["date"].dt.strftime("%Y-%m-%d"))))
    if chronology.attrs.get("undated"):
        section.notes.append("Undated events left out: " + ", ".join(chronology.attrs["undated"]))
    return section


def _scopes(project: Project, options: ReportOptions) -> list[tuple[str, dict]]:
    """(title, where) per figure: the options' filter, else one per network with dated documents."""
    if options.timeline_where:
        where = {column: list(values) for column, values in options.timeline_where}
        return [(", ".join(f"{k} = {', '.join(v)}" for k, v in where.items()), where)]
    from qualcoder.analysis.units import UNKNOWN, segment_table

    table = segment_table(project)
    if options.period == "meeting":
        table = table[table["type"] == "minutes"]
    networks = [n for n in table["network"].dropna().unique().tolist() if n != UNKNOWN] if "network" in table else []
    return [(network, {"network": [network]}) for network in sorted(networks)] or [("every document", {})]


def _styles(project: Project, where: dict):
    """The codebook's colours, and its labels in the language of the documents drawn (French when mixed)."""
    from qualcoder.figures import CodeStyle

    languages = list(where.get("language", []))
    if not languages and where.get("network"):
        documents = project.documents_df(with_text=False)
        languages = documents.loc[documents["network"].isin(where["network"]), "language"].unique().tolist()
    return CodeStyle.of_project(project, languages[0] if len(languages) == 1 else "fr")


def _add(section: Section, title: str, themes: pd.DataFrame, events: pd.DataFrame, style) -> None:
    from qualcoder.figures import chronology_figure

    start, end = themes["date"].min(), themes["date"].max()
    near = events[(events["date"] >= start - EVENT_MARGIN) & (events["date"] <= end + EVENT_MARGIN)]
    near = near.reset_index(drop=True)
    top = themes.groupby("code")["segments"].sum().nlargest(SHOWN_CODES).index.tolist()
    pivot = themes.pivot_table(index=["period", "date"], columns="code", values="share", sort=False).reset_index()
    pivot.columns.name = None
    pivot["date"] = pivot["date"].dt.strftime("%Y-%m-%d")
    name = f"timeline-{len(section.figures) + 1}"
    section.paragraphs.append(f"{title}: {themes['period'].nunique()} periods from {start:%Y-%m-%d} to "
                              f"{end:%Y-%m-%d}; {len(near)} of the {len(events)} events on its axis.")
    section.figures.append(Figure(f"{title}: share of segments per period for the {len(top)} most frequent codes; "
                                  "the events dotted, numbered as in the table", chronology_figure(
                                      themes[themes["code"].isin(top)], near, style, title=title), name))
    section.tables.append(Table(f"{title}: share of the period's segments per code", pivot, max_rows=80))
    if len(near):
        shown = near.assign(date=near["date"].dt.strftime("%Y-%m-%d")).rename_axis("no.").reset_index()
        section.tables.append(Table(f"{title}: the events on the axis", shown.assign(**{"no.": shown["no."] + 1})))
    left = len(events) - len(near)
    if left:
        section.notes.append(f"{title}: {left} events fall more than {EVENT_MARGIN.years} years from its periods "
                             "and are left off its axis (the chronology lists them all).")
    if themes.attrs.get("undated"):
        section.notes.append(f"{title}: undated periods left off the axis: " + ", ".join(themes.attrs["undated"]))
    if len(top) < themes["code"].nunique():
        section.notes.append(f"{title}: the figure draws {len(top)} of {themes['code'].nunique()} codes (the most "
                             "frequent); the table has them all.")
