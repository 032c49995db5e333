"""Take the explorer's screenshots in docs/: ``.venv/bin/python docs/screenshots.py [PROJECT]``.

Serves PROJECT (by default a demo project built in a temporary folder, which takes two or three minutes) on a
free port and photographs each main page in Debian's Chromium through Playwright.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from qualcoder.explorer.server import launch_chromium, running, settle

DOCS = Path(__file__).resolve().parent
SIZE = {"width": 1400, "height": 1000}


def _workbench(page) -> None:
    box = page.get_by_label("Who are you? (your coder name, recorded on every coding)")
    box.fill("alice")
    box.press("Enter")
    settle(page)


def _documents(page) -> None:
    page.get_by_text("Show open suggestions").click()
    settle(page)
    page.get_by_role("heading", name="reseau-memoire/cr-2004-01-15.txt").scroll_into_view_if_needed()
    page.mouse.wheel(0, 420)
    page.wait_for_timeout(500)


SHOTS = {  # file name -> (url path, what to do before the picture)
    "overview": ("", None),
    "documents": ("documents", _documents),
    "workbench": ("workbench", _workbench),
    "segments": ("segments", None),
    "analysis": ("analysis", None),
    "topics": ("topics", None),
    "agreement": ("agreement", None),
}


def take(folder: Path) -> list[Path]:
    written = []
    with running(folder) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=SIZE)
        for name, (path, prepare) in SHOTS.items():
            page.goto(f"{url}/{path}")
            settle(page)
            if prepare:
                prepare(page)
            target = DOCS / f"{name}.png"
            page.screenshot(path=str(target), full_page=False)
            written.append(target)
        browser.close()
    return written


def main() -> None:
    if len(sys.argv) > 1:
        paths = take(Path(sys.argv[1]))
    else:
        from qualcoder.demo import build_demo

        with tempfile.TemporaryDirectory() as tmp:
            project, _ = build_demo(Path(tmp) / "demo")
            project.close()
            paths = take(Path(tmp) / "demo")
    print("\n".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
