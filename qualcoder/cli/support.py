"""What every command module shares: the console, the project option, progress bars, errors to exit codes."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import pandas as pd
import typer
import typer.core
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from qualcoder.errors import Interrupted, QualcoderError, as_disk_full

if TYPE_CHECKING:
    from qualcoder.project import Project

console = Console()
errors = Console(stderr=True)

ProjectOption = Annotated[Path, typer.Option("--project", "-p", help="The project folder.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Write CSV to standard output instead of a table.")]


@contextmanager
def progress_bar():
    """A progress callback drawing one bar per stage (import, parse)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=False) as progress:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


INTERRUPTED_EXIT = 130  # the shell's code for a command stopped by SIGINT


class Commands(typer.core.TyperGroup):
    """The one place where errors become exit codes, for every command of every group: a ``QualcoderError`` becomes
    its message and exit 2; Ctrl+C or SIGTERM becomes ``[Q250]`` and exit 130 (every write is a transaction, so what
    was committed stays and the rest is undone); a full disk becomes ``[Q251]``."""

    def invoke(self, ctx: typer.Context):
        _terminate_as_interrupt()
        try:
            return super().invoke(ctx)
        except QualcoderError as error:
            _stop(error, 2)
        except KeyboardInterrupt:
            command = " ".join(a for a in sys.argv[1:3] if not a.startswith("-")) or "qualcoder"
            _stop(Interrupted("interrupted (Ctrl+C or SIGTERM)", place=command,
                              fix="What was saved before is kept and the project is consistent; run the command "
                                  "again to finish."), INTERRUPTED_EXIT)
        except Exception as exc:  # a full disk shows as OSError, SQLite's "database or disk is full" or PostgreSQL's
            full = as_disk_full(exc)
            if full is None:
                raise
            _stop(full, 2)


def _stop(error: QualcoderError, code: int) -> NoReturn:
    errors.print(f"[red]{error}[/red]", highlight=False, soft_wrap=True)
    raise typer.Exit(code=code) from None


def _raise_interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _not_an_interrupt(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], KeyboardInterrupt))


def _terminate_as_interrupt() -> None:
    """SIGTERM (``kill``, a closed terminal, a service manager) stops a command like Ctrl+C: cleanly.

    An interrupt that lands while SQLAlchemy rolls a connection back is logged by its pool with a traceback
    (seen in tests/test_safety_interrupt.py); the pool recovers by discarding the connection, and SQLite or
    PostgreSQL roll the transaction back, so that log record is dropped: the user sees the one [Q250] message.
    """
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_interrupt)
        import sqlalchemy.pool

        for pool in ("QueuePool", "NullPool", "SingletonThreadPool", "StaticPool"):  # filters do not propagate
            logging.getLogger(f"{sqlalchemy.pool.impl.__name__}.{pool}").addFilter(_not_an_interrupt)


def open_project(project: Path) -> Project:
    """Open the project; a shared one (team mode) logs in as QUALCODER_USER first, with QUALCODER_PASSWORD or a
    password typed at the prompt."""
    from qualcoder.project import Project  # here: `qualcoder --help` must not import the store
    from qualcoder.team import accounts

    opened = Project.open(project)
    name = os.environ.get("QUALCODER_USER")
    if opened.gate.team and (name or accounts.current_user() is None):
        if not name:
            opened.gate.user()  # raises: says how to log in
        password = os.environ.get("QUALCODER_PASSWORD") or typer.prompt(f"Password for {name}", hide_input=True)
        opened.login(name, password)
    return opened


def print_frame(frame: pd.DataFrame, as_csv: bool, title: str | None = None) -> None:
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
