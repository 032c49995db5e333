"""The Import and Speakers & documents pages' parts without a browser: uploads staged and imported on both
backends (refusals leave the project as it was), the pages' AppTests, the explorer login's settings and user
source."""

from __future__ import annotations

import pytest
from conftest import INTERVIEW_FR, REPO
from streamlit.testing.v1 import AppTest
from test_explorer import PAGES, _app, _clean, _shown

from qualcoder import Project, analysis
from qualcoder.errors import FileTooLarge, UnsupportedFormat
from qualcoder.explorer.uploads import MAX_FILE_BYTES, Upload, import_uploads, report_table, stage
from qualcoder.team import accounts
from qualcoder.team.accounts import InvalidSetting, PermissionDenied, User, acting_as


def _never_read() -> bytes:
    raise AssertionError("the bytes of a refused upload were read")


def test_an_upload_above_the_limit_or_of_an_unknown_format_is_refused_before_it_is_read(tmp_path):
    with pytest.raises(FileTooLarge, match=r"\[Q110\] huge.docx: the file is \d+ MB, above the \d+ MB limit"):
        stage([Upload("ok.txt", 3, lambda: b"Oui"), Upload("huge.docx", MAX_FILE_BYTES + 1, _never_read)], tmp_path)
    with pytest.raises(UnsupportedFormat, match=r"\[Q101\] notes.exe: .exe is not a format qualcoder reads"):
        stage([Upload("notes.exe", 10, _never_read)], tmp_path)
    assert not list(tmp_path.iterdir())  # a refused batch writes nothing


def test_uploads_are_imported_and_a_corrupt_file_leaves_the_project_unchanged(make_project):
    project = make_project()
    good = INTERVIEW_FR.encode()
    uploads = [Upload("../../entretien.txt", len(good), lambda: good),
               Upload("casse.docx", 20, lambda: b"PK\x03\x04 not a docx"),
               Upload("copie.txt", len(good), lambda: good)]
    report, paths = import_uploads(project, uploads)
    assert [p.name for p in paths] == ["entretien.txt", "casse.docx", "copie.txt"]
    assert all(p.parent.parent == project.folder / "uploads" for p in paths)
    assert project.documents_df(with_text=False)["name"].tolist() == ["entretien.txt"]
    table = report_table(project, report, paths)
    rows = table.set_index("file")
    assert rows.at["entretien.txt", "status"] == "imported"
    assert (rows.at["entretien.txt", "turns"], rows.at["entretien.txt", "speakers"]) == (4, 2)
    assert rows.at["entretien.txt", "language"] == "fr"
    assert rows.at["casse.docx", "status"] == "refused" and "[Q104]" in rows.at["casse.docx", "error"]
    assert rows.at["copie.txt", "status"] == "duplicate" and rows.at["copie.txt", "document"] == "entretien.txt"
    assert [p.name for p in paths if p.exists()] == ["entretien.txt"]  # only what the project now refers to
    assert project.document("entretien.txt").text.startswith("Enq. : Depuis quand")


def test_a_bad_speakers_table_stops_the_upload_before_anything_is_written(make_project):
    project = make_project()
    good = INTERVIEW_FR.encode()
    bad = b"speaker;role\nMme Aubert;x\n"
    with pytest.raises(Exception, match=r"\[Q1\d\d\]"):
        import_uploads(project, [Upload("entretien.txt", len(good), lambda: good)],
                       speakers=Upload("speakers.csv", len(bad), lambda: bad))
    assert project.documents_df(with_text=False).empty
    assert not list((project.folder / "uploads").rglob("entretien.txt"))


def test_import_and_people_pages_draw_the_demo(demo_project):
    upload = _clean(_app(demo_project.folder, "upload"))
    assert upload.title[0].value == "Import" and upload.button(key="upload_segment").label == "Re-segment"
    people = _clean(_app(demo_project.folder, "people"))
    assert people.title[0].value == "Speakers & documents"
    assert [tab.label for tab in people.tabs] == ["Speakers", "Documents", "Value groups"]
    assert people.selectbox(key="people_group_attribute").value == "profession"


def test_speaker_turns_found_again_from_the_import_page_keep_every_coding(demo_copy):
    interview = "coordinateurs/entretien-03-diabete.txt"
    doc_id = demo_copy.document(interview).id
    codings = demo_copy.codings_df()[["coding_id", "start", "end", "text"]]
    assert len(demo_copy.turns([doc_id])[doc_id]) > 2
    upload = _clean(_app(demo_copy.folder, "upload"))
    upload.multiselect(key="turns_documents").select(interview)
    upload.selectbox(key="turns_layout").set_value("none")
    _clean(upload.button(key="turns_again").click().run())
    assert upload.dataframe[-1].value[["name", "layout", "turns"]].values.tolist() == [[interview, "none", 0]]
    project = Project.open(demo_copy.folder)
    assert {turn.speaker for turn in project.turns([doc_id])[doc_id]} == {None}  # no speaker any more
    assert project.codings_df()[["coding_id", "start", "end", "text"]].equals(codings)  # every coding in place


def test_the_session_timeout_is_an_owners_setting_within_range(tmp_path):
    project = Project.create(tmp_path / "team")
    assert project.session_timeout() == 30
    project.add_user("olga", "owner-pass-1", "owner")
    with acting_as(User("olga", "owner")):
        project.add_user("cora", "coder-pass-1", "coder")
        with pytest.raises(InvalidSetting, match=r"\[Q264\]"):
            project.set_session_timeout(0, "olga")
        project.set_session_timeout(20, "olga")
    assert project.session_timeout() == 20
    with acting_as(User("cora", "coder")), pytest.raises(PermissionDenied, match=r"\[Q261\] setting: a coder"):
        project.set_session_timeout(600, "cora")
    assert project.session_timeout() == 20
    project.close()
    from typer.testing import CliRunner

    from qualcoder.cli import app

    runner, folder = CliRunner(), str(tmp_path / "team")
    done = runner.invoke(app, ["user", "timeout", "45", "-p", folder],
                         env={"QUALCODER_USER": "olga", "QUALCODER_PASSWORD": "owner-pass-1"})
    assert done.exit_code == 0 and "expire after 45 idle minutes" in done.output
    refused = runner.invoke(app, ["user", "timeout", "45", "-p", folder],
                            env={"QUALCODER_USER": "cora", "QUALCODER_PASSWORD": "coder-pass-1"})
    assert refused.exit_code == 2 and "[Q261]" in refused.output
    assert Project.open(folder).session_timeout() == 45


def test_a_shared_project_shows_only_the_login_form_until_logged_in(tmp_path):
    project = Project.create(tmp_path / "team")
    project.add_user("olga", "owner-pass-1", "owner")
    project.close()
    test = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    test.session_state["project_folder"] = str(tmp_path / "team")
    test.run()
    assert test.title[0].value == "Log in" and not test.exception
    test.text_input(key="login_name").input("olga")
    test.text_input(key="login_password").input("wrong-password")
    test.button[0].click().run()
    assert "[Q263]" in _shown(test.error[0].value) and test.title[0].value == "Log in"
    test.text_input(key="login_password").input("owner-pass-1")
    test.button[0].click().run()
    assert not test.exception and test.title[0].value != "Log in"
    test.switch_page(PAGES.format("people")).run()
    assert "Changes are recorded under olga" in " ".join(c.value for c in test.caption)
    accounts.set_user_source(None)  # the app registered its session source in this process


def test_lazy_analysis_tables_stay_functions_after_the_first_call(demo_project):
    import importlib

    importlib.import_module("qualcoder.analysis.timeline")  # as a module elsewhere may: the package's name stays
    assert callable(analysis.timeline)
    first = analysis.crosstab(demo_project, "profession")
    again = analysis.crosstab(demo_project, "profession")
    assert callable(analysis.crosstab) and first.long().equals(again.long())
