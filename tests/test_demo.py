"""The demo corpus imports with no error and has the shape the issues promise."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO


@pytest.fixture
def demo(demo_build):
    return demo_build


def test_every_file_imports(demo):
    _, report = demo
    assert report.failures == [] and report.duplicates == []
    assert len(report.added) == 34


def test_counts_languages_and_types(demo):
    project, _ = demo
    documents = project.documents_df()
    counts = documents.groupby(["type", "language"]).size().to_dict()
    assert counts == {("minutes", "fr"): 14, ("interview", "fr"): 4, ("document", "fr"): 8,
                      ("interview", "en"): 4, ("minutes", "en"): 4}
    words = documents.groupby("language")["n_words"].sum()
    assert words.sum() >= 60_000 and words["fr"] / words.sum() >= 0.6
    assert set(documents["format"]) >= {"txt", "md", "docx", "odt", "vtt"}
    assert documents["date"].notna().all()
    assert "…" in project.document("coordinateurs/entretien-03-diabete.txt").text  # cp1252 decoded


def test_minutes_have_dated_case_sections(demo):
    project, _ = demo
    segments = project.segments_df()
    minutes = segments[(segments.type == "minutes") & segments.doc.str.startswith("reseau-memoire/")]
    assert minutes.groupby("doc")["date"].first().between("2004-01-01", "2005-12-31").all()
    cases = minutes["section"].dropna()
    assert cases.str.match(r"^Cas n°\d+ : (Mme|M\.) [A-Z]\., \d+ ans$").sum() > 100
    per_meeting = minutes.dropna(subset=["section"]).groupby("doc")["section"].nunique()
    assert (per_meeting >= 2).all() and len(per_meeting) == 14


def test_speakers_carry_professions(demo):
    project, _ = demo
    speakers = project.speakers_df()
    professions = set(speakers["profession"].dropna())
    assert {"neurologue", "gériatre", "médecin généraliste", "infirmière coordinatrice", "psychologue",
            "assistante sociale", "orthophoniste", "coordinatrice du réseau", "sociologue"} <= professions
    assert speakers["profession"].notna().all()
    roles = speakers.groupby("role").size()
    assert roles["interviewer"] == 8 and roles["participant"] == 8


def test_codebook_structure():
    document = yaml.safe_load((REPO / "codebooks" / "reseaux-sante.yaml").read_text(encoding="utf-8"))
    codes = document["codes"]
    ids = [code["id"] for code in codes]
    assert len(ids) == len(set(ids)) >= 30
    top = [code for code in codes if not code.get("parent")]
    assert len(top) >= 10
    for code in codes:
        assert code.get("parent") in (None, *ids)
        for key in ("label", "definition"):
            assert code[key]["fr"] and code[key]["en"], (code["id"], key)
        assert code["include"]["fr"] and code["exclude"]["en"], code["id"]
        assert code["color"].startswith("#") and len(code["color"]) == 7
        patterns = code.get("patterns", {})
        assert not patterns or set(patterns) <= {"fr", "en"}, code["id"]
        assert code.get("examples"), code["id"]


def test_codebook_examples_are_verbatim_quotes(demo):
    project, _ = demo
    document = yaml.safe_load((REPO / "codebooks" / "reseaux-sante.yaml").read_text(encoding="utf-8"))
    texts = {row.name: " ".join(row.text.split()) for row in project.documents_df().itertuples()}
    for code in document["codes"]:
        for example in code.get("examples", []):
            assert example["source"] in texts, (code["id"], example["source"])
            assert " ".join(example["text"].split()) in texts[example["source"]], (code["id"], example["text"])


@pytest.mark.parametrize("coder", ["coder_a", "coder_b"])
def test_reference_codings_quote_their_source(demo, coder):
    import pandas as pd

    project, _ = demo
    texts = {row.name: row.text for row in project.documents_df().itertuples()}
    codings = pd.read_csv(REPO / "corpora" / "coding" / f"{coder}.csv")
    units = pd.read_csv(REPO / "corpora" / "coding" / "units.csv")
    assert len(units) >= 450 and units["file"].nunique() == 34
    for row in codings.itertuples():
        assert texts[row.file][row.start:row.end] == row.text, (coder, row.file, row.start)
    codebook = yaml.safe_load((REPO / "codebooks" / "reseaux-sante.yaml").read_text(encoding="utf-8"))
    assert set(codings["code"]) <= {code["id"] for code in codebook["codes"]}


def test_reference_coders_disagree_like_real_coders():
    import pandas as pd

    a = pd.read_csv(REPO / "corpora" / "coding" / "coder_a.csv")
    b = pd.read_csv(REPO / "corpora" / "coding" / "coder_b.csv")
    pairs_a = set(zip(a.file, a.start, a.code))
    pairs_b = set(zip(b.file, b.start, b.code))
    overlap = len(pairs_a & pairs_b) / len(pairs_a | pairs_b)
    assert 0.15 < overlap < 0.9  # neither identical nor unrelated


def test_demo_has_a_topic_run_per_language(demo):
    project, _ = demo
    run = project.topic_run("demo")
    assert set(run.topics.language) == {"fr", "en"}
    assert run.quality()["topics"].min() >= 4
    assert not run.code_table().empty
