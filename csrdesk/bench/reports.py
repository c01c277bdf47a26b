"""Benchmark rows for reports and charts: the program report for a year (Word, every chart drawn), one supplier's
scorecard, and the dashboard's charts painted after the page is shown. Registered when the runner imports this module.
"""
from __future__ import annotations

import sys
import time
from datetime import timedelta

from csrdesk.bench.registry import BenchContext, first_code, measure


@measure("reports: program report for a year (Word, charts drawn)", target=5.0, repeat=3)
def _program_report(ctx: BenchContext) -> str:
    from csrdesk.services.reports import write_program_report

    out = write_program_report(ctx.db, ctx.folder / "program-report.docx", ctx.today - timedelta(days=365),
                               ctx.today, today=ctx.today)
    return f"{out.sections} sections, {out.charts} charts, {out.path.stat().st_size // 1024:,} KB"


@measure("reports: program report figures (Excel)", target=None, repeat=3)
def _program_figures(ctx: BenchContext) -> str:
    from csrdesk.services.reports import write_program_report

    out = write_program_report(ctx.db, ctx.folder / "program-report.xlsx", ctx.today - timedelta(days=365),
                               ctx.today, today=ctx.today)
    return f"{out.sections} sheets of figures"


@measure("reports: one factory's scorecard (Word)", target=0.5, repeat=5)
def _scorecard(ctx: BenchContext) -> str:
    from csrdesk.services.reports import write_scorecard

    code = ctx.facts.get("busiest_supplier") or first_code(ctx)
    out = write_scorecard(ctx.db, code, ctx.folder / "scorecard.docx", today=ctx.today)
    return f"{code}: {out.figures['sections']['open_items']['open']:,} open items, {out.charts} chart"


@measure("reports: dashboard charts painted after the page is shown", target=0.3, repeat=5)
def _dashboard(ctx: BenchContext) -> str:
    """A new dashboard page (built untimed), then from show() to its figures and bars painted."""
    from PySide6.QtWidgets import QApplication

    from csrdesk.ui.context import AppContext
    from csrdesk.ui.pages.dashboard import DashboardPage

    app = QApplication.instance() or QApplication([sys.argv[0]])
    context = AppContext(ctx.db)
    page = DashboardPage(context)
    page.resize(1360, 840)
    try:
        started = time.perf_counter()
        page.show()  # a new page is stale: showing it loads its figures on the worker
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (page.summary is None or context.busy):
            app.processEvents()
            time.sleep(0.001)
        app.processEvents()
        page.repaint()
        seconds = time.perf_counter() - started
        bars = sum(len(b.items()) for b in (page.ratings, page.statuses, page.caps))
        return f"{bars} bars in 3 charts, 7 tiles ({seconds:.3f} s)"
    finally:
        page.hide()
        context.shutdown()
        page.deleteLater()
        app.processEvents()
