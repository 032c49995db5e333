"""``evaluate``: rules, the model, zero-shot and the plain TF-IDF + logistic baseline against human codings,
on the same document-grouped folds, per code and overall (macro and micro precision, recall, F1).

Rules are not learned, so they are scored on every labelled segment; a code without patterns has ``n/a``
(NaN) for rules. Zero-shot cut-offs are learned on the training folds only (calibration on human codings).
Codes left out of the learned methods are listed with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from qualcoder.coding.classifier import CodeClassifier, baseline_classifier

if TYPE_CHECKING:
    from qualcoder.project import Project

METHODS = ("rules", "model", "zero_shot", "baseline")


@dataclass
class Evaluation:
    """What ``evaluate`` found.

    ``per_code``: one row per evaluated code with ``<method>_precision/recall/f1``; ``summary``: one row per
    method with macro and micro P/R/F1 over the codes it covers; ``left_out``: (code, why); ``seconds``: time
    spent fitting and predicting per learned method.
    """

    per_code: pd.DataFrame
    summary: pd.DataFrame
    left_out: list[tuple[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _scores(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    p, r, f, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
    return float(p), float(r), float(f)


def summarise(matrix: np.ndarray, predictions: dict[str, np.ndarray], covered: dict[str, np.ndarray]
              ) -> pd.DataFrame:
    """Macro (mean over codes) and micro (pooled) P/R/F1 per method, over the codes each one covers.

    >>> truth = np.array([[1, 0], [0, 1], [1, 1]])
    >>> summarise(truth, {"m": truth}, {"m": np.array([True, True])})["macro_f1"].tolist()
    [1.0]
    """
    rows = []
    for method, predicted in predictions.items():
        columns = np.flatnonzero(covered[method])
        if not len(columns):
            continue
        per_code = np.array([_scores(matrix[:, c], predicted[:, c]) for c in columns])
        micro = _scores(matrix[:, columns].ravel(), predicted[:, columns].ravel())
        rows.append({"method": method, "codes": len(columns), "macro_precision": per_code[:, 0].mean(),
                     "macro_recall": per_code[:, 1].mean(), "macro_f1": per_code[:, 2].mean(),
                     "micro_precision": micro[0], "micro_recall": micro[1], "micro_f1": micro[2]})
    return pd.DataFrame(rows).round(3)


def evaluate(project: Project, coders: list[str] | None = None, folds: int = 5, random_state: int = 0,
             embeddings: str | None = None, threshold: float | None = None, precision_target: float | None = None,
             zero_shot: str | None = None, progress=None, feature_attributes: tuple[str, ...] = ()) -> Evaluation:
    """Cross-validate (folds grouped by document: no document in both training and test) and score.

    ``threshold``: one cut-off for the model instead of per-code cut-offs chosen by cross-validation;
    ``precision_target``: per-code cut-offs reaching that precision; ``zero_shot``: an embedding backend
    (``use``, ``e5``) to score zero-shot suggestions too; ``feature_attributes``: document attributes (e.g. the
    survey question) one-hot beside the model's TF-IDF.
    """
    from qualcoder.coding.suggest import embedding_cache, training_data

    units, X, matrix, codes = training_data(project, coders, tuple(feature_attributes))
    groups = units["doc_id"].to_numpy()
    splits = min(folds, len(set(groups)))
    model = CodeClassifier(random_state=random_state, embeddings=embeddings, precision_target=precision_target,
                           threshold="cv" if threshold is None else threshold, attributes=tuple(feature_attributes),
                           embedding_cache=embedding_cache(project) if embeddings else None)
    zero = _zero_shot_scores(project, units, codes, zero_shot, progress) if zero_shot else None
    book_codes = [c.id for c in project.codebook().codes]
    left_out = [(c, "no human coding") for c in book_codes if c not in codes]
    folds_run = cross_validate(model, X, matrix, groups, codes, splits, random_state, zero, progress)
    predictions, covered, seconds, skipped = folds_run
    steps = splits + 1
    for code in sorted(skipped):
        positives = int(matrix[:, codes.index(code)].sum())
        if not covered["model"][codes.index(code)]:
            left_out.append((code, f"only {positives} coded segment(s): the model needs {model.min_positives} in "
                                   f"each training fold"))
    rule_matrix, has_rules = _rules(project, units, codes)
    predictions["rules"] = rule_matrix
    covered["rules"] = has_rules
    if progress:
        progress("evaluate", steps, steps)
    # every method is compared on the codes the model covers (rules: those of them with patterns)
    scope = covered["model"] if covered["model"].any() else covered["baseline"]
    for method in METHODS:
        covered[method] = covered[method] & scope
    if zero is None:
        predictions.pop("zero_shot")
    per_code = _per_code(codes, matrix, predictions, covered, scope)
    summary = summarise(matrix, predictions, covered)
    notes = [] if zero is not None else ["zero-shot not evaluated (give --zero-shot use or e5)"]
    return Evaluation(per_code, summary, left_out, {k: round(v, 2) for k, v in seconds.items()}, notes)


def cross_validate(model: CodeClassifier, X, matrix: np.ndarray, groups: np.ndarray, codes: list[str], splits: int,
                   random_state: int = 0, zero: np.ndarray | None = None, progress=None):
    """The model, the plain baseline (and zero-shot cut-offs, given its scores) on the same document-grouped
    folds: out-of-fold 0/1 predictions per method, the codes each covered, seconds per method, codes skipped."""
    predictions = {m: np.zeros_like(matrix) for m in ("model", "baseline", "zero_shot")}
    covered = {m: np.zeros(len(codes), dtype=bool) for m in METHODS}
    seconds = {"model": 0.0, "baseline": 0.0}
    skipped: set[str] = set()
    for number, (train, test) in enumerate(GroupKFold(n_splits=splits).split(X, matrix, groups), start=1):
        started = time.perf_counter()
        try:
            fitted = clone(model).fit(X.iloc[train], matrix[train], codes=codes)
        except ValueError:  # no code has enough examples in these training folds
            fitted = None
            skipped.update(codes)
        if fitted is not None:
            columns = [codes.index(c) for c in fitted.classes_]
            predictions["model"][np.ix_(test, columns)] = fitted.predict(X.iloc[test])
            covered["model"][columns] = True
            skipped.update(fitted.skipped_codes_)
        seconds["model"] += time.perf_counter() - started
        started = time.perf_counter()
        present = matrix[train].sum(axis=0) > 0  # a code absent from the training folds cannot be learned
        if present.any():
            baseline = baseline_classifier(random_state).fit(X.iloc[train], matrix[train][:, present])
            predictions["baseline"][np.ix_(test, np.flatnonzero(present))] = baseline.predict(X.iloc[test])
        covered["baseline"] |= present
        seconds["baseline"] += time.perf_counter() - started
        if zero is not None:
            _zero_shot_fold(zero, matrix, train, test, predictions["zero_shot"], covered["zero_shot"])
        if progress:
            progress("evaluate", number, splits + 1)
    return predictions, covered, seconds, skipped


def _per_code(codes, matrix, predictions, covered, scope) -> pd.DataFrame:
    rows = []
    for index, code in enumerate(codes):
        if not scope[index]:
            continue
        row = {"code": code, "support": int(matrix[:, index].sum())}
        for method, predicted in predictions.items():
            values = _scores(matrix[:, index], predicted[:, index]) if covered[method][index] else (np.nan,) * 3
            row.update({f"{method}_precision": values[0], f"{method}_recall": values[1], f"{method}_f1": values[2]})
        rows.append(row)
    return pd.DataFrame(rows).round(3)


def _rules(project: Project, units: pd.DataFrame, codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The rules' codings on the labelled segments, and which codes have rules at all."""
    book = {c.id: c for c in project.codebook().codes}
    has_rules = np.array([bool(book[c].patterns) if c in book else False for c in codes])
    rules = project.autocode(dry_run=True, everything=True).codings if has_rules.any() else pd.DataFrame(
        columns=["segment_id", "code"])
    labels = rules.groupby("segment_id")["code"].agg(set).to_dict() if len(rules) else {}
    matrix = np.array([[int(code in labels.get(int(sid), set())) for code in codes] for sid in units["segment_id"]])
    return matrix.reshape(len(units), len(codes)), has_rules


def _zero_shot_scores(project: Project, units, codes, backend, progress) -> np.ndarray:
    from qualcoder.coding.zeroshot import score_segments

    scores = score_segments(project, units, project.codebook(), backend, progress)
    found = np.full((len(units), len(codes)), -1.0)
    for index, code in enumerate(codes):
        if code in scores.codes:
            found[:, index] = scores.scores[:, scores.codes.index(code)]
    return found


def _zero_shot_fold(scores, matrix, train, test, predicted, covered) -> None:
    from qualcoder.coding.classifier import best_threshold

    for column in range(matrix.shape[1]):
        truth = matrix[train, column]
        if truth.sum() and scores[:, column].max() > -1:
            cut = best_threshold(truth, scores[train, column])
            predicted[test, column] = (scores[test, column] >= cut).astype(int)
            covered[column] = True
