"""Import: files to ``ParsedDocument`` objects, one small reader per format, then structure parsing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path

from qualcoder.errors import EmptyFile, MissingFile, UnsupportedFormat
from qualcoder.ingest import iramuteq
from qualcoder.ingest.language import LanguageGuess, identify
from qualcoder.ingest.metadata import DocumentMeta, SpeakerInfo, speaker_applies
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.safety import check_size
from qualcoder.ingest.speakers import SpeakerLayout
from qualcoder.ingest.structure import parse_structure
from qualcoder.models import ParsedDocument

Reader = Callable[[Path, bytes], list[RawText]]

# suffix -> "module.function" of this package: a reader's module (python-docx, pypdf, inscriptis...) is imported
# when a file of its format is read, not when qualcoder starts
READERS: dict[str, str] = {
    ".txt": "plain.read_text",
    ".md": "plain.read_text",
    ".rtf": "plain.read_rtf",
    ".html": "plain.read_html",
    ".htm": "plain.read_html",
    ".docx": "office.read_docx",
    ".odt": "office.read_odt",
    ".pdf": "office.read_pdf",
    ".vtt": "subtitles.read_vtt",
    ".srt": "subtitles.read_srt",
    ".csv": "tabular.read_csv",
    ".xlsx": "tabular.read_xlsx",
    ".json": "transcript_json.read_json",
    ".xml": "tei.read_tei",
}


def reader_for(suffix: str) -> Reader | None:
    """The reader of a file suffix (``.docx``), or None when the format is not read."""
    found = READERS.get(suffix.lower())
    if found is None:
        return None
    module, function = found.split(".")
    return getattr(import_module(f"qualcoder.ingest.{module}"), function)


METADATA_FILE_NAMES = {"metadata.csv", "speakers.csv"}
_HEADER_ATTRIBUTES = ("venue", "attendees", "apologies", "minute_taker", "chair", "agenda", "subject")


def collect_files(paths: Iterable[Path | str]) -> list[tuple[Path, Path]]:
    """Expand folders into ``(file, root)`` pairs, sorted; ``root`` names documents relative to it.

    Hidden files and the folder's own ``metadata.csv`` / ``speakers.csv`` are left out.
    """
    found: list[tuple[Path, Path]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts) or file.name in METADATA_FILE_NAMES:
                    continue
                found.append((file, path.parent))
        else:
            found.append((path, path.parent))
    return found


def read_raw(path: Path) -> list[RawText]:
    """Read one file with the reader for its extension; raise a ``QualcoderError`` naming the file."""
    if not path.is_file():
        raise MissingFile("file not found", place=path, fix="Check the path you gave.")
    reader = reader_for(path.suffix)
    if reader is None:
        raise UnsupportedFormat(
            f"{path.suffix or 'a file without extension'} is not a format qualcoder reads",
            place=path,
            fix=f"Convert it to one of {', '.join(sorted(READERS))}.",
        )
    check_size(path, path.stat().st_size)
    data = path.read_bytes()
    if not data:
        raise EmptyFile("the file is empty", place=path, fix="Check that you exported the right file.")
    if READERS[path.suffix.lower()] == "plain.read_text":  # a .txt may be an IRaMuTeQ corpus
        texts = reader(path, data)
        if iramuteq.is_iramuteq(texts[0].text):
            return iramuteq.split_iramuteq(texts[0].text, path)
        return texts
    return reader(path, data)


def parse_file(
    path: Path,
    name: str,
    meta: DocumentMeta | None = None,
    speakers: Iterable[SpeakerInfo] = (),
    language: str | None = None,
    layout: SpeakerLayout | None = None,
    models: dict[str, str] | None = None,
) -> list[ParsedDocument]:
    """Read a file and parse each document in it: language, type, date, sections and turns.

    ``layout`` says how speaker labels are written (default: found from the text; survey rows get none unless it
    is given); ``models`` is the project's ``[nlp]`` table, to say which pipeline parses a language.
    """
    documents = []
    speakers = list(speakers)
    for raw in read_raw(path):
        doc_name = name + raw.suffix
        meta_here = meta or DocumentMeta()
        attributes = {**raw.attributes, **meta_here.attributes}
        doc_type = meta_here.doc_type or str(attributes.pop("type", "") or "").lower() or None
        known = frozenset(s.label for s in speakers if speaker_applies(s.file, doc_name))
        survey = raw.format in ("csv", "xlsx")
        structure = parse_structure(
            raw.text,
            minutes=None if doc_type is None else doc_type == "minutes",
            known_speakers=known,
            heading_spans=raw.headings,
            layout=layout or SpeakerLayout("none" if survey else "auto"),
            markdown=raw.format == "md",
            given_turns=raw.turns,
        )
        doc_type = doc_type or _guess_type(structure, raw.format)
        for key in _HEADER_ATTRIBUTES:
            if key in structure.header:
                attributes.setdefault(key, structure.header[key])
        date = meta_here.date or structure.header.get("date_iso") or _attribute_date(attributes)
        warnings = list(raw.warnings)
        chosen = language or meta_here.language
        if chosen is None:
            chosen, note, detected = choose_language(raw.text, models or {})
            if note:
                warnings.append(note)
                attributes.setdefault("detected_language", detected)
        documents.append(
            ParsedDocument(
                name=doc_name,
                text=raw.text,
                format=raw.format,
                source_path=str(path),
                sha256=identity_hash(raw.text, doc_name if survey else None),
                doc_type=doc_type,
                language=chosen,
                date=date,
                attributes=attributes,
                sections=tuple(structure.sections),
                turns=tuple(structure.turns),
                warnings=tuple(warnings),
                layout=structure.layout,
            )
        )
    return documents


def identity_hash(text: str, row: str | None = None) -> str:
    """What makes two documents the same: their text, or for a survey row its file, its row and its text (two
    respondents who answered "Nothing." are two documents; only a re-import of the same file is a duplicate).

    >>> identity_hash("Nothing.", "survey.csv#row2") != identity_hash("Nothing.", "survey.csv#row3")
    True
    """
    key = text if row is None else f"row\x1f{row}\x1f{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def choose_language(text: str, models: dict[str, str]) -> tuple[str, str | None, str | None]:
    """The language a document is stored and parsed in, a warning when its text is in another language, and that
    language.

    A language the project names a model for under ``[nlp]`` in qualcoder.toml is kept (``es = "es_core_news_sm"``
    or ``es = "blank"``); any other is parsed with the closer of French and English, and said so.
    """
    guess: LanguageGuess = identify(text)
    if guess.detected is None:
        return guess.best, None, None
    if guess.detected in models:
        return guess.detected, (f"the text is in {guess.name} ({guess.detected}, p={guess.probability:.2f}); it "
                                f"will be parsed with the {models[guess.detected]!r} pipeline set in qualcoder.toml"
                                ), guess.detected
    model = models.get(guess.best, "auto")
    return guess.best, (
        f"the text is in {guess.name} ({guess.detected}, p={guess.probability:.2f}), which qualcoder does not parse: "
        f"it is stored as {guess.best!r} and parsed with the {guess.best} pipeline ({model}), so its lemmas and "
        f"sentences will be poor. To parse it as {guess.name}, install a spaCy model (e.g. `pip install "
        f"{guess.detected}_core_news_sm`) and add `{guess.detected} = \"{guess.detected}_core_news_sm\"` (or "
        f"\"blank\") under [nlp] in qualcoder.toml, then re-import it"), guess.detected


def _guess_type(structure, fmt: str) -> str:
    if fmt in ("csv", "xlsx"):
        return "survey"
    if structure.is_minutes:
        return "minutes"
    speakers = {t.speaker for t in structure.turns if t.speaker}
    return "interview" if len(speakers) >= 2 else "document"


def _attribute_date(attributes: dict) -> str | None:
    from qualcoder.ingest.dates import parse_date

    for key in ("date", "annee", "année", "year"):
        if attributes.get(key):
            return parse_date(str(attributes[key]))
    return None
