"""The ``qualcoder`` command: ``main.py`` holds the entry point and the core commands, one module per command group
beside it (codebook, report, export, refi, study, team, backup, lexico, privacy), ``support.py`` what they share
(the console, the project option, progress bars, and the one place errors become exit codes)."""

from qualcoder.cli.main import app

__all__ = ["app"]
