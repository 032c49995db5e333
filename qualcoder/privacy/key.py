"""The key: original <-> pseudonym, per document and offset, in one JSON file kept apart from the project (never
inside a project folder, so never exported or shared with it) and readable by its owner only (mode 0600).

``reverse`` restores a passage of the pseudonymised project for a person holding the key.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder.errors import InvalidKey, KeyMismatch, KeyMissing, KeyPlacementRefused

if TYPE_CHECKING:
    from qualcoder.project import Project

FORMAT = "qualcoder-privacy-key/1"


def check_place(path: Path, project_folders: list[Path]) -> None:
    """Refuse a key inside a project folder (it would travel with it) or over an existing file."""
    path = path.absolute()
    for folder in project_folders:
        if path.is_relative_to(folder.absolute()):
            raise KeyPlacementRefused("the key would be inside the project folder, and shared with it",
                                      place=path, fix="Write it outside the project, e.g. --key ~/keys/study.key.json.")
    if path.exists():
        raise KeyPlacementRefused("a file of that name exists", place=path,
                                  fix="Give a new file name: a key is never overwritten.")
    if not path.parent.is_dir():
        raise KeyPlacementRefused("its folder does not exist", place=path.parent, fix="Create the folder first.")


def payload(key_id: str, plan, source: dict, copy: dict) -> dict:
    """The key's content: identities, entities and every replacement with its offsets before and after."""
    entities = [{"id": e.id, "category": e.category, "pseudonym": e.pseudonym, "forms": sorted(e.forms),
                 "first": e.pseudonym_first, "last": e.pseudonym_last} for e in plan.pseudonymiser.entities]
    documents = []
    for doc_id, offsets in plan.maps.items():
        replacements = []
        for (mention, new), new_start, new_end in zip(sorted(plan.replaced.get(doc_id, []), key=lambda x: x[0].start),
                                                      offsets.new_starts, offsets.new_ends):
            replacements.append([new_start, new_end, mention.start, mention.end, mention.text, new,
                                 plan.pseudonymiser.entity(mention).id, mention.category])
        documents.append({"original_name": plan.names[doc_id], "name": plan.scrub(plan.names[doc_id]),
                          "replacements": replacements})
    return {"format": FORMAT, "key_id": key_id, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source, "copy": copy, "entities": entities, "documents": documents,
            "forms": plan.forms}


def write(path: Path, content: dict) -> Path:
    """Write the key with mode 0600 from its creation (never readable by others, not even for a moment)."""
    partial = path.with_name(f".{path.name}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(content, handle, ensure_ascii=False)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def read(path: str | Path, project: Project | None = None) -> dict:
    """A key file, checked; with ``project``, ``[Q967]`` unless it is the key of that pseudonymised project."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise KeyMissing("key file not found", place=path,
                         fix="Give the key written by `qualcoder pseudonymise apply` (--key).")
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidKey(f"not a key file ({error})", place=path, fix="Give the .json key written by apply.") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise InvalidKey("not a qualcoder pseudonymisation key", place=path, fix="Give the key written by apply.")
    if project is not None:
        from qualcoder.privacy.apply import state

        mark = state(project)
        if mark is None or mark.get("key_id") != content.get("key_id"):
            raise KeyMismatch("this key belongs to another project (or another pseudonymisation of it)",
                              place=path, fix=f"Give the key made when {project.folder} was pseudonymised.")
    return content


def reverse(key: dict, document: str, start: int, end: int, text: str) -> str:
    """The original of ``text`` = ``pseudonymised_document.text[start:end]``, from the key's replacements.

    >>> key = {"documents": [{"name": "e.txt", "original_name": "e.txt",
    ...                       "replacements": [[4, 16, 4, 10, "Dupont", "[Personne 1]", 1, "person"]]}]}
    >>> reverse(key, "e.txt", 0, 20, "Mme [Personne 1] dit")
    'Mme Dupont dit'
    """
    entry = next((d for d in key["documents"] if document in (d["name"], d["original_name"])), None)
    if entry is None:
        raise KeyMismatch(f"the key has no document {document!r}", place=document,
                          fix="Give the document's name in the pseudonymised project.")
    parts, position = [], start
    for new_start, new_end, _, _, original, _, _, _ in entry["replacements"]:
        if new_end <= start or new_start >= end:
            continue
        parts.append(text[position - start:max(new_start, start) - start])
        parts.append(original)
        position = min(new_end, end)
    parts.append(text[position - start:])
    return "".join(parts)


def reverse_text(key: dict, text: str) -> str:
    """A free passage (a quotation) with each pseudonym put back to the form it replaced most often.

    >>> reverse_text({"documents": [{"replacements": [[0, 1, 0, 1, "Dupont", "[Personne 1]", 1, "person"]]}]},
    ...              "Selon [Personne 1],")
    'Selon Dupont,'
    """
    counts: dict[str, dict[str, int]] = {}
    for entry in key["documents"]:
        for *_, original, pseudonym, _, _ in entry["replacements"]:
            counts.setdefault(pseudonym, {}).setdefault(original, 0)
            counts[pseudonym][original] += 1
    if not counts:
        return text
    back = {p: max(o, key=o.get) for p, o in counts.items()}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(back, key=len, reverse=True)))
    return pattern.sub(lambda m: back[m.group()], text)


def originals(key: dict, min_length: int = 3) -> list[str]:
    """Every original form the key holds (what must not appear in an export of the pseudonymised project)."""
    found = {original for entry in key["documents"] for *_, original, _, _, _ in entry["replacements"]}
    found |= {form for entity in key["entities"] for form in entity["forms"]}
    return sorted(f for f in found if len(f.strip()) >= min_length)
