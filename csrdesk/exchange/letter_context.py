"""The plain-dict context a letter or e-mail template sees, built from plain facts gathered by the services.

Every key here is documented in docs/templates.md (a test holds the two together). Everything is a string, number,
boolean, list or dict, so templates run in the sandbox and cannot reach the database. Every date X comes three
ways: X ("12 March 2025"), X_zh ("2025年3月12日") and X_iso ("2025-03-12"); a missing date is "".
Text from outside (auditors, factories, users) is cleaned of characters a Word file cannot hold; escaping is the
renderer's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Optional, Sequence

from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.domain.scoring import Rating, Severity
from csrdesk.domain.verification import (
    ESCALATION_LABELS, PROGRESS_CATEGORIES as CATEGORY_TEXTS, EscalationStep, Verdict, VerdictError, next_step,
    parse_verdict,
)

REMINDER_REPLY_DAYS = 7  # an overdue reminder asks for evidence or a new plan within a week
VERIFICATION_REPLY_DAYS = 30  # items not done after a verification visit get a month for a corrected plan
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

RATING_ZH = {
    Rating.SATISFACTORY: "满意",
    Rating.NEEDS_IMPROVEMENT: "需要改进",
    Rating.UNSATISFACTORY: "不满意",
    Rating.ZERO_TOLERANCE: "零容忍",
    Rating.DENIED: "拒绝审核",
}
RATING_MEANING_ZH = {
    Rating.SATISFACTORY: "无违规或仅有轻微违规。可以继续生产；发现的问题须通过纠正措施计划（CAP）予以纠正。",
    Rating.NEEDS_IMPROVEMENT: "存在中等风险的违规。必须通过纠正措施计划（CAP）流程予以纠正、验证并关闭。",
    Rating.UNSATISFACTORY: "存在不可接受的做法和重大风险。需要进行跟进审核，以验证所有预防措施的落实情况。",
    Rating.ZERO_TOLERANCE: "存在极其严重的违规。该工厂不得用于生产。",
    Rating.DENIED: "审核员被拒绝进入工厂。视为可能存在严重问题；不允许生产。",
}
# Light tints of the rating colours, for shading the rating cell of a letter behind dark text.
RATING_SHADE = {
    Rating.SATISFACTORY: "DDEFDD",
    Rating.NEEDS_IMPROVEMENT: "FFF1C2",
    Rating.UNSATISFACTORY: "FFDDC2",
    Rating.ZERO_TOLERANCE: "F6CCCC",
    Rating.DENIED: "E6D5EF",
}
SEVERITY_ZH = {
    Severity.MINOR: "轻微",
    Severity.MAJOR: "重大",
    Severity.CRITICAL: "严重",
    Severity.ZERO_TOLERANCE: "零容忍",
}
# Shades for a severity cell in a findings table (docxtpl's cellbg takes hex without '#').
SEVERITY_SHADE = {
    Severity.MINOR: "E8F1FA",
    Severity.MAJOR: "FFF3D6",
    Severity.CRITICAL: "FDE0CC",
    Severity.ZERO_TOLERANCE: "F8D0D0",
}
ITEM_STATUS_ZH = {
    ItemStatus.OPEN: "待处理",
    ItemStatus.ACTION_PLANNED: "已制定措施",
    ItemStatus.EVIDENCE_SUBMITTED: "已提交证据",
    ItemStatus.VERIFIED: "已验证",
    ItemStatus.CLOSED: "已关闭",
}
ASSESSMENT_TYPE_ZH = {
    "pre-production": "生产前评估",
    "periodic": "定期评估",
    "follow-up": "跟进评估",
    "verification visit": "验证访问",
    "unannounced": "突击评估",
}
OUTCOME_ZH = {v.label: v.label_zh for v in Verdict}
PROGRESS_CATEGORIES = CATEGORY_TEXTS
ATTENDEE_ZH = {"brand": "品牌", "verifier": "核查员", "worker representative": "工人代表", "union": "工会",
               "factory management": "工厂管理层"}
EVIDENCE_LEAD_DAYS = 7  # evidence is asked for a week before the visit
DECISIONS = {
    "approve": ("Approved", "批准", "The supplier is approved for production."),
    "approve with conditions": (
        "Approved with conditions", "有条件批准",
        "The supplier is approved for production on the conditions listed below, each to be met by its date.",
    ),
    "reject": ("Not approved", "不予批准", "The supplier is not approved for production at this time."),
}

# Characters a Word document cannot contain (XML 1.0), besides the tab and line feed, which docxtpl turns into a
# tab and a line break. A stray \a or \f from a pasted text would otherwise become a paragraph or page break.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    """Outside text as a letter may show it: line ends normalised, characters Word cannot hold removed."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _BAD_CHARS.sub("", value).strip()


def date_en(d: Optional[date]) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else ""


def date_zh(d: Optional[date]) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _dates(out: dict[str, Any], name: str, d: Optional[date]) -> None:
    out[name] = date_en(d)
    out[name + "_zh"] = date_zh(d)
    out[name + "_iso"] = d.isoformat() if d else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in clean(text).split("\n") if line.strip()]


# --- facts: what the services hand over ----------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterBrand:
    """The brand side of a letter: the company, its address, and the user who signs it."""

    company: str = ""
    address: str = ""
    user_name: str = ""
    user_title: str = ""
    user_email: str = ""
    signature: str = ""


@dataclass(frozen=True)
class LetterSupplier:
    """The factory a letter goes to: its names, address, contact, sourcing owner and any production block."""

    id: int
    code: str
    name: str
    local_name: str = ""
    country: str = ""
    address: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_role: str = ""
    contact_language: str = "en"
    sourcing_owner: str = ""
    sourcing_owner_email: str = ""
    # Production not allowed (domain.ratings): the assessment that blocks it, whatever this letter is about.
    blocked_by_rating: str = ""  # Zero Tolerance or Denied, "" when production is allowed
    blocked_by_date: Optional[date] = None
    blocked_by_type: str = ""


@dataclass(frozen=True)
class LetterAssessment:
    """The assessment a letter is about: date, type, audit firm, score, rating and the reasons for it."""

    id: int
    date: date
    assessment_type: str
    audit_firm: str
    auditor: str
    standard: str
    denied: bool
    score: int
    rating: str
    reasons: tuple[str, ...]
    follow_up_due: Optional[date] = None


@dataclass(frozen=True)
class LetterItem:
    """One CAP item as a letter lists it: the finding, requirements, severity, due date and the factory's plan."""

    id: int
    position: int
    category: str
    category_title: str
    category_title_zh: str
    title: str
    title_zh: str
    description: str
    legal_requirement: str
    code_requirement: str
    severity: str
    points: int
    repeat: bool
    suggested_remediation: str
    days_allowed: int
    due_date: Optional[date]
    status: str
    root_cause: str = ""
    preventive_action: str = ""
    project_leader: str = ""
    planned_date: Optional[date] = None
    evidence_notes: str = ""
    verification_notes: str = ""
    victim_protection: bool = False
    review_comment: str = ""  # the brand's comment from the CAP review
    review_decision: str = ""  # "accepted", "returned" or "" (not reviewed)


@dataclass(frozen=True)
class LetterCap:
    """The CAP a letter is about: its status, dates, progress and items."""

    id: int
    status: str
    issued_date: Optional[date]
    response_due: Optional[date]
    meeting_date: Optional[date]
    items: tuple[LetterItem, ...]
    progress: Optional[float] = None


@dataclass(frozen=True)
class VerificationFacts:
    """A verification visit as the verification result letter reports it, with each item's outcome."""

    visit_id: int
    visit_date: date
    verifier: str
    progress_category: Optional[int]
    escalated: bool
    notes: str
    # (item id, outcome, notes) per item judged at the visit
    results: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class VettingFacts:
    """A vetting screen as a vetting letter reports it: score, decision, conditions, knock-outs, what is missing."""

    screen_id: int
    checklist_title: str
    subject: str
    status: str
    score: Optional[float]
    suggested_decision: Optional[str]
    decision: Optional[str]
    reviewer: str
    decision_date: Optional[date]
    notes: str
    conditions: tuple[tuple[str, Optional[date], str], ...] = ()  # (text, due date, status)
    knock_outs: tuple[str, ...] = ()
    still_missing: tuple[str, ...] = ()  # what the approval gate still asks before production (a positive decision)
    approve_from: Optional[float] = None  # the checklist's thresholds: approval from this score (of 100)
    conditional_from: Optional[float] = None  # approval with conditions from this score


# --- builders ------------------------------------------------------------------------------------------------------

def brand_context(brand: LetterBrand) -> dict[str, Any]:
    return {
        "company": clean(brand.company),
        "address": clean(brand.address),
        "address_lines": _lines(brand.address),
        "user_name": clean(brand.user_name),
        "user_title": clean(brand.user_title),
        "user_email": clean(brand.user_email),
        "signature": clean(brand.signature),
        "signature_lines": signature_lines(brand.signature),
    }


# Closing phrases a user may start the signature with; every letter and e-mail writes its own closing above it.
_CLOSINGS = ("kind regards", "best regards", "regards", "yours sincerely", "sincerely", "yours faithfully",
             "best wishes", "with best regards", "many thanks", "thank you", "此致", "此致敬礼", "此致 敬礼", "敬礼",
             "顺颂商祺", "祝好")


def signature_lines(signature: str) -> list[str]:
    """The signature's lines under the letter's own closing: a closing the user wrote first ("Kind regards,") is
    left out, so a letter never reads "Yours sincerely, / Kind regards,"."""
    lines = _lines(signature)
    while lines and lines[0].rstrip(" ,.，。!！").casefold() in _CLOSINGS:
        lines.pop(0)
    return lines


def supplier_context(sup: LetterSupplier) -> dict[str, Any]:
    language = (sup.contact_language or "en").lower()
    return {
        "id": sup.id,
        "code": clean(sup.code),
        "name": clean(sup.name),
        "local_name": clean(sup.local_name),
        "country": clean(sup.country),
        "address": clean(sup.address),
        "address_lines": _address_lines(sup.address, sup.country),
        "contact": {
            "name": clean(sup.contact_name),
            "email": clean(sup.contact_email),
            "role": clean(sup.contact_role),
            "language": "zh" if language.startswith("zh") else language[:5],
        },
        "sourcing_owner": clean(sup.sourcing_owner),
        "sourcing_owner_email": clean(sup.sourcing_owner_email),
        **_production_block(sup),
    }


def _address_lines(address: str, country: str) -> list[str]:
    """The address above the country line the letters print: an address that already ends with the country
    ("..., Hai Phong City, Vietnam") loses that ending, so the country is not printed twice."""
    lines = _lines(address)
    name = clean(country)
    if not lines or not name:
        return lines
    if lines[-1].casefold() == name.casefold():
        return lines[:-1]
    lines[-1] = re.sub(r"[\s,\u3001\uff0c]*[,\u3001\uff0c]\s*" + re.escape(name) + r"$", "", lines[-1], flags=re.IGNORECASE)
    return lines


def _production_block(sup: LetterSupplier) -> dict[str, Any]:
    """The production block in words (English and Chinese), or an empty block when production is allowed."""
    if not sup.blocked_by_rating:
        return {"production_blocked": False, "production_block": "", "production_block_zh": ""}
    rating = Rating(sup.blocked_by_rating)
    day, day_zh = date_en(sup.blocked_by_date), date_zh(sup.blocked_by_date)
    kind_zh = ASSESSMENT_TYPE_ZH.get(sup.blocked_by_type, "评估")
    if rating is Rating.DENIED:
        en = (f"Production is not allowed at this facility: our auditor was refused access at the "
              f"{sup.blocked_by_type} assessment of {day}. A new assessment with full access must rate it better "
              "before any order is placed.")
        zh = f"该工厂目前不得用于生产：{day_zh}的{kind_zh}中审核员被拒绝进入。须经允许全面审核的新评估评级改善后，方可下单。"
    else:
        en = (f"Production is not allowed at this facility: the {sup.blocked_by_type} assessment of {day} is rated "
              f"{rating.value}. A new assessment must rate it better before any order is placed.")
        zh = f"该工厂目前不得用于生产：{day_zh}的{kind_zh}评级为{RATING_ZH[rating]}。须经新的评估评级改善后，方可下单。"
    return {"production_blocked": True, "production_block": en, "production_block_zh": zh}


def letter_context(kind: str, reference: str, today: date, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "reference": reference, "language": lang}
    _dates(out, "date", today)
    return out


def assessment_context(a: LetterAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "type": a.assessment_type,
        "type_zh": ASSESSMENT_TYPE_ZH.get(a.assessment_type, a.assessment_type),
        "audit_firm": clean(a.audit_firm),
        "auditor": clean(a.auditor),
        "standard": clean(a.standard),
        "denied": bool(a.denied),
        "score": a.score,
    }
    _dates(out, "date", a.date)
    return out


def rating_context(a: LetterAssessment) -> dict[str, Any]:
    try:
        rating = Rating(a.rating)
    except ValueError:
        rating = Rating.SATISFACTORY
    out: dict[str, Any] = {
        "name": rating.value,
        "name_zh": RATING_ZH[rating],
        "score": a.score,
        "meaning": rating.meaning,
        "meaning_zh": RATING_MEANING_ZH[rating],
        "reasons": [clean(r) for r in a.reasons],
        "requires_follow_up": rating.requires_follow_up,
        "blocks_production": rating.blocks_production,
        "colour": rating.colour.lstrip("#").upper(),
        "shade": RATING_SHADE[rating],
    }
    _dates(out, "follow_up_due", a.follow_up_due)
    return out


def item_context(item: LetterItem, number: int, today: date) -> dict[str, Any]:
    try:
        severity = Severity(item.severity)
    except ValueError:
        severity = Severity.MINOR
    try:
        status = ItemStatus(item.status)
    except ValueError:
        status = ItemStatus.OPEN
    overdue = item.due_date is not None and status.is_open and item.due_date < today
    out: dict[str, Any] = {
        "no": number,
        "item_id": item.id,
        "category": clean(item.category_title or item.category),
        "category_zh": clean(item.category_title_zh),
        "title": clean(item.title),
        "title_zh": clean(item.title_zh),
        "description": clean(item.description),
        "legal_requirement": clean(item.legal_requirement),
        "code_requirement": clean(item.code_requirement),
        "severity": severity.value,
        "severity_zh": SEVERITY_ZH[severity],
        "severity_shade": SEVERITY_SHADE[severity],
        "points": item.points,
        "repeat": bool(item.repeat),
        "suggested_remediation": clean(item.suggested_remediation),
        "days_allowed": item.days_allowed,
        "status": status.value,
        "status_zh": ITEM_STATUS_ZH[status],
        "overdue": overdue,
        "days_overdue": (today - item.due_date).days if overdue and item.due_date else 0,
        "root_cause": clean(item.root_cause),
        "preventive_action": clean(item.preventive_action),
        "project_leader": clean(item.project_leader),
        "evidence_notes": clean(item.evidence_notes),
        "verification_notes": clean(item.verification_notes),
        "victim_protection": bool(item.victim_protection),
        "review_comment": clean(item.review_comment),
        "review_decision": item.review_decision if item.review_decision in ("accepted", "returned") else "",
    }
    _dates(out, "due_date", item.due_date)
    _dates(out, "planned_date", item.planned_date)
    return out


def cap_context(cap: LetterCap, findings: Sequence[dict[str, Any]]) -> dict[str, Any]:
    open_items = [f for f in findings if f["status"] not in (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)]
    dues = sorted(i.due_date for i in cap.items if i.due_date)
    out: dict[str, Any] = {
        "id": cap.id,
        "status": cap.status,
        "item_count": len(findings),
        "open_items": len(open_items),
        "overdue_items": sum(1 for f in findings if f["overdue"]),
        "progress": cap.progress if cap.progress is not None else "",
        "victim_protection": any(f["victim_protection"] for f in findings),
    }
    _dates(out, "issued_date", cap.issued_date)
    _dates(out, "response_due", cap.response_due)
    _dates(out, "meeting_date", cap.meeting_date)
    _dates(out, "first_due", dues[0] if dues else None)
    _dates(out, "last_due", dues[-1] if dues else None)
    return out


def _outcome_words(outcome: str) -> str:
    """A verdict as the letters say it ('done correctly'), whether stored as done_correctly or in words."""
    try:
        verdict = parse_verdict(outcome)
    except VerdictError:
        return clean(outcome)
    return verdict.label if verdict else ""


def _reference(kind: str, sup: LetterSupplier, cap_id: int) -> str:
    prefix = {"cap_letter": "CAP", "email_cap": "CAP", "overdue_reminder": "REM", "verification_result": "VER",
              "evidence_request": "EVR", "email_evidence_request": "EVR", "onsite_report": "RVV",
              "cap_returned": "RET", "email_cap_returned": "RET"}[kind]
    return f"{prefix}-{clean(sup.code)}-{cap_id:04d}"


def _common(kind: str, brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap, today: date,
            lang: str) -> dict[str, Any]:
    findings = [item_context(item, n, today) for n, item in enumerate(cap.items, start=1)]
    cap_ctx = cap_context(cap, findings)
    respond: dict[str, Any] = {
        "to_name": clean(brand.user_name),
        "to_email": clean(brand.user_email),
    }
    _dates(respond, "by", cap.response_due)
    return {
        "brand": brand_context(brand),
        "letter": letter_context(kind, _reference(kind, sup, cap.id), today, lang),
        "supplier": supplier_context(sup),
        "assessment": assessment_context(a),
        "rating": rating_context(a),
        "cap": cap_ctx,
        "findings": findings,
        "respond": respond,
    }


def cap_letter_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap, *,
                       today: date, lang: str = "en") -> dict[str, Any]:
    return _common("cap_letter", brand, sup, a, cap, today, lang)


def overdue_reminder_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap, *,
                             today: date, lang: str = "en") -> dict[str, Any]:
    ctx = _common("overdue_reminder", brand, sup, a, cap, today, lang)
    _dates(ctx["respond"], "by", today + timedelta(days=REMINDER_REPLY_DAYS))
    overdue = [f for f in ctx["findings"] if f["overdue"]]
    ctx["overdue"] = {
        "findings": overdue,
        "count": len(overdue),
        "most_days": max((f["days_overdue"] for f in overdue), default=0),
    }
    return ctx


RETURN_REPLY_DAYS = 14  # days a factory has to send back the items a CAP review returned


def cap_returned_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap, *,
                         today: date, lang: str = "en") -> dict[str, Any]:
    """A CAP sent back after the review: each returned item with the brand's comment, and the items accepted."""
    ctx = _common("cap_returned", brand, sup, a, cap, today, lang)
    returned = [f for f in ctx["findings"] if f["review_decision"] == "returned"]
    accepted = [f for f in ctx["findings"] if f["review_decision"] == "accepted"]
    # The date the review set for the revised answer (the CAPs page shows the same); a letter written later than
    # RETURN_REPLY_DAYS before it, or a CAP without one, gives the factory RETURN_REPLY_DAYS from the letter.
    by = cap.response_due if cap.response_due and cap.response_due >= today else today + timedelta(days=RETURN_REPLY_DAYS)
    _dates(ctx["respond"], "by", by)
    ctx["returned"] = {"findings": returned, "count": len(returned), "accepted": accepted,
                       "accepted_count": len(accepted)}
    return ctx


def verification_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap,
                         visit: VerificationFacts, *, today: date, lang: str = "en") -> dict[str, Any]:
    ctx = _common("verification_result", brand, sup, a, cap, today, lang)
    _dates(ctx["respond"], "by", today + timedelta(days=VERIFICATION_REPLY_DAYS))
    by_id = {f["item_id"]: f for f in ctx["findings"]}
    results = []
    for item_id, outcome, notes in visit.results:
        finding = by_id.get(item_id)
        if finding is None:
            continue
        outcome = _outcome_words(outcome)
        results.append({
            "no": finding["no"], "item_id": item_id, "title": finding["title"], "title_zh": finding["title_zh"],
            "severity": finding["severity"], "outcome": outcome, "outcome_zh": OUTCOME_ZH.get(outcome, outcome),
            "notes": clean(notes), "done": outcome == "done correctly",
        })
    results.sort(key=lambda r: r["no"])
    category = visit.progress_category if visit.progress_category in PROGRESS_CATEGORIES else None
    text, text_zh = PROGRESS_CATEGORIES.get(category, ("", ""))
    out: dict[str, Any] = {
        "visit_id": visit.visit_id,
        "verifier": clean(visit.verifier),
        "progress_category": category or "",
        "progress_category_text": text,
        "progress_category_text_zh": text_zh,
        "escalated": bool(visit.escalated),
        "notes": clean(visit.notes),
        "results": results,
        "done_correctly": sum(1 for r in results if r["outcome"] == "done correctly"),
        "done_with_errors": sum(1 for r in results if r["outcome"] == "done with errors"),
        "not_done": sum(1 for r in results if r["outcome"] == "not done"),
        "progress_rate": ctx["cap"]["progress"],
    }
    _dates(out, "visit_date", visit.visit_date)
    ctx["verification"] = out
    return ctx


def vetting_score_text(screen: VettingFacts) -> str:
    """'59.7 out of 100 (the share of the checklist's weighted answers met; approval from 80, with conditions from
    60)': a bare 'Score 59.7' told the supplier nothing about the scale."""
    if screen.score is None:
        return ""
    text = f"{round(float(screen.score), 1):g} out of 100"
    bars = []
    if screen.approve_from is not None:
        bars.append(f"approval from {screen.approve_from:g}")
    if screen.conditional_from is not None and screen.conditional_from != screen.approve_from:
        bars.append(f"with conditions from {screen.conditional_from:g}")
    return (f"{text} (the share of the checklist's weighted answers met"
            + (f"; {', '.join(bars)}" if bars else "") + ")")


def vetting_context(brand: LetterBrand, sup: Optional[LetterSupplier], screen: VettingFacts, *, today: date,
                    lang: str = "en") -> dict[str, Any]:
    decision_key = (screen.decision or screen.suggested_decision or "").strip().lower()
    title, title_zh, meaning = DECISIONS.get(decision_key, ("Pending", "待定", "No decision has been taken yet."))
    missing = [clean(m) for m in screen.still_missing]
    if missing and decision_key in ("approve", "approve with conditions"):
        # The screening is passed, but the app refuses approval until the rest is met: say so, promise nothing.
        # The gate's reasons are stated as what stands in the way ("no pre-production assessment has been
        # recorded"), so they follow a colon, not "it still needs".
        meaning = ("Your screening is passed, but approval for production is not complete yet: "
                   + "; ".join(missing) + ". We will confirm approval in writing once this is resolved.")
    if sup is None:
        sup = LetterSupplier(id=0, code="", name=screen.subject)
    conditions = []
    for text, due, status in screen.conditions:
        c: dict[str, Any] = {"text": clean(text), "status": clean(status)}
        _dates(c, "due_date", due)
        conditions.append(c)
    out: dict[str, Any] = {
        "screen_id": screen.screen_id,
        "checklist": clean(screen.checklist_title),
        # A supplier's screen is about the supplier by its name (its code follows in brackets where the letter
        # shows it); the screen's own label ("CN-0008 Sunset Knit Ltd") would name the code twice.
        "subject": clean(sup.name if sup.code and sup.name else (screen.subject or sup.name)),
        "status": clean(screen.status),
        "score": "" if screen.score is None else round(float(screen.score), 1),
        "score_text": vetting_score_text(screen),
        "decision": decision_key,
        "decision_title": title,
        "decision_title_zh": title_zh,
        "decision_meaning": meaning,
        "approved": decision_key in ("approve", "approve with conditions"),
        "reviewer": clean(screen.reviewer),
        "notes": clean(screen.notes),
        "conditions": conditions,
        "knock_outs": [clean(k) for k in screen.knock_outs],
        "still_missing": missing,
        "production_approved": decision_key in ("approve", "approve with conditions") and not missing,
    }
    _dates(out, "decision_date", screen.decision_date)
    return {
        "brand": brand_context(brand),
        "letter": letter_context("vetting_decision", f"VET-{clean(sup.code) or 'X'}-{screen.screen_id:04d}", today, lang),
        "supplier": supplier_context(sup),
        "vetting": out,
    }


def email_context(letter_ctx: dict[str, Any], attachments: Sequence[str]) -> dict[str, Any]:
    ctx = dict(letter_ctx)
    ctx["letter"] = dict(ctx["letter"], kind="email_cap")
    ctx["email"] = {"attachments": list(attachments)}
    return ctx


# --- verification of remediation: evidence request, onsite report, escalation ---------------------------------------

@dataclass(frozen=True)
class VisitFacts:
    """A verification visit as the onsite report tells it: attendees, progress, category and each item's verdict."""

    visit_id: int
    visit_date: date
    verifier: str
    attendees: tuple[tuple[str, str], ...]   # (role, name)
    evidence_before_visit: Optional[bool]
    progress_rate: Optional[float]
    progress_rate_before: Optional[float]
    suggested_category: Optional[int]
    category: Optional[int]
    notes: str
    # (item id, verdict, the verifier's note, the new due date of an item sent back) per item judged
    results: tuple[tuple[int, str, str, Optional[date]], ...] = ()


@dataclass(frozen=True)
class EscalationFacts:
    """An escalation step as its letter tells it: the step, why the factory lags, earlier steps, open items."""

    step: str
    date: date
    reason: str
    reasons: tuple[str, ...] = ()                        # why the factory lags, as the rules found it
    history: tuple[tuple[str, date, str], ...] = ()      # earlier steps: (step, date, reason)
    open_items: int = 0
    overdue_items: int = 0
    progress: Optional[float] = None


def evidence_request_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap, *,
                             visit_date: date, booked: bool, today: date, lang: str = "en") -> dict[str, Any]:
    """An evidence request: every open item due by the visit, and the date the evidence is wanted by."""
    ctx = _common("evidence_request", brand, sup, a, cap, today, lang)
    due_by_visit = {i.id for i in cap.items if i.due_date is not None and i.due_date <= visit_date}
    wanted = [f for f in ctx["findings"] if f["item_id"] in due_by_visit
              and f["status"] not in (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)]
    send_by = min(visit_date, max(visit_date - timedelta(days=EVIDENCE_LEAD_DAYS), today + timedelta(days=3)))
    evidence: dict[str, Any] = {"findings": wanted, "count": len(wanted), "booked": bool(booked)}
    _dates(evidence, "visit_date", visit_date)
    _dates(evidence, "send_by", send_by)
    _dates(ctx["respond"], "by", send_by)
    ctx["evidence"] = evidence
    return ctx


def onsite_report_context(brand: LetterBrand, sup: LetterSupplier, a: LetterAssessment, cap: LetterCap,
                          visit: VisitFacts, *, today: date, lang: str = "en") -> dict[str, Any]:
    """The onsite report for the closing meeting: progress by area, items done, items wrong and why, what is next."""
    ctx = _common("onsite_report", brand, sup, a, cap, today, lang)
    by_id = {f["item_id"]: f for f in ctx["findings"]}
    verdicts = {item_id: (_outcome_words(v), clean(note), due) for item_id, v, note, due in visit.results}
    areas: dict[str, dict[str, Any]] = {}
    for f in ctx["findings"]:
        name = f["category"] or "Other findings"
        area = areas.setdefault(name, {
            "area": name, "area_zh": f["category_zh"] or ("其他" if not f["category"] else ""), "total": 0, "checked": 0, "done": 0, "wrong": 0,
            "not_done": 0, "not_checked": 0, "verified": 0, "rate": 0.0})
        area["total"] += 1
        if f["status"] in (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value):
            area["verified"] += 1
        outcome = verdicts.get(f["item_id"], (None,))[0]
        if outcome is None:
            continue
        key = {"done correctly": "done", "done with errors": "wrong", "not done": "not_done"}.get(outcome,
                                                                                                "not_checked")
        area[key] += 1
        if key != "not_checked":
            area["checked"] += 1
    for area in areas.values():
        area["rate"] = round(100.0 * area["verified"] / area["total"], 1) if area["total"] else 0.0

    def entry(item_id: int) -> dict[str, Any]:
        f = by_id[item_id]
        outcome, note, due = verdicts[item_id]
        out: dict[str, Any] = {"no": f["no"], "item_id": item_id, "area": f["category"] or "Other findings",
                               "title": f["title"],
                               "title_zh": f["title_zh"], "severity": f["severity"], "outcome": outcome,
                               "outcome_zh": OUTCOME_ZH.get(outcome, outcome), "note": note}
        _dates(out, "new_due", due)
        return out

    judged = sorted((i for i in verdicts if i in by_id), key=lambda i: by_id[i]["no"])
    done = [entry(i) for i in judged if verdicts[i][0] == "done correctly"]
    wrong = [entry(i) for i in judged if verdicts[i][0] in ("done with errors", "not done")]
    unchecked = [entry(i) for i in judged if verdicts[i][0] not in ("done correctly", "done with errors", "not done")]
    still_open = sorted((i for i in cap.items if ItemStatus(i.status).is_open and i.due_date is not None),
                        key=lambda i: i.due_date)
    category = visit.category or visit.suggested_category
    text, text_zh = PROGRESS_CATEGORIES.get(category, ("", ""))
    out: dict[str, Any] = {
        "visit_id": visit.visit_id,
        "verifier": clean(visit.verifier),
        "attendees": [{"role": clean(role), "role_zh": ATTENDEE_ZH.get(role, ""), "name": clean(name)}
                      for role, name in visit.attendees],
        "evidence_before_visit": bool(visit.evidence_before_visit),
        "progress_rate": visit.progress_rate if visit.progress_rate is not None else "",
        "progress_rate_before": visit.progress_rate_before if visit.progress_rate_before is not None else "",
        "category": category or "",
        "category_confirmed": visit.category is not None,
        "category_text": text,
        "category_text_zh": text_zh,
        "notes": clean(visit.notes),
        "areas": sorted(areas.values(), key=lambda x: x["area"]),
        "done_items": done,
        "wrong_items": wrong,
        "unchecked_items": unchecked,
        "done_count": len(done),
        "wrong_count": len(wrong),
        "unchecked_count": len(unchecked),
        "open_count": len(still_open),
    }
    _dates(out, "visit_date", visit.visit_date)
    _dates(out, "next_due", still_open[0].due_date if still_open else None)
    ctx["visit"] = out
    return ctx


def escalation_context(brand: LetterBrand, sup: LetterSupplier, esc: EscalationFacts, *, today: date,
                       lang: str = "en") -> dict[str, Any]:
    """A letter for an escalation step (reminder, warning letter ... responsible exit)."""
    step = EscalationStep(esc.step)
    title, title_zh = ESCALATION_LABELS[step]
    following = next_step(step)
    history = []
    for name, day, reason in esc.history:
        h: dict[str, Any] = {"step": name, "title": ESCALATION_LABELS[EscalationStep(name)][0],
                             "title_zh": ESCALATION_LABELS[EscalationStep(name)][1], "reason": clean(reason)}
        _dates(h, "date", day)
        history.append(h)
    out: dict[str, Any] = {
        "step": step.value, "title": title, "title_zh": title_zh, "rung": step.rank, "reason": clean(esc.reason),
        "reasons": [clean(r) for r in esc.reasons], "history": history,
        "next_title": ESCALATION_LABELS[following][0] if following else "",
        "next_title_zh": ESCALATION_LABELS[following][1] if following else "",
        "open_items": esc.open_items, "overdue_items": esc.overdue_items,
        "progress": esc.progress if esc.progress is not None else "",
        "warning": step.rank >= EscalationStep.WARNING_LETTER.rank,
        "suspension": step is EscalationStep.SUSPENSION, "exit": step is EscalationStep.RESPONSIBLE_EXIT,
    }
    _dates(out, "date", esc.date)
    return {
        "brand": brand_context(brand),
        "letter": letter_context("escalation_letter", f"ESC-{clean(sup.code)}-{step.rank}", today, lang),
        "supplier": supplier_context(sup),
        "escalation": out,
    }


def notice_email_context(kind: str, letter_ctx: dict[str, Any], attachments: Sequence[str]) -> dict[str, Any]:
    """An e-mail draft's context: its letter's context, the e-mail kind and the attachments."""
    ctx = dict(letter_ctx)
    ctx["letter"] = dict(ctx["letter"], kind=kind)
    ctx["email"] = {"attachments": list(attachments)}
    return ctx


# --- sample data for checking templates ----------------------------------------------------------------------------

SAMPLE_TODAY = date(2025, 3, 14)


def sample_facts() -> tuple[LetterBrand, LetterSupplier, LetterAssessment, LetterCap]:
    """A realistic small case that fills every variable, for test renders of templates."""
    brand = LetterBrand(
        company="Northwind Apparel Ltd", address="12 Harbour Street\nLondon E1 7AB\nUnited Kingdom",
        user_name="Jane Doe", user_title="CSR Manager", user_email="csr@northwind.example",
        signature="Jane Doe\nCSR Manager\nNorthwind Apparel Ltd",
    )
    sup = LetterSupplier(
        id=1, code="CN-0001", name="Sample Garments Co., Ltd", local_name="样品服装有限公司", country="China",
        address="88 Industrial Road\nDongguan, Guangdong", contact_name="Li Wei", contact_email="li.wei@example.cn",
        contact_role="compliance contact", contact_language="zh", sourcing_owner="Tom Smith",
        sourcing_owner_email="tom.smith@northwind.example",
    )
    a = LetterAssessment(
        id=7, date=date(2025, 2, 20), assessment_type="periodic", audit_firm="Example Audits Ltd", auditor="A. Auditor",
        standard="Brand code of conduct", denied=False, score=38, rating="Unsatisfactory",
        reasons=("Score 38 from 2 findings: 1 critical (30 points), 1 major (8 points).",
                 "Unsatisfactory is a score of 30 to 799, so the score 38 is rated Unsatisfactory."),
        follow_up_due=date(2025, 5, 21),
    )
    items = (
        LetterItem(
            id=101, position=0, category="health_safety", category_title="Health and safety",
            category_title_zh="健康与安全", title="Fire exit blocked", title_zh="消防通道堵塞",
            description="The exit of the sewing floor was blocked by cartons.", legal_requirement="Fire law art. 28",
            code_requirement="Exits are kept clear at all times.", severity="critical", points=30, repeat=False,
            suggested_remediation="Clear the exits and mark a no-storage zone.", days_allowed=7,
            due_date=date(2025, 3, 21), status="action planned", root_cause="No one checks exits daily.",
            preventive_action="Daily exit checklist signed by the floor supervisor.", project_leader="Wang Fang",
            planned_date=date(2025, 3, 18), evidence_notes="Photos sent", verification_notes="",
            victim_protection=False,
        ),
        LetterItem(
            id=102, position=1, category="working_hours", category_title="Working hours",
            category_title_zh="工作时间", title="Overtime above legal limit", title_zh="加班超过法定上限",
            description="12 of 20 sampled workers worked more than 36 overtime hours in a month.",
            legal_requirement="Labour law art. 41", code_requirement="Overtime is voluntary and within legal limits.",
            severity="major", points=8, repeat=True, suggested_remediation="Plan production against capacity.",
            days_allowed=60, due_date=date(2025, 1, 20), status="open", victim_protection=True,
        ),
    )
    cap = LetterCap(id=12, status="sent", issued_date=date(2025, 3, 1), response_due=date(2025, 3, 15),
                    meeting_date=date(2025, 3, 20), items=items, progress=50.0)
    return brand, sup, a, cap


def sample_context(kind: str, lang: str = "en") -> dict[str, Any]:
    brand, sup, a, cap = sample_facts()
    if kind == "cap_letter":
        return cap_letter_context(brand, sup, a, cap, today=SAMPLE_TODAY, lang=lang)
    if kind == "overdue_reminder":
        return overdue_reminder_context(brand, sup, a, cap, today=SAMPLE_TODAY, lang=lang)
    if kind == "verification_result":
        visit = VerificationFacts(visit_id=3, visit_date=date(2025, 4, 30), verifier="B. Verifier", progress_category=3,
                                  escalated=True, notes="Exits clear; overtime still high.",
                                  results=((101, "done correctly", "Exit clear."), (102, "not done", "Still 70 h.")))
        return verification_context(brand, sup, a, cap, visit, today=SAMPLE_TODAY, lang=lang)
    if kind == "vetting_decision":
        screen = VettingFacts(
            screen_id=5, checklist_title="New supplier screening", subject=sup.name, status="decided", score=82.5,
            suggested_decision="approve with conditions", decision="approve with conditions", reviewer="Jane Doe",
            decision_date=date(2025, 3, 10), notes="Good systems; dormitory fire drill missing.",
            conditions=(("Hold a dormitory fire drill and send the record.", date(2025, 4, 30), "open"),),
            knock_outs=("Workers' ID documents are kept by the employer",),
        )
        return vetting_context(brand, sup, screen, today=SAMPLE_TODAY, lang=lang)
    if kind == "email_cap":
        return email_context(cap_letter_context(brand, sup, a, cap, today=SAMPLE_TODAY, lang=lang),
                             ["CAP letter CN-0001.docx", "CAP tracker CN-0001.xlsx"])
    if kind in ("evidence_request", "email_evidence_request"):
        ctx = evidence_request_context(brand, sup, a, cap, visit_date=date(2025, 4, 30), booked=True,
                                       today=SAMPLE_TODAY, lang=lang)
        return ctx if kind == "evidence_request" else notice_email_context(kind, ctx, ["Evidence request.docx"])
    if kind == "onsite_report":
        visit = VisitFacts(visit_id=3, visit_date=date(2025, 4, 30), verifier="B. Verifier",
                           attendees=(("brand", "Jane Doe"), ("worker representative", "Zhang Min"), ("union", "")),
                           evidence_before_visit=True, progress_rate=50.0, progress_rate_before=0.0,
                           suggested_category=3, category=3, notes="Exits clear; overtime still high.",
                           results=((101, "done_correctly", "Exit clear.", None),
                                    (102, "not_done", "Still 70 hours a week.", date(2025, 5, 30))))
        return onsite_report_context(brand, sup, a, cap, visit, today=SAMPLE_TODAY, lang=lang)
    if kind in ("cap_returned", "email_cap_returned"):
        first, second = cap.items[0], cap.items[1]
        reviewed = replace(cap, items=(
            replace(first, review_decision="accepted", review_comment="Good: the daily check names who signs."),
            replace(second, review_decision="returned",
                    review_comment="The root cause restates the finding: say why overtime is planned in."),
        ))
        ctx = cap_returned_context(brand, sup, a, reviewed, today=SAMPLE_TODAY, lang=lang)
        return ctx if kind == "cap_returned" else notice_email_context(kind, ctx, ["CAP returned.docx",
                                                                                   "CAP tracker.xlsx"])
    if kind in ("escalation_letter", "email_escalation"):
        esc = EscalationFacts(step="warning_letter", date=SAMPLE_TODAY, reason="No evidence after two reminders.",
                              reasons=("progress category 1 (no evidence, no motivation) at the visit of 2025-04-30",),
                              history=(("reminder", date(2025, 2, 14), "Visit overdue"),), open_items=12,
                              overdue_items=9, progress=25.0)
        ctx = escalation_context(brand, sup, esc, today=SAMPLE_TODAY, lang=lang)
        return ctx if kind == "escalation_letter" else notice_email_context(kind, ctx, ["Warning letter.docx"])
    raise ValueError(f"unknown template kind {kind!r}")


def variable_paths(value: Any, prefix: str = "") -> list[str]:
    """Every documented variable path of a context ('supplier.contact.name', 'findings[].title')."""
    paths: list[str] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths.append(path)
            paths.extend(variable_paths(sub, path))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        paths.extend(variable_paths(value[0], prefix + "[]"))
    return paths


KINDS_WITH_SAMPLES = ("cap_letter", "overdue_reminder", "verification_result", "vetting_decision", "email_cap",
                      "evidence_request", "onsite_report", "escalation_letter", "email_evidence_request",
                      "email_escalation", "cap_returned", "email_cap_returned")
