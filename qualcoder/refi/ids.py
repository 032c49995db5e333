"""Stable GUIDs: uuid5 of the project (or codebook) key and the object, so two exports are identical.

>>> project_guid = namespace("demo", "2024-01-01T00:00:00+00:00")
>>> guid(project_guid, "document", "a.txt") == guid(project_guid, "document", "a.txt")
True
>>> canonical("{0F8A1907-7E42-4739-8610-A676B4D1B69F}")
'0f8a1907-7e42-4739-8610-a676b4d1b69f'
"""

from __future__ import annotations

import hashlib
import uuid

_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/qualcoder/qualcoder/refi")


def namespace(*key: str) -> uuid.UUID:
    """The namespace of one project or codebook, from what identifies it (name, creation date, id)."""
    return uuid.uuid5(_ROOT, "\x1f".join(key))


def guid(space: uuid.UUID, kind: str, *parts: object) -> str:
    """The GUID of one object (``kind`` + its natural key) inside a namespace, lower-case, no braces.

    Exactly ``str(uuid.uuid5(space, name))``, computed without building UUID objects (3x faster: an export
    makes one per coding).
    """
    name = "\x1f".join([kind, *map(str, parts)])
    value = int.from_bytes(hashlib.sha1(space.bytes + name.encode("utf-8")).digest()[:16], "big")
    value = (value & ~(0xF000 << 64) | (5 << 76)) & ~(0xC000 << 48) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def canonical(value: str | None) -> str:
    """A GUID as written by any tool (upper/lower case, with or without braces) in one comparable form."""
    return (value or "").strip().strip("{}").lower()
