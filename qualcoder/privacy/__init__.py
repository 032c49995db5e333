"""Pseudonymisation for GDPR: detect names, places, organisations and identifying details; review them; give
each person one pseudonym in every form; write a pseudonymised copy (codings moved through the offset map) and a
key kept apart; reverse a passage with the key; check an export for names left.

Modules: ``detect`` (NER + patterns, pure), ``review`` (stored detections and decisions), ``pseudonyms``
(entities and their pseudonyms), ``apply`` (the offset map and the copy), ``key`` (the key file), ``check``.
"""

from qualcoder.privacy.apply import apply as pseudonymise
from qualcoder.privacy.apply import plan
from qualcoder.privacy.check import check, scan
from qualcoder.privacy.review import add, decide, detect, detections_df, load_terms, set_terms

__all__ = ["add", "check", "decide", "detect", "detections_df", "load_terms", "plan", "pseudonymise", "scan",
           "set_terms"]
