"""What every command module shares: the console, the project option, progress bars, errors to exit codes."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qualcoder.errors import QualcoderError
from qualcoder.project import Project

console = Console()
errors = Console(stderr=True)

ProjectOption = Annotated[Path, typer.Option("--project", "-p", help="The project folder.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Write CSV to standard output instead of a table.")]


@contextmanager
def _bar():
    """A progress callback drawing one bar per stage (import, parse)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=False) as progress:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def _run(action):
    try:
        return action()
    except QualcoderError as error:
        errors.print(f"[red]{error}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None


def _open(project: Path) -> Project:
    return _run(lambda: Project.open(project))


def _print_frame(frame: pd.DataFrame, as_csv: bool, title: str | None = None) -> None:
    if as_csv:  # the one CSV writer: formula-looking cells neutralised, as in every export
        from qualcoder.export.tabular import to_csv_bytes

        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv_bytes(frame))
        sys.stdout.buffer.flush()
        return
    table = Table(title=title, show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*["" if pd.isna(v) else str(v) for v in row])
    console.print(table)
