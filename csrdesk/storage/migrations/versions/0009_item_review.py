"""Per-item review decisions: a CAP item's answer accepted or returned to the factory at the CAP review, so the
"CAP returned" letter, its e-mail and the tracker carry each returned item with the brand's comment. And the audit
report (PDF) kept with its assessment.

Items already returned with a comment count as returned; the others have no decision yet.

Revision ID: 0009_item_review
Revises: 0006_laws
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_item_review"
down_revision = "0008_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cap_items", schema=None) as batch:
        batch.add_column(sa.Column("review_decision", sa.String(length=20), nullable=False, server_default=""))
    op.execute("UPDATE cap_items SET review_decision = 'returned' WHERE review_comment <> '' AND status = 'open'")
    with op.batch_alter_table("assessments", schema=None) as batch:
        batch.add_column(sa.Column("report_name", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("report_stored_name", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("report_size", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch:
        for name in ("report_size", "report_stored_name", "report_name"):
            batch.drop_column(name)
    with op.batch_alter_table("cap_items", schema=None) as batch:
        batch.drop_column("review_decision")
