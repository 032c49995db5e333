"""The coding studio's parts: one document's text, structure and codings (cached per document and revision), the
data its document view draws, the queues that open a passage, and the checks between a view's event and a write.

Nothing here draws a widget; the page (``workbench.py``) and its callbacks (``actions.py``) call these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from qualcoder.coding import HUMAN_SOURCES
from qualcoder.coding.codebook import Codebook
from qualcoder.coding.overlap import covered_pairs
from qualcoder.errors import InvalidCoding, StaleView, UnknownDocument
from qualcoder.explorer.components.runs import ViewCoding, build_view, safe_colour
from qualcoder.explorer.state import CACHE_ENTRIES, open_project, segments
from qualcoder.models import Document
from qualcoder.project import Project
from qualcoder.store.repository import Revision

VIEW_KEY = "studio_view"
HIDDEN_STATUSES = ("rejected",)
RECENT_CODES = 8
QUOTE = 90


@dataclass(frozen=True)
class Layers:
    """Which codings the view shows besides the coder's own: other coders (all when ``others`` is None), rule
    codings, model suggestions."""

    others: tuple[str, ...] | None = None
    rules: bool = True
    model: bool = True


@dataclass(frozen=True)
class DocumentParts:
    """What a document view needs of a document besides its codings."""

    document: Document
    turns: tuple[tuple[int, int, str | None], ...]
    sections: tuple[tuple[int, str], ...]
    professions: dict[str, str]
    segments: tuple[tuple[int, int, int], ...]  # (segment_id, start, end) in text order


# reads ---------------------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def document_parts(folder: str, doc_id: int, documents_mark: tuple, segments_mark: tuple,
                   _revision: Revision) -> DocumentParts:
    """Keyed on the documents and the segmentation only (``_revision`` is not part of the key): a new coding does
    not read the text again."""
    project = open_project(folder)
    document = project.document(int(doc_id))
    turns = project.turns([document.id]).get(document.id, [])
    sections = project.sections([document.id]).get(document.id, [])
    professions = {label: job for label, job in project.document_speakers(document.id).items() if job}
    frame = segments(folder, _revision)
    mine = frame[frame["doc_id"] == document.id].sort_values("start")
    return DocumentParts(document, tuple((t.start, t.end, t.speaker) for t in turns),
                         tuple((s.start, s.title) for s in sections), professions,
                         tuple(zip(mine["segment_id"].tolist(), mine["start"].tolist(), mine["end"].tolist())))


def parts(folder: str, doc_id: int, revision: Revision) -> DocumentParts:
    return document_parts(folder, int(doc_id), revision.documents, revision.segments, revision)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def document_codings(folder: str, doc_id: int, revision: Revision) -> pd.DataFrame:
    """A resource, not data: read, never changed, by the page and the view (no pickled copy on each rerun)."""
    return open_project(folder).document_codings(int(doc_id))


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def built_view(folder: str, doc_id: int, revision: Revision, coder: str, layers: Layers) -> str:
    """The runs and codings of a document as the view draws them, as JSON (a resource: built and serialised once
    per revision, never copied)."""
    found = parts(folder, doc_id, revision)
    codings = shown_codings(document_codings(folder, doc_id, revision), coder, layers)
    view = build_view(found.document.text, codings, turns=found.turns, sections=found.sections,
                      professions=found.professions)
    return json.dumps(view, separators=(",", ":"))  # ASCII escapes: 40 % faster than ensure_ascii=False, same size


# what the view shows -------------------------------------------------------------------------------------------
def layer_of(source: str, coder: str, me: str) -> str:
    """``mine``, ``human`` (another coder's), ``rules`` or ``model``."""
    if source in HUMAN_SOURCES:
        return "mine" if coder == me else "human"
    return source if source in ("rules", "model") else "human"


def shown_codings(codings: pd.DataFrame, me: str, layers: Layers) -> list[ViewCoding]:
    """The codings of the layers shown (a rejected coding is never drawn)."""
    found = []
    columns = ("coding_id", "start", "end", "code", "coder", "source", "status")
    # plain lists, not itertuples: a third of the time on 2,000 codings
    for coding_id, start, end, code, coder, source, status in zip(*(codings[c].tolist() for c in columns)):
        if status in HIDDEN_STATUSES:
            continue
        layer = layer_of(source, coder, me)
        if (layer == "human" and layers.others is not None and coder not in layers.others) or (
                layer == "rules" and not layers.rules) or (layer == "model" and not layers.model):
            continue
        found.append(ViewCoding(int(coding_id), int(start), int(end), str(code), str(coder), str(source), str(status),
                                layer))
    return found


def other_language(language: str, book: Codebook | None) -> str:
    languages = [lang for lang in (book.languages if book else ("fr", "en")) if lang != language]
    return languages[0] if languages else language


def code_rows(book: Codebook | None, language: str) -> list[list]:
    """The code tree in order for the picker: ``[id, label, label in the other language, colour, depth]``."""
    if book is None:
        return []
    other = other_language(language, book)
    rows = []

    def visit(parent: str | None, depth: int) -> None:
        for code in book.children(parent):
            label = code.label.get(language) or next(iter(code.label.values()), code.id)
            rows.append([code.id, label, code.label.get(other, ""), safe_colour(code.color), depth])
            visit(code.id, depth + 1)

    visit(None, 0)
    return rows


def view_data(view: dict | str, found: DocumentParts, book: Codebook | None, coder: str, *,
              focus: dict | None = None, active: Iterable[int] = (), recent: Iterable[str] = (),
              height: str = "68vh", hint: str | None = None) -> str:
    """Everything the document view is given, as one JSON text. ``view`` is ``build_view``'s result or its JSON
    (``built_view``): a 300,000-character document's runs are serialised once per revision, not on every rerun
    (handed over as a dict, Streamlit would serialise them twice per rerun)."""
    document = found.document
    rest = {"doc": {"id": document.id, "sha": document.sha256, "name": document.name, "language": document.language},
            "codes": code_rows(book, document.language), "recent": list(recent),
            "segments": [[start, end] for _, start, end in found.segments], "focus": focus,
            "active": [int(i) for i in active], "coder": coder, "editable": bool(coder and book is not None),
            "height": height, "hint": hint}
    view_json = view if isinstance(view, str) else json.dumps(view, separators=(",", ":"))
    return '{"view":' + view_json + "," + json.dumps(rest, separators=(",", ":"))[1:]


def code_choices(book: Codebook | None, recent: Iterable[str]) -> list[str]:
    """Code ids for a pick list: recent codes first, then the tree in order."""
    ordered = [row[0] for row in code_rows(book, "fr")]
    first = [code for code in recent if code in ordered]
    return first + [code for code in ordered if code not in first]


def quote(text: str, limit: int = QUOTE) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


# events -> writes ----------------------------------------------------------------------------------------------
def _drawn_document(project: Project, event: dict) -> Document:
    """The document the event's page was drawn from, still as it was; ``[Q522]`` otherwise."""
    try:
        document = project.document(int(event["doc"]))
    except (UnknownDocument, KeyError, TypeError, ValueError):
        raise StaleView("the document shown is no longer in the project", place="coding studio",
                        fix="It was removed or re-imported meanwhile: reload the page and choose it again.") from None
    if event.get("sha") not in (None, document.sha256):
        raise StaleView("the document changed since the page was drawn", place=document.name,
                        fix="Reload the page and select the passage again.")
    return document


def _span(event: dict) -> tuple[int, int]:
    try:
        return int(event["start"]), int(event["end"])
    except (KeyError, TypeError, ValueError):
        raise InvalidCoding("the selection has no offsets", place="coding studio",
                            fix="Select the passage again.") from None


def apply_selection(project: Project, event: dict, coder: str) -> list[int]:
    """Apply the codes of an ``apply`` event to the selected passage (edge blanks trimmed, the text checked)."""
    document = _drawn_document(project, event)
    start, end = _span(event)
    return project.apply_codes(document.id, start, end, list(event.get("codes") or []), coder,
                               expected_text=event.get("text"))


def selected_passage(project: Project, selection: dict | None) -> tuple[str, str]:
    """``(text, document name)`` of the current selection, read from the stored text (an example for the codebook).

    >>> # selected_passage(project, {"doc": 3, "start": 10, "end": 42})
    """
    if not selection:
        raise InvalidCoding("no passage is selected", place="coding studio", fix="Select a passage first.")
    document = _drawn_document(project, selection)
    start, end = _span(selection)
    text = document.text[start:end].strip()
    if not text:
        raise InvalidCoding("the selection holds only blanks", place=document.name, fix="Select some words.")
    return text, document.name


def resize_to_selection(project: Project, coding_id: int, selection: dict | None, coder: str) -> tuple[int, int]:
    """Give a coding the span of the current selection, which must be in the coding's document."""
    if not selection:
        raise InvalidCoding("no passage is selected", place=f"coding {coding_id}",
                            fix="Select the new extent in the document first.")
    document = _drawn_document(project, selection)
    found = project.coding(int(coding_id))
    if found is not None and found["document_id"] != document.id:
        raise InvalidCoding("the selection is in another document than the coding", place=f"coding {coding_id}",
                            fix="Select the new extent in the coding's own document.")
    start, end = _span(selection)
    return project.resize_coding(int(coding_id), start, end, coder, expected_text=selection.get("text"))


# queues --------------------------------------------------------------------------------------------------------
def next_uncoded(all_segments: pd.DataFrame, coded: pd.DataFrame, after: tuple[int, int] | None) -> dict | None:
    """The first segment after ``after`` = (doc_id, offset), in document then text order (wrapping round), that no
    coding of ``coded`` (doc_id, start, end) touches; None when every segment is coded."""
    ordered = all_segments.sort_values(["doc_id", "start"])
    touched = set(covered_pairs(ordered, coded, "any")["segment_id"].tolist()) if len(coded) else set()
    open_ = ordered[~ordered["segment_id"].isin(touched)]
    if open_.empty:
        return None
    if after is not None:
        later = open_[(open_["doc_id"] > after[0]) | ((open_["doc_id"] == after[0]) & (open_["start"] > after[1]))]
        open_ = later if len(later) else open_
    row = open_.iloc[0]
    return {"doc": int(row["doc_id"]), "start": int(row["start"]), "end": int(row["end"]),
            "segment": int(row["segment_id"])}


def uncertain_queue(suggestions: pd.DataFrame) -> pd.DataFrame:
    """Open model suggestions, the most uncertain first (confidence nearest 0.5), then by document and offset."""
    open_ = suggestions[suggestions["status"] == "suggested"]
    if open_.empty:
        return open_.assign(margin=pd.Series(dtype=float))
    ranked = open_.assign(margin=(open_["confidence"].astype(float) - 0.5).abs())
    return ranked.sort_values(["margin", "doc_id", "start", "coding_id"]).reset_index(drop=True)
