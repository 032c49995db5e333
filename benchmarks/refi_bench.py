"""REFI-QDA benchmark: export a project with 100,000 codings to .qdpx and time the export alone."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from qualcoder import Project, refi

CODEBOOK = Path(__file__).resolve().parent.parent / "codebooks" / "reseaux-sante.yaml"
WORDS = ("réseau", "coordination", "infirmière", "médecin", "patient", "financement", "territoire", "réunion",
         "famille", "dossier", "care", "team", "nurse", "funding", "meeting")


def build(folder: Path, documents: int = 200, codings: int = 100_000, seed: int = 0) -> Project:
    """A project with generated documents and ``codings`` codings inserted in bulk (no rules, no parse)."""
    rng = random.Random(seed)
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for number in range(documents):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(40)]
        (corpus / f"doc-{number:04d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    project = Project.create(folder / "study")
    project.import_files([corpus], language="fr")
    project.load_codebook(CODEBOOK)
    book = project.codebook()
    code_ids = [c.id for c in book.codes]
    texts = {doc_id: text for doc_id, (_, text) in project.repo.texts().items()}
    rows = []
    for _ in range(codings):
        doc_id = rng.choice(list(texts))
        text = texts[doc_id]
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randrange(20, 400)
        rows.append({"document_id": doc_id, "start": start, "end": end, "code": rng.choice(code_ids),
                     "coder": rng.choice(("coder_a", "coder_b", "coder_c")), "source": "manual", "status": "applied",
                     "confidence": None, "codebook_version": book.version, "pattern": None, "memo": None,
                     "snippet": text[start:end]})
    project.repo.add_codings(rows)
    return project


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        project = build(Path(folder))
        start = time.perf_counter()
        out = refi.export_qdpx(project, Path(folder) / "bench.qdpx")
        seconds = time.perf_counter() - start
        size = out.stat().st_size
        project.close()
    return {"refi_codings": 100_000, "refi_export_s": round(seconds, 2), "refi_qdpx_mb": round(size / 1e6, 1)}


if __name__ == "__main__":
    print(run())
