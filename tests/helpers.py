"""Builders for real files of every format, written by the tests themselves."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def write_docx(path: Path, paragraphs: list[str], headings: tuple[str, ...] = ()) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        if text in headings:
            document.add_heading(text, level=2)
        else:
            document.add_paragraph(text)
    document.save(path)
    return path


def write_odt(path: Path, paragraphs: list[str], headings: tuple[str, ...] = ()) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    for text in paragraphs:
        element = H(outlinelevel=2, text=text) if text in headings else P(text=text)
        document.text.addElement(element)
    document.save(str(path))
    return path


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica), with a correct cross-reference table."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def blank_pdf_bytes() -> bytes:
    """A valid PDF whose page has no text (a scan without OCR)."""
    return pdf_bytes([]).replace(b"BT /F1 12 Tf 72 720 Td  ET", b"q Q                      ")


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
