"""Project: a folder with ``qualcoder.toml`` and its store; every operation the CLI and explorer call."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from qualcoder import ingest
from qualcoder.coding import COUNTED_STATUSES, codebook_edits, edits, manual
from qualcoder.coding.codebook import Codebook, load_codebook
from qualcoder.coding.codebooks import CodebookChange, active_codebook, load_into, require_code
from qualcoder.config import CONFIG_NAME, ProjectConfig, read_config, write_config
from qualcoder.errors import InputFileError, NotSegmented, ProjectExists, QualcoderError
from qualcoder.ingest.metadata import (
    DocumentMeta,
    SpeakerInfo,
    load_metadata,
    load_speakers,
    match_metadata,
    speaker_applies,
)
from qualcoder.ingest.report import document_report
from qualcoder.ingest.speakers import SpeakerLayout
from qualcoder.ingest.structure import default_role, parse_structure, same_person
from qualcoder.models import Document, DocumentReport, ImportFailure, ImportReport, ParsedDocument, Section, Turn
from qualcoder.store.database import make_engine, upgrade
from qualcoder.store.repository import CodingSync, DocumentConflict, Repository, Revision
from qualcoder.study import documents as study_documents
from qualcoder.study import speakers as study_speakers
from qualcoder.study.speakers import apply_groups
from qualcoder.team import accounts
from qualcoder.team.accounts import InvalidSetting
from qualcoder.text.segment import parse_blocks_of, parse_method, segment_document

if TYPE_CHECKING:
    from qualcoder.store.journal import Action, Changes
    from qualcoder.text.parse import Parse

T = TypeVar("T")
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as long work advances (the CLI draws a bar from it)."""

DEFAULT_SESSION_MINUTES, MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 30.0, 0.05, 7 * 24 * 60.0  # 0.05: 3 s, for tests
SEGMENT_COLUMNS = ["segment_id", "doc_id", "doc", "type", "date", "speaker", "profession", "role", "organisation",
                   "language", "section", "start", "end", "text"]


class Project:
    """A qualcoder project.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "my-study"
    >>> p = Project.create(folder)
    >>> (folder / "qualcoder.toml").is_file(), len(p.documents_df())
    (True, 0)
    """

    def __init__(self, folder: Path, config: ProjectConfig):
        self.folder = folder
        self.config = config
        self.engine = make_engine(config.database_url(folder))
        self.migration_backup = upgrade(self.engine)  # the SQLite copy made before a migration, if any
        self.repo = Repository(self.engine)
        self.gate = accounts.Gate(team=bool(self.repo.users()))  # team mode: who may write what
        self.repo.gate = self.gate
        accounts.guard_engine(self.engine, self.gate)
        self._derived: dict[str, tuple[Hashable, object]] = {}  # name -> (key, value): see ``cached``
        self._codebook: tuple[tuple, Codebook] | None = None  # (codebook row id and version, its parse)

    def cached(self, name: str, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from the project (``build()``), kept on this ``Project`` under ``name`` while ``key``
        stays equal: features key it on what the value depends on (parts of ``revision()``), so a change rebuilds it.
        The topic fits keep their segments' content lemmas here between two fits.

        >>> import tempfile, pathlib
        >>> p = Project.create(pathlib.Path(tempfile.mkdtemp()) / "c")
        >>> p.cached("answer", 1, lambda: 42), p.cached("answer", 1, lambda: 0), p.cached("answer", 2, lambda: 7)
        (42, 42, 7)
        """
        found = self._derived.get(name)
        if found is None or found[0] != key:
            found = self._derived[name] = (key, build())
        return found[1]

    # team mode -----------------------------------------------------------------------------------
    def login(self, name: str, password: str) -> accounts.User:
        """Log in to a shared project (for this thread of work); ``[Q263]`` on a wrong name or password."""
        user = accounts.verify(self, name, password)
        accounts.set_current_user(user)
        return user

    def refresh_team(self) -> None:
        """Team mode starts with the first user (and ends with the last one removed)."""
        self.gate.team = bool(self.repo.users())

    def users_df(self) -> pd.DataFrame:
        return pd.DataFrame([(u.name, u.role, u.created_at) for u in self.repo.users()],
                            columns=["name", "role", "created_at"])

    def add_user(self, name: str, password: str, role: str) -> None:
        """Add a user (the first must be an owner: it makes the project shared, with logins and roles)."""
        accounts.add_user(self, name, password, role)

    def set_role(self, name: str, role: str, actor: str) -> None:
        accounts.set_role(self, name, role, actor)

    def remove_user(self, name: str, actor: str) -> None:
        accounts.remove_user(self, name, actor)

    def set_password(self, name: str, password: str, actor: str) -> None:
        accounts.set_password(self, name, password, actor)

    def set_blind(self, on: bool, actor: str) -> None:
        """Blind coding (owner): each coder sees only their own codings, for an independent double-coding round."""
        def work(changes) -> None:
            rows = changes.rows("settings", key="blind")
            if rows:
                changes.update("settings", rows[0]["id"], {"value": {"on": on}})
            else:
                changes.insert("settings", {"key": "blind", "value": {"on": on}})

        self.repo.act(actor, "setting", f"blind coding {'on' if on else 'off'}", work)

    def blind(self) -> bool:
        return bool((self.repo.setting("blind") or {}).get("on"))

    def set_session_timeout(self, minutes: float, actor: str) -> None:
        """How long (owner) an explorer login stays valid without any action; ``[Q264]`` unless 3 seconds to 7 days.

        >>> # p.set_session_timeout(20, "alice")
        """
        if not MIN_SESSION_MINUTES <= float(minutes) <= MAX_SESSION_MINUTES:
            raise InvalidSetting(f"an idle timeout of {minutes} minutes is out of range", place="session timeout",
                                 fix=f"Give {MIN_SESSION_MINUTES:g} to {MAX_SESSION_MINUTES:g} minutes.")

        def work(changes) -> None:
            rows = changes.rows("settings", key="session")
            if rows:
                changes.update("settings", rows[0]["id"], {"value": {"idle_minutes": float(minutes)}})
            else:
                changes.insert("settings", {"key": "session", "value": {"idle_minutes": float(minutes)}})

        self.repo.act(actor, "setting", f"explorer logins expire after {minutes:g} idle minutes", work)

    def session_timeout(self) -> float:
        """Minutes an explorer login stays valid without any action (default 30)."""
        return float((self.repo.setting("session") or {}).get("idle_minutes", DEFAULT_SESSION_MINUTES))

    # opening -------------------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: str | Path, database: str | None = None, name: str | None = None) -> Project:
        """Create a project folder with ``qualcoder.toml`` and an empty store (SQLite unless ``database``)."""
        folder = Path(folder)
        if (folder / CONFIG_NAME).exists():
            raise ProjectExists("a project already exists here", place=folder,
                                fix="Open it with --project, or choose another folder.")
        config = ProjectConfig(name=name or folder.name)
        if database:
            config.database = database
        folder.mkdir(parents=True, exist_ok=True)
        write_config(folder, config)
        try:
            return cls(folder, config)
        except QualcoderError:
            (folder / CONFIG_NAME).unlink()
            raise

    @classmethod
    def open(cls, folder: str | Path = ".") -> Project:
        """Open an existing project; migrate its schema if needed (SQLite is backed up first)."""
        folder = Path(folder)
        return cls(folder, read_config(folder))

    def close(self) -> None:
        self.engine.dispose()

    # backup and restore ----------------------------------------------------------------------------
    def backup(self, reason: str, output: str | Path | None = None) -> Path:
        """Back the store up to one ``.qcbackup`` file (default: ``backups/`` in the project folder); returns it.

        Every destructive command calls it first, with its name as ``reason`` (only the 10 newest automatic
        backups are kept; ``reason="manual"``, what ``qualcoder backup`` gives, are never pruned).

        >>> # p.backup("codebook load --force")  ->  Path("my-study/backups/20261201-101500-…-codebook-load-force.qcbackup")
        """
        from qualcoder.store import backup

        target = Path(output) if output else backup.default_path(self.folder, reason)
        written = backup.write_backup(self.engine, self._identity(), target, reason)
        if output is None and reason != "manual":
            backup.prune_automatic(target.parent)
        return written

    def restore(self, path: str | Path) -> Path:
        """Replace the store with a backup's; the current state is backed up first (that backup is returned).

        Refuses a backup of a newer schema, of another kind of database, or of another project (a backup can go
        into an empty new project, which then takes its identity).
        """
        from qualcoder.store import backup

        manifest = backup.read_manifest(Path(path))
        empty = self.repo.counts()["documents"] == 0
        backup.check_restorable(manifest, Path(path), self.engine, self._identity(), empty)
        before = self.backup("before restore")
        backup.restore_backup(self.engine, Path(path))
        if (manifest["project"], manifest["created"]) != (self.config.name, self.config.created):
            self.config.name, self.config.created = manifest["project"], manifest["created"]
            write_config(self.folder, self.config)
        return before

    def _identity(self) -> dict[str, str]:
        return {"project": self.config.name, "created": self.config.created}

    # import --------------------------------------------------------------------------------------
    def import_files(
        self,
        paths: Sequence[str | Path],
        meta: str | Path | None = None,
        speakers: str | Path | None = None,
        language: str | None = None,
        progress: Progress | None = None,
        speakers_layout: str | None = None,
    ) -> ImportReport:
        """Import files and folders; each file in its own transaction. Failures are reported, not raised.

        A folder's own ``metadata.csv`` and ``speakers.csv`` are used when ``meta``/``speakers`` are not given.
        Errors in those CSV files stop the import before anything is written. ``speakers_layout`` (default: the
        project's ``[import] speakers_layout``, else ``auto``) says how speaker labels are written: a preset
        (``colon``, ``line``, ``parliament``, ...) or ``regex:PATTERN`` with a ``speaker`` group. When the project
        is already segmented, new documents are parsed and segmented with its current method.

        ``report.documents`` says, per document, how many turns and speakers were found and what to check.
        """
        report = ImportReport()
        layout = SpeakerLayout.parse(speakers_layout or self.config.speakers_layout)
        explicit_layout = layout if (speakers_layout or self.config.speakers_layout) not in (None, "auto") else None
        meta_tables = self._metadata_tables(paths, meta)
        speaker_infos = self._speaker_infos(paths, speakers)
        if speaker_infos:
            self.repo.upsert_speakers(speaker_infos)
        known = self.repo.speakers()
        files = ingest.collect_files(paths)
        stored: list[tuple[int, ParsedDocument]] = []
        for done, (file, root) in enumerate(files, start=1):
            name = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.name
            try:
                document_meta = _find_meta(meta_tables, file)
                labels = [s for s in known if speaker_applies(s.file, name)]
                parsed = ingest.parse_file(file, name, document_meta, labels, language, explicit_layout,
                                           self.config.models)
                stored.extend(self._store(parsed, report))
            except QualcoderError as error:
                report.failures.append(ImportFailure(str(file), error.code, str(error)))
            except Exception as error:  # an unforeseen reader failure must not stop the batch
                failure = InputFileError(f"unexpected error while reading ({type(error).__name__}: {error})", place=file)
                report.failures.append(ImportFailure(str(file), failure.code, str(failure)))
            if progress:
                progress("import", done, len(files))
        segments = self._segment_new([doc_id for doc_id, _ in stored], report, progress)
        for doc_id, document in stored:
            summary = document_report(document, segments.get(doc_id) if segments is not None else None)
            report.documents.append(summary)
            report.warnings.extend(f"{document.name}: {warning}" for warning in summary.warnings)
        return report

    def _store(self, parsed: list[ParsedDocument], report: ImportReport) -> list[tuple[int, ParsedDocument]]:
        """Store one file's documents in one transaction; a document stored meanwhile by another import (the same
        text, or the same name) is found again and reported as a duplicate or renamed, never an error."""
        from qualcoder.privacy.guard import refuse_originals

        refuse_originals(self, parsed)
        for attempt in range(3):
            duplicates, warnings, fresh, identities = [], [], [], set()
            for document in parsed:
                existing = self.repo.duplicate_of(document.sha256)
                if existing or document.sha256 in identities:
                    duplicates.append((document.name, existing or document.name.split("#", 1)[0]))
                    continue
                identities.add(document.sha256)
                names = {d.name for d in fresh}
                if self.repo.name_taken(document.name) or document.name in names:
                    new_name = _free_name(document.name, lambda n, names=names: self.repo.name_taken(n) or n in names)
                    warnings.append(f"{document.name} differs from the document of that name already in the "
                                    f"project; imported as {new_name}")
                    document = _renamed(document, new_name)
                fresh.append(document)
            try:
                ids = self.repo.add_documents(fresh) if fresh else []
            except DocumentConflict:
                if attempt == 2:
                    raise
                continue
            report.duplicates.extend(duplicates)
            report.warnings.extend(warnings)
            report.added.extend(d.name for d in fresh)
            return list(zip(ids, fresh))
        return []

    def _segment_new(self, doc_ids: list[int], report: ImportReport, progress: Progress | None
                     ) -> dict[int, int] | None:
        """Parse and segment documents added after the project was segmented, with its current method. None when
        the project has no segmentation yet; a document that cannot be parsed is reported and left unsegmented."""
        method = self.repo.segmentation()
        if method is None or not doc_ids:
            return None
        counts = {doc_id: 0 for doc_id in doc_ids}
        try:
            counts.update(self._segment_documents(doc_ids, method, progress))
        except QualcoderError as error:
            report.warnings.append(f"the new documents were not segmented ({error}); they are left out of every "
                                   f"analysis until you run `qualcoder segment --by {method}`")
            return {}
        return counts

    def _segment_documents(self, doc_ids: list[int], method: str, progress: Progress | None = None,
                           n_process: int = 1) -> dict[int, int]:
        """Parse what needs it and (re)build these documents' segments inside the current segmentation."""
        texts = {doc_id: value for doc_id, value in self.repo.texts().items() if doc_id in set(doc_ids)}
        turns = self.repo.turns()
        self.ensure_parses(texts, turns, n_process=n_process, progress=progress)
        parses = self.repo.parses(doc_ids)
        rows, counts = [], {}
        for doc_id in sorted(texts):
            spans = segment_document(texts[doc_id][1], turns.get(doc_id, []), parses.get(doc_id), parse_method(method))
            counts[doc_id] = len(spans)
            rows.extend({"document_id": doc_id, "position": position, "start": span.start, "end": span.end,
                         "speaker": span.speaker, "section": span.section, "turn": span.turn}
                        for position, span in enumerate(spans))
        self.repo.add_segments(doc_ids, rows)
        return counts

    def redetect_turns(self, documents: Sequence[int | str] | None = None, speakers_layout: str | None = None,
                       progress: Progress | None = None) -> list[DocumentReport]:
        """Find the speaker turns again in imported documents (all when ``documents`` is None), with a layout
        (``speakers_layout``; default: the project's, else ``auto``) and the current speakers.csv entries.

        The text does not change, so codings keep their offsets; the documents are re-parsed and re-segmented
        with the project's current segmentation method.

        >>> # p.redetect_turns(["debat.txt"], speakers_layout="line")[0].turns
        """
        layout = SpeakerLayout.parse(speakers_layout or self.config.speakers_layout)
        frame = self.repo.documents_frame(with_text=False)
        chosen = [self.document(key).id for key in documents] if documents else [int(i) for i in frame["doc_id"]]
        sections = self.repo.sections()
        known = self.repo.speakers()
        reports, changed = [], []
        for done, doc_id in enumerate(chosen, start=1):
            document = self.document(doc_id)
            labels = frozenset(s.label for s in known if speaker_applies(s.file, document.name))
            headings = tuple(_heading_span(document.text, section.start) for section in sections.get(doc_id, []))
            survey_default = document.format in ("csv", "xlsx") and layout.preset == "auto"
            structure = parse_structure(document.text, minutes=document.doc_type == "minutes", known_speakers=labels,
                                        heading_spans=headings, layout=SpeakerLayout("none") if survey_default
                                        else layout, markdown=document.format == "md")
            speakers = {t.speaker for t in structure.turns if t.speaker}
            doc_type = "interview" if document.doc_type == "document" and len(speakers) >= 2 else None
            self.repo.replace_turns(doc_id, structure.turns, doc_type)
            changed.append(doc_id)
            parsed = ParsedDocument(document.name, document.text, document.format, "", document.sha256,
                                    doc_type or document.doc_type, document.language, document.date,
                                    document.attributes, tuple(structure.sections), tuple(structure.turns),
                                    layout=structure.layout)
            reports.append(parsed)
            if progress:
                progress("turns", done, len(chosen))
        method = self.repo.segmentation()
        counts = self._segment_documents(changed, method, progress) if method and changed else {}
        return [document_report(p, counts.get(doc_id) if method else None) for p, doc_id in zip(reports, changed)]

    def remove_document(self, key: int | str, actor: str | None = None) -> dict[str, int]:
        """Remove a document and everything anchored to it (codings, memos on it or its codings, topic
        assignments, turns, segments, parse), in one transaction, after a backup (``backups/``); returns how many of
        each were removed. ``actor``: who removes it (default: the logged-in user).

        >>> # p.remove_document("survey.csv#12")["codings"]
        """
        document = self.document(key)
        user = accounts.current_user()
        actor = actor or (user.name if user else "owner")
        self.gate.authorize(actor, "document-remove")
        self.backup(f"documents remove {document.name}")
        return self.repo.remove_document(document.id, actor)

    def _metadata_tables(self, paths, meta) -> list[tuple[Path, dict[str, DocumentMeta]]]:
        if meta:
            return [(Path(meta).parent, load_metadata(meta))]
        tables = []
        for path in map(Path, paths):
            if path.is_dir() and (path / "metadata.csv").is_file():
                tables.append((path, load_metadata(path / "metadata.csv")))
        return tables

    def _speaker_infos(self, paths, speakers) -> list[SpeakerInfo]:
        if speakers:
            return load_speakers(speakers)
        infos = []
        for path in map(Path, paths):
            if path.is_dir() and (path / "speakers.csv").is_file():
                infos.extend(load_speakers(path / "speakers.csv"))
        return infos

    def import_speakers(self, path: str | Path) -> int:
        """Add or update speaker roles and attributes from a speakers CSV."""
        return self.repo.upsert_speakers(load_speakers(path))

    # segmentation --------------------------------------------------------------------------------
    def segment(self, by: str = "sentence", n_process: int = 1, progress: Progress | None = None) -> int:
        """Replace the segmentation; parse (once) the documents not parsed with the current pipelines.

        Returns the number of segments.
        """
        method = parse_method(by)
        texts = self.repo.texts()
        turns = self.repo.turns()
        self.ensure_parses(texts, turns, n_process=n_process, progress=progress)
        parses = self.repo.parses()
        rows = []
        for doc_id in sorted(texts):
            _, text = texts[doc_id]
            for position, span in enumerate(segment_document(text, turns.get(doc_id, []), parses.get(doc_id),
                                                             method)):
                rows.append({"document_id": doc_id, "position": position, "start": span.start, "end": span.end,
                             "speaker": span.speaker, "section": span.section, "turn": span.turn})
        return self.repo.replace_segments(str(method), rows)

    def ensure_parses(self, texts=None, turns=None, n_process: int = 1, progress: Progress | None = None) -> int:
        """Parse every document whose cached parse is missing or from another pipeline; return how many."""
        from qualcoder.text import nlp

        texts = self.repo.texts() if texts is None else texts
        turns = self.repo.turns() if turns is None else turns
        stored = self.repo.parse_pipelines()
        todo: dict[str, list[int]] = {}
        keys = {}
        for doc_id, (language, _) in sorted(texts.items()):
            if language not in keys:
                keys[language] = nlp.pipeline_key(self.nlp(language))
            if stored.get(doc_id) != keys[language]:
                todo.setdefault(language, []).append(doc_id)
        total, done = sum(len(ids) for ids in todo.values()), 0
        for language, doc_ids in todo.items():
            model = self.config.models.get(language, "auto")
            items = ((doc_id, parse_blocks_of(texts[doc_id][1], turns.get(doc_id, []))) for doc_id in doc_ids)
            batch = []
            for doc_id, parse in nlp.parse_documents(language, model, items, n_process=n_process):
                batch.append((doc_id, keys[language], parse))
                done += 1
                if len(batch) >= 50:
                    self.repo.save_parses(batch)
                    batch = []
                if progress:
                    progress("parse", done, total)
            self.repo.save_parses(batch)
        return total

    def stale_parses(self) -> dict[str, int]:
        """Per language, how many documents were parsed by another pipeline than the one configured now (an
        English model installed since, say): ``reparse`` brings them up to date."""
        from qualcoder.text import nlp

        stored, keys, stale = self.repo.parse_pipelines(), {}, {}
        for doc_id, (language, _) in self.repo.texts().items():
            if language not in keys:
                keys[language] = nlp.pipeline_key(self.nlp(language))
            if stored.get(doc_id) != keys[language]:
                stale[language] = stale.get(language, 0) + 1
        return stale

    def reparse(self, n_process: int = 1, progress: Progress | None = None) -> dict:
        """Parse again the documents whose parse is from another pipeline, then rebuild the segments with the
        same method. Every coding is kept as it was: codings anchor to document offsets, not to the parse.

        >>> # p.reparse() -> {"parsed": 12, "segmentation": "sentence", "segments": 1240, "codings": 4178}
        """
        before = len(self.repo.codings_frame(columns=["id"]))
        parsed = self.ensure_parses(n_process=n_process, progress=progress)
        method = self.repo.segmentation()
        segments = self.segment(method, n_process=n_process, progress=progress) if method and parsed else None
        after = len(self.repo.codings_frame(columns=["id"]))
        return {"parsed": parsed, "segmentation": method, "segments": segments, "codings": after,
                "codings_before": before}

    def nlp(self, language: str):
        """The spaCy pipeline this project uses for a language (loaded once per process)."""
        from qualcoder.text.nlp import load_pipeline  # spaCy is imported only when a pipeline is needed

        return load_pipeline(language, self.config.models.get(language, "auto"))

    # what features read and write (the store stays behind the project) ------------------------------
    def has_codebook(self) -> bool:
        """Whether a codebook is loaded (``codebook()`` raises ``[Q504]`` when none is)."""
        return self.repo.active_codebook() is not None

    def texts(self) -> dict[int, str]:
        """doc_id -> the document's text (read in one query: slice it for codings and segments)."""
        return {doc_id: text for doc_id, (_, text) in self.repo.texts().items()}

    def turns(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[Turn]]:
        """doc_id -> its speaker turns in order (every document's, or only those of ``doc_ids``)."""
        return self.repo.turns(doc_ids)

    def sections(self, doc_ids: Iterable[int] | None = None) -> dict[int, list[Section]]:
        """doc_id -> its sections in order (every document's, or only those of ``doc_ids``)."""
        return self.repo.sections(doc_ids)

    def parses(self, doc_ids: Iterable[int] | None = None) -> dict[int, Parse]:
        """doc_id -> its stored parse (tokens, lemmas, sentences), for every parsed document or ``doc_ids``."""
        return self.repo.parses(None if doc_ids is None else list(doc_ids))

    def segmentation(self) -> str | None:
        """The current segmentation method (``sentence``, ``turn``...), None before ``segment``."""
        return self.repo.segmentation()

    def counts(self) -> dict[str, int]:
        """How many documents, segments, codings, memos... the store holds (``status()["totals"]`` without words)."""
        return self.repo.counts()

    def coding(self, coding_id: int) -> dict | None:
        """One stored coding as a dict of its columns (``document_id``, ``start``, ``end``, ``code``...), or None."""
        return self.repo.coding(int(coding_id))

    def stored_codings(self, columns: list[str] | None = None, **match) -> pd.DataFrame:
        """The codings as stored (``document_id``, not names nor labels; every column or ``columns``), in id
        order; ``match`` keeps those whose ``document``, ``code``, ``coder``, ``source`` or ``status`` is a value
        (or one of several), and ``not_status`` drops one status. ``codings_df`` is the table for people.

        >>> # p.stored_codings(["code", "start"], coder="alice", status=["applied", "accepted"])
        """
        return self.repo.codings_frame(columns, **match)

    def count_codings(self, **match) -> int:
        """How many codings ``match`` keeps (as ``stored_codings``), whoever may see them."""
        return self.repo.count_codings(**match)

    def document_name_taken(self, name: str) -> bool:
        """Whether a document of the project already has this name."""
        return self.repo.name_taken(name)

    def refi_guids(self) -> dict[tuple[str, str], str]:
        """(kind, key) -> the GUID the object had in the .qdpx it was imported from (kept on export)."""
        return self.repo.refi_guids()

    def framework_summaries(self, matrix: str, rows: str) -> pd.DataFrame:
        """row, code, summary, author, updated_at of a framework matrix's summarised cells."""
        return self.repo.framework_summaries(matrix, rows)

    def act(self, actor: str, kind: str, summary: str, work: Callable[[Changes], T], *,
            undoable: bool = True) -> tuple[T, Action]:
        """Run ``work(changes)`` and log it as one action of ``actor`` in the same transaction (undo/redo and the
        history read it); refused (``[Q261]``) when the logged-in user may not. Every user action goes through it.

        >>> # p.act("alice", "setting", "blind coding on", lambda changes: changes.insert("settings", {...}))
        """
        return self.repo.act(actor, kind, summary, work, undoable=undoable)

    def setting(self, key: str) -> dict | None:
        """A project setting's value (``blind``, ``session``, ``privacy``...), None when never set."""
        return self.repo.setting(key)

    def speaker_infos(self) -> list[SpeakerInfo]:
        """The speakers.csv entries stored with the project (label, role, profession, organisation, file)."""
        return self.repo.speakers()

    def speaker_labels(self) -> set[str]:
        """Every speaker label the documents' turns carry."""
        return set(self.repo.turns_frame()["speaker"].dropna())

    def value_groups(self) -> dict[str, dict[str, str]]:
        """attribute -> {value: group} of the values counted as one group (``set_group``)."""
        return self.repo.value_groups()

    def parse_pipelines(self) -> dict[int, str]:
        """doc_id -> the key of the pipeline that made its stored parse."""
        return self.repo.parse_pipelines()

    def stored_segments(self) -> pd.DataFrame:
        """The segments as stored (segment_id, doc_id, position, offsets, speaker, section_index, turn), without
        the document, speaker and text columns ``segments_df`` joins."""
        return self.repo.segments_frame()

    def code_versions(self, source: str) -> dict[str, str | None]:
        """code -> the codebook version its codings from ``source`` (``rules``...) were made with."""
        return self.repo.code_versions(source)

    def codebook_history(self) -> dict[str, tuple[dict, str]]:
        """version -> (content, source) of every codebook the project ever loaded."""
        return self.repo.codebook_history()

    def sync_codings(self, rows: list[dict], actor: str, kind: str, summary: str, **match) -> CodingSync:
        """Make the codings ``match`` keeps (as ``stored_codings``) equal ``rows``: how rules and models store their
        codings, re-run rather than undone; a coding a person accepted or rejected is kept."""
        return self.repo.sync_codings(rows, actor, kind, summary, **match)

    def stored_topic_runs(self) -> pd.DataFrame:
        """The topic runs as stored (id, name, created_at, segmentation, params, report), oldest first."""
        return self.repo.topic_runs_frame()

    def stored_topics(self, run_id: int) -> pd.DataFrame:
        """language, topic, label, words, size of one stored topic run."""
        return self.repo.topics_frame(run_id)

    def stored_topic_assignments(self, run_id: int) -> pd.DataFrame:
        """segment -> topic (with its document, offsets, language and probability) of one stored topic run."""
        return self.repo.topic_assignments_frame(run_id)

    def topic_run_taken(self, name: str) -> bool:
        """Whether a topic run already has this name."""
        return self.repo.topic_run_taken(name)

    def save_topic_run(self, name: str, params: dict, report: dict, topics: list[dict], assignments: list[dict],
                       complete_report: Callable[[], dict] | None = None) -> int:
        """Store a fitted run (on the current segmentation) in one transaction; returns its id. ``complete_report``
        is called once the rows are written, before the commit, and its report replaces ``report``."""
        return self.repo.save_topic_run(name, self.segmentation() or "", params, report, topics, assignments,
                                        complete_report=complete_report)

    def use_codebook(self, book: Codebook, force: bool = False, merge: dict[str, str] | None = None, *,
                     dry_run: bool = False, actor: str = "codebook") -> CodebookChange:
        """Make a parsed codebook the project's codebook (as ``load_codebook``, without reading a file or backing
        up: the caller decides)."""
        return load_into(self.repo, book, force=force, merge=merge, dry_run=dry_run, actor=actor)

    # tables --------------------------------------------------------------------------------------
    def document(self, key: int | str) -> Document:
        return self.repo.document(key)

    def documents_df(self, with_text: bool = True, grouped: bool = True) -> pd.DataFrame:
        """One row per document: doc_id, name, type, language, date, its attributes as columns, text. Values put
        in a group (``set_group``) read as their group unless ``grouped=False``."""
        frame = self.repo.documents_frame(with_text=with_text)
        attributes = pd.json_normalize(frame["attributes"].tolist(), max_level=0) if len(frame) else pd.DataFrame()
        attributes = attributes.drop(columns=[c for c in attributes.columns if c in frame.columns], errors="ignore")
        frame = pd.concat([frame.drop(columns=["attributes"]), attributes.set_index(frame.index)], axis=1)
        if with_text:
            frame["n_words"] = frame["text"].str.split().str.len()
            frame = frame[[c for c in frame.columns if c != "text"] + ["text"]]
        return apply_groups(frame, self.repo.value_groups()) if grouped else frame

    def speakers_df(self, grouped: bool = True) -> pd.DataFrame:
        """One row per (document, speaker label): role, profession, organisation, number of turns (values in a
        group read as their group unless ``grouped=False``)."""
        turns = self.repo.turns_frame().dropna(subset=["speaker"])
        counts = turns.groupby(["doc_id", "speaker"]).size().rename("turns").reset_index()
        resolved = self._resolve_speakers(counts, grouped=grouped)
        return counts.merge(resolved, on=["doc_id", "speaker"], how="left")

    def set_speaker(self, actor: str, doc: int | str, label: str, **fields) -> None:
        """Correct a speaker of a document: ``role``, ``profession``, ``organisation``, ``attributes`` (undoable).

        >>> # p.set_speaker("alice", "cr-2004-03-11.txt", "Dr Morel", profession="neurologue")
        """
        study_speakers.set_speaker(self, actor, doc, label, **fields)

    def set_document(self, actor: str, doc: int | str, **fields) -> None:
        """Correct a document's ``doc_type``, ``date`` or ``attributes`` (``remove=[...]`` drops some); undoable."""
        study_documents.set_document(self, actor, doc, **fields)

    def set_group(self, actor: str, attribute: str, values: Sequence[str], group: str) -> None:
        """Count ``values`` of ``attribute`` as one ``group`` in every table, chart and export (undoable).

        >>> # p.set_group("alice", "profession", ["GP", "general practitioner"], "médecin généraliste")
        """
        study_speakers.set_group(self, actor, attribute, values, group)

    def remove_group(self, actor: str, attribute: str, value: str) -> None:
        study_speakers.remove_group(self, actor, attribute, value)

    def groups_df(self) -> pd.DataFrame:
        return study_speakers.groups_df(self)

    def _resolve_speakers(self, pairs: pd.DataFrame, grouped: bool = True) -> pd.DataFrame:
        """role, profession and organisation of each (doc_id, speaker) pair of ``pairs``."""
        documents = {row.doc_id: row for row in self.repo.documents_frame(with_text=False).itertuples()}
        directory = _SpeakerDirectory(self.repo.speakers())
        rows = []
        for doc_id, label in zip(pairs["doc_id"].tolist(), pairs["speaker"].tolist()):
            document = documents[doc_id]
            info = directory.find(label, document.name)
            profession = info.profession if info else _attendee_profession(document.attributes, label)
            role = (info.role if info and info.role else None) or default_role(label, document.type)
            rows.append((doc_id, label, role, profession, info.organisation if info else None))
        frame = pd.DataFrame(rows, columns=["doc_id", "speaker", "role", "profession", "organisation"])
        return apply_groups(frame, self.repo.value_groups()) if grouped else frame

    def document_speakers(self, doc_id: int) -> dict[str, str | None]:
        """speaker label -> profession (or None) for the speakers of one document's turns."""
        labels = sorted({t.speaker for t in self.repo.turns([doc_id]).get(doc_id, []) if t.speaker})
        if not labels:
            return {}
        resolved = self._resolve_speakers(pd.DataFrame({"doc_id": doc_id, "speaker": labels}))
        return {row.speaker: row.profession if isinstance(row.profession, str) else None
                for row in resolved.itertuples()}

    def document_codings(self, doc_id: int) -> pd.DataFrame:
        """One document's codings (suggestions and rejected ones included), read alone: the studio redraws a
        document after each action without reading every coding of the project.

        Columns: coding_id, start, end, code, coder, source, status, confidence, memo, decided_by.
        """
        columns = ["id", "start", "end", "code", "coder", "source", "status", "confidence", "memo", "decided_by"]
        frame = self.repo.codings_frame(columns, document=int(doc_id))
        return frame.rename(columns={"id": "coding_id"})

    def segments_df(self, with_text: bool = True) -> pd.DataFrame:
        """One row per segment with its document, speaker, profession, role, language, offsets and text."""
        segments = self.repo.segments_frame()
        docs = apply_groups(self.repo.documents_frame(with_text=False), self.repo.value_groups()).rename(
            columns={"name": "doc"})[["doc_id", "doc", "type", "date", "language"]]
        frame = segments.merge(docs, on="doc_id", how="left")
        sections = self.repo.sections_frame()
        # one dtype on both sides: a project whose segments carry no section reads them as object (None)
        frame["section_index"] = frame["section_index"].astype("Int64")
        sections["section_index"] = sections["section_index"].astype("Int64")
        frame = frame.merge(sections, on=["doc_id", "section_index"], how="left")
        pairs = frame[["doc_id", "speaker"]].dropna().drop_duplicates()
        frame = frame.merge(self._resolve_speakers(pairs), on=["doc_id", "speaker"],
                            how="left")
        if with_text:
            # sliced from one text per document: merging the texts onto the segments would copy each many times
            texts = self.texts()
            frame["text"] = [texts[d][s:e] for d, s, e in zip(frame["doc_id"], frame["start"], frame["end"])]
        columns = [c for c in SEGMENT_COLUMNS if c in frame.columns or (c == "text" and with_text)]
        return frame[columns + ["position", "turn"]].reset_index(drop=True)

    def revision(self) -> Revision:
        """A fingerprint that changes whenever codings, memos, decisions, segments, the codebook or topic runs
        change: the explorer keys its cached queries on it.

        >>> import tempfile, pathlib
        >>> p = Project.create(pathlib.Path(tempfile.mkdtemp()) / "s")
        >>> p.revision() == p.revision()
        True
        """
        return self.repo.revision()

    # codebook and manual coding ---------------------------------------------------------------
    def load_codebook(self, path: str | Path, force: bool = False, merge: dict[str, str] | None = None, *,
                      dry_run: bool = False, actor: str = "codebook") -> CodebookChange:
        """Make a YAML codebook the project's codebook (human codings are never lost silently); ``dry_run`` only
        says what would change (codes added, removed, edited, rules changed). With ``force`` or ``merge`` (which keep
        or move human codings of dropped codes) the store is backed up first (``Project.backup``)."""
        book = load_codebook(path)
        if (force or merge) and not dry_run:
            self.backup("codebook load --merge" if merge else "codebook load --force")
        return self.use_codebook(book, force=force, merge=merge, dry_run=dry_run, actor=actor)

    def add_code(self, actor: str, label: str | dict[str, str], *, parent: str | None = None,
                 code_id: str | None = None, color: str | None = None, definition: str | dict[str, str] | None = None,
                 expected_version: str | None = None) -> str:
        """Add a code to the codebook (a new, undoable version); returns its id.

        >>> # p.add_code("alice", "Perte du lien clinique", parent="lien_clinique")
        """
        return codebook_edits.add_code(self, actor, label, parent=parent, code_id=code_id, color=color,
                                       definition=definition, expected_version=expected_version)

    def update_code(self, actor: str, code_id: str, **changes) -> Codebook:
        """Relabel (``label={"en": ...}``), define, give criteria, recolour or add an ``example=(text, source)``."""
        return codebook_edits.update_code(self, actor, code_id, **changes)

    def move_code(self, actor: str, code_id: str, parent: str | None, *, expected_version: str | None = None
                  ) -> Codebook:
        return codebook_edits.move_code(self, actor, code_id, parent, expected_version=expected_version)

    def merge_codes(self, actor: str, source: str, target: str, *, expected_version: str | None = None) -> Codebook:
        """Merge ``source`` into ``target``: codings, memos and children move to ``target``."""
        return codebook_edits.merge_codes(self, actor, source, target, expected_version=expected_version)

    def delete_code(self, actor: str, code_id: str, *, expected_version: str | None = None) -> Codebook:
        """Delete an unused code (refused, with the reason, while a person's coding uses it)."""
        return codebook_edits.delete_code(self, actor, code_id, expected_version=expected_version)

    def codebook(self) -> Codebook:
        """The project's current codebook (parsed once per codebook loaded: the explorer asks for it on every
        action, and parsing and hashing a 50-code codebook took 50 ms)."""
        mark = self.repo.codebook_mark()
        if mark is None or self._codebook is None or self._codebook[0] != mark:
            self._codebook = (mark, active_codebook(self.repo))
        return self._codebook[1]

    def add_coding(self, code: str, coder: str, *, segment: int | None = None, doc: int | str | None = None,
                   start: int | None = None, end: int | None = None, memo: str | None = None) -> int:
        """Code a whole segment (``segment=ID``) or a span (``doc``, ``start``, ``end``); returns the coding id.

        >>> # p.add_coding("territoire.defense", "alice", segment=12, memo="defends the GP's role")
        """
        if segment is not None:
            row = self.repo.segments_frame().set_index("segment_id")
            if segment not in row.index:
                raise manual.InvalidCoding(f"there is no segment {segment}", place="--segment",
                                           fix="List segments with `qualcoder segments`.")
            doc, start, end = int(row.loc[segment, "doc_id"]), int(row.loc[segment, "start"]), int(
                row.loc[segment, "end"])
        if doc is None or start is None or end is None:
            raise manual.InvalidCoding("say what to code", place="code add",
                                       fix="Give --segment ID, or --doc, --start and --end.")
        return self.apply_codes(doc, start, end, [code], coder, memo=memo)[0]

    def apply_codes(self, doc: int | str, start: int, end: int, codes: Sequence[str], coder: str, *,
                    memo: str | None = None, expected_text: str | None = None) -> list[int]:
        """Code ``text[start:end]`` of a document (edge blanks trimmed) with one or several codes, as one undoable
        action; returns the new coding ids. ``expected_text``: the text the coder selected (checked).

        >>> # p.apply_codes("entretien-03.txt", 120, 410, ["financement", "territoire"], "alice")
        """
        return edits.apply_codes(self, doc, start, end, codes, coder, memo=memo, expected_text=expected_text)

    def remove_coding(self, coding_id: int, coder: str | None = None) -> None:
        """Remove a coding and its memos (undoable by ``coder``, by default the coding's own coder)."""
        edits.remove_coding(self, coding_id, coder)

    def edit_coding(self, coding_id: int, coder: str, *, code: str | None = None, memo: str | None = None) -> None:
        """Change a coding's code and/or memo (``memo=""`` clears it); undoable."""
        edits.edit_coding(self, coding_id, coder, code=code, memo=memo)

    def resize_coding(self, coding_id: int, start: int, end: int, coder: str, *,
                      expected_text: str | None = None) -> tuple[int, int]:
        """Give a coding a new span in its document (edge blanks trimmed); undoable. Returns the span."""
        return edits.resize_coding(self, coding_id, start, end, coder, expected_text=expected_text)

    def accept_suggestion(self, coding_id: int, coder: str) -> None:
        """Accept a model suggestion or a rule coding: it then counts as a person's coding."""
        edits.decide(self, coding_id, coder, accept=True)

    def reject_suggestion(self, coding_id: int, coder: str) -> None:
        """Reject a model suggestion or a rule coding: ``suggest`` and ``autocode`` never make it again."""
        edits.decide(self, coding_id, coder, accept=False)

    def add_memo(self, target: str, target_id: str | int, coder: str, text: str) -> int:
        """A memo on a ``code``, a ``document``, a ``coding`` or the ``project``; undoable."""
        return edits.add_memo(self, target, target_id, coder, text)

    def edit_memo(self, memo_id: int, coder: str, text: str) -> None:
        edits.edit_memo(self, memo_id, coder, text)

    def remove_memo(self, memo_id: int, coder: str) -> None:
        edits.remove_memo(self, memo_id, coder)

    def merge(self, other: str | Path, actor: str, *, dry_run: bool = False):
        """Bring a colleague's project (its folder, or a ``.qdpx``) into this one: documents matched by text, their
        codings, memos, decisions, speakers and new codes added, nothing of either side lost; one undoable action,
        after a backup. Returns a ``MergeReport`` (``dry_run``: what would happen).

        >>> # report = p.merge("bob-copy/", "alice"); report.codings_added, report.conflicts
        """
        from qualcoder.team.merge import merge_project

        return merge_project(self, other, actor, dry_run=dry_run)

    def framework_matrix(self, rows: str = "speaker", **options):
        """Cases (the values of ``rows``) × codes, each cell its coded excerpts and the stored summary; see
        ``qualcoder.analysis.framework``.

        >>> # p.framework_matrix("speaker", codes=["professionnalisation.avantages"]).counts()
        """
        from qualcoder.analysis.framework import framework_matrix

        return framework_matrix(self, rows, **options)

    def set_framework_summary(self, actor: str, rows: str, row: str, code: str, text: str, *,
                              name: str = "default") -> None:
        """Write (``""``: clear) your summary of a framework-matrix cell; undoable."""
        from qualcoder.analysis.framework import set_summary

        set_summary(self, actor, rows, row, code, text, name=name)

    def undo(self, coder: str):
        """Undo ``coder``'s latest action (coding, memo, decision...); returns the logged undo.

        >>> # p.undo("alice").summary
        """
        return edits.step(self.repo.undo, coder, "undo")

    def redo(self, coder: str):
        """Redo ``coder``'s latest undone action."""
        return edits.step(self.repo.redo, coder, "redo")

    def history_df(self, coder: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """The action log, newest first: id, time, actor, kind, summary, undoable, target (of an undo/redo)."""
        rows = [(a.id, a.created_at, a.actor, a.kind, a.summary, a.undoable, a.target)
                for a in self.repo.actions(coder, limit)]
        return pd.DataFrame(rows, columns=["action_id", "created_at", "actor", "kind", "summary", "undoable",
                                           "target"])

    def next_steps(self, coder: str):
        """(the action ``undo(coder)`` would undo, the one ``redo(coder)`` would redo), each None when there is none:
        what the studio's Undo and Redo buttons name.

        >>> # undo_next, redo_next = p.next_steps("alice"); undo_next.summary
        """
        return self.repo.next_steps(coder)

    def coders(self, sources: Sequence[str] = ("manual", "import")) -> list[str]:
        """Every coder with codings from these sources (by default a person's: manual or imported), sorted."""
        return self.repo.coders(sources)

    def recent_codes(self, coder: str, limit: int = 8) -> list[str]:
        """The codes ``coder`` applied by hand most recently, newest first (the studio's picker lists them first)."""
        return self.repo.recent_codes(coder, limit)

    def memos_df(self, target: str | None = None, search: str | None = None) -> pd.DataFrame:
        """Every memo (or those on one kind of ``target``, or holding ``search``, case-blind), with ``on``: what
        it is on, in words (the document's name, the code's label, the coded passage).

        >>> # p.memos_df(search="Abbott")
        """
        memos = self.repo.memos_frame()
        if target:
            memos = memos[memos["target"] == target]
        if search:
            memos = memos[memos["text"].str.contains(search, case=False, regex=False)]
        return memos.assign(on=self._memo_places(memos)).reset_index(drop=True)

    def _memo_places(self, memos: pd.DataFrame) -> list[str]:
        names = dict(self.repo.documents_frame(with_text=False)[["doc_id", "name"]].itertuples(index=False))
        book = self.codebook() if self.repo.active_codebook() else None
        labels = {c.id: next(iter(c.label.values()), "") for c in book.codes} if book else {}
        codings = self.repo.codings_frame(columns=["id", "document_id", "code", "snippet"]).set_index("id")
        places = []
        for memo in memos.itertuples():
            if memo.target == "document" and pd.notna(memo.document_id):
                places.append(names.get(int(memo.document_id), ""))
            elif memo.target == "code":
                places.append(f"{memo.target_id} — {labels.get(memo.target_id, '')}".rstrip(" —"))
            elif memo.target == "coding" and memo.coding_id in codings.index:
                row = codings.loc[memo.coding_id]
                places.append(f"{names.get(int(row['document_id']), '')} · {row['code']} · «{row['snippet'][:60]}»")
            else:
                places.append(str(memo.target_id or ""))
        return places

    def import_codings(self, path: str | Path, coder: str | None = None) -> manual.CodingsImport:
        """Import codings anchored by file and offsets; rows whose quoted text differs are reported."""
        return manual.import_codings(self.repo, self.codebook(), path, coder)

    def import_wide_codings(self, path: str | Path, coder: str, id_column: str | None = None
                            ) -> manual.CodingsImport:
        """Import a table with one 0/1 column per code and an id column matching the documents (survey rows).

        >>> # p.import_wide_codings("coded.csv", "coder_a").imported
        """
        return manual.import_wide_codings(self.repo, self.codebook(), path, coder, id_column)

    def autocode(self, codes: list[str] | None = None, dry_run: bool = False, everything: bool = False,
                 progress: Progress | None = None):
        """Code segments with the codebook's rules (stored lemmas, no re-parse); returns an AutocodeReport.

        Without ``codes`` only new codes and codes whose rules changed since their last run are redone
        (``everything=True`` redoes all). Their previous rule codings are replaced; human codings are untouched.
        """
        from qualcoder.coding.autocode import autocode

        return autocode(self, codes=codes, dry_run=dry_run, everything=everything, progress=progress)

    def unmatched_terms(self, book: Codebook | None = None) -> list[str]:
        """Pattern terms whose lemmas occur nowhere in this project's texts (a codebook lint)."""
        from qualcoder.coding.autocode import unmatched_terms

        return unmatched_terms(self, book or self.codebook())

    def train(self, coders: list[str] | None = None, random_state: int = 0, embeddings: str | None = None,
              feature_attributes: tuple[str, ...] = ()) -> dict:
        """Fit the code classifier on human codings (manual, imported, accepted); saved in ``models/``.

        ``embeddings="minilm"`` (or a local model folder) adds sentence embeddings to the TF-IDF features.
        """
        from qualcoder.coding import suggest

        return suggest.train(self, coders=coders, random_state=random_state, embeddings=embeddings,
                             feature_attributes=feature_attributes)

    def suggest(self, min_confidence: float | None = None) -> int:
        """Store the model's suggestions at each code's cut-off (or ``min_confidence``); returns how many."""
        from qualcoder.coding import suggest

        return suggest.suggest(self, min_confidence=min_confidence)

    def suggest_zero_shot(self, backend: str = "use", min_score: float | None = None, top: int = 1,
                          progress: Progress | None = None) -> dict:
        """Suggestions from the codebook alone (definitions, inclusion criteria, examples), anchored to the
        sentence that matched, accepted or rejected like the model's; cut-offs calibrated on human codings.

        >>> # p.suggest_zero_shot("use") -> {"suggestions": 120, "calibrated_codes": 40, ...}
        """
        from qualcoder.coding.zeroshot import suggest_zero_shot

        return suggest_zero_shot(self, backend, min_score=min_score, top=top, progress=progress)

    def uncertain_segments(self, n: int = 10) -> pd.DataFrame:
        """The segments the model is least sure about: code these next (active learning)."""
        from qualcoder.coding import suggest

        return suggest.uncertain(self, n)

    def evaluate(self, coders: list[str] | None = None, folds: int = 5, embeddings: str | None = None,
                 threshold: float | None = None, precision_target: float | None = None,
                 zero_shot: str | None = None, progress: Progress | None = None,
                 feature_attributes: tuple[str, ...] = ()):
        """Rules, model, zero-shot and the plain TF-IDF + logistic baseline against human codings, on the same
        document-grouped folds: an ``Evaluation`` (per code, macro/micro summary, codes left out and why).

        >>> # result = p.evaluate(zero_shot="use"); result.summary; result.per_code; result.left_out
        """
        from qualcoder.coding.evaluation import evaluate

        return evaluate(self, coders=coders, folds=folds, embeddings=embeddings, threshold=threshold,
                        precision_target=precision_target, zero_shot=zero_shot, progress=progress,
                        feature_attributes=feature_attributes)

    # agreement ---------------------------------------------------------------------------------
    def agreement(self, coders: list[str], codes: list[str] | None = None, level: str = "segment",
                  by: str = "code", include_uncoded: bool = False, variable: str | None = None,
                  replicates: int = 1000) -> pd.DataFrame:
        """Reliability figures per code (or document) and overall; ``variable`` takes an exclusive code group.

        The returned frame's ``attrs["scope"]`` states which text counted.
        """
        from qualcoder.coding import agreement

        segments, codings = self.agreement_inputs()
        book = self.codebook()
        if variable is not None:
            group = book.code(variable) if variable in {c.id for c in book.codes} else None
            if group is None or not group.exclusive:
                raise agreement.AgreementError(f"{variable!r} is not an exclusive code group", place="--variable",
                                               fix="Name a code with `exclusive: true` in the codebook.")
            values = [c.id for c in book.children(variable)]
            return agreement.variable_table(segments, codings, coders, variable, values, include_uncoded,
                                            replicates)
        codes = codes or [c.id for c in book.codes]
        for code in codes:
            require_code(book, code)
        texts = self.texts()
        return agreement.agreement_table(segments, codings, texts, coders, codes, level, by, include_uncoded,
                                         replicates)

    def disagreements(self, coders: list[str], codes: list[str] | None = None,
                      include_decided: bool = False) -> pd.DataFrame:
        """Each (segment, code) where the coders differ: the text and who applied the code and who did not.

        A disagreement an active decision settled (``resolve``) leaves the list unless ``include_decided``.
        """
        from qualcoder.coding import adjudicate, agreement

        segments, codings = self.agreement_inputs()
        units = agreement.build_units(segments, codings, coders, include_uncoded=False)
        wanted = set(codes) if codes else None
        rows = []
        for row in units.segments.itertuples():
            applied = {c: units.present[c].get(int(row.segment_id), set()) for c in coders}
            for code in sorted(set().union(*applied.values())):
                if wanted is not None and code not in wanted:
                    continue
                yes = [c for c in coders if code in applied[c]]
                if len(yes) < len(coders):
                    rows.append({"segment_id": int(row.segment_id), "doc": row.doc, "start": int(row.start),
                                 "end": int(row.end), "code": code, "applied_by": ", ".join(yes),
                                 "not_by": ", ".join(c for c in coders if c not in yes), "text": row.text})
        frame = pd.DataFrame(rows, columns=["segment_id", "doc", "start", "end", "code", "applied_by", "not_by",
                                            "text"])
        return frame if include_decided else adjudicate.undecided(self, frame)

    def resolve(self, coders: list[str], segment: int, code: str, keep: str, decided_by: str,
                replace: bool = False) -> int:
        """Decide a disagreement: ``keep`` a coder's name, ``both`` or ``neither``; returns the decision id.

        The decision builds the codings of the coder ``consensus`` and never changes the coders' own codings. An
        item decided before is refused (``[Q702]``) unless ``replace``: the new decision then replaces the old one.
        """
        from qualcoder.coding import adjudicate

        return adjudicate.resolve(self, coders, segment, code, keep, decided_by, replace=replace)

    def resolve_agreed(self, coders: list[str], decided_by: str) -> int:
        """Copy into the consensus every (segment, code) the coders all applied; returns how many."""
        from qualcoder.coding import adjudicate

        return adjudicate.resolve_agreed(self, coders, decided_by)

    def undo_decision(self, decision_id: int) -> None:
        from qualcoder.coding import adjudicate

        adjudicate.undo(self, decision_id)

    def decisions_df(self) -> pd.DataFrame:
        """Every adjudication decision, undone ones included (``reverted_at``)."""
        frame = self.repo.decisions_frame().rename(columns={"id": "decision_id", "document_id": "doc_id"})
        names = self.repo.documents_frame(with_text=False)[["doc_id", "name"]].rename(columns={"name": "doc"})
        return frame.merge(names, on="doc_id", how="left")

    # topics ------------------------------------------------------------------------------------
    def fit_topics(self, embeddings: str = "tfidf", language: str = "auto", clusterer: str = "auto",
                   min_topic_size: int | None = None, nr_topics: int | str | None = None, guided: bool = False,
                   seed: int = 0, name: str | None = None, progress: Progress | None = None):
        """Fit BERTopic (per language by default), store the run and return it as a ``TopicRun``.

        >>> # run = p.fit_topics(embeddings="minilm", clusterer="kmeans:12"); run.topics; run.code_table()
        """
        from qualcoder.topics.model import TopicOptions, fit_topics
        from qualcoder.topics.tables import TopicRun

        options = TopicOptions(embeddings, language, clusterer, min_topic_size, nr_topics, guided, seed, name)
        return TopicRun(self, fit_topics(self, options, progress))

    def topic_run(self, name: str | None = None):
        """A stored topic run by name (the latest when ``name`` is None)."""
        from qualcoder.topics.model import TopicError
        from qualcoder.topics.tables import TopicRun

        runs = self.repo.topic_runs_frame()
        if runs.empty:
            raise TopicError("no topic model has been fitted", place="project", fix="Run `qualcoder topics fit`.")
        found = runs if name is None else runs[runs["name"] == name]
        if found.empty:
            raise TopicError(f"no topic run named {name!r}", place="--run", fix="List runs: `qualcoder topics runs`.")
        return TopicRun(self, int(found.iloc[-1]["id"]))

    def topic_runs_df(self) -> pd.DataFrame:
        runs = self.repo.topic_runs_frame()
        rows = []
        for row in runs.itertuples():
            groups = row.report.get("groups", {})
            rows.append({"name": row.name, "created_at": row.created_at, "segmentation": row.segmentation,
                         "embeddings": row.params.get("embeddings"), "language": row.params.get("language"),
                         "clusterer": ", ".join(f"{k}: {g['blocks']['clusterer']}" for k, g in groups.items()),
                         "topics": ", ".join(f"{k}: {g['quality']['topics']}" for k, g in groups.items()),
                         "seed": row.params.get("seed")})
        return pd.DataFrame(rows)

    def agreement_inputs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(segments, the codings that count for agreement: applied or accepted, the consensus left out); ``[Q402]``
        ``NotSegmented`` when the project has no segments."""
        segments = self.segments_df()
        if segments.empty:
            raise NotSegmented("the project has no segments", place="project",
                               fix="Run `qualcoder segment` first.")
        codings = self.codings_df()
        codings = codings[codings["status"].isin(COUNTED_STATUSES) & (codings["coder"] != "consensus")]
        return segments[["segment_id", "doc_id", "doc", "start", "end", "text"]], codings

    def codings_df(self, coder: str | None = None, code: str | None = None, source: str | None = None,
                   status: str | None = None) -> pd.DataFrame:
        """One row per coding: document, offsets, code and its labels, coder, source, status, confidence, text."""
        frame = self.repo.codings_frame(coder=coder or None, code=code or None, source=source or None,
                                        status=status or None).rename(columns={"id": "coding_id", "document_id": "doc_id",
                                                                  "snippet": "text"})
        names = self.repo.documents_frame(with_text=False)[["doc_id", "name"]].rename(columns={"name": "doc"})
        frame = frame.merge(names, on="doc_id", how="left")
        labels = {}
        if self.repo.active_codebook():
            labels = {c.id: c.label for c in self.codebook().codes}
        for language in ("fr", "en"):
            frame[f"label_{language}"] = frame["code"].map({code: label.get(language) for code, label in labels.items()})
        order = ["coding_id", "doc_id", "doc", "start", "end", "code", "label_fr", "label_en", "coder", "source",
                 "status", "confidence", "pattern", "memo", "codebook_version", "decided_by", "adjudication_id",
                 "created_at", "text"]
        return frame[order]

    def status(self) -> dict[str, pd.DataFrame | dict | list]:
        """Counts for ``qualcoder status``: documents by type and language, speakers by profession, and the names
        of documents left without segments while the project is segmented (``unsegmented``)."""
        documents = self.documents_df()
        by_type = (documents.groupby(["type", "language"]).agg(documents=("doc_id", "size"),
                                                                words=("n_words", "sum")).reset_index()
                   if len(documents) else pd.DataFrame(columns=["type", "language", "documents", "words"]))
        speakers = self.speakers_df()
        by_profession = (speakers.fillna({"profession": "(unknown)"}).groupby("profession")
                         .agg(speakers=("speaker", "nunique"), turns=("turns", "sum")).reset_index()
                         .sort_values("turns", ascending=False)
                         if len(speakers) else pd.DataFrame(columns=["profession", "speakers", "turns"]))
        totals = {**self.repo.counts(), "words": int(documents["n_words"].sum()) if len(documents) else 0,
                  "segmentation": self.repo.segmentation()}
        return {"totals": totals, "documents": by_type, "professions": by_profession,
                "unsegmented": self.repo.unsegmented_documents()}


def _find_meta(tables: list[tuple[Path, dict[str, DocumentMeta]]], file: Path) -> DocumentMeta | None:
    for folder, table in tables:
        relative = file.relative_to(folder).as_posix() if file.is_relative_to(folder) else file.name
        found = match_metadata(table, relative)
        if found:
            return found
    return None


def _heading_span(text: str, section_start: int) -> tuple[int, int]:
    """The heading line that opens a section (a section starts where its heading line ends)."""
    return text.rfind("\n", 0, section_start) + 1, section_start


class _SpeakerDirectory:
    """speakers.csv entries by label: for a label in a document, the first entry scoped to that file, else the
    first general one."""

    def __init__(self, infos: Iterable[SpeakerInfo]):
        self.scoped: dict[str, list[SpeakerInfo]] = {}
        self.general: dict[str, SpeakerInfo] = {}
        for info in infos:
            if info.file:
                self.scoped.setdefault(info.label, []).append(info)
            else:
                self.general.setdefault(info.label, info)

    def find(self, label: str, doc_name: str) -> SpeakerInfo | None:
        for info in self.scoped.get(label, ()):
            if speaker_applies(info.file, doc_name):
                return info
        return self.general.get(label)


def _attendee_profession(attributes: dict, label: str) -> str | None:
    for person in (attributes or {}).get("attendees", []) or []:
        if isinstance(person, dict) and same_person(label, person.get("name", "")):
            return person.get("profession") or None
    return None


def _free_name(name: str, taken: Callable[[str], bool]) -> str:
    number = 2
    while taken(f"{name}~{number}"):
        number += 1
    return f"{name}~{number}"


def _renamed(document, name: str):
    from dataclasses import replace

    return replace(document, name=name)
