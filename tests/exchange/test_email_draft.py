"""E-mail drafts: an unsent .eml to the factory, the sourcing owner in copy, in the factory's language, letter and
tracker attached, read back with the standard email package."""
from __future__ import annotations

import email
import io
from datetime import date
from email import policy

import docx
import openpyxl
import pytest

from csrdesk.exchange.email_draft import (
    DOCX_MIME, XLSX_MIME, Attachment, build_draft, open_with_default_program, safe_filename, split_subject,
)
from csrdesk.errors import UserError

from letter_support import add_supplier, brand_settings, make_cap

TODAY = date(2026, 1, 20)


def read_eml(path):
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


@pytest.fixture
def zh_cap(db):
    brand_settings(db)
    add_supplier(db, "CN-0001", language="zh", email="li.wei@example.cn", name="Golden Thread Garments Co., Ltd")
    return make_cap(db, "CN-0001")


def test_draft_to_a_chinese_factory(db, zh_cap, tmp_path):
    """The draft is unsent, to the compliance contact with the sourcing owner in Cc, in Chinese, with two attachments."""
    from csrdesk.services.letters import make_email_draft

    path = make_email_draft(db, zh_cap, tmp_path / "draft.eml", today=TODAY)
    msg = read_eml(path)
    assert msg["X-Unsent"] == "1"
    assert "li.wei@example.cn" in msg["To"] and "Chen Jing" in msg["To"]
    assert msg["Cc"] == "Tom Buyer <tom.buyer@northwind.example>"
    assert msg["From"] == "Jane Doe <csr@northwind.example>"
    assert msg["Subject"].startswith("纠正措施计划 CAP-CN-0001-")
    body = msg.get_body(("plain",)).get_content()
    assert "您好" in body and "不满意" in body and "Jane Doe" in body
    attachments = list(msg.iter_attachments())
    assert [a.get_content_type() for a in attachments] == [DOCX_MIME, XLSX_MIME]
    assert [a.get_filename() for a in attachments] == ["CAP letter CN-0001.docx", "CAP tracker CN-0001.xlsx"]
    letter = docx.Document(io.BytesIO(attachments[0].get_content()))
    letter_text = "\n".join(p.text for p in letter.paragraphs)
    assert "评估结果" in letter_text  # a Chinese-speaking factory gets the bilingual letter
    workbook = openpyxl.load_workbook(io.BytesIO(attachments[1].get_content()))
    assert len(workbook.sheetnames) >= 2


def test_draft_to_an_english_factory(db, tmp_path):
    """An English-speaking contact gets an English subject, body and letter."""
    from csrdesk.services.letters import make_email_draft

    brand_settings(db)
    add_supplier(db, "VN-0001", email="qa@factory.vn", name="Saigon Knit")
    cap_id = make_cap(db, "VN-0001")
    msg = read_eml(make_email_draft(db, cap_id, tmp_path / "d.eml", today=TODAY))
    assert msg["Subject"].startswith("Corrective Action Plan CAP-VN-0001-") and "Saigon Knit" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Dear Chen Jing,") and "return it to us by" in body
    assert len(list(msg.iter_attachments())) == 2


def test_draft_saved_into_a_folder_gets_a_name(db, zh_cap, tmp_path):
    """Given a folder, the draft is saved in it under the supplier's code, with CRLF line ends as mail programs use."""
    from csrdesk.services.letters import make_email_draft

    folder = tmp_path / "out"
    folder.mkdir()
    path = make_email_draft(db, zh_cap, folder, today=TODAY)
    assert path.parent == folder and path.name == "CAP e-mail CN-0001.eml"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_letter_only_when_the_tracker_is_not_wanted(db, zh_cap, tmp_path):
    """Without the tracker the draft carries the letter alone."""
    from csrdesk.services.letters import make_email_draft

    msg = read_eml(make_email_draft(db, zh_cap, tmp_path / "d.eml", attach_tracker=False, today=TODAY))
    assert [a.get_content_type() for a in msg.iter_attachments()] == [DOCX_MIME]


def test_no_contact_email_is_refused_and_nothing_written(db, tmp_path):
    """A factory without a contact e-mail address gets a clear message and no draft."""
    from csrdesk.services.letters import make_email_draft

    add_supplier(db, "BD-0001", email=None)
    cap_id = make_cap(db, "BD-0001")
    out = tmp_path / "out"
    with pytest.raises(UserError, match="no compliance contact with an e-mail address"):
        make_email_draft(db, cap_id, out / "d.eml")
    assert not out.exists()


def test_non_ascii_attachment_names_survive():
    """Chinese file names are written as RFC 2231 UTF-8 parameters and read back exactly; old readers get ASCII."""
    msg = build_draft(subject="测试 subject", body="正文\n", to=[("李伟", "li@example.cn")],
                      attachments=[Attachment("CAP函 金线服装.docx", b"PK\x03\x04data", DOCX_MIME)], language="zh")
    raw = msg.as_bytes()
    assert b"filename*=utf-8''CAP%E5%87%BD" in raw.replace(b"\r\n ", b"").replace(b'"', b"")
    back = email.message_from_bytes(raw, policy=policy.default)
    part = next(back.iter_attachments())
    assert part.get_filename() == "CAP函 金线服装.docx"
    assert part.get_content_type() == DOCX_MIME and part.get_content() == b"PK\x03\x04data"
    assert part.get_param("name") == "CAP.docx"
    assert back["Subject"] == "测试 subject" and back["To"].addresses[0].display_name == "李伟"
    assert back.get_body(("plain",)).get_content().replace("\r\n", "\n") == "正文\n"  # canonical CRLF in base64


def test_bad_addresses_and_templates_are_refused():
    """An address without @, a template without a subject line: clear messages."""
    with pytest.raises(UserError, match="not an e-mail address"):
        build_draft(subject="s", body="b", to=[("x", "not-an-address")])
    with pytest.raises(UserError, match="must start with a line 'Subject: ...'"):
        split_subject("Dear all,\nbody")
    assert split_subject("\nSubject:  CAP  12 \nDear Li,\n\nText\n") == ("CAP 12", "Dear Li,\n\nText\n")


def test_file_names_are_safe_everywhere():
    """Characters Windows refuses are replaced; letters of any script are kept."""
    assert safe_filename('CAP: "A/B" <金线>?') == "CAP A B 金线"
    assert safe_filename("CON") == "letter" and safe_filename("  ..  ") == "letter"


def test_opening_uses_the_system_program(tmp_path, monkeypatch):
    """On Linux the draft is handed to xdg-open, which opens the default mail program."""
    import subprocess
    import sys

    calls = []
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(subprocess, "Popen", lambda args, **kw: calls.append(args))
    path = tmp_path / "d.eml"
    path.write_bytes(b"X-Unsent: 1\r\n\r\n")
    open_with_default_program(path)
    assert calls == [["xdg-open", str(path)]]
    with pytest.raises(UserError, match="does not exist"):
        open_with_default_program(tmp_path / "missing.eml")
