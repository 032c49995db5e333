"""Codebooks in YAML (``qualcoder-codebook/1``, documented in ``codebooks/README.md``): load and validate.

Errors name the file, the line and the code id, and say how to fix it. A codebook's ``version`` is a hash
of its content, so every coding can record the codebook version it came from.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from qualcoder.errors import CodebookTooDeep, CodebookTooLarge, InvalidCodebook, MissingFile, UnsafePattern

FORMAT = "qualcoder-codebook/1"
LANGUAGES = ("fr", "en")
ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
BOOK_ID_PATTERN = re.compile(r"^[a-z0-9_.-]+$")
COLOR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
SCOPE_KEYS = ("doc_type", "role", "profession", "within")
_LINE = "__line__"
MAX_CODEBOOK_BYTES = 10 * 1024 * 1024  # the shipped 100 kB codebook of 40 codes has 3,821 YAML nodes
MAX_EXPANDED_NODES = 1_000_000  # after aliases: a billion-laughs file expands to 10^9


@dataclass(frozen=True)
class Near:
    terms: tuple[str, ...]
    within: int


@dataclass(frozen=True)
class Patterns:
    terms: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()


@dataclass(frozen=True)
class Code:
    id: str
    label: dict[str, str]
    definition: dict[str, str]
    parent: str | None = None
    include: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    examples: tuple[dict[str, str], ...] = ()
    color: str = "#888888"
    exclusive: bool = False
    patterns: dict[str, Patterns] = field(default_factory=dict)
    scope: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Codebook:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    languages: tuple[str, ...]
    codes: tuple[Code, ...]
    source: str = ""

    @cached_property
    def version(self) -> str:
        """A short hash of the content (not of the file's comments or layout)."""
        content = {"id": self.id, "codes": [_comparable(c) for c in self.codes]}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return digest[:12]

    def code(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent == code_id]

    def depth(self, code_id: str) -> int:
        depth, code = 0, self.code(code_id)
        while code.parent:
            depth, code = depth + 1, self.code(code.parent)
        return depth


def _comparable(code: Code) -> dict:
    data = asdict(code)
    data.pop("line")
    return data


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping (for error messages) and of every alias."""

    def __init__(self, stream):
        super().__init__(stream)
        self.aliases: list[tuple[int, yaml.Node]] = []

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in self.anchors:
                self.aliases.append((event.start_mark.line + 1, self.anchors[event.anchor]))
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def load_codebook(path: str | Path) -> Codebook:
    """Load and validate a codebook file.

    >>> book = load_codebook("codebooks/reseaux-sante.yaml")
    >>> book.id, len(book.codes) >= 30, len(book.version)
    ('reseaux-sante', True, 12)
    """
    path = Path(path)
    if not path.is_file():
        raise MissingFile("codebook file not found", place=path, fix="Check the path you gave.")
    size = path.stat().st_size
    if size > MAX_CODEBOOK_BYTES:
        raise CodebookTooLarge(f"the file is {size / 1e6:.1f} MB, above the {MAX_CODEBOOK_BYTES / 1e6:.0f} MB limit "
                               "for a codebook", place=path, fix="Check that this is a codebook; split a huge one.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidCodebook("the file is not UTF-8", place=path, fix="Save it as UTF-8.") from exc
    try:
        document = _load_yaml(text, path)
    except RecursionError as exc:
        raise CodebookTooDeep("the YAML is nested too deeply to read", place=path,
                              fix="A codebook needs a few levels of indentation; check the file.") from exc
    except (ValueError, TypeError) as exc:  # e.g. an integer of more than 4,300 digits
        raise InvalidCodebook(f"a value cannot be read ({exc})", place=path, fix="Check the file's values.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{path}:{mark.line + 1}" if mark else path
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidCodebook(f"the YAML is malformed ({problem})", place=place,
                              fix="Check the indentation and quoting on that line (quote text containing ': ').") from exc
    return parse_codebook(document, str(path))


def _load_yaml(text: str, path: Path) -> Any:
    """Compose the YAML, refuse aliases that expand beyond ``MAX_EXPANDED_NODES``, then build the objects."""
    loader = _LineLoader(text)  # a SafeLoader subclass: no arbitrary objects
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if loader.aliases:
            _check_expansion(node, loader.aliases, path)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, aliases: list[tuple[int, yaml.Node]], path: Path) -> None:
    """Count the nodes the document holds once every alias is expanded (memoised, so a bomb costs little)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), 10 * MAX_EXPANDED_NODES)
            continue
        if key in open_nodes:
            line = next((line for line, target in aliases if target is node), node.start_mark.line + 1)
            raise CodebookTooLarge("an alias refers to the block that contains it (a recursive alias)",
                                   place=f"{path}:{line}", fix="Remove the alias (*name) at that line.")
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                line = next((line for line, target in aliases if target is child), child.start_mark.line + 1)
                raise CodebookTooLarge("an alias refers to the block that contains it (a recursive alias)",
                                       place=f"{path}:{line}", fix="Remove the alias (*name) at that line.")
            if id(child) not in sizes:
                stack.append((child, False))
    total = sizes[id(root)]
    if total > MAX_EXPANDED_NODES:
        line, target = max(reversed(aliases), key=lambda pair: sizes.get(id(pair[1]), 0))  # the outermost use
        raise CodebookTooLarge(
            f"its aliases expand to {_how_many(total)} values, above the limit of {MAX_EXPANDED_NODES:,} (the alias "
            f"at this line alone expands to {_how_many(sizes[id(target)])}; an alias bomb?)",
            place=f"{path}:{line}", fix="Write the values out, or use fewer nested aliases (*name).")


def _how_many(count: int) -> str:
    return f"over {count:,}" if count >= 10 * MAX_EXPANDED_NODES else f"{count:,}"


def parse_codebook(document: Any, source: str) -> Codebook:
    """Validate a loaded YAML document and build the Codebook."""
    if not isinstance(document, dict):
        raise InvalidCodebook("the file is not a YAML mapping", place=source,
                              fix=f"Start it with `format: {FORMAT}`, `id:` and a `codes:` list.")
    line = document.get(_LINE, 1)
    if document.get("format") != FORMAT:
        raise InvalidCodebook(f"format is {document.get('format')!r}", place=f"{source}:{line}",
                              fix=f"Write `format: {FORMAT}` at the top.")
    book_id = document.get("id")
    if not isinstance(book_id, str) or not BOOK_ID_PATTERN.match(book_id):
        raise InvalidCodebook(f"the codebook id is {book_id!r}", place=f"{source}:{line}",
                              fix="Use lower-case letters, digits, _, . and -, e.g. `id: reseaux-sante`.")
    codes_raw = document.get("codes")
    if not isinstance(codes_raw, list) or not codes_raw:
        raise InvalidCodebook("there is no `codes:` list", place=f"{source}:{line}", fix="Add a `codes:` list.")
    languages = _languages(document.get("languages"), source, line)
    codes = [_parse_code(raw, source, languages) for raw in codes_raw]
    _check_tree(codes, source)
    return Codebook(book_id, _texts(document.get("title"), source, line, "title", languages, required=False),
                    _texts(document.get("description"), source, line, "description", languages, required=False),
                    languages, tuple(codes), source)


def _languages(value: Any, source: str, line: int) -> tuple[str, ...]:
    """The codebook's languages (``[fr, en]`` by default; ``[en]`` for an English-only study)."""
    languages = tuple(value or LANGUAGES)
    if not languages or any(language not in LANGUAGES for language in languages) or len(set(languages)) < len(
            languages):
        raise InvalidCodebook(f"`languages` is {list(languages)}", place=f"{source}:{line}",
                              fix=f"Give one or both of {', '.join(LANGUAGES)}, e.g. `languages: [en]`.")
    return languages


def _place(source: str, line: int, code_id: str | None = None) -> str:
    return (f"{source}:{line}" if line else source) + (f" (code {code_id!r})" if code_id else "")


def _check_id(value: Any, source: str, line: int, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise InvalidCodebook(f"{what} has the id {value!r}", place=_place(source, line, str(value)),
                              fix="Use lower-case letters, digits and _, with . between levels, e.g. territoire.defense.")
    return value


def _texts(value: Any, source: str, line: int, key: str, languages: tuple[str, ...], code_id: str | None = None,
           required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise InvalidCodebook(f"`{key}` must give a text per language", place=_place(source, line, code_id),
                              fix=f"Write `{key}: {{fr: \"...\", en: \"...\"}}`.")
    texts = {k: v for k, v in value.items() if k != _LINE}
    for language in texts:
        if language not in LANGUAGES:
            raise InvalidCodebook(f"`{key}` has the language {language!r}", place=_place(source, line, code_id),
                                  fix=f"Use {' and '.join(LANGUAGES)}.")
    missing = [lang for lang in languages if not (isinstance(texts.get(lang), str) and texts[lang].strip())]
    if required and missing:
        names = " and ".join({"fr": "French", "en": "English"}[lang] for lang in languages)
        raise InvalidCodebook(f"`{key}` lacks {', '.join(missing)}", place=_place(source, line, code_id),
                              fix=f"Give `{key}` in {names} (the codebook's `languages`).")
    return texts


def _lists(value: Any, source: str, line: int, key: str, code_id: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidCodebook(f"`{key}` must list criteria per language", place=_place(source, line, code_id),
                              fix=f"Write `{key}: {{fr: [...], en: [...]}}`.")
    return {k: tuple(v if isinstance(v, list) else [v]) for k, v in value.items() if k != _LINE}


def _parse_code(raw: Any, source: str, languages: tuple[str, ...]) -> Code:
    if not isinstance(raw, dict):
        raise InvalidCodebook("a code is not a mapping", place=source, fix="Each item of `codes:` starts with `- id:`.")
    line = raw.get(_LINE, 0)
    code_id = _check_id(raw.get("id"), source, line, "a code")
    color = raw.get("color", "#888888")
    if not isinstance(color, str) or not COLOR_PATTERN.match(color):
        raise InvalidCodebook(f"the colour {color!r} is not #RRGGBB", place=_place(source, line, code_id),
                              fix="Write a colour like \"#4C72B0\" (quoted: # starts a YAML comment).")
    return Code(
        id=code_id,
        parent=raw.get("parent"),
        label=_texts(raw.get("label"), source, line, "label", languages, code_id),
        # a code made while reading has no definition yet; `codebook check` lists those
        definition=_texts(raw.get("definition"), source, line, "definition", languages, code_id, required=False),
        include=_lists(raw.get("include"), source, line, "include", code_id),
        exclude=_lists(raw.get("exclude"), source, line, "exclude", code_id),
        examples=tuple({k: v for k, v in e.items() if k != _LINE} for e in raw.get("examples") or []),
        color=color,
        exclusive=bool(raw.get("exclusive", False)),
        patterns=_patterns(raw.get("patterns"), source, line, code_id),
        scope=_scope(raw.get("scope"), source, line, code_id),
        line=line,
    )


def _patterns(value: Any, source: str, line: int, code_id: str) -> dict[str, Patterns]:
    if value is None:
        return {}
    patterns = {}
    for language, spec in value.items():
        if language == _LINE:
            continue
        where = _place(source, (spec or {}).get(_LINE, line) if isinstance(spec, dict) else line, code_id)
        if language not in LANGUAGES:
            raise InvalidCodebook(f"patterns for the language {language!r}", place=where,
                                  fix=f"Give patterns under {' or '.join(LANGUAGES)}.")
        if not isinstance(spec, dict):
            raise InvalidCodebook("patterns must be a mapping of terms / regex / near", place=where,
                                  fix="Write `fr: {terms: [...]}`.")
        unknown = set(spec) - {"terms", "regex", "near", _LINE}
        if unknown:
            raise InvalidCodebook(f"unknown pattern kind {sorted(unknown)[0]!r}", place=where,
                                  fix="Use terms, regex or near.")
        terms = tuple(str(t) for t in spec.get("terms") or [])
        regexes = tuple(spec.get("regex") or [])
        for expression in regexes:
            _check_regex(expression, where)
        near = tuple(_near(rule, source, where, code_id) for rule in spec.get("near") or [])
        patterns[language] = Patterns(terms, regexes, near)
    return patterns


def _check_regex(expression: Any, where: str) -> None:
    """Every regex must run on the linear-time engine (``qualcoder.coding.patterns``): none can hang auto-coding."""
    from qualcoder.coding.patterns import PatternRefused, PatternSyntaxError, compile_pattern

    if not isinstance(expression, str):
        raise InvalidCodebook(f"a regex is not a text ({type(expression).__name__})", place=where,
                              fix='Write each regex as a quoted text: `regex: ["empi[èé]t\\\\w*"]`.')
    try:
        compile_pattern(expression)
    except PatternSyntaxError as exc:
        raise InvalidCodebook(f"the regex {expression!r} {exc}", place=where,
                              fix="Fix the expression (in YAML double quotes, write \\\\b for \\b).") from exc
    except PatternRefused as exc:
        shown = expression if len(expression) <= 80 else expression[:79] + "…"
        raise UnsafePattern(f"the regex {shown!r} is refused: {exc}", place=where,
                            fix="Rewrite it without backreferences, lookarounds, atomic or possessive groups and "
                                "repeats over 1000 (in YAML double quotes, write \\\\b for \\b).") from exc


def _near(rule: Any, source: str, where: str, code_id: str) -> Near:
    if (not isinstance(rule, dict) or not isinstance(rule.get("terms"), list) or len(rule["terms"]) < 2
            or not isinstance(rule.get("within"), int) or rule["within"] < 1):
        raise InvalidCodebook("a near rule needs two or more terms and a positive `within`", place=where,
                              fix="Write `- {terms: [médecin, infirmier], within: 6}`.")
    return Near(tuple(str(t) for t in rule["terms"]), rule["within"])


def _scope(value: Any, source: str, line: int, code_id: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    scope = {}
    for key, items in value.items():
        if key == _LINE:
            continue
        if key not in SCOPE_KEYS:
            raise InvalidCodebook(f"unknown scope {key!r}", place=_place(source, line, code_id),
                                  fix=f"Use {', '.join(SCOPE_KEYS)}.")
        scope[key] = tuple(items if isinstance(items, list) else [items])
    return scope


def _check_tree(codes: list[Code], source: str) -> None:
    seen: dict[str, Code] = {}
    for code in codes:
        if code.id in seen:
            raise InvalidCodebook(f"the id {code.id!r} is used twice (first at line {seen[code.id].line})",
                                  place=_place(source, code.line, code.id),
                                  fix="Give each code its own id; ids are stable, so rename the new one.")
        seen[code.id] = code
    for code in codes:
        if code.parent is not None and code.parent not in seen:
            raise InvalidCodebook(f"the parent {code.parent!r} does not exist", place=_place(source, code.line, code.id),
                                  fix="Use the id of a code of this codebook, or remove `parent`.")
        within = code.scope.get("within", ())
        for other in within:
            if other not in seen:
                raise InvalidCodebook(f"scope `within` names the unknown code {other!r}",
                                      place=_place(source, code.line, code.id), fix="Use an existing code id.")
    for code in codes:
        path, current = [code.id], code
        while current.parent is not None:
            if current.parent in path:
                cycle = " -> ".join([*path, current.parent])
                raise InvalidCodebook(f"the parents form a cycle ({cycle})", place=_place(source, code.line, code.id),
                                      fix="Make one of these codes a top-level code (no parent).")
            path.append(current.parent)
            current = seen[current.parent]


def to_document(book: Codebook) -> dict[str, Any]:
    """The codebook as the YAML format's mapping (for storage and ``codebook export --format yaml``)."""
    codes = []
    for code in book.codes:
        item: dict[str, Any] = {"id": code.id}
        if code.parent:
            item["parent"] = code.parent
        item.update({"label": dict(code.label), "definition": dict(code.definition)})
        for key in ("include", "exclude"):
            if getattr(code, key):
                item[key] = {lang: list(v) for lang, v in getattr(code, key).items()}
        if code.examples:
            item["examples"] = [dict(e) for e in code.examples]
        item["color"] = code.color
        if code.exclusive:
            item["exclusive"] = True
        if code.patterns:
            item["patterns"] = {lang: _patterns_document(p) for lang, p in code.patterns.items()}
        if code.scope:
            item["scope"] = {k: list(v) for k, v in code.scope.items()}
        codes.append(item)
    document: dict[str, Any] = {"format": FORMAT, "id": book.id}
    if book.title:
        document["title"] = dict(book.title)
    if book.description:
        document["description"] = dict(book.description)
    document["languages"] = list(book.languages)
    document["codes"] = codes
    return document


def _patterns_document(patterns: Patterns) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if patterns.terms:
        found["terms"] = list(patterns.terms)
    if patterns.regex:
        found["regex"] = list(patterns.regex)
    if patterns.near:
        found["near"] = [{"terms": list(n.terms), "within": n.within} for n in patterns.near]
    return found


def to_yaml(book: Codebook) -> str:
    return yaml.safe_dump(to_document(book), allow_unicode=True, sort_keys=False, width=110)


def to_markdown(book: Codebook, language: str = "fr") -> str:
    """A readable codebook for a paper's appendix: definitions, criteria and examples, in tree order."""
    other = "en" if language == "fr" else "fr"
    words = {"fr": ("Définition", "Inclure", "Exclure", "Exemples"), "en": ("Definition", "Include", "Exclude",
                                                                             "Examples")}[language]
    lines = [f"# {book.title.get(language) or book.id}", "", f"Codebook `{book.id}`, version `{book.version}`.", ""]

    def write(code: Code) -> None:
        level = "#" * min(book.depth(code.id) + 2, 6)
        lines.extend([f"{level} {code.label.get(language, code.id)} (`{code.id}`)", "",
                      f"*{code.label.get(other, '')}* — colour `{code.color}`"
                      + (" — mutually exclusive children" if code.exclusive else ""), "",
                      f"**{words[0]}.** {code.definition.get(language, '')}", ""])
        for title, criteria in ((words[1], code.include), (words[2], code.exclude)):
            if criteria.get(language):
                lines.append(f"**{title}:**")
                lines.extend(f"- {item}" for item in criteria[language])
                lines.append("")
        if code.examples:
            lines.append(f"**{words[3]}:**")
            lines.extend(f"> {e.get('text', '')} ({e.get('source', '')})" for e in code.examples)
            lines.append("")
        for child in book.children(code.id):
            write(child)

    for top in book.children(None):
        write(top)
    return "\n".join(lines)
