"""The demo project: built from ``corpora/`` and ``codebooks/`` of a qualcoder checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

from qualcoder.config import CONFIG_NAME
from qualcoder.errors import MissingFile, ProjectExists
from qualcoder.models import ImportReport
from qualcoder.project import Progress, Project

DEMO_FOLDERS = ("reseau-memoire", "coordinateurs", "textes", "care-coordination-en")


def find_corpora(start: Path | None = None) -> Path:
    """The ``corpora/`` folder of the checkout: beside the package, or under the current folder."""
    candidates = [Path(__file__).resolve().parent.parent / "corpora", (start or Path.cwd()) / "corpora"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise MissingFile("the demo corpus folder corpora/ was not found", place=candidates[-1],
                      fix="Run the command from a qualcoder checkout (git clone), where corpora/ lives.")


def build_demo(folder: str | Path, corpora: Path | None = None, progress: Progress | None = None
               ) -> tuple[Project, ImportReport]:
    """(Re)build the demo project in ``folder``: import with metadata, segment, load the codebook and the
    reference codings of ``coder_a`` and ``coder_b``, auto-code by rules, train the classifier, suggest, and
    fit a topic model (per language, TF-IDF embeddings).

    An existing demo project in that folder is replaced; any other existing folder is left alone.
    """
    folder = Path(folder)
    corpora = corpora or find_corpora()
    if folder.exists() and any(folder.iterdir()):
        if not (folder / CONFIG_NAME).is_file() or not (folder / ".qualcoder-demo").is_file():
            raise ProjectExists("the folder exists and is not a demo project", place=folder,
                                fix="Give an empty or new folder to `qualcoder demo`.")
        shutil.rmtree(folder)
    project = Project.create(folder, name="demo-reseaux-sante")
    (folder / ".qualcoder-demo").write_text("built by `qualcoder demo`; rebuilt on each run\n", encoding="utf-8")
    paths = [corpora / name for name in DEMO_FOLDERS if (corpora / name).is_dir()]
    report = project.import_files(paths, progress=progress)
    # paragraphs: the unit of the reference codings, so agreement and training compare like with like
    project.segment("paragraph", progress=progress)
    codebooks = corpora.parent / "codebooks"
    if (codebooks / "reseaux-sante.yaml").is_file():
        project.load_codebook(codebooks / "reseaux-sante.yaml")
        for coder in ("coder_a", "coder_b"):
            reference = corpora / "coding" / f"{coder}.csv"
            if reference.is_file():
                project.import_codings(reference)
        project.autocode(progress=progress)
        project.train()
        project.suggest(min_confidence=0.6)
    project.fit_topics(name="demo", progress=progress)
    return project, report
