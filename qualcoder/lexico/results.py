"""A stored classification as DataFrames: segments with their class and attributes, classes, profiles,
characteristic segments, star variables, the dendrogram, correspondence analyses, similarity graphs, and the
classes crossed with codes, topics and time (``crossings``); Plotly figures in ``figures``."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.lexico.errors import InvalidLexicoOption, UnknownClass
from qualcoder.lexico.matrix import Forms, build_forms
from qualcoder.lexico.profiles import (
    SIGNIFICANT,
    characteristic_segments,
    form_profiles,
    variable_profiles,
)
from qualcoder.lexico.runs import LexicoOptions, Prepared, people_names, stored_run
from qualcoder.lexico.segments import with_tokens
from qualcoder.store.lexico import LexicoStore

if TYPE_CHECKING:
    from qualcoder.project import Project

VARIABLE_LIMIT = 60  # attributes with more distinct values (titles, sections) are not offered as star variables
NOT_VARIABLES = {"segment_id", "project_segment", "doc_id", "start", "end", "position", "turn", "words", "date",
                 "unit", "cls", "cls1", "cls2", "text", "section", "month", "quarter", "language", "title"}


class LexicoRun:
    """A stored Reinert classification.

    >>> # run = qualcoder.lexico.fit(project, classes=6); run.classes(); run.profile(2).head(20)
    >>> # run.variables(); run.afc(); run.similarity(cls=1); run.code_table(level=1); run.over_time("meeting")
    """

    def __init__(self, project: Project, name: str | None = None, prepared: Prepared | None = None):
        row = stored_run(project, name)
        self.project, self.id, self.name, self.kind = project, int(row["id"]), row["name"], row["kind"]
        self.params, self.report, self.created_at = row["params"], row["report"], row["created_at"]
        self._prepared = prepared

    @cached_property
    def options(self) -> LexicoOptions:
        values = {k: v for k, v in self.params.items() if k in LexicoOptions.__dataclass_fields__ and k != "where"}
        return LexicoOptions.make(where=self.params.get("where") or {}, **values)

    # segments and forms -------------------------------------------------------------------------------
    @cached_property
    def stored(self) -> pd.DataFrame:
        return LexicoStore(self.project.engine).segments_frame(self.id)

    @cached_property
    def segments(self) -> pd.DataFrame:
        """One row per text segment: position, class (0 = unclassified), doc, offsets, the segment's attributes
        (speaker, profession, role, type, period, year, network, document attributes) and its text."""
        from qualcoder.analysis.tokens import place_in_segments
        from qualcoder.analysis.units import segment_table

        frame = self.stored.rename(columns={"cls": "class"})
        table = segment_table(self.project).drop(columns=["position", "turn", "words"], errors="ignore")
        placed = place_in_segments(frame, table).rename(columns={"segment_id": "project_segment"})
        texts = self.project.texts()
        placed["text"] = [texts[d][s:e] for d, s, e in zip(placed["doc_id"], placed["start"], placed["end"])]
        first = ["position", "class", "doc", "doc_id", "start", "end"]
        return placed[first + [c for c in placed.columns if c not in first]]

    @property
    def labels(self) -> np.ndarray:
        return self.stored["cls"].to_numpy()

    @cached_property
    def forms(self) -> Forms:
        """The forms of the stored segments, from the current parses (the run's lemma source and thresholds)."""
        prepared = self._prepared
        if prepared is not None and len(prepared.segments.frame) == len(self.stored):
            return prepared.forms
        doc_ids = self.stored["doc_id"].unique().tolist()
        parses = self.project.parses(doc_ids)
        texts = {doc_id: text for doc_id, text in self.project.texts().items() if doc_id in parses}
        segments = with_tokens(self.stored, texts, parses)
        o = self.options
        return build_forms(segments, o.lemmas, o.language, o.active, o.min_freq, o.max_forms,
                           people_names(self.project))

    # classes ------------------------------------------------------------------------------------------
    @cached_property
    def profiles(self) -> pd.DataFrame:
        return form_profiles(self.labels, self.forms)

    def class_numbers(self) -> list[int]:
        return sorted(int(c) for c in np.unique(self.labels) if c > 0)

    def _check_class(self, cls: int) -> int:
        if cls not in self.class_numbers():
            raise UnknownClass(f"run {self.name!r} has no class {cls}", place="--class",
                               fix=f"Classes: {', '.join(map(str, self.class_numbers()))}.")
        return cls

    def classes(self, words: int = 8) -> pd.DataFrame:
        """class, segments, share of the classified segments, the most characteristic active forms."""
        labels = self.labels
        classified = int((labels > 0).sum())
        profiles = self.profiles
        rows = []
        for cls in self.class_numbers():
            top = profiles[(profiles["class"] == cls) & (profiles["type"] == "active") & (profiles["chi2"] > 0)]
            rows.append({"class": cls, "segments": int((labels == cls).sum()),
                         "share": round(float((labels == cls).sum()) / max(classified, 1), 4),
                         "top_forms": ", ".join(top["form"].head(words))})
        return pd.DataFrame(rows, columns=["class", "segments", "share", "top_forms"])

    def profile(self, cls: int | None = None, top: int | None = None, kind: str = "all",
                min_chi2: float | None = None) -> pd.DataFrame:
        """The forms of a class (all classes when None): segments in class, total, share, chi2, p. ``kind``:
        all | active | supplementary; ``top`` most characteristic per class; ``min_chi2`` keeps chi2 >= it."""
        if kind not in ("all", "active", "supplementary"):
            raise InvalidLexicoOption(f"{kind!r} is not a kind of form", place="--kind",
                                      fix="Use all, active or supplementary.")
        frame = self.profiles
        if cls is not None:
            frame = frame[frame["class"] == self._check_class(cls)]
        if kind != "all":
            frame = frame[frame["type"] == kind]
        if min_chi2 is not None:
            frame = frame[frame["chi2"] >= min_chi2]
        if top is not None:
            frame = frame.groupby("class", sort=True).head(top)
        return frame.reset_index(drop=True)

    def characteristic_segments(self, cls: int, n: int = 10) -> pd.DataFrame:
        """The class's most characteristic segments: score, doc, speaker, start, end, text."""
        found = characteristic_segments(self.labels, self.forms, self.profiles, self._check_class(cls), n)
        rows = self.segments.set_index("position").loc[found["position"]].reset_index()
        columns = [c for c in ("position", "doc", "speaker", "profession", "start", "end", "text") if c in rows]
        return pd.concat([found[["score"]].reset_index(drop=True), rows[columns]], axis=1)

    def variable_names(self) -> list[str]:
        """The segment attributes offered as star variables (2 to 60 distinct values)."""
        frame = self.segments
        return [c for c in frame.columns if c not in NOT_VARIABLES
                and 2 <= frame[c].nunique(dropna=True) <= VARIABLE_LIMIT]

    def variables(self, variables: list[str] | None = None, min_chi2: float | None = None) -> pd.DataFrame:
        """Star variables per class: modality (``*profession_neurologue``), counts, share, signed chi2, p."""
        chosen = variables or self.variable_names()
        missing = [v for v in chosen if v not in self.segments.columns]
        if missing:
            raise InvalidLexicoOption(f"no attribute {', '.join(missing)}", place="--variables",
                                      fix=f"Use some of: {', '.join(self.variable_names())}.")
        frame = variable_profiles(self.labels, self.segments, chosen)
        return frame if min_chi2 is None else frame[frame["chi2"] >= min_chi2].reset_index(drop=True)

    def dendrogram(self) -> pd.DataFrame:
        """The nodes of the (first) dendrogram: id, parent, children, size, chi2 of its split, split order,
        terminal class."""
        nodes = self.report.get("dendrogram") or self.report["dendrograms"][0]
        return pd.DataFrame(nodes)

    # factor maps and graphs ---------------------------------------------------------------------------
    def contingency(self, what: str = "forms", top: int = 30) -> pd.DataFrame:
        """classes x columns segment counts: the ``top`` most characteristic active forms of each class
        (``forms``), or every star modality (``variables``)."""
        if what == "forms":
            chosen = self.profile(kind="active", min_chi2=SIGNIFICANT, top=top)
            table = self.profiles[self.profiles["form"].isin(set(chosen["form"])) & (self.profiles["type"] == "active")]
            return table.pivot_table(index="class", columns="form", values="segments_in_class", aggfunc="sum",
                                     fill_value=0)
        if what == "variables":
            return self.variables().pivot_table(index="class", columns="modality", values="segments_in_class",
                                                aggfunc="sum", fill_value=0)
        raise InvalidLexicoOption(f"{what!r} is not a table", place="--what", fix="Use forms or variables.")

    def afc(self, what: str = "forms", top: int = 30) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Correspondence analysis of classes x forms (or x star modalities): class coordinates, column
        coordinates (with the class each column is most characteristic of), eigenvalues."""
        from qualcoder.lexico.ca import correspondence_analysis

        table = self.contingency(what, top)
        if min(table.shape) < 3:
            raise InvalidLexicoOption(f"the classes x {what} table is {table.shape[0]} x {table.shape[1]}",
                                      place="--what", fix="A factor map needs three classes and three columns.")
        rows, columns, inertia = correspondence_analysis(table, seed=self.options.seed)
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.to_numpy().sum()
        residual = (table.to_numpy() - expected) / np.sqrt(np.where(expected > 0, expected, 1))
        columns["class"] = table.index.to_numpy()[residual.argmax(axis=0)]
        columns["segments"] = table.sum(axis=0).to_numpy()
        rows["segments"] = table.sum(axis=1).to_numpy()
        label = {"forms": "form", "variables": "modality"}[what]
        return rows.rename_axis("class").reset_index(), columns.rename_axis(label).reset_index(), inertia

    def similarity(self, cls: int | None = None, top: int = 60, index: str = "cooccurrence"
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The similarity graph (maximum spanning tree) of the ``top`` most frequent active forms of a class (or
        of every segment): nodes and edges."""
        from qualcoder.lexico.simi import similarity

        rows = None if cls is None else np.flatnonzero(self.labels == self._check_class(cls))
        return similarity(self.forms, rows, top, index, self.options.seed)

    # crossings ---------------------------------------------------------------------------------------
    def code_table(self, **options) -> pd.DataFrame:
        from qualcoder.lexico.crossings import class_codes

        return class_codes(self, **options)

    def topic_table(self, topic_run: str | None = None) -> pd.DataFrame:
        from qualcoder.lexico.crossings import class_topics

        return class_topics(self, topic_run)

    def over_time(self, period: str = "quarter") -> pd.DataFrame:
        from qualcoder.lexico.crossings import classes_over_time

        return classes_over_time(self, period)


def run(project: Project, name: str | None = None) -> LexicoRun:
    """A stored run by name (the latest when None)."""
    return LexicoRun(project, name)


def compare(a: LexicoRun, b: LexicoRun) -> tuple[pd.DataFrame, dict]:
    """Classes of two runs on their common segments (same document and offsets): the crosstab, and the adjusted
    Rand index with the share of segments classified alike after matching each class of ``a`` to its most
    shared class of ``b``."""
    from sklearn.metrics import adjusted_rand_score

    keys = ["doc_id", "start", "end"]
    merged = a.stored[keys + ["cls"]].merge(b.stored[keys + ["cls"]], on=keys, suffixes=("_a", "_b"))
    merged = merged[(merged["cls_a"] > 0) & (merged["cls_b"] > 0)]
    table = pd.crosstab(merged["cls_a"], merged["cls_b"]).rename_axis(index=f"{a.name}", columns=f"{b.name}")
    summary = {"common_segments": len(merged),
               "adjusted_rand": round(float(adjusted_rand_score(merged["cls_a"], merged["cls_b"])), 3)
               if len(merged) else float("nan"),
               "matched_share": round(float(table.max(axis=1).sum() / max(len(merged), 1)), 3)}
    return table, summary
