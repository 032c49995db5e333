"""Corpus description: documents by type and language, the documents, the speakers by profession."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table

if TYPE_CHECKING:
    from qualcoder.project import Project

DOCUMENT_COLUMNS = ["name", "type", "date", "language", "network", "n_words"]


def build(project: Project, options: ReportOptions) -> Section:
    from qualcoder.export.report import charts

    status = project.status()
    totals = status["totals"]
    documents = project.documents_df(with_text=False)
    listed = documents[[c for c in DOCUMENT_COLUMNS if c in documents.columns]].rename(columns={"n_words": "words"})
    languages = ", ".join(f"{lang} ({n})" for lang, n in documents["language"].value_counts().items())
    section = Section(
        "corpus", "Corpus",
        "Counts of the stored documents: words are the whitespace-separated tokens of each normalised text, "
        "segments the units of the project's current segmentation, speakers the distinct speaker labels of the "
        "transcripts' turns.",
        [f"{totals['documents']} documents, {totals['words']:,} words, {totals['segments']:,} segments "
         f"({totals['segmentation'] or 'not segmented'}), languages: {languages or 'none'}."],
        [Table("Documents by type and language", status["documents"]),
         Table("Speakers by profession", status["professions"]),
         Table("The documents", listed.sort_values(["type", "date", "name"], na_position="last"), max_rows=80)])
    if len(status["documents"]):
        section.figures.append(Figure("Words per document type and language",
                                      charts.bars(status["documents"], "type", "words", "language"), "corpus",
                                      height=380))
    if status["unsegmented"]:
        section.notes.append(f"{len(status['unsegmented'])} documents have no segments and count in no table: "
                             + ", ".join(status["unsegmented"]))
    return section
