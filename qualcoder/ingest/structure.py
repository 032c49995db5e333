"""Transcript and minutes structure: header fields, sections under headings, speaker turns.

The parser works on the normalised text and returns offsets into it; it never rewrites the text.
A turn's span covers the speech, not its label. In minutes, a paragraph without a label is the
minute-taker's narrative; in interviews it continues the current turn.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qualcoder.ingest.dates import parse_date
from qualcoder.models import Section, Turn

CASE_HEADING = re.compile(r"^(?:cas|case)\s*(?:n\s*[°o]\.?\s*|no\.?\s*|#\s*)?\d+\b\s*(?:[:.–—-].*)?$", re.I)
ITEM_HEADING = re.compile(r"^(?:point|item|sujet|topic)\s*(?:n\s*[°o]\.?\s*|no\.?\s*|#\s*)?\d+\b\s*(?:[:.–—-].*)?$", re.I)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
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

_TIMESTAMP = r"\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?"
TIMESTAMPED = re.compile(rf"^{_TIMESTAMP}\s+(?:(?P<label>[^\W\d_][^:\n]{{0,39}}?)\s?:(?:\s+|$))?")
BRACKETED = re.compile(r"^\[(?P<label>[^\[\]\n\d][^\[\]\n]{0,39})\]\s*:?(?:\s+|$)")
VOICE_TAG = re.compile(r"^<v(?:\.[\w.-]+)?\s+(?P<label>[^>\n]{1,40})>\s*")
COLON_LABEL = re.compile(r"^(?P<label>[^\W\d_][\w.'’ -]{0,39}?)\s?:(?:\s+|$)")

STANDARD_LABELS = {
    "q", "r", "i", "p", "e", "enq", "enq.", "enquêteur", "enquêtrice", "enqueteur", "enquetrice", "interviewer",
    "intervieweur", "intervieweuse", "int", "int.", "participant", "participante", "répondant", "répondante",
    "interviewé", "interviewée", "interviewee", "respondent", "chercheur", "chercheuse", "moderator",
}
INTERVIEWER_LABELS = {"q", "i", "enq", "enq.", "enquêteur", "enquêtrice", "enqueteur", "enquetrice", "interviewer",
                      "intervieweur", "intervieweuse", "int", "int.", "chercheur", "chercheuse", "moderator"}
ANNOTATIONS = {"rires", "rire", "laughs", "laughter", "inaudible", "pause", "silence", "crosstalk", "coupure",
               "interruption", "sic", "incompréhensible", "inaudible]", "hésitation", "soupir", "sighs", "music"}


@dataclass
class Structure:
    header_end: int = 0
    header: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    is_minutes: bool = False


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
) -> Structure:
    """Find the header, sections and turns of a transcript or minutes.

    ``minutes=None`` decides from the text (a header with Date/Présents, or case headings).

    >>> s = parse_structure("Enq. : Vous coordonnez depuis quand ?\\n\\nMme A. : Depuis 2003.")
    >>> [(t.speaker, s_text) for t in s.turns for s_text in ["x"]][0][0]
    'Enq.'
    """
    lines = _lines(text)
    heading_starts = {start for start, _ in heading_spans}
    is_heading = [_is_heading(line.text, line.start in heading_starts) for line in lines]
    header, header_end_line = _header(lines, is_heading)
    if minutes is None:
        minutes = len(header) >= 2 or any(CASE_HEADING.match(line.text.strip()) for line in lines)
    attendees = [person["name"] for person in header.get("attendees", [])]
    labels = _labels(lines, is_heading, header_end_line, known_speakers, attendees)
    structure = Structure(header=header, is_minutes=minutes)
    structure.header_end = lines[header_end_line - 1].end if header_end_line else 0
    _build(structure, lines, is_heading, labels, header_end_line, text, minutes)
    return structure


def _lines(text: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, offset + len(raw), raw))
        offset += len(raw) + 1
    return lines


def _is_heading(line: str, hinted: bool) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if hinted or MARKDOWN_HEADING.match(stripped):
        return True
    if len(stripped) > 120:
        return False
    return bool(CASE_HEADING.match(stripped) or ITEM_HEADING.match(stripped)) or stripped.lower() in LONE_HEADINGS


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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


def _candidate(line: str) -> tuple[str | None, str | None, int, str] | None:
    """``(label, timestamp, content offset, kind)`` when the line opens with a speaker marker."""
    for kind, pattern in (("timestamp", TIMESTAMPED), ("voice", VOICE_TAG), ("bracket", BRACKETED),
                          ("colon", COLON_LABEL)):
        match = pattern.match(line)
        if not match:
            continue
        label = match.groupdict().get("label")
        label = label.strip() if label else None
        timestamp = match.groupdict().get("ts")
        if kind != "timestamp" and (not label or _fold(label) in HEADER_KEYS):
            continue
        if label and (len(label.split()) > 5 or "," in label):
            if kind == "timestamp":
                return None, timestamp, match.start("label"), kind
            continue
        return label, timestamp, match.end(), kind
    return None


def _labels(lines, is_heading, header_end_line, known, attendees) -> dict[int, tuple[str | None, str | None, int]]:
    """Line index -> (speaker, timestamp, content start) for lines that open a turn."""
    known_folded = {_fold(k) for k in known}
    candidates = {}
    for index in range(header_end_line, len(lines)):
        if is_heading[index] or not lines[index].text.strip():
            continue
        found = _candidate(lines[index].text)
        if found:
            candidates[index] = found
    counts = Counter(_fold(label) for label, _, _, _ in candidates.values() if label)
    standard = {_fold(s) for s in STANDARD_LABELS}
    established = any(
        label and (counts[_fold(label)] >= 2 or _fold(label) in standard or _fold(label) in known_folded)
        for label, _, _, _ in candidates.values()
    )
    accepted = {}
    for index, (label, timestamp, offset, kind) in candidates.items():
        folded = _fold(label) if label else ""
        if label and folded.strip("[]") in ANNOTATIONS:
            continue
        ok = (
            kind in ("timestamp", "voice")
            or folded in known_folded
            or (label and any(same_person(label, name) for name in attendees))
            or folded in standard
            or counts[folded] >= 2
            or (kind == "colon" and label.isupper() and len(label) >= 2)
            or (established and _name_like(label))
        )
        if ok:
            accepted[index] = (label, timestamp, offset)
    return accepted


def _build(structure, lines, is_heading, labels, header_end_line, text, minutes) -> None:
    section: int | None = None
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.end > current.start:
            body = text[current.start : current.end]
            lead = len(body) - len(body.lstrip())
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
            speaker, timestamp, offset = labels[index]
            if speaker is None and current is None and not minutes and structure.turns:
                speaker = structure.turns[-1].speaker  # a bare timestamp continues the speaker
            current = _Open(line.start + offset, line.end, speaker, section, timestamp)
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


TITLES = {"dr", "dr.", "pr", "pr.", "m", "m.", "mme", "mme.", "mlle", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
          "miss", "prof", "prof.", "docteur", "professeur", "madame", "monsieur"}


NOT_NAMES = {"note", "notes", "remarque", "remarques", "conclusion", "decision", "decisions", "objectif", "resume",
             "summary", "action", "actions", "question", "questions", "proposition", "rappel", "attention", "nb",
             "ps", "source", "contexte", "context", "outcome", "plan", "suivi", "follow-up", "conclusions",
             "important", "exemple", "example", "total", "bilan", "synthese", "motif", "diagnostic", "traitement"}


def _name_like(label: str | None) -> bool:
    """``Paul``, ``Dr Morel``, ``Sophie Lambert``: capitalised words, not a common heading word."""
    if not label or _fold(label) in NOT_NAMES:
        return False
    words = label.split()
    return len(words) <= 4 and all(w[0].isupper() or _fold(w) in TITLES for w in words)


def same_person(label: str, name: str) -> bool:
    """Whether a turn label names an attendee: ``Dr Morel`` is ``Dr Bernard Morel``.

    >>> same_person("Dr Morel", "Dr Bernard Morel"), same_person("Sophie", "Sophie Lambert")
    (True, True)
    >>> same_person("Q", "Quentin")
    False
    """
    label_words = [w for w in re.split(r"[\s.]+", _fold(label)) if w and w not in TITLES]
    name_words = {w for w in re.split(r"[\s.]+", _fold(name)) if w and w not in TITLES}
    return bool(label_words) and all(w in name_words and len(w) > 1 for w in label_words)


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
