"""Dates as researchers write them, in French and English, to ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "jun": 6, "jul": 7, "juil": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([a-z]+)\s+(\d{4})\b")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def parse_date(value: str) -> str | None:
    """Return the ISO date in ``value``, or None when it holds none.

    Day-first for numeric dates (French usage). A month and year give the first of the month.

    >>> parse_date("Date : 1er mars 2005"), parse_date("12 March 2019"), parse_date("15/01/2004")
    ('2005-03-01', '2019-03-12', '2004-01-15')
    """
    text = _fold(value)
    if match := _ISO.search(text):
        return _iso(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.search(text):
        return _iso(int(match[3]), int(match[2]), int(match[1]))
    if (match := _DAY_MONTH_YEAR.search(text)) and match[2] in _MONTHS:
        return _iso(int(match[3]), _MONTHS[match[2]], int(match[1]))
    if (match := _MONTH_DAY_YEAR.search(text)) and match[1] in _MONTHS:
        return _iso(int(match[3]), _MONTHS[match[1]], int(match[2]))
    if (match := _MONTH_YEAR.search(text)) and match[1] in _MONTHS:
        return _iso(int(match[2]), _MONTHS[match[1]], 1)
    if match := _YEAR.match(text):
        return _iso(int(match[1]), 1, 1)
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
