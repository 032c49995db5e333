"""Document language with py3langid: French or English, and any other language said out loud.

qualcoder parses French and English. A text in another language is no longer labelled French without a word:
``identify`` reports the language it found, and the importer says which pipeline will parse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

SUPPORTED_LANGUAGES = ("fr", "en")
MIN_CHARS_TO_REPORT = 200  # shorter texts (survey answers) are too short for a reliable verdict among 97 languages
MIN_PROBABILITY = 0.75

LANGUAGE_NAMES = {"es": "Spanish", "sv": "Swedish", "de": "German", "it": "Italian", "pt": "Portuguese",
                  "nl": "Dutch", "da": "Danish", "no": "Norwegian", "nb": "Norwegian", "fi": "Finnish",
                  "pl": "Polish", "ca": "Catalan", "ro": "Romanian", "ru": "Russian", "ar": "Arabic",
                  "tr": "Turkish", "el": "Greek", "cs": "Czech", "hu": "Hungarian", "eu": "Basque", "br": "Breton",
                  "oc": "Occitan", "zh": "Chinese", "ja": "Japanese", "fr": "French", "en": "English"}


@dataclass(frozen=True)
class LanguageGuess:
    """``best``: fr or en (the closer of the two); ``detected``: the language among all py3langid knows, when it
    is neither and the text is long enough to be sure."""

    best: str
    detected: str | None = None
    probability: float = 0.0

    @property
    def name(self) -> str:
        return LANGUAGE_NAMES.get(self.detected or self.best, self.detected or self.best)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


@lru_cache(maxsize=1)
def _full_identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """``fr`` or ``en`` for a text, from its first 5,000 characters.

    >>> detect_language("Les infirmières coordonnent les soins à domicile.")
    'fr'
    >>> detect_language("The nurses coordinate care.")
    'en'

    """
    language, _ = _identifier().classify(text[:5000])
    return language


def identify(text: str) -> LanguageGuess:
    """fr/en, plus the language found among all when it is another one.

    >>> identify("Las enfermeras coordinan la atención domiciliaria de los pacientes mayores. " * 4).detected
    'es'
    """
    best = detect_language(text)
    sample = text[:5000]
    if len(sample.strip()) < MIN_CHARS_TO_REPORT:
        return LanguageGuess(best)
    language, probability = _full_identifier().classify(sample)
    if language in SUPPORTED_LANGUAGES or probability < MIN_PROBABILITY:
        return LanguageGuess(best)
    return LanguageGuess(best, language, float(probability))
