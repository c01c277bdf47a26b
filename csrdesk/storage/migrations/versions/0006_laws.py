"""Country law references: regions, figures, effective and checked dates, sources, built-in entries; a supplier's
region; the law reference a finding cites; the user's country risk notes.

Existing law references (free text, one per country and topic) are kept as the user's own entries for the whole
country. Existing suppliers get a region where their address names one unambiguously.

Revision ID: 0006_laws
Revises: 0005_complaints
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from csrdesk.domain.laws import guess_region

revision = "0006_laws"
down_revision = "0005_complaints"
branch_labels = None
depends_on = None

_NEW_LAW_TEXT = ("region", "unit", "currency", "link", "notes")


def upgrade() -> None:
    with op.batch_alter_table("law_references", schema=None) as batch:
        batch.drop_constraint("uq_law_references_country", type_="unique")
        batch.add_column(sa.Column("region", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("value", sa.Double(), nullable=True))
        batch.add_column(sa.Column("unit", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("currency", sa.String(length=10), nullable=False, server_default=""))
        batch.add_column(sa.Column("effective", sa.Date(), nullable=True))
        batch.add_column(sa.Column("link", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("notes", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("builtin_key", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("builtin_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("user_edited", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_unique_constraint("uq_law_references_builtin_key", ["builtin_key"])
        batch.create_index("ix_law_references_country_topic", ["country", "topic"], unique=False)
    with op.batch_alter_table("law_references", schema=None) as batch:
        for name in _NEW_LAW_TEXT:
            batch.alter_column(name, server_default=None)
        batch.alter_column("user_edited", server_default=None)

    # Suppliers and findings only get columns added in place: rebuilding them (a batch copy on SQLite, which an
    # altered default or a new foreign key would force) cascades and deletes the assessments, findings and CAP items
    # that hang on them.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("suppliers", sa.Column("region", sa.String(length=200), nullable=False, server_default=""))
    if not sqlite:
        op.alter_column("suppliers", "region", server_default=None)
    conn = op.get_bind()
    suppliers = sa.table("suppliers", sa.column("id"), sa.column("country"), sa.column("address"),
                         sa.column("region"))
    for supplier_id, country, address in conn.execute(sa.select(suppliers.c.id, suppliers.c.country,
                                                                suppliers.c.address)).all():
        region = guess_region(country or "", address or "")
        if region:
            conn.execute(suppliers.update().where(suppliers.c.id == supplier_id).values(region=region))

    op.add_column("findings", sa.Column("law_reference_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_findings_law_reference_id"), "findings", ["law_reference_id"], unique=False)

    op.create_table(
        "country_risk_notes",
        sa.Column("country", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("country", name=op.f("pk_country_risk_notes")),
    )


def downgrade() -> None:
    op.drop_table("country_risk_notes")
    op.drop_index(op.f("ix_findings_law_reference_id"), table_name="findings")
    op.drop_column("findings", "law_reference_id")
    op.drop_column("suppliers", "region")
    conn = op.get_bind()
    # Only one entry per country and topic fits the old table: the whole-country entry, newest first.
    conn.execute(sa.text(
        "DELETE FROM law_references WHERE region <> '' OR id NOT IN ("
        " SELECT MAX(id) FROM law_references WHERE region = '' GROUP BY country, topic)"))
    with op.batch_alter_table("law_references", schema=None) as batch:
        batch.drop_index("ix_law_references_country_topic")
        batch.drop_constraint("uq_law_references_builtin_key", type_="unique")
        for name in ("region", "value", "unit", "currency", "effective", "link", "notes", "builtin_key",
                     "builtin_hash", "user_edited"):
            batch.drop_column(name)
        batch.create_unique_constraint("uq_law_references_country", ["country", "topic"])
