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
    # abbreviations, French (janv., févr., avr., juil., sept., déc.) and English (Jan., Feb., ...)
    "janv": 1, "jan": 1, "fevr": 2, "fev": 2, "feb": 2, "mar": 3, "avr": 4, "apr": 4, "jun": 6, "juil": 7,
    "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([a-z]+)\.?\s+(\d{4})\b")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


def parse_date(value: str) -> str | None:
    """Return the ISO date in ``value``, or None when it holds none: the first full date in the text, wherever it
    stands, else the first month and year (the first of the month), else a bare year.

    Day-first for numeric dates (French usage); French and English month names, abbreviated or not.

    >>> parse_date("Date : 1er mars 2005"), parse_date("12 March 2019"), parse_date("15/01/2004")
    ('2005-03-01', '2019-03-12', '2004-01-15')
    >>> parse_date("Séance n° 12 du samedi 19 janv. 2013"), parse_date("Réunion 3, Feb. 4, 2021")
    ('2013-01-19', '2021-02-04')
    """
    text = _fold(value)
    found = list(_full_dates(text))
    valid = sorted((start, iso) for start, _, iso in found if iso is not None)
    if valid:
        return valid[0][1]
    taken = [(start, end) for start, end, _ in found]  # "31 février 2004" is no date, not "février 2004"
    for match in _MONTH_YEAR.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if match[1] in _MONTHS and (iso := _iso(int(match[2]), _MONTHS[match[1]], 1)):
            return iso
    if match := _YEAR.match(text):
        return _iso(int(match[1]), 1, 1)
    return None


def _full_dates(text: str):
    """(start, end, ISO date or None when impossible) of every day-month-year date in the text."""
    for match in _ISO.finditer(text):
        yield match.start(), match.end(), _iso(int(match[1]), int(match[2]), int(match[3]))
    for match in _NUMERIC.finditer(text):
        yield match.start(), match.end(), _iso(int(match[3]), int(match[2]), int(match[1]))
    for match in _DAY_MONTH_YEAR.finditer(text):
        if match[2] in _MONTHS:
            yield match.start(), match.end(), _iso(int(match[3]), _MONTHS[match[2]], int(match[1]))
    for match in _MONTH_DAY_YEAR.finditer(text):
        if match[1] in _MONTHS:
            yield match.start(), match.end(), _iso(int(match[3]), _MONTHS[match[1]], int(match[2]))


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
