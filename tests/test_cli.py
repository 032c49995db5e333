"""The CLI end to end with Typer's runner, and the README documenting every command (as datasette does)."""

from __future__ import annotations

import io
import re

import pandas as pd
from conftest import REPO
from typer.testing import CliRunner

from qualcoder.cli import app

runner = CliRunner()


def test_init_import_segment_status_and_csv(tmp_path, sample_dir):
    project = tmp_path / "my-study"
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    assert (project / "qualcoder.toml").is_file() and (project / "project.db").is_file()
    result = runner.invoke(app, ["import", str(sample_dir), "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 document(s)." in result.output
    result = runner.invoke(app, ["segment", "--by", "window:2", "--project", str(project)])
    assert result.exit_code == 0 and "segments (window:2)" in result.output
    result = runner.invoke(app, ["status", "--project", str(project)])
    assert "neurologue" in result.output and "coordinatrice du réseau" in result.output
    result = runner.invoke(app, ["segments", "--project", str(project), "--csv"])
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert {"segment_id", "doc", "speaker", "profession", "role", "start", "end", "text"} <= set(frame.columns)
    documents = runner.invoke(app, ["documents", "--project", str(project), "--csv"])
    assert documents.exit_code == 0, documents.output
    assert len(pd.read_csv(io.StringIO(documents.stdout))) == 3


def test_import_failure_sets_exit_code_and_lists_the_file(tmp_path, sample_dir):
    project = tmp_path / "p"
    runner.invoke(app, ["init", str(project)])
    (sample_dir / "broken.docx").write_bytes(b"nope")
    result = runner.invoke(app, ["import", str(sample_dir), "-p", str(project)])
    assert result.exit_code == 1
    assert "[Q104]" in result.output and "broken.docx" in result.output
    assert "Imported 3 document(s)." in result.output


def test_errors_become_exit_code_2(tmp_path):
    result = runner.invoke(app, ["status", "--project", str(tmp_path / "none")])
    assert result.exit_code == 2 and "[Q201]" in result.output
    runner.invoke(app, ["init", str(tmp_path / "p")])
    result = runner.invoke(app, ["segment", "--by", "chapter", "-p", str(tmp_path / "p")])
    assert result.exit_code == 2 and "[Q401]" in result.output


def test_init_on_postgresql(tmp_path, postgresql_fresh_url, sample_dir):
    project = tmp_path / "team-study"
    result = runner.invoke(app, ["init", str(project), "--database", postgresql_fresh_url])
    assert result.exit_code == 0 and "PostgreSQL" in result.output
    assert runner.invoke(app, ["import", str(sample_dir), "-p", str(project)]).exit_code == 0
    assert not (project / "project.db").exists()


def _commands():
    for command in app.registered_commands:
        yield [command.name or command.callback.__name__.rstrip("_")]
    for group in app.registered_groups:
        yield [group.name]
        for command in group.typer_instance.registered_commands:
            yield [group.name, command.name]


def test_readme_documents_every_command_and_option():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for words in _commands():
        shown = "qualcoder " + " ".join(words)
        assert shown in readme, f"README does not show `{shown}`"
        help_text = runner.invoke(app, [*words, "--help"]).output
        for option in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}:
            assert option in readme, f"README does not mention {option} of `{shown}`"
    assert "make demo" in readme and "make test" in readme


def test_agreement_commands(tmp_path, sample_dir):
    project = tmp_path / "p"
    runner.invoke(app, ["init", str(project)])
    runner.invoke(app, ["import", str(sample_dir), "-p", str(project)])
    runner.invoke(app, ["segment", "--by", "turn", "-p", str(project)])
    assert runner.invoke(app, ["codebook", "load", str(REPO / "codebooks/reseaux-sante.yaml"), "-p",
                               str(project)]).exit_code == 0
    for coder, segments in (("a", (1, 2, 3)), ("b", (1, 3, 4))):
        for segment in segments:
            result = runner.invoke(app, ["code", "add", "--segment", str(segment), "--code", "patient", "--coder",
                                         coder, "-p", str(project)])
            assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["agreement", "--coders", "a,b", "--codes", "patient", "-p", str(project), "--csv"])
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert frame.loc[0, "units"] == 4 and frame.loc[0, "percent_agreement"] == 0.5
    result = runner.invoke(app, ["agreement", "disagreements", "--coders", "a,b", "-p", str(project), "--csv"])
    assert len(pd.read_csv(io.StringIO(result.stdout))) == 2
    result = runner.invoke(app, ["agreement", "resolve", "--coders", "a,b", "--segment", "2", "--code", "patient",
                                 "--keep", "a", "--coder", "judge", "-p", str(project)])
    assert result.exit_code == 0 and "Decision 1 recorded" in result.output
    assert runner.invoke(app, ["agreement", "-p", str(project)]).exit_code == 2
