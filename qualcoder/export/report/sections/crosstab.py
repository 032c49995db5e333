"""Codes × groups with chi-square, Cramér's V and adjusted standardised residuals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table
from qualcoder.export.report.rules import PRESENCE, level_words

if TYPE_CHECKING:
    from qualcoder.project import Project


def build(project: Project, options: ReportOptions) -> Section:
    from qualcoder import analysis
    from qualcoder.figures import CodeStyle, crosstab_figure

    table = analysis.crosstab(project, options.crosstab_by, **options.selection())
    section = Section(
        "crosstab", f"Crosstab of codes by {options.crosstab_by}",
        f"{PRESENCE} {level_words(options.level)} Pearson's chi-square on segments per code and group (scipy "
        "chi2_contingency, no continuity correction), Cramér's V, and adjusted standardised residuals (observed − "
        "expected) / √(expected (1 − row share) (1 − column share)): beyond ±1.96 a group uses the code more "
        "(less) than independence predicts (p < .05). Segments whose group is unknown are left out; a segment may "
        "carry several codes, so read the test as descriptive.",
        [table.summary()],
        [Table("Segments per code and group", table.observed.reset_index()),
         Table("Adjusted standardised residuals", table.residuals.round(2).reset_index())],
        [Figure("Adjusted standardised residuals (red: over-use, blue: under-use); the observed count in each cell",
                crosstab_figure(table, CodeStyle.of_project(project)), "crosstab")])
    if table.low_expected_share > 0.2:
        section.notes.append(f"{table.low_expected_share:.0%} of the expected counts are below 5: the chi-square "
                             "p value is unreliable.")
    return section
