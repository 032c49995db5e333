"""The report's figures as PNG (for Word) or SVG (inline in the HTML), rendered locally by Plotly's static export
with the system Chromium: one browser for all the figures of a report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qualcoder.export.report.model import Figure


def render_images(figures: Sequence[Figure], fmt: str, progress: Callable[[str], None] | None = None
                  ) -> dict[str, bytes]:
    """``{figure.name: bytes}`` in ``fmt`` (png or svg)."""
    if not figures:
        return {}
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        found = {}
        for figure in figures:
            if progress:
                progress(figure.name)
            found[figure.name] = figure.figure.to_image(format=fmt, width=figure.width, height=figure.height,
                                                        scale=2 if fmt == "png" else 1)
        return found
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
