"""Topics: stored runs, their words, topics per profession and over time, topic x code; fit a new run."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe, state


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
        run = state.topic_run(folder, revision, name)
        _run(run)
    except QualcoderError as error:
        safe.error(error)


def _run(run) -> None:
    st.subheader(f"Topics of run {safe.md(run.name)}")
    topics = run.topics.drop(columns=["words"]).merge(run.languages(), on="key", how="left")
    st.caption(f"Topics holding both languages: {run.bilingual_share():.0%} · topic × code purity: "
               f"{run.code_purity():.0%}")
    st.dataframe(topics, hide_index=True, height=300)
    st.plotly_chart(run.figure_sizes())
    left, right = st.columns(2)
    by = left.selectbox("Topics per", ["profession", "type", "role", "speaker"], key="tp_by")
    table = run.per_class(by)
    left.plotly_chart(px.bar(table, x="share_of_class", y=by, color="label", orientation="h",
                             title=f"Topics per {by}"))
    freq = right.radio("Period", ["M", "Q", "Y"], index=1, horizontal=True, key="tp_freq",
                       format_func={"M": "month", "Q": "quarter", "Y": "year"}.get)
    right.plotly_chart(run.figure_over_time(freq))
    st.plotly_chart(run.figure_codes())
    with st.expander("Quality against an NMF baseline"):
        st.dataframe(run.quality(), hide_index=True)


def _fit_form(project) -> None:
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
