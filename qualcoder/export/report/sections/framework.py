"""Framework matrices: the presets the project can show (the demo's Legrix and Grenier views), with the
researcher's summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.export.report.model import ReportOptions, Section, Table

if TYPE_CHECKING:
    from qualcoder.project import Project


def build(project: Project, options: ReportOptions) -> Section | None:
    from qualcoder import analysis

    presets = analysis.available_presets(project)
    if options.presets:
        presets = [analysis.framework_preset(key) for key in options.presets]
    if not presets:
        return None
    section = Section(
        "framework", "Framework matrices",
        "Cases (the values of one segment attribute) × codes; each cell counts the codings of that code (or of a "
        "code below it) that belong to the case, a coding belonging to the case of the first segment it covers "
        "(half the segment or half the coding). The summaries are the researchers' own, as stored.")
    for preset in presets:
        matrix = project.framework_matrix(**preset.options())
        counts = matrix.counts().rename(columns=matrix.labels).reset_index()
        section.paragraphs.append(f"{preset.title}: {preset.description}")
        section.tables.append(Table(f"{preset.title} (codings per cell)", counts))
        long = matrix.long()
        written = long[long["summary"] != ""][[matrix.rows, "label", "codings", "summary"]]
        if len(written):
            section.tables.append(Table(f"{preset.title}: summaries", pd.DataFrame(written)))
    return section
