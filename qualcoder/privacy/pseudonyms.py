"""One pseudonym per person, place or organisation, whatever the form it is named by: ``Mme Dupont``, ``Dupont``,
``Dr Dupont`` and ``Claire Dupont`` are one person (the title stays in the text, the name is replaced).

Two styles: ``label`` (``[Infirmière 1]`` from the speaker's profession when the person is a speaker, else
``[Personne 1]``; ``[Hôpital A]``, ``[Lieu B]``) and ``realistic`` (invented first and last names chosen by
gender, from the title, and by language; places and organisations keep labels).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from qualcoder.errors import PseudonymCollision
from qualcoder.privacy.detect import name_forms
from qualcoder.privacy.patterns import FEMALE_TITLES, MALE_TITLES

LABELS = {
    "fr": {"person": "Personne", "place": "Lieu", "organisation": "Organisation", "hospital": "Hôpital",
           "email": "courriel", "phone": "téléphone", "birthdate": "date de naissance", "age": "âge",
           "address": "adresse"},
    "en": {"person": "Person", "place": "Place", "organisation": "Organisation", "hospital": "Hospital",
           "email": "e-mail", "phone": "phone", "birthdate": "date of birth", "age": "age", "address": "address"},
}
_HOSPITAL = re.compile(r"(?i)\b(?:hôpital|hopital|chu|chr|clinique|ehpad|hospital|infirmary|hospice|clinic)\b")
NAMES = {
    ("fr", "f"): "Camille Juliette Hélène Nathalie Isabelle Sylvie Valérie Laurence Agnès Brigitte Odile Martine "
                 "Danièle Géraldine Muriel Annick Solène Maëlle Coralie Ginette",
    ("fr", "m"): "Thierry Olivier Laurent Frédéric Pascal Didier Hervé Gilles Yannick Benoît Arnaud Régis Lionel "
                 "Cédric Serge Gaëtan Rodolphe Marcel Bertrand Joël",
    ("en", "f"): "Harriet Imogen Philippa Rosalind Gwendolyn Beatrix Marjorie Winifred Felicity Henrietta Lorna "
                 "Maud Edith Gillian Hazel Morag Bronwen Yvonne Delia Esme",
    ("en", "m"): "Rupert Nigel Clive Alistair Desmond Giles Humphrey Mervyn Rodney Cedric Barnaby Ambrose Lionel "
                 "Crispin Dermot Fergus Horace Quentin Seamus Wilfred",
    ("fr", "last"): "Vasseur Delcourt Lemaître Pasquier Rivière Chauvin Guillot Brossard Texier Leclercq Carpentier "
                    "Jacquet Maillard Tessier Hamon Courtois Poirier Besson Lebrun Gauthier Baudry Marchal Ollivier "
                    "Perrin Rolland",
    ("en", "last"): "Ashdown Pemberton Thornbury Whitlock Hargreaves Fairbrother Bramwell Catterall Dunmore Ellwood "
                    "Fenwick Greenhalgh Hollis Ingram Kershaw Lockwood Mottram Northcott Oakley Prendergast "
                    "Radcliffe Summerfield Tattersall Underwood Wetherby",
}


def fold(text: str) -> str:
    """Case and accents aside: ``Hélène`` and ``HELENE`` are one form.

    >>> fold("Dr Hélène")
    'dr helene'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class Entity:
    """A person, place, organisation or identifying value, and every form it was found in."""

    id: int
    category: str
    language: str
    forms: set[str] = field(default_factory=set)
    first: str | None = None
    last: str | None = None
    gender: str | None = None
    profession: str | None = None
    pseudonym: str = ""
    pseudonym_first: str | None = None
    pseudonym_last: str | None = None


@dataclass(frozen=True)
class Mention:
    """A detection to replace: ``text`` at ``doc_id``/``start``, its category, the title before it if any."""

    doc_id: int
    start: int
    end: int
    text: str
    category: str
    language: str
    title: str | None = None


class Pseudonymiser:
    """Groups mentions into entities and gives each a pseudonym; ``replacement(mention)`` is what replaces it.

    >>> ms = [Mention(1, 4, 17, "Claire Dupont", "person", "fr", None), Mention(1, 30, 36, "Dupont", "person", "fr", "Mme")]
    >>> p = Pseudonymiser(ms)
    >>> [p.replacement(m) for m in ms]
    ['[Personne 1]', '[Personne 1]']
    """

    def __init__(self, mentions: Iterable[Mention], *, style: str = "label", professions: dict[str, str] | None = None,
                 corpus_words: set[str] | None = None, overrides: dict[str, str] | None = None):
        self.style = style
        self.mentions = list(mentions)
        self.professions = {fold(k): v for k, v in (professions or {}).items()}  # a speaker's name -> profession
        self.corpus_words = corpus_words or set()
        self.overrides = overrides or {}
        self.entities: list[Entity] = []
        self._by_surname: dict[str, Entity] = {}
        self._by_first: dict[str, list[Entity]] = {}
        self._by_value: dict[tuple[str, str], Entity] = {}
        self._of: dict[tuple[int, int], Entity] = {}
        self._group()
        self._name()

    # grouping ------------------------------------------------------------------------------------------------
    def _words(self, mention: Mention) -> list[str]:
        return re.findall(r"[^\W\d_][\w'’-]*", mention.text)

    def _group(self) -> None:
        persons = [m for m in self.mentions if m.category == "person"]
        # full names first, so "Dupont" alone finds the "Claire Dupont" seen elsewhere
        for mention in sorted(persons, key=lambda m: -len(self._words(m))):
            words = self._words(mention)
            entity = self._person(words, mention)
            entity.forms.add(mention.text)
            self._of[(mention.doc_id, mention.start)] = entity
            if mention.title and entity.gender is None:
                entity.gender = "f" if mention.title in FEMALE_TITLES else "m" if mention.title in MALE_TITLES else None
        for mention in self.mentions:
            if mention.category == "person":
                continue
            key = (mention.category, fold(mention.text))
            entity = self._by_value.get(key)
            if entity is None:
                entity = self._new(mention.category, mention.language)
                self._by_value[key] = entity
            entity.forms.add(mention.text)
            self._of[(mention.doc_id, mention.start)] = entity

    def _person(self, words: list[str], mention: Mention) -> Entity:
        if not words:
            words = [mention.text]
        last = fold(words[-1])
        if len(words) > 1:
            entity = self._by_surname.get(last)
            if entity is None:
                entity = self._new("person", mention.language)
                entity.last = words[-1]
                self._by_surname[last] = entity
            if entity.first is None:
                entity.first = " ".join(words[:-1])
                self._by_first.setdefault(fold(entity.first), []).append(entity)
            return entity
        word = fold(words[0])
        if word in self._by_surname:
            return self._by_surname[word]
        firsts = self._by_first.get(word, [])
        if len(firsts) == 1:
            return firsts[0]
        entity = self._new("person", mention.language)
        entity.last = words[0]
        self._by_surname[word] = entity
        return entity

    def _new(self, category: str, language: str) -> Entity:
        entity = Entity(len(self.entities) + 1, category, language if language in LABELS else "fr")
        self.entities.append(entity)
        return entity

    # naming ------------------------------------------------------------------------------------------------
    def _name(self) -> None:
        counters: dict[str, int] = {}
        used: set[str] = set()
        for entity in self.entities:
            override = next((self.overrides[f] for f in sorted(entity.forms) if f in self.overrides), None)
            if override:
                entity.pseudonym = override
                self._check(override, entity)
                continue
            labels = LABELS[entity.language]
            if entity.category == "person":
                entity.profession = self._profession(entity)
                if self.style == "realistic":
                    self._realistic(entity, used)
                    continue
                kind = entity.profession or labels["person"]
                counters[kind] = counters.get(kind, 0) + 1
                entity.pseudonym = f"[{kind} {counters[kind]}]"
            elif entity.category in ("place", "organisation"):
                kind = "hospital" if any(_HOSPITAL.search(f) for f in entity.forms) else entity.category
                counters[kind] = counters.get(kind, 0) + 1
                entity.pseudonym = f"[{labels[kind]} {_letters(counters[kind])}]"
            else:
                entity.pseudonym = f"[{labels.get(entity.category, entity.category)}]"
            self._check(entity.pseudonym, entity)

    def _profession(self, entity: Entity) -> str | None:
        for form in entity.forms | {f"{entity.first or ''} {entity.last or ''}".strip()}:
            for name in [form, *name_forms(form)]:
                profession = self.professions.get(fold(name))
                if profession:
                    return profession[:1].upper() + profession[1:]
        return None

    def _realistic(self, entity: Entity, used: set[str]) -> None:
        language = entity.language
        gender = entity.gender or _gender_of(entity.first, language)
        first_pool = NAMES[(language, gender or "f")].split()
        last_pool = NAMES[(language, "last")].split()
        first = next((n for n in first_pool if n not in used and fold(n) not in self.corpus_words), None)
        last = next((n for n in last_pool if n not in used and fold(n) not in self.corpus_words), None)
        if first is None or last is None:  # more people than invented names: fall back on labels
            entity.pseudonym = f"[{LABELS[language]['person']} {entity.id}]"
            return
        used.update((first, last))
        entity.pseudonym_first, entity.pseudonym_last = first, last
        entity.pseudonym = f"{first} {last}"

    def _check(self, pseudonym: str, entity: Entity) -> None:
        words = {fold(w) for w in re.findall(r"\w+", pseudonym)}
        bare = fold(pseudonym.strip("[]"))
        if (pseudonym[:1] != "[" and words & self.corpus_words) or bare in self.corpus_words:
            raise PseudonymCollision(f"the pseudonym {pseudonym!r} for {sorted(entity.forms)[0]!r} is also a word of "
                                     f"the texts", place="pseudonyms",
                                     fix="Choose a pseudonym that appears nowhere in the corpus.")

    # replacing ---------------------------------------------------------------------------------------------
    def entity(self, mention: Mention) -> Entity:
        return self._of[(mention.doc_id, mention.start)]

    def replacement(self, mention: Mention) -> str:
        """The text replacing a mention: the entity's pseudonym (in ``realistic`` style the form named: a surname
        alone by a surname, a first name alone by a first name)."""
        entity = self.entity(mention)
        if entity.pseudonym_first is None:
            return entity.pseudonym
        words = [fold(w) for w in self._words(mention)]
        if len(words) == 1 and entity.first and words[0] == fold(entity.first) and words[0] != fold(entity.last or ""):
            return entity.pseudonym_first
        if len(words) == 1:
            return entity.pseudonym_last
        return entity.pseudonym


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA.

    >>> _letters(1), _letters(27)
    ('A', 'AA')
    """
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _gender_of(first: str | None, language: str) -> str | None:
    if not first:
        return None
    name = fold(first.split()[0])
    for gender in ("f", "m"):
        if name in {fold(n) for n in NAMES[(language, gender)].split()}:
            return gender
    # a guess from the ending when the title says nothing: Sophie, Emma, Sarah, Marie, Lucy; Bernard, Paul, James
    return "f" if name.endswith(("e", "a", "ah", "ie", "y", "ine")) and name not in _MALE_ENDINGS else "m"


_MALE_ENDINGS = {"pierre", "philippe", "stephane", "jerome", "guillaume", "antoine", "andre", "rene", "george",
                 "mike", "joe", "luke", "jude", "andrea", "luca", "nicola", "joshua", "jeremy", "tony", "henry",
                 "harry", "gary", "rory", "jimmy", "anthony", "timothy", "zachary", "gregory", "bailey", "jamie"}
