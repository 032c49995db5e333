"""Plotly figures of a stored classification: the dendrogram with each class's size and top forms, the factor
map of the correspondence analysis, the similarity tree, the classes over time, class x code and x topic."""

from __future__ import annotations

import pandas as pd

MAX_LABEL = 60


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def classification(run):
    """The dendrogram of a simple classification; the sizes of the crossed classes of a double one (whose classes
    are not the leaves of either dendrogram)."""
    return dendrogram(run) if run.kind == "simple" else class_sizes(run)


def class_sizes(run):
    """Segments per class, the unclassified ones included (as rainette2_explor shows them)."""
    import plotly.express as px

    counts = run.stored["cls"].value_counts().sort_index()
    frame = pd.DataFrame({"class": ["unclassified" if c == 0 else f"class {c}" for c in counts.index],
                          "segments": counts.to_numpy()})
    return px.bar(frame, x="class", y="segments", title=f"Classes of {run.name} ({run.kind})")


def dendrogram(run):
    """The descending classification as IRaMuTeQ draws it: splits from the top (in their order), leaves at the
    bottom labelled with the class, its share of segments and its first forms."""
    import plotly.graph_objects as go

    nodes = {}
    for row in run.dendrogram().to_dict("records"):
        row["class"] = None if pd.isna(row["class"]) else int(row["class"])
        row["split_order"] = None if pd.isna(row["split_order"]) else int(row["split_order"])
        nodes[row["id"]] = row
    classes = run.classes(words=5).set_index("class")
    leaves = [n for n in nodes.values() if n["children"] is None]
    leaves.sort(key=lambda n: n["class"])
    x = {n["id"]: float(i) for i, n in enumerate(leaves)}
    depth = max((n["split_order"] or 0) for n in nodes.values()) + 1
    level = {n["id"]: 0.0 for n in leaves}

    def place(node_id: int) -> None:
        node = nodes[node_id]
        if node["children"] is None:
            return
        for child in node["children"]:
            place(child)
        x[node_id] = sum(x[c] for c in node["children"]) / 2
        level[node_id] = float(depth - node["split_order"] + 1)

    place(0)
    figure = go.Figure()
    for node in nodes.values():
        if node["children"] is None:
            continue
        for child in node["children"]:
            figure.add_trace(go.Scatter(x=[x[node["id"]], x[child], x[child]],
                                        y=[level[node["id"]], level[node["id"]], level[child]], mode="lines",
                                        line={"color": "#555"}, hoverinfo="text", showlegend=False,
                                        text=f"split {node['split_order']}: chi2 = {node['chi2']:.1f}"))
    labels = []
    for leaf in leaves:
        cls = leaf["class"]
        info = classes.loc[cls] if cls in classes.index else None
        labels.append(f"class {cls}<br>{info['share']:.1%}" if info is not None else f"class {cls}")
    figure.add_trace(go.Scatter(x=[x[n["id"]] for n in leaves], y=[0] * len(leaves), mode="markers+text",
                                text=labels, textposition="bottom center", marker={"size": 12},
                                hovertext=[_short(classes.loc[n["class"], "top_forms"]) if n["class"] in classes.index
                                           else "" for n in leaves], hoverinfo="text", showlegend=False))
    figure.update_layout(title=f"Classification {run.name}", xaxis={"visible": False},
                         yaxis={"visible": False, "range": [-1.2, depth + 1.5]}, height=420)
    return figure


def factor_map(run, what: str = "forms", top: int = 30):
    """Classes and the forms (or star modalities) on the first factorial plane, coloured by class."""
    import plotly.express as px

    rows, columns, inertia = run.afc(what, top)
    label = columns.columns[0]
    shares = inertia["share"].tolist() + [0.0, 0.0]
    figure = px.scatter(columns.assign(cls=columns["class"].astype(str)), x="F1", y="F2", text=label, color="cls",
                        title=f"Correspondence analysis: classes x {what}",
                        labels={"F1": f"F1 ({shares[0]:.1%})", "F2": f"F2 ({shares[1]:.1%})", "cls": "class"})
    figure.update_traces(textposition="top center", marker={"size": 5})
    figure.add_scatter(x=rows["F1"], y=rows["F2"], mode="markers+text", text=[f"class {c}" for c in rows["class"]],
                       marker={"size": 14, "symbol": "diamond", "color": "black"}, name="classes")
    return figure


def similarity_graph(nodes: pd.DataFrame, edges: pd.DataFrame, title: str = "Similarity analysis"):
    """The maximum spanning tree: edges as lines (width by weight), forms sized by frequency and coloured by
    community."""
    import plotly.graph_objects as go

    where = nodes.set_index("form")[["x", "y"]]
    figure = go.Figure()
    top = edges["weight"].max() if len(edges) else 1
    for edge in edges.itertuples():
        a, b = where.loc[edge.source], where.loc[edge.target]
        figure.add_trace(go.Scatter(x=[a["x"], b["x"]], y=[a["y"], b["y"]], mode="lines", hoverinfo="text",
                                    text=f"{edge.source} — {edge.target}: {edge.cooccurrences}",
                                    line={"width": 1 + 5 * edge.weight / top, "color": "#999"}, showlegend=False))
    sizes = nodes["segments"]
    figure.add_trace(go.Scatter(x=nodes["x"], y=nodes["y"], mode="markers+text", text=nodes["form"],
                                textposition="top center", showlegend=False,
                                marker={"size": 8 + 20 * sizes / sizes.max(), "color": nodes["community"],
                                        "colorscale": "Turbo"},
                                hovertext=[f"{f}: {s} segments" for f, s in zip(nodes["form"], sizes)],
                                hoverinfo="text"))
    figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False}, height=600)
    return figure


def over_time(run, period: str = "quarter"):
    import plotly.express as px

    frame = run.over_time(period)
    return px.bar(frame.assign(cls=frame["class"].astype(str)), x="period", y="share", color="cls",
                  title=f"Classes per {period}", labels={"cls": "class"})


def heatmap(frame: pd.DataFrame, column: str, title: str):
    """class x ``column`` signed chi2 (red: over-represented)."""
    import plotly.express as px

    pivot = frame.pivot_table(index="class", columns=column, values="chi2", aggfunc="sum", fill_value=0)
    limit = max(float(pivot.abs().to_numpy().max()), 1.0) if pivot.size else 1.0
    return px.imshow(pivot, aspect="auto", color_continuous_scale="RdBu_r", zmin=-limit, zmax=limit, title=title,
                     labels={"color": "signed chi2"})
