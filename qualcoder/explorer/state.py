"""The explorer's shared state: the Project opened once per folder, and queries cached per project revision.

Every cached query takes the folder and ``project.revision()`` as its key, so a coding, memo, decision,
segmentation, codebook or topic run saved from any page (or from the CLI) invalidates exactly the queries it
affects on the next rerun, while a rerun that changed nothing reuses them all.
"""

from __future__ import annotations

import gc

import pandas as pd
import streamlit as st

from qualcoder.coding.codebook import Codebook
from qualcoder.errors import QualcoderError
from qualcoder.explorer import safe
from qualcoder.explorer.filters import SegmentIndex
from qualcoder.project import Project
from qualcoder.store.repository import Revision

CACHE_ENTRIES = 4  # a few revisions per query: enough for back-and-forth, bounded memory on big projects


@st.cache_resource(show_spinner=False)
def open_project(folder: str) -> Project:
    """The project of ``folder``, opened once per server process."""
    project = Project.open(folder)
    # what is loaded by now (Streamlit, pandas, spaCy, the pages) lives as long as the server: kept out of the cyclic
    # garbage collector, whose full passes over 400,000 objects took 0.3 s in the middle of drawing a new coding
    gc.freeze()
    return project


def folder() -> str:
    """The project folder: ``--project`` of the streamlit command, kept in the session by ``app.py``."""
    return st.session_state["project_folder"]


def project_or_error() -> Project | None:
    """The current project, or None after showing why it cannot be opened."""
    try:
        return open_project(folder())
    except QualcoderError as error:
        safe.error(error)
        return None


def project_or_none() -> Project | None:
    """The current project, or None (silently: the page shows why when it asks with ``project_or_error``)."""
    try:
        return open_project(folder())
    except QualcoderError:
        return None


def revision(project: Project) -> Revision:
    """The project's revision; under enforced blind coding it names the coder too, so that one coder's cached
    codings are never served to another (they read different codings of the same revision)."""
    found = project.revision()
    alone = project.gate.hide_others()
    return found._replace(viewer=alone) if alone is not None and project.blind() else found


def segment_mark(revision: Revision) -> tuple:
    """The part of the revision that changes with the segmentation (count and highest id of the segments) and with
    what the segments' columns say of speakers and documents: codings can change without re-reading 100,000
    segments."""
    return revision.segments, revision.labels


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def _segments(folder: str, mark: tuple) -> pd.DataFrame:
    """A resource, not data: only the index reads it (never changing it), and pickling 100,000 segments with their
    text into the cache cost 0.2 s on each first load."""
    return open_project(folder).segments_df()


def segments(folder: str, revision: Revision) -> pd.DataFrame:
    return _segments(folder, segment_mark(revision))


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def codings(folder: str, revision: Revision) -> pd.DataFrame:
    return open_project(folder).codings_df()


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def documents(folder: str, revision: Revision) -> pd.DataFrame:
    return open_project(folder).documents_df(with_text=False)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def status(folder: str, revision: Revision) -> dict:
    return open_project(folder).status()


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def turns(folder: str, revision: Revision) -> dict:
    return open_project(folder).turns()


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def codebook(folder: str, revision: Revision) -> Codebook | None:
    """The active codebook, or None when none is loaded (pages say so instead of failing)."""
    project = open_project(folder)
    return project.codebook() if project.has_codebook() else None


@st.cache_resource(show_spinner="Indexing segments and codings…", max_entries=CACHE_ENTRIES)
def segment_index(folder: str, revision: Revision) -> SegmentIndex:
    """Segments with their codes, built once per revision. A resource (never copied): callers only read it,
    which keeps a 100,000-segment project's filters within a few tens of milliseconds."""
    return SegmentIndex.build(segments(folder, revision), _coverage_codings(folder, revision),
                              codebook(folder, revision))


def _coverage_codings(folder: str, revision: Revision) -> pd.DataFrame:
    """Only what the index reads of each coding (no snippet, no labels): a third of the time on 150,000."""
    frame = open_project(folder).stored_codings(["document_id", "start", "end", "code", "coder", "source",
                                                 "status"])
    return frame.rename(columns={"document_id": "doc_id"})


def run(action, success: str | None = None) -> bool:
    """Run a write (add a coding, a memo, a decision...): a QualcoderError is shown, never raised."""
    try:
        action()
    except QualcoderError as error:
        safe.error(error)
        return False
    if success:
        safe.toast(success)
    return True


@st.cache_data(show_spinner="Computing agreement…", max_entries=CACHE_ENTRIES)
def agreement(folder: str, revision: Revision, coders: tuple[str, ...], level: str) -> pd.DataFrame:
    return open_project(folder).agreement(list(coders), level=level)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def disagreements(folder: str, revision: Revision, coders: tuple[str, ...], decided: bool = False) -> pd.DataFrame:
    return open_project(folder).disagreements(list(coders), include_decided=decided)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES)
def topic_run(folder: str, revision: Revision, name: str):
    """A stored TopicRun (its tables are computed once, then kept on the object)."""
    return open_project(folder).topic_run(name)


@st.cache_data(show_spinner="Computing…", max_entries=4 * CACHE_ENTRIES)
def analysis(folder: str, revision: Revision, function: str, *args, **options):
    """``qualcoder.analysis.<function>(project, *args, **options)``, cached per revision and options."""
    from qualcoder import analysis as tables

    return getattr(tables, function)(open_project(folder), *args, **options)
