"""The report's figures as PNG (for Word) or SVG (inline in the HTML), through ``qualcoder.figures.figure_bytes``
(Plotly's static export with the system Chromium, one browser for the process)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualcoder.export.report.model import Figure


def render_images(figures: Sequence[Figure], formats: Sequence[str],
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, dict[str, bytes]]:
    """``{fmt: {figure.name: bytes}}`` for each of ``formats`` (png, svg)."""
    from qualcoder.figures import figure_bytes

    found: dict[str, dict[str, bytes]] = {fmt: {} for fmt in formats}
    jobs = [(fmt, figure) for fmt in formats for figure in figures]
    for done, (fmt, figure) in enumerate(jobs):
        if progress:
            progress("report figures", done, len(jobs))
        found[fmt][figure.name] = figure_bytes(figure.figure, fmt, width=figure.width,
                                               height=figure.figure.layout.height or figure.height)
    if progress:
        progress("report figures", len(jobs), len(jobs))
    return found
