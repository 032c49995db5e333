"""A chart on a page: drawn at the page's width with the height its builder gave, and downloadable as PNG, SVG
and HTML (rendered when the button is pressed, by the same ``save_figure`` rules as ``qualcoder report --plot``)."""

from __future__ import annotations

from functools import partial

import streamlit as st

FORMATS = {"png": ("PNG", "image/png"), "svg": ("SVG", "image/svg+xml"), "html": ("HTML", "text/html")}
EXPORT_WIDTH = 1400  # a paper figure: wider than most screens' plot area, so long labels keep room


def _bytes(figure, format: str) -> bytes:
    from qualcoder.figures import figure_bytes

    return figure_bytes(figure, format, width=EXPORT_WIDTH if format != "html" else None)


def show(figure, name: str, *, key: str) -> None:
    """Draw ``figure`` and three download buttons; ``name`` is the file name without suffix."""
    st.plotly_chart(figure, width="stretch", key=f"{key}_chart",
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "svg", "filename": name}})
    with st.container(horizontal=True, key=f"{key}_downloads"):
        for format, (label, mime) in FORMATS.items():
            st.download_button(f"⤓ {label}", partial(_bytes, figure, format), f"{name}.{format}", mime,
                               on_click="ignore", key=f"{key}_{format}", width="content")
