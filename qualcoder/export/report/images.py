"""The report's figures as PNG (for Word) or SVG (inline in the HTML), rendered locally by Plotly's static export
with the system Chromium: one browser for all the figures of a report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualcoder.export.errors import ExportError
from qualcoder.export.report.model import Figure


class FiguresNotRendered(ExportError):
    """Plotly's static export (kaleido, driving the system Chromium) failed."""

    code = "Q982"


def render_images(figures: Sequence[Figure], formats: Sequence[str],
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, dict[str, bytes]]:
    """``{fmt: {figure.name: bytes}}`` for each of ``formats`` (png, svg)."""
    if not figures:
        return {}
    import kaleido

    try:
        kaleido.start_sync_server(silence_warnings=True)
    except Exception as error:  # kaleido raises its own classes (no browser found, browser crashed)
        raise FiguresNotRendered(f"the figures could not be drawn ({type(error).__name__}: {error})",
                                 place="kaleido", fix="Install Chromium (apt-get install chromium), or write the "
                                                      "report without figures (--no-figures).") from error
    try:
        found: dict[str, dict[str, bytes]] = {fmt: {} for fmt in formats}
        jobs = [(fmt, figure) for fmt in formats for figure in figures]
        for done, (fmt, figure) in enumerate(jobs):
            if progress:
                progress("report figures", done, len(jobs))
            found[fmt][figure.name] = figure.figure.to_image(format=fmt, width=figure.width, height=figure.height,
                                                             scale=2 if fmt == "png" else 1)
        if progress:
            progress("report figures", len(jobs), len(jobs))
        return found
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
