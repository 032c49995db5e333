"""IRaMuTeQ corpora: one text per document, speaker turn or segment, opened by a star line of variables.

IRaMuTeQ's rules: a text starts with ``**** *name_value *name2_value2``; variable names and values hold no
space or special character (names here keep ASCII letters and digits only, values keep letters, digits and
``-``, anything else becomes ``_``); no line of text starts with ``*``; the file is UTF-8.

>>> # write_corpus(project, "corpus.txt", by="turn", attributes=["type", "profession", "date"])
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from qualcoder.export.errors import ExportError, UnknownFilter, write_bytes
from qualcoder.export.tabular import document_table
from qualcoder.project import Project

UNITS = ("document", "turn", "segment")
SPEAKER_FIELDS = ["speaker", "profession", "role"]
_FIXED = ["doc", "type", "language", "date"]
_NOT_A_VALUE = re.compile(r"[^\w-]+")
_STARRED_LINE = re.compile(r"^(\s*-?)\*+", re.MULTILINE)
SHORT_VALUE = 40  # document attributes with longer values (titles, agendas) are left out by default


def variable_name(name: str) -> str:
    """An IRaMuTeQ variable name: ASCII letters and digits only (``_`` separates name from value).

    >>> variable_name("minute_taker"), variable_name("année")
    ('minutetaker', 'annee')
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]", "", ascii_name).lower()


def variable_value(value: object) -> str:
    """An IRaMuTeQ modality: accents kept, every run of spaces or special characters turned into ``_``.

    >>> variable_value("médecin généraliste"), variable_value("2004-03-11"), variable_value("C'est *fini*")
    ('médecin_généraliste', '2004-03-11', 'C_est_fini')
    """
    return _NOT_A_VALUE.sub("_", unicodedata.normalize("NFC", str(value))).strip("_")


def clean_text(text: str) -> str:
    """Text safe inside a corpus: stars at a line's start (IRaMuTeQ's markers) are dropped.

    >>> clean_text("a\\n**** b\\n-*theme c")
    'a\\n b\\n-theme c'
    """
    return _STARRED_LINE.sub(r"\1", text)


def star_line(variables: dict[str, object]) -> str:
    """``**** *name_value ...`` for the variables that have a value.

    >>> star_line({"type": "minutes", "profession": "médecin généraliste", "date": None})
    '**** *type_minutes *profession_médecin_généraliste'
    """
    parts = ["****"]
    for name, value in variables.items():
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        modality = variable_value(value)
        if modality:
            parts.append(f"*{variable_name(name)}_{modality}")
    return " ".join(parts)


def corpus_units(project: Project, by: str = "document") -> pd.DataFrame:
    """The texts to write, one row per document, speaker turn or segment, with their attributes and ``text``.

    Documents without speaker turns are one text each when ``by="turn"``.
    """
    if by not in UNITS:
        raise ExportError(f"{by!r} is not a unit", place="--by", fix=f"Use one of: {', '.join(UNITS)}.")
    documents = document_table(project)
    texts = project.texts()
    if by == "document":
        units = documents[["doc_id"]].copy()
        units["text"] = units["doc_id"].map(texts)
    elif by == "segment":
        units = project.segments_df(with_text=True)[["doc_id", "segment_id", *SPEAKER_FIELDS, "text"]]
    else:
        units = _turns(project, texts)
    units = units.merge(documents, on="doc_id", how="left")
    return units[[c for c in units.columns if c != "text"] + ["text"]]


def _turns(project: Project, texts: dict[int, str]) -> pd.DataFrame:
    rows = []
    turns = project.turns()
    for doc_id, text in sorted(texts.items()):
        spans = turns.get(doc_id) or []
        if not spans:
            rows.append({"doc_id": doc_id, "turn": None, "speaker": None, "text": text})
        for position, turn in enumerate(spans):
            rows.append({"doc_id": doc_id, "turn": position, "speaker": turn.speaker,
                         "text": text[turn.start:turn.end]})
    frame = pd.DataFrame(rows, columns=["doc_id", "turn", "speaker", "text"])
    speakers = project.speakers_df()[["doc_id", "speaker", "profession", "role"]]
    return frame.merge(speakers, on=["doc_id", "speaker"], how="left")


def default_attributes(units: pd.DataFrame, by: str) -> list[str]:
    """doc, type, language, date, the documents' short one-word-ish attributes, and speaker fields for turns and
    segments."""
    chosen = list(_FIXED) + (SPEAKER_FIELDS if by != "document" else [])
    for column in units.columns:
        if column in chosen or column in ("doc_id", "segment_id", "turn", "text", "organisation", "section"):
            continue
        values = units[column].dropna().astype(str)
        if len(values) and values.str.len().max() <= SHORT_VALUE and not values.str.startswith(("[", "{")).any():
            chosen.append(column)
    return chosen


def render_corpus(units: pd.DataFrame, attributes: list[str]) -> str:
    """The corpus text: a star line then the text, for each unit whose text is not blank."""
    names = [variable_name(a) for a in attributes]
    for attribute, name in zip(attributes, names):
        if not name:
            raise ExportError(f"the attribute {attribute!r} has no letter or digit to name an IRaMuTeQ variable",
                              place="--attributes", fix="Leave it out.")
    if len(set(names)) < len(names):
        clash = sorted({a for a, n in zip(attributes, names) if names.count(n) > 1})
        raise ExportError(f"the attributes {', '.join(clash)} give the same IRaMuTeQ variable name",
                          place="--attributes", fix="Keep only one of them.")
    blocks = []
    for row in units[[*attributes, "text"]].itertuples(index=False):
        body = clean_text(row[-1]).strip("\n")
        if body.strip():
            blocks.append(star_line(dict(zip(attributes, row[:-1]))) + "\n" + body + "\n")
    return "\n".join(blocks)


def write_corpus(project: Project, path: str | Path, *, by: str = "document", attributes: list[str] | None = None,
                 force: bool = False) -> Path:
    """Write an IRaMuTeQ corpus (UTF-8) of the project's texts, one per document, turn or segment.

    ``attributes`` names the variables of the star lines (columns of ``corpus_units``: doc, type, language,
    date, the documents' attributes, and speaker, profession, role for turns and segments).

    >>> # write_corpus(project, "corpus.txt", by="turn", attributes=["type", "profession", "date"])
    """
    units = corpus_units(project, by)
    if attributes is None:
        attributes = default_attributes(units, by)
    valid = [c for c in units.columns if c not in ("text", "doc_id")]
    for attribute in attributes:
        if attribute not in valid:
            raise UnknownFilter(f"there is no attribute {attribute!r} for texts by {by}", place="--attributes",
                                fix=f"Use some of: {', '.join(valid)}.")
    return write_bytes(path, render_corpus(units, attributes).encode("utf-8"), force=force)
