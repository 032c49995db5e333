"""Export benchmark: 100,000 codings to CSV (target: at most 2 s for building the table and writing it).

A project is built in a temporary folder with generated documents, turns and segments stored through the
repository (no spaCy parse: parsing is not what is measured), the demo codebook, and 100,000 codings inserted in
bulk with ``project.repo.add_codings``. Then ``coded_segments`` + ``write_csv`` are timed, plain and ``--excel``,
and the XLSX and Parquet writers for comparison. Run: ``.venv/bin/python benchmarks/export_bench.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from qualcoder import Project
from qualcoder.export import tabular
from qualcoder.models import ParsedDocument, Turn

ROOT = Path(__file__).resolve().parent.parent
CODINGS = 100_000
DOCUMENTS = 200
PARAGRAPHS = 50  # per document: 10,000 segments
SPEAKERS = ["Dr Morel", "Sophie Lambert", "Dr Garnier", "=HYPERLINK(\"x\")"]
WORDS = ["réseau", "coordination", "médecin", "infirmière", "patient", "financement", "territoire", "famille",
         "dossier", "réunion", "hôpital", "généraliste", "concertation", "protocole", "évaluation"]


def build(folder: Path) -> tuple[Project, int]:
    rng = random.Random(0)
    project = Project.create(folder)
    project.load_codebook(ROOT / "codebooks" / "reseaux-sante.yaml")
    documents, spans = [], []
    for index in range(DOCUMENTS):
        paragraphs, turns, position = [], [], 0
        for number in range(PARAGRAPHS):
            speaker = SPEAKERS[number % len(SPEAKERS)]
            body = " ".join(rng.choices(WORDS, k=rng.randint(20, 80))) + ".\nSuite, « citée »; fin"
            label = f"{speaker} : "
            turns.append(Turn(position + len(label), position + len(label) + len(body), speaker, None, None))
            paragraphs.append(label + body)
            position += len(label) + len(body) + 2
        text = "\n\n".join(paragraphs)
        documents.append(ParsedDocument(
            name=f"doc-{index:04d}.txt", text=text, format="txt", source_path="generated",
            sha256=hashlib.sha256(text.encode()).hexdigest(), doc_type="minutes" if index % 2 else "interview",
            language="fr", date=f"2004-{index % 12 + 1:02d}-15", attributes={"network": f"Réseau {index % 7}"},
            sections=(), turns=tuple(turns)))
        spans.append((text, turns))
    ids = project.repo.add_documents(documents)
    segments = [{"document_id": doc_id, "position": p, "start": t.start, "end": t.end, "speaker": t.speaker,
                 "section": None, "turn": p}
                for doc_id, (_, turns) in zip(ids, spans) for p, t in enumerate(turns)]
    project.repo.replace_segments("turn", segments)
    codes = [c.id for c in project.codebook().codes]
    texts = {doc_id: text for doc_id, (text, _) in zip(ids, spans)}
    rows = []
    for number in range(CODINGS):
        segment = segments[number % len(segments)]
        rows.append({"document_id": segment["document_id"], "start": segment["start"], "end": segment["end"],
                     "code": codes[rng.randrange(len(codes))], "coder": f"coder_{number % 3}", "source": "manual",
                     "status": "applied", "confidence": None, "codebook_version": None, "pattern": None,
                     "memo": None, "snippet": texts[segment["document_id"]][segment["start"]:segment["end"]]})
    for chunk in range(0, len(rows), 20_000):
        project.repo.add_codings(rows[chunk:chunk + 20_000])
    return project, len(segments)


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project, segments = build(folder / "bench")
        # one small export first: module imports (pyarrow.csv, openpyxl) are not what we measure
        tabular.write_csv(tabular.coded_segments(project, coders=["coder_0"], codes=["financement"]),
                          folder / "warm-up.csv")
        frame_s, frame = timed(lambda: tabular.coded_segments(project))
        csv_s, _ = timed(lambda: tabular.write_csv(frame, folder / "codings.csv"))
        excel_s, _ = timed(lambda: tabular.write_csv(frame, folder / "codings-excel.csv", excel=True))
        parquet_s, _ = timed(lambda: tabular.write_parquet(frame, folder / "codings.parquet"))
        wide_s, wide = timed(lambda: tabular.coded_segments(project, wide=True))
        xlsx_s, _ = timed(lambda: tabular.write_xlsx(frame, folder / "codings.xlsx", codebook=project.codebook()))
        results = {
            "export_codings": len(frame), "export_segments": segments, "export_columns": len(frame.columns),
            "export_table_s": round(frame_s, 2), "export_csv_write_s": round(csv_s, 2),
            "export_csv_total_s": round(frame_s + csv_s, 2), "export_csv_excel_total_s": round(frame_s + excel_s, 2),
            "export_csv_mb": round((folder / "codings.csv").stat().st_size / 1e6, 1),
            "export_parquet_write_s": round(parquet_s, 2), "export_wide_table_s": round(wide_s, 2),
            "export_wide_shape": list(wide.shape), "export_xlsx_write_s": round(xlsx_s, 2),
            "export_target_csv_total_s": 2.0,
        }
        project.close()
    return results


if __name__ == "__main__":
    figures = run()
    print(json.dumps(figures, indent=2))
    sys.exit(0 if figures["export_csv_total_s"] <= figures["export_target_csv_total_s"] else 1)
