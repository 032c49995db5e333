"""Figures: built from the demo's tables, sized from the data, written as valid SVG, PNG and self-contained HTML."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from typer.testing import CliRunner

from qualcoder import analysis, figures
from qualcoder.cli import app
from qualcoder.figures.style import ROW_PX

runner = CliRunner()


@pytest.fixture(scope="module")
def style_en(demo_project):
    return figures.CodeStyle.of_project(demo_project, "en")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_svg_png_and_html_are_valid_and_local(demo_project, style_en, tmp_path):
    table = analysis.crosstab(demo_project, "language", level=1)
    figure = figures.crosstab_figure(table, style_en)
    svg = figures.save_figure(figure, tmp_path / "crosstab.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and float(root.get("width")) == 1200
    text = svg.read_text(encoding="utf-8")
    assert "Coordination" in text and "Patient-centred care" in text  # English labels, not French
    png = figures.save_figure(figure, tmp_path / "crosstab.png", width=800)
    assert png_size(png.read_bytes()) == (1600, 2 * int(figure.layout.height))  # drawn at print scale 2
    html = figures.save_figure(figure, tmp_path / "crosstab.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js embedded in the file
    assert not re.search(r"<script[^>]*\bsrc=", html)  # nothing loaded from elsewhere


def test_a_bad_suffix_is_refused_before_anything_is_written(demo_project, style_en, tmp_path):
    figure = figures.frequencies_figure(analysis.code_frequencies(demo_project, level=1), style_en)
    with pytest.raises(figures.UnsupportedFigureFormat, match=r"\[Q412\].*\.png, \.svg or \.html"):
        figures.save_figure(figure, tmp_path / "frequencies.pdf")
    assert list(tmp_path.iterdir()) == []


def test_one_row_per_code_in_codebook_colours_and_language(demo_project, style_en):
    frame = analysis.code_frequencies(demo_project, level=1)
    figure = figures.frequencies_figure(frame, style_en)
    bar = figure.data[0]
    assert list(bar.y) == [style_en.label(c) for c in frame["code"]] and "Coordination" in bar.y
    book = demo_project.codebook()
    assert list(bar.marker.color) == [book.code(c).color for c in frame["code"]]
    assert figure.layout.height >= ROW_PX * len(frame)
    by = figures.frequencies_figure(analysis.code_frequencies(demo_project, "language", level=1), style_en,
                                    by="language")
    assert len(by.data[0].y) == len(frame) and list(by.data[0].x) == ["en", "fr"]


def test_cooccurrence_leaves_the_diagonal_out_of_the_colour_scale(demo_project, style_en):
    matrix = analysis.cooccurrence_matrix(demo_project, level=1)
    z = np.array(figures.cooccurrence_figure(matrix, style_en).data[0].z, dtype=float)
    assert np.isnan(np.diag(z)).all()
    off = matrix.to_numpy().astype(float)
    np.fill_diagonal(off, np.nan)
    assert np.nanmax(z) == np.nanmax(off) < np.diag(matrix.to_numpy()).max()


def test_timeline_has_one_panel_per_network(demo_project, style_en):
    table = analysis.segment_table(demo_project)
    networks = sorted(table.loc[table["type"] == "minutes", "network"].unique())
    assert len(networks) == 2
    panels = {n: analysis.timeline(demo_project, level=1, where={"network": [n]}) for n in networks}
    periods = [set(frame["period"]) for frame in panels.values()]
    assert periods[0] and periods[1] and not periods[0] & periods[1]
    figure = figures.timeline_figure(panels, style_en)
    axes = {trace.xaxis for trace in figure.data}
    assert axes == {"x", "x2"}
    assert {a.text for a in figure.layout.annotations} == set(networks)
    assert sum(trace.showlegend for trace in figure.data) == panels[networks[0]]["code"].nunique()


def test_topic_heatmaps_have_a_row_per_topic(demo_project, style_en):
    run = demo_project.topic_run()
    topics = run.topics
    by = figures.topics_by_group_figure(run.per_class("profession"), "profession")
    assert len(by.data[0].y) == len(run.per_class("profession")["key"].unique())
    assert by.layout.height >= ROW_PX * len(by.data[0].y)
    table = run.code_table()
    heat = figures.topic_code_figure(table, style_en).data[0]
    topics_n, codes_n = table["key"].nunique(), table["code"].nunique()
    assert codes_n > topics_n and (len(heat.y), len(heat.x)) == (codes_n, topics_n)  # the longer list as rows
    assert any("Coordination" in y for y in heat.y)
    assert figures.topics_over_time_figure(run.over_time("Q")).layout.height >= ROW_PX * len(topics) - ROW_PX


def test_cli_plot(demo_project, tmp_path):
    out = tmp_path / "timeline.svg"
    result = runner.invoke(app, ["report", "timeline", "-p", str(demo_project.folder), "--level", "1",
                                 "--split", "network", "--labels", "en", "--plot", str(out), "--csv"])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert ET.fromstring(svg).tag.endswith("svg") and "Northfield" in svg and "Patient-centred care" in svg
    refused = runner.invoke(app, ["report", "frequencies", "-p", str(demo_project.folder), "--plot",
                                  str(tmp_path / "f.jpeg")])
    assert refused.exit_code == 2 and "[Q412]" in refused.output and not (tmp_path / "f.jpeg").exists()


def test_every_table_takes_the_same_document_filter(demo_project):
    english = {"language": ["en"]}
    table = analysis.segment_table(demo_project, english)
    assert len(table) and set(table["language"]) == {"en"}
    frequencies = analysis.code_frequencies(demo_project, level=1, where=english)
    units = analysis.coded_units(demo_project, level=1, where=english)
    assert frequencies.set_index("code")["segments"].to_dict() == units.groupby("code").size().to_dict()
    assert set(analysis.crosstab(demo_project, "type", level=1, where=english).observed.columns) <= {
        "interview", "minutes"}
    assert set(analysis.cooccurrence_matrix(demo_project, level=1, where=english).index) <= set(units["code"])
    found = analysis.kwic(demo_project, "team", where=english)
    assert len(found) and set(found["language"]) == {"en"}
    with pytest.raises(analysis.UnknownAttribute, match=r"\[Q802\] --where"):
        analysis.segment_table(demo_project, {"colour": ["red"]})
    with pytest.raises(analysis.NothingToAnalyse, match="no segment has language = xx"):
        analysis.code_frequencies(demo_project, where={"language": ["xx"]})


def test_a_table_function_stays_a_function_once_its_module_is_imported(demo_project):
    import qualcoder.analysis.timeline  # noqa: F401 (setting the package attribute is what this checks)

    first = analysis.timeline(demo_project, level=1)
    assert callable(analysis.timeline) and analysis.timeline(demo_project, level=1).equals(first)
