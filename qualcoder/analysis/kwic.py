"""Keyword in context: every occurrence of a lemma, a phrase of lemmas or a regex, with its speaker and document."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.analysis.errors import InvalidQuery, NothingToAnalyse, check_choice
from qualcoder.analysis.tokens import place_in_segments, token_table
from qualcoder.analysis.units import segment_table

if TYPE_CHECKING:
    from qualcoder.project import Project

MODES = ("lemma", "phrase", "regex")
COLUMNS = ["doc", "speaker", "profession", "segment_id", "start", "end", "left", "match", "right"]
_SPACE = re.compile(r"\s+")


def kwic(project: Project, query: str, *, mode: str = "lemma", width: int = 60, language: str | None = None,
         case_sensitive: bool = False, where: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """One row per occurrence: doc, speaker, profession, segment_id, start, end, left, match, right (+ doc_id,
    language), in document order.

    ``lemma``: every inflected form of the query's lemma (``infirmier`` finds ``infirmières``); ``phrase``: the
    query's words as a sequence of lemmas (``prise en charge``); ``regex``: a Python regular expression on the
    text (case-insensitive unless ``case_sensitive``). Lemmas come from the stored parses; the query is
    lemmatised with the pipeline of each document language.

    >>> # kwic(project, "infirmier", width=40)[["doc", "left", "match", "right"]]
    """
    check_choice(mode, MODES, "--mode")
    if not query or not query.strip():
        raise InvalidQuery("the query is empty", place="QUERY", fix="Give a word, a phrase or a regex to find.")
    if not isinstance(width, int) or width < 0:
        raise InvalidQuery(f"the width {width!r} is not a whole number >= 0", place="--width", fix="Give e.g. 60.")
    documents = project.documents_df(with_text=True)
    if language is not None:
        check_choice(language, sorted(documents["language"].dropna().unique()), "--language")
        documents = documents[documents["language"] == language]
    texts = dict(zip(documents["doc_id"], documents["text"]))
    regex = mode == "regex"
    spans = _regex_spans(query, texts, case_sensitive) if regex else _lemma_spans(project, query, documents)
    table = segment_table(project, where)[["segment_id", "doc_id", "start", "end", "speaker", "profession"]]
    spans = place_in_segments(spans, table).sort_values(["doc_id", "start"], kind="stable")
    if where:  # only the occurrences inside the segments kept
        spans = spans[spans["segment_id"].isin(table["segment_id"])]
    names = dict(zip(documents["doc_id"], documents["name"]))
    languages = dict(zip(documents["doc_id"], documents["language"]))
    rows = zip(spans["doc_id"], spans["start"], spans["end"])
    contexts = [(_clean(texts[d][max(s - width, 0):s]), texts[d][s:e], _clean(texts[d][e:e + width])) for d, s, e in rows]
    found = spans.assign(doc=spans["doc_id"].map(names), language=spans["doc_id"].map(languages),
                         left=[c[0] for c in contexts], match=[c[1] for c in contexts],
                         right=[c[2] for c in contexts])
    return found[[*COLUMNS, "doc_id", "language"]].reset_index(drop=True)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text)


def _regex_spans(query: str, texts: dict[int, str], case_sensitive: bool) -> pd.DataFrame:
    from qualcoder.coding.patterns import PatternRefused, compile_pattern

    try:  # RE2, as for codebook patterns: a query such as (a+)+$ cannot hang the page
        pattern = compile_pattern(query, ignore_case=not case_sensitive)
    except PatternRefused as exc:
        raise InvalidQuery(f"the regex {query!r} cannot be searched ({exc})", place="QUERY",
                           fix="Fix the expression (no backreferences or lookarounds), or use --mode lemma or "
                               "phrase for plain words.") from exc
    rows = [(doc_id, start, end) for doc_id, text in texts.items() for start, end in pattern.finditer(text)
            if end > start]
    return pd.DataFrame(rows, columns=["doc_id", "start", "end"], dtype="int64")


def _lemma_spans(project: Project, query: str, documents: pd.DataFrame) -> pd.DataFrame:
    """Spans of the tokens whose lemmas match the query's lemmas (a sequence of them for a phrase)."""
    found = []
    for language, doc_ids in documents.groupby("language")["doc_id"]:
        tokens = token_table(project, doc_ids.tolist()) if len(doc_ids) else None
        if tokens is None or tokens.empty:
            continue
        from qualcoder.coding.rules import lemmatise  # here: the rules import spaCy, which start-up must not pay for

        wanted = lemmatise(project.nlp(str(language)), [query])[query]
        if not wanted:
            continue
        lemmas = tokens["lemma"].to_numpy(dtype=object)
        docs = tokens["doc_id"].to_numpy()
        size = len(wanted)
        if size == 1:
            hits = np.isin(lemmas, list({wanted[0], query.strip().lower()}))
        else:
            hits = np.ones(max(len(lemmas) - size + 1, 0), dtype=bool)
            for offset, lemma in enumerate(wanted):
                hits &= lemmas[offset:len(lemmas) - size + 1 + offset] == lemma
                hits &= docs[offset:len(docs) - size + 1 + offset] == docs[:len(docs) - size + 1]
        first = np.flatnonzero(hits)
        found.append(pd.DataFrame({"doc_id": docs[first], "start": tokens["start"].to_numpy()[first],
                                   "end": tokens["end"].to_numpy()[first + size - 1]}))
    if not found:
        raise NothingToAnalyse("no document of that language has a stored parse", place="--language",
                               fix="Run `qualcoder segment` to parse the documents.")
    return pd.concat(found, ignore_index=True)
