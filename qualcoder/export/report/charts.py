"""The report's Plotly figures, sized from their data (one row per code or topic) and drawn white for paper."""

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


def heatmap(pivot: pd.DataFrame, value: str, scale: str, *, midpoint: float | None = None):
    """A rows × columns heatmap with the values written on the cells."""
    import plotly.express as px

    figure = px.imshow(pivot, aspect="auto", color_continuous_scale=scale, color_continuous_midpoint=midpoint,
                       text_auto=".2f", labels={"color": value})
    figure.update_xaxes(side="top", tickangle=-30)
    return _layout(figure)


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


def timeline(themes: pd.DataFrame, events: pd.DataFrame, colours: dict[str, str] | None = None,
             labels: dict[str, str] | None = None):
    """Lines of each code's share per period at the period's date (in the codebook's colour, named by its label);
    each event a dotted vertical line, numbered."""
    import plotly.graph_objects as go

    colours, labels = colours or {}, labels or {}
    figure = go.Figure()
    for code, rows in themes.groupby("code", sort=False):
        figure.add_trace(go.Scatter(x=rows["date"], y=rows["share"], mode="lines+markers",
                                    name=labels.get(code, str(code)), line={"color": colours.get(code)}))
    top = max(float(themes["share"].max()), 0.05) * 1.05
    for number, event in enumerate(events.itertuples(), start=1):
        figure.add_shape(type="line", x0=event.date, x1=event.date, y0=0, y1=top, line={"dash": "dot",
                                                                                          "color": "#888"})
        figure.add_annotation(x=event.date, y=top, text=str(number), showarrow=False, yshift=8,
                              hovertext=str(event.title))
    return _layout(figure, yaxis_title="share of the period's segments", legend={"orientation": "h", "y": -0.15},
                   xaxis={"type": "date"})
