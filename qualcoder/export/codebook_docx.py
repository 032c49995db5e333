"""The codebook as a Word document for a paper's appendix: the content of ``codebook.to_markdown``, in DOCX.

>>> # write_codebook_docx(project.codebook(), "appendix.docx", language="en")
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.shared import RGBColor

from qualcoder.coding.codebook import Code, Codebook
from qualcoder.export.errors import ExportError, write_bytes

WORDS = {
    "fr": {"definition": "Définition", "include": "Inclure", "exclude": "Exclure", "examples": "Exemples",
           "version": "Livre de codes {id}, version {version}.", "exclusive": "sous-codes mutuellement exclusifs"},
    "en": {"definition": "Definition", "include": "Include", "exclude": "Exclude", "examples": "Examples",
           "version": "Codebook {id}, version {version}.", "exclusive": "mutually exclusive children"},
}


def codebook_docx_bytes(book: Codebook, language: str = "fr") -> bytes:
    """The DOCX bytes: a heading per code (nested under its theme), its other-language label, a colour swatch,
    the definition, include/exclude criteria as bullets and the examples as quotes."""
    if language not in WORDS:
        raise ExportError(f"{language!r} is not a codebook language", place="--language", fix="Use fr or en.")
    words = WORDS[language]
    document = Document()
    document.add_heading(book.title.get(language) or book.id, level=0)
    document.add_paragraph(words["version"].format(id=book.id, version=book.version))
    if book.description.get(language):
        document.add_paragraph(book.description[language])

    def write(code: Code) -> None:
        _write_code(document, book, code, language, words)
        for child in book.children(code.id):
            write(child)

    for top in book.children(None):
        write(top)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_code(document, book: Codebook, code: Code, language: str, words: dict[str, str]) -> None:
    other = "en" if language == "fr" else "fr"
    document.add_heading(f"{code.label.get(language, code.id)} ({code.id})", level=min(book.depth(code.id) + 1, 9))
    line = document.add_paragraph()
    swatch = line.add_run("■ ")
    swatch.font.color.rgb = RGBColor.from_string(code.color.lstrip("#").upper())
    line.add_run(code.label.get(other, "")).italic = True
    line.add_run(f" — {code.color}" + (f" — {words['exclusive']}" if code.exclusive else ""))
    definition = document.add_paragraph()
    definition.add_run(f"{words['definition']}. ").bold = True
    definition.add_run(code.definition.get(language, ""))
    for key in ("include", "exclude"):
        criteria = getattr(code, key).get(language)
        if criteria:
            document.add_paragraph().add_run(f"{words[key]}:").bold = True
            for item in criteria:
                document.add_paragraph(str(item), style="List Bullet")
    if code.examples:
        document.add_paragraph().add_run(f"{words['examples']}:").bold = True
        for example in code.examples:
            source = f" ({example['source']})" if example.get("source") else ""
            document.add_paragraph(f"{example.get('text', '')}{source}", style="Quote")


def write_codebook_docx(book: Codebook, path: str | Path, language: str = "fr", *, force: bool = False) -> Path:
    """Write the codebook as a Word document; an existing file is kept unless ``force``.

    >>> # write_codebook_docx(load_codebook("codebooks/reseaux-sante.yaml"), "appendix.docx", language="en")
    """
    return write_bytes(path, codebook_docx_bytes(book, language), force=force)
