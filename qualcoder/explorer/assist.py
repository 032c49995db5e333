"""Assisted coding from the studio's sidebar: the codebook's rules, the trained model and zero-shot suggestions,
each run with a progress bar over the same API as ``qualcoder autocode``, ``train`` + ``suggest`` and
``suggest --zero-shot``. What they make shows in the document view as rule codings and dashed suggestions, to
accept or reject there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.explorer import safe, state

if TYPE_CHECKING:
    from qualcoder.project import Project

ZERO_SHOT_BACKENDS = {"use": "Universal Sentence Encoder, multilingual", "e5": "multilingual-e5-small"}
DONE = "assist_done"  # what the last run said, shown after the rerun that draws its codings


def panel(project: Project) -> None:
    """The sidebar's "Assisted coding" expander (nothing to run without a codebook)."""
    with st.sidebar.expander("Assisted coding", expanded=DONE in st.session_state):
        if not project.has_codebook():
            st.caption("Load a codebook first: rules, model and zero-shot all read it.")
            return
        st.caption("Each run stores codings or suggestions for you to accept or reject; your own codings never "
                   "change.")
        for kind, text in st.session_state.pop(DONE, []):
            (st.success if kind == "success" else st.warning)(safe.md(text))
        said: list[tuple[str, str]] = []
        if st.button("Code with the rules", key="assist_rules", width="stretch"):
            said = _rules(project)
        if st.button("Train the model and suggest", key="assist_model", width="stretch"):
            said = _model(project)
        backend = st.selectbox("Zero-shot model", list(ZERO_SHOT_BACKENDS), key="assist_backend",
                               format_func=lambda b: f"{b} — {ZERO_SHOT_BACKENDS[b]}")
        if st.button("Suggest from the codebook alone", key="assist_zero_shot", width="stretch"):
            said = _zero_shot(project, backend)
    if said:
        st.session_state[DONE] = said
        st.rerun()  # the document view and its codings are drawn again with what the run stored


def _bar(text: str):
    bar = st.progress(0.0, text=text)

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done} of {total}")

    return bar, progress


def _rules(project: Project) -> list[tuple[str, str]]:
    bar, progress = _bar("Reading the rules…")
    found: list = []
    ok = state.run(lambda: found.append(project.autocode(progress=progress)))
    bar.empty()
    if not ok:
        return []
    report = found[0]
    said = [("success", f"{len(report.codes_run)} code(s) run: {len(report.codings)} (segment, code) pair(s) coded "
                        "by the rules.")]
    said += [("warning", warning) for warning in report.warnings]
    if report.unmatched_terms:
        said.append(("warning", f"{len(report.unmatched_terms)} term(s) matched nowhere (check their lemmas): "
                                + ", ".join(report.unmatched_terms[:12])))
    return said


def _model(project: Project) -> list[tuple[str, str]]:
    found: list = []
    with st.spinner("Training on the human codings…"):
        ok = state.run(lambda: found.extend([project.train(), project.suggest()]))
    if not ok:
        return []
    info, count = found
    said = [("success", f"Trained on {info['segments']} segments for {len(info['codes'])} codes; {count} "
                        "suggestion(s) stored.")]
    if info.get("skipped_codes"):
        said.append(("warning", f"Too few examples (< 6) to learn: {', '.join(info['skipped_codes'])}"))
    return said


def _zero_shot(project: Project, backend: str) -> list[tuple[str, str]]:
    bar, progress = _bar("Loading the sentence model…")
    found: list = []
    ok = state.run(lambda: found.append(project.suggest_zero_shot(backend, progress=progress)))
    bar.empty()
    if not ok:
        return []
    result = found[0]
    how = (f"cut-offs calibrated on human codings for {result['calibrated_codes']} code(s)"
           if result["calibrated_codes"] else f"score ≥ {result['min_score']}")
    return [("success", f"{result['suggestions']} zero-shot suggestion(s) stored ({how}), each on the sentence that "
                        "matched.")]
