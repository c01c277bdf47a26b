"""Copying a whole csrdesk database into another (a local SQLite workspace into an empty shared PostgreSQL one):
every table, row by row with its ids, in one transaction, counts checked before it is committed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from csrdesk.errors import UserError
from csrdesk.storage.models import Base

BATCH = 2000


@dataclass(frozen=True)
class CopyCounts:
    """How many rows were copied from each table into the other database."""

    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                for t in Base.metadata.sorted_tables}


def copy_everything(source: Engine, target: Engine,
                    progress: Optional[Callable[[str, int], None]] = None,
                    also: Optional[Callable[[Connection], None]] = None) -> CopyCounts:
    """Copies every row of every csrdesk table from source into target, whose tables must be empty. All or nothing:
    the counts of each table are compared inside the transaction and a difference rolls everything back. `also`
    adds what is not in the source's tables (its files) in the same transaction, after the counts are checked."""
    filled = {name: n for name, n in row_counts(target).items() if n}
    if filled:
        raise UserError("The shared database already holds csrdesk data (" + ", ".join(
            f"{n:,} {name.replace('_', ' ')}" for name, n in sorted(filled.items())) + "); a workspace is only "
            "moved into an empty one.")
    expected = row_counts(source)
    with source.connect() as src, target.begin() as dst:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            result = src.execution_options(stream_results=True).execute(select(table).order_by(*order))
            while True:
                rows = result.mappings().fetchmany(BATCH)
                if not rows:
                    break
                dst.execute(insert(table), [dict(r) for r in rows])
            if progress:
                progress(table.name, expected[table.name])
        copied = {t.name: int(dst.execute(select(func.count()).select_from(t)).scalar() or 0)
                  for t in Base.metadata.sorted_tables}
        if copied != expected:
            wrong = [f"{name}: {copied[name]:,} of {expected[name]:,}" for name in expected
                     if copied[name] != expected[name]]
            raise UserError("The copy does not match the workspace (" + "; ".join(wrong) + "); nothing was kept.")
        if also is not None:
            also(dst)
        if dst.dialect.name == "postgresql":
            # Rows went in with their ids: each id sequence moves past them for the rows people add next.
            for table in Base.metadata.sorted_tables:
                column = table.c.get("id")
                if column is not None and column.primary_key and column.autoincrement:
                    dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                     f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))
    return CopyCounts(copied)
