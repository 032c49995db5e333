"""Adjudication: decisions on disagreements build the codings of a coder named ``consensus``.

Decisions are recorded (who, when, which coders, what) and reversible; the original coders' codings are
never changed. A new decision on the same segment and code replaces the previous one, and only when asked to
(``replace=True``): deciding an item twice by mistake is refused with the earlier decision named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.coding.agreement import AgreementError, AlreadyDecided, build_units
from qualcoder.coding.manual import coding_row
from qualcoder.store.journal import Changes, now

if TYPE_CHECKING:
    from qualcoder.project import Project

CONSENSUS = "consensus"
GENERAL = ("both", "neither")


def _source_codings(codings: pd.DataFrame, coders: list[str], doc_id: int, start: int, end: int,
                    code: str) -> pd.DataFrame:
    """The coders' codings of ``code`` that overlap the segment."""
    mine = codings[(codings["doc_id"] == doc_id) & (codings["code"] == code) & codings["coder"].isin(coders)]
    return mine[(mine["start"] < end) & (mine["end"] > start)]


def resolve(project: Project, coders: list[str], segment_id: int, code: str, keep: str, decided_by: str,
            replace: bool = False) -> int:
    """Record a decision on one segment and code: keep one coder's coding, both, or neither. An active earlier
    decision on the same segment and code is ``[Q702]`` unless ``replace`` says the new one replaces it."""
    if keep not in (*coders, *GENERAL):
        raise AgreementError(f"--keep {keep!r} is not one of the coders, both or neither", place="--keep",
                             fix=f"Use one of {', '.join(coders)}, both, neither.")
    segments, codings = project.agreement_inputs()
    row = segments[segments["segment_id"] == segment_id]
    if row.empty:
        raise AgreementError(f"there is no segment {segment_id}", place="--segment",
                             fix="List disagreements with `qualcoder agreement disagreements`.")
    segment = row.iloc[0]
    doc_id, start, end = int(segment.doc_id), int(segment.start), int(segment.end)
    earlier = earlier_decision(project, segment.doc, start, end, code)
    if earlier is not None and not replace:
        raise AlreadyDecided(f"segment {segment_id} and {code} were decided already (decision {earlier.decision_id}: "
                             f"keep {earlier.decision}, by {earlier.decided_by})", place="--segment",
                             fix="Add --replace to replace that decision, or leave it.")
    kept_coders = coders if keep == "both" else [] if keep == "neither" else [keep]
    sources = _source_codings(codings, kept_coders, doc_id, start, end, code)
    return _record(project, doc_id, start, end, code, keep, coders, decided_by, sources)


def active_decisions(project: Project) -> pd.DataFrame:
    """The decisions not undone (``decisions_df`` without the reverted ones)."""
    decisions = project.decisions_df()
    return decisions[decisions["reverted_at"].isna()]


def _keys(frame: pd.DataFrame) -> list[tuple]:
    """What a decision is on: the document, the segment's span and the code."""
    return list(zip(frame["doc"], frame["start"].astype(int), frame["end"].astype(int), frame["code"]))


def earlier_decision(project: Project, doc: str, start: int, end: int, code: str):
    """The active decision on that segment and code (a row of ``decisions_df``), or None."""
    decisions = active_decisions(project)
    same = [key == (doc, start, end, code) for key in _keys(decisions)]
    return next(decisions[same].tail(1).itertuples(), None)


def undecided(project: Project, disagreements: pd.DataFrame) -> pd.DataFrame:
    """The disagreements no active decision has settled: resolved ones leave the list."""
    settled = set(_keys(active_decisions(project)))
    return disagreements[[key not in settled for key in _keys(disagreements)]].reset_index(drop=True)


def resolve_agreed(project: Project, coders: list[str], decided_by: str) -> int:
    """Take into the consensus every (segment, code) on which all coders agree that the code applies."""
    segments, codings = project.agreement_inputs()
    units = build_units(segments, codings, coders, include_uncoded=False)
    done = 0
    for segment in units.segments.itertuples():
        applied = [units.present[c].get(int(segment.segment_id), set()) for c in coders]
        for code in sorted(set.intersection(*applied)):
            sources = _source_codings(codings, coders[:1], int(segment.doc_id), int(segment.start),
                                      int(segment.end), code)
            _record(project, int(segment.doc_id), int(segment.start), int(segment.end), code, "agreed", coders,
                    decided_by, sources)
            done += 1
    return done


def _record(project: Project, doc_id, start, end, code, decision, coders, decided_by, sources: pd.DataFrame) -> int:
    """Store the decision and its consensus codings as one logged action: an earlier decision on that span and code
    is reverted (its consensus codings removed) in the same action, so one undo restores it."""
    text = project.texts()[doc_id]
    version = project.codebook().version
    spans = sorted({(int(s), int(e)) for s, e in sources[["start", "end"]].itertuples(index=False)})
    new = [coding_row(doc_id, text, s, e, code, CONSENSUS, source="manual", version=version,
                      memo=f"consensus ({decision}) decided by {decided_by}") for s, e in spans]
    decision_row = {"document_id": doc_id, "start": start, "end": end, "code": code, "decision": decision,
                    "coders": ",".join(coders), "decided_by": decided_by}

    def work(changes: Changes) -> int:
        for old in changes.rows("adjudications", document_id=doc_id, start=start, end=end, code=code,
                                reverted_at=None):
            _revert(changes, old["id"])
        decision_id = changes.insert("adjudications", decision_row)
        for coding in new:
            changes.insert("codings", {**coding, "adjudication_id": decision_id})
        return decision_id

    summary = f"decide {code} on {start}-{end} of document {doc_id}: {decision}"
    decision_id, _ = project.act(decided_by, "adjudicate", summary, work)
    return decision_id


def _revert(changes: Changes, decision_id: int) -> None:
    changes.update("adjudications", decision_id, {"reverted_at": now()})
    for coding in changes.rows("codings", adjudication_id=decision_id):
        changes.delete("codings", coding["id"])


def undo(project: Project, decision_id: int, decided_by: str | None = None) -> None:
    """Revert a decision (its consensus codings removed), as a logged action of ``decided_by`` (by default whoever
    made the decision)."""
    decisions = project.decisions_df()
    found = decisions[(decisions["decision_id"] == decision_id) & decisions["reverted_at"].isna()]
    if found.empty:
        raise AgreementError(f"decision {decision_id} does not exist or was already undone", place="--undo",
                             fix="List decisions with `qualcoder agreement decisions`.")
    actor = decided_by or str(found.iloc[0]["decided_by"])

    def work(changes: Changes) -> None:
        row = changes.row("adjudications", decision_id)
        if row is None or row["reverted_at"] is not None:
            raise AgreementError(f"decision {decision_id} was undone meanwhile", place="--undo",
                                 fix="List decisions with `qualcoder agreement decisions`.")
        _revert(changes, decision_id)

    project.act(actor, "adjudicate-undo", f"undo decision {decision_id}", work)
