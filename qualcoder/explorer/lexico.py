"""Lexicometry: Reinert classifications (run one, or read a stored run): dendrogram and classes, class profiles
and characteristic segments, star variables, factor map, similarity tree, class x code and x topic, classes over
time. Segment text is shown in dataframes only (never as Markdown)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import charts, state

if TYPE_CHECKING:
    from qualcoder.project import Project

TABS = ["Classes", "Profiles", "Star variables", "Factor map", "Similarity", "Codes and topics", "Over time"]


@st.cache_resource(show_spinner="Reading the classification…", max_entries=4)
def _stored_run(folder: str, mark: tuple, documents: tuple, parses: tuple, name: str):
    """A stored LexicoRun (its profiles are computed once, then kept on the object)."""
    from qualcoder import lexico

    return lexico.run(state.open_project(folder), name)


@st.cache_data(show_spinner="Crossing classes and codes…", max_entries=4)
def _code_table(folder: str, mark: tuple, revision, name: str, level):
    run = _stored_run(folder, mark, revision.documents, revision.parses, name)
    return run.code_table(level=level)


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    from qualcoder import lexico
    from qualcoder.store.lexico import LexicoStore

    folder = state.folder()
    st.title("Lexicometry")
    _fit_form(project)
    runs = lexico.runs(project)
    if runs.empty:
        st.info("No classification yet: run one above, or `qualcoder lexico chd`.")
        return
    st.dataframe(runs, hide_index=True)
    name = st.selectbox("Run", runs["name"].tolist()[::-1], key="lx_run")
    revision = state.revision(project)
    mark = LexicoStore(project.engine).mark()
    try:
        run = _stored_run(folder, mark, revision.documents, revision.parses, name)
        for note in run.report.get("notes", []):
            st.warning(note)
        view = st.radio("View", TABS, horizontal=True, key="lx_view")
        {"Classes": _classes, "Profiles": _profiles, "Star variables": _variables, "Factor map": _factor_map,
         "Similarity": _similarity, "Codes and topics": lambda r: _codes(r, folder, mark, revision),
         "Over time": _over_time}[view](run)
    except QualcoderError as error:
        st.error(str(error))


def _classes(run) -> None:
    from qualcoder.lexico import figures

    charts.show(figures.classification(run), f"lexico-classes-{run.name}", key="lx_classes_fig")
    st.dataframe(run.classes(12), hide_index=True)


def _profiles(run) -> None:
    cols = st.columns(3)
    cls = cols[0].selectbox("Class", run.class_numbers(), key="lx_class")
    kind = cols[1].radio("Forms", ["active", "supplementary", "all"], horizontal=True, key="lx_kind")
    top = cols[2].number_input("Forms shown", min_value=5, max_value=500, value=30, step=5, key="lx_top")
    st.dataframe(run.profile(cls, top=int(top), kind=kind), hide_index=True, height=360)
    st.subheader(f"Characteristic segments of class {cls}")
    st.dataframe(run.characteristic_segments(cls, 10), hide_index=True)


def _variables(run) -> None:
    from qualcoder.lexico import figures

    chosen = st.multiselect("Variables", run.variable_names(), default=[v for v in ("type", "profession", "period")
                                                                        if v in run.variable_names()], key="lx_vars")
    table = run.variables(chosen or None)
    st.dataframe(table[table["chi2"] >= 3.84], hide_index=True, height=320)
    charts.show(figures.heatmap(_escaped(table, "modality"), "modality", "Star variables: signed chi2"),
                f"lexico-variables-{run.name}", key="lx_variables")


def _factor_map(run) -> None:
    from qualcoder.lexico import figures

    what = st.radio("Columns", ["forms", "variables"], horizontal=True, key="lx_afc")
    charts.show(figures.factor_map(run, what), f"lexico-afc-{what}-{run.name}", key="lx_afc_map")
    _rows, _columns, inertia = run.afc(what)
    st.dataframe(inertia, hide_index=True)


def _similarity(run) -> None:
    from qualcoder.lexico import figures

    cols = st.columns(3)
    cls = cols[0].selectbox("Segments", [None, *run.class_numbers()], key="lx_simi_class",
                            format_func=lambda c: "every segment" if c is None else f"class {c}")
    top = cols[1].slider("Forms", 10, 150, 50, key="lx_simi_top")
    index = cols[2].radio("Index", ["cooccurrence", "jaccard"], horizontal=True, key="lx_simi_index")
    nodes, edges = run.similarity(cls, top, index)
    charts.show(figures.similarity_graph(nodes, edges), f"lexico-similarity-{run.name}", key="lx_simi")
    st.dataframe(edges, hide_index=True, height=240)


def _codes(run, folder: str, mark: tuple, revision) -> None:
    from qualcoder.lexico import figures

    if run.project.has_codebook():
        level = st.selectbox("Code level", [1, 2, None], key="lx_level",
                             format_func=lambda v: "every code" if v is None else f"level {v}")
        table = _code_table(folder, mark, revision, run.name, level)
        charts.show(figures.heatmap(_escaped(table, "code"), "code", "Class x code: signed chi2"),
                    f"lexico-codes-{run.name}", key="lx_codes")
        st.dataframe(table, hide_index=True, height=280)
    else:
        st.info("No codebook loaded: load one to cross the classes with its codes.")
    topic_runs = run.project.topic_runs_df()
    if not topic_runs.empty:
        topic_run = st.selectbox("Topic run", topic_runs["name"].tolist()[::-1], key="lx_topic_run")
        table = run.topic_table(topic_run)
        charts.show(figures.heatmap(_escaped(table, "topic"), "topic", "Class x topic: signed chi2"),
                    f"lexico-topics-{run.name}", key="lx_topics")
        st.dataframe(table, hide_index=True, height=280)


def _over_time(run) -> None:
    from qualcoder.lexico import figures

    period = st.radio("Period", ["meeting", "month", "quarter", "year"], index=2, horizontal=True, key="lx_period")
    charts.show(figures.over_time(run, period), f"lexico-time-{period}-{run.name}", key="lx_time")
    st.dataframe(run.over_time(period), hide_index=True, height=280)


def _escaped(table, column: str):
    """Axis labels go through Plotly's HTML-like text: user text (code ids, attribute values) is escaped."""
    return table.assign(**{column: table[column].map(lambda v: html.escape(str(v)))})


def _fit_form(project: Project) -> None:
    from qualcoder import lexico

    types = sorted(project.documents_df(with_text=False)["type"].dropna().unique().tolist())
    with st.expander("Run a classification"), st.form("lx_fit"):
        cols = st.columns(4)
        name = cols[0].text_input("Run name (optional)", key="lx_name").strip() or None
        double = cols[1].radio("Classification", ["simple", "double"], horizontal=True, key="lx_kind_fit")
        lemmas = cols[2].selectbox("Lemmas", ["spacy", "lexique", "forms"], key="lx_lemmas")
        language = cols[3].selectbox("Language", ["fr", "en"], key="lx_language")
        cols = st.columns(4)
        classes = cols[0].number_input("Terminal classes", min_value=2, max_value=30, value=10, key="lx_classes")
        min_size = cols[1].number_input("Min. segments per class", min_value=1, value=10, key="lx_min_size")
        size = cols[2].number_input("Words per segment", min_value=5, value=40, key="lx_size")
        seed = cols[3].number_input("Seed", value=0, step=1, key="lx_seed")
        chosen = st.multiselect("Document types (all when empty)", types, key="lx_types")
        if not st.form_submit_button("Classify"):
            return
        bar = st.progress(0.0, text="Starting…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done} of {total}")

        try:
            run = lexico.fit(project, progress=progress, name=name, double=double == "double", lemmas=lemmas,
                             language=language, classes=int(classes), min_class_size=int(min_size),
                             segment_size=int(size), seed=int(seed), where={"type": chosen} if chosen else None)
        except QualcoderError as error:
            st.error(str(error))
            return
        bar.progress(1.0, text="Done")
        st.success(f"Classification done: {len(run.report['classes'])} classes.")
        st.text(f"Run: {run.name}")


if __name__ == "__main__":
    render()
