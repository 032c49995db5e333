"""``qualcoder codebook add|rename|edit|move|merge|delete``: grow the codebook while coding (each change is a new,
undoable version: ``qualcoder undo --coder NAME``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import ProjectOption, console, open_project

CoderOption = Annotated[str, typer.Option("--coder", help="Who changes the codebook (recorded in the history).")]
LanguageOption = Annotated[str, typer.Option("--language", help="fr or en: the language of the text you give.")]


def register_codebook_edits(codebook_app: typer.Typer) -> None:
    @codebook_app.command("add")
    def codebook_add(
        label: Annotated[str, typer.Argument(help="The new code's label (used for every language until translated).")],
        coder: CoderOption,
        parent: Annotated[str | None, typer.Option("--parent", help="Put it under this code.")] = None,
        code_id: Annotated[str | None, typer.Option("--id", help="Its id (default: made from the label).")] = None,
        colour: Annotated[str | None, typer.Option("--colour", help="#RRGGBB (default: a free colour).")] = None,
        definition: Annotated[str | None, typer.Option("--definition", help="What the code means.")] = None,
        project: ProjectOption = Path("."),
    ) -> None:
        """Add a code to the project's codebook."""
        new_id = (open_project(project).add_code(coder, label, parent=parent, code_id=code_id, color=colour,
                                          definition=definition))
        console.print(f"Added code {new_id}.", highlight=False)

    @codebook_app.command("rename")
    def codebook_rename(
        code: Annotated[str, typer.Argument(help="The code id (ids never change; the label does).")],
        label: Annotated[str, typer.Option("--label", help="The new label.")],
        coder: CoderOption,
        language: LanguageOption = "fr",
        project: ProjectOption = Path("."),
    ) -> None:
        """Give a code a new label in one language."""
        open_project(project).update_code(coder, code, label={language: label})
        console.print(f"Code {code} is now labelled {label!r} ({language}).", highlight=False)

    @codebook_app.command("edit")
    def codebook_edit(
        code: Annotated[str, typer.Argument(help="The code id.")],
        coder: CoderOption,
        language: LanguageOption = "fr",
        definition: Annotated[str | None, typer.Option("--definition", help="Its definition.")] = None,
        include: Annotated[list[str] | None, typer.Option("--include", help="An inclusion criterion (repeat).")] = None,
        exclude: Annotated[list[str] | None, typer.Option("--exclude", help="An exclusion criterion (repeat).")] = None,
        colour: Annotated[str | None, typer.Option("--colour", help="#RRGGBB.")] = None,
        example: Annotated[str | None, typer.Option("--example", help="An example passage.")] = None,
        source: Annotated[str, typer.Option("--source", help="Where the example comes from.")] = "",
        project: ProjectOption = Path("."),
    ) -> None:
        """Define a code, give its criteria (they replace the language's list), recolour it, add an example."""
        (open_project(project).update_code(
coder, code, definition={language: definition} if definition is not None else None,
include={language: include} if include else None, exclude={language: exclude} if exclude else None,
color=colour, example=(example, source) if example else None))
        console.print(f"Code {code} changed.", highlight=False)

    @codebook_app.command("move")
    def codebook_move(
        code: Annotated[str, typer.Argument(help="The code id.")],
        coder: CoderOption,
        parent: Annotated[str | None, typer.Option("--parent", help="The new parent (leave out: top level).")] = None,
        project: ProjectOption = Path("."),
    ) -> None:
        """Move a code under another parent, or to the top level."""
        open_project(project).move_code(coder, code, parent)
        console.print(f"Code {code} is now under {parent or 'the top level'}.", highlight=False)

    @codebook_app.command("merge")
    def codebook_merge(
        source: Annotated[str, typer.Argument(help="The code that disappears.")],
        target: Annotated[str, typer.Argument(help="The code that receives its codings, memos and children.")],
        coder: CoderOption,
        project: ProjectOption = Path("."),
    ) -> None:
        """Merge one code into another: codings, memos and children move to the survivor."""
        open_project(project).merge_codes(coder, source, target)
        console.print(f"Merged {source} into {target}.", highlight=False)

    @codebook_app.command("delete")
    def codebook_delete(
        code: Annotated[str, typer.Argument(help="The code id.")],
        coder: CoderOption,
        project: ProjectOption = Path("."),
    ) -> None:
        """Delete an unused code (refused while a person's coding uses it: merge it instead)."""
        open_project(project).delete_code(coder, code)
        console.print(f"Deleted code {code}.", highlight=False)
