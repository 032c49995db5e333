"""The framework matrix (NVivo's framework matrix, MAXQDA's summary grid): cases × codes, each cell the coded
excerpts of that case and code, with the researcher's own summary of the cell, stored.

Cases are the values of a segment attribute (speaker, doc, profession, any document attribute...). A coding belongs
to the case of the segments it covers (half the segment or half the coding, the rule every table uses); with
``level`` or a parent among ``codes`` it counts for the rolled-up code, as in ``coded_units``.

>>> # matrix = framework_matrix(project, "speaker", codes=["professionnalisation.avantages",
>>> #                                                      "professionnalisation.inconvenients"],
>>> #                           where={"profession": ["coordinatrice du réseau"]})
>>> # matrix.counts(); matrix.cell("Mme Aubert", "professionnalisation.avantages")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.analysis.errors import InvalidOption, NothingToAnalyse
from qualcoder.analysis.units import (
    check_attribute,
    code_order,
    code_targets,
    codebook_of,
    labels_of,
    segment_table,
    select_codings,
    selected_codes,
)
from qualcoder.coding.overlap import covered_segments

if TYPE_CHECKING:
    from qualcoder.project import Project
    from qualcoder.store.journal import Changes

EXCERPT_COLUMNS = ["row", "code", "coding_id", "doc", "speaker", "start", "end", "coder", "text"]


@dataclass
class FrameworkMatrix:
    """A framework matrix: ``excerpts`` (one row per coding in a cell) and the stored ``summaries``."""

    name: str
    rows: str
    row_values: list[str]
    codes: list[str]
    labels: dict[str, str]
    excerpts: pd.DataFrame
    summaries: pd.DataFrame  # row, code, summary, author, updated_at

    def counts(self) -> pd.DataFrame:
        """Cases × codes: how many codings each cell holds."""
        table = self.excerpts.groupby(["row", "code"]).size().unstack(fill_value=0)
        return table.reindex(index=self.row_values, columns=self.codes, fill_value=0).rename_axis(index=self.rows,
                                                                                                  columns="code")

    def cell(self, row: str, code: str) -> pd.DataFrame:
        """The excerpts of one cell, in document order."""
        mine = self.excerpts[(self.excerpts["row"] == row) & (self.excerpts["code"] == code)]
        return mine.sort_values(["doc", "start"]).reset_index(drop=True)

    def summary(self, row: str, code: str) -> str:
        found = self.summaries[(self.summaries["row"] == row) & (self.summaries["code"] == code)]
        return str(found["summary"].iloc[0]) if len(found) else ""

    def long(self) -> pd.DataFrame:
        """One row per cell: case, code, label, count, summary, and the excerpts joined (for CSV and XLSX)."""
        rows = []
        counts = self.counts()
        for row in self.row_values:
            for code in self.codes:
                excerpts = self.cell(row, code)
                rows.append({self.rows: row, "code": code, "label": self.labels.get(code, code),
                             "codings": int(counts.loc[row, code]), "summary": self.summary(row, code),
                             "excerpts": "\n\n".join(f"«{t}» ({d})" for t, d in zip(excerpts["text"], excerpts["doc"]))})
        return pd.DataFrame(rows)


def framework_matrix(project: Project, rows: str = "speaker", *, codes: Sequence[str] | None = None,
                     level: int | None = None, coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                     where: Mapping[str, Sequence[str]] | None = None, name: str = "default",
                     language: str = "fr") -> FrameworkMatrix:
    """Build the matrix of cases (the values of ``rows``) × ``codes`` (or every code at ``level``)."""
    book = codebook_of(project)
    table = segment_table(project)
    check_attribute(table, rows, "--rows")
    for column, values in (where or {}).items():
        check_attribute(table, column, "--where")
        table = table[table[column].isin(list(values))]
    if table.empty:
        raise NothingToAnalyse("no segment matches --where", place="--where", fix="Loosen the filter.")
    wanted = selected_codes(book, codes, level)
    codings = select_codings(project, coders=coders, sources=sources)
    excerpts = _excerpts(table, codings, book, codes, level, rows)
    excerpts = excerpts[excerpts["code"].isin(wanted)]
    row_values = sorted(table[rows].unique().tolist())
    stored = project.framework_summaries(name, rows)
    return FrameworkMatrix(name, rows, row_values, code_order(book, wanted), labels_of(book, language), excerpts,
                           stored)


def _excerpts(table: pd.DataFrame, codings: pd.DataFrame, book, codes, level, rows: str) -> pd.DataFrame:
    """One row per (case, code, coding): each coding in the case of the first segment it covers."""
    if codings.empty:
        return pd.DataFrame(columns=EXCERPT_COLUMNS)
    keyed = codings.reset_index(drop=True)
    found = covered_segments(table[["segment_id", "doc_id", "start", "end"]], keyed.assign(code=keyed.index.astype(str)),
                             "half_either")
    first: dict[int, int] = {}
    for segment_id in sorted(found):
        for key in found[segment_id]:
            first.setdefault(int(key), segment_id)
    if not first:
        return pd.DataFrame(columns=EXCERPT_COLUMNS)
    picked = keyed.loc[list(first)].assign(segment_id=list(first.values()))
    segments = table.set_index("segment_id")
    picked = picked.assign(row=segments.loc[picked["segment_id"], rows].to_numpy(),
                           doc=segments.loc[picked["segment_id"], "doc"].to_numpy(),
                           speaker=segments.loc[picked["segment_id"], "speaker"].to_numpy())
    targets = code_targets(book, picked["code"].unique().tolist(), codes, level)
    picked = picked.merge(targets, on="code").drop(columns="code").rename(columns={"target": "code", "id": "coding_id",
                                                                                   "snippet": "text"})
    return picked[EXCERPT_COLUMNS].reset_index(drop=True)


def set_summary(project: Project, actor: str, rows: str, row: str, code: str, text: str, *, name: str = "default") -> None:
    """Write (or clear, with ``""``) the researcher's summary of a cell; undoable."""
    if not rows or not row or not code:
        raise InvalidOption("a cell is named by its rows attribute, its case and its code", place="framework",
                            fix="Give --rows, the case and the code.")
    from qualcoder.store.journal import now  # here: the store's tables are not needed to read a matrix

    text = (text or "").strip()

    def work(changes: Changes) -> None:
        found = changes.rows("framework_summaries", matrix=name, rows=rows, row_value=row, code=code)
        if found and not text:
            changes.delete("framework_summaries", found[0]["id"])
        elif found:
            changes.update("framework_summaries", found[0]["id"], {"summary": text, "author": actor,
                                                                  "updated_at": now()})
        elif text:
            changes.insert("framework_summaries", {"matrix": name, "rows": rows, "row_value": row, "code": code,
                                                   "summary": text, "author": actor, "updated_at": now()})

    project.act(actor, "framework-summary", f"summary of {row} × {code} ({name})", work)
