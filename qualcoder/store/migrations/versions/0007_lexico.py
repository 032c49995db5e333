"""Lexicometry runs (Reinert classification) and their text segments.

Revision ID: 0007_lexico
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_lexico"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lexico_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "lexico_segments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("lexico_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("unit", sa.Integer, nullable=False),
        sa.Column("cls", sa.Integer, nullable=False),
        sa.Column("cls1", sa.Integer, nullable=True),
        sa.Column("cls2", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_lexico_segments_run_id", "lexico_segments", ["run_id"])


def downgrade() -> None:
    op.drop_table("lexico_segments")
    op.drop_table("lexico_runs")
