"""The project store, on SQLite and on the local PostgreSQL server: the same suite runs on both."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcoder import Project
from qualcoder.errors import DatabaseUnavailable, ProjectExists, ProjectNotFound
from qualcoder.store.database import _backup_sqlite, current_revision, head_revision
from qualcoder.store.tables import Base


def test_import_segment_reopen(make_project, sample_dir):
    project = make_project()
    report = project.import_files([sample_dir])
    assert report.ok and len(report.added) == 3
    count = project.segment("sentence")
    assert count > 10
    reopened = Project.open(project.folder)
    documents = reopened.documents_df().set_index("name")
    assert documents.loc["corpus/cr-2004-03-11.txt", "date"] == "2004-03-11"  # from the minutes header
    assert documents.loc["corpus/entretien.txt", "network"] == "Réseau A"  # from metadata.csv
    assert documents.loc["corpus/mdt.txt", "language"] == "en"
    segments = reopened.segments_df()
    assert len(segments) == count
    for row in segments.itertuples():
        text = documents.loc[row.doc, "text"]
        assert row.text == text[row.start:row.end]
    aubert = segments[segments.speaker == "Mme Aubert"]
    assert set(aubert.profession) == {"coordinatrice du réseau"} and set(aubert.role) == {"participant"}
    morel = segments[segments.speaker == "Dr Morel"]
    assert set(morel.profession) == {"neurologue"}  # from the attendees line of the minutes
    assert set(morel.section) == {"Cas n°1 : Mme D., 82 ans"}
    reopened.close()


def test_resegmenting_reuses_the_cached_parse(make_project, sample_dir):
    project = make_project()
    project.import_files([sample_dir])
    project.segment("sentence")
    assert project.ensure_parses() == 0  # nothing left to parse
    turns = project.segment("turn")
    assert turns == project.repo.counts()["turns"]
    assert project.repo.segmentation() == "turn"


def test_text_is_stored_normalised_with_its_hash(make_project, tmp_path):
    import hashlib

    path = tmp_path / "crlf.txt"
    path.write_bytes("Q : Re\u0301seau ?\r\nR : Oui.\r\n".encode())
    project = make_project()
    project.import_files([path])
    document = project.document("crlf.txt")
    assert document.text == "Q : Réseau ?\nR : Oui.\n"
    assert document.sha256 == hashlib.sha256(document.text.encode()).hexdigest()


def test_schema_from_migrations_matches_the_tables(make_project):
    project = make_project()
    assert current_revision(project.engine) == head_revision()
    with project.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_sqlite_backup_copies_the_database(sqlite_project, sample_dir):
    sqlite_project.import_files([sample_dir])
    backup = _backup_sqlite(sqlite_project.engine, "0001")
    assert backup.exists() and backup.name.startswith("project.db.bak-0001-")
    copy = Project.__new__(Project)
    from sqlalchemy import create_engine, text

    with create_engine(f"sqlite:///{backup}").connect() as connection:
        assert connection.execute(text("select count(*) from documents")).scalar() == 3
    del copy


def test_create_twice_and_open_missing(tmp_path):
    Project.create(tmp_path / "a").close()
    with pytest.raises(ProjectExists):
        Project.create(tmp_path / "a")
    with pytest.raises(ProjectNotFound, match="qualcoder init"):
        Project.open(tmp_path / "nowhere")


def test_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="Check that the server runs"):
        Project.create(tmp_path / "x", database="postgresql://127.0.0.1:1/nothing")
    assert not (tmp_path / "x" / "qualcoder.toml").exists()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(answers=st.lists(st.text(alphabet="abcdéèàç ÉÀ.,;!?'\n", min_size=1, max_size=80), min_size=1, max_size=5))
def test_offsets_survive_the_database(sqlite_project, tmp_path_factory, answers):
    folder = tmp_path_factory.mktemp("gen")
    lines = []
    for index, answer in enumerate(answers):
        lines.append(f"Enq. : Question {index} ?")
        lines.append(f"Mme A. : {answer}")
    path = folder / "gen.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    sqlite_project.import_files([path], language="fr")
    sqlite_project.segment("paragraph")
    segments = sqlite_project.segments_df()
    documents = sqlite_project.documents_df().set_index("doc_id")
    for row in segments.itertuples():
        assert row.text == documents.loc[row.doc_id, "text"][row.start:row.end]
        assert row.text.strip() == row.text and row.text


def test_fast_reads_match_sqlalchemy_reads(make_project, sample_dir):
    """Plain integer and string columns are read straight from the DBAPI cursor; the result must be what
    SQLAlchemy gives, on both backends, and columns needing conversion (dates) still come converted."""
    from datetime import datetime

    project = make_project()
    project.import_files([sample_dir])
    project.segment("sentence")
    segments = project.segments_df().head(3)
    project.repo.add_codings([{"document_id": int(row.doc_id), "start": int(row.start), "end": int(row.end),
                               "code": code, "coder": "alice", "source": "manual", "status": "applied",
                               "snippet": row.text}
                              for row, code in zip(segments.itertuples(), "aba")])
    lean = project.repo.codings_frame(columns=["document_id", "start", "end", "code", "coder"])
    full = project.repo.codings_frame()
    assert lean.to_dict("list") == full[lean.columns].to_dict("list")
    assert lean["code"].tolist() == ["a", "b", "a"] and lean["start"].dtype.kind == "i"
    assert all(isinstance(value, datetime) for value in full["created_at"])
    filtered = project.repo.codings_frame(["code", "start"], code="a")
    assert filtered["start"].tolist() == lean.loc[lean["code"] == "a", "start"].tolist()
