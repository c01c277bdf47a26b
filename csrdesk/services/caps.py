"""CAPs and CAP items: the cross-supplier item list, status changes, the factory's answers, evidence files."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain.caps import days_overdue, due_date, is_overdue, item_start, progress_rate
from csrdesk.domain.limits import implausible_date
from csrdesk.domain.lifecycle import (
    CapFacts, CapStatus, ItemFacts, ItemStatus, TransitionRefused, check_cap_transition, check_item_transition,
    CAP_TRANSITIONS, ITEM_TRANSITIONS, status_words,
)
from csrdesk.domain.reporting import numbered
from csrdesk.errors import NotFound, UserError
from csrdesk.services.backup import bulk_change
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change
from csrdesk.services.shared_files import (
    check_evidence_file, evidence_name, files_in_database, keep_file, kept_files, kept_location, local_copy,
)
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, Cap, CapItem, EvidenceFile, Finding, Supplier

ANSWER_FIELDS = ("root_cause", "preventive_action", "project_leader", "planned_date", "evidence_notes")


@dataclass(frozen=True)
class EvidenceInfo:
    """An evidence file attached to a CAP item: its name, the app's copy, its note and whether it is there."""

    id: int
    original_name: str
    path: Path
    size: int
    note: str
    exists: bool


@dataclass(frozen=True)
class CapItemRow:
    """One row of the CAPs page: a CAP item with its supplier, due date and status."""

    id: int
    cap_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    finding: str
    category: str
    severity: str
    points: int
    repeat: bool
    due_date: Optional[date]
    status: str
    overdue: bool
    days_overdue: int
    root_cause: str
    preventive_action: str
    project_leader: str
    planned_date: Optional[date]


@dataclass(frozen=True)
class CapItemDetail:
    """One CAP item in full: requirements, the factory's answers, evidence, verification and the moves allowed."""

    row: CapItemRow
    description: str
    legal_requirement: str
    code_requirement: str
    violation_type: Optional[str]
    suggested_remediation: str
    days_allowed: int
    evidence_notes: str
    verification_notes: str
    verification_date: Optional[date]
    closed_date: Optional[date]
    review_comment: str
    analysis: Optional[dict]
    evidence: tuple[EvidenceInfo, ...]
    allowed_statuses: tuple[str, ...]
    version: int = 0  # the row version shown: handed back with a save (update_item's seen_version)


@dataclass(frozen=True)
class CapDetail:
    """One CAP with its assessment, supplier, dates, progress and items."""

    id: int
    assessment_id: int
    assessment_date: date
    assessment_type: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    rating: str
    score: int
    status: str
    issued_date: Optional[date]
    response_due: Optional[date]
    meeting_date: Optional[date]
    closed_date: Optional[date]
    progress: Optional[float]
    items: tuple[CapItemDetail, ...]
    allowed_statuses: tuple[str, ...]


def _item_row(i: CapItem, f: Finding, sup: Supplier, today: date) -> CapItemRow:
    return CapItemRow(
        id=i.id, cap_id=i.cap_id, supplier_id=sup.id, supplier_code=sup.code, supplier_name=sup.name,
        finding=f.title, category=f.category, severity=f.severity, points=f.points, repeat=f.repeat,
        due_date=i.due_date, status=i.status, overdue=is_overdue(i.due_date, i.status, today),
        days_overdue=days_overdue(i.due_date, i.status, today), root_cause=i.root_cause,
        preventive_action=i.preventive_action, project_leader=i.project_leader, planned_date=i.planned_date,
    )


def _evidence(s: Session, e: EvidenceFile, held: Optional[set[str]] = None) -> EvidenceInfo:
    path, exists = kept_location(s, e.stored_name, e.sha256, held)
    return EvidenceInfo(e.id, e.original_name, path, e.size, e.note, exists)


def _held(s: Session, items: Iterable[CapItem]) -> Optional[set[str]]:
    """The evidence contents a shared database holds, read once for all these items (None: a local workspace)."""
    if not files_in_database(s):
        return None
    return kept_files(s, [e.sha256 for i in items for e in i.evidence])


def _item_detail(s: Session, i: CapItem, sup: Supplier, today: date,
                 held: Optional[set[str]] = None) -> CapItemDetail:
    f = i.finding
    return CapItemDetail(
        row=_item_row(i, f, sup, today), description=f.description, legal_requirement=f.legal_requirement,
        code_requirement=f.code_requirement, violation_type=f.violation_type,
        suggested_remediation=i.suggested_remediation, days_allowed=i.days_allowed, evidence_notes=i.evidence_notes,
        verification_notes=i.verification_notes, verification_date=i.verification_date, closed_date=i.closed_date,
        review_comment=i.review_comment, analysis=i.analysis, evidence=tuple(_evidence(s, e, held) for e in i.evidence),
        allowed_statuses=tuple(s.value for s in ITEM_TRANSITIONS[ItemStatus(i.status)]), version=i.row_version,
    )


def cap_detail(db: Database, cap_id: int, today: Optional[date] = None) -> CapDetail:
    today = today or date.today()
    with db.reading() as s:
        cap = s.scalar(
            select(Cap).where(Cap.id == cap_id).options(
                selectinload(Cap.items).selectinload(CapItem.finding),
                selectinload(Cap.items).selectinload(CapItem.evidence),
                selectinload(Cap.assessment).selectinload(Assessment.supplier),
            )
        )
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        a = cap.assessment
        sup = a.supplier
        held = _held(s, cap.items)
        done = sum(1 for i in cap.items if not ItemStatus(i.status).is_open)
        return CapDetail(
            id=cap.id, assessment_id=a.id, assessment_date=a.date, assessment_type=a.assessment_type,
            supplier_id=sup.id, supplier_code=sup.code, supplier_name=sup.name, rating=a.rating, score=a.score,
            status=cap.status, issued_date=cap.issued_date, response_due=cap.response_due,
            meeting_date=cap.meeting_date, closed_date=cap.closed_date,
            progress=progress_rate(len(cap.items), done),
            items=tuple(_item_detail(s, i, sup, today, held) for i in cap.items),
            allowed_statuses=tuple(s.value for s in CAP_TRANSITIONS[CapStatus(cap.status)]),
        )


def item_detail(db: Database, item_id: int, today: Optional[date] = None) -> CapItemDetail:
    today = today or date.today()
    with db.reading() as s:
        item = s.get(CapItem, item_id)
        if item is None:
            raise NotFound(f"No CAP item {item_id}.")
        return _item_detail(s, item, item.cap.assessment.supplier, today)


def list_items(
    db: Database,
    *,
    today: Optional[date] = None,
    open_only: bool = True,
    overdue_only: bool = False,
    due_within_days: Optional[int] = None,
    statuses: Optional[Iterable[str]] = None,
    supplier_id: Optional[int] = None,
    category: Optional[str] = None,
    limit: Optional[int] = None,
) -> list[CapItemRow]:
    """CAP items across suppliers, filtered in SQL; the list the CAPs page and the overdue report show.

    `limit`: only the first items by due date (the CAPs page shows them while it reads the rest)."""
    today = today or date.today()
    q = (
        select(CapItem.id, CapItem.cap_id, Supplier.id, Supplier.code, Supplier.name, Finding.title,
               Finding.category, Finding.severity, Finding.points, Finding.repeat, CapItem.due_date, CapItem.status,
               CapItem.root_cause, CapItem.preventive_action, CapItem.project_leader, CapItem.planned_date)
        .join(Cap, Cap.id == CapItem.cap_id)
        .join(Supplier, Supplier.id == Cap.supplier_id)
        .join(Finding, Finding.id == CapItem.finding_id)
    )
    open_values = [s.value for s in ItemStatus if s.is_open]
    if open_only or overdue_only:
        q = q.where(CapItem.status.in_(open_values))
    if overdue_only:
        q = q.where(CapItem.due_date < today)
    if due_within_days is not None:
        from datetime import timedelta

        q = q.where(CapItem.due_date >= today, CapItem.due_date <= today + timedelta(days=due_within_days))
    if statuses:
        q = q.where(CapItem.status.in_(list(statuses)))
    if supplier_id is not None:
        q = q.where(Supplier.id == supplier_id)
    if category:
        q = q.where(Finding.category == category)
    q = q.order_by(CapItem.due_date, CapItem.id)
    if limit is not None:
        q = q.limit(limit)
    open_set = frozenset(open_values)
    rows: list[CapItemRow] = []
    append = rows.append
    with db.reading() as s:
        # Plain Core rows and positional fields: tens of thousands of items at the large-program scale.
        for (item_id, cap_id, sup_id, code, name, title, category, severity, points, repeat, due, status, root_cause,
             preventive, leader, planned) in s.connection().execute(q).all():
            overdue = due is not None and status in open_set and due < today
            append(CapItemRow(item_id, cap_id, sup_id, code, name, title, category, severity, points, repeat, due,
                              status, overdue, (today - due).days if overdue else 0, root_cause, preventive, leader,
                              planned))
    return rows


def overdue_items(db: Database, today: Optional[date] = None) -> list[CapItemRow]:
    return list_items(db, today=today, overdue_only=True)


def _facts(item: CapItem) -> ItemFacts:
    return ItemFacts(item.root_cause, item.preventive_action, item.project_leader, len(item.evidence),
                     item.evidence_notes, item.verification_notes)


def set_item_status(s: Session, item: CapItem, target: ItemStatus, source: str, note: str, today: date) -> None:
    """Moves one item inside the caller's transaction (a review saves its moves with its decisions)."""
    try:
        check_item_transition(ItemStatus(item.status), target, _facts(item))
    except TransitionRefused as exc:
        # Named by its finding, as the user sees it in the list (the item's number is internal).
        raise UserError(f"“{item.finding.title}”: {exc}") from None
    sup_id = item.cap.supplier_id
    record_change(s, "cap_item", item.id, "status", item.status, target.value, supplier_id=sup_id, source=source, note=note)
    item.status = target.value
    if target is ItemStatus.VERIFIED:
        item.verification_date = today
    if target is ItemStatus.CLOSED:
        item.closed_date = today
    elif item.closed_date is not None:
        item.closed_date = None


def change_item_status(db: Database, item_ids: Iterable[int], new_status: str, *, note: str = "",
                       verification_notes: Optional[str] = None, source: str = "app",
                       today: Optional[date] = None) -> int:
    """Moves one item or many along the item lifecycle. All or nothing: one refused move refuses the batch. Moving
    several items is a bulk change: the database is backed up first."""
    today = today or date.today()
    try:
        target = ItemStatus(status_words(new_status))
    except ValueError:
        raise UserError(f"Unknown CAP item status {new_status!r}: use one of {', '.join(s.value for s in ItemStatus)}.") from None
    ids = list(dict.fromkeys(item_ids))
    if not ids:
        raise UserError("No CAP items were chosen.")
    if len(ids) > 1:
        with bulk_change(db, "cap-status"):  # kept when the moves are made, removed when they are refused
            return _move_items(db, ids, target, note=note, verification_notes=verification_notes, source=source,
                               today=today)
    return _move_items(db, ids, target, note=note, verification_notes=verification_notes, source=source, today=today)


def _move_items(db: Database, ids: list[int], target: ItemStatus, *, note: str, verification_notes: Optional[str],
                source: str, today: date) -> int:
    with db.transaction() as s:
        items = {i.id: i for i in s.scalars(select(CapItem).where(CapItem.id.in_(ids)).options(selectinload(CapItem.evidence)))}
        missing = [i for i in ids if i not in items]
        if missing:
            raise NotFound(f"No CAP {numbered('item', missing)}.")
        for item_id in ids:
            item = items[item_id]
            if verification_notes is not None and target is ItemStatus.VERIFIED:
                record_change(s, "cap_item", item.id, "verification_notes", item.verification_notes,
                              verification_notes, supplier_id=item.cap.supplier_id, source=source)
                item.verification_notes = verification_notes
            set_item_status(s, item, target, source, note, today)
    return len(ids)


def update_item(db: Database, item_id: int, *, source: str = "app", seen_version: Optional[int] = None,
                **changes) -> CapItemDetail:
    """Records the factory's answer or the brand's notes on an item, keeping every change in the history. With
    seen_version (the version the form showed), a save of an item someone changed since is refused."""
    allowed = set(ANSWER_FIELDS) | {"suggested_remediation", "days_allowed", "verification_notes", "review_comment",
                                    "analysis", "due_date"}
    unknown = set(changes) - allowed
    if unknown:
        raise UserError("These CAP item fields cannot be changed here: " + ", ".join(sorted(unknown)))
    with db.transaction() as s:
        item = s.get(CapItem, item_id)
        if item is None:
            raise NotFound(f"No CAP item {item_id}.")
        check_version(s, item, seen_version, "cap_item", f"CAP item {item_id}")
        if "planned_date" in changes and changes["planned_date"] is not None and not isinstance(changes["planned_date"], date):
            raise UserError("The planned date must be a date (YYYY-MM-DD).")
        for name in ("planned_date", "due_date"):
            problem = implausible_date(changes.get(name), name.replace("_", " "))
            if problem:
                raise UserError(problem)
        if "days_allowed" in changes:
            days = changes["days_allowed"]
            if not isinstance(days, int) or not 0 <= days <= 730:
                raise UserError("Days allowed must be a whole number from 0 to 730.")
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            old = getattr(item, name)
            if name != "analysis":
                record_change(s, "cap_item", item.id, name, old, value, supplier_id=item.cap.supplier_id, source=source)
            setattr(item, name, value)
        if "days_allowed" in changes and "due_date" not in changes:
            start = item_start(item.cap.assessment.date, item.cap.issued_date, item.added_on)
            item.due_date = due_date(start, item.days_allowed)
    return item_detail(db, item_id)


def change_cap_status(db: Database, cap_id: int, new_status: str, *, note: str = "", source: str = "app",
                      today: Optional[date] = None) -> CapDetail:
    today = today or date.today()
    try:
        target = CapStatus(status_words(new_status))
    except ValueError:
        raise UserError(f"Unknown CAP status {new_status!r}: use one of {', '.join(s.value for s in CapStatus)}.") from None
    with db.transaction() as s:
        cap = s.get(Cap, cap_id)
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        move_cap_status(s, cap, target, source=source, note=note, today=today)
    return cap_detail(db, cap_id, today)


def move_cap_status(s: Session, cap: Cap, target: CapStatus, *, source: str = "app", note: str = "",
                    today: Optional[date] = None) -> None:
    """Moves a CAP along its lifecycle inside the caller's transaction (so that another change, such as a tracker
    import, and the status move are saved together or not at all). Raises UserError when the lifecycle refuses."""
    today = today or date.today()
    items = cap.items
    facts = CapFacts(
        item_count=len(items),
        open_items=sum(1 for i in items if ItemStatus(i.status).is_open),
        items_with_plan=sum(1 for i in items if i.root_cause.strip() and i.preventive_action.strip()),
    )
    try:
        check_cap_transition(CapStatus(cap.status), target, facts)
    except TransitionRefused as exc:
        raise UserError(f"CAP #{cap.id}: {exc}") from None
    record_change(s, "cap", cap.id, "status", cap.status, target.value, supplier_id=cap.supplier_id,
                  source=source, note=note)
    cap.status = target.value
    if target is CapStatus.SENT and cap.issued_date is None:
        cap.issued_date = today
        for item in items:
            item.due_date = due_date(item_start(cap.assessment.date, today, item.added_on), item.days_allowed)
        cap.response_due = due_date(today, 14)
    if target is CapStatus.CLOSED:
        cap.closed_date = today
    elif cap.closed_date is not None:  # reopened
        cap.closed_date = None


def attach_evidence(db: Database, item_id: int, source_file: Path, note: str = "") -> EvidenceInfo:
    """Keeps an evidence file with the item (a copy, so it is never lost when the original moves)."""
    return attach_evidence_files(db, item_id, [source_file], note)[0]


def attach_evidence_files(db: Database, item_id: int, source_files: Sequence[Path], note: str = "") -> list[EvidenceInfo]:
    """Keeps evidence files with the item, all or none: in the data folder (local workspace) or in the shared
    database (team). A file that cannot be attached (missing, empty, too large) attaches nothing, and the copies
    made for a failed attachment are removed again."""
    sources = [Path(f) for f in source_files]
    for source in sources:
        check_evidence_file(source)
    stored = [(source, *evidence_name(source)) for source in sources]
    created: list[Path] = []
    try:
        with db.transaction() as s:
            item = s.get(CapItem, item_id)
            if item is None:
                raise NotFound(f"No CAP item {item_id}.")
            added = []
            for source, sha, stored_name in stored:
                target = keep_file(s, source, sha, stored_name)
                if target is not None:
                    created.append(target)
                e = EvidenceFile(cap_item_id=item.id, original_name=source.name, stored_name=stored_name, sha256=sha,
                                 size=source.stat().st_size, note=note)
                s.add(e)
                record_change(s, "cap_item", item.id, "evidence", None, source.name, supplier_id=item.cap.supplier_id)
                added.append(e)
            s.flush()
            return [_evidence(s, e) for e in added]
    except BaseException:
        for target in created:
            target.unlink(missing_ok=True)
        raise


def evidence_copy(db: Database, evidence_id: int) -> Path:
    """An evidence file as a file on this computer, to open with the system's viewer (a shared database's file is
    downloaded once into this computer's cache)."""
    with db.reading() as s:
        e = s.get(EvidenceFile, evidence_id)
        if e is None:
            raise NotFound(f"No evidence file {evidence_id}.")
        stored_name, sha, name = e.stored_name, e.sha256, e.original_name
    return local_copy(db, stored_name, sha, f"The evidence file {name}")
