"""What counts: the segments with their attributes, and which codes are present in each (``coded_units``).

A code is present in a segment when one of the selected codings covers half the segment or half the coding
(``overlap.covered_segments`` with ``half_either``, the rule agreement uses). Every table of this package is
built from these two frames, so they all count the same things.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import InvalidOption, NothingToAnalyse, UnknownAttribute, UnknownCodeOption, valid_values
from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebook import Codebook
from qualcoder.coding.overlap import covered_segments
from qualcoder.ingest.speakers import position_label

if TYPE_CHECKING:
    from qualcoder.project import Project

ATTRIBUTES = ["speaker", "profession", "role", "organisation", "type", "language", "doc", "section", "network",
              "period", "year", "month", "quarter"]
"""Segment attributes one can group by; a project adds its documents' own attributes (see ``attributes``)."""

UNKNOWN = "(unknown)"
NO_DATE = "(no date)"
DATE_ATTRIBUTES = ("period", "year", "month", "quarter")
_DOCUMENT_COLUMNS = {"doc_id", "name", "type", "language", "date", "format", "n_chars", "sha256", "source_path",
                     "n_words", "text"}


def attributes(project: Project) -> list[str]:
    """``ATTRIBUTES`` plus the project's document attributes with single values (site, title, ...).

    >>> # attributes(project)[-3:] -> ['site', 'title', 'venue']
    """
    documents = project.documents_df(with_text=False)
    return ATTRIBUTES + [c for c in _document_attributes(documents).columns if c not in ATTRIBUTES and c != "doc_id"]


def _document_attributes(documents: pd.DataFrame) -> pd.DataFrame:
    """doc_id and the document attribute columns holding plain values (lists such as attendees are left out)."""
    keep = ["doc_id"]
    for column in documents.columns:
        if column in _DOCUMENT_COLUMNS:
            continue
        values = documents[column].dropna()
        if values.map(lambda v: isinstance(v, str | int | float | bool)).all():
            keep.append(column)
    return documents[keep]


def segment_table(project: Project, where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """One row per segment: ids, offsets, ``words``, every attribute of ``attributes(project)``, no text.

    A speaker labelled by position (``Q``, ``R``, ``Speaker 2``) reads with its document, ``R (entretien-02.odt)``.
    Missing values read ``(unknown)``; the date attributes of undated documents read ``(no date)``.
    ``period`` is the year and quarter (``2004-Q1``), ``month`` is ``2004-01``. ``where`` keeps the segments
    whose attributes take one of the values given (``{"network": ["Northfield"], "language": ["en"]}``): the
    filter every table of the package accepts.
    """
    segments = project.segments_df(with_text=True)
    if segments.empty:
        raise NothingToAnalyse("the project has no segments", place="project",
                               fix="Import documents (`qualcoder import`) and run `qualcoder segment`.")
    segments["words"] = segments.pop("text").str.split().str.len().fillna(0).astype(int)
    documents = _document_attributes(project.documents_df(with_text=False))
    documents = documents.drop(columns=[c for c in documents.columns if c in segments.columns and c != "doc_id"])
    table = segments.merge(documents, on="doc_id", how="left")
    table = pd.concat([table, _date_parts(table["date"])], axis=1)
    labels = [c for c in table.columns if c not in ("segment_id", "doc_id", "start", "end", "position", "turn",
                                                      "words", "date", *DATE_ATTRIBUTES)]
    table[labels] = table[labels].astype(object).where(table[labels].notna(), UNKNOWN).astype(str)
    table["speaker"] = _speakers_as_people(table)
    return keep_where(table, where)


def _speakers_as_people(table: pd.DataFrame) -> pd.Series:
    """The speaker column with each position label (``Q``, ``R``, ``Speaker 2``) named with its document —
    ``R (entretien-02.odt)`` — so that the respondents of different interviews are not counted as one person."""
    positional = table["speaker"].map(position_label)
    return table["speaker"].where(~positional, table["speaker"] + " (" + table["doc"] + ")")


def keep_where(table: pd.DataFrame, where: Mapping[str, Sequence[str]] | None) -> pd.DataFrame:
    """The rows of a segment table whose attributes take one of the values given; an unknown attribute is
    ``[Q802]``, and a filter that keeps nothing is ``[Q805]`` naming it."""
    if not where:
        return table
    for attribute, values in where.items():
        check_attribute(table, attribute, "--where")
        table = table[table[attribute].isin([str(v) for v in values])]
    if table.empty:
        shown = "; ".join(f"{a} = {', '.join(map(str, v))}" for a, v in where.items())
        raise NothingToAnalyse(f"no segment has {shown}", place="--where",
                               fix="Widen the filter (the values are case-sensitive; `qualcoder segments` lists them).")
    return table.reset_index(drop=True)


def _date_parts(dates: pd.Series) -> pd.DataFrame:
    parts = dates.astype(str).str.extract(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}))?")
    month_number = pd.to_numeric(parts["month"], errors="coerce")
    quarter = parts["year"] + "-Q" + ((month_number - 1) // 3 + 1).astype("Int64").astype(str)
    frame = pd.DataFrame({
        "year": parts["year"],
        "month": parts["year"] + "-" + parts["month"],
        "quarter": quarter.where(month_number.notna()),
    }, index=dates.index)
    frame["period"] = frame["quarter"]
    return frame.fillna(NO_DATE).astype(str)


def check_attribute(table: pd.DataFrame, by: str, option: str = "--by") -> str:
    """``by`` when the segment table has that attribute, else an error listing the valid ones."""
    valid = ATTRIBUTES + [c for c in table.columns if c not in ATTRIBUTES and c not in _NOT_ATTRIBUTES]
    if by not in valid or by not in table.columns:
        raise UnknownAttribute(f"there is no attribute {by!r}", place=option,
                               fix=f"Group by one of: {valid_values(c for c in valid if c in table.columns)}.")
    return by


_NOT_ATTRIBUTES = {"segment_id", "doc_id", "start", "end", "position", "turn", "words", "date"}


# -- the codebook and the code selection ----------------------------------------------------------------------

def codebook_of(project: Project) -> Codebook:
    if not project.has_codebook():
        raise NothingToAnalyse("this project has no codebook", place="project",
                               fix="Load one with `qualcoder codebook load codebooks/FILE.yaml`.")
    return project.codebook()


def code_order(book: Codebook, codes: Sequence[str]) -> list[str]:
    """``codes`` in codebook order (codes outside the codebook last, sorted)."""
    rank = {c.id: i for i, c in enumerate(book.codes)}
    return sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c))


def labels_of(book: Codebook, language: str = "fr") -> dict[str, str]:
    return {c.id: c.label.get(language) or c.label.get("en") or c.id for c in book.codes}


def _ancestors(book: Codebook) -> dict[str, list[str]]:
    """code -> [itself, its parent, ..., its top theme]."""
    parents = {c.id: c.parent for c in book.codes}
    chains = {}
    for code in parents:
        chain, current = [code], parents[code]
        while current is not None:
            chain.append(current)
            current = parents.get(current)
        chains[code] = chain
    return chains


def selected_codes(book: Codebook, codes: Sequence[str] | None, level: int | None) -> list[str]:
    """The codes a table shows: ``codes`` as given, else every codebook code at or above ``level``."""
    check_level(level)
    if codes:
        check_codes(book, codes, level)
        return list(dict.fromkeys(codes))
    return [c.id for c in book.codes if level is None or book.depth(c.id) < level]


def check_level(level: int | None) -> None:
    if level is not None and (not isinstance(level, int) or level < 1):
        raise InvalidOption(f"the level {level!r} is not a positive whole number", place="--level",
                            fix="Give 1 for the top themes, 2 for their children, ...")


def check_codes(book: Codebook, codes: Sequence[str], level: int | None = None) -> None:
    known = [c.id for c in book.codes]
    for code in codes:
        if code not in known:
            raise UnknownCodeOption(f"the code {code!r} is not in the codebook", place="--codes",
                                    fix=f"Use codebook ids: {valid_values(known)}.")
        if level is not None and book.depth(code) >= level:
            raise InvalidOption(f"the code {code!r} lies below --level {level}", place="--codes",
                                fix=f"Raise --level to {book.depth(code) + 1} or name its top theme.")


def code_targets(book: Codebook, present: Sequence[str], codes: Sequence[str] | None, level: int | None
                 ) -> pd.DataFrame:
    """code -> the code(s) it counts for: rolled up to ``level``, then kept when it is, or lies under, one of
    ``codes``. A parent named in ``codes`` thus counts the union of its subtree."""
    chains = _ancestors(book)
    wanted = None if not codes else set(codes)
    rows = []
    for code in present:
        chain = chains.get(code, [code])
        if level is not None:
            chain = chain[max(len(chain) - level, 0):]  # drop the levels below ``level``
        rolled = chain[0]
        if wanted is None:
            rows.append((code, rolled))
        else:
            rows.extend((code, target) for target in chain if target in wanted)
    return pd.DataFrame(rows, columns=["code", "target"])


# -- codings to coded units --------------------------------------------------------------------------------

def select_codings(project: Project, *, coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                   include_suggestions: bool = False) -> pd.DataFrame:
    """The codings that count: status applied or accepted (plus suggested ones when asked), of these coders
    and sources."""
    codings = project.stored_codings()
    statuses = [*COUNTED_STATUSES, "suggested"] if include_suggestions else list(COUNTED_STATUSES)
    codings = codings[codings["status"].isin(statuses)]
    for column, wanted, option in (("coder", coders, "--coders"), ("source", sources, "--sources")):
        if not wanted:
            continue
        known = sorted(set(codings[column]))
        for value in wanted:
            if value not in known:
                raise InvalidOption(f"no counted coding has the {column} {value!r}", place=option,
                                    fix=f"Use one of: {valid_values(known)}.")
        codings = codings[codings[column].isin(wanted)]
    return codings.rename(columns={"document_id": "doc_id"})


def coded_units(project: Project, *, coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                codes: Sequence[str] | None = None, include_suggestions: bool = False, level: int | None = None,
                table: pd.DataFrame | None = None, where: Mapping[str, Sequence[str]] | None = None
                ) -> pd.DataFrame:
    """One row per (segment, code) where the code is present: segment_id, doc_id, code, coders (who applied
    it), n_coders, then the segment's attributes (doc, speaker, profession, ..., period, words).

    ``codes`` keeps those codes; a parent code among them counts wherever it or any code below it is present.
    ``level=1`` rolls every code up to its top theme (2: to the second level, ...).

    >>> # coded_units(project, coders=["coder_a"], level=1).groupby("code").size()
    """
    book = codebook_of(project)
    table = segment_table(project, where) if table is None else table
    check_level(level)
    if codes:
        check_codes(book, codes, level)
    codings = select_codings(project, coders=coders, sources=sources, include_suggestions=include_suggestions)
    pairs = _covered_pairs(table, codings)
    targets = code_targets(book, pairs["code"].unique().tolist(), codes, level)
    pairs = pairs.merge(targets, on="code").drop(columns="code").rename(columns={"target": "code"})
    units = _who_coded(pairs)
    rank = {c: i for i, c in enumerate(code_order(book, units["code"].unique()))}
    units = units.assign(_rank=units["code"].map(rank)).sort_values(["segment_id", "_rank"]).drop(columns="_rank")
    units = units.merge(table, on="segment_id", how="left")
    first = ["segment_id", "doc_id", "code", "coders", "n_coders"]
    return units[first + [c for c in table.columns if c not in first]].reset_index(drop=True)


def _covered_pairs(table: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """segment_id, code, coder: one row per segment a coder's coding of a code covers."""
    # one pass over the codings: each (code, coder) pair travels through covered_segments as a number
    combos = codings[["code", "coder"]].drop_duplicates().reset_index(drop=True)
    keys = codings.merge(combos.reset_index(), on=["code", "coder"], how="left")["index"].astype(str)
    found = covered_segments(table[["segment_id", "doc_id", "start", "end"]], codings.assign(code=keys.to_numpy()),
                             "half_either")
    segment_ids = [sid for sid, found_keys in found.items() for _ in found_keys]
    combo_ids = [int(key) for found_keys in found.values() for key in found_keys]
    picked = combos.iloc[combo_ids].reset_index(drop=True)
    return pd.DataFrame({"segment_id": pd.Series(segment_ids, dtype="int64"), "code": picked["code"],
                         "coder": picked["coder"]})


def _who_coded(pairs: pd.DataFrame) -> pd.DataFrame:
    """segment_id, code, coders (``a, b``), n_coders, from one row per (segment, code, coder); vectorised over
    the (few) coders rather than joining strings group by group."""
    if pairs.empty:
        return pd.DataFrame({"segment_id": pd.Series(dtype="int64"), "code": pd.Series(dtype=object),
                             "coders": pd.Series(dtype=object), "n_coders": pd.Series(dtype="int64")})
    group = pairs.groupby(["segment_id", "code"], sort=True).ngroup().to_numpy()
    coder_index, coder_names = pd.factorize(pairs["coder"], sort=True)
    present = np.zeros((group.max() + 1, len(coder_names)), dtype=bool)
    present[group, coder_index] = True
    units = pairs.assign(_group=group).drop_duplicates("_group").sort_values("_group")[["segment_id", "code"]]
    coders = np.full(len(units), "", dtype=object)
    for column, coder in enumerate(coder_names):
        coders = coders + np.where(present[:, column], coder + ", ", "")
    return units.assign(coders=[c[:-2] for c in coders], n_coders=present.sum(axis=1)).reset_index(drop=True)
