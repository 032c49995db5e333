"""Manual coding, suggestions decided by a coder, memos, imports, and codebook changes that keep human work."""

from __future__ import annotations

import pytest
from conftest import REPO

from qualcoder.errors import CodebookChangeRefused, InvalidCoding, NoCodebook, UnknownCode

CODEBOOK = REPO / "codebooks" / "reseaux-sante.yaml"


def test_code_a_segment_and_a_span(coded):
    segments = coded.segments_df()
    morel = segments[segments.speaker == "Dr Morel"].iloc[0]
    first = coded.add_coding("territoire.defense", "alice", segment=int(morel.segment_id), memo="il tient son rôle")
    document = coded.document("corpus/entretien.txt")
    start = document.text.index("Le FAQSV")
    second = coded.add_coding("financement.sources", "bob", doc="corpus/entretien.txt", start=start,
                              end=start + len("Le FAQSV, puis la DNDR."))
    codings = coded.codings_df().set_index("coding_id")
    assert codings.loc[first, "text"] == morel.text and codings.loc[first, "memo"] == "il tient son rôle"
    assert codings.loc[second, "text"] == "Le FAQSV, puis la DNDR."
    assert codings.loc[second, "codebook_version"] == coded.codebook().version
    assert codings.loc[second, "label_en"]
    for row in codings.itertuples():
        assert coded.document(int(row.doc_id)).text[row.start:row.end] == row.text
    coded.remove_coding(first)
    assert list(coded.codings_df().coding_id) == [second]


def test_bad_codings_are_refused(coded):
    with pytest.raises(UnknownCode, match="codebook show"):
        coded.add_coding("nope", "alice", segment=1)
    with pytest.raises(InvalidCoding, match="outside the document"):
        coded.add_coding("territoire", "alice", doc="corpus/entretien.txt", start=5, end=10**6)
    with pytest.raises(InvalidCoding, match="no segment"):
        coded.add_coding("territoire", "alice", segment=99999)
    assert coded.codings_df().empty


def test_no_codebook_is_a_clear_error(make_project):
    with pytest.raises(NoCodebook, match="codebook load"):
        make_project().codebook()


def test_suggestions_are_decided_by_a_named_coder(coded):
    from qualcoder.coding.manual import coding_row

    document = coded.document("corpus/entretien.txt")
    (suggestion,) = coded.repo.add_codings([coding_row(document.id, document.text, 0, 10, "financement", "model",
                                                       source="model", status="suggested", confidence=0.7)])
    coded.accept_suggestion(suggestion, "alice")
    row = coded.codings_df().iloc[0]
    assert (row.status, row.decided_by) == ("accepted", "alice")
    manual = coded.add_coding("territoire", "alice", segment=1)
    with pytest.raises(InvalidCoding, match="not a suggestion"):
        coded.reject_suggestion(manual, "alice")


def test_memos_on_codes_documents_and_codings(coded):
    coded.add_memo("code", "territoire", "alice", "Voir Abbott sur les juridictions.")
    coded.add_memo("document", "corpus/entretien.txt", "alice", "Entretien très riche.")
    memos = coded.memos_df()
    assert list(memos.target) == ["code", "document"] and set(memos.coder) == {"alice"}
    with pytest.raises(InvalidCoding):
        coded.add_memo("speaker", "x", "alice", "non")


def test_import_codings_checks_the_quoted_text(coded, tmp_path):
    document = coded.document("corpus/entretien.txt")
    start = document.text.index("Depuis 2003.")
    path = tmp_path / "codings.csv"
    path.write_text(
        "file,start,end,code,text\n"
        f"corpus/entretien.txt,{start},{start + 12},role_coordinateur,Depuis 2003.\n"
        f"corpus/entretien.txt,{start},{start + 12},role_coordinateur,Depuis 2004.\n"
        f"corpus/absent.txt,0,5,territoire,x\n",
        encoding="utf-8")
    result = coded.import_codings(path, coder="carol")
    assert result.imported == 1
    assert len(result.mismatched) == 1 and f"{path}:3" in result.mismatched[0]
    assert len(result.skipped) == 1 and "absent.txt" in result.skipped[0]
    assert list(coded.codings_df().coder) == ["carol"]


def test_dropping_a_coded_code_needs_merge_or_force(coded, tmp_path):
    coded.add_coding("territoire.defense", "alice", segment=2)
    text = CODEBOOK.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(text.replace("id: territoire.defense", "id: territoire.protection"), encoding="utf-8")
    before = coded.codebook().version
    with pytest.raises(CodebookChangeRefused, match=r"territoire.defense \(1\).*--merge OLD=NEW"):
        coded.load_codebook(renamed)
    assert coded.codebook().version == before  # nothing changed
    change = coded.load_codebook(renamed, merge={"territoire.defense": "territoire.protection"})
    assert change.removed == ["territoire.defense"] and "territoire.protection" in change.added
    assert list(coded.codings_df().code) == ["territoire.protection"]
    change = coded.load_codebook(CODEBOOK, force=True)
    assert change.orphaned == {"territoire.protection": 1}
    assert list(coded.codings_df().code) == ["territoire.protection"]  # kept, never deleted


def test_demo_reference_codings_are_loaded(demo_copy):
    project = demo_copy
    counts = project.codings_df().groupby("coder").size().to_dict()
    assert counts["coder_a"] == 516 and counts["coder_b"] == 1200
    assert counts["rules"] > 1000 and counts["model"] > 0  # the demo also auto-codes, trains and suggests
    assert set(project.codings_df(coder="model").status) == {"suggested"}
    project.close()
