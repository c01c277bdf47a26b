"""Suppliers, assessments and CAPs through the services, on a temporary database."""
from datetime import date, timedelta

import pytest

from csrdesk.services import caps as caps_service
from csrdesk.services.assessments import AssessmentInput, FindingInput, assessment_detail, record_assessment, update_assessment
from csrdesk.errors import UserError
from csrdesk.services.history import history_for
from csrdesk.services.library import MatrixChange, list_violation_types, preview_matrix_change, save_matrix_change
from csrdesk.services.suppliers import (
    CertificationInput, SupplierInput, change_status, create_supplier, list_suppliers, supplier_detail,
    supplier_input_from_detail, update_supplier,
)


def three_findings():
    return [
        FindingInput("Fire exit locked during working hours", "critical", category="health-safety"),
        FindingInput("Overtime beyond the legal limit", "major", category="hours"),
        FindingInput("First aid kit incomplete", "minor", category="health-safety"),
    ]


def test_library_loaded_on_first_start(db):
    """The built-in finding library (80+ types across all 11 categories) is in a new database."""
    types = list_violation_types(db)
    assert len(types) >= 80
    assert len({t.category for t in types}) == 11


def test_record_assessment_rates_and_makes_draft_cap(db, supplier):
    """Three findings give 39 points, Unsatisfactory, reasons, and a draft CAP with one item per finding."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), "periodic", findings=three_findings()))
    assert (d.score, d.rating) == (39, "Unsatisfactory")
    assert any("30 to 799" in r for r in d.reasons)
    assert d.follow_up_due == date(2026, 5, 30)
    cap = caps_service.cap_detail(db, d.cap_id)
    assert cap.status == "draft" and len(cap.items) == 3
    assert cap.items[0].row.due_date == date(2026, 3, 1) + timedelta(days=cap.items[0].days_allowed)


def test_library_type_fills_requirements_and_repeat_is_marked(db, supplier):
    """A finding from the library takes its code requirement and days; the same type later is a repeat."""
    vt = list_violation_types(db)[0]
    first = record_assessment(db, AssessmentInput("CN-0001", date(2025, 3, 1), findings=[FindingInput(vt.title, vt.severity, violation_type=vt.key)]))
    assert first.findings[0].repeat is False
    second = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=[FindingInput(vt.title, vt.severity, violation_type=vt.key)]))
    assert second.findings[0].repeat is True
    item = caps_service.cap_detail(db, second.cap_id).items[0]
    assert item.days_allowed == vt.days_allowed and item.suggested_remediation == vt.suggested_remediation


def test_bad_finding_refuses_whole_assessment(db, supplier):
    """An unknown severity refuses the save and creates nothing."""
    with pytest.raises(UserError, match="unknown severity"):
        record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=[FindingInput("x", "awful")]))
    assert supplier_detail(db, "CN-0001").assessments == ()


def test_update_assessment_keeps_cap_items(db, supplier):
    """Editing findings keeps existing CAP items, adds new ones and re-rates."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=three_findings()[:1]))
    fid = d.findings[0].id
    data = AssessmentInput("CN-0001", date(2026, 3, 1), findings=[
        FindingInput("Fire exit locked during working hours", "critical", finding_id=fid),
        FindingInput("Overtime beyond the legal limit", "major")])
    d2 = update_assessment(db, d.id, data)
    assert d2.score == 38 and d2.cap_id == d.cap_id
    assert len(caps_service.cap_detail(db, d.cap_id).items) == 2
    assert any(h.field == "rating" for h in history_for(db, "assessment", d.id))


def test_denied_assessment(db, supplier):
    """Denied access with no findings is rated Denied at 800 and makes no CAP."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), denied=True))
    assert (d.score, d.rating, d.cap_id) == (800, "Denied", None)


def test_supplier_list_counts_open_overdue_progress(db, supplier):
    """The supplier list shows the current rating, open and overdue items, and progress."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 1, 1), findings=three_findings()))
    items = caps_service.cap_detail(db, d.cap_id).items
    caps_service.update_item(db, items[0].row.id, root_cause="No maintenance schedule", preventive_action="Monthly check by EHS officer", project_leader="Wang Fang")
    caps_service.change_item_status(db, [items[0].row.id], "action planned")
    row = [r for r in list_suppliers(db, today=date(2026, 12, 1)) if r.code == "CN-0001"][0]
    assert row.rating == "Unsatisfactory" and row.score == 39
    assert row.open_items == 3 and row.overdue_items == 3 and row.progress == 0.0


def test_item_status_refusal_changes_nothing(db, supplier):
    """A refused bulk status change leaves every item as it was and says why."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=three_findings()))
    ids = [i.row.id for i in caps_service.cap_detail(db, d.cap_id).items]
    with pytest.raises(UserError, match="root cause"):
        caps_service.change_item_status(db, ids, "action planned")
    assert {i.row.status for i in caps_service.cap_detail(db, d.cap_id).items} == {"open"}


def test_cap_sent_sets_issue_date_and_history(db, supplier):
    """Sending a CAP dates it, sets item due dates from the issue date and records the change."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=three_findings()))
    cap = caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    assert cap.issued_date == date(2026, 3, 10)
    assert cap.items[0].row.due_date == date(2026, 3, 10) + timedelta(days=cap.items[0].days_allowed)
    assert [h.new for h in history_for(db, "cap", d.cap_id)] == ["sent"]
    with pytest.raises(UserError, match="cannot become closed"):
        caps_service.change_cap_status(db, d.cap_id, "closed")


def test_approval_gate_through_service(db, supplier):
    """Approval is refused until a pre-production assessment rated S or NI exists (and vetting, when required)."""
    from csrdesk.services.settings import load_preferences, save_preferences

    prefs = load_preferences(db)
    prefs.require_vetting = False
    save_preferences(db, prefs)
    with pytest.raises(UserError, match="no pre-production assessment"):
        change_status(db, "CN-0001", "approved")
    record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), "pre-production", findings=three_findings()[1:2]))
    assert change_status(db, "CN-0001", "approved").row.status == "approved"
    assert [h.new for h in history_for(db, "supplier", supplier.row.id)][:1] == ["approved"]


def test_certificate_stands_in_for_an_older_assessment_never_lifts_it(db, supplier):
    """A valid SA8000 issued after the supplier's Needs Improvement audit makes its current rating Satisfactory by
    certification; the audit keeps its own rating, and the certificate change is in the history."""
    d = record_assessment(db, AssessmentInput("CN-0001", date.today() - timedelta(days=30), findings=three_findings()[1:2]))
    assert d.rating == "Needs Improvement"
    data = supplier_input_from_detail(supplier_detail(db, "CN-0001"))
    data.certifications = [CertificationInput("SA8000", "C-1", date.today() - timedelta(days=10), date.today() + timedelta(days=300))]
    update_supplier(db, "CN-0001", data)
    assert assessment_detail(db, d.id).rating == "Needs Improvement"
    row = supplier_detail(db, "CN-0001").row
    assert row.rating == "Satisfactory" and row.rated_by_certificate.startswith("SA8000 until")
    assert "Satisfactory by certification" in row.rating_reason
    assert any(h.field == "certifications" for h in history_for(db, "supplier", row.id))
    # A newer audit of our own decides by its score again.
    record_assessment(db, AssessmentInput("CN-0001", date.today(), findings=three_findings()[1:2]))
    assert supplier_detail(db, "CN-0001").row.rating == "Needs Improvement"


def test_matrix_change_preview_then_save(db, supplier):
    """A matrix change lists the assessments it would re-rate before saving, then re-rates them."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=three_findings()[1:2]))
    change = MatrixChange(defaults={"major": 30})
    impacts = preview_matrix_change(db, change)
    assert [(i.assessment_id, i.old_rating, i.new_rating) for i in impacts] == [(d.id, "Needs Improvement", "Unsatisfactory")]
    assert assessment_detail(db, d.id).score == 8  # nothing saved yet
    save_matrix_change(db, change)
    assert assessment_detail(db, d.id).score == 30


def test_supplier_validation(db):
    """A supplier needs a name, a free code and valid e-mail addresses."""
    with pytest.raises(UserError, match="needs a name"):
        create_supplier(db, SupplierInput(name="  "))
    create_supplier(db, SupplierInput(name="A", code="X-1"))
    with pytest.raises(UserError, match="already in use"):
        create_supplier(db, SupplierInput(name="B", code="X-1"))
    with pytest.raises(UserError, match="not an e-mail"):
        create_supplier(db, SupplierInput(name="C", sourcing_owner_email="nobody"))
    assert create_supplier(db, SupplierInput(name="D", country="Vietnam")).row.code == "VN-0001"


def test_removing_a_finding_removes_its_draft_item(db, supplier):
    """While the CAP is a draft, removing a finding removes its CAP item; once sent, removal is refused."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=three_findings()))
    keep = [FindingInput(f.title, f.severity, finding_id=f.id) for f in d.findings[:2]]
    d2 = update_assessment(db, d.id, AssessmentInput("CN-0001", date(2026, 3, 1), findings=keep))
    assert d2.score == 38 and len(caps_service.cap_detail(db, d.cap_id).items) == 2
    caps_service.change_cap_status(db, d.cap_id, "sent")
    with pytest.raises(UserError, match="can no longer be removed"):
        update_assessment(db, d.id, AssessmentInput("CN-0001", date(2026, 3, 1), findings=keep[:1]))
    assert len(caps_service.cap_detail(db, d.cap_id).items) == 2


def test_editing_a_sent_caps_assessment_keeps_agreed_due_dates(db, supplier):
    """Once a CAP is sent, fixing a typo in the assessment keeps each item's agreed (extended) due date, and a
    finding added then counts its time from the day it joins."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 2, 1), findings=three_findings()[:1]))
    cap = caps_service.change_cap_status(db, d.cap_id, "sent", today=date(2026, 2, 2))
    item_id = cap.items[0].row.id
    caps_service.update_item(db, item_id, due_date=date(2026, 6, 30))
    edited = [FindingInput("Fire exit locked (typo fixed)", "critical", finding_id=d.findings[0].id),
              FindingInput("No first aid training", "minor")]
    update_assessment(db, d.id, AssessmentInput("CN-0001", date(2026, 2, 1), findings=edited))
    items = {i.row.id: i for i in caps_service.cap_detail(db, d.cap_id).items}
    assert items[item_id].row.due_date == date(2026, 6, 30)
    new_item = next(i for i in items.values() if i.row.id != item_id)
    assert new_item.row.due_date >= date.today() + timedelta(days=new_item.days_allowed) - timedelta(days=1)


def test_an_audit_entered_late_makes_later_findings_repeats(db, supplier):
    """Recording the 2025 audit after the 2026 one marks the 2026 finding of the same type as a repeat."""
    vt = list_violation_types(db)[3]
    later = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 1), findings=[FindingInput(vt.title, vt.severity, violation_type=vt.key)]))
    assert later.findings[0].repeat is False
    record_assessment(db, AssessmentInput("CN-0001", date(2025, 3, 1), findings=[FindingInput(vt.title, vt.severity, violation_type=vt.key)]))
    assert assessment_detail(db, later.id).findings[0].repeat is True


def test_reopened_cap_and_reverified_item_dates(db, supplier):
    """A reopened CAP loses its closed date; an item verified again takes the new verification date."""
    d = record_assessment(db, AssessmentInput("CN-0001", date(2026, 1, 5), findings=three_findings()[2:]))
    item = caps_service.cap_detail(db, d.cap_id).items[0].row.id
    caps_service.update_item(db, item, root_cause="No first-aid supply checklist", preventive_action="Monthly check by the EHS officer", project_leader="Wang Fang", evidence_notes="Photo of the kit")
    for status in ("action planned", "evidence submitted"):
        caps_service.change_item_status(db, [item], status)
    caps_service.change_item_status(db, [item], "verified", verification_notes="Kit checked on site", today=date(2026, 2, 1))
    caps_service.change_item_status(db, [item], "action planned")
    caps_service.change_item_status(db, [item], "evidence submitted")
    caps_service.change_item_status(db, [item], "verified", verification_notes="Checked again", today=date(2026, 5, 20))
    caps_service.change_item_status(db, [item], "closed")
    assert caps_service.item_detail(db, item).verification_date == date(2026, 5, 20)
    for status in ("sent", "response received", "under review", "approved"):
        caps_service.change_cap_status(db, d.cap_id, status)
    assert caps_service.change_cap_status(db, d.cap_id, "closed").closed_date is not None
    assert caps_service.change_cap_status(db, d.cap_id, "in remediation").closed_date is None


def test_a_folder_as_database_is_a_clear_error(tmp_path):
    """--db pointing at a folder is refused with a message, not a bug report."""
    from csrdesk.storage.db import DatabaseError, open_database

    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(str(tmp_path))


def test_user_edits_to_the_library_survive_an_upgrade(db, monkeypatch, tmp_path):
    """A new built-in library (an upgrade) updates untouched types and leaves the user's edited ones alone."""
    import json

    from csrdesk import paths
    from csrdesk.services.library import ensure_library, get_violation_type, read_builtin_library, update_violation_type

    data = read_builtin_library()
    edited, untouched = data["violation_types"][0]["key"], data["violation_types"][1]["key"]
    update_violation_type(db, edited, suggested_remediation="Our own wording, agreed with the sourcing team.")
    for vt in data["violation_types"][:2]:
        vt["suggested_remediation"] = "Upgraded wording"
    data["violation_types"].append(dict(data["violation_types"][2], key="NEW-001", title="A type added by the upgrade"))
    newer = tmp_path / "resources"
    (newer / "library").mkdir(parents=True)
    (newer / "library" / "findings.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(paths, "resources_dir", lambda: newer)
    assert ensure_library(db) is True
    assert get_violation_type(db, edited).suggested_remediation == "Our own wording, agreed with the sourcing team."
    assert get_violation_type(db, untouched).suggested_remediation == "Upgraded wording"
    assert get_violation_type(db, "NEW-001").title == "A type added by the upgrade"
    assert ensure_library(db) is False  # unchanged library: nothing to do
