"""Brand collaboration on a CAP: the shared CAP pack for another brand, and who from sourcing attended the CAP
meeting. The pack carries findings, CAP status and verification results; never complaints or internal notes."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy import select

from csrdesk.domain.caps import progress_rate
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.domain.verification import CATEGORY_SHORT
from csrdesk.errors import NotFound, UserError
from csrdesk.exchange.cap_pack import PackItem, PackVisit, SharedPack, write_cap_pack
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Cap, CapPartner, Complaint, FindingCategory, Partner, VerificationResult, VerificationVisit,
)

LEAD_ROLE = "lead brand"
VERIFIED = {ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value}


def shared_pack(db: Database, cap_id: int, today: Optional[date] = None) -> SharedPack:
    """What a shared CAP pack holds, built only from fields fit to share with another brand."""
    from csrdesk.services.settings import load_preferences

    today = today or date.today()
    company = load_preferences(db).company
    with db.reading() as s:
        cap = s.get(Cap, cap_id)
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        a = cap.assessment
        sup = a.supplier
        titles = dict(s.execute(select(FindingCategory.key, FindingCategory.title)).all())
        from_complaints = set(s.scalars(select(Complaint.cap_item_id).where(
            Complaint.cap_item_id.in_([i.id for i in cap.items]))))
        numbers: dict[int, int] = {}
        items = []
        for item in cap.items:
            if item.id in from_complaints:
                continue
            numbers[item.id] = len(numbers) + 1
            f = item.finding
            items.append(PackItem(
                numbers[item.id], f.title, titles.get(f.category, f.category), f.severity, f.repeat,
                f.legal_requirement, f.code_requirement, item.suggested_remediation, item.due_date, item.root_cause,
                item.preventive_action, item.status, item.verification_date))
        done = sum(1 for i in cap.items if i.id in numbers and i.status in VERIFIED)
        visits = []
        for v in s.scalars(select(VerificationVisit).where(VerificationVisit.cap_id == cap.id,
                                                           VerificationVisit.status == "done")
                           .order_by(VerificationVisit.visit_date, VerificationVisit.id)):
            results = tuple((numbers[r.cap_item_id], r.outcome) for r in s.scalars(
                select(VerificationResult).where(VerificationResult.visit_id == v.id)) if r.cap_item_id in numbers)
            category = v.progress_category or v.suggested_category
            visits.append(PackVisit(v.visit_date, category, CATEGORY_SHORT.get(category, "") if category else "",
                                    v.progress_rate, tuple(sorted(results))))
        brands, lead = [], ""
        for name, role in s.execute(select(Partner.name, CapPartner.role)
                                    .join(Partner, Partner.id == CapPartner.partner_id)
                                    .where(CapPartner.cap_id == cap.id, Partner.kind == "brand")
                                    .order_by(CapPartner.id)):
            if name not in brands:
                brands.append(name)
            if role == LEAD_ROLE:
                lead = name
        return SharedPack(
            cap_id=cap.id, supplier=sup.name, supplier_code=sup.code, country=sup.country, os_id=sup.os_id,
            assessment_date=a.date, assessment_type=a.assessment_type, audit_firm=a.audit_firm, rating=a.rating,
            cap_status=cap.status, progress_rate=progress_rate(len(items), done), shared_by=company,
            brands=tuple(brands), lead=lead, items=tuple(items), visits=tuple(visits),
            withheld_items=len(from_complaints), made_on=today)


def export_cap_pack(db: Database, cap_id: int, path: Path | str, today: Optional[date] = None) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"{path.name}: a shared CAP pack is an Excel file; name it .xlsx.")
    return write_cap_pack(path, shared_pack(db, cap_id, today))



def record_meeting_sourcing(db: Database, cap_id: int, attended: str, *, source: str = "app",
                            user: str = "") -> str:
    """Records who from the brand's sourcing team attended the CAP meeting (names, comma-separated)."""
    attended = ", ".join(p.strip() for p in (attended or "").split(",") if p.strip())
    if len(attended) > 2000:
        raise UserError("The list of sourcing attendees is longer than 2,000 characters.")
    with db.transaction() as s:
        cap = s.get(Cap, cap_id)
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        record_change(s, "cap", cap.id, "meeting_sourcing", cap.meeting_sourcing, attended,
                      supplier_id=cap.supplier_id, source=source, user=user)
        cap.meeting_sourcing = attended
        return attended
