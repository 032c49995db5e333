"""External text to our normalised text (NFC, ``\\n``, no BOM), with a map of character offsets.

Another tool's selections count characters in *its* text. Normalising that text (CRLF -> LF, NFD -> NFC)
shifts every later offset, so each selection is moved through the map built here.

>>> mapped = normalise_with_offsets("e\\u0301te\\r\\nfin")
>>> mapped.text
'éte\\nfin'
>>> mapped.span(6, 9), mapped.text[slice(*mapped.span(6, 9))]
((4, 7), 'fin')
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from qualcoder.ingest.text import normalise


@dataclass(frozen=True)
class OffsetMap:
    """``text`` is the normalised text; ``lower``/``upper`` map each raw offset to a new one (None: identity).

    An offset inside a unit that normalisation merges (``e`` + combining accent, ``\\r\\n``) moves to the
    unit's start for a selection's start (``lower``) and to its end for a selection's end (``upper``), so a
    selection never cuts a character in two.
    """

    text: str
    raw_length: int
    lower: list[int] | None = None
    upper: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.lower is None or self.upper is None:
            return start, end
        return self.lower[start], self.upper[end]


def decode_utf8(data: bytes) -> tuple[str, str | None]:
    """Decode a REFI plain-text source (UTF-8 by the standard; a BOM, UTF-16 or cp1252 are tolerated).

    Returns the text and a warning when it was not UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "the text is UTF-16, not UTF-8 as REFI-QDA requires; it was decoded as UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "the text is not UTF-8; it was decoded as cp1252"


def normalise_with_offsets(raw: str) -> OffsetMap:
    """Normalise ``raw`` like every imported text and return the offset map (identity when nothing changes)."""
    expected = normalise(raw)
    if expected == raw:
        return OffsetMap(raw, len(raw))
    lower = [0] * (len(raw) + 1)
    upper = [0] * (len(raw) + 1)
    pieces: list[str] = []
    old = new = 0
    for size, unit in _merged_units(raw):
        out = unicodedata.normalize("NFC", unit)
        lower[old] = upper[old] = new
        for inner in range(old + 1, old + size):
            lower[inner], upper[inner] = new, new + len(out)
        pieces.append(out)
        old, new = old + size, new + len(out)
    lower[old] = upper[old] = new
    text = "".join(pieces)
    if text != expected:  # cannot happen unless normalise() changes; never import shifted offsets silently
        raise AssertionError("the offset map does not reproduce the normalised text")
    return OffsetMap(text, len(raw), lower, upper)


def _units(raw: str) -> Iterator[tuple[int, str]]:
    """(raw length, text) units: CRLF or CR -> LF, BOM -> nothing, a base character with its combining marks."""
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\r":
            size = 2 if raw.startswith("\n", i + 1) else 1
            yield size, "\n"
        elif ch == "\ufeff":
            size = 1
            yield size, ""
        else:
            j = i + 1
            while j < n and unicodedata.combining(raw[j]):
                j += 1
            size = j - i
            yield size, raw[i:j]
        i += size


def _merged_units(raw: str) -> list[tuple[int, str]]:
    """Units, merged where NFC composes across them (rare: Hangul jamo, some Indic vowel signs)."""
    merged: list[list] = []
    for size, unit in _units(raw):
        if merged and unit and merged[-1][1]:
            previous = merged[-1][1]
            together = unicodedata.normalize("NFC", previous + unit)
            if together != unicodedata.normalize("NFC", previous) + unicodedata.normalize("NFC", unit):
                merged[-1][0] += size
                merged[-1][1] += unit
                continue
        merged.append([size, unit])
    return [(size, unit) for size, unit in merged]
