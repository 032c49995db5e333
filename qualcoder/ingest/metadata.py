"""``metadata.csv`` (file -> type, date, language, attributes) and ``speakers.csv`` (label -> role, profession)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcoder.errors import FileTooLarge, InvalidMetadata, InvalidSpeakers, MissingFile
from qualcoder.ingest.dates import parse_date
from qualcoder.ingest.language import SUPPORTED_LANGUAGES
from qualcoder.ingest.text import decode

DOC_TYPES = ("interview", "minutes", "document", "survey", "other")
ROLES = ("interviewer", "participant", "attendee", "moderator", "other")
_FILE_COLUMNS = ("file", "filename", "fichier", "document", "path")
MAX_METADATA_BYTES = 50 * 1024 * 1024  # a row per document or speaker: 50 MB is hundreds of thousands of rows
_SPEAKER_COLUMNS = ("speaker", "label", "locuteur", "intervenant", "name")


@dataclass(frozen=True)
class DocumentMeta:
    doc_type: str | None = None
    date: str | None = None
    language: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpeakerInfo:
    label: str
    role: str | None
    profession: str | None
    organisation: str | None
    file: str | None
    attributes: dict[str, Any] = field(default_factory=dict)


def _read_rows(path: Path, error) -> tuple[list[str], list[dict[str, str]]]:
    path = Path(path)
    if not path.is_file():
        raise MissingFile("file not found", place=path, fix="Check the path you gave.")
    size = path.stat().st_size
    if size > MAX_METADATA_BYTES:
        raise FileTooLarge(f"the file is {size / 1e6:.0f} MB, above the {MAX_METADATA_BYTES / 1e6:.0f} MB limit for "
                           "a metadata or speakers table", place=path,
                           fix="Check that this is the right file: it holds one short row per document or speaker.")
    text = decode(path.read_bytes(), path)
    try:
        dialect = csv.Sniffer().sniff(text[:5000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        columns = [c.strip().lower() for c in (reader.fieldnames or [])]
        if not columns:
            raise error("the CSV has no header row", place=path, fix="Add a header row, e.g. `file,type,date`.")
        rows = _rows(reader, path, error)
    except csv.Error as exc:  # e.g. a cell over csv's 131,072-character field limit
        row = reader.line_num + 1  # the lines read before the one that failed
        raise error(f"row {row} cannot be read ({exc})", place=f"{path}:{row}",
                    fix="Check the quoting on that row (an unclosed quote swallows the rest of the file).") from exc
    return columns, rows


def _rows(reader: csv.DictReader, path: Path, error) -> list[dict[str, str]]:
    rows = []
    for row in reader:
        if None in row:
            raise error(f"row {reader.line_num} has more cells than the header", place=f"{path}:{reader.line_num}",
                        fix="Quote cells that contain the separator.")
        rows.append({k.strip().lower(): (v or "").strip() for k, v in row.items()})
    return rows


def _column(columns: list[str], names: tuple[str, ...], path: Path, error, example: str) -> str:
    found = next((c for c in columns if c in names), None)
    if found is None:
        raise error(f"no column named {names[0]!r} (columns: {', '.join(columns)})", place=path,
                    fix=f"Name the column {names[0]!r}, e.g. `{example}`.")
    return found


def load_metadata(path: Path | str) -> dict[str, DocumentMeta]:
    """Read a metadata CSV: one row per file; ``type``, ``date``, ``language`` are checked, others kept."""
    path = Path(path)
    columns, rows = _read_rows(path, InvalidMetadata)
    file_column = _column(columns, _FILE_COLUMNS, path, InvalidMetadata, "file,type,date,language")
    table: dict[str, DocumentMeta] = {}
    for line, row in enumerate(rows, start=2):
        place = f"{path}:{line}"
        name = row.pop(file_column)
        if not name:
            raise InvalidMetadata("the file cell is empty", place=place, fix="Give the document's file name.")
        doc_type = row.pop("type", "") or None
        if doc_type and doc_type.lower() not in DOC_TYPES:
            raise InvalidMetadata(f"type {doc_type!r} is not one of {', '.join(DOC_TYPES)}", place=place,
                                  fix="Use one of those types.")
        raw_date = row.pop("date", "")
        date = parse_date(raw_date) if raw_date else None
        if raw_date and date is None:
            raise InvalidMetadata(f"date {raw_date!r} is not a date", place=place,
                                  fix="Write dates as YYYY-MM-DD (or 15/01/2004, 15 janvier 2004).")
        language = (row.pop("language", "") or row.pop("langue", "") or row.pop("lang", "")).lower() or None
        if language and language not in SUPPORTED_LANGUAGES:
            raise InvalidMetadata(f"language {language!r} is not supported", place=place,
                                  fix=f"Use one of {', '.join(SUPPORTED_LANGUAGES)}.")
        attributes = {k: v for k, v in row.items() if k and v}
        table[name.replace("\\", "/")] = DocumentMeta(doc_type and doc_type.lower(), date, language, attributes)
    return table


def load_speakers(path: Path | str) -> list[SpeakerInfo]:
    """Read a speakers CSV: ``speaker,role,profession,organisation[,file]`` (``file`` scopes a label)."""
    path = Path(path)
    columns, rows = _read_rows(path, InvalidSpeakers)
    label_column = _column(columns, _SPEAKER_COLUMNS, path, InvalidSpeakers, "speaker,role,profession")
    speakers, seen = [], set()
    for line, row in enumerate(rows, start=2):
        place = f"{path}:{line}"
        label = row.pop(label_column)
        if not label:
            raise InvalidSpeakers("the speaker cell is empty", place=place, fix="Give the label used in the text.")
        role = (row.pop("role", "") or "").lower() or None
        if role and role not in ROLES:
            raise InvalidSpeakers(f"role {role!r} is not one of {', '.join(ROLES)}", place=place,
                                  fix="Use one of those roles.")
        scope = row.pop("file", "") or None
        key = (label, scope)
        if key in seen:
            raise InvalidSpeakers(f"speaker {label!r} is listed twice" + (f" for {scope}" if scope else ""),
                                  place=place, fix="Keep one row per speaker (add a `file` column to scope labels).")
        seen.add(key)
        profession = row.pop("profession", "") or None
        organisation = row.pop("organisation", "") or row.pop("organization", "") or None
        speakers.append(SpeakerInfo(label, role, profession, organisation, scope,
                                    {k: v for k, v in row.items() if k and v}))
    return speakers


def speaker_applies(scope: str | None, doc_name: str) -> bool:
    """Whether a speakers.csv row scoped to ``scope`` applies to a document: unscoped rows apply everywhere; a
    scope names the file as imported (``ent1.txt``), its path under the imported folder (``site-a/ent1.txt``), or a
    document inside it (a survey row ``survey.csv#12``).

    >>> speaker_applies("ent1.txt", "interviews/ent1.txt"), speaker_applies("ent1.txt", "interviews/ent10.txt")
    (True, False)
    >>> speaker_applies(None, "any.txt"), speaker_applies("survey.csv", "survey.csv#12")
    (True, True)
    """
    if not scope:
        return True
    scope = scope.replace("\\", "/").strip("/")
    base = doc_name.split("#", 1)[0]
    return scope in (doc_name, base) or base.endswith("/" + scope)


def match_metadata(table: dict[str, DocumentMeta], relative: str) -> DocumentMeta | None:
    """Metadata for a file, by its path relative to the CSV's folder, else by its bare name if unique."""
    if relative in table:
        return table[relative]
    base = relative.rsplit("/", 1)[-1]
    hits = [meta for name, meta in table.items() if name.rsplit("/", 1)[-1] == base]
    return hits[0] if len(hits) == 1 else None
