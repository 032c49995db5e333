"""Pseudonymisation detections and their review decisions (qualcoder.privacy).

Revision ID: 0010_privacy
Revises: 0008_refi_guids
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_privacy"
down_revision = "0008_refi_guids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_detections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_privacy_detections_document_id", "privacy_detections", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_privacy_detections_document_id", "privacy_detections")
    op.drop_table("privacy_detections")
