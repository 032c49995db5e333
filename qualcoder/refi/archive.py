"""Safe reading of .qdpx archives and REFI XML: nothing is unpacked before every member has been checked.

Members are read into memory by name, never extracted to disk. An archive is refused when a member name is
absolute, climbs out (``..``), carries a drive letter or is a symbolic link, when there are too many members,
or when the members inflate beyond the size or compression-ratio limits (zip bombs). XML is parsed with
defusedxml, which refuses DTDs and entities (external entities, billion laughs).
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from qualcoder.refi.errors import MalformedRefiXml, UnsafeRefiArchive

MAX_MEMBERS = 50_000
MAX_TOTAL_BYTES = 4 * 1024**3  # the spec allows 2 GB per internal file; media may be large
MAX_MEMBER_BYTES = 2**31 - 1
MAX_RATIO = 100  # text and XML compress 3-30x; a bomb compresses 1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress very well without harm
MAX_ARCHIVE_BYTES = 8 * 1024**3  # the .qdpx file itself, checked before zipfile reads its directory
MAX_XML_BYTES = 512 * 1024**2  # project.qde / a .qdc: ElementTree holds ~10x the XML in memory
_FIX = "Export the project again from its application; qualcoder will not unpack this archive as it is."


@dataclass(frozen=True)
class Limits:
    members: int = MAX_MEMBERS
    total_bytes: int = MAX_TOTAL_BYTES
    member_bytes: int = MAX_MEMBER_BYTES
    ratio: float = MAX_RATIO


class QdpxArchive:
    """A checked .qdpx: members by their normalised name (``/`` separators), looked up without case.

    >>> # archive = QdpxArchive.open("study.qdpx"); archive.read(archive.find("project.qde"))
    """

    def __init__(self, path: Path, archive: zipfile.ZipFile):
        self.path = path
        self._zip = archive
        self._by_name = {info.filename.replace("\\", "/"): info for info in archive.infolist() if not info.is_dir()}
        self._by_lower = {name.lower(): name for name in self._by_name}

    @classmethod
    def open(cls, path: str | Path, limits: Limits = Limits()) -> QdpxArchive:
        path = Path(path)
        size = path.stat().st_size if path.is_file() else 0
        if size > MAX_ARCHIVE_BYTES:
            raise UnsafeRefiArchive(f"the archive is {size / 1e9:.1f} GB, above the {MAX_ARCHIVE_BYTES / 1e9:.0f} GB "
                                    "limit", place=path, fix=_FIX)
        try:
            archive = zipfile.ZipFile(path)
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnsafeRefiArchive(f"is not a .qdpx (zip) archive ({exc})", place=path,
                                    fix="Give the .qdpx file your QDA software exported (a .qdc is a codebook: "
                                        "use import-qdc).") from exc
        check_members(members, path, limits)
        return cls(path, archive)

    def names(self) -> list[str]:
        return list(self._by_name)

    def find(self, name: str) -> str | None:
        """The member called ``name`` (any case), or None."""
        return self._by_lower.get(name.replace("\\", "/").lower())

    def find_source(self, file_name: str) -> str | None:
        """A source file by its name, under ``sources/`` or ``Sources/`` (any case), or at the root."""
        for candidate in (f"sources/{file_name}", file_name):
            found = self.find(candidate)
            if found:
                return found
        return None

    def read(self, name: str) -> bytes:
        # zipfile stops at the declared size and checks the CRC, so a lying header cannot inflate further
        size = self._by_name[name].file_size
        if size > MAX_XML_BYTES:  # media are listed, never read; a text or XML member this large is refused
            raise UnsafeRefiArchive(f"the member {name!r} is {size / 1e6:.0f} MB, above the "
                                    f"{MAX_XML_BYTES / 1e6:.0f} MB limit for a text or XML member", place=self.path,
                                    fix=_FIX)
        try:
            return self._zip.read(self._by_name[name])
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise UnsafeRefiArchive(f"the member {name!r} is damaged ({exc})", place=self.path, fix=_FIX) from exc

    def close(self) -> None:
        self._zip.close()


def check_members(members: list[zipfile.ZipInfo], path: Path, limits: Limits = Limits()) -> None:
    """Refuse unsafe names, links, too many members, and sizes or ratios beyond the limits."""
    if len(members) > limits.members:
        raise UnsafeRefiArchive(f"the archive holds {len(members)} members, above the limit of {limits.members}",
                                place=path, fix=_FIX)
    total = 0
    for member in members:
        name = member.filename
        _check_name(name, path)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise UnsafeRefiArchive(f"the member {name!r} is a symbolic link", place=path, fix=_FIX)
        if member.file_size > limits.member_bytes:
            raise UnsafeRefiArchive(f"the member {name!r} inflates to {member.file_size / 1e6:.0f} MB, above the "
                                    f"{limits.member_bytes / 1e6:.0f} MB limit", place=path, fix=_FIX)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > limits.ratio:
            raise UnsafeRefiArchive(f"the member {name!r} inflates {ratio:.0f} times "
                                    f"({member.file_size / 1e6:.0f} MB): a zip bomb?", place=path, fix=_FIX)
        total += member.file_size
    if total > limits.total_bytes:
        raise UnsafeRefiArchive(f"the archive inflates to {total / 1e9:.1f} GB, above the "
                                f"{limits.total_bytes / 1e9:.1f} GB limit", place=path, fix=_FIX)


def _check_name(name: str, path: Path) -> None:
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if posix.startswith("/") or ".." in parts or (parts and ":" in parts[0]) or "\x00" in posix:
        raise UnsafeRefiArchive(f"the member {name!r} has an unsafe path (absolute, drive letter or '..')",
                                place=path, fix=_FIX)


def parse_xml(data: bytes, place: str) -> Element:
    """Parse REFI XML with defusedxml; a DTD, an entity or malformed XML raises an error naming the line.

    >>> parse_xml(b"<CodeBook/>", "book.qdc").tag
    'CodeBook'
    """
    if len(data) > MAX_XML_BYTES:
        raise UnsafeRefiArchive(f"the XML is {len(data) / 1e6:.0f} MB, above the {MAX_XML_BYTES / 1e6:.0f} MB limit",
                                place=place, fix=_FIX)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedRefiXml(f"the XML declares a DTD or entities ({type(exc).__name__}); qualcoder refuses to "
                               "resolve them (external entities can read your files)", place=place,
                               fix="Export the file again from its application: REFI-QDA files never need a "
                                   "DTD; if you edited it by hand, remove the <!DOCTYPE ...> block.") from exc
    except ParseError as exc:
        line, column = exc.position
        raise MalformedRefiXml(f"the XML is malformed ({exc})",
                               place=f"{place}:{line}:{column}",
                               fix="Export the file again; if you edited it, fix the XML at that line.") from exc
