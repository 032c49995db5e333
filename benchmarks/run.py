"""Benchmarks (not timed tests): ``make bench``. Figures are printed and written to benchmarks/results/.

Agreement: 10,000 segments x 3 coders x 50 codes, all figures with bootstrap intervals (target <= 2 s).

Auto-coding: on the same project, the demo codebook's rules are run once, one code's terms are edited, and
the re-run (only that code, from stored lemmas) is timed against parsing the texts again (target <= 5 s and
at least 20 times faster than the parse).

import + segment (sentence): a generated French/English corpus of QUALCODER_BENCH_WORDS words (default
1,000,000) built by re-mixing the demo corpus; words/second, peak memory, and the ratio to plain ``nlp.pipe``
with the same spaCy components on the same texts (target >= 0.8, and 1M words in <= 90 s with 2 processes).
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from qualcoder import Project
from qualcoder.text.segment import parse_blocks_of

ROOT = Path(__file__).resolve().parent.parent
WORDS = int(os.environ.get("QUALCODER_BENCH_WORDS", 1_000_000))
PROCESSES = int(os.environ.get("QUALCODER_BENCH_PROCESSES", 2))


def generate(folder: Path, words: int) -> int:
    """Write transcripts by shuffling the paragraphs of the demo's plain-text documents."""
    sources = [p for p in (ROOT / "corpora").rglob("*") if p.suffix in (".txt", ".md")
               and p.name not in ("metadata.csv", "speakers.csv") and "coding" not in p.parts]
    paragraphs = {}
    for path in sources:
        raw = path.read_bytes()
        text = raw.decode("utf-8") if path.name != "entretien-03-diabete.txt" else raw.decode("cp1252")
        paragraphs.setdefault("en" if "care-coordination-en" in path.parts else "fr", []).extend(
            p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if len(p.split()) > 8)
    rng = random.Random(0)
    total, index = 0, 0
    while total < words:
        language = "fr" if index % 10 < 7 else "en"
        chosen = rng.sample(paragraphs[language], k=60)
        text = f"Entretien généré n° {index}\n\n" + "\n\n".join(chosen) + "\n"
        (folder / f"doc-{index:05d}-{language}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
        index += 1
    return total


def clear_caches(project: Project) -> None:
    """Empty the French lemmatizer's cache so that neither measured run profits from the other."""
    for language in ("fr", "en"):
        nlp = project.nlp(language)
        if nlp.has_pipe("lemmatizer"):
            nlp.get_pipe("lemmatizer").cache.clear()


def plain_pipe(project: Project) -> float:
    """Plain nlp.pipe over the same blocks, same components and processes, nothing stored."""
    texts, turns = project.repo.texts(), project.repo.turns()
    start = time.perf_counter()
    for language in ("fr", "en"):
        nlp = project.nlp(language)
        blocks = [b for doc_id, (lang, text) in texts.items() if lang == language
                  for _, b in parse_blocks_of(text, turns.get(doc_id, []))]
        for _ in nlp.pipe(blocks, n_process=PROCESSES, batch_size=256):
            pass
    return time.perf_counter() - start


def autocode_rerun(project: Project, tmp: Path, parse_seconds: float) -> dict:
    book = ROOT / "codebooks" / "reseaux-sante.yaml"
    project.load_codebook(book)
    start = time.perf_counter()
    first = project.autocode()
    first_seconds = time.perf_counter() - start
    edited = tmp / "edited.yaml"
    edited.write_text(book.read_text(encoding="utf-8").replace(
        'terms: ["territoire", ', 'terms: ["territoire", "pré carré", '), encoding="utf-8")
    project.load_codebook(edited)
    start = time.perf_counter()
    rerun = project.autocode()
    rerun_seconds = time.perf_counter() - start
    return {"autocode_first_s": round(first_seconds, 2), "autocode_first_codings": len(first.codings),
            "autocode_rerun_s": round(rerun_seconds, 2), "autocode_rerun_codes": rerun.codes_run,
            "parse_again_s": round(parse_seconds, 2),
            "autocode_speedup_vs_parse": round(parse_seconds / rerun_seconds, 1)}


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        words = generate(corpus, WORDS)
        project = Project.create(Path(tmp) / "bench")
        project.nlp("fr"), project.nlp("en")  # model loading is not what we measure
        clear_caches(project)
        start = time.perf_counter()
        report = project.import_files([corpus])
        imported = time.perf_counter()
        segments = project.segment("sentence", n_process=PROCESSES)
        done = time.perf_counter()
        assert not report.failures, report.failures[:3]
        autocode_figures = autocode_rerun(project, Path(tmp), parse_seconds=done - imported)
        clear_caches(project)
        parse_only = plain_pipe(project)
        ours = done - start
        results = {
            "words": words, "documents": len(report.added), "segments": segments, "processes": PROCESSES,
            "import_s": round(imported - start, 2), "segment_s": round(done - imported, 2),
            "total_s": round(ours, 2), "words_per_s": round(words / ours), "plain_nlp_pipe_s": round(parse_only, 2),
            "ratio_plain_over_ours": round(parse_only / ours, 3),
            **autocode_figures,
            "peak_rss_mb": round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                     resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024),
        }
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from agreement_bench import run as agreement_benchmark

    results.update(agreement_benchmark())
    print(json.dumps(results, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "import_segment.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
