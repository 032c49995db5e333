"""Interrupts, kills and full disks: the project stays consistent, commands say so and finish when run again.

Real processes (the ``qualcoder`` CLI), real signals, a real full disk (a small tmpfs mounted by the test).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from qualcoder import Project

SEED = int(os.environ.get("QUALCODER_KILL_SEED", "19"))
ROUNDS = int(os.environ.get("QUALCODER_KILL_ROUNDS", "0"))  # kills per command (0: 2 for the cheap ones, else 1)
SENTENCES = ["Le médecin traitant appelle la coordinatrice du réseau quand le patient rentre à domicile.",
             "Nous avons appris la décision par la presse, sans concertation avec les infirmières.",
             "Le financement du réseau dépend de l'agence régionale, et il change chaque année."]


def _cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "qualcoder.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _check_consistent(folder: Path) -> None:
    with sqlite3.connect(folder / "project.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    Project.open(folder).close()


def _corpus(folder: Path, documents: int) -> Path:
    folder.mkdir()
    for number in range(documents):
        turns = [f"Enq. : Question {number}-{turn} ?\n\nMme B. : " + " ".join(SENTENCES[(number + turn) % 3:] * 4)
                 for turn in range(3)]
        (folder / f"entretien-{number:04d}.txt").write_text("\n\n".join(turns), encoding="utf-8")
    return folder


def _wait_for(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the command never got going"
        time.sleep(0.05)


def test_segment_with_two_processes_stops_cleanly_on_sigint_and_sigterm(tmp_path):
    project = Project.create(tmp_path / "p")
    assert not project.import_files([_corpus(tmp_path / "corpus", 250)], language="fr").failures
    project.close()
    database = tmp_path / "p" / "project.db"
    for number, (sig, whole_group) in enumerate(((signal.SIGINT, True), (signal.SIGTERM, False)), start=1):
        process = _cli("segment", "--processes", "2", "-p", str(tmp_path / "p"))
        _wait_for(lambda wanted=50 * number: _count(database, "parses") >= wanted)  # mid-way: a batch is saved
        # Ctrl+C in a terminal reaches the whole process group (workers too); `kill` only the parent
        os.killpg(process.pid, sig) if whole_group else process.send_signal(sig)
        code, output = _finish(process)
        assert code == 130, output
        assert "[Q250]" in output and "interrupted" in output
        assert "Traceback" not in output and "BrokenPipeError" not in output, output
        assert _count(database, "segments") == 0  # the segmentation is replaced in one transaction, or not at all
        _check_consistent(tmp_path / "p")
    code, output = _finish(_cli("segment", "--processes", "2", "-p", str(tmp_path / "p")))
    assert code == 0, output
    assert _count(database, "parses") == 250 and _count(database, "segments") > 250


def _kill_at_random_points(args: list[str], folder: Path, rng: random.Random, kills: int = 2) -> list[float]:
    """Start the command ``kills`` times, kill -9 each after a random delay, check the project every time."""
    kills = ROUNDS or kills
    delays = []
    for _ in range(kills):
        delay = rng.uniform(2.0, 11.0)  # from the imports to well into the work (a run takes 15-40 s here)
        process = _cli(*args)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.communicate()
        delays.append(round(delay, 1))
        _check_consistent(folder)
    return delays


def test_kill_9_during_import_and_segment_then_run_again(tmp_path):
    rng = random.Random(SEED)
    corpus = _corpus(tmp_path / "corpus", 150)
    folder = tmp_path / "p"
    Project.create(folder).close()
    for args in (["import", str(corpus), "-p", str(folder), "--language", "fr"],
                 ["segment", "--by", "sentence", "-p", str(folder)]):
        delays = _kill_at_random_points(args, folder, rng)
        code, output = _finish(_cli(*args))
        assert code == 0, f"{args[0]} after kills at {delays} s: {output}"
    project = Project.open(folder)
    documents = project.documents_df(with_text=False)
    assert len(documents) == 150 and documents["name"].is_unique  # no document lost, none twice
    segments = project.segments_df(with_text=False)
    assert set(segments["doc_id"]) == set(documents["doc_id"])
    project.close()


def test_kill_9_during_autocode_train_and_topics_then_run_again(demo_copy):
    rng = random.Random(SEED + 1)
    folder = demo_copy.folder
    rules_before = len(demo_copy.codings_df(source="rules"))
    runs_before = len(demo_copy.topic_runs_df())
    demo_copy.close()
    for args in (["autocode", "--all", "-p", str(folder)], ["train", "-p", str(folder)],
                 ["topics", "fit", "-p", str(folder), "--clusterer", "kmeans:6"]):
        delays = _kill_at_random_points(args, folder, rng, kills=2 if args[0] == "autocode" else 1)
        code, output = _finish(_cli(*args))
        assert code == 0, f"{args[0]} after kills at {delays} s: {output}"
    project = Project.open(folder)
    assert len(project.codings_df(source="rules")) == rules_before  # the same codings as one uninterrupted run
    assert len(project.topic_runs_df()) == runs_before + 1  # killed fits stored nothing
    assert project.suggest(min_confidence=0.9) >= 0  # the model left by train loads
    project.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs: a real file system that fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"mounting a tmpfs needs root: {done.stderr!r}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up to ``leave`` free bytes."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


def test_full_disk_during_autocode_and_export(demo_copy, small_disk):
    folder = small_disk / "project"
    shutil.copytree(demo_copy.folder, folder, ignore=shutil.ignore_patterns("cache", "models"))
    demo_copy.close()
    with sqlite3.connect(folder / "project.db") as connection:  # no WAL space left over to write into
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _count(folder / "project.db", "codings")
    filler = _fill(small_disk, leave=4096)
    from typer.testing import CliRunner

    from qualcoder.cli import app

    runner = CliRunner()  # in this process: the CLI's own error handling, without a 10 s interpreter start
    result = runner.invoke(app, ["autocode", "--all", "-p", str(folder)])
    assert result.exit_code == 2 and "[Q251]" in result.output and "disk is full" in result.output, result.output
    result = runner.invoke(app, ["export", "segments", str(small_disk / "codings.csv"), "-p", str(folder)])
    assert result.exit_code == 2 and "[Q251]" in result.output, result.output
    assert not list(small_disk.glob("*codings.csv*"))  # nothing half-written
    filler.unlink()
    _check_consistent(folder)
    assert _count(folder / "project.db", "codings") == before  # the failed auto-coding changed nothing
