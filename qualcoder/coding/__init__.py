"""Coding: codebooks in the project, manual codings, rules, model suggestions."""

HUMAN_SOURCES = ("manual", "import")
SOURCES = ("manual", "rules", "model", "import")
STATUSES = ("applied", "suggested", "accepted", "rejected")
