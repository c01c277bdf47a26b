"""Ratings that never hide a dangerous factory: every assessment re-rated by its score's band (a certificate no longer
lifts a scored audit), findings of the former "Auditor denied access" type turned into the assessment's Denied flag,
and the day each CAP item joined its CAP (its due date counts from then).

Each rating that moves is written to the change history with the reason.

Revision ID: 0003_ratings
Revises: 0002_item_status_index
Create Date: 2026-12-02
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from csrdesk.domain.ratings import DENIED_ACCESS_TYPES
from csrdesk.domain.scoring import DENIED_SCORE, Rating, band_for

revision = "0003_ratings"
down_revision = "0002_item_status_index"
branch_labels = None
depends_on = None

SOURCE = "upgrade to csrdesk 0003"


# The columns this migration writes, as they are at this revision (the models may move on).
_history_table = sa.table(
    "change_history", sa.column("at", sa.DateTime), sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("supplier_id", sa.Integer), sa.column("field", sa.String), sa.column("old", sa.Text),
    sa.column("new", sa.Text), sa.column("source", sa.String), sa.column("user", sa.String),
    sa.column("note", sa.Text),
)


def _history(conn, assessment_id: int, supplier_id: int, old: str, new: str, note: str) -> None:
    conn.execute(_history_table.insert().values(
        at=datetime.now(), entity="assessment", entity_id=assessment_id, supplier_id=supplier_id, field="rating",
        old=old, new=new, source=SOURCE, user="", note=note))


def upgrade() -> None:
    with op.batch_alter_table("cap_items") as batch:
        batch.add_column(sa.Column("added_on", sa.Date(), nullable=True))
    conn = op.get_bind()

    # Access refused is recorded once, as the Denied flag; its finding (and CAP item) goes.
    keys = sorted(DENIED_ACCESS_TYPES)
    denied_rows = conn.execute(sa.text(
        "SELECT DISTINCT f.assessment_id FROM findings f WHERE f.violation_type IN :keys"
    ).bindparams(sa.bindparam("keys", expanding=True)), {"keys": keys}).scalars().all()
    for assessment_id in denied_rows:
        conn.execute(sa.text(
            "DELETE FROM cap_items WHERE finding_id IN (SELECT id FROM findings WHERE assessment_id = :a "
            "AND violation_type IN :keys)").bindparams(sa.bindparam("keys", expanding=True)),
            {"a": assessment_id, "keys": keys})
        conn.execute(sa.text("DELETE FROM findings WHERE assessment_id = :a AND violation_type IN :keys")
                     .bindparams(sa.bindparam("keys", expanding=True)), {"a": assessment_id, "keys": keys})
        conn.execute(sa.text("UPDATE assessments SET denied = :yes WHERE id = :a"), {"a": assessment_id, "yes": True})
    types = sa.table("violation_types", sa.column("key", sa.String), sa.column("archived", sa.Boolean))
    conn.execute(types.update().where(types.c.key.in_(keys)).values(archived=True))
    denied_moved = set(denied_rows)

    # Scores of assessments whose findings changed above; every rating back to its band.
    rows = conn.execute(sa.text(
        "SELECT a.id, a.supplier_id, a.denied, a.score, a.rating, "
        "(SELECT COALESCE(SUM(points), 0) FROM findings f WHERE f.assessment_id = a.id) "
        "FROM assessments a")).all()
    for assessment_id, supplier_id, denied, score, rating, points in rows:
        if assessment_id in denied_moved:
            score = points
        new_score = DENIED_SCORE if denied else int(score or 0)
        new_rating = Rating.DENIED.value if denied else band_for(new_score).value
        if new_rating == rating and new_score == score:
            continue
        conn.execute(sa.text("UPDATE assessments SET score = :score, rating = :rating WHERE id = :a"),
                     {"score": new_score, "rating": new_rating, "a": assessment_id})
        if assessment_id in denied_moved:
            note = ("The auditor was refused access: recorded as the assessment's Denied flag (denied counts as 800 "
                    "points and is rated Denied) instead of a finding scored Zero Tolerance.")
        else:
            note = ("An assessment's rating is its score's band; a certificate no longer lifts a scored audit (it can "
                    "stand in for an assessment in the supplier's current rating, never over a newer one).")
        _history(conn, assessment_id, supplier_id, f"{rating} ({score})", f"{new_rating} ({new_score})", note)


def downgrade() -> None:
    with op.batch_alter_table("cap_items") as batch:
        batch.drop_column("added_on")
