"""The framework matrix on the demo: Legrix & Lassaunière's coordinators × advantages and drawbacks."""

from __future__ import annotations

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from qualcoder.analysis.units import segment_table
from qualcoder.cli import app

CODES = ["professionnalisation.avantages", "professionnalisation.inconvenients"]
WHERE = {"role": ["participant"], "type": ["interview"]}


def test_cells_hold_exactly_the_codings_they_list(demo_project):
    matrix = demo_project.framework_matrix("speaker", codes=CODES, where=WHERE)
    assert {"Mme Aubert", "M. Caron", "Mme Delmas"} <= set(matrix.row_values)
    counts = matrix.counts()
    assert counts.loc["Mme Aubert", "professionnalisation.avantages"] > 0
    codings = demo_project.codings_df().set_index("coding_id")
    for row in matrix.row_values:
        for code in matrix.codes:
            cell = matrix.cell(row, code)
            assert len(cell) == counts.loc[row, code]
            for excerpt in cell.itertuples():
                coding = codings.loc[excerpt.coding_id]
                assert coding["code"] == code or coding["code"].startswith(code + ".")  # a child rolls up
                assert coding["status"] in ("applied", "accepted") and coding["text"] == excerpt.text
                assert demo_project.document(coding["doc"]).text[coding["start"]:coding["end"]] == excerpt.text
    segments = segment_table(demo_project)
    speakers = set(segments[segments["speaker"].isin(matrix.row_values)]["speaker"])
    assert speakers == set(matrix.row_values)
    # the palliative-care coordinator is the "R :" of her interview: she is a case of her own, named with it
    assert "R (coordinateurs/entretien-02-palliatifs.odt)" in matrix.row_values and "R" not in matrix.row_values


def test_summaries_are_stored_exported_and_undoable(demo_copy, tmp_path):
    demo_copy.set_framework_summary("alice", "speaker", "Mme Aubert", CODES[0], "Reconnaissance par la tutelle")
    matrix = demo_copy.framework_matrix("speaker", codes=CODES, where=WHERE)
    assert matrix.summary("Mme Aubert", CODES[0]) == "Reconnaissance par la tutelle"
    long = matrix.long()
    assert len(long) == len(matrix.row_values) * len(CODES)
    runner = CliRunner()
    for suffix in ("xlsx", "docx", "csv"):
        out = tmp_path / f"legrix.{suffix}"
        result = runner.invoke(app, ["report", "framework", "--rows", "speaker", "--codes", ",".join(CODES), "--where",
                                     "role=participant", "--where", "type=interview", "-o", str(out), "-p",
                                     str(demo_copy.folder)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    sheet = openpyxl.load_workbook(tmp_path / "legrix.xlsx").active
    assert "Reconnaissance par la tutelle" in {c.value for row in sheet.iter_rows() for c in row}
    import docx

    word = docx.Document(tmp_path / "legrix.docx")
    assert "Reconnaissance par la tutelle" in word.tables[0].cell(1 + matrix.row_values.index("Mme Aubert"), 1).text
    assert len(pd.read_csv(tmp_path / "legrix.csv")) == len(long)
    demo_copy.undo("alice")
    assert demo_copy.framework_matrix("speaker", codes=CODES, where=WHERE).summary("Mme Aubert", CODES[0]) == ""
