"""Start-up benchmark (issue 17): how long the CLI takes before it does anything, against the libraries it needs.

Baseline, measured in the same run: ``python -c "import typer, rich, pandas, sqlalchemy"`` (what any CLI of ours
must load). Targets: ``qualcoder --help`` at most 1.5 times the baseline, ``qualcoder status`` on a small project at
most 3 times. Each command runs 7 times, alternating, and the medians are compared (single runs vary by 20 % here).
Run: ``.venv/bin/python benchmarks/startup_bench.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROUNDS = 7
TARGETS = {"help": 1.5, "status": 3.0}


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "study"
        subprocess.run([str(BIN / "qualcoder"), "init", str(project)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([str(BIN / "qualcoder"), "import", str(ROOT / "corpora" / "reseau-memoire"), "-p",
                        str(project)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        commands = {
            "baseline": [sys.executable, "-c", "import typer, rich, pandas, sqlalchemy"],
            "help": [str(BIN / "qualcoder"), "--help"],
            "status": [str(BIN / "qualcoder"), "status", "-p", str(project)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, command in commands.items():
                times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    report = {f"{name}_s": round(value, 3) for name, value in medians.items()}
    report.update({f"{name}_ratio": round(medians[name] / medians["baseline"], 2) for name in TARGETS})
    print(json.dumps(report, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "startup_bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    missed = [name for name, target in TARGETS.items() if report[f"{name}_ratio"] > target]
    print("targets met" if not missed else f"TARGET MISSED: {', '.join(missed)} (help <= 1.5x, status <= 3x)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
