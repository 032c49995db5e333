"""A new project made from a .qdpx: created, filled, or — when the import is refused — gone without a trace."""

from __future__ import annotations

import shutil
from pathlib import Path

from qualcoder.project import Project
from qualcoder.refi.importer import ImportSummary, import_qdpx


def import_qdpx_as_new_project(path: str | Path, folder: str | Path, database: str | None = None
                               ) -> tuple[Project, ImportSummary]:
    """Create a project in ``folder`` and import the ``.qdpx`` into it. If the import fails, what was created is
    removed (the folder itself when it did not exist before), so a refused file leaves no empty project behind.

    >>> # project, summary = import_qdpx_as_new_project("nvivo-export.qdpx", "study")
    """
    folder = Path(folder)
    existed = folder.exists()
    before = set(folder.iterdir()) if existed else set()
    project = Project.create(folder, database=database)
    try:
        return project, import_qdpx(path, project)
    except BaseException:
        project.close()
        if existed:
            for created in set(folder.iterdir()) - before:
                shutil.rmtree(created) if created.is_dir() else created.unlink()
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise
