"""Our codebook <-> REFI ``<Code>`` trees.

A REFI code has a GUID, a name, a colour, ``isCodable`` and one free-text ``Description``. Ours has an id, labels
and definitions in two languages, criteria, examples, patterns and a scope. We write:

- ``name``: the label in the project's language (the other language's label if that one is empty);
- ``Description``: the definition in that language, then a line ``--- qualcoder ---`` and the code as
  qualcoder YAML (id, labels, definitions, criteria, examples, patterns), so that a round trip through
  qualcoder loses nothing while other tools show a readable definition first;
- ``color``: ``#RRGGBB``; ``isCodable="true"``; children nested inside their parent.

Codes from other tools (no qualcoder block) get the id ``slug(name)``, unique; the name as label in both
languages; the description (or the name) as definition; ``#888888`` when there is no colour.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

import yaml

from qualcoder.coding.codebook import FORMAT, ID_PATTERN, LANGUAGES, Code, Codebook, to_document
from qualcoder.refi import ids

MARKER = "--- qualcoder ---"
DEFAULT_COLOR = "#888888"
_HEX3 = re.compile(r"^#?([0-9A-Fa-f]{3})$")
_HEX6 = re.compile(r"^#?([0-9A-Fa-f]{6})$")


def code_guid(book_id: str, code_id: str) -> str:
    """The GUID of a code: the same in every .qdc and .qdpx made from this codebook."""
    return ids.guid(ids.namespace("codebook", book_id), "code", code_id)


def add_codes(parent: Element, book: Codebook, language: str, tag=lambda name: name,
              notes: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Append ``<Code>`` elements for the whole tree under ``parent``; return code id -> GUID."""
    items = {item["id"]: item for item in to_document(book)["codes"]}
    guids: dict[str, str] = {}

    def write(container: Element, code: Code) -> None:
        guids[code.id] = code_guid(book.id, code.id)
        element = SubElement(container, tag("Code"), {
            "guid": guids[code.id], "name": label_of(code, language), "isCodable": "true", "color": code.color})
        SubElement(element, tag("Description")).text = describe(code, items[code.id], language)
        for note in (notes or {}).get(code.id, []):
            SubElement(element, tag("NoteRef"), {"targetGUID": note})
        for child in book.children(code.id):
            write(element, child)

    for top in book.children(None):
        write(parent, top)
    return guids


def label_of(code: Code, language: str) -> str:
    return code.label.get(language) or next((v for v in code.label.values() if v), code.id)


def describe(code: Code, item: dict, language: str) -> str:
    definition = code.definition.get(language) or next((v for v in code.definition.values() if v), "")
    block = yaml.safe_dump(item, allow_unicode=True, sort_keys=False, width=110)
    return f"{definition}\n\n{MARKER}\n{block}"


@dataclass
class ImportedCode:
    """One REFI code read back: its GUID, our code item (the YAML format's mapping) and where it was."""

    guid: str
    item: dict
    codable: bool = True
    place: str = ""


@dataclass
class CodeTree:
    codes: list[ImportedCode] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def by_guid(self) -> dict[str, str]:
        return {c.guid: c.item["id"] for c in self.codes}


def read_codes(codes_element: Element | None, place: str, taken: set[str] | None = None) -> CodeTree:
    """Walk a ``<Codes>`` element (namespaces already stripped) into code items with unique ids."""
    tree = CodeTree()
    used = set(taken or ())

    def walk(element: Element, parent_id: str | None, path: str) -> None:
        for number, child in enumerate(c for c in element if c.tag == "Code"):
            where = f"{path}/Code[{number + 1}]"
            code = _read_code(child, parent_id, used, f"{place} ({where})", tree.warnings)
            used.add(code.item["id"])
            tree.codes.append(code)
            walk(child, code.item["id"], where)

    if codes_element is not None:
        walk(codes_element, None, "Codes")
    return tree


def _read_code(element: Element, parent_id: str | None, used: set[str], place: str,
               warnings: list[str]) -> ImportedCode:
    name = (element.get("name") or "").strip() or "code"
    description_element = element.find("Description")
    description = (description_element.text or "").strip() if description_element is not None else ""
    item = _qualcoder_block(description)
    if item is None or not isinstance(item.get("id"), str) or not ID_PATTERN.match(item["id"]) or item["id"] in used:
        item = {"id": unique_slug(name, used), "label": {lang: name for lang in LANGUAGES},
                "definition": {lang: description or name for lang in LANGUAGES}}
    else:
        for key in ("label", "definition"):
            texts = item.get(key) if isinstance(item.get(key), dict) else {}
            fallback = name if key == "label" else (description.split(MARKER)[0].strip() or name)
            item[key] = {lang: str(texts.get(lang) or fallback) for lang in LANGUAGES}
    item.pop("parent", None)
    if parent_id:
        item = {"id": item["id"], "parent": parent_id, **{k: v for k, v in item.items() if k != "id"}}
    item["color"] = _colour(element.get("color") or item.get("color"), place, warnings)
    guid = ids.canonical(element.get("guid")) or str(uuid.uuid4())
    codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0")
    return ImportedCode(guid, item, codable, place)


def _qualcoder_block(description: str) -> dict | None:
    if MARKER not in description:
        return None
    try:
        found = yaml.safe_load(description.split(MARKER, 1)[1])
    except yaml.YAMLError:
        return None
    return found if isinstance(found, dict) else None


def _colour(value: str | None, place: str, warnings: list[str]) -> str:
    value = (value or "").strip()
    if not value:
        return DEFAULT_COLOR
    if _HEX6.match(value):
        return "#" + _HEX6.match(value).group(1).upper()
    if _HEX3.match(value):
        return "#" + "".join(ch * 2 for ch in _HEX3.match(value).group(1)).upper()
    warnings.append(f"{place}: the colour {value!r} is not #RRGGBB; {DEFAULT_COLOR} is used")
    return DEFAULT_COLOR


def slug(name: str) -> str:
    """A code id from a name: ASCII lower-case letters, digits and ``_``.

    >>> slug("Santé mentale / Réseaux")
    'sante_mentale_reseaux'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_") or "code"


def unique_slug(name: str, used: set[str]) -> str:
    base = slug(name)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def codebook_document(book_id: str, codes: list[ImportedCode], title: dict | None = None,
                      description: dict | None = None, languages: list[str] | None = None) -> dict:
    """The YAML format's mapping for imported codes, ready for ``parse_codebook``."""
    document: dict = {"format": FORMAT, "id": book_id}
    if title:
        document["title"] = title
    if description:
        document["description"] = description
    document["languages"] = list(languages or LANGUAGES)
    document["codes"] = [c.item for c in codes]
    return document
