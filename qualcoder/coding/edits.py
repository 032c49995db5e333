"""A coder's actions on codings and memos, each one logged action that can be undone and redone.

Every function checks what it is asked against the current state inside the action's transaction (the coding
still exists, the span holds text, the same coder has not coded that span with that code already), so the CLI,
the explorer and the tests share one set of rules and one history (``qualcoder undo``, the studio's Undo).

>>> # ids = apply_codes(project, "entretien-03.txt", 120, 410, ["financement"], "alice")
>>> # undo(project, "alice").summary
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebooks import require_code
from qualcoder.coding.manual import coding_row
from qualcoder.errors import InvalidCoding, NothingToUndo, StaleAction, StaleView
from qualcoder.store.journal import Action, Changes, StaleChange, now

if TYPE_CHECKING:
    from qualcoder.project import Project

MEMO_TARGETS = ("code", "document", "coding", "speaker", "project")
DECIDABLE_SOURCES = ("model", "rules")
SNIPPET = 60


def trimmed_span(text: str, start: int, end: int, place: str) -> tuple[int, int]:
    """``start``/``end`` with the blanks at either edge left out; refused when outside the text or only blanks.

    >>> trimmed_span("  two words \\n", 0, 13, "doc")
    (2, 11)
    """
    if not (0 <= start < end <= len(text)):
        raise InvalidCoding(f"the span {start}-{end} is outside the document (0-{len(text)})", place=place,
                            fix="Select text inside the document (0 <= start < end <= its length).")
    piece = text[start:end]
    if not piece.strip():
        raise InvalidCoding(f"the span {start}-{end} holds only blanks", place=place, fix="Select some text.")
    return start + (len(piece) - len(piece.lstrip())), end - (len(piece) - len(piece.rstrip()))


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[:SNIPPET - 1] + "…"


def _check_selection(text: str, start: int, end: int, expected: str | None, place: str) -> None:
    """The page sends the text it showed: a document changed since (re-imported) must not get a shifted coding."""
    if expected is not None and " ".join(text[start:end].split()) != " ".join(expected.split()):
        raise StaleView("the selected text is not the document's text at those offsets", place=place,
                        fix="The document changed since the page was drawn: reload it and select again.")


def _refuse_duplicate(changes: Changes, row: dict, place: str, ignore: int | None = None) -> None:
    same = changes.rows("codings", document_id=row["document_id"], start=row["start"], end=row["end"],
                        code=row["code"], coder=row["coder"])
    twin = [r for r in same if r["status"] in COUNTED_STATUSES and r["id"] != ignore]
    if twin:
        raise InvalidCoding(f"{row['coder']} already coded this span with {row['code']} (coding {twin[0]['id']})",
                            place=place, fix="Nothing to add: edit or remove that coding instead.")


def apply_codes(project: Project, doc: int | str, start: int, end: int, codes: Sequence[str], coder: str, *,
                memo: str | None = None, expected_text: str | None = None) -> list[int]:
    """Code ``document.text[start:end]`` (edge blanks trimmed) with each of ``codes``, as one action; the new ids.

    ``expected_text`` is the text the coder selected: refused (``[Q522]``) if the document no longer holds it there.
    """
    if not codes:
        raise InvalidCoding("no code was chosen", place="code add", fix="Choose at least one code.")
    coder = _coder(coder)
    book = project.codebook()
    for code in codes:
        require_code(book, code)
    document = project.document(doc)
    start, end = trimmed_span(document.text, start, end, document.name)
    _check_selection(document.text, start, end, expected_text, document.name)
    rows = [coding_row(document.id, document.text, start, end, code, coder, source="manual", version=book.version,
                       memo=(memo or "").strip() or None) for code in dict.fromkeys(codes)]
    place = f"{document.name}:{start}-{end}"

    def work(changes: Changes) -> list[int]:
        for row in rows:
            _refuse_duplicate(changes, row, place)
        return [changes.insert("codings", row) for row in rows]

    summary = f"apply {', '.join(codes)} to {document.name} {start}-{end} «{_quote(document.text[start:end])}»"
    ids, _ = project.act(coder, "apply", summary, work)
    return ids


def _coder(coder: str | None) -> str:
    name = (coder or "").strip()
    if not name:
        raise InvalidCoding("no coder is named", place="--coder", fix="Give your coder name.")
    return name


def _existing(changes: Changes, coding_id: int, project: Project | None = None) -> dict:
    """The coding as it is now; with ``project``, refused if the logged-in coder may not change it."""
    row = changes.row("codings", coding_id)
    if row is None:
        raise StaleView(f"there is no coding {coding_id}", place=f"coding {coding_id}",
                        fix="It was removed meanwhile: reload the page.")
    if project is not None:
        project.gate.may_change(row)
    return row


def _found(project: Project, coding_id: int) -> dict:
    found = project.coding(coding_id)
    if found is None:
        raise StaleView(f"there is no coding {coding_id}", place=f"coding {coding_id}",
                        fix="It may have been removed meanwhile: reload the page, or list codings with "
                            "`qualcoder code list`.")
    return found


def remove_coding(project: Project, coding_id: int, coder: str | None = None) -> None:
    """Remove a coding and the memos on it (one action: undo brings both back). ``coder`` is who removes it (by
    default the coding's own coder)."""
    found = _found(project, coding_id)
    actor = _coder(coder) if coder else found["coder"]

    def work(changes: Changes) -> None:
        _existing(changes, coding_id, project)
        changes.delete("codings", coding_id)

    project.act(actor, "remove", f"remove coding {coding_id} ({found['code']}, {found['coder']})", work)


def edit_coding(project: Project, coding_id: int, coder: str, *, code: str | None = None, memo: str | None = None) -> None:
    """Change a coding's code and/or its memo (``memo=""`` clears it)."""
    coder = _coder(coder)
    if code is None and memo is None:
        raise InvalidCoding("nothing to change", place="code edit", fix="Give --code or --memo.")
    if code is not None:
        require_code(project.codebook(), code)

    def work(changes: Changes) -> None:
        row = _existing(changes, coding_id, project)
        values = {}
        if code is not None and code != row["code"]:
            _refuse_duplicate(changes, {**row, "code": code}, f"coding {coding_id}", ignore=coding_id)
            values["code"] = code
        if memo is not None:
            values["memo"] = memo.strip() or None
        changes.update("codings", coding_id, values)

    what = " and ".join(part for part, given in (("code → " + str(code), code is not None),
                                                 ("memo", memo is not None)) if given)
    project.act(coder, "edit", f"edit coding {coding_id}: {what}", work)


def resize_coding(project: Project, coding_id: int, start: int, end: int, coder: str, *,
                  expected_text: str | None = None) -> tuple[int, int]:
    """Move a coding's span to ``start``-``end`` of its document (edge blanks trimmed); the new span."""
    coder = _coder(coder)
    document = project.document(int(_found(project, coding_id)["document_id"]))
    start, end = trimmed_span(document.text, start, end, document.name)
    _check_selection(document.text, start, end, expected_text, document.name)

    def work(changes: Changes) -> None:
        row = _existing(changes, coding_id, project)
        if row["document_id"] != document.id:
            raise StaleView(f"coding {coding_id} is on another document now", place=f"coding {coding_id}",
                            fix="Reload the page.")
        _refuse_duplicate(changes, {**row, "start": start, "end": end}, f"coding {coding_id}", ignore=coding_id)
        changes.update("codings", coding_id, {"start": start, "end": end, "snippet": document.text[start:end]})

    project.act(coder, "resize", f"resize coding {coding_id} to {start}-{end} «{_quote(document.text[start:end])}»",
                     work)
    return start, end


def decide(project: Project, coding_id: int, coder: str, accept: bool) -> None:
    """Accept or reject a model suggestion or a rule coding. A rejected one is never made again by ``suggest``
    or ``autocode``; an accepted one counts as a person's coding."""
    coder = _coder(coder)
    verdict = "accepted" if accept else "rejected"

    def work(changes: Changes) -> None:
        row = _existing(changes, coding_id)
        if row["source"] not in DECIDABLE_SOURCES:
            raise InvalidCoding(f"coding {coding_id} is a person's coding ({row['source']}), not a suggestion",
                                place=f"coding {coding_id}", fix="Edit or remove it instead.")
        changes.update("codings", coding_id, {"status": verdict, "decided_by": coder})

    project.act(coder, "accept" if accept else "reject", f"{'accept' if accept else 'reject'} coding {coding_id}",
                     work)


# memos ---------------------------------------------------------------------------------------------------------
def add_memo(project: Project, target: str, target_id: str | int, coder: str, text: str) -> int:
    """A memo on a ``code``, a ``document``, a ``coding``, a ``speaker`` (by label) or the ``project`` (its
    journal); its id."""
    coder = _coder(coder)
    if target not in MEMO_TARGETS:
        raise InvalidCoding(f"a memo cannot be attached to {target!r}", place="memo",
                            fix=f"Attach it to one of {', '.join(MEMO_TARGETS)}.")
    if not (text or "").strip():
        raise InvalidCoding("the memo is empty", place="memo", fix="Write some text.")
    values = {"target": target, "target_id": "" if target == "project" else str(target_id), "coder": coder,
              "text": text.strip()}
    if target == "code":
        require_code(project.codebook(), str(target_id))
    elif target == "speaker":
        known = project.speaker_labels()
        if str(target_id) not in known:
            raise InvalidCoding(f"nobody speaks as {target_id!r} in this project", place="memo",
                                fix="Give a speaker label as the documents write it.")
    elif target == "document":
        values["document_id"] = project.document(int(target_id) if str(target_id).isdigit() else target_id).id
        values["target_id"] = str(values["document_id"])

    def work(changes: Changes) -> int:
        if target == "coding":
            values["coding_id"] = _existing(changes, int(target_id))["id"]
        return changes.insert("memos", values)

    memo_id, _ = project.act(coder, "memo", f"memo on {target} {values['target_id']}".rstrip(), work)
    return memo_id


def edit_memo(project: Project, memo_id: int, coder: str, text: str) -> None:
    coder = _coder(coder)
    if not (text or "").strip():
        raise InvalidCoding("the memo is empty", place=f"memo {memo_id}", fix="Write some text, or remove the memo.")

    def work(changes: Changes) -> None:
        if changes.row("memos", memo_id) is None:
            raise StaleView(f"there is no memo {memo_id}", place=f"memo {memo_id}", fix="Reload the page.")
        changes.update("memos", memo_id, {"text": text.strip(), "updated_at": now()})

    project.act(coder, "memo-edit", f"edit memo {memo_id}", work)


def remove_memo(project: Project, memo_id: int, coder: str) -> None:
    coder = _coder(coder)

    def work(changes: Changes) -> None:
        if changes.row("memos", memo_id) is None:
            raise StaleView(f"there is no memo {memo_id}", place=f"memo {memo_id}", fix="Reload the page.")
        changes.delete("memos", memo_id)

    project.act(coder, "memo-remove", f"remove memo {memo_id}", work)


# undo and redo -------------------------------------------------------------------------------------------------
def step(store_step: Callable[[str], Action | None], coder: str, word: str) -> Action:
    """Run the store's ``undo`` or ``redo`` (``word``) of ``coder``'s latest action (an undo is itself logged);
    ``[Q521]`` when there is nothing to undo or redo, ``[Q520]`` when a change made since would be overwritten.

    >>> # step(repo.undo, "alice", "undo").summary  (what Project.undo does)
    """
    coder = _coder(coder)
    try:
        action = store_step(coder)
    except StaleChange as change:
        raise StaleAction(f"cannot {word} {coder}'s last action: {change}", place=word,
                          fix="Someone (or another of your actions) changed it since: look at the history "
                              "(`qualcoder history`) and edit by hand.") from None
    if action is None:
        raise NothingToUndo(f"{coder} has nothing to {word}", place=word,
                            fix="Only your own actions can be undone, newest first; a redo must follow an undo.")
    return action
