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

PAGES = Path(__file__).resolve().parent
NAVIGATION = [
    ("overview", "Overview"),
    ("documents", "Documents"),
    ("workbench", "Code"),
    ("segments", "Segments"),
    ("codebook", "Codebook"),
    ("memos", "Memos"),
    ("analysis", "Analysis"),
    ("topics", "Topics"),
    ("lexico", "Lexicometry"),
    ("agreement", "Agreement"),
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
    pages = [_page(name, title, default=index == 0) for index, (name, title) in enumerate(NAVIGATION)]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
