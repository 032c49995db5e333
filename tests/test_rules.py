"""Auto-coding by rules on stored lemmas: French and English lemma matching, regex, proximity, scopes,
re-running only changed codes, never touching human codings, never parsing again."""

from __future__ import annotations

import textwrap

import pytest

CODEBOOK = """\
format: qualcoder-codebook/1
id: rules-test
codes:
  - id: soins
    label: {fr: Soins, en: Care}
    definition: {fr: d, en: d}
    color: "#111111"
    patterns:
      fr: {terms: [infirmier, "médecin généraliste"]}
      en: {terms: [nurse]}
  - id: financement
    label: {fr: Financement, en: Funding}
    definition: {fr: d, en: d}
    color: "#222222"
    patterns:
      fr: {regex: ["\\\\b(FAQSV|DNDR)\\\\b"]}
      en: {terms: [funding]}
  - id: territoire
    label: {fr: Territoire, en: Territory}
    definition: {fr: d, en: d}
    color: "#333333"
    patterns:
      fr:
        near: [{terms: [médecin, infirmière], within: 4}]
  - id: annonce
    label: {fr: Annonce, en: Breaking news}
    definition: {fr: d, en: d}
    color: "#444444"
    patterns:
      fr: {terms: [diagnostic]}
    scope: {doc_type: [minutes], profession: [neurologue]}
  - id: famille
    label: {fr: Famille, en: Family}
    definition: {fr: d, en: d}
    color: "#555555"
    patterns:
      fr: {terms: [famille]}
    scope: {within: [soins]}
"""

MINUTES = """Réunion
Date : 11 mars 2004
Présents : Dr Bernard Morel (neurologue), Sophie Lambert (infirmière coordinatrice)

Cas n°1 : Mme D., 82 ans

Dr Morel : J'annonce le diagnostic demain. Les infirmières passeront ensuite.

Sophie Lambert : Le diagnostic, je ne le donne pas. La famille et l'infirmière sont prévenues.

Dr Morel : Le FAQSV paie la réunion. Le médecin et l'infirmière se parlent enfin.
"""

ENGLISH = """Interviewer: How is it funded?

Karen: Hospitals were funding it, then the nurses funded the training themselves.

Interviewer: And now?

Karen: Nothing, honestly.
"""


@pytest.fixture
def project(make_project, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cr.txt").write_text(MINUTES, encoding="utf-8")
    (folder / "karen.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    p = make_project()
    p.import_files([folder / "cr.txt", folder / "karen.txt"])
    p.segment("sentence")
    p.load_codebook(folder / "book.yaml")
    return p


def coded(report, code):
    return sorted(report.codings[report.codings.code == code]["text"])


def test_lemmas_regex_near_and_scopes(project):
    report = project.autocode()
    assert coded(report, "soins") == ["Hospitals were funding it, then the nurses funded the training themselves.",
                                      "La famille et l'infirmière sont prévenues.",
                                      "Le médecin et l'infirmière se parlent enfin.", "Les infirmières passeront ensuite."]
    assert coded(report, "financement") == ["Hospitals were funding it, then the nurses funded the training themselves.",
                                            "How is it funded?", "Le FAQSV paie la réunion."]
    assert coded(report, "territoire") == ["Le médecin et l'infirmière se parlent enfin."]
    # only the neurologist's sentence: the nurse also says « diagnostic »
    assert coded(report, "annonce") == ["J'annonce le diagnostic demain."]
    # « famille » only inside segments coded soins
    assert coded(report, "famille") == ["La famille et l'infirmière sont prévenues."]
    patterns = report.codings.set_index("text")["pattern"]
    assert "«infirmières»" in patterns["Les infirmières passeront ensuite."]
    assert "«FAQSV»" in patterns["Le FAQSV paie la réunion."]
    stored = project.codings_df(source="rules")
    assert len(stored) == len(report.codings) and set(stored.coder) == {"rules"}
    for row in stored.itertuples():
        assert project.document(int(row.doc_id)).text[row.start:row.end] == row.text


def test_dry_run_stores_nothing(project):
    report = project.autocode(dry_run=True)
    assert len(report.codings) > 0 and project.codings_df().empty


def test_rerun_redoes_only_changed_codes_and_keeps_human_codings(project, tmp_path):
    project.autocode()
    manual = project.add_coding("soins", "alice", segment=1)
    assert project.autocode().codes_run == []  # nothing changed
    edited = tmp_path / "docs" / "book.yaml"
    edited.write_text(CODEBOOK.replace("en: {terms: [funding]}", "en: {terms: [funding, honestly]}"),
                      encoding="utf-8")
    project.load_codebook(edited)
    parsed_before = project.repo.parse_pipelines()
    soins_before = project.codings_df(code="soins", source="rules")[["coding_id", "start"]]
    report = project.autocode()
    assert report.codes_run == ["financement"]
    assert "Nothing, honestly." in coded(report, "financement")
    assert project.repo.parse_pipelines() == parsed_before
    codings = project.codings_df()
    assert manual in set(codings.coding_id)
    # the unchanged code's rule codings are the very same rows
    assert project.codings_df(code="soins", source="rules")[["coding_id", "start"]].equals(soins_before)
    assert len(codings[(codings.code == "financement") & (codings.source == "rules")]) == 4


def test_unmatched_terms_are_reported(project, tmp_path):
    edited = tmp_path / "docs" / "book.yaml"
    edited.write_text(CODEBOOK.replace("[infirmier, ", "[infirmier, kinésithérapeute, "), encoding="utf-8")
    project.load_codebook(edited)
    assert "fr: kinésithérapeute" in project.autocode(everything=True).unmatched_terms


def test_demo_codebook_autocodes_the_demo(demo_copy):
    demo = demo_copy
    assert demo.autocode().codes_run == []  # the demo build already ran them
    report = demo.autocode(dry_run=True, everything=True)
    counts = report.counts().set_index("code")["segments"]
    assert (counts > 0).mean() > 0.9


def test_codebook_without_segments_is_a_clear_error(make_project, tmp_path):
    from qualcoder.errors import NotSegmented

    (tmp_path / "book.yaml").write_text(textwrap.dedent(CODEBOOK), encoding="utf-8")
    p = make_project()
    p.load_codebook(tmp_path / "book.yaml")
    with pytest.raises(NotSegmented, match="qualcoder segment"):
        p.autocode()


def test_codebook_check_lists_terms_the_texts_never_produce(project, tmp_path):
    from typer.testing import CliRunner

    from qualcoder.cli import app

    edited = tmp_path / "docs" / "book.yaml"
    edited.write_text(CODEBOOK.replace("[infirmier, ", "[infirmier, kinésithérapeute, "), encoding="utf-8")
    result = CliRunner().invoke(app, ["codebook", "check", str(edited), "--project", str(project.folder)])
    assert result.exit_code == 0
    assert "fr: kinésithérapeute: its lemmas occur nowhere" in result.output
    assert "fr: infirmier:" not in result.output
