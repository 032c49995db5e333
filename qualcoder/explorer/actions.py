"""What the coding studio's and the agreement page's controls do: each writes through the Project at once; and
where the studio is (coder, document, passage), kept in the session and in the URL.

The writes run as Streamlit callbacks (before the rerun that follows the click or the view's event), so the page
redraws from the new project revision; a QualcoderError is shown with ``st.error``, never raised.
"""

from __future__ import annotations

import streamlit as st

from qualcoder.explorer import state, studio
from qualcoder.explorer.components.document_view import event_value
from qualcoder.team import accounts

CODER, DOCUMENT, FOCUS, ACTIVE, SELECTION, MESSAGE = (
    "studio_coder", "studio_doc", "studio_focus", "studio_active", "studio_selection", "studio_message")


def coder() -> str:
    """The coder name: the login's on a shared project, else the one typed in the studio."""
    user = accounts.current_user()
    if user is not None:
        return user.name
    return str(st.session_state.get(CODER, "") or "").strip()


def remember_coder() -> None:
    name = coder()
    if name:
        st.query_params["coder"] = name
    else:
        st.query_params.pop("coder", None)


def coder_field(where=st) -> str:
    """The coder name box of a page that writes (the same name as in the studio, kept in the URL); the name."""
    st.session_state.setdefault(CODER, st.query_params.get("coder", ""))
    where.text_input("Coder", key=CODER, on_change=remember_coder, placeholder="your coder name")
    return coder()


def _project():
    return state.open_project(state.folder())


def _say(message: str) -> None:
    st.session_state[MESSAGE] = message


# where the view is ---------------------------------------------------------------------------------------------
def choose_document() -> None:
    """The document picker changed: show that document from its top."""
    doc = st.session_state.get(DOCUMENT)
    for key in (FOCUS, SELECTION):
        st.session_state.pop(key, None)
    st.session_state[ACTIVE] = []
    st.query_params.pop("at", None)
    st.query_params.pop("segment", None)
    if doc is not None:
        st.query_params["doc"] = str(doc)


def arrive(names: dict[int, str]) -> None:
    """The URL's coder, document and passage (``?coder=&doc=&at=START-END``, or ``?segment=ID``): on a new session,
    and when a link from another page names another document (the studio keeps the URL in step with what it shows).
    A document that is gone (removed, re-imported) falls back to the first one."""
    params = st.query_params
    st.session_state.setdefault(CODER, params.get("coder", ""))
    wanted, at = params.get("doc", ""), params.get("at", "")
    segment = params.get("segment", "")
    if segment.isdigit():
        frame = state.segments(state.folder(), state.revision(state.open_project(state.folder())))
        row = frame[frame["segment_id"] == int(segment)]
        if len(row):
            wanted, at = str(int(row["doc_id"].iloc[0])), f"{int(row['start'].iloc[0])}-{int(row['end'].iloc[0])}"
    if wanted.isdigit() and int(wanted) in names and st.session_state.get(DOCUMENT) != int(wanted):
        st.session_state[DOCUMENT] = int(wanted)
        st.session_state[ACTIVE] = []
        st.session_state.pop(SELECTION, None)
        st.session_state.pop(FOCUS, None)
        start, _, end = at.partition("-")
        if start.isdigit() and end.isdigit():
            st.session_state[FOCUS] = {"doc": int(wanted), "start": int(start), "end": int(end), "token": f"url {at}"}
    elif wanted.isdigit() and int(wanted) == st.session_state.get(DOCUMENT) and _new_place(int(wanted), at):
        # a link from another page to another passage of the document already shown
        start, _, end = at.partition("-")
        st.session_state[FOCUS] = {"doc": int(wanted), "start": int(start), "end": int(end), "token": f"url {at}"}
        st.session_state.pop(SELECTION, None)
    elif DOCUMENT not in st.session_state:
        st.session_state[DOCUMENT] = next(iter(names))
    elif st.session_state[DOCUMENT] not in names:
        st.warning("The document shown was removed or re-imported meanwhile; showing the first one.")
        st.session_state[DOCUMENT] = next(iter(names))
        choose_document()


def _new_place(doc: int, at: str) -> bool:
    """``at`` (START-END) is a passage other than the one the studio shows now."""
    start, _, end = at.partition("-")
    if not (start.isdigit() and end.isdigit()):
        return False
    focus = st.session_state.get(FOCUS)
    return not focus or (focus["doc"], focus["start"], focus["end"]) != (doc, int(start), int(end))


def open_passage(doc: int, start: int, end: int, active: tuple[int, ...] = ()) -> None:
    """Show ``doc`` scrolled to ``start``-``end``, highlighted and selected (kept in the URL for a reload)."""
    sequence = st.session_state.get("studio_seq", 0) + 1
    st.session_state["studio_seq"] = sequence
    st.session_state[DOCUMENT] = int(doc)
    st.session_state[FOCUS] = {"doc": int(doc), "start": int(start), "end": int(end), "token": f"{sequence}"}
    st.session_state[ACTIVE] = [int(i) for i in active]
    st.session_state.pop(SELECTION, None)
    st.query_params.pop("segment", None)
    st.query_params["doc"] = str(doc)
    st.query_params["at"] = f"{start}-{end}"


def _position() -> tuple[int, int] | None:
    focus = st.session_state.get(FOCUS)
    if focus:
        return focus["doc"], focus["start"]
    doc = st.session_state.get(DOCUMENT)
    return (int(doc), -1) if doc is not None else None


def next_uncoded() -> None:
    project, name = _project(), coder()
    mine = project.codings_df(coder=name)
    mine = mine[mine["status"] != "rejected"]
    found = studio.next_uncoded(state.segments(state.folder(), state.revision(project)), mine, _position())
    if found is None:
        _say(f"{name} has coded every segment.")
        return
    open_passage(found["doc"], found["start"], found["end"])
    _say(f"Segment {found['segment']}: the next one {name} has not coded.")


def next_uncertain() -> None:
    queue = studio.uncertain_queue(_project().codings_df(status="suggested"))
    if queue.empty:
        _say("There is no open suggestion. Run `qualcoder suggest` to get some.")
        return
    row = queue.iloc[0]
    open_passage(int(row["doc_id"]), int(row["start"]), int(row["end"]), active=(int(row["coding_id"]),))
    _say(f"Suggestion {int(row['coding_id'])}: {row['code']} (p = {float(row['confidence']):.2f}), "
         f"the most uncertain of {len(queue)} open.")


def open_listed(key: str, rows: dict) -> None:
    """A segment picked in the filtered list: ``rows`` maps segment id -> (doc_id, start, end)."""
    picked = st.session_state.get(key)
    if picked is not None and picked in rows:
        open_passage(*rows[picked])


# the view's events ---------------------------------------------------------------------------------------------
def view_event(name: str) -> None:
    value = event_value(studio.VIEW_KEY, name)
    if not isinstance(value, dict):
        return
    if name == "selection":
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            st.session_state[SELECTION] = value
    elif name == "click":
        st.session_state[ACTIVE] = [int(i) for i in value.get("coding_ids", []) if isinstance(i, int)]
    elif name == "apply":
        _apply(value)
    elif name == "create":
        _create_and_apply(value, str(value.get("label") or ""), None)
    elif name == "undo":
        undo()
    elif name == "redo":
        redo()


def _apply(event: dict) -> None:
    project, name, ids = _project(), coder(), []

    def work() -> None:
        ids.extend(studio.apply_selection(project, event, name))

    if state.run(work):
        st.session_state[ACTIVE] = ids
        st.session_state.pop(SELECTION, None)
        _say(f"Coded «{studio.quote(event.get('text', ''), 60)}» with {', '.join(event.get('codes', []))}.")


def new_code_from_selection(label_key: str, parent_key: str) -> None:
    """The studio's "New code from this selection": create the code, then code the selection with it."""
    _create_and_apply(st.session_state.get(SELECTION), st.session_state.get(label_key, ""),
                      st.session_state.get(parent_key) or None)
    if st.session_state.get(SELECTION) is None:
        st.session_state[label_key] = ""


def _create_and_apply(event: dict | None, label: str, parent: str | None) -> None:
    """Two undoable actions (the new code, the coding); when the coding is refused the new code is taken back, so
    nothing is left half-done."""
    project, name, made, ids = _project(), coder(), [], []
    if not event:
        _say("Select a passage first, then name the new code.")
        return

    def work() -> None:
        made.append(project.add_code(name, label, parent=parent))
        try:
            ids.extend(studio.apply_selection(project, {**event, "codes": made}, name))
        except Exception:
            project.undo(name)
            raise

    if state.run(work):
        st.session_state[ACTIVE] = ids
        st.session_state.pop(SELECTION, None)
        _say(f"New code {made[0]}; coded «{studio.quote(event.get('text', ''), 60)}» with it.")


def example_from_selection(code_key: str) -> None:
    """Add the selected passage to a code's examples in the codebook."""
    project, name, code = _project(), coder(), st.session_state.get(code_key)
    passage = []

    def work() -> None:
        passage.extend(studio.selected_passage(project, st.session_state.get(SELECTION)))
        project.update_code(name, code, example=(passage[0], passage[1]))

    if code and state.run(work):
        _say(f"«{studio.quote(passage[0], 60)}» is now an example of {code}.")


def undo() -> None:
    project, done = _project(), []
    if state.run(lambda: done.append(project.undo(coder()))):
        _say(f"Undone: {done[0].summary.removeprefix('undo: ')}")


def redo() -> None:
    project, done = _project(), []
    if state.run(lambda: done.append(project.redo(coder()))):
        _say(f"Redone: {done[0].summary.removeprefix('redo: ')}")


# a coding's actions --------------------------------------------------------------------------------------------
def change_code(coding_id: int, key: str) -> None:
    code = st.session_state.get(key)
    if code and state.run(lambda: _project().edit_coding(coding_id, coder(), code=code)):
        _say(f"Coding {coding_id} is now {code}.")


def save_memo(coding_id: int, key: str) -> None:
    text = st.session_state.get(key, "")
    if state.run(lambda: _project().edit_coding(coding_id, coder(), memo=text)):
        _say(f"Memo of coding {coding_id} {'saved' if text.strip() else 'cleared'}.")


def resize(coding_id: int) -> None:
    project, span = _project(), []
    selection = st.session_state.get(SELECTION)
    if state.run(lambda: span.extend(studio.resize_to_selection(project, coding_id, selection, coder()))):
        st.session_state.pop(SELECTION, None)
        _say(f"Coding {coding_id} now covers {span[0]}-{span[1]}.")


def remove(coding_id: int) -> None:
    if state.run(lambda: _project().remove_coding(coding_id, coder())):
        st.session_state[ACTIVE] = [i for i in st.session_state.get(ACTIVE, []) if i != coding_id]
        _say(f"Removed coding {coding_id}.")


def decide(coding_id: int, accept: bool) -> None:
    project = _project()
    action = project.accept_suggestion if accept else project.reject_suggestion
    if state.run(lambda: action(coding_id, coder())):
        _say(f"{'Accepted' if accept else 'Rejected'} coding {coding_id}.")


# agreement -----------------------------------------------------------------------------------------------------
def resolve(coders: list[str], segment_id: int, code: str, keep: str, decided_by: str, replace: bool = False) -> None:
    project = _project()
    state.run(lambda: project.resolve(coders, segment_id, code, keep, decided_by, replace=replace),
              f"Decision recorded: segment {segment_id}, {code}, keep {keep}")


def undo_decision(decision_id: int) -> None:
    project = _project()
    state.run(lambda: project.undo_decision(decision_id), f"Decision {decision_id} undone")
