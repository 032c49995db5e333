"""The analysis tables researchers write papers from, as pandas DataFrames (``qualcoder report ...`` prints them).

>>> from qualcoder import analysis
>>> # analysis.code_frequencies(project, "profession", level=1)
>>> # analysis.crosstab(project, "type", level=1).long()
>>> # analysis.kwic(project, "infirmier")

Every code table counts the same thing: a (segment, code) pair where a selected coding (status applied or
accepted) covers half the segment or half the coding (see ``units``).
"""

import sys
from importlib import import_module
from types import ModuleType

from qualcoder.analysis.errors import (
    AnalysisError,
    InvalidOption,
    InvalidQuery,
    NothingToAnalyse,
    UnknownAttribute,
    UnknownCodeOption,
)

# each table's module is imported when the table is first asked for (PEP 562): crosstab needs scipy.stats and kwic
# the rules (spaCy), which `qualcoder --help` must not pay for
_HOMES = {"cooccurrence": "cooccurrence", "cooccurrence_matrix": "cooccurrence", "Crosstab": "crosstab",
          "crosstab": "crosstab", "code_frequencies": "frequencies", "kwic": "kwic", "presence_matrix": "presence",
          "specificities": "specificities", "timeline": "timeline", "ATTRIBUTES": "units", "attributes": "units",
          "coded_units": "units", "segment_table": "units", "framework_matrix": "framework",
          "FrameworkMatrix": "framework", "available_presets": "framework_presets",
          "framework_preset": "framework_presets", "chronology": "chronology",
          "theme_chronology": "chronology"}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'qualcoder.analysis' has no attribute {name!r}")
    return getattr(import_module(f"qualcoder.analysis.{_HOMES[name]}"), name)


class _Tables(ModuleType):
    """Importing ``qualcoder.analysis.crosstab`` binds the package's attribute ``crosstab`` to that module: the names
    of ``_HOMES`` always resolve to the table functions instead, whatever was imported first."""

    def __getattribute__(self, name: str):
        homes = super().__getattribute__("_HOMES")
        if name in homes:
            return getattr(import_module(f"qualcoder.analysis.{homes[name]}"), name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _Tables

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
