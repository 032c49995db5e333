"""A multi-label code classifier following scikit-learn's estimator conventions.

TF-IDF of segment lemmas, optionally joined by sentence embeddings of the segment text, then one calibrated
logistic regression per code (one-vs-rest), with balanced class weights for rare codes. Codes with too few
positive examples to calibrate are left out and listed in ``skipped_codes_``.

``X`` is a list of lemma strings, or a DataFrame with ``lemmas`` and ``text`` columns (needed with
``embeddings``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix, hstack
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted


def _split(text: str) -> list[str]:
    return text.split()


class CodeClassifier(ClassifierMixin, BaseEstimator):
    """Suggests codes for segments from their lemmas.

    >>> model = CodeClassifier(min_positives=1, calibration_folds=2)
    >>> X = ["financement dndr", "dndr budget", "territoire médecin", "médecin territoire infirmier"]
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    >>> model.fit(X, Y, codes=["financement", "territoire"]).predict(["budget dndr"]).tolist()
    [[1, 0]]
    """

    def __init__(self, C: float = 4.0, min_df: int = 1, ngram_max: int = 2, calibration: str = "sigmoid",
                 calibration_folds: int = 3, min_positives: int = 6, class_weight: str | None = "balanced",
                 threshold: float = 0.5, random_state: int = 0, embeddings: str | None = None,
                 embedding_cache: str | None = None):
        self.C = C
        self.min_df = min_df
        self.ngram_max = ngram_max
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.min_positives = min_positives
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state
        self.embeddings = embeddings
        self.embedding_cache = embedding_cache

    def _features(self, X, fit: bool = False):
        if isinstance(X, pd.DataFrame):
            lemmas, texts = X["lemmas"].tolist(), X["text"].tolist()
        else:
            lemmas, texts = list(X), None
        tfidf = self.vectorizer_.fit_transform(lemmas) if fit else self.vectorizer_.transform(lemmas)
        if not self.embeddings:
            return tfidf
        if texts is None:
            raise ValueError("embeddings need the segment texts: give X as a DataFrame with lemmas and text")
        from pathlib import Path

        from qualcoder.embeddings import EmbeddingCache

        folder = Path(self.embedding_cache) if self.embedding_cache else None
        vectors = EmbeddingCache(self.embeddings, folder).embed(texts)
        return hstack([tfidf, csr_matrix(vectors)]).tocsr()

    def fit(self, X, Y, codes: list[str] | None = None):
        """``X``: one lemma string per segment; ``Y``: a 0/1 matrix, one column per code."""
        Y = np.asarray(Y)
        codes = list(codes) if codes is not None else [str(i) for i in range(Y.shape[1])]
        positives = Y.sum(axis=0)
        negatives = len(Y) - positives
        keep = (positives >= max(self.min_positives, self.calibration_folds)) & (negatives >= self.calibration_folds)
        self.skipped_codes_ = [c for c, k in zip(codes, keep) if not k]
        self.classes_ = np.array([c for c, k in zip(codes, keep) if k])
        if not len(self.classes_):
            raise ValueError("no code has enough positive and negative examples to train on")
        self.vectorizer_ = TfidfVectorizer(tokenizer=_split, token_pattern=None, lowercase=False,
                                           ngram_range=(1, self.ngram_max), min_df=self.min_df, sublinear_tf=True)
        features = self._features(X, fit=True)
        base = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000, solver="liblinear",
                                  random_state=self.random_state)
        calibrated = CalibratedClassifierCV(base, method=self.calibration, cv=self.calibration_folds)
        self.model_ = OneVsRestClassifier(calibrated).fit(features, Y[:, keep])
        self.n_features_in_ = features.shape[1]
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self._features(X))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= self.threshold).astype(int)
