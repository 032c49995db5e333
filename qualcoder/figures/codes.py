"""Code figures: frequencies (overall or by group), the crosstab's residuals, co-occurrence without the diagonal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qualcoder.figures.style import CodeStyle, base_layout, rows_height, short, top_labels_margin


def coloured_label(code: str, style: CodeStyle) -> str:
    """The code's label led by a square in its codebook colour (Plotly tick labels accept this markup)."""
    return f'<span style="color:{style.colour(code)}">■</span> {short(style.label(code))}'


def frequencies_figure(frame: pd.DataFrame, style: CodeStyle | None = None, *, by: str | None = None,
                       value: str = "segments", title: str | None = None) -> go.Figure:
    """``code_frequencies`` as bars (one per code, in its colour, its count on the bar), or with ``by`` a heatmap
    of each group's share of segments (rows codes, columns groups, the count in each cell).

    >>> # frequencies_figure(analysis.code_frequencies(project, "profession", level=1), style, by="profession")
    """
    style = style or CodeStyle()
    codes = list(dict.fromkeys(frame["code"]))
    if by is None:
        counts = frame.groupby("code", sort=False)[value].sum().reindex(codes)
        figure = go.Figure(go.Bar(
            x=counts.to_numpy(), y=[short(style.label(c)) for c in codes], orientation="h",
            marker_color=[style.colour(c) for c in codes], text=counts.to_numpy(), textposition="outside",
            cliponaxis=False, customdata=[short(style.label(c), 200) for c in codes],
            hovertemplate="%{customdata}: %{x} " + value + "<extra></extra>"))
        figure.update_yaxes(autorange="reversed", type="category")
        figure.update_xaxes(title=value)
        return base_layout(figure, title or f"Code frequencies ({value})", rows_height(len(codes)))
    share = frame.pivot_table(index="code", columns=by, values="share", fill_value=0, sort=False).reindex(codes)
    counts = frame.pivot_table(index="code", columns=by, values="segments", fill_value=0, sort=False).reindex(codes)
    return _heatmap(share * 100, counts.astype(int).astype(str), style, title=title or f"Share of each {by}'s "
                    "segments carrying the code (%; the number of segments in each cell)",
                    colour_title="% of segments", scale="Blues", hover="%{y} × %{x}: %{z:.1f}% (%{text} segments)")


def crosstab_figure(table, style: CodeStyle | None = None, *, title: str | None = None) -> go.Figure:
    """A ``Crosstab``'s adjusted standardised residuals (red: more than independence predicts, blue: less), each
    cell showing its observed count; the colour scale is symmetric around 0.

    >>> # crosstab_figure(analysis.crosstab(project, "profession", level=1), style)
    """
    style = style or CodeStyle()
    residuals = table.residuals
    limit = float(max(np.nanmax(np.abs(residuals.to_numpy())), 1.96))
    text = table.observed.astype(int).astype(str)
    figure = _heatmap(residuals, text, style, colour_title="residual", scale="RdBu_r", zmid=0, zmin=-limit,
                      zmax=limit, hover="%{y} × %{x}: %{text} segments, residual %{z:.2f}",
                      title=title or f"Codes × {table.by}: adjusted residuals (beyond ±1.96: more or less than "
                                     "independence predicts); the observed count in each cell")
    return figure


def cooccurrence_figure(matrix: pd.DataFrame, style: CodeStyle | None = None, *, measure: str = "count",
                        title: str | None = None) -> go.Figure:
    """``cooccurrence_matrix`` as a heatmap whose colour scale spans the pairs only: the diagonal (each code with
    itself) is left blank and shown in the hover, so it cannot flatten the scale.

    >>> # cooccurrence_figure(analysis.cooccurrence_matrix(project, level=1), style)
    """
    style = style or CodeStyle()
    values = matrix.to_numpy(dtype=float).copy()
    own = np.diag(values).copy()
    np.fill_diagonal(values, np.nan)
    pairs = pd.DataFrame(values, index=matrix.index, columns=matrix.columns)
    number = "{:.0f}" if measure == "count" else "{:.2f}"
    text = pairs.map(lambda v: "" if np.isnan(v) or v == 0 else number.format(v))
    figure = _heatmap(pairs, text, style, colour_title=measure, scale="Viridis", zmin=0,
                      hover="%{y} with %{x}: %{z}<extra></extra>", square=True,
                      title=title or f"Co-occurrence ({measure}); the diagonal (a code with itself) is left out "
                                     "of the colour scale")
    figure.data[0].customdata = np.broadcast_to(own[:, None], values.shape)
    return figure


def _heatmap(values: pd.DataFrame, text: pd.DataFrame, style: CodeStyle, *, title: str, colour_title: str,
             scale: str, hover: str, zmid: float | None = None, zmin: float | None = None,
             zmax: float | None = None, square: bool = False) -> go.Figure:
    """Rows are codes (coloured labels, codebook order top down); columns are groups, or codes when ``square``."""
    rows = [coloured_label(c, style) for c in values.index]
    columns = [coloured_label(c, style) if square else short(str(c), 30) for c in values.columns]
    figure = go.Figure(go.Heatmap(
        z=values.to_numpy(dtype=float), x=columns, y=rows, text=text.to_numpy(), texttemplate="%{text}",
        textfont={"size": 11}, colorscale=scale, zmid=zmid, zmin=zmin, zmax=zmax, xgap=1, ygap=1,
        hovertemplate=hover if "<extra>" in hover else hover + "<extra></extra>",
        colorbar={"title": {"text": colour_title}, "thickness": 14}))
    # every label drawn (Plotly skips some of a crowded category axis): the height gives each row its line
    figure.update_yaxes(autorange="reversed", type="category", tickmode="array", tickvals=rows)
    angle = 40 if square or len(columns) > 6 else 0
    figure.update_xaxes(type="category", side="top", tickangle=-angle, tickmode="array", tickvals=columns)
    top = top_labels_margin([short(style.label(c)) + "xx" if square else c for c in values.columns], angle)
    figure = base_layout(figure, title, rows_height(len(rows), top + 60))
    figure.update_layout(margin={"t": top})
    return figure
