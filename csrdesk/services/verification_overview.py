"""What the Verification page and the supplier page show of verification: the plan, visits done, escalations, and
the good news (ready for the final inspection, fast and motivated factories), read in one go."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import case, func, select

from csrdesk.domain.lifecycle import CapStatus
from csrdesk.domain.verification import fast_and_motivated, ready_for_final_inspection
from csrdesk.services.escalations import EscalationRow, escalation_list
from csrdesk.services.settings import load_preferences
from csrdesk.services.verification import (
    DONE, DONE_STATUSES, PlanRow, VisitRow, list_visits, visit_plan,
)
from csrdesk.storage.db import Database
from csrdesk.storage.models import Cap, CapItem, Supplier, VerificationVisit

RECENT_VISITS = 500  # the page lists the newest visits; older ones stay reachable from the supplier page


@dataclass(frozen=True)
class GoodNews:
    """A factory doing well on verification (ready for final inspection, or fast), and why."""

    supplier_id: int
    supplier: str
    supplier_name: str
    cap_id: int
    items: int
    done: int
    progress_rate: Optional[float]
    last_visit: Optional[date]
    category: Optional[int]
    why: str


@dataclass(frozen=True)
class VerificationOverview:
    """The Verification page: the visit plan, visits, escalations and the good news."""

    today: date
    plan: tuple[PlanRow, ...]            # visits overdue, due, booked, later (not done)
    visits: tuple[VisitRow, ...]         # done and booked visits, newest first
    escalations: tuple[EscalationRow, ...]
    ready: tuple[GoodNews, ...]          # every item verified: ready for the final inspection
    fast: tuple[GoodNews, ...]           # fast, motivated factories to share as examples

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.plan if r.state == "overdue")

    @property
    def booked(self) -> int:
        return sum(1 for r in self.plan if r.state == "booked")

    @property
    def due(self) -> int:
        return sum(1 for r in self.plan if r.state == "due")


def _good_news(db: Database, visit_due_days: int) -> tuple[list[GoodNews], list[GoodNews]]:
    done_count = func.sum(case((CapItem.status.in_(DONE_STATUSES), 1), else_=0))
    with db.reading() as s:
        caps = s.execute(
            select(Cap.id, Cap.supplier_id, Cap.meeting_date, Supplier.code, Supplier.name, func.count(CapItem.id),
                   done_count)
            .join(CapItem, CapItem.cap_id == Cap.id).join(Supplier, Supplier.id == Cap.supplier_id)
            .where(Cap.status != CapStatus.CLOSED.value)
            .group_by(Cap.id, Cap.supplier_id, Cap.meeting_date, Supplier.code, Supplier.name)
        ).all()
        latest: dict[int, tuple] = {}
        for cap_id, vdate, category, suggested, evidence, rate in s.execute(
            select(VerificationVisit.cap_id, VerificationVisit.visit_date, VerificationVisit.progress_category,
                   VerificationVisit.suggested_category, VerificationVisit.evidence_before_visit,
                   VerificationVisit.progress_rate)
            .where(VerificationVisit.status == DONE)
            .order_by(VerificationVisit.cap_id, VerificationVisit.visit_date, VerificationVisit.id)
        ):
            latest[cap_id] = (vdate, category or suggested, evidence, rate)
    ready, fast = [], []
    for cap_id, sid, meeting, code, name, items, done in caps:
        done = int(done or 0)
        vdate, category, evidence, rate = latest.get(cap_id, (None, None, None, None))
        rate_now = round(100.0 * done / items, 1) if items else None
        if ready_for_final_inspection(items, done):
            ready.append(GoodNews(sid, code, name, cap_id, items, done, rate_now, vdate, category,
                                  f"all {items} items verified"))
        elif vdate is not None:
            days = (vdate - meeting).days if meeting else None
            if fast_and_motivated(category, evidence, rate, days, visit_due_days):
                fast.append(GoodNews(sid, code, name, cap_id, items, done, rate_now, vdate, category,
                                     f"category {category}, {rate:g}% done at the visit"
                                     + (f" {days} days after the CAP meeting" if days is not None else "")))
    ready.sort(key=lambda g: (g.supplier, g.cap_id))
    fast.sort(key=lambda g: (-(g.progress_rate or 0), g.supplier))
    return ready, fast


def verification_overview(db: Database, today: Optional[date] = None) -> VerificationOverview:
    """Everything the Verification page shows (one call on the worker)."""
    today = today or date.today()
    prefs = load_preferences(db)
    plan = visit_plan(db, today, prefs=prefs, include_done=False)
    escalations = escalation_list(db, today, prefs=prefs, plan=plan)
    visits = list_visits(db, limit=RECENT_VISITS)
    ready, fast = _good_news(db, prefs.visit_due_days)
    return VerificationOverview(today, tuple(plan), tuple(visits), tuple(escalations), tuple(ready), tuple(fast))


@dataclass(frozen=True)
class SupplierVerification:
    """A supplier's verification at a glance, for its page and the dashboard."""

    visits: tuple[VisitRow, ...]
    plan: tuple[PlanRow, ...]
    escalation: Optional[EscalationRow]
    category: Optional[int]     # of the latest visit (confirmed, else suggested)


def supplier_verification(db: Database, supplier_id: int, today: Optional[date] = None) -> SupplierVerification:
    today = today or date.today()
    prefs = load_preferences(db)
    plan = [r for r in visit_plan(db, today, prefs=prefs) if r.supplier_id == supplier_id]
    visits = list_visits(db, supplier_id=supplier_id)
    escalations = escalation_list(db, today, prefs=prefs, supplier_id=supplier_id,
                                  plan=[r for r in plan if r.state != "done"])
    done = [v for v in visits if v.status == DONE]
    category = (done[0].category or done[0].suggested_category) if done else None
    return SupplierVerification(tuple(visits), tuple(plan), escalations[0] if escalations else None, category)


@dataclass(frozen=True)
class VerificationCounts:
    """The dashboard's figures: visits overdue and booked, factories escalated and by step."""

    visits_overdue: int
    visits_booked: int
    escalated: int
    by_step: tuple[tuple[str, int], ...]


def verification_counts(db: Database, today: Optional[date] = None) -> VerificationCounts:
    from collections import Counter

    from csrdesk.services.escalations import current_steps

    plan = visit_plan(db, today, include_done=False, item_counts=False)  # the states are all it counts
    with db.reading() as s:
        steps = current_steps(s)
    by_step = Counter(step.value for step, _day in steps.values())
    return VerificationCounts(sum(1 for r in plan if r.state == "overdue"), sum(1 for r in plan if r.state == "booked"),
                              len(steps), tuple(sorted(by_step.items())))
