"""REFI-QDA errors (codes Q92x): each names the file, the place inside it and the fix."""

from __future__ import annotations

from qualcoder.errors import QualcoderError


class RefiError(QualcoderError):
    """A REFI-QDA file cannot be exported or imported as asked."""

    code = "Q921"


class UnsafeRefiArchive(RefiError):
    """A .qdpx archive that is not a zip, or holds unsafe or oversized members."""

    code = "Q922"


class SchemaInvalid(RefiError):
    """The XML does not validate against the REFI-QDA schema."""

    code = "Q923"


class MalformedRefiXml(RefiError):
    """The XML is malformed, or declares a DTD or entities (refused: XXE, billion laughs)."""

    code = "Q924"


class ImportRefused(RefiError):
    """The target project is not in a state to receive the import (e.g. it already has documents)."""

    code = "Q926"
