"""The Streamlit explorer's script, inside the package so that an installed ``qualcoder explore`` serves it.

``streamlit run`` executes this file on every rerun (``__name__ == "__main__"``); the repository's root ``app.py``
calls :func:`main` too, so ``streamlit run app.py`` from a checkout works the same. One small module per page beside
this one; the project folder comes from ``--project`` after ``--`` in the streamlit command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import streamlit as st

from qualcoder.explorer import login, state

PAGES = Path(__file__).resolve().parent
NAVIGATION = [
    ("overview", "Overview"),
    ("upload", "Import"),
    ("documents", "Documents"),
    ("people", "Speakers & documents"),
    ("workbench", "Code"),
    ("segments", "Segments"),
    ("codebook", "Codebook"),
    ("memos", "Memos"),
    ("analysis", "Analysis"),
    ("framework", "Framework"),
    ("report", "Report"),
    ("topics", "Topics"),
    ("lexico", "Lexicometry"),
    ("agreement", "Agreement"),
    ("privacy", "Pseudonymise"),
    ("exports", "Downloads"),
]


def _project_folder() -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", default=".")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.project


def _page(name: str, title: str, **options) -> st.Page:
    # no icons: Streamlit makes the active page's icon the favicon, fetched from a CDN (the explorer is offline)
    return st.Page(str(PAGES / f"{name}.py"), title=title, url_path=name, **options)


def main() -> None:
    """Lay out the explorer's pages and run the one the browser asked for."""
    st.set_page_config(page_title="qualcoder", layout="wide")
    st.session_state.setdefault("project_folder", _project_folder())
    login.register()
    project = state.project_or_none()
    user, locked = login.check(project)  # a shared project (one with users) needs a fresh login
    pages = [_page(name, title, default=index == 0) for index, (name, title) in enumerate(NAVIGATION)]
    navigation = st.navigation(pages, position="hidden" if locked else "sidebar")
    if locked:
        login.form(project)  # stops the run: the page asked for is drawn once logged in
    login.sidebar(project, user)
    navigation.run()


if __name__ == "__main__":
    main()
