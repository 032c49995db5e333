"""Running the codebook's rules over a project: which codes to (re)run, scopes, storing rule codings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from qualcoder.coding import COUNTED_STATUSES
from qualcoder.coding.codebook import Code, Codebook, parse_codebook
from qualcoder.coding.manual import coding_row
from qualcoder.coding.overlap import covered_segments
from qualcoder.coding.rules import RULE_CODER, compile_rules, in_scope, match_document
from qualcoder.errors import NotSegmented
from qualcoder.store.repository import CodingSync

if TYPE_CHECKING:
    from qualcoder.project import Project


@dataclass
class AutocodeReport:
    codes_run: list[str]
    codings: pd.DataFrame  # segment_id, doc_id, doc, start, end, code, pattern, text
    unmatched_terms: list[str] = field(default_factory=list)
    dry_run: bool = False
    stored: CodingSync | None = None  # what changed in the store (None on a dry run)

    @property
    def warnings(self) -> list[str]:
        """What the user must be told: memos that went with rule codings whose rules no longer match."""
        if self.stored is None or not self.stored.memos_removed:
            return []
        return [f"{self.stored.memos_removed} memo(s) were on rule codings that the rules no longer make; they were "
                "removed with those codings (undo is not possible: accept a rule coding to keep it and its memos)"]

    def counts(self) -> pd.DataFrame:
        counts = self.codings.groupby("code").size().to_dict()
        return pd.DataFrame({"code": self.codes_run,
                             "segments": [int(counts.get(code, 0)) for code in self.codes_run]})


def _rules_of(code: Code) -> tuple:
    return (code.patterns, tuple(sorted(code.scope.items())))


def codes_to_run(project: Project, book: Codebook, requested: list[str] | None, everything: bool) -> list[Code]:
    """Explicit codes; else every code with rules when ``everything``; else new or changed codes only."""
    with_rules = [c for c in book.codes if c.patterns]
    if requested:
        from qualcoder.coding.codebooks import require_code

        for code_id in requested:
            require_code(book, code_id)
        return [c for c in with_rules if c.id in requested]
    if everything:
        return with_rules
    versions = project.code_versions("rules")
    history = project.codebook_history()
    chosen = []
    for code in with_rules:
        version = versions.get(code.id)
        if version is None or version not in history:
            chosen.append(code)
            continue
        previous = parse_codebook(*history[version])
        old = {c.id: c for c in previous.codes}.get(code.id)
        if old is None or _rules_of(old) != _rules_of(code):
            chosen.append(code)
    return chosen


def autocode(project: Project, codes: list[str] | None = None, dry_run: bool = False, everything: bool = False,
             progress=None) -> AutocodeReport:
    book = project.codebook()
    chosen = codes_to_run(project, book, codes, everything)
    segments = _segments(project, chosen)
    if segments.empty:
        raise NotSegmented("the project has no segments", place="project",
                           fix="Run `qualcoder segment --by sentence` first.")
    wanted_anywhere = {w for code in chosen for w in code.scope.get("within", ())}
    kept = pd.DataFrame(columns=["document_id", "start", "end", "code"])
    if wanted_anywhere:
        existing = project.stored_codings(code=wanted_anywhere, status=COUNTED_STATUSES)
        kept = existing[~((existing["source"] == "rules") & existing["code"].isin([c.id for c in chosen]))]
    found = []
    first_pass = [c for c in chosen if "within" not in c.scope]
    second_pass = [c for c in chosen if "within" in c.scope]
    unmatched: set[str] = set()
    for batch in (first_pass, second_pass):
        if not batch:
            continue
        wanted = {w for code in batch for w in code.scope.get("within", ())}
        coded = _coded_segments(segments, kept, wanted) if wanted else {}
        if wanted and found:
            fresh = pd.concat(found).merge(segments[["segment_id", "doc_id", "start", "end"]], on="segment_id")
            for code, ids in _coded_segments(segments, fresh, wanted).items():
                coded.setdefault(code, set()).update(ids)
        hits, missing = _run_batch(project, book, batch, segments, progress)
        unmatched |= missing
        indexed = segments.set_index("segment_id", drop=False)
        for code in batch:
            mine = hits[hits["code"] == code.id]
            if not code.scope:
                found.append(mine)
                continue
            allowed = in_scope(code, indexed.loc[mine["segment_id"]], coded)
            found.append(mine[allowed.to_numpy()])
    result = pd.concat(found) if found else pd.DataFrame(columns=["segment_id", "code", "pattern"])
    result = result.merge(segments[["segment_id", "doc_id", "doc", "start", "end"]], on="segment_id")
    texts = project.texts()
    result["text"] = [texts[int(d)][s:e] for d, s, e in result[["doc_id", "start", "end"]].itertuples(index=False)]
    if not dry_run:
        version = book.version
        rows = [coding_row(int(r.doc_id), texts[int(r.doc_id)], int(r.start), int(r.end), r.code, RULE_CODER,
                           source="rules", version=version, pattern=r.pattern)
                for r in result.itertuples()]
        stored = project.sync_codings(rows, RULE_CODER, "autocode", f"autocode {len(chosen)} code(s)",
                                           source="rules", code=[c.id for c in chosen])
    columns = ["segment_id", "doc_id", "doc", "start", "end", "code", "pattern", "text"]
    return AutocodeReport([c.id for c in chosen], result[columns].reset_index(drop=True), sorted(unmatched), dry_run,
                          None if dry_run else stored)


def _segments(project: Project, chosen: list[Code]) -> pd.DataFrame:
    """Segments with what the rules need: language, document type, and speakers only if a scope asks."""
    if any(key in code.scope for code in chosen for key in ("role", "profession")):
        return project.segments_df(with_text=False)
    segments = project.stored_segments()
    documents = project.documents_df(with_text=False, grouped=False)[["doc_id", "name", "type", "language"]]
    return segments.merge(documents.rename(columns={"name": "doc"}), on="doc_id", how="left")


def _coded_segments(segments: pd.DataFrame, codings: pd.DataFrame, wanted: set[str]) -> dict[str, set[int]]:
    """code -> ids of the segments that overlap one of its codings, for the ``wanted`` codes only."""
    coded: dict[str, set[int]] = {}
    for segment_id, codes in covered_segments(segments, codings[codings["code"].isin(wanted)], "any").items():
        for code in codes:
            coded.setdefault(code, set()).add(segment_id)
    return coded


def _run_batch(project: Project, book: Codebook, codes: list[Code], segments: pd.DataFrame, progress):
    texts = project.texts()
    ordered = segments.sort_values(["doc_id", "start"])
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for doc_id, segment_id, start, end in ordered[["doc_id", "segment_id", "start", "end"]].itertuples(
            index=False):
        by_doc.setdefault(int(doc_id), []).append((int(segment_id), int(start), int(end)))
    rows = []
    fired: set[str] = set()
    declared: set[str] = set()
    for language, group in segments.groupby("language"):
        nlp = project.nlp(language)
        rules = compile_rules(book, codes, nlp, language)
        declared |= {f"{language}: {desc.split(': ', 1)[1]}" for _, desc in rules.keys.values()}
        doc_ids = sorted(int(d) for d in group["doc_id"].unique())
        parses = project.parses(doc_ids)
        for done, doc_id in enumerate(doc_ids, start=1):
            for segment_id, code, pattern in match_document(rules, parses[doc_id], texts[doc_id],
                                                             by_doc.get(doc_id, [])):
                rows.append((segment_id, code, pattern))
                if pattern.startswith("terms: "):
                    fired.add(f"{language}: {pattern[7:].split(' «')[0]}")
            if progress:
                progress(f"autocode {language}", done, len(doc_ids))
    patterns: dict[tuple[int, str], dict[str, None]] = {}
    for segment_id, code, pattern in rows:
        patterns.setdefault((segment_id, code), {})[pattern] = None
    frame = pd.DataFrame([(s, c, "; ".join(p)) for (s, c), p in patterns.items()],
                         columns=["segment_id", "code", "pattern"])
    return frame, declared - fired


def unmatched_terms(project: Project, book: Codebook) -> list[str]:
    """Terms of ``book`` whose lemmas occur nowhere in the project's parsed texts (``fr: forfait``).

    Usually the pipeline lemmatises the term alone differently from the same word in context (a noun taken
    for a verb); write the term with a determiner (``un forfait``) or as the lemma the texts produce.
    """
    segments = _segments(project, [])
    if segments.empty:
        raise NotSegmented("the project has no segments", place="project",
                           fix="Run `qualcoder segment --by sentence` first.")
    _, missing = _run_batch(project, book, [c for c in book.codes if c.patterns], segments, None)
    return sorted(missing)
