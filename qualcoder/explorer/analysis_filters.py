"""The filters every analysis view shares: which codings count (coders, sources, code level), which documents
(network, type, language) and the language of the code labels; a ``Query`` runs the cached API calls with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.explorer import state

if TYPE_CHECKING:
    from qualcoder.project import Project

DOCUMENT_FILTERS = ("network", "type", "language")
AUTO = "the documents' language"


@dataclass(frozen=True)
class Query:
    """The chosen filters, bound to the project's cached analysis calls."""

    folder: str
    revision: object
    selection: dict
    where: dict
    style: object
    attributes: list[str]
    _values: Callable[[str], list[str]]

    def call(self, function: str, *args, coded: bool = True, filtered: bool = True, extra_where: dict | None = None,
             **extra):
        """``qualcoder.analysis.<function>(project, *args, ...)`` with the coding selection (``coded``) and the
        document filters (``filtered``, plus ``extra_where``), cached per revision."""
        where = {**(self.where if filtered else {}), **(extra_where or {})}
        options = {**(self.selection if coded else {}), **({"where": where} if where else {}), **extra}
        return state.analysis(self.folder, self.revision, function, *args, **options)

    def values(self, attribute: str) -> list[str]:
        return self._values(attribute)


def selection(project: Project) -> Query:
    """Draw the filter bar and return the ``Query`` it sets."""
    from qualcoder import figures

    folder, revision = state.folder(), state.revision(project)
    index = state.segment_index(folder, revision)
    options = index.options
    table = state.analysis(folder, revision, "segment_table")
    cols = st.columns(3)
    coders = cols[0].multiselect("Coders (all when empty)", options["coder"], key="an_coders")
    sources = cols[1].multiselect("Sources (all when empty)", options["source"], key="an_sources")
    # top themes first: a dozen rows read at a glance; every code (50 in the demo) is one choice away
    level = cols[2].selectbox("Code level", [None, 1, 2, 3], index=1, key="an_level",
                              format_func=lambda v: "every code" if v is None else f"level {v}")
    cols = st.columns(len(DOCUMENT_FILTERS) + 1)
    where = {}
    for col, attribute in zip(cols, DOCUMENT_FILTERS):
        chosen = col.multiselect(f"Document {attribute} (all when empty)", _values(table, attribute),
                                 key=f"an_where_{attribute}")
        if chosen:
            where[attribute] = chosen
    book = state.codebook(folder, revision)
    languages = list(book.languages) if book else ["fr", "en"]
    labels = cols[-1].selectbox("Code labels in", [AUTO, *languages], key="an_labels")
    language = _auto_language(table, where, languages) if labels == AUTO else labels
    style = figures.CodeStyle.from_codebook(book, language) if book else figures.CodeStyle(language=language)
    return Query(folder, revision, {"coders": coders or None, "sources": sources or None, "level": level}, where,
                 style, state.analysis(folder, revision, "attributes"), lambda a: _values(table, a))


def _values(table, attribute: str) -> list[str]:
    return sorted(table[attribute].astype(str).unique()) if attribute in table.columns else []


def _auto_language(table, where: dict, languages: list[str]) -> str:
    """The language of the documents kept when they share one (English labels for the English MDTs), else the
    codebook's first language."""
    kept = table
    for attribute, values in where.items():
        kept = kept[kept[attribute].astype(str).isin(values)]
    found = kept["language"].unique().tolist() if "language" in kept.columns else []
    return found[0] if len(found) == 1 and found[0] in languages else languages[0]
