"""Code frequencies by group (profession by default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table
from qualcoder.export.report.rules import PRESENCE, level_words

if TYPE_CHECKING:
    from qualcoder.project import Project


def build(project: Project, options: ReportOptions) -> Section:
    from qualcoder import analysis
    from qualcoder.figures import CodeStyle, frequencies_figure

    overall = analysis.code_frequencies(project, None, **options.selection())
    grouped = analysis.code_frequencies(project, options.by, **options.selection())
    pivot = grouped.pivot_table(index="code", columns=options.by, values="share", fill_value=0, sort=False)
    pivot.columns.name = None
    return Section(
        "frequencies", f"Code frequencies by {options.by}",
        f"{PRESENCE} {level_words(options.level)} “share” = segments carrying the code / all segments of the "
        f"group (a segment may carry several codes).",
        tables=[Table("Whole corpus", overall), Table(f"Share of each {options.by}'s segments",
                                                      pivot.reset_index(), max_rows=80)],
        figures=[Figure(f"Share of each {options.by}'s segments carrying each code (%; the number of segments in "
                        "each cell)", frequencies_figure(grouped, CodeStyle.of_project(project), by=options.by),
                        "frequencies")])
