"""The document view's model: a stored text cut into blocks and runs that carry their character offsets.

The browser never re-reads the rendered text to find what was selected: every run of text it draws comes from
here with its ``[start, end)`` offsets into ``document.text`` (Python code points), so a selection's endpoints map
back to offsets from those numbers alone (``offset_in_run`` is the rule; the component's JavaScript does the same
arithmetic). Runs partition the text exactly: their texts joined are the document, whitespace and line breaks
included (a blank line between paragraphs ends one block and is kept as a hidden separator run).

A run is cut wherever a coding, a block, a speaker label or a section title starts or ends, so each run lists the
codings covering all of it. Each coding gets a lane (the smallest free one at its start): the view draws it as an
underline at that depth on every run it covers, so overlapping codings stay legible as stacked lines.

>>> view = build_view("Dr X : Bonjour.\\n\\nY : Oui.", [ViewCoding(1, 7, 15, "a", "ann", "manual", "applied")],
...                   turns=[(7, 15, "Dr X"), (21, 25, "Y")], professions={"Dr X": "GP"})
>>> [[run[2] for run in block[2]] for block in view["blocks"]]
[['Dr X : ', 'Bonjour.', '\\n\\n'], ['Y : ', 'Oui.']]
>>> view["blocks"][0][2][1][3], view["codings"][0][:3]
([0], [1, 'a', 0])
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

BLANK_LINES = re.compile(r"\n\s*\n")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#888888"
TITLE_SLACK = 4  # characters allowed between a section's title and its start (the title's own line break)

# run marks
PLAIN, LABEL, HEADING, SEPARATOR = "", "l", "h", "s"


@dataclass(frozen=True)
class ViewCoding:
    """A coding as the view draws it. ``layer`` says which toggle shows it: ``mine``, ``human`` (another coder),
    ``rules`` or ``model``."""

    id: int
    start: int
    end: int
    code: str
    coder: str
    source: str
    status: str
    layer: str = "human"


def safe_colour(colour: object) -> str:
    """``colour`` if it is ``#RRGGBB``, else grey: the browser sets it as a style value, which must never carry
    anything else (a ``url(...)`` would fetch)."""
    return colour if isinstance(colour, str) and COLOUR.match(colour) else DEFAULT_COLOUR


def utf16_length(text: str) -> int:
    """How many UTF-16 units the browser counts in ``text`` (characters outside the BMP count twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def offset_in_run(run_start: int, run_text: str, utf16_offset: int) -> int:
    """The document offset of a point ``utf16_offset`` UTF-16 units into a run (what a DOM selection reports).

    >>> offset_in_run(10, "a😀b", 3)
    12
    """
    count, units = 0, 0
    for char in run_text:
        if units >= utf16_offset:
            break
        units += 2 if ord(char) > 0xFFFF else 1
        count += 1
    return run_start + count


def assign_lanes(codings: Sequence[ViewCoding]) -> dict[int, int]:
    """coding id -> lane: the smallest lane free at the coding's start (longer codings first at equal starts)."""
    lanes: dict[int, int] = {}
    busy: list[tuple[int, int]] = []  # (end, lane) of codings still open
    free: list[int] = []
    count = 0
    for coding in sorted(codings, key=lambda c: (c.start, -c.end, c.id)):
        while busy and busy[0][0] <= coding.start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, count = count, count + 1
        lanes[coding.id] = lane
        heapq.heappush(busy, (coding.end, lane))
    return lanes


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _labels(text: str, turns: Iterable[tuple[int, int, str | None]], professions: Mapping[str, str]
            ) -> tuple[dict[int, tuple[int, str | None]], dict[int, str]]:
    """Speaker labels found in the text ({label start: (label end, profession)}), and captions to show before
    turns whose label is not in the text ({turn start: "speaker · profession"})."""
    labels: dict[int, tuple[int, str | None]] = {}
    captions: dict[int, str] = {}
    previous_end = 0
    for start, end, speaker in sorted(turns):
        if speaker:
            profession = professions.get(speaker)
            left = max(_line_start(text, start), previous_end)
            if left < start and text[left:start].strip():
                labels[left] = (start, profession)
            else:
                captions[start] = f"{speaker} · {profession}" if profession else speaker
        previous_end = max(previous_end, end)
    return labels, captions


def _headings(text: str, sections: Iterable[tuple[int, str]]) -> tuple[dict[int, int], dict[int, str]]:
    """Section titles found in the text ({title start: title end}), and captions for those that are not."""
    headings: dict[int, int] = {}
    captions: dict[int, str] = {}
    for start, title in sections:
        title = (title or "").strip()
        if not title:
            continue
        found = text.rfind(title, max(0, start - len(title) - TITLE_SLACK), start + 1)
        if found >= 0 and found + len(title) <= start + 1:
            headings[found] = min(found + len(title), len(text))
        else:
            captions[start] = f"§ {title}"
    return headings, captions


def build_view(text: str, codings: Sequence[ViewCoding], *, turns: Iterable[tuple[int, int, str | None]] = (),
               sections: Iterable[tuple[int, str]] = (), professions: Mapping[str, str] | None = None) -> dict:
    """The blocks, runs and codings the component draws.

    ``blocks``: ``[start, end, runs]``; a run is ``[start, end, text, coding indexes, mark, note]`` where the
    indexes point into ``codings`` (lane order), ``mark`` is ``""``, ``"l"`` (a speaker label), ``"h"`` (a section
    title) or ``"s"`` (the blank lines ending a block), and ``note`` is a caption drawn beside the run, never part
    of the text (a speaker's profession after a label; a speaker or a section title not found in the text).
    ``codings``: ``[id, code, lane, layer, coder, source, status, start, end]`` sorted by start.
    ``turns`` are ``(start, end, speaker)``, ``sections`` ``(start, title)``.
    """
    size = len(text)
    shown = sorted((c for c in codings if 0 <= c.start < c.end <= size), key=lambda c: (c.start, -c.end, c.id))
    lanes = assign_lanes(shown)
    labels, turn_captions = _labels(text, turns, professions or {})
    label_notes = {end: profession for end, profession in labels.values() if profession}
    headings, section_captions = _headings(text, sections)
    separators = {m.start(): m.end() for m in BLANK_LINES.finditer(text)}
    block_starts = {0} | set(separators.values()) | {_line_start(text, s) for s in (
        *labels, *headings, *turn_captions, *section_captions)}
    block_starts = {s for s in block_starts if 0 <= s < size} | {0}
    marks = {**{s: (e, SEPARATOR) for s, e in separators.items()}, **{s: (e, HEADING) for s, e in headings.items()},
             **{s: (e, LABEL) for s, (e, _) in labels.items()}}
    cuts = sorted(block_starts | {size} | set(marks) | {e for e, _ in marks.values()} | set(turn_captions)
                  | set(section_captions) | {c.start for c in shown} | {c.end for c in shown})
    cuts = [cut for cut in cuts if 0 <= cut <= size]
    captions = {at: " — ".join(c for c in (section_captions.get(at), turn_captions.get(at)) if c)
                for at in {*section_captions, *turn_captions}}
    starting: dict[int, list[int]] = {}
    for position, coding in enumerate(shown):
        starting.setdefault(coding.start, []).append(position)
    # the codings open at each cut: a heap of (end, position) to close them, and the lane-ordered list of the
    # previous run reused while nothing opens or closes (5,600 runs over 2,000 codings: 29 ms -> 12 ms)
    open_: set[int] = set()
    ending: list[tuple[int, int]] = []
    covering: list[int] = []
    blocks: list[list] = []
    mark, mark_end = PLAIN, -1
    for left, right in zip(cuts, cuts[1:]):
        if left in block_starts or not blocks:
            blocks.append([left, right, []])
        changed = False
        while ending and ending[0][0] <= left:
            open_.discard(heapq.heappop(ending)[1])
            changed = True
        for position in starting.get(left, ()):
            open_.add(position)
            heapq.heappush(ending, (shown[position].end, position))
            changed = True
        if changed:
            covering = sorted(open_, key=lambda i: lanes[shown[i].id])
        if left in marks:
            mark_end, mark = marks[left]
        elif left >= mark_end:
            mark = PLAIN
        note = captions.get(left) or (label_notes.get(right) if mark == LABEL and right == mark_end else None)
        blocks[-1][1] = right
        blocks[-1][2].append([left, right, text[left:right], covering, mark, note])
    return {"blocks": blocks, "length": size,
            "codings": [[c.id, c.code, lanes[c.id], c.layer, c.coder, c.source, c.status, c.start, c.end]
                        for c in shown]}


def runs_of(view: dict) -> list[list]:
    """Every run of a view, in order."""
    return [run for block in view["blocks"] for run in block[2]]


def selection_offsets(runs: Sequence[Sequence], anchor: tuple[int, int], focus: tuple[int, int]) -> tuple[int, int]:
    """(start, end) of a selection between two DOM points, each (run index, UTF-16 offset in that run's text),
    in either order: the rule the component's JavaScript follows."""
    points = sorted(offset_in_run(runs[i][0], runs[i][2], units) for i, units in (anchor, focus))
    return points[0], points[1]


def selected_text(runs: Sequence[Sequence], start: int, end: int) -> str:
    """``text[start:end]`` put together from the runs, as the component sends it with a selection."""
    return "".join(run[2][max(start - run[0], 0):max(min(end, run[1]) - run[0], 0)]
                   for run in runs if run[0] < end and run[1] > start)
