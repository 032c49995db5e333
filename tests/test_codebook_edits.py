"""Growing the codebook while coding: every change a validated, undoable version; human codings never lost."""

from __future__ import annotations

import threading

import pytest
import yaml
from conftest import REPO
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.coding.codebook import load_codebook, to_yaml
from qualcoder.errors import CodebookChanged, CodebookChangeRefused, InvalidCodebook

CODEBOOK = REPO / "codebooks" / "reseaux-sante.yaml"
DOC = "corpus/entretien.txt"


def _span(project: Project, phrase: str) -> tuple[int, int]:
    start = project.document(DOC).text.index(phrase)
    return start, start + len(phrase)


def test_add_a_code_while_coding_and_undo_it(coded):
    before = coded.codebook().version
    new = coded.add_code("alice", "Perte du lien clinique", parent="lien_clinique")
    assert new == "lien_clinique.perte_du_lien_clinique"
    book = coded.codebook()
    assert book.code(new).label == {"fr": "Perte du lien clinique", "en": "Perte du lien clinique"}
    assert book.code(new).color not in {c.color for c in book.codes if c.id != new}
    (coding,) = coded.apply_codes(DOC, *_span(coded, "Avant, j'étais infirmière libérale."), [new], "alice")
    assert coded.codings_df().set_index("coding_id").loc[coding, "codebook_version"] == book.version
    with pytest.raises(InvalidCodebook, match="already labelled"):
        coded.add_code("alice", "perte du lien CLINIQUE", parent="lien_clinique", code_id="lien_clinique.autre")
    with pytest.raises(InvalidCodebook, match="already exists"):
        coded.add_code("bob", "Perte du lien clinique", parent="lien_clinique")
    coded.undo("alice")  # the coding
    coded.undo("alice")  # the new code
    assert coded.codebook().version == before


def test_relabel_define_and_take_an_example_from_a_passage(coded):
    passage = "Chaque année il faut renouveler le dossier."
    coded.update_code("alice", "financement", label={"en": "Money"}, definition={"fr": "D'où vient l'argent."},
                      example=(passage, DOC))
    code = coded.codebook().code("financement")
    assert code.label["en"] == "Money" and code.label["fr"] != "Money"
    assert code.definition["fr"] == "D'où vient l'argent." and code.examples[-1] == {"text": passage, "source": DOC}
    exported = yaml.safe_load(to_yaml(coded.codebook()))
    assert next(c for c in exported["codes"] if c["id"] == "financement")["label"]["en"] == "Money"


def test_merge_moves_codings_memos_and_children(coded):
    start, end = _span(coded, "Le FAQSV, puis la DNDR.")
    moved = coded.apply_codes(DOC, start, end, ["financement.sources"], "alice", memo="deux financeurs")[0]
    twin = coded.apply_codes(DOC, start, end, ["financement"], "bob")[0]
    absorbed = coded.apply_codes(DOC, start, end, ["financement.sources"], "bob", memo="idem")[0]
    coded.add_memo("coding", absorbed, "bob", "memo on the absorbed coding")
    coded.add_memo("code", "financement.sources", "alice", "about the sources")
    child = coded.add_code("alice", "FIR", parent="financement.sources")
    assert not list(coded.folder.glob("backups/*"))
    coded.merge_codes("carol", "financement.sources", "financement")
    assert len(list(coded.folder.glob("backups/*-codebook-merge-code-financement-sources*.qcbackup"))) == 1
    book = coded.codebook()
    assert "financement.sources" not in {c.id for c in book.codes} and book.code(child).parent == "financement"
    codings = coded.codings_df().set_index("coding_id")
    assert codings.loc[moved, "code"] == "financement"
    assert absorbed not in codings.index and codings.loc[twin, "memo"] == "idem"  # one coding per coder and span
    memos = coded.memos_df().set_index("text")
    assert memos.loc["memo on the absorbed coding", "coding_id"] == twin
    assert memos.loc["about the sources", "target_id"] == "financement"
    coded.undo("carol")
    codings = coded.codings_df().set_index("coding_id")
    assert codings.loc[absorbed, "code"] == "financement.sources" and codings.loc[moved, "code"] == \
        "financement.sources"
    assert "financement.sources" in {c.id for c in coded.codebook().codes}


def test_refusals_say_why_and_change_nothing(coded):
    coded.apply_codes(DOC, *_span(coded, "Depuis 2003."), ["territoire.defense"], "alice")
    version = coded.codebook().version
    with pytest.raises(CodebookChangeRefused, match="carries 1 coding"):
        coded.delete_code("alice", "territoire.defense")
    with pytest.raises(CodebookChangeRefused, match="has codes under it"):
        coded.delete_code("alice", "territoire")
    assert not list(coded.folder.glob("backups/*"))  # a refused change writes no backup either
    with pytest.raises(InvalidCodebook, match="cycle"):
        coded.move_code("alice", "territoire", "territoire.defense")
    with pytest.raises(CodebookChanged, match="changed since version oldversion"):
        coded.update_code("alice", "territoire", color="#000000", expected_version="oldversion")
    assert coded.codebook().version == version
    unused = coded.add_code("alice", "Essai")
    coded.delete_code("alice", unused)
    assert unused not in {c.id for c in coded.codebook().codes}
    assert len(list(coded.folder.glob("backups/*delete-code*.qcbackup"))) == 1


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_people_renaming_at_once_one_wins_the_other_is_told(coded):
    version = coded.codebook().version
    second = Project.open(coded.folder)
    outcomes: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def rename(name: str, project: Project, label: str) -> None:
        barrier.wait()
        try:
            project.update_code(name, "financement", label={"fr": label}, expected_version=version)
            outcomes[name] = "ok"
        except CodebookChanged as error:
            outcomes[name] = error

    threads = [threading.Thread(target=rename, args=("alice", coded, "Argent")),
               threading.Thread(target=rename, args=("bob", second, "Fonds"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1 and len(outcomes) == 2
    loser = next(outcome for outcome in outcomes.values() if outcome != "ok")
    assert "Reload" in str(loser)
    assert coded.codebook().code("financement").label["fr"] == {"alice": "Argent", "bob": "Fonds"}[winners[0]]
    second.close()


def test_cli_edits_and_a_yaml_preview(coded, tmp_path):
    runner = CliRunner()
    folder = str(coded.folder)
    added = runner.invoke(app, ["codebook", "add", "Contact perdu", "--parent", "lien_clinique", "--coder", "alice",
                                "-p", folder])
    assert added.exit_code == 0 and "lien_clinique.contact_perdu" in added.output
    renamed = runner.invoke(app, ["codebook", "rename", "lien_clinique.contact_perdu", "--language", "en", "--label",
                                  "Lost contact", "--coder", "alice", "-p", folder])
    assert renamed.exit_code == 0, renamed.output
    for args in (["edit", "lien_clinique.contact_perdu", "--definition", "Ne plus voir les patients.",
                  "--include", "Regret du soin direct", "--colour", "#123456"],
                 ["move", "lien_clinique.contact_perdu"], ["merge", "lien_clinique.contact_perdu", "lien_clinique"]):
        result = runner.invoke(app, ["codebook", *args, "--coder", "alice", "-p", folder])
        assert result.exit_code == 0, result.output
    refused = runner.invoke(app, ["codebook", "delete", "territoire", "--coder", "alice", "-p", folder])
    assert refused.exit_code == 2 and "[Q503]" in refused.output
    exported = tmp_path / "now.yaml"
    assert runner.invoke(app, ["codebook", "export", "--format", "yaml", "-o", str(exported), "-p", folder]
                         ).exit_code == 0
    preview = runner.invoke(app, ["codebook", "load", str(CODEBOOK), "--dry-run", "-p", folder])
    assert preview.exit_code == 0 and "Would load" in preview.output
    assert load_codebook(exported).version == coded.codebook().version  # nothing stored by the preview


def test_a_monolingual_codebook_loads(make_project, tmp_path):
    book = tmp_path / "en.yaml"
    book.write_text("format: qualcoder-codebook/1\nid: english-only\nlanguages: [en]\ncodes:\n"
                    "  - id: funding\n    label: {en: Funding}\n    definition: {en: Money.}\n", encoding="utf-8")
    project = make_project()
    project.load_codebook(book)
    assert project.codebook().code("funding").label == {"en": "Funding"}
    assert project.add_code("alice", "Staffing") == "staffing"
    assert project.codebook().code("staffing").label == {"en": "Staffing"}
