"""The analysis errors (codes Q801-Q809): each names the option at fault and lists the values it accepts."""

from __future__ import annotations

from collections.abc import Iterable

from qualcoder.errors import QualcoderError


class AnalysisError(QualcoderError):
    """A report cannot be computed from these options or this project."""

    code = "Q801"


class UnknownAttribute(AnalysisError):
    code = "Q802"


class UnknownCodeOption(AnalysisError):
    code = "Q803"


class InvalidQuery(AnalysisError):
    code = "Q804"


class NothingToAnalyse(AnalysisError):
    """The project (or the selection) has no segments, no codings or no codebook."""

    code = "Q805"


class InvalidOption(AnalysisError):
    code = "Q806"


def valid_values(values: Iterable[object], limit: int = 40) -> str:
    """``a, b, c`` (cut after ``limit`` values) for the fix part of a message."""
    shown = [str(v) for v in values]
    more = f", ... ({len(shown) - limit} more)" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more or "none"


def check_choice(value: str, choices: Iterable[str], option: str) -> str:
    """Return ``value`` when it is one of ``choices``, else raise naming ``option``."""
    choices = list(choices)
    if value not in choices:
        raise InvalidOption(f"{value!r} is not a valid value", place=option, fix=f"Use one of: {valid_values(choices)}.")
    return value
