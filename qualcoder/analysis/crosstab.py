"""Code x attribute crosstabs: chi-square, adjusted standardised residuals and Cramér's V (scipy)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import NothingToAnalyse
from qualcoder.analysis.units import UNKNOWN, check_attribute, code_order, codebook_of, coded_units, segment_table

if TYPE_CHECKING:
    from qualcoder.project import Project


@dataclass
class Crosstab:
    """A codes x groups table of segment counts and its test of independence.

    ``residuals`` are adjusted standardised residuals (Haberman): above 1.96 the group uses the code more than
    independence predicts (p < .05), below -1.96 less. ``low_expected_share`` is the share of cells whose
    expected count is under 5, where the chi-square approximation is doubtful.
    """

    by: str
    observed: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    low_expected_share: float

    def long(self) -> pd.DataFrame:
        """One row per cell: code, group, observed, expected, residual."""
        frames = {"observed": self.observed, "expected": self.expected.round(3), "residual": self.residuals.round(3)}
        long = pd.concat({name: f.stack() for name, f in frames.items()}, axis=1)
        long.index = long.index.set_names(["code", "group"])
        return long.reset_index().astype({"observed": int})

    def summary(self) -> str:
        return (f"chi2 = {self.chi2:.2f}, dof = {self.dof}, p = {self.p_value:.3g}, "
                f"Cramér's V = {self.cramers_v:.3f}; {self.low_expected_share:.0%} of expected counts are below 5")


def crosstab(project: Project, by: str, *, coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
             codes: Sequence[str] | None = None, level: int | None = None, include_suggestions: bool = False,
             include_unknown: bool = False, where: Mapping[str, Sequence[str]] | None = None) -> Crosstab:
    """Segments carrying each code in each group of ``by``, tested with ``scipy.stats.chi2_contingency``
    (Pearson, no continuity correction). Segments without a value for ``by`` are left out unless
    ``include_unknown``; codes and groups with no coded segment are dropped.

    A segment may carry several codes, so cells are code occurrences, not independent observations: read the
    test as descriptive, as in other QDA software.

    >>> # table = crosstab(project, "profession", level=1); table.p_value, table.long().nlargest(5, "residual")
    """
    table = segment_table(project, where)
    check_attribute(table, by)
    units = coded_units(project, coders=coders, sources=sources, codes=codes, level=level,
                        include_suggestions=include_suggestions, table=table)
    if not include_unknown:
        units = units[~units[by].isin([UNKNOWN, "(no date)"])]
    observed = pd.crosstab(units["code"], units[by])
    observed = observed.reindex(code_order(codebook_of(project), observed.index))
    observed.columns.name, observed.index.name = by, "code"
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        raise NothingToAnalyse(f"the crosstab has {observed.shape[0]} code(s) and {observed.shape[1]} group(s)",
                               place="--by", fix="A chi-square needs at least two codes and two groups with codings; "
                                                 "widen --codes/--coders or choose another --by.")
    return _test(by, observed)


def _test(by: str, observed: pd.DataFrame) -> Crosstab:
    values = observed.to_numpy(dtype=float)
    from scipy.stats import chi2_contingency  # here, not at the top: `qualcoder --help` must not load scipy.stats
    from scipy.stats.contingency import association

    chi2, p_value, dof, expected = chi2_contingency(values, correction=False)
    total = values.sum()
    rows = values.sum(axis=1, keepdims=True) / total
    columns = values.sum(axis=0, keepdims=True) / total
    residuals = (values - expected) / np.sqrt(expected * (1 - rows) * (1 - columns))

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=observed.index, columns=observed.columns)

    return Crosstab(by=by, observed=observed, expected=frame(expected), residuals=frame(residuals),
                    chi2=float(chi2), dof=int(dof), p_value=float(p_value),
                    cramers_v=float(association(values.astype(int), method="cramer", correction=False)),
                    low_expected_share=float((expected < 5).mean()))
