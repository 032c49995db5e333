"""The presence/absence matrix: text segments x forms, sparse, on the active forms chosen by part of speech.

A form is a lemma with its part of speech (``lemmas="spacy"``: the stored spaCy lemma, its part of speech from
Lexique; ``"lexique"``: Lexique's lemma of the word form, as IRaMuTeQ does; ``"forms"``: the word form itself).
Active forms (by default nouns, verbs, adjectives, adverbs and unrecognised forms, seen in at least
``min_freq`` segments, the ``max_forms`` most frequent) make the matrix the classification reads; the others are
supplementary forms, kept to describe the classes. Segments with fewer than ``min_forms`` active forms can be
joined with the next segments of the same document into context units, as rainette's ``min_segment_size``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from qualcoder.lexico.errors import InvalidLexicoOption
from qualcoder.lexico.lexicon import ACTIVE_POS, POS_KEYS, english_stop_words, lexique
from qualcoder.lexico.segments import TextSegments

LEMMAS = ("spacy", "lexique", "forms")


@dataclass
class Forms:
    """Every form seen (``table``: form, pos, segments, active) and the segments x forms presence matrix (CSR,
    0/1) over all of them; ``active_matrix`` keeps the active columns only, in ``active_ids`` order."""

    table: pd.DataFrame
    matrix: sparse.csr_matrix

    @property
    def active_ids(self) -> np.ndarray:
        return np.flatnonzero(self.table["active"].to_numpy())

    @property
    def active_matrix(self) -> sparse.csr_matrix:
        return self.matrix[:, self.active_ids]


def tagger(lemmas: str, language: str):
    """A function (form, stored lemma) -> (lemma, pos) for this lemma source and language."""
    if lemmas not in LEMMAS:
        raise InvalidLexicoOption(f"{lemmas!r} is not a lemma source", place="--lemmas",
                                  fix=f"Use one of: {', '.join(LEMMAS)}.")
    if language == "en":
        if lemmas == "lexique":
            raise InvalidLexicoOption("Lexique 3.83 is a French lexicon", place="--lemmas",
                                      fix="Use --lemmas spacy or forms for English.")
        stops = english_stop_words()

        def english(form: str, lemma: str) -> tuple[str, str]:
            word = form if lemmas == "forms" else lemma
            return word, "stop" if word in stops or form in stops else "nr"

        return english
    lexicon = lexique()
    if lemmas == "spacy":
        return lambda form, lemma: (lemma, lexicon.pos_of_lemma(lemma))
    if lemmas == "lexique":
        return lambda form, lemma: lexicon.tag_form(form)
    return lambda form, lemma: (form, lexicon.tag_form(form)[1])


def build_forms(segments: TextSegments, lemmas: str = "spacy", language: str = "fr",
                active_pos: tuple[str, ...] = ACTIVE_POS, min_freq: int = 3, max_forms: int | None = 3000,
                names: frozenset[str] = frozenset()) -> Forms:
    """The forms of the segments and their presence matrix. Words of ``names`` (the speakers' and attendees'
    names, titles) get the part of speech ``name``: supplementary unless asked for.

    >>> # forms = build_forms(segments, lemmas="lexique"); forms.table.query("active").head()
    """
    unknown = [p for p in active_pos if p not in POS_KEYS]
    if unknown:
        raise InvalidLexicoOption(f"unknown part(s) of speech {', '.join(unknown)}", place="--active",
                                  fix=f"Use some of: {', '.join(POS_KEYS)}.")
    tag = tagger(lemmas, language)
    cache: dict[tuple[str, str], int] = {}
    keys: dict[tuple[str, str], int] = {}
    rows, columns = [], []
    for row, (forms, stored) in enumerate(zip(segments.forms, segments.lemmas)):
        seen = set()
        for pair in zip(forms, stored):
            column = cache.get(pair)
            if column is None:
                key = ((pair[0], "name") if pair[0] in names else tag(*pair))
                column = cache[pair] = keys.setdefault(key, len(keys))
            if column not in seen:
                seen.add(column)
                rows.append(row)
                columns.append(column)
    n = len(segments.forms)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(n, len(keys)))
    frequency = np.asarray(matrix.sum(axis=0)).ravel().astype(int)
    table = pd.DataFrame({"form": [k[0] for k in keys], "pos": [k[1] for k in keys], "segments": frequency})
    candidate = table["pos"].isin(active_pos) & (table["segments"] >= min_freq)
    chosen = table[candidate].sort_values(["segments", "form"], ascending=[False, True])
    if max_forms is not None:
        chosen = chosen.head(max_forms)
    table["active"] = table.index.isin(chosen.index)
    return Forms(table, matrix)


def context_units(doc_ids: np.ndarray, matrix: sparse.csr_matrix, min_forms: int) -> np.ndarray:
    """The context unit of each segment: consecutive segments of one document joined until the unit holds at
    least ``min_forms`` distinct active forms; a short last unit joins the one before it in its document.
    ``min_forms=0`` keeps every segment its own unit.

    >>> m = sparse.csr_matrix(np.array([[1, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1]]))
    >>> context_units(np.array([1, 1, 1, 2]), m, 2).tolist()
    [0, 1, 1, 2]
    """
    n = matrix.shape[0]
    if min_forms <= 0:
        return np.arange(n)
    units = np.empty(n, dtype=np.int64)
    indptr, indices = matrix.indptr, matrix.indices
    unit, present, start_doc = -1, set(), None
    for row in range(n):
        if unit < 0 or doc_ids[row] != start_doc or len(present) >= min_forms:
            if unit >= 0 and doc_ids[row] != start_doc and len(present) < min_forms:
                _join_previous(units, row, unit, doc_ids)
            unit += 1
            present, start_doc = set(), doc_ids[row]
        units[row] = unit
        present.update(indices[indptr[row]:indptr[row + 1]].tolist())
    if n and len(present) < min_forms:
        _join_previous(units, n, unit, doc_ids)
    _, units = np.unique(units, return_inverse=True)
    return units


def _join_previous(units: np.ndarray, end: int, unit: int, doc_ids: np.ndarray) -> None:
    """Give the rows of the short ``unit`` (just before ``end``) to the unit before it, if in the same document."""
    rows = np.flatnonzero(units[:end] == unit)
    before = rows[0] - 1
    if before >= 0 and doc_ids[before] == doc_ids[rows[0]]:
        units[rows] = units[before]


def unit_matrix(units: np.ndarray, matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Units x forms presence matrix: a form is present in a unit when one of its segments holds it."""
    n_units = int(units.max()) + 1 if len(units) else 0
    membership = sparse.csr_matrix((np.ones(len(units)), (units, np.arange(len(units)))),
                                   shape=(n_units, len(units)))
    joined = (membership @ matrix).tocsr()
    joined.data[:] = 1.0
    return joined
