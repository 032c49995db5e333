"""Topic figures from a ``TopicRun``: sizes, topics per group, topics over time, topic × code; one row per topic."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from qualcoder.figures.codes import coloured_label
from qualcoder.figures.style import CodeStyle, base_layout, palette, rows_height, short, top_labels_margin


def topic_name(key: str, label: str | None) -> str:
    """``fr:3 soins, patient, médecin`` (shortened): the key keeps two languages' topic 3 apart."""
    return short(f"{key} {label or ''}".strip(), 48)


def topic_sizes_figure(topics: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Segments per topic (``run.topics``), one bar per topic coloured by language, outliers left out."""
    frame = topics[topics["topic"] != -1]
    colours = palette(frame["language"])
    names = [topic_name(k, lab) for k, lab in zip(frame["key"], frame["label"])]
    figure = go.Figure(go.Bar(x=frame["size"], y=names, orientation="h", text=frame["size"], textposition="outside",
                              cliponaxis=False, marker_color=frame["language"].map(colours),
                              hovertemplate="%{y}: %{x} segments<extra></extra>"))
    figure.update_yaxes(autorange="reversed", type="category")
    return base_layout(figure, title or "Segments per topic (colour: language)", rows_height(len(frame)))


def topics_by_group_figure(table: pd.DataFrame, by: str, *, title: str | None = None) -> go.Figure:
    """``run.per_class(by)`` as a heatmap: one row per topic, one column per group, the group's share of its
    segments in each topic (the count written in the cell); a legend of 23 topics cannot be read, rows can.

    >>> # topics_by_group_figure(run.per_class("profession"), "profession")
    """
    return _topic_heatmap(table, by, "share_of_class", title or f"Topics per {by}: share of each {by}'s segments "
                          "(%; the number of segments in each cell)")


def topics_over_time_figure(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """``run.over_time(freq)`` as a heatmap: one row per topic, periods in order left to right."""
    return _topic_heatmap(table, "period", "share", title or "Topics over time: share of each period's segments "
                          "(%; the number of segments in each cell)")


def topic_code_figure(table: pd.DataFrame, style: CodeStyle | None = None, *, title: str | None = None) -> go.Figure:
    """``run.code_table()`` as a heatmap of the share of each topic's segments carrying each code: one row per
    topic and a column per code (its colour and label), or, when there are more codes than topics, one row per code
    and a column per topic, so that every label has its own line.

    >>> # topic_code_figure(run.code_table(), CodeStyle.of_project(project, "en"))
    """
    style = style or CodeStyle()
    names = {k: topic_name(k, lab) for k, lab in zip(table["key"], table["label"])}
    share = table.pivot_table(index="key", columns="code", values="share_of_topic", fill_value=0)
    counts = table.pivot_table(index="key", columns="code", values="segments", fill_value=0)
    order = [c for c in style.labels if c in share.columns] + [c for c in share.columns if c not in style.labels]
    keys = sorted(share.index, key=_topic_rank)
    share, counts = share.loc[keys, order] * 100, counts.loc[keys, order].astype(int)
    topics, codes = [names[k] for k in keys], [coloured_label(c, style) for c in order]
    codes_as_rows = len(order) > len(keys)
    if codes_as_rows:
        share, counts, rows, columns = share.T, counts.T, codes, topics
    else:
        rows, columns = topics, codes
    figure = go.Figure(go.Heatmap(
        z=share.to_numpy(), x=columns, y=rows, text=counts.astype(str).replace("0", "").to_numpy(),
        texttemplate="%{text}", textfont={"size": 10}, colorscale="Blues", zmin=0, xgap=1, ygap=1,
        colorbar={"title": {"text": "% of topic"}, "thickness": 14},
        hovertemplate=("%{x} × %{y}" if codes_as_rows else "%{y} × %{x}")
        + ": %{z:.0f}% of the topic's segments<extra></extra>"))
    figure.update_yaxes(autorange="reversed", type="category", tickmode="array", tickvals=rows)
    figure.update_xaxes(type="category", side="top", tickangle=-45, tickmode="array", tickvals=columns)
    long_labels = list(names.values()) if codes_as_rows else [short(style.label(c)) + "xx" for c in order]
    top = top_labels_margin(long_labels, 45)
    figure = base_layout(figure, title or "Topic × code: share of each topic's segments carrying the code (%; the "
                         "count in each cell)", rows_height(len(rows), top + 60))
    figure.update_layout(margin={"t": top})
    return figure


def _topic_heatmap(table: pd.DataFrame, column: str, value: str, title: str) -> go.Figure:
    names = {k: topic_name(k, lab) for k, lab in zip(table["key"], table["label"])}
    keys = sorted(names, key=_topic_rank)
    share = table.pivot_table(index="key", columns=column, values=value, fill_value=0).reindex(keys, fill_value=0)
    counts = table.pivot_table(index="key", columns=column, values="segments", fill_value=0).reindex(
        keys, fill_value=0).astype(int)
    columns = [short(str(c), 30) for c in share.columns]
    figure = go.Figure(go.Heatmap(
        z=share.to_numpy() * 100, x=columns, y=[names[k] for k in keys],
        text=counts.astype(str).replace("0", "").to_numpy(), texttemplate="%{text}", textfont={"size": 11},
        colorscale="Blues", zmin=0, xgap=1, ygap=1, colorbar={"title": {"text": "%"}, "thickness": 14},
        hovertemplate="%{y} × %{x}: %{z:.1f}%<extra></extra>"))
    figure.update_yaxes(autorange="reversed", type="category", tickmode="array", tickvals=[names[k] for k in keys])
    angle = 40 if len(columns) > 6 else 0
    figure.update_xaxes(type="category", side="top", tickangle=-angle, tickmode="array", tickvals=columns)
    top = top_labels_margin(columns, angle)
    figure = base_layout(figure, title, rows_height(len(keys), top + 60))
    figure.update_layout(margin={"t": top})
    return figure


def _topic_rank(key: str) -> tuple[str, int]:
    language, _, number = key.partition(":")
    rank = int(number) if number.lstrip("-").isdigit() else 0
    return language, rank if rank >= 0 else 10**6  # the outliers (-1) last
