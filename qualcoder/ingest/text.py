"""Bytes to normalised text: encodings, byte-order marks, NFC and ``\\n`` line ends."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from qualcoder.errors import EmptyFile, UndecodableText

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def normalise(text: str) -> str:
    """NFC, ``\\n`` line ends, no byte-order mark, no NUL.

    >>> normalise("e\\u0301te\\r\\n")  # e + combining acute accent -> é
    'éte\\n'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, path: Path | str) -> str:
    """Decode a text file's bytes: BOMs first, then strict UTF-8, then detection (cp1252, latin-1, UTF-16).

    Raises ``UndecodableText`` for binary data and ``EmptyFile`` when nothing but blanks remains.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise EmptyFile("the file is empty", place=path, fix="Check that you exported the right file.")
    text = _decode_bytes(data, path)
    if not text.strip():
        raise EmptyFile("the file holds only blank characters", place=path, fix="Check the export.")
    return normalise(text)


def _decode_bytes(data: bytes, path: Path | str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path)
    if _looks_utf16(data):
        return _strict(data, "utf-16-le" if data[1] == 0 else "utf-16-be", path)
    if b"\x00" in data:
        raise _binary(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16", "mac_roman", "cp850"]).best()
    if best is None:
        raise _binary(path)
    text = str(best)
    if _control_ratio(text) > 0.01:
        raise _binary(path)
    return text


def _strict(data: bytes, encoding: str, path: Path | str) -> str:
    try:
        return data.decode(encoding, errors="strict")
    except UnicodeDecodeError as exc:
        cause = ("the file ends in the middle of a character (an odd number of bytes: truncated?)"
                 if exc.reason == "truncated data" else f"byte {exc.start} is not valid {encoding.upper()}")
        raise UndecodableText(f"the text looks like {encoding.upper().replace('-SIG', '')} but cannot be decoded: "
                              f"{cause}", place=path,
                              fix="Save it again from its application as UTF-8 (or re-copy the file whole).") from exc


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: every other byte of ASCII-range text is NUL."""
    sample = data[:4000]
    if len(sample) < 4:
        return False
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    return (odd_nuls > 0.4 and even_nuls < 0.05) or (even_nuls > 0.4 and odd_nuls < 0.05)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return bad / max(len(sample), 1)


def _binary(path: Path | str) -> UndecodableText:
    return UndecodableText(
        "this is not a text file (binary content, no known text encoding)",
        place=path,
        fix="If it is a document, give it its real extension (.docx, .pdf, ...) or save it as UTF-8 text.",
    )
