"""The theme timeline: one panel per document set (network, type, language...), each on its own time axis."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from qualcoder.figures.style import CodeStyle, base_layout, short

PANEL_PX = 340  # each panel keeps a plot area of at least ~240 px once its angled date labels and the legend are drawn


def timeline_figure(frames: pd.DataFrame | Mapping[str, pd.DataFrame], style: CodeStyle | None = None, *,
                    value: str = "share", title: str | None = None) -> go.Figure:
    """``analysis.timeline`` frames as lines, one colour per code (its codebook colour) and one panel per entry of
    ``frames`` (e.g. ``{"Réseau A": ..., "Northfield": ...}``): document sets years apart are never drawn as one
    series. A single frame gives one panel.

    >>> # timeline_figure({n: analysis.timeline(project, where={"network": [n]}, level=1) for n in networks}, style)
    """
    style = style or CodeStyle()
    panels = {"": frames} if isinstance(frames, pd.DataFrame) else dict(frames)
    panels = {name: frame for name, frame in panels.items() if not frame.empty}
    count = max(len(panels), 1)
    figure = make_subplots(rows=count, cols=1, subplot_titles=[short(str(n), 80) for n in panels] or None,
                           vertical_spacing=min(0.6 / count, 0.2) if count > 1 else 0.1)
    shown: set[str] = set()
    for row, frame in enumerate(panels.values(), start=1):
        periods = _period_labels(frame)
        for code, rows in frame.groupby("code", sort=False):
            figure.add_trace(go.Scatter(
                x=rows["period"].map(periods), y=rows[value] * (100 if value.endswith("share") else 1),
                mode="lines+markers", name=short(style.label(code)), legendgroup=code, showlegend=code not in shown,
                line={"color": style.colour(code), "width": 2}, marker={"size": 7},
                customdata=rows[["segments", "period_segments"]].to_numpy(),
                hovertemplate=f"{short(style.label(code), 200)}<br>%{{x}}: %{{y:.1f}}"
                              + (" %" if value.endswith("share") else "")
                              + " (%{customdata[0]} of %{customdata[1]} segments)<extra></extra>"), row=row, col=1)
            shown.add(code)
        figure.update_xaxes(type="category", tickangle=-30, row=row, col=1)
        figure.update_yaxes(title="% of segments" if value.endswith("share") else value, rangemode="tozero",
                            row=row, col=1)
    legend_rows = -(-len(shown) // 4)
    height = PANEL_PX * count + 120 + 22 * legend_rows
    figure = base_layout(figure, title or "Themes over time (share of each period's segments carrying the code)",
                         height, legend_rows=legend_rows)
    figure.update_layout(legend={"y": -0.35 / count - 0.05})
    return figure


def _period_labels(frame: pd.DataFrame) -> dict[str, str]:
    """Each period's label on the axis: a meeting (a document name) reads as its date (``2004-03-11``, with the
    file's name when two meetings share a date), so the axis is in date order and readable; month, quarter and
    year periods keep their name."""
    firsts = frame.drop_duplicates("period")
    dates = firsts["date"].map(lambda d: str(d)[:10] if pd.notna(d) else None)
    shared = dates.duplicated(keep=False)
    labels = {}
    for period, date, twice in zip(firsts["period"], dates, shared):
        name = str(period)
        if date and not name.startswith(date[:4]):
            name = f"{date} · {short(name.rsplit('/', 1)[-1], 20)}" if twice else date
        else:
            name = short(name, 40)
        labels[period] = name
    return labels
