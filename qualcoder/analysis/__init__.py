"""The analysis tables researchers write papers from, as pandas DataFrames (``qualcoder report ...`` prints them).

>>> from qualcoder import analysis
>>> # analysis.code_frequencies(project, "profession", level=1)
>>> # analysis.crosstab(project, "type", level=1).long()
>>> # analysis.kwic(project, "infirmier")

Every code table counts the same thing: a (segment, code) pair where a selected coding (status applied or
accepted) covers half the segment or half the coding (see ``units``).
"""

import sys
import types
from importlib import import_module

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


class _Tables(types.ModuleType):
    """Importing ``qualcoder.analysis.timeline`` sets the package's ``timeline`` to that submodule, which would hide
    the function of the same name (``analysis.timeline(project)`` worked once, then called a module): the function
    is kept instead."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and _HOMES.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


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
