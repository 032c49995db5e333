"""``save_figure``: a figure to .png, .svg or .html, rendered on this machine (nothing fetched).

PNG and SVG go through Plotly's static export (kaleido) driving the system Chromium with the plotly.js bundled in
the plotly package and MathJax off, so no script is loaded from a CDN; HTML embeds plotly.js in the file.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

from qualcoder.errors import QualcoderError

FORMATS = ("png", "svg", "html")
CHROMIUM = "/usr/bin/chromium"
DEFAULT_WIDTH = 1200
DEFAULT_HEIGHT = 600
PNG_SCALE = 2  # print resolution: a 1200 px wide figure is a 2400 px PNG


class FigureError(QualcoderError):
    """A figure cannot be written as asked."""

    code = "Q411"


class UnsupportedFigureFormat(FigureError):
    code = "Q412"


class RendererMissing(FigureError):
    """No Chromium for the static export (PNG/SVG)."""

    code = "Q413"


def figure_format(path: str | Path) -> str:
    """The format a path's suffix asks for, or an error naming the suffixes that work.

    >>> figure_format("out/frequencies.SVG")
    'svg'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnsupportedFigureFormat(f"figures are written as .png, .svg or .html, not {suffix or 'no suffix'!r}",
                                      place=path, fix="End the file name with .png, .svg or .html.")
    return suffix


def figure_bytes(figure, format: str, *, width: int | None = None, height: int | None = None) -> bytes:
    """The figure as PNG, SVG or self-contained HTML bytes; the size is the figure's own (else 1200 × 600 px).

    >>> import plotly.graph_objects as go
    >>> figure_bytes(go.Figure(), "html")[:15]
    b'<!doctype html>'
    """
    if format not in FORMATS:
        raise UnsupportedFigureFormat(f"unknown figure format {format!r}", place="format",
                                      fix="Use png, svg or html.")
    if format == "html":
        return figure.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False}).encode("utf-8")
    width = int(width or figure.layout.width or DEFAULT_WIDTH)
    height = int(height or figure.layout.height or DEFAULT_HEIGHT)
    return _render(figure, format, width, height)


def save_figure(figure, path: str | Path, *, width: int | None = None, height: int | None = None,
                force: bool = True) -> Path:
    """Write ``figure`` to ``path`` as its suffix says (.png, .svg, .html), atomically; returns the path.

    >>> # save_figure(frequencies_figure(table, style), "figures/frequencies.svg")
    """
    from qualcoder.export.errors import write_bytes

    data = figure_bytes(figure, figure_format(path), width=width, height=height)
    return write_bytes(path, data, force=force)


def _render(figure, format: str, width: int, height: int) -> bytes:
    import kaleido

    browser = os.environ.get("BROWSER_PATH") or CHROMIUM
    if not Path(browser).is_file():
        raise RendererMissing("PNG and SVG figures need Chromium, which is not installed", place=browser,
                              fix="Install it (`apt-get install -y chromium`, or `make test`), point BROWSER_PATH "
                                  "at a Chrome/Chromium, or write the figure as .html.")
    os.environ["BROWSER_PATH"] = browser  # kaleido's browser lookup reads it
    options = {"format": format, "width": width, "height": height, "scale": PNG_SCALE if format == "png" else 1}
    try:
        _start(kaleido)
        return kaleido.calc_fig_sync(figure, opts=options)
    except Exception as error:  # kaleido raises its own and choreographer's errors: one message for the user
        kaleido.stop_sync_server(silence_warnings=True)
        raise FigureError(f"the static export failed ({type(error).__name__}: {str(error)[:200]})", place=browser,
                          fix="Check that Chromium starts (`chromium --headless --version`), or write .html.") from error


def _start(kaleido) -> None:
    """One Chromium for the process's figures (starting one takes seconds), closed when the process exits."""
    if not kaleido._global_server.is_running():  # kaleido has no public "is it running"
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
