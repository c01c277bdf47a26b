"""The "CAP returned" letter and e-mail: after a CAP review returns items to the factory, each returned item with
the brand's comment (English, or bilingual English and Chinese), the CAP tracker attached to the e-mail.

Like the other letters (services.letters): read in one session, plain context (exchange.letter_context), checked
template (the user's copy first), rendered in the sandbox.
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Optional

from csrdesk.exchange import letter_context as lc
from csrdesk.exchange.letters import render_docx
from csrdesk.errors import UserError
from csrdesk.services.letters import (
    DraftResult, LetterJob, _cap_facts, _check_out_path, _load_cap, _supplier_facts, brand_facts, email_language,
    letter_file_name, letter_language, resolve_template,
)
from csrdesk.storage.db import Database

WHAT = "CAP returned"


def cap_returned_context(db: Database, cap_id: int, *, lang: Optional[str] = None, today: Optional[date] = None,
                         job: Optional[LetterJob] = None) -> dict:
    """The letter's context; refused when the CAP review returned no item."""
    job = job or LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    ctx = lc.cap_returned_context(brand_facts(job.prefs), sup, a, cap, today=today or date.today(),
                                  lang=letter_language(sup, job.prefs, lang))
    if not ctx["returned"]["count"]:
        raise UserError(f"No item of CAP #{cap_id} ({sup.code}) was returned at a CAP review: there is nothing to "
                        "send back. Return items with a comment in the review first.")
    return ctx


def render_cap_returned_letter(db: Database, cap_id: int, out_path: Path, *, lang: Optional[str] = None,
                               template: Optional[str] = None, today: Optional[date] = None) -> Path:
    """Writes the letter listing every returned item with the brand's comment (.docx)."""
    out_path = _check_out_path(out_path, ".docx")
    ctx = cap_returned_context(db, cap_id, lang=lang, today=today)
    return render_docx(resolve_template("cap_returned", template, ctx["letter"]["language"]), ctx, out_path)


def make_cap_returned_email(db: Database, cap_id: int, out_path_or_folder: Path, *, lang: Optional[str] = None,
                            today: Optional[date] = None) -> DraftResult:
    """An unsent e-mail draft to the factory's compliance contact: the returned items with comments in the body,
    the letter and a fresh CAP tracker (with the comments beside the items) attached."""
    from csrdesk.exchange.email_draft import DOCX_MIME, XLSX_MIME, Attachment, build_draft, split_subject, write_draft
    from csrdesk.exchange.letters import render_text
    from csrdesk.services.trackers import export_tracker
    from csrdesk.services.verification_letters import eml_target

    job = LetterJob.prepare(db)
    with db.reading() as s:
        sup = _supplier_facts(s, _load_cap(s, cap_id).assessment.supplier)
    if not sup.contact_email:
        raise UserError(f"{sup.code} {sup.name} has no compliance contact with an e-mail address; add one first.")
    email_lang = email_language(sup) if not lang else ("zh" if lang.startswith("zh") else "en")
    letter_lang = "zh-en" if email_lang == "zh" else (lang or None)  # a Chinese e-mail carries the bilingual letter
    ctx = cap_returned_context(db, cap_id, lang=letter_lang, today=today, job=job)
    letter_name = letter_file_name(sup.code, WHAT)
    tracker_name = letter_file_name(sup.code, "CAP tracker", ".xlsx")
    target = eml_target(out_path_or_folder, sup.code, WHAT)
    with tempfile.TemporaryDirectory(prefix="csrdesk-mail-") as tmp:
        letter = render_docx(resolve_template("cap_returned", None, ctx["letter"]["language"]), ctx,
                             Path(tmp) / letter_name)
        tracker = export_tracker(db, cap_id, Path(tmp) / tracker_name)
        attachments = [Attachment(letter_name, letter.read_bytes(), DOCX_MIME),
                       Attachment(tracker_name, Path(tracker).read_bytes(), XLSX_MIME)]
        body = resolve_template("email_cap_returned", None, email_lang)
        subject, text = split_subject(
            render_text(body, lc.notice_email_context("email_cap_returned", ctx, [letter_name, tracker_name])),
            body.name)
        brand = ctx["brand"]
        sender = (brand["user_name"], brand["user_email"]) if brand["user_email"] else None
        cc = [(sup.sourcing_owner, sup.sourcing_owner_email)] if sup.sourcing_owner_email else []
        message = build_draft(subject=subject, body=text, sender=sender, to=[(sup.contact_name, sup.contact_email)],
                              cc=cc, attachments=attachments, language=email_lang)
        path = write_draft(message, target)
    return DraftResult(path=path, to=sup.contact_email, cc=sup.sourcing_owner_email if cc else "", subject=subject,
                       attachments=(letter_name, tracker_name), tracker_attached=True)
