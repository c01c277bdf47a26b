"""Evidence, audit reports and templates for everyone in a team: a shared database keeps them itself, so a member on
another computer (another data folder, another cache) opens what a colleague attached or shared; the limits and
checks are the same as for a local workspace, and a failed attachment keeps nothing anywhere."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from csrdesk import paths
from csrdesk.errors import NotFound, UserError
from csrdesk.services import audit_report, caps as caps_service, shared_files
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.letters import list_templates, render_cap_letter
from csrdesk.services.shared_templates import share_template, shared_templates, unshare_template
from csrdesk.services.startup import open_workspace
from csrdesk.storage.models import SharedTemplate, StoredFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def cap(db, supplier):
    detail = record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=[
        FindingInput(title="Fire exit locked during working hours", severity="critical")]))
    return detail


def _another_computer(monkeypatch, tmp_path: Path, name: str) -> Path:
    """A member's computer: its own data folder, templates folder and cache (nothing of the first one's)."""
    home = tmp_path / name
    monkeypatch.setenv("CSRDESK_HOME", str(home))
    return home


def _count(db, model) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_evidence_and_limits_are_the_same_on_both_engines(db, cap, tmp_path, monkeypatch):
    """An empty file or one over the limit is refused with the reason and attaches nothing; a good one is kept
    where this database keeps files and opens again, whole."""
    item_id = caps_service.cap_detail(db, cap.cap_id).items[0].row.id
    empty = tmp_path / "blank.jpg"
    empty.write_bytes(b"")
    big = tmp_path / "drill.mp4"
    big.write_bytes(b"0" * 4096)
    monkeypatch.setattr(shared_files, "MAX_EVIDENCE_BYTES", 2048)
    for path, words in ((empty, "blank.jpg is empty"), (big, "drill.mp4 is 4 KB, more than the 2 KB")):
        with pytest.raises(UserError, match=words):
            caps_service.attach_evidence_files(db, item_id, [path])
    assert caps_service.item_detail(db, item_id).evidence == ()
    photo = tmp_path / "exit-open.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"photo of the open exit" * 50)
    info = caps_service.attach_evidence(db, item_id, photo, note="after")
    photo.unlink()  # the original moves away: the kept copy is what opens
    assert info.exists and caps_service.evidence_copy(db, info.id).read_bytes().startswith(b"\xff\xd8\xff")


def test_a_colleague_on_another_computer_opens_the_evidence(pg_db, tmp_path, monkeypatch):
    """Li Na attaches a photo and the audit report on her computer; Ahmed, on his, sees both as present and opens
    them whole (brought from the database into his cache, checked by SHA-256). Li Na's data folder holds no copy:
    the shared database is where the team's files are."""
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    create_supplier(pg_db, SupplierInput(name="Golden Thread Garments", code="CN-0001", country="China"))
    detail = record_assessment(pg_db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=[
        FindingInput(title="Fire exit locked during working hours", severity="critical")]))
    item_id = caps_service.cap_detail(pg_db, detail.cap_id).items[0].row.id
    photo = tmp_path / "exit-open.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + os.urandom(3000))
    report = tmp_path / "SMETA 2026-03.pdf"
    report.write_bytes(PDF)
    caps_service.attach_evidence(pg_db, item_id, photo, note="exit open, 2026-04-02")
    audit_report.attach_audit_report(pg_db, detail.id, report)
    assert not [f for f in paths.evidence_dir().rglob("*") if f.is_file()]
    assert _count(pg_db, StoredFile) == 2

    _another_computer(monkeypatch, tmp_path, "ahmed")
    ahmed = open_workspace(pg_db.url)
    try:
        shown = caps_service.item_detail(ahmed, item_id).evidence
        assert [(e.original_name, e.exists, e.note) for e in shown] == [("exit-open.jpg", True, "exit open, 2026-04-02")]
        assert not shown[0].path.exists()  # not on his computer until he opens it
        opened = caps_service.evidence_copy(ahmed, shown[0].id)
        assert opened == shown[0].path and opened.read_bytes() == photo.read_bytes()
        assert str(tmp_path / "ahmed") in str(opened)
        kept = audit_report.audit_report(ahmed, detail.id)
        assert kept.exists and audit_report.audit_report_copy(ahmed, detail.id).read_bytes() == PDF
        # A copy in his cache that went bad is noticed and brought again.
        opened.write_bytes(b"damaged")
        assert caps_service.evidence_copy(ahmed, shown[0].id).read_bytes() == photo.read_bytes()
    finally:
        ahmed.dispose()


def test_a_failed_attachment_keeps_nothing_in_the_shared_database(pg_db, tmp_path):
    """All or nothing: an attachment to an item that is gone leaves no file content behind in the database."""
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + os.urandom(500))
    with pytest.raises(NotFound):
        caps_service.attach_evidence_files(pg_db, 999_999, [photo])
    assert _count(pg_db, StoredFile) == 0


def _team_letter_template(name: str, marker: str) -> Path:
    from csrdesk.services.letters import copy_default_template

    path = copy_default_template("cap_letter_en.docx", name)
    document = docx.Document(str(path))
    document.add_paragraph(marker)
    document.save(str(path))
    return path


def test_a_shared_template_is_used_by_every_member(pg_db, cap_on_server, tmp_path, monkeypatch):
    """The manager shares her edited CAP letter; a member on another computer lists it as the team's and his letter
    carries its text. A template with a typo is refused at sharing, and nothing is shared. Unsharing takes it away
    from the members."""
    _team_letter_template("cap_letter_team.docx", "Our team letterhead 2027")
    info = share_template(pg_db, "cap_letter_team")
    assert info.name == "cap_letter_team.docx" and info.size > 1000 and info.shared_by
    broken = docx.Document()
    broken.add_paragraph("Dear {{ supplier.name ")
    broken.save(str(paths.user_templates_dir() / "cap_letter_typo.docx"))
    with pytest.raises(UserError, match="cap_letter_typo"):
        share_template(pg_db, "cap_letter_typo.docx")
    assert [t.name for t in shared_templates(pg_db)] == ["cap_letter_team.docx"]

    _another_computer(monkeypatch, tmp_path, "member")
    member = open_workspace(pg_db.url)
    try:
        team = [t for t in list_templates("cap_letter") if t.source == "team"]
        assert [(t.name, t.in_use) for t in team] == [("cap_letter_team.docx", True)]
        out = tmp_path / "letter.docx"
        render_cap_letter(member, cap_on_server, out, template="cap_letter_team")
        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
        assert "Our team letterhead 2027" in text
        assert unshare_template(member, "cap_letter_team") == "cap_letter_team.docx"
        assert not [t for t in list_templates("cap_letter") if t.source == "team"]
        with pytest.raises(UserError, match="No template named 'cap_letter_team'"):
            render_cap_letter(member, cap_on_server, tmp_path / "again.docx", template="cap_letter_team")
    finally:
        member.dispose()
    assert _count(pg_db, SharedTemplate) == 0


def test_sharing_needs_a_team_database(db, tmp_path):
    """A local workspace has one templates folder: sharing says so instead of pretending."""
    if db.engine.dialect.name != "sqlite":
        _team_letter_template("cap_letter_x.docx", "x")
        assert share_template(db, "cap_letter_x").name == "cap_letter_x.docx"
        return
    _team_letter_template("cap_letter_x.docx", "x")
    with pytest.raises(UserError, match="shared team database"):
        share_template(db, "cap_letter_x")


@pytest.fixture
def cap_on_server(pg_db):
    from csrdesk.services.suppliers import ContactInput, SupplierInput, create_supplier

    create_supplier(pg_db, SupplierInput(name="Golden Thread Garments", code="CN-0001", country="China", contacts=[
        ContactInput(role="compliance contact", name="Li Wei", email="li.wei@example.cn", language="en")]))
    detail = record_assessment(pg_db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic", findings=[
        FindingInput(title="Fire exit locked during working hours", severity="critical")]))
    return detail.cap_id


def test_templates_share_from_the_command_line(pg_db, capsys):
    """`csrdesk templates share NAME --json` and `templates list --json` on the team's database: the shared template
    is listed with source "team" once this computer's copy is gone; a refused one exits 2 with one line."""
    import json

    from csrdesk.cli import main

    own = _team_letter_template("cap_letter_cli.docx", "Shared from the command line")
    assert main(["--db", pg_db.url, "templates", "share", "cap_letter_cli", "--json"]) == 0
    shared = json.loads(capsys.readouterr().out)
    assert shared["name"] == "cap_letter_cli.docx" and shared["size"] == own.stat().st_size
    own.unlink()
    assert main(["--db", pg_db.url, "templates", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name": "cap_letter_cli.docx", "source": "team"}.items() <= next(
        r for r in rows if r["name"] == "cap_letter_cli.docx").items()
    assert main(["--db", pg_db.url, "templates", "share", "cap_letter_nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no template 'cap_letter_nothing' in your templates folder" in err
