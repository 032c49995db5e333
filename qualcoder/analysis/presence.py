"""The code-presence matrix: one row per segment or document, one 0/1 column per code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import check_choice
from qualcoder.analysis.units import code_order, codebook_of, coded_units, segment_table, selected_codes

if TYPE_CHECKING:
    from qualcoder.project import Project

UNITS = ("segment", "document")
_ID_COLUMNS = {"segment": ["segment_id", "doc_id", "doc", "position", "speaker"], "document": ["doc_id", "doc"]}


def presence_array(units: pd.DataFrame, ids: pd.Series, codes: Sequence[str], id_column: str = "segment_id"
                   ) -> np.ndarray:
    """len(ids) x len(codes) array of 0/1: 1 where ``units`` has that (id, code)."""
    matrix = np.zeros((len(ids), len(codes)), dtype=np.int8)
    rows = pd.Index(ids).get_indexer(units[id_column])
    columns = pd.Index(codes).get_indexer(units["code"])
    keep = (rows >= 0) & (columns >= 0)
    matrix[rows[keep], columns[keep]] = 1
    return matrix


def presence_matrix(project: Project, *, unit: str = "segment", codes: Sequence[str] | None = None,
                    coders: Sequence[str] | None = None, sources: Sequence[str] | None = None,
                    level: int | None = None, include_suggestions: bool = False) -> pd.DataFrame:
    """Id columns (segment: segment_id, doc_id, doc, position, speaker; document: doc_id, doc), then one 0/1
    column per code (the codebook's codes, or ``codes``, rolled up to ``level``). Uncoded units are rows of 0.

    >>> # presence_matrix(project, unit="document", level=1).set_index("doc").sum()
    """
    check_choice(unit, UNITS, "--unit")
    table = segment_table(project)
    book = codebook_of(project)
    units = coded_units(project, coders=coders, sources=sources, codes=codes, level=level,
                        include_suggestions=include_suggestions, table=table)
    columns = selected_codes(book, codes, level)
    columns += code_order(book, set(units["code"]) - set(columns))
    if unit == "segment":
        ids = table.sort_values(["doc_id", "position"])[_ID_COLUMNS["segment"]].reset_index(drop=True)
        matrix = presence_array(units, ids["segment_id"], columns)
    else:
        ids = table.drop_duplicates("doc_id").sort_values("doc_id")[_ID_COLUMNS["document"]].reset_index(drop=True)
        matrix = presence_array(units, ids["doc_id"], columns, id_column="doc_id")
    return pd.concat([ids, pd.DataFrame(matrix, columns=columns).astype(int)], axis=1)
