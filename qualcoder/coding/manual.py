"""Manual codings, suggestions decided by a coder, memos, and codings imported from CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualcoder.coding.codebook import Codebook
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



WIDE_TRUE, WIDE_FALSE = {"1", "1.0", "true", "yes", "oui", "x"}, {"0", "0.0", "false", "no", "non", ""}


def _read_table(path: Path) -> pd.DataFrame:
    import io

    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="openpyxl").fillna("")
    return pd.read_csv(io.StringIO(decode(path.read_bytes(), path)), dtype=str, keep_default_na=False,
                       sep=None, engine="python")


def _document_keys(documents: pd.DataFrame, id_column: str) -> dict[str, int]:
    """A row id -> document: the document's name, the part after ``#`` of a survey row's name, or its
    attribute of the id column's name."""
    keys: dict[str, int] = {}
    for row in documents.itertuples():
        keys.setdefault(str(row.name), int(row.doc_id))
        if "#" in str(row.name):
            keys.setdefault(str(row.name).rsplit("#", 1)[1], int(row.doc_id))
        value = (row.attributes or {}).get(id_column)
        if value not in (None, ""):
            keys.setdefault(str(value), int(row.doc_id))
    return keys


def import_wide_codings(repo: Repository, book: Codebook, path: str | Path, coder: str,
                        id_column: str | None = None) -> CodingsImport:
    """Import a table with one 0/1 column per code and an id column matching the documents (survey rows): each
    1 codes the whole document. Columns that are not codes are listed, never silently taken.

    >>> # import_wide_codings(repo, book, "coded.csv", "coder_a")  # id,financement,territoire / r1,1,0
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFile("file not found", place=path, fix="Check the path you gave.")
    frame = _read_table(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    from qualcoder.ingest.tabular import ID_COLUMNS

    id_column = id_column or next((c for c in frame.columns if c.lower() in ID_COLUMNS), None)
    if id_column not in frame.columns:
        raise InvalidCodingsFile(f"no id column{f' {id_column!r}' if id_column else ''} in the table", place=path,
                                 fix=f"Name the column that identifies each row with --id-column (found: "
                                     f"{', '.join(frame.columns)}).")
    codes = {c.id for c in book.codes}
    code_columns = [c for c in frame.columns if c in codes]
    if not code_columns:
        raise InvalidCodingsFile("no column is a code of the codebook", place=path,
                                 fix="Name each 0/1 column after a code id (`qualcoder codebook show`).")
    result, rows = CodingsImport(), []
    result.skipped += [f"{path}: column {c!r} is not a code: not imported" for c in frame.columns
                       if c not in code_columns and c != id_column]
    documents = repo.documents_frame(with_text=True)
    keys, texts = _document_keys(documents, id_column), dict(zip(documents["doc_id"], documents["text"]))
    for number, row in enumerate(frame.to_dict("records"), start=2):
        place = f"{path}:{number}"
        doc_id = keys.get(str(row[id_column]).strip())
        if doc_id is None:
            result.skipped.append(f"{place}: no document matches {id_column} {row[id_column]!r}")
            continue
        text = texts[doc_id]
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if end <= start:
            result.skipped.append(f"{place}: the document is empty")
            continue
        for code in code_columns:
            value = str(row[code]).strip().lower()
            if value in WIDE_TRUE:
                rows.append(coding_row(doc_id, text, start, end, code, coder, source="import", version=book.version))
            elif value not in WIDE_FALSE:
                result.skipped.append(f"{place}: {code} = {row[code]!r} is not 0 or 1")
    if rows:
        repo.add_codings(rows)
    result.imported = len(rows)
    return result
