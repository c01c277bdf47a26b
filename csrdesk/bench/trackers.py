"""Benchmark rows of the CAP trackers (registered with @measure when the benchmark runner imports this module).

Measured on the benchmark's large-program workspace: one CAP's tracker out and back in (target 0.5 s each), and the
master tracker against bare openpyxl write-only writing the same cells (limit 1.5 times), and reading it back.
"""
from __future__ import annotations

import random
import time
from pathlib import Path

from csrdesk.bench.registry import BenchContext, largest_open_cap, measure

MASTER_LIMIT = 1.5  # the master tracker may take at most this many times bare openpyxl for the same cells


def _largest_cap(ctx: BenchContext) -> tuple[int, int]:
    return largest_open_cap(ctx)


@measure("CAP tracker out (largest CAP)", target=0.5)
def _tracker_out(ctx: BenchContext) -> str:
    from csrdesk.services.trackers import export_tracker

    cap_id, count = _largest_cap(ctx)
    export_tracker(ctx.db, cap_id, ctx.folder / "tracker-out.xlsx", today=ctx.today)
    return f"CAP {cap_id}, {count} items"


@measure("a factory fills in the tracker (openpyxl, not csrdesk)", target=None, repeat=1)
def _factory(ctx: BenchContext) -> str:
    from openpyxl import load_workbook

    from csrdesk.exchange.tracker import COLUMN_INDEX, FIRST_ITEM_ROW, ITEMS_SHEET

    rng = random.Random(5)
    wb = load_workbook(ctx.folder / "tracker-out.xlsx")
    ws = wb[ITEMS_SHEET]
    answered = 0
    for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
        if ws.cell(r, 1).value is None or ws.cell(r, COLUMN_INDEX["root_cause"]).protection.locked:
            continue
        ws.cell(r, COLUMN_INDEX["root_cause"]).value = f"没有根据产能制定生产计划 {rng.randint(1, 999)}"
        ws.cell(r, COLUMN_INDEX["preventive_action"]).value = "Weekly hours review by the HR manager; 每周审核工时"
        ws.cell(r, COLUMN_INDEX["project_leader"]).value = "王芳 (HR)"
        ws.cell(r, COLUMN_INDEX["planned_date"]).value = f"{rng.randint(1, 28)}.0{rng.randint(1, 9)}.2027"
        answered += 1
    wb.save(ctx.folder / "tracker-returned.xlsx")
    return f"{answered} items answered"


@measure("CAP tracker in: read, check, preview (largest CAP)", target=0.5)
def _tracker_preview(ctx: BenchContext) -> str:
    from csrdesk.services.trackers import preview_tracker_import

    preview = preview_tracker_import(ctx.db, ctx.folder / "tracker-returned.xlsx")
    return f"{len(preview.changes)} changes, {len(preview.conflicts)} conflicts"


@measure("safety backup taken before every import (services.backup)", target=None, repeat=1)
def _import_backup(ctx: BenchContext) -> str:
    from csrdesk.services.backup import before_bulk_change

    path = before_bulk_change(ctx.db, "bench")
    return f"{path.stat().st_size / 1e6:.0f} MB database copied" if path else "no file database"


@measure("CAP tracker in: apply all answers (largest CAP, with its backup)", target=0.5, repeat=1)
def _tracker_apply(ctx: BenchContext) -> str:
    from csrdesk.services.trackers import apply_tracker_import

    started = time.perf_counter()
    result = apply_tracker_import(ctx.db, ctx.folder / "tracker-returned.xlsx")
    size = result.backup.stat().st_size / 1e6 if result.backup else 0
    return (f"{len(result.applied)} changes applied in {time.perf_counter() - started:.2f} s, "
            f"safety backup of {size:.0f} MB included")


LARGE_ITEMS = 52_000  # the large program: 600 factories with about 87 open findings each


def _rows_at_scale(ctx: BenchContext) -> list[tuple]:
    """The master tracker's 15-cell rows of the workspace's open items, repeated (with new item IDs) up to
    LARGE_ITEMS when the demo has fewer open items than the large program."""
    from csrdesk.services.trackers import master_item_rows

    rows = list(master_item_rows(ctx.db, ctx.today))
    ctx.facts["open_items"] = len(rows)
    if not rows:
        return []
    scaled, n = [], 0
    while len(scaled) < LARGE_ITEMS:
        for r in rows:
            if len(scaled) >= LARGE_ITEMS:
                break
            scaled.append(r if n == 0 else (*r[:6], r[6] + n * 1_000_000, *r[7:]))
        n += 1
    return scaled


@measure(f"master tracker cells: {LARGE_ITEMS:,} items x 15 columns from the database", target=None, repeat=1)
def _master_rows(ctx: BenchContext) -> str:
    from csrdesk.services.trackers import master_supplier_rows

    ctx.facts["master_rows"] = _rows_at_scale(ctx)
    ctx.facts["master_suppliers"] = master_supplier_rows(ctx.db, ctx.today)
    return (f"{ctx.facts['open_items']:,} open items in the workspace, repeated to "
            f"{len(ctx.facts['master_rows']):,} rows")


def bare_write(path: Path, rows) -> None:
    """What openpyxl alone needs for the same cells: a write-only workbook, a header and the rows."""
    from openpyxl import Workbook

    from csrdesk.exchange.master_tracker import ITEM_HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Open items")
    ws.append([name for name, _w in ITEM_HEADERS])
    for row in rows:
        ws.append(row)
    wb.save(path)


def bare_read(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return sum(1 for ws in wb.worksheets for _row in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def _timed(ctx: BenchContext, key: str, fn) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    ctx.facts.setdefault(key, []).append(seconds)
    return seconds


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


# Bare and csrdesk runs alternate (bare, csrdesk, bare, csrdesk, ...) so that a busy machine slows both alike.
@measure(f"bare openpyxl write-only, {LARGE_ITEMS:,} x 15 (run 1 of 3)", target=None, repeat=1)
def _bare_1(ctx: BenchContext) -> str:
    _timed(ctx, "bare_write", lambda: bare_write(ctx.folder / "bare-master.xlsx", ctx.facts["master_rows"]))
    return "the floor: openpyxl alone"


def _csrdesk_write(ctx: BenchContext) -> None:
    from csrdesk.exchange.master_tracker import write_master

    rows = ctx.facts["master_rows"]
    write_master(ctx.folder / "master-large.xlsx", ctx.facts["master_suppliers"], iter(rows), len(rows), ctx.today)


@measure(f"master tracker writer, {LARGE_ITEMS:,} x 15 (run 1 of 3)", target=None, repeat=1)
def _ours_1(ctx: BenchContext) -> str:
    _timed(ctx, "ours_write", lambda: _csrdesk_write(ctx))
    return "suppliers sheet, styles, text safety included"


@measure(f"bare openpyxl write-only, {LARGE_ITEMS:,} x 15 (run 2 of 3)", target=None, repeat=1)
def _bare_2(ctx: BenchContext) -> str:
    return _bare_1(ctx)


@measure(f"master tracker writer, {LARGE_ITEMS:,} x 15 (run 2 of 3)", target=None, repeat=1)
def _ours_2(ctx: BenchContext) -> str:
    return _ours_1(ctx)


@measure(f"bare openpyxl write-only, {LARGE_ITEMS:,} x 15 (run 3 of 3)", target=None, repeat=1)
def _bare_3(ctx: BenchContext) -> str:
    return _bare_1(ctx)


@measure(f"master tracker writer, {LARGE_ITEMS:,} x 15 (run 3 of 3)", target=None, repeat=1)
def _ours_3(ctx: BenchContext) -> str:
    return _ours_1(ctx)


@measure(f"master tracker writer / bare openpyxl (medians; limit {MASTER_LIMIT})", target=None, repeat=1)
def _write_ratio(ctx: BenchContext) -> str:
    bare, ours = _median(ctx.facts["bare_write"]), _median(ctx.facts["ours_write"])
    ratio = ours / bare
    if ratio > MASTER_LIMIT:
        raise AssertionError(f"{ratio:.2f} x bare ({ours:.2f} s against {bare:.2f} s; limit {MASTER_LIMIT})")
    return f"{ratio:.2f} x: {ours:.2f} s against {bare:.2f} s"


@measure("master tracker from the database (export_master, all open items)", target=None, repeat=1)
def _master_export(ctx: BenchContext) -> str:
    from csrdesk.services.trackers import export_master

    ctx.facts.pop("master_rows", None)  # free the memory first
    export_master(ctx.db, ctx.folder / "master.xlsx", today=ctx.today)
    return f"{ctx.facts.get('open_items', 0):,} open items, database query included"


@measure(f"reading back: bare openpyxl file, {LARGE_ITEMS:,} rows (run 1 of 2)", target=None, repeat=1)
def _bare_read_1(ctx: BenchContext) -> str:
    rows = []
    _timed(ctx, "bare_read", lambda: rows.append(bare_read(ctx.folder / "bare-master.xlsx")))
    return f"{rows[0]:,} rows, openpyxl read-only"


@measure(f"reading back: master tracker, {LARGE_ITEMS:,} rows (run 1 of 2)", target=None, repeat=1)
def _ours_read_1(ctx: BenchContext) -> str:
    rows = []
    _timed(ctx, "ours_read", lambda: rows.append(bare_read(ctx.folder / "master-large.xlsx")))
    return f"{rows[0]:,} rows (both sheets), openpyxl read-only"


@measure(f"reading back: bare openpyxl file, {LARGE_ITEMS:,} rows (run 2 of 2)", target=None, repeat=1)
def _bare_read_2(ctx: BenchContext) -> str:
    return _bare_read_1(ctx)


@measure(f"reading back: master tracker, {LARGE_ITEMS:,} rows (run 2 of 2)", target=None, repeat=1)
def _ours_read_2(ctx: BenchContext) -> str:
    return _ours_read_1(ctx)


@measure(f"reading back master tracker / bare file (best runs; limit {MASTER_LIMIT})", target=None, repeat=1)
def _read_ratio(ctx: BenchContext) -> str:
    bare, ours = min(ctx.facts["bare_read"]), min(ctx.facts["ours_read"])
    ratio = ours / bare
    if ratio > MASTER_LIMIT:
        raise AssertionError(f"{ratio:.2f} x bare ({ours:.2f} s against {bare:.2f} s; limit {MASTER_LIMIT})")
    return f"{ratio:.2f} x: {ours:.2f} s against {bare:.2f} s"
