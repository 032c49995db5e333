"""Reinert's descending hierarchical classification (Reinert 1983, 1990), as rainette describes each step.

On a units x active forms presence/absence matrix:

1. *Bipartition.* The rows are ordered on the first factor of the correspondence analysis of the cluster's matrix
   and cut where the chi-square of the 2 x forms table (the column sums of each side) is largest; then each row in
   turn moves to the other side when that raises the chi-square, in passes until no move does. Both sides keep at
   least ``min_class_size`` rows.
2. *Form selection.* Each side keeps the forms present in at least ``min_freq`` of its rows; a form whose
   contingency coefficient C = sqrt(chi2 / (chi2 + n)) between side and presence (2 x 2 table, rows) exceeds
   ``cc_test`` is kept only on the side where it is over-represented.
3. *Descent.* The largest cluster that can still be split is split next, until ``classes`` terminal classes.

A cluster cannot be split when it has fewer than 2 x ``min_class_size`` non-empty rows or fewer than two forms, or
when no cut leaves both sides large enough. Rows that lost all their forms in a cluster (form selection) join
the larger side. Nothing is random except ARPACK's start vector, which is seeded: a seed gives one result.

The chi-square of a cut is computed without forming the table: with A_j the rows of side A holding form j, c_j
the column totals, n_A the side's total and N the matrix's, chi2 = N (Q / n_A + (N - 2 n_A + Q) / (N - n_A) - 1)
where Q = sum_j A_j^2 / c_j, so every cut of the ordered rows is scored in one pass over the non-zero cells and a
row's move in time proportional to its forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from qualcoder.lexico.ca import first_factor

MAX_PASSES = 50


@dataclass
class Node:
    """A cluster: its rows (into the classified matrix), the forms it keeps, and its split when it was split."""

    id: int
    rows: np.ndarray
    columns: np.ndarray
    parent: int | None = None
    children: tuple[int, int] | None = None
    chi2: float | None = None
    split_order: int | None = None


@dataclass
class Hierarchy:
    """The result: every node, the terminal classes (1..k, dendrogram order) of each row, and notes."""

    nodes: list[Node]
    labels: np.ndarray
    leaves: list[int]
    notes: list[str] = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        return len(self.leaves)

    def class_of_node(self) -> dict[int, int]:
        return {node: index + 1 for index, node in enumerate(self.leaves)}

    def members(self, node_id: int) -> set[int]:
        """The terminal classes below a node."""
        node = self.nodes[node_id]
        if node.children is None:
            return {self.class_of_node()[node_id]}
        return self.members(node.children[0]) | self.members(node.children[1])

    def partition(self, k: int) -> np.ndarray:
        """The rows' clusters after the first k - 1 splits, numbered in dendrogram order (1..k)."""
        splits = sorted((n for n in self.nodes if n.split_order is not None), key=lambda n: n.split_order)
        open_nodes = {0}
        for node in splits[: max(k - 1, 0)]:
            open_nodes.discard(node.id)
            open_nodes.update(node.children)
        ordered = [n for n in self._dfs() if n in open_nodes]
        labels = np.zeros(len(self.labels), dtype=np.int64)
        for number, node in enumerate(ordered, start=1):
            labels[self.nodes[node].rows] = number
        return labels

    def _dfs(self) -> list[int]:
        order, stack = [], [0]
        while stack:
            node = self.nodes[stack.pop()]
            order.append(node.id)
            if node.children:
                stack.extend(reversed(node.children))
        return order

    def to_report(self) -> list[dict]:
        """The dendrogram as JSON-ready rows: id, parent, children, size, chi2, split order, class."""
        classes = self.class_of_node()
        return [{"id": n.id, "parent": n.parent, "children": list(n.children) if n.children else None,
                 "size": len(n.rows), "chi2": None if n.chi2 is None else round(n.chi2, 4),
                 "split_order": n.split_order, "class": classes.get(n.id)} for n in self.nodes]


def chd(matrix: sparse.csr_matrix, classes: int = 10, min_class_size: int = 10, min_freq: int = 3,
        cc_test: float = 0.3, seed: int = 0, progress: Callable[[str, int, int], None] | None = None) -> Hierarchy:
    """Classify the rows of a 0/1 matrix into at most ``classes`` terminal classes.

    >>> m = sparse.csr_matrix(np.array([[1, 1, 0, 0]] * 4 + [[0, 0, 1, 1]] * 4, dtype=float))
    >>> chd(m, classes=2, min_class_size=2, min_freq=1).labels.tolist()
    [1, 1, 1, 1, 2, 2, 2, 2]
    """
    matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    matrix.data[:] = 1.0
    frequency = np.asarray(matrix.sum(axis=0)).ravel()
    root = Node(0, np.arange(matrix.shape[0]), np.flatnonzero(frequency >= min_freq))
    nodes, leaves, blocked, notes = [root], [0], set(), []
    while len(leaves) < classes:
        candidates = sorted((n for n in leaves if n not in blocked), key=lambda n: (-len(nodes[n].rows), n))
        if not candidates:
            notes.append(f"{len(leaves)} classes instead of {classes}: no class could be split further with at "
                         f"least {min_class_size} segments on each side.")
            break
        node = nodes[candidates[0]]
        sub = matrix[node.rows][:, node.columns]
        found = bipartition(sub, min_class_size, seed)
        if found is None:
            blocked.add(node.id)
            continue
        side, chi2 = found
        if not side[0]:  # the side holding the cluster's first row comes first: stable class numbers
            side = ~side
        keep_a, keep_b = select_forms(sub, side, min_freq, cc_test)
        a = Node(len(nodes), node.rows[side], node.columns[keep_a], parent=node.id)
        b = Node(len(nodes) + 1, node.rows[~side], node.columns[keep_b], parent=node.id)
        nodes.extend([a, b])
        node.children, node.chi2 = (a.id, b.id), chi2
        node.split_order = 1 + sum(n.split_order is not None for n in nodes)
        position = leaves.index(node.id)
        leaves[position:position + 1] = [a.id, b.id]
        if progress:
            progress("classification", len(leaves) - 1, classes - 1)
    hierarchy = Hierarchy(nodes, np.zeros(matrix.shape[0], dtype=np.int64), [], notes)
    hierarchy.leaves = [n for n in hierarchy._dfs() if nodes[n].children is None]
    for number, leaf in enumerate(hierarchy.leaves, start=1):
        hierarchy.labels[nodes[leaf].rows] = number
    return hierarchy


def cut_chi2(total: float, q: np.ndarray, n_a: np.ndarray) -> np.ndarray:
    """chi2 of the 2 x forms table from Q = sum A_j^2 / c_j and side A's total (see the module docstring)."""
    return total * (q / n_a + (total - 2 * n_a + q) / (total - n_a) - 1)


def bipartition(sub: sparse.csr_matrix, min_size: int, seed: int = 0) -> tuple[np.ndarray, float] | None:
    """Side A (a boolean mask over ``sub``'s rows) of the best split and its chi-square, or None."""
    column_totals = np.asarray(sub.sum(axis=0)).ravel()
    columns = np.flatnonzero(column_totals > 0)
    row_totals = np.asarray(sub[:, columns].sum(axis=1)).ravel()
    filled = np.flatnonzero(row_totals > 0)
    if len(filled) < 2 * max(min_size, 1) or len(columns) < 2:
        return None
    x = sub[filled][:, columns].tocsr()
    coordinates, _ = first_factor(x, seed)
    order = np.argsort(coordinates, kind="stable")
    side = _best_cut(x, order, min_size)
    if side is None:
        return None
    chi2 = _reassign(x, side, min_size)
    if not chi2 > 1e-9:
        return None
    mask = np.zeros(sub.shape[0], dtype=bool)
    mask[filled[side]] = True
    if side.sum() * 2 >= len(side):  # rows without forms here join the larger side
        mask[np.setdiff1d(np.arange(sub.shape[0]), filled)] = True
    return mask, chi2


def _best_cut(x: sparse.csr_matrix, order: np.ndarray, min_size: int) -> np.ndarray | None:
    """Side A of the best cut of the rows taken in ``order`` (every cut scored in one pass)."""
    n = x.shape[0]
    ordered = x[order].tocoo()
    totals = np.bincount(ordered.col, minlength=x.shape[1]).astype(float)
    total = totals.sum()
    by_column = np.lexsort((ordered.row, ordered.col))
    columns = ordered.col[by_column]
    first_of_column = np.searchsorted(columns, columns, side="left")
    rank_in_column = np.arange(len(columns)) - first_of_column
    gains = np.bincount(ordered.row[by_column], weights=(2 * rank_in_column + 1) / totals[columns], minlength=n)
    q = np.cumsum(gains)[:-1]
    n_a = np.cumsum(np.bincount(ordered.row, minlength=n).astype(float))[:-1]
    sizes = np.arange(1, n)
    scores = np.where((sizes >= min_size) & (n - sizes >= min_size), cut_chi2(total, q, n_a), -np.inf)
    if not len(scores) or not np.isfinite(scores.max()):
        return None
    side = np.zeros(n, dtype=bool)
    side[order[: int(np.argmax(scores)) + 1]] = True
    return side


def _reassign(x: sparse.csr_matrix, side: np.ndarray, min_size: int) -> float:
    """Move rows to the other side while that raises the chi-square (in place); return the final chi-square."""
    indptr, indices = x.indptr, x.indices
    totals = np.bincount(indices, minlength=x.shape[1]).astype(float)
    inverse = 1.0 / totals
    total = totals.sum()
    row_totals = np.diff(indptr).astype(float)
    in_a = np.bincount(indices[np.repeat(side, np.diff(indptr))], minlength=x.shape[1]).astype(float)
    q = float(np.sum(in_a * in_a * inverse))
    n_a = float(row_totals[side].sum())
    size_a = int(side.sum())
    size_b = len(side) - size_a
    current = float(cut_chi2(total, q, n_a))
    for _ in range(MAX_PASSES):
        moved = False
        for row in range(len(side)):
            columns = indices[indptr[row]:indptr[row + 1]]
            counts = in_a[columns]
            if side[row]:
                if size_a - 1 < min_size:
                    continue
                delta_q, new_n_a = float(np.dot(1 - 2 * counts, inverse[columns])), n_a - row_totals[row]
            else:
                if size_b - 1 < min_size:
                    continue
                delta_q, new_n_a = float(np.dot(2 * counts + 1, inverse[columns])), n_a + row_totals[row]
            score = float(cut_chi2(total, q + delta_q, new_n_a))
            if score > current * (1 + 1e-12) + 1e-12:
                step = -1.0 if side[row] else 1.0
                in_a[columns] += step
                size_a, size_b = (size_a - 1, size_b + 1) if side[row] else (size_a + 1, size_b - 1)
                side[row] = not side[row]
                q, n_a, current, moved = q + delta_q, new_n_a, score, True
        if not moved:
            break
    return current


def select_forms(sub: sparse.csr_matrix, side: np.ndarray, min_freq: int, cc_test: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``sub``'s columns each side keeps (boolean masks)."""
    a = np.asarray(sub[side].sum(axis=0)).ravel()
    b = np.asarray(sub[~side].sum(axis=0)).ravel()
    n_a, n_b = float(side.sum()), float((~side).sum())
    n = n_a + n_b
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = n_a * n_b * (a + b) * (n - a - b)
        chi2 = np.where(denominator > 0, n * (a * (n_b - b) - (n_a - a) * b) ** 2 / denominator, 0.0)
    strong = np.sqrt(chi2 / (chi2 + n)) > cc_test
    over_a = a * n_b > b * n_a
    keep_a = (a >= min_freq) & (~strong | over_a)
    keep_b = (b >= min_freq) & (~strong | ~over_a)
    return keep_a, keep_b
