"""REFI-QDA commands: ``export qdpx|qdc`` and ``import-qdpx`` / ``import-qdc``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import ProjectOption, console, open_project
from qualcoder.config import CONFIG_NAME

ForceOption = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


def register_refi(app: typer.Typer, export_app: typer.Typer) -> None:
    """Attach the REFI-QDA commands to the main app and to the ``export`` group."""

    @export_app.command("qdpx")
    def export_qdpx(
        out: Annotated[Path, typer.Argument(help="The .qdpx file to write.")],
        project: ProjectOption = Path("."),
        coders: Annotated[str | None, typer.Option("--coders", help="Only these coders, e.g. coder_a,coder_b.")] = None,
        include_suggestions: Annotated[bool, typer.Option("--include-suggestions",
                                                          help="Also export model suggestions not yet decided.")] = False,
        force: ForceOption = False,
    ) -> None:
        """Export the project as REFI-QDA .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder)."""
        from qualcoder import refi

        p = open_project(project)
        wanted = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
        (refi.export_qdpx(p, out, coders=wanted, include_suggestions=include_suggestions,
                          overwrite=force))
        console.print(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB).")

    @export_app.command("qdc")
    def export_qdc(
        out: Annotated[Path, typer.Argument(help="The .qdc file to write.")],
        project: ProjectOption = Path("."),
        force: ForceOption = False,
    ) -> None:
        """Export the project's codebook as REFI-QDA .qdc."""
        from qualcoder import refi

        p = open_project(project)
        book = p.codebook()
        refi.export_qdc(book, out, overwrite=force)
        console.print(f"Wrote {out}: {len(book.codes)} codes.")

    @app.command("import-qdpx")
    def import_qdpx(
        file: Annotated[Path, typer.Argument(help="The .qdpx exported by NVivo, ATLAS.ti, MAXQDA, QualCoder...")],
        project: ProjectOption = Path("."),
        into_existing: Annotated[bool, typer.Option("--into-existing",
                                                    help="Import into a project that already has documents.")] = False,
    ) -> None:
        """Import a REFI-QDA project; the project folder is created when it does not exist."""
        from qualcoder import refi

        if (project / CONFIG_NAME).is_file():
            p = open_project(project)
            if not into_existing and len(p.documents_df(with_text=False)):
                _refuse_existing(project)()
            summary = refi.import_qdpx(file, p)
        else:
            from qualcoder.refi.new_project import import_qdpx_as_new_project

            _, summary = import_qdpx_as_new_project(file, project)
        _print_summary(summary)

    @app.command("import-qdc")
    def import_qdc(
        file: Annotated[Path, typer.Argument(help="The .qdc codebook.")],
        project: ProjectOption = Path("."),
        force: Annotated[bool, typer.Option("--force", help="Replace the codebook even if codes carrying human "
                                                            "codings disappear (their codings are kept).")] = False,
    ) -> None:
        """Make a REFI-QDA codebook (.qdc) the project's codebook."""
        from qualcoder import refi

        p = open_project(project)
        summary = refi.import_qdc(file, p, force=force)
        _print_summary(summary)


def _refuse_existing(project: Path):
    def refuse():
        from qualcoder.refi import ImportRefused

        raise ImportRefused("the project already has documents", place=project,
                            fix="Give a new folder with -p, or --into-existing to add to this project.")

    return refuse


def _print_summary(summary) -> None:
    console.print(f"Imported {len(summary.documents)} document(s), {len(summary.codes)} new code(s), "
                  f"{summary.codings} coding(s), {summary.memos} memo(s), {summary.cases} case(s).")
    if summary.users:
        console.print(f"Coders: {', '.join(summary.users)}.")
    for line in summary.duplicates:
        console.print(f"[yellow]Duplicate: {line}[/yellow]", highlight=False)
    for line in summary.warnings:
        console.print(f"[yellow]Warning: {line}[/yellow]", highlight=False)
    if summary.skipped:
        console.print(f"[yellow]Skipped {len(summary.skipped)}:[/yellow]")
        for line in summary.skipped:
            console.print(f"  {line}", highlight=False, soft_wrap=True)
