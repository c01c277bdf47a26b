"""Worker complaints in the services: intake, the steps and their refusals, reveal with a reason, into a CAP item,
focus areas for the next assessment, the report on hand-made data, the publishable list and the identity key."""
from datetime import date, timedelta

import pytest

from csrdesk.errors import NotFound, UserError
from csrdesk.services import complaint_reports as figures
from csrdesk.services import complaints as svc
from csrdesk.services import identity_key
from csrdesk.services.assessments import AssessmentInput, FindingInput, assessment_detail, record_assessment
from csrdesk.services.caps import cap_detail, change_cap_status
from csrdesk.services.history import history_for

TODAY = date.today()


def day(n: int) -> date:
    """n days ago."""
    return TODAY - timedelta(days=n)


def intake(db, supplier="CN-0001", **kw):
    data = dict(received=day(40), channel="hotline", provision="wages", summary="Overtime paid at the normal rate.",
                supplier_code=supplier)
    data.update(kw)
    return svc.add_complaint(db, svc.ComplaintInput(**data))


def confirmed(db, **kw):
    c = intake(db, **kw)
    svc.acknowledge(db, c.id, day(39))
    svc.add_note(db, c.id, "Payroll of March checked: Sunday overtime at 100%.", day(30))
    return svc.resolve(db, c.id, "substantiated", "Back pay of the overtime premium to every worker.", day(20))


def audit(db, code="CN-0001", on=None, findings=1):
    return record_assessment(db, AssessmentInput(code, on or day(100), "periodic", findings=[
        FindingInput(f"Finding {k}", "major") for k in range(findings)]))


def test_intake_seals_the_identity_and_shows_it_hidden(db, supplier):
    """A named complaint is recorded with its identity hidden; an anonymous one says so."""
    named = intake(db, complainant_name="Trịnh Hồng Nhung", contact="+84 912 345 678", retaliation_risk="high")
    anon = intake(db, complainant_name="", contact="")
    assert named.row.reference.startswith(f"GRV-{day(40).year}-")
    assert (named.row.identity, anon.row.identity) == ("hidden", "anonymous")
    assert named.row.status == "received" and named.row.retaliation_risk == "high"
    assert "High retaliation risk" in " ".join(named.warnings)
    rows = svc.list_complaints(db)
    assert {r.reference for r in rows} == {named.row.reference, anon.row.reference}
    assert not any("Nhung" in repr(r) for r in rows)


def test_intake_refusals_name_the_problem(db, supplier):
    """Unknown channel, provision or supplier, and a future date, are refused; nothing is recorded."""
    with pytest.raises(UserError, match="Unknown channel 'fax'"):
        intake(db, channel="fax")
    with pytest.raises(UserError, match="Unknown provision 'pay'"):
        intake(db, provision="pay")
    with pytest.raises(NotFound, match="No supplier with code 'XX-1'"):
        intake(db, supplier="XX-1")
    with pytest.raises(UserError, match="in the future"):
        intake(db, received=TODAY + timedelta(days=1))
    with pytest.raises(UserError, match="either the supplier"):
        intake(db, factory_name="Other Factory")
    assert svc.list_complaints(db) == []


def test_a_factory_outside_the_program_is_recorded_by_name(db):
    """No supplier needed: the factory's name is kept, and it can only be forwarded, not told or made a CAP item."""
    c = svc.add_complaint(db, svc.ComplaintInput(day(10), "worker organisation", "Working hours", "Forced overtime.",
                                                 factory_name="Sunrise Knitting (not ours)"))
    assert c.row.factory == "Sunrise Knitting (not ours)" and c.row.supplier_id is None
    assert c.row.channel == "worker_organisation" and c.row.provision == "hours"
    svc.acknowledge(db, c.id, day(9))
    with pytest.raises(UserError, match="outside the program"):
        svc.decide_factory(db, c.id, "issue_only", "", day(8))
    svc.resolve(db, c.id, "referred", "Forwarded to the brand that sources there.", day(5))
    with pytest.raises(UserError, match="outside the program"):
        svc.to_cap(db, c.id)


def test_the_steps_build_a_timeline_and_refusals_change_nothing(db, supplier):
    """Resolving before acknowledging, a date before receipt, an unknown outcome: refused, nothing saved."""
    c = intake(db)
    with pytest.raises(UserError, match="Acknowledge the complaint before resolving"):
        svc.resolve(db, c.id, "substantiated", "Back pay", day(20))
    with pytest.raises(UserError, match="before the complaint was received"):
        svc.acknowledge(db, c.id, day(41))
    svc.acknowledge(db, c.id, day(38))
    with pytest.raises(UserError, match="Unknown outcome 'proven'"):
        svc.resolve(db, c.id, "proven", "x", day(20))
    before = svc.complaint_detail(db, c.id)
    assert before.row.status == "acknowledged" and before.row.outcome == ""
    svc.add_note(db, c.id, "Interviews off site with five workers.", day(30))
    svc.decide_factory(db, c.id, "issue_only", "Raised at the audit as a general wage check.", day(25))
    with pytest.raises(UserError, match="has not agreed"):
        svc.decide_factory(db, c.id, "told", "", day(24))
    svc.resolve(db, c.id, "partly_substantiated", "Premium paid back for March.", day(20))
    with pytest.raises(UserError, match="after a check that compliance held"):
        svc.close(db, c.id, day(10))
    svc.check_compliance_held(db, c.id, day(5), "Payroll of the next month correct.")
    d = svc.close(db, c.id, day(4))
    assert d.row.status == "closed" and d.row.outcome == "partly_substantiated"
    assert [e.kind for e in d.timeline] == ["received", "acknowledged", "note", "decision", "resolved",
                                            "compliance_checked", "closed"]
    assert d.timeline[1].on == day(38) and d.factory_decision == "issue_only"
    statuses = [(h.old, h.new) for h in history_for(db, "complaint", c.id) if h.field == "status"]
    assert ("investigating", "resolved") in statuses and ("resolved", "closed") in statuses


def test_reveal_needs_a_reason_and_is_recorded(db, supplier, monkeypatch):
    """The identity comes back only with a reason; who (the person's name in the history), when and why go into
    the history (the name revealed does not)."""
    from csrdesk.services.team import set_display_name

    set_display_name("Mia Keller", db)
    c = intake(db, complainant_name="王秀英", contact="+86 139 2468 1357")
    with pytest.raises(UserError, match="Give the reason"):
        svc.reveal_identity(db, c.id, "  ")
    assert not [h for h in history_for(db, "complaint", c.id) if h.field == "identity"]
    shown = svc.reveal_identity(db, c.id, "Call the worker back about the remedy")
    assert (shown.name, shown.contact, shown.by) == ("王秀英", "+86 139 2468 1357", "Mia Keller")
    records = [h for h in history_for(db, "complaint", c.id) if h.field == "identity"]
    assert len(records) == 1
    assert (records[0].user, records[0].note, records[0].new) == ("Mia Keller", "Call the worker back about the remedy",
                                                                  "revealed")
    assert "王秀英" not in repr(records[0])
    d = svc.complaint_detail(db, c.id)
    assert d.reveals[0].who == "Mia Keller" and d.timeline[-1].kind == "identity"
    anon = intake(db)
    with pytest.raises(UserError, match="anonymous: there is no identity"):
        svc.reveal_identity(db, anon.id, "curious")


def test_a_database_whose_key_is_missing_opens_and_says_so(db, supplier, tmp_path, monkeypatch):
    """On another computer without the key the database opens; identities read unavailable with what to do, and
    importing the recovery copy brings them back."""
    from csrdesk.services.startup import open_workspace

    c = intake(db, complainant_name="Trịnh Hồng Nhung", contact="+84 912 345 678")
    copy, ids = identity_key.export_keys(tmp_path / "recovery" / "csrdesk-key.json")
    assert oct(copy.stat().st_mode & 0o777) == "0o600" and len(ids) == 1
    url = db.url
    db.dispose()
    monkeypatch.setenv("CSRDESK_HOME", str(tmp_path / "other-computer"))
    identity_key.forget_cache()
    other = open_workspace(url)
    try:
        status = svc.identity_status(other)
        assert status.sealed == 1 and status.unavailable == 1 and status.missing_key_ids == ids
        assert "not on this computer" in status.message and "Import" in status.message
        row = svc.list_complaints(other)[0]
        assert row.identity == "unavailable" and row.summary == "Overtime paid at the normal rate."
        assert "not on this computer" in svc.complaint_detail(other, c.id).warnings[0]
        with pytest.raises(identity_key.KeyMissing, match=f"key id {ids[0]}"):
            svc.reveal_identity(other, c.id, "Check who it was")
        assert identity_key.import_keys(copy) == ids
        assert svc.reveal_identity(other, c.id, "Check who it was").name == "Trịnh Hồng Nhung"
        assert svc.identity_status(other).unavailable == 0
    finally:
        other.dispose()


def test_a_key_file_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"keys": {"abc": "def"}}')
    with pytest.raises(UserError, match="not a csrdesk identity key file"):
        identity_key.import_keys(bad)
    with pytest.raises(UserError, match="nothing to export"):
        identity_key.export_keys(tmp_path / "k.json")


def test_the_key_goes_to_the_os_keyring_when_one_works(db, supplier, monkeypatch):
    """With a working keyring backend the key is kept there and no key file is written; the fail backend counts
    as none."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    class MemoryKeyring(KeyringBackend):
        priority = 5
        store: dict = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    monkeypatch.setenv("CSRDESK_KEY_STORE", "keyring")
    identity_key.forget_cache()
    try:
        keyring.set_keyring(fail.Keyring())
        assert identity_key.store_name() == str(identity_key.key_file())
        keyring.set_keyring(MemoryKeyring())
        c = intake(db, complainant_name="Ayşe Yılmaz", contact="+90 532 000 0000")
        assert not identity_key.key_file().exists()
        assert ("csrdesk", "complaint-identity-keys") in MemoryKeyring.store
        assert "OS keyring" in svc.identity_status(db).store
        assert svc.reveal_identity(db, c.id, "Worker asked for a call").name == "Ayşe Yılmaz"
    finally:
        keyring.set_keyring(previous)
        identity_key.forget_cache()


def test_a_substantiated_complaint_joins_the_open_cap_without_rescoring(db, supplier):
    """One step: an item on the supplier's open CAP, named by the complaint, without identity; the audit's score
    stays the auditor's."""
    a = audit(db, findings=2)
    c = confirmed(db, complainant_name="王秀英", contact="+86 139 2468 1357")
    result = svc.to_cap(db, c.id)
    assert result.cap_id == a.cap_id and result.placed == "open CAP"
    after = assessment_detail(db, a.id)
    assert (after.score, after.rating) == (a.score, a.rating)
    item = next(i for i in cap_detail(db, a.cap_id).items if i.row.id == result.item_id)
    assert item.row.finding.startswith(f"Worker complaint {c.row.reference}") and item.row.category == "wages"
    assert item.suggested_remediation == "Back pay of the overtime premium to every worker."
    assert item.row.points == 0 and item.row.due_date is not None and item.row.status == "open"
    assert "王秀英" not in repr(item)
    assert result.item_title == item.row.finding  # messages name the item as the CAPs page lists it
    with pytest.raises(UserError, match=f"already an item of CAP #{a.cap_id}"):
        svc.to_cap(db, c.id)
    detail = svc.complaint_detail(db, c.id)
    assert detail.cap_id == a.cap_id and detail.cap_item_title == item.row.finding
    step = next(e for e in detail.timeline if e.kind == "to_cap")
    assert f"item {result.item_id}" not in step.text and item.row.finding in step.text  # no internal number


def test_to_cap_finds_or_makes_a_cap(db, supplier):
    """No CAP on the latest assessment: a draft CAP is made; a closed CAP is reopened; no assessment: refused."""
    c1 = confirmed(db)
    with pytest.raises(UserError, match="has no assessment yet"):
        svc.to_cap(db, c1.id)
    clean = audit(db, findings=0)
    assert clean.cap_id is None
    r1 = svc.to_cap(db, c1.id)
    assert r1.placed == "new CAP on the latest assessment" and cap_detail(db, r1.cap_id).status == "draft"
    # close that CAP the way a user would, then a second complaint reopens it
    from csrdesk.services.caps import change_item_status

    for status in ("sent", "response received", "under review"):
        change_cap_status(db, r1.cap_id, status)
    from csrdesk.services.caps import update_item

    update_item(db, r1.item_id, root_cause="No overtime premium in the payroll software.",
                preventive_action="Payroll rule fixed and checked monthly by HR.", project_leader="Ms Chen",
                evidence_notes="Payslips of April attached.")
    change_cap_status(db, r1.cap_id, "approved")
    for status in ("action planned", "evidence submitted", "verified", "closed"):
        change_item_status(db, [r1.item_id], status, verification_notes="Payroll checked.")
    change_cap_status(db, r1.cap_id, "closed")
    c2 = confirmed(db)
    r2 = svc.to_cap(db, c2.id)
    assert r2.cap_id == r1.cap_id and r2.placed == "reopened CAP"
    assert cap_detail(db, r1.cap_id).status == "in remediation"


def test_only_confirmed_complaints_become_items_and_retaliation_is_a_finding_of_its_own(db, supplier):
    audit(db)
    c = intake(db)
    svc.acknowledge(db, c.id, day(39))
    svc.resolve(db, c.id, "not_substantiated", "", day(20))
    with pytest.raises(UserError, match="resolved as not substantiated: only a substantiated"):
        svc.to_cap(db, c.id)
    r = intake(db, provision="freedom of association and worker voice", retaliation_risk="medium")
    svc.acknowledge(db, r.id, day(39))
    d = svc.record_retaliation(db, r.id, day(30), "The worker was moved to the night shift after the visit.")
    assert d.row.retaliation_risk == "high" and d.row.retaliation_found
    svc.resolve(db, r.id, "substantiated", "Day shift restored and a written non-retaliation promise.", day(20))
    result = svc.to_cap(db, r.id)
    items = {i.row.id: i for i in cap_detail(db, result.cap_id).items}
    retaliation = items[result.retaliation_item_id]
    assert retaliation.violation_type == "FOA-010" and retaliation.row.severity == "critical"
    assert "night shift" in retaliation.description


def test_the_library_has_a_retaliation_type():
    from csrdesk.services.library import read_builtin_library

    types = {v["key"]: v for v in read_builtin_library()["violation_types"]}
    assert types["FOA-010"]["category"] == "freedom-of-association"
    assert "retaliation" in types["FOA-010"]["title"].lower()


def test_focus_areas_are_the_provisions_raised_since_the_last_assessment(db, supplier):
    """A new assessment looks at what workers raised since the last one; older complaints are not repeated."""
    intake(db, received=day(200), provision="hours")
    audit(db, on=day(150))
    intake(db, received=day(100), provision="wages")
    intake(db, received=day(60), provision="wages")
    intake(db, received=day(30), provision="health-safety")
    areas = svc.focus_areas(db, supplier.row.id, TODAY)
    assert areas.since == day(150)
    assert [(a.provision, a.complaints) for a in areas.areas] == [("wages", 2), ("health-safety", 1)]
    assert areas.areas[0].title == "Wages and benefits" and areas.areas[0].latest == day(60)


def test_report_figures_on_hand_made_data(db, supplier):
    """Counts by provision, outcome, supplier and channel, open by age, and median and 90th percentile days."""
    other = svc.add_complaint(db, svc.ComplaintInput(day(70), "union", "hours", "Sunday work.",
                                                     factory_name="Outside Co"))
    a = intake(db, received=day(100), channel="email")           # ack 2 days, resolved in 30
    svc.acknowledge(db, a.id, day(98))
    svc.resolve(db, a.id, "not_substantiated", "", day(70))
    b = intake(db, received=day(90), provision="hours")          # ack 6 days, resolved in 50
    svc.acknowledge(db, b.id, day(84))
    svc.resolve(db, b.id, "withdrawn", "", day(40))
    c = intake(db, received=day(45))                            # ack 10 days, open
    svc.acknowledge(db, c.id, day(35))
    svc.acknowledge(db, other.id, day(69))                      # ack 1 day
    report = figures.complaints_report(db, today=TODAY)
    assert report.complaints == 4 and report.open == 4
    assert report.by_provision == {"hours": 2, "wages": 2}
    assert report.by_outcome == {"pending": 2, "not_substantiated": 1, "withdrawn": 1}
    assert report.by_supplier == {"CN-0001": 3, "Outside Co": 1}
    assert report.by_channel == {"hotline": 2, "email": 1, "union": 1}
    assert report.open_by_age == {"0-30 days": 0, "31-60 days": 1, "61-90 days": 2, "over 90 days": 1}
    assert report.median_days_to_acknowledge == 4.0      # 1, 2, 6, 10
    assert report.p90_days_to_acknowledge == 8.8         # rank 2.7: 6 + 0.7 * 4
    assert report.median_days_to_resolve == 40.0         # 30, 50
    assert report.p90_days_to_resolve == 48.0
    window = figures.complaints_report(db, day(95), day(60), today=TODAY)
    assert window.complaints == 2 and window.by_channel == {"hotline": 1, "union": 1}
    with pytest.raises(UserError, match="starts"):
        figures.complaints_report(db, day(10), day(20))


def test_publishable_list_says_who_filed_never_who_it_was(db, supplier):
    intake(db, complainant_name="Trịnh Hồng Nhung", contact="+84 912 345 678", channel="union")
    intake(db, channel="hotline")
    rows = figures.publishable_list(db)
    assert [(r.filed_by, r.status, r.factory) for r in rows] == [
        ("Union", "Open: received", "Golden Thread Garments Co., Ltd"),
        ("Anonymous worker", "Open: received", "Golden Thread Garments Co., Ltd")]
    assert "Nhung" not in repr(rows)


def test_dashboard_tile_counts_open_and_high_risk(db, supplier):
    intake(db, received=day(20), retaliation_risk="high")
    c = intake(db, received=day(5))
    svc.acknowledge(db, c.id, day(4))
    tile = figures.complaints_tile(db)
    assert (tile.open, tile.high_risk_open, tile.unacknowledged_over_7_days, tile.oldest_open_days) == (2, 1, 1, 20)
