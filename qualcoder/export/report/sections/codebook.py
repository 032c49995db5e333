"""The codebook: every code in tree order with its label, definition and how many segments carry it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.export.report.model import ReportOptions, Section, Table

if TYPE_CHECKING:
    from qualcoder.project import Project


def build(project: Project, options: ReportOptions) -> Section | None:
    from qualcoder import analysis

    if not project.has_codebook():
        return None
    book = project.codebook()
    language = book.languages[0] if book.languages else "fr"
    counts = analysis.code_frequencies(project, None, coders=options.selection()["coders"],
                                       sources=options.selection()["sources"]).set_index("code")["segments"]
    rows = []

    def visit(parent, depth: int) -> None:
        for code in book.children(parent):
            rows.append({"code": code.id, "level": depth + 1, "label": code.label.get(language, ""),
                         "definition": code.definition.get(language, ""),
                         "segments": int(counts.get(code.id, 0))})
            visit(code.id, depth + 1)

    visit(None, 0)
    title = book.title.get(language, book.id)
    return Section(
        "codebook", "Codebook",
        f"Codebook “{book.id}” version {book.version} ({len(book.codes)} codes). “segments”: segments where a "
        "coding of that very code (status applied or accepted) covers half the segment or half the coding.",
        [f"{title}."], [Table("Codes in tree order", pd.DataFrame(rows), max_rows=200)])
