"""The explorer: an AppTest of every page against the real demo project, and the pure helpers it stands on."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from qualcoder import Project
from qualcoder.coding.overlap import covered_segments
from qualcoder.explorer import downloads
from qualcoder.explorer.filters import SegmentFilter, SegmentIndex, coding_links

PAGES = "qualcoder/explorer/{}.py"


def _app(folder, page: str | None = None, query: dict | None = None) -> AppTest:
    test = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    test.session_state["project_folder"] = str(folder)
    for key, value in (query or {}).items():
        test.query_params[key] = value
    test.run()
    if page:
        test.switch_page(PAGES.format(page)).run()
    return test


def _clean(test: AppTest) -> AppTest:
    assert not test.exception, [e.value for e in test.exception]
    assert not test.error, [e.value for e in test.error]
    return test


def _shown(markdown: str) -> str:
    """What a reader sees of text the explorer escaped for Markdown (``safe.md``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _frame(test: AppTest, *columns: str) -> pd.DataFrame:
    """The first dataframe shown that has all these columns."""
    for element in test.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no dataframe with {columns}")


@pytest.fixture(scope="module")
def index(demo_project) -> SegmentIndex:
    return SegmentIndex.build(demo_project.segments_df(), demo_project.codings_df(), demo_project.codebook())


# pages ----------------------------------------------------------------------------------------------------
def test_overview_shows_the_project_at_a_glance(demo_project):
    test = _clean(_app(demo_project.folder))
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Documents"] == "34" and metrics["Segmentation"] == "paragraph"
    assert test.title[0].value == "demo-reseaux-sante"
    coverage = _frame(test, "segments_human", "share_rules")
    assert coverage["code"].iloc[-1] == "(any code)" and coverage["segments_human"].iloc[-1] > 100
    assert "territoire" in set(coverage["code"])
    assert _frame(test, "clusterer")["name"].tolist() == ["demo"]
    assert set(_frame(test, "profession", "turns")["profession"]) >= {"neurologue", "médecin généraliste"}


def test_segments_page_filters_and_counts(demo_project, index):
    test = _clean(_app(demo_project.folder, "segments"))
    total = len(_frame(test, "segment_id", "codes"))
    assert total == len(demo_project.segments_df())
    test.multiselect(key="seg_professions").select("neurologue").run()
    shown = _frame(_clean(test), "segment_id", "codes")
    assert 0 < len(shown) < total and set(shown["profession"]) == {"neurologue"}
    test.multiselect(key="seg_codes").select("financement").run()
    both = _frame(_clean(test), "segment_id", "codes")
    assert 0 < len(both) < len(shown) and both["codes"].str.contains("financement").all()
    test.text_input(key="seg_text").input("MMSE").run()
    assert _frame(_clean(test), "segment_id", "codes")["text"].str.contains("MMSE", case=False).all()
    assert f"of {total:,} segments" in test.caption[0].value


def test_codebook_page_lists_every_code_with_counts(demo_project):
    test = _clean(_app(demo_project.folder, "codebook"))
    book = demo_project.codebook()
    table = _frame(test, "definition", "human")
    assert len(table) == len(book.codes) and table["code"].iloc[0] == book.children(None)[0].id
    assert table.set_index("code").at["financement", "human"] > 0
    assert len(test.expander) == len(book.children(None))
    test.radio[0].set_value("en").run()
    assert _frame(test, "definition").set_index("code").at["financement", "label"] == book.code("financement").label["en"]


def test_analysis_page_shows_each_view(demo_project):
    test = _clean(_app(demo_project.folder, "analysis"))
    frequencies = _frame(test, "code", "segments", "share")
    assert len(frequencies) > 10 and (frequencies["segments"] > 0).all()
    test.radio(key="an_view").set_value("Crosstab").run()
    assert "Cramér's V" in _clean(test).caption[0].value
    test.radio(key="an_view").set_value("Keyword in context").run()
    test.text_input(key="an_kwic_query").input("MMSE").run()
    lines = _frame(_clean(test), "left", "match", "right")
    assert len(lines) > 0 and lines["match"].str.contains("MMSE", case=False).all()
    for view in ("Co-occurrence", "Timeline", "Specificities"):
        test.radio(key="an_view").set_value(view).run()
        _clean(test)
    assert len(_frame(test, "group", "word", "score")) > 0


def test_topics_page_shows_the_demo_run(demo_project):
    test = _clean(_app(demo_project.folder, "topics"))
    assert _frame(test, "clusterer")["name"].tolist() == ["demo"]
    topics = _frame(test, "top_words", "size")
    assert len(topics) > 5 and set(topics["language"]) == {"fr", "en"}
    assert len(test.get("plotly_chart")) >= 3


def test_agreement_page_and_adjudication(demo_copy):
    test = _clean(_app(demo_copy.folder, "agreement", {"coder": "judge"}))
    table = _frame(test, "interpretation", "alpha")
    assert table["interpretation"].str.contains("reliable|tentative|unreliable").all()
    assert "coder_a, coder_b" in _shown(test.caption[0].value)
    disagreements = _frame(test, "applied_by", "not_by")
    assert len(disagreements) > 0
    first = disagreements.iloc[0]
    test.radio(key="ag_keep").set_value("both")
    test.button[[b.label for b in test.button].index("Record the decision")].click().run()
    _clean(test)
    decisions = Project.open(demo_copy.folder).decisions_df()
    assert len(decisions) == 1 and decisions["code"].iloc[0] == first["code"]
    assert decisions["decided_by"].iloc[0] == "judge"
    assert len(_frame(test, "applied_by", "not_by")) == len(disagreements) - 1  # the decided one left the list
    test.toggle(key="ag_decided").set_value(True).run()
    assert len(_frame(_clean(test), "applied_by", "not_by")) == len(disagreements)
    test.selectbox(key="ag_pick").set_value(test.selectbox(key="ag_pick").options[0]).run()  # the decided one
    record = test.button[[b.label for b in test.button].index("Record the decision")]
    assert record.disabled and "Already decided" in _shown(test.warning[0].value)  # asks first
    test.checkbox(key="ag_replace").check().run()
    test.button[[b.label for b in test.button].index("Record the decision")].click().run()
    _clean(test)
    decisions = Project.open(demo_copy.folder).decisions_df()
    assert len(decisions) == 2 and decisions["reverted_at"].notna().sum() == 1


def test_missing_project_is_shown_as_an_error(tmp_path):
    test = _app(tmp_path / "nowhere")
    assert not test.exception and "[Q201]" in _shown(test.error[0].value)


# helpers --------------------------------------------------------------------------------------------------
def test_coding_links_agree_with_the_overlap_rule(demo_project, index):
    codings = demo_project.codings_df()
    codings = codings[codings["status"].isin(["applied", "accepted"])]
    segments = demo_project.segments_df()
    for coder in codings["coder"].unique():
        expected = covered_segments(segments, codings[codings["coder"] == coder], "half_either")
        links = coding_links(segments, codings[codings["coder"] == coder])
        found = links.groupby("segment_id")["code"].agg(lambda s: set(s.astype(str))).to_dict()
        assert found == expected


def test_filters_any_all_and_parent_codes(index):
    territory = set(index.select(SegmentFilter(codes=("territoire",)))["segment_id"])
    child = set(index.select(SegmentFilter(codes=("territoire.defense",)))["segment_id"])
    assert child and child < territory  # a parent finds its children's segments
    money = set(index.select(SegmentFilter(codes=("financement",)))["segment_id"])
    both = set(index.select(SegmentFilter(codes=("territoire", "financement"), match_all=True))["segment_id"])
    either = set(index.select(SegmentFilter(codes=("territoire", "financement")))["segment_id"])
    assert both == territory & money and either == territory | money
    by_rules = set(index.select(SegmentFilter(codes=("territoire",), sources=("rules",)))["segment_id"])
    assert by_rules < territory
    dated = index.select(SegmentFilter(date_from=pd.Timestamp("2004-01-01").date(),
                                       date_to=pd.Timestamp("2004-12-31").date()))
    assert len(dated) and dated["date"].str.startswith("2004").all()


def test_shown_rows_carry_their_codes(index):
    """The page joins the codes of the rows it shows only; they must be each segment's counted codes."""
    wanted = SegmentFilter(codes=("territoire",))
    everything = index.select(wanted)
    first = index.select(wanted, limit=5)
    assert len(first) == 5 and first["segment_id"].tolist() == everything["segment_id"].head(5).tolist()
    assert first["codes"].tolist() == everything["codes"].head(5).tolist()
    for row in first.itertuples():
        codes = set(index.links.loc[index.links["segment_id"] == row.segment_id, "code"].astype(str))
        assert row.codes.split(", ") == sorted(codes) and any(c.startswith("territoire") for c in codes)


def test_download_is_the_cli_export_of_the_selection(demo_project, index):
    chosen = index.select(SegmentFilter(professions=("neurologue",)))
    ids = [int(i) for i in chosen["segment_id"]]
    frame = pd.read_csv(io.BytesIO(downloads.csv_bytes(demo_project, ids, [], [])))
    assert sorted(frame["segment_id"]) == sorted(ids) and set(frame["profession"]) == {"neurologue"}
    assert "financement" in frame.columns
    workbook = pd.read_excel(io.BytesIO(downloads.xlsx_bytes(demo_project, ids, ["coder_a"], [])), sheet_name=0)
    assert sorted(workbook["segment_id"]) == sorted(ids)
