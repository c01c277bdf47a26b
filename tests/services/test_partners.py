"""The brand's side of remediation: the partners register and vetting, partners on a CAP, the victim-protection
check cleared by a recorded consultation, brand actions that never reach the factory, brands sharing a factory,
the shared CAP pack, and sourcing at meetings and escalations."""
import email
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from csrdesk.errors import UserError
from csrdesk.services import brand_actions as ba
from csrdesk.services import partners as ps
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import cap_detail, change_cap_status
from csrdesk.services.review import check_item, record_answer
from csrdesk.services.vetting import decide_screen
from csrdesk.services.suppliers import (
    ContactInput, SupplierInput, create_supplier, supplier_detail as get_supplier, supplier_input_from_detail,
    update_supplier,
)

MARKER = "ZQX-BRAND-INTERNAL"
LATE_CHANGE = ("The buyer changed the order quantity two weeks before shipment and kept the ship date, so the "
               "planning department had no capacity plan for the late order change.")


@pytest.fixture
def owned(db):
    return create_supplier(db, SupplierInput(
        name="Bright Toys", code="CN-0042", country="China", sourcing_owner="Maria Rossi",
        sourcing_owner_email="maria@brand.example",
        contacts=[ContactInput(role="compliance contact", name="Li Wei", email="li.wei@example.cn", language="en")]))


def _cap(db, code="CN-0042", findings=None):
    d = record_assessment(db, AssessmentInput(code, date(2026, 3, 2), "periodic", findings=findings or [
        FindingInput("Monthly overtime exceeds the legal limit", "major", violation_type="HRS-002"),
        FindingInput("Fire exit blocked by cartons", "critical", category="health-safety")]))
    change_cap_status(db, d.cap_id, "sent", today=date(2026, 3, 10))
    change_cap_status(db, d.cap_id, "response received")
    return d.cap_id, [i.row.id for i in cap_detail(db, d.cap_id).items]


def test_register_filters_by_kind_country_and_topic(db):
    """Partners of every kind go in with country and topics (finding categories by key or title); the list filters
    by kind, country and topic; an unknown topic or kind is refused and nothing is added."""
    a = ps.add_partner(db, ps.PartnerInput("consultant", "Pearl River Remediation", "China",
                                           "hours, Health and safety"))
    ps.add_partner(db, ps.PartnerInput("cso", "Migrant Help Asia", "Thailand", ["forced-labour"],
                                       cso_type="victim services"))
    ps.add_partner(db, ps.PartnerInput("brand", "Acme Outdoor", "Germany"))
    assert a.topics == ("hours", "health-safety") and a.vetting_state == "not vetted"
    assert [p.name for p in ps.list_partners(db, kind="cso")] == ["Migrant Help Asia"]
    assert [p.name for p in ps.list_partners(db, country="china")] == ["Pearl River Remediation"]
    assert [p.name for p in ps.list_partners(db, topic="forced-labour")] == ["Migrant Help Asia"]
    assert ps.list_partners(db, kind="cso")[0].cso_type == "victim-service organisation"
    assert ps.list_partners(db, kind="brand")[0].vetting_state is None  # brands are not vetted
    with pytest.raises(UserError, match="not a finding category"):
        ps.add_partner(db, ps.PartnerInput("consultant", "X", topics="astrology"))
    with pytest.raises(UserError, match="nknown partner kind"):
        ps.add_partner(db, ps.PartnerInput("wizard", "Y"))
    with pytest.raises(UserError, match="already in the register"):
        ps.add_partner(db, ps.PartnerInput("consultant", "pearl river remediation"))
    assert len(ps.list_partners(db)) == 3


def test_vetting_decision_shows_and_a_rejected_consultant_is_warned_about(db, owned):
    """A consultant is screened with the consultant checklist; the decision shows in the register, and assigning a
    rejected (or unvetted) consultant to a CAP is recorded with a warning."""
    from csrdesk.services.vetting import decide_screen

    cap_id, items = _cap(db)
    p = ps.add_partner(db, ps.PartnerInput("consultant", "Quick Fix Consulting", "China"))
    link = ps.assign_partner(db, cap_id, p.id, "consultant")
    assert "not vetted" in link.warning
    p = ps.start_partner_vetting(db, p.id)
    assert p.vetting_state == "in vetting" and p.vetting_screen_id
    decide_screen(db, p.vetting_screen_id, "reject", "A. Reviewer", decided_on=date(2026, 3, 1))
    assert ps.get_partner(db, p.id).vetting_decision == "reject"
    link = ps.assign_partner(db, cap_id, p.id, "consultant", item_id=items[0], start=date(2026, 3, 12),
                             what_done="Reviewed the production planning")
    assert "rejected at vetting" in link.warning and link.item_finding.startswith("Monthly overtime")
    union = ps.add_partner(db, ps.PartnerInput("cso", "Garment Workers Union", cso_type="labour organisation"))
    assert ps.assign_partner(db, cap_id, union.id, "consulted").warning is None  # CSOs are not vetted
    assert [c.partner for c in ps.cap_partners(db, cap_id)] == [
        "Quick Fix Consulting", "Quick Fix Consulting", "Garment Workers Union"]
    with pytest.raises(UserError, match="does not belong to CAP"):
        ps.assign_partner(db, cap_id, union.id, "consulted", item_id=10**6)


def test_victim_protection_check_clears_on_a_recorded_consultation(db, owned):
    """A forced-labour item whose answer names protection, remedy and repatriation but no victim-service
    organisation keeps its warning; recording the consultation of a victim-service organisation on the item clears
    it; a labour organisation consulted does not."""
    cap_id, items = _cap(db, findings=[FindingInput("Passports retained by the employer", "zero tolerance",
                                                    violation_type="FRC-002")])
    record_answer(db, items[0], root_cause="No written policy on document custody and no HR procedure; the "
                  "dormitory manager kept passports for safekeeping.",
                  preventive_action="1. Policy: workers keep their own documents (procedure).\n"
                  "Victim protection: full protection of the workers concerned: no worker loses work | remedy "
                  "(fees repaid, wages owed, compensation): costs repaid | repatriation if wanted, or "
                  "reintegration: offered to each worker",
                  project_leader="Ms Chen")
    codes = lambda: {w.code for w in check_item(db, items[0]).open_warnings}  # noqa: E731
    missing = [w for w in check_item(db, items[0]).open_warnings if w.code == "victim_protection_missing"]
    assert missing and "victim-service organisations consulted" in missing[0].message
    labour = ps.add_partner(db, ps.PartnerInput("cso", "Garment Workers Union", cso_type="labour organisation"))
    ps.assign_partner(db, cap_id, labour.id, "consulted", item_id=items[0])
    assert "victim_protection_missing" in codes()
    shelter = ps.add_partner(db, ps.PartnerInput("cso", "Safe Return Foundation", cso_type="victim-service"))
    ps.assign_partner(db, cap_id, shelter.id, "consulted", item_id=items[0], start=date(2026, 3, 15),
                      what_done="Interviewed the 14 workers and arranged the return of their passports")
    assert "victim_protection_missing" not in codes()


def _texts_of_docx(path):
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _texts_of_xlsx(path):
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if c.value is not None)


def _texts_of_eml(path):
    msg = email.message_from_bytes(path.read_bytes())
    out = [str(msg["Subject"]), str(msg["To"]), str(msg["Cc"])]
    for part in msg.walk():
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        if part.get_content_type().startswith("text/"):
            out.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        elif zipfile.is_zipfile(__import__("io").BytesIO(payload)):
            with zipfile.ZipFile(__import__("io").BytesIO(payload)) as z:
                out.extend(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return "\n".join(out)


def test_purchasing_cause_opens_a_brand_action_that_never_reaches_the_factory(db, owned, tmp_path):
    """Confirming buyer purchasing practices as the cause opens a brand action owned by the sourcing owner, tracked
    to closure; its text is in no CAP letter, tracker, e-mail draft or master tracker of the factory."""
    from csrdesk.services.letters import make_email_draft, render_cap_letter
    from csrdesk.services.trackers import export_master, export_tracker

    cap_id, items = _cap(db)
    # Words alone only suggest it.
    record_answer(db, items[0], root_cause=LATE_CHANGE, preventive_action="1. Procedure: capacity check of every "
                  "order change with the buyer before it is accepted.", project_leader="Mr Zhao")
    assert ba.list_brand_actions(db) == []
    assert ba.purchasing_state(db, items[0], LATE_CHANGE) == (None, True)
    record_answer(db, items[0], root_cause=LATE_CHANGE, preventive_action="1. Procedure: capacity check of every "
                  "order change with the buyer before it is accepted.", project_leader="Mr Zhao",
                  cause_category="purchasing")
    [action] = ba.list_brand_actions(db)
    assert (action.supplier, action.cap_item, action.owner, action.status) == ("CN-0042", items[0], "Maria Rossi",
                                                                               "open")
    assert action.due and "late order change" in action.cause
    ba.update_brand_action(db, action.id, status="in progress", notes=f"{MARKER} agreed with merchandising")
    ba.update_brand_action(db, action.id, what=f"{MARKER}: freeze order quantities four weeks before shipment")
    side = ba.brand_side(db, "CN-0042")
    assert side.findings_from_purchasing == 1 and [a.id for a in side.owner_open_actions] == [action.id]

    letter = render_cap_letter(db, cap_id, tmp_path / "letter.docx")
    tracker = export_tracker(db, cap_id, tmp_path / "tracker.xlsx")
    draft = make_email_draft(db, cap_id, tmp_path)
    master = export_master(db, tmp_path / "master.xlsx")
    draft_path = getattr(draft, "path", draft)
    for text in (_texts_of_docx(letter), _texts_of_xlsx(tracker), _texts_of_eml(draft_path),
                 _texts_of_xlsx(master)):
        assert MARKER not in text and "Review our own purchasing practices" not in text
    assert "Monthly overtime" in _texts_of_xlsx(tracker)  # the tracker itself is complete

    closed = ba.close_brand_action(db, action.id, on=date(2026, 4, 30), note="Order freeze in the buying calendar")
    assert closed.status == "closed" and closed.closed_date == date(2026, 4, 30)
    assert ba.brand_side(db, "CN-0042").owner_open_actions == ()
    with pytest.raises(UserError, match="not a cause category"):
        record_answer(db, items[1], root_cause="x y z", preventive_action="a", project_leader="b",
                      cause_category="astrology")


def test_shared_brands_are_records_and_the_form_text_is_their_view(db, owned):
    """Brands sharing a factory are records with contact, share and shared-audit answer; the supplier form's
    one-line text shows them and editing it keeps the details of the brands that stay."""
    from csrdesk.services.brand_collab import list_shared_brands, set_shared_brand

    set_shared_brand(db, "CN-0042", "Acme Outdoor", contact="csr@acme.example", share=35, accepts_shared_audit=True)
    set_shared_brand(db, "CN-0042", "Brandy")
    assert get_supplier(db, "CN-0042").other_brands == "Acme Outdoor (35%), Brandy"
    data = supplier_input_from_detail(get_supplier(db, "CN-0042"))
    data.other_brands = "Acme Outdoor (35%), Casa Home"
    update_supplier(db, "CN-0042", data)
    rows = list_shared_brands(db, "CN-0042")
    assert [(b.brand, b.share, b.contact, b.accepts_shared_audit) for b in rows] == [
        ("Acme Outdoor", 35.0, "csr@acme.example", True), ("Casa Home", None, "", None)]
    with pytest.raises(UserError, match="0 to 100"):
        set_shared_brand(db, "CN-0042", "Acme Outdoor", share=140)


def test_shared_cap_pack_has_no_complaints_or_internal_notes(db, owned, tmp_path):
    """The shared pack lists findings, CAP status, verification results and the collaborating brands; an item made
    from a worker complaint, review notes, verification notes and brand actions are not in it."""
    from csrdesk.services import complaints as cs
    from csrdesk.services.cap_share import export_cap_pack
    from csrdesk.services.caps import update_item

    cap_id, items = _cap(db)
    c = cs.add_complaint(db, cs.ComplaintInput(date(2026, 3, 5), "hotline", "wages",
                                               "COMPLAINT-SECRET unpaid Sunday overtime", supplier_code="CN-0042",
                                               complainant_name="Nguyen Thi Lan", contact="+84 900 000 000"))
    cs.acknowledge(db, c.id, date(2026, 3, 6))
    cs.resolve(db, c.id, "substantiated", "Back pay REMEDY-SECRET", date(2026, 3, 8))
    cs.to_cap(db, c.id, today=date(2026, 3, 9))
    from csrdesk.storage.models import Cap

    with db.transaction() as s:  # no screen writes it yet; an older workspace may hold one
        s.get(Cap, cap_id).review_notes = f"{MARKER} review note"
    update_item(db, items[1], review_comment=f"{MARKER} review comment")
    update_item(db, items[1], verification_notes=f"{MARKER} verifier note")
    record_answer(db, items[0], root_cause=LATE_CHANGE, preventive_action="1. Procedure: capacity check.",
                  project_leader="Mr Zhao", cause_category="purchasing")
    acme = ps.add_partner(db, ps.PartnerInput("brand", "Acme Outdoor"))
    ps.assign_partner(db, cap_id, acme.id, "lead brand")
    path = export_cap_pack(db, cap_id, tmp_path / "pack.xlsx")
    text = _texts_of_xlsx(path)
    assert "Monthly overtime exceeds the legal limit" in text and "Fire exit blocked by cartons" in text
    assert "Acme Outdoor" in text and "response received" in text
    for secret in ("COMPLAINT-SECRET", "REMEDY-SECRET", "Nguyen", "GRV-", MARKER,
                   "Review our own purchasing practices"):
        assert secret not in text
    assert "1 item that comes from worker complaints is left out" in text
    wb = load_workbook(path)
    assert wb.sheetnames == ["CAP", "Findings", "Verification"]
    assert wb["Findings"].max_row == 3  # header and the two audit findings


def test_pack_keeps_formula_text_as_text(db, owned, tmp_path):
    """A finding that starts with '=' is written as text, never as a formula."""
    from csrdesk.services.cap_share import export_cap_pack

    cap_id, _items = _cap(db, findings=[FindingInput("=HYPERLINK(\"http://x\")", "major")])
    path = export_cap_pack(db, cap_id, tmp_path / "pack.xlsx")
    cell = load_workbook(path)["Findings"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_sourcing_attends_meetings_and_is_copied_on_escalations(db, owned):
    """The CAP meeting and an escalation meeting record who from sourcing attended; every escalation step copies
    the sourcing owner; a verification visit takes a sourcing attendee."""
    from csrdesk.domain.verification import attendee_role
    from csrdesk.services.escalations import escalate, escalation_history
    from csrdesk.services.verification import set_meeting_date

    cap_id, _items = _cap(db)
    info = set_meeting_date(db, cap_id, date(2026, 3, 20), sourcing="Maria Rossi, Tom Lee")
    assert info.sourcing == "Maria Rossi, Tom Lee"
    escalate(db, "CN-0042", "reminder", "Items overdue", on=date(2026, 5, 1))
    escalate(db, "CN-0042", "warning_letter", "Still overdue", on=date(2026, 5, 15))
    escalate(db, "CN-0042", "senior_management_meeting", "No progress", on=date(2026, 6, 1),
             sourcing_attended="Maria Rossi")
    steps = escalation_history(db, "CN-0042")
    assert all(s.copied_to == "Maria Rossi <maria@brand.example>" for s in steps)
    assert steps[-1].sourcing_attended == "Maria Rossi"
    assert attendee_role("sourcing") == "sourcing" and attendee_role("merchandiser") == "sourcing"


def test_a_consultant_screened_before_the_register_keeps_the_decision(db):
    """A consultant screen filled for a named firm before the register existed is linked when the firm is added,
    so the register shows the decision already taken."""
    from csrdesk.services.vetting import start_screen

    screen = start_screen(db, "consultant_vetting", subject="Old Hands Consulting")
    decide_screen(db, screen.id, "reject", "A. Reviewer", decided_on=date(2025, 6, 1))
    p = ps.add_partner(db, ps.PartnerInput("consultant", "old hands consulting"))
    assert (p.vetting_screen_id, p.vetting_decision) == (screen.id, "reject")
    assert ps.add_partner(db, ps.PartnerInput("cso", "Old Hands Consulting")).vetting_screen_id is None


def test_program_report_counts_findings_from_purchasing_practices(db, owned):
    """The program report's repeat-findings section says how many findings of the period trace back to our own
    purchasing practices (in its sentences and its JSON figures)."""
    from csrdesk.services.program_report import program_report

    cap_id, items = _cap(db)
    record_answer(db, items[0], root_cause=LATE_CHANGE, preventive_action="1. Procedure: capacity check.",
                  project_leader="Mr Zhao", cause_category="purchasing")
    report = program_report(db, date(2026, 1, 1), date(2026, 6, 30), today=date(2026, 7, 1))
    section = next(s for s in report.sections if s.key == "repeats")
    assert section.figures["from_purchasing"] == 1 and section.figures["repeats_from_purchasing"] == 0
    assert "1 finding of the period traces back to our own purchasing practices." in section.sentences
