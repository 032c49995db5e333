"""The coding studio in a real browser: Debian's Chromium driven by Playwright against ``streamlit run app.py``.

Every selection is made with the mouse (or the keyboard) on the rendered text; the coding stored must hold exactly
the dragged text. Each test codes as its own coder, so that their actions (and undo stacks) stay apart on the one
served copy of the demo project.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

from qualcoder import Project
from qualcoder.explorer.server import running, settle

pytestmark = pytest.mark.browser
DOC = "reseau-memoire/cr-2004-03-11.txt"
INTERVIEW = "coordinateurs/entretien-03-diabete.txt"
EMOJI = "Dr X : J'ai dit 😀 « oui » puis 𝄞 non, vraiment.\n\nDr Y : D'accord.\n"

# the screen point of a character's left or right edge, scrolled into view first (the mouse is then pressed there)
CHAR_POINT = """([offset, edge]) => {
  const run = [...document.querySelectorAll('.qc-run')].find(
    (r) => Number(r.dataset.s) <= offset && offset < Number(r.dataset.e));
  const node = run.firstChild, text = node.data, wide = (i) => text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) < 0xdc00;
  let i = 0;
  for (let n = 0; n < offset - Number(run.dataset.s); n++) i += wide(i) ? 2 : 1;
  const range = document.createRange();
  range.setStart(node, i);
  range.setEnd(node, i + (wide(i) ? 2 : 1));
  const rect = [...range.getClientRects()].pop();
  return [edge === 'left' ? rect.left + 1 : rect.right - 1, rect.top + rect.height / 2];
}"""
REVEAL = """(offset) => {
  const scroller = document.querySelector('.qc-scroll');
  scroller.scrollIntoView({block: 'end'});
  const run = [...document.querySelectorAll('.qc-run')].find(
    (r) => Number(r.dataset.s) <= offset && offset < Number(r.dataset.e));
  const range = document.createRange();
  range.selectNodeContents(run);
  const rects = [...range.getClientRects()];
  const share = (offset - Number(run.dataset.s)) / Math.max(run.textContent.length, 1);
  const line = rects[Math.min(Math.floor(share * rects.length), rects.length - 1)];
  const box = scroller.getBoundingClientRect();
  scroller.scrollTop += line.top - box.top - box.height / 3;
}"""


@pytest.fixture(scope="module")
def served(demo_project, tmp_path_factory):
    """A copy of the demo project, with a short document holding characters outside the BMP, served: (url, folder)."""
    folder = tmp_path_factory.mktemp("studio-browser") / "demo"
    shutil.copytree(demo_project.folder, folder)
    extra = tmp_path_factory.mktemp("extra") / "emoji.txt"
    extra.write_text(EMOJI, encoding="utf-8")
    project = Project.open(folder)
    project.import_files([extra])
    project.close()
    with running(folder) as url:
        yield url, folder


def _project(folder) -> Project:
    return Project.open(folder)


def _open(page, url: str, coder: str, document) -> None:
    page.goto(f"{url}/workbench?coder={coder}&doc={document.id}")
    settle(page)
    page.wait_for_selector(".qc-run")
    _no_errors(page)


def _no_errors(page) -> None:
    shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert shown.count() == 0, shown.all_inner_texts()


def _error_text(page) -> str:
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    return " ".join(page.locator('[data-testid="stAlertContentError"]').all_inner_texts())


def _drag(page, start: int, end: int) -> None:
    """Press the mouse on the first character of ``text[start:end]`` and release it on the last one."""
    page.evaluate(REVEAL, start)
    page.wait_for_timeout(100)
    left = page.evaluate(CHAR_POINT, [start, "left"])
    right = page.evaluate(CHAR_POINT, [end - 1, "right"])
    page.mouse.move(*left)
    page.mouse.down()
    page.mouse.move(*right, steps=12)
    page.mouse.up()


def _card(page, coding_id: int):
    """The codings panel's card of one coding."""
    return page.locator(f".st-key-studio_card_{coding_id}")


def _pick(page, typed: str, code: str) -> None:
    """Filter the picker by typing, then click the code."""
    page.wait_for_selector(".qc-picker:not([hidden])")
    page.keyboard.type(typed)
    page.locator(f'.qc-picker li[data-code="{code}"]').click()
    settle(page)


def _codings(folder, coder: str, count: int, timeout: float = 20):
    """The coder's codings once there are ``count`` of them (the write follows the click by a rerun)."""
    deadline = time.monotonic() + timeout
    while True:
        found = _project(folder).codings_df(coder=coder)
        if len(found) == count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _span(text: str, passage: str, after: int = 0) -> tuple[int, int]:
    start = text.index(passage, after)
    return start, start + len(passage)


def test_a_passage_dragged_inside_a_turn_is_coded_from_the_picker(served, page):
    url, folder = served
    document = _project(folder).document(DOC)
    _open(page, url, "eve", document)
    start, end = _span(document.text, "choses clairement, parce que je sens")
    _drag(page, start, end)
    _pick(page, "défense du terr", "territoire.defense")  # the French label, typed without the accent's help
    _no_errors(page)
    coded = _codings(folder, "eve", 1)
    assert coded["code"].tolist() == ["territoire.defense"]
    assert (coded["start"].iloc[0], coded["end"].iloc[0]) == (start, end)
    assert coded["text"].iloc[0] == document.text[start:end] == "choses clairement, parce que je sens"
    chip = page.locator(f'.qc-chip[data-coding="{coded["coding_id"].iloc[0]}"]')
    assert chip.inner_text() == "Défense du territoire"


def test_selections_across_a_line_break_two_segments_and_wide_characters(served, page):
    url, folder = served
    project = _project(folder)
    interview = project.document(INTERVIEW)
    segments = project.segments_df()
    turn = segments[segments["doc_id"] == interview.id].groupby("turn").filter(lambda t: len(t) > 1)
    first, second = turn.iloc[0], turn.iloc[1]
    start = interview.text.rfind(" ", int(first["start"]), int(first["end"]) - 12) + 1
    end = interview.text.find(" ", int(second["start"]) + 12)
    _open(page, url, "fay", interview)
    _drag(page, start, end)
    _pick(page, "financement", "financement")
    coded = _codings(folder, "fay", 1)
    assert (coded["start"].iloc[0], coded["end"].iloc[0]) == (start, end)  # both segments, the blank line between
    assert "\n\n" in coded["text"].iloc[0] and coded["text"].iloc[0] == interview.text[start:end]

    minutes = project.document(DOC)
    _open(page, url, "fay", minutes)
    start, end = _span(minutes.text, "11 mars 2004\nLieu : salle")
    _drag(page, start, end)
    _pick(page, "coordination", "coordination")
    coded = _codings(folder, "fay", 2)
    assert coded.loc[coded["doc"] == DOC, "text"].tolist() == ["11 mars 2004\nLieu : salle"]

    wide = project.document("emoji.txt")
    _open(page, url, "fay", wide)
    start, end = _span(wide.text, "dit 😀 « oui » puis 𝄞 non")
    _drag(page, start, end)
    _pick(page, "aidants", "patient.aidants")
    coded = _codings(folder, "fay", 3)
    assert coded.loc[coded["doc"] == "emoji.txt", "text"].tolist() == ["dit 😀 « oui » puis 𝄞 non"]


def test_two_overlapping_codings_are_shown_and_each_editable(served, page):
    url, folder = served
    project = _project(folder)
    document = project.document(DOC)
    first = project.apply_codes(document.id, *_span(document.text, "Le frigo est plein des barquettes"),
                                ["patient.aidants"], "gus")[0]
    second = project.apply_codes(document.id, *_span(document.text, "des barquettes du portage de repas"),
                                 ["patient.domicile"], "gus")[0]
    _open(page, url, "gus", document)
    both = page.locator(f'.qc-run[data-codings*="{first}"][data-codings*="{second}"]')
    assert both.count() == 1 and both.inner_text() == "des barquettes"
    assert page.locator(f'.qc-chip[data-coding="{first}"]').count() == 1
    assert page.locator(f'.qc-chip[data-coding="{second}"]').count() == 1
    both.scroll_into_view_if_needed()
    both.click()
    settle(page)
    assert page.get_by_text(re.compile(r"^coding \d+ · gus · manual")).count() == 2
    _card(page, first).get_by_test_id("stSelectbox").click()
    page.keyboard.type("coordination —")
    page.keyboard.press("Enter")
    settle(page)
    assert _project(folder).repo.coding(first)["code"] == "coordination"
    _card(page, second).get_by_label("Memo").fill("portage refusé")
    _card(page, second).get_by_role("button", name="Save memo").click()
    settle(page)
    stored = _project(folder).repo.coding(second)
    assert stored["memo"] == "portage refusé" and stored["code"] == "patient.domicile"
    _no_errors(page)


def test_a_rule_coding_rejected_in_the_studio_stays_rejected_when_autocode_runs_again(served, page):
    url, folder = served
    project = _project(folder)
    document = project.document(DOC)
    codings = project.document_codings(document.id)
    rule = int(codings.loc[(codings["source"] == "rules") & (codings["status"] == "applied"), "coding_id"].iloc[0])
    _open(page, url, "hal", document)
    chip = page.locator(f'.qc-chip[data-coding="{rule}"]')
    chip.scroll_into_view_if_needed()
    chip.click()
    settle(page)
    _card(page, rule).get_by_role("button", name="Reject").click()
    settle(page)
    assert _project(folder).repo.coding(rule)["status"] == "rejected"
    _project(folder).autocode()
    assert _project(folder).repo.coding(rule)["status"] == "rejected"
    page.reload()
    settle(page)
    page.wait_for_selector(".qc-run")
    assert page.locator(f'.qc-chip[data-coding="{rule}"]').count() == 0


def test_undo_then_redo_after_a_page_reload(served, page):
    url, folder = served
    document = _project(folder).document(DOC)
    _open(page, url, "ida", document)
    start, end = _span(document.text, "Trente-huit patients pour trente-cinq places")
    _drag(page, start, end)
    page.wait_for_selector(".qc-picker:not([hidden])")
    page.keyboard.type("aidants")
    page.keyboard.press("Enter")
    settle(page)
    coded = _codings(folder, "ida", 1)
    coding_id = int(coded["coding_id"].iloc[0])
    page.reload()
    settle(page)
    page.get_by_role("button", name="↶ Undo").click()
    settle(page)
    assert _codings(folder, "ida", 0).empty
    assert page.get_by_text(re.compile(r"^Undone: apply patient\.aidants")).count() == 1
    page.reload()
    settle(page)
    page.get_by_role("button", name="↷ Redo").click()
    settle(page)
    again = _codings(folder, "ida", 1)
    assert int(again["coding_id"].iloc[0]) == coding_id
    assert again["text"].iloc[0] == "Trente-huit patients pour trente-cinq places"
    assert page.locator(f'.qc-chip[data-coding="{coding_id}"]').count() == 1
    _no_errors(page)


def test_a_coding_made_with_the_keyboard_only(served, page):
    url, folder = served
    project = _project(folder)
    document = project.document(DOC)
    _open(page, url, "jo", document)
    for _ in range(60):  # Tab to the document
        if page.evaluate("document.activeElement && document.activeElement.classList.contains('qc-scroll')"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("the document cannot be reached with Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the second segment
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")  # two words fewer at the end
    page.keyboard.press("Enter")
    page.keyboard.type("savoir partag")
    page.keyboard.press("Shift+Enter")  # keep it, and add another code
    page.keyboard.press("Control+a")
    page.keyboard.type("aidants")
    page.keyboard.press("Enter")
    settle(page)
    segment = project.segments_df().query("doc_id == @document.id").sort_values("start").iloc[1]
    words = list(re.finditer(r"\S+", document.text[segment["start"]:segment["end"]]))
    expected = document.text[segment["start"]:segment["start"] + words[-3].end()]
    coded = _codings(folder, "jo", 2)
    assert sorted(coded["code"]) == ["apprentissage.savoir_partage", "patient.aidants"]
    assert set(coded["start"]) == {segment["start"]} and set(coded["text"]) == {expected}
    page.locator(".qc-scroll").press("Control+z")  # undo from the keyboard too: both codes, one action
    settle(page)
    assert _codings(folder, "jo", 0).empty


def test_the_next_uncoded_segment_opens_scrolled_to_and_highlighted(served, page):
    url, folder = served
    document = _project(folder).document(DOC)
    _open(page, url, "kim", document)
    page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Step through", exact=True)).click()
    page.get_by_role("option", name="Next uncoded segment").click()
    settle(page)
    page.get_by_role("button", name="Next uncoded segment ▸").click()
    settle(page)
    page.wait_for_function("CSS.highlights.has('qc-focus')")
    at = re.search(r"at=(\d+)-(\d+)", page.url)
    start, end = int(at.group(1)), int(at.group(2))
    visible = page.evaluate("""(start) => {
        const run = [...document.querySelectorAll('.qc-run')].find(
          (r) => Number(r.dataset.s) <= start && start < Number(r.dataset.e));
        const box = document.querySelector('.qc-scroll').getBoundingClientRect(), place = run.getBoundingClientRect();
        return place.top >= box.top && place.top <= box.bottom;
    }""", start)
    assert visible
    page.keyboard.press("Enter")  # the passage is selected and the document has the focus
    page.keyboard.type("reference")
    page.keyboard.press("Enter")
    settle(page)
    coded = _codings(folder, "kim", 1)
    text = _project(folder).document(int(coded["doc_id"].iloc[0])).text
    assert coded["text"].iloc[0] == text[start:end].strip() and coded["code"].tolist() == ["apprentissage.reference_cas"]


def test_stale_pages_and_nothing_to_undo_are_clear_messages(served, page):
    url, folder = served
    project = _project(folder)
    document = project.document(DOC)
    coding = project.apply_codes(document.id, *_span(document.text, "Je ne suis pas d'accord"), ["patient.parcours"],
                                 "lou")[0]
    _open(page, url, "lou", document)
    chip = page.locator(f'.qc-chip[data-coding="{coding}"]')
    chip.scroll_into_view_if_needed()
    chip.click()
    settle(page)
    project.remove_coding(coding, "someone-else")  # meanwhile, in another browser
    _card(page, coding).get_by_role("button", name="Remove").click()
    settle(page)
    assert "[Q522]" in _error_text(page) and f"there is no coding {coding}" in _error_text(page)
    page.goto(f"{url}/workbench?coder=nobody-yet&doc={document.id}")
    settle(page)
    page.locator(".qc-scroll").press("Control+z")
    settle(page)
    assert "[Q521]" in _error_text(page) and "nobody-yet has nothing to undo" in _error_text(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_documents_page_reads_a_document_and_opens_it_in_the_studio(served, page):
    url, folder = served
    document = _project(folder).document(DOC)
    _open(page, url, "max", _project(folder).document(INTERVIEW))  # the studio was showing another document
    page.get_by_role("link", name="Documents", exact=True).click()
    settle(page)
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Read a document", exact=True))
    box.click()
    page.keyboard.type(DOC)
    page.get_by_role("option", name=DOC, exact=True).click()
    settle(page)
    page.wait_for_selector(".qc-run")
    drawn = page.evaluate("[...document.querySelectorAll('.qc-run')].map((r) => r.textContent).join('')")
    assert drawn == document.text
    page.get_by_role("link", name="Code this document in the coding studio ▸").click()
    settle(page)
    page.wait_for_selector(".qc-run")
    assert f"doc={document.id}" in page.url
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Coding studio"
    _no_errors(page)


# a DOM selection set between two points, each given as (offset, how): "text" (in the text node of the run holding
# the offset), "end" (at the end of the text node of the run before it), "element" (before the run's element in
# its parent); then the mouse-up the component listens to
SELECT = """([first, second]) => {
  const runs = [...document.querySelectorAll('.qc-run')];
  const wide = (text, i) => text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) < 0xdc00;
  const units = (text, points) => { let i = 0; for (let n = 0; n < points; n++) i += wide(text, i) ? 2 : 1; return i; };
  const point = ([offset, how]) => {
    const index = runs.findIndex((r) => Number(r.dataset.s) <= offset && offset < Number(r.dataset.e));
    const run = runs[index < 0 ? runs.length - 1 : index];
    if (how === "end" && index > 0) return [runs[index - 1].firstChild, runs[index - 1].firstChild.data.length];
    if (how === "element" && index >= 0 && Number(run.dataset.s) === offset) {
      return [run.parentNode, [...run.parentNode.childNodes].indexOf(run)];
    }
    const text = run.firstChild.data;
    return [run.firstChild, units(text, Math.min(offset, Number(run.dataset.e)) - Number(run.dataset.s))];
  };
  const range = document.createRange();
  range.setStart(...point(first));
  range.setEnd(...point(second));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.querySelector('.qc-scroll').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return new Promise((done) => setTimeout(done, 30));  // the component reads the selection after the event
}"""


def test_random_selections_map_to_exact_offsets_in_the_browser(served, page):
    """The component's own mapping from DOM points to offsets, on a read-only view (the Documents page), for
    random selections in text with labels, titles, blank lines and characters outside the BMP."""
    import random

    url, folder = served
    rng = random.Random(0)
    for name in ("emoji.txt", DOC):
        document = _project(folder).document(name)
        page.goto(f"{url}/documents")
        settle(page)
        page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Read a document", exact=True)).click()
        page.keyboard.type(name)
        page.get_by_role("option", name=name, exact=True).click()
        settle(page)
        page.wait_for_selector(".qc-run")
        bounds = page.evaluate("[...document.querySelectorAll('.qc-run')].map((r) => Number(r.dataset.s))")
        for _ in range(60):
            start, end = sorted(rng.sample(range(len(document.text) + 1), 2))
            how = [rng.choice(["text", "end", "element"]) if offset in bounds else "text" for offset in (start, end)]
            page.evaluate(SELECT, [[start, how[0]], [end, how[1]]])
            hint = page.locator(".qc-hint").inner_text()
            found = re.search(r"\((\d+)–(\d+)\)", hint)
            assert found and (int(found.group(1)), int(found.group(2))) == (start, end), (name, start, end, how, hint)
