"""Detections stored and reviewed: run the detection over the project, accept / reject / re-categorise them (one
or every occurrence of the same text), add what it missed. Every write is an action (undoable, role-checked).

A new detection run keeps every decision taken and every detection added by hand; only the pending automatic
detections are replaced.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.errors import InvalidTermList, OverlappingDetection, UnknownDetection
from qualcoder.privacy.detect import CATEGORIES, DetectOptions, detect_texts, name_forms
from qualcoder.store.privacy import detections_frame

if TYPE_CHECKING:
    from qualcoder.project import Project

STATUSES = ("pending", "accepted", "rejected")
TERMS_KEY = "privacy-terms"
CONTEXT = 40  # characters shown each side of a detection


@dataclass(frozen=True)
class DetectReport:
    """What a detection run did: documents read, detections added, decided ones kept, counts per category."""

    documents: int
    added: int
    kept: int
    by_category: dict[str, int]


def known_names(project: Project) -> dict[str, str]:
    """Speakers' names (turn labels, speakers.csv, minutes attendee lists) as ``{form: "person"}``."""
    labels = {info.label for info in project.speaker_infos()}
    labels |= {turn.speaker for turns in project.turns().values() for turn in turns if turn.speaker}
    documents = project.documents_df(with_text=False, grouped=False)
    for column in ("attendees", "apologies"):
        for people in documents.get(column, []):
            for person in people if isinstance(people, list) else []:
                if isinstance(person, dict) and person.get("name"):
                    labels.add(person["name"])
    return {form: "person" for label in labels for form in name_forms(label)}


def terms(project: Project) -> dict[str, str]:
    """The project's own terms to pseudonymise (``{"Les Tilleuls": "place"}``)."""
    return dict((project.setting(TERMS_KEY) or {}).get("terms", {}))


def load_terms(path: str | Path) -> dict[str, str]:
    """A term list: CSV with columns ``term,category`` (category one of the detection categories).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "terms.csv"
    >>> _ = f.write_text("term,category\\nLes Tilleuls,place\\n", encoding="utf-8")
    >>> load_terms(f)
    {'Les Tilleuls': 'place'}
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidTermList("file not found", place=path, fix="Give a CSV file with columns term,category.")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {}
    for line, row in enumerate(rows, start=2):
        term, category = (row.get("term") or "").strip(), (row.get("category") or "").strip()
        if not term or category not in CATEGORIES:
            raise InvalidTermList(f"row {line} needs a term and a category among {', '.join(CATEGORIES)}",
                                  place=f"{path}:{line}", fix="Fix the row (columns: term,category).")
        found[term] = category
    return found


def set_terms(project: Project, actor: str, new_terms: dict[str, str]) -> None:
    """Store the project's term list (replacing the previous one)."""
    def work(changes) -> None:
        rows = changes.rows("settings", key=TERMS_KEY)
        if rows:
            changes.update("settings", rows[0]["id"], {"value": {"terms": new_terms}})
        else:
            changes.insert("settings", {"key": TERMS_KEY, "value": {"terms": new_terms}})

    project.act(actor, "privacy-terms", f"pseudonymisation terms: {len(new_terms)}", work)


def detect(project: Project, actor: str, options: DetectOptions | None = None,
           progress: Callable[[str, int, int], None] | None = None) -> DetectReport:
    """Detect in every document and store the detections (decisions and manual ones are kept).

    >>> # detect(project, "alice")  ->  DetectReport(documents=3, added=41, kept=0, by_category={"person": 20, ...})
    """
    options = options or DetectOptions()
    options.names = {**known_names(project), **options.names}
    options.terms = {**terms(project), **options.terms}
    documents = project.documents_df(with_text=True, grouped=False)
    docs = [(row.text, row.language) for row in documents.itertuples()]
    total = sum(len(text) for text, _ in docs)
    done = [0]

    def advance(chars: int) -> None:
        done[0] += chars
        if progress:
            progress("detect", min(done[0], total), total)

    found = detect_texts(docs, options, advance)
    if progress:
        progress("detect", total, total)
    existing = detections_frame(project.engine)
    keep = existing[(existing["status"] != "pending") | (existing["source"] == "manual")]
    kept_spans = {doc_id: [(s, e) for s, e in zip(group["start"], group["end"])]
                  for doc_id, group in keep.groupby("doc_id")}
    pending_ids = existing.loc[~existing.index.isin(keep.index), "id"].tolist()
    by_category: dict[str, int] = {}
    rows = []
    for doc_id, text, hits in zip(documents["doc_id"], documents["text"], found):
        spans = kept_spans.get(doc_id, [])
        for hit in hits:
            if any(hit.start < e and s < hit.end for s, e in spans):
                continue
            rows.append({"document_id": int(doc_id), "start": hit.start, "end": hit.end,
                         "text": text[hit.start:hit.end], "category": hit.category, "source": hit.source,
                         "status": "pending", "decided_by": None})
            by_category[hit.category] = by_category.get(hit.category, 0) + 1

    def work(changes) -> None:
        for detection_id in pending_ids:
            changes.delete("privacy_detections", detection_id)
        for row in rows:
            changes.insert("privacy_detections", row)

    project.act(actor, "privacy-detect", f"pseudonymisation: {len(rows)} detections", work)
    return DetectReport(len(docs), len(rows), len(keep), by_category)


def detections_df(project: Project, status: str | None = None, doc: int | str | None = None, category: str | None = None
                  ) -> pd.DataFrame:
    """The stored detections with their context (``before``, ``after``), filtered by status, document, category."""
    frame = detections_frame(project.engine)
    if status:
        frame = frame[frame["status"] == status]
    if category:
        frame = frame[frame["category"] == category]
    if doc is not None:
        document = project.document(doc)
        frame = frame[frame["doc_id"] == document.id]
    texts = {}
    before, after = [], []
    for row in frame.itertuples():
        text = texts.get(row.doc_id) or texts.setdefault(row.doc_id, project.document(int(row.doc_id)).text)
        before.append(text[max(0, row.start - CONTEXT):row.start].replace("\n", " "))
        after.append(text[row.end:row.end + CONTEXT].replace("\n", " "))
    frame = frame.assign(before=before, after=after)
    return frame.reset_index(drop=True)


def decide(project: Project, actor: str, ids: Sequence[int], *, status: str | None = None, category: str | None = None,
           all_occurrences: bool = False) -> int:
    """Accept or reject detections, or change their category; with ``all_occurrences`` every detection of the
    same text (case aside) gets the same decision. Returns how many detections changed.

    >>> # decide(project, "alice", [12], status="rejected", all_occurrences=True)  ->  4
    """
    if status is not None and status not in STATUSES:
        raise UnknownDetection(f"status {status!r} is not one of {', '.join(STATUSES)}", place="decision",
                               fix="Use accepted, rejected or pending.")
    if category is not None and category not in CATEGORIES:
        raise UnknownDetection(f"category {category!r} is not one of {', '.join(CATEGORIES)}", place="decision",
                               fix=f"Use one of {', '.join(CATEGORIES)}.")
    frame = detections_frame(project.engine)
    chosen = frame[frame["id"].isin([int(i) for i in ids])]
    missing = sorted(set(int(i) for i in ids) - set(chosen["id"]))
    if missing:
        raise UnknownDetection(f"no detection {', '.join(map(str, missing))}", place="qualcoder pseudonymise review",
                               fix="List them with `qualcoder pseudonymise review`.")
    if all_occurrences:
        texts = {t.casefold() for t in chosen["text"]}
        chosen = frame[frame["text"].str.casefold().isin(texts)]
    values = {"decided_by": actor}
    if status is not None:
        values["status"] = status
    if category is not None:
        values["category"] = category
        values.setdefault("status", "accepted")

    def work(changes) -> int:
        for detection_id in chosen["id"]:
            changes.update("privacy_detections", int(detection_id), values)
        return len(chosen)

    summary = f"pseudonymisation review: {len(chosen)} detections {values.get('status', '')} {category or ''}"
    return project.act(actor, "privacy-review", summary.strip(), work)[0]


def add(project: Project, actor: str, doc: int | str, start: int, end: int, category: str, *,
        all_occurrences: bool = False) -> int:
    """Add a detection the run missed (a selected passage), accepted; with ``all_occurrences`` every other
    occurrence of the same text as a whole word (those that overlap a kept detection are left). Returns how many
    were added. ``[Q963]`` when the passage itself overlaps a detection that is not rejected."""
    import re

    if category not in CATEGORIES:
        raise UnknownDetection(f"category {category!r} is not one of {', '.join(CATEGORIES)}", place="add",
                               fix=f"Use one of {', '.join(CATEGORIES)}.")
    document = project.document(doc)
    while start < end and document.text[start].isspace():
        start += 1
    while end > start and document.text[end - 1].isspace():
        end -= 1
    if not 0 <= start < end <= len(document.text):
        raise UnknownDetection(f"the passage {start}-{end} is not in the document ({len(document.text)} characters)",
                               place=document.name, fix="Select a passage of the document's text.")
    value = document.text[start:end]
    frame = detections_frame(project.engine)
    live = frame[frame["status"] != "rejected"]
    spans = {d: list(zip(g["start"], g["end"], g["id"])) for d, g in live.groupby("doc_id")}
    clash = [i for s, e, i in spans.get(document.id, []) if start < e and s < end]
    if clash:
        raise OverlappingDetection(f"{value!r} ({start}-{end}) overlaps detection {clash[0]}",
                                   place=document.name,
                                   fix="Reject that detection first, or change its category instead.")
    wanted = [(document.id, start, end)]
    if all_occurrences:
        pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
        for row in project.documents_df(with_text=True, grouped=False).itertuples():
            for match in pattern.finditer(row.text):
                place = (int(row.doc_id), match.start(), match.end())
                if place != wanted[0] and not any(match.start() < e and s < match.end()
                                                  for s, e, _ in spans.get(int(row.doc_id), [])):
                    wanted.append(place)

    def work(changes) -> int:
        for doc_id, s, e in wanted:
            changes.insert("privacy_detections", {"document_id": doc_id, "start": s, "end": e, "text": value,
                                                  "category": category, "source": "manual", "status": "accepted",
                                                  "decided_by": actor})
        return len(wanted)

    return project.act(actor, "privacy-add", f"pseudonymisation: {value!r} added as {category}", work)[0]


def progress_counts(project: Project) -> dict[str, int]:
    """Detections per status: how far the review is."""
    frame = detections_frame(project.engine)
    return {status: int((frame["status"] == status).sum()) for status in STATUSES}
