"""Double classification (Reinert; rainette's ``rainette2``): two simple classifications of the same segments
with context units of two minimum sizes, crossed.

Every cluster of the first dendrogram (every node but the root, whatever its level) is crossed with every
cluster of the second. A crossed class holds the segments of both; its association is the chi-square of the
2 x 2 table (in the first cluster / not) x (in the second / not), kept when the association is positive. Crossed
classes with the same segments are kept once; those under ``min_members`` segments or ``min_chi2`` are dropped.
``full=False`` (rainette's classical analysis, closest to Reinert) keeps only pairs of clusters that are each
other's best association; ``full=True`` keeps them all. Then, for each k from 2 to ``max_k``, the best partition
into k disjoint crossed classes is searched: the largest sum of chi-squares (and, with ``full``, also the largest
number of segments). Segments in none of the chosen crossed classes stay unclassified (class 0), as in rainette.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qualcoder.lexico.chd import Hierarchy
from qualcoder.lexico.errors import NoCrossedClasses
from qualcoder.lexico.stats import signed_chi2

SEARCH_BUDGET = 2_000_000  # partial partitions visited per k and criterion before the search stops (and says so)


@dataclass(frozen=True)
class Crossed:
    first: int  # node id in the first dendrogram
    second: int
    size: int
    chi2: float
    mask: int  # the segments, as the bits of an integer (fast disjointness)


@dataclass
class Partition:
    k: int
    criterion: str  # chi2 | size
    members: list[Crossed]
    complete: bool = True

    @property
    def size(self) -> int:
        return sum(c.size for c in self.members)

    @property
    def chi2(self) -> float:
        return sum(c.chi2 for c in self.members)


@dataclass
class DoubleResult:
    crossed: list[Crossed]
    partitions: list[Partition]
    notes: list[str] = field(default_factory=list)

    def best(self, k: int | None = None, criterion: str = "chi2") -> Partition:
        """The best partition with ``k`` classes (the largest k found when None) by ``criterion``."""
        found = [p for p in self.partitions if p.criterion == criterion and (k is None or p.k == k)]
        if not found:
            available = sorted({p.k for p in self.partitions if p.criterion == criterion})
            raise NoCrossedClasses(f"no partition into {k} crossed classes by {criterion}", place="--classes",
                                   fix=f"Partitions exist for k in {available or 'none'}.")
        return max(found, key=lambda p: p.k)

    def labels(self, n: int, partition: Partition) -> np.ndarray:
        """Class (1..k, 0 = unclassified) of each of the n segments."""
        labels = np.zeros(n, dtype=np.int64)
        for number, crossed in enumerate(sorted(partition.members, key=lambda c: (c.first, c.second)), start=1):
            labels[_indices(crossed.mask, n)] = number
        return labels


def cross(first: Hierarchy, second: Hierarchy, first_labels: np.ndarray, second_labels: np.ndarray,
          max_k: int = 5, min_members: int = 10, min_chi2: float = 3.84, full: bool = False) -> DoubleResult:
    """Cross two classifications of the same n segments (``*_labels``: each segment's terminal class)."""
    n = len(first_labels)
    clusters_1 = _clusters(first, first_labels)
    clusters_2 = _clusters(second, second_labels)
    candidates: dict[int, Crossed] = {}
    for id_1, members_1 in clusters_1.items():
        for id_2, members_2 in clusters_2.items():
            both = members_1 & members_2
            size = int(both.sum())
            if size == 0:
                continue
            chi2 = float(signed_chi2(size, int(members_1.sum()), int(members_2.sum()), n))
            if chi2 <= 0:
                continue
            mask = _bits(both)
            if mask not in candidates or candidates[mask].chi2 < chi2:
                candidates[mask] = Crossed(id_1, id_2, size, chi2, mask)
    crossed = [c for c in candidates.values() if c.size >= min_members and c.chi2 >= min_chi2]
    if not full:
        best_1 = {c.first: max((d for d in crossed if d.first == c.first), key=lambda d: d.chi2) for c in crossed}
        best_2 = {c.second: max((d for d in crossed if d.second == c.second), key=lambda d: d.chi2) for c in crossed}
        crossed = [c for c in crossed if best_1[c.first] is c and best_2[c.second] is c]
    crossed.sort(key=lambda c: (-c.chi2, c.first, c.second))
    if len(crossed) < 2:
        raise NoCrossedClasses(f"{len(crossed)} crossed class(es) hold {min_members}+ segments with an association "
                               f"chi2 >= {min_chi2}", place="--double",
                               fix="Lower --min-members, ask for more classes, or use the simple classification.")
    result = DoubleResult(crossed, [])
    for criterion in ("chi2", "size") if full else ("chi2",):
        for k in range(2, max_k + 1):
            partition = _search(crossed, k, criterion)
            if partition is None:
                break
            if not partition.complete:
                result.notes.append(f"the search for the best partition into {k} classes by {criterion} stopped "
                                    f"after {SEARCH_BUDGET:,} steps: a better one may exist (use full=False).")
            result.partitions.append(partition)
    return result


def _clusters(hierarchy: Hierarchy, labels: np.ndarray) -> dict[int, np.ndarray]:
    """node id -> segment mask, for every node but the root."""
    found = {}
    for node in hierarchy.nodes[1:]:
        found[node.id] = np.isin(labels, sorted(hierarchy.members(node.id)))
    return found


def _bits(mask: np.ndarray) -> int:
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def _indices(bits: int, n: int) -> np.ndarray:
    raw = np.frombuffer(bits.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")[:n])


def _search(crossed: list[Crossed], k: int, criterion: str) -> Partition | None:
    """Branch and bound over sets of k disjoint crossed classes, maximising the criterion."""
    value = (lambda c: c.chi2) if criterion == "chi2" else (lambda c: float(c.size))
    items = sorted(crossed, key=lambda c: -value(c))
    values = [value(c) for c in items]
    best: list = [None, -np.inf]
    steps = [0]

    def visit(start: int, chosen: list[Crossed], used: int, score: float) -> None:
        steps[0] += 1
        if steps[0] > SEARCH_BUDGET:
            return
        if len(chosen) == k:
            if score > best[1]:
                best[0], best[1] = list(chosen), score
            return
        need = k - len(chosen)
        for index in range(start, len(items)):
            # items are sorted by value: the next ``need`` values bound what this branch can still reach
            if score + sum(values[index:index + need]) <= best[1]:
                return
            item = items[index]
            if item.mask & used:
                continue
            chosen.append(item)
            visit(index + 1, chosen, used | item.mask, score + values[index])
            chosen.pop()

    visit(0, [], 0, 0.0)
    if best[0] is None:
        return None
    return Partition(k, criterion, best[0], complete=steps[0] <= SEARCH_BUDGET)
