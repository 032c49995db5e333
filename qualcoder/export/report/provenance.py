"""What reproduces a report: the versions of the libraries that computed it, its options, the project's state."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.export.report.model import ReportOptions

if TYPE_CHECKING:
    from qualcoder.project import Project

LIBRARIES = ("qualcoder", "pandas", "numpy", "scipy", "krippendorff", "scikit-learn", "spacy", "plotly", "kaleido",
             "python-docx", "openpyxl")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def provenance(project: Project, options: ReportOptions) -> pd.DataFrame:
    """Rows of (name, value): when, from which project state, with which options and library versions.

    >>> # provenance(project, ReportOptions()).set_index("name").loc["version of pandas", "value"]
    """
    rows = [("generated at (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
            ("project", project.config.name), ("project folder", str(project.folder)),
            ("python", platform.python_version())]
    if project.has_codebook():
        book = project.codebook()
        rows.append(("codebook", f"{book.id} version {book.version}"))
    revision = project.revision()
    rows += [("codings (count, last id)", str(revision.codings)), ("segments (count, last id)", str(revision.segments)),
             ("segmentation", str(project.segmentation()))]
    rows += [(f"option {name}", value) for name, value in options.recorded().items()]
    rows += [(f"version of {name}", _version(name)) for name in LIBRARIES]
    return pd.DataFrame(rows, columns=["name", "value"])
