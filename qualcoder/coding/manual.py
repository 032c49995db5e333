"""Manual codings, suggestions decided by a coder, memos, and codings imported from CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualcoder.codebook import Codebook
from qualcoder.errors import InvalidCoding, InvalidCodingsFile, MissingFile
from qualcoder.ingest.text import decode
from qualcoder.store.repository import Repository


def coding_row(document_id: int, text: str, start: int, end: int, code: str, coder: str, *, source: str,
               status: str = "applied", version: str | None = None, confidence: float | None = None,
               pattern: str | None = None, memo: str | None = None) -> dict:
    """A codings-table row; the snippet is the coded text itself."""
    return {"document_id": document_id, "start": start, "end": end, "code": code, "coder": coder,
            "source": source, "status": status, "confidence": confidence, "codebook_version": version,
            "pattern": pattern, "memo": memo, "snippet": text[start:end]}


def check_span(text: str, start: int, end: int, place: str) -> None:
    if not (0 <= start < end <= len(text)):
        raise InvalidCoding(f"the span {start}-{end} is outside the document (0-{len(text)})", place=place,
                            fix="Give 0 <= start < end <= the document's length.")
    if not text[start:end].strip():
        raise InvalidCoding(f"the span {start}-{end} holds only blanks", place=place, fix="Code some text.")


@dataclass
class CodingsImport:
    imported: int = 0
    mismatched: list[str] = field(default_factory=list)  # rows whose quoted text is not the source's
    skipped: list[str] = field(default_factory=list)  # unknown file or code, bad offsets


def import_codings(repo: Repository, book: Codebook, path: str | Path, coder: str | None) -> CodingsImport:
    """Import codings anchored by ``file,start,end,code`` (+ ``text``, checked; + ``coder``, ``memo``).

    A row whose quoted text does not match the source is reported, not imported. Rows of one file import
    together or not at all.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFile("file not found", place=path, fix="Check the path you gave.")
    import io

    frame = pd.read_csv(io.StringIO(decode(path.read_bytes(), path)), dtype=str, keep_default_na=False)
    missing = {"file", "start", "end", "code"} - set(frame.columns)
    if missing:
        raise InvalidCodingsFile(f"the columns {', '.join(sorted(missing))} are missing", place=path,
                                 fix="Give file,start,end,code (and text to check the anchoring).")
    if coder is None and "coder" not in frame.columns:
        raise InvalidCodingsFile("no coder is named", place=path, fix="Give --coder NAME or a coder column.")
    documents = repo.documents_frame(with_text=True).set_index("name")
    codes = {c.id for c in book.codes}
    result, rows = CodingsImport(), []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        place = f"{path}:{number}"
        name = row["file"]
        if name not in documents.index:
            result.skipped.append(f"{place}: no document {name!r} in the project")
            continue
        try:
            start, end = int(row["start"]), int(row["end"])
        except ValueError:
            result.skipped.append(f"{place}: start/end are not numbers")
            continue
        if row["code"] not in codes:
            result.skipped.append(f"{place}: {row['code']!r} is not a code of the codebook")
            continue
        text = documents.loc[name, "text"]
        if not (0 <= start < end <= len(text)):
            result.skipped.append(f"{place}: span {start}-{end} is outside {name}")
            continue
        quoted = row.get("text")
        if quoted and " ".join(quoted.split()) != " ".join(text[start:end].split()):
            result.mismatched.append(f"{place}: the quoted text differs from {name} at {start}-{end}")
            continue
        rows.append(coding_row(int(documents.loc[name, "doc_id"]), text, start, end, row["code"],
                               row.get("coder") or coder, source="import", version=book.version,
                               memo=row.get("memo") or None))
    if rows:
        repo.add_codings(rows)
    result.imported = len(rows)
    return result

