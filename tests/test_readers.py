"""Each reader on files the tests write: text encodings, Office formats, PDF, HTML, subtitles, tables."""

from __future__ import annotations

import pytest
from helpers import pdf_bytes, write_docx, write_odt

from qualcoder.ingest import parse_file, read_raw
from qualcoder.ingest.text import decode

FRENCH = "Les infirmières coordonnent les soins à domicile avec le médecin généraliste."


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-le", b""), ("cp1252", b""),
     ("latin-1", b"")],
)
def test_text_encodings_are_detected(tmp_path, encoding, prefix):
    text = "Réunion du réseau : l'équipe évoque « l'épuisement » de l'aidante, coût 12 €.\n" * 3
    if encoding == "latin-1":
        text = text.replace("€", "EUR")
    path = tmp_path / "note.txt"
    path.write_bytes(prefix + text.encode(encoding))
    assert read_raw(path)[0].text == text.replace("\r\n", "\n")


def test_line_ends_and_nfc_are_normalised():
    decomposed = "e\u0301quipe\r\nsoins\rfin"
    assert decode(decomposed.encode("utf-8"), "x.txt") == "équipe\nsoins\nfin"


def test_docx_paragraphs_and_headings(tmp_path):
    path = write_docx(tmp_path / "cr.docx", ["Date : 11 mars 2004", "Cas n°1 : Mme A., 78 ans", "Dr Morel : Bonjour.",
                                              "Sophie : Oui.", "Dr Morel : Bien."], headings=("Cas n°1 : Mme A., 78 ans",))
    raw = read_raw(path)[0]
    assert raw.format == "docx"
    assert "Dr Morel : Bonjour." in raw.text
    (start, end), = raw.headings
    assert raw.text[start:end] == "Cas n°1 : Mme A., 78 ans"


def test_odt_paragraphs_and_headings(tmp_path):
    path = write_odt(tmp_path / "e.odt", ["Entretien", "Q : Bonjour ?", "R : " + FRENCH], headings=("Entretien",))
    raw = read_raw(path)[0]
    assert raw.text.split("\n\n") == ["Entretien", "Q : Bonjour ?", "R : " + FRENCH]
    assert raw.headings == ((0, len("Entretien")),)


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "note.pdf"
    path.write_bytes(pdf_bytes(["Le reseau de sante coordonne les soins.", "Deuxieme ligne du document."]))
    raw = read_raw(path)[0]
    assert "Le reseau de sante coordonne les soins." in raw.text
    assert "Deuxieme ligne" in raw.text


def test_rtf(tmp_path):
    path = tmp_path / "note.rtf"
    path.write_bytes(rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} \f0 Le r\'e9seau coordonne.\par "
                     rb"Deuxi\'e8me paragraphe.\par}")
    text = read_raw(path)[0].text
    assert "Le réseau coordonne." in text and "Deuxième paragraphe." in text


def test_html_blocks_and_headings(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>t</title><script>alert(1)</script></head><body><h2>Cas n°1 : Mme A., 78 ans"
                    "</h2><p>Dr Morel : <b>Bonjour</b> à tous.</p><p>Sophie : Oui.</p></body></html>", encoding="utf-8")
    raw = read_raw(path)[0]
    assert raw.text == "Cas n°1 : Mme A., 78 ans\n\nDr Morel : Bonjour à tous.\n\nSophie : Oui."
    assert "alert" not in raw.text
    assert raw.headings == ((0, len("Cas n°1 : Mme A., 78 ans")),)


def test_vtt_cues_merge_into_turns_by_voice(tmp_path):
    path = tmp_path / "e.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Enquêteur>Bonjour madame.\n\n"
                    "00:00:03.500 --> 00:00:06.000\n<v Mme Delmas>Bonjour. Alors,\n\n"
                    "00:00:06.000 --> 00:00:09.000\n<v Mme Delmas>je suis coordinatrice.\n", encoding="utf-8")
    documents = parse_file(path, "e.vtt")
    document = documents[0]
    speakers = [(t.speaker, document.text[t.start:t.end], t.timestamp) for t in document.turns]
    assert speakers == [("Enquêteur", "Bonjour madame.", "00:00:01"),
                        ("Mme Delmas", "Bonjour. Alors, je suis coordinatrice.", "00:00:03")]


def test_srt_with_inline_speakers(tmp_path):
    path = tmp_path / "e.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: Hello.\n\n2\n00:00:02,500 --> 00:00:05,000\n"
                    "Karen: Hi there.\n\n3\n00:00:05,000 --> 00:00:07,000\nI coordinate care.\n", encoding="utf-8")
    document = parse_file(path, "e.srt")[0]
    assert [(t.speaker, document.text[t.start:t.end]) for t in document.turns] == [
        ("Interviewer", "Hello."), ("Karen", "Hi there. I coordinate care.")]


def test_iramuteq_star_lines_split_documents(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("**** *prof_infirmiere *reseau_memoire\nLe réseau nous aide.\n\n"
                    "**** *prof_medecin *reseau_diabete\nJe coordonne peu.\n", encoding="utf-8")
    documents = parse_file(path, "corpus.txt")
    assert [d.name for d in documents] == ["corpus.txt#1", "corpus.txt#2"]
    assert documents[0].attributes == {"prof": "infirmiere", "reseau": "memoire"}
    assert documents[1].text == "Je coordonne peu."


def test_csv_survey_rows_become_documents(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("id;profession;réponse\n1;infirmière;" + FRENCH + "\n2;médecin;Le réseau finance des "
                    "réunions de concertation utiles.\n", encoding="utf-8")
    documents = parse_file(path, "survey.csv")
    assert [d.name for d in documents] == ["survey.csv#1", "survey.csv#2"]
    assert documents[0].text == FRENCH
    assert documents[0].attributes["profession"] == "infirmière"
    assert documents[0].doc_type == "survey"


def test_xlsx_survey(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["respondent", "site", "text"])
    sheet.append(["R1", "Lille", "The care coordinator calls every family after the meeting."])
    workbook.save(tmp_path / "s.xlsx")
    documents = parse_file(tmp_path / "s.xlsx", "s.xlsx")
    assert documents[0].name == "s.xlsx#R1"
    assert documents[0].attributes["site"] == "Lille"
    assert documents[0].language == "en"


def test_language_detection_and_override(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(FRENCH, encoding="utf-8")
    assert parse_file(path, "x.txt")[0].language == "fr"
    assert parse_file(path, "x.txt", language="en")[0].language == "en"
