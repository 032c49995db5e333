"""``qualcoder export ...``: coded segments as CSV, XLSX or Parquet, the codebook as a document, IRaMuTeQ."""

from __future__ import annotations

import typer

export_app = typer.Typer(help="Export coded segments, the codebook and the project to other tools.",
                         no_args_is_help=True)
