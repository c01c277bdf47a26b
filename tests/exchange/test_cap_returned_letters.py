"""The "CAP returned" letter and e-mail: each item the review returned, with the brand's comment, in English and
bilingual; read back by python-docx, LibreOffice (PDF) and the e-mail parser."""
import email
import email.header
from datetime import date

import pytest

from csrdesk.errors import UserError
from csrdesk.services import caps as caps_service
from csrdesk.services import review
from csrdesk.services.cap_returned import make_cap_returned_email, render_cap_returned_letter
from tests.exchange.letter_support import (
    SOFFICE, add_supplier, assert_valid_docx, brand_settings, docx_text, make_cap, pdf_text,
)

TODAY = date(2026, 3, 1)
COMMENT = "The root cause restates the finding: say why overtime is planned into every week"


@pytest.fixture
def returned(db):
    """A CAP whose review accepted the recruitment-fees item and returned the overtime item with a comment."""
    brand_settings(db)
    add_supplier(db, "CN-0001", language="zh")
    cap_id = make_cap(db)
    ids = [i.row.id for i in caps_service.cap_detail(db, cap_id).items]
    caps_service.change_cap_status(db, cap_id, "response received")
    review.review_cap(db, cap_id, approve=False, comments={ids[1]: COMMENT, ids[2]: "Fine as planned"},
                      decisions={ids[0]: "accept", ids[1]: "return", ids[2]: "accept"}, today=TODAY)
    return cap_id, ids


def test_a_letter_written_days_after_the_return_asks_by_the_reviews_date(db, returned, tmp_path):
    """Written three days after the review, the letter asks for the revision by the date the review set (the date
    the CAPs page shows), not 14 days from the letter (the two disagreed)."""
    from datetime import timedelta

    cap_id, _ids = returned
    assert caps_service.cap_detail(db, cap_id, today=TODAY).response_due == date(2026, 3, 15)
    path = render_cap_returned_letter(db, cap_id, tmp_path / "later.docx", lang="en", today=TODAY + timedelta(days=3))
    text = docx_text(path)
    assert "15 March 2026" in text and "18 March 2026" not in text


def test_returned_letter_lists_each_returned_item_with_its_comment(db, returned, tmp_path):
    """The English letter names the returned item, the factory's answer cell and our comment; the accepted items
    are counted, not listed; a CAP with nothing returned is refused."""
    cap_id, ids = returned
    path = render_cap_returned_letter(db, cap_id, tmp_path / "returned.docx", lang="en", today=TODAY)
    assert_valid_docx(path)
    text = docx_text(path)
    assert "Corrective Action Plan returned for revision: 1 item to revise" in text
    assert "Overtime above 36 hours a month" in text and COMMENT in text
    assert "Workers paid recruitment fees" not in text  # accepted: counted, not listed
    assert "accept 2 items" in text and "15 March 2026" in text  # 14 days to answer
    other = make_cap(db, on=date(2026, 2, 1))
    with pytest.raises(UserError, match="nothing to send back"):
        render_cap_returned_letter(db, other, tmp_path / "none.docx", today=TODAY)


def test_bilingual_returned_letter_has_the_chinese_under_the_english(db, returned, tmp_path):
    cap_id, _ids = returned
    path = render_cap_returned_letter(db, cap_id, tmp_path / "returned-zh.docx", lang="zh-en", today=TODAY)
    text = docx_text(path)
    assert "纠正措施计划退回修改：1项需修改" in text and "品牌意见" in text
    assert "Our comment" in text and COMMENT in text and "Root cause / 根本原因: " in text


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("lang", ["en", "zh-en"])
def test_the_closing_and_signature_keep_with_the_last_paragraph_of_the_letter(db, returned, tmp_path, lang):
    """Without a production block (a paragraph the letter prints only sometimes), the last step still keeps with
    "Yours sincerely" and the signature, so they never stand alone at the top of a page (the fresh new-user pass
    found them alone on page 2: only the production block's paragraph kept with them)."""
    import docx

    cap_id, _ids = returned
    path = render_cap_returned_letter(db, cap_id, tmp_path / f"closing-{lang}.docx", lang=lang, today=TODAY)
    paragraphs = [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    closing = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Yours sincerely"))
    before = paragraphs[closing - 1]
    assert ("Send the tracker back" if lang == "en" else "将跟踪表发回") in before.text  # the last step's last line
    assert before.paragraph_format.keep_with_next


def test_libreoffice_prints_the_returned_letter(db, returned, tmp_path):
    """As a PDF the letter shows the comment and the returned item, in Chinese too."""
    cap_id, _ids = returned
    path = render_cap_returned_letter(db, cap_id, tmp_path / "returned-pdf.docx", lang="zh-en", today=TODAY)
    text = " ".join(pdf_text(path, tmp_path).split())
    assert "returned for revision" in text and "退回修改" in text
    assert "restates" in text and "Overtime above 36" in text and "Our comment" in text and "品牌意见" in text


@pytest.mark.parametrize("lang, words", [("en", "Our comment: " + COMMENT), ("zh", "品牌意见 / Our comment: " + COMMENT)])
def test_returned_email_carries_the_comment_the_letter_and_the_tracker(db, returned, tmp_path, lang, words):
    """The draft to the compliance contact (sourcing owner copied) lists each returned item with our comment in its
    body, and attaches the letter and a fresh tracker."""
    cap_id, ids = returned
    draft = make_cap_returned_email(db, cap_id, tmp_path / f"returned-{lang}.eml", lang=lang, today=TODAY)
    message = email.message_from_bytes(draft.path.read_bytes())
    assert message["To"].endswith("<factory@example.com>") and "tom.buyer@northwind.example" in message["Cc"]
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert names == ["CAP returned CN-0001.docx", "CAP tracker CN-0001.xlsx"]
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    body = body.decode("utf-8")
    assert words in body and f"item {ids[1]}" in body.replace("项目编号 ", "item ")
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "CAP returned for revision" in subject
