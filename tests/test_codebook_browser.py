"""Growing the codebook and writing memos in a real browser (Debian's Chromium through Playwright against the served
explorer): a new code from a selection in the studio, rename, move and merge with the codings kept, a refused
delete with its reason, a memo edited on the Memos page and shown beside the text. Each test acts as its own coder
on the one served copy of the demo project."""

from __future__ import annotations

import shutil
import time

import pytest
from test_studio_browser import DOC, _drag, _error_text, _no_errors, _open, _span

from qualcoder import Project
from qualcoder.explorer.server import running, settle
from qualcoder.explorer.studio import quote

pytestmark = pytest.mark.browser
PASSAGE = "choses clairement, parce que je sens"


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("codebook-browser") / "demo"
    shutil.copytree(demo_project.folder, folder)
    with running(folder) as url:
        yield url, folder


def _until(read, test, timeout: float = 20):
    """``read()`` once ``test`` holds of it (a write follows a click by a rerun), or its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if test(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def _book(folder):
    project = Project.open(folder)
    try:
        return project.codebook()
    finally:
        project.close()


def _codings(folder, coder: str):
    project = Project.open(folder)
    try:
        return project.codings_df(coder=coder)
    finally:
        project.close()


def _choose(page, key: str, typed: str) -> None:
    """Pick in the selectbox of widget ``key`` the first option matching ``typed``."""
    page.locator(f".st-key-{key}").get_by_test_id("stSelectbox").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    settle(page)


def _edit_tab(page, url: str, coder: str, code: str) -> None:
    page.goto(f"{url}/codebook?coder={coder}&code={code}")
    settle(page)
    page.wait_for_selector("[data-testid='stForm']")  # ?code= opens the Edit tab


def _new_code_from_the_picker(page, url: str, folder, coder: str, label: str) -> str:
    document = Project.open(folder).document(DOC)
    _open(page, url, coder, document)
    start, end = _span(document.text, PASSAGE)
    _drag(page, start, end)
    page.wait_for_selector(".qc-picker:not([hidden])")
    page.keyboard.type(label)
    page.locator(".qc-picker li[data-new-code]").click()
    settle(page)
    _no_errors(page)
    coded = _until(lambda: _codings(folder, coder), lambda frame: len(frame) == 1)
    assert len(coded) == 1 and coded["text"].iloc[0] == document.text[start:end] == PASSAGE
    return coded["code"].iloc[0]


def test_a_new_code_typed_in_the_picker_is_created_and_codes_the_selection(served, page):
    url, folder = served
    code = _new_code_from_the_picker(page, url, folder, "nina", "Attente des familles")
    assert code == "attente_des_familles"
    assert _book(folder).code(code).label == {"fr": "Attente des familles", "en": "Attente des familles"}
    chip = page.locator(".qc-chip").filter(has_text="Attente des familles")
    assert chip.count() == 1

    document = Project.open(folder).document(DOC)  # the same passage, now as the code's example
    _drag(page, *_span(document.text, PASSAGE))
    page.keyboard.press("Escape")
    settle(page)
    _choose(page, "studio_example_code", "attente_des")
    page.get_by_role("button", name="Add example", exact=True).click()
    settle(page)
    examples = _until(lambda: _book(folder).code(code).examples, bool)
    assert [(e["text"], e["source"]) for e in examples] == [(PASSAGE, DOC)]


def test_rename_move_then_merge_keep_the_codings(served, page):
    url, folder = served
    code = _new_code_from_the_picker(page, url, folder, "omar", "Craintes du médecin")
    _edit_tab(page, url, "omar", code)
    page.locator("[class*='st-key-codebook_label_en_'] input").fill("Doctor's fears")
    page.get_by_role("button", name="Save changes", exact=True).click()
    settle(page)
    assert _until(lambda: _book(folder).code(code).label["en"], lambda v: v == "Doctor's fears") == "Doctor's fears"
    assert _book(folder).code(code).label["fr"] == "Craintes du médecin"

    _choose(page, "codebook_parent_" + code + "_" + _book(folder).version, "territoire — Territoire")
    page.get_by_role("button", name="Move", exact=True).click()
    settle(page)
    assert _until(lambda: _book(folder).code(code).parent, lambda v: v == "territoire") == "territoire"
    assert _codings(folder, "omar")["code"].tolist() == [code]

    _choose(page, "codebook_merge_target_" + code + "_" + _book(folder).version, "territoire.defense")
    page.get_by_role("button", name="Merge", exact=True).click()
    settle(page)
    book = _until(lambda: _book(folder), lambda b: code not in {c.id for c in b.codes})
    assert code not in {c.id for c in book.codes}
    coded = _codings(folder, "omar")
    assert coded["code"].tolist() == ["territoire.defense"] and coded["text"].tolist() == [PASSAGE]
    assert "Merged" in page.locator("[data-testid='stAlertContentSuccess']").inner_text()

    page.get_by_role("button", name="↶ Undo").click()  # the merge is one undoable action
    settle(page)
    assert _until(lambda: _codings(folder, "omar")["code"].tolist(), lambda v: v == [code]) == [code]


def test_deleting_a_code_people_coded_with_is_refused_with_the_reason(served, page):
    url, folder = served
    before = _book(folder).version
    _edit_tab(page, url, "paul", "territoire.defense")
    page.get_by_role("button", name="Delete code", exact=True).click()
    settle(page)
    shown = _error_text(page)
    assert "[Q503]" in shown and "made or accepted by a person" in shown and "Merge it into another code instead" in shown
    book = _book(folder)
    assert book.version == before and "territoire.defense" in {c.id for c in book.codes}


def test_a_memo_edited_on_the_memos_page_is_shown_beside_the_text(served, page):
    url, folder = served
    project = Project.open(folder)
    document = project.document(DOC)
    memo_id = project.add_memo("document", document.id, "rita", "Premier jet <b>*non*</b>")
    project.close()
    page.goto(f"{url}/memos?coder=rita")
    settle(page)
    _choose(page, "memos_pick", f"{memo_id} ·")
    page.locator(f"[class*='st-key-memos_text_{memo_id}_'] textarea").fill("Relu : la *coordination* <i>tient</i>")
    page.get_by_role("button", name="Save memo").first.click()
    settle(page)
    _no_errors(page)
    texts = _until(lambda: Project.open(folder).memos_df()["text"].tolist(),
                   lambda v: "Relu : la *coordination* <i>tient</i>" in v)
    assert "Relu : la *coordination* <i>tient</i>" in texts and "Premier jet <b>*non*</b>" not in texts

    _open(page, url, "rita", document)
    shown = page.locator(".qc-memo").all_inner_texts()
    assert "Relu : la *coordination* <i>tient</i>" in shown  # escaped: the asterisks and tags are shown as typed
    assert quote(document.name, 200) in page.locator("[data-testid='stExpander']").filter(
        has_text="Memos here").inner_text()


def test_a_yaml_loaded_in_the_browser_shows_what_changes_before_it_is_applied(served, page, tmp_path):
    import yaml

    from qualcoder.coding.codebook import to_yaml

    url, folder = served
    book = _book(folder)
    document = yaml.safe_load(to_yaml(book))
    document["codes"][0]["label"]["en"] = "Territory (renamed in the YAML)"
    document["codes"].append({"id": "nouveau_theme", "label": {"fr": "Nouveau thème", "en": "New theme"},
                              "definition": {"fr": "Un thème.", "en": "A theme."}, "color": "#123456"})
    path = tmp_path / "revised.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    page.goto(f"{url}/codebook?coder=sam")
    settle(page)
    page.get_by_role("tab", name="Load a YAML").click()
    settle(page)
    page.locator("input[type=file]").set_input_files(str(path))
    settle(page)
    diff = page.locator(".qc-diff").inner_text()
    assert "nouveau_theme" in diff and book.codes[0].id in diff
    assert _book(folder).version == book.version  # the dry run stored nothing
    page.get_by_role("button", name="Apply this codebook").click()
    settle(page)
    loaded = _until(lambda: _book(folder), lambda b: b.version != book.version)
    assert loaded.code("nouveau_theme").label["en"] == "New theme"
    assert loaded.code(book.codes[0].id).label["en"] == "Territory (renamed in the YAML)"


def test_downloads_are_made_when_clicked(served, page, tmp_path):
    import io

    import pandas as pd

    url, folder = served
    page.goto(f"{url}/exports")
    settle(page)
    with page.expect_download() as long_form:
        page.get_by_role("button", name="Long form: one row per coding (CSV)").click()
    frame = pd.read_csv(io.BytesIO(long_form.value.path().read_bytes()))
    codings = _codings(folder, None)
    assert long_form.value.suggested_filename == "coded-segments.csv"
    assert len(frame) == codings["status"].isin(["applied", "accepted"]).sum()
    with page.expect_download() as book:
        page.get_by_role("button", name="Codebook (.yaml)").click()
    from qualcoder.coding.codebook import load_codebook

    saved = tmp_path / book.value.suggested_filename
    book.value.save_as(saved)
    assert saved.suffix == ".yaml" and load_codebook(saved).version == _book(folder).version
