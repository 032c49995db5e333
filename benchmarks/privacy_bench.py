"""Pseudonymisation: detection quality on the annotated test set, and detection speed on a million words.

1. Quality: ``qualcoder.privacy.detect.detect_texts`` (NER fr_core_news_md / en_core_web_sm, patterns, names found
   once looked for everywhere; no review, no speaker list, no term list) on the passages of
   ``privacy_testset.py`` (French and English, 508 entities). Per category: recall (an annotated entity
   overlapped by a detection of its category), recall whatever the category, precision (a detection overlapping
   an annotated entity of its category). Target: person recall >= 0.95. What is missed is printed.
2. Speed: the passages repeated to ``--words`` words (default 1,000,000) in documents of ~2,000 words; the
   baseline is the spaCy NER pipelines alone on the same texts in the same run (the cost of the patterns,
   propagation and overlaps is the ratio). In one process (default) the CPU time is measured too: on a shared,
   loaded machine wall time says little, and CPU seconds / 2 is what two cores take for the same work (two
   processes, ``--processes 2``). Target: 1M words in at most 5 minutes on 2 cores.

    python benchmarks/privacy_bench.py [--words 1000000] [--processes 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy_testset import passages

from qualcoder.privacy.detect import CATEGORIES, DetectOptions, detect_texts, ner_pipeline, pieces

PERSON_RECALL_TARGET = 0.95
SECONDS_PER_MILLION = 300


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def quality(data: list[dict]) -> tuple[dict[str, dict[str, float]], list[str]]:
    docs = [(item["text"], item["language"]) for item in data]
    found = detect_texts(docs, DetectOptions())
    table: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    for category in CATEGORIES:
        gold_n = hit = hit_any = det_n = det_ok = 0
        for item, hits in zip(data, found):
            gold = [e for e in item["entities"] if e[2] == category]
            mine = [(h.start, h.end) for h in hits if h.category == category]
            every = [(h.start, h.end) for h in hits]
            for start, end, _ in gold:
                gold_n += 1
                if any(_overlaps((start, end), d) for d in mine):
                    hit += 1
                elif any(_overlaps((start, end), d) for d in every):
                    hit_any += 1
                    notes.append(f"other category  {category}: {item['text'][start:end]!r}")
                else:
                    notes.append(f"missed          {category}: {item['text'][start:end]!r}")
            for start, end in mine:
                det_n += 1
                if any(_overlaps((start, end), (s, e)) for s, e, c in item["entities"] if c == category):
                    det_ok += 1
                else:
                    notes.append(f"false hit       {category}: {item['text'][start:end]!r}")
        if gold_n or det_n:
            table[category] = {"entities": gold_n, "recall": hit / gold_n if gold_n else float("nan"),
                               "recall_any": (hit + hit_any) / gold_n if gold_n else float("nan"),
                               "detections": det_n, "precision": det_ok / det_n if det_n else float("nan")}
    return table, notes


def corpus(words: int) -> list[tuple[str, str]]:
    docs, seed, total = [], 0, 0
    while total < words:
        seed += 1
        for language in ("fr", "en"):
            texts = [p["text"] for p in passages(seed=seed) if p["language"] == language]
            text = "\n\n".join(texts)
            docs.append((text, language))
            total += len(text.split())
    return docs


def speed(words: int, processes: int) -> tuple[float, float, float, int]:
    docs = corpus(words)
    n_words = sum(len(text.split()) for text, _ in docs)
    for model in ("fr_core_news_md", "auto"):
        ner_pipeline(model)  # loaded before the clocks start, in both measures
    start = time.perf_counter()
    for language, model in (("fr", "fr_core_news_md"), ("en", "auto")):
        nlp = ner_pipeline(model)
        stream = (piece for text, lang in docs if lang == language for _, piece in pieces(text))
        for _ in nlp.pipe(stream, batch_size=64, n_process=processes):
            pass
    baseline = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    detect_texts(docs, DetectOptions(n_process=processes))
    ours, cpu = time.perf_counter() - start, time.process_time() - cpu
    return ours, baseline, cpu, n_words


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    data = passages()
    print(f"Test set: {len(data)} passages (fr {sum(d['language'] == 'fr' for d in data)}, "
          f"en {sum(d['language'] == 'en' for d in data)}), {sum(len(d['entities']) for d in data)} entities")
    table, notes = quality(data)
    print(f"{'category':<14}{'entities':>9}{'recall':>8}{'any cat.':>9}{'detections':>11}{'precision':>10}")
    for category, row in table.items():
        print(f"{category:<14}{row['entities']:>9}{row['recall']:>8.3f}{row['recall_any']:>9.3f}"
              f"{row['detections']:>11}{row['precision']:>10.3f}")
    for note in sorted(set(notes)):
        print("  " + note)
    ours, baseline, cpu, n_words = speed(args.words, args.processes)
    wall_per_million = ours / n_words * 1_000_000
    # two cores: half the CPU time of one process (children's CPU time is not counted with --processes 2)
    per_million = cpu / 2 / n_words * 1_000_000 if args.processes == 1 else wall_per_million
    print(f"Speed: {n_words:,} words detected in {ours:.1f} s wall, {cpu:.1f} s CPU, {args.processes} process(es) "
          f"({ours / baseline:.2f}x the NER pipelines alone, {baseline:.1f} s); per million words: "
          f"{wall_per_million:.0f} s wall here, {per_million:.0f} s on 2 cores")
    missed = []
    if table["person"]["recall"] < PERSON_RECALL_TARGET:
        missed.append(f"person recall {table['person']['recall']:.3f} < {PERSON_RECALL_TARGET}")
    if per_million > SECONDS_PER_MILLION:
        missed.append(f"{per_million:.0f} s per million words > {SECONDS_PER_MILLION}")
    print("targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
