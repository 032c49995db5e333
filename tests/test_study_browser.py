"""Bringing material in and correcting who speaks, in a real browser (Debian's Chromium, Playwright) against one
served copy of the demo project: uploads through the Import page, a value group edited on the Speakers & documents
page, and blind coding in the studio."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import zipfile

import pytest
from test_studio_browser import _no_errors

from qualcoder import Project, analysis
from qualcoder.explorer.server import running, settle

pytestmark = pytest.mark.browser
INTERVIEW = "care-coordination-en/interview-01.txt"


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("study-browser") / "demo"
    shutil.copytree(demo_project.folder, folder)
    with running(folder) as url:
        yield url, folder


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def uploads(tmp_path_factory):
    """A real .docx, a corrupt one, and a zip bomb named .docx (20 MB of zeros inflated from ~20 kB)."""
    from docx import Document

    folder = tmp_path_factory.mktemp("uploads")
    document = Document()
    for line in ("Enq. : Comment travaillez-vous avec le réseau ?",
                 "Dr Vidal : Nous nous réunissons chaque mois avec les infirmières et la coordinatrice.",
                 "Enq. : Et le financement ?", "Dr Vidal : Il manque toujours pour la coordination."):
        document.add_paragraph(line)
    document.save(folder / "entretien-vidal.docx")
    (folder / "casse.docx").write_bytes(b"PK\x03\x04 this is not a real word-processor file")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 20_000_000)
    (folder / "bombe.docx").write_bytes(buffer.getvalue())
    return folder


def _wait_for(check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_upload_imports_a_docx_and_refuses_a_corrupt_file_and_a_zip_bomb(served, page, uploads):
    url, folder = served
    before = Project.open(folder).documents_df(with_text=False)
    page.goto(f"{url}/upload")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [uploads / "entretien-vidal.docx", uploads / "casse.docx", uploads / "bombe.docx"])
    page.get_by_text("bombe.docx").wait_for()
    page.get_by_role("button", name="Import").click()
    page.wait_for_selector("text=Import report", timeout=120_000)
    settle(page)
    errors = " ".join(page.locator('[data-testid="stAlertContentError"]').all_inner_texts())
    assert "[Q104]" in errors and "casse.docx" in errors and "Re-save it" in errors
    assert "[Q108]" in errors and "bombe.docx" in errors and "zip bomb" in errors
    summary = " ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    assert "1 document(s) imported, 2 file(s) refused" in summary
    after = Project.open(folder).documents_df(with_text=False)
    added = sorted(set(after["name"]) - set(before["name"]))
    assert added == ["entretien-vidal.docx"]  # the refused files left nothing behind
    project = Project.open(folder)
    speakers = project.speakers_df(grouped=False)
    new = speakers[speakers["doc_id"] == int(after.loc[after["name"] == added[0], "doc_id"].iloc[0])]
    assert set(new["speaker"]) >= {"Dr Vidal"}
    assert not list((folder / "uploads").rglob("casse.docx")) and not list((folder / "uploads").rglob("bombe.docx"))
    assert list((folder / "uploads").rglob("entretien-vidal.docx"))  # the source_path stays readable
    shoot(page, "import")


def shoot(page, name: str, full_page: bool = True) -> None:
    """With QUALCODER_SCREENSHOTS=1, keep the page as docs/screenshots/NAME.png (the README's pictures)."""
    if os.environ.get("QUALCODER_SCREENSHOTS") == "1":
        from conftest import REPO

        (REPO / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPO / "docs" / "screenshots" / f"{name}.png"), full_page=full_page)


def _edit_cell(page, grid, row: int, column: int, text: str) -> None:
    """Type ``text`` into a cell of a data editor: click its first cell, move there with the arrows, open the cell's
    editor (Enter), type, Enter."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator("textarea.gdg-input:not([disabled])").first
    for _ in range(3):  # a click that lands while the grid is still drawing selects nothing (or a read-only cell)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # the first data row, below the 35 px header
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        for _ in range(row):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("the cell's editor never opened")
    editor.fill(text)  # the whole value at once: keys typed while the editor opens can be lost on a busy machine
    page.keyboard.press("Enter")


def test_a_value_group_edited_in_the_table_changes_the_crosstab(served, page):
    url, folder = served
    groups_before = set(analysis.crosstab(Project.open(folder), "profession").long()["group"])
    assert {"GP", "médecin généraliste"} <= groups_before
    page.goto(f"{url}/people?coder=ines")
    settle(page)
    page.get_by_role("tab", name="Value groups").click()
    settle(page)
    # the grid of the panel that holds the groups' save button: the Documents grid (read-only "fr" cells) is not it
    save_groups = page.get_by_role("button", name=re.compile("^Save groups"))
    panel = page.locator('[data-testid="stTabPanel"]').filter(has=save_groups)
    panel.wait_for(state="visible", timeout=60_000)
    grid = panel.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible", timeout=60_000)
    _edit_cell(page, grid, 0, 2, "médecin généraliste")  # row 0 is "GP" (values sorted, capitals first)
    settle(page)
    save = page.get_by_role("button", name="Save groups (1 value(s))")
    save.wait_for(timeout=60_000)
    save.click()
    settle(page)
    _no_errors(page)
    project = Project.open(folder)
    assert _wait_for(lambda: len(project.groups_df()))
    groups = project.groups_df()
    assert groups[["attribute", "value", "group"]].values.tolist() == [["profession", "GP", "médecin généraliste"]], groups
    groups_after = set(analysis.crosstab(project, "profession").long()["group"])
    assert groups_after == groups_before - {"GP"}
    assert project.history_df("ines", limit=1)["kind"].tolist() == ["group-edit"]  # recorded and undoable
    shoot(page, "speakers-and-documents")


def test_blind_coding_hides_another_coders_codings_in_the_studio(served, page):
    url, folder = served
    project = Project.open(folder)
    document = project.document(INTERVIEW)
    codings = project.document_codings(document.id)
    theirs = codings.loc[codings["coder"] == "coder_b", "coding_id"].tolist()
    rules = codings.loc[codings["source"] == "rules", "coding_id"].tolist()
    mine = codings.loc[codings["coder"] == "coder_a", "coding_id"].tolist()
    assert theirs and mine and rules
    page.goto(f"{url}/workbench?coder=coder_a&doc={document.id}")
    settle(page)
    page.wait_for_selector(".qc-run")
    chips = lambda ids: page.locator(",".join(f'.qc-chip[data-coding="{i}"]' for i in ids)).count()  # noqa: E731
    assert chips(theirs) > 0 and chips(rules) > 0
    page.locator('[data-testid="stSidebar"]').get_by_text("Blind coding").click()
    settle(page)
    page.wait_for_selector(".qc-run")
    assert chips(theirs) == 0 and chips(rules) == 0
    assert chips(mine) > 0
    _no_errors(page)
    shoot(page, "studio-blind", full_page=False)
