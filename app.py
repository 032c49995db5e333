"""The Streamlit explorer: ``qualcoder explore PROJECT`` (or ``make demo``) serves it on 127.0.0.1:8501.

One small module per page under ``qualcoder/explorer/``; the project folder comes from ``--project`` after
``--`` in the streamlit command line (``qualcoder explore`` writes it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import streamlit as st

PAGES = Path("qualcoder") / "explorer"


def _project_folder() -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", default=".")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.project


def _page(name: str, title: str, **options) -> st.Page:
    # no icons: Streamlit makes the active page's icon the favicon, fetched from a CDN (the explorer is offline)
    return st.Page(str(PAGES / f"{name}.py"), title=title, url_path=name, **options)


st.set_page_config(page_title="qualcoder", layout="wide")
st.session_state.setdefault("project_folder", _project_folder())
navigation = st.navigation([
    _page("overview", "Overview", default=True),
    _page("documents", "Documents"),
    _page("workbench", "Code"),
    _page("segments", "Segments"),
    _page("codebook", "Codebook"),
    _page("analysis", "Analysis"),
    _page("framework", "Framework"),
    _page("report", "Report"),
    _page("topics", "Topics"),
    _page("lexico", "Lexicometry"),
    _page("agreement", "Agreement"),
])
navigation.run()
