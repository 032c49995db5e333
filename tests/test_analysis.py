"""The analysis tables: exact figures on a tiny hand-coded project, sanity on the demo, the CLI, the errors."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, hypergeom
from typer.testing import CliRunner

from qualcoder import Project, analysis
from qualcoder.analysis.specificities import log_tail
from qualcoder.cli import app
from qualcoder.coding.manual import coding_row

runner = CliRunner()

INTERVIEW = """Mme Roux : Les infirmières du secteur appellent les infirmières libérales. Une infirmière vient chaque matin.

Dr Petit : Le budget du réseau dépend du financement régional.

Mme Roux : Nous, infirmières, nous organisons les visites. Les infirmiers aussi.

Dr Petit : Le financement manque, le budget baisse, le financement reste fragile.
"""

CODEBOOK = """format: qualcoder-codebook/1
id: tiny
codes:
  - id: soin
    label: {fr: Soin, en: Care}
    definition: {fr: Le soin., en: Care.}
  - id: soin.visite
    parent: soin
    label: {fr: Visite, en: Visit}
    definition: {fr: Les visites., en: Visits.}
  - id: argent
    label: {fr: Argent, en: Money}
    definition: {fr: Le financement., en: Funding.}
"""

# segment -> codes, by coder. Segments 1-2: meeting of 2004-01-15, 3: meeting of 2004-05-13, 4-7: the interview.
# Odd segments are Dr Petit's (médecin), even ones Mme Roux's (infirmière).
ANN = {1: ["argent"], 2: ["soin"], 3: ["argent"], 4: ["soin", "soin.visite"], 5: ["argent"], 6: ["soin.visite"],
       7: ["argent", "soin"]}
BOB = {4: ["soin"], 5: ["soin"]}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Project:
    """7 segments, 3 codes, 2 coders and one open model suggestion (argent on segment 6)."""
    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "entretien.txt").write_text(INTERVIEW, encoding="utf-8")
    (corpus / "cr-2004-01-15.txt").write_text("Dr Petit : Le budget est voté.\n\nMme Roux : Les infirmières sont "
                                              "prévenues.\n", encoding="utf-8")
    (corpus / "cr-2004-05-13.txt").write_text("Dr Petit : Le financement est reconduit.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text("file,type,date,network,language\n"
                                         "entretien.txt,interview,2007-03-14,Réseau A,fr\n"
                                         "cr-2004-01-15.txt,minutes,2004-01-15,Réseau A,fr\n"
                                         "cr-2004-05-13.txt,minutes,2004-05-13,Réseau A,fr\n", encoding="utf-8")
    (corpus / "speakers.csv").write_text("speaker,role,profession,organisation,file\n"
                                         "Mme Roux,participant,infirmière,Réseau A,\n"
                                         "Dr Petit,participant,médecin,Réseau A,\n", encoding="utf-8")
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.create(root / "project")
    project.import_files([corpus])
    assert project.segment("paragraph") == 7
    project.load_codebook(root / "codebook.yaml")
    segments = project.segments_df().set_index("segment_id")
    assert segments.loc[[1, 3, 5, 7], "profession"].eq("médecin").all()
    assert segments.loc[[2, 4, 6], "profession"].eq("infirmière").all()
    for coder, coded in (("ann", ANN), ("bob", BOB)):
        for segment, codes in coded.items():
            for code in codes:
                project.add_coding(code, coder, segment=segment)
    row = segments.loc[6]
    text = project.document(int(row["doc_id"])).text
    project.repo.add_codings([coding_row(int(row["doc_id"]), text, int(row["start"]), int(row["end"]), "argent",
                                         "model", source="model", status="suggested", version="x", confidence=0.7)])
    yield project
    project.close()


# -- exact figures on the tiny project -------------------------------------------------------------------

def test_coded_units_counts_applied_codings_with_their_coders(tiny):
    units = analysis.coded_units(tiny)
    assert len(units) == 10  # 9 (segment, code) pairs of ann, plus soin on segment 5 by bob
    both = units[(units["segment_id"] == 4) & (units["code"] == "soin")].iloc[0]
    assert both["coders"] == "ann, bob" and both["n_coders"] == 2
    assert {"profession", "type", "period", "year", "network", "words"} <= set(units.columns)
    assert not ((units["segment_id"] == 6) & (units["code"] == "argent")).any()
    with_suggestions = analysis.coded_units(tiny, include_suggestions=True)
    assert ((with_suggestions["segment_id"] == 6) & (with_suggestions["code"] == "argent")).any()
    assert len(analysis.coded_units(tiny, coders=["bob"])) == 2
    assert len(analysis.coded_units(tiny, sources=["model"], include_suggestions=True)) == 1


def test_frequencies_overall_and_rolled_up(tiny):
    frequencies = analysis.code_frequencies(tiny).set_index("code")
    assert frequencies.loc["soin", "segments"] == 4 and frequencies.loc["soin", "documents"] == 2
    assert frequencies.loc["argent", "segments"] == 4 and frequencies.loc["argent", "documents"] == 3
    assert frequencies.loc["soin", "share"] == round(4 / 7, 4)
    assert frequencies.loc["soin", "label"] == "Soin"
    words = tiny.segments_df().set_index("segment_id")["text"].str.split().str.len()
    assert frequencies.loc["argent", "words"] == words.loc[[1, 3, 5, 7]].sum()
    rolled = analysis.code_frequencies(tiny, level=1).set_index("code")
    assert list(rolled.index) == ["soin", "argent"]
    assert rolled.loc["soin", "segments"] == 5  # the union of soin and soin.visite: segments 2, 4, 5, 6, 7
    subtree = analysis.code_frequencies(tiny, codes=["soin"]).set_index("code")
    assert subtree.loc["soin", "segments"] == 5


def test_frequencies_by_profession(tiny):
    frame = analysis.code_frequencies(tiny, "profession").set_index(["profession", "code"])
    assert frame.loc[("infirmière", "soin"), "segments"] == 2
    assert frame.loc[("infirmière", "soin"), "share"] == round(2 / 3, 4)
    assert frame.loc[("médecin", "argent"), "share"] == 1.0
    assert ("infirmière", "argent") not in frame.index


def test_cooccurrence_same_segment_and_window(tiny):
    pairs = analysis.cooccurrence(tiny, level=1)
    row = pairs.iloc[0]
    assert {row["code_a"], row["code_b"]} == {"soin", "argent"}
    assert row["count"] == 2 and row["jaccard"] == round(2 / 7, 4)
    # windows of 2 consecutive segments per document: {1,2} {3} {4,5} {5,6} {6,7}
    windowed = analysis.cooccurrence(tiny, level=1, window=1).iloc[0]
    assert windowed["count"] == 4 and windowed["jaccard"] == round(4 / 5, 4)
    matrix = analysis.cooccurrence_matrix(tiny, level=1)
    assert matrix.loc["soin", "soin"] == 5 and matrix.loc["argent", "soin"] == matrix.loc["soin", "argent"] == 2
    jaccard = analysis.cooccurrence_matrix(tiny, level=1, measure="jaccard")
    assert jaccard.loc["soin", "argent"] == round(2 / 7, 4) and jaccard.loc["argent", "argent"] == 1.0
    detailed = analysis.cooccurrence(tiny).set_index(["code_a", "code_b"])
    assert detailed.loc[("soin", "soin.visite"), "count"] == 1
    assert ("soin.visite", "argent") not in detailed.index
    assert analysis.cooccurrence(tiny, include_suggestions=True).set_index(["code_a", "code_b"]).loc[
        ("soin.visite", "argent"), "count"] == 1


def test_crosstab_matches_scipy_and_residual_signs(tiny):
    table = analysis.crosstab(tiny, "profession", level=1)
    assert table.observed.loc["soin"].tolist() == [3, 2] and table.observed.loc["argent"].tolist() == [0, 4]
    chi2, p_value, dof, expected = chi2_contingency([[3, 2], [0, 4]], correction=False)
    assert table.chi2 == pytest.approx(chi2) and table.p_value == pytest.approx(p_value) and table.dof == dof
    assert np.allclose(table.expected.to_numpy(), expected)
    assert table.residuals.loc["argent", "infirmière"] < 0 < table.residuals.loc["argent", "médecin"]
    assert table.cramers_v == pytest.approx(math.sqrt(chi2 / 9))
    assert table.low_expected_share == 1.0  # every expected count of this tiny table is below 5
    long = table.long()
    assert list(long.columns) == ["code", "group", "observed", "expected", "residual"] and len(long) == 4


def test_timeline_per_meeting_and_per_year(tiny):
    meetings = analysis.timeline(tiny, level=1)
    assert meetings["period"].unique().tolist() == ["corpus/cr-2004-01-15.txt", "corpus/cr-2004-05-13.txt"]
    first = meetings[meetings["period"] == "corpus/cr-2004-01-15.txt"].set_index("code")
    assert first["share"].tolist() == [0.5, 0.5] and first["period_segments"].tolist() == [2, 2]
    second = meetings[meetings["period"] == "corpus/cr-2004-05-13.txt"].set_index("code")
    assert second.loc["soin", "segments"] == 0 and second.loc["argent", "share"] == 1.0
    years = analysis.timeline(tiny, period="year", level=1).set_index(["period", "code"])
    assert years.loc[("2004", "argent"), "share"] == round(2 / 3, 4)
    assert years.loc[("2007", "soin"), "share"] == 1.0 and years.loc[("2007", "argent"), "share"] == 0.5
    assert np.allclose(years.groupby("period")["code_share"].sum(), 1.0, atol=1e-3)
    assert (years["share"] * years["period_segments"]).round().astype(int).equals(years["segments"])


def test_presence_matrix_matches_coded_units(tiny):
    matrix = analysis.presence_matrix(tiny)
    assert len(matrix) == 7 and list(matrix.columns[-3:]) == ["soin", "soin.visite", "argent"]
    units = analysis.coded_units(tiny)
    assert matrix[["soin", "soin.visite", "argent"]].sum().to_dict() == units.groupby("code").size().to_dict()
    assert matrix.set_index("segment_id").loc[7, ["soin", "argent"]].tolist() == [1, 1]
    documents = analysis.presence_matrix(tiny, unit="document", level=1).set_index("doc")
    assert documents.loc["corpus/cr-2004-05-13.txt", ["soin", "argent"]].tolist() == [0, 1]


def test_kwic_lemma_phrase_and_regex(tiny):
    found = analysis.kwic(tiny, "infirmier", width=20)
    assert {"infirmières", "infirmière", "infirmiers"} <= set(found["match"])
    assert found["profession"].eq("infirmière").all()
    assert list(found.columns[:9]) == ["doc", "speaker", "profession", "segment_id", "start", "end", "left", "match",
                                       "right"]
    row = found.iloc[0]
    text = tiny.document(int(row["doc_id"])).text
    assert text[row["start"]:row["end"]] == row["match"] and len(row["left"]) <= 20
    assert len(analysis.kwic(tiny, "le budget", mode="phrase")) == 3
    regex = analysis.kwic(tiny, r"financ\w+", mode="regex")
    assert len(regex) == 4 and regex["speaker"].eq("Dr Petit").all()


def test_specificities_hypergeometric_and_loglik(tiny):
    frame = analysis.specificities(tiny, "profession", min_count=2)
    nurse = frame[(frame["group"] == "infirmière") & (frame["word"] == "infirmier")].iloc[0]
    assert nurse["group_count"] == nurse["total_count"] >= 5 and nurse["score"] > 1
    expected_p = hypergeom.sf(nurse["group_count"] - 1, nurse["total_tokens"], nurse["total_count"],
                              nurse["group_tokens"])
    assert nurse["p_value"] == pytest.approx(expected_p) and nurse["score"] == pytest.approx(-math.log10(expected_p),
                                                                                             abs=1e-3)
    doctor = frame[(frame["group"] == "médecin") & (frame["word"] == "infirmier")].iloc[0]
    assert doctor["score"] < 0
    assert frame[(frame["group"] == "médecin") & (frame["word"] == "financement")]["score"].iloc[0] > 0
    assert not frame["word"].isin(["le", "les", "du", "nous"]).any()
    loglik = analysis.specificities(tiny, "profession", min_count=2, method="loglik")
    row = loglik[(loglik["group"] == "infirmière") & (loglik["word"] == "infirmier")].iloc[0]
    a, b = row["group_count"], row["total_count"] - row["group_count"]
    c, d = row["group_tokens"], row["total_tokens"] - row["group_tokens"]
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    g2 = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0.0))
    assert row["score"] == pytest.approx(g2, abs=1e-3)
    top = analysis.specificities(tiny, "profession", min_count=2, top=1)
    assert top.groupby("group").size().max() <= 2


def test_hypergeometric_tail_matches_scipy():
    k = np.array([0, 3, 40, 7, 120])
    big = np.array([50, 10, 60, 300, 130])
    draws = np.array([900, 200, 400, 150, 2000])
    upper = k >= big * draws / 5000
    ours = log_tail(k, 5000, big, draws, upper)
    scipy_p = np.where(upper, hypergeom.sf(k - 1, 5000, big, draws), hypergeom.cdf(k, 5000, big, draws))
    assert np.allclose(ours, np.log(scipy_p), rtol=1e-9)


# -- errors name the option -------------------------------------------------------------------------------

def test_errors_name_the_option_and_the_valid_values(tiny, tmp_path):
    with pytest.raises(analysis.UnknownAttribute) as error:
        analysis.code_frequencies(tiny, "job")
    assert "--by" in str(error.value) and "profession" in str(error.value) and error.value.code == "Q802"
    with pytest.raises(analysis.UnknownCodeOption) as error:
        analysis.crosstab(tiny, "profession", codes=["money"])
    assert "--codes" in str(error.value) and "argent" in str(error.value)
    with pytest.raises(analysis.InvalidQuery) as error:
        analysis.kwic(tiny, "(unclosed", mode="regex")
    assert "QUERY" in str(error.value) and "does not compile" in str(error.value)
    with pytest.raises(analysis.AnalysisError, match=r"--coders.*ann, bob"):
        analysis.code_frequencies(tiny, coders=["carol"])
    with pytest.raises(analysis.AnalysisError, match=r"--period.*meeting, month"):
        analysis.timeline(tiny, period="week")
    with pytest.raises(analysis.AnalysisError, match="--level"):
        analysis.code_frequencies(tiny, level=1, codes=["soin.visite"])
    empty = Project.create(tmp_path / "empty")
    with pytest.raises(analysis.NothingToAnalyse, match="no segments"):
        analysis.code_frequencies(empty)
    empty.close()


def test_no_codebook_is_an_error(sqlite_project, sample_dir):
    sqlite_project.import_files([sample_dir])
    sqlite_project.segment("paragraph")
    with pytest.raises(analysis.NothingToAnalyse, match="no codebook") as error:
        analysis.coded_units(sqlite_project)
    assert "codebook load" in str(error.value)
    assert len(analysis.kwic(sqlite_project, "infirmier")) >= 2  # KWIC needs no codebook


# -- the CLI ------------------------------------------------------------------------------------------------

def _csv(args: list[str]) -> pd.DataFrame:
    result = runner.invoke(app, ["report", *args, "--csv"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


def test_cli_reports_as_csv(tiny, tmp_path):
    project = ["-p", str(tiny.folder)]
    frequencies = _csv(["frequencies", "--by", "profession", "--coders", "ann,bob", "--level", "1", *project])
    assert set(frequencies.columns) >= {"profession", "code", "segments", "share"}
    assert _csv(["cooccurrence", "--window", "1", "--level", "1", *project])["count"].tolist() == [4]
    assert _csv(["crosstab", "--by", "profession", "--level", "1", *project])["observed"].sum() == 9
    assert _csv(["timeline", "--period", "year", *project])["period"].unique().tolist() == [2004, 2007]
    assert len(_csv(["presence", "--unit", "document", *project])) == 3
    assert len(_csv(["kwic", "infirmier", "--width", "10", *project])) >= 5
    specific = _csv(["specificities", "--by", "profession", "--min-count", "2", "--top", "3", *project])
    assert specific.groupby("group").size().max() <= 6
    output = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["report", "cooccurrence", "--matrix", "--measure", "jaccard", "--level", "1",
                                 "--output", str(output), *project])
    assert result.exit_code == 0 and pd.read_csv(output).set_index("code").loc["soin", "argent"] == round(2 / 7, 4)


def test_cli_tables_warnings_and_errors(tiny):
    project = ["-p", str(tiny.folder)]
    result = runner.invoke(app, ["report", "crosstab", "--by", "profession", "--level", "1", *project])
    assert result.exit_code == 0 and "chi2 =" in result.output and "below 5" in result.output
    result = runner.invoke(app, ["report", "kwic", "infirmier", "--limit", "1", *project])
    assert result.exit_code == 0 and "more rows" in result.output
    result = runner.invoke(app, ["report", "frequencies", "--by", "job", *project])
    assert result.exit_code == 2 and "[Q802]" in result.output and "--by" in result.output
    result = runner.invoke(app, ["report", "kwic", "[", "--mode", "regex", *project])
    assert result.exit_code == 2 and "[Q804]" in result.output


# -- the demo project --------------------------------------------------------------------------------------

def test_demo_tables_agree_with_each_other(demo_project):
    frequencies = analysis.code_frequencies(demo_project, level=1)
    assert len(frequencies) >= 8 and frequencies["share"].between(0, 1).all()
    presence = analysis.presence_matrix(demo_project, level=1)
    assert presence[frequencies["code"]].sum().tolist() == frequencies["segments"].tolist()
    by_type = analysis.code_frequencies(demo_project, "type", level=1)
    assert by_type.groupby("code")["segments"].sum().reindex(frequencies["code"]).tolist() == \
        frequencies["segments"].tolist()
    table = analysis.crosstab(demo_project, "type", level=1)
    assert table.p_value < 0.001 and 0 < table.cramers_v < 1
    assert table.observed.to_numpy().sum() == frequencies["segments"].sum()
    pairs = analysis.cooccurrence(demo_project, level=1)
    assert (pairs["count"] <= pairs[["count_a", "count_b"]].min(axis=1)).all()


def test_demo_timeline_kwic_and_specificities(demo_project):
    meetings = analysis.timeline(demo_project, level=1)
    dates = meetings.drop_duplicates("period")["date"].tolist()
    assert dates == sorted(dates) and len(dates) >= 10
    found = analysis.kwic(demo_project, "infirmier", language="fr")
    assert "infirmières" in set(found["match"]) and found["doc"].notna().all()
    specific = analysis.specificities(demo_project, "type", top=10)
    documents = specific[specific["group"] == "document"]
    assert documents["score"].iloc[0] > 5 and (documents["score"] < 0).any()
    assert set(analysis.ATTRIBUTES) <= set(analysis.attributes(demo_project))
