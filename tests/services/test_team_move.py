"""Moving a local workspace into an empty shared PostgreSQL database: everything copied, counts checked, the local
file unchanged, ids carrying on; a database that already holds data is refused."""
from __future__ import annotations

import hashlib
import json
import os

import pytest
from sqlalchemy import create_engine, text

from csrdesk.cli import main

PG_URL = os.environ.get("CSRDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL test server (set CSRDESK_TEST_PG_URL; CI sets it)")


@pytest.fixture
def empty_server_db():
    """The URL of an empty database on the test server (a schema of its own), dropped afterwards."""
    from pg_suite import suite_url

    schema = f"csrdesk_move_{os.getpid()}"
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    yield suite_url(PG_URL, schema)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def test_move_a_workspace_into_an_empty_server_database(tmp_path, capsys, empty_server_db):
    """`csrdesk team move-to URL` sets up the schema, copies every row (demo data with complaints), reports the
    counts, and leaves the local file byte for byte as it was; the shared copy shows the same lists and takes
    new records."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers
    from csrdesk.storage.copying import row_counts

    local = tmp_path / "mine.sqlite3"
    db = open_workspace(str(local))
    generate_demo(db, suppliers=8, findings_per_assessment=4, seed=2)
    before = list_suppliers(db)
    counts = row_counts(db.engine)
    db.dispose()
    digest = hashlib.sha256(local.read_bytes()).hexdigest()

    assert main(["--db", str(local), "team", "move-to", empty_server_db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tables"] == counts and report["rows"] == sum(counts.values()) and report["kept_file"] == str(local)
    assert "csrdesk:csrdesk@" not in report["target"]
    assert hashlib.sha256(local.read_bytes()).hexdigest() == digest

    shared = open_workspace(empty_server_db)
    try:
        assert row_counts(shared.engine) == counts
        assert [(r.code, r.rating, r.open_items) for r in list_suppliers(shared)] == \
            [(r.code, r.rating, r.open_items) for r in before]
        create_supplier(shared, SupplierInput(name="Late Addition Textiles", code="TR-0999", country="Türkiye"))
    finally:
        shared.dispose()

    # A second move into the now filled database is refused, nothing added.
    assert main(["--db", str(local), "team", "move-to", empty_server_db]) == 2
    assert "already holds csrdesk data" in capsys.readouterr().err
