"""CAP trackers: one CAP's tracker for the factory, the brand's master tracker, and importing a returned tracker.

Import is two steps. preview_tracker_import reads the file and lists what it would change, item by item and field by
field, and the conflicts (fields the factory answered that were also changed in the app after the export); it
changes nothing. Its problems are exactly those the default apply (conflicts left alone) would refuse, so a clean
preview is always applied; item_problems says, per item, what accepting it with its conflicts would refuse. apply_tracker_import reads the file again and applies the accepted items all or nothing, in one
transaction, after a backup, each change in the change history with the source "tracker import". Answers applied
to a CAP that is "sent" move it to "response received" in the same transaction (services.caps' lifecycle rules), so
that it can be reviewed at once; a CAP still in "draft" (its tracker exported before it was sent) takes the answers
with a note and stays a draft.
"""
from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Optional

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain.caps import days_overdue, progress_rate
from csrdesk.domain.lifecycle import (
    ITEM_TRANSITIONS, CapStatus, ItemFacts, ItemStatus, TransitionRefused, check_item_transition,
)
from csrdesk.domain.reporting import numbered, verb
from csrdesk.exchange.tracker import (
    FACTORY_FIELDS, FACTORY_STATUSES, GuidanceExample, TrackerData, TrackerItem, canonical_text, write_tracker,
)
from csrdesk.exchange.tracker_import import ReturnedTracker, TrackerRefused, read_tracker
from csrdesk.services.backup import bulk_change
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.services.ratings import NOT_ASSESSED, standings
from csrdesk.progress import Progress
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, Finding, FindingCategory, Setting, Supplier, ViolationType,
)

SOURCE = "tracker import"
SECRET_SETTING = "tracker_secret"
SEVERITY_ZH = {"minor": "轻微", "major": "较严重", "critical": "严重", "zero tolerance": "零容忍"}
FIELD_LABELS = {
    "root_cause": "root cause", "preventive_action": "preventive action", "project_leader": "project leader",
    "planned_date": "planned date", "status": "status", "evidence_notes": "evidence notes",
}


# ---------------------------------------------------------------- the workspace's signing key

def workspace_secret(db: Database, create: bool = True) -> Optional[bytes]:
    """The random key that signs this workspace's trackers (kept in the settings table; shared with the team)."""
    with db.reading() as s:
        row = s.get(Setting, SECRET_SETTING)
        if row is not None and row.value:
            return bytes.fromhex(str(row.value))
    if not create:
        return None
    try:
        with db.transaction() as s:
            s.add(Setting(key=SECRET_SETTING, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another export made it at the same moment: use theirs
    return workspace_secret(db, create=False)


# ---------------------------------------------------------------- one CAP's tracker

def _category_titles(s: Session) -> dict[str, tuple[str, str]]:
    return {key: (title, zh or "") for key, title, zh in
            s.execute(select(FindingCategory.key, FindingCategory.title, FindingCategory.title_zh))}


def _requirements(f: Finding) -> str:
    parts = []
    if f.legal_requirement.strip():
        parts.append("Law 法律: " + f.legal_requirement.strip())
    if f.code_requirement.strip():
        parts.append("Code 守则: " + f.code_requirement.strip())
    return "\n".join(parts)


def tracker_data(db: Database, cap_id: int, today: Optional[date] = None) -> TrackerData:
    """Everything a CAP's tracker shows, read in one go."""
    from csrdesk.services.settings import load_preferences

    today = today or date.today()
    prefs = load_preferences(db)
    with db.reading() as s:
        cap = s.scalar(
            select(Cap).where(Cap.id == cap_id).options(
                selectinload(Cap.items).selectinload(CapItem.finding),
                selectinload(Cap.assessment).selectinload(Assessment.supplier),
            )
        )
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        if not cap.items:
            raise UserError(f"CAP #{cap_id} has no items; there is nothing to send to the factory.")
        a = cap.assessment
        sup = a.supplier
        categories = _category_titles(s)
        type_keys = {i.finding.violation_type for i in cap.items if i.finding.violation_type}
        types = {v.key: v for v in s.scalars(select(ViolationType).where(ViolationType.key.in_(type_keys)))} \
            if type_keys else {}
        items = []
        for i in cap.items:
            f = i.finding
            title, zh = categories.get(f.category, (f.category, ""))
            vt = types.get(f.violation_type) if f.violation_type else None
            finding = f.title
            if vt is not None and vt.title_zh and vt.title == f.title:
                finding += "\n" + vt.title_zh
            if f.description.strip():
                finding += "\n" + f.description.strip()
            items.append(TrackerItem(
                item_id=i.id, category=title + (f"\n{zh}" if zh else ""),
                severity=f.severity + (f"\n{SEVERITY_ZH[f.severity]}" if f.severity in SEVERITY_ZH else ""),
                finding=finding, requirements=_requirements(f), suggested_remediation=i.suggested_remediation,
                due_date=i.due_date, root_cause=i.root_cause, preventive_action=i.preventive_action,
                project_leader=i.project_leader, planned_date=i.planned_date, status=i.status,
                evidence_notes=i.evidence_notes, repeat=f.repeat,
                overdue=days_overdue(i.due_date, i.status, today) > 0,
                review_comment=_brand_comment(i.review_decision, i.review_comment),
            ))
        examples = tuple(
            GuidanceExample(v.title, v.title_zh or "", tuple(v.root_cause_examples or ()),
                            tuple(v.preventive_action_examples or ()), bool(v.victim_protection))
            for v in sorted(types.values(), key=lambda v: v.key)
            if v.root_cause_examples or v.preventive_action_examples
        )
        contact = " ".join(p for p in (prefs.user_name, f"<{prefs.user_email}>" if prefs.user_email else "") if p)
        return TrackerData(
            cap_id=cap.id, supplier_id=sup.id, supplier_code=sup.code, supplier_name=sup.name,
            supplier_local_name=sup.local_name, assessment_date=a.date, assessment_type=a.assessment_type,
            rating=a.rating, score=a.score, cap_status=cap.status, response_due=cap.response_due,
            company=prefs.company, contact=contact, items=tuple(items), export_id=str(uuid.uuid4()),
            exported_at=datetime.now(), examples=examples,
        )


def _write_error(path: Path, exc: OSError) -> UserError:
    if isinstance(exc, PermissionError):
        return UserError(f"Cannot write {path}: it may be open in Excel or the folder is read-only. Close it and retry.")
    return UserError(f"Cannot write {path}: {exc.strerror or exc}.")


def export_tracker(db: Database, cap_id: int, path: Path | str, *, today: Optional[date] = None) -> Path:
    """Writes the Excel tracker of one CAP, for the factory to fill in and send back. Returns the file written."""
    path = Path(path)
    secret = workspace_secret(db)
    data = tracker_data(db, cap_id, today)
    try:
        return write_tracker(data, path, secret, today)
    except OSError as exc:
        raise _write_error(path, exc) from None


# ---------------------------------------------------------------- the master tracker

OPEN_STATUSES = tuple(s.value for s in ItemStatus if s.is_open)


def master_item_rows(db: Database, today: date) -> Iterable[tuple]:
    """All open items of all suppliers, as the 15 cells of a master tracker row, in supplier and CAP order."""
    with db.reading() as s:
        categories = {k: v[0] for k, v in _category_titles(s).items()}
        q = (
            select(Supplier.code, Supplier.name, Supplier.country, Assessment.rating, Cap.id, Cap.status, CapItem.id,
                   Finding.category, Finding.severity, Finding.title, CapItem.due_date, CapItem.status,
                   CapItem.project_leader, CapItem.planned_date)
            .join(Cap, Cap.id == CapItem.cap_id)
            .join(Assessment, Assessment.id == Cap.assessment_id)
            .join(Supplier, Supplier.id == Cap.supplier_id)
            .join(Finding, Finding.id == CapItem.finding_id)
            .where(CapItem.status.in_(OPEN_STATUSES))
            .order_by(Supplier.code, Cap.id, CapItem.position, CapItem.id)
        )
        for (code, name, country, rating, cap_id, cap_status, item_id, category, severity, title, due, status,
             leader, planned) in s.execute(q):
            late = (today - due).days if due is not None and due < today else 0
            yield (code, name, country, rating, cap_id, cap_status, item_id, categories.get(category, category),
                   severity, title, due, status, late or None, leader, planned)


@dataclass(frozen=True)
class SupplierProgress:
    """One supplier's line in the brand's master tracker: rating, open CAPs and items, progress."""

    code: str
    name: str
    local_name: str
    country: str
    status: str
    last_assessment: Optional[date]
    rating: str
    score: Optional[int]
    open_caps: int
    items: int
    open_items: int
    overdue_items: int
    progress: Optional[float]
    sourcing_owner: str
    production: str = "allowed"  # "not allowed" while Zero Tolerance or Denied blocks it
    follow_up_due: Optional[date] = None


def master_supplier_rows(db: Database, today: date) -> list[SupplierProgress]:
    """One row per supplier: its current rating (domain.ratings), production block and follow-up owed, and the
    progress of its CAPs that are not closed."""
    with db.reading() as s:
        standing_by = standings(s, today)
        counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        overdue_expr = (CapItem.due_date < today)
        for sid, status, late, n in s.execute(
            select(Cap.supplier_id, CapItem.status, overdue_expr, func.count())
            .join(Cap, Cap.id == CapItem.cap_id)
            .where(Cap.status != "closed")
            .group_by(Cap.supplier_id, CapItem.status, overdue_expr)
        ):
            c = counts[sid]
            c["items"] += n
            if status in OPEN_STATUSES:
                c["open"] += n
                if late:
                    c["overdue"] += n
        open_caps = dict(s.execute(
            select(Cap.supplier_id, func.count()).where(Cap.status != "closed").group_by(Cap.supplier_id)
        ).all())
        rows = []
        for sid, code, name, local, country, status, owner in s.execute(
            select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.status,
                   Supplier.sourcing_owner).order_by(Supplier.code)
        ):
            st = standing_by.get(sid, NOT_ASSESSED)
            last = st.current.assessment
            c = counts.get(sid, {})
            total, still_open = c.get("items", 0), c.get("open", 0)
            rows.append(SupplierProgress(
                code, name, local, country, status, last.date if last else None, st.rating or "",
                last.score if last else None, open_caps.get(sid, 0), total, still_open,
                c.get("overdue", 0), progress_rate(total, total - still_open), owner,
                "allowed" if st.production_allowed else "not allowed", st.follow_up.due,
            ))
        return rows


def export_master(db: Database, path: Path | str, progress: Optional[Progress] = None, *,
                  today: Optional[date] = None) -> Path:
    """Writes the brand's master tracker: suppliers with rating and progress, then every open item.

    Written in openpyxl's write-only mode so that 52,000 items stay fast; cancelling leaves no file behind.
    """
    from csrdesk.exchange.master_tracker import write_master

    today = today or date.today()
    path = Path(path)
    suppliers = master_supplier_rows(db, today)
    with db.reading() as s:
        total = s.scalar(select(func.count()).select_from(CapItem).where(CapItem.status.in_(OPEN_STATUSES))) or 0
    try:
        return write_master(path, suppliers, master_item_rows(db, today), total, today,
                            progress.step if progress is not None else None)
    except OSError as exc:
        raise _write_error(path, exc) from None


# ---------------------------------------------------------------- importing a returned tracker

@dataclass(frozen=True)
class TrackerChange:
    """A change a returned tracker makes to one field of a CAP item."""

    item_id: int
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class TrackerConflict:
    """A field the factory answered that was also changed in the app since the tracker was sent."""

    item_id: int
    field: str
    exported: Any
    current: Any
    returned: Any


@dataclass(frozen=True)
class TrackerImportPreview:
    """What importing a returned tracker would change, the conflicts to settle and what stops it."""

    path: Path
    cap_id: int
    supplier: str                       # supplier code
    supplier_name: str
    export_id: str
    exported_at: str
    changes: tuple[TrackerChange, ...]
    conflicts: tuple[TrackerConflict, ...]
    problems: tuple[str, ...]           # what the default apply (accept=None) refuses; applying is then refused
    notes: tuple[str, ...]              # how ambiguous answers were read, rows the factory deleted
    findings: dict[int, str] = field(default_factory=dict)  # item ID -> finding title, for showing the changes
    sha256: str = ""                    # of the file previewed; apply_tracker_import can insist on the same file
    # item ID -> why accepting that item (its changes and the factory's answers to its conflicts) is refused
    item_problems: dict[int, str] = field(default_factory=dict)
    cap_status: str = ""                # the CAP's status in the app now

    @property
    def item_ids(self) -> list[int]:
        """Items with something to apply (a change or a conflict), in the order of the CAP."""
        seen = dict.fromkeys([c.item_id for c in self.changes] + [c.item_id for c in self.conflicts])
        order = list(self.findings)
        return sorted(seen, key=lambda i: order.index(i) if i in order else len(order))

    @property
    def empty(self) -> bool:
        return not self.changes and not self.conflicts


@dataclass(frozen=True)
class TrackerImportResult:
    """A returned tracker imported: the changes applied, the backup made and the CAP's status after."""

    preview: TrackerImportPreview
    applied: tuple[TrackerChange, ...]
    backup: Optional[Path]
    cap_status: str = ""                # the CAP's status once applied ("response received" after a sent CAP)

    @property
    def cap_status_changed(self) -> bool:
        return bool(self.cap_status) and self.cap_status != self.preview.cap_status


NEVER_SENT_NOTE = ("This CAP was never sent; its tracker was exported from a draft. The factory's answers can be "
                   "applied; the CAP stays a draft until you mark it sent.")


def _status_note(cap: Cap) -> Optional[str]:
    """What applying the answers does to the CAP's own status, for the preview's notes."""
    if cap.status == CapStatus.DRAFT.value:
        return NEVER_SENT_NOTE
    if cap.status == CapStatus.SENT.value:
        return f"Applying the answers marks CAP #{cap.id} as response received, ready for review."
    return None


def _typed(name: str, text: str) -> Any:
    if name == "planned_date":
        return date.fromisoformat(text) if text else None
    return text


def _current(item: CapItem, name: str) -> str:
    return canonical_text(getattr(item, name))


def _read(db: Database, path: Path | str, progress: Optional[Progress]) -> ReturnedTracker:
    secret = workspace_secret(db, create=False)
    try:
        return read_tracker(path, secret, progress.step if progress is not None else None)
    except TrackerRefused as exc:
        raise UserError(f"Tracker refused, nothing was changed: {exc}") from None


def _load_cap(s: Session, tracker: ReturnedTracker, expected_cap_id: Optional[int],
              expected_supplier: Optional[str]) -> Cap:
    name = tracker.path.name
    if expected_cap_id is not None and tracker.cap_id != expected_cap_id:
        raise UserError(f"Tracker refused, nothing was changed: {name} is the tracker of CAP #{tracker.cap_id} "
                        f"({tracker.supplier_code}), not of CAP #{expected_cap_id}.")
    if expected_supplier is not None and tracker.supplier_code != expected_supplier:
        raise UserError(f"Tracker refused, nothing was changed: {name} is the tracker of supplier "
                        f"{tracker.supplier_code}, not of {expected_supplier}.")
    cap = s.scalar(select(Cap).where(Cap.id == tracker.cap_id).options(
        selectinload(Cap.items).selectinload(CapItem.finding), selectinload(Cap.items).selectinload(CapItem.evidence),
    ))
    if cap is None:
        raise UserError(f"Tracker refused, nothing was changed: {name} is for CAP #{tracker.cap_id}, which is not in "
                        "this workspace (was it deleted?).")
    supplier = s.get(Supplier, cap.supplier_id)
    if cap.supplier_id != tracker.supplier_id or supplier is None:
        raise UserError(f"Tracker refused, nothing was changed: {name} is supplier {tracker.supplier_code}'s "
                        f"tracker, but CAP #{cap.id} belongs to {supplier.code if supplier else 'another supplier'}.")
    return cap


def _status_path(current: str, target: str) -> Optional[list[ItemStatus]]:
    """The shortest run of allowed moves between two factory statuses (e.g. open -> action planned -> evidence)."""
    start, goal = ItemStatus(current), ItemStatus(target)
    allowed = {ItemStatus(v) for v in FACTORY_STATUSES}
    paths: dict[ItemStatus, list[ItemStatus]] = {start: []}
    frontier = [start]
    while frontier:
        nxt = []
        for status in frontier:
            for move in ITEM_TRANSITIONS[status]:
                if move in allowed and move not in paths:
                    paths[move] = paths[status] + [move]
                    nxt.append(move)
        frontier = nxt
    return paths.get(goal)


def _brand_comment(decision: str, comment: str) -> str:
    """The brand's comment as the factory reads it beside the item: why it came back, or that it was accepted."""
    comment = (comment or "").strip()
    if decision == "returned":
        return f"Returned · 退回: {comment}" if comment else "Returned · 退回"
    if decision == "accepted":
        return f"Accepted · 已接受: {comment}" if comment else "Accepted · 已接受"
    return comment


def _status_problem(item: CapItem, target: str, values: dict[str, str]) -> Optional[str]:
    """Why the lifecycle refuses to move item to target with these answers, or None when it may."""
    label = f"Item {item.id}"
    if target not in FACTORY_STATUSES:
        return f"{label}: the factory answered status {target!r}; only the brand marks items verified or closed."
    if item.status not in FACTORY_STATUSES:
        return f"{label} is {item.status} in the app; a tracker cannot change its status."
    steps = _status_path(item.status, target)
    if steps is None:
        return f"{label}: a CAP item cannot go from {item.status} to {target}."
    facts = ItemFacts(values["root_cause"], values["preventive_action"], values["project_leader"], len(item.evidence),
                      values["evidence_notes"], item.verification_notes)
    status = ItemStatus(item.status)
    for step in steps:
        try:
            check_item_transition(status, step, facts)
        except TransitionRefused as exc:
            return f"{label}: {exc}"
        status = step
    return None


@dataclass
class _Comparison:
    """A returned tracker compared with the CAP items in the database, before it is shown or applied."""

    changes: list[TrackerChange]
    conflicts: list[TrackerConflict]
    notes: list[str]
    findings: dict[int, str]
    items: dict[int, CapItem]


def _compare(cap: Cap, tracker: ReturnedTracker) -> _Comparison:
    items = {i.id: i for i in cap.items}
    changes: list[TrackerChange] = []
    conflicts: list[TrackerConflict] = []
    notes = list(tracker.notes)
    gone = [i for i in tracker.exported if i not in items]
    if gone:
        notes.append(f"{numbered('Item', gone)} {verb(len(gone), 'was', 'were')} deleted in the app after the export; "
                     f"{verb(len(gone), 'its row is', 'their rows are')} ignored.")
    if tracker.missing:
        notes.append(f"{numbered('Item', tracker.missing)} {verb(len(tracker.missing), 'is', 'are')} no longer in the "
                     f"returned file ({verb(len(tracker.missing), 'row', 'rows')} deleted); "
                     f"{verb(len(tracker.missing), 'it is left as it is', 'they are left as they are')}.")
    for item in cap.items:  # CAP order, whatever order the factory's rows are in
        returned = tracker.items.get(item.id)
        if returned is None or item.id not in tracker.exported:
            continue
        exported = tracker.exported[item.id]
        for name in FACTORY_FIELDS:
            now, then, answer = _current(item, name), exported[name], returned.values[name]
            if answer == then or answer == now:
                continue
            if now == then:
                changes.append(TrackerChange(item.id, name, _typed(name, now), _typed(name, answer)))
            else:
                conflicts.append(TrackerConflict(item.id, name, _typed(name, then), _typed(name, now),
                                                 _typed(name, answer)))
    findings = {i.id: i.finding.title for i in cap.items}
    return _Comparison(changes, conflicts, notes, findings, items)


def _preview(tracker: ReturnedTracker, cap: Cap, supplier: Supplier, cmp: _Comparison) -> TrackerImportPreview:
    # The problems are judged on the plan the default apply makes (conflicts keep the app's value), so that the
    # preview and `tracker import --apply` never disagree; item_problems judge each item as the dialog applies it.
    every_item = {c.item_id for c in cmp.changes} | {c.item_id for c in cmp.conflicts}
    notes = list(cmp.notes)
    status_note = _status_note(cap) if every_item or cap.status == CapStatus.DRAFT.value else None
    if status_note:
        notes.insert(0, status_note)
    return TrackerImportPreview(
        path=tracker.path, cap_id=cap.id, supplier=supplier.code, supplier_name=supplier.name,
        export_id=tracker.export_id, exported_at=tracker.exported_at, changes=tuple(cmp.changes),
        conflicts=tuple(cmp.conflicts), problems=tuple(_plan_problems(cmp, _plan(cmp, None))),
        notes=tuple(notes), findings=cmp.findings, sha256=tracker.sha256,
        item_problems=_item_problems(cmp, _plan(cmp, every_item)), cap_status=cap.status,
    )


def preview_tracker_import(db: Database, path: Path | str, *, expected_cap_id: Optional[int] = None,
                           expected_supplier: Optional[str] = None,
                           progress: Optional[Progress] = None) -> TrackerImportPreview:
    """What importing this returned tracker would change; changes nothing. Raises UserError for a refused file."""
    tracker = _read(db, path, progress)
    with db.reading() as s:
        cap = _load_cap(s, tracker, expected_cap_id, expected_supplier)
        return _preview(tracker, cap, s.get(Supplier, cap.supplier_id), _compare(cap, tracker))


def _plan(cmp: _Comparison, accept: Optional[set[int]]) -> dict[int, dict[str, TrackerChange]]:
    """The changes to make, per item and field: all changes for accept None, else the accepted items' changes
    and conflicts (the factory's answer wins there)."""
    chosen: dict[int, dict[str, TrackerChange]] = defaultdict(dict)
    for c in cmp.changes:
        if accept is None or c.item_id in accept:
            chosen[c.item_id][c.field] = c
    for c in cmp.conflicts:
        if accept is not None and c.item_id in accept:
            chosen[c.item_id][c.field] = TrackerChange(c.item_id, c.field, c.current, c.returned)
    return chosen


def _item_problems(cmp: _Comparison, plan: dict[int, dict[str, TrackerChange]]) -> dict[int, str]:
    """Item ID -> why the item lifecycle refuses the status move this plan makes for it (with its other values)."""
    problems = {}
    for item_id, fields in plan.items():
        if "status" in fields:
            item = cmp.items[item_id]
            values = {n: _current(item, n) for n in FACTORY_FIELDS}
            values.update({n: canonical_text(c.new) for n, c in fields.items()})
            problem = _status_problem(item, values["status"], values)
            if problem:
                problems[item_id] = problem
    return problems


def _plan_problems(cmp: _Comparison, plan: dict[int, dict[str, TrackerChange]]) -> list[str]:
    return list(_item_problems(cmp, plan).values())


def _refuse(problems: list[str]) -> UserError:
    more = f" (and {len(problems) - 1} more {'problem' if len(problems) == 2 else 'problems'})" if len(problems) > 1 else ""
    return UserError(f"Tracker not imported, nothing was changed: {problems[0]}{more}")


def apply_tracker_import(db: Database, path: Path | str, accept: Optional[set[int]] = None,
                         progress: Optional[Progress] = None, *, expected_cap_id: Optional[int] = None,
                         expected_supplier: Optional[str] = None,
                         expected_sha256: Optional[str] = None) -> TrackerImportResult:
    """Applies a returned tracker: all or nothing, in one transaction, after a backup.

    accept None takes every change and leaves conflicts alone (the app's newer value stays); a set of item IDs
    takes those items' changes and their conflicts too (the user chose the factory's answer). A refused status move
    in an applied item refuses the whole import. expected_sha256 (the preview's) refuses a file that changed since
    it was previewed, so that nothing the user has not seen is applied. A CAP that is "sent" becomes "response
    received" in the same transaction; result.cap_status is the CAP's status afterwards.
    """
    tracker = _read(db, path, progress)
    if expected_sha256 is not None and tracker.sha256 != expected_sha256:
        raise UserError(f"{tracker.path.name} changed since it was previewed; nothing was changed. Open it again to "
                        "see its answers.")
    with db.reading() as s:
        cap = _load_cap(s, tracker, expected_cap_id, expected_supplier)
        cmp = _compare(cap, tracker)
        preview = _preview(tracker, cap, s.get(Supplier, cap.supplier_id), cmp)
        if accept is not None:
            unknown = set(accept) - set(tracker.exported)
            if unknown:
                raise UserError(f"{numbered('Item', sorted(unknown))} {verb(len(unknown), 'is', 'are')} not in this "
                                "tracker.")
        plan = _plan(cmp, accept)
        problems = _plan_problems(cmp, plan)
    if problems:
        raise _refuse(problems)
    if not plan:
        return TrackerImportResult(preview, (), None, preview.cap_status)
    applied: list[TrackerChange] = []
    with bulk_change(db, "tracker-import") as backup, db.transaction() as s:
        cap = _load_cap(s, tracker, expected_cap_id, expected_supplier)
        cmp = _compare(cap, tracker)  # again, inside the transaction: the app may have changed since the preview
        plan = _plan(cmp, accept)
        problems = _plan_problems(cmp, plan)
        if problems:
            raise _refuse(problems)
        total = len(plan)
        for done, (item_id, fields) in enumerate(plan.items(), start=1):
            if progress is not None:
                progress.step(done - 1, total, "Applying the factory's answers")
            item = cmp.items[item_id]
            for name in FACTORY_FIELDS:
                change = fields.get(name)
                if change is None or name == "status":
                    continue
                record_change(s, "cap_item", item.id, name, getattr(item, name), change.new,
                              supplier_id=cap.supplier_id, source=SOURCE)
                setattr(item, name, change.new)
                applied.append(change)
            status_change = fields.get("status")
            if status_change is not None:
                for step in _status_path(item.status, status_change.new) or []:
                    record_change(s, "cap_item", item.id, "status", item.status, step.value,
                                  supplier_id=cap.supplier_id, source=SOURCE)
                    item.status = step.value
                applied.append(status_change)
        if applied and cap.status == CapStatus.SENT.value:
            # The factory has answered: the CAP can be reviewed now, without a status set by hand.
            from csrdesk.services.caps import move_cap_status

            s.flush()
            move_cap_status(s, cap, CapStatus.RESPONSE_RECEIVED, source=SOURCE,
                            note=f"answers imported from {tracker.path.name}")
        cap_status = cap.status
        if progress is not None:
            progress.step(total, total, "Saving")
    return TrackerImportResult(preview, tuple(applied), backup, cap_status)


# ---------------------------------------------------------------- choosing a CAP to export

@dataclass(frozen=True)
class CapChoice:
    """A CAP the "Export CAP tracker" dialog offers, with its supplier and items."""

    cap_id: int
    supplier_code: str
    supplier_name: str
    assessment_date: date
    rating: str
    status: str
    items: int
    open_items: int


def cap_choices(db: Database) -> list[CapChoice]:
    """CAPs that have items, newest first: what the "Export CAP tracker" dialog offers."""
    open_count = func.sum(case((CapItem.status.in_(OPEN_STATUSES), 1), else_=0))
    q = (
        select(Cap.id, Supplier.code, Supplier.name, Assessment.date, Assessment.rating, Cap.status, func.count(),
               open_count)
        .join(CapItem, CapItem.cap_id == Cap.id)
        .join(Assessment, Assessment.id == Cap.assessment_id)
        .join(Supplier, Supplier.id == Cap.supplier_id)
        .group_by(Cap.id, Supplier.code, Supplier.name, Assessment.date, Assessment.rating, Cap.status)
        .order_by(Assessment.date.desc(), Cap.id.desc())
    )
    with db.reading() as s:
        return [CapChoice(*row[:7], int(row[7] or 0)) for row in s.execute(q)]
