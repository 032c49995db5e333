"""Segmentation: exact offsets, no overlap, never across turns or sections, every character covered."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcoder.errors import InvalidSegmentation
from qualcoder.ingest.structure import parse_structure
from qualcoder.text.nlp import load_pipeline, parse_blocks
from qualcoder.text.segment import parse_blocks_of, parse_method, segment_document

WORDS = ["le", "réseau", "coordonne", "les", "soins", "infirmière", "médecin", "patient", "care", "team", "nurse",
         "funding", "à", "domicile", "réunion", "cas", "famille", "aidante"]
SPEAKERS = ["Enq.", "Mme Aubert", "Dr Morel", "Q", "R", "INTERVIEWER"]

sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(lambda w: " ".join(w).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
turn = st.tuples(st.sampled_from(SPEAKERS), st.lists(paragraph, min_size=1, max_size=3))
heading = st.integers(min_value=1, max_value=9).map(lambda n: f"Cas n°{n} : Mme A., 7{n} ans")
block = st.one_of(turn, heading)


def render(blocks) -> str:
    parts = []
    for item in blocks:
        if isinstance(item, str):
            parts.append(item)
        else:
            speaker, paragraphs = item
            parts.append(f"{speaker} : " + "\n\n".join(paragraphs))
    return "\n\n".join(parts)


def check_invariants(text, structure, segments):
    spans = [(s.start, s.end) for s in segments]
    assert spans == sorted(spans)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start, "segments overlap"
    for segment in segments:
        piece = text[segment.start:segment.end]
        assert piece and piece == piece.strip()
        turn = structure.turns[segment.turn]
        assert turn.start <= segment.start < segment.end <= turn.end
        assert segment.speaker == turn.speaker
        if turn.section is not None:
            section = structure.sections[turn.section]
            assert section.start <= segment.start and segment.end <= section.end
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    for t in structure.turns:
        for position in range(t.start, t.end):
            if not text[position].isspace():
                assert position in covered, f"character {position} {text[position]!r} is in no segment"


@pytest.fixture(scope="module")
def english():
    return load_pipeline("en", "auto")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(block, min_size=1, max_size=8), method=st.sampled_from(
    ["turn", "paragraph", "sentence", "window:2", "window:5"]))
def test_segments_are_exact_disjoint_and_complete(english, blocks, method):
    text = render(blocks)
    structure = parse_structure(text, known_speakers=frozenset(SPEAKERS))
    (_, parse), = parse_blocks(english, [(1, parse_blocks_of(text, structure.turns))])
    segments = segment_document(text, structure.turns, parse, parse_method(method))
    check_invariants(text, structure, segments)


def test_french_sentences_with_the_real_pipeline():
    nlp = load_pipeline("fr", "fr_core_news_sm")
    text = ("Cas n°1 : Mme A., 78 ans\n\nDr Morel : Le MMSE est à 18. Il faut revoir le traitement.\n\n"
            "Sophie : La fille est épuisée. Elle appelle tous les jours.")
    structure = parse_structure(text, known_speakers=frozenset({"Dr Morel", "Sophie"}))
    (_, parse), = parse_blocks(nlp, [(1, parse_blocks_of(text, structure.turns))])
    segments = segment_document(text, structure.turns, parse, parse_method("sentence"))
    assert [text[s.start:s.end] for s in segments] == ["Le MMSE est à 18.", "Il faut revoir le traitement.",
                                                      "La fille est épuisée.", "Elle appelle tous les jours."]
    assert "infirmier" in load_pipeline("fr", "fr_core_news_sm")("infirmières")[0].lemma_
    window = segment_document(text, structure.turns, parse, parse_method("window:5"))
    assert [s.speaker for s in window] == ["Dr Morel", "Sophie"]  # windows stop at the turn


def test_english_lemmas_are_lower_cased_and_follow_the_part_of_speech():
    (_, parse), = parse_blocks(load_pipeline("en", "auto"), [(1, [(0, "Hospitals were funding the training.")])])
    assert parse.lemmas == ["hospital", "be", "fund", "the", "training", "."]  # the noun stays a noun


@pytest.mark.parametrize("bad", ["words", "window:0", "window:x", ""])
def test_unknown_segmentation_is_a_clear_error(bad):
    with pytest.raises(InvalidSegmentation, match=re.escape("Use turn, paragraph, sentence or window:N")):
        parse_method(bad)
