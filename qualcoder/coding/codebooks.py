"""Loading a codebook into a project without silently losing human codings."""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcoder.codebook import Codebook, parse_codebook, to_document
from qualcoder.coding import HUMAN_SOURCES
from qualcoder.errors import CodebookChangeRefused, NoCodebook, UnknownCode
from qualcoder.store.repository import Repository


@dataclass
class CodebookChange:
    version: str
    previous_version: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)
    orphaned: dict[str, int] = field(default_factory=dict)  # code -> human codings kept under a removed id
    changed: list[str] = field(default_factory=list)  # codes whose patterns or scope changed


def active_codebook(repo: Repository) -> Codebook:
    found = repo.active_codebook()
    if found is None:
        raise NoCodebook("this project has no codebook yet", place="project",
                         fix="Load one with `qualcoder codebook load codebooks/FILE.yaml`.")
    content, source = found
    return parse_codebook(content, source)


def load_into(repo: Repository, book: Codebook, force: bool = False,
              merge: dict[str, str] | None = None) -> CodebookChange:
    """Make ``book`` the project's codebook.

    Human codings (manual, imported, accepted suggestions) of a code that the new codebook drops are
    never deleted: loading is refused unless ``merge`` maps the old id to a new one (the codings move)
    or ``force`` is given (the codings stay, under their old id, and are reported as orphaned).
    Rule and model codings of dropped codes are removed: they can be regenerated.
    """
    merge = dict(merge or {})
    previous = repo.active_codebook()
    old = parse_codebook(previous[0], previous[1]) if previous else None
    new_ids = {code.id for code in book.codes}
    old_ids = {code.id for code in old.codes} if old else set()
    for source_id, target in merge.items():
        if target not in new_ids:
            raise UnknownCode(f"the merge target {target!r} is not in the new codebook", place=book.source,
                              fix="Merge into a code id of the new codebook.")
        if source_id in new_ids:
            raise CodebookChangeRefused(f"{source_id!r} still exists in the new codebook", place=book.source,
                                        fix="Merge only codes that the new codebook removes.")
    coded = repo.codings_frame()
    human = coded[coded["source"].isin(HUMAN_SOURCES) | (coded["status"] == "accepted")]
    human_counts = human.groupby("code").size().to_dict()
    at_risk = {code: n for code, n in human_counts.items() if code not in new_ids and code not in merge}
    if at_risk and not force:
        listing = ", ".join(f"{code} ({n})" for code, n in sorted(at_risk.items()))
        raise CodebookChangeRefused(
            f"the new codebook drops codes that carry human codings: {listing}",
            place=book.source,
            fix="Give --merge OLD=NEW to move them to a new code, or --force to keep them under their old id.",
        )
    machine_orphans = [c for c in set(coded["code"]) - new_ids - set(merge) if c not in human_counts]
    repo.save_codebook(book.id, book.version, book.source, to_document(book), renames=merge,
                       drop_manual=machine_orphans)
    change = CodebookChange(book.version, old.version if old else None,
                            added=sorted(new_ids - old_ids), removed=sorted(old_ids - new_ids), merged=merge,
                            orphaned=at_risk)
    if old:
        change.changed = sorted(c.id for c in book.codes if c.id in old_ids and _rules_of(c) != _rules_of(
            old.code(c.id)))
    return change


def _rules_of(code) -> tuple:
    return (code.patterns, tuple(sorted(code.scope.items())))


def require_code(book: Codebook, code_id: str) -> None:
    if code_id not in {c.id for c in book.codes}:
        raise UnknownCode(f"{code_id!r} is not a code of the codebook {book.id!r}", place="--code",
                          fix="List the codes with `qualcoder codebook show`.")

