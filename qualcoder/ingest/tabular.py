"""Survey answers in .csv / .xlsx: one row per document, a text column, other columns as attributes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from qualcoder.errors import CorruptFile, EmptyFile, InvalidTable
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.safety import check_xml_parts, open_zip
from qualcoder.ingest.text import decode, normalise

TEXT_COLUMNS = ("text", "texte", "response", "réponse", "reponse", "answer", "verbatim", "comment", "commentaire")
ID_COLUMNS = ("id", "respondent", "répondant", "repondant", "name", "nom", "participant")


def read_csv(path: Path, data: bytes) -> list[RawText]:
    text = decode(data, path)
    try:
        dialect = csv.Sniffer().sniff(text[:10000], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidTable(f"the CSV cannot be parsed ({exc})", place=path,
                           fix="Save it again as CSV (UTF-8) with one header row.") from exc
    return _rows(frame, path, "csv")


def read_xlsx(path: Path, data: bytes) -> list[RawText]:
    archive = open_zip(data, path, ".xlsx")
    check_xml_parts(archive, path)
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    except Exception as exc:
        raise CorruptFile(f"is not a readable .xlsx ({exc})", place=path, fix="Re-save it from your spreadsheet.") from exc
    return _rows(frame, path, "xlsx")


def _rows(frame: pd.DataFrame, path: Path, fmt: str) -> list[RawText]:
    if frame.empty:
        raise EmptyFile("the table has no data row", place=path, fix="Check the export.")
    text_column = _text_column(frame, path)
    id_column = next((c for c in frame.columns if str(c).strip().lower() in ID_COLUMNS), None)
    documents = []
    for row_number, row in enumerate(frame.to_dict("records"), start=2):
        body = normalise(str(row[text_column])).strip()
        if not body:
            continue
        key = str(row[id_column]).strip() if id_column and str(row[id_column]).strip() else f"row{row_number}"
        attributes = {str(k).strip(): str(v).strip() for k, v in row.items() if k != text_column and str(v).strip()}
        attributes["source_row"] = row_number
        documents.append(RawText(text=body, format=fmt, attributes=attributes, suffix=f"#{key}"))
    if not documents:
        raise EmptyFile(f"every cell of column {text_column!r} is empty", place=path, fix="Check the export.")
    return documents


def _text_column(frame: pd.DataFrame, path: Path) -> str:
    for column in frame.columns:
        if str(column).strip().lower() in TEXT_COLUMNS:
            return column
    lengths = {c: frame[c].astype(str).str.len().mean() for c in frame.columns}
    column, mean_length = max(lengths.items(), key=lambda item: item[1])
    if mean_length < 20:
        raise InvalidTable(
            "no column holds the texts (none is named text/texte/response/réponse, none has long cells)",
            place=path,
            fix="Name the column with the answers `text`.",
        )
    return column
