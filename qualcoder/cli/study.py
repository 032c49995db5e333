"""``qualcoder speakers|groups|memos ...``: correct who speaks, group attribute values, read and edit memos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import CsvOption, ProjectOption, console, open_project, print_frame

CoderOption = Annotated[str, typer.Option("--coder", help="Who makes the change (recorded, undoable).")]
speakers_app = typer.Typer(help="The speakers of each document: list them, correct role, profession, organisation.",
                           no_args_is_help=True)
groups_app = typer.Typer(help="Value groups: count GP, general practitioner and médecin généraliste as one.",
                         no_args_is_help=True)
memos_app = typer.Typer(help="Memos on codes, documents, codings, speakers and the project journal.",
                        no_args_is_help=True)


@speakers_app.command("list")
def speakers_list(project: ProjectOption = Path("."), csv: CsvOption = False,
                  as_given: Annotated[bool, typer.Option("--as-given", help="Values as written, before groups.")]
                  = False) -> None:
    """One row per document and speaker: role, profession, organisation, turns."""
    p = open_project(project)
    frame = p.speakers_df(grouped=not as_given)
    names = dict(p.documents_df(with_text=False)[["doc_id", "name"]].itertuples(index=False))
    frame.insert(1, "doc", frame["doc_id"].map(names))
    print_frame(frame, csv)


@speakers_app.command("set")
def speakers_set(
    doc: Annotated[str, typer.Argument(help="The document (name or id).")],
    speaker: Annotated[str, typer.Argument(help="The speaker label as the document writes it.")],
    coder: CoderOption,
    role: Annotated[str | None, typer.Option("--role", help="interviewer, participant, ... (\"\" clears).")] = None,
    profession: Annotated[str | None, typer.Option("--profession", help="The profession (\"\" clears).")] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="The organisation.")] = None,
    attribute: Annotated[list[str] | None, typer.Option("--attribute", help="NAME=VALUE (repeat; NAME= drops it).")]
    = None,
    project: ProjectOption = Path("."),
) -> None:
    """Correct a speaker of one document (it wins over speakers.csv and the minutes' attendee list)."""
    key = int(doc) if doc.isdigit() else doc
    extra = dict(item.split("=", 1) for item in attribute or [] if "=" in item)
    (open_project(project).set_speaker(coder, key, speaker, role=role, profession=profession,
                                organisation=organisation, attributes=extra or None))
    console.print(f"{speaker} in {doc} updated.", highlight=False)


@groups_app.command("list")
def groups_list(project: ProjectOption = Path("."), csv: CsvOption = False) -> None:
    """Every grouped value and its group."""
    print_frame(open_project(project).groups_df(), csv)


@groups_app.command("set")
def groups_set(
    attribute: Annotated[str, typer.Argument(help="profession, role, organisation or a document attribute.")],
    group: Annotated[str, typer.Argument(help="The group's name, e.g. médecin généraliste.")],
    values: Annotated[list[str], typer.Option("--value", help="A value counted as the group (repeat).")],
    coder: CoderOption,
    project: ProjectOption = Path("."),
) -> None:
    """Count several values of an attribute as one group in every table, chart and export."""
    open_project(project).set_group(coder, attribute, values, group)
    console.print(f"{attribute}: {', '.join(values)} now count as {group!r}.", highlight=False)


@groups_app.command("remove")
def groups_remove(
    attribute: Annotated[str, typer.Argument(help="The attribute.")],
    value: Annotated[str, typer.Argument(help="The value to count as itself again.")],
    coder: CoderOption,
    project: ProjectOption = Path("."),
) -> None:
    """Take a value out of its group."""
    open_project(project).remove_group(coder, attribute, value)
    console.print(f"{attribute}: {value} counts as itself again.", highlight=False)


@memos_app.command("list")
def memos_list(
    project: ProjectOption = Path("."),
    target: Annotated[str | None, typer.Option("--target", help="code, document, coding, speaker or project.")]
    = None,
    search: Annotated[str | None, typer.Option("--search", help="Only memos holding this text.")] = None,
    csv: CsvOption = False,
) -> None:
    """List memos (what they are on, who wrote them, when), optionally searched."""
    frame = open_project(project).memos_df(target=target, search=search)
    if not csv:
        frame = frame[["id", "target", "on", "coder", "created_at", "text"]]
    print_frame(frame, csv)


@memos_app.command("edit")
def memos_edit(memo_id: Annotated[int, typer.Argument(help="The memo id.")],
               text: Annotated[str, typer.Option("--text", help="The new text.")], coder: CoderOption,
               project: ProjectOption = Path(".")) -> None:
    """Rewrite a memo."""
    open_project(project).edit_memo(memo_id, coder, text)
    console.print(f"Memo {memo_id} saved.")


@memos_app.command("remove")
def memos_remove(memo_id: Annotated[int, typer.Argument(help="The memo id.")], coder: CoderOption,
                 project: ProjectOption = Path(".")) -> None:
    """Remove a memo (`qualcoder undo --coder` brings it back)."""
    open_project(project).remove_memo(memo_id, coder)
    console.print(f"Memo {memo_id} removed.")


def register_study(app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(speakers_app, name="speakers")
    app.add_typer(groups_app, name="groups")
    app.add_typer(memos_app, name="memos")

    @export_app.command("memos")
    def export_memos(
        out: Annotated[Path, typer.Argument(help="File to write: .md (a journal) or .csv, .xlsx, .parquet.")],
        project: ProjectOption = Path("."),
        force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
    ) -> None:
        """Export every memo, with what it is on, who wrote it and when."""
        from qualcoder.export.memos import write_memos

        p = open_project(project)
        memos = p.memos_df()
        write_memos(memos, out, force=force)
        console.print(f"Wrote {len(memos)} memo(s) to {out}.")
