"""Initial schema: documents, sections, turns, speakers, parses, segmentations, segments.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(500), nullable=False, unique=True),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_type", sa.String(40), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("n_chars", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    for table in ("sections", "turns"):
        columns = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
            sa.Column("position", sa.Integer, nullable=False),
            sa.Column("start", sa.Integer, nullable=False),
            sa.Column("end", sa.Integer, nullable=False),
        ]
        if table == "sections":
            columns += [sa.Column("title", sa.Text, nullable=False), sa.Column("kind", sa.String(20), nullable=False)]
        else:
            columns += [
                sa.Column("speaker", sa.String(200), nullable=True),
                sa.Column("section", sa.Integer, nullable=True),
                sa.Column("timestamp", sa.String(20), nullable=True),
            ]
        op.create_table(table, *columns)
        op.create_index(f"ix_{table}_document_id", table, ["document_id"])
    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("role", sa.String(40), nullable=True),
        sa.Column("profession", sa.String(200), nullable=True),
        sa.Column("organisation", sa.String(300), nullable=True),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.UniqueConstraint("label", "file", name="uq_speakers_label_file"),
    )
    op.create_table(
        "parses",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("pipeline", sa.String(200), nullable=False),
        sa.Column("n_tokens", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "segmentations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("segmentation_id", sa.Integer, sa.ForeignKey("segmentations.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(200), nullable=True),
        sa.Column("section", sa.Integer, nullable=True),
        sa.Column("turn", sa.Integer, nullable=True),
    )
    op.create_index("ix_segments_segmentation_id", "segments", ["segmentation_id"])
    op.create_index("ix_segments_document_id", "segments", ["document_id"])


def downgrade() -> None:
    for table in ("segments", "segmentations", "parses", "speakers", "turns", "sections", "documents"):
        op.drop_table(table)
