"""Pseudonymisation for GDPR: detect names, places, organisations and identifying details; review them; give
each person one pseudonym in every form; write a pseudonymised copy (codings moved through the offset map) and a
key kept apart; reverse a passage with the key; check an export for names left.

Modules: ``detect`` (NER + patterns, pure), ``review`` (stored detections and decisions), ``pseudonyms``
(entities and their pseudonyms), ``apply`` (the offset map and the copy), ``key`` (the key file), ``check``.

The submodules are the API (``from qualcoder.privacy import review, apply``); this package imports nothing, so
that ``qualcoder --help`` does not load spaCy.
"""
