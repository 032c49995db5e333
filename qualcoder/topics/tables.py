"""A stored topic run as DataFrames and Plotly figures: topics, assignments, topics per class and over time,
topic x code, and the alignment of French and English topics through the codebook."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.topics.model import TopicError

if TYPE_CHECKING:
    from qualcoder.project import Project


class TopicRun:
    """A fitted topic run.

    >>> # run = project.fit_topics(); run.topics; run.per_class("profession"); run.code_table()
    """

    def __init__(self, project: Project, run_id: int):
        runs = project.stored_topic_runs()
        found = runs[runs["id"] == run_id]
        if found.empty:
            raise TopicError(f"there is no topic run {run_id}", place="--run", fix="List runs: `qualcoder topics runs`.")
        row = found.iloc[0]
        self.project, self.id, self.name = project, int(run_id), row["name"]
        self.params, self.report, self.created_at = row["params"], row["report"], row["created_at"]

    @cached_property
    def topics(self) -> pd.DataFrame:
        """language, topic, label, top words, size, share of the language's segments."""
        frame = self.project.stored_topics(self.id)
        frame["top_words"] = frame["words"].map(", ".join)
        frame["share"] = (frame["size"] / frame.groupby("language")["size"].transform("sum")).round(4)
        frame["key"] = frame["language"] + ":" + frame["topic"].astype(str)
        return frame[["key", "language", "topic", "label", "top_words", "size", "share", "words"]]

    @cached_property
    def assignments(self) -> pd.DataFrame:
        """segment -> topic with probability, and the segment's document, speaker, profession, date, text."""
        frame = self.project.stored_topic_assignments(self.id)
        segments = self.project.segments_df()[["segment_id", "doc", "type", "date", "speaker", "profession",
                                               "role", "language", "text"]]
        frame = frame.merge(segments.rename(columns={"language": "segment_language"}), on="segment_id", how="left")
        labels = self.topics.set_index(["language", "topic"])["label"]
        frame["label"] = [labels.get((lang, topic)) for lang, topic in zip(frame["language"], frame["topic"])]
        frame["key"] = frame["language"] + ":" + frame["topic"].astype(str)
        return frame

    def languages(self, minimum_share: float = 0.1) -> pd.DataFrame:
        """Per topic, its segments per language (``fr 12, en 9``) and whether it holds both languages (each at
        least ``minimum_share`` of the topic's segments)."""
        frame = self.assignments
        counts = frame.groupby(["key", "segment_language"]).size().unstack(fill_value=0)
        shares = counts.div(counts.sum(axis=1), axis=0)
        rows = [{"key": key, "languages": ", ".join(f"{lang} {int(n)}" for lang, n in counts.loc[key].items() if n),
                 "bilingual": bool((shares.loc[key] >= minimum_share).sum() >= 2)} for key in counts.index]
        return pd.DataFrame(rows, columns=["key", "languages", "bilingual"])

    def bilingual_share(self, minimum_share: float = 0.1) -> float:
        """The share of real topics (outliers aside) holding both languages (see ``languages``)."""
        table = self.languages(minimum_share)
        table = table[~table["key"].str.endswith(":-1")]
        return round(float(table["bilingual"].mean()), 3) if len(table) else 0.0

    def code_purity(self, sources: tuple[str, ...] = ("manual", "import")) -> float:
        """Topic x code coherence: the share of coded segments whose topic's most frequent code is one of theirs
        (1.0: every topic is one code; outliers aside)."""
        from qualcoder.coding.agreement import present_codes

        codings = self.project.codings_df()
        codings = codings[codings["source"].isin(sources) & codings["status"].isin(COUNTED_STATUSES)]
        assigned = self.assignments[self.assignments["topic"] != -1]
        present = present_codes(assigned[["segment_id", "doc_id", "start", "end"]], codings)
        pairs = [(key, present[int(sid)]) for key, sid in zip(assigned["key"], assigned["segment_id"])
                 if present.get(int(sid))]
        if not pairs:
            return 0.0
        counts: dict[str, dict[str, int]] = {}
        for key, codes in pairs:
            for code in codes:
                counts.setdefault(key, {}).setdefault(code, 0)
                counts[key][code] += 1
        majority = {key: max(by_code, key=by_code.get) for key, by_code in counts.items()}
        return round(sum(majority[key] in codes for key, codes in pairs) / len(pairs), 3)

    def per_class(self, column: str = "profession") -> pd.DataFrame:
        """Segments per topic for each value of ``column`` (profession, type, speaker, role, doc), with shares."""
        frame = self.assignments
        if column not in frame.columns:
            raise TopicError(f"no column {column!r}", place="--by",
                             fix="Use profession, type, speaker, role or doc.")
        table = frame.fillna({column: "(none)"}).groupby([column, "key", "label"]).size().rename("segments")
        table = table.reset_index()
        table["share_of_class"] = (table["segments"] / table.groupby(column)["segments"].transform("sum")).round(4)
        return table

    def over_time(self, freq: str = "Q") -> pd.DataFrame:
        """Share of each topic per period (``M``, ``Q``, ``Y``) of the documents' dates."""
        frame = self.assignments.dropna(subset=["date"]).copy()
        frame["period"] = pd.PeriodIndex(pd.to_datetime(frame["date"]), freq=freq).astype(str)
        table = frame.groupby(["period", "key", "label"]).size().rename("segments").reset_index()
        table["share"] = (table["segments"] / table.groupby("period")["segments"].transform("sum")).round(4)
        return table

    def code_table(self, sources: tuple[str, ...] = ("manual", "import", "rules")) -> pd.DataFrame:
        """Topic x code: how many of the topic's segments carry each code (human and rule codings by default)."""
        from qualcoder.coding.agreement import present_codes

        codings = self.project.codings_df()
        codings = codings[codings["source"].isin(sources) & codings["status"].isin(COUNTED_STATUSES)]
        segments = self.assignments[["segment_id", "doc_id", "start", "end"]]
        present = present_codes(segments, codings)
        rows = [(key, code) for key, sid in zip(self.assignments["key"], self.assignments["segment_id"])
                for code in present.get(int(sid), ())]
        if not rows:
            return pd.DataFrame(columns=["key", "label", "code", "segments", "share_of_topic"])
        table = pd.DataFrame(rows, columns=["key", "code"]).value_counts().rename("segments").reset_index()
        sizes = self.topics.set_index("key")["size"]
        table["share_of_topic"] = (table["segments"] / table["key"].map(sizes)).round(4)
        table["label"] = table["key"].map(self.topics.set_index("key")["label"])
        return table.sort_values(["key", "segments"], ascending=[True, False])[
            ["key", "label", "code", "segments", "share_of_topic"]].reset_index(drop=True)

    def codebook_hits(self) -> pd.DataFrame:
        """For each topic, the codes whose pattern terms (as lemmas) are among its top words."""
        book = self.project.codebook()
        from qualcoder.coding.rules import lemmatise

        rows = []
        for language in self.topics["language"].unique():
            nlp = self.project.nlp(language if language in ("fr", "en") else "fr")
            terms = {}
            for code in book.codes:
                for lang in ([language] if language in ("fr", "en") else ["fr", "en"]):
                    patterns = code.patterns.get(lang)
                    if patterns:
                        for lemmas in lemmatise(nlp, list(patterns.terms)).values():
                            terms.setdefault(" ".join(lemmas), set()).add(code.id)
            for row in self.topics[self.topics["language"] == language].itertuples():
                hits = sorted({code for word in row.words for code in terms.get(word, ())})
                rows.append({"key": row.key, "label": row.label, "codes": ", ".join(hits)})
        return pd.DataFrame(rows, columns=["key", "label", "codes"])

    def aligned(self, threshold: float = 0.3) -> pd.DataFrame:
        """Pairs of topics from different languages whose code profiles are alike (cosine similarity)."""
        table = self.code_table()
        if table.empty or self.topics["language"].nunique() < 2:
            return pd.DataFrame(columns=["topic_a", "label_a", "topic_b", "label_b", "similarity", "shared_codes"])
        profile = table.pivot_table(index="key", columns="code", values="share_of_topic", fill_value=0)
        norms = np.linalg.norm(profile.to_numpy(), axis=1, keepdims=True)
        unit = profile.to_numpy() / np.where(norms == 0, 1, norms)
        similarity = unit @ unit.T
        keys = profile.index.tolist()
        labels = self.topics.set_index("key")["label"]
        rows = []
        for i, a in enumerate(keys):
            for j, b in enumerate(keys):
                if a.split(":")[0] < b.split(":")[0] and similarity[i, j] >= threshold and not a.endswith(":-1") \
                        and not b.endswith(":-1"):
                    shared = [c for c in profile.columns if profile.loc[a, c] > 0.1 and profile.loc[b, c] > 0.1]
                    rows.append({"topic_a": a, "label_a": labels[a], "topic_b": b, "label_b": labels[b],
                                 "similarity": round(float(similarity[i, j]), 3), "shared_codes": ", ".join(shared)})
        frame = pd.DataFrame(rows, columns=["topic_a", "label_a", "topic_b", "label_b", "similarity",
                                            "shared_codes"])
        best = frame.sort_values("similarity", ascending=False).drop_duplicates("topic_a")
        return best.reset_index(drop=True)

    def quality(self) -> pd.DataFrame:
        rows = []
        for language, group in self.report["groups"].items():
            quality = group["quality"]
            rows.append({"language": language, "topics": quality["topics"], "bertopic_diversity": quality["diversity"],
                         "bertopic_npmi": quality["npmi"], "nmf_diversity": quality["nmf_baseline"]["diversity"],
                         "nmf_npmi": quality["nmf_baseline"]["npmi"], "outliers": group["outliers"],
                         "clusterer": group["blocks"]["clusterer"], "embeddings": group["embeddings"]["backend"]})
        return pd.DataFrame(rows)

    # figures ------------------------------------------------------------------------------------
    def figure_sizes(self):
        import plotly.express as px

        frame = self.topics[self.topics["topic"] != -1]
        return px.bar(frame, x="size", y="label", color="language", orientation="h", title="Topics")

    def figure_codes(self):
        import plotly.express as px

        table = self.code_table()
        pivot = table.pivot_table(index="label", columns="code", values="share_of_topic", fill_value=0)
        return px.imshow(pivot, aspect="auto", color_continuous_scale="Blues", title="Topic x code")

    def figure_over_time(self, freq: str = "Q"):
        import plotly.express as px

        return px.line(self.over_time(freq), x="period", y="share", color="label", markers=True,
                       title="Topics over time")


def compare_runs(a: TopicRun, b: TopicRun) -> tuple[pd.DataFrame, dict]:
    """Best-matching topics between two runs (Jaccard of top words) and agreement of their assignments
    on the segments both assigned (adjusted Rand index)."""
    from sklearn.metrics import adjusted_rand_score

    rows = []
    for ta in a.topics.itertuples():
        candidates = b.topics[b.topics["language"] == ta.language]
        best, score = None, 0.0
        for tb in candidates.itertuples():
            jaccard = len(set(ta.words) & set(tb.words)) / max(len(set(ta.words) | set(tb.words)), 1)
            if jaccard > score:
                best, score = tb, jaccard
        rows.append({"topic_a": ta.key, "label_a": ta.label, "topic_b": best.key if best else None,
                     "label_b": best.label if best else None, "jaccard": round(score, 3)})
    merged = a.assignments[["segment_id", "key"]].merge(b.assignments[["segment_id", "key"]], on="segment_id")
    summary = {"common_segments": len(merged),
               "adjusted_rand": round(float(adjusted_rand_score(merged["key_x"], merged["key_y"])), 3)
               if len(merged) else float("nan")}
    return pd.DataFrame(rows), summary
