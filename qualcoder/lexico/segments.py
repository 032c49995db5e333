"""Text segments as IRaMuTeQ cuts them: about ``size`` words, cut at sentence ends, inside one speaker turn.

Read from the stored parses (nothing is parsed again). Sentences are grouped until the segment is as close to
``size`` words as a sentence boundary allows; a sentence longer than 1.5 x ``size`` is first cut at the comma,
semicolon or colon nearest to every ``size`` words (at ``size`` words when there is none). A segment never
crosses a turn, so it has one speaker, and its text is ``document.text[start:end]``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from qualcoder.lexico.lexicon import normalise
from qualcoder.models import Turn
from qualcoder.text.parse import Parse

WEAK_BREAKS = {",", ";", ":", "—", "–", "…"}
SPAN_COLUMNS = ["position", "doc_id", "start", "end", "turn", "words"]


@dataclass
class TextSegments:
    """Segments (``frame``: position, doc_id, start, end, turn, words) and, for each, its word forms (lower-cased,
    numbers and punctuation left out) with the stored spaCy lemma of each."""

    frame: pd.DataFrame
    forms: list[list[str]]
    lemmas: list[list[str]]


def cut_document(text: str, parse: Parse, turns: list[Turn], size: int = 40) -> list[tuple[int, int, int, int]]:
    """(start, end, turn, words) of each segment of one document.

    >>> from qualcoder.text.parse import Parse
    >>> text = "Un deux trois. Quatre cinq. Six sept huit neuf."
    >>> starts = [0, 3, 8, 13, 15, 22, 26, 28, 32, 37, 42, 46]
    >>> ends = [2, 7, 13, 14, 21, 26, 27, 31, 36, 41, 46, 47]
    >>> parse = Parse(starts, ends, [""] * 12, [(0, 14), (15, 27), (28, 47)])
    >>> [(s, e, w) for s, e, _, w in cut_document(text, parse, [Turn(0, 47, None)], size=5)]
    [(0, 27, 5), (28, 47, 4)]
    """
    words = [normalise(text[s:e]) is not None for s, e in zip(parse.starts, parse.ends)]
    sentence_ends = [end for _, end in parse.sentences]
    spans = []
    for index, turn in enumerate(turns):
        pieces = []
        for start, end in parse.sentences[bisect_right(sentence_ends, turn.start):]:
            if start >= turn.end:
                break
            first = bisect_left(parse.starts, max(start, turn.start))
            last = bisect_left(parse.starts, min(end, turn.end))
            if last > first:
                pieces.extend(_split_long(text, parse, words, first, last, size))
        for first, last, count in _group(pieces, size):
            spans.append((parse.starts[first], parse.ends[last - 1], index, count))
    return spans


def _split_long(text: str, parse: Parse, words: list[bool], first: int, last: int, size: int
                ) -> list[tuple[int, int, int]]:
    """(first token, last token + 1, words) of a sentence, cut in pieces when it is longer than 1.5 x size."""
    count = sum(words[first:last])
    if count <= 1.5 * size:
        return [(first, last, count)]
    pieces, cursor = [], first
    while sum(words[cursor:last]) > 1.5 * size:
        seen, target = 0, None
        candidates = []
        for token in range(cursor, last):
            seen += words[token]
            if seen == size and target is None:
                target = token
            if abs(seen - size) <= size // 4 and text[parse.starts[token]:parse.ends[token]] in WEAK_BREAKS:
                candidates.append(token)
            if seen > size + size // 4:
                break
        cut = min(candidates, key=lambda t: abs(t - target)) if candidates and target is not None else target
        pieces.append((cursor, cut + 1, sum(words[cursor:cut + 1])))
        cursor = cut + 1
    pieces.append((cursor, last, sum(words[cursor:last])))
    return pieces


def _group(pieces: list[tuple[int, int, int]], size: int) -> list[tuple[int, int, int]]:
    """Consecutive pieces joined while that brings the segment closer to ``size`` words."""
    groups, current, count = [], None, 0
    for first, last, words in pieces:
        if current is None:
            current, count = [first, last], words
        elif abs(count + words - size) <= abs(count - size) or count == 0:
            current[1], count = last, count + words
        else:
            groups.append((current[0], current[1], count))
            current, count = [first, last], words
    if current is not None:
        groups.append((current[0], current[1], count))
    return [g for g in groups if g[2] > 0]


def segment_tokens(text: str, parse: Parse, start: int, end: int) -> tuple[list[str], list[str]]:
    """The word forms of ``text[start:end]`` (normalised) and their stored lemmas."""
    first, last = bisect_left(parse.starts, start), bisect_left(parse.starts, end)
    forms, lemmas = [], []
    for s, e, lemma in zip(parse.starts[first:last], parse.ends[first:last], parse.lemmas[first:last]):
        form = normalise(text[s:e])
        if form is not None:
            forms.append(form)
            lemmas.append(lemma.replace("’", "'"))
    return forms, lemmas


def cut_segments(texts: dict[int, str], parses: dict[int, Parse], turns: dict[int, list[Turn]],
                 doc_ids: Iterable[int], size: int = 40, skip_turns: set[tuple[int, int]] = frozenset()
                 ) -> TextSegments:
    """The segments of these documents, in document order; turns ``(doc_id, turn index)`` in ``skip_turns``
    (an interviewer's questions, say) are left out."""
    rows = []
    for doc_id in doc_ids:
        if doc_id not in parses:
            continue
        for start, end, turn, words in cut_document(texts[doc_id], parses[doc_id], turns.get(doc_id, []), size):
            if (doc_id, turn) not in skip_turns:
                rows.append((len(rows), doc_id, start, end, turn, words))
    frame = pd.DataFrame(rows, columns=SPAN_COLUMNS)
    return with_tokens(frame, texts, parses)


def with_tokens(frame: pd.DataFrame, texts: dict[int, str], parses: dict[int, Parse]) -> TextSegments:
    """Stored segments (doc_id, start, end) with their forms and lemmas read again from the parses."""
    forms, lemmas = [], []
    for doc_id, start, end in zip(frame["doc_id"].tolist(), frame["start"].tolist(), frame["end"].tolist()):
        parse = parses.get(doc_id)
        found = segment_tokens(texts[doc_id], parse, start, end) if parse else ([], [])
        forms.append(found[0])
        lemmas.append(found[1])
    return TextSegments(frame.reset_index(drop=True), forms, lemmas)
