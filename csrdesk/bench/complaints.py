"""Benchmark rows for worker complaints: 10,000 complaints over the benchmark's suppliers, the Complaints page's data
and a filter keystroke in its table, and the report. Registered when the runner imports this module."""
from __future__ import annotations

import os
import sys
from typing import Any

from csrdesk.bench.registry import BenchContext, measure

COMPLAINTS = 10_000  # at the large-program scale (600 suppliers); a smaller run scales it down
COUNTRIES = {"China": ("CN", "86"), "Vietnam": ("VN", "84"), "Bangladesh": ("BD", "880"), "India": ("IN", "91"),
             "Türkiye": ("TR", "90"), "Mexico": ("MX", "52")}
FILTER_KEYSTROKES = ("w", "wa", "wag", "wage", "wages", "wages ", "wages c", "wages cn", "")


def _ensure_complaints(ctx: BenchContext) -> int:
    """Tops the workspace up to COMPLAINTS complaints (identities sealed, steps dated), once per run."""
    from sqlalchemy import func, select

    from csrdesk.services.demo_complaints import add_demo_complaints
    from csrdesk.storage.models import Assessment, Complaint, Supplier

    if "complaints" in ctx.facts:
        return ctx.facts["complaints"]
    with ctx.db.transaction() as s:
        have = s.scalar(select(func.count(Complaint.id))) or 0
        suppliers = s.execute(select(Supplier.id, Supplier.country)).all()
        poor = {sid for sid, n in s.execute(select(Assessment.supplier_id, func.count(Assessment.id))
                                            .where(Assessment.rating.in_(("Unsatisfactory", "Zero Tolerance")))
                                            .group_by(Assessment.supplier_id))}
        profiles = [(sid, "poor" if sid in poor else "fair", *COUNTRIES.get(country, ("", "62")))
                    for sid, country in suppliers]
        wanted = COMPLAINTS if ctx.suppliers >= 600 else COMPLAINTS * ctx.suppliers // 600
        add_demo_complaints(s, profiles, max(0, wanted - have), ctx.seed + 1000, ctx.today)
    with ctx.db.reading() as s:
        ctx.facts["complaints"] = s.scalar(select(func.count(Complaint.id))) or 0
        ctx.facts["complaint_suppliers"] = s.scalar(select(func.count(func.distinct(Complaint.supplier_id)))) or 0
    return ctx.facts["complaints"]


@measure("complaints made, 10,000 with sealed identities", target=None, repeat=1)
def make_complaints(ctx: BenchContext) -> str:
    count = _ensure_complaints(ctx)
    return f"{count:,} complaints over {ctx.facts['complaint_suppliers']:,} suppliers"


@measure("Complaints page opens, open complaints of 10,000", target=0.1)
def page_data(ctx: BenchContext) -> str:
    """What the page reads on the worker when it opens (the open complaints, their filter texts, the key's state)."""
    from csrdesk.ui.pages.complaints import _load

    _ensure_complaints(ctx)
    rows, _texts, _status, _all = _load(ctx.db)
    return f"{len(rows):,} open of {ctx.facts['complaints']:,}"


@measure("Complaints page, all 10,000 complaints read", target=None)
def page_data_all(ctx: BenchContext) -> str:
    """The same when the user asks for every complaint (All or Closed)."""
    from csrdesk.ui.pages.complaints import _load

    _ensure_complaints(ctx)
    rows, _texts, _status, _all = _load(ctx.db, everything=True)
    return f"{len(rows):,} rows"


def _table(ctx: BenchContext) -> dict[str, Any]:
    if "complaints_table" in ctx.facts:
        return ctx.facts["complaints_table"]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from csrdesk.ui.pages.complaints import _load, complaint_columns
    from csrdesk.ui.tables import RowTableModel, TableView

    app = QApplication.instance() or QApplication([sys.argv[0]])
    _ensure_complaints(ctx)
    rows, texts, _status, _all = _load(ctx.db, everything=True)
    model = RowTableModel(complaint_columns())
    model.set_rows(rows, texts)
    view = TableView()
    view.setModel(model)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    table = {"app": app, "model": model, "view": view, "rows": len(rows), "step": 0}
    ctx.facts["complaints_table"] = table
    return table


@measure("filter keystroke, 10,000 complaints", target=0.1, repeat=9)
def filter_keystroke(ctx: BenchContext) -> str:
    """One more letter typed in the Complaints page's filter, until the rows are painted."""
    table = _table(ctx)
    text = FILTER_KEYSTROKES[table["step"] % len(FILTER_KEYSTROKES)]
    table["step"] += 1
    table["model"].set_filter(text)
    table["view"].viewport().repaint()
    table["app"].processEvents()
    return f"{table['rows']:,} rows; typing “wages cn” a letter at a time"


@measure("complaints report, 10,000 complaints", target=0.5)
def report(ctx: BenchContext) -> str:
    from csrdesk.services.complaint_reports import complaints_report

    _ensure_complaints(ctx)
    r = complaints_report(ctx.db, today=ctx.today)
    return (f"{r.complaints:,} complaints; median {r.median_days_to_resolve} days to resolve, 90th percentile "
            f"{r.p90_days_to_resolve}")
