"""The dashboard's figures read by the queries that make the start quick: the most overdue suppliers (open items
past due, most first) and the verification visits overdue and booked, on SQLite and PostgreSQL alike."""
from __future__ import annotations

from datetime import date, timedelta

from csrdesk.services import caps as caps_service
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.dashboard import dashboard_summary
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.services.verification import book_visit, set_meeting_date
from csrdesk.services.verification_overview import verification_counts

TODAY = date(2026, 6, 1)


def _assessed(db, code: str, day: date, findings: int) -> int:
    create_supplier(db, SupplierInput(name=f"Factory {code}", code=code, country="China"), status="active")
    detail = record_assessment(db, AssessmentInput(code, day, "periodic", findings=[
        FindingInput(f"Finding {n}", "major", category="health-safety") for n in range(findings)]))
    return detail.cap_id


def test_most_overdue_suppliers_count_only_open_items_past_due_most_first(db):
    long_ago = TODAY - timedelta(days=300)
    _assessed(db, "CN-0002", long_ago, 2)
    _assessed(db, "CN-0001", long_ago, 3)
    _assessed(db, "CN-0003", TODAY, 4)  # a fresh audit: nothing is due yet

    summary = dashboard_summary(db, TODAY)
    overdue = [(s.supplier_code, s.overdue_items) for s in summary.overdue_suppliers]
    assert overdue == [("CN-0001", 3), ("CN-0002", 2)]
    assert summary.overdue_items == 5 and summary.open_items == 9
    oldest = {s.supplier_code: s.oldest_due for s in summary.overdue_suppliers}
    assert all(day < TODAY for day in oldest.values())


def test_visits_overdue_and_booked_are_counted_from_the_plan(db):
    overdue_cap = _assessed(db, "CN-0011", TODAY - timedelta(days=200), 2)
    booked_cap = _assessed(db, "CN-0012", TODAY - timedelta(days=200), 1)
    later_cap = _assessed(db, "CN-0013", TODAY - timedelta(days=10), 1)
    for cap_id in (overdue_cap, booked_cap, later_cap):
        caps_service.change_cap_status(db, cap_id, "sent", today=TODAY - timedelta(days=9))
    set_meeting_date(db, overdue_cap, TODAY - timedelta(days=120))
    set_meeting_date(db, booked_cap, TODAY - timedelta(days=120))
    set_meeting_date(db, later_cap, TODAY - timedelta(days=5))
    book_visit(db, booked_cap, TODAY + timedelta(days=7))

    counts = verification_counts(db, TODAY)
    assert (counts.visits_overdue, counts.visits_booked) == (1, 1)
