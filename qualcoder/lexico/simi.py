"""Similarity analysis as IRaMuTeQ draws it: the co-occurrence graph of the most frequent active forms (in how
many segments two forms appear together), reduced to its maximum spanning tree (networkx), laid out with a seeded
Fruchterman-Reingold layout, with communities (greedy modularity) for colours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualcoder.lexico.errors import InvalidLexicoOption, TooFewSegments
from qualcoder.lexico.matrix import Forms

INDICES = ("cooccurrence", "jaccard")


def similarity(forms: Forms, rows: np.ndarray | None = None, top: int = 60, index: str = "cooccurrence",
               seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, edges) of the maximum spanning tree over the ``top`` most frequent active forms of ``rows``
    (segment positions; all when None). nodes: form, pos, segments, community, x, y; edges: source, target,
    cooccurrences, weight (the index).

    >>> # nodes, edges = similarity(run.forms, top=40)
    """
    import networkx as nx

    if index not in INDICES:
        raise InvalidLexicoOption(f"{index!r} is not a similarity index", place="--index",
                                  fix=f"Use one of: {', '.join(INDICES)}.")
    matrix = forms.active_matrix if rows is None else forms.active_matrix[rows]
    table = forms.table.iloc[forms.active_ids].reset_index(drop=True)
    frequency = np.asarray(matrix.sum(axis=0)).ravel()
    order = np.lexsort((table["form"].to_numpy(), -frequency))[:top]
    order = order[frequency[order] > 0]
    if len(order) < 3:
        raise TooFewSegments(f"{len(order)} active forms occur here", place="similarity",
                             fix="Choose a larger class or lower --top's forms' frequency threshold.")
    sub = matrix[:, order]
    together = (sub.T @ sub).toarray()
    counts = frequency[order]
    graph = nx.Graph()
    for i, column in enumerate(order):
        graph.add_node(i, form=table.at[column, "form"], pos=table.at[column, "pos"], segments=int(counts[i]))
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            if together[i, j] > 0:
                weight = together[i, j] if index == "cooccurrence" else together[i, j] / (
                    counts[i] + counts[j] - together[i, j])
                graph.add_edge(i, j, weight=float(weight), cooccurrences=int(together[i, j]))
    tree = nx.maximum_spanning_tree(graph, weight="weight", algorithm="kruskal")
    layout = nx.spring_layout(tree, seed=seed, weight="weight") if tree.number_of_edges() else {
        i: np.zeros(2) for i in tree.nodes}
    communities = nx.community.greedy_modularity_communities(tree, weight="weight") if tree.number_of_edges() else []
    community = {node: number for number, members in enumerate(communities, start=1) for node in members}
    nodes = pd.DataFrame([{"form": data["form"], "pos": data["pos"], "segments": data["segments"],
                           "community": community.get(node, 0), "x": float(layout[node][0]),
                           "y": float(layout[node][1])} for node, data in tree.nodes(data=True)])
    edges = pd.DataFrame([{"source": tree.nodes[a]["form"], "target": tree.nodes[b]["form"],
                           "cooccurrences": data["cooccurrences"], "weight": round(data["weight"], 4)}
                          for a, b, data in tree.edges(data=True)], columns=["source", "target", "cooccurrences",
                                                                                "weight"])
    return nodes, edges.sort_values("weight", ascending=False).reset_index(drop=True)
