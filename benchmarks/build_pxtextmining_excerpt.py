"""Builds ``benchmarks/data/nhs_feedback.csv.gz`` from pxtextmining's ``datasets/v6framework_230831.csv`` (run once
by hand, with the file checked out; nothing is fetched at run time, see ``benchmarks/data/NOTICE.md``).

Kept: comments with an answer and no person-identifiable flag, the FFT question and trust as attributes, and the
framework's codes with at least 10 coded comments (0/1 columns); a seeded sample of ``ROWS`` comments.

Run: ``python benchmarks/build_pxtextmining_excerpt.py v6framework_230831.csv``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

ROWS = 4000
MIN_CODED = 10
TARGET = Path(__file__).resolve().parent / "data" / "nhs_feedback.csv.gz"
META = ["Comment ID", "Trust", "Respondent ID", "Date", "Service type 1", "Service type 2", "FFT categorical answer",
        "FFT question", "FFT answer", "Person identifiable info?", "Comment sentiment"]


def code_id(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def main(source: str) -> None:
    frame = pd.read_csv(source)
    frame = frame[frame["FFT answer"].fillna("").str.strip().ne("") & frame["Person identifiable info?"].isna()]
    frame = frame.sample(n=min(ROWS, len(frame)), random_state=0).sort_index()
    codes = [c for c in frame.columns if c not in META and frame[c].notna().sum() >= MIN_CODED]
    out = pd.DataFrame({"id": frame["Comment ID"], "trust": frame["Trust"],
                        "question": frame["FFT question"].str.split().str.join(" "), "text": frame["FFT answer"]})
    for label in codes:
        out[code_id(label)] = frame[label].notna().astype(int)
    out.to_csv(TARGET, index=False, compression={"method": "gzip", "mtime": 0})
    print(f"{len(out)} comments, {len(codes)} codes -> {TARGET} ({TARGET.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
