"""A covering index for open and overdue CAP item counts.

Revision ID: 0002_item_status_index
Revises: 0001_initial
Create Date: 2026-11-25
"""
from alembic import op

revision = "0002_item_status_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cap_items_status_due", table_name="cap_items")
    op.create_index("ix_cap_items_status_due_cap", "cap_items", ["status", "due_date", "cap_id"])


def downgrade() -> None:
    op.drop_index("ix_cap_items_status_due_cap", table_name="cap_items")
    op.create_index("ix_cap_items_status_due", "cap_items", ["status", "due_date"])
