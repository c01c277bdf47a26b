"""The same schema and services on PostgreSQL, for a team sharing one database.

Runs where CSRDESK_TEST_PG_URL names a disposable PostgreSQL database (CI starts one); each test empties it first.
"""
import os
from datetime import date

import pytest

PG_URL = os.environ.get("CSRDESK_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL test database (CSRDESK_TEST_PG_URL)")


@pytest.fixture
def pg_db():
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from csrdesk.services.startup import open_workspace

    db = open_workspace(PG_URL)
    yield db
    db.dispose()


def test_migrate_and_rate_on_postgres(pg_db):
    """Migrations, the library, an assessment with its rating and the supplier list all work on PostgreSQL."""
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.caps import overdue_items
    from csrdesk.services.library import list_violation_types
    from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers, supplier_detail
    from csrdesk.storage.db import SCHEMA_HEAD, current_revision

    assert current_revision(pg_db.engine) == SCHEMA_HEAD
    assert len(list_violation_types(pg_db)) >= 80
    create_supplier(pg_db, SupplierInput(name="Istanbul Denim A.Ş.", code="TR-0001", country="Türkiye"))
    d = record_assessment(pg_db, AssessmentInput("TR-0001", date(2025, 1, 10), findings=[
        FindingInput("Emergency exit blocked", "critical"), FindingInput("No rest day in 14 days", "major")]))
    assert (d.score, d.rating) == (38, "Unsatisfactory")
    row = list_suppliers(pg_db, today=date(2026, 1, 1))[0]
    assert (row.rating, row.open_items, row.overdue_items) == ("Unsatisfactory", 2, 2)
    assert len(overdue_items(pg_db, today=date(2026, 1, 1))) == 2
    assert supplier_detail(pg_db, "TR-0001").follow_up_due == date(2025, 4, 10)


def test_backup_of_postgres_explains_pg_dump(pg_db):
    """Backing up a shared PostgreSQL database says to use pg_dump rather than failing obscurely."""
    from csrdesk.services.backup import backup_database
    from csrdesk.errors import UserError

    with pytest.raises(UserError, match="pg_dump"):
        backup_database(pg_db)
