"""The identifying patterns NER does not see: e-mail addresses, phone numbers, dates of birth, ages, street
addresses, and the titles that announce a person (``Mme``, ``Dr``, ``Mr``).

Every pattern is linear (no nested repetition), so a long transcript cannot make it backtrack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TITLES = ("M.", "Mr", "Mr.", "Mme", "Mmes", "Mlle", "Melle", "Dr", "Dr.", "Docteur", "Pr", "Pr.", "Professeur",
          "Madame", "Monsieur", "Mademoiselle", "Me", "Maître", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Prof.",
          "Professor", "Sister", "Doctor", "Sir", "Dame", "Lord", "Lady")
FEMALE_TITLES = {"Mme", "Mmes", "Mlle", "Melle", "Madame", "Mademoiselle", "Mrs", "Mrs.", "Ms", "Ms.", "Miss",
                 "Sister", "Dame", "Lady"}
MALE_TITLES = {"M.", "Mr", "Mr.", "Monsieur", "Sir", "Lord"}
_TITLE = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
TITLE_BEFORE = re.compile(rf"(?:^|(?<=[\s(\[«\"']))(?:{_TITLE})(?!\w)\s*$")
TITLE_AT_START = re.compile(rf"^(?:{_TITLE})(?!\w)\.?\s+")

_MONTHS_FR = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = (rf"(?:\d{{1,2}}(?:er)?\s+(?:{_MONTHS_FR})\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS_EN})\s+\d{{4}}"
         rf"|(?:{_MONTHS_EN})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|(?:en|in)\s+\d{{4}})")
_STREET_FR = r"rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|route|quai|cours|square|résidence"
_STREET_EN = r"Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Drive|Close|Crescent|Way|Terrace|Gardens|Grove|Row|Square"
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"

PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|0)\d(?:[\s.-]?\d){7,11}(?!\w)"),
    "birthdate": re.compile(
        rf"(?i:(?:née?s?\s+le|née?s?\s+en|date\s+de\s+naissance\s*:?|born(?:\s+on)?|date\s+of\s+birth\s*:?|d\.?o\.?b\.?\s*:?)\s+)"
        rf"(?P<value>{_DATE})"),
    "age": re.compile(r"(?<!\w)(?:(?P<fr>\d{1,3}\s?ans)|aged\s\d{1,3}|\d{1,3}[- ]years?[- ]old|\d{1,3}\s?yo)(?!\w)"),
    "address": re.compile(
        rf"(?<!\w)\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{_STREET_FR})\s+(?:(?:de\s+la|de|du|des|la|le|l'|d')\s*)?{_CAP}"
        rf"(?:[ -](?:(?:de|du|des|la|le)\s)?{_CAP}){{0,3}}(?:,?\s+\d{{5}}(?:\s+{_CAP})?)?"
        rf"|(?<!\w)\d{{1,5}}\s+{_CAP}(?:\s{_CAP}){{0,2}}\s(?:{_STREET_EN})(?!\w)(?:,?\s+[A-Z]{{1,2}}\d[A-Z\d]?\s?\d[A-Z]{{2}})?"),
}
# "depuis 10 ans", "pendant 3 ans", "for 5 years": durations, not ages
_DURATION_BEFORE = re.compile(r"(?i:depuis|pendant|durant|il y a|dans|après|avant|tous les|de|sur|en|for|over|"
                              r"in|after|within|ago|about|plus de|moins de)\s+$")
AGE_NEAR = 80  # an age counts when a person (or a title) is this close, in characters


@dataclass(frozen=True)
class Hit:
    """A detection before it is stored: ``text[start:end]``, its category and source."""

    start: int
    end: int
    category: str
    source: str


def pattern_hits(text: str) -> Iterator[Hit]:
    """E-mails, phones, dates of birth, street addresses and ages (every age; ``near_person`` filters them).

    >>> [(h.category, h.start) for h in pattern_hits("Écrire à j.dupont@chu-lyon.fr")]
    [('email', 9)]
    >>> [h.category for h in pattern_hits("née le 3 mars 1941, 12 rue des Lilas, tél. 06 12 34 56 78")]
    ['phone', 'birthdate', 'address']
    """
    for category, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = match.span("value") if "value" in pattern.groupindex else match.span()
            if category == "phone" and sum(c.isdigit() for c in match.group()) < 9:
                continue
            if category == "age" and _DURATION_BEFORE.search(text, max(0, start - 20), start):
                continue
            yield Hit(start, end, category, "pattern")


def near_person(hit: Hit, text: str, persons: list[tuple[int, int]]) -> bool:
    """An age is identifying next to a name: a person detection or a title within ``AGE_NEAR`` characters."""
    if any(abs(hit.start - end) <= AGE_NEAR or abs(start - hit.end) <= AGE_NEAR for start, end in persons):
        return True
    window = text[max(0, hit.start - AGE_NEAR): hit.start]
    return re.search(rf"(?<!\w)(?:{_TITLE})(?!\w)", window) is not None


def title_of(text: str, start: int) -> str | None:
    """The title just before ``start`` (``Mme`` in ``Mme Dupont``), or None.

    >>> title_of("voir Mme Dupont", 9)
    'Mme'
    """
    match = TITLE_BEFORE.search(text, max(0, start - 14), start)
    return match.group().strip() if match else None
