"""Speakers, document attributes and value groups corrected by a researcher; memos listed, searched and exported."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from typer.testing import CliRunner

from qualcoder import analysis
from qualcoder.cli import app
from qualcoder.errors import InvalidCoding, InvalidMetadata

MINUTES = "corpus/cr-2004-03-11.txt"


@pytest.fixture
def study(coded):
    return coded


def _profession(project, doc: str, speaker: str) -> str:
    frame = project.segments_df()
    return frame[(frame["doc"] == doc) & (frame["speaker"] == speaker)]["profession"].iloc[0]


def test_correct_a_speaker_and_undo(study):
    assert _profession(study, MINUTES, "Dr Garnier") == "médecin généraliste"  # from the minutes' attendees
    study.set_speaker("alice", MINUTES, "Dr Garnier", profession="GP", organisation="Cabinet du Parc",
                      attributes={"sexe": "H"})
    assert _profession(study, MINUTES, "Dr Garnier") == "GP"
    row = study.speakers_df().set_index("speaker").loc["Dr Garnier"]
    assert row["organisation"] == "Cabinet du Parc"
    study.undo("alice")
    assert _profession(study, MINUTES, "Dr Garnier") == "médecin généraliste"
    with pytest.raises(InvalidMetadata, match="does not speak"):
        study.set_speaker("alice", MINUTES, "Mme Personne", profession="x")


def test_groups_count_as_one_in_tables(study):
    study.set_speaker("alice", MINUTES, "Dr Garnier", profession="GP")
    for segment in study.segments_df().itertuples():
        if segment.speaker in ("Dr Garnier", "Dr Morel"):
            study.add_coding("territoire", "alice", segment=int(segment.segment_id))
    before = analysis.code_frequencies(study, "profession", coders=["alice"])
    assert "GP" in set(before["profession"])
    study.set_group("alice", "profession", ["GP", "neurologue"], "médecin")
    after = analysis.code_frequencies(study, "profession", coders=["alice"])
    assert "GP" not in set(after["profession"]) and "médecin" in set(after["profession"])
    assert study.speakers_df(grouped=False).set_index("speaker").loc["Dr Garnier", "profession"] == "GP"
    assert study.groups_df()["group"].tolist() == ["médecin", "médecin"]
    study.remove_group("alice", "profession", "GP")
    assert _profession(study, MINUTES, "Dr Garnier") == "GP" and _profession(study, MINUTES, "Dr Morel") == "médecin"
    with pytest.raises(InvalidMetadata, match="not an attribute"):
        study.set_group("alice", "colour_of_eyes", ["blue"], "x")


def test_document_attributes_and_type(study):
    study.set_document("alice", "corpus/entretien.txt", doc_type="focus group", date="2007-04-01",
                       attributes={"network": "Réseau B", "wave": "2"})
    row = study.documents_df().set_index("name").loc["corpus/entretien.txt"]
    assert (row["type"], row["date"], row["network"], row["wave"]) == ("focus group", "2007-04-01", "Réseau B", "2")
    study.set_document("alice", "corpus/entretien.txt", remove=["wave"])
    assert "wave" not in study.documents_df().columns  # no document has it any more
    with pytest.raises(InvalidMetadata, match="YYYY-MM-DD"):
        study.set_document("alice", "corpus/entretien.txt", date="1er avril")
    study.undo("alice")
    study.undo("alice")
    assert study.documents_df().set_index("name").loc["corpus/entretien.txt", "network"] == "Réseau A"


def test_memos_on_everything_listed_searched_exported(study, tmp_path):
    coding = study.add_coding("financement", "alice", segment=1)
    study.add_memo("coding", coding, "alice", "Voir le FAQSV")
    study.add_memo("code", "financement", "alice", "Abbott (1988) sur les juridictions")
    study.add_memo("document", "corpus/entretien.txt", "bob", "Entretien dense")
    study.add_memo("speaker", "Dr Morel", "bob", "Neurologue du centre mémoire")
    study.add_memo("project", "-", "alice", "Journal : début du codage *ouvert*")
    with pytest.raises(InvalidCoding, match="nobody speaks"):
        study.add_memo("speaker", "Personne", "bob", "x")
    memos = study.memos_df()
    assert len(memos) == 5
    on = dict(zip(memos["target"], memos["on"]))
    assert on["document"] == "corpus/entretien.txt" and on["code"].startswith("financement — ")
    assert "financement" in on["coding"]
    assert study.memos_df(search="abbott")["target"].tolist() == ["code"]
    runner = CliRunner()
    journal = tmp_path / "memos.md"
    result = runner.invoke(app, ["export", "memos", str(journal), "-p", str(study.folder)])
    assert result.exit_code == 0, result.output
    text = journal.read_text(encoding="utf-8")
    assert "## Project journal" in text and "début du codage *ouvert*" in text and "## Speakers" in text
    listed = runner.invoke(app, ["memos", "list", "--search", "FAQSV", "--csv", "-p", str(study.folder)])
    assert pd.read_csv(io.StringIO(listed.stdout))["target"].tolist() == ["coding"]


def test_cli_speakers_and_groups(study):
    runner = CliRunner()
    folder = str(study.folder)
    result = runner.invoke(app, ["speakers", "set", MINUTES, "Dr Garnier", "--profession", "general practitioner",
                                 "--coder", "alice", "-p", folder])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["groups", "set", "profession", "médecin généraliste", "--value",
                                 "general practitioner", "--coder", "alice", "-p", folder])
    assert result.exit_code == 0, result.output
    listed = pd.read_csv(io.StringIO(runner.invoke(app, ["speakers", "list", "--csv", "-p", folder]).stdout))
    assert listed.set_index("speaker").loc["Dr Garnier", "profession"] == "médecin généraliste"
    as_given = pd.read_csv(io.StringIO(runner.invoke(app, ["speakers", "list", "--as-given", "--csv", "-p",
                                                           folder]).stdout))
    assert as_given.set_index("speaker").loc["Dr Garnier", "profession"] == "general practitioner"
    assert runner.invoke(app, ["groups", "remove", "profession", "general practitioner", "--coder", "alice", "-p",
                               folder]).exit_code == 0
    listed = pd.read_csv(io.StringIO(runner.invoke(app, ["speakers", "list", "--csv", "-p", folder]).stdout))
    assert listed.set_index("speaker").loc["Dr Garnier", "profession"] == "general practitioner"


def test_journal_and_speaker_memos_reach_refi_as_project_notes(study, tmp_path):
    import zipfile

    from qualcoder import refi

    study.add_memo("project", "-", "alice", "Journal du codage")
    study.add_memo("speaker", "Dr Morel", "bob", "Neurologue référent")
    out = refi.export_qdpx(study, tmp_path / "study.qdpx")
    with zipfile.ZipFile(out) as archive:
        project_xml = archive.read("project.qde").decode("utf-8")
    assert "Journal du codage" in project_xml and "[Dr Morel] Neurologue référent" in project_xml
    refi.validate(project_xml.encode("utf-8"), "project")
