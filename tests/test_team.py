"""A shared project: logins, roles checked in the API and at the database, blind coding."""

from __future__ import annotations

import pytest
from conftest import REPO
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.team.accounts import BadLogin, NotLoggedIn, PermissionDenied, acting_as, set_current_user

DOC = "corpus/entretien.txt"


@pytest.fixture
def shared(coded):
    project = coded
    project.add_coding("financement", "alice", segment=1)  # before team mode: a single person's project
    with pytest.raises(PermissionDenied, match="first user must be an owner"):
        project.add_user("olga", "owner-password", "coder")
    project.add_user("olga", "owner-password", "owner")
    with acting_as(project.login("olga", "owner-password")):
        project.add_user("carl", "coder-password", "coder")
        project.add_user("dora", "coder-password", "coder")
        project.add_user("vic", "viewer-password", "viewer")
    set_current_user(None)
    yield project
    set_current_user(None)


def _span(project, phrase: str) -> tuple[int, int]:
    start = project.document(DOC).text.index(phrase)
    return start, start + len(phrase)


def test_nothing_is_written_without_a_login(shared):
    before = len(shared.codings_df())
    with pytest.raises(NotLoggedIn, match="log in"):
        shared.apply_codes(DOC, *_span(shared, "Depuis 2003."), ["territoire"], "carl")
    with pytest.raises(NotLoggedIn):
        shared.segment("paragraph")  # not a logged action: the database refuses it
    with pytest.raises(BadLogin, match="wrong user name or password"):
        shared.login("carl", "not the password")
    with pytest.raises(BadLogin, match="wrong user name or password"):
        shared.login("nobody", "whatever-password")
    assert len(shared.codings_df()) == before and shared.repo.segmentation() == "sentence"


def test_roles_are_checked(shared):
    span = _span(shared, "Depuis 2003.")
    with acting_as(shared.login("carl", "coder-password")):
        (mine,) = shared.apply_codes(DOC, *span, ["territoire"], "carl")
        shared.edit_coding(mine, "carl", memo="my reading")
        with pytest.raises(PermissionDenied, match="cannot act as 'dora'"):
            shared.apply_codes(DOC, *span, ["territoire"], "dora")
        alices = int(shared.codings_df(coder="alice")["coding_id"].iloc[0])
        with pytest.raises(PermissionDenied, match="alice's"):
            shared.remove_coding(alices, "carl")
        with pytest.raises(PermissionDenied, match="a coder cannot code add"):
            shared.add_code("carl", "Nouveau code")
        with pytest.raises(PermissionDenied, match="may not change"):
            shared.import_speakers(REPO / "corpora" / "reseau-memoire" / "speakers.csv")
        shared.undo("carl")
    with acting_as(shared.login("vic", "viewer-password")):
        assert len(shared.codings_df()) >= 2  # a viewer reads everything
        with pytest.raises(PermissionDenied, match="may read this project but not change it"):
            shared.apply_codes(DOC, *span, ["territoire"], "vic")
    with acting_as(shared.login("olga", "owner-password")):
        shared.add_code("olga", "Nouveau code")
        shared.remove_coding(alices, "olga")  # an owner may change anyone's coding
        with pytest.raises(PermissionDenied, match="keeps at least one owner"):
            shared.set_role("olga", "coder", "olga")


def test_blind_coding_hides_the_others(shared):
    span = _span(shared, "Le FAQSV, puis la DNDR.")
    for name in ("carl", "dora"):
        with acting_as(shared.login(name, "coder-password")):
            shared.apply_codes(DOC, *span, ["financement"], name)
    with acting_as(shared.login("olga", "owner-password")):
        shared.set_blind(True, "olga")
    with acting_as(shared.login("carl", "coder-password")):
        assert set(shared.codings_df()["coder"]) == {"carl"}
    with acting_as(shared.login("olga", "owner-password")):
        assert {"carl", "dora", "alice"} <= set(shared.codings_df()["coder"])  # the owner sees all
        shared.set_blind(False, "olga")
    with acting_as(shared.login("carl", "coder-password")):
        assert "dora" in set(shared.codings_df()["coder"])


def test_cli_logs_in_from_the_environment(shared, monkeypatch):
    runner = CliRunner()
    folder = str(shared.folder)
    refused = runner.invoke(app, ["undo", "--coder", "carl", "-p", folder])
    assert refused.exit_code == 2 and "[Q262]" in refused.output
    monkeypatch.setenv("QUALCODER_USER", "carl")
    monkeypatch.setenv("QUALCODER_PASSWORD", "coder-password")
    result = runner.invoke(app, ["code", "add", "--segment", "2", "--code", "territoire", "--coder", "carl", "-p",
                                 folder])
    assert result.exit_code == 0, result.output
    denied = runner.invoke(app, ["codebook", "add", "Essai", "--coder", "carl", "-p", folder])
    assert denied.exit_code == 2 and "[Q261]" in denied.output
    listed = runner.invoke(app, ["user", "list", "-p", folder])
    assert "olga" in listed.output and "viewer" in listed.output
    monkeypatch.setenv("QUALCODER_PASSWORD", "wrong-password")
    assert "[Q263]" in runner.invoke(app, ["user", "list", "-p", folder]).output
    set_current_user(None)
    reopened = Project.open(shared.folder)
    assert reopened.gate.team and reopened.users_df()["role"].tolist().count("coder") == 2
