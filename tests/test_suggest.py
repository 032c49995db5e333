"""Model-assisted coding on a generated two-theme corpus: estimator conventions, suggestions, decisions,
active learning, evaluation and reproducibility."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from qualcoder.coding.classifier import CodeClassifier
from qualcoder.coding.suggest import ModelNotTrained

BOOK = """\
format: qualcoder-codebook/1
id: two-themes
codes:
  - id: financement
    label: {fr: Financement, en: Funding}
    definition: {fr: d, en: d}
    color: "#111111"
  - id: territoire
    label: {fr: Territoire, en: Territory}
    definition: {fr: d, en: d}
    color: "#222222"
"""
MONEY = ["Le budget du réseau dépend de la DNDR.", "La dotation annuelle arrive toujours en retard.",
         "Nous attendons le renouvellement du financement.", "Les crédits du FAQSV sont épuisés.",
         "La subvention couvre à peine le poste.", "Le financement des réunions reste fragile."]
TURF = ["Le médecin refuse que l'infirmière fasse ce bilan.", "Chacun défend son champ de compétence.",
        "L'orthophoniste dit que ce test est son domaine.", "Le généraliste se sent dépossédé de son patient.",
        "La psychologue conteste le rôle du neurologue.", "Les frontières entre les métiers bougent."]
OTHER = ["La réunion commence à dix-huit heures.", "Il pleuvait ce jour-là.", "Le café était froid."]


@pytest.fixture
def trained(make_project, tmp_path):
    rng = random.Random(3)
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(8):
        lines = [f"Enq. : Question {number} ?"]
        for _ in range(6):
            lines.append("R : " + " ".join(rng.sample(MONEY + TURF + OTHER, 2)))
        (folder / f"e{number}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(BOOK, encoding="utf-8")
    project = make_project()
    project.import_files([folder], language="fr")
    project.segment("sentence")
    project.load_codebook(tmp_path / "book.yaml")
    segments = project.segments_df()
    for row in segments.itertuples():
        if int(row.doc_id) > 6:
            continue  # documents 7 and 8 stay uncoded
        for code, pool in (("financement", MONEY), ("territoire", TURF)):
            if row.text in pool:
                project.add_coding(code, "alice", segment=int(row.segment_id))
    return project


def test_estimator_conventions():
    model = CodeClassifier(C=2.0, min_positives=1, threshold_folds=2)
    assert model.get_params()["C"] == 2.0 and clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.predict_proba(["budget"])
    X = ["budget dndr", "dndr crédit", "budget crédit", "médecin champ", "champ domaine", "domaine médecin"]
    Y = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1]])
    model.fit(X, Y, codes=["money", "turf"])
    assert list(model.classes_) == ["money", "turf"] and model.n_features_in_ > 0
    assert model.predict_proba(["crédit budget"])[0, 0] > 0.5


def test_train_suggest_decide_and_reproduce(trained):
    info = trained.train()
    assert info["codes"] == ["financement", "territoire"] and (trained.folder / "models/classifier.joblib").exists()
    count = trained.suggest(min_confidence=0.5)
    suggestions = trained.codings_df(status="suggested")
    assert count == len(suggestions) > 0
    human = trained.codings_df(coder="alice")
    pairs = set(zip(human.doc_id, human.start, human.code))
    assert not pairs & set(zip(suggestions.doc_id, suggestions.start, suggestions.code))  # never what a human coded
    assert 7 in set(suggestions.doc_id)
    by_text = suggestions.groupby("text")["code"].agg(set)
    money = [t for t in by_text.index if any(m in t for m in MONEY)]
    assert money and all("financement" in by_text[t] for t in money if t in MONEY)
    first = suggestions.iloc[0]
    trained.reject_suggestion(int(first.coding_id), "bob")
    again = trained.suggest(min_confidence=0.5)
    assert again == count - 1  # a rejected suggestion is not made again
    decided = trained.codings_df(status="rejected")
    assert list(decided.decided_by) == ["bob"]
    trained.train()
    before = trained.codings_df(status="suggested")[["start", "code", "confidence"]].reset_index(drop=True)
    trained.suggest(min_confidence=0.5)
    after = trained.codings_df(status="suggested")[["start", "code", "confidence"]].reset_index(drop=True)
    assert before.equals(after)


def test_uncertain_segments_are_uncoded(trained):
    trained.train()
    frame = trained.uncertain_segments(5)
    assert len(frame) == 5 and frame["probability"].between(0, 1).all()
    human = trained.codings_df(coder="alice")
    segments = trained.segments_df().set_index("segment_id")
    for sid in frame.segment_id:
        row = segments.loc[sid]
        assert not ((human.doc_id == row.doc_id) & (human.start == row.start)).any()


def test_evaluate_reports_rules_and_model(trained):
    result = trained.evaluate(folds=3)
    frame = result.per_code
    assert list(frame.code) == ["financement", "territoire"]
    assert (frame["model_f1"] > 0.7).all() and (frame["baseline_f1"] >= 0).all()
    assert frame["rules_f1"].isna().all()  # this codebook has no patterns: n/a, not 0
    assert set(result.summary["method"]) == {"model", "baseline"}  # no rules, zero-shot not asked
    assert result.left_out == []


def test_suggest_before_training_is_a_clear_error(trained):
    with pytest.raises(ModelNotTrained, match="qualcoder train"):
        trained.suggest()


def test_embeddings_are_offline_cached_and_used(trained):
    from qualcoder.errors import EmbeddingModelUnavailable
    from qualcoder.topics.embeddings import EmbeddingCache

    info = trained.train(embeddings="minilm")
    assert info["params"]["embeddings"] == "minilm"
    assert trained.suggest(min_confidence=0.5) > 0  # embeds every segment once
    cache = EmbeddingCache("minilm", trained.folder / "cache" / "embeddings")
    vectors = cache.embed(trained.segments_df()["text"].tolist())
    assert vectors.shape[1] == 384 and cache.encoded == 0  # all cached: nothing encoded again
    with pytest.raises(EmbeddingModelUnavailable, match="never downloads"):
        trained.train(embeddings="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
