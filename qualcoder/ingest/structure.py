"""Transcript and minutes structure: header fields, sections under headings, speaker turns.

The parser works on the normalised text and returns offsets into it; it never rewrites the text.
A turn's span covers the speech, not its label. In minutes, a paragraph without a label is the
minute-taker's narrative; in interviews it continues the current turn.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qualcoder.ingest.dates import parse_date
from qualcoder.ingest.speakers import TITLES, SpeakerLayout, detect_labels, same_person
from qualcoder.ingest.speakers import fold as _fold
from qualcoder.models import Section, Turn

__all__ = ["TITLES", "Structure", "default_role", "parse_attendees", "parse_structure", "same_person"]

CASE_HEADING = re.compile(r"^(?:cas|case)\s*(?:n\s*[°o]\.?\s*|no\.?\s*|#\s*)?\d+\b\s*(?:[:.–—-].*)?$", re.I)
ITEM_HEADING = re.compile(r"^(?:point|item|sujet|topic)\s*(?:n\s*[°o]\.?\s*|no\.?\s*|#\s*)?\d+\b\s*(?:[:.–—-].*)?$", re.I)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
_SPEECH_LEAD = re.compile(r"^\s*(?:[.:]\s+)?")  # published debates: "le président\n\n. La séance est ouverte."
LONE_HEADINGS = {"questions diverses", "divers", "any other business", "aob", "decisions", "décisions",
                 "actions", "relevé de décisions", "action points"}

HEADER_KEYS = {
    "date": "date", "lieu": "venue", "venue": "venue", "location": "venue",
    "presents": "attendees", "present": "attendees", "participants": "attendees", "attendees": "attendees",
    "excuses": "apologies", "apologies": "apologies", "absents": "apologies",
    "redacteur": "minute_taker", "redactrice": "minute_taker", "secretaire de seance": "minute_taker",
    "minutes taken by": "minute_taker", "minutes": "minute_taker", "chair": "chair", "president": "chair",
    "presidente": "chair", "ordre du jour": "agenda", "agenda": "agenda", "objet": "subject",
}

INTERVIEWER_LABELS = {"q", "i", "enq", "enq.", "enquêteur", "enquêtrice", "enqueteur", "enquetrice", "interviewer",
                      "intervieweur", "intervieweuse", "int", "int.", "chercheur", "chercheuse", "moderator"}


@dataclass
class Structure:
    header_end: int = 0
    header: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    is_minutes: bool = False
    layout: str = "none"  # how the speaker labels were written: colon, line, parliament, ..., or "given" by the format


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass
class _Open:
    start: int
    end: int
    speaker: str | None
    section: int | None
    timestamp: str | None


def parse_structure(
    text: str,
    *,
    minutes: bool | None = None,
    known_speakers: frozenset[str] = frozenset(),
    heading_spans: tuple[tuple[int, int], ...] = (),
    layout: SpeakerLayout = SpeakerLayout(),
    markdown: bool = True,
    given_turns: tuple[tuple[int, int, str | None, str | None], ...] | None = None,
) -> Structure:
    """Find the header, sections and turns of a transcript or minutes.

    ``minutes=None`` decides from the text (a header with Date/Présents, or case headings). ``layout`` says how
    speaker labels are written (``auto`` finds out); ``markdown=False`` leaves ``# text`` lines alone (they are
    headings in .md files only). ``given_turns`` are the turns a structured format states (TEI, JSON, captions):
    they are kept as they are, and only the sections are found.

    >>> s = parse_structure("Enq. : Vous coordonnez depuis quand ?\\n\\nMme A. : Depuis 2003.")
    >>> [(t.speaker, s_text) for t in s.turns for s_text in ["x"]][0][0]
    'Enq.'
    """
    lines = _lines(text)
    heading_starts = {start for start, _ in heading_spans}
    is_heading = [_is_heading(line.text, line.start in heading_starts, markdown) for line in lines]
    if given_turns is not None:
        return _with_given_turns(text, lines, is_heading, given_turns)
    header, header_end_line = _header(lines, is_heading)
    if minutes is None:
        minutes = len(header) >= 2 or any(CASE_HEADING.match(line.text.strip()) for line in lines)
    attendees = [person["name"] for person in header.get("attendees", [])]
    skip = [is_heading[i] or i < header_end_line for i in range(len(lines))]
    labels = detect_labels([line.text for line in lines], skip, known_speakers, attendees, layout)
    structure = Structure(header=header, is_minutes=minutes)
    kinds = Counter(label.kind for label in labels.values())
    structure.layout = "+".join(kind for kind, _ in kinds.most_common()) or "none"
    structure.header_end = lines[header_end_line - 1].end if header_end_line else 0
    _build(structure, lines, is_heading, labels, header_end_line, text, minutes)
    return structure


def _with_given_turns(text, lines, is_heading, given) -> Structure:
    structure = Structure(is_minutes=False, layout="given")
    _build(structure, lines, [False] * len(lines) if not any(is_heading) else is_heading, {}, 0, text, True)
    structure.turns = []
    for start, end, speaker, timestamp in given:
        section = next((i for i in range(len(structure.sections) - 1, -1, -1)
                        if structure.sections[i].start <= start), None)
        structure.turns.append(Turn(start, end, speaker, section, timestamp))
    return structure


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, offset + len(raw), raw))
        offset += len(raw) + 1
    return lines


def _is_heading(line: str, hinted: bool, markdown: bool = True) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if hinted or (markdown and MARKDOWN_HEADING.match(stripped)):
        return True
    if len(stripped) > 120:
        return False
    return bool(CASE_HEADING.match(stripped) or ITEM_HEADING.match(stripped)) or stripped.lower() in LONE_HEADINGS


def _header_field(line: str) -> tuple[str, str] | None:
    if ":" not in line:
        return None
    key, value = line.split(":", 1)
    name = HEADER_KEYS.get(_fold(key))
    return (name, value.strip()) if name else None


def _header(lines: list[_Line], is_heading: list[bool]) -> tuple[dict[str, Any], int]:
    """Header fields among the first lines, before any heading; returns them and the line after the last."""
    header: dict[str, Any] = {}
    last = -1
    for index, line in enumerate(lines[:40]):
        if is_heading[index]:
            break
        found = _header_field(line.text)
        if found and found[0] not in header:
            header[found[0]] = found[1]
            last = index
    if len(header) < 2:
        return {}, 0
    if "date" in header:
        header["date_iso"] = parse_date(header["date"])
    if "attendees" in header:
        header["attendees"] = parse_attendees(header["attendees"])
    if "apologies" in header:
        header["apologies"] = parse_attendees(header["apologies"])
    return header, last + 1


def parse_attendees(value: str) -> list[dict[str, str]]:
    """``Dr B. Morel (neurologue), S. Lambert (infirmière)`` to names with professions.

    >>> people = parse_attendees("Dr Morel (neurologue), Sophie Lambert (infirmière coordinatrice) ; Paul")
    >>> [(p["name"], p["profession"]) for p in people]
    [('Dr Morel', 'neurologue'), ('Sophie Lambert', 'infirmière coordinatrice'), ('Paul', '')]
    """
    people, depth, current = [], 0, ""
    for ch in value + ",":
        depth += ch == "("
        depth -= ch == ")"
        if ch in ",;" and depth == 0:
            if current.strip():
                people.append(current.strip().rstrip("."))
            current = ""
        else:
            current += ch
    parsed = []
    for person in people:
        match = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", person)
        name, profession = (match[1], match[2]) if match else (person, "")
        parsed.append({"name": name.strip(), "profession": profession.strip()})
    return parsed


def _build(structure, lines, is_heading, labels, header_end_line, text, minutes) -> None:
    section: int | None = None
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.end > current.start:
            body = text[current.start : current.end]
            lead = len(body) - len(_SPEECH_LEAD.sub("", body, count=1))
            start, end = current.start + lead, current.start + len(body.rstrip())
            if end > start:
                structure.turns.append(Turn(start, end, current.speaker, current.section, current.timestamp))
        current = None

    for index in range(header_end_line, len(lines)):
        line = lines[index]
        if is_heading[index]:
            close()
            _close_section(structure, line.start)
            title = line.text.strip().lstrip("#").strip()
            structure.sections.append(Section(line.end, len(text), title, _heading_kind(title)))
            section = len(structure.sections) - 1
            continue
        if not line.text.strip():
            if minutes and current is not None:
                close()
            continue
        if index in labels:
            close()
            label = labels[index]
            speaker = label.speaker
            if speaker is None and current is None and not minutes and structure.turns:
                speaker = structure.turns[-1].speaker  # a bare timestamp continues the speaker
            current = _Open(line.start + label.offset, line.end, speaker, section, label.timestamp)
            continue
        if current is None:
            current = _Open(line.start, line.end, None, section, None)
        else:
            current.end = line.end
    close()
    _close_section(structure, len(text))


def _close_section(structure: Structure, end: int) -> None:
    if structure.sections:
        last = structure.sections[-1]
        structure.sections[-1] = Section(last.start, min(last.end, end), last.title, last.kind)


def _heading_kind(title: str) -> str:
    if CASE_HEADING.match(title):
        return "case"
    if ITEM_HEADING.match(title):
        return "item"
    return "heading"


@functools.cache
def _folded_interviewer_labels() -> frozenset[str]:
    return frozenset(_fold(s) for s in INTERVIEWER_LABELS)


def default_role(label: str | None, doc_type: str) -> str | None:
    """Role implied by a label when speakers.csv says nothing."""
    if label is None:
        return None
    if _fold(label) in _folded_interviewer_labels():
        return "interviewer"
    return {"interview": "participant", "minutes": "attendee"}.get(doc_type, "participant")
