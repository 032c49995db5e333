"""Growing the codebook while coding: add, relabel, define, recolour, move, merge and delete codes.

Each change builds the new tree, validates it with the rules a YAML codebook obeys (``parse_codebook``: ids, parents,
cycles, labels in the codebook's languages), and stores it as a new version of the project's codebook in one
undoable action. Human codings are never lost: a merge moves them to the surviving code, a delete is refused
while a person's coding uses the code. ``expected_version`` (the version the editor was shown) makes a change made
on a stale view fail with ``[Q523]`` instead of overwriting a colleague's.

>>> # add_code(project, "alice", "Perte du lien clinique", parent="lien_clinique")
>>> # merge_codes(project, "alice", "territoire.empietement", "territoire.defense")
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from qualcoder.coding.codebook import COLOR_PATTERN, Codebook, parse_codebook, to_document
from qualcoder.coding.codebooks import human_codings_per_code, stale_codebook, store_version
from qualcoder.errors import CodebookChangeRefused, InvalidCodebook, UnknownCode

if TYPE_CHECKING:
    from qualcoder.project import Project

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
           "#64B5CD", "#1B9E77", "#D95F02", "#7570B3", "#E7298A", "#66A61E", "#E6AB02")
EDITED = "edited in qualcoder"


def slug(label: str) -> str:
    """A code id part from a label: lower-case ASCII letters, digits and ``_``.

    >>> slug("Perte du lien clinique !"), slug("Éducation thérapeutique")
    ('perte_du_lien_clinique', 'education_therapeutique')
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:60]


def _labels(book: Codebook, label: str | dict[str, str]) -> dict[str, str]:
    """A label given as one text serves every language of the codebook until it is translated."""
    texts = {language: label for language in book.languages} if isinstance(label, str) else dict(label)
    return {language: " ".join(text.split()) for language, text in texts.items() if text and text.strip()}


def _require(book: Codebook, code_id: str) -> None:
    if code_id not in {c.id for c in book.codes}:
        raise UnknownCode(f"{code_id!r} is not a code of the codebook", place=code_id,
                          fix="List the codes with `qualcoder codebook show`.")


def _change(project: Project, actor: str, kind: str, summary: str, edit: Callable[[dict], None], *,
            expected_version: str | None, renames: dict[str, str] | None = None, dropped: tuple[str, ...] = (),
            backup_first: bool = False) -> Codebook:
    """Apply ``edit`` to the current codebook's document, validate, store as a new version; the new codebook.
    ``backup_first`` (merge, delete) writes a backup of the project once the change is known to be valid."""
    book = project.codebook()
    if expected_version is not None and expected_version != book.version:
        raise stale_codebook(expected_version, book.version)
    document = to_document(book)
    edit(document)
    new = parse_codebook(document, EDITED)
    if new.version == book.version:
        return book
    if backup_first:
        project.backup(f"codebook {summary}")
    store_version(project, actor, kind, summary, new, renames=renames, dropped=dropped,
                  expected_version=book.version)
    return new


def _code(document: dict, code_id: str) -> dict:
    return next(item for item in document["codes"] if item["id"] == code_id)


def add_code(project: Project, actor: str, label: str | dict[str, str], *, parent: str | None = None,
             code_id: str | None = None, color: str | None = None, definition: str | dict[str, str] | None = None,
             expected_version: str | None = None) -> str:
    """Add a code (its id made from the label under its parent unless given); returns the id."""
    book = project.codebook()
    if parent is not None:
        _require(book, parent)
    labels = _labels(book, label)
    if not labels:
        raise InvalidCodebook("the new code has no label", place="label", fix="Give the code a name.")
    new_id = code_id or ".".join(part for part in (parent, slug(next(iter(labels.values())))) if part)
    taken = {c.id for c in book.codes}
    if new_id in taken:
        raise InvalidCodebook(f"the code {new_id!r} already exists", place=new_id,
                              fix="Give another label (or id); to code with the existing one, pick it.")
    for sibling in book.children(parent):
        for language, text in labels.items():
            if sibling.label.get(language, "").casefold() == text.casefold():
                raise InvalidCodebook(f"{sibling.id!r} is already labelled {text!r} here", place=new_id,
                                      fix="Choose another label, or use the existing code.")
    used = {c.color for c in book.codes}
    colour = color or next((c for c in PALETTE if c not in used), PALETTE[len(book.codes) % len(PALETTE)])
    if not COLOR_PATTERN.match(colour):
        raise InvalidCodebook(f"the colour {colour!r} is not #RRGGBB", place=new_id, fix="Give a colour like #4C72B0.")

    def edit(document: dict) -> None:
        item = {"id": new_id, "label": labels, "definition": _labels(book, definition) if definition else {},
                "color": colour}
        if parent is not None:
            item["parent"] = parent
        document["codes"].append(item)

    _change(project, actor, "code-add", f"add code {new_id}", edit, expected_version=expected_version)
    return new_id


def update_code(project: Project, actor: str, code_id: str, *, label: dict[str, str] | None = None,
                definition: dict[str, str] | None = None, include: dict[str, list[str]] | None = None,
                exclude: dict[str, list[str]] | None = None, color: str | None = None,
                example: tuple[str, str] | None = None, expected_version: str | None = None) -> Codebook:
    """Relabel (per language), define, give criteria, recolour, or add an example ``(text, source)`` to a code."""
    book = project.codebook()
    _require(book, code_id)

    def edit(document: dict) -> None:
        item = _code(document, code_id)
        if label:
            item["label"] = {**item["label"], **_labels(book, label)}
        if definition is not None:
            item["definition"] = {**item.get("definition", {}), **{k: v.strip() for k, v in definition.items()}}
        for key, value in (("include", include), ("exclude", exclude)):
            if value is not None:
                item[key] = {**item.get(key, {}), **{k: [t.strip() for t in v if t.strip()] for k, v in value.items()}}
        if color is not None:
            item["color"] = color
        if example is not None:
            text, source = example
            item.setdefault("examples", []).append({"text": " ".join(text.split()), "source": source})

    what = ", ".join(name for name, value in (("label", label), ("definition", definition), ("criteria",
                     include or exclude), ("colour", color), ("example", example)) if value)
    return _change(project, actor, "code-edit", f"edit code {code_id}: {what or 'nothing'}", edit,
                   expected_version=expected_version)


def move_code(project: Project, actor: str, code_id: str, parent: str | None, *, expected_version: str | None = None
              ) -> Codebook:
    """Put a code under another parent (``None``: top level); a move that makes a cycle is refused."""
    book = project.codebook()
    _require(book, code_id)
    if parent is not None:
        _require(book, parent)
        if parent == code_id or code_id in _ancestors(book, parent):
            raise InvalidCodebook(f"{parent!r} is {code_id!r} or lies under it: the tree would be a cycle",
                                  place=code_id, fix="Choose a parent outside the code's own branch.")

    def edit(document: dict) -> None:
        item = _code(document, code_id)
        item.pop("parent", None)
        if parent is not None:
            item["parent"] = parent

    return _change(project, actor, "code-move", f"move code {code_id} under {parent or 'the top level'}", edit,
                   expected_version=expected_version)


def _ancestors(book: Codebook, code_id: str) -> list[str]:
    found, current = [], book.code(code_id)
    while current.parent:
        found.append(current.parent)
        current = book.code(current.parent)
    return found


def merge_codes(project: Project, actor: str, source: str, target: str, *, expected_version: str | None = None) -> Codebook:
    """Merge ``source`` into ``target``: its codings and memos move to ``target``, its children go under it, and
    ``source`` leaves the codebook."""
    book = project.codebook()
    _require(book, source)
    _require(book, target)
    if source == target:
        raise InvalidCodebook("a code cannot be merged into itself", place=source, fix="Choose another code.")
    source_parent = book.code(source).parent

    def edit(document: dict) -> None:
        document["codes"] = [item for item in document["codes"] if item["id"] != source]
        for item in document["codes"]:
            if item.get("parent") == source:
                if item["id"] == target:
                    item.pop("parent")
                    if source_parent:
                        item["parent"] = source_parent
                else:
                    item["parent"] = target
            within = item.get("scope", {}).get("within")
            if within:
                item["scope"]["within"] = list(dict.fromkeys(target if w == source else w for w in within))

    return _change(project, actor, "code-merge", f"merge code {source} into {target}", edit,
                   expected_version=expected_version, renames={source: target}, backup_first=True)


def delete_code(project: Project, actor: str, code_id: str, *, expected_version: str | None = None) -> Codebook:
    """Delete a code nobody has used: refused while it has children or a person's codings (merge it instead).
    Its rule and model codings go with it."""
    book = project.codebook()
    _require(book, code_id)
    children = [c.id for c in book.children(code_id)]
    if children:
        raise CodebookChangeRefused(f"{code_id!r} has codes under it ({', '.join(children)})", place=code_id,
                                    fix="Move or delete them first, or merge the code into another.")
    human = human_codings_per_code(project.stored_codings(columns=["code", "source", "status"])).get(code_id, 0)
    if human:
        raise CodebookChangeRefused(f"{code_id!r} carries {human} coding(s) made or accepted by a person",
                                    place=code_id, fix="Merge it into another code instead: the codings move there.")
    users = [c.id for c in book.codes if code_id in c.scope.get("within", ())]
    if users:
        raise CodebookChangeRefused(f"{', '.join(users)} only apply within {code_id!r}", place=code_id,
                                    fix="Change their scope first.")

    def edit(document: dict) -> None:
        document["codes"] = [item for item in document["codes"] if item["id"] != code_id]

    return _change(project, actor, "code-delete", f"delete code {code_id}", edit, expected_version=expected_version,
                   dropped=(code_id,), backup_first=True)
