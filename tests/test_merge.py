"""Merging a colleague's copy: zero lost codings, on random edits of both sides."""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app

CODEBOOK = REPO / "codebooks" / "reseaux-sante.yaml"
KEY = ["doc", "start", "end", "code", "coder", "source"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from conftest import INTERVIEW_FR, MINUTES_FR

    corpus = tmp_path_factory.mktemp("corpus") / "corpus"
    corpus.mkdir()
    (corpus / "entretien.txt").write_text(INTERVIEW_FR, encoding="utf-8")
    (corpus / "cr.txt").write_text(MINUTES_FR, encoding="utf-8")
    folder = tmp_path_factory.mktemp("base") / "base"
    project = Project.create(folder)
    project.import_files([corpus])
    project.segment("sentence")
    project.load_codebook(CODEBOOK)
    project.add_coding("financement", "alice", segment=1, memo="shared")
    project.close()
    return folder


def _copy(base, target):
    shutil.copytree(base, target)
    return Project.open(target)


def _keys(project: Project) -> set[tuple]:
    frame = project.codings_df()
    return set(map(tuple, frame[KEY].itertuples(index=False)))


CODES = ["financement", "territoire", "coordination", "patient"]
edits = st.lists(st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 10_000), st.integers(1, 80),
                           st.sampled_from(CODES), st.sampled_from(["alice", "bob"])), max_size=12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=edits, theirs=edits)
def test_no_coding_of_either_side_is_lost(base, tmp_path_factory, ours, theirs):
    folder = tmp_path_factory.mktemp("round")
    mine, other = _copy(base, folder / "mine"), _copy(base, folder / "theirs")
    for project, steps in ((mine, ours), (other, theirs)):
        for kind, offset, length, code, coder in steps:
            document = project.document("corpus/entretien.txt" if offset % 2 else "corpus/cr.txt")
            start = offset % (len(document.text) - length)
            if kind == "add" and document.text[start:start + length].strip():
                try:
                    project.apply_codes(document.id, start, start + length, [code], coder)
                except Exception as error:  # a duplicate of an earlier random edit
                    assert "already coded" in str(error)
            elif kind == "remove" and len(project.codings_df()):
                project.remove_coding(int(project.codings_df()["coding_id"].iloc[offset % len(project.codings_df())]))
    expected = _keys(mine) | _keys(other)
    other.close()
    report = mine.merge(folder / "theirs", "carol")
    assert _keys(mine) == expected
    assert report.documents_matched == 2 and not report.documents_added
    mine.undo("carol")
    mine.close()


def test_merge_brings_documents_codes_memos_and_reports_conflicts(base, tmp_path, sample_dir):
    mine, other = _copy(base, tmp_path / "mine"), _copy(base, tmp_path / "theirs")
    other.import_files([sample_dir / "mdt.txt"])
    new_code = other.add_code("bob", "Charge des aidants", parent="patient")
    document = other.document("mdt.txt")
    start = document.text.index("I called the daughter.")
    coding = other.apply_codes(document.id, start, start + 22, [new_code], "bob", memo="burden")[0]
    other.add_memo("coding", coding, "bob", "first sign of carer burden")
    other.add_memo("project", "-", "bob", "Bob's journal")
    shared = int(other.codings_df(coder="alice")["coding_id"].iloc[0])
    other.edit_coding(shared, "alice", memo="changed on the other side")
    before = len(mine.codings_df())
    preview = mine.merge(tmp_path / "theirs", "carol", dry_run=True)
    assert preview.codings_added == 1 and len(mine.codings_df()) == before  # a dry run stores nothing
    report = mine.merge(tmp_path / "theirs", "carol")
    assert report.documents_added == ["mdt.txt"] and report.codes_added == [new_code]
    assert new_code in {c.id for c in mine.codebook().codes}
    merged = mine.codings_df().set_index("code")
    assert merged.loc[new_code, "memo"] == "burden" and merged.loc[new_code, "doc"] == "mdt.txt"
    memos = set(mine.memos_df()["text"])
    assert {"first sign of carer burden", "Bob's journal", "changed on the other side"} <= memos
    again = mine.merge(tmp_path / "theirs", "carol")
    assert again.codings_added == 0 and again.memos_added == 0 and not again.documents_added  # idempotent
    assert list(mine.folder.glob("backups/*.qcbackup"))  # backed up before merging
    runner = CliRunner()
    result = runner.invoke(app, ["merge", str(tmp_path / "theirs"), "--coder", "carol", "--dry-run", "-p",
                                 str(mine.folder)])
    assert result.exit_code == 0 and "Would bring 0 coding(s)" in result.output
    refused = runner.invoke(app, ["merge", str(mine.folder), "--coder", "carol", "-p", str(mine.folder)])
    assert refused.exit_code == 2 and "[Q260]" in refused.output
    mine.close()
    other.close()


def test_merge_a_qdpx_of_ours(base, tmp_path):
    from qualcoder import refi

    mine, other = _copy(base, tmp_path / "mine"), _copy(base, tmp_path / "theirs")
    segment = int(other.segments_df()["segment_id"].iloc[3])
    other.add_coding("territoire", "bob", segment=segment)
    exported = refi.export_qdpx(other, tmp_path / "bob.qdpx")
    report = mine.merge(exported, "carol")
    assert report.documents_matched == 2 and report.codings_added >= 1
    assert ("territoire", "bob") in set(zip(mine.codings_df()["code"], mine.codings_df()["coder"]))
    mine.close()
    other.close()
