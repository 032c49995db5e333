"""Agreement benchmark: 10,000 segments x 3 coders x 50 codes (target: at most 2 s)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from qualcoder.coding.agreement import agreement_table


def synthetic(segments: int = 10_000, coders: int = 3, codes: int = 50, seed: int = 0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"segment_id": np.arange(1, segments + 1), "doc_id": np.arange(segments) // 100 + 1,
                          "start": (np.arange(segments) % 100) * 200, "end": (np.arange(segments) % 100) * 200 + 150})
    frame["doc"] = "doc-" + frame["doc_id"].astype(str)
    frame["text"] = "x"
    truth = rng.random((segments, codes)) < 0.06
    rows = []
    for coder in range(coders):
        noisy = truth ^ (rng.random((segments, codes)) < 0.02)
        for unit, code in zip(*np.nonzero(noisy)):
            rows.append((int(frame.doc_id[unit]), int(frame.start[unit]), int(frame.end[unit]), f"code{code}",
                         f"coder{coder}"))
    codings = pd.DataFrame(rows, columns=["doc_id", "start", "end", "code", "coder"])
    return frame, codings, [f"coder{c}" for c in range(coders)], [f"code{c}" for c in range(codes)]


def run() -> dict:
    segments, codings, coders, codes = synthetic()
    start = time.perf_counter()
    table = agreement_table(segments, codings, {}, coders, codes)
    seconds = time.perf_counter() - start
    return {"agreement_segments": len(segments), "agreement_coders": len(coders), "agreement_codes": len(codes),
            "agreement_codings": len(codings), "agreement_s": round(seconds, 2),
            "agreement_overall_alpha": round(float(table.iloc[-1]["alpha"]), 3)}


if __name__ == "__main__":
    print(run())
