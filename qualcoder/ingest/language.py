"""Document language: French or English, detected with py3langid, overridable by metadata."""

from __future__ import annotations

from functools import lru_cache

SUPPORTED_LANGUAGES = ("fr", "en")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """``fr`` or ``en`` for a text, from its first 5,000 characters.

    >>> detect_language("Les infirmières coordonnent les soins à domicile.")
    'fr'
    >>> detect_language("The nurses coordinate care.")
    'en'

    """
    language, _ = _identifier().classify(text[:5000])
    return language
