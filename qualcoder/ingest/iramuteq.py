"""IRaMuTeQ corpora: ``**** *var_mod *var2_mod2`` lines open texts that carry those variables."""

from __future__ import annotations

import re
from pathlib import Path

from qualcoder.errors import InvalidIramuteq
from qualcoder.ingest.raw import RawText
from qualcoder.ingest.text import decode

STAR_LINE = re.compile(r"^\*{4}(?:\s|$)")
_VARIABLE = re.compile(r"^\*([^\s_*]+)_(\S+)$")


def is_iramuteq(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return bool(STAR_LINE.match(first))


def read_iramuteq(path: Path, data: bytes) -> list[RawText]:
    return split_iramuteq(decode(data, path), path)


def split_iramuteq(text: str, path: Path) -> list[RawText]:
    documents: list[RawText] = []
    attributes: dict[str, str] | None = None
    body: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if STAR_LINE.match(line):
            _close(documents, attributes, body)
            attributes, body = _parse_star_line(line, path, number), []
        elif attributes is None and line.strip():
            raise InvalidIramuteq("text appears before the first `****` line", place=f"{path}:{number}",
                                  fix="Start the file with a star line such as `**** *entretien_01`.")
        else:
            body.append(line)
    _close(documents, attributes, body)
    return documents


def _parse_star_line(line: str, path: Path, number: int) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for token in line.split()[1:]:
        match = _VARIABLE.match(token)
        if not match:
            raise InvalidIramuteq(
                f"{token!r} is not a variable (expected `*name_value`)",
                place=f"{path}:{number}",
                fix="Write each variable as *name_value, with no space inside, e.g. *prof_infirmiere.",
            )
        attributes[match.group(1)] = match.group(2)
    return attributes


def _close(documents: list[RawText], attributes: dict[str, str] | None, body: list[str]) -> None:
    if attributes is None:
        return
    text = "\n".join(body).strip("\n")
    if text.strip():
        documents.append(RawText(text=text, format="iramuteq", attributes=dict(attributes),
                                 suffix=f"#{len(documents) + 1}"))
