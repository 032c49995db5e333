"""Specificities (Lafon 1980, as in Lexico and IRaMuTeQ): the words a group over- or under-uses versus the corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import NothingToAnalyse, check_choice
from qualcoder.analysis.tokens import place_in_segments, token_table
from qualcoder.analysis.units import NO_DATE, UNKNOWN, check_attribute, segment_table
from qualcoder.text.parse import WORD

if TYPE_CHECKING:
    from qualcoder.project import Project

METHODS = ("hypergeometric", "loglik")
UNITS = ("lemma", "word")
COLUMNS = ["group", "word", "group_count", "total_count", "group_tokens", "total_tokens", "expected", "score",
           "p_value"]


def specificities(project: Project, by: str, *, method: str = "hypergeometric", min_count: int = 5, unit: str = "lemma",
                  top: int | None = None, include_unknown: bool = False) -> pd.DataFrame:
    """For each group of ``by`` and each word: group, word, group_count, total_count, group_tokens,
    total_tokens, expected, score, p_value; sorted by group, then score (most over-used first).

    Counts are of content words (spaCy's French and English stop words, fillers, numbers and punctuation left
    out), as lemmas or as lower-cased word forms (``unit``), in segments whose ``by`` value is known.
    ``hypergeometric``: Lafon's specificity, score = -log10 P(X >= k) when the group uses the word more than
    expected, +log10 P(X <= k) when less (X hypergeometric: the group's tokens drawn from the corpus).
    ``loglik``: Dunning's G2 of the group against the rest, signed the same way, p from chi-square(1).
    Words seen fewer than ``min_count`` times in the corpus are left out; ``top`` keeps, per group, that many
    most over-used and most under-used words. A score of 2 means p = 0.01.

    >>> # specificities(project, "profession", top=10).query("score > 3")
    """
    check_choice(method, METHODS, "--method")
    check_choice(unit, UNITS, "--unit")
    table = segment_table(project)
    check_attribute(table, by)
    counts = _group_word_counts(project, table, by, unit, include_unknown)
    counts = counts.loc[:, counts.sum(axis=0) >= min_count]
    if counts.empty or counts.shape[0] < 2:
        raise NothingToAnalyse(f"{counts.shape[0]} group(s) of {by!r} have words seen {min_count} times or more",
                               place="--by", fix="Lower --min-count or choose an attribute with two groups or more.")
    frame = _score(counts, method)
    if top is not None:
        over = frame[frame["score"] > 0].groupby("group", sort=False).head(top)
        under = frame[frame["score"] < 0].sort_values("score").groupby("group", sort=False).head(top)
        frame = pd.concat([over, under]).sort_values(["group", "score"], ascending=[True, False])
    return frame.reset_index(drop=True)


def _group_word_counts(project: Project, table: pd.DataFrame, by: str, unit: str, include_unknown: bool) -> pd.DataFrame:
    """groups x words matrix of content-word counts."""
    from qualcoder.topics.model import stop_words  # the stop lists the topic models use

    segments = table[["segment_id", "doc_id", "start", "end", by]]
    if not include_unknown:
        segments = segments[~segments[by].isin([UNKNOWN, NO_DATE])]
    tokens = token_table(project, segments["doc_id"].unique().tolist())
    if unit == "word":
        texts = project.texts()
        tokens["lemma"] = [texts[d][s:e].lower() for d, s, e in tokens[["doc_id", "start", "end"]].itertuples(
            index=False)]
    tokens = place_in_segments(tokens, segments).dropna(subset=["segment_id"])
    words = pd.Series(tokens["lemma"].unique())
    stops = stop_words()
    content = words[(words.str.len() > 1) & words.str.match(WORD.pattern) & ~words.isin(stops)]
    tokens = tokens[tokens["lemma"].isin(set(content))]
    return pd.crosstab(tokens[by], tokens["lemma"])


def _score(counts: pd.DataFrame, method: str) -> pd.DataFrame:
    k = counts.to_numpy(dtype=np.int64)
    word_totals = k.sum(axis=0, keepdims=True)
    group_tokens = k.sum(axis=1, keepdims=True)
    total = int(k.sum())
    expected = group_tokens * word_totals / total
    if method == "hypergeometric":
        score, p_value = _lafon(k, word_totals, group_tokens, total, expected)
    else:
        score, p_value = _loglik(k, word_totals, group_tokens, total, expected)
    shape = k.shape
    frame = pd.DataFrame({
        "group": np.repeat(counts.index.to_numpy(dtype=object), shape[1]),
        "word": np.tile(counts.columns.to_numpy(dtype=object), shape[0]),
        "group_count": k.ravel(),
        "total_count": np.broadcast_to(word_totals, shape).ravel(),
        "group_tokens": np.broadcast_to(group_tokens, shape).ravel(),
        "total_tokens": total,
        "expected": expected.ravel().round(3),
        "score": score.ravel().round(3),
        "p_value": p_value.ravel(),
    })
    return frame.sort_values(["group", "score", "word"], ascending=[True, False, True]).reset_index(drop=True)


def _lafon(k, word_totals, group_tokens, total, expected):
    """Signed -log10 of the one-sided hypergeometric tail: P(X >= k) for over-use, P(X <= k) for under-use."""
    shape = np.broadcast_shapes(k.shape, word_totals.shape, group_tokens.shape)
    big = np.broadcast_to(word_totals, shape).ravel()
    draws = np.broadcast_to(group_tokens, shape).ravel()
    over = (k >= expected).ravel()
    log_p = log_tail(k.ravel(), total, big, draws, over).reshape(shape)
    over = over.reshape(shape)
    score = np.where(over, -log_p, log_p) / np.log(10)
    return score, np.exp(log_p)


def log_tail(k: np.ndarray, total: int, big: np.ndarray, draws: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """log P(X >= k) where ``upper``, else log P(X <= k), for X ~ hypergeom(total, big, draws), vectorised.

    scipy's ``hypergeom.sf``/``cdf`` cost ~80 microseconds a cell here (a corpus x groups grid has 10^5-10^6
    cells), so the tail is summed from ``hypergeom.logpmf(k)`` with the ratio of successive terms, cells leaving
    the loop once their next term is negligible; log space keeps p values far below 1e-300 finite.
    """
    k, big, draws = (np.asarray(a, dtype=float) for a in (k, big, draws))
    rest = total - big - draws
    from scipy.stats import hypergeom  # here, not at the top: `qualcoder --help` must not load scipy.stats

    first = hypergeom.logpmf(k, total, big, draws)
    sums = np.ones_like(k)
    term = np.ones_like(k)
    position = k.copy()
    active = np.flatnonzero(np.isfinite(first))
    while active.size:
        j, up = position[active], upper[active]
        ratio = np.where(up, (big[active] - j) * (draws[active] - j) / ((j + 1) * (rest[active] + j + 1)),
                         j * (rest[active] + j) / ((big[active] - j + 1) * (draws[active] - j + 1)))
        ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 0.0)
        term[active] *= ratio
        sums[active] += term[active]
        position[active] = np.where(up, j + 1, j - 1)
        active = active[term[active] > 1e-17 * sums[active]]
    return np.minimum(first + np.log(sums), 0.0)


def _loglik(k, word_totals, group_tokens, total, expected):
    """Dunning's G2 on the 2x2 table (word / other words) x (group / rest), signed by over- or under-use."""
    from scipy.special import xlogy
    from scipy.stats import chi2

    rest = word_totals - k
    rest_expected = (total - group_tokens) * word_totals / total
    g2 = 2 * (xlogy(k, k / np.where(expected > 0, expected, 1)) + xlogy(rest, rest / np.where(rest_expected > 0,
                                                                                              rest_expected, 1)))
    g2 = np.maximum(g2, 0.0)
    return np.where(k >= expected, g2, -g2), chi2.sf(g2, 1)
