"""REFI-QDA interchange: projects as ``.qdpx`` and codebooks as ``.qdc``, both ways.

>>> from qualcoder import refi
>>> sorted(name for name in refi.__all__ if name.startswith(("export", "import")))
['export_qdc', 'export_qdpx', 'import_qdc', 'import_qdpx']
"""

from qualcoder.export.errors import OutputExists
from qualcoder.refi.errors import (
    ImportRefused,
    MalformedRefiXml,
    RefiError,
    SchemaInvalid,
    UnsafeRefiArchive,
)
from qualcoder.refi.export import export_qdc, export_qdpx
from qualcoder.refi.importer import ImportSummary, import_qdc, import_qdpx
from qualcoder.refi.schema import validate

__all__ = [
    "ImportRefused",
    "ImportSummary",
    "MalformedRefiXml",
    "OutputExists",
    "RefiError",
    "SchemaInvalid",
    "UnsafeRefiArchive",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "validate",
]
