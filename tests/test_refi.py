"""REFI-QDA both ways: our exports validate and round-trip; other tools' variants import; hostile files are refused."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qualcoder import Project, refi
from qualcoder.cli import app
from qualcoder.refi.textmap import normalise_with_offsets

NS = "urn:QDA-XML:project:1.0"
# upper-case braced GUIDs, as NVivo writes them
U_NVIVO = "{AD68FBE7-E1EE-4A82-A279-23CC698C89EB}"
C_PARENT = "{0F8A1907-7E42-4739-8610-A676B4D1B69F}"
C_CHILD = "{D299EFAE-5779-46DC-9827-A3D1A5D544BC}"
C_OTHER = "{85D17F60-7BB0-481E-B742-B4861DD669DF}"
S_TEXT = "{69A4332D-5B31-4915-B520-5275CFC21B40}"
S_PDF = "{03F134F1-AB05-46E6-8702-1D6930D7F7F0}"
V_PROF = "{C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B}"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _guid(braced: str) -> str:
    return braced.strip("{}").lower()


# --- our own exports ------------------------------------------------------------------------------
def test_demo_round_trip_keeps_documents_codes_and_codings(demo_project, tmp_path):
    first = refi.export_qdpx(demo_project, tmp_path / "demo.qdpx")
    second = refi.export_qdpx(demo_project, tmp_path / "again.qdpx")
    assert first.read_bytes() == second.read_bytes()  # stable GUIDs, fixed zip dates
    refi.validate(first, kind="project")

    target = Project.create(tmp_path / "copy")
    summary = refi.import_qdpx(first, target)
    assert summary.skipped == [] and summary.duplicates == []

    old_docs, new_docs = demo_project.documents_df(), target.documents_df()
    assert dict(zip(old_docs["name"], old_docs["text"])) == dict(zip(new_docs["name"], new_docs["text"]))
    assert list(old_docs["type"]) == list(new_docs["type"]) and list(old_docs["date"]) == list(new_docs["date"])

    old_book, new_book = demo_project.codebook(), target.codebook()
    assert [(c.id, c.parent, c.label, c.color) for c in old_book.codes] == [
        (c.id, c.parent, c.label, c.color) for c in new_book.codes]
    assert new_book.version == old_book.version  # definitions, criteria and patterns came back too

    old = demo_project.codings_df()
    old = old[old["status"].isin(["applied", "accepted"])]
    new = target.codings_df()

    def spans(frame):
        return sorted(zip(frame["doc"], frame["start"], frame["end"], frame["code"], frame["coder"]))

    assert spans(old) == spans(new) and len(new) > 1000
    assert set(new.loc[new["coder"] == "rules", "source"]) == {"rules"}  # rule codings stay rule codings
    texts = dict(zip(new_docs["doc_id"], new_docs["text"]))
    assert all(texts[d][s:e] == t for d, s, e, t in zip(new["doc_id"], new["start"], new["end"], new["text"]))
    assert sorted(target.speakers_df()["speaker"]) == sorted(demo_project.speakers_df()["speaker"])
    target.close()


def test_export_filters_coders_and_suggestions(demo_project, tmp_path):
    out = refi.export_qdpx(demo_project, tmp_path / "a.qdpx", coders=["coder_a"])
    qde = zipfile.ZipFile(out).read("project.qde").decode()
    n_a = int((demo_project.codings_df()["coder"] == "coder_a").sum())
    assert qde.count("<Coding ") == n_a
    with pytest.raises(refi.RefiError, match="no exported codings by ghost"):
        refi.export_qdpx(demo_project, tmp_path / "b.qdpx", coders=["ghost"])
    assert not (tmp_path / "b.qdpx").exists()


def test_codebook_qdc_validates_and_imports(demo_project, sqlite_project, tmp_path):
    book = demo_project.codebook()
    out = refi.export_qdc(book, tmp_path / "book.qdc")
    refi.validate(out, kind="codebook")
    with pytest.raises(refi.SchemaInvalid, match="Q923"):
        refi.validate(out, kind="project")
    summary = refi.import_qdc(out, sqlite_project)
    loaded = sqlite_project.codebook()
    assert summary.codes == [c.id for c in book.codes]
    assert loaded.id == book.id and loaded.version == book.version


def test_validate_reports_schema_errors(tmp_path):
    bad = (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="nope" name="a" isCodable="true"/>'
           b"</Codes></CodeBook>")
    with pytest.raises(refi.SchemaInvalid, match=r"Q923.*guid"):
        refi.validate(bad, kind="codebook")


# --- other tools' variants -------------------------------------------------------------------------
NVIVO_TEXT = "Enq. : Vous êtes infirmière ?\r\nMme Aubert : Oui, depuis 2003. Le réseau m’a aidée.\r\n"


def _nvivo_qde(plain_path: str) -> bytes:
    text = unicodedata.normalize("NFD", NVIVO_TEXT)
    start = text.index("Oui")
    aidee = unicodedata.normalize("NFD", "aidée")
    end = text.index(aidee) + len(aidee)
    outside = len(text) + 10
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="{NS}" xmlns:nv="urn:nvivo:extensions" name="NVivo study" nv:build="14.23" origin="NVivo 14">
 <Users><User guid="{U_NVIVO}" name="Alice Martin"/></Users>
 <CodeBook><Codes>
  <Code guid="{C_PARENT}" name="Réseau" isCodable="false">
   <Code guid="{C_CHILD}" name="Aide du réseau" isCodable="true" color="#3c3">
    <Description>Le réseau aide.</Description>
   </Code>
  </Code>
  <Code guid="{C_OTHER}" name="Formation" isCodable="true"/>
 </Codes></CodeBook>
 <Variables><Variable guid="{V_PROF}" name="profession" typeOfVariable="Text"/></Variables>
 <Cases><Case guid="{{11111111-2222-3333-4444-555555555555}}" name="Mme Aubert">
  <VariableValue><VariableRef targetGUID="{V_PROF}"/><TextValue>infirmière</TextValue></VariableValue>
  <SourceRef targetGUID="{S_TEXT.lower()}"/></Case></Cases>
 <Sources>
  <TextSource guid="{S_TEXT}" name="entretien-aubert" plainTextPath="{plain_path}" nv:extra="ignored">
   <PlainTextSelection guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" startPosition="{start}" endPosition="{end}">
    <Coding guid="{{AAAAAAAA-0000-0000-0000-000000000002}}" creatingUser="{U_NVIVO.lower()}">
     <CodeRef targetGUID="{C_CHILD.strip('{}')}"/>
    </Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{{AAAAAAAA-0000-0000-0000-000000000003}}" startPosition="5" endPosition="{outside}">
    <Coding guid="{{AAAAAAAA-0000-0000-0000-000000000004}}" creatingUser="{U_NVIVO}">
     <CodeRef targetGUID="{C_OTHER}"/>
    </Coding>
   </PlainTextSelection>
   <nv:Extension><nv:Thing/></nv:Extension>
  </TextSource>
  <PDFSource guid="{S_PDF}" name="rapport.pdf" path="internal://{_guid(S_PDF).upper()}.pdf"/>
 </Sources>
</Project>""".encode()


@pytest.mark.parametrize("plain_path,member", [
    (f"internal://{_guid(S_TEXT).upper()}.txt", f"Sources/{_guid(S_TEXT).upper()}.txt"),  # NVivo
    (f"{_guid(S_TEXT)}.txt", f"sources/{_guid(S_TEXT)}.txt"),  # MAXQDA-like bare path
    (f"relative://{_guid(S_TEXT)}.txt", f"sources/{_guid(S_TEXT)}.txt"),
])
def test_nvivo_like_project_with_crlf_nfd_text(sqlite_project, tmp_path, plain_path, member):
    raw = unicodedata.normalize("NFD", NVIVO_TEXT).encode("utf-8")
    qdpx = _zip(tmp_path / "nvivo.qdpx", {"project.qde": _nvivo_qde(plain_path), member: raw,
                                          f"Sources/{_guid(S_PDF).upper()}.pdf": b"%PDF-1.4"})
    summary = refi.import_qdpx(qdpx, sqlite_project)
    assert summary.documents == ["entretien-aubert"]
    assert summary.codings == 1
    assert any("PDF source 'rapport.pdf'" in s for s in summary.skipped)
    assert any("outside the text" in s for s in summary.skipped)

    document = sqlite_project.document("entretien-aubert")
    assert document.text == "Enq. : Vous êtes infirmière ?\nMme Aubert : Oui, depuis 2003. Le réseau m’a aidée.\n"
    coding = sqlite_project.codings_df().iloc[0]
    # the selection meant "Oui … aidée" in the CRLF + NFD text; it still does after normalisation
    assert document.text[coding["start"]:coding["end"]] == "Oui, depuis 2003. Le réseau m’a aidée"
    assert coding["coder"] == "Alice Martin" and coding["source"] == "import"

    book = sqlite_project.codebook()
    assert [(c.id, c.parent) for c in book.codes] == [("reseau", None), ("aide_du_reseau", "reseau"),
                                                      ("formation", None)]
    assert book.code("aide_du_reseau").color == "#33CC33" and book.code("formation").color == "#888888"
    assert book.code("aide_du_reseau").definition["en"] == "Le réseau aide."
    speakers = sqlite_project.speakers_df().set_index("speaker")
    assert speakers.loc["Mme Aubert", "profession"] == "infirmière"


def test_atlas_like_rich_text_only_source(sqlite_project, tmp_path):
    import docx

    word = docx.Document()
    word.add_paragraph("Interviewer: How did the team start?")
    word.add_paragraph("Karen: We met every Tuesday at the surgery.")
    buffer = io.BytesIO()
    word.save(buffer)
    guid = "57c6099b-934f-4c86-90f2-cc6c2f2a3cc3"
    code = "7496ba52-9c8d-4396-8fab-cc438614e453"
    text = "Interviewer: How did the team start?\n\nKaren: We met every Tuesday at the surgery."
    start = text.index("We met")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="ATLAS.ti project" origin="ATLAS.ti 9">
 <CodeBook><Codes><Code guid="{code}" name="Meetings" isCodable="true" color="#966450"/></Codes></CodeBook>
 <Sources><TextSource guid="{guid}" name="Karen.docx" richTextPath="internal://{guid}.docx">
  <PlainTextSelection guid="{code[:-1]}0" startPosition="{start}" endPosition="{len(text)}">
   <Coding guid="{code[:-1]}1"><CodeRef targetGUID="{code.upper()}"/></Coding>
  </PlainTextSelection></TextSource></Sources>
</Project>""".encode()
    qdpx = _zip(tmp_path / "atlas.qdpx", {"project.qde": qde, f"sources/{guid}.docx": buffer.getvalue()})
    summary = refi.import_qdpx(qdpx, sqlite_project)
    assert summary.codings == 1 and summary.documents == ["Karen.docx"]
    coding = sqlite_project.codings_df().iloc[0]
    assert coding["text"] == "We met every Tuesday at the surgery."
    assert coding["coder"] == "refi-import"


def test_offset_map_moves_selections_through_crlf_and_nfd():
    raw = "a\r\ne\u0301t\u00e9\r\nfin\ufeff!"
    mapped = normalise_with_offsets(raw)
    assert mapped.text == "a\nété\nfin!"
    assert mapped.text[slice(*mapped.span(raw.index("fin"), raw.index("fin") + 3))] == "fin"
    # a start inside "e + accent" moves back to the character's start, an end inside it moves forward
    assert mapped.span(4, 5) == (2, 3)
    assert normalise_with_offsets("plain").lower is None


# --- hostile and broken files ------------------------------------------------------------------
def _minimal_qde() -> bytes:
    return f'<Project xmlns="{NS}" name="x"/>'.encode()


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "sources/../../evil.txt", "C:/evil.txt"])
def test_archive_with_unsafe_member_is_refused(sqlite_project, tmp_path, name):
    qdpx = _zip(tmp_path / "evil.qdpx", {"project.qde": _minimal_qde(), name: b"boo"})
    with pytest.raises(refi.UnsafeRefiArchive, match=r"Q922.*unsafe path"):
        refi.import_qdpx(qdpx, sqlite_project)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_is_refused_before_reading(sqlite_project, tmp_path):
    qdpx = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(qdpx, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("project.qde", _minimal_qde())
        archive.writestr("sources/big.txt", b"\0" * (50 * 1024 * 1024))
    assert qdpx.stat().st_size < 1_000_000
    with pytest.raises(refi.UnsafeRefiArchive, match="zip bomb"):
        refi.import_qdpx(qdpx, sqlite_project)


def test_symlink_member_is_refused(sqlite_project, tmp_path):
    qdpx = tmp_path / "link.qdpx"
    with zipfile.ZipFile(qdpx, "w") as archive:
        archive.writestr("project.qde", _minimal_qde())
        info = zipfile.ZipInfo("sources/link.txt")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(refi.UnsafeRefiArchive, match="symbolic link"):
        refi.import_qdpx(qdpx, sqlite_project)


def test_external_entity_is_refused(sqlite_project, tmp_path):
    qde = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>')
    qdpx = _zip(tmp_path / "xxe.qdpx", {"project.qde": qde})
    with pytest.raises(refi.MalformedRefiXml, match=r"Q924.*xxe.qdpx \(project.qde\).*DTD") as error:
        refi.import_qdpx(qdpx, sqlite_project)
    assert "DOCTYPE" in str(error.value)  # says how to fix it


def test_malformed_xml_names_the_line(sqlite_project, tmp_path):
    qdpx = _zip(tmp_path / "bad.qdpx", {"project.qde": b'<Project name="x">\n<Users>\n</Project>'})
    with pytest.raises(refi.MalformedRefiXml, match=r"project.qde\):3:"):
        refi.import_qdpx(qdpx, sqlite_project)
    bad_qdc = tmp_path / "bad.qdc"
    bad_qdc.write_bytes(b"<CodeBook>\n<Codes>")
    with pytest.raises(refi.MalformedRefiXml, match=r"bad.qdc:2:"):
        refi.import_qdc(bad_qdc, sqlite_project)


def test_not_a_zip_is_refused(sqlite_project, tmp_path):
    fake = tmp_path / "fake.qdpx"
    fake.write_text("hello")
    with pytest.raises(refi.UnsafeRefiArchive, match=r"not a \.qdpx"):
        refi.import_qdpx(fake, sqlite_project)


def test_damaged_source_leaves_nothing_imported(sqlite_project, tmp_path):
    good = unicodedata.normalize("NFC", NVIVO_TEXT).encode()
    member = f"sources/{_guid(S_TEXT)}.txt"
    qdpx = _zip(tmp_path / "damaged.qdpx", {"project.qde": _nvivo_qde(f"internal://{_guid(S_TEXT)}.txt"),
                                            member: good * 50})
    data = bytearray(qdpx.read_bytes())
    offset = data.index(b"PK\x03\x04", 10)  # the source's local header; damage its compressed bytes
    for i in range(offset + 80, offset + 120):
        data[i] ^= 0xFF
    qdpx.write_bytes(bytes(data))
    with pytest.raises(refi.RefiError):
        refi.import_qdpx(qdpx, sqlite_project)
    assert sqlite_project.documents_df().empty
    assert sqlite_project.repo.active_codebook() is None


# --- command line -------------------------------------------------------------------------------
def test_cli_export_import_and_refusals(demo_project, tmp_path):
    runner = CliRunner()
    out = tmp_path / "study.qdpx"
    result = runner.invoke(app, ["export", "qdpx", str(out), "-p", str(demo_project.folder), "--coders", "coder_b"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["export", "qdpx", str(out), "-p", str(demo_project.folder)])
    assert again.exit_code == 2 and "Q903" in again.output
    assert runner.invoke(app, ["export", "qdpx", str(out), "-p", str(demo_project.folder), "--force",
                               "--include-suggestions"]).exit_code == 0
    book = tmp_path / "book.qdc"
    assert runner.invoke(app, ["export", "qdc", str(book), "-p", str(demo_project.folder)]).exit_code == 0

    folder = tmp_path / "new-study"
    result = runner.invoke(app, ["import-qdpx", str(out), "-p", str(folder)])
    assert result.exit_code == 0, result.output
    assert "34 document(s)" in result.output or "document(s)" in result.output
    assert (folder / "qualcoder.toml").is_file()
    refused = runner.invoke(app, ["import-qdpx", str(out), "-p", str(folder)])
    assert refused.exit_code == 2 and "Q926" in refused.output
    merged = runner.invoke(app, ["import-qdpx", str(out), "-p", str(folder), "--into-existing"])
    assert merged.exit_code == 0 and "Duplicate" in merged.output
    result = runner.invoke(app, ["import-qdc", str(book), "-p", str(folder), "--force"])
    assert result.exit_code == 0, result.output


def test_a_refused_qdpx_leaves_no_project_behind(tmp_path):
    runner = CliRunner()
    fake = tmp_path / "fake.qdpx"
    fake.write_text("hello")
    folder = tmp_path / "new-study"
    refused = runner.invoke(app, ["import-qdpx", str(fake), "-p", str(folder)])
    assert refused.exit_code == 2 and "not a .qdpx" in refused.output
    assert not folder.exists()
    existing = tmp_path / "notes"
    existing.mkdir()
    (existing / "mine.txt").write_text("keep me")
    assert runner.invoke(app, ["import-qdpx", str(fake), "-p", str(existing)]).exit_code == 2
    assert sorted(p.name for p in existing.iterdir()) == ["mine.txt"]


# --- issue 14: names from plainTextPath, every user, GUIDs kept, empty sources ------------------------
def _qualcoder_like_qde() -> bytes:
    """QualCoder writes a TextSource's file name in plainTextPath and may leave ``name`` out; NVivo writes empty
    sources; a user may have coded nothing."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="QC study" origin="QualCoder 3.5">
 <Users><User guid="{U_NVIVO}" name="Alice Martin"/>
  <User guid="{{BBBBBBBB-0000-0000-0000-000000000001}}" name="Bob Reader"/></Users>
 <CodeBook><Codes><Code guid="{C_OTHER}" name="Formation" isCodable="true"/></Codes></CodeBook>
 <Sources>
  <TextSource guid="{S_TEXT}" plainTextPath="internal://entretien-aubert.txt">
   <PlainTextSelection guid="{{AAAAAAAA-0000-0000-0000-000000000001}}" startPosition="0" endPosition="3">
    <Coding guid="{{AAAAAAAA-0000-0000-0000-000000000002}}" creatingUser="{U_NVIVO}">
     <CodeRef targetGUID="{C_OTHER}"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="{{CCCCCCCC-0000-0000-0000-000000000001}}" name="vide-1"><PlainTextContent></PlainTextContent>
  </TextSource>
  <TextSource guid="{{CCCCCCCC-0000-0000-0000-000000000002}}" name="vide-2"><PlainTextContent>
</PlainTextContent></TextSource>
 </Sources>
</Project>""".encode()


def test_qualcoder_and_nvivo_quirks_and_guids_kept_on_export(sqlite_project, tmp_path):
    qdpx = _zip(tmp_path / "qc.qdpx", {"project.qde": _qualcoder_like_qde(),
                                       "Sources/entretien-aubert.txt": b"Oui, je coordonne."})
    summary = refi.import_qdpx(qdpx, sqlite_project)
    assert summary.documents == ["entretien-aubert.txt"]
    assert sum("is empty" in s for s in summary.skipped) == 2
    assert summary.users == ["Alice Martin", "Bob Reader"]
    from qualcoder.refi.export import build_project_xml

    xml, sources = build_project_xml(sqlite_project)
    text = xml.decode()
    assert f'guid="{_guid(S_TEXT)}"' in text and f'targetGUID="{_guid(C_OTHER)}"' in text
    assert f'guid="{_guid(U_NVIVO)}"' in text and 'name="Bob Reader"' in text
    assert 'guid="aaaaaaaa-0000-0000-0000-000000000001"' in text  # the selection keeps its GUID
    assert sources[0][0] == f"{_guid(S_TEXT)}.txt" and f"internal://{_guid(S_TEXT)}.txt" in text
    refi.validate(refi.export_qdpx(sqlite_project, tmp_path / "again.qdpx"), kind="project")
