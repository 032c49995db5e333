"""Code frequencies: segments, documents, words and share of the group's segments, overall or by an attribute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.analysis.units import check_attribute, code_order, codebook_of, coded_units, labels_of, segment_table

if TYPE_CHECKING:
    from qualcoder.project import Project


def code_frequencies(project: Project, by: str | None = None, *, coders: Sequence[str] | None = None,
                     sources: Sequence[str] | None = None, codes: Sequence[str] | None = None,
                     level: int | None = None, include_suggestions: bool = False, label_language: str = "fr",
                     where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """How often each code is present: columns ``[by]``, code, label, segments, documents, words, share.

    ``segments`` counts the segments where the code is present, ``documents`` the documents holding at least
    one of them, ``words`` the words of those segments, ``share`` = segments / all segments of the group.
    Only codes present at least once are listed, in codebook order.

    >>> # code_frequencies(project, "profession", level=1).head()
    """
    table = segment_table(project, where)
    if by is not None:
        check_attribute(table, by)
    units = coded_units(project, coders=coders, sources=sources, codes=codes, level=level,
                        include_suggestions=include_suggestions, table=table)
    keys = [by] if by else []
    counts = (units.groupby([*keys, "code"], sort=False)
              .agg(segments=("segment_id", "size"), documents=("doc_id", "nunique"), words=("words", "sum"))
              .reset_index())
    if by:
        totals = table.groupby(by).size().rename("_total").reset_index()
        counts = counts.merge(totals, on=by, how="left")
    else:
        counts["_total"] = len(table)
    counts["share"] = (counts["segments"] / counts["_total"]).round(4)
    book = codebook_of(project)
    labels = labels_of(book, label_language)
    counts.insert(len(keys) + 1, "label", counts["code"].map(lambda c: labels.get(c, c)))
    rank = {c: i for i, c in enumerate(code_order(book, counts["code"]))}
    counts = counts.assign(_rank=counts["code"].map(rank)).sort_values([*keys, "_rank"])
    columns = [*keys, "code", "label", "segments", "documents", "words", "share"]
    return counts[columns].astype({"segments": int, "documents": int, "words": int}).reset_index(drop=True)
