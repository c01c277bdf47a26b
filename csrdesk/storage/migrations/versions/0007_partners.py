"""The brand's side of remediation: partners, their part in CAPs, brand actions on purchasing practices, other
brands sharing a factory as records, and who from sourcing attended meetings.

The suppliers' free-text "other brands" becomes one record per brand ('Acme (30%), Brandy' gives Acme with a 30%
share, and Brandy); the text column is then dropped. The migration runner backs the file up first.

Revision ID: 0007_partners
Revises: 0006_laws
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from csrdesk.domain.partners import brands_text, parse_other_brands

revision = "0007_partners"
down_revision = "0006_laws"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=80), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("cso_type", sa.String(length=60), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("vetting_screen_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["vetting_screen_id"], ["vetting_screens.id"], ondelete="SET NULL",
                                name=op.f("fk_partners_vetting_screen_id_vetting_screens")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_index(op.f("ix_partners_kind"), "partners", ["kind"], unique=False)
    op.create_table(
        "cap_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cap_id", sa.Integer(), nullable=False),
        sa.Column("cap_item_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("what_done", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["cap_id"], ["caps.id"], ondelete="CASCADE", name=op.f("fk_cap_partners_cap_id_caps")),
        sa.ForeignKeyConstraint(["cap_item_id"], ["cap_items.id"], ondelete="CASCADE",
                                name=op.f("fk_cap_partners_cap_item_id_cap_items")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], ondelete="CASCADE",
                                name=op.f("fk_cap_partners_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cap_partners")),
    )
    op.create_index(op.f("ix_cap_partners_cap_id"), "cap_partners", ["cap_id"], unique=False)
    op.create_index(op.f("ix_cap_partners_partner_id"), "cap_partners", ["partner_id"], unique=False)
    op.create_table(
        "brand_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("cap_item_id", sa.Integer(), nullable=True),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["cap_item_id"], ["cap_items.id"], ondelete="SET NULL",
                                name=op.f("fk_brand_actions_cap_item_id_cap_items")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], ondelete="CASCADE",
                                name=op.f("fk_brand_actions_supplier_id_suppliers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_actions")),
    )
    op.create_index(op.f("ix_brand_actions_cap_item_id"), "brand_actions", ["cap_item_id"], unique=False)
    op.create_index(op.f("ix_brand_actions_supplier_id"), "brand_actions", ["supplier_id"], unique=False)
    op.create_table(
        "supplier_brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("share", sa.Double(), nullable=True),
        sa.Column("accepts_shared_audit", sa.Boolean(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], ondelete="SET NULL",
                                name=op.f("fk_supplier_brands_partner_id_partners")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], ondelete="CASCADE",
                                name=op.f("fk_supplier_brands_supplier_id_suppliers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_brands")),
    )
    op.create_index(op.f("ix_supplier_brands_supplier_id"), "supplier_brands", ["supplier_id"], unique=False)

    # Columns are only added in place (a batch copy of caps or suppliers on SQLite would cascade to their rows).
    op.add_column("caps", sa.Column("meeting_sourcing", sa.Text(), nullable=False, server_default=""))
    op.add_column("escalation_steps", sa.Column("copied_to", sa.Text(), nullable=False, server_default=""))
    op.add_column("escalation_steps", sa.Column("sourcing_attended", sa.Text(), nullable=False, server_default=""))

    conn = op.get_bind()
    suppliers = sa.table("suppliers", sa.column("id"), sa.column("other_brands"))
    brands = sa.table("supplier_brands", sa.column("supplier_id"), sa.column("brand"), sa.column("contact"),
                      sa.column("share"), sa.column("position"))
    rows = []
    for supplier_id, text in conn.execute(sa.select(suppliers.c.id, suppliers.c.other_brands)).all():
        for position, b in enumerate(parse_other_brands(text or "")):
            rows.append({"supplier_id": supplier_id, "brand": b.brand, "contact": "", "share": b.share,
                         "position": position})
    if rows:
        conn.execute(brands.insert(), rows)
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+) drops it in place, with no copy of the table.
    op.drop_column("suppliers", "other_brands")


def downgrade() -> None:
    op.add_column("suppliers", sa.Column("other_brands", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    from collections import defaultdict

    from csrdesk.domain.partners import SharedBrand

    by_supplier = defaultdict(list)
    for sid, brand, share in conn.execute(sa.text(
            "SELECT supplier_id, brand, share FROM supplier_brands ORDER BY supplier_id, position, id")):
        by_supplier[sid].append(SharedBrand(brand, share=share))
    for sid, items in by_supplier.items():
        conn.execute(sa.text("UPDATE suppliers SET other_brands = :t WHERE id = :i"),
                     {"t": brands_text(items), "i": sid})
    op.drop_column("escalation_steps", "sourcing_attended")
    op.drop_column("escalation_steps", "copied_to")
    op.drop_column("caps", "meeting_sourcing")
    op.drop_table("supplier_brands")
    op.drop_table("brand_actions")
    op.drop_table("cap_partners")
    op.drop_table("partners")
