"""``qualcoder report ...``: the analysis tables of ``qualcoder.analysis``, printed or written as CSV."""

from __future__ import annotations

import typer

report_app = typer.Typer(help="Analysis tables: frequencies, co-occurrence, crosstabs, timelines, KWIC, specificities.",
                         no_args_is_help=True)
