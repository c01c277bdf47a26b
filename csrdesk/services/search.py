"""Search across the workspace as the user types: suppliers, findings and CAP items, in one quick call."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import and_, case, or_, select

from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, CapItem, Finding, Supplier

KINDS = ("supplier", "cap_item", "finding")
_OPEN = tuple(s.value for s in ItemStatus if s.is_open)


@dataclass(frozen=True)
class SearchHit:
    """One result. `kind` is 'supplier', 'cap_item' (a finding whose CAP item is still open) or 'finding'."""

    kind: str
    id: int  # the supplier, CAP item or finding id, by kind
    title: str
    detail: str  # a second line: supplier, status, date...
    supplier_id: int
    supplier_code: str
    assessment_id: Optional[int] = None
    cap_item_id: Optional[int] = None
    overdue: bool = False


def _words(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:6]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(columns, words):
    """Every word occurs in at least one of the columns (case-insensitive)."""
    return and_(*[or_(*[col.ilike(_like(w), escape="\\") for col in columns]) for w in words])


def search(db: Database, text: str, limit: int = 50, today: Optional[date] = None) -> list[SearchHit]:
    """Suppliers first (code, names, OS ID, country), then open CAP items, then other findings.

    A finding that has an open CAP item is returned once, as the CAP item; the rest as findings (newest first).
    """
    words = _words(text)
    if not words or limit <= 0:
        return []
    today = today or date.today()
    hits: list[SearchHit] = []
    with db.reading() as s:
        exact = (text or "").strip()
        supplier_rows = s.execute(
            select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.status)
            .where(_matches([Supplier.code, Supplier.name, Supplier.local_name, Supplier.os_id, Supplier.country],
                            words))
            .order_by(case((Supplier.code.ilike(exact), 0), (Supplier.code.ilike(_like(exact)[1:], escape="\\"), 1),
                           else_=2), Supplier.code)
            .limit(limit)
        ).all()
        for sid, code, name, local, country, status in supplier_rows:
            title = f"{code}  {name}"
            detail = " · ".join(p for p in (local, country, status) if p)
            hits.append(SearchHit("supplier", sid, title, detail, sid, code))
        remaining = limit - len(hits)
        if remaining <= 0:
            return hits[:limit]
        finding_columns = [Finding.title, Finding.description, Finding.category, Finding.violation_type,
                           CapItem.root_cause, CapItem.preventive_action, CapItem.project_leader, Supplier.code,
                           Supplier.name]
        base = (
            select(Finding.id, Finding.title, Finding.severity, Finding.category, Assessment.id, Assessment.date,
                   Supplier.id, Supplier.code, Supplier.name, CapItem.id, CapItem.status, CapItem.due_date)
            .join(Assessment, Assessment.id == Finding.assessment_id)
            .join(Supplier, Supplier.id == Assessment.supplier_id)
            .outerjoin(CapItem, CapItem.finding_id == Finding.id)
            .where(_matches(finding_columns, words))
        )
        open_items = s.execute(
            base.where(CapItem.status.in_(_OPEN)).order_by(CapItem.due_date, CapItem.id).limit(remaining)
        ).all()
        for fid, title, severity, category, aid, adate, sid, code, sname, iid, status, due in open_items:
            overdue = due is not None and due < today
            when = f"due {due.isoformat()}" if due else "no due date"
            if overdue:
                when = f"overdue since {due.isoformat()}"
            detail = f"{code} {sname} · {status} · {when} · {severity}"
            hits.append(SearchHit("cap_item", iid, title, detail, sid, code, aid, iid, overdue))
        remaining = limit - len(hits)
        if remaining <= 0:
            return hits[:limit]
        others = s.execute(
            base.where(or_(CapItem.id.is_(None), CapItem.status.not_in(_OPEN)))
            .order_by(Assessment.date.desc(), Finding.id).limit(remaining)
        ).all()
        for fid, title, severity, category, aid, adate, sid, code, sname, iid, status, due in others:
            state = f"CAP item {status}" if status else "no CAP item"
            detail = f"{code} {sname} · assessment {adate.isoformat()} · {severity} · {state}"
            hits.append(SearchHit("finding", fid, title, detail, sid, code, aid, iid, False))
    return hits[:limit]
