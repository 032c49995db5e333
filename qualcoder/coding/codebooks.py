"""The project's codebook: its versions, loading a YAML codebook, and storing a new version without losing human
codings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualcoder.coding import HUMAN_SOURCES
from qualcoder.coding.codebook import Codebook, parse_codebook, to_document
from qualcoder.errors import CodebookChanged, CodebookChangeRefused, NoCodebook, UnknownCode
from qualcoder.store.journal import Changes, StaleChange, now
from qualcoder.store.repository import Repository

if TYPE_CHECKING:
    from qualcoder.project import Project


@dataclass
class CodebookChange:
    version: str
    previous_version: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)
    orphaned: dict[str, int] = field(default_factory=dict)  # code -> human codings kept under a removed id
    changed: list[str] = field(default_factory=list)  # codes whose patterns or scope changed
    edited: list[str] = field(default_factory=list)  # codes whose label, definition, colour or place changed


def active_codebook(repo: Repository) -> Codebook:
    found = repo.active_codebook()
    if found is None:
        raise NoCodebook("this project has no codebook yet", place="project",
                         fix="Load one with `qualcoder codebook load codebooks/FILE.yaml`.")
    content, source = found
    return parse_codebook(content, source)


def load_into(repo: Repository, book: Codebook, force: bool = False, merge: dict[str, str] | None = None, *,
              dry_run: bool = False, actor: str = "codebook") -> CodebookChange:
    """Make ``book`` the project's codebook (a new version in its history, one undoable action of ``actor``).

    Human codings (manual, imported, accepted suggestions) of a code that the new codebook drops are
    never deleted: loading is refused unless ``merge`` maps the old id to a new one (the codings move)
    or ``force`` is given (the codings stay, under their old id, and are reported as orphaned).
    Rule and model codings of dropped codes are removed: they can be regenerated. ``dry_run`` says what
    would change and stores nothing.
    """
    merge = dict(merge or {})
    previous = repo.active_codebook()
    old = parse_codebook(previous[0], previous[1]) if previous else None
    new_ids = {code.id for code in book.codes}
    for source_id, target in merge.items():
        if target not in new_ids:
            raise UnknownCode(f"the merge target {target!r} is not in the new codebook", place=book.source,
                              fix="Merge into a code id of the new codebook.")
        if source_id in new_ids:
            raise CodebookChangeRefused(f"{source_id!r} still exists in the new codebook", place=book.source,
                                        fix="Merge only codes that the new codebook removes.")
    coded = repo.codings_frame(columns=["code", "source", "status"])
    human_counts = human_codings_per_code(coded)
    at_risk = {code: n for code, n in human_counts.items() if code not in new_ids and code not in merge}
    if at_risk and not force:
        listing = ", ".join(f"{code} ({n})" for code, n in sorted(at_risk.items()))
        raise CodebookChangeRefused(
            f"the new codebook drops codes that carry human codings: {listing}",
            place=book.source,
            fix="Give --merge OLD=NEW to move them to a new code, or --force to keep them under their old id.",
        )
    change = describe_change(old, book, merged=merge, orphaned=at_risk)
    if not dry_run:
        machine_orphans = [c for c in set(coded["code"]) - new_ids - set(merge) if c not in human_counts]
        store_version(repo, actor, "codebook-load", f"load codebook {book.id} version {book.version}", book,
                      renames=merge, dropped=machine_orphans)
    return change


def human_codings_per_code(codings) -> dict[str, int]:
    """code -> number of codings a person made or accepted (those a codebook change must never lose)."""
    human = codings[codings["source"].isin(HUMAN_SOURCES) | (codings["status"] == "accepted")]
    return human.groupby("code").size().to_dict()


def describe_change(old: Codebook | None, new: Codebook, *, merged: dict[str, str] | None = None,
                    orphaned: dict[str, int] | None = None) -> CodebookChange:
    """What going from ``old`` to ``new`` changes, code by code."""
    old_ids = {code.id for code in old.codes} if old else set()
    new_ids = {code.id for code in new.codes}
    change = CodebookChange(new.version, old.version if old else None, added=sorted(new_ids - old_ids),
                            removed=sorted(old_ids - new_ids), merged=dict(merged or {}), orphaned=dict(orphaned or {}))
    if old:
        kept = [c for c in new.codes if c.id in old_ids]
        change.changed = sorted(c.id for c in kept if _rules_of(c) != _rules_of(old.code(c.id)))
        change.edited = sorted(c.id for c in kept if _described(c) != _described(old.code(c.id)))
    return change


def _described(code) -> tuple:
    return (code.label, code.definition, code.include, code.exclude, code.examples, code.color, code.parent,
            code.exclusive)


def store_version(repo: Repository | Project, actor: str, kind: str, summary: str, book: Codebook, *,
                  renames: dict[str, str] | None = None, dropped: Iterable[str] = (),
                  expected_version: str | None = None) -> None:
    """Store ``book`` as the newest version, as one logged action: codings (and memos) of each ``renames`` key move
    to its value, codings of ``dropped`` codes are removed. ``expected_version``: the version the change was made
    from; if another version was stored meanwhile, nothing is stored and ``[Q523]`` says so. ``repo``: the project
    (a codebook edit), or a Repository (``load_into``, inside an import's transaction)."""
    dropped = list(dropped)

    def work(changes: Changes) -> None:
        latest = changes.latest("codebooks")
        if expected_version is not None and (latest is None or latest["version"] != expected_version):
            raise stale_codebook(expected_version, latest["version"] if latest else "none")
        changes.insert("codebooks", {"book_id": book.id, "version": book.version, "source": book.source,
                                     "content": to_document(book), "loaded_at": now(),
                                     "derived_from": latest["id"] if latest else None})
        for old, new in (renames or {}).items():
            _move_codings(changes, old, new)
        for code in dropped:
            for coding in changes.rows("codings", code=code):
                changes.delete("codings", coding["id"])

    try:
        repo.act(actor, kind, summary, work)
    except StaleChange as error:
        raise stale_codebook(expected_version or "?", "changed at the same moment") from error


def stale_codebook(expected: str, current: str) -> CodebookChanged:
    return CodebookChanged(f"the codebook changed since version {expected} (now {current})", place="codebook",
                           fix="Reload: your change was not made; look at the new version and do it again.")


def _move_codings(changes: Changes, old: str, new: str) -> None:
    """Codings and code memos of ``old`` go to ``new``; a coding the same coder already made with ``new`` on the same
    span absorbs the moved one (its memo text and memos), so no span is coded twice by one coder."""
    for coding in changes.rows("codings", code=old):
        twins = [r for r in changes.rows("codings", document_id=coding["document_id"], start=coding["start"],
                                         end=coding["end"], code=new, coder=coding["coder"])
                 if r["status"] == coding["status"]]
        if not twins:
            changes.update("codings", coding["id"], {"code": new})
            continue
        survivor = twins[0]
        if coding["memo"] and coding["memo"] != survivor["memo"]:
            joined = "\n\n".join(m for m in (survivor["memo"], coding["memo"]) if m)
            changes.update("codings", survivor["id"], {"memo": joined})
        for memo in changes.rows("memos", coding_id=coding["id"]):
            changes.update("memos", memo["id"], {"coding_id": survivor["id"], "target_id": str(survivor["id"])})
        changes.delete("codings", coding["id"])
    for memo in changes.rows("memos", target="code", target_id=old):
        changes.update("memos", memo["id"], {"target_id": new})


def _rules_of(code) -> tuple:
    return (code.patterns, tuple(sorted(code.scope.items())))


def require_code(book: Codebook, code_id: str) -> None:
    if code_id not in {c.id for c in book.codes}:
        raise UnknownCode(f"{code_id!r} is not a code of the codebook {book.id!r}", place="--code",
                          fix="List the codes with `qualcoder codebook show`.")

