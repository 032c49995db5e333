"""What a format reader returns: text plus the structure hints only the format knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawText:
    """Normalised text of one document read from a file.

    ``headings`` holds ``(start, end)`` spans of lines the format marks as headings (Word styles,
    HTML ``<h2>``); ``turns`` the speaker turns a structured format states itself (TEI ``<sp>``, JSON
    transcripts, captions): ``(start, end, speaker, timestamp)`` of each speech, so no layout is guessed;
    ``suffix`` distinguishes several documents from one file (``#3`` for a CSV row); ``warnings`` say what the
    reader had to repair or leave out.
    """

    text: str
    format: str
    headings: tuple[tuple[int, int], ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    suffix: str = ""
    turns: tuple[tuple[int, int, str | None, str | None], ...] | None = None
    warnings: tuple[str, ...] = ()


def join_turns(parts: list[tuple[str | None, str | None, str]], fmt: str, warnings: tuple[str, ...] = ()) -> RawText:
    """``(speaker, timestamp, speech)`` turns to a text written ``[00:00:03] Speaker : speech`` (one paragraph
    each, so the text reads like any transcript), with each speech's span recorded as a turn."""
    from qualcoder.ingest.text import normalise

    pieces: list[str] = []
    turns = []
    offset = 0
    for speaker, stamp, speech in parts:
        speech = normalise(speech).strip()
        if not speech:
            continue
        label = (f"[{stamp}] " if stamp else "") + (f"{speaker} : " if speaker else "")
        if pieces:
            offset += 2
        start = offset + len(label)
        pieces.append(label + speech)
        offset += len(label) + len(speech)
        turns.append((start, offset, speaker, stamp))
    return RawText(text="\n\n".join(pieces), format=fmt, turns=tuple(turns), warnings=warnings)


def join_blocks(blocks: list[tuple[str, bool]], fmt: str) -> RawText:
    """Join ``(text, is_heading)`` blocks with blank lines, recording heading spans."""
    from qualcoder.ingest.text import normalise

    parts: list[str] = []
    headings: list[tuple[int, int]] = []
    offset = 0
    for block, is_heading in blocks:
        block = normalise(block).strip()
        if not block:
            continue
        if parts:
            offset += 2
        if is_heading:
            headings.append((offset, offset + len(block)))
        parts.append(block)
        offset += len(block)
    return RawText(text="\n\n".join(parts), format=fmt, headings=tuple(headings))
