"""Worker complaints worked end to end, with complainants' identities sealed.

The steps of a complaint (acknowledged, notes, the decision on telling the factory, resolved, compliance checked,
closed) get dates and a timeline table; a factory outside the program can be named; a confirmed complaint links to
the CAP item made from it. Channels and outcomes become keys (worker_organisation, partly_substantiated...).

Names and contacts leave the complaints table: only a sealed token and its key's fingerprint stay. The key lives
outside the database, beyond what a migration can reach, so plaintext written by older versions (the demo wrote
some) moves to complaint_unsealed_identities, which opening the workspace seals and empties at once
(services.identity_sealing.seal_old_identities, called by services.startup.open_workspace).

Revision ID: 0005_complaints
Revises: 0004_verification
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_complaints"
down_revision = "0004_verification"
branch_labels = None
depends_on = None

CHANNELS = {"worker organization": "worker_organisation", "worker organisation": "worker_organisation",
            "in person": "in_person", "e-mail": "email"}
OUTCOMES = {"partly substantiated": "partly_substantiated", "not substantiated": "not_substantiated"}
STATUSES = {"under investigation": "investigating"}


def upgrade() -> None:
    conn = op.get_bind()
    # No foreign key on purpose: rebuilding the complaints table below (SQLite) must not cascade into these rows.
    op.create_table(
        "complaint_unsealed_identities",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complaint_unsealed_identities")),
    )
    conn.execute(sa.text(
        "INSERT INTO complaint_unsealed_identities (complaint_id, name, contact) "
        "SELECT id, complainant_name, complainant_contact FROM complaints "
        "WHERE complainant_name <> '' OR complainant_contact <> ''"
    ))
    for column, mapping in (("channel", CHANNELS), ("outcome", OUTCOMES), ("status", STATUSES)):
        for old, new in mapping.items():
            conn.execute(sa.text(f"UPDATE complaints SET {column} = :new WHERE {column} = :old"),
                         {"new": new, "old": old})
    legacy = conn.execute(sa.text(
        "SELECT id, received_date, investigation_notes, status, resolved_date, resolution, outcome FROM complaints"
    )).all()

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("factory_name", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("identity_token", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("identity_key_id", sa.String(length=32), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("worker_agrees_factory_told", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("retaliation_found_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("factory_decision", sa.String(length=30), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("factory_decision_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("compliance_checked_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cap_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_complaints_cap_item_id_cap_items"), "cap_items", ["cap_item_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.drop_column("complainant_name")
        batch_op.drop_column("complainant_contact")
        batch_op.drop_column("investigation_notes")
        batch_op.create_index("ix_complaints_status_received", ["status", "received_date"], unique=False)

    op.create_table(
        "complaint_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaints.id"],
                                name=op.f("fk_complaint_steps_complaint_id_complaints"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_steps")),
    )
    with op.batch_alter_table("complaint_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_steps_complaint_id"), ["complaint_id"], unique=False)

    # The old free-text notes and resolutions become steps of the timeline, dated as well as they can be.
    rows = []
    for cid, received, notes, status, resolved, resolution, outcome in legacy:
        if notes:
            rows.append({"complaint_id": cid, "kind": "note", "date": received, "text": notes})
        if resolved is not None and status in ("resolved", "closed"):
            text = " ".join(p for p in ((outcome or "").replace("_", " ").capitalize() + ".", resolution or "") if p)
            rows.append({"complaint_id": cid, "kind": "resolved", "date": resolved, "text": text})
    if rows:
        # Plain SQL with the values as the database gave them (SQLite hands dates back as text).
        conn.execute(sa.text("INSERT INTO complaint_steps (complaint_id, kind, date, text) "
                             "VALUES (:complaint_id, :kind, :date, :text)"), rows)


def downgrade() -> None:
    op.drop_table("complaint_steps")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status_received")
        batch_op.add_column(sa.Column("complainant_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("complainant_contact", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("investigation_notes", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint("fk_complaints_cap_item_id_cap_items", type_="foreignkey")
        for name in ("factory_name", "identity_token", "identity_key_id", "worker_agrees_factory_told",
                     "retaliation_found_date", "acknowledged_date", "factory_decision", "factory_decision_note",
                     "compliance_checked_date", "closed_date", "cap_item_id"):
            batch_op.drop_column(name)
    # Sealed identities cannot come back without the key: a downgrade keeps them out of the database.
    op.drop_table("complaint_unsealed_identities")
