"""Topics: stored runs, their words, topics per profession and over time, topic x code; fit a new run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import charts, drill, safe, state

if TYPE_CHECKING:
    from qualcoder.project import Project


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder = state.folder()
    st.title("Topics")
    _fit_form(project)
    revision = state.revision(project)
    runs = project.topic_runs_df()
    if runs.empty:
        st.info("No topic model has been fitted yet: fit one above, or `qualcoder topics fit`.")
        return
    st.dataframe(runs, hide_index=True)
    name = st.selectbox("Run", runs["name"].tolist()[::-1], key="tp_run")
    try:
        with st.spinner("Reading the topic run and drawing its charts…"):
            run = state.topic_run(folder, revision, name)
            _run(project, run)
    except QualcoderError as error:
        safe.error(error)


def _run(project: Project, run) -> None:
    from qualcoder import figures

    st.subheader(f"Topics of run {safe.md(run.name)}")
    topics = run.topics.drop(columns=["words"]).merge(run.languages(), on="key", how="left")
    st.caption(f"Topics holding both languages: {run.bilingual_share():.0%} · topic × code purity: "
               f"{run.code_purity():.0%}")
    st.dataframe(topics, hide_index=True, height=300)
    charts.show(figures.topic_sizes_figure(run.topics), "topic-sizes", key="tp_sizes")
    cols = st.columns(3)
    by = cols[0].selectbox("Topics per", ["profession", "type", "role", "speaker", "doc"], key="tp_by")
    freq = cols[1].radio("Period", ["M", "Q", "Y"], index=1, horizontal=True, key="tp_freq",
                         format_func={"M": "month", "Q": "quarter", "Y": "year"}.get)
    book = project.codebook() if project.has_codebook() else None
    languages = list(book.languages) if book else ["fr", "en"]
    language = cols[2].selectbox("Code labels in", languages, key="tp_labels")
    style = figures.CodeStyle.from_codebook(book, language) if book else figures.CodeStyle(language=language)
    charts.show(figures.topics_by_group_figure(run.per_class(by), by), f"topics-per-{by}", key="tp_group")
    charts.show(figures.topics_over_time_figure(run.over_time(freq)), f"topics-over-time-{freq}", key="tp_time")
    charts.show(figures.topic_code_figure(run.code_table(), style), "topic-x-code", key="tp_codes")
    _topic_segments(run)
    with st.expander("Quality against an NMF baseline"):
        st.dataframe(run.quality(), hide_index=True)


def _topic_segments(run) -> None:
    """A topic's segments, each one click from the coding studio."""
    topics = run.topics
    names = dict(zip(topics["key"], [f"{k} {lab}" for k, lab in zip(topics["key"], topics["label"])]))
    key = st.selectbox("Segments of the topic", list(names), format_func=names.get, index=None, key="tp_segments")
    if key is None:
        return
    segments = run.assignments[run.assignments["key"] == key]
    st.caption(f"{len(segments)} segments")
    drill.table(segments, key="tp_drill", shown=["doc", "speaker", "profession", "probability", "text"], height=300,
                column_config={"text": st.column_config.TextColumn(width="large")})


def _fit_form(project: Project) -> None:
    with st.expander("Fit a new topic model"), st.form("tp_fit"):
        cols = st.columns(4)
        name = cols[0].text_input("Run name (optional)", key="tp_name").strip() or None
        embeddings = cols[1].selectbox("Embeddings", ["tfidf", "e5", "use", "minilm"], key="tp_embeddings")
        clusterer = cols[2].text_input("Clusterer", value="auto", key="tp_clusterer")
        seed = cols[3].number_input("Seed", value=0, step=1, key="tp_seed")
        if not st.form_submit_button("Fit"):
            return
        bar = st.progress(0.0, text="Starting…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done} of {total}")

        try:
            run = project.fit_topics(embeddings=embeddings, clusterer=clusterer, seed=int(seed), name=name,
                                     progress=progress)
        except QualcoderError as error:
            safe.error(error)
            return
        bar.progress(1.0, text="Done")
        st.success(f"Run {safe.md(run.name)} fitted: {len(run.topics)} topics.")


if __name__ == "__main__":
    render()
