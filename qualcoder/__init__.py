"""qualcoder: local, reproducible qualitative analysis of interviews and meeting minutes.

>>> from qualcoder import Project
>>> Project.__name__
'Project'
"""

from qualcoder.errors import QualcoderError
from qualcoder.models import Document, ImportReport, Section, Segment, Turn
from qualcoder.project import Project

__version__ = "0.1.0"
__all__ = ["Document", "ImportReport", "Project", "QualcoderError", "Section", "Segment", "Turn", "__version__"]
