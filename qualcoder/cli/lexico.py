"""``qualcoder lexico ...``: Reinert classification (chd), class profiles, star variables, correspondence analysis
(afc), similarity analysis (simi), and the classes crossed with codes, topics and time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import CsvOption, ProjectOption, console, open_project, print_frame, progress_bar

lexico_app = typer.Typer(help="Lexicometry (IRaMuTeQ's Reinert method): chd, profile, afc, simi, codes, time, ...",
                         no_args_is_help=True)
RunOption = Annotated[str | None, typer.Option("--run", help="The run (default: the latest).")]
HtmlOption = Annotated[Path | None, typer.Option("--html", help="Also write the figure to this .html file "
                                                                "(self-contained, nothing fetched).")]


def _stored(project: Path, run: str | None):
    from qualcoder import lexico

    p = open_project(project)
    return lexico.run(p, run)


def _write_html(figure, path: Path | None) -> None:
    if path is not None:
        figure.write_html(str(path), include_plotlyjs=True, full_html=True)
        console.print(f"Wrote {path}.")


@lexico_app.command("chd")
def chd(
    project: ProjectOption = Path("."),
    language: Annotated[str, typer.Option(help="The language classified (fr or en).")] = "fr",
    lemmas: Annotated[str, typer.Option(help="spacy (stored lemmas), lexique (Lexique 3.83, as IRaMuTeQ) or "
                                             "forms (no lemmatisation).")] = "spacy",
    classes: Annotated[int, typer.Option(help="Terminal classes.")] = 10,
    min_class_size: Annotated[int, typer.Option(help="Fewest segments a split may leave on a side.")] = 10,
    segment_size: Annotated[int, typer.Option(help="Words per text segment (cut at sentence ends).")] = 40,
    min_freq: Annotated[int, typer.Option(help="Fewest segments holding an active form.")] = 3,
    max_forms: Annotated[int, typer.Option(help="Most frequent active forms kept.")] = 3000,
    min_forms: Annotated[int, typer.Option(help="Join segments into context units of this many active forms "
                                                "(0: none).")] = 10,
    double: Annotated[bool, typer.Option("--double", help="Double classification (two context-unit sizes, "
                                                          "crossed, as rainette2).")] = False,
    double_min_forms: Annotated[str, typer.Option(help="The two context-unit sizes of --double.")] = "10,15",
    min_members: Annotated[int, typer.Option(help="--double: fewest segments of a crossed class.")] = 10,
    full: Annotated[bool, typer.Option("--full", help="--double: keep every crossed class (slower).")] = False,
    active: Annotated[str | None, typer.Option(help="Active parts of speech, e.g. nom,ver,adj,adv,nr.")] = None,
    skip_roles: Annotated[str, typer.Option(help="Speaker roles left out (comma-separated; '' for none).")
                          ] = "interviewer",
    where: Annotated[list[str] | None, typer.Option(help="Keep documents with ATTRIBUTE=VALUE (repeatable).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the factor computations.")] = 0,
    name: Annotated[str | None, typer.Option(help="Run name (default: chd-DATE-TIME).")] = None,
) -> None:
    """Classify the text segments (Reinert's descending hierarchical classification) and store the run."""
    from qualcoder import lexico

    p = open_project(project)
    sizes = tuple(int(v) for v in double_min_forms.split(",") if v.strip()) if double_min_forms else (10, 15)
    from qualcoder.lexico.runs import parse_where

    options = (lexico.LexicoOptions.make(
        where=parse_where(where), double=double, language=language, lemmas=lemmas, classes=classes,
        min_class_size=min_class_size, segment_size=segment_size, min_freq=min_freq, max_forms=max_forms,
        min_forms=min_forms, double_min_forms=sizes, min_members=min_members, full=full,
        active=tuple(a.strip() for a in active.split(",")) if active else None,
        skip_roles=tuple(r.strip() for r in skip_roles.split(",") if r.strip()), seed=seed, name=name))
    with progress_bar() as progress:
        run = lexico.fit(p, options, progress=progress)
    report = run.report
    console.print(f"Run [bold]{run.name}[/bold] ({run.kind}): {report['segments']} text segments, "
                  f"{report['active_forms']} active forms, {len(report['classes'])} classes.")
    for note in report["notes"]:
        console.print(f"[yellow]{note}[/yellow]")
    print_frame(run.classes(), False, "Classes")


@lexico_app.command("runs")
def runs(project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """The stored classifications with their parameters."""
    from qualcoder import lexico

    p = open_project(project)
    print_frame(lexico.runs(p), csv)


@lexico_app.command("classes")
def classes(project: ProjectOption = Path("."), run: RunOption = None, csv: CsvOption = False,
            html: HtmlOption = None) -> None:
    """Each class's size, share and most characteristic forms; --html writes the dendrogram (class sizes for
    --double runs)."""
    stored = _stored(project, run)
    print_frame(stored.classes(), csv)
    if html:
        from qualcoder.lexico import figures

        _write_html(figures.classification(stored), html)


@lexico_app.command("profile")
def profile(
    project: ProjectOption = Path("."), run: RunOption = None,
    cls: Annotated[int | None, typer.Option("--class", help="One class (default: all).")] = None,
    top: Annotated[int | None, typer.Option(help="Forms per class, most characteristic first.")] = 20,
    kind: Annotated[str, typer.Option(help="all, active or supplementary forms.")] = "all",
    min_chi2: Annotated[float | None, typer.Option(help="Keep forms with chi2 at least this (3.84: p < .05).")
                        ] = None,
    csv: CsvOption = False,
) -> None:
    """Class profiles: forms with segments in class, total, share, signed chi2 and p."""
    stored = _stored(project, run)
    print_frame(stored.profile(cls, top=top, kind=kind, min_chi2=min_chi2), csv)


@lexico_app.command("segments")
def segments(
    project: ProjectOption = Path("."), run: RunOption = None,
    cls: Annotated[int, typer.Option("--class", help="The class.")] = 1,
    top: Annotated[int, typer.Option(help="How many segments.")] = 10,
    csv: CsvOption = False,
) -> None:
    """The characteristic segments of a class (the largest sums of its forms' chi2)."""
    stored = _stored(project, run)
    print_frame(stored.characteristic_segments(cls, top), csv)


@lexico_app.command("variables")
def variables(
    project: ProjectOption = Path("."), run: RunOption = None,
    names: Annotated[str | None, typer.Option("--variables", help="Attributes, e.g. type,profession,period.")
                     ] = None,
    min_chi2: Annotated[float | None, typer.Option(help="Keep modalities with chi2 at least this.")] = 3.84,
    csv: CsvOption = False,
) -> None:
    """Star variables (segment attributes) associated with each class."""
    stored = _stored(project, run)
    chosen = [n.strip() for n in names.split(",")] if names else None
    print_frame(stored.variables(chosen, min_chi2=min_chi2), csv)


@lexico_app.command("afc")
def afc(
    project: ProjectOption = Path("."), run: RunOption = None,
    what: Annotated[str, typer.Option(help="forms or variables.")] = "forms",
    top: Annotated[int, typer.Option(help="Most characteristic forms per class.")] = 30,
    csv: CsvOption = False, html: HtmlOption = None,
) -> None:
    """Correspondence analysis of classes x forms (or x star modalities): coordinates on F1, F2."""
    stored = _stored(project, run)
    rows, columns, inertia = stored.afc(what, top)
    if not csv:
        print_frame(inertia, False, "Eigenvalues")
        print_frame(rows, False, "Classes")
    print_frame(columns, csv, None if csv else what.capitalize())
    if html:
        from qualcoder.lexico import figures

        _write_html(figures.factor_map(stored, what, top), html)


@lexico_app.command("simi")
def simi(
    project: ProjectOption = Path("."), run: RunOption = None,
    cls: Annotated[int | None, typer.Option("--class", help="Forms of one class (default: every segment).")] = None,
    top: Annotated[int, typer.Option(help="Most frequent active forms in the graph.")] = 60,
    index: Annotated[str, typer.Option(help="cooccurrence or jaccard.")] = "cooccurrence",
    csv: CsvOption = False, html: HtmlOption = None,
) -> None:
    """Similarity analysis: the maximum spanning tree of the co-occurrences of the most frequent forms."""
    stored = _stored(project, run)
    nodes, edges = stored.similarity(cls, top, index)
    if not csv:
        print_frame(nodes, False, "Forms")
    print_frame(edges, csv, None if csv else "Edges of the maximum spanning tree")
    if html:
        from qualcoder.lexico import figures

        _write_html(figures.similarity_graph(nodes, edges), html)


@lexico_app.command("codes")
def codes(
    project: ProjectOption = Path("."), run: RunOption = None,
    level: Annotated[int | None, typer.Option(help="Roll codes up to this level (1: top themes; 0: none).")] = 1,
    coders: Annotated[str | None, typer.Option(help="Only these coders, e.g. coder_a,coder_b.")] = None,
    sources: Annotated[str | None, typer.Option(help="Only these sources, e.g. manual,import,rules.")] = None,
    min_chi2: Annotated[float | None, typer.Option(help="Keep cells with chi2 at least this.")] = None,
    csv: CsvOption = False,
) -> None:
    """Class x code: does a lexical world match a theme of the codebook?"""
    stored = _stored(project, run)
    def split(v):
        return ([x.strip() for x in v.split(",") if x.strip()] if v else None)
    frame = stored.code_table(level=level or None, coders=split(coders), sources=split(sources))
    print_frame(frame if min_chi2 is None else frame[frame["chi2"] >= min_chi2], csv)


@lexico_app.command("topics")
def topics(
    project: ProjectOption = Path("."), run: RunOption = None,
    topic_run: Annotated[str | None, typer.Option(help="The topic run (default: the latest).")] = None,
    min_chi2: Annotated[float | None, typer.Option(help="Keep cells with chi2 at least this.")] = None,
    csv: CsvOption = False,
) -> None:
    """Class x topic of a topic run."""
    stored = _stored(project, run)
    frame = stored.topic_table(topic_run)
    print_frame(frame if min_chi2 is None else frame[frame["chi2"] >= min_chi2], csv)


@lexico_app.command("time")
def time(
    project: ProjectOption = Path("."), run: RunOption = None,
    period: Annotated[str, typer.Option(help="meeting, month, quarter or year.")] = "quarter",
    csv: CsvOption = False, html: HtmlOption = None,
) -> None:
    """The classes over meetings (minutes in date order) or months, quarters, years."""
    stored = _stored(project, run)
    print_frame(stored.over_time(period), csv)
    if html:
        from qualcoder.lexico import figures

        _write_html(figures.over_time(stored, period), html)


@lexico_app.command("compare")
def compare(
    run_a: Annotated[str, typer.Argument(help="A run.")], run_b: Annotated[str, typer.Argument(help="Another run.")],
    project: ProjectOption = Path("."), csv: CsvOption = False,
) -> None:
    """Two runs' classes on their common segments: crosstab and adjusted Rand index."""
    from qualcoder import lexico

    p = open_project(project)
    table, summary = lexico.compare(lexico.run(p, run_a), lexico.run(p, run_b))
    if not csv:
        console.print(", ".join(f"{k} = {v}" for k, v in summary.items()))
    print_frame(table.reset_index(), csv)


@lexico_app.command("delete")
def delete(run: Annotated[str, typer.Argument(help="The run to delete.")], project: ProjectOption = Path(".")) -> None:
    """Delete a stored classification (its segments' classes go with it)."""
    from qualcoder.lexico.runs import delete_run

    p = open_project(project)
    delete_run(p, run)
    console.print(f"Deleted run {run}.")
