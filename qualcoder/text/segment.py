"""Segmenters: by turn, paragraph, sentence, or a window of N sentences.

A segment never crosses a turn or section boundary (turns never do), carries its turn's speaker, and
its text is exactly ``document.text[start:end]`` with no leading or trailing blank.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from qualcoder.errors import InvalidSegmentation
from qualcoder.models import Turn
from qualcoder.text.parse import Parse

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
METHODS = ("turn", "paragraph", "sentence", "window:N")


@dataclass(frozen=True)
class Method:
    kind: str  # turn | paragraph | sentence | window
    size: int = 1

    def __str__(self) -> str:
        return f"window:{self.size}" if self.kind == "window" else self.kind


def parse_method(by: str) -> Method:
    """``turn``, ``paragraph``, ``sentence`` or ``window:N``.

    >>> parse_method("window:5")
    Method(kind='window', size=5)
    """
    value = by.strip().lower()
    if value in ("turn", "paragraph", "sentence"):
        return Method(value)
    match = re.fullmatch(r"window:(\d+)", value)
    if match and int(match[1]) >= 1:
        return Method("window", int(match[1]))
    raise InvalidSegmentation(f"{by!r} is not a segmentation", place="--by",
                              fix="Use turn, paragraph, sentence or window:N (N sentences, e.g. window:5).")


def paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank paragraphs of ``text[start:end]``, as trimmed absolute spans."""
    spans, cursor = [], start
    for match in _BLANK_LINE.finditer(text, start, end):
        spans.append(_trim(text, cursor, match.start()))
        cursor = match.end()
    spans.append(_trim(text, cursor, end))
    return [span for span in spans if span[1] > span[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())


def parse_blocks_of(text: str, turns: list[Turn]) -> list[tuple[int, str]]:
    """The blocks the NLP pipeline reads: every paragraph of every turn."""
    return [(s, text[s:e]) for turn in turns for s, e in paragraphs(text, turn.start, turn.end)]


@dataclass(frozen=True)
class SegmentSpan:
    start: int
    end: int
    turn: int
    speaker: str | None
    section: int | None


def segment_document(text: str, turns: list[Turn], parse: Parse | None, method: Method) -> list[SegmentSpan]:
    """Cut one document into segments with the given method."""
    if method.kind in ("sentence", "window") and parse is None:
        raise InvalidSegmentation("sentence segmentation needs the parse", place="segment",
                                  fix="Run the segmentation through Project.segment, which parses first.")
    sentence_starts = [s for s, _ in parse.sentences] if parse else []
    segments: list[SegmentSpan] = []
    for index, turn in enumerate(turns):
        if method.kind == "turn":
            spans = [_trim(text, turn.start, turn.end)]
        elif method.kind == "paragraph":
            spans = paragraphs(text, turn.start, turn.end)
        else:
            spans = _sentences_in(parse, sentence_starts, turn)
            if method.kind == "window":
                spans = [(group[0][0], group[-1][1]) for group in _chunks(spans, method.size)]
        segments.extend(SegmentSpan(s, e, index, turn.speaker, turn.section) for s, e in spans if e > s)
    return segments


def _sentences_in(parse: Parse, starts: list[int], turn: Turn) -> list[tuple[int, int]]:
    first = bisect_right(starts, turn.start - 1)
    found = []
    for start, end in parse.sentences[first:]:
        if start >= turn.end:
            break
        found.append((max(start, turn.start), min(end, turn.end)))
    return found


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]
