"""End to end in a real browser: Debian's Chromium driven by Playwright against ``streamlit run app.py``.

Never skipped: without /usr/bin/chromium these tests fail and say to run ``make test`` (which installs it).
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from conftest import BASE_PATH_PROBE

from qualcoder import Project
from qualcoder.explorer.filters import SegmentFilter, SegmentIndex
from qualcoder.explorer.server import running, settle

pytestmark = pytest.mark.browser
PAGES = ["", "documents", "workbench", "segments", "codebook", "analysis", "topics", "agreement"]


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    """A copy of the demo project served on a free port: (url, folder)."""
    folder = tmp_path_factory.mktemp("browser") / "demo"
    shutil.copytree(demo_project.folder, folder)
    with running(folder) as url:
        yield url, folder


@pytest.fixture
def page(browser):
    """A page that records console errors and uncaught exceptions; the test fails on any of them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and not BASE_PATH_PROBE.match(message.location.get("url", "")):
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, problems


def _open(page, url: str) -> None:
    page.goto(url)
    settle(page)
    _no_errors(page)


def _no_errors(page) -> None:
    shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert shown.count() == 0, shown.all_inner_texts()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the multiselect labelled ``label``."""
    box = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def test_every_page_opens_without_error(served, page):
    url, _ = served
    titles = []
    for path in PAGES:
        _open(page, f"{url}/{path}")
        titles.append(page.locator('[data-testid="stMain"] h1').first.inner_text())
    assert titles == ["demo-reseaux-sante", "Documents", "Coding studio", "Segments", "Codebook", "Analysis",
                      "Topics", "Inter-coder agreement"]


def test_filter_segments_and_download_the_csv(served, page, tmp_path):
    url, folder = served
    _open(page, f"{url}/segments")
    _choose(page, "Profession", "neurologue")
    project = Project.open(folder)
    expected = SegmentIndex.build(project.segments_df(), project.codings_df()).select(
        SegmentFilter(professions=("neurologue",)))
    caption = page.get_by_text(re.compile(r"of [\d,]+ segments")).first.inner_text()
    assert caption.startswith(f"{len(expected):,} of ")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    target = tmp_path / "segments.csv"
    download.value.save_as(target)
    frame = pd.read_csv(target)
    assert sorted(frame["segment_id"]) == sorted(expected["segment_id"].tolist())
    assert set(frame["profession"]) == {"neurologue"} and "territoire" in frame.columns
    _no_errors(page)
