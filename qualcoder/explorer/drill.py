"""From a result to the text: a table whose row, once selected, opens its passage in the coding studio (the
document scrolled to it, the passage highlighted and selected, ready to code), through the studio's own URL
``workbench?doc=ID&at=START-END``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from qualcoder.explorer import safe

# absolute: Streamlit resolves a relative page path against the main script, which is app.py in the package when
# served and the checkout's app.py under AppTest
STUDIO = str(Path(__file__).resolve().parent / "workbench.py")


def passage_params(doc_id: int, start: int, end: int) -> dict[str, str]:
    """The studio's query parameters for a passage.

    >>> passage_params(3, 10, 42)
    {'doc': '3', 'at': '10-42'}
    """
    return {"doc": str(int(doc_id)), "at": f"{int(start)}-{int(end)}"}


def open_link(doc_id: int, start: int, end: int, label: str) -> None:
    """A link that opens the passage in the studio (the coder's name, when known, travels with it)."""
    params = passage_params(doc_id, start, end)
    coder = st.query_params.get("coder")
    if coder:
        params["coder"] = coder
    st.page_link(STUDIO, label=label, query_params=params)


def table(frame: pd.DataFrame, *, key: str, shown: list[str] | None = None, height: int | str = "auto",
          column_config: dict | None = None, what: str = "passage") -> pd.Series | None:
    """Show ``frame`` (it needs doc_id, start and end) with single-row selection; a selected row gets a link to
    its ``what`` in the studio. Returns the selected row (or None)."""
    columns = shown or [c for c in frame.columns if c not in ("doc_id",)]
    event = st.dataframe(frame[columns], hide_index=True, height=height, key=key, on_select="rerun",
                         selection_mode="single-row", column_config=column_config)
    rows = event.selection.rows if event is not None else []
    if not rows:
        st.caption(f"Select a row to open its {what} in the coding studio.")
        return None
    row = frame.iloc[rows[0]]
    where = safe.md(row["doc"]) if "doc" in frame.columns else f"document {row['doc_id']}"
    open_link(int(row["doc_id"]), int(row["start"]), int(row["end"]),
              f"Open {where} at {int(row['start'])}–{int(row['end'])} in the coding studio ▸")
    return row
