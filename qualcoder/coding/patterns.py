"""Codebook regexes on a linear-time engine (RE2), with Python's Unicode meaning of ``\\w``, ``\\s``, ``\\d``, ``\\b``.

Python's ``re`` backtracks: ``(\\w+\\s?)+\\?`` takes 23 s on 35 characters and ``(a+)+$`` never ends on 100 kB, so
one shared pattern could freeze everyone's auto-coding. RE2 (``google-re2``) matches in time linear in the text,
but its ``\\w``, ``\\s``, ``\\d`` and ``\\b`` are ASCII-only: ``\\w`` misses ``é`` and ``\\bsanté\\b`` never
matches "santé" (measured with google-re2 1.1). A codebook pattern is therefore parsed by Python's own regex
parser (so it means what it means in Python) and written out in RE2 syntax with Unicode classes. A word
boundary cannot be written so (RE2 has no lookaround); a pattern with ``\\b``/``\\B`` runs on a "tagged" copy
of the text in which every character ``c`` becomes ``t c t``, ``t`` being ``a`` when ``c`` is a word character
and a space otherwise: between two blocks RE2's ASCII ``\\b`` then sees exactly the Unicode word boundary, every
atom of the pattern consumes one whole block, and match offsets divide by 3.

What RE2 cannot run in linear time (backreferences, lookahead/lookbehind, atomic groups, possessive repeats,
conditionals, repeats over 1000) is refused when the codebook is checked or loaded, with the code and line.

>>> compile_pattern(r"\\bsanté\\b").search("la santé publique")
(3, 8)
>>> compile_pattern(r"(a+)+$").search("a" * 100_000 + "b") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from re import IGNORECASE

try:  # the parser behind ``re.compile``; private, but the only exact reading of Python's syntax
    from re import _constants as C
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

import re2

MAX_REPEAT = 1000  # RE2's own limit on {n,m}
MAX_PROGRAM_BYTES = 8 << 20  # RE2's default budget for one compiled pattern

# Python's str.isspace() characters, and \w as str.isalnum() or "_" (the SRE definitions for str patterns)
_SPACE = r"\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_WORD = r"\p{L}\p{N}_"
_DIGIT = r"\p{Nd}"
_TAG = "[a ]"  # the tag around each character of a tagged text (see the module docstring)


class PatternRefused(ValueError):
    """A pattern RE2 cannot run safely; ``str()`` says why and how to rewrite it."""


class PatternSyntaxError(PatternRefused):
    """Not a valid Python regex at all."""


@dataclass(frozen=True)
class Pattern:
    """A compiled codebook regex: ``search(text)`` gives the first match's ``(start, end)`` or None."""

    source: str
    engine: object
    tagged: bool
    ignore_case: bool = True

    def search(self, text: str) -> tuple[int, int] | None:
        if not self.tagged:
            hit = self.engine.search(text)
            return hit.span() if hit else None
        if not text:  # Python's \B never matches an empty text; nothing can backtrack on it, so ask re itself
            found = re.search(self.source, text, IGNORECASE if self.ignore_case else 0)
            return found.span() if found else None
        hit = self.engine.search(tagged_text(text))
        if not hit:
            return None
        start, end = hit.span(1)
        return start // 3, end // 3


    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """Every non-overlapping match's ``(start, end)``, left to right (a whole document in linear time)."""
        if not self.tagged:
            yield from (hit.span() for hit in self.engine.finditer(text))
            return
        for hit in self.engine.finditer(tagged_text(text)):
            start, end = hit.span(1)
            yield start // 3, end // 3


@lru_cache(maxsize=256)  # a segment is searched by every pattern of the codebook: tag it once
def tagged_text(text: str) -> str:
    """Every character ``c`` as ``t c t`` (``t``: ``a`` for a word character, else a space).

    >>> tagged_text("é-1")
    'aéa - a1a'
    """
    return text.translate(_BLOCKS)  # a dict lookup per character, in C (a Python loop costs 1 µs a character)


class _Blocks(dict):
    """``str.translate`` table: code point -> its ``t c t`` block, computed the first time it is seen."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        tag = "a" if character.isalnum() or character == "_" else " "  # Python's \w
        self[code] = block = f"{tag}{character}{tag}"
        return block


_BLOCKS = _Blocks()


def compile_pattern(expression: str, ignore_case: bool = True) -> Pattern:
    """Translate a Python regex to RE2 and compile it; raise ``PatternRefused`` when RE2 cannot run it.

    >>> compile_pattern(r"(\\w+\\s?)+\\?").search("est-ce que ça va?")  # as Python's re: leftmost
    (4, 17)
    """
    try:
        parsed = sre_parse.parse(expression, IGNORECASE if ignore_case else 0)
    except Exception as exc:  # re.error, and RecursionError on absurd nesting
        raise PatternSyntaxError(f"it does not compile ({exc})") from exc
    flags = parsed.state.flags
    tagged = _has_boundary(list(parsed))
    body = _Writer(tagged).sequence(list(parsed), flags)
    source = body
    if tagged:
        # anchored, skipping whole blocks lazily, so every atom starts on a block: leftmost match kept
        source = rf"\A(?s:.{{3}})*?({body})"
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    try:
        engine = re2.compile(source, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternRefused(f"the linear-time engine cannot run it ({reason})") from exc
    return Pattern(expression, engine, tagged, ignore_case)


def _has_boundary(items: list) -> bool:
    for op, arg in items:
        if op is C.AT and arg in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            return True
        for child in _children(op, arg):
            if _has_boundary(child):
                return True
    return False


def _children(op, arg) -> list[list]:
    if op is C.SUBPATTERN:
        return [list(arg[-1])]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) or op is getattr(C, "POSSESSIVE_REPEAT", None):
        return [list(arg[2])]
    if op is C.BRANCH:
        return [list(branch) for branch in arg[1]]
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [list(arg[1])]
    if op is getattr(C, "ATOMIC_GROUP", None):
        return [list(arg)]
    return []


_UNSUPPORTED = {
    "GROUPREF": "a backreference (\\1, (?P=name))",
    "GROUPREF_EXISTS": "a conditional group (?(1)...)",
    "ASSERT": "a lookahead or lookbehind (?=...), (?<=...)",
    "ASSERT_NOT": "a negative lookahead or lookbehind (?!...), (?<!...)",
    "ATOMIC_GROUP": "an atomic group (?>...)",
    "POSSESSIVE_REPEAT": "a possessive repeat (*+, ++, ?+)",
}


class _Writer:
    """Writes a parsed Python pattern in RE2 syntax (``tagged``: each atom consumes a ``t c t`` block)."""

    def __init__(self, tagged: bool):
        self.tagged = tagged

    def sequence(self, items: list, flags: int) -> str:
        return "".join(self.item(op, arg, flags) for op, arg in items)

    def atom(self, char_class: str) -> str:
        return f"{_TAG}{char_class}{_TAG}" if self.tagged else char_class

    def item(self, op, arg, flags: int) -> str:
        name = str(op)
        if name in _UNSUPPORTED:
            raise PatternRefused(f"it uses {_UNSUPPORTED[name]}, which the linear-time engine cannot run")
        case = "(?i)" if flags & IGNORECASE else ""
        if op is C.LITERAL:
            return self.atom(_case(case, _char(arg)))
        if op is C.NOT_LITERAL:
            return self.atom(_case(case, f"[^{_char(arg)}]"))
        if op is C.ANY:
            return self.atom("(?s:.)" if flags & C.SRE_FLAG_DOTALL else "[^\\n]")
        if op is C.IN:
            return self.atom(_case(case, _char_class(arg, flags)))
        if op is C.CATEGORY:  # not seen at top level in practice (sre wraps categories in IN), kept for safety
            return self.atom(_char_class([(C.CATEGORY, arg)], flags))
        if op is C.BRANCH:
            return "(?:" + "|".join(self.sequence(list(b), flags) for b in arg[1]) + ")"
        if op is C.SUBPATTERN:
            group, add, remove, body = arg
            inner = self.sequence(list(body), (flags | add) & ~remove)
            return f"({inner})" if group is not None else f"(?:{inner})"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, body = arg
            if low > MAX_REPEAT or (high != C.MAXREPEAT and high > MAX_REPEAT):
                raise PatternRefused(f"it repeats {max(low, high if high != C.MAXREPEAT else 0)} times, "
                                     f"above the engine's limit of {MAX_REPEAT}")
            inner = self.sequence(list(body), flags)
            count = _count(low, high)
            return f"(?:{inner}){count}{'?' if op is C.MIN_REPEAT else ''}"
        if op is C.AT:
            return self.anchor(arg, flags)
        raise PatternRefused(f"it uses {name}, which the linear-time engine cannot run")

    def anchor(self, at, flags: int) -> str:
        multiline = bool(flags & C.SRE_FLAG_MULTILINE)
        if at in (C.AT_BOUNDARY, C.AT_NON_BOUNDARY):
            if flags & C.SRE_FLAG_ASCII:
                raise PatternRefused("it combines \\b with the ASCII flag (?a); remove (?a)")
            return "\\b" if at is C.AT_BOUNDARY else "\\B"
        if at is C.AT_BEGINNING_STRING:
            return "\\A"
        if at is C.AT_END_STRING:
            return "\\z"
        if multiline and self.tagged:
            raise PatternRefused("it combines ^ or $ in multi-line mode with \\b; use \\A and \\Z, or drop (?m)")
        if at is C.AT_BEGINNING:
            return "(?m:^)" if multiline else "\\A"
        if at is C.AT_END:  # Python's $ also matches before a final newline
            return "(?m:$)" if multiline else f"(?:\\z|{self.atom(chr(92) + 'n')}\\z)"
        raise PatternRefused(f"it uses the anchor {at}, which the linear-time engine cannot run")


def _case(case: str, text: str) -> str:
    return f"(?i:{text})" if case else f"(?-i:{text})"


def _count(low: int, high) -> str:
    unbounded = high == C.MAXREPEAT
    if (low, unbounded) == (0, True):
        return "*"
    if (low, unbounded) == (1, True):
        return "+"
    if unbounded:
        return f"{{{low},}}"
    if (low, high) == (0, 1):
        return "?"
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def _char(code: int) -> str:
    return f"\\x{{{code:x}}}"


def _category(category, flags: int) -> tuple[str, bool]:
    """A category as class content, and whether it is negated (``\\W``, ``\\S``, ``\\D``)."""
    ascii_only = bool(flags & C.SRE_FLAG_ASCII)
    table = {
        C.CATEGORY_WORD: ("0-9A-Za-z_" if ascii_only else _WORD, False),
        C.CATEGORY_NOT_WORD: ("0-9A-Za-z_" if ascii_only else _WORD, True),
        C.CATEGORY_SPACE: ("\\t-\\r " if ascii_only else _SPACE, False),
        C.CATEGORY_NOT_SPACE: ("\\t-\\r " if ascii_only else _SPACE, True),
        C.CATEGORY_DIGIT: ("0-9" if ascii_only else _DIGIT, False),
        C.CATEGORY_NOT_DIGIT: ("0-9" if ascii_only else _DIGIT, True),
    }
    if category not in table:
        raise PatternRefused(f"it uses the class {category}, which the linear-time engine cannot run")
    return table[category]


def _char_class(items: list, flags: int) -> str:
    """``[...]`` with Python's meaning; a negated escape (``\\W``) can only stand alone or as ``[^\\W...]``."""
    negate = bool(items) and items[0][0] is C.NEGATE
    positive, negative = [], []
    for op, arg in items[1:] if negate else items:
        if op is C.LITERAL:
            positive.append(_char(arg))
        elif op is C.RANGE:
            positive.append(f"{_char(arg[0])}-{_char(arg[1])}")
        elif op is C.CATEGORY:
            content, negated = _category(arg, flags)
            (negative if negated else positive).append(content)
        else:
            raise PatternRefused(f"its character class uses {op}, which the linear-time engine cannot run")
    if not negative:
        return f"[{'^' if negate else ''}{''.join(positive)}]" if positive or negate else "[^\\x00-\\x{10ffff}]"
    if len(negative) == 1 and not positive:
        return f"[{'' if negate else '^'}{negative[0]}]"
    if negate and negative == [_WORD] and set(positive) <= {_DIGIT, _char(ord("_"))}:
        # [^\W\d], [^\W_], [^\W\d_]: letters (and numbers other than digits), the usual idioms
        kept = "\\p{L}" + ("\\p{Nl}\\p{No}" if _DIGIT in positive else "\\p{N}")
        return f"[{kept}{'' if _char(ord('_')) in positive else '_'}]"
    raise PatternRefused("its character class mixes a negated escape (\\W, \\S, \\D) with other characters; "
                         "write the characters it should match instead")
