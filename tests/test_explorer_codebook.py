"""The explorer's Codebook, Memos and Downloads pages and the studio's codebook tools as AppTests, and the downloads
they serve: the same files as the CLI exports (long form, 0/1 matrix, .qdpx, codebook .docx/.md/.yaml, memos)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from test_explorer import _app, _clean

from qualcoder import refi
from qualcoder.coding.codebook import load_codebook
from qualcoder.explorer import codebook_actions, codebook_forms, downloads


@pytest.fixture(scope="module")
def long_form(demo_project) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(downloads.coded_segments_bytes(demo_project, wide=False, coders=[], sources=[])))


def test_the_long_form_has_one_row_per_coding_with_who_how_memo_labels_offsets_and_text(demo_project, long_form):
    codings = demo_project.codings_df()
    exported = codings[codings["status"].isin(["applied", "accepted"])]
    assert len(long_form) == len(exported) > 0
    assert {"coder", "source", "status", "memo", "label_fr", "label_en", "start", "end", "text"} <= set(long_form)
    row = long_form.iloc[len(long_form) // 2]
    assert demo_project.document(int(row["doc_id"])).text[int(row["start"]):int(row["end"])] == row["text"]
    only_a = pd.read_csv(io.BytesIO(downloads.coded_segments_bytes(demo_project, wide=False, coders=["coder_a"],
                                                                   sources=["import"])))
    assert set(only_a["coder"]) == {"coder_a"} and 0 < len(only_a) < len(long_form)


def test_the_matrix_has_a_zero_one_column_per_code(demo_project):
    wide = pd.read_csv(io.BytesIO(downloads.coded_segments_bytes(demo_project, wide=True, coders=[], sources=[])))
    codes = [c.id for c in demo_project.codebook().codes if c.id in wide.columns]
    assert len(codes) > 10 and wide["segment_id"].is_unique
    assert set(pd.unique(wide[codes].to_numpy().ravel())) == {0, 1}


def test_qdpx_codebook_and_memo_downloads(demo_project, tmp_path):
    qdpx = tmp_path / "project.qdpx"
    qdpx.write_bytes(downloads.qdpx_bytes(demo_project, coders=[]))
    refi.validate(zipfile.ZipFile(qdpx).read("project.qde"), kind="project")
    yaml_file = tmp_path / "codebook.yaml"
    yaml_file.write_bytes(downloads.codebook_bytes(demo_project, "yaml", "fr"))
    book = demo_project.codebook()
    assert load_codebook(yaml_file).version == book.version
    assert book.code("financement").label["en"] in downloads.codebook_bytes(demo_project, "md", "en").decode()
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(downloads.codebook_bytes(demo_project, "docx",
                                                                                        "fr"))).namelist()
    assert downloads.memos_bytes(demo_project, "md").decode().startswith("# Memos")


def test_a_code_can_only_move_outside_its_own_branch(demo_project):
    book = demo_project.codebook()
    places = codebook_forms.parent_options(book, "territoire")
    assert places[0] == codebook_actions.TOP and "coordination" in places
    assert not {"territoire", "territoire.defense", "territoire.empietement"} & set(places)


def test_memos_and_downloads_pages(demo_copy):
    demo_copy.add_memo("project", "", "alice", "Journal : début du codage")
    demo_copy.add_memo("code", "financement", "alice", "Financement : à scinder ?")
    memos = _clean(_app(demo_copy.folder, "memos", {"coder": "alice"}))
    shown = memos.dataframe[0].value
    assert len(shown) == 2 and {"target", "on", "text"} <= set(shown)
    memos.text_input(key="memos_search").set_value("scinder").run()
    assert memos.dataframe[0].value["text"].tolist() == ["Financement : à scinder ?"]
    assert memos.text_area[0].value == "Financement : à scinder ?"  # the memo found, ready to edit
    page = _clean(_app(demo_copy.folder, "exports"))
    assert [t.value for t in page.subheader] == ["Coded segments", "REFI-QDA", "Codebook", "Memos"]


# the Codebook page and the studio's codebook tools (AppTest) ---------------------------------------------------
def test_a_rename_made_on_a_stale_page_is_refused_and_the_page_shows_the_new_state(demo_copy):
    from test_studio import _button, _plain

    page = _clean(_app(demo_copy.folder, "codebook", {"coder": "alice", "code": "financement"}))
    shown = demo_copy.codebook().version
    demo_copy.update_code("bob", "financement", label={"en": "Money"})  # a colleague, meanwhile
    page.text_input(key=f"codebook_label_en_financement_{shown}").set_value("Funding streams")
    _button(page, "Save changes").click().run()
    assert demo_copy.codebook().code("financement").label["en"] == "Money"  # the first one wins
    refused = " ".join(_plain(e.value) for e in page.error)
    assert "[Q523]" in refused
    page.run()  # the next rerun shows what is stored now
    version = demo_copy.codebook().version
    assert page.text_input(key=f"codebook_label_en_financement_{version}").value == "Money"
    page.text_input(key=f"codebook_label_fr_financement_{version}").set_value("Financements")
    _button(page, "Save changes").click().run()  # only what was changed: not the colour, not the criteria
    assert demo_copy.history_df("alice")["summary"].iloc[0] == "edit code financement: label"
    assert demo_copy.codebook().code("financement").label == {"fr": "Financements", "en": "Money"}


def test_a_new_code_whose_name_is_taken_is_refused_with_the_reason(demo_copy):
    from test_studio import _button, _plain

    page = _clean(_app(demo_copy.folder, "codebook", {"coder": "alice"}))
    page.session_state["codebook_tab"] = "New code"  # the tab clicked
    page.run()
    before = demo_copy.codebook().version
    page.text_input(key="codebook_new_label").set_value("Coordination")
    _button(page, "Create code").click().run()
    assert "already" in " ".join(_plain(e.value) for e in page.error)
    assert demo_copy.codebook().version == before


def test_the_studio_creates_a_code_from_the_selection_and_takes_it_back_when_the_coding_is_refused(demo_copy):
    from test_studio import _app as studio_app
    from test_studio import _button, _fire, _passage

    document = demo_copy.document("reseau-memoire/cr-2004-03-11.txt")
    test = _clean(studio_app(demo_copy.folder, query={"coder": "alice", "doc": str(document.id)}))
    passage = _passage(document, "Je vais dire les choses clairement")
    _clean(_fire(test, "selection", passage))
    test.text_input(key="studio_new_code").set_value("Parler franc")
    test.selectbox(key="studio_new_parent").set_value("territoire")
    _clean(_button(test, "Create and code").click().run())
    mine = demo_copy.codings_df(coder="alice")
    assert mine["code"].tolist() == ["territoire.parler_franc"] and mine["text"].tolist() == [passage["text"]]
    assert demo_copy.codebook().code("territoire.parler_franc").parent == "territoire"

    before = demo_copy.codebook().version
    _fire(test, "create", {**passage, "text": "not what the page drew", "label": "Fausse route"})
    assert test.error and demo_copy.codebook().version == before  # the new code was taken back
    assert "fausse_route" not in {c.id for c in demo_copy.codebook().codes}
