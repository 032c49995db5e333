"""What a format reader returns: text plus the structure hints only the format knows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawText:
    """Normalised text of one document read from a file.

    ``headings`` holds ``(start, end)`` spans of lines the format marks as headings (Word styles,
    HTML ``<h2>``); ``suffix`` distinguishes several documents from one file (``#3`` for a CSV row).
    """

    text: str
    format: str
    headings: tuple[tuple[int, int], ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    suffix: str = ""


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
