"""REFI-QDA GUIDs of imported objects, kept for re-export.

Revision ID: 0008_refi_guids
Revises: 0007_lexico

Survey rows need no schema change: their identity hash (file, row and text) is what documents.sha256 holds for
them, so the UNIQUE constraint already means "the same document". Dropping that constraint would rebuild the
documents table on SQLite, and with foreign keys on, DROP TABLE deletes every coding, turn and segment through
ON DELETE CASCADE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_refi_guids"
down_revision = "0007_lexico"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refi_guids",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(600), nullable=False),
        sa.Column("guid", sa.String(40), nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_refi_guids_kind_key"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("refi_guids")
