"""TEI XML (.xml): ``<sp who><speaker>`` turns (debates, plays), ``<u who>`` utterances (ParlaMint), ``<head>``
sections. Text outside any turn (``<p>``, ``<stage>``, notes of the session) is kept as paragraphs without a
speaker, so nothing is left out of the analysis.

The XML goes through defusedxml: a DTD or an entity is refused, as for every XML part qualcoder reads.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring

from qualcoder.errors import CorruptFile, EmptyFile, UnsafeXml
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.text import normalise

_BLOCKS = {"p", "l", "ab", "seg", "stage", "note", "lg", "q", "quote", "item", "head"}
_SKIPPED = {"teiHeader", "fw", "pb", "lb", "castList", "figure", "bibl"}


def read_tei(path: Path, data: bytes) -> list[RawText]:
    root = _parse(data, path)
    if _local(root.tag) not in ("TEI", "TEI.2", "teiCorpus"):
        raise CorruptFile(f"is not a TEI document (its root element is <{_local(root.tag)}>)", place=path,
                          fix="qualcoder reads .xml files written in TEI; export other XML as .txt.")
    body = next((e for e in root.iter() if _local(e.tag) == "body"), None)
    if body is None:
        raise EmptyFile("the TEI document has no <text><body>", place=path, fix="Check the export.")
    reader = _Reader()
    reader.walk(body)
    if not reader.parts:
        raise EmptyFile("the TEI body holds no text", place=path, fix="Check the export.")
    return [reader.raw()]


def _parse(data: bytes, path: Path) -> Element:
    try:
        return defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"the XML declares a DTD or entities ({type(exc).__name__}), which qualcoder refuses to "
                        "resolve", place=path, fix="Remove the <!DOCTYPE …> block; TEI never needs it.") from exc
    except ParseError as exc:
        line, column = exc.position
        raise CorruptFile(f"the XML is malformed ({exc})", place=f"{path}:{line}:{column}",
                          fix="Fix the XML at that line, or re-export the file.") from exc


def _local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _flat(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _Reader:
    def __init__(self) -> None:
        self.parts: list[tuple[str, str | None, str]] = []  # (kind, speaker, text): kind is head | turn | text

    def walk(self, element: Element) -> None:
        for child in element:
            name = _local(child.tag)
            if name in _SKIPPED:
                continue
            if name == "sp":
                self._turn(_speaker_of(child), child)
            elif name == "u":
                self._turn(_who(child.get("who")), child)
            elif name == "head":
                self._add("head", None, _flat(child))
            elif name in _BLOCKS:
                self._add("text", None, _flat(child))
            else:
                self.walk(child)

    def _turn(self, speaker: str | None, element: Element) -> None:
        paragraphs: list[str] = []
        self._speech(element, paragraphs)
        self._add("turn", speaker, "\n\n".join(p for p in paragraphs if p))

    def _speech(self, element: Element, paragraphs: list[str]) -> None:
        for child in element:
            name = _local(child.tag)
            if name in ("speaker", *_SKIPPED):
                continue
            if name in _BLOCKS:
                paragraphs.append(_flat(child))
            else:
                self._speech(child, paragraphs)
        if not len(element) and element.text and element.text.strip() and _local(element.tag) not in ("sp",):
            paragraphs.append(" ".join(element.text.split()))

    def _add(self, kind: str, speaker: str | None, text: str) -> None:
        if text.strip():
            self.parts.append((kind, speaker, normalise(text).strip()))

    def raw(self) -> RawText:
        pieces, headings, turns, offset = [], [], [], 0
        for kind, speaker, text in self.parts:
            if pieces:
                offset += 2
            label = f"{speaker} : " if kind == "turn" and speaker else ""
            start = offset + len(label)
            pieces.append(label + text)
            offset = start + len(text)
            if kind == "head":
                headings.append((start, offset))
            else:
                turns.append((start, offset, speaker, None))
        return RawText(text="\n\n".join(pieces), format="tei", headings=tuple(headings), turns=tuple(turns))


def _speaker_of(sp: Element) -> str | None:
    """The displayed ``<speaker>`` name without its role (``Erwann Binet,rapporteur`` → ``Erwann Binet``), else
    the ``who`` reference."""
    label = next((_flat(c) for c in sp if _local(c.tag) == "speaker"), "")
    name = label.split(",", 1)[0].strip().rstrip(".:").strip()
    return name or _who(sp.get("who"))


def _who(value: str | None) -> str | None:
    if not value:
        return None
    first = value.split()[0].lstrip("#")
    return " ".join(first.replace("_", " ").split()) or None
