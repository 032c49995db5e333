"""What the Codebook page's controls do: each change goes through the Project's codebook API (a new, undoable
codebook version made from the version the page showed) and leaves a message for the page to show.

The callbacks run before the rerun that follows a click, so the page redraws from the new codebook; a
QualcoderError (a refused delete, a name taken, a stale page) becomes the message, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import state
from qualcoder.explorer.actions import coder

MESSAGE, CHOSEN, UPLOADS = "codebook_message", "codebook_code", "codebook_uploads"
TOP = ""  # the parent picker's "top level"


def _project():
    return state.open_project(state.folder())


def message() -> tuple[str, str] | None:
    """``(kind, text)`` of the last change (``success`` or ``error``), or None; shown once (the next rerun, after
    another click, no longer repeats it)."""
    return st.session_state.pop(MESSAGE, None)


def _do(work: Callable[[], object], success: str) -> bool:
    """Run ``work``; keep its outcome for the page to show."""
    try:
        work()
    except QualcoderError as error:
        st.session_state[MESSAGE] = ("error", str(error))
        return False
    st.session_state[MESSAGE] = ("success", success)
    return True


def lines(text: str) -> list[str]:
    """Criteria typed one per line.

    >>> lines(" a \\n\\n b ")
    ['a', 'b']
    """
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# creating and editing ------------------------------------------------------------------------------------------
def create(version: str, keys: dict[str, str]) -> None:
    """The New code form: label, parent, colour, definition (``keys`` names their widgets)."""
    values = {name: st.session_state.get(key) for name, key in keys.items()}
    made: list[str] = []
    parent = values["parent"] or None

    def work() -> None:
        made.append(_project().add_code(coder(), values["label"] or "", parent=parent, color=values["color"] or None,
                                        definition=(values["definition"] or "").strip() or None,
                                        expected_version=version))

    if _do(work, "Code created."):
        st.session_state[MESSAGE] = ("success", f"Created the code {made[0]}.")
        st.session_state[CHOSEN] = made[0]
        for key in (keys["label"], keys["definition"]):
            st.session_state[key] = ""


def save(code_id: str, version: str, languages: tuple[str, ...], keys: dict[tuple[str, str], str],
         shown: dict[tuple[str, str], object]) -> None:
    """The Edit form: only what differs from what the page showed is changed (labels, definitions, criteria per
    language, colour), as one new version."""
    typed = {field: st.session_state.get(key) for field, key in keys.items()}
    typed[("color", "")] = str(typed.get(("color", "")) or "").upper()  # the picker answers in lower case
    changed = {field for field, value in typed.items() if value != shown.get(field)}
    changes: dict = {}
    for name in ("label", "definition"):
        texts = {lang: typed[(name, lang)] or "" for lang in languages if (name, lang) in changed}
        if texts:
            changes[name] = texts
    for name in ("include", "exclude"):
        items = {lang: lines(typed[(name, lang)]) for lang in languages if (name, lang) in changed}
        if items:
            changes[name] = items
    if ("color", "") in changed:
        changes["color"] = typed[("color", "")]
    if not changes:
        st.session_state[MESSAGE] = ("success", f"Nothing changed in {code_id}.")
        return
    _do(lambda: _project().update_code(coder(), code_id, expected_version=version, **changes),
        f"Saved {code_id}: {', '.join(changes)}.")


def add_example(code_id: str, version: str, text_key: str, source_key: str) -> None:
    text, source = st.session_state.get(text_key, ""), st.session_state.get(source_key, "")
    if not (text or "").strip():
        st.session_state[MESSAGE] = ("error", f"The example of {code_id} is empty: type or paste a passage.")
        return
    if _do(lambda: _project().update_code(coder(), code_id, example=(text, source or ""), expected_version=version),
           f"Added an example to {code_id}."):
        st.session_state[text_key] = ""


def move(code_id: str, version: str, key: str) -> None:
    parent = st.session_state.get(key) or None
    _do(lambda: _project().move_code(coder(), code_id, parent, expected_version=version),
        f"Moved {code_id} under {parent or 'the top level'}.")


def merge(code_id: str, version: str, key: str) -> None:
    target = st.session_state.get(key)
    if not target:
        st.session_state[MESSAGE] = ("error", f"Choose the code that {code_id} is merged into.")
        return
    if _do(lambda: _project().merge_codes(coder(), code_id, target, expected_version=version),
           f"Merged {code_id} into {target}: its codings, memos and sub-codes are now {target}'s."):
        st.session_state[CHOSEN] = target


def delete(code_id: str, version: str) -> None:
    if _do(lambda: _project().delete_code(coder(), code_id, expected_version=version), f"Deleted {code_id}."):
        st.session_state.pop(CHOSEN, None)


def undo() -> None:
    done = []
    _do(lambda: done.append(_project().undo(coder())), "Undone.")
    if done:
        st.session_state[MESSAGE] = ("success", f"Undone: {done[0].summary.removeprefix('undo: ')}")


def write_memo(target: str, target_id: str, key: str) -> None:
    text = st.session_state.get(key, "")
    if _do(lambda: _project().add_memo(target, target_id, coder(), text), f"Memo saved on {target} {target_id}."):
        st.session_state[key] = ""


# loading a YAML ------------------------------------------------------------------------------------------------
def uploaded_path(upload) -> Path:
    """The uploaded YAML kept under its own name in a folder of the session (errors then name the file)."""
    import tempfile

    folder = st.session_state.get(UPLOADS)
    if folder is None or not Path(folder).is_dir():
        folder = st.session_state[UPLOADS] = tempfile.mkdtemp(prefix="qualcoder-codebook-")
    path = Path(folder) / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    return path


def load(path: str) -> None:
    """Apply the YAML whose dry run the page showed."""
    _do(lambda: _project().load_codebook(path, actor=coder() or "codebook"), f"Loaded {Path(path).name}.")



# memos (the Memos page, the studio) ----------------------------------------------------------------------------
def write_memo_on(choice_key: str, key: str) -> None:
    """A new memo on the ``(target, target_id)`` chosen in ``choice_key``."""
    choice = st.session_state.get(choice_key)
    if not choice:
        st.session_state[MESSAGE] = ("error", "Choose what the memo is on.")
        return
    write_memo(choice[0], choice[1], key)


def edit_memo(memo_id: int, key: str) -> None:
    text = st.session_state.get(key, "")
    _do(lambda: _project().edit_memo(memo_id, coder(), text), f"Memo {memo_id} saved.")


def remove_memo(memo_id: int) -> None:
    _do(lambda: _project().remove_memo(memo_id, coder()), f"Memo {memo_id} removed (Undo brings it back).")
