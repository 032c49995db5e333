"""Plain text, Markdown, RTF and HTML readers."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from striprtf.striprtf import rtf_to_text

from qualcoder.errors import CorruptFile, EmptyFile
from qualcoder.ingest.raw import RawText, join_blocks, join_turns
from qualcoder.ingest.text import decode, normalise


def read_text(path: Path, data: bytes) -> list[RawText]:
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return [RawText(text=decode(data, path), format=fmt)]


def read_rtf(path: Path, data: bytes) -> list[RawText]:
    source = decode(data, path)
    if not source.lstrip().startswith("{\\rtf"):
        raise CorruptFile("is not an RTF file (it does not start with {\\rtf)", place=path,
                          fix="Re-save it as RTF or as .txt from your word processor.")
    try:
        text = normalise(rtf_to_text(source, errors="ignore"))
    except Exception as exc:  # striprtf raises bare errors on broken groups
        raise CorruptFile(f"the RTF cannot be read ({exc})", place=path, fix="Re-save it from your word processor.") from exc
    if not text.strip():
        raise EmptyFile("the RTF holds no text", place=path, fix="Check the export.")
    return [RawText(text=text, format="rtf")]


def read_html(path: Path, data: bytes) -> list[RawText]:
    """HTML through inscriptis, which keeps inline text (``<b>M. Aubert</b>.``, ``<cite>``, ``<time>``) in its
    line; ``<h1>``–``<h6>`` become sections. The podcast transcript layout (``<cite>Name:</cite> <time>0:00</time>
    <p>speech</p>``) gives its turns directly."""
    from inscriptis import get_annotated_text
    from inscriptis.model.config import ParserConfig

    source = decode(data, path)
    soup = BeautifulSoup(source, "html.parser")  # html.parser never fetches or expands external entities
    podcast = _podcast_turns(soup)
    if podcast is not None:
        return [podcast]
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    rules = {f"h{level}": ["heading"] for level in range(1, 7)}
    annotated = get_annotated_text(str(soup), ParserConfig(annotation_rules=rules))
    raw = _tidy(annotated["text"], [(start, end) for start, end, _ in annotated["label"]])
    if not raw.text.strip():
        raise EmptyFile("the HTML page holds no text", place=path, fix="Check that you saved the page itself.")
    return [raw]


def _tidy(text: str, heading_spans: list[tuple[int, int]]) -> RawText:
    """Lines without their layout indentation, at most one blank line between paragraphs; heading lines kept."""
    blocks: list[tuple[str, bool]] = []
    offset, paragraph, heading = 0, [], False
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = " ".join(line.split())
        if not stripped:
            if paragraph:
                blocks.append(("\n".join(paragraph), heading))
            paragraph, heading = [], False
            continue
        is_heading = any(s < end and start < e for s, e in heading_spans)
        if paragraph and is_heading != heading:
            blocks.append(("\n".join(paragraph), heading))
            paragraph = []
        paragraph.append(stripped)
        heading = is_heading
    if paragraph:
        blocks.append(("\n".join(paragraph), heading))
    return join_blocks(blocks, "html")


def _podcast_turns(soup: BeautifulSoup) -> RawText | None:
    """The podcast-namespace HTML transcript: ``<cite>`` names the speaker, ``<time>`` the start, ``<p>`` the
    speech. None when the page is not written that way."""
    cites = soup.find_all("cite")
    if len(cites) < 2 or soup.find("cite").find_parent("p") is not None:
        return None
    parts: list[tuple[str | None, str | None, str]] = []
    for cite in cites:
        speaker = cite.get_text(" ", strip=True).rstrip(" :")
        stamp, speech = None, []
        for sibling in cite.find_next_siblings():
            if sibling.name == "cite":
                break
            if sibling.name == "time" and stamp is None:
                stamp = sibling.get_text(strip=True)
            elif sibling.name == "p":
                speech.append(sibling.get_text(" ", strip=True))
        parts.append((speaker or None, stamp, "\n\n".join(speech)))
    return join_turns(parts, "html")
