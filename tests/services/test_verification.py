"""Verification services: CAP meeting, plan, booking, recording verdicts with the CAP update, categories, escalation."""
from datetime import date, timedelta

import pytest

from csrdesk.errors import UserError
from csrdesk.services import caps as caps_service
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.escalations import escalate, escalation_history, escalation_list, supplier_escalation
from csrdesk.services.history import history_for
from csrdesk.services.suppliers import supplier_detail
from csrdesk.services.verification_trends import verification_trends
from csrdesk.services.verification import (
    VerdictInput, book_visit, confirm_category, list_visits, preview_visit, record_visit, set_meeting_date,
    set_plan_approval, visit_detail, visit_plan, visit_summary,
)

TODAY = date(2026, 6, 1)


def make_cap(db, findings: int = 6, day: date = date(2026, 2, 1), code: str = "CN-0001") -> int:
    """A CAP sent to the factory, with a plan on every item (so items sent back return to action planned)."""
    d = record_assessment(db, AssessmentInput(code, day, "periodic", findings=[
        FindingInput(f"Finding {n}", "major", category="health-safety" if n % 2 else "hours") for n in range(findings)
    ]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=day + timedelta(days=3))
    for item in caps_service.cap_detail(db, d.cap_id).items:
        caps_service.update_item(db, item.row.id, root_cause="No procedure names who checks this.",
                                 preventive_action="Written procedure, owner named, monthly check.",
                                 project_leader="Ms Chen, HR manager")
    caps_service.change_item_status(db, item_ids(db, d.cap_id), "action planned")
    return d.cap_id


def item_ids(db, cap_id):
    return [i.row.id for i in caps_service.cap_detail(db, cap_id).items]


def test_meeting_date_makes_the_visit_due_six_weeks_later_and_the_plan_lists_it(db, supplier):
    """The CAP meeting date puts the CAP in the plan, due 42 days later (the setting), overdue once past."""
    cap_id = make_cap(db)
    info = set_meeting_date(db, cap_id, date(2026, 3, 1))
    assert info.visit_due == date(2026, 4, 12)
    rows = visit_plan(db, TODAY)
    assert [(r.cap_id, r.state, r.items_due, r.evidence_received) for r in rows] == [(cap_id, "overdue", 6, 0)]
    with pytest.raises(UserError, match="before the assessment"):
        set_meeting_date(db, cap_id, date(2025, 1, 1))


def test_booking_a_visit_with_attendees(db, supplier):
    """A booked visit shows in the plan with its date and who attends; items due count to the booked date."""
    cap_id = make_cap(db)
    set_meeting_date(db, cap_id, date(2026, 3, 1))
    row = book_visit(db, cap_id, date(2026, 6, 10), attendees=["brand: Anna Berg", "worker rep: Wang Li", "union"])
    assert row.state == "booked" and row.booked_date == date(2026, 6, 10)
    assert [a.role for a in row.attendees] == ["brand", "worker representative", "union"]
    with pytest.raises(UserError, match="attendee role"):
        book_visit(db, cap_id, date(2026, 6, 10), attendees=["auditor's dog"])


def test_recording_a_visit_updates_the_cap_in_one_go(db, supplier):
    """Done correctly -> verified dated the visit; the others back with a new due date and the note; the progress
    rate and the suggested category come with it, and the booked visit becomes this visit."""
    cap_id = make_cap(db)
    set_meeting_date(db, cap_id, date(2026, 3, 1))
    book_visit(db, cap_id, date(2026, 4, 10), attendees=["brand: Anna"])
    ids = item_ids(db, cap_id)
    caps_service.update_item(db, ids[0], evidence_notes="Photos of the cleared exits")
    verdicts = [VerdictInput(ids[0], "done_correctly", "Exits clear"),
                VerdictInput(ids[1], "done_with_errors", "只清理了一个出口"),
                VerdictInput(ids[2], "not_done"),
                VerdictInput(ids[3], "not_checked", "Machine room locked")]
    preview = preview_visit(db, cap_id, date(2026, 4, 12), verdicts, today=TODAY)
    assert [c.status_after for c in preview.changes] == ["verified", "action planned", "action planned",
                                                         "action planned"]
    assert preview.progress_rate == 16.7 and caps_service.cap_detail(db, cap_id).items[0].row.status != "verified"
    visit = record_visit(db, cap_id, date(2026, 4, 12), verdicts, verifier="B. Verifier", today=TODAY)
    assert (visit.items_verified, visit.items_reopened, visit.progress_rate) == (1, 2, 16.7)
    assert visit.suggested_category == 2 and visit.category is None and not visit.evidence_before_visit
    cap = caps_service.cap_detail(db, cap_id)
    first, second = cap.items[0], cap.items[1]
    assert first.row.status == "verified" and first.verification_date == date(2026, 4, 12)
    assert second.row.due_date == date(2026, 5, 12) and "只清理了一个出口" in second.verification_notes
    assert cap.items[3].row.due_date == caps_service.cap_detail(db, cap_id).items[3].row.due_date
    assert [v.status for v in list_visits(db, cap_id=cap_id)] == ["done"]  # the booking became the visit
    changes = history_for(db, "cap_item", ids[1])
    assert any(c.field == "due_date" and "visit" in c.source for c in changes)
    summary = visit_summary(visit_detail(db, visit.id))
    for key in ("id", "cap_id", "supplier", "date", "verdicts", "progress_rate", "suggested_category", "category",
                "items_verified", "items_reopened"):
        assert key in summary
    assert summary["verdicts"][1] == {**summary["verdicts"][1], "item_id": ids[1], "verdict": "done_with_errors",
                                      "note": "只清理了一个出口"}


@pytest.mark.parametrize("verdicts, problem", [
    ([VerdictInput(999999, "done_correctly")], "not in CAP"),
    ([VerdictInput(0, "finished")], "unknown verdict"),
    ([VerdictInput(0, "not_checked")], "why"),
    ([], "No verdicts"),
])
def test_a_wrong_verdict_refuses_the_whole_visit(db, supplier, verdicts, problem):
    """An unknown item, an unknown verdict, not checked without a reason: refused, nothing changed."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    given = [VerdictInput(ids[0], "done_correctly")] + [
        VerdictInput(ids[1] if v.item_id == 0 else v.item_id, v.verdict, v.note) for v in verdicts]
    if not verdicts:
        given = []
    with pytest.raises(UserError, match=problem):
        record_visit(db, cap_id, date(2026, 4, 12), given, today=TODAY)
    assert caps_service.cap_detail(db, cap_id).items[0].row.status == "action planned"
    assert list_visits(db, cap_id=cap_id) == []


def test_a_visit_in_the_future_or_twice_on_a_day_is_refused(db, supplier):
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    with pytest.raises(UserError, match="has not happened yet"):
        record_visit(db, cap_id, TODAY + timedelta(days=1), [VerdictInput(ids[0], "done_correctly")], today=TODAY)
    record_visit(db, cap_id, TODAY, [VerdictInput(ids[0], "not_done")], today=TODAY)
    with pytest.raises(UserError, match="already has visit"):
        record_visit(db, cap_id, TODAY, [VerdictInput(ids[1], "not_done")], today=TODAY)


def test_the_person_confirms_or_changes_the_category(db, supplier):
    """The suggested category stands until the person confirms it; the CAP takes the confirmed one."""
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    visit = record_visit(db, cap_id, date(2026, 4, 12), [VerdictInput(i, "done_correctly") for i in ids],
                         evidence=True, today=TODAY)
    assert visit.suggested_category == 4 and visit.progress_rate == 100.0
    changed = confirm_category(db, visit.id, 3)
    assert changed.category == 3 and changed.suggested_category == 4
    assert supplier_detail(db, "CN-0001")  # the supplier page still reads
    with pytest.raises(UserError, match="1, 2, 3 or 4"):
        confirm_category(db, visit.id, 7)


def test_plan_approval_is_recorded_per_item(db, supplier):
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    with pytest.raises(UserError, match="not marked"):
        set_plan_approval(db, ids[0], approved_on=date(2026, 3, 5))
    approval = set_plan_approval(db, ids[0], needs=True)
    assert approval.needs_plan_approval and approval.plan_approved_date is None
    assert set_plan_approval(db, ids[0], approved_on=date(2026, 3, 5)).plan_approved_date == date(2026, 3, 5)


def test_lagging_factory_is_listed_and_escalated_step_by_step(db, supplier):
    """A category 1 visit puts the factory on the escalation list; steps go one rung at a time with a reason;
    suspension moves the supplier through its lifecycle; responsible exit starts the exit checklist."""
    from csrdesk.services.suppliers import change_status
    from csrdesk.services.vetting import list_screens

    with db.transaction() as s:  # an existing supplier in production (the approval gate is not the point here)
        from csrdesk.storage.models import Supplier
        s.query(Supplier).filter(Supplier.code == "CN-0001").update({"status": "active"})
    cap_id = make_cap(db)
    ids = item_ids(db, cap_id)
    record_visit(db, cap_id, date(2026, 4, 12), [VerdictInput(i, "not_done") for i in ids], today=TODAY)
    rows = escalation_list(db, TODAY)
    assert [(r.supplier, r.step, r.suggested_step) for r in rows] == [("CN-0001", None, "reminder")]
    assert any("progress category 1" in reason for reason in rows[0].reasons)
    with pytest.raises(UserError, match="step by step"):
        escalate(db, "CN-0001", "suspension", "no progress", on=TODAY)
    for step in ("reminder", "warning_letter", "senior_management_meeting", "orders_at_risk"):
        escalate(db, "CN-0001", step, f"still lagging ({step})", on=TODAY)
    row = escalate(db, "CN-0001", "suspension", "no progress after the meeting", on=TODAY)
    assert row.step == "suspension" and supplier_detail(db, "CN-0001").row.status == "suspended"
    row = escalate(db, "CN-0001", "responsible_exit", "persistent non-compliance", on=TODAY)
    assert supplier_detail(db, "CN-0001").row.status == "exiting"
    assert any(sc.template_key == "responsible_exit" for sc in list_screens(db, "CN-0001"))
    assert [h.step for h in escalation_history(db, "CN-0001")][-1] == "responsible_exit"
    change_status(db, "CN-0001", "active", note="exit called off")
    assert supplier_escalation(db, "CN-0001", TODAY).step == "responsible_exit"


def test_suspension_refused_by_the_lifecycle_records_nothing(db, supplier):
    """A supplier still in vetting cannot be suspended: the step is refused with the lifecycle's reason."""
    cap_id = make_cap(db)
    for step in ("reminder", "warning_letter", "senior_management_meeting", "orders_at_risk"):
        escalate(db, "CN-0001", step, "lagging", on=TODAY)
    with pytest.raises(UserError, match="cannot become suspended"):
        escalate(db, "CN-0001", "suspension", "no progress", on=TODAY)
    assert escalation_history(db, "CN-0001")[-1].step == "orders_at_risk"
    assert cap_id


def test_trends_across_factories(db, supplier):
    """Which finding types fail most, time from meeting to verified per finding category, categories per quarter."""
    cap_id = make_cap(db)
    set_meeting_date(db, cap_id, date(2026, 3, 1))
    ids = item_ids(db, cap_id)
    record_visit(db, cap_id, date(2026, 4, 12), [VerdictInput(ids[0], "done_correctly")] +
                 [VerdictInput(i, "not_done") for i in ids[1:]], evidence=True, today=TODAY)
    trends = verification_trends(db, min_checked=1)
    assert trends.failing_types[0].failed_share == 100.0
    assert trends.time_to_verified[0].median_days == 42
    assert trends.categories_over_time[0].period == "2026-Q2" and sum(trends.categories_over_time[0].counts.values()) == 1


def test_visits_of_an_old_workspace_migrate_to_the_new_verdicts(tmp_path, reference_data):
    """A workspace of csrdesk's first schema keeps its visits: outcomes become the snake_case verdicts, the category
    recorded then stays the confirmed one and is also the suggestion, and the visit reads as done."""
    import shutil

    from csrdesk.services.startup import open_workspace

    path = tmp_path / "old.sqlite3"
    shutil.copy(reference_data / "workspace-0001.sqlite3", path)
    db = open_workspace(str(path))
    try:
        visits = list_visits(db)
        assert len(visits) == 2 and {v.status for v in visits} == {"done"}
        detail = visit_detail(db, visits[0].id)
        assert {r.verdict for r in detail.verdicts} <= {"done_correctly", "done_with_errors", "not_done"}
        assert detail.category == detail.suggested_category and detail.category in (1, 4)
        assert sum(v.items_verified for v in visits) == 4 and sum(v.items_reopened for v in visits) == 6
    finally:
        db.dispose()


def test_the_plan_counts_evidence_sent_as_notes_status_or_files(db, supplier, tmp_path):
    """Items due by the visit with evidence: marked evidence submitted, with evidence notes, or with a file."""
    cap_id = make_cap(db)
    set_meeting_date(db, cap_id, date(2026, 3, 1))
    ids = item_ids(db, cap_id)
    caps_service.update_item(db, ids[0], evidence_notes="Photos sent")
    photo = tmp_path / "exit.jpg"
    photo.write_bytes(b"not really a photo")
    caps_service.attach_evidence(db, ids[1], photo)
    caps_service.attach_evidence(db, ids[0], photo)  # notes and a file: still one item
    row = visit_plan(db, TODAY)[0]
    assert (row.items_due, row.evidence_received, row.open_items) == (6, 2, 6)


def test_the_demo_fills_the_verification_page(db):
    """Demo data has CAP meetings, visits due and booked, visits with verdicts, suggested and confirmed categories,
    escalated factories at several steps, and a CAP ready for the final inspection."""
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.verification_overview import verification_overview

    generate_demo(db, suppliers=40, findings_per_assessment=25, seed=1)
    o = verification_overview(db)
    assert {r.state for r in o.plan} >= {"overdue", "booked"}
    done = [v for v in o.visits if v.status == "done"]
    assert len(done) >= 5 and all(v.judged and v.suggested_category for v in done)
    assert any(v.category for v in done)
    assert len({e.step for e in o.escalations if e.step}) >= 2 and o.ready
    assert set(visit_summary(visit_detail(db, done[0].id))["verdicts"][0]["verdict"].split()) <= {
        "done_correctly", "done_with_errors", "not_done", "not_checked"}
