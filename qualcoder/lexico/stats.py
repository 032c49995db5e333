"""The 2 x 2 chi-square every lexicometry table uses (as IRaMuTeQ's profiles do): a form, a modality, a code or
another class against a class, counted in segments; Pearson's statistic without continuity correction, signed
negative when the class holds fewer such segments than independence predicts."""

from __future__ import annotations

import numpy as np


def signed_chi2(both, in_class, with_feature, total) -> np.ndarray:
    """Signed chi-square of the table (in class / not) x (with the feature / not), vectorised.

    ``both``: segments of the class with the feature; ``in_class``: segments of the class; ``with_feature``:
    segments with the feature; ``total``: all segments.

    >>> float(signed_chi2(10, 10, 10, 20)), float(signed_chi2(0, 10, 10, 20))
    (20.0, -20.0)
    """
    both, in_class, with_feature = (np.asarray(x, dtype=float) for x in (both, in_class, with_feature))
    total = float(total)
    rest_class = in_class - both
    rest_feature = with_feature - both
    neither = total - in_class - with_feature + both
    denominator = in_class * (total - in_class) * with_feature * (total - with_feature)
    numerator = total * (both * neither - rest_class * rest_feature) ** 2
    chi2 = np.divide(numerator, denominator, out=np.zeros_like(numerator, dtype=float), where=denominator > 0)
    expected = np.divide(in_class * with_feature, total) if total else np.zeros_like(chi2)
    return np.where(both >= expected, chi2, -chi2)


def p_values(chi2) -> np.ndarray:
    """p of a chi-square with one degree of freedom (of the absolute value)."""
    from scipy.stats import chi2 as distribution

    return distribution.sf(np.abs(np.asarray(chi2, dtype=float)), 1)
