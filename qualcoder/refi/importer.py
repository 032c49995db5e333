"""Import REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) from NVivo, ATLAS.ti, MAXQDA, QualCoder, qualcoder.

Tolerated variations: GUIDs in either case, with or without braces; ``sources/`` or ``Sources/``;
``plainTextPath`` as ``internal://x.txt``, ``relative://x.txt`` or a bare ``x.txt``; a ``TextSource`` with only a
``richTextPath`` (.docx, read with qualcoder's .docx reader); elements and attributes of other namespaces (ignored);
PDF, picture, audio and video sources (skipped and listed); codes without a parent, nested codes, missing colours.

Everything is read and checked first (archive, XML, texts, codebook, every selection); only then is the
project written, in one database transaction: an error never leaves a half-imported project.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

import yaml

from qualcoder.coding.codebook import Codebook, parse_codebook
from qualcoder.coding.codebooks import load_into
from qualcoder.coding.manual import coding_row
from qualcoder.errors import InvalidCodebook, NoCodebook
from qualcoder.ingest import choose_language
from qualcoder.ingest.dates import parse_date
from qualcoder.ingest.metadata import SpeakerInfo
from qualcoder.ingest.structure import parse_structure
from qualcoder.ingest.text import normalise
from qualcoder.models import ParsedDocument
from qualcoder.refi import codes as refi_codes
from qualcoder.refi import ids
from qualcoder.refi.archive import QdpxArchive, parse_xml
from qualcoder.refi.errors import RefiError
from qualcoder.refi.export import RULES_USER_ID, SPEAKER_VARIABLES
from qualcoder.refi.textmap import OffsetMap, decode_utf8, normalise_with_offsets
from qualcoder.store.repository import Repository

if TYPE_CHECKING:
    from qualcoder.project import Project

MAX_QDC_BYTES = 100 * 1024 * 1024
DEFAULT_CODER = "refi-import"
_SKIPPED_SOURCES = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
_BOOK_IN_ORIGIN = re.compile(r"codebook ([a-z0-9_.-]+)")


@dataclass
class ImportSummary:
    """What an import did, and what it left out and why (``skipped``)."""

    documents: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # code ids added to the project's codebook
    codings: int = 0
    users: list[str] = field(default_factory=list)
    cases: int = 0
    variables: list[str] = field(default_factory=list)
    memos: int = 0
    duplicates: list[str] = field(default_factory=list)  # sources whose text the project already held
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codebook_version: str | None = None


@dataclass
class _Source:
    parsed: ParsedDocument | None  # None when the text is already in the project
    existing_id: int | None
    text: str
    codings: list[dict] = field(default_factory=list)  # coding rows without document_id
    memos: list[tuple[str, str]] = field(default_factory=list)  # (coder, text)


# public API -------------------------------------------------------------------------------------
def import_qdpx(path: str | Path, project: Project) -> ImportSummary:
    """Import a REFI-QDA project into ``project`` (usually new and empty): documents, codebook, codings,
    users (as coders), cases (as speakers), variables (as document attributes) and notes (as memos).

    With an existing codebook, imported codes join it (matched by id, then by label); texts already in the
    project are not duplicated but still receive the codings.

    >>> # summary = import_qdpx("nvivo-export.qdpx", Project.create("study")); summary.codings
    """
    path = Path(path)
    archive = QdpxArchive.open(path)
    try:
        return _Importer(path, archive, project).run()
    finally:
        archive.close()


def import_qdc(path: str | Path, project: Project, *, force: bool = False) -> ImportSummary:
    """Make a REFI-QDA codebook the project's codebook (refused, unless ``force``, when it would drop codes
    carrying human codings; see ``qualcoder codebook load``).

    >>> # import_qdc("maxqda-codes.qdc", project).codes
    """
    path = Path(path)
    if not path.is_file():
        raise RefiError("file not found", place=path, fix="Check the path you gave.")
    if path.stat().st_size > MAX_QDC_BYTES:
        raise RefiError(f"the codebook is {path.stat().st_size / 1e6:.0f} MB, above the "
                        f"{MAX_QDC_BYTES / 1e6:.0f} MB limit", place=path, fix="Check that this is a .qdc codebook.")
    root = _strip(parse_xml(path.read_bytes(), str(path)))
    if root.tag != "CodeBook":
        raise RefiError(f"the root element is <{root.tag}>, not <CodeBook>", place=path,
                        fix="Give a REFI-QDA codebook (.qdc); a whole project (.qdpx) goes to import-qdpx.")
    tree = refi_codes.read_codes(root.find("Codes"), str(path))
    if not tree.codes:
        raise RefiError("the codebook has no codes", place=path, fix="Export a codebook that holds codes.")
    found = _BOOK_IN_ORIGIN.search(root.get("origin") or "")
    book_id = found.group(1) if found else refi_codes.slug(path.stem).replace("_", "-")
    book = _build_codebook(refi_codes.codebook_document(book_id, tree.codes), path)
    project.use_codebook(book, force=force)
    return ImportSummary(codes=[c.id for c in book.codes], warnings=tree.warnings, codebook_version=book.version)


# the .qdpx importer ------------------------------------------------------------------------------
class _Importer:
    def __init__(self, path: Path, archive: QdpxArchive, project: Project):
        self.path, self.archive, self.project = path, archive, project
        self.summary = ImportSummary()
        self.users: dict[str, str] = {}
        self.rules_users: set[str] = set()
        self.code_ids: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        self.notes: dict[str, tuple[str, str]] = {}
        self.guids: dict[tuple[str, str], str] = {}  # (kind, key) -> the GUID in the .qdpx, kept for re-export

    def run(self) -> ImportSummary:
        member = self.archive.find("project.qde") or next(
            (n for n in self.archive.names() if n.lower().endswith(".qde") and "/" not in n), None)
        if member is None:
            raise RefiError("the archive holds no project.qde", place=self.path,
                            fix="Give a .qdpx exported by a QDA program (a .qdc codebook goes to import-qdc).")
        self.place = f"{self.path} ({member})"
        root = _strip(parse_xml(self.archive.read(member), self.place))
        if root.tag != "Project":
            raise RefiError(f"the root element is <{root.tag}>, not <Project>", place=self.place,
                            fix="Give a REFI-QDA project (.qdpx).")
        self._read_users(root)
        self._read_variables(root)
        self._read_notes(root)
        book, added_codes = self._read_codebook(root)
        cases = self._read_cases(root)
        sources = self._read_sources(root, book, cases)
        self._write(book, sources, cases, added_codes)
        return self.summary

    # reading ----------------------------------------------------------------------------------
    def _read_users(self, root: Element) -> None:
        for user in _children(root.find("Users"), "User"):
            guid = ids.canonical(user.get("guid"))
            name = (user.get("name") or user.get("id") or f"user-{guid[:8]}").strip()
            self.users[guid] = name
            if guid:
                self.guids.setdefault(("user", name), guid)
            if user.get("id") == RULES_USER_ID:
                self.rules_users.add(name)
        self.summary.users = sorted(set(self.users.values()))

    def _read_variables(self, root: Element) -> None:
        for variable in _children(root.find("Variables"), "Variable"):
            guid, name = ids.canonical(variable.get("guid")), (variable.get("name") or "").strip()
            self.variables[guid] = name
            if guid and name:
                self.guids.setdefault(("variable", name), guid)

    def _read_notes(self, root: Element) -> None:
        for note in _children(root.find("Notes"), "Note"):
            text = _text_child(note, "PlainTextContent")
            path = note.get("plainTextPath")
            if text is None and path:
                member = self._member(path)
                text = normalise(decode_utf8(self.archive.read(member))[0]) if member else None
            if text and text.strip():
                coder = self.users.get(ids.canonical(note.get("creatingUser")), DEFAULT_CODER)
                self.notes[ids.canonical(note.get("guid"))] = (coder, text)

    def _read_codebook(self, root: Element) -> tuple[Codebook | None, list[str]]:
        tree = refi_codes.read_codes(root.find("CodeBook/Codes"), self.place)
        self.summary.warnings.extend(tree.warnings)
        existing = _existing_codebook(self.project)
        if not tree.codes:
            return existing, []
        if existing is None:
            info = _project_block(root)
            book_id = info.get("id") or refi_codes.slug(root.get("name") or self.path.stem).replace("_", "-")
            document = refi_codes.codebook_document(book_id, tree.codes, info.get("title"), info.get("description"),
                                                    info.get("languages"))
            book = _build_codebook(document, self.place)
            self.code_ids = tree.by_guid()
            added = [c.item["id"] for c in tree.codes]
        else:
            book, added = self._merge_codes(existing, tree)
        self._code_memos(root)
        return book, added

    def _merge_codes(self, existing: Codebook, tree: refi_codes.CodeTree) -> tuple[Codebook, list[str]]:
        """Imported codes join the project's codebook: same id, or same label, is the same code."""
        from qualcoder.coding.codebook import to_document

        by_label = {label.casefold(): c.id for c in existing.codes for label in c.label.values()}
        known = {c.id for c in existing.codes}
        renamed: dict[str, str] = {}
        items = list(to_document(existing)["codes"])
        added = []
        for code in tree.codes:
            item = dict(code.item)
            name = item["label"].get("fr", "").casefold()
            target = item["id"] if item["id"] in known else by_label.get(name)
            if target:
                renamed[item["id"]] = target
                self.code_ids[code.guid] = target
                continue
            new_id = refi_codes.unique_slug(item["id"], known)
            renamed[item["id"]] = new_id
            item["id"] = new_id
            if item.get("parent"):
                item["parent"] = renamed.get(item["parent"], item["parent"])
            known.add(new_id)
            items.append(item)
            added.append(new_id)
            self.code_ids[code.guid] = new_id
        document = {**to_document(existing), "codes": items}
        return _build_codebook(document, self.place), added

    def _code_memos(self, root: Element) -> None:
        self.code_memos = []
        for code in root.iter("Code"):
            code_id = self.code_ids.get(ids.canonical(code.get("guid")))
            for ref in _children(code, "NoteRef"):
                note = self.notes.get(ids.canonical(ref.get("targetGUID")))
                if code_id and note:
                    self.code_memos.append((code_id, *note))

    def _read_cases(self, root: Element) -> list[tuple[str, dict, list[str]]]:
        """(name, variables, source GUIDs) per case."""
        cases = []
        for case in _children(root.find("Cases"), "Case"):
            name = (case.get("name") or "").strip()
            if not name:
                self.summary.skipped.append(f"a case without a name ({case.get('guid')}) was not imported")
                continue
            values = dict(self._values(case))
            refs = [ids.canonical(r.get("targetGUID")) for r in _children(case, "SourceRef")]
            if case.get("guid"):
                self.guids.setdefault(("case", name), ids.canonical(case.get("guid")))
            cases.append((name, values, refs))
        return cases

    def _values(self, element: Element) -> Iterator[tuple[str, object]]:
        for value in _children(element, "VariableValue"):
            ref = value.find("VariableRef")
            name = self.variables.get(ids.canonical(ref.get("targetGUID") if ref is not None else None))
            if not name:
                continue
            for child in value:
                if child.tag.endswith("Value") and child.tag != "VariableRef" and child.text is not None:
                    yield name, _typed(child.tag, child.text.strip())

    def _read_sources(self, root: Element, book: Codebook | None, cases) -> dict[str, _Source]:
        sources: dict[str, _Source] = {}
        by_sha: dict[str, _Source] = {}
        existing = {row.sha256: int(row.doc_id) for row in
                    self.project.documents_df(with_text=False, grouped=False).itertuples()}
        names: set[str] = set()
        speakers = {}
        for name, _, refs in cases:
            for ref in refs:
                speakers.setdefault(ref, set()).add(name)
        for element in list(root.find("Sources") if root.find("Sources") is not None else []):
            if element.tag in _SKIPPED_SOURCES:
                self.summary.skipped.append(f"{_SKIPPED_SOURCES[element.tag]} source {element.get('name')!r}: "
                                            "qualcoder imports text sources only (its codings were left out)")
                continue
            if element.tag != "TextSource":
                continue
            guid = ids.canonical(element.get("guid"))
            read = self._source_text(element)
            if read is None:
                continue
            mapped, fmt, headings = read
            label = _source_name(element)
            if not mapped.text.strip():
                self.summary.skipped.append(f"source {label!r} is empty (no text): not imported"
                                            + (", nor its codings" if element.find("PlainTextSelection") is not None
                                               else ""))
                continue
            sha = hashlib.sha256(mapped.text.encode("utf-8")).hexdigest()
            name = self._free_name(label, names)
            if sha in by_sha or sha in existing:
                source = by_sha.setdefault(sha, _Source(None, existing.get(sha), mapped.text))
                self.summary.duplicates.append(f"{name}: same text as a document already imported or in the "
                                               "project; its codings go to that document")
            else:
                names.add(name)
                parsed = self._parsed(element, name, mapped.text, fmt, headings, frozenset(speakers.get(guid, ())))
                source = _Source(parsed, None, mapped.text)
                by_sha[sha] = source
                self.guids.setdefault(("document", name), guid)
            sources[guid] = source
            self._selections(element, name, mapped, source, book)
            for ref in _children(element, "NoteRef"):
                note = self.notes.get(ids.canonical(ref.get("targetGUID")))
                if note:
                    source.memos.append(note)
        return sources

    def _source_text(self, element: Element) -> tuple[OffsetMap, str, tuple] | None:
        name = _source_name(element)
        content = element.find("PlainTextContent")
        if content is not None:  # present but empty is an empty source, reported as such
            return normalise_with_offsets(content.text or ""), "txt", ()
        plain, rich = element.get("plainTextPath"), element.get("richTextPath")
        if plain:
            member = self._member(plain)
            if member is None:
                self.summary.skipped.append(f"source {name!r}: its text {plain!r} is not in the archive")
                return None
            raw, warning = decode_utf8(self.archive.read(member))
            if warning:
                self.summary.warnings.append(f"source {name!r}: {warning}")
            return normalise_with_offsets(raw), "txt", ()
        if rich:
            member = self._member(rich)
            if member is None or not member.lower().endswith(".docx"):
                self.summary.skipped.append(f"source {name!r}: its rich text {rich!r} is not a .docx in the archive")
                return None
            from qualcoder.ingest.office import read_docx

            raw_text = read_docx(Path(f"{self.path.name}/{member}"), self.archive.read(member))[0]
            self.summary.warnings.append(f"source {name!r} has no plain text: its .docx was read, so selections "
                                         "count characters of qualcoder's reading of it")
            return OffsetMap(raw_text.text, len(raw_text.text)), "docx", raw_text.headings
        self.summary.skipped.append(f"source {name!r} has neither a plain text nor a rich text path")
        return None

    def _member(self, reference: str) -> str | None:
        """Find a source file: internal://x, relative://x, absolute://.../x or a bare path; sources/ or Sources/."""
        target = re.sub(r"^[a-z]+://", "", reference.strip(), flags=re.IGNORECASE).replace("\\", "/").lstrip("/")
        return (self.archive.find(target) or self.archive.find_source(target)
                or self.archive.find_source(PurePosixPath(target).name))

    def _free_name(self, name: str, taken: set[str]) -> str:
        candidate, number = name, 2
        while candidate in taken or self.project.document_name_taken(candidate):
            candidate, number = f"{name}~{number}", number + 1
        return candidate

    def _parsed(self, element: Element, name: str, text: str, fmt: str, headings, known) -> ParsedDocument:
        values = dict(self._values(element))
        doc_type = str(values.pop("type", "") or "").lower() or None
        language = str(values.pop("language", "") or "").lower()
        date = values.pop("date", None)
        structure = parse_structure(text, minutes=None if doc_type is None else doc_type == "minutes",
                                    known_speakers=known, heading_spans=headings, markdown=False)
        if doc_type is None:
            speakers = {t.speaker for t in structure.turns if t.speaker}
            doc_type = "minutes" if structure.is_minutes else "interview" if len(speakers) >= 2 else "document"
        self.summary.variables.extend(v for v in values if v not in self.summary.variables)
        return ParsedDocument(
            name=name, text=text, format=fmt, source_path=f"{self.path}#{name}",
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), doc_type=doc_type,
            language=language if language in ("fr", "en") else self._language(name, text),
            date=parse_date(str(date)) if date else structure.header.get("date_iso"),
            attributes={k: v for k, v in values.items()}, sections=tuple(structure.sections),
            turns=tuple(structure.turns))

    def _language(self, name: str, text: str) -> str:
        chosen, note, _ = choose_language(text, self.project.config.models)
        if note:
            self.summary.warnings.append(f"source {name!r}: {note}")
        return chosen

    def _selections(self, element: Element, name: str, mapped: OffsetMap, source: _Source,
                    book: Codebook | None) -> None:
        default_user = element.get("creatingUser")
        whole = [(None, coding) for coding in _children(element, "Coding")]
        selections = [(s, c) for s in _children(element, "PlainTextSelection") for c in _children(s, "Coding")]
        for selection, coding in whole + selections:
            where = f"{name}: selection {selection.get('guid') if selection is not None else '(whole source)'}"
            if selection is None:
                start, end = 0, mapped.raw_length
            else:
                try:
                    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                except (TypeError, ValueError):
                    self.summary.skipped.append(f"{where}: its positions are not whole numbers")
                    continue
            ref = coding.find("CodeRef")
            code = self.code_ids.get(ids.canonical(ref.get("targetGUID") if ref is not None else None))
            if code is None or book is None:
                self.summary.skipped.append(f"{where}: its code is not in the codebook")
                continue
            if not 0 <= start < end <= mapped.raw_length:
                self.summary.skipped.append(f"{where}: {start}-{end} is outside the text (0-{mapped.raw_length})")
                continue
            new_start, new_end = mapped.span(start, end)
            if not mapped.text[new_start:new_end].strip():
                self.summary.skipped.append(f"{where}: {start}-{end} holds only blanks")
                continue
            if selection is not None and selection.get("guid") and source.parsed is not None:
                self.guids.setdefault(("selection", f"{name}\x1f{new_start}\x1f{new_end}"),
                                      ids.canonical(selection.get("guid")))
            user = coding.get("creatingUser") or (selection.get("creatingUser") if selection is not None else None)
            coder = self.users.get(ids.canonical(user or default_user), DEFAULT_CODER)
            memo = "\n\n".join(self.notes[n][1] for n in (ids.canonical(r.get("targetGUID"))
                                                         for r in _children(coding, "NoteRef")) if n in self.notes)
            origin = "rules" if coder in self.rules_users else "import"
            source.codings.append(coding_row(0, mapped.text, new_start, new_end, code, coder, source=origin,
                                             version=book.version, memo=memo or None))

    # writing ----------------------------------------------------------------------------------
    def _write(self, book: Codebook | None, sources: dict[str, _Source], cases, added_codes: list[str]) -> None:
        fresh = list({id(s): s for s in sources.values() if s.parsed is not None}.values())
        guid_to_name = {guid: s.parsed.name for guid, s in sources.items() if s.parsed is not None}
        speakers = []
        for name, values, refs in cases:
            files = [guid_to_name[r] for r in refs if r in guid_to_name] or [None]
            extra = {k: v for k, v in values.items() if k not in SPEAKER_VARIABLES}
            for file in files:
                speakers.append(SpeakerInfo(name, _str(values.get("role")), _str(values.get("profession")),
                                            _str(values.get("organisation")), file, extra))
        with self.project.engine.connect() as connection, connection.begin():
            # one transaction: a Repository bound to this connection joins it, so any failure rolls back all
            repo = Repository(connection)
            if speakers:
                repo.upsert_speakers(speakers)
            doc_ids = repo.add_documents([s.parsed for s in fresh]) if fresh else []
            for source, doc_id in zip(fresh, doc_ids, strict=True):
                source.existing_id = doc_id
            if book is not None and added_codes:
                load_into(repo, book)
            code_guids = {("code", code_id): guid for guid, code_id in self.code_ids.items() if guid}
            repo.save_refi_guids({**self.guids, **code_guids})
            rows = []
            present = _coding_keys(repo) if any(s.parsed is None for s in sources.values()) else set()
            for source in {id(s): s for s in sources.values()}.values():
                for row in source.codings:
                    key = (source.existing_id, row["start"], row["end"], row["code"], row["coder"])
                    if key in present:
                        continue  # re-importing the same file does not double its codings
                    present.add(key)
                    rows.append({**row, "document_id": source.existing_id})
                for coder, text in source.memos:
                    repo.add_memo("document", str(source.existing_id), coder, text)
                    self.summary.memos += 1
            if rows:
                repo.add_codings(rows)
            for code_id, coder, text in getattr(self, "code_memos", []):
                repo.add_memo("code", code_id, coder, text)
                self.summary.memos += 1
        self.summary.documents = [s.parsed.name for s in fresh]
        self.summary.codes = added_codes
        self.summary.codings = len(rows)
        self.summary.cases = len(cases)
        self.summary.codebook_version = book.version if book is not None else None


# helpers ------------------------------------------------------------------------------------------
def _source_name(element: Element) -> str:
    """A source's name; QualCoder may leave it out: then its text file's name (``plainTextPath``), else its GUID."""
    if (element.get("name") or "").strip():
        return element.get("name").strip()
    for attribute in ("plainTextPath", "richTextPath"):
        path = re.sub(r"^[a-z]+://", "", (element.get(attribute) or "").strip(), flags=re.IGNORECASE)
        base = PurePosixPath(path.replace("\\", "/")).name
        if base and ids.canonical(PurePosixPath(base).stem) != ids.canonical(element.get("guid")):
            return base
    return element.get("guid") or "source"



def _strip(root: Element) -> Element:
    """Drop the REFI namespaces from tags (any version); elements of other namespaces keep theirs."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{urn:QDA-XML:"):
            element.tag = element.tag.split("}", 1)[1]
    return root


def _children(element: Element | None, tag: str) -> list[Element]:
    return [] if element is None else [child for child in element if child.tag == tag]


def _text_child(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    return child.text if child is not None and child.text is not None else None


def _typed(tag: str, text: str):
    try:
        if tag == "IntegerValue":
            return int(text)
        if tag == "FloatValue":
            return float(text)
        if tag == "BooleanValue":
            return text.lower() in ("true", "1")
    except ValueError:
        return text
    return text


def _coding_keys(repo: Repository) -> set[tuple]:
    frame = repo.codings_frame()
    return set(zip(frame["document_id"], frame["start"], frame["end"], frame["code"], frame["coder"]))


def _str(value) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _existing_codebook(project: Project) -> Codebook | None:
    try:
        return project.codebook()
    except NoCodebook:
        return None


def _project_block(root: Element) -> dict:
    """The codebook's id, title, description and languages that a qualcoder export keeps in the Description."""
    description = _text_child(root, "Description") or ""
    if refi_codes.MARKER not in description:
        return {}
    try:
        found = yaml.safe_load(description.split(refi_codes.MARKER, 1)[1])
    except yaml.YAMLError:
        return {}
    book = found.get("codebook") if isinstance(found, dict) else None
    return book if isinstance(book, dict) else {}


def _build_codebook(document: dict, place) -> Codebook:
    try:
        return parse_codebook(document, str(place))
    except InvalidCodebook as error:
        raise RefiError(f"the codes do not form a valid codebook ({error.message})", place=place,
                        fix="Check the code names and hierarchy in the exporting program.") from error

