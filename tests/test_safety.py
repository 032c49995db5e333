"""Input that cannot hang or exhaust qualcoder: codebook regexes on RE2, YAML alias bombs, size limits."""

from __future__ import annotations

import re
import textwrap
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.coding.codebook import load_codebook
from qualcoder.coding.patterns import PatternRefused, compile_pattern
from qualcoder.errors import CodebookTooDeep, CodebookTooLarge, FileTooLarge, InvalidCodebook, InvalidMetadata, UnsafePattern
from qualcoder.ingest import metadata, safety
from qualcoder.refi import archive
from qualcoder.refi.errors import UnsafeRefiArchive

runner = CliRunner()
HEADER = "format: qualcoder-codebook/1\nid: safety\ncodes:\n"


def _book(tmp_path, regex: str, name: str = "book.yaml"):
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(f"""\
          - id: a
            label: {{fr: A, en: A}}
            definition: {{fr: d, en: d}}
            color: "#112233"
            patterns:
              en: {{regex: ['{regex}']}}
        """), encoding="utf-8")
    return path


# patterns ------------------------------------------------------------------------------------------------
def test_catastrophic_pattern_finishes_on_100_kb():
    pattern = compile_pattern(r"(a+)+$")
    assert pattern.search("a" * 100_000) == (0, 100_000)
    assert pattern.search("a" * 100_000 + "b") is None  # the case Python's re never finishes


def test_realistic_nested_pattern_works():
    pattern = compile_pattern(r"(\w+\s?)+\?")
    text = "Et la coordinatrice, elle vient quand ?"
    assert pattern.search(text) == re.search(r"(\w+\s?)+\?", text).span()
    assert pattern.search("a" * 35 + " pas de question") is None


@pytest.mark.parametrize("pattern, text, span", [
    (r"\bsanté\b", "la santé publique", (3, 8)),  # RE2's own \b is ASCII: it would find nothing
    (r"\bété\b", "les arrêtés", None),
    (r"empi[èé]t\w*", "ils EMPIÈTENT sur", (4, 13)),  # \w takes È
    (r"[^\W\d]+", "42élu", (2, 5)),
    (r"\s", "a\u202fb", (1, 2)),  # French narrow no-break space
    (r"appris\b[^.?!]{0,40}\bpar (la|le)", "j'ai appris beaucoup par la suite", (5, 27)),
])
def test_python_meaning_is_kept(pattern, text, span):
    assert compile_pattern(pattern).search(text) == span
    found = re.search(pattern, text, re.IGNORECASE)
    assert (found.span() if found else None) == span


ATOMS = [r"a", r"é", r"\w", r"\W", r"\s", r"\d", r"[aé ]", r"[^a]", r".", r"\b", r"\B", r"(a|é)", r"x", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(["", "*", "+", "?", "{1,2}", "*?"])),
                min_size=1, max_size=5),
       st.text(alphabet="aAéÉ x-1_\n.", max_size=12))
def test_same_first_match_as_python(parts, text):
    pattern = "".join(atom + (quantifier if atom not in (r"\b", r"\B") else "") for atom, quantifier in parts)
    found = re.search(pattern, text, re.IGNORECASE)
    assert compile_pattern(pattern).search(text) == (found.span() if found else None), pattern


@pytest.mark.parametrize("pattern, reason", [
    (r"(a)\1", "backreference"), (r"foo(?=bar)", "lookahead"), (r"(?<!x)y", "lookbehind"),
    (r"a{2000}", "limit of 1000"), (r"a++", "possessive"),
])
def test_unrunnable_patterns_are_refused_naming_code_and_line(tmp_path, pattern, reason):
    with pytest.raises(PatternRefused, match=reason):
        compile_pattern(pattern)
    path = _book(tmp_path, pattern)
    with pytest.raises(UnsafePattern) as error:
        load_codebook(path)
    assert str(error.value).startswith(f"[Q540] {path}:9 (code 'a')"), error.value
    result = runner.invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 2 and "[Q540]" in result.output


def test_codebook_load_refuses_and_autocode_runs_the_catastrophic_pattern(tmp_path):
    project = Project.create(tmp_path / "p")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "long.txt").write_text("a" * 100_000, encoding="utf-8")
    (corpus / "short.txt").write_text("Speaker: hello there, nothing to see.", encoding="utf-8")
    assert not project.import_files([corpus], language="en").failures
    project.segment(by="paragraph")
    bad = _book(tmp_path, r"(a)\1", "bad.yaml")
    result = runner.invoke(app, ["codebook", "load", str(bad), "-p", str(project.folder)])
    assert result.exit_code == 2 and "[Q540]" in result.output and ":9 (code 'a')" in result.output
    project.load_codebook(_book(tmp_path, r"(a+)+$"))
    report = project.autocode()
    assert report.counts()["segments"].sum() == 1  # the 100 kB document is coded, the other is not


# YAML ----------------------------------------------------------------------------------------------------
def test_billion_laughs_is_refused_naming_the_line(tmp_path):
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("format: qualcoder-codebook/1\nid: bomb\n" + "\n".join(levels)
                    + "\ncodes:\n  - id: x\n    label: {fr: x, en: x}\n    definition: {fr: x, en: x}\n"
                    "    patterns: {fr: {terms: *i}}\n", encoding="utf-8")
    with pytest.raises(CodebookTooLarge) as error:
        load_codebook(path)
    assert str(error.value).startswith(f"[Q541] {path}:16:"), error.value  # the line of the alias *i
    assert "alias bomb" in str(error.value)


def test_recursive_alias_deep_nesting_and_huge_file_are_refused(tmp_path):
    recursive = tmp_path / "recursive.yaml"
    recursive.write_text("format: qualcoder-codebook/1\nid: r\ncodes: &c [*c]\n", encoding="utf-8")
    with pytest.raises(CodebookTooLarge, match="recursive alias"):
        load_codebook(recursive)
    deep = tmp_path / "deep.yaml"
    deep.write_text("codes: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    with pytest.raises(CodebookTooDeep):
        load_codebook(deep)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # a real 11 MB file (sparse)
    with pytest.raises(CodebookTooLarge, match="above the 10 MB limit"):
        load_codebook(huge)


def test_ordinary_aliases_still_load(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text(HEADER + textwrap.dedent("""\
          - id: a
            label: &label {fr: A, en: A}
            definition: {fr: d, en: d}
            color: "#112233"
          - id: b
            label: *label
            definition: {fr: d, en: d}
            color: "#112233"
        """), encoding="utf-8")
    assert load_codebook(path).code("b").label == {"fr": "A", "en": "A"}


def test_a_huge_integer_is_a_codebook_error(tmp_path):
    path = tmp_path / "int.yaml"
    path.write_text(HEADER + "  - id: a\n    within: " + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InvalidCodebook):
        load_codebook(path)


# size limits ---------------------------------------------------------------------------------------------
def test_metadata_csv_limits(tmp_path):
    big = tmp_path / "metadata.csv"
    with big.open("wb") as handle:
        handle.truncate(metadata.MAX_METADATA_BYTES + 1)
    with pytest.raises(FileTooLarge):
        metadata.load_metadata(big)
    long_cell = tmp_path / "long.csv"
    long_cell.write_text("file,type,note\na.txt,interview,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    with pytest.raises(InvalidMetadata) as error:
        metadata.load_metadata(long_cell)
    assert "row 2" in str(error.value) and str(error.value).startswith("[Q120]")


def test_xml_part_limit_in_office_files(tmp_path, monkeypatch):
    from helpers import write_docx

    path = write_docx(tmp_path / "a.docx", ["Bonjour, " * 2000])
    monkeypatch.setattr(safety, "MAX_XML_PART_BYTES", 10_000)  # our own limit, lowered to reach it with a small file
    with pytest.raises(FileTooLarge, match=r"word/document\.xml"):
        safety.check_xml_parts(zipfile.ZipFile(path), path)


def test_refi_xml_and_member_limits(tmp_path, monkeypatch):
    path = tmp_path / "big.qdpx"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("project.qde", "<Project>" + "<x/>" * 5000 + "</Project>")
    monkeypatch.setattr(archive, "MAX_XML_BYTES", 1000)
    opened = archive.QdpxArchive.open(path)
    with pytest.raises(UnsafeRefiArchive, match="above the"):
        opened.read("project.qde")
    with pytest.raises(UnsafeRefiArchive, match="above the"):
        archive.parse_xml(b"<a>" + b" " * 2000 + b"</a>", "book.qdc")
