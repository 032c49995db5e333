"""The ``qualcoder`` command: a few lines per command over ``Project``; errors become exit codes here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from qualcoder.cli.backup import register_backup
from qualcoder.cli.codebook import register_codebook_edits
from qualcoder.cli.export import export_app
from qualcoder.cli.lexico import lexico_app
from qualcoder.cli.privacy import privacy_app
from qualcoder.cli.refi import register_refi
from qualcoder.cli.report import report_app
from qualcoder.cli.study import register_study
from qualcoder.cli.support import (
    Commands,
    CsvOption,
    ProjectOption,
    console,
    errors,
    open_project,
    print_frame,
    progress_bar,
)
from qualcoder.cli.team import register_team
from qualcoder.errors import UsageError
from qualcoder.models import ImportReport

if TYPE_CHECKING:
    pass

SpeakersLayoutOption = Annotated[str | None, typer.Option(
    "--speakers-layout", help="How speaker labels are written: auto, colon, line, parliament, bracket, timestamp, "
                              "voice, none, or regex:PATTERN with a (?P<speaker>...) group.")]
app = typer.Typer(help="qualcoder: qualitative analysis of interviews and meeting minutes, on your machine.",
                  cls=Commands, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create (holds qualcoder.toml and project.db).")],
    database: Annotated[str | None, typer.Option(help="Database URL, e.g. postgresql://127.0.0.1/study.")] = None,
) -> None:
    """Create a project: a folder with qualcoder.toml and a SQLite store (or PostgreSQL with --database)."""
    from qualcoder.project import Project

    project = Project.create(folder, database=database)
    where = "PostgreSQL" if project.engine.dialect.name == "postgresql" else "SQLite"
    console.print(f"Created project [bold]{project.config.name}[/bold] in {folder} ({where}).")


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to import.")],
    project: ProjectOption = Path("."),
    meta: Annotated[Path | None, typer.Option(help="metadata.csv: file, type, date, language, attributes.")] = None,
    speakers: Annotated[Path | None, typer.Option(help="speakers.csv: speaker, role, profession, ...")] = None,
    language: Annotated[str | None, typer.Option(help="Force the language (fr or en) of every file.")] = None,
    speakers_layout: SpeakersLayoutOption = None,
) -> None:
    """Import documents (.txt .md .docx .odt .pdf .rtf .html .srt .vtt .json .xml .csv .xlsx, IRaMuTeQ corpora).

    A folder's own metadata.csv and speakers.csv are used unless --meta/--speakers are given.
    Each file is imported in its own transaction; failures are listed and the exit code is 1.
    Each document's turns, speakers and warnings are listed.
    """
    p = open_project(project)
    with progress_bar() as progress:
        report = (p.import_files(paths, meta=meta, speakers=speakers, language=language,
                                 progress=progress, speakers_layout=speakers_layout))
    _print_report(report)
    if report.failures:
        raise typer.Exit(code=1)


def _print_report(report: ImportReport) -> None:
    console.print(f"Imported {len(report.added)} document(s).")
    _print_documents(report.documents)
    for new, existing in report.duplicates:
        console.print(f"[yellow]Skipped {new}: already in the project as {existing}.[/yellow]", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]{escape(warning)}[/yellow]", highlight=False)
    if report.failures:
        errors.print(f"[red]{len(report.failures)} file(s) failed:[/red]")
        for failure in report.failures:
            errors.print(f"  {failure.message}", highlight=False, soft_wrap=True)


def _print_documents(documents) -> None:
    """One row per document: what the import found (turns, speakers, share of the text in turns)."""
    if not documents:
        return
    frame = pd.DataFrame([{"document": d.name, "type": d.doc_type, "lang": d.language, "turns": d.turns,
                           "speakers": d.speakers, "in turns": f"{d.speaker_share:.0%}",
                           "top speaker": f"{d.top_speaker} {d.top_speaker_share:.0%}" if d.top_speaker else "",
                           "layout": d.layout, "segs": "" if d.segments is None else d.segments,
                           "warn": len(d.warnings)} for d in documents])
    print_frame(frame.head(50), False, "What the import found" + (" (first 50)" if len(frame) > 50 else ""))


@app.command()
def segment(
    by: Annotated[str, typer.Option(help="turn, paragraph, sentence or window:N.")] = "sentence",
    project: ProjectOption = Path("."),
    processes: Annotated[int, typer.Option(help="Processes for spaCy parsing.")] = 1,
) -> None:
    """Cut every document into segments (re-segmenting keeps codings: they anchor to characters)."""
    p = open_project(project)
    with progress_bar() as progress:
        count = p.segment(by=by, n_process=processes, progress=progress)
    console.print(f"{count} segments ({by}).")


@app.command()
def status(project: ProjectOption = Path(".")) -> None:
    """Counts by document type and language, and by speaker profession."""
    p = open_project(project)
    info = p.status()
    totals = info["totals"]
    console.print(f"[bold]{p.config.name}[/bold] ({p.engine.dialect.name}): {totals['documents']} documents, "
                  f"{totals['words']} words, {totals['turns']} turns, {totals['segments']} segments "
                  f"(segmentation: {totals['segmentation'] or 'none yet'}).")
    unsegmented = info.get("unsegmented", [])
    if unsegmented:
        names = ", ".join(unsegmented[:5]) + (" …" if len(unsegmented) > 5 else "")
        console.print(f"[yellow]{len(unsegmented)} document(s) have no segments, so every analysis leaves them "
                      f"out: {escape(names)}. Run `qualcoder segment --by {totals['segmentation']}`.[/yellow]",
                      highlight=False)
    print_frame(info["documents"], False, "Documents by type and language")
    print_frame(info["professions"], False, "Speakers by profession")


documents_app = typer.Typer(help="List documents; correct one; remove one; find their speaker turns again.")
app.add_typer(documents_app, name="documents")


@documents_app.callback(invoke_without_command=True)
def documents(ctx: typer.Context, project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """List the documents with their attributes (--csv for all columns, with text)."""
    if ctx.invoked_subcommand is not None:
        return
    p = open_project(project)
    frame = p.documents_df(with_text=csv)
    if not csv:
        frame = frame[["doc_id", "name", "type", "language", "date", "format", "n_chars"]]
    print_frame(frame, csv)


@documents_app.command("remove")
def documents_remove(
    document: Annotated[str, typer.Argument(help="Document id or name.")],
    project: ProjectOption = Path("."),
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a document with its codings, memos, topic assignments, turns and segments (one transaction)."""
    p = open_project(project)
    key = int(document) if document.isdigit() else document
    found = p.document(key)
    if not yes and not typer.confirm(f"Remove {found.name} and everything coded in it?"):
        raise typer.Exit(code=1)
    removed = p.remove_document(found.id)
    details = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in removed.items() if count)
    console.print(f"Removed {escape(found.name)}" + (f" with {details}." if details else "."), highlight=False)


@documents_app.command("set")
def documents_set(
    document: Annotated[str, typer.Argument(help="Document id or name.")],
    coder: Annotated[str, typer.Option("--coder", help="Who corrects it (recorded, undoable).")],
    doc_type: Annotated[str | None, typer.Option("--type", help="interview, minutes, focus group, ...")] = None,
    date: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (\"\" clears it).")] = None,
    attribute: Annotated[list[str] | None, typer.Option("--attribute", help="NAME=VALUE (repeat).")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="An attribute to drop (repeat).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Correct a document's type, date or attributes (network, site, wave, ...)."""
    key = int(document) if document.isdigit() else document
    values = dict(item.split("=", 1) for item in attribute or [] if "=" in item)
    (open_project(project).set_document(coder, key, doc_type=doc_type, date=date, attributes=values or None,
                                 remove=remove or ()))
    console.print(f"{escape(document)} updated.", highlight=False)


@documents_app.command("turns")
def documents_turns(
    documents: Annotated[list[str] | None, typer.Argument(help="Document ids or names (default: all).")] = None,
    project: ProjectOption = Path("."),
    speakers_layout: SpeakersLayoutOption = None,
) -> None:
    """Find the speaker turns again (another layout, a new speakers.csv) without re-importing; codings stay."""
    p = open_project(project)
    keys = [int(d) if d.isdigit() else d for d in documents or []]
    with progress_bar() as progress:
        reports = p.redetect_turns(keys or None, speakers_layout=speakers_layout, progress=progress)
    console.print(f"Turns found again in {len(reports)} document(s).")
    _print_documents(reports)
    for report in reports:
        for warning in report.warnings:
            console.print(f"[yellow]{escape(report.name)}: {escape(warning)}[/yellow]", highlight=False)


@app.command()
def reparse(
    project: ProjectOption = Path("."),
    n_process: Annotated[int, typer.Option("--n-process", help="Parse in N worker processes.")] = 1,
) -> None:
    """Parse again the documents parsed by another pipeline (after installing an English model); keeps every
    coding (codings anchor to document offsets) and rebuilds the segments with the same method."""
    p = open_project(project)
    with progress_bar() as progress:
        found = p.reparse(n_process=n_process, progress=progress)
    if not found["parsed"]:
        console.print("Every document is parsed with the current pipelines: nothing to do.")
        return
    console.print(f"{found['parsed']} document(s) parsed again; {found['codings']} coding(s) kept "
                  f"(of {found['codings_before']}).")
    if found["segments"] is not None:
        console.print(f"Segments rebuilt ({found['segmentation']}): {found['segments']}. Re-run `qualcoder autocode "
                      "--all` so the rules see the new lemmas.")


@app.command()
def segments(
    project: ProjectOption = Path("."),
    csv: CsvOption = False,
    limit: Annotated[int, typer.Option(help="Rows shown in the table (CSV writes all).")] = 50,
) -> None:
    """List the segments with document, speaker, profession, role, offsets and text."""
    p = open_project(project)
    frame = p.segments_df()
    if not csv:
        frame = frame[["segment_id", "doc", "speaker", "profession", "start", "end", "text"]].head(limit).copy()
        frame["text"] = frame["text"].map(lambda t: t if len(t) <= 90 else t[:89] + "…")
    print_frame(frame, csv)


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Where to build the demo project.")] = Path("demo-project"),
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the explorer afterwards.")] = True,
    host: Annotated[str, typer.Option(help="Address to bind the explorer to.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 8501,
) -> None:
    """Build (or rebuild) the demo project from corpora/ and codebooks/, then serve the explorer."""
    from qualcoder.demo import build_demo

    with progress_bar() as progress:
        project, report = build_demo(folder, progress=progress)
    _print_report(report)
    info = project.status()["totals"]
    console.print(f"Demo project in {folder}: {info['documents']} documents, {info['segments']} segments.")
    if report.failures:
        raise typer.Exit(code=1)
    if serve:
        _serve(folder, host, port)


@app.command()
def explore(
    project: Annotated[Path, typer.Argument(help="The project folder.")] = Path("."),
    host: Annotated[str, typer.Option(help="Address to bind; anything but 127.0.0.1 exposes your data.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 8501,
    create: Annotated[bool, typer.Option("--create", help="Create the project first if the folder has none.")]
    = False,
) -> None:
    """Serve the Streamlit explorer over a project on http://127.0.0.1:8501."""
    from qualcoder.config import CONFIG_NAME

    if create and not (project / CONFIG_NAME).is_file():
        from qualcoder.project import Project

        Project.create(project).close()
        console.print(f"Created an empty project in {project}: bring documents in from the explorer.")
    open_project(project).close()
    _serve(project, host, port)


def _serve(project: Path, host: str, port: int) -> None:
    from qualcoder.explorer.server import command

    console.print(f"Explorer on http://{host}:{port} (Ctrl+C stops it).")
    raise typer.Exit(subprocess.call(command(project, host=host, port=port)))


codebook_app = typer.Typer(help="Check, load, show and export the codebook.", no_args_is_help=True)
code_app = typer.Typer(help="Manual coding: add, remove, list, accept or reject suggestions, memos.",
                       no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(report_app, name="report")
app.add_typer(export_app, name="export")
register_refi(app, export_app)
register_study(app, export_app)
register_team(app)
register_backup(app)
app.add_typer(code_app, name="code")
CoderOption = Annotated[str, typer.Option("--coder", help="Who codes (recorded on every coding).")]


@codebook_app.command("check")
def codebook_check(
    file: Annotated[Path, typer.Argument(help="A codebook YAML file.")],
    project: Annotated[Path | None, typer.Option("--project", "-p", help="Also check the terms against this "
                                                 "project's lemmas.")] = None,
) -> None:
    """Validate a codebook file; errors give the file, the line and the code id.

    With --project, terms whose lemmas occur nowhere in the project's texts are listed as warnings.
    """
    from qualcoder.coding.codebook import load_codebook

    book = load_codebook(file)
    top = len(book.children(None))
    console.print(f"{file}: codebook {book.id!r}, {len(book.codes)} codes ({top} themes), version {book.version}.")
    if project is not None:
        missing = open_project(project).unmatched_terms(book)
        for term in missing:
            console.print(f"[yellow]{term}: its lemmas occur nowhere in the project's texts.[/yellow]")
        console.print(f"{len(missing)} term(s) never found in {project}.")


@codebook_app.command("load")
def codebook_load(
    file: Annotated[Path, typer.Argument(help="A codebook YAML file.")],
    project: ProjectOption = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Keep human codings of dropped codes under their old id.")]
    = False,
    merge: Annotated[list[str] | None, typer.Option("--merge", help="OLD=NEW: move codings of a dropped code.")]
    = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would change.")] = False,
) -> None:
    """Make a codebook the project's codebook; refuses to drop codes that carry human codings."""
    pairs = dict(item.split("=", 1) for item in merge or [] if "=" in item)
    change = open_project(project).load_codebook(file, force=force, merge=pairs, dry_run=dry_run)
    verb = "Would load" if dry_run else "Loaded"
    console.print(f"{verb} codebook version {change.version} (before: {change.previous_version or 'none'}); "
                  f"{len(change.added)} codes added, {len(change.removed)} removed, {len(change.edited)} edited, "
                  f"{len(change.changed)} with changed rules.")
    for title, codes in (("added", change.added), ("removed", change.removed), ("edited", change.edited),
                         ("rules changed", change.changed)):
        if codes and dry_run:
            console.print(f"  {title}: {', '.join(codes)}", highlight=False)
    for code, count in change.orphaned.items():
        console.print(f"[yellow]{count} human coding(s) keep the removed code {code!r}.[/yellow]")


@codebook_app.command("show")
def codebook_show(project: ProjectOption = Path("."),
                  language: Annotated[str, typer.Option(help="fr or en labels.")] = "fr") -> None:
    """The code tree with labels, colours and how many codings each code has."""
    p = open_project(project)
    book = p.codebook()
    counts = p.codings_df().groupby("code").size().to_dict()
    table = Table(title=f"{book.id} (version {book.version})")
    for column in ("code", "label", "codings"):
        table.add_column(column)

    def add(code, depth: int) -> None:
        table.add_row("  " * depth + code.id, f"[{code.color}]■[/] {code.label.get(language, '')}",
                      str(counts.get(code.id, 0)))
        for child in book.children(code.id):
            add(child, depth + 1)

    for top in book.children(None):
        add(top, 0)
    console.print(table)


@codebook_app.command("export")
def codebook_export(
    project: ProjectOption = Path("."),
    format: Annotated[str, typer.Option("--format", help="yaml or md.")] = "yaml",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: print).")] = None,
    language: Annotated[str, typer.Option(help="Language of the Markdown document.")] = "fr",
) -> None:
    """Export the project's codebook as YAML or as a readable Markdown document."""
    from qualcoder.coding.codebook import to_markdown, to_yaml

    book = open_project(project).codebook()
    if format not in ("yaml", "md"):
        raise UsageError(f"--format {format}: use yaml or md", place="codebook export")
    text = to_yaml(book) if format == "yaml" else to_markdown(book, language)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}.")
    else:
        sys.stdout.write(text)


@code_app.command("add")
def code_add(
    code: Annotated[str, typer.Option("--code", help="The code id.")],
    coder: CoderOption,
    segment: Annotated[int | None, typer.Option("--segment", help="Code this whole segment.")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Document id or name, for a span.")] = None,
    start: Annotated[int | None, typer.Option("--start", help="First character of the span.")] = None,
    end: Annotated[int | None, typer.Option("--end", help="Character after the span.")] = None,
    memo: Annotated[str | None, typer.Option("--memo", help="A memo on this coding.")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Apply a code to a segment or to a span of a document."""
    key = int(doc) if doc and doc.isdigit() else doc
    coding_id = (open_project(project).add_coding(code, coder, segment=segment, doc=key, start=start,
                                           end=end, memo=memo))
    console.print(f"Coding {coding_id} added.")


@code_app.command("remove")
def code_remove(coding_id: Annotated[int, typer.Argument(help="The coding id.")],
                project: ProjectOption = Path("."),
                coder: Annotated[str | None, typer.Option("--coder", help="Who removes it (default: its coder); "
                                                          "`qualcoder undo --coder` brings it back.")] = None) -> None:
    """Remove a coding and the memos on it."""
    open_project(project).remove_coding(coding_id, coder)
    console.print(f"Coding {coding_id} removed.")


@code_app.command("edit")
def code_edit(
    coding_id: Annotated[int, typer.Argument(help="The coding id.")],
    coder: CoderOption,
    code: Annotated[str | None, typer.Option("--code", help="Give the coding this code instead.")] = None,
    memo: Annotated[str | None, typer.Option("--memo", help="The coding's memo (\"\" clears it).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Change a coding's code or memo."""
    open_project(project).edit_coding(coding_id, coder, code=code, memo=memo)
    console.print(f"Coding {coding_id} changed.")


@code_app.command("resize")
def code_resize(
    coding_id: Annotated[int, typer.Argument(help="The coding id.")],
    start: Annotated[int, typer.Option("--start", help="First character of the new span.")],
    end: Annotated[int, typer.Option("--end", help="Character after the new span.")],
    coder: CoderOption,
    project: ProjectOption = Path("."),
) -> None:
    """Give a coding a new span in its document (blanks at the edges are left out)."""
    new_start, new_end = open_project(project).resize_coding(coding_id, start, end, coder)
    console.print(f"Coding {coding_id} now covers {new_start}-{new_end}.")


@code_app.command("list")
def code_list(
    project: ProjectOption = Path("."),
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Only this code.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="manual, rules, model or import.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="applied, suggested, accepted, rejected.")] = None,
    csv: CsvOption = False,
) -> None:
    """List codings with their document, offsets, code, coder, source and text."""
    frame = open_project(project).codings_df(coder=coder, code=code, source=source, status=status)
    if not csv:
        frame = frame[["coding_id", "doc", "start", "end", "code", "coder", "source", "status", "text"]].copy()
        frame["text"] = frame["text"].map(lambda t: t if len(t) <= 70 else t[:69] + "…")
    print_frame(frame, csv)


@code_app.command("accept")
def code_accept(coding_id: Annotated[int, typer.Argument(help="The suggestion's coding id.")], coder: CoderOption,
                project: ProjectOption = Path(".")) -> None:
    """Accept a suggestion (recorded with your name)."""
    open_project(project).accept_suggestion(coding_id, coder)
    console.print(f"Suggestion {coding_id} accepted by {coder}.")


@code_app.command("reject")
def code_reject(coding_id: Annotated[int, typer.Argument(help="The suggestion's coding id.")], coder: CoderOption,
                project: ProjectOption = Path(".")) -> None:
    """Reject a suggestion (recorded with your name)."""
    open_project(project).reject_suggestion(coding_id, coder)
    console.print(f"Suggestion {coding_id} rejected by {coder}.")


@code_app.command("memo")
def code_memo(
    target: Annotated[str, typer.Argument(help="code, document, coding, speaker or project (its journal).")],
    target_id: Annotated[str, typer.Argument(help="The code id, document name or id, coding id (- for project).")],
    text: Annotated[str, typer.Option("--text", help="The memo.")],
    coder: CoderOption,
    project: ProjectOption = Path("."),
) -> None:
    """Write a memo on a code, a document, a coding or the project."""
    memo_id = open_project(project).add_memo(target, target_id, coder, text)
    console.print(f"Memo {memo_id} saved.")


@app.command()
def merge(
    other: Annotated[Path, typer.Argument(help="A colleague's project folder, or a .qdpx exported by qualcoder.")],
    coder: Annotated[str, typer.Option("--coder", help="Who merges (recorded; `qualcoder undo` reverts it).")],
    project: ProjectOption = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what the merge would bring.")] = False,
) -> None:
    """Merge another project into this one: documents matched by text, codings, memos and codes brought in."""
    report = open_project(project).merge(other, coder, dry_run=dry_run)
    verb = "Would bring" if dry_run else "Brought"
    console.print(f"{verb} {report.codings_added} coding(s) ({report.codings_present} already here), "
                  f"{len(report.documents_added)} new document(s) ({report.documents_matched} matched), "
                  f"{report.memos_added} memo(s), {report.decisions_added} decision(s), {report.speakers_added} "
                  f"speaker entr(ies), {len(report.codes_added)} new code(s).", highlight=False)
    for conflict in report.conflicts:
        console.print(f"[yellow]{conflict}[/yellow]", highlight=False)
    if report.documents_added and not dry_run:
        console.print("[yellow]New documents are not segmented yet: run `qualcoder segment`.[/yellow]")


@app.command()
def undo(coder: CoderOption, project: ProjectOption = Path(".")) -> None:
    """Undo your latest action (coding, edit, memo, accept/reject, decision); repeat to go further back."""
    action = open_project(project).undo(coder)
    console.print(f"Undone: {action.summary.removeprefix('undo: ')}", highlight=False)


@app.command()
def redo(coder: CoderOption, project: ProjectOption = Path(".")) -> None:
    """Redo your latest undone action."""
    action = open_project(project).redo(coder)
    console.print(f"Redone: {action.summary.removeprefix('redo: ')}", highlight=False)


@app.command()
def history(
    project: ProjectOption = Path("."),
    coder: Annotated[str | None, typer.Option("--coder", help="Only this person's actions.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Newest actions shown.")] = 30,
    csv: CsvOption = False,
) -> None:
    """The action log, newest first: who did what, and when."""
    frame = open_project(project).history_df(coder, None if csv else limit)
    print_frame(frame, csv)


@app.command()
def autocode(
    project: ProjectOption = Path("."),
    codes: Annotated[list[str] | None, typer.Option("--codes", help="Only these codes (repeat the option).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be coded; store nothing.")] = False,
    all_codes: Annotated[bool, typer.Option("--all", help="Redo every code, not only new or changed ones.")]
    = False,
    csv: CsvOption = False,
) -> None:
    """Code segments with the codebook's patterns (lemmas, phrases, regexes, proximity), without re-parsing.

    Only new codes and codes whose rules changed are redone, unless --codes or --all; their previous rule
    codings are replaced. Manual and imported codings are never touched.
    """
    p = open_project(project)
    with progress_bar() as progress:
        report = p.autocode(codes=codes, dry_run=dry_run, everything=all_codes, progress=progress)
    if csv:
        print_frame(report.codings, True)
        return
    verb = "would code" if dry_run else "coded"
    console.print(f"{len(report.codes_run)} code(s) run; {verb} {len(report.codings)} (segment, code) pairs.")
    if report.codes_run:
        print_frame(report.counts(), False, "Segments per code")
    for warning in report.warnings:
        console.print(f"[yellow]{warning}[/yellow]")
    if report.unmatched_terms:
        console.print(f"[yellow]{len(report.unmatched_terms)} term(s) matched nowhere (check their lemmas): "
                      f"{', '.join(report.unmatched_terms[:12])}{' …' if len(report.unmatched_terms) > 12 else ''}"
                      "[/yellow]")


@app.command()
def train(
    project: ProjectOption = Path("."),
    coders: Annotated[list[str] | None, typer.Option("--coders", help="Learn from these coders only.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random state (fixed: same data, same model).")] = 0,
    embeddings: Annotated[str | None, typer.Option("--embeddings", help="Add sentence embeddings: minilm or "
                                                   "a local model folder.")] = None,
    feature_attribute: Annotated[list[str] | None, typer.Option("--feature-attribute", help="A document attribute "
                                                                "(e.g. question) as a model feature; repeatable.")]
    = None,
) -> None:
    """Fit the code classifier on human codings (TF-IDF of lemmas, a logistic regression per code, CV cut-offs)."""
    info = open_project(project).train(coders=coders, random_state=seed, embeddings=embeddings,
                                feature_attributes=tuple(feature_attribute or ()))
    console.print(f"Trained on {info['segments']} segments for {len(info['codes'])} codes "
                  f"(codebook {info['codebook_version']}); model in models/classifier.joblib.")
    if info["skipped_codes"]:
        console.print(f"[yellow]Too few examples (< 6) to learn: {', '.join(info['skipped_codes'])}[/yellow]")


@app.command()
def suggest(
    project: ProjectOption = Path("."),
    min_confidence: Annotated[float | None, typer.Option("--min-confidence", help="Store suggestions at or above "
                                                         "(default: each code's cut-off chosen in training).")]
    = None,
    uncertain: Annotated[int | None, typer.Option("--uncertain", help="List the N least certain segments.")] = None,
    zero_shot: Annotated[str | None, typer.Option("--zero-shot", help="Suggest from the codebook alone with this "
                                                  "embedding backend (use, e5), no training needed.")] = None,
    csv: CsvOption = False,
) -> None:
    """Store the model's suggestions for coders to accept or reject, or list the least certain segments."""
    p = open_project(project)
    if zero_shot:
        with progress_bar() as progress:
            found = p.suggest_zero_shot(zero_shot, min_score=min_confidence, progress=progress)
        how = (f"cut-offs calibrated on human codings for {found['calibrated_codes']} code(s)"
               if found["calibrated_codes"] else f"score >= {found['min_score']}")
        console.print(f"{found['suggestions']} zero-shot suggestion(s) stored ({zero_shot}, {how}); each is the "
                      "sentence that matched. Review them with `qualcoder code list --status suggested`.")
        return
    if uncertain:
        frame = p.uncertain_segments(uncertain)
        if not csv:
            frame["text"] = frame["text"].map(lambda t: t if len(t) <= 80 else t[:79] + "…")
        print_frame(frame, csv, None if csv else "Code these next")
        return
    count = p.suggest(min_confidence=min_confidence)
    console.print(f"{count} suggestion(s) stored; review them with `qualcoder code list --status suggested`.")


@app.command()
def evaluate(
    project: ProjectOption = Path("."),
    coders: Annotated[list[str] | None, typer.Option("--coders", help="Human codings of these coders only.")]
    = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds (grouped by document).")] = 5,
    embeddings: Annotated[str | None, typer.Option("--embeddings", help="Join sentence embeddings to the model's "
                                                   "TF-IDF (e5, use, minilm or a local model folder).")] = None,
    threshold: Annotated[float | None, typer.Option("--threshold", help="One cut-off for every code (default: "
                                                    "per code, chosen by cross-validation for F1).")] = None,
    precision: Annotated[float | None, typer.Option("--precision", help="Per-code cut-offs reaching this "
                                                    "precision instead of the F1-best.")] = None,
    zero_shot: Annotated[str, typer.Option("--zero-shot", help="Backend for zero-shot (use, e5) or none.")]
    = "use",
    feature_attribute: Annotated[list[str] | None, typer.Option("--feature-attribute", help="A document attribute "
                                                                "(e.g. question) as a model feature; repeatable.")]
    = None,
    csv: CsvOption = False,
) -> None:
    """Rules, model, zero-shot and a plain TF-IDF + logistic baseline against human codings, same folds."""
    p = open_project(project)
    with progress_bar() as progress:
        result = (p.evaluate(coders=coders, folds=folds, embeddings=embeddings, threshold=threshold,
                             precision_target=precision,
                             zero_shot=None if zero_shot == "none" else zero_shot, progress=progress,
                             feature_attributes=tuple(feature_attribute or ())))
    if csv:
        print_frame(result.per_code, True)
        return
    print_frame(result.per_code.astype(object).where(result.per_code.notna(), "n/a"), False,
                 "Per code against human codings (n/a: the code has no rules)")
    print_frame(result.summary, False, "Overall, on the same folds (baseline: TF-IDF + one-vs-rest logistic)")
    for code, why in result.left_out:
        console.print(f"[yellow]Left out: {code}: {why}[/yellow]")
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")


agreement_app = typer.Typer(help="Inter-coder agreement, disagreements and adjudication.")
app.add_typer(agreement_app, name="agreement")
CodersOption = Annotated[str, typer.Option("--coders", help="Coders to compare, comma-separated: coder_a,coder_b.")]


def _names(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@agreement_app.callback(invoke_without_command=True)
def agreement(
    ctx: typer.Context,
    coders: Annotated[str | None, typer.Option("--coders", help="Coders to compare: coder_a,coder_b[,...].")]
    = None,
    codes: Annotated[str | None, typer.Option("--codes", help="Only these codes, comma-separated.")] = None,
    level: Annotated[str, typer.Option("--level", help="segment or character.")] = "segment",
    by: Annotated[str, typer.Option("--by", help="code or document.")] = "code",
    include_uncoded: Annotated[bool, typer.Option("--include-uncoded", help="Count text no coder coded.")]
    = False,
    variable: Annotated[str | None, typer.Option("--variable", help="An exclusive code group as one "
                                                 "variable.")] = None,
    project: ProjectOption = Path("."),
    csv: CsvOption = False,
) -> None:
    """Percent agreement, Cohen's kappa, Fleiss' kappa and Krippendorff's alpha (95 % bootstrap CI)."""
    if ctx.invoked_subcommand is not None:
        return
    if not coders:
        raise UsageError("--coders is missing: name the coders to compare", place="agreement",
                         fix="Example: --coders coder_a,coder_b.")
    frame = (open_project(project).agreement(_names(coders), _names(codes) or None, level, by,
                                      include_uncoded, variable))
    if csv:
        print_frame(frame, True)
        return
    console.print(frame.attrs.get("scope", ""), highlight=False)
    print_frame(frame.round(3), False, "Agreement (α: Krippendorff 0.667 / 0.800 thresholds)")


@agreement_app.command("disagreements")
def agreement_disagreements(
    coders: CodersOption,
    codes: Annotated[str | None, typer.Option("--codes", help="Only these codes, comma-separated.")] = None,
    decided: Annotated[bool, typer.Option("--decided", help="List the ones already decided too.")] = False,
    project: ProjectOption = Path("."),
    csv: CsvOption = False,
) -> None:
    """Each segment and code where the coders differ and no decision settled it, with the text and who applied what."""
    frame = open_project(project).disagreements(_names(coders), _names(codes) or None, include_decided=decided)
    if not csv:
        frame = frame.copy()
        frame["text"] = frame["text"].map(lambda t: t if len(t) <= 70 else t[:69] + "…")
    print_frame(frame, csv)


@agreement_app.command("resolve")
def agreement_resolve(
    coders: CodersOption,
    coder: Annotated[str, typer.Option("--coder", help="Who decides (recorded).")],
    segment: Annotated[int | None, typer.Option("--segment", help="The segment decided on.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="The code decided on.")] = None,
    keep: Annotated[str | None, typer.Option("--keep", help="A coder's name, both, or neither.")] = None,
    agreed: Annotated[bool, typer.Option("--agreed", help="Take every code all coders applied.")] = False,
    undo: Annotated[int | None, typer.Option("--undo", help="Undo a decision by its id.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an earlier decision on that item.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Build the `consensus` coder's codings from decisions; the coders' own codings never change."""
    p = open_project(project)
    if undo is not None:
        p.undo_decision(undo)
        console.print(f"Decision {undo} undone; its consensus codings are removed.")
    elif agreed:
        count = p.resolve_agreed(_names(coders), coder)
        console.print(f"{count} agreed (segment, code) pairs taken into the consensus.")
    elif segment is not None and code and keep:
        decision = p.resolve(_names(coders), segment, code, keep, coder, replace=replace)
        console.print(f"Decision {decision} recorded ({keep}).")
    else:
        raise UsageError("give --segment, --code and --keep, or --agreed, or --undo ID", place="agreement resolve")


@agreement_app.command("decisions")
def agreement_decisions(project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """Every adjudication decision, with who decided and whether it was undone."""
    frame = open_project(project).decisions_df()
    print_frame(frame, csv)


topics_app = typer.Typer(help="Topic models with BERTopic: fit, list, show, runs, compare.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")
app.add_typer(lexico_app, name="lexico")
app.add_typer(privacy_app, name="pseudonymise")
RunOption = Annotated[str | None, typer.Option("--run", help="Run name (default: the latest).")]


@topics_app.command("fit")
def topics_fit(
    project: ProjectOption = Path("."),
    embeddings: Annotated[str, typer.Option("--embeddings", help="tfidf, e5, use (multilingual), minilm or a local "
                                                                 "model folder.")] = "tfidf",
    language: Annotated[str, typer.Option("--language", help="fr, en, all (one model) or each (one per language); "
                                                             "default: all with e5/use, else each.")]
    = "auto",
    clusterer: Annotated[str, typer.Option("--clusterer", help="hdbscan, kmeans or kmeans:K.")] = "auto",
    min_topic_size: Annotated[int | None, typer.Option("--min-topic-size", help="HDBSCAN's smallest topic.")]
    = None,
    nr_topics: Annotated[str | None, typer.Option("--nr-topics", help="Merge down to N topics, or auto.")] = None,
    guided: Annotated[bool, typer.Option("--guided", help="Seed topics with the codebook's patterns.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random state of every block.")] = 0,
    name: Annotated[str | None, typer.Option("--name", help="Name of the run.")] = None,
) -> None:
    """Fit BERTopic on the segments (per language unless --language all) and store the run."""
    topics = int(nr_topics) if nr_topics and nr_topics.isdigit() else nr_topics
    p = open_project(project)
    with progress_bar() as progress:
        run = (p.fit_topics(embeddings, language, clusterer, min_topic_size, topics, guided, seed, name,
                            progress))
    console.print(f"Run [bold]{run.name}[/bold] stored.")
    for note in run.report["notes"]:
        console.print(f"[yellow]{note}[/yellow]")
    print_frame(run.quality(), False, "Quality (BERTopic vs NMF on the same vectorizer)")
    print_frame(run.topics[["key", "label", "size"]].merge(run.languages(), on="key", how="left"), False, "Topics")
    console.print(f"Topics holding both languages: {run.bilingual_share():.0%}; topic x code purity: "
                  f"{run.code_purity():.0%}")


@topics_app.command("list")
def topics_list(project: ProjectOption = Path("."), run: RunOption = None, csv: CsvOption = False) -> None:
    """The topics of a run: label, top words, size and share."""
    frame = open_project(project).topic_run(run).topics.drop(columns=["words"])
    print_frame(frame, csv)


@topics_app.command("show")
def topics_show(
    topic: Annotated[str, typer.Argument(help="Topic key, e.g. fr:3 (or 3 when one language).")],
    project: ProjectOption = Path("."),
    run: RunOption = None,
    segments: Annotated[int, typer.Option("--segments", help="How many segments to show.")] = 5,
) -> None:
    """A topic's words, its codes and its most typical segments."""
    found = open_project(project).topic_run(run)
    key = topic if ":" in topic else f"{found.topics['language'].iloc[0]}:{topic}"
    row = found.topics[found.topics["key"] == key]
    if row.empty:
        from qualcoder.topics.model import TopicError

        raise TopicError(f"no such topic in run {found.name}", place=topic, fix="List them with `qualcoder topics list`.")
    console.print(f"[bold]{key}[/bold] {row.iloc[0]['label']} ({row.iloc[0]['size']} segments)")
    console.print("Words: " + row.iloc[0]["top_words"])
    codes = found.code_table()
    print_frame(codes[codes["key"] == key].head(8)[["code", "segments", "share_of_topic"]], False, "Codes")
    members = found.assignments[found.assignments["key"] == key].sort_values("probability", ascending=False)
    for member in members.head(segments).itertuples():
        speaker = "" if pd.isna(member.speaker) else member.speaker
        console.print(f"- [dim]{member.doc} · {speaker}[/dim] {member.text[:300]}")


@topics_app.command("runs")
def topics_runs(project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """Every stored run with its parameters."""
    print_frame(open_project(project).topic_runs_df(), csv)


@topics_app.command("compare")
def topics_compare(
    run_a: Annotated[str, typer.Argument(help="First run name.")],
    run_b: Annotated[str, typer.Argument(help="Second run name.")],
    project: ProjectOption = Path("."),
    csv: CsvOption = False,
) -> None:
    """Match the topics of two runs (Jaccard of top words) and compare assignments (adjusted Rand index)."""
    from qualcoder.topics.tables import compare_runs

    p = open_project(project)
    frame, summary = compare_runs(p.topic_run(run_a), p.topic_run(run_b))
    if not csv:
        console.print(f"{summary['common_segments']} segments in both runs; adjusted Rand index "
                      f"{summary['adjusted_rand']}.")
    print_frame(frame, csv)


@topics_app.command("align")
def topics_align(project: ProjectOption = Path("."), run: RunOption = None, csv: CsvOption = False) -> None:
    """Pair French and English topics through the codes their segments carry."""
    print_frame(open_project(project).topic_run(run).aligned(), csv)


@app.command("import-codings")
def import_codings(
    file: Annotated[Path, typer.Argument(help="CSV with file,start,end,code[,text][,coder][,memo].")],
    coder: Annotated[str | None, typer.Option("--coder", help="Coder of rows without a coder column.")] = None,
    wide: Annotated[bool, typer.Option("--wide", help="One 0/1 column per code and an id column matching the "
                                       "documents (survey rows); each 1 codes the whole document.")] = False,
    id_column: Annotated[str | None, typer.Option("--id-column", help="With --wide: the id column (default: "
                                                  "id, respondent, name...).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Import codings anchored by file and character offsets (or a wide 0/1 table); problems are reported."""
    if wide and not coder:
        raise UsageError("--wide needs --coder NAME (the table has no coder column)", place="import-codings")
    p = open_project(project)
    result = p.import_wide_codings(file, coder, id_column) if wide else p.import_codings(file, coder)
    console.print(f"Imported {result.imported} coding(s).")
    for line in result.mismatched + result.skipped:
        errors.print(f"[yellow]{line}[/yellow]", highlight=False)
    if result.mismatched or result.skipped:
        raise typer.Exit(code=1)


register_codebook_edits(codebook_app)  # after check/load/show/export, so that --help lists those first
