"""A framework matrix out: a table (one row per cell, through the one table writer) or a Word table (cases ×
codes, each cell its summary, its count and its first excerpts), for a paper's appendix."""

from __future__ import annotations

from pathlib import Path

from qualcoder.analysis.framework import FrameworkMatrix
from qualcoder.export.errors import atomic_write

EXCERPTS_PER_CELL = 4


def write_framework(matrix: FrameworkMatrix, path: str | Path, *, force: bool = False,
                    excerpts_per_cell: int = EXCERPTS_PER_CELL) -> Path:
    """``.docx``: the matrix as a Word table; ``.csv``, ``.xlsx``, ``.parquet``: one row per cell (every excerpt).

    >>> # write_framework(framework_matrix(project, "speaker", level=2), "legrix.docx")
    """
    if Path(path).suffix.lower() == ".docx":
        return atomic_write(path, lambda temporary: _docx(matrix, excerpts_per_cell).save(temporary), force=force)
    from qualcoder.export.tabular import write_table

    return write_table(matrix.long(), path, force=force)


def _docx(matrix: FrameworkMatrix, per_cell: int):
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(f"Framework matrix: {matrix.rows} × codes", level=1)
    document.add_paragraph(f"Matrix “{matrix.name}”. Each cell: the researcher's summary, the number of codings, "
                           f"and the first {per_cell} coded excerpts (all of them in the CSV/XLSX export).")
    table = document.add_table(rows=len(matrix.row_values) + 1, cols=len(matrix.codes) + 1)
    table.style = "Table Grid"
    table.cell(0, 0).text = matrix.rows
    for column, code in enumerate(matrix.codes, start=1):
        table.cell(0, column).text = matrix.labels.get(code, code)
    counts = matrix.counts()
    for line, row in enumerate(matrix.row_values, start=1):
        table.cell(line, 0).text = row
        for column, code in enumerate(matrix.codes, start=1):
            cell = table.cell(line, column)
            cell.text = ""
            summary = matrix.summary(row, code)
            paragraph = cell.paragraphs[0]
            if summary:
                paragraph.add_run(summary).bold = True
                paragraph = cell.add_paragraph()
            paragraph.add_run(f"{int(counts.loc[row, code])} coding(s)").italic = True
            for excerpt in matrix.cell(row, code).head(per_cell).itertuples():
                run = cell.add_paragraph().add_run(f"«{excerpt.text}» ({excerpt.doc})")
                run.font.size = Pt(8)
    return document


def framework_bytes(matrix: FrameworkMatrix, suffix: str) -> bytes:
    """The file ``write_framework`` writes, as bytes (the explorer's downloads): ``suffix`` is docx, xlsx or csv.

    >>> # framework_bytes(matrix, "docx")[:2] -> b'PK'
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = write_framework(matrix, Path(folder) / f"framework.{suffix}")
        return path.read_bytes()
