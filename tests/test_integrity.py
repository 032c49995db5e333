"""Integrity and privacy: every CSV the tool writes is formula-neutralised, files are readable by colleagues, and
the CLI's undo/redo share the action log."""

from __future__ import annotations

import io
import os
import stat

import openpyxl
import pandas as pd
import pytest
from conftest import REPO
from typer.testing import CliRunner

from qualcoder.cli import app

runner = CliRunner()
FORMULAS = ['=HYPERLINK("http://evil.example/x","clic")', "+cmd|' /C calc'!A0", "@SUM(1,1)", "-2+3"]


@pytest.fixture
def risky(tmp_path):
    """A project whose texts, codings and memos start with what a spreadsheet would run as a formula."""
    folder = tmp_path / "risky"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, formula in enumerate(FORMULAS):
        (corpus / f"t{number}.txt").write_text(f"{formula} puis le financement du réseau.\n", encoding="utf-8")
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["import", str(corpus), "-p", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["segment", "--by", "paragraph", "-p", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["codebook", "load", str(REPO / "codebooks" / "reseaux-sante.yaml"), "-p",
                               str(folder)]).exit_code == 0
    for segment in (1, 2, 3, 4):
        result = runner.invoke(app, ["code", "add", "--segment", str(segment), "--code", "financement", "--coder",
                                     "alice", "--memo", "=1+1", "-p", str(folder)])
        assert result.exit_code == 0, result.output
    return folder


def _cells(csv_text: str) -> list[str]:
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    return [cell for column in frame.columns for cell in frame[column]]


@pytest.mark.parametrize("command", [["documents", "--csv"], ["segments", "--csv"], ["code", "list", "--csv"],
                                     ["report", "kwic", "financement", "--csv"]])
def test_every_csv_on_stdout_is_neutralised(risky, command):
    result = runner.invoke(app, [*command, "-p", str(risky)])
    assert result.exit_code == 0, result.output
    cells = _cells(result.stdout)
    assert cells, "the command wrote no table"
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))]
    assert dangerous == []
    assert any(cell.startswith("'") for cell in cells)  # the risky texts are there, neutralised


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_report_output_follows_the_suffix_and_is_neutralised(risky, tmp_path):
    target = tmp_path / "kwic.xlsx"
    result = runner.invoke(app, ["report", "kwic", "financement", "-p", str(risky), "--output", str(target)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target).active  # a real workbook, not CSV text under an .xlsx name
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert any(str(cell.value).startswith("=HYPERLINK") for cell in cells)  # kept as the text it is...
    assert not [cell.value for cell in cells if cell.data_type == "f"]  # ...and never stored as a formula
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()  # colleagues on the server can read it
    csv_target = tmp_path / "kwic.csv"
    assert runner.invoke(app, ["report", "kwic", "financement", "-p", str(risky), "-o", str(csv_target)]).exit_code == 0
    assert not [c for c in _cells(csv_target.read_text(encoding="utf-8")) if c[:1] in ("=", "+", "@")]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_cli_undo_redo_and_history(risky):
    listed = runner.invoke(app, ["code", "list", "--csv", "-p", str(risky)])
    coding = int(pd.read_csv(io.StringIO(listed.stdout))["coding_id"].iloc[0])
    edited = runner.invoke(app, ["code", "edit", str(coding), "--code", "territoire", "--coder", "alice", "-p",
                                 str(risky)])
    assert edited.exit_code == 0, edited.output
    undone = runner.invoke(app, ["undo", "--coder", "alice", "-p", str(risky)])
    assert undone.exit_code == 0 and f"Undone: edit coding {coding}" in undone.output
    redone = runner.invoke(app, ["redo", "--coder", "alice", "-p", str(risky)])
    assert redone.exit_code == 0 and "Redone:" in redone.output
    codes = pd.read_csv(io.StringIO(runner.invoke(app, ["code", "list", "--csv", "-p", str(risky)]).stdout))
    assert codes.set_index("coding_id").loc[coding, "code"] == "territoire"
    nothing = runner.invoke(app, ["redo", "--coder", "alice", "-p", str(risky)])
    assert nothing.exit_code == 2 and "[Q521]" in nothing.output
    history = runner.invoke(app, ["history", "--coder", "alice", "-p", str(risky)])
    assert "redo" in history.output and "undo" in history.output
    resized = runner.invoke(app, ["code", "resize", str(coding), "--start", "0", "--end", "3", "--coder", "alice",
                                  "-p", str(risky)])
    assert resized.exit_code == 0 and "now covers 0-3" in resized.output


def test_kwic_regex_runs_in_linear_time_and_knows_accents(risky):
    from qualcoder import Project, analysis

    project = Project.open(risky)
    found = analysis.kwic(project, r"\bréseau\b", mode="regex")
    assert len(found) == 4 and set(found["match"]) == {"réseau"}
    assert analysis.kwic(project, "(a+)+$", mode="regex").empty  # RE2: no catastrophic backtracking
    from qualcoder.analysis.errors import InvalidQuery

    with pytest.raises(InvalidQuery, match="backreferences"):
        analysis.kwic(project, r"(\w)\1", mode="regex")
