"""Adjudication of disagreements: decisions, and the consensus codings they create.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adjudications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(100), nullable=False),
        sa.Column("coders", sa.Text, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("reverted_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_adjudications_document_id", "adjudications", ["document_id"])
    with op.batch_alter_table("codings") as batch:
        batch.add_column(sa.Column("adjudication_id", sa.Integer, nullable=True))
        batch.create_index("ix_codings_adjudication_id", ["adjudication_id"])


def downgrade() -> None:
    with op.batch_alter_table("codings") as batch:
        batch.drop_index("ix_codings_adjudication_id")
        batch.drop_column("adjudication_id")
    op.drop_table("adjudications")
