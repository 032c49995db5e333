"""REFI-QDA commands: ``export qdpx|qdc`` and ``import-qdpx`` / ``import-qdc``."""

from __future__ import annotations

import typer


def register_refi(app: typer.Typer, export_app: typer.Typer) -> None:
    """Attach the REFI-QDA commands to the main app and to the ``export`` group."""
