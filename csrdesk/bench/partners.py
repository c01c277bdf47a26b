"""Benchmark rows for the brand's side of remediation: the supplier page's Brand's side tab for the supplier with
the most CAP items, the CAP page's Partners tab and the shared CAP pack of the largest open CAP. Registered when
the runner imports this module."""
from __future__ import annotations

from csrdesk.bench.registry import BenchContext, largest_open_cap, measure


def _busiest_supplier(ctx: BenchContext) -> str:
    from sqlalchemy import func, select

    from csrdesk.storage.models import Cap, CapItem, Supplier

    if "busiest_supplier" not in ctx.facts:
        with ctx.db.reading() as s:
            ctx.facts["busiest_supplier"] = s.execute(
                select(Supplier.code).join(Cap, Cap.supplier_id == Supplier.id)
                .join(CapItem, CapItem.cap_id == Cap.id).group_by(Supplier.code)
                .order_by(func.count().desc(), Supplier.code).limit(1)).scalar_one()
    return ctx.facts["busiest_supplier"]


@measure("Brand's side tab of the busiest factory", target=0.1)
def brand_side_tab(ctx: BenchContext) -> str:
    from csrdesk.ui.pages.supplier_brand_side import load_brand_side

    bundle = load_brand_side(ctx.db, _busiest_supplier(ctx))
    return (f"{bundle.code}: {bundle.side.findings_from_purchasing} finding(s) from purchasing, "
            f"{len(bundle.brands)} brand(s)")


@measure("CAP page Partners tab, largest open CAP", target=0.1)
def cap_partners_tab(ctx: BenchContext) -> str:
    from csrdesk.services.partners import cap_partners_view

    cap_id, items = largest_open_cap(ctx)
    view = cap_partners_view(ctx.db, cap_id)
    return f"CAP {cap_id} ({items} items), {len(view.register)} partner(s) in the register"


@measure("shared CAP pack (.xlsx), largest open CAP", target=1.0, repeat=3)
def shared_pack(ctx: BenchContext) -> str:
    from csrdesk.services.cap_share import export_cap_pack

    cap_id, items = largest_open_cap(ctx)
    path = export_cap_pack(ctx.db, cap_id, ctx.folder / "shared-pack.xlsx", today=ctx.today)
    return f"CAP {cap_id}, {items} items, {path.stat().st_size // 1024} KB"
