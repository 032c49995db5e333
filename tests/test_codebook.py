"""Codebook loading and validation: every error names the file, the line and the code, and says the fix."""

from __future__ import annotations

import textwrap

import pytest
from conftest import REPO

from qualcoder.coding.codebook import load_codebook
from qualcoder.errors import InvalidCodebook

HEADER = "format: qualcoder-codebook/1\nid: test\ncodes:\n"
CODE_A = """  - id: a
    label: {fr: A, en: A}
    definition: {fr: défini, en: defined}
    color: "#112233"
"""


def _write(tmp_path, body: str):
    path = tmp_path / "book.yaml"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def test_demo_codebook_loads():
    book = load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    assert len(book.codes) >= 30 and len([c for c in book.codes if c.parent is None]) >= 10
    assert book.code("logiques").exclusive
    assert {c.id for c in book.children("logiques")} == {"logiques.liberale", "logiques.institutionnelle",
                                                          "logiques.hospitaliere"}
    assert book.depth("professionnalisation.inconvenients.budget_formation") == 2
    assert book.code("territoire").patterns["fr"].terms


def test_version_changes_with_content_not_with_comments(tmp_path):
    path = _write(tmp_path, CODE_A)
    first = load_codebook(path).version
    path.write_text("# a comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_codebook(path).version == first
    path.write_text(path.read_text(encoding="utf-8").replace("défini", "redéfini"), encoding="utf-8")
    assert load_codebook(path).version != first


CASES = {
    "duplicate id": (CODE_A + CODE_A, 8, "used twice (first at line 4)"),
    "unknown parent": (CODE_A + CODE_A.replace("id: a", "id: b\n    parent: zz"), 8, "the parent 'zz' does not exist"),
    "cycle": (CODE_A.replace("id: a", "id: a\n    parent: b") + CODE_A.replace("id: a", "id: b\n    parent: a"),
              4, "cycle"),
    "bad colour": (CODE_A.replace('"#112233"', "blue"), 4, "the colour 'blue' is not #RRGGBB"),
    "bad regex": (CODE_A + "    patterns:\n      fr:\n        regex: ['(unclosed']\n", 10, "does not compile"),
    "missing english definition": (CODE_A.replace("en: defined", "de: definiert"), 4, "language 'de'"),
    "bad id": (CODE_A.replace("id: a", "id: Territoire Pro"), 4, "has the id 'Territoire Pro'"),
    "bad near": (CODE_A + "    patterns:\n      en:\n        near: [{terms: [gp], within: 3}]\n", 10, "near rule"),
    "unknown scope": (CODE_A + "    scope: {speaker: [x]}\n", 4, "unknown scope 'speaker'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validation_errors_name_file_line_and_code(tmp_path, case):
    body, line, message = CASES[case]
    path = _write(tmp_path, body)
    with pytest.raises(InvalidCodebook) as error:
        load_codebook(path)
    text = str(error.value)
    assert text.startswith(f"[Q501] {path}:{line}"), text
    assert message in text
    assert "code '" in text


def test_malformed_yaml_gives_the_line(tmp_path):
    path = _write(tmp_path, CODE_A + "    definition: {fr: oops: en\n")
    with pytest.raises(InvalidCodebook, match=r"book\.yaml:\d+: the YAML is malformed"):
        load_codebook(path)


def test_yaml_cannot_build_python_objects(tmp_path):
    path = _write(tmp_path, CODE_A + "    memo: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(InvalidCodebook, match="malformed"):
        load_codebook(path)
