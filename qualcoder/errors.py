"""One error tree for qualcoder.

Every error carries a code (``Q104``) and a message that names the cause, the place (file, line, row)
and the fix, in the manner of spaCy's ``errors.py``. The CLI turns them into exit codes and the
explorer into ``st.error``; nowhere else catches them.

Codes (each defined once; the README's "Errors" table lists them all, a test checks both):
    Q0xx  command-line usage                 Q1xx  input files (import)
    Q20x  project, configuration and store   Q25x  interrupts, full disks, backup and restore
    Q26x  team: merge, accounts and roles    Q3xx  language pipelines and models
    Q4xx  segmentation                       Q50x  codebook and codings      Q51x  model-assisted coding
    Q52x  undo, redo and stale views         Q54x  codebook patterns and YAML limits
    Q6xx  embeddings and topics              Q7xx  agreement                 Q8xx  analysis tables
    Q90x  exports                            Q92x  REFI-QDA                  Q93x  lexicometry
    Q95x  the explorer's server              Q96x-Q97x  pseudonymisation: detection, review, key, check
"""

from __future__ import annotations

import errno
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


class UsageError(QualcoderError):
    """A command-line option the command cannot use (a value out of its choices, options missing together)."""

    code = "Q010"


class InputFileError(QualcoderError):
    """A file given to the importer cannot be read as a document."""

    code = "Q100"


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


class Interrupted(QualcoderError):
    """Ctrl+C or SIGTERM: the command stopped; what was committed is kept, the rest rolled back."""

    code = "Q250"


class DiskFull(QualcoderError):
    """The disk (or the database's disk) filled up while writing; nothing half-written is kept."""

    code = "Q251"


def as_disk_full(exc: BaseException) -> DiskFull | None:
    """The ``DiskFull`` error for an exception caused by a full disk (OS, SQLite or PostgreSQL), else None.

    >>> import errno
    >>> as_disk_full(OSError(errno.ENOSPC, "No space left on device", "out.csv")).code
    'Q251'
    """
    seen: BaseException | None = exc
    for _ in range(8):  # the error itself, then what it wraps (SQLAlchemy's .orig, __cause__)
        if seen is None:
            return None
        text = str(seen)
        if (isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT)) or any(
                marker in text for marker in ("database or disk is full", "No space left on device", "disk full")):
            where = getattr(seen, "filename", None) or "the project's store"
            return DiskFull("the disk is full", place=where,
                            fix="Free some space (or write elsewhere) and run the command again; nothing half-written "
                                "was kept.")
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return None


class BackupFailed(QualcoderError):
    code = "Q252"


class InvalidBackup(QualcoderError):
    """The file is not a qualcoder backup, or cannot be read."""

    code = "Q253"


class RestoreRefused(QualcoderError):
    """A backup of a newer schema, or of another project."""

    code = "Q254"


class ModelNotInstalled(QualcoderError):
    code = "Q301"


class UnsupportedLanguage(QualcoderError):
    code = "Q302"


class ZeroShotError(QualcoderError):
    """Zero-shot suggestions asked of a project that cannot give them (no segments)."""

    code = "Q320"


class InvalidSegmentation(QualcoderError):
    code = "Q401"


class NotSegmented(QualcoderError):
    code = "Q402"


class InvalidCodebook(QualcoderError):
    """A codebook file is malformed or inconsistent; the place is ``file:line``."""

    code = "Q501"


class UnsafePattern(InvalidCodebook):
    """A codebook regex the linear-time engine (RE2) cannot run: backreference, lookaround, huge repeat."""

    code = "Q540"


class CodebookTooLarge(InvalidCodebook):
    """A codebook file above the size limit, or whose YAML aliases expand beyond the node limit."""

    code = "Q541"


class CodebookTooDeep(InvalidCodebook):
    code = "Q542"


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


class StaleAction(QualcoderError):
    """An undo or redo that would overwrite a change made since (by someone else, or by the same coder)."""

    code = "Q520"


class NothingToUndo(QualcoderError):
    code = "Q521"


class StaleView(QualcoderError):
    """The page was drawn from a state that has changed since: the coding was removed, the document re-imported."""

    code = "Q522"


class CodebookChanged(QualcoderError):
    """A codebook edit made from a version that is no longer the newest (someone else changed it meanwhile)."""

    code = "Q523"


class PrivacyError(QualcoderError):
    """Pseudonymisation (qualcoder.privacy): detection, review, apply, the key, reverse and check (Q96x-Q97x)."""

    code = "Q960"


class PrivacyModelMissing(PrivacyError):
    """The spaCy NER model configured for a language is not installed (never downloaded at run time)."""

    code = "Q961"


class UnknownDetection(PrivacyError):
    code = "Q962"


class OverlappingDetection(PrivacyError):
    """A detection added by hand overlaps one already kept: one passage gets one pseudonym."""

    code = "Q963"


class PseudonymCollision(PrivacyError):
    """A pseudonym that is also a word of the corpus: it could not be told from the text (nor reversed)."""

    code = "Q964"


class KeyPlacementRefused(PrivacyError):
    """The key file inside a project folder (it would be shared with it) or over an existing file."""

    code = "Q965"


class KeyMissing(PrivacyError):
    code = "Q966"


class KeyMismatch(PrivacyError):
    """A key file of another project (or of another pseudonymisation of it)."""

    code = "Q967"


class InvalidKey(PrivacyError):
    code = "Q968"


class AlreadyPseudonymised(PrivacyError):
    code = "Q969"


class OriginalReimported(PrivacyError):
    """A document of the original corpus imported into its pseudonymised copy: it would bring the names back."""

    code = "Q970"


class NamesRemain(PrivacyError):
    """``qualcoder pseudonymise check`` found original names from the key in an export."""

    code = "Q971"


class InvalidTermList(PrivacyError):
    code = "Q972"


class CopyTargetExists(PrivacyError):
    code = "Q973"
