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


def test_backup_of_postgres_is_a_pg_dump_in_the_backups_folder(pg_db):
    """`csrdesk backup` of a shared PostgreSQL database writes a pg_dump file into the backups folder."""
    from csrdesk import paths
    from csrdesk.services.backup import backup_database

    path = backup_database(pg_db)
    assert path.parent == paths.backups_dir() and path.suffix == ".pgdump"
    assert path.read_bytes()[:5] == b"PGDMP"


def test_verification_on_postgres(pg_db):
    """Demo visits, the Verification page's data, recording a visit and an escalation step work on PostgreSQL
    (grouping by a date comparison once failed there only)."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.escalations import escalate
    from csrdesk.services.verification import VerdictInput, list_visits, record_visit, visit_plan
    from csrdesk.services.verification_overview import verification_overview

    generate_demo(pg_db, suppliers=30, findings_per_assessment=10, seed=3)
    overview = verification_overview(pg_db)
    assert overview.plan and overview.visits and overview.escalations
    row = visit_plan(pg_db)[0]
    from csrdesk.services.caps import cap_detail

    item = next(i for i in cap_detail(pg_db, row.cap_id).items if i.row.status != "verified")
    visit = record_visit(pg_db, row.cap_id, date.today(), [VerdictInput(item.row.id, "done_correctly", "检查通过")])
    assert visit.items_verified == 1 and any(v.id == visit.id for v in list_visits(pg_db))
    lagging = next(e for e in overview.escalations if not e.step)
    assert escalate(pg_db, lagging.supplier, "reminder", "lagging").step == "reminder"
