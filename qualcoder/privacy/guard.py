"""What keeps a pseudonymised project pseudonymised: a document of the original corpus imported into it again
would bring its names back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcoder.errors import OriginalReimported

if TYPE_CHECKING:
    from qualcoder.project import Project


def refuse_originals(project: Project, documents) -> None:
    """``[Q970]`` (nothing stored) when one of ``documents`` is an original of this pseudonymised project."""
    state = project.setting("privacy")
    if not state:
        return
    originals = set(state.get("original_sha256", []))
    for document in documents:
        if document.sha256 in originals:
            raise OriginalReimported("this is an original document of this pseudonymised project: importing it "
                                     "would bring back the names it had", place=document.source_path or document.name,
                                     fix="Import it into the original project, then pseudonymise again.")
