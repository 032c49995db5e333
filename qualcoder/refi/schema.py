"""Validation against the REFI-QDA 1.0 (March 2019) XSDs shipped in ``schemas/``."""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

import xmlschema

from qualcoder.refi.archive import QdpxArchive, parse_xml
from qualcoder.refi.errors import RefiError, SchemaInvalid

SCHEMAS = Path(__file__).parent / "schemas"
_FILES = {"project": "Project-mrt2019.xsd", "codebook": "Codebook-mrt2019.xsd"}


@lru_cache(maxsize=2)
def schema(kind: str) -> xmlschema.XMLSchema:
    if kind not in _FILES:
        raise RefiError(f"unknown kind {kind!r}", place="validate", fix="Use kind='project' or kind='codebook'.")
    return xmlschema.XMLSchema(SCHEMAS / _FILES[kind])


def validate(path_or_xml_bytes: str | Path | bytes, kind: str = "project") -> None:
    """Raise ``SchemaInvalid`` (Q923) naming the first errors when the XML does not validate.

    A path may be a ``.qdpx`` (its ``project.qde`` is checked), a ``.qde`` or a ``.qdc``.

    >>> # validate("study.qdpx"); validate("book.qdc", kind="codebook")
    """
    data, place = _xml_of(path_or_xml_bytes)
    parse_xml(data, place)  # defusedxml first: no DTD or entity reaches the validator
    resource = xmlschema.XMLResource(data, defuse="always")
    problems = [f"{error.path}: {error.reason}" for _, error in zip(range(5), schema(kind).iter_errors(resource))]
    if problems:
        raise SchemaInvalid(f"the XML does not follow the REFI-QDA {kind} schema: " + "; ".join(problems),
                            place=place, fix="If qualcoder wrote this file, please report it; otherwise export "
                                             "it again from its application.")


def _xml_of(source: str | Path | bytes) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), "XML"
    path = Path(source)
    if not path.is_file():
        raise RefiError("file not found", place=path, fix="Check the path you gave.")
    if zipfile.is_zipfile(path):
        archive = QdpxArchive.open(path)
        try:
            member = archive.find("project.qde") or next((n for n in archive.names() if n.lower().endswith(".qde")),
                                                         None)
            if member is None:
                raise RefiError("the archive holds no project.qde", place=path,
                                fix="Give a .qdpx exported by a QDA program.")
            return archive.read(member), f"{path} ({member})"
        finally:
            archive.close()
    return path.read_bytes(), str(path)
