"""Files for everyone in a team: evidence files, audit reports and shared templates kept in a shared (PostgreSQL)
database, so every member opens them. A local SQLite workspace keeps its files in the data folder as before; the
tables exist there too (empty), so one schema serves both.

Revision ID: 0010_shared_files
Revises: 0009_item_review
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_shared_files"
down_revision = "0009_item_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )
    op.create_table(
        "shared_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.Column("shared_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_shared_templates")),
    )


def downgrade() -> None:
    op.drop_table("shared_templates")
    op.drop_table("stored_files")
