"""The team's measurements: the supplier list, one supplier's detail and the overdue list on a PostgreSQL server,
against twice their SQLite times on the same data (the SQLite times are taken again here, beside them).

The server comes from CSRDESK_BENCH_PG_URL, else CSRDESK_TEST_PG_URL (CI starts one); without either the rows say
so and are skipped. The demo is generated on the server with the same seed and size, in a schema of its own that is
dropped at the end.
"""
from __future__ import annotations

import atexit
import os
import statistics
import time
from typing import Callable, Optional

from csrdesk.bench.registry import BenchContext, first_code, measure

SETUP = "PostgreSQL: the same demo generated on the server"
# (Named apart from the SQLite rows' words, so `--only supplier` still picks the SQLite rows alone.)
ROWS = {"supplier list": "PostgreSQL: factory list with ratings",
        "detail": "PostgreSQL: one factory's detail",
        "overdue": "PostgreSQL: overdue list"}
SKIPPED = "skipped: no PostgreSQL server (set CSRDESK_BENCH_PG_URL or CSRDESK_TEST_PG_URL)"
# How much slower than SQLite on the same machine and data a team database may be.
ALLOWED_FACTOR = 2.0


def server_url() -> Optional[str]:
    return os.environ.get("CSRDESK_BENCH_PG_URL") or os.environ.get("CSRDESK_TEST_PG_URL") or None


def _median(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _calls(ctx: BenchContext, db) -> dict[str, Callable[[], object]]:
    from csrdesk.services.caps import overdue_items
    from csrdesk.services.suppliers import list_suppliers, supplier_detail

    code = ctx.facts.get("busiest_supplier") or first_code(ctx)
    return {"supplier list": lambda: list_suppliers(db, today=ctx.today),
            "detail": lambda: supplier_detail(db, code, today=ctx.today),
            "overdue": lambda: overdue_items(db, today=ctx.today)}


@measure(SETUP, target=None, repeat=1)
def _setup(ctx: BenchContext) -> str:
    server = server_url()
    if server is None or ctx.db is None:
        ctx.facts["pg_db"] = None
        return SKIPPED
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from csrdesk.services.demo import generate_demo
    from csrdesk.services.startup import open_workspace

    schema = f"csrdesk_bench_{os.getpid()}"
    admin = create_engine(server)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        db = ctx.facts.get("pg_db")
        if db is not None:
            db.dispose()
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

    atexit.register(drop)
    url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
    db = open_workspace(url.render_as_string(hide_password=False))
    ctx.facts["pg_db"] = db
    demo = generate_demo(db, suppliers=ctx.suppliers, findings_per_assessment=ctx.findings_per_assessment,
                         seed=ctx.seed, today=ctx.today)
    for key, fn in _calls(ctx, ctx.db).items():
        sqlite_seconds = _median(fn)
        ctx.facts[("sqlite", key)] = sqlite_seconds
        ctx.facts[("target", ROWS[key])] = round(ALLOWED_FACTOR * sqlite_seconds, 4)
    return f"{demo.suppliers} suppliers, {demo.findings} findings on {make_url(server).host or 'the server'}"


def _row(ctx: BenchContext, key: str) -> str:
    db = ctx.facts.get("pg_db")
    if db is None:
        return SKIPPED
    _calls(ctx, db)[key]()
    return f"SQLite {ctx.facts[('sqlite', key)]:.3f} s on the same data; target {ALLOWED_FACTOR:g}x that"


@measure(ROWS["supplier list"], target=None)
def _supplier_list(ctx: BenchContext) -> str:
    return _row(ctx, "supplier list")


@measure(ROWS["detail"], target=None)
def _supplier_detail(ctx: BenchContext) -> str:
    return _row(ctx, "detail")


@measure(ROWS["overdue"], target=None)
def _overdue(ctx: BenchContext) -> str:
    return _row(ctx, "overdue")
