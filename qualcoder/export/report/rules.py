"""The sentences that say what the code tables count (the rules the README states), written once."""

from __future__ import annotations

PRESENCE = ("A code is present in a segment when a selected coding of it (status applied or accepted) covers half "
            "the segment or half the coding; several coders applying it to the same segment count once.")


def level_words(level: int | None) -> str:
    """What ``--level`` does, as a sentence.

    >>> level_words(1)
    'Codes are rolled up to their top-level theme (level 1).'
    """
    if level is None:
        return "Every code is counted on its own."
    return f"Codes are rolled up to their {'top-level theme' if level == 1 else f'level-{level} parent'} (level {level})."
