"""The study report on the demo (Word read back by python-docx, the HTML page has every section and fetches
nothing), the chronology beside the timeline, and the framework presets."""

from __future__ import annotations

import html
import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualcoder import Project, analysis
from qualcoder.analysis.chronology import InvalidEvents, read_events
from qualcoder.analysis.errors import InvalidOption, UnknownAttribute
from qualcoder.analysis.framework_presets import GRENIER_NETWORK, LEGRIX_CODES
from qualcoder.cli import app
from qualcoder.export.report import write_study_reports

SECTIONS = ["corpus", "codebook", "frequencies", "crosstab", "timeline", "agreement", "topics", "framework"]
HOSTILE = '<script>alert(1)</script> <img src="http://203.0.113.9/x.png"> **gras**'
CASE, CODE = "Mme Aubert", LEGRIX_CODES[0]


@pytest.fixture(scope="module")
def reports(demo_project, tmp_path_factory):
    """A copy of the demo with one hostile cell summary, and its report in both formats: (project, docx, html)."""
    folder = tmp_path_factory.mktemp("report") / "demo"
    shutil.copytree(demo_project.folder, folder)
    project = Project.open(folder)
    project.set_framework_summary("alice", "speaker", CASE, CODE, HOSTILE, name="legrix")
    out = folder.parent
    return project, *write_study_reports(project, [out / "study.docx", out / "study.html"])


def test_the_word_report_reads_back_with_every_section_figure_and_table(reports):
    import docx

    project, path, _ = reports
    document = docx.Document(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(". ", 1)[0] for h in headings[:-1]] == [str(n) for n in range(1, len(SECTIONS) + 1)]
    assert headings[0] == "1. Corpus" and headings[-1].startswith("Reproducibility")
    methods = [p.text for p in document.paragraphs if p.text.startswith("How it was computed.")]
    assert len(methods) == len(SECTIONS)
    assert len(document.inline_shapes) == 7  # corpus, frequencies, crosstab, two timelines, agreement, topics
    captions = [p.text for p in document.paragraphs if p.text.startswith("Figure ")]
    assert len(captions) == len(document.inline_shapes)
    matrix = project.framework_matrix(**analysis.framework_preset("legrix").options())
    grid = next(t for t in document.tables if t.cell(0, 0).text == "speaker")
    labels = [c.text for c in grid.rows[0].cells[1:]]
    assert labels == [matrix.labels[c] for c in matrix.codes]
    for line, case in enumerate(matrix.row_values, start=1):
        assert grid.cell(line, 0).text == case
        assert [int(c.text) for c in grid.rows[line].cells[1:]] == matrix.counts().loc[case].tolist()
    texts = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert HOSTILE in texts  # the summary, as written
    assert {"version of pandas", "option level", "codebook"} <= texts


def test_the_html_report_is_one_page_with_every_section_and_fetches_nothing(reports):
    project, _, path = reports
    page = path.read_text(encoding="utf-8")
    for key in [*SECTIONS, "provenance"]:
        assert f'<section id="{key}">' in page
    assert page.count('class="method"') == len(SECTIONS)
    assert page.count("<svg") >= 7 and page.count("<figcaption>") == 7
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""<[^>]*\b(src|href)\s*=\s*["']?(https?:)?//""", page)  # no tag fetches a thing
    assert "@import" not in page and "url(http" not in page
    events = analysis.chronology(project)
    assert all(title in html.unescape(page) for title in events["title"])  # the whole chronology


def test_report_errors_leave_nothing_written(demo_project, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["report", "study", str(tmp_path / "s.pdf"), "-p", str(demo_project.folder)])
    assert result.exit_code == 2 and "[Q981]" in result.output and not (tmp_path / "s.pdf").exists()
    existing = tmp_path / "s.html"
    existing.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["report", "study", str(existing), "-p", str(demo_project.folder)])
    assert result.exit_code == 2 and "[Q903]" in result.output and existing.read_text(encoding="utf-8") == "mine"
    result = runner.invoke(app, ["report", "study", str(tmp_path / "t.html"), "--by", "nope", "--no-figures", "-p",
                                 str(demo_project.folder)])
    assert result.exit_code == 2 and "[Q802]" in result.output and not (tmp_path / "t.html").exists()


def test_the_regulatory_texts_are_the_chronology(demo_project):
    events = analysis.chronology(demo_project)
    documents = demo_project.documents_df(with_text=False)
    texts = documents[documents["type"] == "document"]
    assert len(events) == len(texts) == 8 and set(events["doc"]) == set(texts["name"])
    assert events["date"].is_monotonic_increasing and events["date"].iloc[0] == pd.Timestamp("1996-06-17")
    assert set(events["title"]) == set(texts["title"]) and events.attrs["undated"] == []


def test_themes_and_events_share_one_time_axis(demo_project):
    themes, events = analysis.theme_chronology(demo_project, period="meeting", level=1,
                                               where={"network": [GRENIER_NETWORK]})
    assert themes["period"].nunique() == 14 and themes["period"].str.startswith("reseau-memoire/").all()
    assert pd.api.types.is_datetime64_any_dtype(themes["date"]) and pd.api.types.is_datetime64_any_dtype(
        events["date"])
    assert themes["date"].min() == pd.Timestamp("2004-01-15") and themes["date"].max() == pd.Timestamp("2005-07-07")
    everything = analysis.timeline(demo_project, period="meeting", level=1)
    assert everything["period"].nunique() == 18  # the four English MDTs are another network
    with pytest.raises(UnknownAttribute):
        analysis.timeline(demo_project, where={"nope": ["x"]})


def test_an_events_file_is_read_and_checked_row_by_row(demo_project, tmp_path):
    good = tmp_path / "events.csv"
    good.write_text("date,title,kind\n2004-06-01,Fiche de liaison adoptée,network\n2005,Convention,\n",
                    encoding="utf-8")
    events = analysis.chronology(demo_project, types=(), events=good)
    assert events["title"].tolist() == ["Fiche de liaison adoptée", "Convention"]
    assert events["kind"].tolist() == ["network", "event"]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,title\n2004-06-01,ok\n1er juin,pas une date\n", encoding="utf-8")
    with pytest.raises(InvalidEvents, match=r"\[Q980\].*bad.csv.*row 3"):
        read_events(bad)
    result = CliRunner().invoke(app, ["report", "chronology", "--events", str(bad), "-p", str(demo_project.folder)])
    assert result.exit_code == 2 and "[Q980]" in result.output and "row 3" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("when,what\n2004,x\n", encoding="utf-8")
    with pytest.raises(InvalidEvents, match="date and title"):
        read_events(missing)


def test_presets_are_the_demo_analyses(demo_project, tmp_path):
    assert [p.key for p in analysis.available_presets(demo_project)] == ["legrix", "grenier-meetings",
                                                                        "grenier-professions"]
    legrix = demo_project.framework_matrix(**analysis.framework_preset("legrix").options())
    assert len(legrix.row_values) == 4 and legrix.codes == [c for c in legrix.codes if c in LEGRIX_CODES]
    assert set(legrix.codes) == set(LEGRIX_CODES)
    grenier = demo_project.framework_matrix(**analysis.framework_preset("grenier-meetings").options())
    assert grenier.codes == ["territoire", "coordination", "apprentissage"] and len(grenier.row_values) == 14
    with pytest.raises(InvalidOption, match="legrix"):
        analysis.framework_preset("nope")
    bare = Project.create(tmp_path / "bare")
    assert analysis.available_presets(bare) == []


def test_table_names_stay_functions_after_their_module_is_imported():
    import qualcoder.analysis.chronology
    import qualcoder.analysis.crosstab
    import qualcoder.analysis.timeline  # noqa: F401

    assert callable(analysis.crosstab) and callable(analysis.timeline) and callable(analysis.chronology)
