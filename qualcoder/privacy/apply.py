"""Apply the pseudonyms: a pseudonymised copy of the project (or the project itself, after a backup) in which
every document text is rewritten and every coding, memo anchor, segment, turn, section, adjudication and topic
assignment is moved through the offset map, so that no coding is lost or shifted. Names are also replaced in
document names, speaker labels and attributes, memos, codebook examples and topic labels.

What holds the original text is left out of the result: the action log (its rows before/after), the cached
parses, the lexicometry runs and the detections themselves. The key (``key.py``) is written outside the project.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qualcoder.errors import AlreadyPseudonymised, CopyTargetExists, PrivacyError
from qualcoder.privacy import key as keyfile
from qualcoder.privacy.patterns import title_of
from qualcoder.privacy.pseudonyms import Mention, Pseudonymiser, fold
from qualcoder.privacy.review import TERMS_KEY
from qualcoder.store.privacy import detections_frame

if TYPE_CHECKING:
    from qualcoder.project import Project

STATE_KEY = "privacy"  # the settings row of a pseudonymised project: key id, original identity hashes
DROPPED = ("actions", "parses", "privacy_detections")
UNCHANGED_COLUMNS = {"password_hash", "sha256", "guid", "created_at", "updated_at", "loaded_at", "imported_at"}


class OffsetMap:
    """Positions in a text before and after non-overlapping replacements ``[(start, end, new), ...]``.

    A coding that starts inside a replaced name starts at its pseudonym; one that ends inside ends after it.

    >>> m = OffsetMap("Mme Dupont est là", [(4, 10, "[P1]")])
    >>> m.text, m.start(11), m.end(10), m.start(6), m.end(6)
    ('Mme [P1] est là', 9, 8, 4, 8)
    """

    def __init__(self, text: str, replacements: list[tuple[int, int, str]]):
        self.replacements = sorted(replacements)
        self.starts = [s for s, _, _ in self.replacements]
        self.ends = [e for _, e, _ in self.replacements]
        self.new_starts, self.new_ends, self.deltas = [], [], []
        parts, delta, last = [], 0, 0
        for start, end, new in self.replacements:
            parts.append(text[last:start])
            self.new_starts.append(start + delta)
            parts.append(new)
            delta += len(new) - (end - start)
            self.new_ends.append(end + delta)
            self.deltas.append(delta)
            last = end
        parts.append(text[last:])
        self.text = "".join(parts)

    def _shift(self, k: int, position: int) -> int:
        return position + (self.deltas[k - 1] if k else 0)

    def start(self, position: int) -> int:
        k = bisect.bisect_right(self.ends, position)
        if k < len(self.starts) and self.starts[k] < position:
            return self.new_starts[k]
        return self._shift(k, position)

    def end(self, position: int) -> int:
        k = bisect.bisect_right(self.ends, position)
        if k < len(self.starts) and self.starts[k] < position:
            return self.new_ends[k]
        return self._shift(k, position)


@dataclass
class Plan:
    """What applying will do: per document its offset map and replacements, the entities, the string scrubber."""

    pseudonymiser: Pseudonymiser
    maps: dict[int, OffsetMap]
    names: dict[int, str]  # doc_id -> original name
    replaced: dict[int, list[tuple[Mention, str]]]
    forms: dict[str, str]  # an original form -> its pseudonym, for names outside the texts
    pending: int
    warnings: list[str] = field(default_factory=list)
    _scrub: re.Pattern | None = None

    def scrub(self, value: str) -> str:
        """A string with every original form replaced (document names, labels, memos, attributes)."""
        if not self.forms or not value:
            return value
        if self._scrub is None:
            ordered = sorted(self.forms, key=len, reverse=True)
            self._scrub = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in ordered) + r")(?!\w)")
        return self._scrub.sub(lambda m: self.forms[m.group()], value)

    def scrub_any(self, value):
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_any(v) for v in value]
        if isinstance(value, dict):
            return {self.scrub(k) if isinstance(k, str) else k: self.scrub_any(v) for k, v in value.items()}
        return value


def plan(project: Project, *, style: str = "label", accepted_only: bool = False, overrides: dict[str, str] | None = None
         ) -> Plan:
    """Group the detections kept (not rejected; with ``accepted_only`` only the accepted ones) into entities and
    compute each document's new text. Nothing is written."""
    if project.setting(STATE_KEY):
        raise AlreadyPseudonymised("this project is already a pseudonymised one", place=str(project.folder),
                                   fix="Pseudonymise the original project, or detect again in this one with "
                                       "`qualcoder pseudonymise detect` (its names are already pseudonyms).")
    frame = detections_frame(project.engine)
    pending = int((frame["status"] == "pending").sum())
    frame = frame[frame["status"] == "accepted"] if accepted_only else frame[frame["status"] != "rejected"]
    documents = project.documents_df(with_text=True, grouped=False)
    texts = dict(zip(documents["doc_id"], documents["text"]))
    languages = dict(zip(documents["doc_id"], documents["language"]))
    warnings: list[str] = []
    mentions: list[Mention] = []
    last_end: dict[int, tuple[int, int]] = {}
    for row in frame.sort_values(["doc_id", "start", "end"]).itertuples():
        doc_id = int(row.doc_id)
        text = texts[doc_id]
        if text[row.start:row.end] != row.text:
            raise PrivacyError(f"detection {row.id} no longer matches the document's text", place=row.doc,
                               fix="Run `qualcoder pseudonymise detect` again.")
        previous = last_end.get(doc_id)
        if previous and row.start < previous[1]:
            warnings.append(f"{row.doc}: detection {row.id} ({row.text!r}) overlaps detection {previous[0]}; "
                            f"the first one is kept")
            continue
        last_end[doc_id] = (row.id, row.end)
        mentions.append(Mention(doc_id, int(row.start), int(row.end), row.text, row.category,
                                languages[doc_id], title_of(text, int(row.start))))
    professions = _professions(project, documents)
    corpus_words = {fold(w) for text in texts.values() for w in re.findall(r"\w+", text)}
    named = {fold(m.text) for m in mentions} | {fold(w) for m in mentions for w in re.findall(r"\w+", m.text)}
    pseudonymiser = Pseudonymiser(mentions, style=style, professions=professions,
                                  corpus_words=corpus_words - named, overrides=overrides)
    replaced: dict[int, list[tuple[Mention, str]]] = {}
    forms: dict[str, str] = {}
    for mention in mentions:
        new = pseudonymiser.replacement(mention)
        replaced.setdefault(mention.doc_id, []).append((mention, new))
        if mention.category in ("person", "place", "organisation", "email", "phone", "address"):
            forms.setdefault(mention.text, new)
    maps = {doc_id: OffsetMap(texts[doc_id], [(m.start, m.end, new) for m, new in replaced.get(doc_id, [])])
            for doc_id in texts}
    if pending:
        warnings.append(f"{pending} detections were not reviewed"
                        + ("; they are left as they are (--accepted-only)" if accepted_only else
                           "; they are applied as detected"))
    return Plan(pseudonymiser, maps, dict(zip(documents["doc_id"], documents["name"])), replaced, forms, pending,
                warnings)


def _professions(project: Project, documents) -> dict[str, str]:
    """A speaker's or attendee's name (and each of its forms) -> their profession: ``[Neurologue 1]``."""
    from qualcoder.privacy.detect import name_forms

    people = [(info.label, info.profession) for info in project.speaker_infos() if info.profession]
    for column in ("attendees", "apologies"):
        for listed in documents.get(column, []):
            for person in listed if isinstance(listed, list) else []:
                if isinstance(person, dict) and person.get("profession"):
                    people.append((person.get("name", ""), person["profession"]))
    return {form: profession for label, profession in people for form in [label, *name_forms(label)]}


@dataclass(frozen=True)
class ApplyReport:
    """What applying did: the pseudonymised project's folder, the key file, the backup (in place), counts."""

    folder: Path
    key: Path
    backup: Path | None
    documents: int
    replacements: int
    entities: int
    rows: dict[str, int]
    warnings: tuple[str, ...]


def _transform(plan_: Plan) -> Callable[[str, dict], dict | None]:
    def transform(table: str, row: dict) -> dict | None:
        if table == "settings" and row.get("key") == TERMS_KEY:  # the term list holds originals, rejected ones too
            return None
        out = dict(row)
        doc_id = row.get("document_id") if table != "documents" else row.get("id")
        offsets = plan_.maps.get(doc_id)
        if table == "documents":
            out["text"] = offsets.text
            out["n_chars"] = len(offsets.text)
            out["sha256"] = hashlib.sha256(f"{row['sha256']}\0{offsets.text}".encode()).hexdigest()
        elif offsets is not None and "start" in row and "end" in row:
            out["start"], out["end"] = offsets.start(row["start"]), offsets.end(row["end"])
            if "snippet" in row:
                out["snippet"] = offsets.text[out["start"]:out["end"]]
        for name, value in row.items():
            if name in UNCHANGED_COLUMNS or (name in ("text", "snippet") and table in ("documents", "codings")):
                continue
            if isinstance(value, (str, list, dict)):
                out[name] = plan_.scrub_any(value)
        return out

    return transform


def _state(plan_: Plan, key_id: str, originals: list[str]) -> dict:
    return {"key_id": key_id, "applied_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "original_sha256": originals, "entities": len(plan_.pseudonymiser.entities)}


def apply(project: Project, actor: str, key_path: str | Path, *, output: str | Path | None = None, in_place: bool = False,
          style: str = "label", accepted_only: bool = False, overrides: dict[str, str] | None = None,
          progress: Callable[[str, int, int], None] | None = None) -> ApplyReport:
    """Write the pseudonymised project to ``output`` (a new SQLite project folder), or rewrite this project after a
    backup (``in_place``; the backup goes next to the key, outside the project: it holds the original texts).

    >>> # apply(project, "alice", "/secure/study.key.json", output="study-pseudo")
    >>> # -> ApplyReport(folder=Path("study-pseudo"), key=Path("/secure/study.key.json"), replacements=41, ...)
    """
    from qualcoder.store.rewrite import copy_store, rewrite_store

    project.gate.authorize(actor, "pseudonymise")
    if not in_place and output is None:
        raise PrivacyError("give a folder for the pseudonymised copy, or choose in place", place="apply",
                           fix="Use --output FOLDER (a new folder), or --in-place (after a backup).")
    plan_ = plan(project, style=style, accepted_only=accepted_only, overrides=overrides)
    key_path = Path(key_path).expanduser().absolute()
    target_folder = Path(project.folder if in_place else output).absolute()
    keyfile.check_place(key_path, [Path(project.folder).absolute(), target_folder])
    if not in_place and target_folder.exists():
        raise CopyTargetExists("the folder exists", place=target_folder, fix="Give a new folder for the copy.")
    key_id = uuid.uuid4().hex
    documents = project.documents_df(with_text=False, grouped=False)
    originals = documents["sha256"].tolist()
    transform = _transform(plan_)

    def drop(table: str) -> bool:
        return table in DROPPED or table.startswith("lexico_")

    backup = None
    if in_place:
        backup = project.backup("pseudonymise in place", output=key_path.with_name(key_path.stem + ".qcbackup"))
        rows = rewrite_store(project.engine, transform, drop, progress)
        result, copy_identity = project, {"project": project.config.name, "created": project.config.created}
    else:
        from qualcoder.project import Project

        target_folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".pseudonymise-", dir=target_folder.parent))
        try:
            result = Project.create(work / "project", name=f"{project.config.name}-pseudonymised")
            rows = copy_store(project.engine, result.engine, transform, drop, progress)
            copy_identity = {"project": result.config.name, "created": result.config.created}
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    payload = keyfile.payload(key_id, plan_, {"project": project.config.name, "created": project.config.created},
                              copy_identity)
    try:
        _mark(result, actor, _state(plan_, key_id, originals), len(plan_.maps))
        keyfile.write(key_path, payload)
    except BaseException:
        if not in_place:
            result.close()
            shutil.rmtree(work, ignore_errors=True)
        raise
    if not in_place:
        result.close()
        (work / "project").rename(target_folder)
        shutil.rmtree(work, ignore_errors=True)
    replacements = sum(len(v) for v in plan_.replaced.values())
    return ApplyReport(target_folder, key_path, backup, len(plan_.maps), replacements,
                       len(plan_.pseudonymiser.entities), rows, tuple(plan_.warnings))


def _mark(project: Project, actor: str, state: dict, documents: int) -> None:
    """Record in the pseudonymised project that it is one (and which original documents it came from)."""
    def work(changes) -> None:
        changes.insert("settings", {"key": STATE_KEY, "value": state})

    project.act(actor, "pseudonymise", f"pseudonymised: {documents} documents, {state['entities']} entities",
                     work, undoable=False)


def state(project: Project) -> dict | None:
    """The pseudonymisation record of a pseudonymised project (None for any other)."""
    return project.setting(STATE_KEY)


def summary(plan_: Plan) -> list[dict]:
    """One row per entity: category, pseudonym, forms found, mentions (for a preview before applying)."""
    counts: dict[int, int] = {}
    for items in plan_.replaced.values():
        for mention, _ in items:
            entity = plan_.pseudonymiser.entity(mention)
            counts[entity.id] = counts.get(entity.id, 0) + 1
    return [{"entity": e.id, "category": e.category, "pseudonym": e.pseudonym, "forms": json.dumps(sorted(e.forms),
             ensure_ascii=False), "mentions": counts.get(e.id, 0)} for e in plan_.pseudonymiser.entities]
