"""Class profiles as IRaMuTeQ reports them: for each class, the forms (active and supplementary) with the
segments of the class holding them, all segments holding them, their share in the class, the signed chi-square
and its p value; the characteristic segments; and the star variables (segment attributes) of each class.

Counts are of classified segments (class 0, unclassified after a double classification, is left out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from qualcoder.lexico.matrix import Forms
from qualcoder.lexico.stats import p_values, signed_chi2

SIGNIFICANT = 3.84  # chi2(1) at p = 0.05
PROFILE_COLUMNS = ["class", "form", "pos", "type", "segments_in_class", "segments_total", "share", "chi2", "p_value"]
VARIABLE_COLUMNS = ["class", "variable", "value", "modality", "segments_in_class", "segments_total", "share", "chi2",
                    "p_value"]


def _class_counts(labels: np.ndarray, matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(classes, segments of each class, classes x columns counts, classified segments)."""
    classified = labels > 0
    classes = np.unique(labels[classified])
    index = np.searchsorted(classes, labels[classified])
    membership = sparse.csr_matrix((np.ones(len(index)), (index, np.arange(len(index)))),
                                   shape=(len(classes), len(index)))
    counts = (membership @ matrix[classified]).toarray()
    return classes, np.bincount(index, minlength=len(classes)), counts, int(classified.sum())


def form_profiles(labels: np.ndarray, forms: Forms, min_segments: int = 2) -> pd.DataFrame:
    """One row per (class, form) for forms in at least ``min_segments`` classified segments, sorted by class and
    chi2 (most characteristic first); ``type`` is ``active`` or ``supplementary``."""
    classes, sizes, counts, total = _class_counts(labels, forms.matrix)
    with_form = counts.sum(axis=0)
    keep = np.flatnonzero(with_form >= min_segments)
    counts, with_form = counts[:, keep], with_form[keep]
    chi2 = signed_chi2(counts, sizes[:, None], with_form[None, :], total)
    table = forms.table.iloc[keep]
    k, f = counts.shape
    frame = pd.DataFrame({
        "class": np.repeat(classes, f),
        "form": np.tile(table["form"].to_numpy(dtype=object), k),
        "pos": np.tile(table["pos"].to_numpy(dtype=object), k),
        "type": np.tile(np.where(table["active"].to_numpy(), "active", "supplementary"), k),
        "segments_in_class": counts.ravel().astype(int),
        "segments_total": np.tile(with_form, k).astype(int),
        "share": np.divide(counts, with_form[None, :]).ravel().round(4),
        "chi2": chi2.ravel().round(3),
        "p_value": p_values(chi2.ravel()),
    })
    return frame.sort_values(["class", "chi2", "form"], ascending=[True, False, True]).reset_index(drop=True)


def characteristic_segments(labels: np.ndarray, forms: Forms, profiles: pd.DataFrame, cls: int, n: int = 10
                            ) -> pd.DataFrame:
    """The ``n`` segments of class ``cls`` whose active forms, characteristic of the class (chi2 >= 3.84), add
    up to the largest chi-square (IRaMuTeQ's score): position (row in the run's segments) and score."""
    chosen = profiles[(profiles["class"] == cls) & (profiles["type"] == "active") & (profiles["chi2"] >= SIGNIFICANT)]
    index = pd.Series(np.arange(len(forms.table)), index=pd.MultiIndex.from_frame(forms.table[["form", "pos"]]))
    weights = np.zeros(len(forms.table))
    weights[index.loc[list(zip(chosen["form"], chosen["pos"]))].to_numpy()] = chosen["chi2"].to_numpy()
    rows = np.flatnonzero(labels == cls)
    scores = forms.matrix[rows] @ weights
    order = np.lexsort((rows, -scores))[:n]
    return pd.DataFrame({"position": rows[order], "score": scores[order].round(3)})


def variable_profiles(labels: np.ndarray, attributes: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
    """One row per (class, modality) of each variable in ``variables`` (columns of ``attributes``, one row per
    segment): the star modality (``*type_minutes``), counts, share of the modality's segments in the class,
    signed chi2 and p. Sorted by class, then chi2."""
    from qualcoder.export.iramuteq import variable_name, variable_value

    frames = []
    for variable in variables:
        values = attributes[variable].astype(object).where(attributes[variable].notna(), "(unknown)").map(str)
        codes, uniques = pd.factorize(values, sort=True)
        indicator = sparse.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), codes)),
                                      shape=(len(codes), len(uniques)))
        classes, sizes, counts, total = _class_counts(labels, indicator)
        with_value = counts.sum(axis=0)
        chi2 = signed_chi2(counts, sizes[:, None], with_value[None, :], total)
        k, m = counts.shape
        frames.append(pd.DataFrame({
            "class": np.repeat(classes, m),
            "variable": variable,
            "value": np.tile(np.asarray(uniques, dtype=object), k),
            "modality": np.tile(np.array([f"*{variable_name(variable)}_{variable_value(v)}" for v in uniques],
                                         dtype=object), k),
            "segments_in_class": counts.ravel().astype(int),
            "segments_total": np.tile(with_value, k).astype(int),
            "share": np.divide(counts, np.maximum(with_value, 1)[None, :]).ravel().round(4),
            "chi2": chi2.ravel().round(3),
            "p_value": p_values(chi2.ravel()),
        }))
    if not frames:
        return pd.DataFrame(columns=VARIABLE_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values(["class", "chi2"], ascending=[True, False]).reset_index(drop=True)[VARIABLE_COLUMNS]
