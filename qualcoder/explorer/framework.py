"""Framework matrix: cases × codes, each cell its coded excerpts and your summary (NVivo's framework matrix).

Presets (``qualcoder.analysis.framework_presets``) fill the options; every summary is written through
``Project.set_framework_summary`` (logged, undoable); the downloads are the files ``qualcoder report framework -o``
writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe, state, views
from qualcoder.explorer.framework_grid import grid_html

if TYPE_CHECKING:
    from qualcoder.project import Project

PRESET, ROWS, CODES, NAME, CASE, CODE, CODER = ("fw_preset", "fw_rows", "fw_codes", "fw_name", "fw_case", "fw_code",
                                                "fw_coder")
FILTERS = ("type", "language", "network", "role", "profession")
CUSTOM = "custom"
EXCERPTS_SHOWN = 60


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Framework matrix")
    book = state.codebook(folder, revision)
    if book is None:
        st.info(safe.md("Load a codebook first (qualcoder codebook load FILE)."))
        return
    presets = {p.key: p for p in state.analysis(folder, revision, "available_presets")}
    _choose(folder, revision, book, presets)
    options = _options(presets)
    if not options["codes"]:
        st.info("Choose the codes of the columns (a parent counts its sub-codes).")
        return
    try:
        matrix = state.analysis(folder, revision, "framework_matrix", **options)
    except QualcoderError as error:
        safe.error(error)
        return
    colours = {code.id: code.color for code in book.codes}
    total = int(matrix.counts().to_numpy().sum())
    st.caption(safe.md(f"{len(matrix.row_values)} cases × {len(matrix.codes)} codes, {total} codings. A coding "
                       "belongs to the case of the first segment it covers (half the segment or half the coding); "
                       "a parent code counts its sub-codes. Summaries are kept under the matrix "
                       f"“{options['name']}”."))
    st.html(grid_html(matrix, colours))
    _downloads(folder, revision, options)
    _cell(project, matrix, book)


def _choose(folder: str, revision, book, presets: dict) -> None:
    """The preset (it fills the options below) and the options themselves."""
    if PRESET not in st.session_state:
        st.session_state[PRESET] = st.query_params.get("preset") or next(iter(presets), CUSTOM)
        _apply_preset(presets)
    keys = [*presets, CUSTOM]
    if st.session_state[PRESET] not in keys:
        st.session_state[PRESET] = CUSTOM
    titles = {key: presets[key].title if key in presets else "Custom matrix" for key in keys}
    cols = st.columns([2, 1, 1], vertical_alignment="bottom")
    cols[0].selectbox("Preset", keys, format_func=titles.get, key=PRESET, on_change=_apply_preset, args=(presets,))
    cols[1].selectbox("Cases (rows)", state.analysis(folder, revision, "attributes"), key=ROWS)
    cols[2].text_input("Matrix name", key=NAME, help="Your summaries are kept under this name.")
    chosen = presets.get(st.session_state[PRESET])
    if chosen is not None:
        st.caption(safe.md(chosen.description))
    choices = [code.id for code in book.codes]
    labels = {code.id: code.label.get("fr") or next(iter(code.label.values()), code.id) for code in book.codes}
    st.multiselect("Codes (columns)", choices, key=CODES, format_func=lambda c: labels.get(c, c))
    index = state.segment_index(folder, revision)
    table = state.analysis(folder, revision, "segment_table")
    with st.expander("Which codings count, in which segments", expanded=False):
        cols = st.columns(2)
        cols[0].multiselect("Coders (all when empty)", index.options["coder"], key="fw_coders")
        cols[1].multiselect("Sources (all when empty)", index.options["source"], key="fw_sources")
        cols = st.columns(len(FILTERS))
        for col, column in zip(cols, FILTERS):
            values = sorted(table[column].unique().tolist()) if column in table.columns else []
            key = f"fw_where_{column}"
            st.session_state[key] = [v for v in st.session_state.get(key, []) if v in values]
            col.multiselect(column, values, key=key, placeholder="any")


def _apply_preset(presets: dict) -> None:
    chosen = presets.get(st.session_state.get(PRESET))
    if chosen is None:
        st.session_state.setdefault(ROWS, "speaker")
        st.session_state.setdefault(NAME, "default")
        st.session_state.setdefault(CODES, [])
        return
    st.session_state[ROWS], st.session_state[NAME] = chosen.rows, chosen.key
    st.session_state[CODES] = list(chosen.codes)
    for column in FILTERS:
        st.session_state[f"fw_where_{column}"] = list(chosen.where.get(column, ()))
    st.query_params["preset"] = chosen.key


def _options(presets: dict) -> dict:
    where = {c: tuple(st.session_state[f"fw_where_{c}"]) for c in FILTERS if st.session_state.get(f"fw_where_{c}")}
    return {"rows": st.session_state[ROWS], "codes": list(st.session_state[CODES]), "where": where,
            "coders": list(st.session_state.get("fw_coders", [])) or None,
            "sources": list(st.session_state.get("fw_sources", [])) or None,
            "name": (st.session_state.get(NAME) or "default").strip() or "default"}


@st.cache_data(show_spinner="Writing the file…", max_entries=8)
def _file(folder: str, revision, options: dict, suffix: str) -> tuple[bytes, list[str]]:
    """The file's bytes and the warnings its writer gave (cells cut at Excel's limit...), to show beside it."""
    import warnings

    from qualcoder.export.framework import framework_bytes

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = framework_bytes(state.analysis(folder, revision, "framework_matrix", **options), suffix)
    return data, [str(w.message) for w in caught]


def _downloads(folder: str, revision, options: dict) -> None:
    mimes = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}
    said: list[str] = []
    with st.container(horizontal=True):
        for suffix, mime in mimes.items():
            data, messages = _file(folder, revision, options, suffix)
            st.download_button(f"Download .{suffix}", data, file_name=f"framework-{options['name']}.{suffix}",
                               mime=mime, key=f"fw_dl_{suffix}", on_click="ignore")
            said += [f".{suffix}: {message}" for message in messages]
    for message in said:
        st.warning(safe.md(message))


def _cell(project: Project, matrix, book) -> None:
    """One cell: its excerpts, and the summary you write of it."""
    st.subheader("A cell")
    cols = st.columns([1, 2], vertical_alignment="bottom")
    if st.session_state.get(CASE) not in matrix.row_values:
        st.session_state.pop(CASE, None)
    if st.session_state.get(CODE) not in matrix.codes:
        st.session_state.pop(CODE, None)
    case = cols[0].selectbox("Case", matrix.row_values, key=CASE)
    code = cols[1].selectbox("Code", matrix.codes, key=CODE, format_func=lambda c: views.label(book, c))
    if case is None or code is None:
        return
    excerpts = matrix.cell(case, code)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown(f"**Excerpts** ({len(excerpts)})")
        if excerpts.empty:
            st.caption("No coding of this code in this case.")
        for excerpt in excerpts.head(EXCERPTS_SHOWN).itertuples():
            st.caption(safe.md(f"{excerpt.doc} · {excerpt.speaker} · {excerpt.coder} · coding {excerpt.coding_id}"))
            safe.text_block(f"«{excerpt.text}»", css_class="qc-passage")
        if len(excerpts) > EXCERPTS_SHOWN:
            st.caption(f"{len(excerpts) - EXCERPTS_SHOWN} more excerpts: download the .xlsx or .csv for all of them.")
    with right:
        _summary(project, matrix, case, code)


def _summary(project: Project, matrix, case: str, code: str) -> None:
    st.session_state.setdefault(CODER, st.query_params.get("coder", ""))
    coder = st.text_input("Your name (recorded with the summary)", key=CODER).strip()
    stored = matrix.summary(case, code)
    # keyed on what is stored: after a save or an undo the box shows the stored text
    key = f"fw_summary_{hash((matrix.name, matrix.rows, case, code, stored))}"
    st.text_area("Your summary of this cell", value=stored, key=key, height=160)
    cols = st.columns(2)
    cols[0].button("Save summary", type="primary", disabled=not coder, on_click=_save,
                   args=(matrix.name, matrix.rows, case, code, key), key="fw_save")
    undo_next = project.next_steps(coder)[0] if coder else None
    cols[1].button("↶ Undo", disabled=undo_next is None, on_click=_undo, key="fw_undo",
                   help=safe.md(f"Undo: {undo_next.summary}") if undo_next else "Nothing to undo")
    if not coder:
        st.caption("Type your name to write summaries.")


def _save(name: str, rows: str, case: str, code: str, key: str) -> None:
    project, coder = state.open_project(state.folder()), st.session_state[CODER].strip()
    state.run(lambda: project.set_framework_summary(coder, rows, case, code, st.session_state.get(key, ""),
                                                    name=name), success=f"Summary of {case} × {code} saved.")


def _undo() -> None:
    project, coder = state.open_project(state.folder()), st.session_state[CODER].strip()
    state.run(lambda: project.undo(coder), success="Undone.")


if __name__ == "__main__":
    render()
