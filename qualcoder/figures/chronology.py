"""Themes over a dated chronology: each code's share per period at the period's date, and the events (the
regulatory texts) as numbered dotted lines on the same time axis."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from qualcoder.figures.style import CodeStyle, base_layout, short

HEIGHT_PX = 560


def chronology_figure(themes: pd.DataFrame, events: pd.DataFrame, style: CodeStyle | None = None, *,
                      title: str | None = None) -> go.Figure:
    """``theme_chronology``'s two frames on one date axis: a line per code (its codebook colour and label), each
    event a dotted vertical line numbered in date order (its title in the hover).

    >>> # themes, events = analysis.theme_chronology(project, where={"network": [name]}, level=1)
    >>> # chronology_figure(themes, events, CodeStyle.of_project(project))
    """
    style = style or CodeStyle()
    figure = go.Figure()
    for code, rows in themes.groupby("code", sort=False):
        figure.add_trace(go.Scatter(
            x=rows["date"], y=rows["share"] * 100, mode="lines+markers", name=short(style.label(code)),
            line={"color": style.colour(code), "width": 2}, marker={"size": 6},
            hovertemplate=f"{style.label(code)}<br>%{{x|%Y-%m-%d}}: %{{y:.1f}} %<extra></extra>"))
    top = max(float(themes["share"].max()) * 100, 5.0) * 1.08
    for number, event in enumerate(events.itertuples(), start=1):
        figure.add_shape(type="line", x0=event.date, x1=event.date, y0=0, y1=top,
                         line={"dash": "dot", "color": "#777", "width": 1})
        figure.add_annotation(x=event.date, y=top, text=str(number), showarrow=False, yshift=9,
                              hovertext=short(str(event.title), 120), font={"size": 11})
    figure.update_xaxes(type="date")
    figure.update_yaxes(title="% of the period's segments", rangemode="tozero")
    legend_rows = -(-themes["code"].nunique() // 4)
    return base_layout(figure, title or "Themes over the chronology (events dotted, numbered in date order)",
                       HEIGHT_PX + 22 * legend_rows, legend_rows=legend_rows)
