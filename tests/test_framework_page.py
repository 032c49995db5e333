"""The Framework page in Chromium at 1440 px: the grid holds the matrix's counts, a summary typed in a cell is
stored through the API (shown escaped, undoable), and nothing overflows the page."""

from __future__ import annotations

import shutil
import time
from urllib.parse import urlparse

import pytest
from conftest import BASE_PATH_PROBE
from playwright.sync_api import expect

from qualcoder import Project, analysis
from qualcoder.explorer.server import launch_chromium, running, settle

pytestmark = pytest.mark.browser
SUMMARY = 'Reconnaissance *tutelle* <img src="http://203.0.113.9/x.png">'
OVERFLOW = "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 1441).length"


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("framework-page") / "demo"
    shutil.copytree(demo_project.folder, folder)
    with running(folder) as url:
        yield url, folder


@pytest.fixture(scope="module")
def page(served):
    from playwright.sync_api import sync_playwright

    url = served[0]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not BASE_PATH_PROBE.match(
            m.location.get("url", "")) else None)
        page.on("request", lambda r: problems.append(f"request to {r.url}") if urlparse(r.url).hostname not in (
            "127.0.0.1", None) and not r.url.startswith("data:") else None)
        yield page
        assert not problems, problems
        browser.close()
    assert url


def _grid(page) -> dict[str, list[int]]:
    rows = {}
    for row in page.locator(".qc-fw tbody tr").all():
        rows[row.locator("th").inner_text()] = [int(n) for n in row.locator(".qc-n").all_inner_texts()]
    return rows


def _stored(folder, expected: str, timeout: float = 20) -> str:
    """The summary of the first cell (the page's default case and code: the matrix's first row and column)."""
    preset = analysis.framework_preset("legrix")
    deadline = time.monotonic() + timeout
    while True:
        project = Project.open(folder)
        matrix = project.framework_matrix(**preset.options())
        found = matrix.summary(matrix.row_values[0], matrix.codes[0])
        project.close()
        if found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_the_grid_is_the_matrix_and_a_summary_is_written_escaped_and_undone(served, page):
    url, folder = served
    page.goto(f"{url}/framework?preset=legrix&coder=zoe")
    settle(page)
    assert page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() == 0
    project = Project.open(folder)
    matrix = project.framework_matrix(**analysis.framework_preset("legrix").options())
    project.close()
    counts = matrix.counts()
    assert _grid(page) == {case: counts.loc[case].tolist() for case in matrix.row_values}
    excerpts = matrix.cell(matrix.row_values[0], matrix.codes[0])
    page.get_by_text(f"Excerpts ({len(excerpts)})").wait_for(timeout=60_000)  # the cell's panel, drawn after the grid
    assert page.get_by_text(f"Excerpts ({len(excerpts)})").count() == 1
    assert page.evaluate(OVERFLOW) == 0

    box = page.get_by_label("Your summary of this cell")
    box.fill(SUMMARY)
    box.press("Control+Enter")
    settle(page)
    page.get_by_role("button", name="Save summary").click()
    settle(page)
    assert _stored(folder, SUMMARY) == SUMMARY
    page.wait_for_selector(".qc-fw .qc-sum")
    assert page.locator(".qc-fw .qc-sum").first.inner_text() == SUMMARY  # as typed: no Markdown, no image
    assert page.locator(".qc-fw img").count() == 0
    summary_box = page.get_by_label("Your summary of this cell")
    expect(summary_box).to_have_count(1)  # the rerun's stale copy of the form goes away
    expect(summary_box).to_have_value(SUMMARY)

    page.get_by_role("button", name="↶ Undo").click()
    settle(page)
    assert _stored(folder, "") == ""
    page.wait_for_function("() => !document.querySelector('.qc-fw .qc-sum')")
    assert page.evaluate(OVERFLOW) == 0


def test_the_grenier_preset_and_the_report_page(served, page):
    url, _ = served
    page.goto(f"{url}/framework?preset=grenier-meetings")
    settle(page)
    rows = _grid(page)
    assert len(rows) == 14 and all(len(counts) == 3 for counts in rows.values())
    assert page.get_by_role("button", name="Download .docx").count() == 1
    page.goto(f"{url}/report")
    settle(page)
    assert page.get_by_role("button", name="Build the report").count() == 1
    assert page.evaluate(OVERFLOW) == 0


def test_framework_and_report_pages_as_app_tests(demo_project):
    from test_explorer import _app, _clean

    test = _clean(_app(demo_project.folder, "framework"))
    assert test.selectbox(key="fw_preset").value == "legrix"  # the first preset the demo has
    assert test.session_state["fw_rows"] == "speaker" and len(test.session_state["fw_codes"]) == 9
    test.selectbox(key="fw_preset").set_value("grenier-professions").run()
    _clean(test)
    assert test.session_state["fw_rows"] == "profession"
    assert test.session_state["fw_where_type"] == ["minutes"]
    # the unknown profession's cell holds more text than an Excel cell: the download says it was cut
    assert any(".xlsx" in w.value and "exceeded Excel" in w.value for w in test.warning)
    report = _clean(_app(demo_project.folder, "report"))
    assert [b.label for b in report.button] == ["Build the report"]
