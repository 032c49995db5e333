"""The document view, a bidirectional ``st.components.v2`` component: its HTML, JavaScript and CSS are the files
beside this module, passed inline (nothing is fetched: no font, no CDN).

It draws a view built by ``runs.build_view`` and sends back, as trigger events:

- ``selection`` ``{doc, sha, start, end, text}``: text selected with the mouse or the keyboard;
- ``click`` ``{doc, coding_ids}``: a coded span or a margin chip clicked;
- ``apply`` ``{doc, sha, start, end, text, codes}``: codes chosen in its picker for the selection;
- ``create`` ``{doc, sha, start, end, text, label}``: "New code" chosen in the picker, ``label`` what was typed;
- ``undo`` / ``redo``: Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y while the document has the focus.

``start``/``end`` come from the runs' offsets, ``text`` from the runs' texts; ``sha`` is the document's sha256
when the page was drawn, so a document re-imported meanwhile is noticed before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NAME = "qualcoder_document_view"
EVENTS = ("selection", "click", "apply", "create", "undo", "redo")


@cache
def _renderer():
    import streamlit as st

    def read(suffix: str) -> str:
        return (HERE / f"document_view.{suffix}").read_text(encoding="utf-8")

    # not in a shadow root: Chromium reports a selection inside one as the shadow host, not the text
    return st.components.v2.component(NAME, html=read("html"), css=read("css"), js=read("js"), isolate_styles=False)


def document_view(data: str | dict, *, key: str, on_event: Callable[[str], None] | None = None) -> Any:
    """Mount the view with ``data`` (``studio.view_data``: a JSON text, or a dict); ``on_event(name)`` runs as the
    callback of each event, before the page is drawn again (the event's value is ``event_value(key, name)``)."""
    callbacks = {f"on_{name}_change": (lambda name=name: on_event(name)) if on_event else (lambda: None)
                 for name in EVENTS}
    return _renderer()(key=key, data=data, **callbacks)


def event_value(key: str, name: str) -> Any:
    """The value of the view's event ``name`` in the current run (inside its callback), or None."""
    import streamlit as st

    state = st.session_state.get(key)
    return state.get(name) if hasattr(state, "get") else None
