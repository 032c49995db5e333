"""Zero-shot suggestions from the codebook alone: each code's label + definition, inclusion criteria and
examples (every language given) are embedded with a multilingual backend; a segment's score for a code is the
best cosine between one of its sentences and one of the code's texts, so a French segment is ranked against
English examples too. Suggestions anchor to the sentence that matched and are accepted or rejected like the
model's (source ``model``, coder ``zero-shot``).

When human codings exist, scores are calibrated on them: per code, the cut-off with the best F1 on the human
codings (:func:`qualcoder.coding.classifier.best_threshold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qualcoder.coding.codebook import Code, Codebook
from qualcoder.coding.manual import coding_row
from qualcoder.errors import ZeroShotError

if TYPE_CHECKING:
    from qualcoder.project import Project

ZERO_SHOT_CODER = "zero-shot"
DEFAULT_BACKEND = "use"  # measured on the demo: see README "Models" (faster than e5 for the same top-3 rate)


def code_texts(code: Code) -> list[str]:
    """What stands for a code: ``label: definition`` per language, each inclusion criterion, each example.

    >>> from qualcoder.coding.codebook import Code
    >>> code_texts(Code("f", {"en": "Funding"}, {"en": "Money."}, include={"en": ("Budgets",)}))
    ['Funding: Money.', 'Budgets']
    """
    texts = [f"{code.label[lang]}: {code.definition.get(lang, '')}".strip(": ") for lang in code.label]
    texts += [item for items in code.include.values() for item in items]
    texts += [example["text"] for example in code.examples if example.get("text")]
    return [t for t in texts if t.strip()]


@dataclass
class SentenceScores:
    """Per segment and code: the best score and the (document, start, end) of the sentence that gave it."""

    codes: list[str]
    scores: np.ndarray  # segments x codes
    best_sentence: np.ndarray  # segments x codes: index into ``sentences``
    sentences: list[tuple[int, int, int]]


def segment_sentences(project: Project, segments: pd.DataFrame) -> tuple[list[tuple[int, int, int]], list[int]]:
    """The stored parse's sentences inside each segment (the whole segment when it has none), and each
    sentence's segment row."""
    parses = project.parses(segments["doc_id"].unique().tolist())
    sentences, owners = [], []
    for row, (doc, start, end) in enumerate(zip(segments["doc_id"], segments["start"], segments["end"])):
        inside = [(s, e) for s, e in (parses[doc].sentences if doc in parses else []) if s >= start and e <= end]
        for s, e in inside or [(int(start), int(end))]:
            sentences.append((int(doc), int(s), int(e)))
            owners.append(row)
    return sentences, owners


def score_segments(project: Project, segments: pd.DataFrame, book: Codebook, backend: str = DEFAULT_BACKEND,
                   progress=None) -> SentenceScores:
    """Similarity of every segment to every code (see the module docstring)."""
    from qualcoder.topics.embeddings import EmbeddingCache

    cache = EmbeddingCache(backend, project.folder / "cache" / "embeddings")
    codes = [code for code in book.codes if code_texts(code)]
    pieces = [(index, text) for index, code in enumerate(codes) for text in code_texts(code)]
    code_vectors = cache.embed([text for _, text in pieces])
    owner_of_piece = np.array([index for index, _ in pieces])
    sentences, owners = segment_sentences(project, segments)
    texts = project.texts()
    vectors = cache.embed([texts[d][s:e] for d, s, e in sentences], progress=progress)
    similarity = vectors @ code_vectors.T  # sentences x pieces
    per_code = np.full((len(sentences), len(codes)), -1.0)
    for index in range(len(codes)):
        per_code[:, index] = similarity[:, owner_of_piece == index].max(axis=1)
    scores = np.full((len(segments), len(codes)), -1.0)
    best = np.zeros((len(segments), len(codes)), dtype=int)
    owners = np.array(owners)
    for row in range(len(segments)):
        rows = np.flatnonzero(owners == row) if len(owners) else np.array([], dtype=int)
        if len(rows):
            top = per_code[rows].argmax(axis=0)
            scores[row] = per_code[rows[top], np.arange(len(codes))]
            best[row] = rows[top]
    return SentenceScores([c.id for c in codes], scores, best, sentences)


def ranking_report(scores: SentenceScores, labels: dict[int, set[str]], segment_ids: list[int]) -> pd.DataFrame:
    """How well the scores rank the human codes: per code, ROC AUC over the human-coded segments, and the share
    of its segments whose human code is among the 3 best-scored codes; the last row, ``(all)``, over every
    code (top-3 rate over coded segments, mean AUC)."""
    from sklearn.metrics import roc_auc_score

    rows_coded = [i for i, sid in enumerate(segment_ids) if labels.get(sid)]
    top3 = np.argsort(-scores.scores, axis=1)[:, :3]
    result, hits_all = [], []
    for index, code in enumerate(scores.codes):
        truth = np.array([code in labels.get(segment_ids[i], ()) for i in rows_coded], dtype=int)
        if truth.sum() == 0:
            continue
        auc = roc_auc_score(truth, scores.scores[rows_coded, index]) if 0 < truth.sum() < len(truth) else np.nan
        hits = [index in top3[i] for i, t in zip(rows_coded, truth) if t]
        result.append({"code": code, "support": int(truth.sum()), "top3_rate": float(np.mean(hits)),
                       "auc": float(auc)})
    for i in rows_coded:
        wanted = {scores.codes.index(c) for c in labels[segment_ids[i]] if c in scores.codes}
        if wanted:
            hits_all.append(bool(wanted & set(top3[i].tolist())))
    frame = pd.DataFrame(result, columns=["code", "support", "top3_rate", "auc"])
    overall = {"code": "(all)", "support": len(hits_all), "top3_rate": float(np.mean(hits_all)) if hits_all else np.nan,
               "auc": float(frame["auc"].mean()) if len(frame) else np.nan}
    return pd.concat([frame, pd.DataFrame([overall])], ignore_index=True).round(3)


def calibrated_thresholds(scores: SentenceScores, labels: dict[int, set[str]], segment_ids: list[int],
                          rows: np.ndarray | None = None) -> dict[str, float]:
    """Per code, the F1-best cut-off on the human-coded segments (``rows``: the rows to learn from); codes
    never coded by a person are left out."""
    from qualcoder.coding.classifier import best_threshold

    rows = np.arange(len(segment_ids)) if rows is None else rows
    rows = np.array([r for r in rows if segment_ids[r] in labels])
    found = {}
    for index, code in enumerate(scores.codes):
        truth = np.array([code in labels[segment_ids[r]] for r in rows], dtype=int) if len(rows) else np.array([])
        if truth.sum():
            found[code] = best_threshold(truth, scores.scores[rows, index])
    return found


def suggest_zero_shot(project: Project, backend: str = DEFAULT_BACKEND, min_score: float | None = None, top: int = 1,
                      progress=None) -> dict:
    """Store zero-shot suggestions: per segment, its ``top`` best codes whose score reaches the code's calibrated
    cut-off (or ``min_score``), anchored to the matching sentence, where no person coded that code. Earlier open
    zero-shot suggestions are replaced; decisions are kept, and a rejected one is not made again."""
    from qualcoder.coding.suggest import human_codings, label_segments

    book = project.codebook()
    segments = project.segments_df()
    if segments.empty:
        raise ZeroShotError("the project has no segments", place="project", fix="Run `qualcoder segment` first.")
    scores = score_segments(project, segments, book, backend, progress)
    human = label_segments(segments, human_codings(project))
    segment_ids = segments["segment_id"].astype(int).tolist()
    thresholds = calibrated_thresholds(scores, human, segment_ids) if min_score is None and human else {}
    if min_score is None and not thresholds:
        min_score = 0.5  # no human codings to calibrate on: a cosine most unrelated sentences stay below
    decided = project.stored_codings(coder=ZERO_SHOT_CODER, not_status="suggested")
    refused = set(zip(decided["document_id"], decided["start"], decided["code"]))
    texts, version = project.texts(), book.version
    rows = []
    for row, sid in enumerate(segment_ids):
        for index in np.argsort(-scores.scores[row])[:top]:
            code, score = scores.codes[index], float(scores.scores[row, index])
            cut = min_score if min_score is not None else thresholds.get(code)
            if cut is None or score < cut or code in human.get(sid, set()):
                continue
            doc, start, end = scores.sentences[scores.best_sentence[row, index]]
            if (doc, start, code) in refused:
                continue
            rows.append(coding_row(doc, texts[doc], start, end, code, ZERO_SHOT_CODER, source="model",
                                   status="suggested", version=version, confidence=round(score, 4)))
    project.sync_codings(rows, "model", "suggest", "zero-shot suggest", coder=ZERO_SHOT_CODER,
                              status="suggested")  # logged under the machine actor "model"
    return {"suggestions": len(rows), "backend": backend, "calibrated_codes": len(thresholds),
            "min_score": min_score}
