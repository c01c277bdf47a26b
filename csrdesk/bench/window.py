"""Benchmark rows for the window: start to a usable window, a filter keystroke and a sort on 52,000 CAP items,
and the search box. Registered with @measure when the benchmark runner imports this module.

The start-up row runs a fresh Python process (as a user starting csrdesk would) and times it until the dashboard
shows its figures. The table rows drive a real RowTableModel and TableView offscreen, painting included.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from csrdesk.bench.registry import BenchContext, measure

TABLE_ROWS = 52_000
FILTER_KEYSTROKES = ("w", "wa", "wag", "wage", "wages", "wages ", "wages c", "wages cn", "")
SEARCH_WORDS = ("wage", "fire exit", "overtime", "CN-100", "child", "zzqx", "leader", "dormitory")

_CHILD = r"""
import json, os, sys, time
started = time.perf_counter()
from csrdesk.ui.app import begin_start, end_start_when_ready  # as run_gui starts
begin_start()
from csrdesk.logsetup import setup_logging
setup_logging()
from csrdesk.ui.app import ensure_application, open_window
app = ensure_application()
imported = time.perf_counter()
from csrdesk.services.startup import open_workspace
db = open_workspace(sys.argv[1])
opened = time.perf_counter()
ctx, window = open_window(db, install_hooks=False)
window.show()
end_start_when_ready(ctx)
built = time.perf_counter()
page = window.current_page()
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    app.processEvents()
    if getattr(page, "summary", None) is not None or (getattr(page, "loads", 1) and not ctx.busy):
        break
    time.sleep(0.002)
app.processEvents()
window.repaint()
ready = time.perf_counter()
heavy = sorted(m for m in ("matplotlib", "openpyxl", "docxtpl", "cryptography") if m in sys.modules)
print("READY " + json.dumps({"cpu": time.process_time(), "imports": imported - started, "database": opened - imported,
                             "window": built - opened, "data": ready - built, "heavy": heavy,
                             "page": type(page).__name__}), flush=True)
ctx.wait_idle(30000)
"""


def _child_env(ctx: BenchContext) -> dict[str, str]:
    """The environment of a window process: as an installed csrdesk starts, with its modules' bytecode at hand.

    An installed app has it (pip and PyInstaller compile it); a checkout run with PYTHONDONTWRITEBYTECODE would
    compile every module of csrdesk at each start instead (more than half a second). The bytecode goes to a
    folder of the benchmark's own, compiled once per run, never next to the sources."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ctx.folder / "pycache")
    if not ctx.facts.get("bytecode_compiled"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(root) / "csrdesk")], env=env,
                       capture_output=True, timeout=600)
        ctx.facts["bytecode_compiled"] = True
    return env


@measure("start to usable window", target=0.8, repeat=3)  # issue 16: under 0.8 s
def start_to_usable_window(ctx: BenchContext) -> str:
    """A new process: Python, Qt, the database, the main window, and the dashboard with its figures painted."""
    db_path = ctx.folder / "bench.sqlite3"
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(db_path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_child_env(ctx))
    try:
        ready = None
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("READY "):
                ready = time.perf_counter() - started
                phases = json.loads(line[6:])
                break
        if ready is None:
            child.wait(60)
            raise RuntimeError("the window did not start: " + (child.stderr.read() if child.stderr else "")[-500:])
    finally:
        child.kill()  # the time that counts ends at READY; closing the window is not part of it
        child.wait(60)
    heavy = ", ".join(phases["heavy"]) or "none"
    return (f"CPU {phases['cpu']:.2f} s; imports {phases['imports']:.2f} s, database {phases['database']:.2f} s, window {phases['window']:.2f} s,"
            f" {phases['page']} data {phases['data']:.2f} s; heavy libraries loaded: {heavy}")


def _table(ctx: BenchContext) -> dict[str, Any]:
    """A CAP items table of TABLE_ROWS rows in a shown TableView (built once per benchmark run)."""
    table = ctx.facts.get("ui_table")
    if table is not None:
        return table
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from csrdesk.services.caps import list_items
    from csrdesk.ui.tables import RowTableModel, TableView, build_search_texts

    app = QApplication.instance() or QApplication([sys.argv[0]])
    rows = list_items(ctx.db, today=ctx.today, open_only=False)[:TABLE_ROWS]
    try:
        from csrdesk.ui.pages.caps import cap_columns

        columns = cap_columns(lambda: ctx.today)
    except ImportError:  # the CAPs page is not part of this build: the same data in plain columns
        from csrdesk.ui.tables import Column

        columns = [Column("Supplier", lambda r: r.supplier_code), Column("Finding", lambda r: r.finding),
                   Column("Category", lambda r: r.category), Column("Severity", lambda r: r.severity),
                   Column("Status", lambda r: r.status), Column("Due", lambda r: r.due_date),
                   Column("Project leader", lambda r: r.project_leader)]
    model = RowTableModel(columns)
    model.set_rows(rows, build_search_texts(columns, rows))
    view = TableView()
    view.setModel(model)
    view.resize(1400, 900)
    view.show()
    app.processEvents()
    table = {"app": app, "model": model, "view": view, "rows": len(rows), "step": 0}
    ctx.facts["ui_table"] = table
    return table


def _paint(table: dict[str, Any]) -> None:
    table["view"].viewport().repaint()
    table["app"].processEvents()


@measure("CAP view loaded, 52,000 items", target=None, repeat=1)
def cap_view_loaded(ctx: BenchContext) -> str:
    """Reading the items, building their filter text and showing the first rows (on the worker in the window)."""
    ctx.facts.pop("ui_table", None)
    table = _table(ctx)
    return f"{table['rows']:,} rows"


@measure("filter keystroke, 52,000 CAP items", target=0.1, repeat=9)
def filter_keystroke(ctx: BenchContext) -> str:
    """One more letter typed in the filter box of a 52,000-row table, until the rows are painted."""
    table = _table(ctx)
    text = FILTER_KEYSTROKES[table["step"] % len(FILTER_KEYSTROKES)]
    table["step"] += 1
    table["model"].set_filter(text)
    _paint(table)
    return f"{table['rows']:,} rows; typing “wages cn” a letter at a time"


@measure("sort, 52,000 CAP items", target=0.1, repeat=6)
def sort_column(ctx: BenchContext) -> str:
    """A header click on a 52,000-row table (text, date and number columns, both orders), until painted."""
    from PySide6.QtCore import Qt

    table = _table(ctx)
    model = table["model"]
    model.set_filter("")
    step = table.setdefault("sort_step", 0)
    table["sort_step"] = step + 1
    column = (0, 1, 3, 2, 4, 5)[step % 6] % model.columnCount()
    order = Qt.SortOrder.AscendingOrder if step % 2 == 0 else Qt.SortOrder.DescendingOrder
    model.sort(column, order)
    _paint(table)
    return f"{table['rows']:,} rows; columns {', '.join(c.title for c in model.columns[:6])}"


@measure("search index read (first Ctrl+K)", target=None, repeat=1)
def search_index(ctx: BenchContext) -> str:
    from csrdesk.services.search import build_search_index

    index = build_search_index(ctx.db)
    ctx.facts["search_index"] = index
    return f"{len(index):,} suppliers and findings"


@measure("search as you type (Ctrl+K)", target=None, repeat=8)
def search_as_you_type(ctx: BenchContext) -> str:
    from csrdesk.services.search import build_search_index

    index = ctx.facts.get("search_index") or build_search_index(ctx.db)
    ctx.facts["search_index"] = index
    step = ctx.facts.get("search_step", 0)
    ctx.facts["search_step"] = step + 1
    hits = index.search(ctx.db, SEARCH_WORDS[step % len(SEARCH_WORDS)], 50, today=ctx.today)
    return f"{len(index):,} entries; words: {', '.join(SEARCH_WORDS)}; last {len(hits)} hits"
