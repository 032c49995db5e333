"""Auto-coding by rules on the stored lower-cased lemmas: term phrases, regexes, proximity rules.

Patterns are lemmatised with the same pipeline that parsed the texts (``nlp.pipe``) and matched against the
cached lemma sequences, so no text is parsed again. Matching is a lookup of each token's lemma in a table of
phrase-first lemmas: rebuilding spaCy Docs from the cache to run its PhraseMatcher cost more than the whole
match (measured: 2.6 µs a token for ``Doc(vocab, words=...)``, which a re-run after a codebook edit cannot
afford). A rule coding covers the segment in which a pattern fired and records which pattern it was.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from spacy.language import Language

from qualcoder.coding.codebook import Code, Codebook
from qualcoder.coding.patterns import Pattern, PatternRefused, compile_pattern
from qualcoder.errors import UnsafePattern
from qualcoder.text.parse import Parse

RULE_CODER = "rules"


class LemmaPhrases:
    """Phrases of lemmas, found in a lemma sequence by looking each token up among the phrases' first lemmas."""

    def __init__(self) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)

    def add(self, key: str, lemmas: list[str]) -> None:
        if lemmas:
            self.by_first[lemmas[0]].append((tuple(lemmas), key))

    def __call__(self, lemmas: list[str]) -> list[tuple[str, int, int]]:
        """``(key, first token, token after)`` for every occurrence."""
        found = []
        table = self.by_first
        for position in [i for i, lemma in enumerate(lemmas) if lemma in table]:
            for phrase, key in table[lemmas[position]]:
                end = position + len(phrase)
                if len(phrase) == 1 or tuple(lemmas[position:end]) == phrase:
                    found.append((key, position, end))
        return found


@dataclass
class LanguageRules:
    """The compiled patterns of one codebook for one language."""

    phrases: LemmaPhrases
    keys: dict[str, tuple[str, str]]  # phrase key -> (code, "terms: …")
    near: list[tuple[str, str, list[str], int]]  # (code, description, term keys, window)
    regexes: list[tuple[str, str, Pattern]]  # on RE2: linear time, no pattern can hang
    never_produced: list[str] = field(default_factory=list)


def lemmatise(nlp: Language, terms: list[str]) -> dict[str, list[str]]:
    """Each term's lower-cased lemmas, from the pipeline that parsed the texts."""
    return {term: [t.lemma_.lower() for t in doc if not t.is_space] for term, doc in zip(terms, nlp.pipe(terms))}


def compile_rules(book: Codebook, codes: list[Code], nlp: Language, language: str) -> LanguageRules:
    """Lemmatise every term with ``nlp`` and index the phrases by their first lemma."""
    phrases = LemmaPhrases()
    keys: dict[str, tuple[str, str]] = {}
    near, regexes = [], []
    terms = sorted({t for c in codes for p in [c.patterns.get(language)] if p
                    for t in (*p.terms, *(w for n in p.near for w in n.terms))})
    lemmas = lemmatise(nlp, terms)
    for code in codes:
        patterns = code.patterns.get(language)
        if patterns is None:
            continue
        for term in patterns.terms:
            key = f"{code.id}\tterms: {term}"
            phrases.add(key, lemmas[term])
            keys[key] = (code.id, f"terms: {term}")
        for rule in patterns.near:
            term_keys = []
            for term in rule.terms:
                key = f"near-term\t{term}"
                phrases.add(key, lemmas[term])
                term_keys.append(key)
            near.append((code.id, f"near: {' + '.join(rule.terms)} within {rule.within}", term_keys, rule.within))
        for expression in patterns.regex:
            regexes.append((code.id, f"regex: {expression}", _compiled(expression, code, book)))
    return LanguageRules(phrases, keys, near, regexes)


def _compiled(expression: str, code: Code, book: Codebook) -> Pattern:
    """Loading already refuses what RE2 cannot run; a codebook stored by an older version is checked here."""
    try:
        return compile_pattern(expression)
    except PatternRefused as exc:
        raise UnsafePattern(f"the regex {expression[:80]!r} is refused: {exc}",
                            place=f"{book.source or book.id}:{code.line} (code {code.id!r})",
                            fix="Fix it in the codebook file and run `qualcoder codebook load` again.") from exc


def match_document(rules: LanguageRules, parse: Parse, text: str,
                   segments: list[tuple[int, int, int]]) -> list[tuple[int, str, str]]:
    """``(segment_id, code, pattern fired)`` for one document; segments are ``(id, start, end)`` sorted."""
    if not segments:
        return []
    starts = [s for _, s, _ in segments]
    found: list[tuple[int, str, str]] = []

    def segment_of(char_start: int, char_end: int) -> int | None:
        index = bisect_right(starts, char_start) - 1
        if index >= 0 and segments[index][1] <= char_start and char_end <= segments[index][2]:
            return segments[index][0]
        return None

    occurrences: dict[str, list[int]] = defaultdict(list)
    for key, first, last in rules.phrases(parse.lemmas):
        span = (parse.starts[first], parse.ends[last - 1])
        if key in rules.keys:
            code, description = rules.keys[key]
            segment = segment_of(*span)
            if segment is not None:
                found.append((segment, code, f"{description} «{text[span[0]:span[1]]}»"))
        occurrences[key].append(first)
    for code, description, ids, window in rules.near:
        for position in occurrences.get(ids[0], []):
            if all(any(abs(other - position) <= window for other in occurrences.get(i, [])) for i in ids[1:]):
                segment = segment_of(parse.starts[position], parse.ends[position])
                if segment is not None:
                    found.append((segment, code, description))
    for segment_id, start, end in segments:
        piece = text[start:end]
        for code, description, expression in rules.regexes:
            hit = expression.search(piece)
            if hit:
                found.append((segment_id, code, f"{description} «{piece[hit[0]:hit[1]]}»"))
    return found


def in_scope(code: Code, segments: pd.DataFrame, coded: dict[str, set[int]]) -> pd.Series:
    """Which segments a code's rules may code: document type, speaker role and profession, inside codes."""
    keep = pd.Series(True, index=segments.index)
    scope = code.scope
    if "doc_type" in scope:
        keep &= segments["type"].isin(scope["doc_type"])
    if "role" in scope:
        keep &= segments["role"].isin(scope["role"])
    if "profession" in scope:
        keep &= segments["profession"].isin(scope["profession"])
    if "within" in scope:
        allowed = set().union(*(coded.get(c, set()) for c in scope["within"]))
        keep &= segments["segment_id"].isin(allowed)
    return keep
