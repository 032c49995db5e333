"""Backup and restore on SQLite and PostgreSQL: the store comes back as it was; foreign or newer backups are refused."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from conftest import REPO
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.errors import InvalidBackup, RestoreRefused
from qualcoder.store.backup import read_manifest
from qualcoder.store.database import head_revision

runner = CliRunner()


def test_backup_then_restore_brings_the_store_back(make_project, sample_dir, tmp_path):
    project = make_project()
    project.import_files([sample_dir / "entretien.txt"])
    saved = project.backup("manual", tmp_path / "before.qcbackup")
    manifest = read_manifest(saved)
    assert manifest["schema_revision"] == head_revision() and manifest["project"] == "study"
    project.import_files([sample_dir / "mdt.txt"])
    assert project.repo.counts()["documents"] == 2
    before_restore = project.restore(saved)
    assert project.repo.counts()["documents"] == 1
    assert list(project.documents_df()["name"]) == ["entretien.txt"]
    assert read_manifest(before_restore)["reason"] == "before restore"  # the state it replaced is kept
    project.import_files([sample_dir / "mdt.txt"])  # the restored store works as before
    assert project.repo.counts()["documents"] == 2


@pytest.fixture
def other_project(backend, tmp_path):
    """A second project, on its own database (``make_project`` gives one PostgreSQL database per test)."""
    import uuid

    import psycopg
    from conftest import PG_ADMIN

    if backend == "sqlite":
        project = Project.create(tmp_path / "second")
        yield project
        project.close()
        return
    name = f"qualcoder_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    project = Project.create(tmp_path / "second", database=f"postgresql://127.0.0.1:5432/{name}")
    yield project
    project.close()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_another_project_a_newer_schema_and_other_files(make_project, other_project, sample_dir,
                                                                         tmp_path):
    first, second = make_project("first"), other_project
    first.import_files([sample_dir / "entretien.txt"])
    second.import_files([sample_dir / "mdt.txt"])
    saved = first.backup("manual", tmp_path / "first.qcbackup")
    with pytest.raises(RestoreRefused, match="another project"):
        second.restore(saved)
    assert list(second.documents_df()["name"]) == ["mdt.txt"]  # untouched
    newer = tmp_path / "newer.qcbackup"
    with tarfile.open(saved, "r:gz") as source, tarfile.open(newer, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "schema_revision": "9999_from_the_future"}).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(RestoreRefused, match="newer schema"):
        first.restore(newer)
    not_a_backup = tmp_path / "notes.qcbackup"
    not_a_backup.write_text("hello", encoding="utf-8")
    with pytest.raises(InvalidBackup):
        first.restore(not_a_backup)


def test_a_backup_restores_into_an_empty_new_project(make_project, other_project, sample_dir, tmp_path):
    source = make_project("source")
    source.import_files([sample_dir])
    saved = source.backup("manual", tmp_path / "source.qcbackup")
    other_project.restore(saved)
    assert other_project.repo.counts()["documents"] == source.repo.counts()["documents"] == 3
    assert Project.open(other_project.folder).config.name == "source"  # it took the backup's identity


def test_cli_backup_restore_and_automatic_backup_before_codebook_force(tmp_path, sample_dir):
    folder = tmp_path / "p"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    runner.invoke(app, ["import", str(sample_dir), "-p", str(folder)])
    result = runner.invoke(app, ["backup", "-p", str(folder)])
    assert result.exit_code == 0, result.output
    manual = list((folder / "backups").glob("*-manual.qcbackup"))
    assert len(manual) == 1
    book = REPO / "codebooks" / "reseaux-sante.yaml"
    assert runner.invoke(app, ["codebook", "load", str(book), "-p", str(folder), "--force"]).exit_code == 0
    automatic = list((folder / "backups").glob("*-codebook-load-force.qcbackup"))
    assert len(automatic) == 1 and read_manifest(automatic[0])["reason"] == "codebook load --force"
    result = runner.invoke(app, ["restore", str(manual[0]), "-p", str(folder)])
    assert result.exit_code == 0, result.output
    assert Project.open(folder).repo.active_codebook() is None  # the codebook loaded after the backup is gone
    result = runner.invoke(app, ["restore", str(tmp_path / "missing.qcbackup"), "-p", str(folder)])
    assert result.exit_code == 2 and "[Q253]" in result.output
