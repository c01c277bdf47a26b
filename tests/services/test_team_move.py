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


def test_the_files_move_with_the_workspace(tmp_path, empty_server_db, monkeypatch):
    """Evidence files, the audit report and the manager's own templates move into the shared database with the
    records: a member on another computer opens them; a file missing from the data folder is named, not invented."""
    from datetime import date

    from csrdesk import paths
    from csrdesk.services import audit_report, caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.letters import copy_default_template, list_templates
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.team_move import move_workspace

    local = open_workspace(str(tmp_path / "mine.sqlite3"))
    create_supplier(local, SupplierInput(name="Golden Thread Garments", code="CN-0001", country="China"))
    detail = record_assessment(local, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=[
        FindingInput(title="Fire exit locked", severity="critical"), FindingInput(title="No first aid kit",
                                                                                  severity="major")]))
    items = [i.row.id for i in caps_service.cap_detail(local, detail.cap_id).items]
    photo, gone = tmp_path / "exit.jpg", tmp_path / "kit.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + os.urandom(2000))
    gone.write_bytes(b"\xff\xd8\xff" + os.urandom(2000))
    caps_service.attach_evidence(local, items[0], photo)
    lost = caps_service.attach_evidence(local, items[1], gone)
    lost.path.unlink()  # someone cleaned the data folder by hand
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    audit_report.attach_audit_report(local, detail.id, report)
    copy_default_template("cap_letter_en.docx", "cap_letter_ours.docx")

    result = move_workspace(local, empty_server_db)
    local.dispose()
    assert result.files == 2 and result.files_missing == ("kit.jpg",) and result.templates == ("cap_letter_ours.docx",)
    assert len(list(paths.evidence_dir().rglob("*.jpg"))) == 1  # the local copies stay where they were

    monkeypatch.setenv("CSRDESK_HOME", str(tmp_path / "member"))
    shared = open_workspace(empty_server_db)
    try:
        evidence = caps_service.item_detail(shared, items[0]).evidence[0]
        assert caps_service.evidence_copy(shared, evidence.id).read_bytes() == photo.read_bytes()
        assert not caps_service.item_detail(shared, items[1]).evidence[0].exists
        assert audit_report.audit_report_copy(shared, detail.id).read_bytes() == report.read_bytes()
        assert ("cap_letter_ours.docx", "team") in [(t.name, t.source) for t in list_templates("cap_letter")]
    finally:
        shared.dispose()
