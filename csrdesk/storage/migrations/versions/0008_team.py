"""Team use on one database: a row version on every record people edit (a save of a record someone else changed
since it was opened is refused instead of undoing their work).

Revision ID: 0008_team
Revises: 0006_laws
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_team"
down_revision = "0007_partners"
branch_labels = None
depends_on = None

# The same set as csrdesk.storage.versioning.VERSIONED_TABLES at the time of this revision (a migration never
# follows later code).
_VERSIONED = ("suppliers", "assessments", "findings", "caps", "cap_items", "complaints", "verification_visits",
              "vetting_screens", "law_references")


def upgrade() -> None:
    # A plain ADD COLUMN on both engines: a batch copy on SQLite would drop and recreate the table, and dropping a
    # parent table with foreign keys on deletes its children (findings, CAP items) by cascade.
    for table in _VERSIONED:
        op.add_column(table, sa.Column("row_version", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    for table in reversed(_VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch:
            batch.drop_column("row_version")
