"""Evidence request, onsite report and escalation letters: written from the defaults, read back by real readers."""
import email
from datetime import date

import pytest

from csrdesk.errors import UserError
from csrdesk.services import caps as caps_service
from csrdesk.services.escalations import escalate
from csrdesk.services.verification import VerdictInput, book_visit, record_visit, set_meeting_date
from csrdesk.services.verification_letters import (
    make_escalation_email, make_evidence_request_email, render_escalation_letter, render_evidence_request,
    render_onsite_report,
)
from tests.exchange.letter_support import (
    SOFFICE, add_supplier, assert_valid_docx, brand_settings, docx_text, make_cap, pdf_text,
)

TODAY = date(2026, 3, 1)


@pytest.fixture
def cap(db):
    brand_settings(db)
    add_supplier(db, "CN-0001", language="zh")
    cap_id = make_cap(db)
    set_meeting_date(db, cap_id, date(2026, 1, 25))
    return cap_id


def _visit(db, cap_id):
    ids = [i.row.id for i in caps_service.cap_detail(db, cap_id).items]
    book_visit(db, cap_id, date(2026, 2, 27), attendees=["brand: Jane Doe", "worker representative: 张敏", "union"])
    return record_visit(db, cap_id, date(2026, 2, 27), [
        VerdictInput(ids[0], "done_correctly", "押金已全部退还"),
        VerdictInput(ids[1], "not_done", "Still 70 hours a week"),
        VerdictInput(ids[2], "not_checked", "Cutting floor closed"),
    ], verifier="B. Verifier", today=TODAY)


def test_evidence_request_lists_items_due_by_the_visit_in_both_languages(db, cap, tmp_path):
    """Items due by the visit date, the date evidence is wanted by; bilingual with the Chinese under the English."""
    path = render_evidence_request(db, cap, tmp_path / "request.docx", lang="zh-en", visit_date=date(2026, 3, 20),
                                   today=TODAY)
    assert_valid_docx(path)
    text = docx_text(path)
    assert "Evidence before the verification visit on 20 March 2026" in text
    assert "核查访问（2026年3月20日）前请提交整改证据" in text
    assert "Workers paid recruitment fees to an agent" in text
    assert "13 March 2026" in text  # a week before the visit
    with pytest.raises(UserError, match="no evidence to ask for"):
        render_evidence_request(db, cap, tmp_path / "none.docx", visit_date=date(2026, 1, 10), today=TODAY)


def test_evidence_request_email_draft_has_the_letter_attached(db, cap, tmp_path):
    draft = make_evidence_request_email(db, cap, tmp_path / "request.eml", visit_date=date(2026, 3, 20), today=TODAY)
    message = email.message_from_bytes(draft.path.read_bytes())
    assert message["To"].endswith("<factory@example.com>") and not message["Cc"]
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert names == ["Evidence request CN-0001.docx"]
    assert "核查访问" in str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_onsite_report_gives_progress_by_area_and_what_to_put_right(db, cap, tmp_path):
    visit = _visit(db, cap)
    path = render_onsite_report(db, visit.id, tmp_path / "report.docx", lang="en", today=TODAY)
    text = docx_text(path)
    assert "Onsite report of the verification visit on 27 February 2026" in text
    assert "33.3% of the CAP's items completed" in text
    assert "Still 70 hours a week" in text and "Cutting floor closed" in text
    assert "worker representative (张敏)" in text


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_bilingual_onsite_report_opens_in_libreoffice(db, cap, tmp_path):
    """LibreOffice prints the bilingual onsite report with its areas, verdicts, notes and Chinese."""
    visit = _visit(db, cap)
    path = render_onsite_report(db, visit.id, tmp_path / "report.docx", lang="zh-en", today=TODAY)
    text = " ".join(pdf_text(path, tmp_path).split())
    assert "Onsite report of the verification visit" in text and "整改核查现场报告" in text
    assert "Progress by area" in text and "各领域进展" in text
    assert "押金已全部退还" in "".join(text.split()) and "Still 70 hours a week" in text  # Chinese wraps anywhere
    assert "Not done" in text and "未完成" in text


def test_warning_letter_and_its_email_copy_the_sourcing_owner(db, cap, tmp_path):
    """The letter of the current step says what it is; the e-mail draft copies the sourcing owner."""
    with pytest.raises(UserError, match="not escalated"):
        render_escalation_letter(db, "CN-0001", tmp_path / "x.docx")
    escalate(db, "CN-0001", "reminder", "Visit overdue", on=date(2026, 2, 10))
    escalate(db, "CN-0001", "warning_letter", "No evidence after the reminder", on=TODAY)
    path = render_escalation_letter(db, "CN-0001", tmp_path / "warning.docx", lang="zh-en", today=TODAY)
    text = docx_text(path)
    assert "Warning letter: remediation at Factory CN-0001" in text and "警告函" in text
    assert "This is a formal warning." in text and "Reminder" in text and "Tom Buyer" in text
    draft = make_escalation_email(db, "CN-0001", tmp_path, today=TODAY)
    message = email.message_from_bytes(draft.path.read_bytes())
    assert "tom.buyer@northwind.example" in message["Cc"]
