"""Coding: codebooks in the project, manual codings, rules, model suggestions."""

HUMAN_SOURCES = ("manual", "import")
SOURCES = ("manual", "rules", "model", "import")
STATUSES = ("applied", "suggested", "accepted", "rejected")
COUNTED_STATUSES = ("applied", "accepted")  # which codings count: in analyses, exports, agreement, training
