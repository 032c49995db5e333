"""The analysis tables researchers write papers from, as pandas DataFrames (``qualcoder report ...`` prints them).

>>> from qualcoder import analysis
>>> # analysis.code_frequencies(project, "profession", level=1)
>>> # analysis.crosstab(project, "type", level=1).long()
>>> # analysis.kwic(project, "infirmier")

Every code table counts the same thing: a (segment, code) pair where a selected coding (status applied or
accepted) covers half the segment or half the coding (see ``units``). The heavy libraries (scipy.stats, the
rules' spaCy) are imported inside the functions that use them, so importing this package stays cheap.
"""

from qualcoder.analysis.chronology import chronology, theme_chronology
from qualcoder.analysis.cooccurrence import cooccurrence, cooccurrence_matrix
from qualcoder.analysis.crosstab import Crosstab, crosstab
from qualcoder.analysis.errors import (
    AnalysisError,
    InvalidOption,
    InvalidQuery,
    NothingToAnalyse,
    UnknownAttribute,
    UnknownCodeOption,
)
from qualcoder.analysis.framework import FrameworkMatrix, framework_matrix
from qualcoder.analysis.framework_presets import available_presets, framework_preset
from qualcoder.analysis.frequencies import code_frequencies
from qualcoder.analysis.kwic import kwic
from qualcoder.analysis.presence import presence_matrix
from qualcoder.analysis.specificities import specificities
from qualcoder.analysis.timeline import timeline
from qualcoder.analysis.units import ATTRIBUTES, attributes, coded_units, segment_table

__all__ = [
    "ATTRIBUTES",
    "AnalysisError",
    "Crosstab",
    "FrameworkMatrix",
    "InvalidOption",
    "InvalidQuery",
    "NothingToAnalyse",
    "UnknownAttribute",
    "UnknownCodeOption",
    "attributes",
    "available_presets",
    "chronology",
    "code_frequencies",
    "coded_units",
    "cooccurrence",
    "cooccurrence_matrix",
    "crosstab",
    "framework_matrix",
    "framework_preset",
    "kwic",
    "presence_matrix",
    "segment_table",
    "specificities",
    "theme_chronology",
    "timeline",
]
