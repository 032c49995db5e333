"""Word (.docx), OpenDocument (.odt) and PDF readers. Zips are checked before any parser sees them."""

from __future__ import annotations

import io
import posixpath
import re
from pathlib import Path
from xml.etree import ElementTree

from qualcoder.errors import CorruptFile, EmptyFile, NoTextLayer
from qualcoder.ingest.raw import RawText, join_blocks
from qualcoder.ingest.safety import check_xml_parts, open_zip

_HEADING_STYLES = ("heading", "titre", "title", "überschrift")
# the XML parts odfpy parses: the manifest, then these four for the document and each embedded object
_ODT_PARTS = re.compile(r"^(?:META-INF/manifest\.xml|(?:Object [^/]+/)?(?:settings|meta|content|styles)\.xml)$")


def _docx_parts(archive, path: Path):
    """The parts python-docx loads: the relationship files and every part they point to (it follows them from
    the package root); parts nothing points to are never read."""
    from qualcoder.ingest.safety import check_xml

    targets = {"[Content_Types].xml", "word/document.xml"}
    for name in archive.namelist():
        if not name.endswith(".rels"):
            continue
        check_xml(archive.read(name), path, name)
        root = ElementTree.fromstring(archive.read(name))
        folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/document.xml.rels -> word
        for rel in root:
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            targets.add(target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target)))
    return lambda name: name.endswith(".rels") or name in targets


def read_docx(path: Path, data: bytes) -> list[RawText]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    archive = open_zip(data, path, ".docx")
    if "word/document.xml" not in archive.namelist():
        raise CorruptFile("is not a valid .docx (no word/document.xml)", place=path,
                          fix="Re-save it from your word processor as .docx, or export it as .txt.")
    check_xml_parts(archive, path, read=_docx_parts(archive, path))
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise CorruptFile(f"is not a valid .docx ({exc})", place=path,
                          fix="Re-save it from your word processor, or export it as .txt.") from exc
    blocks: list[tuple[str, bool]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style = (item.style.name if item.style is not None else "").lower()
            blocks.append((item.text, style.startswith(_HEADING_STYLES)))
        elif isinstance(item, Table):
            blocks.extend((_table_row(row), False) for row in item.rows)
    return [_non_empty(join_blocks(blocks, "docx"), path)]


def _table_row(row) -> str:
    cells = [cell.text.strip() for cell in row.cells]
    if len(cells) == 2 and 0 < len(cells[0]) <= 40:
        return f"{cells[0]} : {cells[1]}"  # a two-column transcript: speaker | speech
    return " | ".join(cells)


def read_odt(path: Path, data: bytes) -> list[RawText]:
    from odf import teletype
    from odf.opendocument import load

    archive = open_zip(data, path, ".odt")
    if "content.xml" not in archive.namelist():
        raise CorruptFile("is not a valid .odt (no content.xml)", place=path,
                          fix="Re-save it from LibreOffice as .odt, or export it as .txt.")
    check_xml_parts(archive, path, read=_ODT_PARTS.match)
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:
        raise CorruptFile(f"is not a valid .odt ({exc})", place=path, fix="Re-save it from LibreOffice.") from exc
    blocks: list[tuple[str, bool]] = []

    def walk(node) -> None:
        for child in node.childNodes:
            name = getattr(child, "qname", (None, None))[1]
            if name in ("p", "h"):
                blocks.append((teletype.extractText(child), name == "h"))
            elif name is not None:
                walk(child)

    walk(document.text)
    return [_non_empty(join_blocks(blocks, "odt"), path)]


def read_pdf(path: Path, data: bytes) -> list[RawText]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise CorruptFile(f"is not a readable PDF ({exc})", place=path,
                          fix="Re-export it from its application, or save the text as .txt.") from exc
    raw = join_blocks([(page, False) for page in pages], "pdf")
    if len(raw.text.strip()) < 20:
        raise NoTextLayer(
            f"the PDF has {len(pages)} page(s) but no text layer (a scan?)",
            place=path,
            fix="Run OCR first (for instance `ocrmypdf in.pdf out.pdf`) and import the result.",
        )
    return [raw]


def _non_empty(raw: RawText, path: Path) -> RawText:
    if not raw.text.strip():
        raise EmptyFile("the document holds no text", place=path, fix="Check that you exported the right file.")
    return raw
