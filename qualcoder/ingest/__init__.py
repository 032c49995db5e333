"""Import: files to ``ParsedDocument`` objects, one small reader per format, then structure parsing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from qualcoder.errors import EmptyFile, MissingFile, UnsupportedFormat
from qualcoder.ingest import iramuteq, office, plain, subtitles, tabular
from qualcoder.ingest.language import detect_language
from qualcoder.ingest.metadata import DocumentMeta, SpeakerInfo
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.safety import check_size
from qualcoder.ingest.structure import parse_structure
from qualcoder.models import ParsedDocument

Reader = Callable[[Path, bytes], list[RawText]]

READERS: dict[str, Reader] = {
    ".txt": plain.read_text,
    ".md": plain.read_text,
    ".rtf": plain.read_rtf,
    ".html": plain.read_html,
    ".htm": plain.read_html,
    ".docx": office.read_docx,
    ".odt": office.read_odt,
    ".pdf": office.read_pdf,
    ".vtt": subtitles.read_vtt,
    ".srt": subtitles.read_srt,
    ".csv": tabular.read_csv,
    ".xlsx": tabular.read_xlsx,
}
METADATA_FILE_NAMES = {"metadata.csv", "speakers.csv"}
_HEADER_ATTRIBUTES = ("venue", "attendees", "apologies", "minute_taker", "chair", "agenda", "subject")


def collect_files(paths: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Expand folders into ``(file, root)`` pairs, sorted; ``root`` names documents relative to it.

    Hidden files and the folder's own ``metadata.csv`` / ``speakers.csv`` are left out.
    """
    found: list[tuple[Path, Path]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts) or file.name in METADATA_FILE_NAMES:
                    continue
                found.append((file, path.parent))
        else:
            found.append((path, path.parent))
    return found


def read_raw(path: Path) -> list[RawText]:
    """Read one file with the reader for its extension; raise a ``QualcoderError`` naming the file."""
    if not path.is_file():
        raise MissingFile("file not found", place=path, fix="Check the path you gave.")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UnsupportedFormat(
            f"{path.suffix or 'a file without extension'} is not a format qualcoder reads",
            place=path,
            fix=f"Convert it to one of {', '.join(sorted(READERS))}.",
        )
    check_size(path, path.stat().st_size)
    data = path.read_bytes()
    if not data:
        raise EmptyFile("the file is empty", place=path, fix="Check that you exported the right file.")
    if reader is plain.read_text:
        texts = reader(path, data)
        if iramuteq.is_iramuteq(texts[0].text):
            return iramuteq.split_iramuteq(texts[0].text, path)
        return texts
    return reader(path, data)


def parse_file(
    path: Path,
    name: str,
    meta: DocumentMeta | None = None,
    speakers: Iterable[SpeakerInfo] = (),
    language: str | None = None,
) -> list[ParsedDocument]:
    """Read a file and parse each document in it: language, type, date, sections and turns."""
    documents = []
    speakers = list(speakers)
    for raw in read_raw(path):
        doc_name = name + raw.suffix
        meta_here = meta or DocumentMeta()
        attributes = {**raw.attributes, **meta_here.attributes}
        doc_type = meta_here.doc_type or str(attributes.pop("type", "") or "").lower() or None
        known = frozenset(s.label for s in speakers if s.file in (None, name, doc_name))
        structure = parse_structure(
            raw.text,
            minutes=None if doc_type is None else doc_type == "minutes",
            known_speakers=known,
            heading_spans=raw.headings,
        )
        doc_type = doc_type or _guess_type(structure, raw.format)
        for key in _HEADER_ATTRIBUTES:
            if key in structure.header:
                attributes.setdefault(key, structure.header[key])
        date = meta_here.date or structure.header.get("date_iso") or _attribute_date(attributes)
        documents.append(
            ParsedDocument(
                name=doc_name,
                text=raw.text,
                format=raw.format,
                source_path=str(path),
                sha256=hashlib.sha256(raw.text.encode("utf-8")).hexdigest(),
                doc_type=doc_type,
                language=language or meta_here.language or detect_language(raw.text),
                date=date,
                attributes=attributes,
                sections=tuple(structure.sections),
                turns=tuple(structure.turns),
            )
        )
    return documents


def _guess_type(structure, fmt: str) -> str:
    if fmt in ("csv", "xlsx"):
        return "survey"
    if structure.is_minutes:
        return "minutes"
    speakers = {t.speaker for t in structure.turns if t.speaker}
    return "interview" if len(speakers) >= 2 else "document"


def _attribute_date(attributes: dict) -> str | None:
    from qualcoder.ingest.dates import parse_date

    for key in ("date", "annee", "année", "year"):
        if attributes.get(key):
            return parse_date(str(attributes[key]))
    return None
