"""Topic quality: topic diversity, NPMI coherence on the corpus, and an NMF baseline on the same vectorizer.

The documents are vectorised once (``DocumentTerms``); NPMI of both models and the NMF baseline read that matrix.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from threadpoolctl import threadpool_limits

NMF_SAMPLE = 2000
NMF_FEATURES = 5000
"""The NMF baseline is fitted on at most 2,000 documents (a seeded random sample) and the 5,000 most frequent
terms: its figures are a reference, and fitting it on 20,000 segments would cost more than the topic model."""
PARALLEL_FROM = 2000
"""From this many segments the quality figures are computed in a second process while the models are fitted."""


@dataclass(frozen=True)
class DocumentTerms:
    """Counts of 1-2 grams of lemmas per document (CSC) and the vocabulary, computed once per fit."""

    counts: sparse.csc_matrix
    words: np.ndarray

    @classmethod
    def of(cls, documents: list[str]) -> DocumentTerms:
        """Count the 1-2 grams of whitespace-separated lemmas.

        >>> DocumentTerms.of(["a b", "b c"]).words.tolist()
        ['a', 'a b', 'b', 'b c', 'c']
        """
        vectorizer = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2))
        return cls(sparse.csc_matrix(vectorizer.fit_transform(documents)), vectorizer.get_feature_names_out())

    def columns(self, words: list[str]) -> dict[str, int]:
        positions = np.searchsorted(self.words, words)
        return {w: int(p) for w, p in zip(words, positions) if p < len(self.words) and self.words[p] == w}


def diversity(topics: list[list[str]], top_n: int = 10) -> float:
    """Share of unique words among the topics' top words (Dieng et al. 2020): 1 = no word repeated.

    >>> diversity([["a", "b"], ["b", "c"]])
    0.75
    """
    words = [w for topic in topics for w in topic[:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def npmi(topics: list[list[str]], terms: DocumentTerms, top_n: int = 10) -> float:
    """Mean normalised PMI of the top-word pairs of each topic, documents as co-occurrence windows
    (Bouma 2009; Lau et al. 2014). Pairs that never co-occur count -1.

    >>> round(npmi([["a", "b"]], DocumentTerms.of(["a b", "a", "b", "c"])), 3)
    0.0
    """
    index = terms.columns(sorted({w for topic in topics for w in topic[:top_n]}))
    if not index:
        return float("nan")
    vocabulary = list(index)
    present = (terms.counts[:, [index[w] for w in vocabulary]] > 0).astype(np.float64)
    n = terms.counts.shape[0]
    together = (present.T @ present).toarray() / n
    single = np.diag(together)
    position = {w: i for i, w in enumerate(vocabulary)}
    scores = []
    for topic in topics:
        words = [position[w] for w in topic[:top_n] if w in position]
        for a in range(len(words)):
            for b in range(a + 1, len(words)):
                scores.append(_npmi_pair(together[words[a], words[b]], single[words[a]], single[words[b]]))
    return float(np.mean(scores)) if scores else float("nan")


def _npmi_pair(joint: float, p_a: float, p_b: float) -> float:
    if joint == 0:
        return -1.0
    if joint == 1:
        return 1.0
    return float(np.log(joint / (p_a * p_b)) / -np.log(joint))


def nmf_baseline(terms: DocumentTerms, n_topics: int, seed: int, top_n: int = 10) -> tuple[list[list[str]], int]:
    """Top words of an NMF model with as many topics, on TF-IDF of the same counts, fitted on a sample of
    documents and the most frequent terms (seen in two documents or more once there are 100). Returns the
    topics and the number of documents it was fitted on."""
    counts = terms.counts
    n = counts.shape[0]
    if n > NMF_SAMPLE:
        counts = counts[np.sort(np.random.default_rng(seed).choice(n, size=NMF_SAMPLE, replace=False))]
    document_frequency = (counts > 0).sum(axis=0).A1
    kept = np.flatnonzero(document_frequency >= (2 if n >= 100 else 1))
    kept = np.sort(kept[np.argsort(-document_frequency[kept], kind="stable")[:NMF_FEATURES]])
    weights = TfidfTransformer().fit_transform(counts[:, kept].tocsr())
    n_topics = max(1, min(n_topics, min(weights.shape) - 1))
    model = NMF(n_components=n_topics, random_state=seed, init="nndsvda", solver="mu", max_iter=200, tol=1e-3)
    model.fit(weights)
    words = terms.words[kept]
    return [[words[i] for i in component.argsort()[::-1][:top_n]] for component in model.components_], counts.shape[0]


def quality(topics: list[list[str]], terms: DocumentTerms, seed: int,
            baseline: tuple[list[list[str]], int] | None = None) -> dict:
    """Diversity and NPMI of the topics, and of an NMF baseline with as many topics on the same counts
    (``baseline``: its topics and the documents it was fitted on, when it was fitted beforehand)."""
    if baseline is None:
        baseline = nmf_baseline(terms, len(topics), seed) if topics else ([], 0)
    words, fitted_on = baseline
    return {"topics": len(topics), "diversity": round(diversity(topics), 3), "npmi": round(npmi(topics, terms), 3),
            "nmf_baseline": {"diversity": round(diversity(words), 3), "npmi": round(npmi(words, terms), 3),
                             "fitted_on_segments": fitted_on, "terms": min(NMF_FEATURES, len(terms.words))}}


# per group, in the process that scores: the counted documents, and the baseline fitted beforehand (for a number of
# topics) or the error it raised
_TERMS: dict[str, DocumentTerms] = {}
_BASELINES: dict[str, tuple[int, tuple[list[list[str]], int] | Exception]] = {}


def _prepare(key: str, documents: list[str]) -> None:
    _BASELINES.pop(key, None)  # left by a fit that failed before scoring: it was fitted on other documents
    _TERMS[key] = DocumentTerms.of(documents)


def _fit_baseline(key: str, n_topics: int, seed: int) -> None:
    try:
        _BASELINES[key] = (n_topics, nmf_baseline(_TERMS[key], n_topics, seed) if n_topics else ([], 0))
    except Exception as error:  # raised when the group is scored
        _BASELINES[key] = (n_topics, error)


def _score(key: str, topics: list[list[str]], seed: int) -> dict:
    n_topics, baseline = _BASELINES.pop(key, (None, None))
    if isinstance(baseline, Exception):
        raise baseline
    if n_topics != len(topics):
        baseline = None  # not fitted beforehand, or for another number of topics
    return quality(topics, _TERMS.pop(key), seed, baseline)


class _Answer:
    """The next answer of the worker process (answers come in the order the questions were asked)."""

    def __init__(self, worker: QualityWorker, value: dict | None = None):
        self.worker, self.value = worker, value

    def result(self) -> dict:
        if self.value is None:
            self.value = self.worker.receive()
        return self.value


class QualityWorker:
    """Scores each group's topics. On large corpora it works in a second process: the seeded UMAP uses one core,
    so counting the documents and fitting the NMF baseline on the other costs the fit no time.

    The process is ``python -m qualcoder.topics.quality`` talking pickles over its standard input and output, not
    multiprocessing: spawning would re-run the user's script when it has no ``if __name__ == "__main__"`` guard,
    and forking a process that has used OpenMP (torch, k-means) can hang.

    >>> with QualityWorker(parallel=False) as worker:
    ...     worker.prepare("fr", ["a b", "a b", "c d", "c d"])
    ...     worker.score("fr", [["a", "b"], ["c", "d"]], seed=0).result()["diversity"]
    1.0
    """

    def __init__(self, parallel: bool):
        self.process = self.outbox = None
        if parallel:
            self.process = subprocess.Popen([sys.executable, "-m", "qualcoder.topics.quality"],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            # a thread writes the questions: the pipe would block the fit while the worker is still starting
            self.outbox = queue.Queue()
            threading.Thread(target=self._write, daemon=True).start()

    def __enter__(self) -> QualityWorker:
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.outbox.put(None)
            self.process.kill()  # every answer has been read (or the fit failed): nothing is lost
            self.process.wait()

    def _write(self) -> None:
        while (message := self.outbox.get()) is not None:
            try:
                pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):  # the worker stopped: receive() says so
                return

    def _send(self, *message) -> None:
        self.outbox.put(message)

    def receive(self) -> dict:
        try:
            kind, value = pickle.load(self.process.stdout)
        except EOFError:
            raise RuntimeError(f"the topic-quality process stopped (exit code {self.process.wait()}); "
                               "its error is printed above") from None
        if kind == "error":
            raise RuntimeError(f"the topic-quality process failed: {value}")
        return value

    def prepare(self, key: str, documents: list[str]) -> None:
        """Start counting a group's documents."""
        if self.process:
            self._send("prepare", key, documents)
        else:
            _prepare(key, documents)

    def baseline(self, key: str, n_topics: int, seed: int) -> None:
        """Start fitting a group's NMF baseline as soon as its number of topics is known (the fit still has its
        topic words to compute, and the run its rows to write)."""
        if self.process:
            self._send("baseline", key, n_topics, seed)
        else:
            _fit_baseline(key, n_topics, seed)

    def score(self, key: str, topics: list[list[str]], seed: int) -> _Answer:
        """Score a group's topics; the answer's ``result()`` waits for the figures."""
        if self.process:
            self._send("score", key, topics, seed)
            return _Answer(self)
        return _Answer(self, _score(key, topics, seed))


def _serve() -> None:
    """The worker's loop: questions from standard input, answers to standard output (anything else a library
    prints goes to standard error)."""
    questions, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    os.nice(5)  # the fit comes first when it needs both cores (HDBSCAN's core distances)
    # one thread: the NMF's matrix products would otherwise take a share of the core the fit runs on (measured: the
    # last baseline took twice as long with two threads beside the fit's last steps)
    threadpool_limits(1)
    while True:
        try:
            kind, *args = pickle.load(questions)
        except EOFError:
            return
        if kind == "prepare":
            _prepare(*args)
            continue
        if kind == "baseline":
            _fit_baseline(*args)
            continue
        try:
            answer = ("ok", _score(*args))
        except Exception as error:  # reported to the parent, which raises it
            answer = ("error", f"{type(error).__name__}: {error}")
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    _serve()
