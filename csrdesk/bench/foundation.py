"""The foundation's measurements: the demo at scale, the supplier list and detail, overdue and open items, CAP checks."""
from __future__ import annotations

from csrdesk.bench.registry import BenchContext, first_code, largest_open_cap, measure


@measure("demo generation", target=60.0, repeat=1)
def _demo(ctx: BenchContext) -> str:
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.startup import open_workspace

    ctx.db = open_workspace(str(ctx.folder / "bench.sqlite3"))
    ctx.demo = generate_demo(ctx.db, suppliers=ctx.suppliers, findings_per_assessment=ctx.findings_per_assessment,
                             seed=ctx.seed, today=ctx.today)
    d = ctx.demo
    return f"{d.suppliers} suppliers, {d.assessments} assessments, {d.findings} findings, {d.cap_items} CAP items"


@measure("supplier list with ratings", target=0.2)
def _supplier_list(ctx: BenchContext) -> str:
    from csrdesk.services.suppliers import list_suppliers

    rows = list_suppliers(ctx.db, today=ctx.today)
    busiest = max(rows, key=lambda r: (r.open_items, r.code))
    ctx.facts["busiest_supplier"] = busiest.code
    return f"{len(rows)} suppliers"


@measure("one supplier's detail", target=0.05)
def _supplier_detail(ctx: BenchContext) -> str:
    from csrdesk.services.suppliers import supplier_detail

    code = ctx.facts.get("busiest_supplier") or first_code(ctx)
    detail = supplier_detail(ctx.db, code, today=ctx.today)
    return f"{code}: {len(detail.assessments)} assessments, {detail.row.open_items} open items"


@measure("overdue items, all suppliers", target=0.3)
def _overdue(ctx: BenchContext) -> str:
    from csrdesk.services.caps import overdue_items

    return f"{len(overdue_items(ctx.db, today=ctx.today))} items"


@measure("open items, all suppliers (CAPs page)", target=None)
def _open_items(ctx: BenchContext) -> str:
    from csrdesk.services.caps import list_items

    return f"{len(list_items(ctx.db, today=ctx.today))} items"


@measure("CAP quality checks (largest CAP)", target=0.2)
def _cap_checks(ctx: BenchContext) -> str:
    from csrdesk.services.review import check_cap

    cap_id, count = largest_open_cap(ctx)
    check = check_cap(ctx.db, cap_id)
    return f"CAP {cap_id}, {count} items, quality {check.quality}"
