"""Escalation of factories that are not remediating fast enough: who lags and why, and the steps taken.

The rules are domain.verification's (lag_reasons); the ladder is reminder -> warning letter -> meeting with senior
management -> orders at risk -> suspension -> responsible exit, each step recorded with its date and reason.
Suspension and responsible exit move the supplier through its lifecycle (domain.lifecycle, with the same facts
services.suppliers.change_status judges by); a responsible exit also starts the responsible-exit checklist. The step
and those moves are saved in one transaction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csrdesk.domain.lifecycle import (
    CapStatus, SupplierStatus, TransitionRefused, check_supplier_transition,
)
from csrdesk.domain.verification import (
    STEP_SUPPLIER_STATUS, EscalationRefused, EscalationStep, LagFacts, check_step, lag_reasons, lag_since, next_step,
    parse_step,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.services.settings import Preferences, load_preferences
from csrdesk.services.verification import DONE, OPEN_STATUSES, PlanRow, visit_plan
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Cap, CapItem, ChecklistTemplate, EscalationRecord, Supplier, VerificationVisit, VettingScreen,
)

EXIT_CHECKLIST = "responsible_exit"


@dataclass(frozen=True)
class EscalationRow:
    """A factory that lags on remediation: its current escalation step, why it lags, the next step suggested."""

    supplier_id: int
    supplier: str                 # code
    supplier_name: str
    supplier_status: str
    step: Optional[str]           # the current step (None: not escalated)
    step_date: Optional[date]
    since: Optional[date]         # when the current step was taken, else when the lag began
    reasons: tuple[str, ...]
    suggested_step: Optional[str]  # the next rung, when the factory still lags
    sourcing_owner: str = ""


@dataclass(frozen=True)
class StepRecord:
    """One escalation step taken with a factory: the step, date, reason and who was copied or attended."""

    id: int
    supplier: str
    step: str
    date: date
    reason: str
    source: str
    user: str
    copied_to: str = ""  # the sourcing owner copied on the step
    sourcing_attended: str = ""  # who from sourcing attended (an escalation meeting)


def current_steps(s: Session, supplier_id: Optional[int] = None) -> dict[int, tuple[EscalationStep, date]]:
    """Each supplier's latest step (a resolved escalation counts as none)."""
    q = select(EscalationRecord.supplier_id, EscalationRecord.step, EscalationRecord.date).order_by(
        EscalationRecord.supplier_id, EscalationRecord.date, EscalationRecord.id)
    if supplier_id is not None:
        q = q.where(EscalationRecord.supplier_id == supplier_id)
    latest: dict[int, tuple[EscalationStep, date]] = {}
    for sid, step, day in s.execute(q):
        latest[sid] = (EscalationStep(step), day)
    return {sid: v for sid, v in latest.items() if v[0] is not EscalationStep.RESOLVED}


def _lag_facts(s: Session, today: date, plan: list[PlanRow],
               supplier_id: Optional[int] = None) -> dict[int, tuple[LagFacts, Optional[date]]]:
    counts: dict[int, list] = defaultdict(lambda: [0, 0, None])
    late = CapItem.due_date < today  # one expression (one bound date) in SELECT and GROUP BY, as PostgreSQL wants
    q = (select(Cap.supplier_id, late, func.count(), func.min(CapItem.due_date))
         .join(Cap, Cap.id == CapItem.cap_id)
         .where(Cap.status != CapStatus.CLOSED.value, CapItem.status.in_(OPEN_STATUSES))
         .group_by(Cap.supplier_id, late))
    if supplier_id is not None:
        q = q.where(Cap.supplier_id == supplier_id)
    for sid, late, n, oldest in s.execute(q):
        c = counts[sid]
        c[0] += n
        if late:
            c[1] += n
            c[2] = oldest
    latest: dict[int, tuple] = {}
    q = (select(Cap.supplier_id, VerificationVisit.visit_date, VerificationVisit.progress_category,
                VerificationVisit.suggested_category, VerificationVisit.evidence_before_visit)
         .join(Cap, Cap.id == VerificationVisit.cap_id).where(VerificationVisit.status == DONE)
         .order_by(Cap.supplier_id, VerificationVisit.visit_date, VerificationVisit.id))
    if supplier_id is not None:
        q = q.where(Cap.supplier_id == supplier_id)
    for sid, vdate, category, suggested, evidence in s.execute(q):
        latest[sid] = (vdate, category or suggested, evidence)
    overdue_visit: dict[int, date] = {}
    for row in plan:
        if row.state == "overdue" and (row.supplier_id not in overdue_visit
                                       or row.visit_due < overdue_visit[row.supplier_id]):
            overdue_visit[row.supplier_id] = row.visit_due
    out = {}
    for sid in set(counts) | set(latest) | set(overdue_visit):
        open_items, overdue, oldest = counts.get(sid, (0, 0, None))
        vdate, category, evidence = latest.get(sid, (None, None, None))
        out[sid] = (LagFacts(open_items=open_items, overdue_items=overdue, latest_category=category,
                             latest_visit=vdate, evidence_before_latest_visit=evidence,
                             visit_overdue_since=overdue_visit.get(sid)), oldest)
    return out


def escalation_list(db: Database, today: Optional[date] = None, *, prefs: Optional[Preferences] = None,
                    plan: Optional[list[PlanRow]] = None, supplier_id: Optional[int] = None) -> list[EscalationRow]:
    """Suppliers that lag (with the reasons) or are escalated, highest step first, then the longest lagging."""
    today = today or date.today()
    prefs = prefs or load_preferences(db)
    if plan is None:
        plan = visit_plan(db, today, prefs=prefs, include_done=False)
    with db.reading() as s:
        steps = current_steps(s, supplier_id)
        facts = _lag_facts(s, today, plan, supplier_id)
        wanted = set(steps) | {sid for sid, (f, _o) in facts.items() if lag_reasons(f)}
        if not wanted:
            return []
        suppliers = {sid: (code, name, status, owner) for sid, code, name, status, owner in s.execute(
            select(Supplier.id, Supplier.code, Supplier.name, Supplier.status, Supplier.sourcing_owner)
            .where(Supplier.id.in_(list(wanted))))}
    rows = []
    for sid in wanted:
        code, name, status, owner = suppliers[sid]
        if status == SupplierStatus.EXITED.value:
            continue
        f, oldest = facts.get(sid, (LagFacts(), None))
        reasons = lag_reasons(f)
        step, step_date = steps.get(sid, (None, None))
        suggested = next_step(step) if reasons else None
        rows.append(EscalationRow(
            supplier_id=sid, supplier=code, supplier_name=name, supplier_status=status,
            step=step.value if step else None, step_date=step_date,
            since=step_date if step else lag_since(f, oldest), reasons=tuple(reasons),
            suggested_step=suggested.value if suggested else None, sourcing_owner=owner or "",
        ))
    rows.sort(key=lambda r: (-(EscalationStep(r.step).rank if r.step else 0), r.since or date.max, r.supplier))
    return rows


def supplier_escalation(db: Database, code: str, today: Optional[date] = None) -> Optional[EscalationRow]:
    """One supplier's escalation (None when it neither lags nor is escalated)."""
    with db.reading() as s:
        sid = s.scalar(select(Supplier.id).where(Supplier.code == code))
    if sid is None:
        raise NotFound(f"No supplier with code {code!r}.")
    rows = escalation_list(db, today, supplier_id=sid)
    return rows[0] if rows else None


def escalate(db: Database, supplier_code: str, to: str, reason: str, *, on: Optional[date] = None,
             source: str = "app", user: str = "", sourcing_attended: str = "") -> EscalationRow:
    """Moves a supplier one step along the escalation ladder (or back down, or resolved), with its date and reason.

    Suspension and responsible exit move the supplier's status through its lifecycle (refused, with the lifecycle's
    reason, when it does not allow the move); a responsible exit starts the responsible-exit checklist unless one
    is open. All in one transaction.
    """
    from csrdesk.services.suppliers import supplier_facts
    from csrdesk.services.vetting import start_screen_in

    on = on or date.today()
    try:
        target = parse_step(to)
    except EscalationRefused as exc:
        raise UserError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    with db.transaction() as s:
        supplier = s.scalar(select(Supplier).where(Supplier.code == (supplier_code or "").strip()))
        if supplier is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        current = current_steps(s, supplier.id).get(supplier.id)
        try:
            check_step(current[0] if current else None, target, reason)
        except EscalationRefused as exc:
            raise UserError(f"{supplier.code}: {exc}; nothing was changed.") from None
        if current and on < current[1]:
            raise UserError(f"{supplier.code}: the step cannot be dated before the current step of "
                            f"{current[1].isoformat()}.")
        status = STEP_SUPPLIER_STATUS.get(target)
        if status is not None and supplier.status != status:
            try:
                check_supplier_transition(SupplierStatus(supplier.status), SupplierStatus(status),
                                          supplier_facts(s, supplier))
            except TransitionRefused as exc:
                raise UserError(f"{supplier.code}: {exc} The escalation step was not recorded.") from None
            record_change(s, "supplier", supplier.id, "status", supplier.status, status, supplier_id=supplier.id,
                          source=source, note=f"escalation: {target.label.lower()}: {reason.strip()}", user=user)
            supplier.status = status
        if target is EscalationStep.RESPONSIBLE_EXIT:
            open_exit = s.scalar(
                select(VettingScreen.id).join(ChecklistTemplate, ChecklistTemplate.id == VettingScreen.template_id)
                .where(VettingScreen.supplier_id == supplier.id, ChecklistTemplate.key == EXIT_CHECKLIST,
                       VettingScreen.decision.is_(None)).limit(1))
            if open_exit is None:
                start_screen_in(s, EXIT_CHECKLIST, supplier, source=source, user=user)
        owner = supplier.sourcing_owner or ""
        copied = f"{owner} <{supplier.sourcing_owner_email}>" if owner and supplier.sourcing_owner_email else (
            owner or supplier.sourcing_owner_email or "")
        attended = ", ".join(p.strip() for p in (sourcing_attended or "").split(",") if p.strip())
        s.add(EscalationRecord(supplier_id=supplier.id, step=target.value, date=on, reason=reason.strip(),
                               source=source, user=user, copied_to=copied, sourcing_attended=attended))
        record_change(s, "supplier", supplier.id, "escalation", current[0].value if current else None, target.value,
                      supplier_id=supplier.id, source=source, note=reason.strip(), user=user)
        code = supplier.code
    row = supplier_escalation(db, code, on)
    if row is None:  # resolved and no longer lagging
        with db.reading() as s:
            sup = s.scalar(select(Supplier).where(Supplier.code == code))
            return EscalationRow(sup.id, sup.code, sup.name, sup.status, None, None, on, (), None,
                                 sup.sourcing_owner or "")
    return row


def escalation_history(db: Database, supplier_code: str) -> list[StepRecord]:
    """Every step taken for a supplier, oldest first."""
    with db.reading() as s:
        sid = s.scalar(select(Supplier.id).where(Supplier.code == supplier_code))
        if sid is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        return [StepRecord(r.id, supplier_code, r.step, r.date, r.reason, r.source, r.user, r.copied_to or "",
                           r.sourcing_attended or "") for r in s.scalars(
            select(EscalationRecord).where(EscalationRecord.supplier_id == sid)
            .order_by(EscalationRecord.date, EscalationRecord.id))]


def escalation_summary(row: EscalationRow) -> dict:
    """A row as `escalations list --json` gives it (a contract: keys are added, never renamed or dropped)."""
    return {"supplier": row.supplier, "supplier_name": row.supplier_name, "step": row.step, "reasons": list(row.reasons),
            "since": row.since, "suggested_step": row.suggested_step, "supplier_status": row.supplier_status}
