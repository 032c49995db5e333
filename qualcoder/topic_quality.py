"""Topic quality: topic diversity, NPMI coherence on the corpus, and an NMF baseline on the same vectorizer."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer


def diversity(topics: list[list[str]], top_n: int = 10) -> float:
    """Share of unique words among the topics' top words (Dieng et al. 2020): 1 = no word repeated."""
    words = [w for topic in topics for w in topic[:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def npmi(topics: list[list[str]], documents: list[str], top_n: int = 10) -> float:
    """Mean normalised PMI of the top-word pairs of each topic, documents as co-occurrence windows
    (Bouma 2009; Lau et al. 2014). Pairs that never co-occur count -1."""
    vocabulary = sorted({w for topic in topics for w in topic[:top_n]})
    if not vocabulary:
        return float("nan")
    counts = CountVectorizer(vocabulary=vocabulary, tokenizer=str.split, token_pattern=None, lowercase=False,
                             ngram_range=(1, 2), binary=True).fit_transform(documents)
    counts = sparse.csc_matrix(counts, dtype=np.float64)
    n = counts.shape[0]
    together = (counts.T @ counts).toarray() / n
    single = np.diag(together)
    index = {w: i for i, w in enumerate(vocabulary)}
    scores = []
    for topic in topics:
        words = [index[w] for w in topic[:top_n] if w in index]
        for a in range(len(words)):
            for b in range(a + 1, len(words)):
                joint = together[words[a], words[b]]
                if joint == 0:
                    scores.append(-1.0)
                    continue
                if joint == 1:
                    scores.append(1.0)
                    continue
                pmi = np.log(joint / (single[words[a]] * single[words[b]]))
                scores.append(pmi / -np.log(joint))
    return float(np.mean(scores)) if scores else float("nan")


def nmf_baseline(documents: list[str], vectorizer: CountVectorizer, n_topics: int, seed: int,
                 top_n: int = 10) -> list[list[str]]:
    """Top words of an NMF model with as many topics, on TF-IDF of the same vectorizer's counts."""
    counts = vectorizer.fit_transform(documents)
    weights = TfidfTransformer().fit_transform(counts)
    n_topics = max(1, min(n_topics, min(weights.shape) - 1))
    model = NMF(n_components=n_topics, random_state=seed, init="nndsvda", max_iter=400)
    model.fit(weights)
    words = vectorizer.get_feature_names_out()
    return [[words[i] for i in component.argsort()[::-1][:top_n]] for component in model.components_]
