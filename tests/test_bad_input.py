"""Bad input: one clear error naming the file, the cause and the fix; the project is left unchanged."""

from __future__ import annotations

import pytest
from helpers import blank_pdf_bytes, write_docx, zip_with

from qualcoder.errors import InvalidMetadata, InvalidSpeakers

XXE = b"""<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t>
</w:r></w:p></w:body></w:document>"""


def _bomb() -> bytes:
    return zip_with({"word/document.xml": b"<a>" + b" " * 600_000_000 + b"</a>"})


CASES = {
    "corrupt.docx": (b"PK\x03\x04 this is not really a zip", "Q104"),
    "renamed.docx": (b"Hello, I am plain text with a .docx name", "Q104"),
    "binary.txt": (bytes(range(256)) * 20, "Q103"),
    "empty.txt": (b"", "Q102"),
    "blank.txt": (b"   \n\n \t \n", "Q102"),
    "image.png": (b"\x89PNG\r\n\x1a\n", "Q101"),
    "noext": (b"some text", "Q101"),
    "scan.pdf": (None, "Q105"),
    "broken.pdf": (b"%PDF-1.4\n1 0 obj garbage", "Q104"),
    "bad.vtt": (b"NOT A WEBVTT FILE\n\n00:01 --> nope\n", "Q107"),
    "bad.srt": (b"1\n00:00:xx,000 --> \nbroken\n\nxx\n", "Q107"),  # no cue has a readable start
    "xxe.docx": (None, "Q109"),
    "traversal.docx": (None, "Q108"),
    "missing-part.docx": (None, "Q104"),
    "bad.rtf": (b"This is not rtf at all", "Q104"),
    "bad-iramuteq.txt": (b"**** *prof_infirmiere *bad variable\nTexte.\n", "Q113"),
    "no-text-column.csv": (b"a,b\n1,2\n3,4\n", "Q112"),
    "empty.odt": (None, "Q104"),
}


def _write(folder, name, data):
    path = folder / name
    if name == "scan.pdf":
        data = blank_pdf_bytes()
    elif name == "xxe.docx":
        data = zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": XXE})
    elif name == "traversal.docx":
        data = zip_with({"word/document.xml": b"<a/>", "../../evil.txt": b"x"})
    elif name == "missing-part.docx":
        data = zip_with({"hello.txt": b"x"})
    elif name == "empty.odt":
        data = zip_with({"mimetype": b"application/vnd.oasis.opendocument.text"})
    path.write_bytes(data)
    return path


def _snapshot(project):
    documents = project.documents_df()
    return project.repo.counts(), documents[["name", "sha256"]].values.tolist()


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_its_error_and_changes_nothing(sqlite_project, sample_dir, tmp_path, name):
    sqlite_project.import_files([sample_dir])
    before = _snapshot(sqlite_project)
    bad = tmp_path / "bad"
    bad.mkdir()
    path = _write(bad, name, CASES[name][0])
    report = sqlite_project.import_files([path])
    assert not report.added
    (failure,) = report.failures
    assert failure.code == CASES[name][1], failure.message
    assert failure.message.startswith(f"[{failure.code}] {path}")
    assert failure.message.count(".") >= 2  # cause, then a sentence saying how to fix it
    assert _snapshot(sqlite_project) == before


def test_zip_bomb_is_refused_before_inflating(sqlite_project, tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(_bomb())
    (failure,) = sqlite_project.import_files([path]).failures
    assert failure.code == "Q108"
    assert "zip bomb" in failure.message


def test_huge_file_is_refused(sqlite_project, tmp_path, monkeypatch):
    from qualcoder.ingest import safety

    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("mot " * 1000, encoding="utf-8")
    (failure,) = sqlite_project.import_files([path]).failures
    assert failure.code == "Q110"
    assert "Split it" in failure.message


def test_batch_goes_on_after_a_failure(sqlite_project, sample_dir):
    (sample_dir / "broken.docx").write_bytes(b"not a zip")
    report = sqlite_project.import_files([sample_dir])
    assert sorted(report.added) == ["corpus/cr-2004-03-11.txt", "corpus/entretien.txt", "corpus/mdt.txt"]
    assert [f.code for f in report.failures] == ["Q104"]


def test_reimport_of_same_content_does_nothing(sqlite_project, sample_dir):
    sqlite_project.import_files([sample_dir])
    before = _snapshot(sqlite_project)
    report = sqlite_project.import_files([sample_dir])
    assert report.added == [] and len(report.duplicates) == 3
    assert _snapshot(sqlite_project) == before


@pytest.mark.parametrize(
    "csv_text, message",
    [("name,kind\nx.txt,interview\n", "no column named 'file'"),
     ("file,type\nx.txt,podcast\n", "type 'podcast'"),
     ("file,date\nx.txt,31/02/2004\n", "date '31/02/2004'"),
     ("file,language\nx.txt,de\n", "language 'de'")],
)
def test_bad_metadata_stops_before_writing(sqlite_project, sample_dir, tmp_path, csv_text, message):
    meta = tmp_path / "bad-meta.csv"
    meta.write_text(csv_text, encoding="utf-8")
    with pytest.raises(InvalidMetadata) as error:
        sqlite_project.import_files([sample_dir], meta=meta)
    assert message in str(error.value) and str(meta) in str(error.value)
    assert sqlite_project.repo.counts()["documents"] == 0


def test_bad_speakers_row_names_the_line(sqlite_project, sample_dir, tmp_path):
    speakers = tmp_path / "speakers.csv"
    speakers.write_text("speaker,role\nDr Morel,attendee\nDr Morel,attendee\n", encoding="utf-8")
    with pytest.raises(InvalidSpeakers) as error:
        sqlite_project.import_files([sample_dir], speakers=speakers)
    assert f"{speakers}:3" in str(error.value)
    assert sqlite_project.repo.counts()["documents"] == 0


def test_failed_transaction_leaves_no_partial_document(sqlite_project, sample_dir, monkeypatch):
    from qualcoder.store import repository

    def explode(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository.TurnRow, "__init__", explode)
    report = sqlite_project.import_files([sample_dir / "entretien.txt"])
    assert report.failures and report.failures[0].code == "Q100"
    counts = sqlite_project.repo.counts()
    assert counts["documents"] == 0 and counts["turns"] == 0


def test_docx_with_only_empty_paragraphs(sqlite_project, tmp_path):
    path = write_docx(tmp_path / "vide.docx", ["", "  "])
    (failure,) = sqlite_project.import_files([path]).failures
    assert failure.code == "Q102"
