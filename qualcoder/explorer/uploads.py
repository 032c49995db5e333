"""Files uploaded in the explorer, brought into the project by the importer: staged on disk under the project's
``uploads/`` folder (so each document's ``source_path`` stays readable), imported with ``Project.import_files``,
and summed up as one row per file.

Nothing here draws a widget (the Import page, ``upload.py``, does); nothing here reads a file's content itself: the
importer's readers and their limits (size, zip bombs, XML entities) decide what is refused.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcoder.errors import QualcoderError, UnsupportedFormat
from qualcoder.ingest import READERS
from qualcoder.ingest.safety import MAX_FILE_BYTES, check_size
from qualcoder.models import ImportReport
from qualcoder.project import Project

UPLOADS = "uploads"
MAX_UPLOAD_MB = MAX_FILE_BYTES // (1024 * 1024)  # the importer's own limit for one document, told to the uploader
DOCUMENT_TYPES = sorted(suffix.lstrip(".") for suffix in READERS)
REPORT_COLUMNS = ["file", "status", "document", "type", "language", "turns", "speakers", "sections", "segments",
                  "warnings", "error"]
_UNSAFE_NAME = re.compile(r"[^\w.\- ()À-ɏ]+")


@dataclass(frozen=True)
class Upload:
    """One uploaded file as the browser sent it: its name, its size, and how to read its bytes (called only once
    the size is known to be within the limit)."""

    name: str
    size: int
    read: Callable[[], bytes]


def safe_name(name: str) -> str:
    """A file name with no folder part and nothing a file system could trip on.

    >>> safe_name("../../etc/passwd"), safe_name("entretien 03 (Dr Morel).docx"), safe_name("a/b:c.txt")
    ('passwd', 'entretien 03 (Dr Morel).docx', 'b_c.txt')
    """
    base = Path(str(name).replace("\\", "/")).name
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")
    return cleaned or "upload"


def stage(uploads: Iterable[Upload], folder: Path, *, limit: int = MAX_FILE_BYTES) -> list[Path]:
    """Write the uploads into a new folder below ``folder``; ``[Q110]`` for a file above ``limit`` (checked on the size
    the browser gave, before its bytes are read) and ``[Q101]`` for a format the importer does not read. A refusal
    writes nothing.

    >>> import tempfile
    >>> [p.name for p in stage([Upload("a.txt", 3, lambda: b"Oui")], Path(tempfile.mkdtemp()))]
    ['a.txt']
    """
    uploads = list(uploads)
    for upload in uploads:
        check_size(Path(upload.name), upload.size, limit)
        if Path(upload.name).suffix.lower() not in READERS:
            raise UnsupportedFormat(f"{Path(upload.name).suffix or 'a file without extension'} is not a format "
                                    "qualcoder reads", place=upload.name,
                                    fix=f"Convert it to one of {', '.join(sorted(READERS))}.")
    batch = folder / uuid.uuid4().hex[:12]
    batch.mkdir(parents=True)
    paths, taken = [], set()
    try:
        for upload in uploads:
            name = safe_name(upload.name)
            stem, suffix = Path(name).stem, Path(name).suffix
            number = 1
            while name.lower() in taken:
                number += 1
                name = f"{stem}-{number}{suffix}"
            taken.add(name.lower())
            path = batch / name
            path.write_bytes(upload.read())
            paths.append(path)
    except BaseException:
        shutil.rmtree(batch, ignore_errors=True)
        raise
    return paths


def stage_table(upload: Upload | None, folder: Path, kind: str) -> Path | None:
    """A metadata or speakers CSV, written beside the batch (``None`` when none was given)."""
    if upload is None:
        return None
    if Path(upload.name).suffix.lower() != ".csv":
        raise UnsupportedFormat(f"the {kind} table must be a .csv file", place=upload.name,
                                fix="Save it from your spreadsheet as CSV (UTF-8).")
    check_size(Path(upload.name), upload.size)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{uuid.uuid4().hex[:8]}.csv"
    path.write_bytes(upload.read())
    return path


def import_uploads(project: Project, documents: Iterable[Upload], *, metadata: Upload | None = None,
                   speakers: Upload | None = None, language: str | None = None, speakers_layout: str | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> tuple[ImportReport, list[Path]]:
    """Stage the uploads under ``PROJECT/uploads/`` and import them; a file that fails is removed from disk again
    (the importer has already left the project unchanged for it). Returns the report and the staged paths.

    >>> # report, paths = import_uploads(project, [Upload("a.txt", 3, lambda: b"Oui")])
    """
    root = project.folder / UPLOADS
    paths = stage(documents, root)
    tables = root / "tables"
    try:
        meta_path = stage_table(metadata, tables, "metadata")
        speakers_path = stage_table(speakers, tables, "speakers")
        report = project.import_files(paths, meta=meta_path, speakers=speakers_path, language=language,
                                      speakers_layout=speakers_layout, progress=progress)
    except QualcoderError:
        shutil.rmtree(paths[0].parent, ignore_errors=True) if paths else None
        raise
    stored = documents_by_file(project, paths)
    for path in paths:
        if not stored.get(path):
            path.unlink(missing_ok=True)  # refused, or a duplicate of a document already in the project
    return report, paths


def documents_by_file(project: Project, paths: Iterable[Path]) -> dict[Path, list[str]]:
    """The names of the documents stored from each staged file (several for a survey or an IRaMuTeQ corpus)."""
    documents = project.documents_df(with_text=False, grouped=False)
    sources = dict(zip(documents["name"], documents["source_path"]))
    return {path: [name for name, source in sources.items() if source == str(path)] for path in paths}


def report_table(project: Project, report: ImportReport, paths: Iterable[Path]) -> pd.DataFrame:
    """One row per uploaded file (and per document, for a file holding several): what was imported, skipped or
    refused, with turns, speakers, sections, segments, language, and every warning and error as the importer wrote
    it."""
    paths = list(paths)
    summaries = {summary.name: summary for summary in report.documents}
    failures = {Path(f.path): f for f in report.failures}
    duplicates = {Path(new).name: existing for new, existing in report.duplicates}
    stored = documents_by_file(project, paths)
    sections = _section_counts(project, [name for names in stored.values() for name in names])
    rows = []
    for path in paths:
        name = path.name
        if path in failures:
            rows.append({"file": name, "status": "refused", "error": shorter(failures[path].message, paths)})
            continue
        for document in stored.get(path, []):
            summary = summaries.get(document)
            if summary is None:  # stored earlier by another import of the same staged file: not this batch's
                continue
            rows.append({"file": name, "status": "imported", "document": document, "type": summary.doc_type,
                         "language": summary.language, "turns": summary.turns, "speakers": summary.speakers,
                         "sections": sections.get(document, 0), "segments": summary.segments,
                         "warnings": "\n".join(summary.warnings)})
        if not stored.get(path):
            existing = next((old for new, old in duplicates.items() if new == name or new.startswith(name + "#")),
                            None)
            rows.append({"file": name, "status": "duplicate" if existing else "skipped", "document": existing,
                         "warnings": f"the same text is already in the project as {existing}: skipped" if existing
                         else "nothing was imported from this file"})
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    return frame.astype({c: "Int64" for c in ("turns", "speakers", "sections", "segments")})


def shorter(message: str, paths: Iterable[Path]) -> str:
    """A message about a staged upload, naming the file as uploaded rather than its place under ``uploads/``.

    >>> shorter("[Q104] /p/uploads/ab12/casse.docx: is not a valid .docx", [Path("/p/uploads/ab12/casse.docx")])
    '[Q104] casse.docx: is not a valid .docx'
    """
    for folder in {str(path.parent) for path in paths}:
        message = message.replace(folder + "/", "")
    return message


def _section_counts(project: Project, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    documents = project.documents_df(with_text=False, grouped=False)
    ids = dict(zip(documents["name"], documents["doc_id"]))
    found = project.sections([int(ids[n]) for n in names if n in ids])
    by_id = {doc_id: len(rows) for doc_id, rows in found.items()}
    return {name: by_id.get(int(ids[name]), 0) for name in names if name in ids}
