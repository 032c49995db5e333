"""The study report as a Word document (python-docx): headings, the method sentence, tables and figures."""

from __future__ import annotations

from io import BytesIO

import pandas as pd

from qualcoder.export.report.model import Section, StudyReport, Table


def report_document(report: StudyReport, images: dict[str, bytes]):
    """A ``docx.Document`` of the report; ``images`` maps each figure's name to its PNG."""
    import docx
    from docx.shared import Inches, Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(report.title, level=0)
    for number, section in enumerate(report.sections, start=1):
        _section(document, number, section, images, Inches, Pt)
    document.add_heading("Reproducibility: versions and parameters", level=1)
    _table(document, Table("Versions and parameters", report.provenance, max_rows=500), Pt)
    return document


def _section(document, number: int, section: Section, images: dict[str, bytes], Inches, Pt) -> None:
    document.add_heading(f"{number}. {section.title}", level=1)
    method = document.add_paragraph()
    method.add_run("How it was computed. ").bold = True
    method.add_run(section.method).italic = True
    for text in section.paragraphs:
        document.add_paragraph(text)
    for note in section.notes:
        document.add_paragraph().add_run(f"Note: {note}").italic = True
    for figure in section.figures:
        if figure.name in images:
            document.add_picture(BytesIO(images[figure.name]), width=Inches(6.3))
            document.add_paragraph(f"Figure {number}.{section.figures.index(figure) + 1}. {figure.caption}",
                                   style="Caption")
    for table in section.tables:
        _table(document, table, Pt)


def _table(document, table: Table, Pt) -> None:
    frame = table.frame.head(table.max_rows)
    document.add_paragraph(table.caption, style="Caption")
    grid = document.add_table(rows=len(frame) + 1, cols=max(len(frame.columns), 1))
    grid.style = "Table Grid"
    for column, name in enumerate(frame.columns):
        grid.cell(0, column).text = str(name)
    for line, values in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            grid.cell(line, column).text = _text(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    if len(table.frame) > table.max_rows:
        document.add_paragraph(f"{len(table.frame) - table.max_rows} more rows are left out here (the CSV exports "
                               "of `qualcoder report` hold them all).").runs[0].italic = True


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
