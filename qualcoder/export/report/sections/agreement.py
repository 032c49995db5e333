"""Inter-coder agreement per code, with bootstrap intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcoder.export.report.model import Figure, ReportOptions, Section, Table

if TYPE_CHECKING:
    from qualcoder.project import Project

COLUMNS = ["code", "units", "percent_agreement", "alpha", "alpha_low", "alpha_high", "cohen_kappa", "interpretation"]


def build(project: Project, options: ReportOptions) -> Section | None:
    from qualcoder.export.report import charts

    coders = list(options.agreement_coders) or [c for c in project.coders() if c != "consensus"][:2]
    if len(coders) < 2:
        return None
    table = project.agreement(coders)
    shown = table[[c for c in COLUMNS if c in table.columns]].round(3)
    return Section(
        "agreement", f"Agreement between {' and '.join(coders)}",
        "Per code, on segments: a coder applied the code to a segment when one of their codings covers half the "
        "segment or half the coding. Krippendorff's alpha (nominal) with a 95 % bootstrap interval (1,000 "
        "resamples of the units, seeded), Cohen's kappa and percent agreement; alpha ≥ 0.8 reads reliable, "
        f"0.667–0.8 tentative, below unreliable. {table.attrs.get('scope', '')}.",
        tables=[Table("Reliability per code", shown, max_rows=80)],
        figures=[Figure("Krippendorff's alpha per code with its 95 % interval (dotted: 0.667 and 0.8)",
                        charts.intervals(shown), "agreement", height=max(420, 22 * len(shown) + 120))])
