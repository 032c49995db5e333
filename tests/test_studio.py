"""The coding studio and the Documents page with Streamlit's AppTest against copies of the real demo project.

The document view's events (what its JavaScript sends) are fired as the browser fires them: a trigger payload on
the component's event widget; tests/test_studio_browser.py drives the same page in Chromium.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import REPO
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from qualcoder.explorer.components.runs import runs_of

PAGE = "qualcoder/explorer/{}.py"
DOC = "reseau-memoire/cr-2004-03-11.txt"


def _app(folder, page: str = "workbench", query: dict | None = None) -> AppTest:
    test = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    test.session_state["project_folder"] = str(folder)
    for key, value in (query or {}).items():
        test.query_params[key] = value
    test.run()
    test.switch_page(PAGE.format(page)).run()
    return test


def _clean(test: AppTest) -> AppTest:
    assert not test.exception, [e.value for e in test.exception]
    assert not test.error, [e.value for e in test.error]
    return test


def _plain(text: str) -> str:
    """Text as read on the page (without the backslashes that keep Markdown from interpreting it)."""
    return re.sub(r"\\(.)", r"\1", text)


def _errors(test: AppTest) -> list[str]:
    assert not test.exception, [e.value for e in test.exception]  # a clear message, never a traceback
    return [_plain(e.value) for e in test.error]


def _view(test: AppTest) -> dict:
    """What the page handed to the document view: one JSON text (see studio.view_data)."""
    return json.loads(json.loads(test.get("bidi_component")[0].proto.json))


def _fire(test: AppTest, event: str, value: dict) -> AppTest:
    """Send one of the view's events, as its JavaScript does with ``setTriggerValue``."""
    states = test._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"$$STREAMLIT_INTERNAL_KEY_{test.get('bidi_component')[0].proto.id}__events"
    trigger.json_trigger_value = json.dumps({"event": event, "value": value})
    return test._run(WidgetStates(widgets=states.widgets))


def _passage(document, text: str) -> dict:
    start = document.text.index(text)
    return {"doc": document.id, "sha": document.sha256, "start": start, "end": start + len(text), "text": text}


def _button(test: AppTest, label: str):
    return next(b for b in test.button if b.label == label)


def _messages(test: AppTest) -> str:
    return _plain(" ".join(str(c.value) for c in test.caption))


@pytest.fixture
def studio(demo_copy):
    """(project, document, AppTest of the studio as alice on the March 2004 minutes)."""
    document = demo_copy.document(DOC)
    test = _clean(_app(demo_copy.folder, query={"coder": "alice", "doc": str(document.id)}))
    return demo_copy, document, test


def test_the_view_draws_the_whole_document_with_turns_sections_and_codings(studio):
    project, document, test = studio
    assert test.title[0].value == "Coding studio"
    data = _view(test)
    runs = runs_of(data["view"])
    assert "".join(run[2] for run in runs) == document.text  # the stored text, nothing added or lost
    assert ("Nadia Benali : ", "assistante sociale") in [(run[2], run[5]) for run in runs if run[4] == "l"]
    assert "Cas n°1 : Mme D., 82 ans" in [run[2] for run in runs if run[4] == "h"]
    stored = project.document_codings(document.id)
    drawn = {c[0] for c in data["view"]["codings"]}
    assert drawn == set(stored.loc[stored["status"] != "rejected", "coding_id"])
    assert {c[3] for c in data["view"]["codings"]} == {"human", "rules", "model"}
    assert data["editable"] and data["coder"] == "alice" and data["doc"]["sha"] == document.sha256
    assert [row[0] for row in data["codes"]][:2] == ["territoire", "territoire.empietement"]  # the tree in order


def test_the_picker_lists_labels_in_the_documents_language_then_the_other(studio):
    project, _, test = studio
    assert _view(test)["codes"][0][:3] == ["territoire", "Territoire professionnel", "Professional territory"]
    english = project.document("care-coordination-en/interview-01.txt")
    test.selectbox(key="studio_doc").select(english.id).run()
    data = _view(_clean(test))
    assert data["doc"]["language"] == "en"
    assert data["codes"][0][:3] == ["territoire", "Professional territory", "Territoire professionnel"]
    assert test.query_params["doc"] == str(english.id)


def test_layers_hide_other_coders_rules_and_suggestions(studio):
    _, _, test = studio
    test.multiselect(key="studio_others").unselect("coder_a").run()
    test.toggle(key="studio_rules").set_value(False).run()
    test.toggle(key="studio_model").set_value(False).run()
    codings = _view(_clean(test))["view"]["codings"]
    assert codings and {(c[3], c[4]) for c in codings} == {("human", "coder_b")}
    other = studio[0].document("coordinateurs/entretien-03-diabete.txt")
    test.selectbox(key="studio_doc").select(other.id).run()  # the layers hold from one document to the next
    codings = _view(_clean(test))["view"]["codings"]
    assert codings and {(c[3], c[4]) for c in codings} == {("human", "coder_b")}


def test_codes_applied_from_the_picker_cover_the_selection_trimmed(studio):
    project, document, test = studio
    passage = _passage(document, " Je vais dire les choses clairement, ")
    _clean(_fire(test, "apply", {**passage, "codes": ["territoire.defense", "coordination"]}))
    mine = project.codings_df(coder="alice")
    assert sorted(mine["code"]) == ["coordination", "territoire.defense"]
    assert set(mine["text"]) == {"Je vais dire les choses clairement,"}
    assert all(document.text[s:e] == "Je vais dire les choses clairement," for s, e in zip(mine["start"], mine["end"]))
    assert sorted(test.session_state["studio_active"]) == sorted(mine["coding_id"])  # listed at once, to add a memo
    assert "Coded «Je vais dire les choses clairement,» with territoire.defense, coordination." in _messages(test)
    assert set(mine["coding_id"]) <= {c[0] for c in _view(test)["view"]["codings"]}
    assert project.history_df("alice")["kind"].tolist() == ["apply"]  # one action for both codes
    assert set(_view(test)["recent"][:2]) == {"territoire.defense", "coordination"}  # first in the picker now


def test_a_coding_is_listed_on_click_and_edited_resized_and_removed(studio):
    project, document, test = studio
    first = project.apply_codes(document.id, *_span(document, "Le frigo est plein"), ["patient.aidants"], "alice")[0]
    test.run()
    _clean(_fire(test, "click", {"doc": document.id, "coding_ids": [first]}))
    test.selectbox(key=f"studio_code_{first}_patient.aidants").select("patient.domicile").run()
    assert project.repo.coding(first)["code"] == "patient.domicile"
    memo_box = next(t for t in test.text_area if t.key.startswith(f"studio_memo_{first}_"))
    memo_box.input("le frigo: signe d'alerte").run()
    test.button(key=f"studio_save_{first}").click().run()
    assert project.repo.coding(first)["memo"] == "le frigo: signe d'alerte"
    _fire(test, "selection", _passage(document, "Le frigo est plein des barquettes"))
    test.button(key=f"studio_resize_{first}").click().run()
    assert project.repo.coding(first)["snippet"] == "Le frigo est plein des barquettes"
    test.button(key=f"studio_remove_{first}").click().run()
    _clean(test)
    assert project.repo.coding(first) is None
    assert "no longer exists" not in " ".join(w.value for w in test.warning)  # dropped from the panel
    kinds = project.history_df("alice")["kind"].tolist()
    assert kinds == ["remove", "resize", "edit", "edit", "apply"]
    _button(test, "↶ Undo").click().run()
    assert project.repo.coding(first)["snippet"] == "Le frigo est plein des barquettes"
    assert "Undone: remove coding" in _messages(test)
    _button(test, "↷ Redo").click().run()
    assert project.repo.coding(first) is None and "Redone: remove coding" in _messages(_clean(test))


def _span(document, text: str) -> tuple[int, int]:
    start = document.text.index(text)
    return start, start + len(text)


def test_a_rule_coding_rejected_stays_rejected_when_autocode_runs_again(studio):
    project, document, test = studio
    rules = project.document_codings(document.id)
    rule = int(rules.loc[(rules["source"] == "rules") & (rules["status"] == "applied"), "coding_id"].iloc[0])
    _fire(test, "click", {"doc": document.id, "coding_ids": [rule]})
    test.button(key=f"studio_reject_{rule}").click().run()
    _clean(test)
    assert project.repo.coding(rule)["status"] == "rejected"
    assert rule not in {c[0] for c in _view(test)["view"]["codings"]}  # a rejected coding is not drawn
    project.autocode()
    assert project.repo.coding(rule)["status"] == "rejected"


def test_a_suggestion_is_accepted_from_the_uncertain_queue(studio):
    project, _, test = studio
    test.selectbox(key="studio_mode").select("Most uncertain suggestion").run()
    _button(test, "Most uncertain suggestion ▸").click().run()
    _clean(test)
    suggestion = test.session_state["studio_active"][0]
    found = project.repo.coding(suggestion)
    focus = _view(test)["focus"]
    assert (focus["start"], focus["end"]) == (found["start"], found["end"])
    assert int(test.session_state["studio_doc"]) == found["document_id"]
    suggested = project.codings_df(status="suggested")
    assert abs(found["confidence"] - 0.5) == pytest.approx((suggested["confidence"] - 0.5).abs().min())
    test.button(key=f"studio_accept_{suggestion}").click().run()
    decided = project.repo.coding(suggestion)
    assert decided["status"] == "accepted" and decided["decided_by"] == "alice"


def test_next_uncoded_opens_a_segment_the_coder_has_not_coded(studio):
    project, _, test = studio
    test.selectbox(key="studio_mode").select("Next uncoded segment").run()
    _button(test, "Next uncoded segment ▸").click().run()
    first = _view(_clean(test))["focus"]
    segments = project.segments_df()
    doc_id = int(test.session_state["studio_doc"])
    match = segments[(segments["doc_id"] == doc_id) & (segments["start"] == first["start"])]
    assert len(match) == 1 and int(match["end"].iloc[0]) == first["end"]
    assert test.query_params["at"] == f"{first['start']}-{first['end']}"
    _fire(test, "apply", {"doc": doc_id, "sha": project.document(doc_id).sha256, "start": first["start"],
                          "end": first["end"], "text": project.document(doc_id).text[first["start"]:first["end"]],
                          "codes": ["coordination"]})
    _button(test, "Next uncoded segment ▸").click().run()
    second = _view(_clean(test))["focus"]
    assert (second["start"], int(test.session_state["studio_doc"])) != (first["start"], doc_id)


def test_the_filtered_list_opens_the_segment_in_its_document(studio):
    project, document, test = studio
    test.selectbox(key="studio_mode").select("Filtered list").run()
    test.text_input(key="studio_list_text").input("MMSE").run()
    picker = test.selectbox(key="studio_list_pick")
    segment = int(picker.options[0].split(" · ")[0])
    picker.select(segment).run()
    row = project.segments_df().set_index("segment_id").loc[segment]
    assert "MMSE" in row["text"] and row["doc_id"] == document.id
    assert (_view(_clean(test))["focus"]["start"], _view(test)["focus"]["end"]) == (row["start"], row["end"])


def test_the_url_brings_back_the_document_and_the_passage(demo_copy):
    document = demo_copy.document(DOC)
    test = _clean(_app(demo_copy.folder, query={"coder": "bob", "doc": str(document.id), "at": "1046-1532"}))
    assert test.text_input(key="studio_coder").value == "bob"
    focus = _view(test)["focus"]
    assert (focus["start"], focus["end"], _view(test)["doc"]["id"]) == (1046, 1532, document.id)
    segment = demo_copy.segments_df().iloc[40]
    legacy = _clean(_app(demo_copy.folder, query={"coder": "bob", "segment": str(segment["segment_id"])}))
    assert (_view(legacy)["doc"]["id"], _view(legacy)["focus"]["start"]) == (segment["doc_id"], segment["start"])


def test_bad_selections_and_stale_pages_give_a_clear_message_and_write_nothing(studio):
    project, document, test = studio
    before = len(project.codings_df())
    blank = document.text.index("\n\n")
    _fire(test, "apply", {"doc": document.id, "sha": document.sha256, "start": blank, "end": blank + 2,
                          "text": "\n\n", "codes": ["patient.aidants"]})
    assert any("[Q505]" in e and "only blanks" in e for e in _errors(test))
    _fire(test, "apply", {"doc": document.id, "sha": document.sha256, "start": 5, "end": len(document.text) + 9,
                          "text": "x", "codes": ["patient.aidants"]})
    assert any("[Q505]" in e and "outside the document" in e for e in _errors(test))
    moved = _passage(document, "Le frigo est plein")
    _fire(test, "apply", {**moved, "start": moved["start"] + 3, "end": moved["end"] + 3, "codes": ["patient.aidants"]})
    assert any("[Q522]" in e for e in _errors(test))  # the text at those offsets is not what was selected
    _fire(test, "apply", {**moved, "sha": "0" * 64, "codes": ["patient.aidants"]})
    assert any("[Q522]" in e and "changed since the page was drawn" in e for e in _errors(test))
    _fire(test, "apply", {**moved, "doc": 99999, "codes": ["patient.aidants"]})
    assert any("[Q522]" in e and "no longer in the project" in e for e in _errors(test))
    _fire(test, "undo", {"at": 1})
    assert any("[Q521]" in e and "alice has nothing to undo" in e for e in _errors(test))
    assert len(project.codings_df()) == before and project.history_df("alice").empty


def test_a_coding_removed_meanwhile_is_reported_not_edited(studio):
    project, document, test = studio
    coding = project.apply_codes(document.id, *_span(document, "Le frigo est plein"), ["patient.aidants"], "alice")[0]
    test.run()
    _fire(test, "click", {"doc": document.id, "coding_ids": [coding]})
    project.remove_coding(coding, "someone-else")  # another person, in another browser
    test.button(key=f"studio_remove_{coding}").click().run()
    assert any("[Q522]" in e and f"there is no coding {coding}" in e for e in _errors(test))
    test.run()
    assert any(f"Coding {coding} no longer exists" in w.value for w in test.warning)


def test_a_document_reimported_meanwhile_falls_back_with_a_warning(studio):
    project, document, test = studio
    from sqlalchemy import delete

    from qualcoder.store.tables import DocumentRow

    # another process removes the document (the project has no API for that yet: a re-import adds a new one)
    with project.repo.engine.begin() as connection:
        connection.execute(delete(DocumentRow).where(DocumentRow.id == document.id))
    test.run()
    assert any("removed or re-imported meanwhile" in w.value for w in test.warning)
    assert _view(test)["doc"]["id"] != document.id and not test.exception


def test_without_a_coder_the_view_is_read_only(demo_copy):
    test = _clean(_app(demo_copy.folder))
    assert any("Type your coder name" in i.value for i in test.info)
    assert _view(test)["editable"] is False
    assert not [b for b in test.button if b.label == "↶ Undo" and not b.disabled]


def test_documents_page_reads_a_document_in_the_view(demo_project):
    test = _clean(_app(demo_project.folder, "documents"))
    test.selectbox[0].select(DOC).run()
    data = _view(_clean(test))
    document = demo_project.document(DOC)
    assert "".join(run[2] for run in runs_of(data["view"])) == document.text
    assert data["editable"] is False and data["coder"] == ""
    assert {c[4] for c in data["view"]["codings"]} == {"coder_a", "coder_b", "rules"}  # no open suggestion
    test.multiselect(key="doc_coders").select("coder_b").run()
    assert {c[4] for c in _view(test)["view"]["codings"]} == {"coder_b"}
    clicked = _view(test)["view"]["codings"][0][0]
    _clean(_fire(test, "click", {"doc": document.id, "coding_ids": [clicked]}))
    assert any("coding_id" in f.value.columns and f.value["coding_id"].tolist() == [clicked] for f in test.dataframe)


def test_next_uncoded_follows_the_text_and_wraps_round():
    import pandas as pd

    from qualcoder.explorer.studio import next_uncoded

    segments = pd.DataFrame({"segment_id": [1, 2, 3, 4], "doc_id": [1, 1, 2, 2], "start": [0, 10, 0, 10],
                             "end": [10, 20, 10, 20]})
    coded = pd.DataFrame({"doc_id": [1, 2], "start": [12, 0], "end": [15, 3]})
    assert next_uncoded(segments, coded, None)["segment"] == 1
    assert next_uncoded(segments, coded, (1, 0))["segment"] == 4  # 2 and 3 are coded
    assert next_uncoded(segments, coded, (2, 10))["segment"] == 1  # round to the first
    assert next_uncoded(segments, coded.iloc[:0], (2, 10))["segment"] == 1
    everything = pd.DataFrame({"doc_id": [1, 2], "start": [0, 0], "end": [20, 20]})
    assert next_uncoded(segments, everything, None) is None


def test_assisted_coding_runs_from_the_studio_sidebar_and_its_suggestions_show(demo_copy):
    people = demo_copy.codings_df().query("source != 'model'")["coding_id"].tolist()
    test = _clean(_app(demo_copy.folder, query={"coder": "ana"}))
    test.button(key="assist_model").click().run()
    said = [s.value for s in _clean(test).sidebar.success]
    found = re.fullmatch(r"Trained on \d+ segments for \d+ codes; (\d+) suggestion\(s\) stored\.", said[0])
    assert len(said) == 1 and found, said
    suggested = demo_copy.codings_df(coder="model", status="suggested")
    assert len(suggested) == int(found.group(1)) > 0
    shown = _view(test)
    drawn = {c[0] for c in shown["view"]["codings"]}
    here = suggested[suggested["doc_id"] == shown["doc"]["id"]]
    assert len(here) and set(here["coding_id"]) <= drawn  # the open document draws its new suggestions
    assert demo_copy.codings_df().query("source != 'model'")["coding_id"].tolist() == people  # people's stay
    test.button(key="assist_rules").click().run()
    assert re.match(r"\d+ code\(s\) run: \d+ \(segment, code\) pair", _clean(test).sidebar.success[0].value)
