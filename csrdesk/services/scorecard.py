"""One supplier's scorecard: rating and why, score history, open items, verification, complaints, certificates and
vetting, as report sections (one or two pages a sourcing colleague can read). Complaints are a count: no identities.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from sqlalchemy import func, select

from csrdesk.domain import reporting as rp
from csrdesk.domain.verification import CATEGORY_SHORT
from csrdesk.services.caps import list_items
from csrdesk.services.suppliers import supplier_detail
from csrdesk.storage.db import Database
from csrdesk.storage.models import Cap, Complaint, FindingCategory, VerificationVisit, VettingScreen


@dataclass(frozen=True)
class Scorecard:
    """One supplier's scorecard: its rating, score history and the report sections about it."""

    code: str
    name: str
    local_name: str
    country: str
    status: str
    today: date
    rating: Optional[str]
    sections: tuple[rp.Section, ...]
    history: tuple[tuple[date, int, str], ...]  # (date, score, rating) of each assessment, oldest first

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "country": self.country, "status": self.status,
                "rating": self.rating, "today": self.today,
                "history": [{"date": d, "score": s, "rating": r} for d, s, r in self.history],
                "sections": {s.key: {"title": s.title, "sentences": list(s.sentences), **dict(s.figures)}
                             for s in self.sections}}


def supplier_scorecard(db: Database, code: str, today: Optional[date] = None) -> Scorecard:
    today = today or date.today()
    d = supplier_detail(db, code, today=today)
    row = d.row
    items = list_items(db, today=today, supplier_id=row.id)
    with db.reading() as s:
        titles = dict(s.execute(select(FindingCategory.key, FindingCategory.title)).all())
        visit = s.execute(
            select(VerificationVisit.visit_date, VerificationVisit.progress_category, VerificationVisit.progress_rate)
            .join(Cap, Cap.id == VerificationVisit.cap_id)
            .where(Cap.supplier_id == row.id, VerificationVisit.status == "done")
            .order_by(VerificationVisit.visit_date.desc(), VerificationVisit.id.desc()).limit(1)).first()
        complaints = dict(s.execute(select(Complaint.status, func.count()).where(Complaint.supplier_id == row.id)
                                    .group_by(Complaint.status)).all())
        screen = s.execute(
            select(VettingScreen.decision, VettingScreen.decision_date, VettingScreen.reviewer, VettingScreen.status)
            .where(VettingScreen.supplier_id == row.id)
            .order_by(VettingScreen.decision_date.desc().nulls_last(), VettingScreen.id.desc()).limit(1)).first()
    history = tuple(sorted((a.date, a.score, a.rating) for a in d.assessments))
    sections = []

    why = [f"Current rating: {row.rating or 'not assessed'}" + (f" (score {row.score})" if row.score is not None
                                                                 else "") + "."]
    if row.rating_reason:
        why.append(row.rating_reason.rstrip(".") + ".")
    if not row.production_allowed:
        why.append(row.production_block_reason.rstrip(".") + ".")
    if row.follow_up_due:
        why.append(f"A follow-up assessment is owed by {row.follow_up_due.isoformat()}"
                   + (" and is late." if row.follow_up_overdue else "."))
    chart = rp.ChartData(rp.SCORES, "Assessment score over time", tuple(x.isoformat() for x, _s, _r in history),
                         (("score", tuple(float(sc) for _x, sc, _r in history)),), "score",
                         ratings=tuple(r for _x, _s, r in history)) if history else None
    sections.append(rp.Section(
        "rating", "Rating and why", "评级及原因", tuple(why), chart,
        (rp.Table("Assessments", ("Date", "Type", "Score", "Rating", "Findings"),
                  tuple((a.date, a.assessment_type, a.score, a.rating, a.findings)
                        for a in sorted(d.assessments, key=lambda a: a.date, reverse=True))),),
        {"rating": row.rating, "score": row.score, "why": row.rating_reason, "production_allowed":
         row.production_allowed, "follow_up_due": row.follow_up_due, "assessments": len(d.assessments)}))

    by_cat = Counter(titles.get(i.category, i.category) for i in items)
    overdue = sum(1 for i in items if i.overdue)
    open_sentences = (f"{rp.plural(len(items), 'CAP item')} open, {overdue:,} overdue"
                      + (f" (the oldest by {max(i.days_overdue for i in items):,} days)." if overdue else "."),)
    sections.append(rp.Section(
        "open_items", "Open items", "未关闭的整改项", open_sentences, None,
        (rp.Table("Open CAP items (most overdue first)", ("Finding", "Category", "Severity", "Due", "Status"),
                  tuple((i.finding, titles.get(i.category, i.category), i.severity, i.due_date, i.status)
                        for i in sorted(items, key=lambda i: (-i.days_overdue, i.due_date or date.max)))),),
        {"open": len(items), "overdue": overdue, "by_category": dict(by_cat)}))

    if visit:
        vdate, category, rate = visit
        ver = (f"Latest verification visit {vdate.isoformat()}: "
               + (f"category {category} ({CATEGORY_SHORT.get(category, '')})" if category else "no category confirmed")
               + (f", {rate:.0f}% of the CAP's items done." if rate is not None else "."),)
    else:
        ver, category, rate = ("No verification visit yet.",), None, None
    sections.append(rp.Section("verification", "Verification", "整改核查", ver, None, (),
                               {"category": category, "progress_rate": rate,
                                "visit_date": visit[0] if visit else None}))

    total = sum(complaints.values())
    open_c = sum(v for k, v in complaints.items() if k != "closed")
    sections.append(rp.Section("complaints", "Worker complaints", "工人投诉",
                               (f"{rp.plural(total, 'worker complaint')} recorded, {open_c:,} open." if total
                                else "No worker complaint recorded.",), None, (),
                               {"complaints": total, "open": open_c}))

    certs = tuple((c.scheme, c.reference, c.issued, c.expires, c.state) for c in d.certifications)
    valid = [c for c in d.certifications if c.state in ("valid", "expiring soon")]
    undated = [c.scheme for c in d.certifications if c.state == "no expiry date"]
    sections.append(rp.Section(
        "certifications", "Certifications", "认证",
        (f"{rp.plural(len(valid), 'valid certificate')}" + (": " + rp.listing(
            f"{c.scheme} until {c.expires.isoformat()}" for c in valid) + "." if valid else ".")
         + (f" Without an expiry date, so not counted: {rp.listing(undated)}." if undated else ""),), None,
        (rp.Table("Certifications", ("Scheme", "Reference", "Issued", "Expires", "State"), certs),),
        {"certifications": [{"scheme": c[0], "expires": c[3], "state": c[4]} for c in certs]}))

    if screen and screen[0]:
        vet = (f"Vetting decision: {screen[0]} on {screen[1].isoformat() if screen[1] else 'an unknown date'}"
               + (f" by {screen[2]}." if screen[2] else "."),)
    elif screen:
        vet = ("A vetting screen is in progress (no decision yet).",)
    else:
        vet = ("No vetting screen on record.",)
    sections.append(rp.Section("vetting", "Vetting", "准入筛查", vet, None, (),
                               {"decision": screen[0] if screen else None,
                                "decision_date": screen[1] if screen else None}))
    return Scorecard(row.code, row.name, row.local_name, row.country, row.status, today, row.rating,
                     tuple(sections), history)
