"""Export errors (codes Q90x) and the atomic, no-overwrite file writing every export shares."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from qualcoder.errors import QualcoderError


class ExportError(QualcoderError):
    """An export cannot be written as asked (bad option value, missing folder)."""

    code = "Q901"


class UnknownFilter(ExportError):
    """A filter or attribute names something the project does not have."""

    code = "Q902"


class OutputExists(ExportError):
    code = "Q903"


class UnsupportedExportFormat(ExportError):
    code = "Q904"


class NoSegments(ExportError):
    code = "Q905"


def atomic_write(path: str | Path, write: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call ``write(temporary_path)`` in ``path``'s folder, then rename it to ``path``.

    A failure never leaves a half-written file, and an existing file is kept unless ``force``. Every file qualcoder
    writes goes through here (tables, REFI-QDA, IRaMuTeQ, codebooks, reports).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(out, lambda tmp: tmp.write_text("hi")).read_text()
    'hi'
    """
    path = Path(path)
    if path.is_dir():
        raise ExportError("the output is a folder", place=path, fix="Give a file name, e.g. codings.csv.")
    if path.exists() and not force:
        raise OutputExists("the file already exists", place=path,
                           fix="Choose another name, or pass --force to replace it.")
    if not path.parent.is_dir():
        raise ExportError("the folder does not exist", place=path.parent, fix="Create it first, or write elsewhere.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        write(Path(temporary))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes a private file; an export is an ordinary one
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see ``atomic_write``)."""
    return atomic_write(path, lambda temporary: temporary.write_bytes(data), force=force)
