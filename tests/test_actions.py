"""The action log: every coder's action undone and redone, ids never reused, memos never moved to another coding."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcoder import Project
from qualcoder.coding.edits import trimmed_span
from qualcoder.errors import InvalidCoding, NothingToUndo, StaleAction, StaleView

CODEBOOK = REPO / "codebooks" / "reseaux-sante.yaml"
DOC = "corpus/entretien.txt"


def _span(project: Project, phrase: str) -> tuple[int, int]:
    text = project.document(DOC).text
    start = text.index(phrase)
    return start, start + len(phrase)


def _codings(project: Project, coder: str) -> list[tuple]:
    frame = project.codings_df(coder=coder)
    return sorted(zip(frame["code"], frame["start"], frame["end"], frame["memo"].fillna("")))


def test_apply_trims_edges_and_keeps_exact_offsets(coded):
    start, end = _span(coded, "Le FAQSV, puis la DNDR.")
    (coding,) = coded.apply_codes(DOC, start - 1, end + 1, ["financement"], "alice", expected_text=" Le FAQSV, "
                                  "puis la DNDR. ")
    row = coded.codings_df().set_index("coding_id").loc[coding]
    assert (row["start"], row["end"], row["text"]) == (start, end, "Le FAQSV, puis la DNDR.")
    assert coded.document(DOC).text[row["start"]:row["end"]] == row["text"]


def test_refusals_change_nothing(coded):
    start, end = _span(coded, "Depuis 2003")
    coded.apply_codes(DOC, start, end, ["financement"], "alice")
    before = coded.history_df()
    with pytest.raises(InvalidCoding, match="already coded this span"):
        coded.apply_codes(DOC, start, end, ["territoire", "financement"], "alice")  # one of two is a duplicate
    with pytest.raises(InvalidCoding, match="only blanks"):
        blank = coded.document(DOC).text.index("\n\n")
        coded.apply_codes(DOC, blank, blank + 2, ["territoire"], "alice")
    with pytest.raises(StaleView, match="reload"):
        coded.apply_codes(DOC, start, end, ["territoire"], "alice", expected_text="some other text")
    with pytest.raises(StaleView, match="no coding 9999"):
        coded.edit_coding(9999, "alice", memo="x")
    assert _codings(coded, "alice") == [("financement", start, end, "")]
    assert len(coded.history_df()) == len(before)
    coded.apply_codes(DOC, start, end, ["financement"], "bob")  # another coder may code the same span


def test_undo_and_redo_every_action_in_order(coded):
    start, end = _span(coded, "Le FAQSV, puis la DNDR.")
    states = [_codings(coded, "alice")]
    (first,) = coded.apply_codes(DOC, start, end, ["financement"], "alice")
    states.append(_codings(coded, "alice"))
    coded.edit_coding(first, "alice", code="financement.sources", memo="les deux financeurs")
    states.append(_codings(coded, "alice"))
    coded.resize_coding(first, start, start + len("Le FAQSV"), "alice")
    states.append(_codings(coded, "alice"))
    coded.add_memo("coding", first, "alice", "à comparer avec Dr Morel")
    coded.remove_coding(first, "alice")
    states.append(_codings(coded, "alice"))
    assert coded.memos_df().empty  # the memo went with its coding
    for expected in reversed(states[:-1]):
        action = coded.undo("alice")
        if action.summary.startswith("undo: memo"):
            action = coded.undo("alice")
        assert _codings(coded, "alice") == expected, action.summary
        if expected == states[3]:
            assert coded.memos_df()["text"].tolist() == ["à comparer avec Dr Morel"]  # restored with the coding
    with pytest.raises(NothingToUndo):
        coded.undo("alice")
    reopened = Project.open(coded.folder) if coded.engine.dialect.name == "sqlite" else coded
    reopened.redo("alice")
    assert _codings(reopened, "alice") == states[1]
    assert reopened.codings_df(coder="alice")["coding_id"].tolist() == [first]  # redone under its own id
    reopened.apply_codes(DOC, start, end, ["territoire"], "alice")  # a new action ends the redo chain
    with pytest.raises(NothingToUndo, match="nothing to redo"):
        reopened.redo("alice")
    kinds = reopened.history_df(coder="alice")["kind"].tolist()
    assert kinds[:3] == ["apply", "redo", "undo"] and kinds.count("undo") == 5


def test_undo_never_overwrites_someone_elses_change(coded):
    start, end = _span(coded, "Depuis 2003")
    (coding,) = coded.apply_codes(DOC, start, end, ["financement"], "alice")
    coded.edit_coding(coding, "bob", memo="bob's reading")
    with pytest.raises(StaleAction, match="changed since"):
        coded.undo("alice")
    assert _codings(coded, "alice") == [("financement", start, end, "bob's reading")]
    coded.undo("bob")
    coded.undo("alice")
    assert _codings(coded, "alice") == []


def test_decisions_on_rules_and_suggestions_are_undoable(coded):
    report = coded.autocode(everything=True)
    rules = coded.codings_df(source="rules")
    assert len(rules) == len(report.codings) > 0
    wrong = int(rules.iloc[0]["coding_id"])
    coded.reject_suggestion(wrong, "alice")
    coded.add_memo("coding", int(rules.iloc[1]["coding_id"]), "alice", "good catch")
    coded.autocode(everything=True)  # rules run again
    after = coded.codings_df(source="rules").set_index("coding_id")
    assert after.loc[wrong, "status"] == "rejected" and len(after) == len(rules)
    assert coded.memos_df()["coding_id"].tolist() == [int(rules.iloc[1]["coding_id"])]  # same coding, same memo
    coded.undo("alice")  # the memo
    coded.undo("alice")  # the rejection
    assert coded.codings_df(source="rules").set_index("coding_id").loc[wrong, "status"] == "applied"
    with pytest.raises(InvalidCoding, match="a person's coding"):
        coded.reject_suggestion(coded.apply_codes(DOC, *_span(coded, "Depuis 2003"), ["territoire"], "eve")[0],
                                "alice")


def test_adjudication_is_undoable_from_the_log(coded):
    segments = coded.segments_df()
    segment = segments[segments["text"].str.contains("FAQSV")].iloc[0]
    coded.add_coding("financement", "coder_a", segment=int(segment.segment_id))
    decision = coded.resolve(["coder_a", "coder_b"], int(segment.segment_id), "financement", "coder_a", "alice")
    assert len(coded.codings_df(coder="consensus")) == 1
    coded.undo("alice")
    assert coded.codings_df(coder="consensus").empty
    assert decision not in coded.decisions_df()["decision_id"].tolist()  # undone: the log keeps its history
    coded.redo("alice")
    assert len(coded.codings_df(coder="consensus")) == 1
    assert coded.decisions_df()["decision_id"].tolist() == [decision]


def test_sqlite_never_reuses_an_id_and_a_memo_never_moves(sqlite_project, sample_dir):
    """The bug as reported: code add -> memo on it -> remove -> another coder's code add got the id and the memo."""
    sqlite_project.import_files([sample_dir])
    sqlite_project.segment("sentence")
    sqlite_project.load_codebook(CODEBOOK)
    first = sqlite_project.add_coding("financement", "alice", segment=1)
    sqlite_project.add_memo("coding", first, "alice", "alice's memo")
    sqlite_project.remove_coding(first)
    second = sqlite_project.add_coding("territoire", "bob", segment=2)
    assert second > first
    assert sqlite_project.memos_df().empty


def test_migration_detaches_memos_of_reused_ids(tmp_path, sample_dir):
    """A project made before 0005 whose coding id was reused: the memo is kept, as a project memo saying so."""
    from qualcoder.store.database import make_engine, upgrade

    folder = tmp_path / "old"
    Project.create(folder).close()
    database = folder / "project.db"
    database.unlink()
    upgrade(make_engine(f"sqlite:///{database}"), "0004")
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO documents VALUES (1, 'a.txt', 'a.txt', 'txt', 'x', 'interview', 'fr', NULL, "
                           "'{}', 'Bonjour à tous.', 15, '2026-01-01 00:00:00')")
        connection.execute("INSERT INTO codings (id, document_id, start, \"end\", code, coder, source, status, "
                           "snippet, created_at) VALUES (7, 1, 0, 7, 'x', 'bob', 'manual', 'applied', 'Bonjour', "
                           "'2026-01-03 00:00:00')")
        connection.executemany("INSERT INTO memos (target, target_id, coder, text, created_at) VALUES (?, ?, ?, ?, ?)",
                               [("coding", "7", "alice", "on alice's old coding 7", "2026-01-02 00:00:00"),
                                ("coding", "7", "bob", "on bob's coding 7", "2026-01-04 00:00:00"),
                                ("document", "1", "bob", "on the document", "2026-01-04 00:00:00")])
    project = Project.open(folder)
    memos = project.memos_df().set_index("coder", drop=False).sort_values("id")
    assert memos["target"].tolist() == ["project", "coding", "document"]
    assert memos.iloc[0]["text"] == "[written on coding 7, which no longer exists] on alice's old coding 7"
    assert memos.iloc[1]["coding_id"] == 7 and memos.iloc[2]["document_id"] == 1
    assert project.migration_backup is not None and project.migration_backup.exists()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \n\tabé’", min_size=1, max_size=40), st.data())
def test_trimmed_spans_are_exact_offsets(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    piece = text[start:end]
    if not piece.strip():
        with pytest.raises(InvalidCoding):
            trimmed_span(text, start, end, "doc")
        return
    left, right = trimmed_span(text, start, end, "doc")
    assert text[left:right] == piece.strip() and start <= left < right <= end
