"""Demo data: deterministic for a seed, realistic, rated by the real rules, CAPs in every state, refused twice."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from csrdesk.cli import main
from csrdesk.domain.caps import PastFinding, due_date, is_repeat
from csrdesk.domain.lifecycle import CapStatus, ItemStatus, SupplierStatus
from csrdesk.domain.scoring import Rating
from csrdesk.services.demo import DemoResult, generate_demo
from csrdesk.errors import UserError
from csrdesk.progress import Cancelled, Progress
from csrdesk.services.startup import open_workspace
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, ChecklistTemplate, Complaint, Contact, Finding, Supplier, VettingScreen,
)

TODAY = date(2025, 6, 2)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One default-size demo workspace shared by the read-only checks (40 suppliers, 25 findings per assessment)."""
    import os

    folder = tmp_path_factory.mktemp("demo")
    previous = os.environ.get("CSRDESK_HOME")
    os.environ["CSRDESK_HOME"] = str(folder / "home")
    try:
        db = open_workspace(str(folder / "demo.sqlite3"))
        result = generate_demo(db, today=TODAY)
    finally:
        if previous is None:
            os.environ.pop("CSRDESK_HOME", None)
        else:
            os.environ["CSRDESK_HOME"] = previous
    yield db, result
    db.dispose()


def test_same_seed_gives_the_same_supplier_list(tmp_path, capsys):
    """Two databases filled with the same seed show the same supplier list, byte for byte; another seed differs."""
    outputs = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        path = str(tmp_path / f"{name}.sqlite3")
        db = open_workspace(path)
        generate_demo(db, suppliers=12, findings_per_assessment=6, seed=int(seed), today=TODAY)
        db.dispose()
        assert main(["--db", path, "suppliers", "list", "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]
    assert len(json.loads(outputs[0])) == 12


def test_default_size_counts(demo_db):
    """The default run makes 40 suppliers, each with assessments, and the counts it reports are what is stored."""
    db, result = demo_db
    assert isinstance(result, DemoResult) and result.suppliers == 40
    with db.reading() as s:
        assert s.scalar(select(func.count(Supplier.id))) == 40
        assert s.scalar(select(func.count(Assessment.id))) == result.assessments
        assert s.scalar(select(func.count(Finding.id))) == result.findings
        assert s.scalar(select(func.count(Cap.id))) == result.caps
        assert s.scalar(select(func.count(CapItem.id))) == result.cap_items
        assert s.scalar(select(func.count(Complaint.id))) == result.complaints > 0
        without = s.scalar(select(func.count(Supplier.id)).where(~Supplier.assessments.any()))
        assert without == 0, "every demo supplier has assessments"
        per_supplier = s.execute(select(func.count(Assessment.id)).group_by(Assessment.supplier_id)).scalars().all()
        assert max(per_supplier) >= 3, "established suppliers have three years of assessments"
    # Follow-ups re-check only part of a full audit, so the mean sits near 15-16; it moves by about one between
    # seeds, and with any change to the library (a new type shifts the random draws).
    assert 14 <= result.findings / result.assessments <= 25


def test_every_status_rating_and_overdue_items(demo_db):
    """At the default size there is a CAP in every status, an item in every status, all ratings and overdue items."""
    from csrdesk.services.caps import overdue_items

    db, result = demo_db
    with db.reading() as s:
        cap_statuses = set(s.scalars(select(Cap.status).distinct()))
        item_statuses = set(s.scalars(select(CapItem.status).distinct()))
        ratings = set(s.scalars(select(Assessment.rating).distinct()))
        supplier_statuses = set(s.scalars(select(Supplier.status).distinct()))
        types = set(s.scalars(select(Assessment.assessment_type).distinct()))
    assert cap_statuses == {c.value for c in CapStatus}
    assert item_statuses == {i.value for i in ItemStatus}
    assert ratings <= {r.value for r in Rating} and {"Satisfactory", "Unsatisfactory"} <= ratings
    assert supplier_statuses <= {v.value for v in SupplierStatus} and "active" in supplier_statuses
    assert {"pre-production", "periodic", "follow-up", "unannounced"} <= types
    overdue = overdue_items(db, today=TODAY)
    assert result.overdue_items == len(overdue) > 0


def test_ratings_come_from_the_real_rules(demo_db):
    """Every stored score and rating is what rate_assessment gives with the matrix and the supplier's certificates."""
    from csrdesk.services.ratings import rate

    db, _ = demo_db
    with db.reading() as s:
        assessments = s.scalars(select(Assessment)).all()
        for a in assessments:
            result = rate(s, a)
            assert (a.score, a.rating) == (result.score, result.rating.value), a.id
        denied = [a for a in assessments if a.denied]
        assert denied and all(a.rating == "Denied" and not a.findings for a in denied)


def test_repeats_and_due_dates_follow_the_domain(demo_db):
    """Repeat flags are is_repeat over the supplier's earlier findings; due dates are due_date from the CAP start."""
    db, _ = demo_db
    with db.reading() as s:
        rows = s.execute(
            select(Assessment.supplier_id, Assessment.date, Finding.violation_type, Finding.title, Finding.repeat)
            .join(Finding, Finding.assessment_id == Assessment.id)
        ).all()
        by_supplier: dict[int, list] = {}
        for r in rows:
            by_supplier.setdefault(r[0], []).append(r)
        repeats = 0
        for findings in by_supplier.values():
            earlier = [PastFinding(d, vt, t) for _sid, d, vt, t, _rep in findings]
            for _sid, d, vt, t, rep in findings:
                assert rep == is_repeat(vt, t, d, earlier)
                repeats += rep
        assert repeats > 0
        items = s.execute(
            select(CapItem.due_date, CapItem.days_allowed, Cap.issued_date, Assessment.date)
            .join(Cap, Cap.id == CapItem.cap_id).join(Assessment, Assessment.id == Cap.assessment_id)
        ).all()
        for due, days, issued, assessed in items:
            assert due == due_date(issued or assessed, days)


def test_cap_items_are_filled_as_their_status_requires(demo_db):
    """Items past open carry root cause, preventive action and leader; verified ones their check; CAPs agree."""
    db, _ = demo_db
    with db.reading() as s:
        for item in s.scalars(select(CapItem)):
            status = ItemStatus(item.status)
            if status is not ItemStatus.OPEN:
                assert item.root_cause and item.preventive_action and item.project_leader, item.id
                assert item.planned_date is not None
            if status in (ItemStatus.EVIDENCE_SUBMITTED, ItemStatus.VERIFIED, ItemStatus.CLOSED):
                assert item.evidence_notes
            if status in (ItemStatus.VERIFIED, ItemStatus.CLOSED):
                assert item.verification_notes and item.verification_date <= TODAY
            if status is ItemStatus.CLOSED:
                assert item.verification_date <= item.closed_date <= TODAY
        for cap in s.scalars(select(Cap)):
            statuses = {ItemStatus(i.status) for i in cap.items}
            if cap.status == "closed":
                assert not any(st.is_open for st in statuses) and cap.closed_date is not None
            if cap.status in ("approved", "in remediation", "closed"):
                assert all(i.root_cause and i.preventive_action for i in cap.items)
            if cap.status in ("draft",):
                assert statuses == {ItemStatus.OPEN} and cap.issued_date is None
            else:
                assert cap.issued_date is not None and cap.response_due is not None


def test_suppliers_look_real(demo_db):
    """Suppliers carry local-language names in their scripts, contacts with e-mail and language, owners, codes."""
    db, _ = demo_db
    with db.reading() as s:
        suppliers = s.scalars(select(Supplier)).all()
        contacts = s.scalars(select(Contact)).all()
        s.expunge_all()  # keep the loaded values after the read-only session ends
    local = " ".join(x.local_name for x in suppliers)
    scripts = {
        "Chinese": r"[\u4e00-\u9fff]", "Bengali": r"[\u0980-\u09ff]", "Vietnamese": r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ]",
        "Devanagari or Tamil": r"[\u0900-\u097f\u0b80-\u0bff]", "Turkish or Spanish": r"[şğıİçñáéíóú]",
    }
    found = [name for name, pattern in scripts.items() if re.search(pattern, local)]
    assert len(found) >= 3, found
    assert all(x.name and x.local_name and x.code and x.country and x.address for x in suppliers)
    assert all(x.sourcing_owner and "@" in x.sourcing_owner_email for x in suppliers)
    assert len({x.code for x in suppliers}) == 40 and len({x.country for x in suppliers}) >= 5
    assert {"factory manager", "compliance contact"} <= {c.role for c in contacts}
    compliance = [c for c in contacts if c.role == "compliance contact"]
    assert len(compliance) == 40 and all("@" in c.email and c.language for c in compliance)
    assert len({c.language for c in compliance}) >= 4


def test_the_demo_tables_ship_as_data_that_fits_together():
    """The names, places and texts come from resources/demo: every country's people and every brand owner exist, and
    every finding category has evidence and a remediation leader, so no supplier is drawn with a missing part."""
    from csrdesk import paths

    tables = {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in paths.resource("demo").glob("*.json")}
    assert {"places", "people", "findings", "complaints"} <= set(tables)
    names, owners = tables["people"]["names"], tables["people"]["sourcing_owners"]
    for country in tables["places"]["countries"]:
        assert country["people"] in names and country["cities"] and country["brands"]
        first, second = tables["people"]["owner_by_country"][country["code"]]
        assert max(first, second) < len(owners)
    library = json.loads(paths.resource("library", "findings.json").read_text(encoding="utf-8"))
    categories = {c["key"] for c in library["categories"]}
    assert categories <= set(tables["findings"]["evidence"])
    assert categories <= set(tables["people"]["leader_role_by_category"])


def test_certifications_include_expired_and_expiring(demo_db):
    """Some certificates are valid, some expire within 60 days, some have expired, as the supplier page shows them."""
    from csrdesk.services.suppliers import supplier_detail

    db, _ = demo_db
    states = set()
    with db.reading() as s:
        codes = s.scalars(select(Supplier.code).where(Supplier.certifications.any())).all()
    for code in codes:
        states |= {c.state for c in supplier_detail(db, code, today=TODAY).certifications}
    assert {"valid", "expired"} <= states


def test_complaints_and_vetting_screens(demo_db):
    """Complaints use the known channels and resolve after they arrive; vetting screens carry decisions."""
    db, result = demo_db
    with db.reading() as s:
        # The sealed identity is loaded only when asked for (a read-only member may not read it).
        complaints = s.scalars(select(Complaint).options(undefer(Complaint.identity_token))).all()
        templates = s.scalar(select(func.count(ChecklistTemplate.id)))
        screens = s.scalars(select(VettingScreen)).all()
        s.expunge_all()  # keep the loaded values after the read-only session ends
    assert {c.channel for c in complaints} <= {"hotline", "worker_organisation", "union", "email", "in_person", "other"}
    assert all(c.provision for c in complaints)
    assert all(c.resolved_date >= c.acknowledged_date >= c.received_date for c in complaints if c.resolved_date)
    assert all((c.identity_token is None) == c.anonymous for c in complaints)
    if templates:
        assert result.vetting_screens == len(screens) > 0
        decided = [x for x in screens if x.decision]
        assert decided and {x.decision for x in decided} <= {"approve", "approve with conditions", "reject"}
        assert all(x.status == "decided" and x.reviewer and x.decision_date for x in decided)


def test_same_seed_twice_is_refused_and_changes_nothing(db):
    """Adding the same seed's demo data twice is refused with a clear message; another seed is added."""
    generate_demo(db, suppliers=5, findings_per_assessment=4, seed=9, today=TODAY)
    with pytest.raises(UserError, match="seed 9 is already in this database"):
        generate_demo(db, suppliers=5, findings_per_assessment=4, seed=9, today=TODAY)
    with db.reading() as s:
        assert s.scalar(select(func.count(Supplier.id))) == 5
    generate_demo(db, suppliers=3, findings_per_assessment=4, seed=10, today=TODAY)
    with db.reading() as s:
        assert s.scalar(select(func.count(Supplier.id))) == 8


def test_bad_sizes_are_refused(db):
    """Zero suppliers or a negative number of findings gives a one-line message."""
    with pytest.raises(UserError, match="from 1 to"):
        generate_demo(db, suppliers=0)
    with pytest.raises(UserError, match="Findings per assessment"):
        generate_demo(db, suppliers=3, findings_per_assessment=-1)


def test_progress_is_reported_and_cancel_writes_nothing(db):
    """Progress reaches its total; cancelling part-way leaves the database empty."""
    seen = []
    generate_demo(db, suppliers=6, findings_per_assessment=4, seed=2, today=TODAY,
                  progress=Progress(lambda done, total, msg: seen.append((done, total, msg))))
    assert seen and seen[-1][0] == seen[-1][1] and any("Saving" in m for _d, _t, m in seen)

    def stop(done, total, msg):
        if "Saving" in msg and "findings" in msg:
            progress.cancel()

    progress = Progress(stop)
    with pytest.raises(Cancelled):
        generate_demo(db, suppliers=6, findings_per_assessment=4, seed=3, today=TODAY, progress=progress)
    with db.reading() as s:
        assert s.scalar(select(func.count(Supplier.id))) == 6


def test_cli_demo_json(tmp_path, capsys):
    """`csrdesk demo --suppliers 5 --json` prints the counts; running it again exits 2 with one line."""
    path = str(tmp_path / "cli.sqlite3")
    assert main(["--db", path, "demo", "--suppliers", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"suppliers", "assessments", "findings", "caps", "cap_items", "overdue_items", "complaints",
                        "vetting_screens", "seconds"}
    assert out["suppliers"] == 5 and out["assessments"] >= 5 and out["findings"] > 0
    assert main(["--db", path, "demo", "--suppliers", "5"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already in this database" in err


@pytest.mark.skipif(not __import__("os").environ.get("CSRDESK_TEST_PG_URL"),
                    reason="no PostgreSQL test database (CSRDESK_TEST_PG_URL)")
def test_demo_on_postgres_leaves_ids_usable():
    """On PostgreSQL the demo data loads, and suppliers and assessments added afterwards get fresh ids."""
    import os

    from sqlalchemy import create_engine, text

    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers

    url = os.environ["CSRDESK_TEST_PG_URL"]
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    db = open_workspace(url)
    try:
        result = generate_demo(db, suppliers=8, findings_per_assessment=5, seed=5, today=TODAY)
        assert len(list_suppliers(db, today=TODAY)) == 8
        create_supplier(db, SupplierInput(name="Late Addition Textiles", code="TR-0001", country="Türkiye"))
        d = record_assessment(db, AssessmentInput("TR-0001", TODAY, findings=[FindingInput("Exit blocked", "critical")]))
        assert d.id > result.assessments and d.cap_id is not None
    finally:
        db.dispose()
