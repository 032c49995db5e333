"""Nothing leaves the machine from the explorer: a project whose texts, names, memos and code definitions are full of
remote images, links, HTML and Markdown is shown on every page, and the browser asks nothing of any host but the
explorer's own; the text is shown as written (no `*`, `_` or `$` eaten)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import yaml
from conftest import REPO

from qualcoder import Project
from qualcoder.explorer.server import launch_chromium, running, settle

pytestmark = pytest.mark.browser
REMOTE = "203.0.113.9"  # TEST-NET-3: never a real host
EVIL = (f"![pixel](http://{REMOTE}/md.png) <img src=\"http://{REMOTE}/tag.png\"> "
        f"[a link](http://{REMOTE}/link) **_gras_** $x^2$ :red[rouge] <script>alert(1)</script>")
PAGES = ["", "upload", "documents", "people", "workbench", "segments", "codebook", "memos", "analysis", "framework",
         "report", "topics", "lexico", "agreement", "exports", "privacy"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sample_dir_module):
    folder = tmp_path_factory.mktemp("hostile") / "study"
    project = Project.create(folder)
    (sample_dir_module / "piège.txt").write_text(f"Enq. : {EVIL}\n\nMme Aubert : {EVIL} et le financement.\n",
                                                 encoding="utf-8")
    assert project.import_files([sample_dir_module]).ok
    project.segment("paragraph")
    book = yaml.safe_load((REPO / "codebooks" / "reseaux-sante.yaml").read_text(encoding="utf-8"))
    for code in book["codes"][:3]:
        code["definition"]["fr"] = EVIL
        code.setdefault("examples", []).append({"text": EVIL, "source": "piège.txt"})
    path = tmp_path_factory.mktemp("book") / "evil.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    project.load_codebook(path)
    document = project.document("corpus/piège.txt")
    start = document.text.index("**_gras_**")
    for coder in ("alice", "bob"):
        coding = project.apply_codes(document.id, start, start + 10, [book["codes"][0]["id"]], coder, memo=EVIL)[0]
        project.add_memo("coding", coding, coder, EVIL)
    project.add_memo("document", document.id, "alice", EVIL)
    project.add_memo("code", book["codes"][0]["id"], "alice", EVIL)
    project.autocode()
    project.close()
    return folder


@pytest.fixture(scope="module")
def sample_dir_module(tmp_path_factory):
    from conftest import INTERVIEW_FR

    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    folder.mkdir()
    (folder / "entretien.txt").write_text(INTERVIEW_FR, encoding="utf-8")
    return folder


def test_no_request_leaves_the_machine_and_text_shows_as_written(hostile):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with running(hostile) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})

        def watch(route) -> None:
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", watch)
        page = context.new_page()
        shown = {}
        for path in PAGES:
            page.goto(f"{url}/{path}?coder=alice")
            settle(page)
            for expander in page.locator('[data-testid="stExpander"] summary').all():
                expander.click()
            if path == "documents":
                box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Read a document"))
                box.locator("input").click()
                box.locator("input").press_sequentially("piège")  # typed: the list filters to the one document
                box.locator("input").press("Enter")
            settle(page)
            shown[path] = page.locator('[data-testid="stMain"]').inner_text()
        browser.close()
    assert outside == []
    assert "**_gras_**" in shown["documents"] and "$x^2$" in shown["documents"]  # shown as written
    assert f"![pixel](http://{REMOTE}/md.png)" in shown["codebook"]  # a definition, not an image
