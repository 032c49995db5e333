"""Speaker turns in every transcript convention, and minutes sections, attendees and dates."""

from __future__ import annotations

import pytest
from conftest import MINUTES_EN, MINUTES_FR

from qualcoder.ingest.dates import parse_date
from qualcoder.ingest.structure import parse_structure


def turns_of(text: str, **kwargs) -> list[tuple[str | None, str]]:
    structure = parse_structure(text, **kwargs)
    return [(t.speaker, text[t.start:t.end]) for t in structure.turns]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Marie: Bonjour.\n\nPaul: Salut.\n\nMarie: Ça va ?", [("Marie", "Bonjour."), ("Paul", "Salut."),
                                                               ("Marie", "Ça va ?")]),
        ("MARIE : Bonjour.\nPAUL : Salut.", [("MARIE", "Bonjour."), ("PAUL", "Salut.")]),
        ("[Interviewer] How long?\n[Tom] Two years.\n[Tom] Maybe three.", [("Interviewer", "How long?"),
                                                                          ("Tom", "Two years."),
                                                                          ("Tom", "Maybe three.")]),
        ("Q : Depuis quand ?\nR : Depuis 2003.", [("Q", "Depuis quand ?"), ("R", "Depuis 2003.")]),
        ("Enq. : Et alors ?\nMme Aubert : Alors voilà.", [("Enq.", "Et alors ?"), ("Mme Aubert", "Alors voilà.")]),
        ("Interviewer: And funding?\nParticipant: Annual.", [("Interviewer", "And funding?"),
                                                            ("Participant", "Annual.")]),
        ("[00:12:03] Enquêtrice : Bon.\n[00:12:09] M. Caron : Oui.", [("Enquêtrice", "Bon."), ("M. Caron", "Oui.")]),
        ("00:12:03 Enquêteur : Bon.\n00:12:09 Mme Delmas : Oui.", [("Enquêteur", "Bon."), ("Mme Delmas", "Oui.")]),
        ("<v Enquêteur>Bon.\n<v Mme Delmas>Oui.", [("Enquêteur", "Bon."), ("Mme Delmas", "Oui.")]),
    ],
)
def test_speaker_conventions(text, expected):
    assert turns_of(text) == expected


def test_continuation_paragraphs_belong_to_the_turn_in_interviews():
    text = "Enq. : Et ensuite ?\n\nMme A. : D'abord ceci.\n\nEt puis cela.\n\nEnq. : Merci."
    assert turns_of(text) == [("Enq.", "Et ensuite ?"), ("Mme A.", "D'abord ceci.\n\nEt puis cela."),
                              ("Enq.", "Merci.")]


def test_annotations_are_not_speakers():
    text = "Q : Bon ?\n[rires] oui bon.\n[rires] encore.\nR : Oui."
    speakers = {speaker for speaker, _ in turns_of(text)}
    assert "rires" not in speakers


def test_a_phrase_used_once_with_a_colon_is_not_a_speaker():
    text = "Mme A. : Je pense.\n\nMme B. : Non.\n\nMme A. : Si.\n\nLe point clé : la coordination."
    assert ("Le point clé", "la coordination.") not in turns_of(text)


def test_known_speakers_are_accepted_even_once():
    assert turns_of("Jean : Bonjour.", known_speakers=frozenset({"Jean"})) == [("Jean", "Bonjour.")]


def test_french_minutes_header_sections_and_attendees():
    structure = parse_structure(MINUTES_FR)
    assert structure.is_minutes
    assert structure.header["date_iso"] == "2004-03-11"
    assert structure.header["attendees"][0] == {"name": "Dr Bernard Morel", "profession": "neurologue"}
    assert [(s.title, s.kind) for s in structure.sections] == [("Cas n°1 : Mme D., 82 ans", "case"),
                                                              ("Point n°2 : Organisation", "item")]
    turns = [(t.speaker, t.section) for t in structure.turns]
    assert turns == [(None, 0), ("Dr Morel", 0), ("Sophie Lambert", 0), ("Dr Garnier", 0), (None, 1)]
    for turn in structure.turns:  # turns never cross a section boundary
        section = structure.sections[turn.section]
        assert section.start <= turn.start < turn.end <= section.end
    assert all(t.start >= structure.header_end for t in structure.turns)


def test_english_minutes():
    structure = parse_structure(MINUTES_EN)
    assert structure.header["date_iso"] == "2019-03-12"
    assert structure.header["apologies"] == [{"name": "Dr James Patel", "profession": "GP"}]
    assert [s.title for s in structure.sections] == ["Case 1: Mrs A., 78", "Item 2: Reporting"]
    assert [t.speaker for t in structure.turns] == ["Dr Collins", "Emma Wright", None]


@pytest.mark.parametrize(
    "value, iso",
    [("Date : 11 mars 2004", "2004-03-11"), ("1er février 2005", "2005-02-01"), ("12 March 2019", "2019-03-12"),
     ("March 12, 2019", "2019-03-12"), ("15/01/2004", "2004-01-15"), ("2004-01-15", "2004-01-15"),
     ("31 février 2004", None), ("pas de date", None), ("décembre 2004", "2004-12-01")],
)
def test_dates(value, iso):
    assert parse_date(value) == iso
