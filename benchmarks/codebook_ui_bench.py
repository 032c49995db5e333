"""Codebook editing in the explorer: how long a change made on the Codebook page takes to show (server side, AppTest;
target: <= 1 s each), on the studio benchmark's project (one 300,000-character transcript, 2,000 codings, the demo
codebook of 51 codes).

save: a code's English label changed and "Save changes" clicked (update_code: the new version validated and stored
with its action, then the page drawn again from it); move: "Move" under another parent; merge: a new code with
20 codings merged into another (its codings move), each then undone outside the timing.
baseline, measured in the same run: a rerun of the page that changes nothing (``rerun_warm_s``); the ratios say how
many such reruns a change costs.

``.venv/bin/python benchmarks/codebook_ui_bench.py``
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from studio_bench import ROOT, build

ROUNDS = 5
CODE, PARENTS = "patient.domicile", ("patient", "coordination")
TARGETS = {"save_s": 1.0, "move_s": 1.0, "merge_s": 1.0}


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _button(test, label: str):
    return next(b for b in test.button if b.label == label)


def _check(test) -> None:
    assert not test.exception and not test.error, (test.exception, test.error)


def time_page(project, doc_id: int) -> dict:
    from streamlit.testing.v1 import AppTest

    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    test.session_state["project_folder"] = str(project.folder)
    test.query_params.update({"coder": "bench", "code": CODE})
    test.run()
    test.switch_page("qualcoder/explorer/codebook.py")
    test.run()
    _check(test)
    warm = statistics.median(_timed(test.run) for _ in range(ROUNDS))
    saves, moves, merges = [], [], []
    for round_ in range(ROUNDS):
        version = project.codebook().version
        test.text_input(key=f"codebook_label_en_{CODE}_{version}").set_value(f"Staying at home ({round_})")
        saves.append(_timed(_button(test, "Save changes").click().run))
        _check(test)
        assert project.codebook().code(CODE).label["en"] == f"Staying at home ({round_})"
        version = project.codebook().version
        parent = PARENTS[round_ % 2]
        test.selectbox(key=f"codebook_parent_{CODE}_{version}").set_value(parent)
        moves.append(_timed(_button(test, "Move").click().run))
        _check(test)
        assert project.codebook().code(CODE).parent == parent
    for round_ in range(ROUNDS):
        merges.append(_merge(project, doc_id, test, round_))
    return {"rerun_warm_s": round(warm, 3), "save_s": round(statistics.median(saves), 3),
            "move_s": round(statistics.median(moves), 3), "merge_s": round(statistics.median(merges), 3),
            "save_each_s": [round(s, 3) for s in saves], "merge_each_s": [round(m, 3) for m in merges]}


def _merge(project, doc_id: int, test, round_: int) -> float:
    code = project.add_code("bench", f"Temporaire {round_}")
    text = project.document(doc_id).text
    for number in range(20):
        start = text.index(" ", 1000 + number * 500) + 1
        project.apply_codes(doc_id, start, start + 50, [code], "bench")
    test.run()
    test.selectbox(key="codebook_code").set_value(code).run()
    version = project.codebook().version
    test.selectbox(key=f"codebook_merge_target_{code}_{version}").set_value("coordination")
    spent = _timed(_button(test, "Merge").click().run)
    _check(test)
    assert len(project.codings_df(code=code)) == 0
    return spent


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        project, doc_id, codings = build(Path(tmp) / "bench")
        results = {"codings": codings, "codes": len(project.codebook().codes)}
        results.update(time_page(project, doc_id))
        project.close()
    warm = results["rerun_warm_s"]
    for name in TARGETS:
        results[f"{name[:-2]}_x_warm_rerun"] = round(results[name] / warm, 2)
    results["targets"] = "each change shown <= 1 s (server side)"
    return results


if __name__ == "__main__":
    figures = run()
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "codebook_ui.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    missed = [name for name, limit in TARGETS.items() if figures[name] > limit]
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    sys.exit(1 if missed else 0)
