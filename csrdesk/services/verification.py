"""Verification of remediation: CAP meetings, plan approvals, the visit plan, booking, recording verdicts, categories.

One function per user action, each one transaction. Recording a visit updates the CAP in the same transaction as the
verdicts (services.caps' history and lifecycle rules): done correctly -> verified, dated the visit; done with errors
and not done -> back to the factory with a new due date (Settings) and the verifier's note. The progress category is
suggested by domain.verification and confirmed by the person. The on-site sheet goes out and comes back through
exchange.visit_sheet, checked like a CAP tracker; a refused sheet changes nothing.
"""
from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain.lifecycle import CapStatus, ItemStatus
from csrdesk.domain.reporting import numbered, plural, verb
from csrdesk.domain.verification import (
    PROGRESS_CATEGORIES, PlanState, Verdict, VerdictError, attendee_role, check_category, evidence_before_visit,
    parse_verdict, plan_state, suggest_category, tally, verdict_move, verification_note, visit_due,
    visit_progress_rate,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.services.backup import before_bulk_change
from csrdesk.services.history import record_change
from csrdesk.services.settings import Preferences, load_preferences
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, EvidenceFile, Finding, FindingCategory, Supplier, VerificationResult, VerificationVisit,
)

if TYPE_CHECKING:  # the sheet's module loads openpyxl, which the window loads only when a sheet is used
    from csrdesk.exchange.visit_sheet import VisitSheetData

SOURCE_SHEET = "visit sheet"
OPEN_STATUSES = tuple(s.value for s in ItemStatus if s.is_open)
DONE_STATUSES = (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)
BOOKED, DONE = "booked", "done"


# ---------------------------------------------------------------- plain data out

@dataclass(frozen=True)
class Attendee:
    """Someone at a verification visit, by role and name."""

    role: str
    name: str = ""


@dataclass(frozen=True)
class PlanRow:
    """One CAP in the visit plan."""

    cap_id: int
    supplier_id: int
    supplier: str            # code
    supplier_name: str
    country: str
    meeting_date: date
    visit_due: date
    state: str               # overdue, due, later, booked, done (domain.verification.PlanState)
    items_due: int           # open items due by the visit (the booked date, else the due date)
    evidence_received: int   # of those, items with evidence sent
    open_items: int
    booked_date: Optional[date] = None
    booked_visit_id: Optional[int] = None
    attendees: tuple[Attendee, ...] = ()
    last_visit: Optional[date] = None
    category: Optional[int] = None


@dataclass(frozen=True)
class VerdictRow:
    """The verdict a visit gave one CAP item: the note, the item's status before and now, a new due date."""

    item_id: int
    verdict: str
    note: str
    finding: str
    category: str
    severity: str
    status_before: str
    status_now: str
    new_due_date: Optional[date]


@dataclass(frozen=True)
class VisitDetail:
    """One verification visit in full: attendees, verdicts, progress, category and items verified or reopened."""

    id: int
    cap_id: int
    supplier_id: int
    supplier: str
    supplier_name: str
    date: date
    status: str
    verifier: str
    attendees: tuple[Attendee, ...]
    notes: str
    verdicts: tuple[VerdictRow, ...]
    progress_rate: Optional[float]
    suggested_category: Optional[int]
    category: Optional[int]
    category_reason: str
    evidence_before_visit: Optional[bool]
    items_verified: int
    items_reopened: int
    meeting_date: Optional[date] = None

    @property
    def category_text(self) -> str:
        chosen = self.category or self.suggested_category
        return PROGRESS_CATEGORIES[chosen][0] if chosen in PROGRESS_CATEGORIES else ""


@dataclass(frozen=True)
class VisitRow:
    """One verification visit as a list shows it: supplier, date, status, progress and category."""

    id: int
    cap_id: int
    supplier_id: int
    supplier: str
    supplier_name: str
    date: date
    status: str
    judged: int
    items_verified: int
    items_reopened: int
    progress_rate: Optional[float]
    suggested_category: Optional[int]
    category: Optional[int]
    evidence_before_visit: Optional[bool]


@dataclass(frozen=True)
class VerdictInput:
    """A verdict on one CAP item as the visit form records it."""

    item_id: int
    verdict: str | Verdict
    note: str = ""


@dataclass(frozen=True)
class ItemChange:
    """What recording a visit would do to one CAP item: its status and due date before and after."""

    item_id: int
    finding: str
    verdict: str
    note: str
    status_before: str
    status_after: str
    due_before: Optional[date]
    due_after: Optional[date]


@dataclass(frozen=True)
class VisitPreview:
    """What recording a visit would change: each item, the progress rate and the category suggested."""

    cap_id: int
    supplier: str
    supplier_name: str
    date: date
    changes: tuple[ItemChange, ...]
    progress_rate_before: Optional[float]
    progress_rate: Optional[float]
    suggested_category: Optional[int]
    category_reason: str
    evidence_before_visit: bool
    items_verified: int
    items_reopened: int
    not_checked: int
    notes: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------- small helpers

def _cap(s: Session, cap_id: int) -> Cap:
    cap = s.get(Cap, cap_id)
    if cap is None:
        raise NotFound(f"No CAP #{cap_id}.")
    return cap


def _attendees(raw: Any) -> tuple[Attendee, ...]:
    out = []
    for a in raw or ():
        if isinstance(a, dict):
            out.append(Attendee(str(a.get("role", "")), str(a.get("name", ""))))
    return tuple(out)


def parse_attendees(items: Iterable[str | Attendee]) -> list[Attendee]:
    """Attendees as 'role' or 'role: name' (brand, verifier, worker representative, union, factory management)."""
    out = []
    for a in items:
        if isinstance(a, Attendee):
            role, name = a.role, a.name
        else:
            role, _sep, name = str(a).partition(":")
        try:
            out.append(Attendee(attendee_role(role), " ".join(name.split())))
        except VerdictError as exc:
            raise UserError(f"Attendee {a!r}: {exc}.") from None
    return out


def _prefs(db: Database, prefs: Optional[Preferences]) -> Preferences:
    return prefs if prefs is not None else load_preferences(db)


# ---------------------------------------------------------------- CAP meeting and plan approvals

@dataclass(frozen=True)
class MeetingInfo:
    """A CAP meeting's date and when the verification visit falls due after it."""

    cap_id: int
    supplier: str
    meeting_date: Optional[date]
    visit_due: Optional[date]
    sourcing: str = ""  # who from sourcing attended the CAP meeting


def set_meeting_date(db: Database, cap_id: int, meeting: Optional[date], *, source: str = "app",
                     sourcing: Optional[str] = None) -> MeetingInfo:
    """Records the CAP meeting's date; the verification visit falls due the set number of days later."""
    prefs = load_preferences(db)
    if meeting is not None and not isinstance(meeting, date):
        raise UserError("The CAP meeting date must be a date (YYYY-MM-DD).")
    with db.transaction() as s:
        cap = _cap(s, cap_id)
        a = s.get(Assessment, cap.assessment_id)
        if meeting is not None and meeting < a.date:
            raise UserError(f"The CAP meeting cannot be before the assessment of {a.date.isoformat()}.")
        record_change(s, "cap", cap.id, "meeting_date", cap.meeting_date, meeting, supplier_id=cap.supplier_id,
                      source=source)
        cap.meeting_date = meeting
        if sourcing is not None:  # who from the brand's sourcing team attended
            attended = ", ".join(p.strip() for p in sourcing.split(",") if p.strip())
            record_change(s, "cap", cap.id, "meeting_sourcing", cap.meeting_sourcing, attended,
                          supplier_id=cap.supplier_id, source=source)
            cap.meeting_sourcing = attended
        code = s.scalar(select(Supplier.code).where(Supplier.id == cap.supplier_id))
        attended = cap.meeting_sourcing
    return MeetingInfo(cap_id, code, meeting, visit_due(meeting, prefs.visit_due_days), attended)


@dataclass(frozen=True)
class PlanApproval:
    """Whether a CAP item needs its plans approved before work starts, and when they were."""

    item_id: int
    cap_id: int
    needs_plan_approval: bool
    plan_approved_date: Optional[date]


def set_plan_approval(db: Database, item_id: int, *, needs: Optional[bool] = None,
                      approved_on: Optional[date] = None, clear_approval: bool = False,
                      source: str = "app") -> PlanApproval:
    """Marks a CAP item as needing plans or drawings approved before work starts, and records the approval."""
    with db.transaction() as s:
        item = s.get(CapItem, item_id)
        if item is None:
            raise NotFound(f"No CAP item {item_id}.")
        sup = item.cap.supplier_id
        if needs is not None:
            record_change(s, "cap_item", item.id, "needs_plan_approval", item.needs_plan_approval, needs,
                          supplier_id=sup, source=source)
            item.needs_plan_approval = bool(needs)
        if approved_on is not None or clear_approval:
            if approved_on is not None and not item.needs_plan_approval:
                raise UserError(f"Item {item_id} is not marked as needing plan approval; mark it first.")
            record_change(s, "cap_item", item.id, "plan_approved_date", item.plan_approved_date, approved_on,
                          supplier_id=sup, source=source)
            item.plan_approved_date = approved_on
        return PlanApproval(item.id, item.cap_id, item.needs_plan_approval, item.plan_approved_date)


# ---------------------------------------------------------------- the plan

def _has_evidence(status: str, notes: str, item_id: int, with_files: set[int]) -> bool:
    """Evidence was sent for an item: it is marked evidence submitted (or beyond), has evidence notes or files."""
    if status not in (ItemStatus.OPEN.value, ItemStatus.ACTION_PLANNED.value):
        return True
    return bool((notes or "").strip()) or item_id in with_files


def visit_plan(db: Database, today: Optional[date] = None, *, prefs: Optional[Preferences] = None,
               include_done: bool = True, item_counts: bool = True) -> list[PlanRow]:
    """Every CAP with a meeting date and not closed: when its visit is due, booked or done, how many items are due
    by then and how many of them have evidence. Overdue first, then by due date. With item_counts=False the items
    are not read (items_due, evidence_received and open_items are 0): for callers that need only the states."""
    today = today or date.today()
    prefs = _prefs(db, prefs)
    with db.reading() as s:
        caps = s.execute(
            select(Cap.id, Cap.supplier_id, Cap.meeting_date, Supplier.code, Supplier.name, Supplier.country)
            .join(Supplier, Supplier.id == Cap.supplier_id)
            .where(Cap.meeting_date.is_not(None), Cap.status != CapStatus.CLOSED.value)
        ).all()
        if not caps:
            return []
        planned = select(Cap.id).where(Cap.meeting_date.is_not(None), Cap.status != CapStatus.CLOSED.value)
        visits: dict[int, list[tuple]] = defaultdict(list)
        for row in s.execute(
            select(VerificationVisit.cap_id, VerificationVisit.id, VerificationVisit.visit_date,
                   VerificationVisit.status, VerificationVisit.attendees, VerificationVisit.progress_category,
                   VerificationVisit.suggested_category)
            .where(VerificationVisit.cap_id.in_(planned))
            .order_by(VerificationVisit.visit_date, VerificationVisit.id)
        ):
            visits[row[0]].append(row[1:])
        # Counted per CAP and due date in SQL (a few rows per CAP instead of every open item); each CAP then sums
        # the dates up to its own visit date.
        evidenced = or_(CapItem.status == ItemStatus.EVIDENCE_SUBMITTED.value, CapItem.evidence_notes != "")
        counts: dict[int, list[tuple]] = defaultdict(list)
        for cap_id, due, with_evidence, n in () if not item_counts else s.connection().execute(
            select(CapItem.cap_id, CapItem.due_date, evidenced, func.count())
            .where(CapItem.cap_id.in_(planned), CapItem.status.in_(OPEN_STATUSES))
            .group_by(CapItem.cap_id, CapItem.due_date, evidenced)
        ):
            counts[cap_id].append((due, bool(with_evidence), n))
        if item_counts and s.scalar(select(func.count(EvidenceFile.id))):
            # Items whose only evidence is a file, counted apart (rare: most factories send notes with files).
            for cap_id, due, n in s.connection().execute(
                select(CapItem.cap_id, CapItem.due_date, func.count(func.distinct(CapItem.id)))
                .join(EvidenceFile, EvidenceFile.cap_item_id == CapItem.id)
                .where(CapItem.cap_id.in_(planned), CapItem.status.in_(OPEN_STATUSES), ~evidenced)
                .group_by(CapItem.cap_id, CapItem.due_date)
            ):
                counts[cap_id].append((due, None, n))  # moves n items from "no evidence" to "evidence"
    rows = []
    for cap_id, sup_id, meeting, code, name, country in caps:
        due = visit_due(meeting, prefs.visit_due_days)
        booked = done = None
        for visit_id, vdate, status, attendees, category, suggested in visits.get(cap_id, ()):
            if status == BOOKED:
                booked = (visit_id, vdate, attendees)
            elif vdate >= meeting:
                done = (visit_id, vdate, category or suggested)
        state = plan_state(due, booked[1] if booked else None, done[1] if done else None, today)
        if state is PlanState.DONE and not include_done:
            continue
        by = booked[1] if booked else due
        items_due = evidence = open_items = 0
        for item_due, with_evidence, n in counts.get(cap_id, ()):
            if with_evidence is not None:
                open_items += n
            if item_due is None or item_due > by:
                continue
            if with_evidence is None:  # file-only evidence: already counted among the items due
                evidence += n
                continue
            items_due += n
            evidence += n if with_evidence else 0
        rows.append(PlanRow(
            cap_id=cap_id, supplier_id=sup_id, supplier=code, supplier_name=name, country=country or "",
            meeting_date=meeting, visit_due=due, state=state.value, items_due=items_due,
            evidence_received=evidence, open_items=open_items, booked_date=booked[1] if booked else None,
            booked_visit_id=booked[0] if booked else None, attendees=_attendees(booked[2]) if booked else (),
            last_visit=done[1] if done else None, category=done[2] if done else None,
        ))
    order = {PlanState.OVERDUE.value: 0, PlanState.DUE.value: 1, PlanState.BOOKED.value: 2, PlanState.LATER.value: 3,
             PlanState.DONE.value: 4}
    rows.sort(key=lambda r: (order[r.state], r.booked_date or r.visit_due, r.supplier))
    return rows


def book_visit(db: Database, cap_id: int, visit_date: date, *, attendees: Sequence[str | Attendee] = (),
               verifier: str = "", source: str = "app") -> PlanRow:
    """Books the CAP's visit for a date, with who attends (brand, worker representatives, union...). Booking again
    moves the booked visit."""
    people = parse_attendees(attendees)
    with db.transaction() as s:
        cap = _cap(s, cap_id)
        if cap.status == CapStatus.CLOSED.value:
            raise UserError(f"CAP #{cap_id} is closed: there is nothing left to verify.")
        if cap.meeting_date is None:
            raise UserError(f"CAP #{cap_id} has no CAP meeting date yet; record the meeting first (caps meeting).")
        if visit_date < cap.meeting_date:
            raise UserError(f"The visit cannot be before the CAP meeting of {cap.meeting_date.isoformat()}.")
        visit = s.scalar(select(VerificationVisit).where(VerificationVisit.cap_id == cap_id,
                                                         VerificationVisit.status == BOOKED))
        if visit is None:
            visit = VerificationVisit(cap_id=cap_id, visit_date=visit_date, status=BOOKED, attendees=[])
            s.add(visit)
        record_change(s, "cap", cap.id, "visit_booked", visit.visit_date if visit.id else None, visit_date,
                      supplier_id=cap.supplier_id, source=source)
        visit.visit_date = visit_date
        visit.attendees = [{"role": a.role, "name": a.name} for a in people]
        if verifier:
            visit.verifier = verifier.strip()
    return next(r for r in visit_plan(db) if r.cap_id == cap_id)


# ---------------------------------------------------------------- the on-site sheet

def category_titles(s: Session) -> dict[str, str]:
    return dict(s.execute(select(FindingCategory.key, FindingCategory.title)).all())


def _load_cap_items(s: Session, cap_id: int) -> Cap:
    cap = s.scalar(select(Cap).where(Cap.id == cap_id).options(
        selectinload(Cap.items).selectinload(CapItem.finding), selectinload(Cap.items).selectinload(CapItem.evidence)))
    if cap is None:
        raise NotFound(f"No CAP #{cap_id}.")
    return cap


def visit_sheet_data(db: Database, cap_id: int, visit_date: Optional[date] = None) -> VisitSheetData:
    """What the on-site sheet of a CAP shows: its open items with the factory's plan and the evidence received."""
    from csrdesk.exchange.visit_sheet import SheetItem, VisitSheetData

    prefs = load_preferences(db)
    with db.reading() as s:
        cap = _load_cap_items(s, cap_id)
        a = s.get(Assessment, cap.assessment_id)
        sup = s.get(Supplier, cap.supplier_id)
        titles = category_titles(s)
        booked = s.scalar(select(VerificationVisit.visit_date).where(VerificationVisit.cap_id == cap_id,
                                                                     VerificationVisit.status == BOOKED))
        items = []
        for i in cap.items:
            if i.status not in OPEN_STATUSES:
                continue
            f = i.finding
            plan = "\n".join(p for p in (
                f"Root cause 根本原因: {i.root_cause}" if i.root_cause.strip() else "",
                f"Action 措施: {i.preventive_action}" if i.preventive_action.strip() else "",
                f"Leader 负责人: {i.project_leader}" if i.project_leader.strip() else "",
            ) if p) or "No plan received 未收到计划"
            evidence = "; ".join(p for p in (i.evidence_notes.strip(),
                                             plural(len(i.evidence), "file") if i.evidence else "") if p)
            items.append(SheetItem(i.id, titles.get(f.category, f.category), f.severity, f.title, plan, i.due_date,
                                   i.status, evidence))
        if not items:
            raise UserError(f"CAP #{cap_id} has no open items; there is nothing to verify.")
        return VisitSheetData(
            cap_id=cap.id, supplier_id=sup.id, supplier_code=sup.code, supplier_name=sup.name,
            supplier_local_name=sup.local_name, assessment_date=a.date, meeting_date=cap.meeting_date,
            visit_date=visit_date or booked, company=prefs.company, items=tuple(items),
            export_id=str(uuid.uuid4()), exported_at=datetime.now(),
        )


def export_visit_sheet(db: Database, cap_id: int, path: Path | str, *, visit_date: Optional[date] = None) -> Path:
    """Writes the on-site sheet for a CAP's verification visit (.xlsx)."""
    from csrdesk.exchange.visit_sheet import write_visit_sheet
    from csrdesk.services.trackers import workspace_secret

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"The visit sheet must be an .xlsx file: {path.name}")
    data = visit_sheet_data(db, cap_id, visit_date)
    return write_visit_sheet(data, path, workspace_secret(db))


def sheet_verdicts(db: Database, path: Path | str, cap_id: int) -> tuple[list[VerdictInput], str]:
    """The verdicts of a returned on-site sheet for this CAP, and the file's SHA-256; refuses (UserError, nothing
    changed) a sheet of another CAP, of another workspace, altered, or with an unknown verdict."""
    from csrdesk.exchange.visit_sheet import VisitSheetRefused, read_visit_sheet
    from csrdesk.services.trackers import workspace_secret

    try:
        sheet = read_visit_sheet(path, workspace_secret(db, create=False))
    except VisitSheetRefused as exc:
        raise UserError(f"Visit sheet refused, nothing was changed: {exc}") from None
    name = Path(path).name
    if sheet.cap_id != cap_id:
        raise UserError(f"Visit sheet refused, nothing was changed: {name} is the sheet of CAP #{sheet.cap_id} "
                        f"({sheet.supplier_code}), not of CAP #{cap_id}.")
    with db.reading() as s:
        cap = s.get(Cap, cap_id)
        if cap is None or cap.supplier_id != sheet.supplier_id:
            raise UserError(f"Visit sheet refused, nothing was changed: {name} does not belong to CAP #{cap_id} of "
                            "this workspace.")
    if not sheet.verdicts:
        raise UserError(f"{name} has no verdicts filled in; nothing was changed.")
    return [VerdictInput(v.item_id, v.verdict, v.note) for v in sorted(sheet.verdicts.values(), key=lambda v: v.row)], \
        sheet.sha256


# ---------------------------------------------------------------- recording a visit

@dataclass
class _Plan:
    """A visit's verdicts checked against its CAP and items, ready to preview or record."""

    cap: Cap
    supplier: Supplier
    changes: list[ItemChange]
    items: dict[int, CapItem]
    verdicts: list[tuple[CapItem, Verdict, str]]
    evidence: bool
    rate_before: Optional[float]
    rate_after: Optional[float]
    suggestion: Any
    booked: Optional[VerificationVisit]


def _parse_inputs(verdicts: Iterable[VerdictInput]) -> list[tuple[int, Verdict, str]]:
    out, seen = [], set()
    for v in verdicts:
        try:
            verdict = v.verdict if isinstance(v.verdict, Verdict) else parse_verdict(v.verdict)
        except VerdictError as exc:
            raise UserError(f"Item {v.item_id}: {exc}; nothing was changed.") from None
        if verdict is None:
            raise UserError(f"Item {v.item_id} has no verdict; nothing was changed.")
        if v.item_id in seen:
            raise UserError(f"Item {v.item_id} is given two verdicts; nothing was changed.")
        seen.add(v.item_id)
        out.append((int(v.item_id), verdict, (v.note or "").strip()))
    if not out:
        raise UserError("No verdicts were given; nothing was changed.")
    return out


def _plan_visit(s: Session, cap_id: int, visit_date: date, parsed: list[tuple[int, Verdict, str]], reopen_days: int,
                evidence: Optional[bool], today: date) -> _Plan:
    if visit_date > today:
        raise UserError(f"A visit on {visit_date.isoformat()} has not happened yet; record it on the day or after.")
    cap = _load_cap_items(s, cap_id)
    sup = s.get(Supplier, cap.supplier_id)
    same_day = s.scalar(select(VerificationVisit.id).where(VerificationVisit.cap_id == cap_id,
                                                           VerificationVisit.status == DONE,
                                                           VerificationVisit.visit_date == visit_date))
    if same_day is not None:
        raise UserError(f"CAP #{cap_id} already has visit {same_day} recorded on {visit_date.isoformat()}; nothing "
                        "was changed.")
    items = {i.id: i for i in cap.items}
    unknown = [str(item_id) for item_id, _v, _n in parsed if item_id not in items]
    if unknown:
        raise UserError(f"{numbered('Item', unknown)} {verb(len(unknown), 'is', 'are')} not in CAP #{cap_id}; "
                        "nothing was changed.")
    changes, judged = [], []
    with_evidence = 0
    for item_id, verdict, note in parsed:
        item = items[item_id]
        has_plan = bool(item.root_cause.strip() and item.preventive_action.strip() and item.project_leader.strip())
        try:
            move = verdict_move(verdict, item.status, has_plan=has_plan, visit_date=visit_date,
                                reopen_days=reopen_days, note=note)
        except VerdictError as exc:
            raise UserError(f"Item {item_id}: {exc}; nothing was changed.") from None
        if verdict is not Verdict.NOT_CHECKED and _has_evidence(item.status, item.evidence_notes, item.id,
                                                                 {item.id} if item.evidence else set()):
            with_evidence += 1
        changes.append(ItemChange(item_id, item.finding.title, verdict.value, note, item.status,
                                  move.status.value if move.status else item.status, item.due_date,
                                  move.due_date or item.due_date))
        judged.append((item, verdict, note))
    checked = sum(1 for _i, v, _n in judged if v is not Verdict.NOT_CHECKED)
    found_evidence = evidence_before_visit(with_evidence, checked) if evidence is None else bool(evidence)
    done_before = sum(1 for i in cap.items if i.status in DONE_STATUSES)
    after = {c.item_id: c.status_after for c in changes}
    done_after = sum(1 for i in cap.items if after.get(i.id, i.status) in DONE_STATUSES)
    booked = s.scalar(select(VerificationVisit).where(VerificationVisit.cap_id == cap_id,
                                                      VerificationVisit.status == BOOKED))
    return _Plan(cap, sup, changes, items, judged, found_evidence,
                 visit_progress_rate(len(cap.items), done_before), visit_progress_rate(len(cap.items), done_after),
                 suggest_category(found_evidence, [v for _i, v, _n in judged]), booked)


def _preview(plan: _Plan, visit_date: date) -> VisitPreview:
    t = tally(v for _i, v, _n in plan.verdicts)
    notes = []
    if plan.booked is not None and plan.booked.visit_date != visit_date:
        notes.append(f"The visit booked for {plan.booked.visit_date.isoformat()} is recorded as held on "
                     f"{visit_date.isoformat()}.")
    return VisitPreview(
        cap_id=plan.cap.id, supplier=plan.supplier.code, supplier_name=plan.supplier.name, date=visit_date,
        changes=tuple(plan.changes), progress_rate_before=plan.rate_before, progress_rate=plan.rate_after,
        suggested_category=plan.suggestion.category if plan.suggestion else None,
        category_reason=plan.suggestion.reason if plan.suggestion else "No item could be checked.",
        evidence_before_visit=plan.evidence, items_verified=t.done_correctly,
        items_reopened=t.done_with_errors + t.not_done, not_checked=t.not_checked, notes=tuple(notes),
    )


def preview_visit(db: Database, cap_id: int, visit_date: date, verdicts: Iterable[VerdictInput], *,
                  evidence: Optional[bool] = None, today: Optional[date] = None) -> VisitPreview:
    """What recording these verdicts would change (item by item), the progress rate and the suggested category;
    changes nothing. Raises UserError for what record_visit would refuse."""
    today = today or date.today()
    parsed = _parse_inputs(verdicts)
    prefs = load_preferences(db)
    with db.reading() as s:
        return _preview(_plan_visit(s, cap_id, visit_date, parsed, prefs.reopen_due_days, evidence, today),
                        visit_date)


def record_visit(db: Database, cap_id: int, visit_date: date, verdicts: Iterable[VerdictInput], *,
                 verifier: str = "", attendees: Optional[Sequence[str | Attendee]] = None, notes: str = "",
                 evidence: Optional[bool] = None, category: Optional[int] = None, source: str = "app",
                 today: Optional[date] = None) -> VisitDetail:
    """Records a verification visit and updates the CAP from its verdicts, all in one transaction.

    A visit booked for the CAP becomes this visit (held on visit_date). evidence None works out from the items
    whether evidence came before the visit. category confirms the progress category at once (else it stays
    suggested until `confirm_category`).
    """
    today = today or date.today()
    parsed = _parse_inputs(verdicts)
    people = parse_attendees(attendees) if attendees is not None else None
    if category is not None:
        category = _category(category)
    prefs = load_preferences(db)
    with db.transaction() as s:
        plan = _plan_visit(s, cap_id, visit_date, parsed, prefs.reopen_due_days, evidence, today)
        cap, sup = plan.cap, plan.supplier
        visit = plan.booked or VerificationVisit(cap_id=cap.id, attendees=[])
        if plan.booked is None:
            s.add(visit)
        visit.visit_date = visit_date
        visit.status = DONE
        if verifier.strip():
            visit.verifier = verifier.strip()
        if people is not None:
            visit.attendees = [{"role": a.role, "name": a.name} for a in people]
        visit.notes = (notes or "").strip()
        visit.evidence_before_visit = plan.evidence
        visit.suggested_category = plan.suggestion.category if plan.suggestion else None
        visit.category_reason = plan.suggestion.reason if plan.suggestion else "No item could be checked."
        visit.progress_category = category
        visit.progress_rate = plan.rate_after
        chosen = category or visit.suggested_category
        visit.escalated = chosen in (1, 2)
        s.flush()
        by_id = {c.item_id: c for c in plan.changes}
        note_source = f"verification visit {visit.id}" if source == "app" else f"{source}, visit {visit.id}"
        for item, verdict, note in plan.verdicts:
            change = by_id[item.id]
            s.add(VerificationResult(visit_id=visit.id, cap_item_id=item.id, outcome=verdict.value, notes=note,
                                     status_before=change.status_before,
                                     new_due_date=change.due_after if verdict.sends_back else None))
            if change.status_after != item.status:
                record_change(s, "cap_item", item.id, "status", item.status, change.status_after, supplier_id=sup.id,
                              source=note_source)
                item.status = change.status_after
                if change.status_after == ItemStatus.VERIFIED.value:
                    item.verification_date = visit_date
                item.closed_date = None
            if verdict.sends_back and change.due_after != item.due_date:
                record_change(s, "cap_item", item.id, "due_date", item.due_date, change.due_after,
                              supplier_id=sup.id, source=note_source)
                item.due_date = change.due_after
            line = verification_note(verdict, visit_date, note)
            new_notes = f"{item.verification_notes.rstrip()}\n{line}" if item.verification_notes.strip() else line
            record_change(s, "cap_item", item.id, "verification_notes", item.verification_notes, new_notes,
                          supplier_id=sup.id, source=note_source)
            item.verification_notes = new_notes
        if cap.status == CapStatus.APPROVED.value:
            from csrdesk.services.caps import move_cap_status

            s.flush()
            move_cap_status(s, cap, CapStatus.IN_REMEDIATION, source=note_source, note="verification visit held",
                            today=today)
        if category is not None:
            cap.progress_category = category
        record_change(s, "cap", cap.id, "verification_visit", None, visit_date, supplier_id=sup.id,
                      source=source, note=f"visit {visit.id}: {plural(len(plan.verdicts), 'item')} judged")
        visit_id = visit.id
    return visit_detail(db, visit_id)


def record_visit_from_sheet(db: Database, cap_id: int, visit_date: date, path: Path | str, *, verifier: str = "",
                            attendees: Optional[Sequence[str | Attendee]] = None, notes: str = "",
                            evidence: Optional[bool] = None, expected_sha256: Optional[str] = None,
                            today: Optional[date] = None) -> VisitDetail:
    """Records the visit from a returned on-site sheet, after a backup; all or nothing."""
    verdicts, sha = sheet_verdicts(db, path, cap_id)
    if expected_sha256 is not None and sha != expected_sha256:
        raise UserError(f"{Path(path).name} changed since it was previewed; nothing was changed. Open it again.")
    preview_visit(db, cap_id, visit_date, verdicts, evidence=evidence, today=today)  # refuses before the backup
    before_bulk_change(db, "visit-sheet")
    return record_visit(db, cap_id, visit_date, verdicts, verifier=verifier, attendees=attendees, notes=notes,
                        evidence=evidence, source=SOURCE_SHEET, today=today)


def preview_visit_sheet(db: Database, cap_id: int, visit_date: date, path: Path | str, *,
                        evidence: Optional[bool] = None, today: Optional[date] = None) -> VisitPreview:
    verdicts, _sha = sheet_verdicts(db, path, cap_id)
    return preview_visit(db, cap_id, visit_date, verdicts, evidence=evidence, today=today)


def _category(value: Any) -> int:
    try:
        return check_category(value)
    except VerdictError as exc:
        raise UserError(f"The {exc}.") from None


def confirm_category(db: Database, visit_id: int, category: int, *, source: str = "app") -> VisitDetail:
    """The person confirms (or changes) the visit's progress category; the CAP takes it when it is its latest visit."""
    category = _category(category)
    with db.transaction() as s:
        visit = s.get(VerificationVisit, visit_id)
        if visit is None:
            raise NotFound(f"No verification visit {visit_id}.")
        if visit.status != DONE:
            raise UserError(f"Visit {visit_id} is booked for {visit.visit_date.isoformat()} and not held yet; record "
                            "it first.")
        cap = s.get(Cap, visit.cap_id)
        record_change(s, "verification_visit", visit.id, "progress_category", visit.progress_category, category,
                      supplier_id=cap.supplier_id, source=source)
        visit.progress_category = category
        visit.escalated = category in (1, 2)
        latest = s.scalar(select(VerificationVisit.id).where(VerificationVisit.cap_id == cap.id,
                                                             VerificationVisit.status == DONE)
                          .order_by(VerificationVisit.visit_date.desc(), VerificationVisit.id.desc()).limit(1))
        if latest == visit.id:
            record_change(s, "cap", cap.id, "progress_category", cap.progress_category, category,
                          supplier_id=cap.supplier_id, source=source)
            cap.progress_category = category
    return visit_detail(db, visit_id)


# ---------------------------------------------------------------- reading visits

def visit_detail(db: Database, visit_id: int) -> VisitDetail:
    with db.reading() as s:
        visit = s.scalar(select(VerificationVisit).where(VerificationVisit.id == visit_id)
                         .options(selectinload(VerificationVisit.results)))
        if visit is None:
            raise NotFound(f"No verification visit {visit_id}.")
        cap = s.get(Cap, visit.cap_id)
        sup = s.get(Supplier, cap.supplier_id)
        titles = category_titles(s)
        ids = [r.cap_item_id for r in visit.results]
        info = {iid: (title, cat, sev, status) for iid, title, cat, sev, status in s.execute(
            select(CapItem.id, Finding.title, Finding.category, Finding.severity, CapItem.status)
            .join(Finding, Finding.id == CapItem.finding_id).where(CapItem.id.in_(ids)))} if ids else {}
        position = {iid: p for iid, p in s.execute(select(CapItem.id, CapItem.position)
                                                   .where(CapItem.id.in_(ids)))} if ids else {}
        rows = []
        for r in sorted(visit.results, key=lambda r: (position.get(r.cap_item_id, 0), r.cap_item_id)):
            title, cat, sev, status = info.get(r.cap_item_id, ("", "", "", ""))
            rows.append(VerdictRow(r.cap_item_id, r.outcome, r.notes, title, titles.get(cat, cat), sev,
                                   r.status_before, status, r.new_due_date))
        t = Counter(r.outcome for r in visit.results)
        return VisitDetail(
            id=visit.id, cap_id=cap.id, supplier_id=sup.id, supplier=sup.code, supplier_name=sup.name,
            date=visit.visit_date, status=visit.status, verifier=visit.verifier,
            attendees=_attendees(visit.attendees), notes=visit.notes, verdicts=tuple(rows),
            progress_rate=visit.progress_rate, suggested_category=visit.suggested_category,
            category=visit.progress_category, category_reason=visit.category_reason,
            evidence_before_visit=visit.evidence_before_visit,
            items_verified=t[Verdict.DONE_CORRECTLY.value],
            items_reopened=t[Verdict.DONE_WITH_ERRORS.value] + t[Verdict.NOT_DONE.value],
            meeting_date=cap.meeting_date,
        )


def visit_summary(v: VisitDetail) -> dict[str, Any]:
    """A visit as `verify show --json` gives it (a contract: keys are added, never renamed or dropped)."""
    return {
        "id": v.id, "cap_id": v.cap_id, "supplier": v.supplier, "supplier_name": v.supplier_name, "date": v.date,
        "status": v.status, "verifier": v.verifier,
        "attendees": [{"role": a.role, "name": a.name} for a in v.attendees],
        "verdicts": [{"item_id": r.item_id, "verdict": r.verdict, "note": r.note, "finding": r.finding,
                      "status_before": r.status_before, "status": r.status_now, "new_due_date": r.new_due_date}
                     for r in v.verdicts],
        "progress_rate": v.progress_rate, "suggested_category": v.suggested_category, "category": v.category,
        "category_reason": v.category_reason, "evidence_before_visit": v.evidence_before_visit,
        "items_verified": v.items_verified, "items_reopened": v.items_reopened, "notes": v.notes,
    }


def list_visits(db: Database, *, supplier_id: Optional[int] = None, cap_id: Optional[int] = None,
                limit: Optional[int] = None, status: Optional[str] = None) -> list[VisitRow]:
    """Visits, newest first, with their counts (one grouped query for the results)."""
    q = (select(VerificationVisit.id, VerificationVisit.cap_id, Supplier.id, Supplier.code, Supplier.name,
                VerificationVisit.visit_date, VerificationVisit.status, VerificationVisit.progress_rate,
                VerificationVisit.suggested_category, VerificationVisit.progress_category,
                VerificationVisit.evidence_before_visit)
         .join(Cap, Cap.id == VerificationVisit.cap_id).join(Supplier, Supplier.id == Cap.supplier_id)
         .order_by(VerificationVisit.visit_date.desc(), VerificationVisit.id.desc()))
    if supplier_id is not None:
        q = q.where(Supplier.id == supplier_id)
    if cap_id is not None:
        q = q.where(VerificationVisit.cap_id == cap_id)
    if status is not None:
        q = q.where(VerificationVisit.status == status)
    if limit is not None:
        q = q.limit(limit)
    with db.reading() as s:
        visits = s.execute(q).all()
        ids = [v[0] for v in visits]
        counts: dict[int, Counter] = defaultdict(Counter)
        if ids:
            outcome_counts = (select(VerificationResult.visit_id, VerificationResult.outcome, func.count())
                              .group_by(VerificationResult.visit_id, VerificationResult.outcome))
            if limit is not None or supplier_id is not None or cap_id is not None:
                outcome_counts = outcome_counts.where(VerificationResult.visit_id.in_(ids))
            for visit_id, outcome, n in s.execute(outcome_counts):
                counts[visit_id][outcome] += n
    rows = []
    for vid, cap_id_, sid, code, name, vdate, vstatus, rate, suggested, category, evidence in visits:
        c = counts.get(vid, Counter())
        rows.append(VisitRow(vid, cap_id_, sid, code, name, vdate, vstatus, sum(c.values()),
                             c[Verdict.DONE_CORRECTLY.value],
                             c[Verdict.DONE_WITH_ERRORS.value] + c[Verdict.NOT_DONE.value], rate, suggested,
                             category, evidence))
    return rows


@dataclass(frozen=True)
class VisitScreenData:
    """What the visit screen shows: the open items as on the on-site sheet, and the CAP's counts for the rate."""

    sheet: VisitSheetData
    total_items: int
    done_items: int
    booked_date: Optional[date]
    verifier: str = ""


def visit_screen_data(db: Database, cap_id: int) -> VisitScreenData:
    sheet = visit_sheet_data(db, cap_id)
    with db.reading() as s:
        statuses = list(s.scalars(select(CapItem.status).where(CapItem.cap_id == cap_id)))
        booked = s.execute(select(VerificationVisit.visit_date, VerificationVisit.verifier).where(
            VerificationVisit.cap_id == cap_id, VerificationVisit.status == BOOKED)).first()
    return VisitScreenData(sheet, len(statuses), sum(1 for st in statuses if st in DONE_STATUSES),
                           booked[0] if booked else None, booked[1] if booked else "")
