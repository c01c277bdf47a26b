"""The partners register (consultants, audit firms, civil society organisations, government agencies, other brands)
and their part in CAPs: a consultant assigned, a CSO consulted, brands collaborating on one CAP."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csrdesk.domain.partners import (
    PARTNER_ROLES, VETTED_KINDS, VICTIM_SERVICE, PartnerError, PartnerKind, assignment_warning, parse_cso_type,
    parse_kind, split_list, vetting_state,
)
from csrdesk.errors import NotFound, UserError
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Cap, CapItem, CapPartner, ChecklistTemplate, FindingCategory, Partner, Supplier, VettingScreen,
)

CONSULTANT_CHECKLIST = "consultant_vetting"


@dataclass(frozen=True)
class PartnerInfo:
    """A partner of the register (consultant, audit firm, CSO, agency, brand) with its vetting state."""

    id: int
    kind: str
    name: str
    country: str
    topics: tuple[str, ...]
    cso_type: str
    contact: str
    notes: str
    vetting_screen_id: Optional[int]
    vetting_decision: Optional[str]  # the screen's decision; None when not decided or not a vetted kind
    vetting_state: Optional[str]  # decision, 'in vetting' or 'not vetted'; None for kinds that are not vetted
    caps: int = 0  # CAPs the partner has a part in

    @property
    def kind_label(self) -> str:
        return PartnerKind(self.kind).label


@dataclass
class PartnerInput:
    """A partner as the register's form saves it."""

    kind: str
    name: str
    country: str = ""
    topics: Sequence[str] | str = ()
    cso_type: str = ""
    contact: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CapPartnerInfo:
    """A partner's part in a CAP: its role, dates, what it did, and a warning if it is not vetted."""

    id: int
    cap_id: int
    cap_item_id: Optional[int]
    item_finding: str
    partner_id: int
    partner: str
    kind: str
    cso_type: str
    role: str
    start_date: Optional[date]
    end_date: Optional[date]
    what_done: str
    warning: Optional[str]  # an unvetted or rejected consultant


def _err(exc: Exception) -> UserError:
    text = str(exc)
    return UserError(f"{text[0].upper()}{text[1:]}." if text else "Invalid input.")


def _topics(s: Session, topics: Sequence[str] | str) -> list[str]:
    """Finding category keys from keys or titles; an unknown topic is refused with the known ones."""
    wanted = split_list(topics) if isinstance(topics, str) else [t.strip() for t in topics if t and t.strip()]
    cats = list(s.execute(select(FindingCategory.key, FindingCategory.title).order_by(FindingCategory.position)))
    by_name = {k.lower(): k for k, _t in cats} | {t.lower(): k for k, t in cats}
    out = []
    for t in wanted:
        key = by_name.get(t.lower())
        if key is None:
            raise UserError(f"{t!r} is not a finding category; use one of {', '.join(k for k, _t in cats)}.")
        if key not in out:
            out.append(key)
    return out


def _checked(s: Session, data: PartnerInput) -> dict:
    try:
        kind = parse_kind(data.kind)
        cso_type = parse_cso_type(data.cso_type) if kind is PartnerKind.CSO else ""
    except PartnerError as exc:
        raise _err(exc) from None
    name = " ".join((data.name or "").split())
    if not name:
        raise UserError("A partner needs a name.")
    if len(name) > 300:
        raise UserError("The partner's name is longer than 300 characters.")
    country = " ".join((data.country or "").split())
    if len(country) > 80:
        raise UserError("The country is longer than 80 characters.")
    return dict(kind=kind.value, name=name, country=country, topics=_topics(s, data.topics), cso_type=cso_type,
                contact=(data.contact or "").strip(), notes=(data.notes or "").strip())


def _screen_for(s: Session, name: str) -> Optional[int]:
    """The newest consultant screen already filled for this name (screens named their subject before the register)."""
    return s.scalar(select(VettingScreen.id).join(ChecklistTemplate, ChecklistTemplate.id == VettingScreen.template_id)
                    .where(ChecklistTemplate.kind == "consultant", VettingScreen.supplier_id.is_(None),
                           func.lower(VettingScreen.subject) == name.lower())
                    .order_by(VettingScreen.id.desc()).limit(1))


def add_partner(db: Database, data: PartnerInput, *, source: str = "app") -> PartnerInfo:
    with db.transaction() as s:
        values = _checked(s, data)
        same = s.scalar(select(Partner.id).where(Partner.kind == values["kind"],
                                                 func.lower(Partner.name) == values["name"].lower()))
        if same is not None:
            raise UserError(f"{values['name']} is already in the register (partner {same}).")
        partner = Partner(**values)
        if PartnerKind(values["kind"]) in VETTED_KINDS:
            partner.vetting_screen_id = _screen_for(s, values["name"])
        s.add(partner)
        s.flush()
        record_change(s, "partner", partner.id, "added", None, f"{values['kind']}: {values['name']}", source=source)
        pid = partner.id
    return get_partner(db, pid)


def update_partner(db: Database, partner_id: int, data: PartnerInput, *, source: str = "app") -> PartnerInfo:
    with db.transaction() as s:
        partner = _load(s, partner_id)
        values = _checked(s, data)
        for name, value in values.items():
            if getattr(partner, name) != value:
                record_change(s, "partner", partner.id, name, getattr(partner, name), value, source=source)
                setattr(partner, name, value)
        if PartnerKind(partner.kind) in VETTED_KINDS and partner.vetting_screen_id is None:
            partner.vetting_screen_id = _screen_for(s, partner.name)
    return get_partner(db, partner_id)


def delete_partner(db: Database, partner_id: int, *, source: str = "app") -> None:
    with db.transaction() as s:
        partner = _load(s, partner_id)
        record_change(s, "partner", partner.id, "deleted", partner.name, None, source=source)
        s.delete(partner)


def _load(s: Session, partner_id: int) -> Partner:
    partner = s.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"No partner {partner_id}.")
    return partner


def _infos(s: Session, partners: Sequence[Partner]) -> list[PartnerInfo]:
    screen_ids = [p.vetting_screen_id for p in partners if p.vetting_screen_id]
    decisions = dict(s.execute(select(VettingScreen.id, VettingScreen.decision)
                               .where(VettingScreen.id.in_(screen_ids))).all()) if screen_ids else {}
    ids = [p.id for p in partners]
    caps = dict(s.execute(select(CapPartner.partner_id, func.count(func.distinct(CapPartner.cap_id)))
                          .where(CapPartner.partner_id.in_(ids)).group_by(CapPartner.partner_id)).all()) if ids else {}
    out = []
    for p in partners:
        kind = PartnerKind(p.kind)
        decision = decisions.get(p.vetting_screen_id) if kind in VETTED_KINDS else None
        out.append(PartnerInfo(
            p.id, p.kind, p.name, p.country, tuple(p.topics or ()), p.cso_type, p.contact, p.notes,
            p.vetting_screen_id, decision, vetting_state(kind, decision, p.vetting_screen_id is not None),
            int(caps.get(p.id, 0))))
    return out


def get_partner(db: Database, partner_id: int) -> PartnerInfo:
    with db.reading() as s:
        return _infos(s, [_load(s, partner_id)])[0]


def list_partners(db: Database, *, kind: Optional[str] = None, country: Optional[str] = None,
                  topic: Optional[str] = None, text: str = "") -> list[PartnerInfo]:
    """The register, by kind then name; filters by kind, country (exact, any case), topic (key or title) and text."""
    with db.reading() as s:
        q = select(Partner).order_by(Partner.kind, func.lower(Partner.name), Partner.id)
        if kind:
            try:
                q = q.where(Partner.kind == parse_kind(kind).value)
            except PartnerError as exc:
                raise _err(exc) from None
        if country:
            q = q.where(func.lower(Partner.country) == " ".join(country.split()).lower())
        partners = list(s.scalars(q))
        if topic:
            key = _topics(s, [topic])[0]
            partners = [p for p in partners if key in (p.topics or ())]
        needle = " ".join(text.split()).lower()
        if needle:
            partners = [p for p in partners if needle in f"{p.name} {p.country} {p.contact} {p.notes}".lower()]
        return _infos(s, partners)


def start_partner_vetting(db: Database, partner_id: int, *, source: str = "app", user: str = "") -> PartnerInfo:
    """Starts the consultant checklist for a consultant or audit firm (or keeps the one already linked)."""
    from csrdesk.services.vetting import start_screen_in

    with db.transaction() as s:
        partner = _load(s, partner_id)
        if PartnerKind(partner.kind) not in VETTED_KINDS:
            raise UserError(f"{partner.name} is a {PartnerKind(partner.kind).label.lower()}: only consultants and "
                            "audit firms are vetted with the consultant checklist.")
        if partner.vetting_screen_id is None:
            screen = start_screen_in(s, CONSULTANT_CHECKLIST, None, subject=partner.name, source=source, user=user)
            partner.vetting_screen_id = screen.id
            record_change(s, "partner", partner.id, "vetting screen", None, screen.id, source=source, user=user)
    return get_partner(db, partner_id)


def partner_json(p: PartnerInfo) -> dict:
    """A partner as `partners list --json` gives it (a contract: keys are added, never renamed or dropped)."""
    return {"id": p.id, "kind": p.kind, "name": p.name, "country": p.country, "topics": list(p.topics),
            "vetting_decision": p.vetting_decision, "vetting_state": p.vetting_state, "cso_type": p.cso_type,
            "contact": p.contact, "notes": p.notes, "vetting_screen_id": p.vetting_screen_id, "caps": p.caps}


# --- partners on a CAP ------------------------------------------------------------------------------------------------

def _cap_partner_infos(s: Session, rows: Sequence[CapPartner]) -> list[CapPartnerInfo]:
    partners = {p.id: p for p in s.scalars(select(Partner).where(Partner.id.in_({r.partner_id for r in rows})))} \
        if rows else {}
    infos = {i.id: i for i in _infos(s, list(partners.values()))}
    item_ids = {r.cap_item_id for r in rows if r.cap_item_id}
    findings = {}
    if item_ids:
        for item in s.scalars(select(CapItem).where(CapItem.id.in_(item_ids))):
            findings[item.id] = item.finding.title
    out = []
    for r in rows:
        p = partners[r.partner_id]
        info = infos[p.id]
        warning = assignment_warning(PartnerKind(p.kind), p.name, info.vetting_decision,
                                     p.vetting_screen_id is not None)
        out.append(CapPartnerInfo(r.id, r.cap_id, r.cap_item_id, findings.get(r.cap_item_id, ""), p.id, p.name,
                                  p.kind, p.cso_type, r.role, r.start_date, r.end_date, r.what_done, warning))
    return out


def cap_partners_in(s: Session, cap_id: int) -> list[CapPartnerInfo]:
    rows = list(s.scalars(select(CapPartner).where(CapPartner.cap_id == cap_id)
                          .order_by(CapPartner.start_date.is_(None), CapPartner.start_date, CapPartner.id)))
    return _cap_partner_infos(s, rows)


def cap_partners(db: Database, cap_id: int) -> list[CapPartnerInfo]:
    with db.reading() as s:
        if s.get(Cap, cap_id) is None:
            raise NotFound(f"No CAP #{cap_id}.")
        return cap_partners_in(s, cap_id)


def assign_partner(db: Database, cap_id: int, partner_id: int, role: str, *, item_id: Optional[int] = None,
                   start: Optional[date] = None, end: Optional[date] = None, what_done: str = "",
                   source: str = "app", user: str = "") -> CapPartnerInfo:
    """Records a partner's part in a CAP (or one of its items): role, dates, what they did. An unvetted or rejected
    consultant is recorded with a warning the result carries."""
    role = " ".join((role or "").split())
    if not role:
        raise UserError(f"Say the partner's role on the CAP (for example {', '.join(PARTNER_ROLES[:3])}).")
    if len(role) > 60:
        raise UserError("The role is longer than 60 characters.")
    if start and end and end < start:
        raise UserError("The end date is before the start date.")
    with db.transaction() as s:
        cap = s.get(Cap, cap_id)
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        partner = _load(s, partner_id)
        if item_id is not None:
            item = s.get(CapItem, item_id)
            if item is None or item.cap_id != cap_id:
                raise UserError(f"CAP item {item_id} does not belong to CAP #{cap_id}.")
        row = CapPartner(cap_id=cap_id, cap_item_id=item_id, partner_id=partner.id, role=role, start_date=start,
                         end_date=end, what_done=(what_done or "").strip())
        s.add(row)
        s.flush()
        where = f"item {item_id}" if item_id else f"CAP #{cap_id}"
        record_change(s, "cap", cap_id, "partner", None, f"{partner.name} ({role}) on {where}",
                      supplier_id=cap.supplier_id, source=source, user=user)
        return _cap_partner_infos(s, [row])[0]


def update_cap_partner(db: Database, link_id: int, *, role: Optional[str] = None, start: Optional[date] = None,
                       end: Optional[date] = None, what_done: Optional[str] = None, source: str = "app",
                       user: str = "") -> CapPartnerInfo:
    with db.transaction() as s:
        row = s.get(CapPartner, link_id)
        if row is None:
            raise NotFound(f"No partner record {link_id} on a CAP.")
        if role is not None and " ".join(role.split()):
            row.role = " ".join(role.split())[:60]
        if start is not None:
            row.start_date = start
        if end is not None:
            row.end_date = end
        if row.start_date and row.end_date and row.end_date < row.start_date:
            raise UserError("The end date is before the start date.")
        if what_done is not None:
            record_change(s, "cap", row.cap_id, "partner work", row.what_done, what_done.strip(), source=source,
                          user=user)
            row.what_done = what_done.strip()
        s.flush()
        return _cap_partner_infos(s, [row])[0]


def remove_cap_partner(db: Database, link_id: int, *, source: str = "app", user: str = "") -> None:
    with db.transaction() as s:
        row = s.get(CapPartner, link_id)
        if row is None:
            raise NotFound(f"No partner record {link_id} on a CAP.")
        record_change(s, "cap", row.cap_id, "partner", f"partner {row.partner_id} ({row.role})", None,
                      source=source, user=user)
        s.delete(row)


def victim_services_consulted(s: Session, item_ids: Sequence[int]) -> set[int]:
    """The CAP items for which a victim-service organisation's consultation is recorded: on the item itself, or on
    its CAP as a whole."""
    if not item_ids:
        return set()
    items = dict(s.execute(select(CapItem.id, CapItem.cap_id).where(CapItem.id.in_(list(item_ids)))).all())
    rows = s.execute(select(CapPartner.cap_id, CapPartner.cap_item_id)
                     .join(Partner, Partner.id == CapPartner.partner_id)
                     .where(CapPartner.cap_id.in_(set(items.values())), Partner.kind == PartnerKind.CSO.value,
                            Partner.cso_type == VICTIM_SERVICE)).all()
    whole_caps = {cap for cap, item in rows if item is None}
    on_items = {item for _cap, item in rows if item is not None}
    return {i for i, cap in items.items() if cap in whole_caps or i in on_items}


def cap_partner_json(c: CapPartnerInfo) -> dict:
    return {"id": c.id, "cap_id": c.cap_id, "cap_item_id": c.cap_item_id, "partner_id": c.partner_id,
            "partner": c.partner, "kind": c.kind, "role": c.role, "start_date": c.start_date,
            "end_date": c.end_date, "what_done": c.what_done, "warning": c.warning}


def supplier_sourcing_owner(s: Session, supplier_id: int) -> str:
    row = s.execute(select(Supplier.sourcing_owner, Supplier.sourcing_owner_email)
                    .where(Supplier.id == supplier_id)).first()
    if row is None:
        return ""
    owner, email = row
    return f"{owner} <{email}>" if owner and email else (owner or email or "")


@dataclass(frozen=True)
class CapPartnersView:
    """What the CAP page's Partners tab shows: the partners on the CAP, the register to choose from, the brand
    actions opened from the CAP's items, and who from sourcing attended the CAP meeting."""

    cap_id: int
    links: tuple[CapPartnerInfo, ...]
    register: tuple[PartnerInfo, ...]
    brand_actions: tuple  # services.brand_actions.BrandActionInfo
    meeting_sourcing: str


def cap_partners_view(db: Database, cap_id: int) -> CapPartnersView:
    from csrdesk.services.brand_actions import list_brand_actions

    with db.reading() as s:
        cap = s.get(Cap, cap_id)
        if cap is None:
            raise NotFound(f"No CAP #{cap_id}.")
        links = tuple(cap_partners_in(s, cap_id))
        item_ids = {i.id for i in cap.items}
        sourcing = cap.meeting_sourcing or ""
        code = s.scalar(select(Supplier.code).where(Supplier.id == cap.supplier_id))
    actions = tuple(a for a in list_brand_actions(db, supplier_code=code) if a.cap_item in item_ids)
    return CapPartnersView(cap_id, links, tuple(list_partners(db)), actions, sourcing)
