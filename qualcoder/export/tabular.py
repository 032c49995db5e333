"""Coded segments as tables: one row per coding (long) or per segment (wide), written as CSV, XLSX or Parquet.

>>> # frame = coded_segments(project, codes=["financement"], where={"profession": ["neurologue"]})
>>> # write_csv(frame, "codings.csv", excel=True); write_xlsx(frame, "codings.xlsx", codebook=project.codebook())
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebook import Codebook
from qualcoder.coding.overlap import covered_segments
from qualcoder.export.errors import NoSegments, UnknownFilter, UnsupportedExportFormat, atomic_write, write_bytes
from qualcoder.project import Project

if TYPE_CHECKING:
    from qualcoder.store.repository import CodingValue

EXPORTED_STATUSES = COUNTED_STATUSES
SEGMENT_FIELDS = ["speaker", "profession", "role", "organisation", "section"]
DOCUMENT_FIELDS = ["type", "language", "date"]
CODING_FIELDS = ["code", "label_fr", "label_en", "coder", "source", "status", "confidence", "memo"]
# documents_df columns that describe the stored file rather than the study: not exported as attributes
_FILE_COLUMNS = {"doc_id", "name", "type", "language", "date", "format", "n_chars", "sha256", "source_path",
                 "n_words", "text"}
# OWASP's list of characters that make a spreadsheet read a cell as a formula
_FORMULA_START = r"[=+\-@\t\r]"
XLSX_CELL_LIMIT = 32_767
TRUNCATED = " […truncated by qualcoder: the cell exceeded Excel's 32,767 characters]"
WIDE_RULE = "half_either"  # the rule agreement uses: a coding covers half of the shorter of it and the segment


class TruncatedCells(UserWarning):
    """Cells longer than Excel allows were cut (with a visible marker) when writing XLSX."""


# building the tables --------------------------------------------------------------------------------------
def coded_segments(project: Project, *, codes: Iterable[str] | None = None, coders: Iterable[str] | None = None,
                   sources: Iterable[str] | None = None, where: dict[str, list[str]] | None = None,
                   include_suggestions: bool = False, wide: bool = False) -> pd.DataFrame:
    """Codings with their text, document, speaker and attributes: one row per coding, or ``wide``.

    Long: coding_id, doc, doc_id, segment_id (the segment holding the coding's start), start, end, speaker,
    profession, role, organisation, section, type, language, date, the documents' attributes, code, label_fr,
    label_en, coder, source, status, confidence, memo, text (``document.text[start:end]``).
    Wide: one row per segment and one 0/1 column per code (1 when a selected coding covers half of the shorter
    of the coding and the segment, the rule agreement uses).

    A parent in ``codes`` brings its descendants; ``where`` keeps rows whose column (speaker, profession, type,
    a document attribute...) equals one of the values, ignoring case. Applied and accepted codings are exported;
    ``include_suggestions`` adds the model's suggestions.

    >>> # coded_segments(project, coders=["coder_a"], where={"type": ["minutes"]}).groupby("code").size()
    """
    book = _codebook(project)
    wanted = _expand_codes(project, book, codes)
    statuses = [*EXPORTED_STATUSES, *(["suggested"] if include_suggestions else [])]
    codings = read_codings(project, status=statuses, code=wanted, coder=list(coders) if coders else None,
                           source=list(sources) if sources else None)
    _check_values(project, codings, "coder", coders, "--coder")
    _check_values(project, codings, "source", sources, "--source")
    documents = document_table(project)
    if wide:
        return _wide(project, book, codings, documents, wanted, where)
    return _long(project, book, codings, documents, where)


def read_codings(project: Project, **match: CodingValue) -> pd.DataFrame:
    """The codings columns an export needs (not the snippet nor the timestamps), in one query; ``match`` as
    ``Project.codings``."""
    frame = project.stored_codings(EXPORT_COLUMNS, **match)
    return frame.astype({"confidence": "float64", "start": "int64", "end": "int64", "document_id": "int64"})


EXPORT_COLUMNS = ["id", "document_id", "start", "end", "code", "coder", "source", "status", "confidence", "memo"]


def _long(project: Project, book: Codebook | None, codings: pd.DataFrame, documents: pd.DataFrame,
          where: dict[str, list[str]] | None) -> pd.DataFrame:
    frame = codings.rename(columns={"id": "coding_id", "document_id": "doc_id"})
    frame = _attach_segments(frame, project.segments_df(with_text=False))
    frame = frame.merge(documents, on="doc_id", how="left")
    labels = _labels(book)
    frame["label_fr"] = frame["code"].map(labels["fr"])
    frame["label_en"] = frame["code"].map(labels["en"])
    texts = project.texts()
    frame["text"] = [texts[d][s:e] for d, s, e in zip(frame["doc_id"], frame["start"], frame["end"])]
    attributes = [c for c in documents.columns if c not in ("doc_id", "doc", *DOCUMENT_FIELDS)]
    columns = ["coding_id", "doc", "doc_id", "segment_id", "start", "end", *SEGMENT_FIELDS, *DOCUMENT_FIELDS,
               *attributes, *CODING_FIELDS, "text"]
    frame = frame[columns]
    frame = _apply_where(frame, where, exclude={"coding_id", "start", "end", "text", "memo", "confidence"})
    return frame.sort_values("coding_id").reset_index(drop=True)


def _wide(project: Project, book: Codebook | None, codings: pd.DataFrame, documents: pd.DataFrame,
          wanted: set[str] | None, where: dict[str, list[str]] | None) -> pd.DataFrame:
    segments = project.segments_df(with_text=True)
    if segments.empty:
        raise NoSegments("the project has no segments, so there is no row to make", place="--wide",
                         fix="Run `qualcoder segment` first, or export the long table (without --wide).")
    segments = segments[["segment_id", "doc_id", "start", "end", *SEGMENT_FIELDS, "text"]]
    frame = segments.merge(documents, on="doc_id", how="left")
    attributes = [c for c in documents.columns if c not in ("doc_id", "doc", *DOCUMENT_FIELDS)]
    frame = frame[["segment_id", "doc", "doc_id", "start", "end", *SEGMENT_FIELDS, *DOCUMENT_FIELDS, *attributes,
                   "text"]]
    frame = _apply_where(frame, where, exclude={"segment_id", "start", "end", "text"})
    covered = covered_segments(frame[["segment_id", "doc_id", "start", "end"]], codings, WIDE_RULE)
    pairs = pd.DataFrame([(s, c) for s, found in covered.items() for c in found], columns=["segment_id", "code"])
    code_columns = [c.id for c in book.codes] if book else []
    if wanted is not None:
        code_columns = [c for c in code_columns if c in wanted]
    code_columns += sorted(set(pairs["code"]) - set(code_columns))
    matrix = (pd.crosstab(pairs["segment_id"], pairs["code"]).clip(upper=1) if len(pairs)
              else pd.DataFrame(index=pd.Index([], name="segment_id")))
    matrix = matrix.reindex(index=frame["segment_id"], columns=code_columns, fill_value=0).astype("int64")
    clashing = set(code_columns) & set(frame.columns)
    matrix.columns = [f"code:{c}" if c in clashing else c for c in code_columns]
    frame = pd.concat([frame.drop(columns="text").reset_index(drop=True), matrix.reset_index(drop=True),
                       frame[["text"]].reset_index(drop=True)], axis=1)
    return frame


def _attach_segments(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Add the segment holding each coding's start, with its speaker fields (none when it falls between)."""
    right = segments[["segment_id", "doc_id", "start", "end", *SEGMENT_FIELDS]].rename(
        columns={"start": "_segment_start", "end": "_segment_end"})
    left = codings.sort_values("start", kind="stable")
    right = right.sort_values("_segment_start", kind="stable").astype({"_segment_start": "int64", "doc_id": "int64"})
    left = left.astype({"start": "int64", "doc_id": "int64"})
    merged = pd.merge_asof(left, right, left_on="start", right_on="_segment_start", by="doc_id",
                           direction="backward")
    outside = merged["_segment_end"].isna() | (merged["start"] >= merged["_segment_end"])
    merged.loc[outside, ["segment_id", *SEGMENT_FIELDS]] = None
    merged["segment_id"] = merged["segment_id"].astype("Int64")
    return merged.drop(columns=["_segment_start", "_segment_end"])


def document_table(project: Project) -> pd.DataFrame:
    """doc_id, doc, type, language, date and each document attribute as text (lists and mappings as JSON)."""
    documents = project.documents_df(with_text=False)
    attributes = [c for c in documents.columns if c not in _FILE_COLUMNS]
    table = documents[["doc_id", "name", *DOCUMENT_FIELDS]].rename(columns={"name": "doc"})
    for column in attributes:
        name = f"attr_{column}" if column in (*SEGMENT_FIELDS, *CODING_FIELDS, "text", "doc", "segment_id") else column
        table[name] = documents[column].map(_as_text)
    return table


def _as_text(value) -> str | None:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _codebook(project: Project) -> Codebook | None:
    return project.codebook() if project.has_codebook() else None


def _labels(book: Codebook | None) -> dict[str, dict[str, str]]:
    codes = book.codes if book else ()
    return {language: {c.id: c.label.get(language) for c in codes} for language in ("fr", "en")}


def descendants(book: Codebook, code_id: str) -> set[str]:
    """A code and every code under it.

    >>> from qualcoder.coding.codebook import load_codebook
    >>> sorted(descendants(load_codebook("codebooks/reseaux-sante.yaml"), "financement"))[:2]
    ['financement', 'financement.perennite']
    """
    found, todo = set(), [code_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(c.id for c in book.children(current))
    return found


def _expand_codes(project: Project, book: Codebook | None, codes: Iterable[str] | None) -> set[str] | None:
    if not codes:
        return None
    known = {c.id for c in book.codes} if book else set()
    wanted: set[str] = set()
    for code in codes:
        if code in known:
            wanted |= descendants(book, code)
        elif project.count_codings(code=code):
            wanted.add(code)  # a code dropped from the codebook that still carries codings
        else:
            raise UnknownFilter(f"{code!r} is neither a code of the codebook nor a code with codings",
                                place="--code", fix="List the codes with `qualcoder codebook show`.")
    return wanted


def _check_values(project: Project, codings: pd.DataFrame, column: str, values: Iterable[str] | None,
                  option: str) -> None:
    """Name the coder or source that has no coding at all (a typo), listing those that do."""
    if not values:
        return
    present = set(codings[column].unique())
    for value in values:
        if value in present or project.count_codings(**{column: value}):
            continue
        every = sorted(set(project.stored_codings([column])[column]))
        raise UnknownFilter(f"no coding has the {column} {value!r}", place=option,
                            fix=f"Use one of: {', '.join(every) or '(the project has no codings)'}.")


def _apply_where(frame: pd.DataFrame, where: dict[str, list[str]] | None, exclude: set[str]) -> pd.DataFrame:
    if not where:
        return frame
    valid = [c for c in frame.columns if c not in exclude]
    keep = pd.Series(True, index=frame.index)
    for attribute, values in where.items():
        if attribute not in valid:
            raise UnknownFilter(f"there is no attribute {attribute!r}", place=f"--where {attribute}=...",
                                fix=f"Use one of: {', '.join(valid)}.")
        wanted = {str(v).casefold() for v in values}
        keep &= frame[attribute].astype("string").str.casefold().isin(wanted).fillna(False).astype(bool)
    return frame[keep]


def parse_where(items: Iterable[str]) -> dict[str, list[str]]:
    """``["profession=neurologue", "profession=gériatre", "type=minutes"]`` → a ``where`` mapping.

    >>> parse_where(["profession=neurologue", "type=minutes", "profession=gériatre"])
    {'profession': ['neurologue', 'gériatre'], 'type': ['minutes']}
    """
    where: dict[str, list[str]] = {}
    for item in items:
        name, sign, value = item.partition("=")
        if not sign or not name.strip():
            raise UnknownFilter(f"{item!r} is not attribute=value", place="--where",
                                fix="Write it like --where profession=neurologue.")
        where.setdefault(name.strip(), []).append(value.strip())
    return where


def codebook_frame(book: Codebook) -> pd.DataFrame:
    """The codebook as a table: id, parent, labels, definitions, criteria (include/exclude) and colour."""
    rows = []
    for code in book.codes:
        row = {"id": code.id, "parent": code.parent, "label_fr": code.label.get("fr"),
               "label_en": code.label.get("en")}
        for language in ("fr", "en"):
            row[f"definition_{language}"] = code.definition.get(language)
        for language in ("fr", "en"):
            row[f"criteria_{language}"] = _criteria(code.include.get(language, ()), code.exclude.get(language, ()),
                                                    language)
        row["colour"] = code.color
        rows.append(row)
    return pd.DataFrame(rows)


def _criteria(include: Iterable[str], exclude: Iterable[str], language: str) -> str:
    words = {"fr": ("Inclure", "Exclure"), "en": ("Include", "Exclude")}[language]
    lines = [f"{words[0]}: {item}" for item in include] + [f"{words[1]}: {item}" for item in exclude]
    return "\n".join(lines)


# writing ---------------------------------------------------------------------------------------------------
def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would read as a formula (``= + - @``, tab, CR at the start).

    >>> neutralise(pd.DataFrame({"t": ["=HYPERLINK(\\"x\\")", "ok", "-2"], "n": [-1, 2, 3]})).values.tolist()
    [['\\'=HYPERLINK("x")', -1], ['ok', 2], ["'-2", 3]]
    """
    out = frame.copy(deep=False)
    for column, series, risky in _text_cells(out, lambda text: text.str.match(_FORMULA_START, na=False)):
        out[column] = series.where(~risky, "'" + series.astype(str))
    return out


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def _text_cells(frame: pd.DataFrame, test) -> Iterator[tuple[str, pd.Series, pd.Series]]:
    """(column, series, mask) for each text column where ``test(series)`` marks at least one cell."""
    for column in frame.columns:
        series = frame[column]
        if not _is_text(series):
            continue
        try:
            mask = test(series).fillna(False).astype(bool)
        except AttributeError:  # an object column holding no text at all
            continue
        if mask.any():
            yield column, series, mask


def to_csv_bytes(frame: pd.DataFrame, *, excel: bool = False) -> bytes:
    r"""CSV bytes, formula-neutralised. Plain UTF-8 with ``,``; ``excel``: a BOM, ``;``, CRLF and decimal commas,
    which French Excel opens right with a double click. Written by pyarrow (15 times faster than pandas here).

    >>> to_csv_bytes(pd.DataFrame({"a": [1.5], "b": ["x;y"]}), excel=True)
    b'\xef\xbb\xbf"a";"b"\r\n"1,5";"x;y"\r\n'
    """
    sink = pa.BufferOutputStream()
    _write_csv(frame, sink, excel)
    return sink.getvalue().to_pybytes()


def _write_csv(frame: pd.DataFrame, sink, excel: bool) -> None:
    """Neutralise, then let pyarrow write into ``sink`` (a buffer or a file): the BOM first for Excel. Lists and
    mappings (a minutes' attendees) are written as JSON text."""
    nested = {c: frame[c].map(_as_text) for c in frame.columns if frame[c].dtype == object
              and frame[c].map(lambda v: isinstance(v, list | dict)).any()}
    safe = neutralise(frame.assign(**nested) if nested else frame)
    if excel:
        decimals = {c: safe[c].astype("string").str.replace(".", ",", regex=False)
                    for c in safe.columns if pd.api.types.is_float_dtype(safe[c])}
        safe = safe.assign(**decimals) if decimals else safe
    try:
        table = pa.Table.from_pandas(safe, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # an object column mixing types: write each value as text
        texts = {c: safe[c].map(_as_text) for c in safe.columns if safe[c].dtype == object}
        table = pa.Table.from_pandas(safe.assign(**texts), preserve_index=False)
    options = pa_csv.WriteOptions(delimiter=";" if excel else ",", eol="\r\n" if excel else "\n",
                                  quoting_style="needed")
    if excel:
        sink.write(b"\xef\xbb\xbf")
    pa_csv.write_csv(table, sink, options)


def to_xlsx_bytes(frame: pd.DataFrame, *, codebook: Codebook | None = None) -> bytes:
    """An XLSX workbook: sheet ``codings`` (bold header, frozen first row, filters) and, when given, ``codebook``.

    Text is written as text (never as a formula or link); cells over Excel's 32,767 characters are cut with a
    visible marker and a ``TruncatedCells`` warning.
    """
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        _write_sheet(writer, _fit_cells(frame, "codings"), "codings")
        if codebook is not None:
            table = codebook_frame(codebook)
            _write_sheet(writer, table, "codebook")
            sheet = writer.sheets["codebook"]
            column = table.columns.get_loc("colour")
            for row, colour in enumerate(table["colour"], start=1):
                sheet.write_string(row, column, colour, writer.book.add_format({"bg_color": colour}))
    return buffer.getvalue()


def _write_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, name: str) -> None:
    frame.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
    sheet = writer.sheets[name]
    sheet.write_row(0, 0, [str(c) for c in frame.columns], writer.book.add_format({"bold": True, "bottom": 1}))
    sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
    wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
    for index, column in enumerate(frame.columns):
        if column in ("text", "definition_fr", "definition_en", "criteria_fr", "criteria_en"):
            sheet.set_column(index, index, 80, wrap)
        else:
            sheet.set_column(index, index, min(max(len(str(column)) + 2, 10), 30))


def _fit_cells(frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    out = frame.copy(deep=False)
    for column, series, long in _text_cells(out, lambda text: text.str.len().gt(XLSX_CELL_LIMIT)):
        cut = series[long].str.slice(0, XLSX_CELL_LIMIT - len(TRUNCATED)) + TRUNCATED
        out[column] = series.where(~long, cut)
        warnings.warn(f"{int(long.sum())} cell(s) of column {column!r} in sheet {sheet!r} exceeded Excel's "
                      f"{XLSX_CELL_LIMIT:,} characters and were cut (marked '…truncated'); export CSV or "
                      f"Parquet for the full text", TruncatedCells, stacklevel=3)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, *, excel: bool = False, force: bool = False) -> Path:
    """Write what ``to_csv_bytes(frame, excel=excel)`` gives, streamed to the file; an existing file is kept
    unless ``force``."""

    def write(temporary: Path) -> None:
        with pa.OSFile(str(temporary), "wb") as sink:
            _write_csv(frame, sink, excel)

    return atomic_write(path, write, force=force)


def write_xlsx(frame: pd.DataFrame, path: str | Path, *, codebook: Codebook | None = None,
               force: bool = False) -> Path:
    """Write ``to_xlsx_bytes(frame, codebook=codebook)``; an existing file is kept unless ``force``."""
    return write_bytes(path, to_xlsx_bytes(frame, codebook=codebook), force=force)


def write_parquet(frame: pd.DataFrame, path: str | Path, *, force: bool = False) -> Path:
    """Write Parquet (pyarrow), keeping integer, float and text types; not neutralised (no spreadsheet reads it)."""
    return atomic_write(path, lambda temporary: frame.to_parquet(temporary, engine="pyarrow", index=False),
                        force=force)


FORMATS = ("csv", "xlsx", "parquet")


def table_format(path: str | Path, format: str | None = None) -> str:
    """The output format: ``format`` when given, otherwise the file's suffix (.csv, .xlsx or .parquet).

    >>> table_format("out.XLSX"), table_format("out.txt", "csv")
    ('xlsx', 'csv')
    """
    chosen = (format or Path(path).suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise UnsupportedExportFormat(f"cannot tell which format to write ({chosen or 'no suffix'})",
                                      place="--format" if format else path,
                                      fix="End the file name with .csv, .xlsx or .parquet, or give --format.")
    return chosen


def write_table(frame: pd.DataFrame, path: str | Path, *, format: str | None = None, excel: bool = False,
                codebook: Codebook | None = None, force: bool = False) -> Path:
    """Write ``frame`` as CSV, XLSX (with a codebook sheet when ``codebook``) or Parquet, by suffix or ``format``.

    >>> # write_table(coded_segments(project), "codings.xlsx", codebook=project.codebook())
    """
    chosen = table_format(path, format)
    if excel and chosen != "csv":
        raise UnsupportedExportFormat(f"--excel shapes CSV for Excel, and this export is {chosen}",
                                      place="--excel", fix="Leave out --excel (an .xlsx file opens in Excel as is).")
    if chosen == "csv":
        return write_csv(frame, path, excel=excel, force=force)
    if chosen == "xlsx":
        return write_xlsx(frame, path, codebook=codebook, force=force)
    return write_parquet(frame, path, force=force)
