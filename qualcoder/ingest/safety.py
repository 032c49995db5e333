"""Defences for zip-based formats and XML: size limits, path traversal, external entities."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from qualcoder.errors import CorruptFile, FileTooLarge, UnsafeArchive, UnsafeXml

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 10_000
MAX_XML_PART_BYTES = 100 * 1024 * 1024  # ElementTree holds ~10x the XML in memory; a 1,000-page .docx is ~20 MB


def check_size(path: Path, size: int, limit: int | None = None) -> None:
    limit = MAX_FILE_BYTES if limit is None else limit
    if size > limit:
        raise FileTooLarge(
            f"the file is {size / 1e6:.0f} MB, above the {limit / 1e6:.0f} MB limit for one document",
            place=path,
            fix="Split it into several files (one per interview or meeting) and import those.",
        )


def open_zip(data: bytes, path: Path, kind: str) -> zipfile.ZipFile:
    """Open a zip-based document after checking it is a zip, small enough once inflated, and sane."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(
            f"is not a valid {kind} ({exc})",
            place=path,
            fix="Re-save it from your word processor, or export it as .txt.",
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise UnsafeArchive(f"the {kind} holds {len(members)} parts", place=path, fix=_ZIP_FIX)
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or (total / packed > MAX_COMPRESSION_RATIO and total > 10_000_000):
        raise UnsafeArchive(
            f"the {kind} inflates to {total / 1e6:.0f} MB from {packed / 1e6:.1f} MB (a zip bomb?)",
            place=path,
            fix=_ZIP_FIX,
        )
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            raise UnsafeArchive(f"the {kind} holds a part with an unsafe path {name!r}", place=path, fix=_ZIP_FIX)
    return archive


def check_xml_parts(archive: zipfile.ZipFile, path: Path, read=None) -> None:
    """Refuse any XML part that declares a DTD or entities (XXE, billion laughs), or is malformed.

    ``read(name)`` says which parts the reader will parse: the others are never parsed, so they are not checked
    (LibreOffice writes empty, unused ``Configurations2/…`` parts in every .odt).
    """
    for member in archive.infolist():
        if not member.filename.endswith((".xml", ".rels")) or (read is not None and not read(member.filename)):
            continue
        if member.file_size > MAX_XML_PART_BYTES:
            raise FileTooLarge(f"the XML part {member.filename!r} inflates to {member.file_size / 1e6:.0f} MB, above "
                               f"the {MAX_XML_PART_BYTES / 1e6:.0f} MB limit", place=path,
                               fix="Split the document into several files and import those.")
        check_xml(archive.read(member), path, member.filename)


def check_xml(data: bytes, path: Path, part: str | None = None) -> None:
    where = f"{path} ({part})" if part else path
    if len(data) > MAX_XML_PART_BYTES:
        raise FileTooLarge(f"the XML is {len(data) / 1e6:.0f} MB, above the {MAX_XML_PART_BYTES / 1e6:.0f} MB limit",
                           place=where, fix="Split the document into several files and import those.")
    try:
        defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(
            f"the XML declares a DTD or entities ({type(exc).__name__}), which qualcoder refuses to resolve",
            place=where,
            fix="Re-save the file from its application; a normal document never needs them.",
        ) from exc
    except Exception as exc:  # ElementTree.ParseError and expat errors
        raise CorruptFile(f"the XML is malformed ({exc})", place=where, fix="Re-save the file.") from exc


_ZIP_FIX = "Re-save the document from its application; qualcoder will not unpack it as it is."
