"""Roles on a shared PostgreSQL database, enforced by the server: a read-only member reads everything but
complainants' identities and cannot change anything (a clear message, never a traceback); an editor can."""
from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from csrdesk.cli import main
from csrdesk.errors import DatabaseError, UserError


@pytest.fixture
def member(pg_db):
    """A login role on the test server (no rights yet); returns a function giving its URL into the suite schema."""
    role = f"csrdesk_member_{os.getpid()}"
    admin = create_engine(make_url(pg_db.url).set(query={}))
    with admin.begin() as c:
        c.execute(text(f"DROP OWNED BY {role}") if c.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() else text("SELECT 1"))
        c.execute(text(f"DROP ROLE IF EXISTS {role}"))
        c.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'member-pw'"))
    yield role, make_url(pg_db.url).set(username=role, password="member-pw").render_as_string(hide_password=False)
    with admin.begin() as c:
        c.execute(text(f"DROP OWNED BY {role}"))
        c.execute(text(f"DROP ROLE IF EXISTS {role}"))
    admin.dispose()


def _complaint(db):
    from csrdesk.services.complaints import ComplaintInput, add_complaint
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    create_supplier(db, SupplierInput(name="Padma Knit Composite Ltd", code="BD-0001", country="Bangladesh"))
    return add_complaint(db, ComplaintInput(date(2026, 2, 1), "hotline", "wages", "Overtime unpaid for March.",
                                            supplier_code="BD-0001", complainant_name="Rahima Begum",
                                            contact="+880 1711 000000"))


def test_read_only_member_sees_all_but_identities_and_changes_nothing(pg_db, member, capsys, tmp_path):
    """`csrdesk team grant USER --read-only`: the member's csrdesk opens read-only, lists suppliers and
    complaints (identity "hidden"), is refused a change with one clear line; the server itself refuses the
    identity column to any program the member might use."""
    from csrdesk.services.complaints import complaint_detail, list_complaints, reveal_identity
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import SupplierInput, create_supplier, list_suppliers

    from csrdesk.services.assessments import AssessmentInput, record_assessment
    from csrdesk.services.audit_report import attach_audit_report, audit_report_copy

    role, url = member
    c = _complaint(pg_db)
    audit = record_assessment(pg_db, AssessmentInput("BD-0001", date(2026, 3, 2), "periodic"))
    report = tmp_path / "audit.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attach_audit_report(pg_db, audit.id, report)
    assert main(["--db", pg_db.url, "team", "grant", role, "--read-only", "--json"]) == 0
    assert '"read_only": true' in capsys.readouterr().out
    reader = open_workspace(url)
    try:
        assert reader.read_only and role in reader.read_only_reason
        assert [r.code for r in list_suppliers(reader)] == ["BD-0001"]
        rows = list_complaints(reader)
        assert [(r.reference, r.identity, r.summary) for r in rows] == [(c.row.reference, "hidden",
                                                                         "Overtime unpaid for March.")]
        assert complaint_detail(reader, c.id).identity_key_id == ""
        assert audit_report_copy(reader, audit.id).read_bytes() == report.read_bytes()  # the team's files: read too
        with pytest.raises(DatabaseError, match="read-only member"):
            create_supplier(reader, SupplierInput(name="Meghna Denim Ltd", code="BD-0002", country="Bangladesh"))
        with pytest.raises(UserError):
            reveal_identity(reader, c.id, "check who it was")
        with reader.engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text("SELECT identity_token FROM complaints"))
        with reader.engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text("UPDATE suppliers SET notes = 'x'"))
    finally:
        reader.dispose()
    code = main(["--db", url, "suppliers", "add", "Meghna Denim Ltd", "--code", "BD-0002", "--country",
                 "Bangladesh"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "read-only member" in err


def test_editor_member_reads_and_changes(pg_db, member, capsys):
    """`csrdesk team grant USER` (an editor): the member changes data and the history names their role."""
    from csrdesk.services.history import history_for
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import change_status

    role, url = member
    _complaint(pg_db)
    assert main(["--db", pg_db.url, "team", "grant", role]) == 0
    assert "reads and changes everything" in capsys.readouterr().out
    editor = open_workspace(url)
    try:
        assert not editor.read_only
        d = change_status(editor, "BD-0001", "vetting")
        assert [h.user for h in history_for(editor, "supplier", d.row.id) if h.new == "vetting"] == [role]
    finally:
        editor.dispose()


def test_grant_names_a_missing_role(pg_db, capsys):
    """A role that does not exist is refused with how to create it."""
    assert main(["--db", pg_db.url, "team", "grant", "nobody_here_xyz", "--read-only"]) == 2
    assert "createuser --pwprompt nobody_here_xyz" in capsys.readouterr().err
