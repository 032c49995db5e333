"""``qualcoder report ...``: the analysis tables of ``qualcoder.analysis``, printed or written as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from qualcoder.cli.support import CsvOption, ProjectOption, console, errors, open_project, print_frame

if TYPE_CHECKING:
    from qualcoder.project import Project

report_app = typer.Typer(help="Analysis tables: frequencies, co-occurrence, crosstabs, timelines, KWIC, specificities.",
                         no_args_is_help=True)

ByOption = Annotated[str | None, typer.Option("--by", help="Group by this attribute (profession, type, period, ...).")]
CodersOption = Annotated[str | None, typer.Option("--coders", help="Only these coders, comma-separated (a,b).")]
SourcesOption = Annotated[str | None, typer.Option("--sources", help="Only these sources: manual, import, rules, "
                                                                      "model (comma-separated).")]
CodesOption = Annotated[str | None, typer.Option("--codes", help="Only these codes (a parent counts its subtree).")]
LevelOption = Annotated[int | None, typer.Option("--level", help="Roll codes up to this depth (1: top themes).")]
SuggestionsOption = Annotated[bool, typer.Option("--suggestions", help="Count the model's open suggestions too.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the table to this file: .csv, .xlsx "
                                                  "or .parquet (an existing file is replaced).")]


def _plot_path(value: Path | None) -> Path | None:
    """--plot's suffix is checked before any table is computed."""
    if value is not None:
        from qualcoder.figures.save import figure_format

        figure_format(value)
    return value


PlotOption = Annotated[Path | None, typer.Option("--plot", callback=_plot_path, help="Also draw the figure to this "
                                                 "file: .png, .svg or (interactive) .html; rendered locally.")]
LabelsOption = Annotated[str, typer.Option("--labels", help="Language of the code labels in the figure (fr, en).")]
WIDE_GROUPS = 6  # a crosstab with more groups is shown as a list of its notable cells
LimitOption = Annotated[int, typer.Option("--limit", help="Rows shown in the table (CSV writes all).")]


def _list(value: str | None) -> list[str] | None:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return items or None


def _selection(coders: str | None, sources: str | None, codes: str | None, level: int | None,
               suggestions: bool) -> dict:
    return {"coders": _list(coders), "sources": _list(sources), "codes": _list(codes), "level": level,
            "include_suggestions": suggestions}


def _plot(path: Path | None, build) -> None:
    """Draw ``build()`` (a Plotly figure) to ``path``, with a spinner: Chromium renders PNG and SVG in seconds."""
    if path is None:
        return
    from qualcoder import figures

    with errors.status(f"Drawing {path.name}…"):
        written = figures.save_figure(build(), path)
    console.print(f"Wrote the figure to {written}.")


def _style(project: Project, language: str):
    from qualcoder import figures

    return figures.CodeStyle.of_project(project, language)


def _emit(frame: pd.DataFrame, csv: bool, output: Path | None, title: str, limit: int | None = None) -> None:
    """Write the whole frame to ``output`` (CSV), or print it (CSV on stdout, else a table of ``limit`` rows)."""
    if output is not None:
        from qualcoder.export.tabular import write_table

        write_table(frame, output, force=True)
        console.print(f"Wrote {len(frame)} rows to {output}.")
        return
    shown = frame if csv or limit is None else frame.head(limit)
    if not csv and "p_value" in shown.columns:
        shown = shown.assign(p_value=shown["p_value"].map("{:.2g}".format))
    print_frame(shown, csv, title)
    if not csv and limit is not None and len(frame) > limit:
        console.print(f"{len(frame) - limit} more rows: use --limit, --csv or --output.")


@report_app.command("frequencies")
def frequencies(
    project: ProjectOption = Path("."),
    by: ByOption = None,
    coders: CodersOption = None,
    sources: SourcesOption = None,
    codes: CodesOption = None,
    level: LevelOption = None,
    suggestions: SuggestionsOption = False,
    csv: CsvOption = False,
    output: OutputOption = None,
    plot: PlotOption = None,
    labels: LabelsOption = "fr",
) -> None:
    """Segments, documents and words per code, and its share of the segments (overall or per --by group)."""
    from qualcoder import analysis, figures

    p = open_project(project)
    frame = (analysis.code_frequencies(p, by, label_language=labels,
                                       **_selection(coders, sources, codes, level, suggestions)))
    _emit(frame, csv, output, "Code frequencies" + (f" by {by}" if by else ""))
    _plot(plot, lambda: figures.frequencies_figure(frame, _style(p, labels), by=by))


@report_app.command("cooccurrence")
def cooccurrence(
    project: ProjectOption = Path("."),
    window: Annotated[int, typer.Option("--window", help="0: same segment; k: at most k segments apart.")] = 0,
    measure: Annotated[str, typer.Option("--measure", help="count or jaccard: sorts the pairs, fills the matrix.")
                       ] = "count",
    matrix: Annotated[bool, typer.Option("--matrix", help="A square codes x codes table instead of pairs.")] = False,
    coders: CodersOption = None,
    sources: SourcesOption = None,
    codes: CodesOption = None,
    level: LevelOption = None,
    suggestions: SuggestionsOption = False,
    csv: CsvOption = False,
    output: OutputOption = None,
    plot: PlotOption = None,
    labels: LabelsOption = "fr",
) -> None:
    """Pairs of codes present in the same segment (or within --window segments): count and Jaccard index."""
    from qualcoder import analysis, figures
    from qualcoder.analysis.errors import check_choice

    p = open_project(project)
    selection = _selection(coders, sources, codes, level, suggestions)
    _plot(plot, lambda: figures.cooccurrence_figure(
        analysis.cooccurrence_matrix(p, window=window, measure=measure, **selection), _style(p, labels),
        measure=measure))
    if matrix:
        frame = analysis.cooccurrence_matrix(p, window=window, measure=measure, **selection)
        frame = frame.reset_index()
    else:
        check_choice(measure, ("count", "jaccard"), "--measure")
        frame = analysis.cooccurrence(p, window=window, **selection)
        frame = frame.sort_values([measure, "count" if measure == "jaccard" else "jaccard"], ascending=False,
                                  kind="stable")
    _emit(frame, csv, output, f"Co-occurrence ({measure}, window {window})")


@report_app.command("crosstab")
def crosstab(
    by: Annotated[str, typer.Option("--by", help="The attribute in columns (profession, type, period, ...).")],
    project: ProjectOption = Path("."),
    coders: CodersOption = None,
    sources: SourcesOption = None,
    codes: CodesOption = None,
    level: LevelOption = None,
    suggestions: SuggestionsOption = False,
    unknown: Annotated[bool, typer.Option("--unknown", help="Keep segments whose --by value is unknown.")] = False,
    csv: CsvOption = False,
    output: OutputOption = None,
    plot: PlotOption = None,
    labels: LabelsOption = "fr",
) -> None:
    """Codes x groups: chi-square, Cramér's V and adjusted standardised residuals (> 1.96: over-use)."""
    from qualcoder import analysis, figures

    p = open_project(project)
    table = (analysis.crosstab(p, by, include_unknown=unknown,
                               **_selection(coders, sources, codes, level, suggestions)))
    _plot(plot, lambda: figures.crosstab_figure(table, _style(p, labels)))
    (errors if csv else console).print(table.summary(), highlight=False)
    if table.low_expected_share > 0.2:
        errors.print(f"[yellow]Warning: {table.low_expected_share:.0%} of the expected counts are below 5; the "
                     "chi-square p value is unreliable. Roll codes up (--level 1), keep fewer --codes or choose a "
                     "--by with fewer groups.[/yellow]")
    if csv or output is not None:
        _emit(table.long(), csv, output, "")
        return
    if table.observed.shape[1] <= WIDE_GROUPS:
        print_frame(table.observed.reset_index(), False, f"Segments per code and {by}")
        print_frame(table.residuals.round(2).reset_index(), False, "Adjusted standardised residuals")
        return
    cells = table.long()
    notable = cells[cells["residual"].abs() >= 1.96].sort_values("residual", ascending=False)
    print_frame(notable, False, f"Cells with |adjusted residual| >= 1.96 ({len(notable)} of {len(cells)}; "
                                 "all with --csv)")


@report_app.command("timeline")
def timeline(
    project: ProjectOption = Path("."),
    period: Annotated[str, typer.Option("--period", help="meeting (each minutes document), month, quarter or year.")
                      ] = "meeting",
    types: Annotated[str | None, typer.Option("--types", help="Only documents of these types (comma-separated).")
                     ] = None,
    coders: CodersOption = None,
    sources: SourcesOption = None,
    codes: CodesOption = None,
    level: LevelOption = None,
    suggestions: SuggestionsOption = False,
    where: Annotated[list[str] | None, typer.Option("--where", help="ATTRIBUTE=VALUE: only these segments (repeat), "
                                                   "e.g. --where network=Northfield.")] = None,
    split: Annotated[str | None, typer.Option("--split", help="The figure draws one panel per value of this "
                                              "attribute (network, type, language), each on its own time axis.")
                     ] = None,
    csv: CsvOption = False,
    output: OutputOption = None,
    plot: PlotOption = None,
    labels: LabelsOption = "fr",
) -> None:
    """Share of each code per meeting or per period, in date order."""
    from qualcoder import analysis, figures
    from qualcoder.export.tabular import parse_where

    p = open_project(project)
    selection = {"period": period, "types": _list(types), "where": parse_where(where or []),
                 **_selection(coders, sources, codes, level, suggestions)}
    frame = analysis.timeline(p, **selection)
    _plot(plot, lambda: figures.timeline_figure(_split_timeline(p, frame, split, selection), _style(p, labels)))
    if not csv and output is None:
        frame = frame.pivot_table(index=["period", "date"], columns="code", values="share", sort=False,
                                  dropna=False).reset_index()
    _emit(frame, csv, output, f"Share of segments per {period}")


def _split_timeline(project: Project, frame: pd.DataFrame, split: str | None, selection: dict):
    """One timeline per value of ``split`` among the segments the timeline kept (the whole one without split)."""
    from qualcoder import analysis
    if split is None:
        return frame
    from qualcoder.analysis.units import check_attribute

    table = analysis.segment_table(project)
    check_attribute(table, split, "--split")
    panels = {}
    for value in sorted(table[split].unique()):
        where = {**(selection["where"] or {}), split: [value]}
        try:
            panels[value] = analysis.timeline(project, **{**selection, "where": where})
        except analysis.NothingToAnalyse:
            continue
    return panels


@report_app.command("presence")
def presence(
    project: ProjectOption = Path("."),
    unit: Annotated[str, typer.Option("--unit", help="segment or document: one row per unit.")] = "segment",
    coders: CodersOption = None,
    sources: SourcesOption = None,
    codes: CodesOption = None,
    level: LevelOption = None,
    suggestions: SuggestionsOption = False,
    limit: LimitOption = 50,
    csv: CsvOption = False,
    output: OutputOption = None,
) -> None:
    """One row per segment or document, one 0/1 column per code."""
    from qualcoder import analysis
    p = open_project(project)
    frame = (analysis.presence_matrix(p, unit=unit, **_selection(coders, sources, codes, level,
                                                                 suggestions)))
    _emit(frame, csv, output, f"Code presence per {unit}", limit)


@report_app.command("kwic")
def kwic(
    query: Annotated[str, typer.Argument(help="A lemma, a phrase or a regular expression.")],
    project: ProjectOption = Path("."),
    mode: Annotated[str, typer.Option("--mode", help="lemma, phrase or regex.")] = "lemma",
    width: Annotated[int, typer.Option("--width", help="Characters of context on each side.")] = 60,
    language: Annotated[str | None, typer.Option("--language", help="Only documents in this language.")] = None,
    limit: LimitOption = 100,
    csv: CsvOption = False,
    output: OutputOption = None,
) -> None:
    """Keyword in context: each occurrence with its document, speaker and profession."""
    from qualcoder import analysis
    p = open_project(project)
    frame = analysis.kwic(p, query, mode=mode, width=width, language=language)
    if not csv and output is None:
        frame = frame[["doc", "speaker", "left", "match", "right"]]
    _emit(frame, csv, output, f"{query!r} ({mode})", limit)


@report_app.command("specificities")
def specificities(
    by: Annotated[str, typer.Option("--by", help="The groups compared (profession, type, speaker, ...).")],
    project: ProjectOption = Path("."),
    method: Annotated[str, typer.Option("--method", help="hypergeometric (Lafon) or loglik (Dunning G2).")
                      ] = "hypergeometric",
    min_count: Annotated[int, typer.Option("--min-count", help="Leave out words seen fewer times in the corpus.")
                         ] = 5,
    top: Annotated[int | None, typer.Option("--top", help="Keep this many over- and under-used words per group (0: all).")
                   ] = 20,
    unit: Annotated[str, typer.Option("--unit", help="lemma or word (lower-cased forms).")] = "lemma",
    unknown: Annotated[bool, typer.Option("--unknown", help="Keep segments whose --by value is unknown.")] = False,
    csv: CsvOption = False,
    output: OutputOption = None,
) -> None:
    """Words a group over-uses (score > 0) or under-uses (< 0) against the corpus; |score| 2 = p 0.01."""
    from qualcoder import analysis
    p = open_project(project)
    frame = (analysis.specificities(p, by, method=method, min_count=min_count, unit=unit, top=top or None,
                                    include_unknown=unknown))
    _emit(frame, csv, output, f"Specificities by {by} ({method})")


@report_app.command("framework")
def framework(
    project: ProjectOption = Path("."),
    rows: Annotated[str, typer.Option("--rows", help="The cases: speaker, doc, profession or any attribute.")]
    = "speaker",
    codes: CodesOption = None,
    level: LevelOption = None,
    coders: CodersOption = None,
    sources: SourcesOption = None,
    where: Annotated[list[str] | None, typer.Option("--where", help="ATTRIBUTE=VALUE: only these segments (repeat).")]
    = None,
    name: Annotated[str, typer.Option("--name", help="The matrix's name (its summaries are kept under it).")]
    = "default",
    preset: Annotated[str | None, typer.Option("--preset", help="A named matrix (legrix, grenier-meetings, "
                                               "grenier-professions): its cases, codes, filter and name.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write it: .docx (a Word table), .csv, .xlsx "
                                                "or .parquet (one row per cell, every excerpt).")] = None,
    csv: CsvOption = False,
) -> None:
    """A framework matrix: cases × codes, each cell its coded excerpts and your summary (counts shown)."""
    from qualcoder import analysis
    from qualcoder.export.tabular import parse_where

    p = open_project(project)
    if preset is not None:
        chosen = analysis.framework_preset(preset).options()
        rows, codes, name = chosen["rows"], ",".join(chosen["codes"]), chosen["name"]
        where = [f"{k}={v}" for k, values in chosen["where"].items() for v in values]
    matrix = (p.framework_matrix(rows, codes=_list(codes), level=level, coders=_list(coders),
                                 sources=_list(sources), where=parse_where(where or []), name=name))
    if output is not None:
        from qualcoder.export.framework import write_framework

        write_framework(matrix, output, force=True)
        console.print(f"Wrote the {len(matrix.row_values)} × {len(matrix.codes)} matrix to {output}.")
        return
    if csv:
        print_frame(matrix.long(), True)
        return
    print_frame(matrix.counts().reset_index(), False, f"Framework matrix: {rows} × codes (codings per cell)")


@report_app.command("framework-summary")
def framework_summary(
    row: Annotated[str, typer.Argument(help="The case (a value of --rows).")],
    code: Annotated[str, typer.Argument(help="The code (a column of the matrix).")],
    text: Annotated[str, typer.Option("--text", help="Your summary of the cell (\"\" clears it).")],
    coder: Annotated[str, typer.Option("--coder", help="Who writes it (recorded, undoable).")],
    project: ProjectOption = Path("."),
    rows: Annotated[str, typer.Option("--rows", help="The matrix's cases attribute.")] = "speaker",
    name: Annotated[str, typer.Option("--name", help="The matrix's name.")] = "default",
) -> None:
    """Write your summary of one cell of a framework matrix."""
    open_project(project).set_framework_summary(coder, rows, row, code, text, name=name)
    console.print(f"Summary of {row} × {code} saved.", highlight=False)


@report_app.command("study")
def study(
    output: Annotated[Path, typer.Argument(help="The report: study.docx (Word) or study.html (one self-contained "
                                                "page).")],
    project: ProjectOption = Path("."),
    by: Annotated[str, typer.Option("--by", help="Groups of the frequency table.")] = "profession",
    crosstab_by: Annotated[str, typer.Option("--crosstab-by", help="Groups of the crosstab.")] = "type",
    level: Annotated[int, typer.Option("--level", help="Roll codes up to this depth (0: every code).")] = 1,
    coders: CodersOption = None,
    sources: SourcesOption = None,
    agreement_coders: Annotated[str | None, typer.Option("--agreement-coders", help="The two (or more) coders "
                                                         "compared (default: the first two).")] = None,
    period: Annotated[str, typer.Option("--period", help="Timeline periods: meeting, month, quarter or year.")
                      ] = "meeting",
    where: Annotated[list[str] | None, typer.Option("--where", help="ATTRIBUTE=VALUE: the timeline's segments "
                                                    "(default: one figure per network).")] = None,
    events: Annotated[str, typer.Option("--events", help="Document types placed on the timeline as dated events.")
                      ] = "document",
    topic_run: Annotated[str | None, typer.Option("--topic-run", help="The topic run shown (default: the latest).")
                         ] = None,
    presets: Annotated[str | None, typer.Option("--presets", help="Framework presets shown (default: every one "
                                                "the project has).")] = None,
    no_figures: Annotated[bool, typer.Option("--no-figures", help="Tables only (no Chromium needed).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """The study report: corpus, codebook, frequencies, crosstab, timeline over the chronology, agreement, topics
    and framework matrices, each figure with its table and how it was computed; versions and options recorded."""
    from qualcoder.cli.support import progress_bar
    from qualcoder.export.report import ReportOptions, write_study_report
    from qualcoder.export.tabular import parse_where

    p = open_project(project)
    options = ReportOptions(
        by=by, crosstab_by=crosstab_by, level=level or None, coders=tuple(_list(coders) or ()),
        sources=tuple(_list(sources) or ()), agreement_coders=tuple(_list(agreement_coders) or ()), period=period,
        timeline_where=tuple((k, tuple(v)) for k, v in parse_where(where or []).items()),
        event_types=tuple(_list(events) or ()), topic_run=topic_run, presets=tuple(_list(presets) or ()),
        figures=not no_figures)
    with progress_bar() as progress:
        written = write_study_report(p, output, options=options, force=force, progress=progress)
    console.print(f"Wrote the study report to {written}.", highlight=False)


@report_app.command("chronology")
def chronology(
    project: ProjectOption = Path("."),
    types: Annotated[str, typer.Option("--types", help="Document types that are events (comma-separated).")
                     ] = "document",
    events: Annotated[Path | None, typer.Option("--events", help="A CSV of more events: date,title[,kind].")] = None,
    csv: CsvOption = False,
    output: OutputOption = None,
) -> None:
    """The dated events (the regulatory texts, an events CSV) that the study report draws beside the timeline."""
    from qualcoder import analysis
    p = open_project(project)
    frame = analysis.chronology(p, types=_list(types) or [], events=events)
    if frame.attrs.get("undated"):
        errors.print("[yellow]Warning: undated, so not placed: " + ", ".join(frame.attrs["undated"]) + "[/yellow]",
                     highlight=False)
    _emit(frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")), csv, output, "Chronology")
