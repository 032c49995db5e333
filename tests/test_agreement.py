"""Agreement figures against published worked examples, then on real projects (units, missing documents,
character level, exclusive variables), disagreements and reversible adjudication."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualcoder.coding.agreement import (
    AgreementError,
    AlreadyDecided,
    agreement_table,
    alpha_from_coincidences,
    coincidences,
    figures,
    interpret,
)

NAN = np.nan


def test_krippendorff_2011_nominal_example_with_missing_data():
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
    University of Pennsylvania, section C ("nominal data, any number of observers, missing data"):
    4 observers, 12 units, values 1-5, alpha = 0.743."""
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]) - 1
    result = figures(data)
    assert result["alpha"] == pytest.approx(0.743, abs=0.0005)
    assert result["units"] == 11  # unit 12 has a single value: not pairable
    counts = np.stack([(data == v).sum(axis=0) for v in range(5)], axis=1)
    assert alpha_from_coincidences(coincidences(counts).sum(axis=0), 5)[0] == pytest.approx(0.743, abs=0.0005)


def test_cohen_kappa_worked_example():
    """Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals, reader A and B agree "yes" on 20,
    "no" on 15, disagree on 15 (A yes / B no: 5, A no / B yes: 10); p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    result = figures(np.array([a, b], dtype=float))
    assert result["cohen_kappa"] == pytest.approx(0.4)
    assert result["percent_agreement"] == pytest.approx(0.7)


def test_fleiss_kappa_worked_example():
    """Wikipedia, "Fleiss' kappa", section "Worked example": 14 raters assign 10 subjects to 5 categories;
    P-bar = 0.378, P_e = 0.213, kappa = 0.210."""
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    ratings = np.array([[category for category, n in enumerate(row) for _ in range(n)] for row in table],
                       dtype=float).T  # 14 raters x 10 subjects
    assert figures(ratings)["fleiss_kappa"] == pytest.approx(0.210, abs=0.0005)


def test_bootstrap_interval_brackets_alpha_and_thresholds():
    from qualcoder.coding.agreement import bootstrap_weights

    rng = np.random.default_rng(1)
    truth = rng.random(400) < 0.3
    ratings = np.array([truth ^ (rng.random(400) < rate) for rate in (0.05, 0.1, 0.08)], dtype=float)
    result = figures(ratings, bootstrap_weights(400))
    assert result["alpha_low"] < result["alpha"] < result["alpha_high"]
    assert result["alpha_high"] - result["alpha_low"] < 0.3
    assert interpret(0.81).startswith("reliable") and interpret(0.7).startswith("tentative")
    assert interpret(0.5).startswith("unreliable") and interpret(np.nan).startswith("undefined")


def _segments(n: int, docs: int = 1) -> pd.DataFrame:
    rows = [{"segment_id": i + 1, "doc_id": i % docs + 1, "doc": f"d{i % docs + 1}", "start": (i // docs) * 100,
             "end": (i // docs) * 100 + 50, "text": f"s{i + 1}"} for i in range(n)]
    return pd.DataFrame(rows)


def _codings(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "coder"])


def test_units_exclude_uncoded_text_unless_asked():
    segments = _segments(4)
    codings = _codings([(1, 0, 50, "x", "a"), (1, 100, 150, "x", "a"), (1, 0, 50, "x", "b"), (1, 200, 250, "x", "b")])
    table = agreement_table(segments, codings, {}, ["a", "b"], ["x"], replicates=50)
    assert table.loc[0, "units"] == 3 and table.loc[0, "percent_agreement"] == pytest.approx(1 / 3)
    assert "text that none of them coded is left out" in table.attrs["scope"]
    wider = agreement_table(segments, codings, {}, ["a", "b"], ["x"], include_uncoded=True, replicates=50)
    assert wider.loc[0, "units"] == 4 and wider.loc[0, "percent_agreement"] == pytest.approx(2 / 4)


def test_a_document_one_coder_never_opened_is_left_out():
    segments = _segments(4, docs=2)  # d1: segments 1, 3; d2: segments 2, 4
    codings = _codings([(1, 0, 50, "x", "a"), (1, 0, 50, "x", "b"), (2, 0, 50, "x", "a")])
    table = agreement_table(segments, codings, {}, ["a", "b"], ["x"], replicates=50)
    assert table.loc[0, "units"] == 1 and table.loc[0, "percent_agreement"] == 1
    assert "1 documents coded by only some of them are left out" in table.attrs["scope"]


def test_character_level_counts_partial_overlap():
    segments = pd.DataFrame([{"segment_id": 1, "doc_id": 1, "doc": "d1", "start": 0, "end": 20, "text": "t"}])
    codings = _codings([(1, 0, 10, "x", "a"), (1, 5, 15, "x", "b")])
    table = agreement_table(segments, codings, {1: "a" * 20}, ["a", "b"], ["x"], level="character", replicates=20)
    assert table.loc[0, "units"] == 15  # characters 0-14 are coded by someone
    assert table.loc[0, "percent_agreement"] == pytest.approx(5 / 15)
    expected = figures(np.array([[1] * 10 + [0] * 5, [0] * 5 + [1] * 10], dtype=float))
    assert table.loc[0, "alpha"] == pytest.approx(expected["alpha"])
    assert table.loc[0, "cohen_kappa"] == pytest.approx(expected["cohen_kappa"])


def test_unknown_coder_is_a_clear_error():
    with pytest.raises(AgreementError, match="Coders with codings: a"):
        agreement_table(_segments(2), _codings([(1, 0, 50, "x", "a")]), {}, ["a", "zed"], ["x"])


@pytest.fixture
def two_coders(make_project, tmp_path):
    from conftest import REPO

    project = make_project()
    folder = tmp_path / "docs"
    folder.mkdir()
    paragraphs = [f"Paragraphe {i} : la coordinatrice appelle la famille et le médecin." for i in range(8)]
    (folder / "notes.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    project.import_files([folder], language="fr")
    project.segment("paragraph")
    project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    segments = project.segments_df().segment_id.tolist()
    plan = {"a": {0: "logiques.liberale", 1: "logiques.liberale", 2: "logiques.hospitaliere", 3: "patient"},
            "b": {0: "logiques.liberale", 1: "logiques.institutionnelle", 2: "logiques.hospitaliere", 4: "patient"}}
    for coder, codes in plan.items():
        for index, code in codes.items():
            project.add_coding(code, coder, segment=segments[index])
    return project, segments


def test_project_agreement_variable_and_disagreements(two_coders):
    project, segments = two_coders
    table = project.agreement(["a", "b"], codes=["patient", "logiques.liberale"], replicates=100)
    assert list(table.code) == ["patient", "logiques.liberale", "(all)"]
    assert table.set_index("code").loc["patient", "percent_agreement"] == pytest.approx(3 / 5)
    variable = project.agreement(["a", "b"], variable="logiques", replicates=100)
    # units with a logic: segments 0, 1, 2 (both coders chose one); a and b agree on 0 and 2
    assert variable.loc[0, "units"] == 3 and variable.loc[0, "percent_agreement"] == pytest.approx(2 / 3)
    assert variable.loc[0, "cohen_kappa"] == pytest.approx(
        __import__("sklearn.metrics", fromlist=["x"]).cohen_kappa_score([0, 0, 2], [0, 1, 2]))
    with pytest.raises(AgreementError, match="exclusive"):
        project.agreement(["a", "b"], variable="patient")
    disagreements = project.disagreements(["a", "b"])
    pairs = set(zip(disagreements.segment_id, disagreements.code, disagreements.applied_by))
    assert (segments[1], "logiques.liberale", "a") in pairs and (segments[1], "logiques.institutionnelle", "b") in pairs
    assert (segments[3], "patient", "a") in pairs and (segments[4], "patient", "b") in pairs
    assert not any(s == segments[0] for s, _, _ in pairs)


def test_resolution_builds_consensus_reversibly(two_coders):
    project, segments = two_coders
    before = project.codings_df()[["coder", "code", "start"]].sort_values(["coder", "code", "start"])
    first = project.resolve(["a", "b"], segments[1], "logiques.liberale", "a", "judge")
    second = project.resolve(["a", "b"], segments[1], "logiques.institutionnelle", "neither", "judge")
    third = project.resolve(["a", "b"], segments[3], "patient", "both", "judge")
    consensus = project.codings_df(coder="consensus")
    assert sorted(consensus.code) == ["logiques.liberale", "patient"]
    assert project.resolve_agreed(["a", "b"], "judge") == 2  # segments 0 and 2
    assert len(project.codings_df(coder="consensus")) == 4
    project.undo_decision(first)
    assert "logiques.liberale" not in set(project.codings_df(coder="consensus").code[
        project.codings_df(coder="consensus").start == project.segments_df().set_index("segment_id").loc[
            segments[1], "start"]])
    decisions = project.decisions_df().set_index("decision_id")
    assert decisions.loc[first, "reverted_at"] is not pd.NaT and pd.notna(decisions.loc[first, "reverted_at"])
    assert decisions.loc[second, "decision"] == "neither" and decisions.loc[third, "decided_by"] == "judge"
    after = project.codings_df()
    after = after[after.coder != "consensus"][["coder", "code", "start"]].sort_values(["coder", "code", "start"])
    assert before.reset_index(drop=True).equals(after.reset_index(drop=True))  # originals untouched
    with pytest.raises(AgreementError, match="already undone"):
        project.undo_decision(first)
    with pytest.raises(AgreementError, match="not one of the coders"):
        project.resolve(["a", "b"], segments[1], "patient", "zed", "judge")


def test_a_decided_disagreement_leaves_the_list_and_deciding_it_again_asks_first(two_coders):
    project, segments = two_coders
    listed = lambda **kw: set(zip(*project.disagreements(["a", "b"], **kw)[["segment_id", "code"]].T.values))  # noqa: E731
    assert (segments[3], "patient") in listed()
    decision = project.resolve(["a", "b"], segments[3], "patient", "a", "judge")
    assert (segments[3], "patient") not in listed() and (segments[4], "patient") in listed()
    assert (segments[3], "patient") in listed(include_decided=True)
    with pytest.raises(AlreadyDecided, match=f"decision {decision}: keep a, by judge"):
        project.resolve(["a", "b"], segments[3], "patient", "both", "judge")
    assert len(project.decisions_df()) == 1  # the refused one recorded nothing
    again = project.resolve(["a", "b"], segments[3], "patient", "both", "judge", replace=True)
    decisions = project.decisions_df().set_index("decision_id")
    assert pd.notna(decisions.loc[decision, "reverted_at"]) and pd.isna(decisions.loc[again, "reverted_at"])
    project.undo_decision(again)
    assert (segments[3], "patient") in listed()  # undone: back on the list
