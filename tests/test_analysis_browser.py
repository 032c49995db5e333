"""The analysis views in Chromium at 1440 px: nothing runs past the page's right edge, every chart has room to be
read, and a KWIC line or a crosstab cell opens its passage in the coding studio, highlighted."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from qualcoder import Project
from qualcoder.explorer.server import launch_chromium, running, settle

pytestmark = pytest.mark.browser
PAGES = ["", "documents", "workbench", "segments", "codebook", "analysis", "topics", "lexico", "agreement"]
ANALYSIS_VIEWS = ["Frequencies", "Co-occurrence", "Crosstab", "Timeline"]
MIN_PLOT = (500, 220)  # width, height in px of a chart's plot area at 1440 px
TOPIC_CHARTS = 4

# elements of the main area whose right edge is past the viewport's, unless a scrolling box that itself fits holds
# them (the data grids scroll sideways by design); clipped boxes count: what is cut off cannot be read
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, bad = [];
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement, held = false;
    for (; p; p = p.parentElement) if (scrolls(p) && p.getBoundingClientRect().right <= width + 1) { held = true; break; }
    if (!held) bad.push(`${el.tagName} ${el.getAttribute('data-testid') || el.getAttribute('class') || ''} ${r.right}`);
  }
  return bad;
}"""
# the plot area of each chart: Plotly's drag layer over the axes' rectangle
PLOT_AREAS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) => {
  const boxes = [...plot.querySelectorAll('.nsewdrag')].map((d) => d.getBoundingClientRect());
  return boxes.map((b) => [Math.round(b.width), Math.round(b.height)]);
})"""
FOCUS_TEXT = "() => [...(CSS.highlights.get('qc-focus') || [])].map((r) => r.toString()).join('')"


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("analysis-browser") / "demo"
    shutil.copytree(demo_project.folder, folder)
    with running(folder) as url:
        yield url, folder


@pytest.fixture(scope="module")
def page(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        context = chromium.new_context(viewport={"width": 1440, "height": 1000})
        yield context.new_page()
        chromium.close()


def _go(page, url: str) -> None:
    page.goto(url)
    settle(page, timeout=120)
    shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert shown.count() == 0, shown.all_inner_texts()


def _view(page, name: str) -> None:
    page.get_by_test_id("stRadio").filter(has=page.get_by_text("View", exact=True)).get_by_text(
        name, exact=True).click()
    settle(page, timeout=120)


def _charts_ready(page, count: int) -> list:
    """The plot areas once ``count`` charts are drawn and none is still being laid out (a chart of the view just
    left, or one Plotly has not sized yet, measures 0 x 0 for a moment on a busy machine)."""
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .nsewdrag').length >= {count}",
                           timeout=60_000)
    deadline = time.monotonic() + 30
    while True:
        areas = page.evaluate(PLOT_AREAS)
        if all(w and h for chart in areas for w, h in chart) or time.monotonic() > deadline:
            return areas
        time.sleep(0.5)


def _select_row(page, grid, row: int = 0) -> None:
    """Tick a data grid's row (its selection box, drawn on the grid's canvas)."""
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * (row + 1) + 17)
    settle(page, timeout=120)


def _open_in_studio(page) -> tuple[int, int, int]:
    link = page.get_by_role("link", name=re.compile("in the coding studio ▸$"))
    link.first.click()
    page.wait_for_url(re.compile(r"/workbench\?"))
    settle(page, timeout=120)
    page.wait_for_function("CSS.highlights.has('qc-focus')", timeout=60_000)
    doc = re.search(r"doc=(\d+)", page.url)
    at = re.search(r"at=(\d+)-(\d+)", page.url)
    return int(doc.group(1)), int(at.group(1)), int(at.group(2))


def test_no_page_runs_past_the_right_edge_and_charts_have_room(served, page):
    url, _ = served
    for path in PAGES:
        _go(page, f"{url}/{path}?coder=ana")
        if path == "topics":
            areas = _charts_ready(page, TOPIC_CHARTS)
            assert len(areas) == TOPIC_CHARTS
            assert all(w >= MIN_PLOT[0] and h >= MIN_PLOT[1] for chart in areas for w, h in chart), areas
        assert page.evaluate(OVERFLOW) == [], path
        if path == "analysis":
            for view in ANALYSIS_VIEWS:
                _view(page, view)
                areas = _charts_ready(page, 1)
                assert areas and all(w >= MIN_PLOT[0] and h >= MIN_PLOT[1] for chart in areas for w, h in chart), \
                    (view, areas)
                assert page.evaluate(OVERFLOW) == [], view


def test_a_kwic_line_opens_its_occurrence_highlighted_in_the_studio(served, page):
    url, folder = served
    _go(page, f"{url}/analysis?coder=ana")
    _view(page, "Keyword in context")
    page.get_by_test_id("stRadio").filter(has=page.get_by_text("Match", exact=True)).get_by_text(
        "regex", exact=True).click()  # a pattern needs no spaCy pipeline: the server answers at once
    settle(page, timeout=120)
    box = page.get_by_label("Word, phrase or pattern")
    box.fill("réunions?")
    box.press("Enter")
    settle(page, timeout=120)
    _select_row(page, page.get_by_test_id("stDataFrame").last)
    doc, start, end = _open_in_studio(page)
    project = Project.open(folder)
    try:
        text = project.document(doc).text
        assert text[start:end].lower().startswith("réunion")
        assert page.evaluate(FOCUS_TEXT) == text[start:end]
    finally:
        project.close()


def test_a_crosstab_cell_opens_one_of_its_segments_highlighted(served, page):
    url, folder = served
    _go(page, f"{url}/analysis?coder=ana")
    _view(page, "Crosstab")
    cells = page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).nth(0)
    _select_row(page, cells)
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stDataFrame\"]').length >= 2", timeout=60_000)
    _select_row(page, page.get_by_test_id("stDataFrame").last)
    doc, start, end = _open_in_studio(page)
    project = Project.open(folder)
    try:
        segment = project.segments_df().query("doc_id == @doc and start == @start and end == @end")
        assert len(segment) == 1  # the passage is one segment of the cell
        assert page.evaluate(FOCUS_TEXT) == project.document(doc).text[start:end]
    finally:
        project.close()
