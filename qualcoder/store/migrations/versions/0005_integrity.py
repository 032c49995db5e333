"""Ids are never reused, memos belong to their coding or document, the action log, and codebook versions that know
the version they were made from (two concurrent edits of one version: the second is refused), and attribute value
groups (GP = médecin généraliste), users with roles and project settings (team mode), and framework-matrix cell summaries.

SQLite tables become AUTOINCREMENT (SQLite otherwise gives a deleted highest id to the next row, and a memo written on
coding 4183 moved to the next person's coding 4183). Memos get foreign keys to the coding or document they are on
(deleted with it). A memo whose coding no longer exists, or was created after the memo (so the id was reused), is not
re-attached to anything: it becomes a project memo that says which coding it was written on.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# parents before children, so that a recreated child refers to a table that already has its final form
TABLES_WITH_IDS = ("documents", "sections", "turns", "speakers", "segmentations", "segments", "codebooks", "codings",
                   "memos", "adjudications", "topic_runs", "topics", "topic_assignments")


def upgrade() -> None:
    with op.batch_alter_table("memos") as batch:
        batch.add_column(sa.Column("coding_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("document_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime, nullable=True))
        batch.create_foreign_key("fk_memos_coding_id", "codings", ["coding_id"], ["id"], ondelete="CASCADE")
        batch.create_foreign_key("fk_memos_document_id", "documents", ["document_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_memos_coding_id", ["coding_id"])
        batch.create_index("ix_memos_document_id", ["document_id"])
    _attach_memos()
    with op.batch_alter_table("codebooks") as batch:
        batch.add_column(sa.Column("derived_from", sa.Integer, nullable=True))
        batch.create_unique_constraint("uq_codebooks_derived_from", ["derived_from"])
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("undoable", sa.Boolean, nullable=False),
        sa.Column("target", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_actions_actor", "actions", ["actor"])
    op.create_table(
        "value_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("attribute", sa.String(100), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("group_name", sa.String(300), nullable=False),
        sa.UniqueConstraint("attribute", "value", name="uq_value_groups_attribute_value"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("value", sa.JSON, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "framework_summaries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("matrix", sa.String(200), nullable=False),
        sa.Column("rows", sa.String(100), nullable=False),
        sa.Column("row_value", sa.String(300), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("matrix", "rows", "row_value", "code", name="uq_framework_summaries_cell"),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES_WITH_IDS:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass


def _attach_memos() -> None:
    """Point each coding or document memo at its row, or keep it as a project memo when that row is gone."""
    bind = op.get_bind()
    memos = bind.execute(sa.text("SELECT id, target, target_id, created_at FROM memos "
                                 "WHERE target IN ('coding', 'document')")).all()
    codings = dict(bind.execute(sa.text("SELECT id, created_at FROM codings")).all())
    documents = {row[0] for row in bind.execute(sa.text("SELECT id FROM documents"))}
    for memo_id, target, target_id, created_at in memos:
        number = int(target_id) if str(target_id).isdigit() else None
        if target == "coding" and number in codings and codings[number] <= created_at:
            bind.execute(sa.text("UPDATE memos SET coding_id = :n WHERE id = :m"), {"n": number, "m": memo_id})
        elif target == "document" and number in documents:
            bind.execute(sa.text("UPDATE memos SET document_id = :n WHERE id = :m"), {"n": number, "m": memo_id})
        else:
            note = f"[written on {target} {target_id}, which no longer exists] "
            bind.execute(sa.text("UPDATE memos SET target = 'project', target_id = '', text = :note || text "
                                 "WHERE id = :m"), {"note": note, "m": memo_id})


def downgrade() -> None:
    op.drop_table("framework_summaries")
    op.drop_table("settings")
    op.drop_table("users")
    op.drop_table("value_groups")
    with op.batch_alter_table("codebooks") as batch:
        batch.drop_constraint("uq_codebooks_derived_from", type_="unique")
        batch.drop_column("derived_from")
    op.drop_index("ix_actions_actor", "actions")
    op.drop_table("actions")
    with op.batch_alter_table("memos") as batch:
        batch.drop_index("ix_memos_document_id")
        batch.drop_index("ix_memos_coding_id")
        batch.drop_constraint("fk_memos_document_id", type_="foreignkey")
        batch.drop_constraint("fk_memos_coding_id", type_="foreignkey")
        batch.drop_column("updated_at")
        batch.drop_column("document_id")
        batch.drop_column("coding_id")
