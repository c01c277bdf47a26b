"""Verification of remediation: visits booked and done, verdicts in snake_case, plan approval, escalation steps.

Revision ID: 0004_verification
Revises: 0003_ratings
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_verification"
down_revision = "0003_ratings"
branch_labels = None
depends_on = None

# The outcomes earlier versions wrote, in words, and the verdicts they are now.
OUTCOMES = {"done correctly": "done_correctly", "done with errors": "done_with_errors", "not done": "not_done",
            "not checked": "not_checked"}


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: a batch rebuild of a parent table drops it, and with foreign keys on SQLite
    # then deletes the child rows (the visits' verdicts) through ON DELETE CASCADE.
    op.add_column("cap_items", sa.Column("needs_plan_approval", sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    op.add_column("cap_items", sa.Column("plan_approved_date", sa.Date(), nullable=True))
    op.add_column("verification_visits", sa.Column("status", sa.String(length=20), server_default="done",
                                                   nullable=False))
    op.add_column("verification_visits", sa.Column("attendees", sa.JSON(), server_default=sa.text("'[]'"),
                                                   nullable=False))
    op.add_column("verification_visits", sa.Column("evidence_before_visit", sa.Boolean(), nullable=True))
    op.add_column("verification_visits", sa.Column("suggested_category", sa.Integer(), nullable=True))
    op.add_column("verification_visits", sa.Column("category_reason", sa.Text(), server_default="", nullable=False))
    op.add_column("verification_visits", sa.Column("progress_rate", sa.Double(), nullable=True))
    op.add_column("verification_results", sa.Column("status_before", sa.String(length=30), server_default="",
                                                    nullable=False))
    op.add_column("verification_results", sa.Column("new_due_date", sa.Date(), nullable=True))
    op.create_table(
        "escalation_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("user", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], name=op.f("fk_escalation_steps_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_steps")),
    )
    op.create_index("ix_escalation_steps_supplier_date", "escalation_steps", ["supplier_id", "date"])

    results = sa.table("verification_results", sa.column("outcome", sa.String))
    for old, new in OUTCOMES.items():
        op.execute(results.update().where(results.c.outcome == old).values(outcome=new))
    # Visits recorded before: their category was the person's; it is also what the app would have suggested.
    visits = sa.table("verification_visits", sa.column("progress_category", sa.Integer),
                      sa.column("suggested_category", sa.Integer))
    op.execute(visits.update().values(suggested_category=visits.c.progress_category))


def downgrade() -> None:
    # Run with foreign keys off on SQLite: the batch rebuild of verification_visits would otherwise cascade.
    results = sa.table("verification_results", sa.column("outcome", sa.String))
    for old, new in OUTCOMES.items():
        op.execute(results.update().where(results.c.outcome == new).values(outcome=old))
    op.drop_index("ix_escalation_steps_supplier_date", table_name="escalation_steps")
    op.drop_table("escalation_steps")
    with op.batch_alter_table("verification_results", schema=None) as batch_op:
        batch_op.drop_column("new_due_date")
        batch_op.drop_column("status_before")
    with op.batch_alter_table("verification_visits", schema=None) as batch_op:
        for name in ("progress_rate", "category_reason", "suggested_category", "evidence_before_visit", "attendees",
                     "status"):
            batch_op.drop_column(name)
    with op.batch_alter_table("cap_items", schema=None) as batch_op:
        batch_op.drop_column("plan_approved_date")
        batch_op.drop_column("needs_plan_approval")
