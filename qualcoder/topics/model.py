"""Topic modelling with BERTopic assembled from explicit, recorded blocks.

Blocks: embeddings (``tfidf``: TF-IDF + TruncatedSVD on lemmas, no model, the default; ``minilm``; the
multilingual ``e5`` and ``use``; or the folder of a local sentence-transformers model), UMAP reduction, clustering
(HDBSCAN, or k-means for small corpora), a CountVectorizer on lemmas with spaCy's French and English stop words,
and class-based TF-IDF. With a multilingual backend French and English segments share one space and one model
(``auto``); without one each language is fitted on its own (also on request: ``each``) and the topics are aligned
afterwards through the codebook. Random states are fixed and recorded; embeddings
come from the project's cache, so a second fit with other parameters encodes nothing.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.errors import NotSegmented, QualcoderError
from qualcoder.text.parse import WORD
from qualcoder.topics.quality import PARALLEL_FROM, QualityWorker

if TYPE_CHECKING:
    from qualcoder.project import Project

SMALL_CORPUS = 1000
APPROXIMATE_NEIGHBOURS = 1000
MIN_SEGMENTS = 20
MIN_LEMMAS = 3
FILLERS = {"euh", "bon", "voilà", "hein", "ben", "bah", "quoi", "oui", "non", "ok", "d'accord", "alors", "donc",
           "um", "uh", "yeah", "yes", "no", "okay", "like", "know", "mean", "sort", "kind", "really", "just",
           "être", "avoir", "faire", "aller", "pouvoir", "dire", "vouloir", "falloir", "savoir", "voir", "mettre",
           "venir", "prendre", "devoir", "be", "have", "do", "say", "go", "get", "make", "think", "rire", "laugh",
           "mme", "m.", "dr", "mr", "mrs", "ans", "an", "rires", "laughs", "inaudible"}


class TopicError(QualcoderError):
    code = "Q602"


@dataclass(frozen=True)
class TopicOptions:
    embeddings: str = "tfidf"
    language: str = "auto"  # auto: all with a multilingual backend, else each | each | fr | en | all
    clusterer: str = "auto"  # auto | hdbscan | kmeans:K
    min_topic_size: int | None = None
    nr_topics: int | str | None = None
    guided: bool = False
    seed: int = 0
    name: str | None = None


@dataclass
class GroupFit:
    language: str
    topics: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    quality: object = None  # its .result(): the quality figures, computed beside the next fit


def stop_words() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH

    return {w.lower() for w in FRENCH | ENGLISH} | FILLERS


def content_lemmas(lemma_lists: list[list[str]], stops: set[str]) -> list[str]:
    """Each segment's content lemmas joined by spaces: no stop word, punctuation or one-letter token (each
    distinct lemma is judged once).

    >>> content_lemmas([["le", "réseau", ",", "financer"]], {"le"})
    ['réseau financer']
    """
    vocabulary = {w for lemmas in lemma_lists for w in lemmas}
    content = {w for w in vocabulary if len(w) > 1 and WORD.match(w) and w not in stops}
    return [" ".join([w for w in lemmas if w in content]) for lemmas in lemma_lists]


def versions() -> dict[str, str]:
    found = {}
    for package in ("bertopic", "scikit-learn", "umap-learn", "hdbscan", "spacy", "sentence-transformers", "torch"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def _tfidf_backend(seed: int):
    from bertopic.backend import BaseEmbedder
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    class TfidfSvdBackend(BaseEmbedder):
        """TF-IDF of lemmas reduced by TruncatedSVD: embeddings without any model."""

        def __init__(self) -> None:
            super().__init__()
            self.vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                                              sublinear_tf=True, min_df=1)
            self.svd = None

        def fit(self, documents: list[str]):
            matrix = self.vectorizer.fit_transform(documents)
            components = max(2, min(100, matrix.shape[1] - 1, len(documents) - 1))
            self.svd = TruncatedSVD(n_components=components, random_state=seed).fit(matrix)
            return self

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return normalize(self.svd.transform(self.vectorizer.transform(documents)))

    return TfidfSvdBackend()


def _sentence_backend(cache):
    from bertopic.backend import BaseEmbedder

    class CachedSentenceBackend(BaseEmbedder):
        """A local sentence-transformers model behind the project's embedding cache."""

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return cache.embed(list(documents))

    return CachedSentenceBackend()


def _clusterer(options: TopicOptions, n: int, seed: int, announce: Callable[[int], None] | None = None
               ) -> tuple[object, dict]:
    """The clustering block and its report; ``announce(n_topics)``, when given, is called as soon as the number of
    topics is known (k-means: now; HDBSCAN: once it has clustered, before BERTopic computes the topic words)."""
    announce = announce or (lambda n_topics: None)
    choice = options.clusterer
    if choice == "auto":
        choice = "kmeans" if n < SMALL_CORPUS else "hdbscan"
        reason = f"{n} segments {'<' if n < SMALL_CORPUS else '>='} {SMALL_CORPUS}"
    else:
        reason = "asked"
    if choice.startswith("kmeans"):
        from sklearn.cluster import KMeans

        k = int(choice.split(":", 1)[1]) if ":" in choice else int(np.clip(round(np.sqrt(n / 4)), 4, 40))
        announce(min(k, n - 1))
        return KMeans(n_clusters=min(k, n - 1), random_state=seed, n_init=10), {
            "clusterer": "kmeans", "k": min(k, n - 1), "why": reason}
    if choice == "hdbscan":
        from hdbscan import HDBSCAN

        class AnnouncingHDBSCAN(HDBSCAN):
            def fit(self, X, y=None):
                super().fit(X, y)
                announce(len(set(self.labels_.tolist()) - {-1}))
                return self

        size = options.min_topic_size or max(5, min(50, n // 100))
        return AnnouncingHDBSCAN(min_cluster_size=size, metric="euclidean", cluster_selection_method="eom",
                                 prediction_data=True), {"clusterer": "hdbscan", "min_cluster_size": size, "why": reason}
    raise TopicError(f"clusterer {options.clusterer!r} is not known", place="--clusterer",
                     fix="Use hdbscan, kmeans or kmeans:K (K topics).")


def seed_topics(book, nlp, language: str, stops: set[str]) -> tuple[list[list[str]], list[str]]:
    """For guided mode: each code's pattern terms as lemmas, for one language."""
    from qualcoder.coding.rules import lemmatise

    seeds, codes = [], []
    for code in book.codes:
        patterns = code.patterns.get(language)
        if not patterns or not patterns.terms:
            continue
        lemmas = lemmatise(nlp, list(patterns.terms))
        words = list(dict.fromkeys(" ".join(w for w in lemmas[t] if w not in stops) for t in patterns.terms))
        words = [w for w in words if w]
        if words:
            seeds.append(words)
            codes.append(code.id)
    return seeds, codes


def people_words(project: Project) -> set[str]:
    """Words of speaker labels and attendee names: names are not topics."""
    from qualcoder.ingest.structure import TITLES

    names = project.speaker_labels()
    documents = project.documents_df(with_text=False, grouped=False)
    for attendees in documents.get("attendees", ()):
        for person in attendees if isinstance(attendees, list) else []:
            names.add(person.get("name", ""))
    return {w for name in names for w in re.split(r"[\s.]+", name.lower()) if len(w) > 1 and w not in TITLES}


def fit_group(frame: pd.DataFrame, options: TopicOptions, language: str, cache_folder, worker: QualityWorker,
              book=None, nlp=None, progress=None, extra_stops: frozenset[str] = frozenset()) -> GroupFit:
    """Fit one BERTopic model on segments (``lemmas``, ``text``) of one language (or all); the worker, which was
    given the group's documents, scores its topics."""
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from qualcoder.topics.embeddings import EmbeddingCache, describe

    seed, n = options.seed, len(frame)
    stops = stop_words() | extra_stops
    documents = frame["lemmas"].tolist()
    report: dict = {"segments": n, "random_state": seed}
    if options.embeddings == "tfidf":
        backend = _tfidf_backend(seed).fit(documents)
        embeddings = backend.embed(documents)
        report["embeddings"] = {"backend": "tfidf", "model": "TF-IDF + TruncatedSVD on lemmas",
                                "dimensions": int(embeddings.shape[1]), "encoded": 0}
    else:
        cache = EmbeddingCache(options.embeddings, cache_folder)
        embeddings = cache.embed(frame["text"].tolist(), progress=progress)
        backend = _sentence_backend(cache)
        report["embeddings"] = {"backend": options.embeddings, "model": describe(options.embeddings),
                                "dimensions": int(embeddings.shape[1]), "encoded": cache.encoded}
    neighbours = int(min(15, n - 1))
    # PCA initialisation: UMAP's spectral one changes from run to run when segments repeat (minutes' boilerplate)
    # nearest neighbours by NN-descent from 1,000 segments: UMAP's exact search calls a Python function per pair
    approximate = n >= APPROXIMATE_NEIGHBOURS
    reducer = UMAP(n_neighbors=neighbours, n_components=5, min_dist=0.0, metric="cosine", init="pca",
                   random_state=seed, n_jobs=1, force_approximation_algorithm=approximate)
    # the quality worker fits the NMF baseline (as many topics) while BERTopic computes the topic words; not when
    # BERTopic reduces the number of topics afterwards
    announce = (lambda n_topics: worker.baseline(language, n_topics, seed)) if options.nr_topics is None else None
    clusterer, cluster_report = _clusterer(options, n, seed, announce)
    # BERTopic applies the vectorizer to one document per topic: min_df must stay 1
    vectorizer = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2))
    seeds, seeded_codes = ([], [])
    if options.guided:
        if book is None:
            raise TopicError("guided mode needs a codebook", place="--guided",
                             fix="Load one with `qualcoder codebook load FILE`.")
        seeds, seeded_codes = seed_topics(book, nlp, language, stops)
    # a sentence model only where BERTopic needs one (embedding the seed words of guided mode): otherwise it would
    # also embed every topic's words after outlier reassignment, which plain BERTopic on given embeddings skips
    needs_model = options.embeddings == "tfidf" or options.guided
    # language: BERTopic strips every non-ASCII letter from the topic words when it is "english" (its default
    # without an embedding model): "réseau" became "rseau". It picks no model here: embeddings are always given
    model = BERTopic(embedding_model=backend if needs_model else None, language="multilingual",
                     umap_model=reducer, hdbscan_model=clusterer,
                     vectorizer_model=vectorizer, ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                     top_n_words=10, min_topic_size=options.min_topic_size or 10, nr_topics=options.nr_topics,
                     seed_topic_list=seeds or None, calculate_probabilities=False)
    topics, probabilities = model.fit_transform(documents, embeddings=embeddings)
    outliers_before = int(sum(t == -1 for t in topics))
    if outliers_before and cluster_report["clusterer"] == "hdbscan":
        # reassigning outliers is the last step here, which BERTopic's warning about it asks for
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        topics = model.reduce_outliers(documents, topics, strategy="c-tf-idf")
        model.update_topics(documents, topics=topics, vectorizer_model=vectorizer,
                            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True))
        probabilities = None
    probabilities = _probabilities(model, probabilities, topics)
    report.update({"blocks": {"reduction": f"UMAP(n_neighbors={neighbours}, n_components=5, min_dist=0.0, "
                                           f"metric=cosine, init=pca, random_state={seed}"
                                           f"{', nn-descent' if approximate else ''})", **cluster_report,
                              "vectorizer": "CountVectorizer on lemmas, 1-2 grams, spaCy fr+en stop words",
                              "representation": "c-TF-IDF (reduce_frequent_words)"},
                   "outliers_before_reduction": outliers_before,
                   "outliers": int(sum(t == -1 for t in topics)),
                   "guided_codes": seeded_codes, "nr_topics": options.nr_topics})
    fit = GroupFit(language)
    sizes = pd.Series(topics).value_counts().to_dict()
    words_by_topic = {}
    for topic in sorted(set(topics)):
        words = [w for w, _ in (model.get_topic(topic) or [])][:10]
        words_by_topic[topic] = words
        label = "outliers" if topic == -1 else ", ".join(words[:4])
        fit.topics.append({"language": language, "topic": int(topic), "label": label, "words": words,
                           "size": int(sizes.get(topic, 0))})
    for row, topic, probability in zip(frame.itertuples(), topics, probabilities):
        fit.assignments.append({"segment_id": int(row.segment_id), "document_id": int(row.doc_id),
                                "start": int(row.start), "end": int(row.end), "language": language,
                                "topic": int(topic), "probability": None if probability is None else
                                round(float(probability), 4)})
    real = [words for topic, words in words_by_topic.items() if topic != -1]
    fit.quality = worker.score(language, real, seed)
    fit.report = report
    return fit


def _probabilities(model, probabilities, topics) -> list[float | None]:
    """HDBSCAN's membership strength; for k-means, a softmax of the negative distances to the centroids
    in the reduced space (taken for the assigned topic)."""
    if probabilities is not None and np.ndim(probabilities) == 1 and len(probabilities) == len(topics):
        return [float(p) for p in probabilities]
    clusterer = model.hdbscan_model
    reduced = getattr(model.umap_model, "embedding_", None)
    if hasattr(clusterer, "transform") and reduced is not None and not model.seed_topic_list:
        distances = clusterer.transform(reduced)
        weights = np.exp(-(distances - distances.min(axis=1, keepdims=True)))
        shares = weights / weights.sum(axis=1, keepdims=True)
        return [float(share.max()) for share in shares]
    return [None] * len(topics)


def fit_topics(project: Project, options: TopicOptions, progress=None) -> int:
    """Fit, store and return the run id."""
    if options.language not in ("auto", "fr", "en", "all", "each"):
        raise TopicError(f"language {options.language!r} is not known", place="--language",
                         fix="Use fr, en, all (one model), each (one model per language), or leave it out (auto: "
                             "one shared model with a multilingual backend, else one per language).")
    if options.embeddings not in ("tfidf",):
        from qualcoder.topics.embeddings import model_directory

        model_directory(options.embeddings)  # the clear offline error, before any work
    name = options.name or datetime.now().strftime("run-%Y%m%d-%H%M%S")
    if project.topic_run_taken(name):
        raise TopicError(f"a topic run named {name!r} exists", place="--name", fix="Choose another name.")
    segments, stops = _segments_with_lemmas(project)
    if segments.empty:
        raise NotSegmented("the project has no segments", place="project", fix="Run `qualcoder segment` first.")
    short = segments["lemmas"].str.split().str.len() < MIN_LEMMAS
    usable = segments[~short]
    language_choice = _language_choice(options)
    groups = _groups(usable, language_choice)
    book = project.codebook() if (options.guided and project.has_codebook()) else None
    if options.guided and book is None:
        raise TopicError("guided mode needs a codebook", place="--guided",
                         fix="Load one with `qualcoder codebook load FILE`.")
    fits, notes = [], []
    if options.language == "auto" and language_choice == "all" and usable["language"].nunique() > 1:
        notes.append(f"French and English were fitted together: `{options.embeddings}` is multilingual, so both "
                     "languages share one embedding space (`--language each` fits them separately).")
    if language_choice in ("auto", "each") and len(groups) > 1:
        notes.append("French and English were fitted separately: without a multilingual embedding model they "
                     "share no embedding space. Topics are aligned through the codebook (topics align).")
    modelled = {}
    for language, frame in groups.items():
        if len(frame) < MIN_SEGMENTS:
            notes.append(f"{language}: {len(frame)} segments, too few to model (at least {MIN_SEGMENTS}).")
        else:
            modelled[language] = frame
    # largest first: the quality of the last group is what the fit waits for
    modelled = dict(sorted(modelled.items(), key=lambda item: -len(item[1])))
    with QualityWorker(parallel=len(usable) >= PARALLEL_FROM) as worker:
        for language, frame in modelled.items():
            worker.prepare(language, frame["lemmas"].tolist())
        for language, frame in modelled.items():
            nlp = project.nlp(language if language in ("fr", "en") else "fr")
            fits.append(fit_group(frame, options, language, project.folder / "cache" / "embeddings", worker, book,
                                  nlp, progress, frozenset(stops)))
            if progress:
                progress("topics", len(fits), len(modelled))
        if not fits:
            raise TopicError("no language has enough segments to model", place="project",
                             fix=f"Topic models need at least {MIN_SEGMENTS} segments of {MIN_LEMMAS}+ content "
                                 "words.")
        params = {**asdict(options), "name": name}
        report = {"groups": {f.language: f.report for f in fits}, "notes": notes,
                  "segments_too_short": int(short.sum()), "versions": versions()}

        def with_quality() -> dict:
            for fit in fits:
                fit.report["quality"] = fit.quality.result()
            return report

        topics = [t for f in fits for t in f.topics]
        assignments = [a for f in fits for a in f.assignments]
        # the rows are written while the last group's quality figures are computed
        return project.save_topic_run(name, params, report, topics, assignments, complete_report=with_quality)


def _segments_with_lemmas(project: Project) -> tuple[pd.DataFrame, set[str]]:
    """The segments with their content lemmas, and the stop words used. Kept on the project for the next fit
    (a second fit with other parameters is the usual next step) while documents, parses and segments stay."""
    from qualcoder.coding.suggest import segment_lemma_lists

    def build() -> tuple[pd.DataFrame, set[str]]:
        stops = stop_words() | people_words(project)
        segments = project.segments_df()
        return segments.assign(lemmas=content_lemmas(segment_lemma_lists(project, segments), stops)), stops

    revision = project.revision()
    return project.cached("topic inputs", (revision.documents, revision.parses, revision.segments), build)


def _language_choice(options: TopicOptions) -> str:
    """``auto`` becomes one shared model (``all``) with a multilingual backend: a bilingual study's topics then
    share one space; TF-IDF and English-only models keep one model per language."""
    from qualcoder.topics.embeddings import MULTILINGUAL

    if options.language == "auto" and options.embeddings in MULTILINGUAL:
        return "all"
    return options.language


def _groups(segments: pd.DataFrame, language: str) -> dict[str, pd.DataFrame]:
    if language == "all":
        return {"all": segments}
    if language in ("fr", "en"):
        return {language: segments[segments["language"] == language]}
    return {lang: frame for lang, frame in segments.groupby("language")}
