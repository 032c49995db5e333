"""Real transcripts import right or say why: files no one here wrote (tests/data, corpora/speaker-turns)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import event

from qualcoder import Project
from qualcoder.errors import InvalidSpeakerLayout
from qualcoder.ingest import parse_file, read_raw
from qualcoder.ingest.dates import parse_date
from qualcoder.ingest.metadata import speaker_applies
from qualcoder.ingest.structure import parse_structure

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
TURNS = REPO / "corpora" / "speaker-turns"


def speakers_of(path: Path, **kwargs) -> list[str | None]:
    document = parse_file(path, path.name, **kwargs)[0]
    return [t.speaker for t in document.turns]


# LibreOffice and Word files -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["debat-2013-gui.odt", "debat-2013-extrait.odt", "debat-2013-extrait.docx"])
def test_libreoffice_files_import_with_their_turns(name):
    document = parse_file(DATA / "office" / name, name)[0]
    assert len(document.turns) == 16
    assert {t.speaker for t in document.turns} >= {"Christiane Taubira", "Erwann Binet", "Alain Tourret"}


def test_an_unused_part_is_ignored_but_a_part_that_is_read_is_still_checked(tmp_path):
    source = DATA / "office" / "debat-2013-gui.odt"
    bad = tmp_path / "xxe.odt"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bad, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "content.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
            copy.writestr(item, data)
    with pytest.raises(Exception) as raised:
        read_raw(bad)
    assert "[Q109]" in str(raised.value) and "content.xml" in str(raised.value)


# captions -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, line", [("missing_timeframe.srt", 5), ("missing_timeframe.vtt", 6),
                                        ("invalid_timeframe.vtt", 6)])
def test_a_cue_without_timing_keeps_its_text_and_is_named(sqlite_project, name, line):
    report = sqlite_project.import_files([DATA / "captions" / name])
    text = sqlite_project.document(report.added[0]).text
    assert "Caption text #2" in text and "Caption text #5" in text
    assert "2 Caption text #2" not in text  # the cue number does not leak
    if line is not None:
        assert any(f"{name}:{line}" in w and "kept" in w for w in report.warnings)
        assert any(f"{name}:{line}" in w for w in report.documents[0].warnings)


def test_rolling_youtube_captions_are_deduplicated():
    raw = read_raw(DATA / "captions" / "youtube_dl.vtt")[0]
    assert raw.text == "[00:04:46] yeah what this will happen is I'm telling"
    assert any("rolling" in w for w in raw.warnings)


def test_teams_captions_with_short_timings_and_voices():
    assert speakers_of(DATA / "captions" / "teams_timeframe.vtt") == ["Yuri Bakulin", "Adrian Petrescu"]


def test_entities_are_decoded_in_webvtt():
    document = parse_file(TURNS / "podcast-trailer.vtt", "trailer.vtt")[0]
    assert "Podcasting Q&A" in document.text and "&amp;" not in document.text
    assert [t.speaker for t in document.turns] == ["Sarah", "Gillian"]


# HTML, JSON, TEI ----------------------------------------------------------------------------------
def test_podcast_html_srt_and_otter_give_the_same_speakers():
    expected = ["Travis", "Sarah", "Travis", "Gilon", "Travis", "Gilon", "Travis", "Sarah", "Gilon", "Travis"]
    assert speakers_of(TURNS / "podcast.html") == expected
    assert speakers_of(TURNS / "podcast.srt") == expected
    assert speakers_of(TURNS / "podcast.otter.txt") == expected


def test_inline_cite_and_time_keep_the_speaker(tmp_path):
    page = tmp_path / "t.html"
    page.write_text("<p><cite>Kevin:</cite> <time>0:00</time> We have an update &amp; more.</p>"
                    "<p><cite>Alban:</cite> <time>0:09</time> You're triggering Tom.</p>", encoding="utf-8")
    document = parse_file(page, "t.html")[0]
    assert [(t.speaker, t.timestamp) for t in document.turns] == [("Kevin", "0:00"), ("Alban", "0:09")]
    assert document.text[document.turns[0].start:document.turns[0].end] == "We have an update & more."


def test_assemblee_html_reads_inline_names_in_the_parliament_layout():
    document = parse_file(TURNS / "an-20130141.html", "an.html")[0]
    assert document.layout.startswith("parliament")
    speakers = {t.speaker for t in document.turns}
    assert "M. le président" in speakers or "Mme la présidente" in speakers
    assert "M.\xa0Julien Aubert ." not in document.text  # inline <b>…</b>. stays in its line


def test_tei_sp_who_speaker():
    document = parse_file(TURNS / "an-20130129.tei.xml", "an.xml")[0]
    truth = json.loads((TURNS / "truth.json").read_text(encoding="utf-8"))["truth"]["an-20130129"]
    spoken = [t.speaker for t in document.turns if t.speaker]
    assert len(spoken) == len(truth) == 80
    assert document.layout == "given" and "Erwann Binet" in spoken
    assert "Présidence de M. Claude Bartolone" in document.text  # text outside the turns is kept


def test_tei_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "x.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY e "x">]><TEI><text><body><p>&e;</p></body>'
                    "</text></TEI>", encoding="utf-8")
    with pytest.raises(Exception, match=r"\[Q109\]"):
        read_raw(path)


def test_podcast_namespace_json_merges_words_into_turns():
    document = parse_file(TURNS / "podcast-words.json", "words.json")[0]
    turns = [(t.speaker, document.text[t.start:t.end]) for t in document.turns]
    assert turns == [("Darth Vader", "I am your father."), ("Luke", "Nooooo")]


def test_whisper_and_whisperx_json(tmp_path):
    whisper = {"text": " Bonjour. Oui.", "language": "fr", "segments": [
        {"id": 0, "start": 0.0, "end": 1.2, "text": " Bonjour à tous."},
        {"id": 1, "start": 1.3, "end": 2.0, "text": " On commence."},
        {"id": 2, "start": 6.0, "end": 7.0, "text": " Après la pause."}]}
    whisperx = {"segments": [
        {"start": 0.0, "end": 1.0, "text": " Hello.", "speaker": "SPEAKER_00", "words": []},
        {"start": 1.1, "end": 2.0, "text": " Hi there.", "speaker": "SPEAKER_01", "words": []},
        {"start": 2.1, "end": 3.0, "text": " How are you?", "speaker": "SPEAKER_01", "words": []}],
        "word_segments": []}
    (tmp_path / "w.json").write_text(json.dumps(whisper), encoding="utf-8")
    (tmp_path / "x.json").write_text(json.dumps(whisperx), encoding="utf-8")
    plain = parse_file(tmp_path / "w.json", "w.json")[0]
    assert [plain.text[t.start:t.end] for t in plain.turns] == ["Bonjour à tous. On commence.", "Après la pause."]
    assert [t.timestamp for t in plain.turns] == ["00:00:00", "00:00:06"]
    diarised = parse_file(tmp_path / "x.json", "x.json")[0]
    assert [(t.speaker, diarised.text[t.start:t.end]) for t in diarised.turns] == [
        ("SPEAKER_00", "Hello."), ("SPEAKER_01", "Hi there. How are you?")]


# speaker layouts ----------------------------------------------------------------------------------
def test_name_alone_on_its_line_with_a_role():
    speakers = speakers_of(TURNS / "an-20130129.line.txt")
    assert speakers[0] is None and speakers.count(None) == 1  # the title and "Présidence de …" before any speech
    assert speakers[1:5] == ["le président", "le président", "le président", "le président"]
    assert "Erwann Binet" in speakers and "Christiane Taubira" in speakers


@pytest.mark.parametrize("text, expected", [
    ("Speaker 8: We agree.\n\nMarie: Yes.\n\nMarie: Good.\n\nCommittee 1: Noted.",
     ["Speaker 8", "Marie", "Marie", "Committee 1"]),
    ("Erwann Binet, rapporteur : Même avis.\n\nMme Christiane Taubira, garde des sceaux : Avis identique.",
     ["Erwann Binet", "Mme Christiane Taubira"]),
    ("M. le président. La séance est ouverte.\n\nMme Christiane Taubira, garde des sceaux. Texte.\n\n"
     "M. le président. La parole est à M. Aubert.\n\nPlusieurs députés du groupe UMP. Très bien !",
     ["M. le président", "Mme Christiane Taubira", "M. le président", "Plusieurs députés du groupe UMP"]),
])
def test_layouts_from_the_issue(text, expected):
    assert [t.speaker for t in parse_structure(text).turns] == expected


def test_prose_gets_no_speakers():
    text = ("Le réseau a été créé en 2003. Les infirmières du secteur se connaissaient.\n\n"
            "Paris : la ville compte vingt arrondissements.\n\nConclusion : le financement reste fragile.\n\n"
            "Monsieur le député, vous avez raison.\n\nMerci, monsieur le président.")
    assert {t.speaker for t in parse_structure(text).turns} == {None}


def test_names_in_speakers_csv_open_turns_in_any_layout():
    text = "Jean Dupont\nBonjour à tous.\n\nAnne Roy - Merci.\n\nJean Dupont. Je reprends."
    turns = parse_structure(text, known_speakers=frozenset({"Jean Dupont", "Anne Roy"})).turns
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [
        ("Jean Dupont", "Bonjour à tous."), ("Anne Roy", "Merci."), ("Jean Dupont", "Je reprends.")]


def test_a_user_layout_regex_and_a_bad_one():
    from qualcoder.ingest.speakers import SpeakerLayout

    text = "ALICE> Bonjour.\n\nBOB> Salut.\n\nNote: ceci n'est pas un locuteur."
    layout = SpeakerLayout.parse(r"regex:^(?P<speaker>[A-Z]+)> ")
    assert [t.speaker for t in parse_structure(text, layout=layout).turns] == ["ALICE", "BOB"]
    with pytest.raises(InvalidSpeakerLayout, match=r"\[Q115\].*speaker"):
        SpeakerLayout.parse("regex:^([A-Z]+)>")
    with pytest.raises(InvalidSpeakerLayout, match=r"\[Q115\]"):
        SpeakerLayout.parse("shakespeare")


def test_speakers_csv_scoped_to_a_file_applies_inside_a_folder(sqlite_project, tmp_path):
    folder = tmp_path / "corpus"
    (folder / "site-a").mkdir(parents=True)
    (folder / "site-a" / "ent1.txt").write_text("Jeanne\nBonjour.\n\nQ : Et ensuite ?\n\nJeanne\nRien.\n",
                                                 encoding="utf-8")
    (folder / "speakers.csv").write_text("speaker,role,file\nJeanne,participant,ent1.txt\n", encoding="utf-8")
    report = sqlite_project.import_files([folder])
    turns = sqlite_project.repo.turns()[sqlite_project.document(report.added[0]).id]
    assert [t.speaker for t in turns] == ["Jeanne", "Q", "Jeanne"]
    assert speaker_applies("site-a/ent1.txt", "corpus/site-a/ent1.txt")
    assert not speaker_applies("ent1.txt", "corpus/site-a/ent10.txt")


# the import report, re-detection, segmentation on import --------------------------------------------
def test_report_warns_when_a_long_transcript_has_no_turn_and_redetection_fixes_it(sqlite_project):
    report = sqlite_project.import_files([TURNS / "an-20130135.line.txt"], speakers_layout="none")
    summary = report.documents[0]
    assert summary.turns == 0 and any("no speaker turn" in w for w in summary.warnings)
    assert any("no speaker turn" in w for w in report.warnings)
    sqlite_project.segment(by="paragraph")
    document = sqlite_project.document(summary.name)
    start = document.text.index("La séance est ouverte")
    sqlite_project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    code = sqlite_project.codebook().codes[0].id
    coding = sqlite_project.add_coding(code, "alice", doc=document.id, start=start, end=start + 21)
    redone = sqlite_project.redetect_turns([summary.name], speakers_layout="line")[0]
    assert redone.turns >= 79 and redone.speakers > 10 and not redone.warnings and redone.segments > 0
    row = sqlite_project.codings_df().set_index("coding_id").loc[coding]
    assert document.text[row["start"]:row["end"]] == "La séance est ouverte"
    assert sqlite_project.segments_df()["speaker"].notna().sum() >= 79


def test_documents_added_after_segmentation_are_segmented(make_project, tmp_path):
    project = make_project()
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Enq. : Bonjour ?\n\nMme A. : Oui, depuis 2003.\n", encoding="utf-8")
    second.write_text("Enq. : Et ensuite ?\n\nMme B. : Le financement.\n", encoding="utf-8")
    project.import_files([first])
    project.segment(by="turn")
    report = project.import_files([second])
    assert report.documents[0].segments == 2
    assert set(project.segments_df()["doc"]) == {"a.txt", "b.txt"}
    assert project.status()["unsegmented"] == []


def test_other_languages_are_reported(sqlite_project, tmp_path):
    path = tmp_path / "es.txt"
    path.write_text("Speaker 1: Las enfermeras coordinan la atención domiciliaria de los pacientes mayores en el "
                    "barrio desde hace muchos años y conocen bien a las familias.\n\nSpeaker 2: Trabajamos con los "
                    "médicos de cabecera y con los servicios sociales del ayuntamiento.\n", encoding="utf-8")
    report = sqlite_project.import_files([path])
    assert any("Spanish (es" in w and "[nlp]" in w for w in report.warnings)
    assert sqlite_project.document("es.txt").attributes["detected_language"] == "es"
    assert report.documents[0].turns == 2


@pytest.mark.parametrize("value, iso", [("19 janv. 2013", "2013-01-19"), ("le 3 févr. 2012", "2012-02-03"),
                                        ("Séance n° 12, samedi 2 février 2013", "2013-02-02"),
                                        ("Meeting 4 of Dec. 3, 2019", "2019-12-03"), ("sept. 2014", "2014-09-01")])
def test_dates_abbreviated_and_not_first(value, iso):
    assert parse_date(value) == iso


# surveys, removal, concurrency, encodings -----------------------------------------------------------
def test_survey_rows_are_respondents(make_project, tmp_path):
    project = make_project()
    path = tmp_path / "survey.csv"
    path.write_text("id,text,age\n1,Nothing.,34\n2,Nothing.,51\n3,# stay alive,40\n4,Did not answer,22\n",
                    encoding="utf-8")
    report = project.import_files([path])
    assert report.ok and len(report.added) == 4
    assert sorted(project.documents_df()["age"]) == ["22", "34", "40", "51"]
    again = project.import_files([path])
    assert again.added == [] and len(again.duplicates) == 4
    project.segment(by="paragraph")
    segments = project.segments_df()
    assert "# stay alive" in set(segments["text"])
    other = tmp_path / "wave2.csv"
    other.write_text("id,text\n1,Nothing.\n", encoding="utf-8")
    assert project.import_files([other]).added == ["wave2.csv#1"]


def test_a_document_without_segments_breaks_no_table_and_can_be_removed(sqlite_project, tmp_path):
    (tmp_path / "titre.md").write_text("# Seulement un titre\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Enq. : Bonjour ?\n\nMme A. : Oui.\n", encoding="utf-8")
    sqlite_project.import_files([tmp_path / "titre.md", tmp_path / "a.txt"])
    sqlite_project.segment(by="paragraph")
    assert len(sqlite_project.segments_df()) == 2
    assert sqlite_project.status()["unsegmented"] == ["titre.md"]
    sqlite_project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    code = sqlite_project.codebook().codes[0].id
    coding = sqlite_project.add_coding(code, "alice", segment=int(sqlite_project.segments_df()["segment_id"][0]))
    sqlite_project.add_memo("coding", coding, "alice", "why")
    sqlite_project.add_memo("document", "a.txt", "alice", "about a")
    removed = sqlite_project.remove_document("a.txt")
    assert removed["codings"] == 1 and removed["memos"] == 2 and removed["segments"] == 2
    assert sqlite_project.codings_df().empty and sqlite_project.memos_df().empty
    assert list(sqlite_project.documents_df()["name"]) == ["titre.md"]


def test_a_duplicate_stored_between_the_check_and_the_insert_is_reported(make_project, tmp_path):
    path = tmp_path / "same.txt"
    path.write_text("Enq. : Bonjour ?\n\nMme A. : Oui.\n", encoding="utf-8")
    first = make_project()
    second = Project.open(first.folder)
    fired = []

    def other_import_first(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO DOCUMENTS") and not fired:
            fired.append(True)
            assert second.import_files([path]).added == ["same.txt"]

    event.listen(first.engine, "before_cursor_execute", other_import_first)
    report = first.import_files([path])
    second.close()
    assert fired and report.ok and report.added == [] and report.duplicates == [("same.txt", "same.txt")]
    assert len(first.documents_df()) == 1


def test_odd_length_utf16_gives_a_clear_error(sqlite_project, tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfe" + "Entretien".encode("utf-16-le") + b"x")
    report = sqlite_project.import_files([path])
    assert report.failures[0].code == "Q103" and "odd number of bytes" in report.failures[0].message


def test_cli_report_turns_and_remove(tmp_path):
    from typer.testing import CliRunner

    from qualcoder.cli import app

    runner = CliRunner()
    project = tmp_path / "p"
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    result = runner.invoke(app, ["import", str(TURNS / "an-20130125.line.txt"), "-p", str(project),
                                 "--speakers-layout", "none"])
    assert result.exit_code == 0 and "What the import found" in result.output and "no speaker turn" in result.output
    result = runner.invoke(app, ["import", str(TURNS / "podcast.srt"), "-p", str(project), "--speakers-layout", "x"])
    assert result.exit_code == 2 and "[Q115]" in result.output
    result = runner.invoke(app, ["documents", "turns", "an-20130125.line.txt", "-p", str(project),
                                 "--speakers-layout", "line"])
    assert result.exit_code == 0 and "Turns found again in 1 document(s)" in result.output
    result = runner.invoke(app, ["documents", "remove", "an-20130125.line.txt", "-p", str(project), "--yes"])
    assert result.exit_code == 0 and "Removed an-20130125.line.txt with" in result.output and "turns" in result.output
    assert "0 documents" in runner.invoke(app, ["status", "-p", str(project)]).output
