"""The report's two figures that ``qualcoder.figures`` has no builder for: the corpus's words per document type and
the agreement intervals (the code tables' figures come from ``qualcoder.figures``)."""

from __future__ import annotations

import pandas as pd

FONT = {"family": "Arial, Helvetica, sans-serif", "size": 12}


def _layout(figure, **options):
    figure.update_layout(template="plotly_white", font=FONT, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                         **options)
    return figure


def bars(frame: pd.DataFrame, x: str, y: str, colour: str | None = None, *, horizontal: bool = False):
    """Bars of ``y`` per ``x`` (or, ``horizontal``, of ``x`` along ``y``), coloured by ``colour``."""
    import plotly.express as px

    figure = px.bar(frame, x=x, y=y, color=colour, orientation="h" if horizontal else "v", barmode="group")
    if horizontal:
        figure.update_yaxes(autorange="reversed", title=None)
    return _layout(figure, legend={"orientation": "h", "y": -0.15})


def intervals(table: pd.DataFrame):
    """Alpha per code with its interval, the two thresholds dotted."""
    import plotly.graph_objects as go

    frame = table.dropna(subset=["alpha"])
    figure = go.Figure(go.Scatter(
        x=frame["alpha"], y=frame["code"].astype(str), mode="markers",
        error_x={"type": "data", "symmetric": False, "array": frame["alpha_high"] - frame["alpha"],
                 "arrayminus": frame["alpha"] - frame["alpha_low"]}))
    for threshold in (0.667, 0.8):
        figure.add_vline(x=threshold, line_dash="dot", line_color="grey")
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, xaxis_title="Krippendorff's alpha (95 % interval)")
