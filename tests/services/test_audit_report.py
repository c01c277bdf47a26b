"""The audit report (PDF) kept with its assessment: checked, copied into the evidence folder, replaced, found again."""
from datetime import date

import pytest

from csrdesk import paths
from csrdesk.errors import UserError
from csrdesk.services import audit_report
from csrdesk.services.assessments import AssessmentInput, record_assessment
from csrdesk.services.history import history_for

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def assessment(db, supplier):
    return record_assessment(db, AssessmentInput("CN-0001", date(2026, 3, 2), "periodic")).id


def test_attach_keeps_a_copy_and_finds_it_again(db, assessment, tmp_path):
    """The PDF is copied into the evidence folder (the original may move), named in the history, and a second
    report replaces the first."""
    first = tmp_path / "SMETA report 2026-03.pdf"
    first.write_bytes(PDF)
    assert audit_report.audit_report(db, assessment) is None
    report = audit_report.attach_audit_report(db, assessment, first)
    first.unlink()
    again = audit_report.audit_report(db, assessment)
    assert again == report and again.exists and again.name == "SMETA report 2026-03.pdf"
    # Kept where everyone who opens this database reaches it: the data folder of a local workspace, the shared
    # database itself for a team (brought into this computer's cache when opened).
    copy = audit_report.audit_report_copy(db, assessment)
    assert copy == again.path and copy.read_bytes() == PDF
    assert (paths.evidence_dir() in copy.parents) == (db.engine.dialect.name == "sqlite")
    second = tmp_path / "corrected.pdf"
    second.write_bytes(PDF + b"% corrected\n")
    assert audit_report.attach_audit_report(db, assessment, second).name == "corrected.pdf"
    rows = [h for h in history_for(db, "assessment", assessment) if h.field == "audit report"]
    assert ("SMETA report 2026-03.pdf", "corrected.pdf") in [(h.old, h.new) for h in rows]
    assert (None, "SMETA report 2026-03.pdf") in [(h.old, h.new) for h in rows]


def test_refuses_what_is_no_report(db, assessment, tmp_path, monkeypatch):
    """A missing file, an empty one, a Word file renamed .pdf, and a file over the size limit are refused with the
    reason, and nothing is attached."""
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    word = tmp_path / "report.pdf"
    word.write_bytes(b"PK\x03\x04 a docx in disguise")
    big = tmp_path / "big.pdf"
    big.write_bytes(PDF + b"0" * 2048)
    monkeypatch.setattr(audit_report, "MAX_REPORT_BYTES", 1024)
    for path, words in ((tmp_path / "none.pdf", "is not a file"), (empty, "is empty"), (word, "is not a PDF"),
                        (big, "is 2 KB, more than the 1 KB")):
        with pytest.raises(UserError, match=words):
            audit_report.attach_audit_report(db, assessment, path)
    assert audit_report.audit_report(db, assessment) is None
    small = tmp_path / "small.pdf"
    small.write_bytes(PDF)
    with pytest.raises(UserError, match="No assessment"):
        audit_report.attach_audit_report(db, 9999, small)
