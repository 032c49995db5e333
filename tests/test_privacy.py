"""Pseudonymisation end to end with the real spaCy models (fr_core_news_md, en_core_web_sm), real SQLite and
PostgreSQL stores: detect, review (actions, undo), consistent pseudonyms, apply to a copy and in place (codings,
memos, segments moved through the offset map), the key (0600, outside the project), reverse, check, bad input."""

from __future__ import annotations

import json
import os
import stat

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qualcoder import Project
from qualcoder.cli import app
from qualcoder.errors import (
    AlreadyPseudonymised,
    InvalidKey,
    KeyMismatch,
    KeyMissing,
    KeyPlacementRefused,
    NamesRemain,
    OverlappingDetection,
    PseudonymCollision,
)
from qualcoder.privacy import apply as privacy_apply
from qualcoder.privacy import check, review
from qualcoder.privacy import key as keyfile
from qualcoder.privacy.apply import OffsetMap
from qualcoder.privacy.pseudonyms import Mention, Pseudonymiser

runner = CliRunner()
EXTRA_FR = """Enq. : Vous travaillez avec qui ?

Mme Aubert : Avec Claire Dupont, l'infirmière de l'hôpital Édouard-Herriot à Lyon. Mme Dupont connaît tout le monde.
Le Dr Dupont aussi, d'ailleurs. On peut la joindre au 04 72 11 69 53 ou à claire.dupont@chu-lyon.fr.
Elle habite 12 rue des Lilas, 69003 Lyon. Le patient, M. Girard, a 82 ans ; il est né le 3 mars 1941.
"""


def _corpus(folder):
    from conftest import INTERVIEW_FR, MINUTES_EN, MINUTES_FR

    folder.mkdir()
    (folder / "entretien.txt").write_text(INTERVIEW_FR, encoding="utf-8")
    (folder / "entretien-2.txt").write_text(EXTRA_FR, encoding="utf-8")
    (folder / "cr-2004-03-11.txt").write_text(MINUTES_FR, encoding="utf-8")
    (folder / "mdt.txt").write_text(MINUTES_EN, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,type,date,network,language\nentretien.txt,interview,2007-03-14,Réseau A,fr\n"
        "entretien-2.txt,interview,2007-03-15,Réseau A,fr\ncr-2004-03-11.txt,minutes,,Réseau Mémoire,fr\n"
        "mdt.txt,minutes,2019-03-12,Northfield,en\n", encoding="utf-8")
    (folder / "speakers.csv").write_text(
        "speaker,role,profession,organisation,file\nEnq.,interviewer,sociologue,,\n"
        "Mme Aubert,participant,coordinatrice du réseau,Réseau A,\n", encoding="utf-8")
    (folder.parent / "terms.csv").write_text("term,category\nDNDR,organisation\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def detected(tmp_path_factory):
    """A SQLite project with the sample corpus, coded, with detections (read it; copy it to change it)."""
    base = tmp_path_factory.mktemp("privacy")
    project = Project.create(base / "study")
    assert project.import_files([_corpus(base / "corpus")]).ok
    project.segment("paragraph")
    project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    review.set_terms(project, "alice", review.load_terms(base / "terms.csv"))
    review.detect(project, "alice")
    yield project
    project.close()


def _texts(frame, doc):
    return list(frame[frame["doc"] == doc]["text"])


def test_detect_finds_names_places_patterns_speakers_and_terms(detected):
    frame = review.detections_df(detected)
    extra = dict(zip(_texts(frame, "corpus/entretien-2.txt"),
                     frame[frame["doc"] == "corpus/entretien-2.txt"]["category"]))
    assert extra["Claire Dupont"] == "person" and extra["Dupont"] == "person" and extra["Girard"] == "person"
    assert extra["Lyon"] == "place"
    assert extra["04 72 11 69 53"] == "phone" and extra["claire.dupont@chu-lyon.fr"] == "email"
    assert extra["12 rue des Lilas, 69003 Lyon"] == "address" and extra["82 ans"] == "age"
    assert extra["3 mars 1941"] == "birthdate"
    assert "Aubert" in extra  # the speaker's name, found in the speaker label
    assert "DNDR" in _texts(frame, "corpus/entretien.txt")  # the project's own term
    minutes = _texts(frame, "corpus/cr-2004-03-11.txt")
    assert {"Bernard Morel", "Sophie Lambert", "Paul Garnier"} <= set(minutes)  # the attendee list
    assert {"Sarah Collins", "Emma Wright", "James Patel"} <= set(_texts(frame, "corpus/mdt.txt"))  # English NER
    assert not {"Date", "Euh", "Enq", "Enq.", "Ordre du jour"} & set(frame["text"])
    assert (frame["status"] == "pending").all()
    assert not (frame["text"] == "Mme Dupont").any()  # the title stays out of the name


def test_review_is_undoable_and_a_second_run_keeps_decisions(detected, tmp_path):
    import shutil

    shutil.copytree(detected.folder, tmp_path / "copy")
    project = Project.open(tmp_path / "copy")
    frame = review.detections_df(project)
    lyon = int(frame[frame["text"] == "Lyon"]["id"].iloc[0])
    changed = review.decide(project, "alice", [lyon], status="rejected", all_occurrences=True)
    assert changed == int((frame["text"] == "Lyon").sum()) >= 1
    assert (review.detections_df(project, status="rejected")["text"] == "Lyon").all()
    project.undo("alice")
    assert review.detections_df(project, status="rejected").empty
    review.decide(project, "alice", [lyon], status="rejected")
    review.detect(project, "alice")
    assert list(review.detections_df(project, status="rejected")["id"]) == [lyon]
    assert review.progress_counts(project)["rejected"] == 1
    project.close()


def test_add_missed_name_everywhere_and_refuse_an_overlap(detected, tmp_path):
    import shutil

    shutil.copytree(detected.folder, tmp_path / "copy")
    project = Project.open(tmp_path / "copy")
    document = project.document("corpus/entretien.txt")
    start = document.text.index("FAQSV")
    frame = review.detections_df(project)
    if (frame["text"] == "FAQSV").any():
        review.decide(project, "alice", list(frame[frame["text"] == "FAQSV"]["id"]), status="rejected")
    assert review.add(project, "alice", document.id, start, start + 5, "organisation", all_occurrences=True) == 1
    aubert = document.text.index("Aubert")
    with pytest.raises(OverlappingDetection, match=r"\[Q963\].*overlaps detection"):
        review.add(project, "alice", document.id, aubert - 4, aubert + 6, "person")
    project.close()


def test_one_pseudonym_for_every_form_of_a_name():
    mentions = [Mention(1, 0, 13, "Claire Dupont", "person", "fr"), Mention(1, 20, 26, "Dupont", "person", "fr", "Mme"),
                Mention(2, 3, 9, "Dupont", "person", "fr", "Dr"), Mention(2, 30, 36, "Claire", "person", "fr"),
                Mention(2, 40, 46, "Girard", "person", "fr", "M."), Mention(2, 50, 54, "Lyon", "place", "fr"),
                Mention(3, 0, 4, "LYON", "place", "en"), Mention(3, 9, 30, "hôpital Édouard-Herriot",
                                                                   "organisation", "fr")]
    label = Pseudonymiser(mentions, professions={"Claire Dupont": "infirmière"})
    assert {label.replacement(m) for m in mentions[:4]} == {"[Infirmière 1]"}
    assert label.replacement(mentions[4]) == "[Personne 1]"
    assert label.replacement(mentions[5]) == label.replacement(mentions[6]) == "[Lieu A]"
    assert label.replacement(mentions[7]) == "[Hôpital A]"
    realistic = Pseudonymiser(mentions, style="realistic", corpus_words={"camille"})
    full, surname, _, first = (realistic.replacement(m) for m in mentions[:4])
    assert full == f"{first} {surname}" and realistic.replacement(mentions[2]) == surname
    assert first != "Camille"  # a word of the corpus is never a pseudonym
    male = realistic.entity(mentions[4])
    assert male.gender == "m" and male.pseudonym_first not in full


def test_a_pseudonym_that_is_a_word_of_the_text_is_refused(detected):
    with pytest.raises(PseudonymCollision, match=r"\[Q964\].*'financement'"):
        privacy_apply.plan(detected, overrides={"Aubert": "financement"})


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab \n", min_size=1, max_size=60), st.lists(st.tuples(st.integers(0, 59), st.integers(1, 6),
       st.text(alphabet="XYZ", min_size=0, max_size=8)), max_size=5), st.integers(0, 60), st.integers(0, 60))
def test_a_coded_passage_minus_its_names_is_unchanged(text, raw, a, b):
    replacements, taken = [], []
    for start, length, new in raw:
        end = min(len(text), start + length)
        if start < end and not any(start < e and s < end for s, e in taken):
            replacements.append((start, end, new))
            taken.append((start, end))
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    offsets = OffsetMap(text, replacements)
    new_start, new_end = offsets.start(start), offsets.end(end)
    assert 0 <= new_start <= new_end <= len(offsets.text)

    def minus(value: str, lo: int, hi: int, spans) -> str:  # the passage without the replaced spans
        return "".join(value[i] for i in range(lo, hi) if not any(s <= i < e for s, e in spans))

    new_spans = list(zip(offsets.new_starts, offsets.new_ends))
    assert minus(text, start, end, taken) == minus(offsets.text, new_start, new_end, new_spans)


@pytest.mark.postgres
def test_apply_writes_a_copy_with_codings_moved_and_a_private_key(make_project, tmp_path, backend):
    project = make_project()
    assert project.import_files([_corpus(tmp_path / "corpus")]).ok
    project.segment("paragraph")
    project.load_codebook(REPO / "codebooks" / "reseaux-sante.yaml")
    code = project.codebook().codes[0].id
    document = project.document("corpus/entretien-2.txt")
    start = document.text.index("Avec Claire")
    end = document.text.index("tout le monde.") + len("tout le monde.")
    after = document.text.index("Le Dr Dupont")
    coding = project.apply_codes(document.id, start, end, [code], "alice", memo="Claire Dupont, pivot")[0]
    later = project.apply_codes(document.id, after, after + 12, [code], "bob")[0]
    project.add_memo("document", document.id, "alice", "Entretien avec Mme Aubert sur Claire Dupont")
    review.set_terms(project, "alice", {"Plouzané": "place"})
    review.detect(project, "alice")
    keys = tmp_path / "keys"
    keys.mkdir()
    report = privacy_apply.apply(project, "alice", keys / "study.key.json", output=tmp_path / "pseudo")
    assert stat.S_IMODE(os.stat(report.key).st_mode) == 0o600
    copy = Project.open(tmp_path / "pseudo")
    text = copy.document("corpus/entretien-2.txt").text
    for name in ("Claire", "Dupont", "Aubert", "Girard", "chu-lyon", "Lilas", "1941"):
        assert name not in text
    codings = copy.codings_df().set_index("coding_id")
    moved = text[codings.loc[coding, "start"]:codings.loc[coding, "end"]]
    assert moved.startswith("Avec [Infirmière 1], l'infirmière de") or moved.startswith("Avec [Personne")
    assert moved.endswith("connaît tout le monde.")
    assert text[codings.loc[later, "start"]:codings.loc[later, "end"]].startswith("Le Dr [")
    assert "Claire Dupont" not in " ".join(copy.memos_df()["text"]) and "Dupont" not in str(copy.speakers_df())
    segments = copy.segments_df()
    assert all(row.text == copy.document(int(row.doc_id)).text[row.start:row.end] for row in segments.itertuples())
    assert "Aubert" not in " ".join(segments["speaker"].dropna())
    assert copy.history_df().shape[0] == 1  # the original's history (with its texts) is not copied
    assert copy.repo.setting("privacy-terms") is None
    key = keyfile.read(report.key, copy)
    original = keyfile.reverse(key, "corpus/entretien-2.txt", codings.loc[coding, "start"],
                               codings.loc[coding, "end"], moved)
    assert original == document.text[start:end]
    failed = copy.import_files([tmp_path / "corpus"])
    assert {f.code for f in failed.failures} == {"Q970"} and not failed.added  # originals never come back
    with pytest.raises(AlreadyPseudonymised, match=r"\[Q969\]"):
        privacy_apply.plan(copy)
    with pytest.raises(KeyMismatch, match=r"\[Q967\]"):
        keyfile.read(report.key, project)
    copy.close()


def test_key_placement_and_bad_keys(detected, tmp_path):
    with pytest.raises(KeyPlacementRefused, match=r"\[Q965\].*inside the project folder"):
        privacy_apply.apply(detected, "alice", detected.folder / "k.json", output=tmp_path / "out")
    with pytest.raises(KeyPlacementRefused, match=r"\[Q965\].*inside the project folder"):
        privacy_apply.apply(detected, "alice", tmp_path / "out" / "k.json", output=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    (tmp_path / "taken.json").write_text("{}", encoding="utf-8")
    with pytest.raises(KeyPlacementRefused, match="never overwritten"):
        privacy_apply.apply(detected, "alice", tmp_path / "taken.json", output=tmp_path / "out")
    with pytest.raises(KeyMissing, match=r"\[Q966\]"):
        keyfile.read(tmp_path / "none.json")
    with pytest.raises(InvalidKey, match=r"\[Q968\]"):
        keyfile.read(tmp_path / "taken.json")
    assert review.detections_df(detected)["status"].eq("pending").all()  # nothing was written


def test_in_place_after_a_backup_and_check_of_exports(detected, tmp_path):
    import shutil

    shutil.copytree(detected.folder, tmp_path / "study")
    project = Project.open(tmp_path / "study")
    (tmp_path / "keys").mkdir()
    report = privacy_apply.apply(project, "alice", tmp_path / "keys" / "k.json", in_place=True)
    assert report.backup.parent == tmp_path / "keys" and report.backup.is_file()
    assert "Aubert" not in project.document("corpus/entretien.txt").text
    assert review.detections_df(project).empty
    result = runner.invoke(app, ["export", "segments", str(tmp_path / "out.csv"), "-p", str(project.folder)])
    assert result.exit_code == 0, result.output
    assert check.check(tmp_path / "out.csv", report.key) > 5
    leaked = tmp_path / "leak.csv"
    leaked.write_text("text\nPropos de Mme AUBERT recueillis", encoding="utf-8")
    with pytest.raises(NamesRemain, match=r"\[Q971\].*'Aubert'"):
        check.check(leaked, report.key)
    project.close()


def test_cli_detect_review_apply_reverse_check(detected, tmp_path):
    import shutil

    shutil.copytree(detected.folder, tmp_path / "study")
    study = str(tmp_path / "study")
    (tmp_path / "keys").mkdir()
    key = str(tmp_path / "keys" / "k.json")
    result = runner.invoke(app, ["pseudonymise", "review", "-p", study, "--csv"])
    assert result.exit_code == 0 and "Claire Dupont" in result.output
    first = result.output.splitlines()[1].split(",")[0]
    assert runner.invoke(app, ["pseudonymise", "decide", first, "-p", study, "--accept"]).exit_code == 0
    result = runner.invoke(app, ["pseudonymise", "add", "-p", study, "--doc", "corpus/entretien.txt", "--text",
                                 "Aubert", "--category", "person"])
    assert result.exit_code == 2 and "[Q963]" in result.output
    result = runner.invoke(app, ["pseudonymise", "preview", "-p", study, "--csv"])
    assert result.exit_code == 0 and "[Lieu A]" in result.output
    result = runner.invoke(app, ["pseudonymise", "apply", "-p", study, "--key", key, "--output",
                                 str(tmp_path / "pseudo")])
    assert result.exit_code == 0 and "mode 0600" in result.output and "not reviewed" in result.output
    pseudo = str(tmp_path / "pseudo")
    result = runner.invoke(app, ["pseudonymise", "reverse", "-p", pseudo, "--key", key, "--text",
                                 "Selon [Coordinatrice du réseau 1],"])
    assert result.exit_code == 0 and "Selon Aubert," in result.output
    assert runner.invoke(app, ["export", "iramuteq", str(tmp_path / "c.txt"), "-p", pseudo]).exit_code == 0
    assert runner.invoke(app, ["pseudonymise", "check", str(tmp_path / "c.txt"), "--key", key]).exit_code == 0
    assert runner.invoke(app, ["export", "iramuteq", str(tmp_path / "o.txt"), "-p", study]).exit_code == 0
    result = runner.invoke(app, ["pseudonymise", "check", str(tmp_path / "o.txt"), "--key", key])
    assert result.exit_code == 2 and "[Q971]" in result.output
    assert json.loads((tmp_path / "keys" / "k.json").read_text(encoding="utf-8"))["format"] == keyfile.FORMAT


def test_explorer_page_shows_the_review_and_applies(detected, tmp_path):
    import shutil

    from streamlit.testing.v1 import AppTest

    shutil.copytree(detected.folder, tmp_path / "study")
    test = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    test.session_state["project_folder"] = str(tmp_path / "study")
    test.query_params["coder"] = "alice"
    test.run()
    test.switch_page("qualcoder/explorer/privacy.py").run()
    assert not test.exception, test.exception
    assert test.title[0].value == "Pseudonymise"
    shown = [element.value for element in test.dataframe if "decision" in element.value.columns]
    assert shown and "Claire Dupont" in set(shown[0]["text"]) and set(shown[0]["decision"]) == {"pending"}
    assert any("Reviewed 0 of" in (p.proto.text or "") for p in test.get("progress"))
    (tmp_path / "keys").mkdir()
    test.text_input(key="pv_key").input(str(tmp_path / "keys" / "k.json"))
    test.text_input(key="pv_output").input(str(tmp_path / "pseudo")).run()
    test.button(key="pv_apply").click().run()
    assert not test.exception, test.exception
    assert any("Pseudonymised" in s.value for s in test.success), [e.value for e in test.error]
    assert (tmp_path / "pseudo" / "qualcoder.toml").is_file()
    assert any("not reviewed" in w.value for w in test.warning)


def test_on_the_demo_every_coding_and_topic_assignment_keeps_its_words(demo_copy, tmp_path):
    """Manual detections only (no NER): every coding and topic assignment of the demo moved through the offset map
    covers the same text minus the replaced names."""
    import re

    documents = demo_copy.documents_df(with_text=True, grouped=False)
    for name in ("Aubert", "Sophie Lambert", "Collins"):
        doc_id, text = next((int(r.doc_id), r.text) for r in documents.itertuples() if name in r.text)
        start = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text).start()
        review.add(demo_copy, "alice", doc_id, start, start + len(name), "person", all_occurrences=True)
    (tmp_path / "keys").mkdir()
    report = privacy_apply.apply(demo_copy, "alice", tmp_path / "keys" / "k.json", output=tmp_path / "pseudo")
    key = keyfile.read(report.key)
    copy = Project.open(tmp_path / "pseudo")
    spans = {entry["name"]: [(r[2], r[3], r[0], r[1]) for r in entry["replacements"]] for entry in key["documents"]}
    old_texts = dict(zip(documents["name"], documents["text"]))
    new_texts = {name: copy.document(name).text for name in old_texts}

    def minus(text: str, lo: int, hi: int, cut: list[tuple[int, int]]) -> str:
        kept, position = [], lo
        for s, e in sorted(cut):
            if e <= lo or s >= hi:
                continue
            kept.append(text[position:max(s, lo)])
            position = min(e, hi)
        return "".join(kept) + text[position:hi]

    old = demo_copy.codings_df().set_index("coding_id")
    new = copy.codings_df().set_index("coding_id")
    assert len(old) == len(new) > 100 and report.replacements > 10
    for coding_id, row in new.iterrows():
        name, before = row["doc"], old.loc[coding_id]
        assert minus(old_texts[name], before["start"], before["end"], [(s, e) for s, e, _, _ in spans[name]]) == \
            minus(new_texts[name], row["start"], row["end"], [(s, e) for _, _, s, e in spans[name]])
    from sqlalchemy import select

    from qualcoder.store.tables import DocumentRow, TopicAssignmentRow

    def assignments(project):
        query = select(TopicAssignmentRow.id, DocumentRow.name, TopicAssignmentRow.start, TopicAssignmentRow.end).join(
            DocumentRow, DocumentRow.id == TopicAssignmentRow.document_id)
        with project.engine.connect() as connection:
            return {row[0]: row[1:] for row in connection.execute(query)}

    old_topics, new_topics = assignments(demo_copy), assignments(copy)
    assert old_topics.keys() == new_topics.keys() and old_topics
    for assignment, (name, start, end) in new_topics.items():
        _, old_start, old_end = old_topics[assignment]
        assert minus(old_texts[name], old_start, old_end, [(s, e) for s, e, _, _ in spans[name]]) == \
            minus(new_texts[name], start, end, [(s, e) for _, _, s, e in spans[name]])
    assert not any("Aubert" in text or "Collins" in text for text in new_texts.values())
    copy.close()


@pytest.mark.browser
def test_a_missed_name_is_added_by_selecting_it_in_the_browser(detected, tmp_path):
    import shutil

    from playwright.sync_api import sync_playwright
    from test_studio_browser import _drag

    from qualcoder.explorer.server import launch_chromium, running, settle

    shutil.copytree(detected.folder, tmp_path / "study")
    project = Project.open(tmp_path / "study")
    first = project.documents_df(with_text=False, grouped=False).sort_values("doc_id").iloc[0]
    text = project.document(int(first["doc_id"])).text
    start = text.index("Réunion de concertation") if "Réunion" in text else text.index("financement")
    word = "Réunion de concertation" if "Réunion" in text else "financement"
    with running(tmp_path / "study") as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{url}/privacy?coder=alice")
        settle(page)
        page.get_by_text("Add a missed name").click()
        settle(page)
        _drag(page, start, start + len(word))
        settle(page)
        page.get_by_role("button", name="Add", exact=True).click()
        settle(page)
        page.screenshot(path=str(tmp_path / "privacy-add.png"))
        browser.close()
    added = review.detections_df(project, status="accepted")
    assert list(added[added["source"] == "manual"]["text"]) == [word]
    project.close()
