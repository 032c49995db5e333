"""Export a project as REFI-QDA ``.qdpx`` and a codebook as ``.qdc``.

What goes where in the ``.qdpx`` (``project.qde`` at the root, texts in ``sources/``):

- ``Users``: the owner ``qualcoder`` (the project itself: it has no owner field) and every exported coder;
  a coder whose codings all come from the rules gets ``id="qualcoder:rules"`` so that an import restores them
  as rule codings.
- ``CodeBook``: the code tree (see ``qualcoder.refi.codes``).
- ``Variables``: ``type``, ``language``, ``date`` and each document attribute, typed (Date, Integer, Float,
  Boolean, else Text; lists are joined with ``; ``), plus the speakers' ``role``, ``profession``,
  ``organisation``.
- ``Cases``: one per speaker label, with its variables and a ``SourceRef`` to each document where it speaks.
- ``Sources``: one ``TextSource`` per document, ``plainTextPath="internal://<guid>.txt"``, the UTF-8 text in
  ``sources/``; one ``PlainTextSelection`` per coded span (character offsets, end exclusive) holding one
  ``Coding`` per (code, coder) with ``creatingUser``.
- ``Notes``: memos on codes, documents and codings, referenced by ``NoteRef``.

GUIDs are uuid5 of the project (name + creation date) and the object, and the zip members carry a fixed
date, so two exports of the same project are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, SubElement, tostring

import pandas as pd
import yaml

from qualcoder import __version__
from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebook import Codebook
from qualcoder.errors import NoCodebook
from qualcoder.export.errors import atomic_write
from qualcoder.refi import codes as refi_codes
from qualcoder.refi import ids
from qualcoder.refi.errors import RefiError

if TYPE_CHECKING:
    from qualcoder.project import Project

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
OWNER = "qualcoder"
RULES_USER_ID = "qualcoder:rules"
EXPORTED_STATUSES = COUNTED_STATUSES
DOCUMENT_VARIABLES = ("type", "language", "date")
SPEAKER_VARIABLES = ("role", "profession", "organisation")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SKIP_COLUMNS = {"doc_id", "name", "format", "n_chars", "sha256", "source_path", "text", "n_words"}


def export_qdc(codebook: Codebook, path: str | Path, *, language: str | None = None,
               overwrite: bool = True) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` (valid against Codebook-mrt2019.xsd).

    >>> # export_qdc(project.codebook(), "reseaux-sante.qdc")
    """
    language = language or codebook.languages[0]
    root = Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"qualcoder {__version__}; codebook {codebook.id}"})
    refi_codes.add_codes(SubElement(root, "Codes"), codebook, language)
    data = tostring(root, encoding="utf-8", xml_declaration=True)
    return atomic_write(path, lambda temporary: temporary.write_bytes(data), force=overwrite)


def export_qdpx(project: Project, path: str | Path, *, coders: Iterable[str] | None = None,
                include_suggestions: bool = False, language: str | None = None, overwrite: bool = True) -> Path:
    """Write the project as a REFI-QDA ``.qdpx``: documents, codebook, codings, users, cases, variables, memos.

    Exported codings: status ``applied`` or ``accepted`` (``include_suggestions`` adds ``suggested``), of every
    coder or of ``coders``. ``language`` picks the code labels (default: the documents' main language).

    >>> # export_qdpx(project, "study.qdpx", coders=["coder_a", "coder_b"])
    """
    xml, sources = build_project_xml(project, coders=coders, include_suggestions=include_suggestions,
                                     language=language)

    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            _add_member(archive, "project.qde", xml)
            for name, text in sources:
                _add_member(archive, f"sources/{name}", text.encode("utf-8"))

    return atomic_write(path, write, force=overwrite)


def build_project_xml(project: Project, *, coders: Iterable[str] | None = None, include_suggestions: bool = False,
                      language: str | None = None) -> tuple[bytes, list[tuple[str, str]]]:
    """The ``project.qde`` bytes and the ``(file name, text)`` of each source, without writing anything."""
    space = ids.namespace("project", project.config.name, project.config.created)
    documents = project.documents_df(with_text=True)
    book = _codebook_or_none(project)
    language = language or _main_language(documents, book)
    codings = _codings(project, coders, include_suggestions)
    memos = project.memos_df()

    kept = project.refi_guids()
    users = _users(space, codings)
    for (kind, name), _ in sorted(kept.items()):
        if kind == "user" and name not in users:  # a user of the original project who coded nothing
            users[name] = (ids.guid(space, "user", name), None)
    owner = users[OWNER][0]
    root = Element("Project", {"xmlns": PROJECT_NS, "name": project.config.name,
                               "origin": f"qualcoder {__version__}", "creatingUserGUID": owner})
    if _valid_datetime(project.config.created):
        root.set("creationDateTime", project.config.created)
    users_element = SubElement(root, "Users")
    for name, (guid, user_id) in users.items():
        SubElement(users_element, "User", {"guid": guid, "name": name, **({"id": user_id} if user_id else {})})

    doc_guids = {name: ids.guid(space, "document", name) for name in documents["name"]}
    notes = _notes(space, memos, documents, book)
    code_guids: dict[str, str] = {}
    if book is not None and book.codes:
        code_guids = refi_codes.add_codes(SubElement(SubElement(root, "CodeBook"), "Codes"), book, language,
                                          notes=notes.by_code)
    cases = _cases(project, documents)
    variables = _variables(space, documents, cases)
    if variables:
        variables_element = SubElement(root, "Variables")
        for name, (guid, kind, _) in variables.items():
            SubElement(variables_element, "Variable", {"guid": guid, "name": name, "typeOfVariable": kind})
    if cases:
        cases_element = SubElement(root, "Cases")
        for speaker, (values, doc_names) in cases.items():
            case = SubElement(cases_element, "Case", {"guid": ids.guid(space, "case", speaker), "name": speaker})
            for variable, value in values.items():
                _variable_value(case, variables, variable, value)
            for doc_name in doc_names:
                SubElement(case, "SourceRef", {"targetGUID": doc_guids[doc_name]})

    sources: list[tuple[str, str]] = []
    if len(documents):
        sources_element = SubElement(root, "Sources")
        by_doc = {doc_id: frame for doc_id, frame in codings.groupby("doc_id", sort=False)} if len(codings) else {}
        for row in documents.to_dict("records"):
            guid = doc_guids[row["name"]]
            sources.append((f"{guid}.txt", row["text"]))
            source = SubElement(sources_element, "TextSource", {
                "guid": guid, "name": row["name"], "plainTextPath": f"internal://{guid}.txt", "creatingUser": owner})
            _selections(source, space, row["name"], by_doc.get(row["doc_id"]), users, code_guids, notes)
            for note in notes.by_document.get(row["doc_id"], []):
                SubElement(source, "NoteRef", {"targetGUID": note})
            for variable in variables:
                value = _scalar(row.get(variable))
                if value is not None:
                    _variable_value(source, variables, variable, value)
    if notes.elements:
        notes_element = SubElement(root, "Notes")
        for attributes, text in notes.elements:
            SubElement(SubElement(notes_element, "Note", attributes), "PlainTextContent").text = text
    if book is not None:
        SubElement(root, "Description").text = _project_description(project, book)
    if kept:
        sources = _keep_imported_guids(root, sources, _imported_guids(kept, space, book))
    return tostring(root, encoding="utf-8", xml_declaration=True), sources


def _imported_guids(kept: dict[tuple[str, str], str], space, book: Codebook | None) -> dict[str, str]:
    """The GUID qualcoder would write → the GUID the object had in the .qdpx it came from."""
    mapping = {}
    for (kind, key), original in kept.items():
        if kind == "code":
            computed = refi_codes.code_guid(book.id, key) if book is not None else None
        elif kind == "selection":
            computed = ids.guid(space, "selection", *key.split("\x1f"))
        else:
            computed = ids.guid(space, kind, key)
        if computed:
            mapping[computed] = original
    return mapping


def _keep_imported_guids(root: Element, sources: list[tuple[str, str]], mapping: dict[str, str]
                         ) -> list[tuple[str, str]]:
    """Objects imported from a .qdpx keep their GUIDs, so the tool that wrote it recognises its codes, sources and
    users; every reference to them follows (``targetGUID``, ``creatingUser``, source file names)."""
    for element in root.iter():
        for attribute, value in element.attrib.items():
            if value in mapping:
                element.set(attribute, mapping[value])
            elif attribute == "plainTextPath" and value.startswith("internal://"):
                stem = value[len("internal://"):].removesuffix(".txt")
                if stem in mapping:
                    element.set(attribute, f"internal://{mapping[stem]}.txt")
    return [(f"{mapping.get(name.removesuffix('.txt'), name.removesuffix('.txt'))}.txt", text)
            for name, text in sources]


# codings ------------------------------------------------------------------------------------------
def _codings(project: Project, coders: Iterable[str] | None, include_suggestions: bool) -> pd.DataFrame:
    frame = project.codings_df()
    statuses = EXPORTED_STATUSES + (("suggested",) if include_suggestions else ())
    frame = frame[frame["status"].isin(statuses)]
    if coders is not None:
        wanted = list(coders)
        unknown = sorted(set(wanted) - set(frame["coder"]))
        if unknown:
            raise RefiError(f"no exported codings by {', '.join(unknown)}", place="--coders",
                            fix=f"Name coders among: {', '.join(sorted(set(frame['coder']))) or '(none)'}.")
        frame = frame[frame["coder"].isin(wanted)]
    return frame.sort_values(["doc_id", "start", "end", "code", "coder", "coding_id"], kind="stable")


def _users(space, codings: pd.DataFrame) -> dict[str, tuple[str, str | None]]:
    """name -> (guid, id); the owner first, then coders in name order."""
    users: dict[str, tuple[str, str | None]] = {OWNER: (ids.guid(space, "user", OWNER), "qualcoder:owner")}
    sources = codings.groupby("coder")["source"].agg(lambda s: set(s)) if len(codings) else {}
    for coder in sorted(set(codings["coder"])):
        user_id = RULES_USER_ID if sources[coder] == {"rules"} else None
        users.setdefault(coder, (ids.guid(space, "user", coder), user_id))
    return users


def _selections(source: Element, space, doc_name: str, frame: pd.DataFrame | None, users, code_guids, notes) -> None:
    if frame is None:
        return
    seen: set[tuple] = set()
    columns = zip(frame["start"], frame["end"], frame["code"], frame["coder"], frame["source"],
                  frame["created_at"], frame["memo"], frame["coding_id"])
    current, selection = None, None
    for start, end, code, coder, origin, created, memo, coding_id in columns:
        if code not in code_guids:
            raise RefiError(f"the coding {coding_id} uses the code {code!r}, which is not in the codebook",
                            place=doc_name, fix="Load a codebook that has it, or remove the coding "
                                                "(`qualcoder code remove`).")
        if (start, end) != current:
            current = (start, end)
            selection = SubElement(source, "PlainTextSelection", {
                "guid": ids.guid(space, "selection", doc_name, start, end), "startPosition": str(start),
                "endPosition": str(end), "creatingUser": users[coder][0]})
        key = (start, end, code, coder, origin)
        if key in seen:
            ordinal = _next_ordinal(seen, key)
        else:
            ordinal = 1
            seen.add(key)
        coding_guid = ids.guid(space, "coding", doc_name, *key, ordinal)
        attributes = {"guid": coding_guid, "creatingUser": users[coder][0]}
        if created is not None and not pd.isna(created):
            attributes["creationDateTime"] = _datetime(created)
        coding = SubElement(selection, "Coding", attributes)
        SubElement(coding, "CodeRef", {"targetGUID": code_guids[code]})
        for note in notes.for_coding(space, int(coding_id), coding_guid, memo, users[coder][0]):
            SubElement(coding, "NoteRef", {"targetGUID": note})


def _next_ordinal(seen: set[tuple], key: tuple) -> int:
    """Exact duplicates (same span, code, coder and source) get distinct, still stable, GUIDs."""
    number = 2
    while (*key, number) in seen:
        number += 1
    seen.add((*key, number))
    return number


# notes --------------------------------------------------------------------------------------------
class _Notes:
    def __init__(self):
        self.elements: list[tuple[dict, str]] = []
        self.by_code: dict[str, list[str]] = {}
        self.by_document: dict[int, list[str]] = {}
        self.by_coding: dict[int, list[str]] = {}

    def add(self, guid: str, text: str, user: str | None, created) -> str:
        attributes = {"guid": guid}
        if user:
            attributes["creatingUser"] = user
        if created is not None and not pd.isna(created):
            attributes["creationDateTime"] = _datetime(created)
        self.elements.append((attributes, text))
        return guid

    def for_coding(self, space, coding_id: int, coding_guid: str, memo, user: str) -> list[str]:
        found = list(self.by_coding.get(coding_id, []))
        if isinstance(memo, str) and memo.strip():
            found.append(self.add(ids.guid(space, "coding-memo", coding_guid), memo, user, None))
        return found


def _notes(space, memos: pd.DataFrame, documents: pd.DataFrame, book: Codebook | None) -> _Notes:
    notes = _Notes()
    users = {}
    doc_ids = {str(row.doc_id): int(row.doc_id) for row in documents.itertuples()}
    doc_ids.update({row.name: int(row.doc_id) for row in documents.itertuples()})
    code_ids = {c.id for c in book.codes} if book else set()
    for memo in memos.itertuples():
        user = users.setdefault(memo.coder, ids.guid(space, "user", memo.coder))
        guid = ids.guid(space, "memo", memo.id)
        target = str(memo.target_id)
        if memo.target == "code" and target in code_ids:
            notes.by_code.setdefault(target, []).append(notes.add(guid, memo.text, user, memo.created_at))
        elif memo.target == "document" and target in doc_ids:
            notes.by_document.setdefault(doc_ids[target], []).append(notes.add(guid, memo.text, user,
                                                                                 memo.created_at))
        elif memo.target == "coding" and target.isdigit():
            notes.by_coding.setdefault(int(target), []).append(notes.add(guid, memo.text, user, memo.created_at))
        elif memo.target in ("project", "speaker"):  # project notes (a REFI Case takes no note: the label leads)
            text = memo.text if memo.target == "project" else f"[{target}] {memo.text}"
            notes.add(guid, text, user, memo.created_at)
    return notes


# cases and variables ----------------------------------------------------------------------------
def _cases(project: Project, documents: pd.DataFrame) -> dict[str, tuple[dict[str, str], list[str]]]:
    """speaker -> (role/profession/organisation, the documents where the speaker has turns)."""
    speakers = project.speakers_df()
    if speakers.empty:
        return {}
    names = dict(zip(documents["doc_id"], documents["name"]))
    cases = {}
    for speaker, frame in speakers.groupby("speaker", sort=True):
        values = {}
        for variable in SPEAKER_VARIABLES:
            found = frame[variable].dropna()
            found = found[found.astype(str).str.strip() != ""]
            if len(found):
                values[variable] = str(found.mode().iloc[0])  # a speaker's most frequent profession
        cases[speaker] = (values, [names[d] for d in sorted(set(frame["doc_id"])) if d in names])
    return cases


def _variables(space, documents: pd.DataFrame, cases) -> dict[str, tuple[str, str, list]]:
    """name -> (guid, typeOfVariable, values); types are inferred from every value the variable takes."""
    values: dict[str, list] = {}
    for column in documents.columns:
        if column in _SKIP_COLUMNS:
            continue
        found = [v for v in (_scalar(x) for x in documents[column]) if v is not None]
        if found:
            values[column] = found
    for case_values, _ in cases.values():
        for variable, value in case_values.items():
            values.setdefault(variable, []).append(value)
    return {name: (ids.guid(space, "variable", name), _type_of(found, name in SPEAKER_VARIABLES), found)
            for name, found in values.items()}


def _type_of(values: list, force_text: bool) -> str:
    if force_text:
        return "Text"
    if all(isinstance(v, bool) for v in values):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "Float"
    if all(isinstance(v, str) and _ISO_DATE.match(v) and _valid_date(v) for v in values):
        return "Date"
    return "Text"


def _scalar(value):
    """A variable value: scalars as they are, lists joined with '; ', missing values None."""
    if isinstance(value, list | tuple):
        parts = [_text_of(v) for v in value]
        return "; ".join(p for p in parts if p) or None
    if isinstance(value, dict):
        return _text_of(value) or None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _text_of(value) -> str:
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    return "" if value is None else str(value)


def _variable_value(parent: Element, variables, name: str, value) -> None:
    guid, kind, _ = variables[name]
    element = SubElement(parent, "VariableValue")
    SubElement(element, "VariableRef", {"targetGUID": guid})
    tag = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
           "Date": "DateValue"}[kind]
    if kind == "Boolean":
        text = "true" if value else "false"
    elif kind == "Float":
        text = repr(float(value))
    else:
        text = str(value)
    SubElement(element, tag).text = text


# helpers ------------------------------------------------------------------------------------------
def _project_description(project: Project, book: Codebook) -> str:
    """A readable line, then the codebook's id, title and description for a qualcoder import."""
    info = {"codebook": {"id": book.id, "title": dict(book.title), "description": dict(book.description),
                         "languages": list(book.languages)}}
    block = yaml.safe_dump(info, allow_unicode=True, sort_keys=False, width=110)
    return (f"Exported by qualcoder {__version__} from the project {project.config.name!r} "
            f"(codebook {book.id}, version {book.version}).\n\n{refi_codes.MARKER}\n{block}")


def _codebook_or_none(project: Project) -> Codebook | None:
    try:
        return project.codebook()
    except NoCodebook:
        return None


def _main_language(documents: pd.DataFrame, book: Codebook | None) -> str:
    languages = book.languages if book else ("fr", "en")
    if len(documents):
        for language in documents["language"].value_counts().index:
            if language in languages:
                return language
    return languages[0]


def _datetime(value) -> str:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_datetime(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return "T" in value


def _valid_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _add_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
