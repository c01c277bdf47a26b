"""Suppliers: creating and editing them, their lifecycle status, the supplier list and one supplier's detail."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from csrdesk.domain.countries import normalise_country
from csrdesk.domain.laws import guess_region, normalise_region
from csrdesk.domain.matching import DuplicateIndex, Known
from csrdesk.domain.caps import progress_rate
from csrdesk.domain.ratings import should_propose_suspension
from csrdesk.domain.scoring import normalise_scheme
from csrdesk.domain.lifecycle import (
    ItemStatus, SupplierFacts, SupplierStatus, TransitionRefused, check_supplier_transition, status_words,
)
from csrdesk.domain.text import language_code
from csrdesk.errors import NotFound, UserError
from csrdesk.services.brand_collab import brands_text_of, sync_brands_from_text
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change
from csrdesk.services.ratings import NOT_ASSESSED, standing, standings
from csrdesk.services.settings import preferences_in
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, Certification, Complaint, Contact, Finding, Supplier, VettingCondition, VettingScreen,
)

OPEN_ITEM_STATUSES = tuple(s.value for s in ItemStatus if s.is_open)
DONE_ITEM_STATUSES = (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)
SUPPLIER_TYPES = ("factory", "material supplier", "subcontractor", "agent")
EXPIRY_WARNING_DAYS = 60
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class ContactInput:
    """A supplier contact as the supplier form saves it."""

    role: str = "compliance contact"
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "en"


@dataclass
class CertificationInput:
    """A supplier's certificate as the supplier form saves it."""

    scheme: str
    reference: str = ""
    issued: Optional[date] = None
    expires: Optional[date] = None


@dataclass
class SupplierInput:
    """A supplier as the supplier form saves it: names, address, sourcing owner, contacts and certificates."""

    name: str
    code: str = ""
    local_name: str = ""
    country: str = ""
    address: str = ""
    region: str = ""  # where the law differs inside the country; guessed from the address when left empty
    supplier_type: str = "factory"
    sector: str = ""
    os_id: str = ""
    sourcing_owner: str = ""
    sourcing_owner_email: str = ""
    other_brands: Optional[str] = None  # brands sharing the factory as one line ('Acme (30%), Brandy'); None: as is
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    notes: str = ""
    contacts: Optional[list[ContactInput]] = None  # None leaves contacts as they are
    certifications: Optional[list[CertificationInput]] = None
    # The row version the form was filled from: a save of a supplier someone changed since is refused.
    seen_version: Optional[int] = None


@dataclass(frozen=True)
class SupplierRow:
    """One row of the Suppliers page: rating, open and overdue items, progress and whether production is allowed."""

    id: int
    code: str
    name: str
    local_name: str
    country: str
    status: str
    rating: Optional[str]
    score: Optional[int]
    last_assessment: Optional[date]
    open_items: int
    overdue_items: int
    progress: Optional[float]
    rating_reason: str = ""  # which assessment or certificate decides the current rating, and why
    rated_by_certificate: Optional[str] = None  # e.g. "AMFORI BSCI until 2027-05-01" when a certificate stands in
    production_allowed: bool = True
    production_block_reason: Optional[str] = None
    follow_up_due: Optional[date] = None  # a follow-up assessment owed after Unsatisfactory, not met yet
    follow_up_met_by: Optional[int] = None  # the assessment that met the latest follow-up owed
    propose_suspension: bool = False  # in production (approved, active) although production is blocked
    follow_up_overdue: bool = False


@dataclass(frozen=True)
class ContactInfo:
    """A supplier contact as the supplier page shows it."""

    id: int
    role: str
    name: str
    email: str
    phone: str
    language: str


@dataclass(frozen=True)
class CertificationInfo:
    """A supplier's certificate as the supplier page shows it, with whether it is valid or expiring."""

    id: int
    scheme: str
    reference: str
    issued: Optional[date]
    expires: Optional[date]
    state: str  # 'valid', 'expiring soon', 'expired'


@dataclass(frozen=True)
class AssessmentSummary:
    """One assessment in a supplier's history on the supplier page."""

    id: int
    date: date
    assessment_type: str
    score: int
    rating: str
    denied: bool
    findings: int


@dataclass(frozen=True)
class CapSummary:
    """One CAP on the supplier page: its status, open and overdue items and progress."""

    id: int
    assessment_id: int
    status: str
    items: int
    open_items: int
    overdue_items: int
    progress: Optional[float]
    issued_date: Optional[date]


@dataclass(frozen=True)
class SupplierDetail:
    """One supplier as its page shows it: profile, contacts, certificates, assessments, CAPs and moves allowed."""

    row: SupplierRow
    address: str
    supplier_type: str
    sector: str
    os_id: str
    sourcing_owner: str
    sourcing_owner_email: str
    other_brands: str
    latitude: Optional[float]
    longitude: Optional[float]
    notes: str
    contacts: tuple[ContactInfo, ...]
    certifications: tuple[CertificationInfo, ...]
    assessments: tuple[AssessmentSummary, ...]
    caps: tuple[CapSummary, ...]
    follow_up_due: Optional[date]
    vetting_screens: int
    complaints: int
    allowed_statuses: tuple[str, ...]
    region: str = ""
    version: int = 0  # the row version shown: handed back with a save (SupplierInput.seen_version)


def _clean(text: Optional[str]) -> str:
    return " ".join(str(text or "").split())


def next_code(s: Session, country: str) -> str:
    from csrdesk.domain.countries import iso_code

    prefix = iso_code(country) or "SU"  # an unknown country gets no made-up code that could be another's
    like = f"{prefix}-%"
    codes = s.scalars(select(Supplier.code).where(Supplier.code.like(like)))
    highest = 0
    for code in codes:
        m = re.match(rf"^{prefix}-(\d+)$", code)
        if m:
            highest = max(highest, int(m.group(1)))
    return f"{prefix}-{highest + 1:04d}"


def validate_supplier(data: SupplierInput) -> None:
    if not _clean(data.name):
        raise UserError("A supplier needs a name.")
    if data.supplier_type not in SUPPLIER_TYPES:
        raise UserError(f"Supplier type must be one of: {', '.join(SUPPLIER_TYPES)}.")
    if data.sourcing_owner_email and not _EMAIL.match(data.sourcing_owner_email.strip()):
        raise UserError(f"{data.sourcing_owner_email!r} is not an e-mail address.")
    for c in data.contacts or []:
        if c.email and not _EMAIL.match(c.email.strip()):
            raise UserError(f"Contact {c.name or c.role}: {c.email!r} is not an e-mail address.")
        if c.language and language_code(c.language) is None:
            raise UserError(f"Contact {c.name or c.role}: {c.language!r} is not a language csrdesk knows; use a "
                            "code such as en, zh, vi, tr, bn, es.")
    for cert in data.certifications or []:
        if not _clean(cert.scheme):
            raise UserError("A certification needs its scheme (WRAP, SA8000, ICTI, amfori BSCI...).")
        if cert.issued and cert.expires and cert.expires < cert.issued:
            raise UserError(f"The {cert.scheme} certification expires before it was issued.")
    if len(normalise_region(data.region)) > 200:
        raise UserError("The region is longer than 200 characters.")
    for value, low, high, what in ((data.latitude, -90, 90, "Latitude"), (data.longitude, -180, 180, "Longitude")):
        if value is not None and not low <= value <= high:
            raise UserError(f"{what} must be between {low} and {high}.")


def apply_supplier_input(s: Session, supplier: Supplier, data: SupplierInput) -> None:
    for name in ("name", "local_name", "country", "supplier_type", "sector", "os_id", "sourcing_owner",
                 "sourcing_owner_email"):
        setattr(supplier, name, _clean(getattr(data, name)))
    supplier.address = (data.address or "").strip()
    supplier.region = normalise_region(data.region) or guess_region(supplier.country, supplier.address)
    supplier.notes = data.notes or ""
    supplier.latitude, supplier.longitude = data.latitude, data.longitude
    if data.other_brands is not None:

        sync_brands_from_text(s, supplier, data.other_brands)
    if data.contacts is not None:
        supplier.contacts.clear()
        for c in data.contacts:
            supplier.contacts.append(Contact(role=_clean(c.role) or "compliance contact", name=_clean(c.name),
                                             email=c.email.strip(), phone=_clean(c.phone), language=language_code(c.language) or "en"))
    if data.certifications is not None:
        supplier.certifications.clear()
        for c in data.certifications:
            supplier.certifications.append(Certification(scheme=_clean(c.scheme), reference=_clean(c.reference),
                                                         issued=c.issued, expires=c.expires))


def similar_supplier(s: Session, name: str, local_name: str, country: str, os_id: str = "",
                     exclude_id: Optional[int] = None) -> Optional[str]:
    """A sentence naming an existing supplier that the given one duplicates (same rules as the import), or None."""
    index = DuplicateIndex()
    for sid, code, other, other_local, other_country, other_os in s.execute(
        select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country, Supplier.os_id)
    ):
        if sid != exclude_id:
            index.add(Known(code=code, name=other, country=other_country or "", row=None), [other, other_local],
                      other_os or "", code)
    found = index.find([n for n in (name, local_name) if n], country, os_id, "")
    if found is None:
        return None
    known, kind, reason = found
    return f"{known.code} {known.name} looks like the same supplier ({'exact' if kind == 'exact' else 'near'}: {reason})"


def create_supplier(db: Database, data: SupplierInput, *, status: str = "prospect", source: str = "app",
                    allow_duplicate: bool = False) -> SupplierDetail:
    """Adds a supplier. One that looks like an existing supplier (the import's duplicate rules) is refused, naming
    it, unless allow_duplicate says two factories really share a name."""
    validate_supplier(data)
    data.country = normalise_country(data.country)
    try:
        SupplierStatus(status)
    except ValueError:
        raise UserError(f"Unknown supplier status {status!r}.") from None
    with db.transaction() as s:
        if not allow_duplicate:
            similar = similar_supplier(s, _clean(data.name), _clean(data.local_name), data.country, _clean(data.os_id))
            if similar:
                raise UserError(f"Not added: {similar}. Change the name, or add it anyway if they are two factories.")
        code = _clean(data.code) or next_code(s, data.country)
        if s.scalar(select(Supplier.id).where(Supplier.code == code)) is not None:
            raise UserError(f"The supplier code {code} is already in use.")
        supplier = Supplier(code=code, status=status)
        s.add(supplier)
        apply_supplier_input(s, supplier, data)
        s.flush()
        record_change(s, "supplier", supplier.id, "status", None, status, supplier_id=supplier.id, source=source)
        supplier_id = supplier.id
    return supplier_detail(db, supplier_id)


# The supplier's own fields whose edits the history keeps (who changed what and when, for a team). Brands sharing
# the factory are records of their own; services.brand_collab keeps their history ("other brands").
_HISTORY_FIELDS = ("code", "name", "local_name", "country", "region", "address", "supplier_type", "sector", "os_id",
                   "sourcing_owner", "sourcing_owner_email", "notes")


def update_supplier(db: Database, code: str, data: SupplierInput, *, source: str = "app") -> SupplierDetail:
    validate_supplier(data)
    data.country = normalise_country(data.country)
    with db.transaction() as s:
        supplier = _get(s, code)
        check_version(s, supplier, data.seen_version, "supplier", f"Supplier {supplier.code}")
        new_code = _clean(data.code) or supplier.code
        if new_code != supplier.code and s.scalar(select(Supplier.id).where(Supplier.code == new_code)) is not None:
            raise UserError(f"The supplier code {new_code} is already in use.")
        certs_before = _certificate_texts(supplier)
        fields_before = {name: getattr(supplier, name) for name in _HISTORY_FIELDS}
        supplier.code = new_code
        apply_supplier_input(s, supplier, data)
        supplier.updated_at = datetime.now()  # a save of contacts or certificates alone is a new version too
        s.flush()
        for name, old in fields_before.items():
            record_change(s, "supplier", supplier.id, name, old, getattr(supplier, name), supplier_id=supplier.id,
                          source=source)
        certs_after = _certificate_texts(supplier)
        if certs_after != certs_before:
            # A certificate can stand in for an assessment: its change is part of why the rating may move.
            record_change(s, "supplier", supplier.id, "certifications", "; ".join(certs_before) or None,
                          "; ".join(certs_after) or None, supplier_id=supplier.id, source=source)
        supplier_id = supplier.id
    return supplier_detail(db, supplier_id)


def add_certification(db: Database, code: str, cert: CertificationInput, *, source: str = "app") -> SupplierDetail:
    """Records one certification of a supplier (the others are kept). A recognised one (WRAP, SA8000, ICTI, amfori
    BSCI) can stand in for an assessment in the supplier's current rating (domain.ratings)."""
    if not _clean(cert.scheme):
        raise UserError("A certification needs its scheme (WRAP, SA8000, ICTI, amfori BSCI...).")
    if cert.issued and cert.expires and cert.expires < cert.issued:
        raise UserError(f"The {cert.scheme} certification expires before it was issued.")
    if len(_clean(cert.scheme)) > 60 or len(_clean(cert.reference)) > 120:
        raise UserError("The scheme may have 60 characters and the reference 120.")
    with db.transaction() as s:
        supplier = _get(s, code)
        before = _certificate_texts(supplier)
        supplier.certifications.append(Certification(scheme=_clean(cert.scheme), reference=_clean(cert.reference),
                                                     issued=cert.issued, expires=cert.expires))
        s.flush()
        record_change(s, "supplier", supplier.id, "certifications", "; ".join(before) or None,
                      "; ".join(_certificate_texts(supplier)), supplier_id=supplier.id, source=source)
        supplier_id = supplier.id
    return supplier_detail(db, supplier_id)


def _certificate_texts(supplier: Supplier) -> list[str]:
    return sorted(f"{c.scheme} issued {c.issued or '?'} expires {c.expires or 'never'}" for c in supplier.certifications)


def _get(s: Session, code: str) -> Supplier:
    supplier = s.scalar(select(Supplier).where(Supplier.code == (code or "").strip()))
    if supplier is None:
        raise NotFound(f"No supplier with code {code!r}.")
    return supplier


def supplier_facts(s: Session, supplier: Supplier, today: Optional[date] = None) -> SupplierFacts:
    from csrdesk.storage.models import ChecklistTemplate

    st = standing(s, supplier.id, today or date.today())
    latest = st.current.assessment.rating if st.current.assessment else None
    pre = s.execute(
        select(Assessment.rating).where(Assessment.supplier_id == supplier.id,
                                        Assessment.assessment_type == "pre-production")
        .order_by(Assessment.date.desc(), Assessment.id.desc()).limit(1)
    ).scalar()
    # Only supplier screenings count: a responsible-exit checklist "approves" an exit plan, not the supplier.
    screen = s.execute(
        select(VettingScreen.id, VettingScreen.decision)
        .join(ChecklistTemplate, ChecklistTemplate.id == VettingScreen.template_id)
        .where(VettingScreen.supplier_id == supplier.id, VettingScreen.decision.is_not(None),
               ChecklistTemplate.kind == "supplier")
        .order_by(VettingScreen.decision_date.desc(), VettingScreen.id.desc()).limit(1)
    ).first()
    decision = screen.decision if screen else None
    open_conditions = 0
    if screen is not None:
        open_conditions = s.scalar(
            select(func.count(VettingCondition.id)).where(VettingCondition.screen_id == screen.id,
                                                          VettingCondition.status == "open")
        ) or 0
    cert = st.current.certificate if st.current.by_certification else None
    return SupplierFacts(latest_rating=latest, pre_production_rating=pre, vetting_decision=decision,
                         require_vetting=preferences_in(s).require_vetting, open_conditions=int(open_conditions),
                         production_block=st.production_block_reason,
                         certified=None if cert is None else st.current.reason)


def change_status(db: Database, code: str, new_status: str, *, note: str = "", source: str = "app",
                  seen_version: Optional[int] = None) -> SupplierDetail:
    """Moves a supplier along its lifecycle; a refused move raises UserError with the reason."""
    try:
        target = SupplierStatus(status_words(new_status))
    except ValueError:
        raise UserError(
            f"Unknown supplier status {new_status!r}: use one of {', '.join(s.value for s in SupplierStatus)}."
        ) from None
    with db.transaction() as s:
        supplier = _get(s, code)
        check_version(s, supplier, seen_version, "supplier", f"Supplier {supplier.code}")
        try:
            check_supplier_transition(SupplierStatus(supplier.status), target, supplier_facts(s, supplier))
        except TransitionRefused as exc:
            raise UserError(str(exc)) from None
        record_change(s, "supplier", supplier.id, "status", supplier.status, target.value,
                      supplier_id=supplier.id, source=source, note=note)
        supplier.status = target.value
        supplier_id = supplier.id
    return supplier_detail(db, supplier_id)


def approval_gate(db: Database, code: str) -> list[str]:
    """What still stands between the supplier and approval (empty when nothing does).

    It judges the move the supplier would make next: vetting -> approved (or conditionally approved when the
    vetting decision carries conditions), conditionally approved -> approved.
    """
    with db.reading() as s:
        supplier = _get(s, code)
        current = SupplierStatus(supplier.status)
        facts = supplier_facts(s, supplier)
        if current in (SupplierStatus.APPROVED, SupplierStatus.ACTIVE):
            return []
        if current is SupplierStatus.CONDITIONALLY_APPROVED:
            target = SupplierStatus.APPROVED
        elif current is SupplierStatus.VETTING:
            target = _approval_target(facts)
        else:
            if current is not SupplierStatus.PROSPECT:
                return [f"This supplier is {current.value}: move it to vetting and record a vetting decision before "
                        "approving it."]
            # The status move first, then what approval from vetting would still need (a letter to the factory
            # states only that: the status move is the app's own step).
            return (["This supplier is still a prospect: move it to vetting before approving it."]
                    + _missing_for_approval(SupplierStatus.VETTING, _approval_target(facts), facts))
        return _missing_for_approval(current, target, facts)


def _approval_target(facts: SupplierFacts) -> SupplierStatus:
    conditional = facts.vetting_decision == "approve with conditions"
    return SupplierStatus.CONDITIONALLY_APPROVED if conditional else SupplierStatus.APPROVED


def _missing_for_approval(current: SupplierStatus, target: SupplierStatus, facts: SupplierFacts) -> list[str]:
    try:
        check_supplier_transition(current, target, facts)
    except TransitionRefused as exc:
        return [str(exc)]
    return []


def status_move_reason(text: str) -> bool:
    """Whether an approval-gate line asks the user to move the supplier's status (the app's own step, which a letter
    to the factory leaves out)."""
    return text.startswith("This supplier is ") and " move it to vetting" in text


def _rows(s: Session, today: date, supplier_id: Optional[int] = None) -> list[SupplierRow]:
    """Supplier rows (rating, open and overdue items, progress) from a few narrow queries joined in Python.

    At the large-program scale (600 suppliers, 130,000 CAP items) this is several times faster in SQLite than one
    query with window functions, and for one supplier it reads only that supplier's rows.
    """
    sup_q = select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.country,
                   Supplier.status).order_by(Supplier.code)
    cap_q = select(Cap.supplier_id, Assessment.date, Cap.id).join(Assessment, Assessment.id == Cap.assessment_id)
    if supplier_id is not None:
        sup_q = sup_q.where(Supplier.id == supplier_id)
        cap_q = cap_q.where(Cap.supplier_id == supplier_id)
    conn = s.connection()
    standing_by = standings(s, today, None if supplier_id is None else [supplier_id])
    cap_supplier: dict[int, int] = {}
    latest_cap: dict[int, tuple] = {}  # supplier id -> (assessment date, cap id) of the latest CAP
    for sid, day, cid in conn.execute(cap_q):
        cap_supplier[cid] = sid
        best = latest_cap.get(sid)
        if best is None or (day, cid) > best:
            latest_cap[sid] = (day, cid)
    open_cond = CapItem.status.in_(OPEN_ITEM_STATUSES)
    overdue = func.sum(case((and_(open_cond, CapItem.due_date < today), 1), else_=0))
    if supplier_id is not None:
        # One supplier: its items through the cap_id index, every count in one pass.
        counted = conn.execute(
            select(CapItem.cap_id, func.count(), func.sum(case((open_cond, 1), else_=0)), overdue)
            .where(CapItem.cap_id.in_(list(cap_supplier) or [-1])).group_by(CapItem.cap_id)
        ).all()
        totals = {cid: total for cid, total, _n, _late in counted}
        by_cap = [(cid, int(n or 0), int(late or 0)) for cid, _total, n, late in counted]
    else:
        # Everyone: only the open items, found through the status index.
        by_cap = [(cid, int(n or 0), int(late or 0)) for cid, n, late in conn.execute(
            select(CapItem.cap_id, func.count(), overdue).where(open_cond).group_by(CapItem.cap_id))]
        # Every item is open or done (ItemStatus), so done = all items - open ones; this count reads only the index.
        latest_ids = [cid for _day, cid in latest_cap.values()]
        totals = {}
        for chunk in range(0, len(latest_ids), 500):
            totals.update(conn.execute(
                select(CapItem.cap_id, func.count()).where(CapItem.cap_id.in_(latest_ids[chunk:chunk + 500]))
                .group_by(CapItem.cap_id)
            ).all())
    open_by_cap: dict[int, int] = {}
    open_items: dict[int, int] = {}
    overdue_items: dict[int, int] = {}
    for cid, n, late in by_cap:
        open_by_cap[cid] = n
        sid = cap_supplier.get(cid)
        if sid is not None:
            open_items[sid] = open_items.get(sid, 0) + n
            overdue_items[sid] = overdue_items.get(sid, 0) + late
    rows = []
    for sid, code, name, local_name, country, status in conn.execute(sup_q):
        st = standing_by.get(sid, NOT_ASSESSED)
        last = st.current.assessment
        cap = latest_cap.get(sid)
        total = totals.get(cap[1], 0) if cap else 0
        done = total - open_by_cap.get(cap[1], 0) if cap else 0
        # Items still open from earlier CAPs count as not done: "100%" never stands beside open items.
        total += open_items.get(sid, 0) - (open_by_cap.get(cap[1], 0) if cap else 0)
        cert = st.current.certificate
        rows.append(SupplierRow(
            id=sid, code=code, name=name, local_name=local_name, country=country, status=status,
            rating=st.rating, score=last.score if last else None, last_assessment=last.date if last else None,
            open_items=open_items.get(sid, 0), overdue_items=overdue_items.get(sid, 0),
            progress=progress_rate(total, done), rating_reason=st.current.reason,
            rated_by_certificate=(None if cert is None else normalise_scheme(cert.scheme)
                                  + (f" until {cert.expires.isoformat()}" if cert.expires else "")),
            production_allowed=st.production_allowed, production_block_reason=st.production_block_reason,
            follow_up_due=st.follow_up.due, follow_up_met_by=st.follow_up.met_by,
            follow_up_overdue=st.follow_up.overdue(today),
            propose_suspension=should_propose_suspension(status, st.block),
        ))
    return rows


def list_suppliers(db: Database, today: Optional[date] = None) -> list[SupplierRow]:
    """Every supplier with its current rating, open and overdue CAP items and progress."""
    today = today or date.today()
    with db.reading() as s:
        return _rows(s, today)


def _cert_state(expires: Optional[date], today: date) -> str:
    if expires is None:
        return "no expiry date"  # it cannot stand in for an assessment until its date is entered
    if expires < today:
        return "expired"
    if expires <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return "expiring soon"
    return "valid"


def supplier_detail(db: Database, code_or_id, today: Optional[date] = None) -> SupplierDetail:
    today = today or date.today()
    with db.reading() as s:
        if isinstance(code_or_id, int):
            supplier = s.get(Supplier, code_or_id)
            if supplier is None:
                raise NotFound(f"No supplier {code_or_id}.")
        else:
            supplier = _get(s, code_or_id)
        row = _rows(s, today, supplier.id)[0]
        assessments = s.execute(
            select(Assessment.id, Assessment.date, Assessment.assessment_type, Assessment.score, Assessment.rating,
                   Assessment.denied, func.count(Finding.id))
            .outerjoin(Finding, Finding.assessment_id == Assessment.id)
            .where(Assessment.supplier_id == supplier.id)
            .group_by(Assessment.id)
            .order_by(Assessment.date.desc(), Assessment.id.desc())
        ).all()
        open_cond = CapItem.status.in_(OPEN_ITEM_STATUSES)
        caps = s.execute(
            select(Cap.id, Cap.assessment_id, Cap.status, Cap.issued_date, func.count(CapItem.id),
                   func.sum(case((open_cond, 1), else_=0)),
                   func.sum(case((and_(open_cond, CapItem.due_date < today), 1), else_=0)),
                   func.sum(case((CapItem.status.in_(DONE_ITEM_STATUSES), 1), else_=0)))
            .join(Assessment, Assessment.id == Cap.assessment_id)
            .outerjoin(CapItem, CapItem.cap_id == Cap.id)
            .where(Cap.supplier_id == supplier.id)
            .group_by(Cap.id, Assessment.date)
            .order_by(Assessment.date.desc(), Cap.id.desc())
        ).all()
        screens = s.scalar(select(func.count(VettingScreen.id)).where(VettingScreen.supplier_id == supplier.id))
        complaints = s.scalar(select(func.count(Complaint.id)).where(Complaint.supplier_id == supplier.id))
        from csrdesk.domain.lifecycle import SUPPLIER_TRANSITIONS

        return SupplierDetail(
            row=row, address=supplier.address, supplier_type=supplier.supplier_type, sector=supplier.sector,
            os_id=supplier.os_id, sourcing_owner=supplier.sourcing_owner,
            sourcing_owner_email=supplier.sourcing_owner_email, other_brands=brands_text_of(s, supplier.id),
            latitude=supplier.latitude, longitude=supplier.longitude, notes=supplier.notes,
            contacts=tuple(ContactInfo(c.id, c.role, c.name, c.email, c.phone, c.language) for c in supplier.contacts),
            certifications=tuple(
                CertificationInfo(c.id, c.scheme, c.reference, c.issued, c.expires, _cert_state(c.expires, today))
                for c in sorted(supplier.certifications, key=lambda c: (c.expires or date.max))
            ),
            assessments=tuple(AssessmentSummary(*a) for a in assessments),
            caps=tuple(
                CapSummary(c[0], c[1], c[2], int(c[4] or 0), int(c[5] or 0), int(c[6] or 0),
                           progress_rate(int(c[4] or 0), int(c[7] or 0)), c[3])
                for c in caps
            ),
            follow_up_due=row.follow_up_due,
            vetting_screens=int(screens or 0),
            complaints=int(complaints or 0),
            allowed_statuses=tuple(t.value for t in SUPPLIER_TRANSITIONS[SupplierStatus(supplier.status)]),
            region=supplier.region or "",
            version=supplier.row_version,
        )


def supplier_input_from_detail(detail: SupplierDetail) -> SupplierInput:
    """An editable copy of a supplier, for an edit form."""
    return SupplierInput(
        name=detail.row.name, code=detail.row.code, local_name=detail.row.local_name, country=detail.row.country,
        address=detail.address, region=detail.region, supplier_type=detail.supplier_type, sector=detail.sector, os_id=detail.os_id,
        sourcing_owner=detail.sourcing_owner, sourcing_owner_email=detail.sourcing_owner_email,
        other_brands=detail.other_brands, latitude=detail.latitude, longitude=detail.longitude, notes=detail.notes,
        contacts=[ContactInput(c.role, c.name, c.email, c.phone, c.language) for c in detail.contacts],
        certifications=[CertificationInput(c.scheme, c.reference, c.issued, c.expires) for c in detail.certifications],
        seen_version=detail.version,
    )
