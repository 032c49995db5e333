"""Scan an export (CSV, XLSX, REFI-QDA .qdpx/.qdc, IRaMuTeQ text, Parquet, a folder of them) for any original
form the key holds; ``[Q971]`` names each file and form found, so nothing leaves with a name in it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qualcoder.errors import NamesRemain, PrivacyError
from qualcoder.privacy import key as keyfile

ZIPPED = {".xlsx", ".qdpx", ".docx", ".odt", ".zip"}
MAX_SHOWN = 10


@dataclass(frozen=True)
class Leak:
    file: str
    form: str
    context: str


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(place, text) of every readable part of a file."""
    suffix = path.suffix.lower()
    if suffix in ZIPPED:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.is_dir():
                    yield f"{path}:{member.filename}", archive.read(member).decode("utf-8", errors="replace")
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        yield str(path), "\n".join(" ".join(map(str, row.values())) for row in table.to_pylist())
    else:
        yield str(path), path.read_bytes().decode("utf-8", errors="replace")


def scan(path: str | Path, key: dict) -> list[Leak]:
    """Every original form of ``key`` found in the file(s) at ``path`` (whole words, case aside).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = f.write_text("text\\nMme DUPONT dit", encoding="utf-8")
    >>> [leak.form for leak in scan(f, {"documents": [], "entities": [{"forms": ["Dupont"]}]})]
    ['Dupont']
    """
    path = Path(path)
    if not path.exists():
        raise PrivacyError("file not found", place=path, fix="Give the exported file or folder.")
    forms = keyfile.originals(key)
    if not forms:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    canonical = {f.casefold(): f for f in forms}
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    leaks = []
    for file in files:
        for place, text in _texts(file):
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 30):match.end() + 30].replace("\n", " ")
                leaks.append(Leak(place, canonical.get(match.group().casefold(), match.group()), context))
    return leaks


def check(path: str | Path, key_path: str | Path) -> int:
    """Raise ``[Q971]`` when an original form remains in the export; else the number of forms looked for."""
    key = keyfile.read(key_path)
    leaks = scan(path, key)
    if leaks:
        shown = "; ".join(f"{leak.file}: {leak.form!r}" for leak in leaks[:MAX_SHOWN])
        more = f" (and {len(leaks) - MAX_SHOWN} more)" if len(leaks) > MAX_SHOWN else ""
        raise NamesRemain(f"{len(leaks)} original names remain: {shown}{more}", place=path,
                          fix="Do not share it: export from the pseudonymised project, or add the missed names "
                              "(`qualcoder pseudonymise add`) and apply again.")
    return len(keyfile.originals(key))
