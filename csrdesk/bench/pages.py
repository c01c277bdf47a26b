"""Benchmark rows for the window as the user feels it: each page's first open, the first Ctrl+K right after start,
and the window's peak memory with every page visited.

One fresh Python process (as a user starting csrdesk would) opens the window on the benchmark workspace, searches
with Ctrl+K once the search index (read in the background after start) is ready, then opens every page of the navigation in turn and the busiest supplier's page. A page counts
as open when its data is painted: when the worker is idle, or, for a page that shows its first rows while the rest
is read (`first_rows_shown()`), when those rows are painted; the time until everything is read is in the detail.
The tour runs once per benchmark run; each row reports its part of it. A page counts its own reads only: the search
index, read in the background after start, is waited for before the pages are opened.
"""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from csrdesk.bench.registry import BenchContext, Timed, measure
from csrdesk.bench.window import _child_env

PAGE_TARGET = 0.5
SEARCH_TARGET = 0.2
MEMORY_TARGET_MB = 500
SEARCH_WORD = "wage"
PAGES = ("dashboard", "suppliers", "assessments", "caps", "vetting", "verification", "complaints", "library")

_TOUR = r"""
import json, os, resource, sys, time
started = time.perf_counter()
from csrdesk.logsetup import setup_logging
setup_logging()
from csrdesk.ui.app import ensure_application, open_window
app = ensure_application()
from csrdesk.services.startup import open_workspace
db = open_workspace(sys.argv[1])
ctx, window = open_window(db, install_hooks=False)
window.resize(1360, 840)
window.show()
out = {}

def wait(test, limit=120.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        app.processEvents()
        if test():
            return True
        time.sleep(0.001)
    return False

def waiting_for(page):
    # The page's own reads still on the worker (background work for other parts, such as the search index, is not
    # the page's wait).
    for task in list(ctx._tasks.values()):
        owner = task._parent
        if owner is not None and (owner is page or page.isAncestorOf(owner)):
            return True
    return False

def opened(page):
    usable = getattr(page, "first_rows_shown", None)
    if callable(usable):
        return usable()
    return page.loads > 0 and not waiting_for(page)

def settle():
    wait(lambda: not ctx.busy)
    app.processEvents()

shown, shown_cpu = time.perf_counter(), time.process_time()
page = window.current_page()
wait(lambda: opened(page))
window.repaint()
out["start"] = time.perf_counter() - started
out["pages"] = {"dashboard": time.perf_counter() - shown}
out["cpu"] = {"dashboard": time.process_time() - shown_cpu}
out["settled"] = {}

# The search index is read in the background right after start; Ctrl+K then, and a word.
box = window.search_box
usable = time.perf_counter()
wait(lambda: box.index is not None and not ctx.busy)
out["index_ready"] = time.perf_counter() - usable
t0, c0 = time.perf_counter(), time.process_time()
window.focus_search()
box.setText(sys.argv[2])
box._edited(sys.argv[2])
box.search_now()
found = wait(lambda: box.searches > 0 and box.results.isVisible())
app.processEvents()
out["search"] = time.perf_counter() - t0
out["cpu"]["search"] = time.process_time() - c0
out["search_hits"] = len(box.hits) if found else -1
box.clear()
box.results.hide()
settle()

for key in json.loads(sys.argv[3]):
    if key == "dashboard" or key not in window.pages:
        continue
    t0, c0 = time.perf_counter(), time.process_time()
    window.go(key)
    page = window.pages[key]  # built by go() when it was never shown: its building counts
    wait(lambda: opened(page))
    window.repaint()
    app.processEvents()
    out["pages"][key] = time.perf_counter() - t0
    out["cpu"][key] = time.process_time() - c0
    settle()
    out["settled"][key] = time.perf_counter() - t0

from csrdesk.services.suppliers import list_suppliers
busiest = max(list_suppliers(db), key=lambda r: (r.open_items, r.code))
page = window.supplier_page
before = page.loads
t0, c0 = time.perf_counter(), time.process_time()
window.show_supplier(busiest.id)
wait(lambda: page.loads > before and not waiting_for(page))
window.repaint()
app.processEvents()
out["pages"]["supplier"] = time.perf_counter() - t0
out["cpu"]["supplier"] = time.process_time() - c0
out["supplier"] = busiest.code
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["cpu"]["total"] = time.process_time()
out["total"] = time.perf_counter() - started
print("TOUR " + json.dumps(out), flush=True)
ctx.wait_idle(30000)
os._exit(0)
"""


def _tour(ctx: BenchContext) -> dict[str, Any]:
    """The window tour, run once per benchmark run in a new process."""
    tour = ctx.facts.get("window_tour")
    if tour is not None:
        return tour
    db_path = ctx.folder / "bench.sqlite3"
    child = subprocess.run([sys.executable, "-c", _TOUR, str(db_path), SEARCH_WORD, json.dumps(PAGES)],
                           capture_output=True, text=True, env=_child_env(ctx), timeout=600)
    for line in child.stdout.splitlines():
        if line.startswith("TOUR "):
            tour = json.loads(line[5:])
            break
    else:
        raise RuntimeError("the window tour did not finish: " + child.stderr[-500:])
    ctx.facts["window_tour"] = tour
    return tour


def _page_row(key: str, title: str):
    @measure(f"first open, {title}", target=PAGE_TARGET, repeat=1)
    def row(ctx: BenchContext) -> Timed:
        tour = _tour(ctx)
        seconds = tour["pages"][key]
        settled = tour["settled"].get(key)
        rest = f"; everything read after {settled:.2f} s" if settled is not None and settled > seconds + 0.05 else ""
        cpu = tour["cpu"].get(key)
        if key == "dashboard":
            return Timed(seconds, f"from the window shown to its figures painted; the process started "
                                  f"{tour['start']:.2f} s before they were", cpu)
        if key == "supplier":
            return Timed(seconds, f"{tour['supplier']}, the supplier with the most open items{rest}", cpu)
        return Timed(seconds, f"painted with its data{rest}", cpu)

    return row


for _key, _title in (("dashboard", "Dashboard page"), ("suppliers", "Suppliers page"),
                     ("assessments", "Assessments page"), ("caps", "CAPs page"), ("vetting", "Vetting page"),
                     ("verification", "Verification page"), ("complaints", "Complaints page"),
                     ("library", "Library page"), ("supplier", "supplier page")):
    _page_row(_key, _title)


@measure("first Ctrl+K after start", target=SEARCH_TARGET, repeat=1)
def first_search(ctx: BenchContext) -> Timed:
    """Ctrl+K and a word typed once the index read in the background after start is ready, until the hits are
    shown; the detail says how long after the window was usable the index was ready."""
    tour = _tour(ctx)
    return Timed(tour["search"], f"“{SEARCH_WORD}”: {tour['search_hits']} hits shown; the index was read in the "
                                 f"background, ready {tour['index_ready']:.2f} s after the window was usable",
                 tour["cpu"]["search"])


@measure("window peak memory, every page visited", target=None, repeat=1)
def peak_memory(ctx: BenchContext) -> Timed:
    """The window process's peak resident memory after the search and every page; seconds: the whole tour."""
    tour = _tour(ctx)
    mb = tour["peak_mb"]
    ok = mb < MEMORY_TARGET_MB
    return Timed(tour["total"], f"peak {mb:.0f} MB (aim under {MEMORY_TARGET_MB} MB: {'met' if ok else 'NOT met'});"
                                f" seconds: the whole tour", tour["cpu"]["total"])

