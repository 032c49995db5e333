"""Models benchmark on the demo project (its two coders' reference codings, 1,242 segments, FR + EN):

- ``evaluate``: the model against the plain TF-IDF + one-vs-rest logistic baseline on the same folds
  (target: macro-F1 >= baseline + 0.05 at equal or better micro-F1), with rules and zero-shot beside them;
- zero-shot from the codebook alone: how often a segment's human code is among the 3 best-scored (and AUC);
- cross-lingual topics: share of topics holding both languages and topic x code purity, one shared model with
  ``use`` against today's per-language fit (as many topics);
- time: the cross-validation of model and baseline on 8,000 short texts — the demo's labelled segments repeated
  (each copy its own documents), a timing set only, no quality figure is drawn from it (target ratio <= 2).

- a larger public human-coded set: 4,000 NHS patient-feedback comments coded with pxtextmining's 39-code
  framework (``benchmarks/data/nhs_feedback.csv.gz``, MIT, see ``benchmarks/data/NOTICE.md``), brought in the way a
  user would (``import`` of the survey rows, a codebook, ``import-codings --wide``), then ``evaluate``: the model
  against the plain baseline on the same folds (same target as on the demo).

Run: ``python benchmarks/models_bench.py [--project FOLDER]`` (default: builds the demo in a temporary folder).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from qualcoder import Project

ROOT = Path(__file__).resolve().parent.parent
TEXTS = 8000


def demo(folder: Path | None) -> Project:
    if folder and (folder / "qualcoder.toml").is_file():
        return Project.open(folder)
    from qualcoder.demo import build_demo

    target = (folder or Path(tempfile.mkdtemp(prefix="models-bench-"))) / "demo"
    return build_demo(target, corpora=ROOT / "corpora")[0]


def evaluation(project: Project, zero_shot: str | None = "use", label: str = "demo") -> tuple[bool, pd.DataFrame]:
    started = time.perf_counter()
    result = project.evaluate(zero_shot=zero_shot)
    print(f"{label}: evaluate {time.perf_counter() - started:.0f} s")
    summary = result.summary.set_index("method")
    print(result.summary.to_string(index=False))
    print(f"left out: {len(result.left_out)} code(s); seconds: {result.seconds}")
    lift = summary.loc["model", "macro_f1"] - summary.loc["baseline", "macro_f1"]
    ok = lift >= 0.05 and summary.loc["model", "micro_f1"] >= summary.loc["baseline", "micro_f1"]
    print(f"{label}: macro-F1 lift over the baseline: {lift:+.3f} (target >= +0.05), micro-F1 "
          f"{summary.loc['model', 'micro_f1']:.3f} vs {summary.loc['baseline', 'micro_f1']:.3f}: "
          f"{'OK' if ok else 'MISSED'}")
    return ok, result.summary


def nhs_feedback(folder: Path) -> tuple[bool, pd.DataFrame]:
    """The NHS comments through the product's own path, then the model against the baseline."""
    table = pd.read_csv(ROOT / "benchmarks" / "data" / "nhs_feedback.csv.gz")
    codes = [c for c in table.columns if c not in ("id", "trust", "question", "text")]
    folder.mkdir(parents=True, exist_ok=True)
    table[["id", "trust", "question", "text"]].to_csv(folder / "comments.csv", index=False)
    table[["id", *codes]].to_csv(folder / "coded.csv", index=False)
    lines = ["format: qualcoder-codebook/1", "id: nhs-feedback", "languages: [en]", "codes:"]
    lines += [f"  - id: {code}\n    label: {{en: \"{code.replace('_', ' ')}\"}}" for code in codes]
    (folder / "book.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    project = Project.create(folder / "study")
    project.import_files([folder / "comments.csv"], language="en")
    project.segment("paragraph")
    project.load_codebook(folder / "book.yaml")
    imported = project.import_wide_codings(folder / "coded.csv", "pxtextmining")
    print(f"NHS feedback: {len(table)} comments, {len(codes)} codes, {imported.imported} coding(s) imported "
          f"({time.perf_counter() - started:.0f} s)")
    return evaluation(project, zero_shot=None, label="NHS feedback")


def zero_shot(project: Project) -> None:
    from qualcoder.coding.suggest import human_codings, label_segments
    from qualcoder.coding.zeroshot import ranking_report, score_segments

    segments = project.segments_df()
    labels = label_segments(segments, human_codings(project))
    for backend in ("use", "e5"):
        started = time.perf_counter()
        scores = score_segments(project, segments, project.codebook(), backend)
        report = ranking_report(scores, labels, segments["segment_id"].astype(int).tolist())
        overall = report[report["code"] == "(all)"].iloc[0]
        print(f"zero-shot {backend}: human code in the top 3 for {overall.top3_rate:.1%} of {overall.support} "
              f"coded segments; mean AUC per code {overall.auc:.3f} ({time.perf_counter() - started:.0f} s)")


def topics(project: Project) -> None:
    stamp = int(time.time())
    each = project.fit_topics(embeddings="tfidf", language="each", name=f"bench-each-{stamp}")
    k = int((each.topics["topic"] != -1).sum())
    shared = project.fit_topics(embeddings="use", language="auto", clusterer=f"kmeans:{k}",
                                name=f"bench-use-{stamp}")
    for name, run in (("per language (tfidf)", each), ("shared (use)", shared)):
        print(f"topics {name}: {int((run.topics['topic'] != -1).sum())} topics, holding both languages "
              f"{run.bilingual_share():.0%}, topic x code purity {run.code_purity():.3f}")


def timing(project: Project) -> tuple[bool, float]:
    from qualcoder.coding.classifier import CodeClassifier
    from qualcoder.coding.evaluation import cross_validate
    from qualcoder.coding.suggest import training_data

    units, X, matrix, codes = training_data(project)
    copies = -(-TEXTS // len(units))
    X = pd.concat([X] * copies, ignore_index=True).iloc[:TEXTS]
    matrix = np.vstack([matrix] * copies)[:TEXTS]
    groups = np.concatenate([units["doc_id"].to_numpy() + 10_000 * c for c in range(copies)])[:TEXTS]
    _, _, seconds, _ = cross_validate(CodeClassifier(), X, matrix, groups, codes, 5)
    ratio = seconds["model"] / seconds["baseline"]
    ok = ratio <= 2
    print(f"cross-validation on {TEXTS} short texts, {len(codes)} codes, 5 folds: model {seconds['model']:.1f} s, "
          f"baseline {seconds['baseline']:.1f} s, ratio {ratio:.2f} (target <= 2): {'OK' if ok else 'MISSED'}")
    return ok, ratio


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, default=None, help="A built demo project to reuse.")
    parser.add_argument("--skip-topics", action="store_true")
    parser.add_argument("--skip-nhs", action="store_true", help="Leave out the NHS feedback set.")
    args = parser.parse_args()
    project = demo(args.project)
    ok_quality, _ = evaluation(project)
    zero_shot(project)
    if not args.skip_topics:
        topics(project)
    ok_time, _ = timing(project)
    ok_nhs = True
    if not args.skip_nhs:
        ok_nhs, _ = nhs_feedback(Path(tempfile.mkdtemp(prefix="models-bench-nhs-")))
    return 0 if ok_quality and ok_time and ok_nhs else 1


if __name__ == "__main__":
    sys.exit(main())
