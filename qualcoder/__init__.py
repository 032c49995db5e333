"""qualcoder: local, reproducible qualitative analysis of interviews and meeting minutes.

>>> from qualcoder import Project
>>> Project.__name__
'Project'
"""

from qualcoder.errors import QualcoderError
from qualcoder.models import Document, ImportReport, Section, Segment, Turn


def __getattr__(name: str):
    # the project (SQLAlchemy tables, the store, coding) is imported when first asked for, so that `qualcoder
    # --help` does not pay for it (benchmarks/startup_bench.py)
    if name == "Project":
        from qualcoder.project import Project

        return Project
    raise AttributeError(f"module 'qualcoder' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = ["Document", "ImportReport", "Project", "QualcoderError", "Section", "Segment", "Turn", "__version__"]
