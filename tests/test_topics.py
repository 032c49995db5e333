"""Real BERTopic on generated data and on the demo: reproducibility, per-language fits, guided mode, the
embedding cache, the clear offline error, and the tables built from a run."""

from __future__ import annotations

import random

import pytest

from qualcoder.errors import EmbeddingModelUnavailable
from qualcoder.topics.model import TopicError

THEMES_FR = {
    "financement": "le financement du réseau dépend de la dotation annuelle et du fonds régional",
    "territoire": "le médecin généraliste défend son territoire face à l'infirmière et au neurologue",
    "aidants": "la fille aidante est épuisée et demande un accueil de jour pour sa mère",
}
THEMES_EN = {
    "funding": "the commissioners fund the team for one more year and ask for quarterly reports",
    "carers": "the daughter caring for her mother at home is exhausted and needs respite",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from conftest import REPO

    from qualcoder import Project

    rng = random.Random(0)
    folder = tmp_path_factory.mktemp("topics") / "docs"
    folder.mkdir(parents=True)
    for language, themes in (("fr", THEMES_FR), ("en", THEMES_EN)):
        for number in range(6):
            paragraphs = []
            for sentence in themes.values():
                for _ in range(6):
                    words = sentence.split()
                    rng.shuffle(words)
                    paragraphs.append(" ".join(words[: len(words) - 2]).capitalize() + ".")
            rng.shuffle(paragraphs)
            (folder / f"{language}-{number}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    p = Project.create(tmp_path_factory.mktemp("topics-project") / "p")
    p.import_files([folder])
    p.segment("paragraph")
    p.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    p.autocode()
    yield p
    p.close()


def _themes_recovered(run, language, themes) -> float:
    """Share of segments whose topic's majority theme is their own."""
    frame = run.assignments[run.assignments.language == language].copy()
    frame["theme"] = [next((t for t, s in themes.items() if s.split()[1] in text.lower()), None)
                      for text in frame.text]
    majority = frame.groupby("key")["theme"].agg(lambda s: s.value_counts().index[0])
    return float((frame["key"].map(majority) == frame["theme"]).mean())


def test_per_language_fit_is_reproducible_and_recovers_the_themes(project):
    first = project.fit_topics(clusterer="kmeans:3", name="a")
    second = project.fit_topics(clusterer="kmeans:3", name="b")
    assert set(first.topics.language) == {"fr", "en"}
    assert "fitted separately" in first.report["notes"][0]
    assert first.assignments[["segment_id", "key"]].equals(second.assignments[["segment_id", "key"]])
    assert list(first.topics.label) == list(second.topics.label)
    assert _themes_recovered(first, "fr", THEMES_FR) > 0.8
    groups = first.report["groups"]
    assert groups["fr"]["blocks"]["clusterer"] == "kmeans" and groups["fr"]["random_state"] == 0
    assert "bertopic" in first.report["versions"]
    quality = first.quality().set_index("language")
    assert quality.loc["fr", "bertopic_diversity"] > 0 and "nmf_npmi" in quality.columns
    from qualcoder.topics.tables import compare_runs

    _, summary = compare_runs(first, second)
    assert summary["adjusted_rand"] == 1.0


def test_small_corpus_defaults_are_chosen_and_said(project):
    run = project.fit_topics(name="auto-defaults", language="fr")
    blocks = run.report["groups"]["fr"]["blocks"]
    assert blocks["clusterer"] == "kmeans" and "< 1000" in blocks["why"]
    assert set(run.topics.language) == {"fr"}


def test_hdbscan_reassigns_outliers_and_is_scored_against_as_many_nmf_topics(project):
    run = project.fit_topics(name="hdbscan", language="fr", clusterer="hdbscan", min_topic_size=5)
    group = run.report["groups"]["fr"]
    assert group["blocks"]["clusterer"] == "hdbscan" and group["blocks"]["min_cluster_size"] == 5
    real = run.topics[run.topics.topic != -1]
    assert len(real) >= 2 and group["outliers"] == 0 and (run.assignments.topic >= 0).all()
    assert group["quality"]["topics"] == len(real) and group["quality"]["nmf_baseline"]["fitted_on_segments"] == 108
    assert _themes_recovered(run, "fr", THEMES_FR) > 0.8


def test_guided_mode_seeds_with_the_codebook(project):
    run = project.fit_topics(name="guided", language="fr", guided=True, clusterer="kmeans:3")
    assert "financement.sources" in run.report["groups"]["fr"]["guided_codes"]
    assert len(run.topics) >= 2


def test_tables_and_figures(project):
    run = project.topic_run("a")
    assert abs(run.topics.groupby("language")["share"].sum() - 1).max() < 1e-3
    assert {"fr", "en"} == set(run.per_class("type").key.str[:2])
    codes = run.code_table()
    assert not codes.empty and codes["share_of_topic"].between(0, 1).all()
    aligned = run.aligned()
    assert set(aligned.topic_a.str[:2]) <= {"en"} and set(aligned.topic_b.str[:2]) <= {"fr"}
    assert run.figure_sizes().data and run.figure_codes().data
    assert project.topic_runs_df()["name"].tolist()[:2] == ["a", "b"]


def test_minilm_cache_makes_the_second_fit_encode_nothing(project):
    first = project.fit_topics(embeddings="minilm", language="en", name="minilm-1", clusterer="kmeans:2")
    second = project.fit_topics(embeddings="minilm", language="en", name="minilm-2", clusterer="kmeans:3")
    english = int((first.assignments["language"] == "en").sum())
    assert first.report["groups"]["en"]["embeddings"]["encoded"] == english > 0  # a fresh project's cache is empty
    assert second.report["groups"]["en"]["embeddings"]["encoded"] == 0
    assert _themes_recovered(second, "en", THEMES_EN) > 0.6


def test_a_hub_name_fails_at_once(project):
    # "at once": refused before any download is tried (the time it takes is the benchmarks' business)
    with pytest.raises(EmbeddingModelUnavailable, match="never downloads"):
        project.fit_topics(embeddings="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", name="x")
    with pytest.raises(TopicError, match="exists"):
        project.fit_topics(name="a")


def test_quality_figures_by_hand_and_in_the_worker_process():
    from qualcoder.topics.quality import DocumentTerms, QualityWorker, diversity, npmi

    documents = ["soin patient", "soin patient", "budget tutelle", "budget tutelle", "soin budget"]
    terms = DocumentTerms.of(documents)
    # p(soin) = 3/5, p(patient) = 2/5, p(soin, patient) = 2/5: log(0.4 / 0.24) / -log(0.4)
    assert npmi([["soin", "patient"]], terms) == pytest.approx(0.5575, abs=1e-4)
    assert npmi([["patient", "tutelle"]], terms) == -1.0
    assert diversity([["soin", "patient"], ["soin", "budget"]]) == 0.75
    topics = [["soin", "patient"], ["budget", "tutelle"]]
    with QualityWorker(parallel=False) as serial, QualityWorker(parallel=True) as parallel:
        for worker in (serial, parallel):
            worker.prepare("fr", documents)
        here, there = serial.score("fr", topics, 0).result(), parallel.score("fr", topics, 0).result()
    assert here == there and here["topics"] == 2 and here["nmf_baseline"]["fitted_on_segments"] == 5


def test_a_baseline_fitted_beforehand_gives_the_same_figures():
    """The worker may fit the NMF baseline as soon as the number of topics is known; the figures must be those
    of a baseline fitted at scoring time, and a baseline fitted for another number of topics is fitted again."""
    from qualcoder.topics.quality import QualityWorker

    rng = random.Random(0)
    vocabulary = ["soin", "patient", "budget", "tutelle", "médecin", "réseau", "formation", "hôpital"]
    documents = [" ".join(rng.choices(vocabulary, k=6)) for _ in range(60)]
    topics = [["soin", "patient"], ["budget", "tutelle"], ["réseau", "formation"]]
    answers = {}
    for case, announced in (("none", None), ("same", 3), ("other", 5)):
        with QualityWorker(parallel=True) as worker:
            worker.prepare("fr", documents)
            if announced is not None:
                worker.baseline("fr", announced, 0)
            answers[case] = worker.score("fr", topics, 0).result()
    assert answers["none"] == answers["same"] == answers["other"]
    assert answers["none"]["nmf_baseline"]["fitted_on_segments"] == 60 and answers["none"]["topics"] == 3
