"""Streamlit AppTest of every explorer page against a real project (issue 8 grows the explorer)."""

from __future__ import annotations

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest


def _page(name: str) -> None:
    from qualcoder.explorer import pages

    getattr(pages, name)()


@pytest.fixture
def folder(sqlite_project, sample_dir):
    sqlite_project.import_files([sample_dir])
    sqlite_project.segment("sentence")
    return str(sqlite_project.folder)


def _run(folder: str, page: str | None = None) -> AppTest:
    if page is None:
        test = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    else:
        test = AppTest.from_function(_page, args=(page,), default_timeout=60)
    test.session_state["project_folder"] = folder
    return test.run()


def test_overview_shows_counts(folder):
    test = _run(folder)
    assert not test.exception and not test.error
    metrics = {m.label: m.value for m in test.metric}
    assert metrics["Documents"] == "3" and metrics["Turns"] != "0"
    assert test.title[0].value == "study"


def test_documents_page_reads_a_document(folder):
    test = _run(folder, "documents")
    assert not test.exception
    assert len(test.dataframe[0].value) == 3
    test.selectbox[0].select("corpus/cr-2004-03-11.txt").run()
    assert "Dr Morel : Le MMSE est à 18." in test.text[0].value


def test_segments_page_filters(folder):
    test = _run(folder, "segments")
    assert not test.exception
    total = len(test.dataframe[0].value)
    test.text_input[0].input("MMSE").run()
    shown = test.dataframe[0].value
    assert 0 < len(shown) < total and shown["text"].str.contains("MMSE").all()
    test.multiselect[0].select("neurologue").run()
    assert set(test.dataframe[0].value["profession"]) == {"neurologue"}


def test_missing_project_is_shown_as_an_error(tmp_path):
    test = _run(str(tmp_path / "nowhere"))
    assert not test.exception
    assert "[Q201]" in test.error[0].value
