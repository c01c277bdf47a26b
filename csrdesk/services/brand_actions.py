"""Brand actions: when a factory's root cause lies in the brand's own purchasing practices (late order changes,
short lead times, prices), the brand's team owes an action of its own. Tracked to closure like a CAP item, owned by
the supplier's sourcing owner, and never sent to the factory (no letter, tracker or e-mail reads this table)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csrdesk.domain.partners import (
    BRAND_ACTION_DAYS, OPEN_BRAND_ACTION, PURCHASING, PartnerError, brand_action_overdue, brand_action_what,
    parse_brand_action_status,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import BrandAction, CapItem, Finding, Supplier


@dataclass(frozen=True)
class BrandActionInfo:
    """A brand action: what the brand's team owes for a finding caused by its purchasing practices, and by when."""

    id: int
    supplier: str  # code
    supplier_name: str
    cap_id: Optional[int]
    cap_item: Optional[int]
    finding: str
    cause: str
    what: str
    owner: str
    due: Optional[date]
    status: str
    closed_date: Optional[date]
    notes: str
    overdue: bool


@dataclass(frozen=True)
class BrandSide:
    """What a supplier page shows of the brand's own part: findings traced to purchasing practices, repeats among
    them, and the sourcing owner's open brand actions (for every supplier they own)."""

    findings_from_purchasing: int
    repeats_from_purchasing: int
    owner: str
    owner_open_actions: tuple[BrandActionInfo, ...]


def _info(a: BrandAction, supplier: Supplier, item: Optional[CapItem], today: date) -> BrandActionInfo:
    return BrandActionInfo(
        a.id, supplier.code, supplier.name, item.cap_id if item else None, a.cap_item_id,
        item.finding.title if item else "", a.cause, a.what, a.owner, a.due_date, a.status, a.closed_date, a.notes,
        brand_action_overdue(a.status, a.due_date, today))


def open_for_item_in(s: Session, item: CapItem, cause: str, *, today: Optional[date] = None, source: str = "app",
                     user: str = "") -> BrandAction:
    """Opens the brand action for an item whose root cause lies in purchasing practices (or returns the one that is
    still open), inside the caller's transaction."""
    existing = s.scalar(select(BrandAction).where(BrandAction.cap_item_id == item.id,
                                                  BrandAction.status.in_(OPEN_BRAND_ACTION)).limit(1))
    if existing is not None:
        return existing
    today = today or date.today()
    supplier = s.get(Supplier, item.cap.supplier_id)
    action = BrandAction(supplier_id=supplier.id, cap_item_id=item.id, cause=" ".join((cause or "").split()),
                         what=brand_action_what(item.finding.title, cause), owner=supplier.sourcing_owner or "",
                         due_date=today + timedelta(days=BRAND_ACTION_DAYS), status="open", notes="")
    s.add(action)
    s.flush()
    record_change(s, "brand_action", action.id, "opened", None, action.what, supplier_id=supplier.id,
                  source=source, user=user, note=f"CAP item {item.id}")
    return action


def add_brand_action(db: Database, item_id: int, *, what: str = "", owner: Optional[str] = None,
                     due: Optional[date] = None, source: str = "app", user: str = "") -> BrandActionInfo:
    """Confirms purchasing practices as a cause of a CAP item (inferred from its words) and opens its brand action."""
    with db.transaction() as s:
        item = s.get(CapItem, item_id)
        if item is None:
            raise NotFound(f"No CAP item {item_id}.")
        action = open_for_item_in(s, item, item.root_cause, source=source, user=user)
        if what.strip():
            action.what = what.strip()
        if owner is not None and owner.strip():
            action.owner = owner.strip()[:200]
        if due is not None:
            action.due_date = due
        aid = action.id
    return get_brand_action(db, aid)


def _load(s: Session, action_id: int) -> BrandAction:
    a = s.get(BrandAction, action_id)
    if a is None:
        raise NotFound(f"No brand action {action_id}.")
    return a


def get_brand_action(db: Database, action_id: int, today: Optional[date] = None) -> BrandActionInfo:
    with db.reading() as s:
        a = _load(s, action_id)
        item = s.get(CapItem, a.cap_item_id) if a.cap_item_id else None
        return _info(a, s.get(Supplier, a.supplier_id), item, today or date.today())


def list_brand_actions(db: Database, *, supplier_code: Optional[str] = None, owner: Optional[str] = None,
                       open_only: bool = False, today: Optional[date] = None) -> list[BrandActionInfo]:
    today = today or date.today()
    with db.reading() as s:
        return _list_in(s, supplier_code=supplier_code, owner=owner, open_only=open_only, today=today)


def _list_in(s: Session, *, supplier_code: Optional[str] = None, owner: Optional[str] = None,
             open_only: bool = False, today: date) -> list[BrandActionInfo]:
    q = (select(BrandAction, Supplier).join(Supplier, Supplier.id == BrandAction.supplier_id)
         .order_by(BrandAction.due_date.is_(None), BrandAction.due_date, BrandAction.id))
    if supplier_code:
        q = q.where(Supplier.code == supplier_code.strip())
    if owner is not None:
        q = q.where(func.lower(BrandAction.owner) == owner.strip().lower())
    if open_only:
        q = q.where(BrandAction.status.in_(OPEN_BRAND_ACTION))
    rows = s.execute(q).all()
    item_ids = [a.cap_item_id for a, _s in rows if a.cap_item_id]
    items = {i.id: i for i in s.scalars(select(CapItem).where(CapItem.id.in_(item_ids)))} if item_ids else {}
    return [_info(a, sup, items.get(a.cap_item_id), today) for a, sup in rows]


def update_brand_action(db: Database, action_id: int, *, status: Optional[str] = None, what: Optional[str] = None,
                        owner: Optional[str] = None, due: Optional[date] = None, notes: Optional[str] = None,
                        on: Optional[date] = None, source: str = "app", user: str = "") -> BrandActionInfo:
    """Changes a brand action; status 'closed' closes it on `on` (today by default)."""
    try:
        status = parse_brand_action_status(status) if status is not None else None
    except PartnerError as exc:
        raise UserError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    on = on or date.today()
    with db.transaction() as s:
        a = _load(s, action_id)
        if what is not None and not what.strip():
            raise UserError("Say what the brand's team will do.")
        changes: list[tuple[str, object]] = []
        if what is not None:
            changes.append(("what", what.strip()))
        if owner is not None:
            changes.append(("owner", owner.strip()[:200]))
        if due is not None:
            changes.append(("due_date", due))
        if notes is not None:
            changes.append(("notes", notes.strip()))
        if status is not None:
            if status == "closed" and a.status != "closed":
                changes.append(("closed_date", on))
            elif status != "closed" and a.closed_date is not None:
                changes.append(("closed_date", None))  # reopened
            changes.append(("status", status))
        for name, value in changes:
            record_change(s, "brand_action", a.id, name, getattr(a, name), value, supplier_id=a.supplier_id,
                          source=source, user=user)
            setattr(a, name, value)
    return get_brand_action(db, action_id)


def close_brand_action(db: Database, action_id: int, *, on: Optional[date] = None, note: str = "",
                       source: str = "app", user: str = "") -> BrandActionInfo:
    with db.reading() as s:
        before = _load(s, action_id).notes
    notes = f"{before}\n{note.strip()}".strip() if note.strip() else None
    return update_brand_action(db, action_id, status="closed", notes=notes, on=on, source=source, user=user)


def brand_side(db: Database, supplier_code: str, today: Optional[date] = None) -> BrandSide:
    """A supplier's findings that trace back to the brand's purchasing practices (a brand action, or purchasing
    among the confirmed cause categories of the guided entry), how many of them repeat, and the supplier's sourcing
    owner's open brand actions."""
    from csrdesk.storage.models import Cap

    today = today or date.today()
    with db.reading() as s:
        supplier = s.scalar(select(Supplier).where(Supplier.code == (supplier_code or "").strip()))
        if supplier is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        with_action = set(s.scalars(select(BrandAction.cap_item_id).where(
            BrandAction.supplier_id == supplier.id, BrandAction.cap_item_id.is_not(None))))
        traced: dict[int, bool] = {}
        for item_id, analysis, repeat in s.execute(
                select(CapItem.id, CapItem.analysis, Finding.repeat).join(Finding, Finding.id == CapItem.finding_id)
                .join(Cap, Cap.id == CapItem.cap_id).where(Cap.supplier_id == supplier.id)):
            guided = isinstance(analysis, dict) and analysis.get("guided", True)
            cats = analysis.get("categories", []) if isinstance(analysis, dict) else []
            if item_id in with_action or (guided and PURCHASING in (cats or [])):
                traced[item_id] = bool(repeat)
        owner = supplier.sourcing_owner or ""
        actions = _list_in(s, owner=owner, open_only=True, today=today) if owner else \
            _list_in(s, supplier_code=supplier.code, open_only=True, today=today)
        return BrandSide(len(traced), sum(traced.values()), owner, tuple(actions))


def purchasing_state(db: Database, item_id: int, root_cause: str) -> tuple[Optional[int], bool]:
    """The item's open brand action (if any), and whether its words name purchasing practices without one yet (a
    suggestion the person confirms)."""
    from csrdesk.domain.rootcause import infer_categories

    with db.reading() as s:
        action = s.scalar(select(BrandAction.id).where(BrandAction.cap_item_id == item_id)
                          .order_by(BrandAction.id.desc()).limit(1))
    return action, action is None and PURCHASING in infer_categories(root_cause or "")


def brand_action_json(a: BrandActionInfo) -> dict:
    """A brand action as `brand-actions list --json` gives it (a contract: keys are added, never renamed or dropped)."""
    return {"id": a.id, "supplier": a.supplier, "cap_item": a.cap_item, "cause": a.cause, "owner": a.owner,
            "due": a.due, "status": a.status, "what": a.what, "cap_id": a.cap_id, "finding": a.finding,
            "closed_date": a.closed_date, "overdue": a.overdue, "notes": a.notes}


def purchasing_counts(s: Session, date_from: date, date_to: date) -> tuple[int, int]:
    """Findings of assessments dated in the period that trace back to the brand's purchasing practices (a brand
    action, or purchasing confirmed in the guided entry), and how many of them are repeat findings; for reports."""
    from csrdesk.storage.models import Assessment, Cap

    with_action = select(BrandAction.cap_item_id).where(BrandAction.cap_item_id.is_not(None))
    rows = s.execute(
        select(CapItem.id, CapItem.analysis, Finding.repeat, CapItem.id.in_(with_action))
        .join(Finding, Finding.id == CapItem.finding_id).join(Cap, Cap.id == CapItem.cap_id)
        .join(Assessment, Assessment.id == Cap.assessment_id)
        .where(Assessment.date >= date_from, Assessment.date <= date_to))
    traced = repeats = 0
    for _id, analysis, repeat, has_action in rows:
        guided = isinstance(analysis, dict) and analysis.get("guided", True)
        cats = analysis.get("categories", []) if isinstance(analysis, dict) else []
        if has_action or (guided and PURCHASING in (cats or [])):
            traced += 1
            repeats += bool(repeat)
    return traced, repeats
