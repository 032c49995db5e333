"""One error tree for qualcoder.

Every error carries a code (``Q104``) and a message that names the cause, the place (file, line, row)
and the fix, in the manner of spaCy's ``errors.py``. The CLI turns them into exit codes and the
explorer into ``st.error``; nowhere else catches them.

Codes:
    Q1xx  input files (import)            Q2xx  project, configuration and store
    Q3xx  language pipelines and models   Q4xx  segmentation and analysis options
"""

from __future__ import annotations

from pathlib import Path


class QualcoderError(Exception):
    """Base class: ``str(error)`` reads ``[Q104] place: cause. fix``."""

    code = "Q000"

    def __init__(self, message: str, *, place: str | Path | None = None, fix: str | None = None):
        self.message = message.rstrip(".")
        self.place = str(place) if place is not None else None
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.place}: " if self.place else ""
        fix = f" {self.fix}" if self.fix else ""
        return f"[{self.code}] {where}{self.message}.{fix}"


class InputFileError(QualcoderError):
    """A file given to the importer cannot be read as a document."""


class UnsupportedFormat(InputFileError):
    code = "Q101"


class EmptyFile(InputFileError):
    code = "Q102"


class UndecodableText(InputFileError):
    code = "Q103"


class CorruptFile(InputFileError):
    code = "Q104"


class NoTextLayer(InputFileError):
    code = "Q105"


class InvalidSubtitles(InputFileError):
    code = "Q107"


class UnsafeArchive(InputFileError):
    code = "Q108"


class UnsafeXml(InputFileError):
    code = "Q109"


class FileTooLarge(InputFileError):
    code = "Q110"


class InvalidTable(InputFileError):
    code = "Q112"


class InvalidIramuteq(InputFileError):
    code = "Q113"


class MissingFile(InputFileError):
    code = "Q114"


class InvalidSpeakerLayout(InputFileError):
    """A ``--speakers-layout`` / ``qualcoder.toml`` layout that is not a preset or a valid pattern."""

    code = "Q115"


class InvalidMetadata(QualcoderError):
    """A metadata.csv or speakers.csv row or column is wrong."""

    code = "Q120"


class InvalidSpeakers(InvalidMetadata):
    code = "Q121"


class ProjectNotFound(QualcoderError):
    code = "Q201"


class ProjectExists(QualcoderError):
    code = "Q202"


class InvalidConfig(QualcoderError):
    code = "Q203"


class DatabaseUnavailable(QualcoderError):
    code = "Q204"


class MigrationFailed(QualcoderError):
    code = "Q205"


class UnknownDocument(QualcoderError):
    code = "Q206"


class ModelNotInstalled(QualcoderError):
    code = "Q301"


class UnsupportedLanguage(QualcoderError):
    code = "Q302"


class InvalidSegmentation(QualcoderError):
    code = "Q401"


class NotSegmented(QualcoderError):
    code = "Q402"


class InvalidCodebook(QualcoderError):
    """A codebook file is malformed or inconsistent; the place is ``file:line``."""

    code = "Q501"


class UnknownCode(QualcoderError):
    code = "Q502"


class CodebookChangeRefused(QualcoderError):
    """A new codebook would drop or rename codes that carry human codings."""

    code = "Q503"


class NoCodebook(QualcoderError):
    code = "Q504"


class InvalidCoding(QualcoderError):
    code = "Q505"


class InvalidCodingsFile(QualcoderError):
    code = "Q506"


class EmbeddingModelUnavailable(QualcoderError):
    """An embedding model that is not on this machine: never downloaded, never silently replaced."""

    code = "Q601"
