"""``qualcoder backup`` and ``qualcoder restore``: thin faces over ``Project.backup`` and ``Project.restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcoder.cli.support import ProjectOption, console, open_project


def register_backup(app: typer.Typer) -> None:
    """Add the backup and restore commands to the ``qualcoder`` app."""
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    project: ProjectOption = Path("."),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The backup file (default: "
                                                "backups/<time>-manual.qcbackup in the project).")] = None,
) -> None:
    """Back the project's store up to one file (SQLite online backup, or pg_dump), with its schema version."""
    p = open_project(project)
    written = p.backup("manual", output)
    console.print(f"Backup written to {written} ({written.stat().st_size / 1e6:.1f} MB).")


def restore(
    file: Annotated[Path, typer.Argument(help="A .qcbackup file written by `qualcoder backup`.")],
    project: ProjectOption = Path("."),
) -> None:
    """Replace the project's store with a backup (the current state is backed up first).

    Refuses a backup of a newer schema, of another kind of database, or of another project.
    """
    p = open_project(project)
    before = p.restore(file)
    info = p.counts()
    console.print(f"Restored {file}: {info['documents']} documents, {info['segments']} segments. "
                  f"The state before the restore is in {before}.")
