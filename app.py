"""The Streamlit explorer: ``qualcoder explore PROJECT`` (or ``make demo``) serves it on 127.0.0.1:8501."""

from __future__ import annotations

import argparse
import sys

import streamlit as st

from qualcoder.explorer import pages


def _project_folder() -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", default=".")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.project


st.set_page_config(page_title="qualcoder", layout="wide")
st.session_state.setdefault("project_folder", _project_folder())
navigation = st.navigation([
    st.Page(pages.overview, title="Overview", default=True),
    st.Page(pages.documents, title="Documents", url_path="documents"),
    st.Page(pages.segments, title="Segments", url_path="segments"),
])
navigation.run()
