"""Study report: the ``qualcoder report study`` file, built here with its options and downloaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from qualcoder.explorer import safe, state

if TYPE_CHECKING:
    from qualcoder.project import Project

FORMATS = {"docx": ("Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
           "html": ("HTML page (.html, self-contained)", "text/html")}
BUILT = "report_built"


def render() -> None:
    project = state.project_or_error()
    if project is None:
        return
    folder, revision = state.folder(), state.revision(project)
    st.title("Study report")
    st.caption("Corpus, codebook, frequencies by group, crosstab with residuals, timeline of themes over the dated "
               "chronology, agreement with intervals, topics and framework matrices: each figure with its table "
               "and a sentence saying how it was computed; the versions and options are recorded at the end. The "
               "same file as `qualcoder report study`.")
    attributes = state.analysis(folder, revision, "attributes")
    cols = st.columns(5)
    by = cols[0].selectbox("Frequencies by", attributes, index=attributes.index("profession"), key="rp_by")
    crosstab_by = cols[1].selectbox("Crosstab by", attributes, index=attributes.index("type"), key="rp_ct")
    level = cols[2].selectbox("Code level", [1, 2, 3, None], key="rp_level",
                              format_func=lambda v: "every code" if v is None else f"level {v}")
    period = cols[3].selectbox("Timeline periods", ["meeting", "month", "quarter", "year"], key="rp_period")
    suffix = cols[4].radio("Format", list(FORMATS), format_func=lambda s: FORMATS[s][0], key="rp_format")
    options = {"by": by, "crosstab_by": crosstab_by, "level": level, "period": period}
    if st.button("Build the report", type="primary", key="rp_build"):
        st.session_state[BUILT] = _build(project, options, suffix, revision)
    built = st.session_state.get(BUILT)
    if built and built["revision"] == revision:
        st.download_button(f"Download study.{built['suffix']}", built["data"], file_name=f"study.{built['suffix']}",
                           mime=FORMATS[built["suffix"]][1], key="rp_download", on_click="ignore")
        st.caption(safe.md(f"Built with {built['label']}."))
    elif built:
        st.info("The project changed since the report was built: build it again.")


def _build(project: Project, options: dict, suffix: str, revision) -> dict | None:
    from qualcoder.errors import QualcoderError
    from qualcoder.export.report import ReportOptions, study_report_bytes

    bar = st.progress(0.0, text="Computing the sections…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"{stage}: {done} of {total}")

    try:
        data = study_report_bytes(project, suffix, options=ReportOptions(**options), progress=progress)
    except QualcoderError as error:
        safe.error(error)
        return None
    finally:
        bar.empty()
    label = ", ".join(f"{k} = {v if v is not None else 'every code'}" for k, v in options.items())
    return {"data": data, "suffix": suffix, "revision": revision, "label": label}


if __name__ == "__main__":
    render()
