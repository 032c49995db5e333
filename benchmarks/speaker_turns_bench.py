"""Speaker-turn accuracy per transcript layout, on public transcripts with known turns (corpora/speaker-turns/).

Each file is imported into a fresh SQLite project with the default settings (``--speakers-layout auto``, no
speakers.csv): what a new user gets. Turn accuracy = the share of true turns whose first words lie in a detected
turn credited to the right speaker (names compared without titles, case or accents: ``M. le président`` is
``le président``). Target: >= 95 % on every layout. Prints one row per file and exits 1 when a layout misses it.

    python benchmarks/speaker_turns_bench.py [--verbose]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
import unicodedata
from bisect import bisect_right
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcoder import Project  # noqa: E402

CORPUS = ROOT / "corpora" / "speaker-turns"
TARGET = 0.95
_TITLES = {"m", "mme", "mlle", "mr", "mrs", "ms", "dr", "pr", "mm"}


def canonical(name: str | None) -> str:
    if not name:
        return ""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return " ".join(w for w in re.findall(r"\w+", folded) if w not in _TITLES)


def tokens(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group().lower()) for m in re.finditer(r"\w+", text.replace("’", "'"))]


def accuracy(text: str, turns: list[tuple[int, int, str | None]], truth: list[dict]) -> tuple[int, list[str]]:
    """How many true turns are credited to their speaker, and what went wrong for the others."""
    doc_tokens = tokens(text)
    words = [w for _, w in doc_tokens]
    starts = [t[0] for t in turns]
    right, errors, cursor = 0, [], 0
    for record in truth:
        key = [w for _, w in tokens(record["speech"])][:4]
        found = next((i for i in range(cursor, len(words) - len(key) + 1) if words[i:i + len(key)] == key), None)
        if found is None:
            errors.append(f"not found: {record['speech'][:50]!r}")
            continue
        cursor = found + max(len(key), record["words"] - 2)  # past this speech: its words recur in no key
        offset = doc_tokens[found][0]
        index = bisect_right(starts, offset) - 1
        speaker = turns[index][2] if index >= 0 and turns[index][0] <= offset < turns[index][1] else None
        if canonical(speaker) == canonical(record["speaker"]):
            right += 1
        else:
            errors.append(f"{record['speaker']!r} taken as {speaker!r}: {record['speech'][:50]!r}")
    return right, errors


def main(verbose: bool = False) -> int:
    document = json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))
    by_layout: dict[str, list[int]] = {}
    print(f"{'file':28} {'layout':34} {'turns':>6} {'right':>6} {'accuracy':>9}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, (key, layout)) in enumerate(sorted(document["files"].items())):
            project = Project.create(Path(folder) / f"p{number}")
            report = project.import_files([CORPUS / name])
            if report.failures:
                print(f"{name}: {report.failures[0].message}")
                by_layout.setdefault(layout, [0, 0])[1] += len(document["truth"][key])
                continue
            doc = project.document(report.added[0])
            turns = [(t.start, t.end, t.speaker) for t in project.repo.turns().get(doc.id, [])]
            truth = document["truth"][key]
            right, errors = accuracy(doc.text, turns, truth)
            counts = by_layout.setdefault(layout, [0, 0])
            counts[0] += right
            counts[1] += len(truth)
            print(f"{name:28} {layout:34} {len(truth):6d} {right:6d} {right / len(truth):9.1%}")
            for error in errors[: 20 if verbose else 0]:
                print(f"    {error}")
            project.close()
    print(f"\nTurn accuracy per layout (target >= {TARGET:.0%}), {time.perf_counter() - started:.1f} s:")
    missed = []
    for layout, (right, total) in sorted(by_layout.items()):
        share = right / total if total else 0.0
        print(f"  {layout:34} {right:5d}/{total:<5d} {share:7.1%}{'' if share >= TARGET else '  MISSED'}")
        if share < TARGET:
            missed.append(layout)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main("--verbose" in sys.argv))
