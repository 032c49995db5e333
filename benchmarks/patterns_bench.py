"""Codebook regexes: RE2 (qualcoder.coding.patterns) against Python's re, both measured here in the same run.

1. Every regex of codebooks/reseaux-sante.yaml searched in every segment of a corpus built from corpora/
   (paragraphs repeated to 20,000 segments): RE2's time as a ratio of Python's re (the baseline).
2. The catastrophic `(a+)+$`: Python's re doubles its time with every character (measured up to 24), RE2 runs
   100 kB of `a` in linear time. Target: 100 kB under 2 s; the codebook regexes at most 4x Python's re.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from qualcoder.coding.codebook import load_codebook
from qualcoder.coding.patterns import compile_pattern

ROOT = Path(__file__).resolve().parent.parent
SEGMENTS = 20_000


def corpus() -> list[str]:
    paragraphs = [p.strip() for path in sorted(ROOT.glob("corpora/*/*.txt"))
                  for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n") if p.strip()]
    return [paragraphs[i % len(paragraphs)] for i in range(SEGMENTS)]


def codebook_regexes() -> list[str]:
    book = load_codebook(ROOT / "codebooks" / "reseaux-sante.yaml")
    return [r for code in book.codes for patterns in code.patterns.values() for r in patterns.regex]


def timed(searches: list, segments: list[str]) -> tuple[float, int]:
    """Every pattern on every segment, segment by segment as auto-coding does (``rules.match_document``)."""
    start = time.perf_counter()
    hits = sum(1 for text in segments for search in searches if search(text) is not None)
    return time.perf_counter() - start, hits


def run() -> dict:
    segments = corpus()
    expressions = codebook_regexes()
    python_s, python_hits = timed([re.compile(e, re.IGNORECASE).search for e in expressions], segments)
    re2_s, re2_hits = timed([compile_pattern(e).search for e in expressions], segments)
    backtracking = {}
    for n in (20, 22, 24):
        start = time.perf_counter()
        re.search(r"(a+)+$", "a" * n + "b")
        backtracking[n] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    assert compile_pattern(r"(a+)+$").search("a" * 100_000 + "b") is None
    linear_s = time.perf_counter() - start
    return {"pattern_regexes": len(expressions), "pattern_segments": len(segments),
            "pattern_python_re_s": round(python_s, 3), "pattern_re2_s": round(re2_s, 3),
            "pattern_re2_vs_re": round(re2_s / python_s, 2), "pattern_same_hits": python_hits == re2_hits,
            "pattern_python_re_a+_s": backtracking, "pattern_re2_100kB_s": round(linear_s, 4)}


if __name__ == "__main__":
    figures = run()
    print(figures)
    missed = figures["pattern_re2_100kB_s"] > 2 or figures["pattern_re2_vs_re"] > 4 or not figures["pattern_same_hits"]
    sys.exit(1 if missed else 0)
