"""Model-assisted coding: training data from human codings, train, suggest, uncertain segments, evaluate."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import joblib
import numpy as np
import pandas as pd
import sklearn

from qualcoder.coding import HUMAN_SOURCES
from qualcoder.coding.classifier import CodeClassifier
from qualcoder.coding.manual import coding_row
from qualcoder.coding.overlap import covered_segments
from qualcoder.errors import QualcoderError

if TYPE_CHECKING:
    from qualcoder.project import Project

MODEL_CODER = "model"


class ModelNotTrained(QualcoderError):
    code = "Q510"


class NotEnoughCodings(QualcoderError):
    code = "Q511"


class UnknownAttribute(QualcoderError):
    """A model feature names an attribute no document has"""

    code = "Q512"


def segment_lemma_lists(project: Project, segments: pd.DataFrame) -> list[list[str]]:
    """Each segment's lemmas, from the stored parses (an unparsed document gives none)."""
    parses = project.parses()
    return [parses[d].lemmas_between(s, e) if d in parses else []
            for d, s, e in zip(segments["doc_id"].tolist(), segments["start"].tolist(), segments["end"].tolist())]


def segment_lemmas(project: Project, segments: pd.DataFrame) -> list[str]:
    """Each segment's lemmas joined by spaces."""
    return [" ".join(lemmas) for lemmas in segment_lemma_lists(project, segments)]


def features(project: Project, segments: pd.DataFrame, attributes: tuple[str, ...] = ()) -> pd.DataFrame:
    """What the classifier reads: each segment's lemmas, its text and its document's ``attributes``."""
    frame = pd.DataFrame({"lemmas": segment_lemmas(project, segments), "text": segments["text"].tolist()})
    if not attributes:
        return frame
    documents = project.documents_df(with_text=False).set_index("doc_id")
    for name in attributes:
        if name not in documents.columns:
            known = sorted(c for c in documents.columns if c not in ("name", "type", "language", "date"))
            raise UnknownAttribute(f"no document has the attribute {name!r}", place="project",
                                   fix=f"Use one of: {', '.join(known) or '(none)'}.")
        frame[name] = segments["doc_id"].map(documents[name]).to_numpy()
    return frame


def embedding_cache(project: Project) -> str:
    return str(project.folder / "cache" / "embeddings")


def human_codings(project: Project, coders: list[str] | None = None) -> pd.DataFrame:
    codings = project.stored_codings()
    human = codings[codings["source"].isin(HUMAN_SOURCES) | (codings["status"] == "accepted")]
    return human[human["coder"].isin(coders)] if coders else human


def label_segments(segments: pd.DataFrame, codings: pd.DataFrame) -> dict[int, set[str]]:
    """segment_id -> codes of the codings that cover at least half of the segment."""
    return covered_segments(segments, codings, "half_segment")


def training_data(project: Project, coders: list[str] | None = None, attributes: tuple[str, ...] = ()):
    """Segments covered by human codings, their lemmas, a 0/1 label matrix and the codes."""
    segments = project.segments_df()
    labels = label_segments(segments, human_codings(project, coders))
    if not labels:
        raise NotEnoughCodings("there are no human codings to learn from", place="project",
                               fix="Code some segments (`qualcoder code add`) or import codings first.")
    units = segments[segments["segment_id"].isin(labels)].reset_index(drop=True)
    codes = sorted(set().union(*labels.values()))
    matrix = np.array([[int(code in labels[int(sid)]) for code in codes] for sid in units["segment_id"]])
    return units, features(project, units, attributes), matrix, codes


def model_path(project: Project) -> Path:
    return project.folder / "models" / "classifier.joblib"


def train(project: Project, coders: list[str] | None = None, random_state: int = 0, embeddings: str | None = None,
          feature_attributes: tuple[str, ...] = ()) -> dict:
    units, lemmas, matrix, codes = training_data(project, coders, tuple(feature_attributes))
    model = CodeClassifier(random_state=random_state, embeddings=embeddings, attributes=tuple(feature_attributes),
                           embedding_cache=embedding_cache(project) if embeddings else None)
    try:
        model.fit(lemmas, matrix, codes=codes)
    except ValueError as exc:
        raise NotEnoughCodings(str(exc), place="project", fix="Code more segments, at least 6 per code.") from exc
    info = {"trained_at": datetime.now(UTC).isoformat(timespec="seconds"), "segments": len(units),
            "codes": list(model.classes_), "skipped_codes": model.skipped_codes_, "coders": coders or "all human",
            "codebook_version": project.codebook().version, "params": model.get_params(),
            "thresholds": {c: round(float(t), 4) for c, t in zip(model.classes_, model.thresholds_)},
            "scikit_learn": sklearn.__version__}
    path = model_path(project)
    path.parent.mkdir(exist_ok=True)
    # written to temporary names and renamed: a kill mid-write never leaves a truncated model to load
    partial = path.with_name(path.name + ".part")
    joblib.dump(model, partial)
    os.replace(partial, path)
    partial = path.with_suffix(".json.part")
    partial.write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path.with_suffix(".json"))
    return info


def load_model(project: Project) -> CodeClassifier:
    path = model_path(project)
    if not path.is_file():
        raise ModelNotTrained("no classifier has been trained in this project", place=path,
                              fix="Run `qualcoder train` first.")
    return joblib.load(path)


def probabilities(project: Project) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All segments and their probability per code (columns: the model's codes)."""
    model = load_model(project)
    segments = project.segments_df()
    attributes = getattr(model, "attributes", ())
    scores = pd.DataFrame(model.predict_proba(features(project, segments, attributes)), columns=model.classes_,
                          index=segments.index)
    return segments, scores


def suggest(project: Project, min_confidence: float | None = None) -> int:
    """Store suggestions (status ``suggested``) where no human coded that code, at each code's cut-off chosen by
    cross-validation in ``train`` (or at ``min_confidence``); earlier open ones are replaced, decisions
    (accepted / rejected) are kept and a rejected suggestion is not made again."""
    model = load_model(project)
    cut_offs = dict(zip(model.classes_, getattr(model, "thresholds_", [0.5] * len(model.classes_))))
    segments, scores = probabilities(project)
    human = label_segments(segments, human_codings(project))
    decided = project.stored_codings(source="model", coder=MODEL_CODER, not_status="suggested")
    refused = set(zip(decided["document_id"], decided["start"], decided["code"]))
    texts = project.texts()
    version = project.codebook().version
    rows = []
    for index, row in enumerate(segments.itertuples()):
        for code in scores.columns:
            p = float(scores.iat[index, scores.columns.get_loc(code)])
            cut = cut_offs[code] if min_confidence is None else min_confidence
            if p < cut or code in human.get(int(row.segment_id), set()):
                continue
            if (row.doc_id, row.start, code) in refused:
                continue
            rows.append(coding_row(int(row.doc_id), texts[int(row.doc_id)], int(row.start), int(row.end), code,
                                   MODEL_CODER, source="model", status="suggested", version=version,
                                   confidence=round(p, 4)))
    project.sync_codings(rows, MODEL_CODER, "suggest", "suggest", source="model", coder=MODEL_CODER,
                              status="suggested")
    return len(rows)


def uncertain(project: Project, n: int = 10) -> pd.DataFrame:
    """The ``n`` segments the model is least sure about (a probability closest to 0.5), not yet human-coded."""
    segments, scores = probabilities(project)
    coded = label_segments(segments, human_codings(project))
    margin = (scores - 0.5).abs()
    segments = segments.assign(uncertain_code=margin.idxmin(axis=1), probability=scores.to_numpy()[
        np.arange(len(scores)), margin.to_numpy().argmin(axis=1)], margin=margin.min(axis=1))
    segments = segments[~segments["segment_id"].isin(coded)]
    columns = ["segment_id", "doc", "speaker", "uncertain_code", "probability", "text"]
    return segments.sort_values(["margin", "segment_id"]).head(n)[columns].reset_index(drop=True)


def evaluate(project: Project, **options):
    """See :func:`qualcoder.coding.evaluation.evaluate`."""
    from qualcoder.coding.evaluation import evaluate as run

    return run(project, **options)
