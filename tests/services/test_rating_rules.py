"""The rating rules end to end: what the supplier list, detail, approval gate, dashboard, letters, master tracker and
command line say for a dangerous factory, certificates that stand in, follow-ups, onboarding an existing base,
access refused, and the upgrade that re-rates an old workspace."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import docx
import openpyxl
import pytest

from csrdesk.cli import main
from csrdesk.errors import UserError
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.dashboard import dashboard_summary
from csrdesk.services.history import history_for
from csrdesk.services.letters import render_cap_letter
from csrdesk.services.settings import load_preferences, set_preference
from csrdesk.services.supplier_import import import_suppliers
from csrdesk.services.suppliers import (
    CertificationInput, SupplierInput, add_certification, approval_gate, change_status, create_supplier,
    list_suppliers, supplier_detail,
)
from csrdesk.services.trackers import export_master

TODAY = date.today()
DATA = Path(__file__).resolve().parents[1] / "data"

PASSPORTS = FindingInput("Identity documents or passports retained by the employer", "critical",
                         violation_type="FRC-002")
MIN_WAGE = FindingInput("Wages below the legal minimum wage", "critical", violation_type="WAG-001")
EXITS = FindingInput("Emergency exits locked or blocked", "critical", category="health-safety")


def audit(db, code, days_ago, kind="periodic", findings=(), denied=False):
    return record_assessment(db, AssessmentInput(code, TODAY - timedelta(days=days_ago), assessment_type=kind,
                                                 findings=list(findings), denied=denied))


def run_cli(capsys, db, *args):
    code = main(["--db", db.url, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def prospect(db):
    return create_supplier(db, SupplierInput(name="Everbright Toys Factory", code="CN-0200", country="China"),
                           status="vetting")


def test_certified_supplier_with_a_failed_pre_production_audit_is_not_approved(db, prospect):
    """The case from the field: amfori BSCI held, pre-production scoring 120 (passports, minimum wage, exits locked):
    rated Unsatisfactory, not Satisfactory, and the approval gate refuses."""
    add_certification(db, "CN-0200", CertificationInput("amfori BSCI", "BSCI-1", TODAY - timedelta(days=200),
                                                        TODAY + timedelta(days=500)))
    d = audit(db, "CN-0200", 10, "pre-production", [PASSPORTS, MIN_WAGE, EXITS])
    assert d.rating != "Satisfactory"
    row = supplier_detail(db, "CN-0200").row
    assert row.rating == d.rating and row.rated_by_certificate is None
    set_preference(db, "require_vetting", "no")
    gate = approval_gate(db, "CN-0200")
    assert gate and "rated" in gate[0]
    with pytest.raises(UserError):
        change_status(db, "CN-0200", "approved")


def test_a_valid_certificate_alone_lets_a_new_supplier_be_approved(db, prospect):
    """No audit of our own yet, a valid SA8000: Satisfactory by certification, and the pre-production part of the gate
    is met by it."""
    add_certification(db, "CN-0200", CertificationInput("SA8000", "", TODAY - timedelta(days=30),
                                                        TODAY + timedelta(days=300)))
    set_preference(db, "require_vetting", "no")
    row = supplier_detail(db, "CN-0200").row
    assert row.rating == "Satisfactory" and row.rated_by_certificate.startswith("SA8000")
    assert approval_gate(db, "CN-0200") == []


def test_a_certificate_without_an_expiry_date_neither_rates_nor_approves_and_is_marked(db, prospect):
    """A WRAP certificate recorded with no expiry date: the supplier stays not assessed, the approval gate still asks
    for an assessment, the certificate shows 'no expiry date' on the supplier's page, and the rating's reason asks
    for the date (before: Satisfactory by certification, for ever)."""
    add_certification(db, "CN-0200", CertificationInput("WRAP", "W-123", TODAY - timedelta(days=30), None))
    set_preference(db, "require_vetting", "no")
    detail = supplier_detail(db, "CN-0200")
    assert detail.row.rating is None and detail.row.rated_by_certificate is None
    assert "no expiry date" in detail.row.rating_reason
    assert [c.state for c in detail.certifications] == ["no expiry date"]
    assert approval_gate(db, "CN-0200")


def test_zero_tolerance_after_an_import_blocks_production_everywhere(db, capsys, tmp_path):
    """An active supplier rated Zero Tolerance: production not allowed in the list, detail, dashboard, master tracker
    and CLI, with suspension proposed; the letter says it."""
    create_supplier(db, SupplierInput(name="Hengtai Knitting", code="CN-0300", country="China"), status="active")
    d = audit(db, "CN-0300", 5, "periodic", [FindingInput(PASSPORTS.title, "zero tolerance", violation_type="FRC-002")])
    assert d.rating == "Zero Tolerance"
    row = next(r for r in list_suppliers(db) if r.code == "CN-0300")
    assert not row.production_allowed and "Zero Tolerance" in row.production_block_reason
    assert row.propose_suspension
    summary = dashboard_summary(db)
    assert [b.supplier_code for b in summary.production_blocked] == ["CN-0300"]
    assert summary.production_blocked[0].propose_suspension

    code, out, _err = run_cli(capsys, db, "suppliers", "list", "--blocked", "--json")
    listed = json.loads(out)
    assert code == 0 and [r["code"] for r in listed] == ["CN-0300"]
    assert listed[0]["production_allowed"] is False and listed[0]["production_block_reason"]
    code, out, _err = run_cli(capsys, db, "suppliers", "show", "CN-0300", "--json")
    shown = json.loads(out)
    assert shown["production_allowed"] is False and "Zero Tolerance" in shown["production_block_reason"]
    for key in ("follow_up_due", "follow_up_met_by"):
        assert key in shown

    letter = render_cap_letter(db, d.cap_id, tmp_path / "letter.docx")
    text = "\n".join(p.text for p in docx.Document(str(letter)).paragraphs)
    assert "Production is blocked" in text or "Production is not allowed" in text

    master = export_master(db, tmp_path / "master.xlsx")
    ws = openpyxl.load_workbook(master)["Suppliers"]
    headers = [c.value for c in ws[2]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    assert rows["CN-0300"][headers.index("Production")] == "not allowed"

    change_status(db, "CN-0300", "suspended")
    assert not supplier_detail(db, "CN-0300").row.propose_suspension  # suspended: nothing more to propose
    with pytest.raises(UserError, match="Production not allowed"):
        change_status(db, "CN-0300", "active")
    audit(db, "CN-0300", 1, "follow-up", [MIN_WAGE])  # a later assessment rates it better
    assert supplier_detail(db, "CN-0300").row.production_allowed


def test_letter_for_an_older_cap_states_a_newer_block(db, tmp_path):
    """A reminder about an older CAP still says production is not allowed when a newer audit blocks it."""
    create_supplier(db, SupplierInput(name="Blocked Later Ltd", code="BD-0400", country="Bangladesh"), status="active")
    older = audit(db, "BD-0400", 200, "periodic", [MIN_WAGE])
    audit(db, "BD-0400", 3, "unannounced", denied=True)
    text = "\n".join(p.text for p in docx.Document(str(render_cap_letter(db, older.cap_id, tmp_path / "l.docx")))
                     .paragraphs)
    assert "Production is not allowed at this facility" in text and "refused access" in text


def test_follow_up_uses_the_setting_everywhere_and_only_real_assessments_meet_it(db, tmp_path):
    """Setting 60 days moves the due date on the supplier page, the dashboard and the letter alike; a verification
    visit leaves it owed, a follow-up assessment meets it."""
    create_supplier(db, SupplierInput(name="Follow Up Co", code="VN-0500", country="Vietnam"), status="active")
    d = audit(db, "VN-0500", 20, "periodic", [MIN_WAGE])
    assert d.rating == "Unsatisfactory"
    set_preference(db, "follow_up_days", "60")
    due = TODAY - timedelta(days=20) + timedelta(days=60)
    assert supplier_detail(db, "VN-0500").follow_up_due == due
    assert [f.due for f in dashboard_summary(db).follow_ups if f.supplier_code == "VN-0500"] == [due]
    text = "\n".join(p.text for p in docx.Document(str(render_cap_letter(db, d.cap_id, tmp_path / "f.docx")))
                     .paragraphs)
    assert f"{due.day} {due:%B %Y}" in text or due.isoformat() in text
    audit(db, "VN-0500", 10, "verification visit")
    assert supplier_detail(db, "VN-0500").follow_up_due == due
    met = audit(db, "VN-0500", 5, "follow-up", [])
    detail = supplier_detail(db, "VN-0500")
    assert detail.follow_up_due is None and detail.row.follow_up_met_by == met.id


def test_existing_supplier_base_comes_in_as_active_with_a_note(db, tmp_path):
    """`--existing`: the supplier base in production when the program starts comes in as active, its history says
    why; a plain import still makes prospects."""
    sheet = tmp_path / "base.csv"
    sheet.write_text("name,country\nOld Mill Textiles,China\nRiver Knit,Vietnam\n", encoding="utf-8")
    report = import_suppliers(db, sheet, existing=True)
    assert report.to_json()["status"] == "active"
    rows = {r.name: r for r in list_suppliers(db)}
    assert rows["Old Mill Textiles"].status == rows["River Knit"].status == "active"
    history = history_for(db, "supplier", rows["River Knit"].id)
    assert any("in production before csrdesk" in h.note for h in history)
    other = tmp_path / "new.csv"
    other.write_text("name,country\nBrand New Garments,India\n", encoding="utf-8")
    import_suppliers(db, other)
    assert {r.name: r.status for r in list_suppliers(db)}["Brand New Garments"] == "prospect"


def test_cli_import_existing(db, capsys, tmp_path):
    sheet = tmp_path / "base.csv"
    sheet.write_text("name,country\nOld Mill Textiles,China\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, db, "suppliers", "import", str(sheet), "--existing", "--json")
    assert code == 0 and json.loads(out)["status"] == "active"


def test_access_refused_is_the_denied_flag_not_a_finding(db):
    """A finding saying the auditor was refused access sets the Denied flag (rated Denied, 800) and is no finding."""
    create_supplier(db, SupplierInput(name="Closed Doors Ltd", code="PK-0600", country="Pakistan"), status="active")
    d = audit(db, "PK-0600", 2, "periodic", [FindingInput("Auditor denied access to the dormitory", "zero tolerance"),
                                               MIN_WAGE])
    assert d.denied and d.rating == "Denied" and d.score == 800
    assert [f.title for f in d.findings] == [MIN_WAGE.title]
    assert d.messages and "Denied access" in d.messages[0]


def test_cli_certification_and_settings(db, capsys, prospect):
    """`suppliers certification` records a certificate; `settings show/set` read and change settings with the
    dialog's checks (a bad value: exit 2, one line, nothing changed)."""
    code, out, _ = run_cli(capsys, db, "suppliers", "certification", "CN-0200", "--scheme", "WRAP", "--issued",
                           (TODAY - timedelta(days=3)).isoformat(), "--expires", (TODAY + timedelta(days=90)).isoformat(),
                           "--json")
    shown = json.loads(out)
    assert code == 0 and shown["rating"] == "Satisfactory" and "WRAP" in shown["rated_by_certificate"]
    assert [c["scheme"] for c in shown["certifications"]] == ["WRAP"]
    code, _out, err = run_cli(capsys, db, "suppliers", "certification", "CN-0200", "--scheme", "WRAP", "--issued",
                              "2026-05-01", "--expires", "2026-01-01")
    assert code == 2 and err.count("\n") == 1 and "expires before" in err

    code, out, _ = run_cli(capsys, db, "settings", "show", "--json")
    assert code == 0 and json.loads(out)["follow_up_days"] == 90
    code, out, _ = run_cli(capsys, db, "settings", "set", "follow_up_days", "45", "--json")
    assert code == 0 and json.loads(out)["follow_up_days"] == 45 and load_preferences(db).follow_up_days == 45
    for key, value in (("follow_up_days", "0"), ("follow_up_days", "soon"), ("no_such_key", "1"),
                       ("user_email", "not an address"), ("letter_language", "klingon")):
        code, _out, err = run_cli(capsys, db, "settings", "set", key, value)
        assert code == 2 and err.count("\n") == 1, (key, value, err)
    assert load_preferences(db).follow_up_days == 45


def test_upgrade_re_rates_an_old_workspace_and_says_why(tmp_path):
    """A version-1 workspace with an audit lifted to Satisfactory by a certificate and a finding 'Auditor denied
    access' opens re-rated: the band rating, the Denied flag, each move written in the history with its reason."""
    from csrdesk.services.assessments import assessment_detail
    from csrdesk.services.startup import open_workspace

    path = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "workspace-0001.sqlite3", path)
    conn = sqlite3.connect(path)
    lifted, other = [r[0] for r in conn.execute(
        "select assessment_id from findings group by assessment_id order by assessment_id limit 2")]
    conn.execute("update assessments set score = 38, rating = 'Satisfactory' where id = ?", (lifted,))
    conn.execute("update findings set points = 0 where assessment_id = ?", (lifted,))
    first_finding, = conn.execute("select id from findings where assessment_id = ? order by id limit 1",
                                  (lifted,)).fetchone()
    conn.execute("update findings set points = 38 where id = ?", (first_finding,))
    conn.execute("update findings set violation_type = 'MGT-009' where id = (select min(id) from findings where "
                 "assessment_id = ?)", (other,))
    conn.commit()
    conn.close()
    db = open_workspace(str(path))
    assert assessment_detail(db, lifted).rating == "Unsatisfactory"
    notes = [h for h in history_for(db, "assessment", lifted) if h.field == "rating"]
    assert any("certificate no longer lifts" in h.note and h.new.startswith("Unsatisfactory") for h in notes)
    d = assessment_detail(db, other)
    assert d.denied and d.rating == "Denied" and all(f.violation_type != "MGT-009" for f in d.findings)
    assert any("refused access" in h.note for h in history_for(db, "assessment", other))
    db.dispose()


def test_library_defaults_follow_the_rating_system(db):
    """Forced labour types are zero tolerance and flag victim protection; procedures missing do not; the denied-access
    type is gone."""
    from csrdesk.services.library import list_violation_types

    types = {t.key: t for t in list_violation_types(db)}
    for key in ("FRC-001", "FRC-002", "FRC-006", "FRC-007", "HRS-006"):
        assert types[key].severity == "zero tolerance" and types[key].victim_protection, key
    assert not types["CHL-007"].victim_protection and not types["FRC-010"].victim_protection
    assert types["CHL-001"].victim_protection
    assert types["WAG-001"].severity == types["WAG-002"].severity == "critical"
    assert types["CHL-004"].severity == types["HRS-001"].severity == "major"
    assert types["WAG-014"].severity == types["HSF-032"].severity == "minor"
    assert "MGT-009" not in types


def test_search_says_production_is_not_allowed(db):
    """A supplier found with Ctrl+K says it is blocked, as the lists do."""
    from csrdesk.services.search import build_search_index, search

    create_supplier(db, SupplierInput(name="Blocked Search Ltd", code="CN-0700", country="China"), status="active")
    audit(db, "CN-0700", 2, "periodic", denied=True)
    for hits in (search(db, "CN-0700"), build_search_index(db).search(db, "CN-0700")):
        supplier = next(h for h in hits if h.kind == "supplier")
        assert "PRODUCTION NOT ALLOWED" in supplier.detail
