"""The PostgreSQL side of the `db` fixture: one schema for the suite (not `public`, which the storage tests empty at
will), migrated and loaded once per session, and put back to that state before each test by truncating every table
and copying the snapshot's rows back (faster than a new database or schema per test)."""
from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import os

# Per test process, so two test runs on one server (two checkouts, a developer and CI) never share a schema.
SUITE = f"csrdesk_suite_{os.getpid()}"
SNAPSHOT = f"csrdesk_snapshot_{os.getpid()}"


def suite_url(server_url: str, schema: str = SUITE) -> str:
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def prepare_suite_schema(server_url: str) -> tuple[str, str]:
    from csrdesk.services.startup import open_workspace

    engine = create_engine(server_url)
    with engine.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {SUITE} CASCADE"))
        c.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {SUITE}"))
    url = suite_url(server_url)
    database = open_workspace(url)
    database.dispose()
    with engine.begin() as c:
        c.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
        tables = [r[0] for r in c.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s AND table_type = 'BASE TABLE' "
            "ORDER BY table_name"), {"s": SUITE})]
        filled, sequences = [], []
        for table in tables:
            c.execute(text(f'CREATE TABLE {SNAPSHOT}."{table}" AS SELECT * FROM {SUITE}."{table}"'))
            if c.execute(text(f'SELECT count(*) FROM {SNAPSHOT}."{table}"')).scalar():
                filled.append(table)
            for (column,) in c.execute(text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND table_name = :t "
                    "AND column_default LIKE 'nextval%'"), {"s": SUITE, "t": table}):
                sequences.append((table, column))
    engine.dispose()
    # DELETE, not TRUNCATE: a test leaves a handful of rows, and TRUNCATE of forty tables costs half a second
    # (new files for each). Foreign keys are not checked while the rows are put back (replica role).
    statements = ["SET LOCAL session_replication_role = replica", "SET LOCAL synchronous_commit = off"]
    statements += [f'DELETE FROM {SUITE}."{t}"' for t in tables if t != "alembic_version"]
    statements += [f'INSERT INTO {SUITE}."{t}" SELECT * FROM {SNAPSHOT}."{t}"' for t in filled
                   if t != "alembic_version"]
    statements += [f"SELECT setval(pg_get_serial_sequence('{SUITE}.\"{t}\"', '{col}'), "
                   f'(SELECT coalesce(max("{col}"), 0) + 1 FROM {SUITE}."{t}"), false)'
                   for t, col in sequences]
    # A test may have changed the schema version row (a refused newer schema): put it back too.
    statements += [f"DELETE FROM {SUITE}.alembic_version",
                   f"INSERT INTO {SUITE}.alembic_version SELECT * FROM {SNAPSHOT}.alembic_version"]
    return url, ";\n".join(statements)


def drop_suite_schema(server_url: str) -> None:
    engine = create_engine(server_url)
    try:
        with engine.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {SUITE} CASCADE"))
            c.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
    finally:
        engine.dispose()


def reset_suite_schema(url: str, reset_sql: str) -> None:
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=False) as con:
        con.execute(reset_sql)
        con.commit()
