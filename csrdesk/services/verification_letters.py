"""Letters of verification and escalation: the evidence request before a visit, the onsite report for the closing
meeting, and the letter of an escalation step, each with an e-mail draft where the factory needs one.

Like the CAP letters (services.letters): read in one session, plain context (exchange.letter_context), checked
template (English or bilingual, the user's copy first), rendered in the sandbox.
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from csrdesk.domain.verification import EscalationStep
from csrdesk.exchange import letter_context as lc
from csrdesk.exchange.letters import render_docx, render_text
from csrdesk.errors import NotFound, UserError
from csrdesk.services.escalations import escalation_history, supplier_escalation
from csrdesk.services.letters import (
    DraftResult, LetterJob, _cap_facts, _check_out_path, _load_cap, _supplier_facts, brand_facts, email_language,
    letter_file_name, letter_language, resolve_template,
)
from csrdesk.services.settings import load_preferences
from csrdesk.services.verification import BOOKED, visit_detail, visit_plan
from csrdesk.storage.db import Database
from csrdesk.storage.models import Supplier, VerificationVisit


# ---------------------------------------------------------------- the evidence request

def _visit_date(db: Database, cap_id: int, visit_date: Optional[date]) -> tuple[date, bool]:
    """The visit the evidence is for: the date given, else the booked date, else the date the visit falls due."""
    if visit_date is not None:
        return visit_date, False
    row = next((r for r in visit_plan(db) if r.cap_id == cap_id), None)
    if row is None:
        raise UserError(f"CAP #{cap_id} has no CAP meeting date (or is closed), so no visit is planned; record the "
                        "meeting first (caps meeting) or give the visit date.")
    return (row.booked_date, True) if row.booked_date else (row.visit_due, False)


def evidence_request_context(db: Database, cap_id: int, *, lang: Optional[str] = None,
                             visit_date: Optional[date] = None, today: Optional[date] = None,
                             job: Optional[LetterJob] = None) -> dict:
    job = job or LetterJob.prepare(db)
    today = today or date.today()
    day, booked = _visit_date(db, cap_id, visit_date)
    if visit_date is not None:
        with db.reading() as s:
            booked = s.scalar(select(VerificationVisit.id).where(
                VerificationVisit.cap_id == cap_id, VerificationVisit.status == BOOKED,
                VerificationVisit.visit_date == visit_date)) is not None
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, cap_id), job.library, job.prefs)
    language = letter_language(sup, job.prefs, lang)
    ctx = lc.evidence_request_context(brand_facts(job.prefs), sup, a, cap, visit_date=day, booked=booked,
                                      today=today, lang=language)
    if not ctx["evidence"]["count"]:
        raise UserError(f"No open item of CAP #{cap_id} ({sup.code}) is due by the visit on {day.isoformat()}; there "
                        "is no evidence to ask for.")
    return ctx


def render_evidence_request(db: Database, cap_id: int, out_path: Path, *, lang: Optional[str] = None,
                            visit_date: Optional[date] = None, template: Optional[str] = None,
                            today: Optional[date] = None) -> Path:
    """Writes the letter asking for evidence of every open item due by the visit (.docx)."""
    out_path = _check_out_path(out_path, ".docx")
    ctx = evidence_request_context(db, cap_id, lang=lang, visit_date=visit_date, today=today)
    return render_docx(resolve_template("evidence_request", template, ctx["letter"]["language"]), ctx, out_path)


def _draft(kind: str, ctx: dict, letter_path: Path, letter_name: str, target: Path, sup: lc.LetterSupplier,
           email_lang: str, cc_owner: bool) -> DraftResult:
    from csrdesk.exchange.email_draft import DOCX_MIME, Attachment, build_draft, split_subject, write_draft

    attachment = Attachment(letter_name, letter_path.read_bytes(), DOCX_MIME)
    body = resolve_template(kind, None, email_lang)
    subject, text = split_subject(render_text(body, lc.notice_email_context(kind, ctx, [letter_name])), body.name)
    prefs = ctx["brand"]
    sender = (prefs["user_name"], prefs["user_email"]) if prefs["user_email"] else None
    cc = [(sup.sourcing_owner, sup.sourcing_owner_email)] if cc_owner and sup.sourcing_owner_email else []
    message = build_draft(subject=subject, body=text, sender=sender, to=[(sup.contact_name, sup.contact_email)],
                          cc=cc, attachments=[attachment], language=email_lang)
    path = write_draft(message, target)
    return DraftResult(path=path, to=sup.contact_email, cc=sup.sourcing_owner_email if cc else "", subject=subject,
                       attachments=(letter_name,), tracker_attached=False)


def eml_target(target: Path, code: str, what: str) -> Path:
    target = Path(target)
    if target.is_dir():
        return target / letter_file_name(code, what, ".eml")
    if target.suffix.lower() != ".eml":
        raise UserError(f"The e-mail draft must be a .eml file or a folder: {target}")
    return target


def make_evidence_request_email(db: Database, cap_id: int, out_path_or_folder: Path, *, lang: Optional[str] = None,
                                visit_date: Optional[date] = None, today: Optional[date] = None) -> DraftResult:
    """An unsent e-mail draft to the factory's compliance contact with the evidence request attached."""
    job = LetterJob.prepare(db)
    with db.reading() as s:
        sup = _supplier_facts(s, _load_cap(s, cap_id).assessment.supplier)
    if not sup.contact_email:
        raise UserError(f"{sup.code} {sup.name} has no compliance contact with an e-mail address; add one first.")
    email_lang = email_language(sup) if not lang else ("zh" if lang.startswith("zh") else "en")
    letter_lang = lang or ("zh-en" if email_lang == "zh" else None)
    ctx = evidence_request_context(db, cap_id, lang=letter_lang, visit_date=visit_date, today=today, job=job)
    name = letter_file_name(sup.code, "Evidence request")
    with tempfile.TemporaryDirectory(prefix="csrdesk-mail-") as tmp:
        letter = render_docx(resolve_template("evidence_request", None, ctx["letter"]["language"]), ctx,
                             Path(tmp) / name)
        return _draft("email_evidence_request", ctx, letter, name,
                      eml_target(out_path_or_folder, sup.code, "Evidence request"), sup, email_lang, False)


# ---------------------------------------------------------------- the onsite report

def onsite_report_context(db: Database, visit_id: int, *, lang: Optional[str] = None,
                          today: Optional[date] = None) -> dict:
    v = visit_detail(db, visit_id)
    if v.status != "done":
        raise UserError(f"Visit {visit_id} is booked for {v.date.isoformat()} and not held yet; record its verdicts "
                        "first.")
    job = LetterJob.prepare(db)
    with db.reading() as s:
        sup, a, cap = _cap_facts(s, _load_cap(s, v.cap_id), job.library, job.prefs)
    facts = lc.VisitFacts(
        visit_id=v.id, visit_date=v.date, verifier=v.verifier, attendees=tuple((x.role, x.name) for x in v.attendees),
        evidence_before_visit=v.evidence_before_visit, progress_rate=v.progress_rate,
        progress_rate_before=None, suggested_category=v.suggested_category, category=v.category, notes=v.notes,
        results=tuple((r.item_id, r.verdict, r.note, r.new_due_date) for r in v.verdicts),
    )
    return lc.onsite_report_context(brand_facts(job.prefs), sup, a, cap, facts, today=today or date.today(),
                                    lang=letter_language(sup, job.prefs, lang))


def render_onsite_report(db: Database, visit_id: int, out_path: Path, *, lang: Optional[str] = None,
                         template: Optional[str] = None, today: Optional[date] = None) -> Path:
    """Writes the onsite report of a visit for the closing meeting (.docx): progress by area, items done, items
    wrong and why, next due dates."""
    out_path = _check_out_path(out_path, ".docx")
    ctx = onsite_report_context(db, visit_id, lang=lang, today=today)
    return render_docx(resolve_template("onsite_report", template, ctx["letter"]["language"]), ctx, out_path)


# ---------------------------------------------------------------- escalation letters

def escalation_letter_context(db: Database, supplier_code: str, *, lang: Optional[str] = None,
                              today: Optional[date] = None) -> tuple[dict, lc.LetterSupplier]:
    today = today or date.today()
    row = supplier_escalation(db, supplier_code, today)
    if row is None or row.step is None:
        raise UserError(f"{supplier_code} is not escalated; take a step first (escalations step).")
    history = escalation_history(db, supplier_code)
    current = history[-1]
    earlier = [h for h in history[:-1] if h.step != EscalationStep.RESOLVED.value]
    prefs = load_preferences(db)
    with db.reading() as s:
        supplier = s.scalar(select(Supplier).where(Supplier.code == supplier_code)
                            .options(selectinload(Supplier.contacts)))
        if supplier is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        sup = _supplier_facts(s, supplier)
    from csrdesk.services.trackers import master_supplier_rows

    progress = next((p for p in master_supplier_rows(db, today) if p.code == supplier_code), None)
    facts = lc.EscalationFacts(
        step=current.step, date=current.date, reason=current.reason, reasons=row.reasons,
        history=tuple((h.step, h.date, h.reason) for h in earlier),
        open_items=progress.open_items if progress else 0, overdue_items=progress.overdue_items if progress else 0,
        progress=progress.progress if progress else None,
    )
    return lc.escalation_context(brand_facts(prefs), sup, facts, today=today,
                                 lang=letter_language(sup, prefs, lang)), sup


def render_escalation_letter(db: Database, supplier_code: str, out_path: Path, *, lang: Optional[str] = None,
                             template: Optional[str] = None, today: Optional[date] = None) -> Path:
    """Writes the letter of the supplier's current escalation step (a warning letter...) (.docx)."""
    out_path = _check_out_path(out_path, ".docx")
    ctx, _sup = escalation_letter_context(db, supplier_code, lang=lang, today=today)
    return render_docx(resolve_template("escalation_letter", template, ctx["letter"]["language"]), ctx, out_path)


def make_escalation_email(db: Database, supplier_code: str, out_path_or_folder: Path, *, lang: Optional[str] = None,
                          today: Optional[date] = None) -> DraftResult:
    """An unsent e-mail draft with the escalation letter attached, the sourcing owner in copy."""
    ctx, sup = escalation_letter_context(db, supplier_code, lang=lang, today=today)
    if not sup.contact_email:
        raise UserError(f"{sup.code} {sup.name} has no compliance contact with an e-mail address; add one first.")
    email_lang = email_language(sup) if not lang else ("zh" if lang.startswith("zh") else "en")
    if not lang and email_lang == "zh":
        ctx, sup = escalation_letter_context(db, supplier_code, lang="zh-en", today=today)
    title = ctx["escalation"]["title"]
    name = letter_file_name(sup.code, title)
    with tempfile.TemporaryDirectory(prefix="csrdesk-mail-") as tmp:
        letter = render_docx(resolve_template("escalation_letter", None, ctx["letter"]["language"]), ctx,
                             Path(tmp) / name)
        return _draft("email_escalation", ctx, letter, name, eml_target(out_path_or_folder, sup.code, title), sup,
                      email_lang, True)
