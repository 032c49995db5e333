"""A paragraph over spaCy's 1,000,000-character limit is parsed in pieces: that document and the others are
segmented, with exact offsets."""

from __future__ import annotations

from qualcoder import Project
from qualcoder.text.nlp import PIECE_CHARS, split_long


def test_split_long_keeps_offsets_and_cuts_after_sentences():
    text = "One sentence here. " * 20_000
    pieces = split_long(7, text)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[start - 7 : start - 7 + len(piece)] == piece for start, piece in pieces)
    assert max(len(piece) for _, piece in pieces) <= PIECE_CHARS
    assert all(piece.endswith(". ") for _, piece in pieces[:-1])
    assert [len(piece) for _, piece in split_long(0, "x" * 250_000)] == [100_000, 100_000, 50_000]


def test_a_one_line_transcript_over_a_million_characters_is_segmented(tmp_path):
    project = Project.create(tmp_path / "p")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    line = "Interviewer: " + "The nurse called the doctor about the patient at home today. " * 17_000
    assert len(line) > 1_000_000
    (corpus / "long.txt").write_text(line, encoding="utf-8")
    (corpus / "short.txt").write_text("Interviewer: How are you?\n\nNurse: Fine, thank you.", encoding="utf-8")
    assert not project.import_files([corpus], language="en").failures
    assert project.segment(by="sentence") > 17_000
    segments = project.segments_df()
    assert set(segments["doc"]) == {"corpus/long.txt", "corpus/short.txt"}
    texts = {row.name: row.text for row in project.documents_df().itertuples()}
    assert all(texts[doc][start:end] == text for doc, start, end, text in
               zip(segments["doc"], segments["start"], segments["end"], segments["text"]))
    long = segments[segments["doc"] == "corpus/long.txt"]
    assert (long["text"].str.startswith("The nurse called") | long["text"].str.startswith("Interviewer")).all()
    assert project.repo.parses()[int(long["doc_id"].iloc[0])].ends[-1] == len(line.rstrip())
    project.close()
