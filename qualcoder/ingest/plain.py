"""Plain text, Markdown, RTF and HTML readers."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from striprtf.striprtf import rtf_to_text

from qualcoder.errors import CorruptFile, EmptyFile
from qualcoder.ingest.raw import RawText, join_blocks
from qualcoder.ingest.text import decode, normalise

_HTML_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "th", "dt", "dd"]


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
    # html.parser never fetches or expands external entities.
    soup = BeautifulSoup(decode(data, path), "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    blocks = []
    for element in soup.find_all(_HTML_BLOCKS):
        if element.find(_HTML_BLOCKS):
            continue  # a container: its inner blocks are read on their own
        blocks.append((element.get_text(" ", strip=True), element.name.startswith("h")))
    raw = join_blocks(blocks, "html")
    if not raw.text.strip():
        raw = RawText(text=normalise(soup.get_text("\n")).strip(), format="html")
    if not raw.text.strip():
        raise EmptyFile("the HTML page holds no text", place=path, fix="Check that you saved the page itself.")
    return [raw]
