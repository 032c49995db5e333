"""Take the explorer's screenshots in docs/: ``.venv/bin/python docs/screenshots.py [PROJECT [NAME...]]``.

Serves PROJECT (by default a demo project built in a temporary folder, which takes two or three minutes) on a
free port and photographs each main page in Debian's Chromium through Playwright, 1440 px wide.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from qualcoder import Project
from qualcoder.explorer.server import launch_chromium, running, settle

DOCS = Path(__file__).resolve().parent
SIZE = {"width": 1440, "height": 1000}
MINUTES = "reseau-memoire/cr-2004-03-11.txt"
PASSAGE = "Je vais dire les choses clairement"  # a turn that two coders and the rules coded, overlapping
INTERVIEW = "coordinateurs/entretien-03-diabete.txt"
PICKED = "Le frigo est plein des barquettes du portage de repas, pas ouvertes."

# the screen point of a character's left or right edge, after scrolling the document to it
CHAR_POINT = """([offset, edge]) => {
  const run = [...document.querySelectorAll('.qc-run')].find(
    (r) => Number(r.dataset.s) <= offset && offset < Number(r.dataset.e));
  const range = document.createRange();
  range.setStart(run.firstChild, offset - Number(run.dataset.s));
  range.setEnd(run.firstChild, offset - Number(run.dataset.s) + 1);
  const rect = [...range.getClientRects()].pop();
  return [edge === 'left' ? rect.left + 1 : rect.right - 1, rect.top + rect.height / 2];
}"""
SCROLL_TO = """(offset) => {
  const scroller = document.querySelector('.qc-scroll');
  scroller.scrollIntoView({block: 'end'});
  const run = [...document.querySelectorAll('.qc-run')].find(
    (r) => Number(r.dataset.s) <= offset && offset < Number(r.dataset.e));
  scroller.scrollTop += run.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 40;
}"""


def _studio(page, url: str, project: Project) -> None:
    """The studio on a case-review meeting, a turn's codings listed (two coders and the rules overlap there)."""
    document = project.document(MINUTES)
    page.goto(f"{url}/workbench?coder=alice&doc={document.id}")
    settle(page)
    page.wait_for_selector(".qc-run")
    start = document.text.index(PASSAGE)
    page.evaluate(SCROLL_TO, start)
    page.mouse.click(*page.evaluate(CHAR_POINT, [start + 3, "left"]))
    settle(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)


def _picker(page, url: str, project: Project) -> None:
    """A passage selected with the mouse and the code picker filtered by typing."""
    document = project.document(MINUTES)
    page.goto(f"{url}/workbench?coder=alice&doc={document.id}")
    settle(page)
    page.wait_for_selector(".qc-run")
    start = document.text.index(PICKED)
    page.evaluate(SCROLL_TO, start)
    page.wait_for_timeout(200)
    page.mouse.move(*page.evaluate(CHAR_POINT, [start, "left"]))
    page.mouse.down()
    page.mouse.move(*page.evaluate(CHAR_POINT, [start + len(PICKED) - 1, "right"]), steps=10)
    page.mouse.up()
    page.wait_for_selector(".qc-picker:not([hidden])")
    page.keyboard.type("domic")
    page.wait_for_timeout(300)


def _documents(page, url: str, project: Project) -> None:
    page.goto(f"{url}/documents")
    settle(page)
    page.get_by_text("Show open suggestions").click()
    settle(page)
    page.wait_for_selector(".qc-coded")
    page.evaluate("""() => {
        document.querySelector('.qc-scroll').scrollIntoView({block: 'end'});
        const scroller = document.querySelector('.qc-scroll'), run = document.querySelector('.qc-coded');
        scroller.scrollTop += run.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 40;
    }""")
    page.wait_for_timeout(500)


def _new_code(page, url: str, project: Project) -> None:
    """A passage selected and a name typed that no code has: the picker offers to create it."""
    _picker(page, url, project)
    page.keyboard.press("Control+a")
    page.keyboard.type("Repas non pris")
    page.wait_for_timeout(300)


def _refused_delete(page, url: str, project: Project) -> None:
    """A code people coded with: its delete is refused, with the reason (nothing is written)."""
    page.goto(f"{url}/codebook?coder=alice&code=patient.domicile")
    settle(page)
    page.get_by_role("button", name="Delete code", exact=True).click()
    settle(page)


def _studio_memos(page, url: str, project: Project) -> None:
    """An interview in the studio with the memos on it and on its speakers beside the text."""
    document = project.document(INTERVIEW)
    page.goto(f"{url}/workbench?coder=alice&doc={document.id}")
    settle(page)
    page.wait_for_selector(".qc-run")


def _page(path: str):
    def prepare(page, url: str, project: Project) -> None:
        page.goto(f"{url}/{path}")
        settle(page)

    return prepare


SHOTS = {  # file name -> what to do before the picture
    "overview": _page(""),
    "documents": _documents,
    "studio": _studio,
    "studio-picker": _picker,
    "segments": _page("segments"),
    "analysis": _page("analysis"),
    "topics": _page("topics"),
    "agreement": _page("agreement"),
    "codebook-edit": _page("codebook?coder=alice&code=patient.domicile"),
    "codebook-refused": _refused_delete,
    "studio-new-code": _new_code,
    "studio-memos": _studio_memos,
    "memos": _page("memos?coder=alice"),
    "downloads": _page("exports"),
}


def take(folder: Path, names: list[str] | None = None) -> list[Path]:
    """Photograph the pages named (by default every one of ``SHOTS``)."""
    written = []
    project = Project.open(folder)
    with running(folder) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=SIZE)
        for name, prepare in SHOTS.items():
            if names and name not in names:
                continue
            prepare(page, url, project)
            target = DOCS / f"{name}.png"
            page.screenshot(path=str(target), full_page=False)
            written.append(target)
        browser.close()
    project.close()
    return written


def main() -> None:
    if len(sys.argv) > 1:
        paths = take(Path(sys.argv[1]), sys.argv[2:])
    else:
        from qualcoder.demo import build_demo

        with tempfile.TemporaryDirectory() as tmp:
            project, _ = build_demo(Path(tmp) / "demo")
            project.close()
            paths = take(Path(tmp) / "demo")
    print("\n".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
