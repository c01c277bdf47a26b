"""Worker complaints: intake with the identity sealed, the steps of the work, revealing with a recorded reason,
a confirmed complaint into a CAP item, focus areas for the next assessment (reports: services.complaint_reports).

No function here returns or logs a complainant's name or contact except reveal_identity, which records who asked,
when and why before it answers.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import String, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from csrdesk.domain.caps import due_date, item_start
from csrdesk.domain.complaints import (
    Channel, ComplaintFacts, ComplaintStatus, FactoryDecision, Outcome, RetaliationRisk, StepRefused,
    check_acknowledge, check_close, check_compliance, check_decision, check_note, check_received, check_reopen,
    check_resolve, check_retaliation_found, status_of,
)
from csrdesk.domain.lifecycle import CapStatus
from csrdesk.domain.scoring import Severity
from csrdesk.errors import NotFound, UserError
from csrdesk.services import identity_key
from csrdesk.services.caps import move_cap_status
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change, who as _who
from csrdesk.services.library import category_titles
from csrdesk.storage.db import Database
from csrdesk.storage.roles import identities_readable
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, ChangeRecord, Complaint, ComplaintStep, Finding, Supplier, ViolationType,
)

log = logging.getLogger(__name__)

HIDDEN = "hidden"
ANONYMOUS = "anonymous"
UNAVAILABLE = "unavailable"
RETALIATION_TYPE = "FOA-010"  # the library's violation type for retaliation against a complainant
STEP_LABELS = {
    "received": "Received", "acknowledged": "Acknowledged", "note": "Investigation note",
    "decision": "Decision on telling the factory", "resolved": "Resolved", "compliance_checked": "Compliance checked",
    "closed": "Closed", "reopened": "Reopened", "retaliation_found": "Retaliation found", "to_cap": "CAP item made",
    "risk": "Retaliation risk changed", "agreement": "Worker's agreement", "identity": "Identity revealed",
}


# -- plain data in and out -------------------------------------------------------------------------------------------

@dataclass
class ComplaintInput:
    """A worker complaint as it is taken in, the complainant's name and contact to be sealed."""

    received: date
    channel: str
    provision: str
    summary: str
    supplier_code: str = ""
    factory_name: str = ""  # a factory outside the program, when no supplier code
    complainant_name: str = ""
    contact: str = ""
    retaliation_risk: str = "low"
    worker_agrees_factory_told: bool = False


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__, and the
class ComplaintRow:     # page makes 10,000 of them per load
    """One row of the Complaints page: a complaint's age, factory, provision, risk and status, no identity."""

    id: int
    reference: str
    received_date: date
    age_days: int  # days since receipt (to closure, once closed)
    supplier_id: Optional[int]
    supplier_code: str
    factory: str  # the supplier's name, or the factory outside the program
    provision: str
    provision_title: str
    channel: str
    retaliation_risk: str
    retaliation_found: bool
    status: str
    outcome: str
    acknowledged_date: Optional[date]
    resolved_date: Optional[date]
    summary: str
    identity: str  # anonymous, hidden or unavailable (the key is not on this computer)
    cap_item_id: Optional[int]

    @property
    def is_open(self) -> bool:
        return self.status != ComplaintStatus.CLOSED.value

    @property
    def risk_rank(self) -> int:
        try:
            return RetaliationRisk(self.retaliation_risk).rank
        except ValueError:
            return 0


@dataclass(frozen=True)
class TimelineEntry:
    """One dated step on a complaint's timeline: received, acknowledged, a note, a decision, a reveal."""

    on: date
    kind: str
    label: str
    text: str
    who: str = ""


@dataclass(frozen=True)
class ComplaintDetail:
    """One complaint as its screen shows it: the factory's decision, remedy, dates and its timeline."""

    row: ComplaintRow
    worker_agrees_factory_told: bool
    factory_decision: str
    factory_decision_note: str
    remedy: str
    compliance_checked_date: Optional[date]
    closed_date: Optional[date]
    retaliation_found_date: Optional[date]
    identity_key_id: str
    cap_id: Optional[int]
    timeline: tuple[TimelineEntry, ...]
    reveals: tuple[TimelineEntry, ...]
    warnings: tuple[str, ...] = ()
    version: int = 0  # the row version shown: handed back with a save (update_complaint's seen_version)
    cap_item_title: str = ""  # the CAP item's finding, as the CAPs page lists it ("" when none)

    @property
    def id(self) -> int:
        return self.row.id


@dataclass(frozen=True)
class RevealedIdentity:
    """A complainant's identity once revealed, with who asked, when and the reason recorded."""

    complaint_id: int
    reference: str
    name: str
    contact: str
    by: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class IdentityStatus:
    """Whether the keys to sealed identities are on this computer, and what to do when some are missing."""

    sealed: int  # complaints with a sealed identity
    unavailable: int  # of those, sealed with a key not on this computer
    missing_key_ids: tuple[str, ...]
    current_key_id: Optional[str]
    store: str  # where keys are kept here
    message: str  # what to do, for the window and the command line


@dataclass(frozen=True)
class CapResult:
    """Where a confirmed complaint went into a CAP: the CAP and item made or reopened for it."""

    complaint_id: int
    cap_id: int
    item_id: int
    finding_id: int
    assessment_id: int
    supplier_code: str
    placed: str  # how the CAP was found: 'open CAP', 'new CAP on the latest assessment', 'reopened CAP'
    retaliation_item_id: Optional[int] = None
    item_title: str = ""  # the item as the CAPs page lists it (its finding), for messages
    retaliation_item_title: str = ""


@dataclass(frozen=True)
class FocusArea:
    """A provision complaints raised about a supplier, for the next assessment to look at."""

    provision: str
    title: str
    complaints: int
    confirmed: int
    retaliation: bool
    latest: date
    references: tuple[str, ...]


@dataclass(frozen=True)
class FocusAreas:
    """The provisions complaints raised about a supplier since its last assessment."""

    supplier_id: int
    since: Optional[date]  # the last assessment before, or None
    areas: tuple[FocusArea, ...]


# -- helpers ---------------------------------------------------------------------------------------------------------

def _refusal(exc: Exception) -> UserError:
    return UserError(str(exc))


def _get(s: Session, complaint_id: int) -> Complaint:
    c = s.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(f"No complaint {complaint_id}.")
    return c


def _facts(s: Session, c: Complaint) -> ComplaintFacts:
    notes = s.scalar(select(func.count(ComplaintStep.id)).where(ComplaintStep.complaint_id == c.id,
                                                                  ComplaintStep.kind == "note")) or 0
    return ComplaintFacts(
        received=c.received_date, acknowledged=c.acknowledged_date, resolved=c.resolved_date,
        outcome=c.outcome or None, compliance_checked=c.compliance_checked_date, closed=c.closed_date,
        notes=int(notes), worker_agrees_factory_told=c.worker_agrees_factory_told,
        supplier_known=c.supplier_id is not None,
    )


def _provision(s: Session, text_: str) -> str:
    """A finding category key from its key or title, as typed."""
    wanted = " ".join((text_ or "").split()).lower()
    if not wanted:
        raise UserError("Give the code provision the complaint is about (a finding category).")
    cats = category_titles(s)
    for key, title in cats.items():
        if wanted in (key.lower(), title.lower(), key.lower().replace("-", " "), key.lower().replace("-", "_")):
            return key
    raise UserError(f"Unknown provision {text_!r}: use one of {', '.join(sorted(cats))}.")


def _parse(kind, value: str):
    try:
        return kind.parse(value)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _step(s: Session, c: Complaint, kind: str, on: date, text_: str = "") -> None:
    s.add(ComplaintStep(complaint_id=c.id, kind=kind, date=on, text=text_))


def _refresh_status(s: Session, c: Complaint, source: str) -> None:
    s.flush()
    new = status_of(_facts(s, c)).value
    if new != c.status:
        record_change(s, "complaint", c.id, "status", c.status, new, supplier_id=c.supplier_id, source=source)
        c.status = new


def _next_reference(s: Session, on: date) -> str:
    prefix = f"GRV-{on.year}-"
    numbers = [0]
    for ref in s.scalars(select(Complaint.reference).where(Complaint.reference.like(prefix + "%"))):
        tail = ref[len(prefix):]
        if tail.isdigit():
            numbers.append(int(tail))
    return f"{prefix}{max(numbers) + 1:04d}"


def _day(value) -> Optional[date]:
    """A date column read as the driver gives it: a date (PostgreSQL) or ISO text (SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _identity_state(token: Optional[str], key_id: str, known: set[str]) -> str:
    if not token:
        return ANONYMOUS
    return HIDDEN if key_id in known else UNAVAILABLE


# -- intake ----------------------------------------------------------------------------------------------------------

def add_complaint(db: Database, data: ComplaintInput, *, source: str = "app",
                  today: Optional[date] = None) -> ComplaintDetail:
    """Records a complaint. The name and contact are sealed before anything is written; none given: anonymous."""
    today = today or date.today()
    try:
        check_received(data.received, today)
    except StepRefused as exc:
        raise _refusal(exc) from None
    channel = _parse(Channel, data.channel)
    risk = _parse(RetaliationRisk, data.retaliation_risk or "low")
    summary = (data.summary or "").strip()
    if not summary:
        raise UserError("Give a summary of the complaint (what the worker reports, without who they are).")
    name = " ".join((data.complainant_name or "").split())
    contact = " ".join((data.contact or "").split())
    if len(name) > 200 or len(contact) > 200:
        raise UserError("The complainant's name and contact are limited to 200 characters each.")
    code = (data.supplier_code or "").strip()
    factory = " ".join((data.factory_name or "").split())
    if bool(code) == bool(factory):
        raise UserError("Name either the supplier (its code) or a factory outside the program, not both.")
    with db.transaction() as s:
        provision = _provision(s, data.provision)
        supplier = None
        if code:
            supplier = s.scalar(select(Supplier).where(Supplier.code == code))
            if supplier is None:
                raise NotFound(f"No supplier with code {code!r}.")
        c = Complaint(
            reference=_next_reference(s, data.received), received_date=data.received, channel=channel.value,
            supplier_id=supplier.id if supplier else None, factory_name="" if supplier else factory,
            provision=provision, description=summary, anonymous=not (name or contact),
            retaliation_risk=risk.value, worker_agrees_factory_told=bool(data.worker_agrees_factory_told),
            status=ComplaintStatus.RECEIVED.value,
        )
        if name or contact:
            c.identity_token, c.identity_key_id = identity_key.seal(
                {"ref": c.reference, "name": name, "contact": contact})
        s.add(c)
        s.flush()
        record_change(s, "complaint", c.id, "received", None, c.reference, supplier_id=c.supplier_id, source=source)
        complaint_id = c.id
        log.info("complaint %s recorded (%s)", c.reference, "anonymous" if c.anonymous else "identity sealed")
    return complaint_detail(db, complaint_id, today)


def update_complaint(db: Database, complaint_id: int, *, source: str = "app", today: Optional[date] = None,
                     seen_version: Optional[int] = None, **changes: Any) -> ComplaintDetail:
    """Changes the summary, provision, channel, retaliation risk or the worker's agreement, each change recorded."""
    allowed = {"summary", "provision", "channel", "retaliation_risk", "worker_agrees_factory_told"}
    unknown = set(changes) - allowed
    if unknown:
        raise UserError("These complaint fields cannot be changed here: " + ", ".join(sorted(unknown)))
    with db.transaction() as s:
        c = _get(s, complaint_id)
        check_version(s, c, seen_version, "complaint", f"Complaint {c.reference}")
        values: dict[str, Any] = {}
        if "summary" in changes:
            values["description"] = (changes["summary"] or "").strip()
            if not values["description"]:
                raise UserError("The summary cannot be empty.")
        if "provision" in changes:
            values["provision"] = _provision(s, changes["provision"])
        if "channel" in changes:
            values["channel"] = _parse(Channel, changes["channel"]).value
        if "retaliation_risk" in changes:
            values["retaliation_risk"] = _parse(RetaliationRisk, changes["retaliation_risk"]).value
        if "worker_agrees_factory_told" in changes:
            values["worker_agrees_factory_told"] = bool(changes["worker_agrees_factory_told"])
        for name, value in values.items():
            record_change(s, "complaint", c.id, name, getattr(c, name), value, supplier_id=c.supplier_id,
                          source=source)
            setattr(c, name, value)
    return complaint_detail(db, complaint_id, today)


# -- the steps -------------------------------------------------------------------------------------------------------

def _do_step(db: Database, complaint_id: int, check, apply, *, source: str, today: Optional[date]) -> ComplaintDetail:
    today = today or date.today()
    with db.transaction() as s:
        c = _get(s, complaint_id)
        try:
            check(_facts(s, c), today)
        except StepRefused as exc:
            raise UserError(f"Complaint {c.reference}: {exc}") from None
        apply(s, c)
        _refresh_status(s, c, source)
    return complaint_detail(db, complaint_id, today)


def acknowledge(db: Database, complaint_id: int, on: date, *, source: str = "app",
                today: Optional[date] = None) -> ComplaintDetail:
    """The worker (or whoever passed the complaint on) was told it arrived and what happens next."""
    def apply(s, c):
        c.acknowledged_date = on
        _step(s, c, "acknowledged", on)
    return _do_step(db, complaint_id, lambda f, t: check_acknowledge(f, on, t), apply, source=source, today=today)


def add_note(db: Database, complaint_id: int, note: str, on: date, *, source: str = "app",
             today: Optional[date] = None) -> ComplaintDetail:
    """A dated investigation step: who was interviewed, which records were checked, what was found."""
    def apply(s, c):
        _step(s, c, "note", on, note.strip())
    return _do_step(db, complaint_id, lambda f, t: check_note(f, note, on, t), apply, source=source, today=today)


def decide_factory(db: Database, complaint_id: int, decision: str, note: str, on: date, *, source: str = "app",
                   today: Optional[date] = None) -> ComplaintDetail:
    """Whether and how the factory is told, after weighing the risk with the worker."""
    choice = _parse(FactoryDecision, decision)

    def apply(s, c):
        record_change(s, "complaint", c.id, "factory_decision", c.factory_decision or None, choice.value,
                      supplier_id=c.supplier_id, source=source)
        c.factory_decision = choice.value
        c.factory_decision_note = note.strip()
        _step(s, c, "decision", on, f"{choice.label}. {note.strip()}".strip())
    return _do_step(db, complaint_id, lambda f, t: check_decision(f, choice, on, t), apply, source=source,
                    today=today)


def resolve(db: Database, complaint_id: int, outcome: str, remedy: str, on: date, *, source: str = "app",
            today: Optional[date] = None) -> ComplaintDetail:
    """The outcome of the investigation and the remedy for the worker."""
    result = _parse(Outcome, outcome)

    def apply(s, c):
        c.outcome = result.value
        c.resolution = remedy.strip()
        c.resolved_date = on
        _step(s, c, "resolved", on, f"{result.label}. {remedy.strip()}".strip())
    return _do_step(db, complaint_id, lambda f, t: check_resolve(f, result, remedy, on, t), apply, source=source,
                    today=today)


def check_compliance_held(db: Database, complaint_id: int, on: date, note: str = "", *, source: str = "app",
                          today: Optional[date] = None) -> ComplaintDetail:
    """A later check (a visit, records, the worker) that the remedy lasted."""
    def apply(s, c):
        c.compliance_checked_date = on
        _step(s, c, "compliance_checked", on, note.strip())
    return _do_step(db, complaint_id, lambda f, t: check_compliance(f, on, t), apply, source=source, today=today)


def close(db: Database, complaint_id: int, on: date, *, source: str = "app",
          today: Optional[date] = None) -> ComplaintDetail:
    def apply(s, c):
        c.closed_date = on
        _step(s, c, "closed", on)
    return _do_step(db, complaint_id, lambda f, t: check_close(f, on, t), apply, source=source, today=today)


def reopen(db: Database, complaint_id: int, reason: str, *, source: str = "app",
           today: Optional[date] = None) -> ComplaintDetail:
    today = today or date.today()
    if not (reason or "").strip():
        raise UserError("Say why the complaint is reopened.")

    def apply(s, c):
        c.closed_date = None
        _step(s, c, "reopened", today, reason.strip())
    return _do_step(db, complaint_id, lambda f, t: check_reopen(f), apply, source=source, today=today)


def record_retaliation(db: Database, complaint_id: int, on: date, note: str, *, source: str = "app",
                       today: Optional[date] = None) -> ComplaintDetail:
    """Retaliation against the worker was found: a finding of its own (see to_cap), and the risk becomes high."""
    if not (note or "").strip():
        raise UserError("Describe the retaliation found (what was done to the worker, without naming them).")

    def apply(s, c):
        c.retaliation_found_date = on
        if c.retaliation_risk != RetaliationRisk.HIGH.value:
            record_change(s, "complaint", c.id, "retaliation_risk", c.retaliation_risk, "high",
                          supplier_id=c.supplier_id, source=source, note="retaliation found")
            c.retaliation_risk = RetaliationRisk.HIGH.value
        _step(s, c, "retaliation_found", on, note.strip())
    return _do_step(db, complaint_id, lambda f, t: check_retaliation_found(f, on, t), apply, source=source,
                    today=today)


# -- reading ---------------------------------------------------------------------------------------------------------

def list_complaints(db: Database, *, open_only: bool = False, supplier_id: Optional[int] = None,
                    today: Optional[date] = None) -> list[ComplaintRow]:
    """Every complaint (or the open ones, or one supplier's), newest first; identities only as their state."""
    today = today or date.today()
    known = identity_key.known_key_ids()
    # Dates as the driver gives them (text in SQLite, parsed below by the C date.fromisoformat): SQLAlchemy's own
    # SQLite date conversion was most of the time at 10,000 complaints.
    received_, ack_, resolved_, closed_ = (type_coerce(c, String) for c in (
        Complaint.received_date, Complaint.acknowledged_date, Complaint.resolved_date, Complaint.closed_date))
    rows: list[ComplaintRow] = []
    append = rows.append
    fromiso = date.fromisoformat
    with db.reading() as s:
        readable = identities_readable(s)
        # A read-only member may not read the identity columns: every identity then reads "hidden".
        sealed_, key_ = ((Complaint.identity_token.is_not(None), Complaint.identity_key_id) if readable
                         else (literal(True), literal("")))
        q = (
            select(Complaint.id, Complaint.reference, received_, Complaint.supplier_id, Supplier.code,
                   Supplier.name, Complaint.factory_name, Complaint.provision, Complaint.channel,
                   Complaint.retaliation_risk, Complaint.retaliation_found_date.is_not(None), Complaint.status,
                   Complaint.outcome, ack_, resolved_, closed_, Complaint.description, sealed_, key_,
                   Complaint.cap_item_id)
            .outerjoin(Supplier, Supplier.id == Complaint.supplier_id)
        )  # sorted below in Python: SQLite's sort of the wide rows cost more than sorting the finished list
        if open_only:
            q = q.where(Complaint.status != ComplaintStatus.CLOSED.value)
        if supplier_id is not None:
            q = q.where(Complaint.supplier_id == supplier_id)
        titles = category_titles(s)
        for (cid, ref, received, sid, code, sname, factory, provision, channel, risk, retaliation, status, outcome,
             ack, resolved, closed, summary, sealed, key_id, item_id) in s.connection().execute(q).all():
            identity = ((HIDDEN if key_id in known else UNAVAILABLE) if sealed else ANONYMOUS) if readable else HIDDEN
            received = received if received.__class__ is date else fromiso(received)
            closed = _day(closed)
            append(ComplaintRow(
                cid, ref, received, ((closed or today) - received).days, sid, code or "", sname or factory or "",
                provision, titles.get(provision, provision), channel, risk, bool(retaliation), status,
                outcome, _day(ack), _day(resolved), summary, identity, item_id,
            ))
    rows.sort(key=lambda r: (r.received_date, r.id), reverse=True)
    return rows


def _row(s: Session, c: Complaint, today: date, known: set[str]) -> ComplaintRow:
    sup = s.get(Supplier, c.supplier_id) if c.supplier_id else None
    titles = category_titles(s)
    return ComplaintRow(
        c.id, c.reference, c.received_date, ((c.closed_date or today) - c.received_date).days, c.supplier_id,
        sup.code if sup else "", sup.name if sup else c.factory_name, c.provision,
        titles.get(c.provision, c.provision), c.channel, c.retaliation_risk, c.retaliation_found_date is not None,
        c.status, c.outcome, c.acknowledged_date, c.resolved_date, c.description,
        _identity_state(c.identity_token, c.identity_key_id, known) if identities_readable(s) else HIDDEN,
        c.cap_item_id,
    )


def _reveals(s: Session, complaint_id: int) -> list[TimelineEntry]:
    rows = s.scalars(select(ChangeRecord).where(
        ChangeRecord.entity == "complaint", ChangeRecord.entity_id == complaint_id, ChangeRecord.field == "identity"
    ).order_by(ChangeRecord.at, ChangeRecord.id))
    return [TimelineEntry(r.at.date(), "identity", f"Identity revealed to {r.user or 'unknown user'} "
                          f"at {r.at:%H:%M}", r.note, r.user) for r in rows]


def complaint_detail(db: Database, complaint_id: int, today: Optional[date] = None) -> ComplaintDetail:
    today = today or date.today()
    known = identity_key.known_key_ids()
    with db.reading() as s:
        c = _get(s, complaint_id)
        row = _row(s, c, today, known)
        timeline = [TimelineEntry(c.received_date, "received", "Received",
                                  f"By {Channel.parse(c.channel).label.lower() if c.channel else 'an unknown channel'}")]
        timeline += [TimelineEntry(st.date, st.kind, STEP_LABELS.get(st.kind, st.kind), st.text) for st in c.steps]
        reveals = _reveals(s, c.id)
        cap_id, cap_item_title = None, ""
        if c.cap_item_id:
            cap_id, cap_item_title = s.execute(select(CapItem.cap_id, Finding.title).join(
                Finding, Finding.id == CapItem.finding_id).where(CapItem.id == c.cap_item_id)).one()
        warnings = []
        if row.identity == UNAVAILABLE:
            warnings.append(identity_key.missing_key_message(c.identity_key_id))
        if c.retaliation_risk == RetaliationRisk.HIGH.value and c.closed_date is None:
            warnings.append("High retaliation risk: weigh every contact with the factory with the worker first.")
        return ComplaintDetail(
            row=row, worker_agrees_factory_told=c.worker_agrees_factory_told, factory_decision=c.factory_decision,
            factory_decision_note=c.factory_decision_note, remedy=c.resolution,
            compliance_checked_date=c.compliance_checked_date, closed_date=c.closed_date,
            retaliation_found_date=c.retaliation_found_date,
            identity_key_id=c.identity_key_id if identities_readable(s) else "", cap_id=cap_id,
            timeline=tuple(sorted(timeline + reveals, key=lambda e: e.on)),
            reveals=tuple(reveals), warnings=tuple(warnings), version=c.row_version, cap_item_title=cap_item_title,
        )


def find_complaint(db: Database, reference_or_id: str) -> int:
    """The id of a complaint given by id or by reference (GRV-2026-0001)."""
    text_ = str(reference_or_id).strip()
    with db.reading() as s:
        if text_.isdigit():
            if s.get(Complaint, int(text_)) is not None:
                return int(text_)
        found = s.scalar(select(Complaint.id).where(Complaint.reference == text_))
    if found is None:
        raise NotFound(f"No complaint {text_}.")
    return found


# -- identities ------------------------------------------------------------------------------------------------------

def reveal_identity(db: Database, complaint_id: int, reason: str, *, user: str = "",
                    source: str = "app") -> RevealedIdentity:
    """The complainant's name and contact, for a stated reason that is recorded (who, when, why) first."""
    reason = " ".join((reason or "").split())
    if len(reason) < 4:
        raise UserError("Give the reason for revealing the complainant's identity; it is recorded in the history.")
    with db.transaction() as s:
        c = _get(s, complaint_id)
        if not identities_readable(s):
            raise UserError("Complainants' identities are not shown to read-only members of the team.")
        if not c.identity_token:
            raise UserError(f"Complaint {c.reference} is anonymous: there is no identity to reveal.")
        payload = identity_key.open_sealed(c.identity_token, c.identity_key_id)
        if payload.get("ref") != c.reference:
            raise UserError(f"The sealed identity stored with {c.reference} belongs to another complaint; "
                            "it was not shown.")
        who = (user or "").strip() or _who(s)
        at = datetime.now()
        s.add(ChangeRecord(at=at, entity="complaint", entity_id=c.id, supplier_id=None, field="identity",
                           old=None, new="revealed", source=source, user=who, note=reason))
        reference = c.reference
    log.info("identity of complaint %s revealed to %s (reason recorded in the history)", reference, who)
    return RevealedIdentity(complaint_id, reference, str(payload.get("name") or ""),
                            str(payload.get("contact") or ""), who, at, reason)


def identity_status(db: Database) -> IdentityStatus:
    """How many identities are sealed, how many cannot be opened here, and what to do about it."""
    info = identity_key.key_info()
    known = set(info.known)
    with db.reading() as s:
        counts = dict(s.execute(
            select(Complaint.identity_key_id, func.count(Complaint.id))
            .where(Complaint.identity_token.is_not(None)).group_by(Complaint.identity_key_id)
        ).all()) if identities_readable(s) else {}
    sealed = sum(counts.values())
    missing = tuple(sorted(k for k in counts if k not in known))
    unavailable = sum(n for k, n in counts.items() if k not in known)
    if missing:
        message = identity_key.missing_key_message(", ".join(missing))
        if unavailable < sealed:
            message += f" ({unavailable} of {sealed} identities are affected.)"
    elif info.current:
        message = (f"Identities are sealed with key {info.current}, kept in {info.where}. Keep a recovery copy "
                   "(Export key) somewhere safe and apart from the database: without the key, nobody, you "
                   "included, can read the identities again.")
    else:
        message = ("No identity has been recorded yet; the key is made with the first one. Then export a "
                   "recovery copy and keep it safe.")
    return IdentityStatus(sealed, unavailable, missing, info.current, info.where, message)


# -- into remediation ------------------------------------------------------------------------------------------------

def _place_for_item(s: Session, supplier: Supplier, today: date, source: str, reference: str) -> tuple[Cap, str]:
    """The CAP a complaint's item joins: the supplier's latest CAP still open; else a new draft CAP on the latest
    assessment if it has none; else the latest assessment's closed CAP, reopened."""
    open_cap = s.scalar(
        select(Cap).join(Assessment, Assessment.id == Cap.assessment_id)
        .where(Cap.supplier_id == supplier.id, Cap.status != CapStatus.CLOSED.value)
        .order_by(Assessment.date.desc(), Cap.id.desc()).limit(1)
    )
    if open_cap is not None:
        return open_cap, "open CAP"
    latest = s.scalar(select(Assessment).where(Assessment.supplier_id == supplier.id)
                      .order_by(Assessment.date.desc(), Assessment.id.desc()).limit(1))
    if latest is None:
        raise UserError(f"{supplier.code} has no assessment yet, and a CAP belongs to an assessment: record the "
                        "assessment (or the investigation visit) first, then make the CAP item.")
    if latest.cap is None:
        cap = Cap(supplier_id=supplier.id, status=CapStatus.DRAFT.value)
        latest.cap = cap
        s.flush()
        return cap, "new CAP on the latest assessment"
    move_cap_status(s, latest.cap, CapStatus.IN_REMEDIATION, source=source,
                    note=f"reopened for worker complaint {reference}", today=today)
    return latest.cap, "reopened CAP"


def _add_item(s: Session, cap: Cap, *, title: str, description: str, category: str, vt: Optional[ViolationType],
              severity: Severity, remediation: str, today: date, source: str) -> CapItem:
    a = cap.assessment
    position = len(a.findings)
    # No points: a complaint is not an audit, so the item is remediated and verified like any other but does not
    # rescore the assessment it is filed under (the score stays the auditor's; the reasons list shows 0 points).
    finding = Finding(
        title=title, description=description, category=category, violation_type=vt.key if vt else None,
        code_requirement=vt.code_requirement if vt else "", severity=severity.value, points=0,
        points_overridden=True, repeat=False, position=position,
    )
    a.findings.append(finding)
    days = vt.days_allowed if vt else {Severity.MINOR: 90, Severity.MAJOR: 60, Severity.CRITICAL: 30,
                                        Severity.ZERO_TOLERANCE: 7}[severity]
    start = item_start(a.date, cap.issued_date, today)
    item = CapItem(finding=finding, suggested_remediation=remediation or (vt.suggested_remediation if vt else ""),
                   days_allowed=days, due_date=due_date(start, days), position=len(cap.items))
    cap.items.append(item)
    s.flush()
    record_change(s, "cap_item", item.id, "created", None, title, supplier_id=cap.supplier_id, source=source)
    return item


def to_cap(db: Database, complaint_id: int, *, violation_type: Optional[str] = None, severity: Optional[str] = None,
           source: str = "app", today: Optional[date] = None) -> CapResult:
    """Makes a confirmed complaint a CAP item of its supplier, in one step and without the identity; a retaliation
    found becomes a second item of the library's retaliation type."""
    today = today or date.today()
    with db.transaction() as s:
        c = _get(s, complaint_id)
        if c.supplier_id is None:
            raise UserError(f"Complaint {c.reference} concerns a factory outside the program ({c.factory_name}): "
                            "forward it; it cannot join a CAP.")
        if not c.outcome or not Outcome(c.outcome).confirmed:
            state = f"was resolved as {Outcome(c.outcome).label.lower()}" if c.outcome else "is not resolved yet"
            raise UserError(f"Complaint {c.reference} {state}: only a substantiated or partly substantiated "
                            "complaint becomes a CAP item.")
        if c.cap_item_id is not None:
            on_cap = s.scalar(select(CapItem.cap_id).where(CapItem.id == c.cap_item_id))
            raise UserError(f"Complaint {c.reference} is already an item of CAP #{on_cap}.")
        vt = None
        if violation_type:
            vt = s.scalar(select(ViolationType).where(ViolationType.key == violation_type.strip()))
            if vt is None:
                raise NotFound(f"No violation type {violation_type!r} in the finding library.")
        try:
            sev = Severity.parse(severity) if severity else (Severity(vt.severity) if vt else Severity.MAJOR)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        supplier = s.get(Supplier, c.supplier_id)
        cap, placed = _place_for_item(s, supplier, today, source, c.reference)
        titles = category_titles(s)
        what = vt.title if vt else titles.get(c.provision, c.provision)
        outcome = Outcome(c.outcome).label.lower()
        description = f"{c.description}\n\nWorker complaint {c.reference}, received {c.received_date.isoformat()}, " \
                      f"{outcome}. Remedy: {c.resolution}"
        item = _add_item(s, cap, title=f"Worker complaint {c.reference}: {what}", description=description,
                         category=vt.category if vt else c.provision, vt=vt, severity=sev, remediation=c.resolution,
                         today=today, source=source)
        c.cap_item_id = item.id
        retaliation_id, retaliation_title = None, ""
        if c.retaliation_found_date is not None:
            rvt = s.scalar(select(ViolationType).where(ViolationType.key == RETALIATION_TYPE))
            notes = [st.text for st in c.steps if st.kind == "retaliation_found"]
            r_item = _add_item(
                s, cap, title=f"Retaliation against a complainant ({c.reference})",
                description=(notes[-1] if notes else "Retaliation against the worker who complained was found."),
                category=rvt.category if rvt else "freedom-of-association", vt=rvt,
                severity=Severity(rvt.severity) if rvt else Severity.CRITICAL, remediation="", today=today,
                source=source)
            retaliation_id, retaliation_title = r_item.id, r_item.finding.title
        _step(s, c, "to_cap", today, f"CAP #{cap.id} ({placed}): “{item.finding.title}”"
              + (f"; and “{retaliation_title}”" if retaliation_id else ""))
        result = CapResult(c.id, cap.id, item.id, item.finding_id, cap.assessment_id, supplier.code, placed,
                           retaliation_id, item.finding.title, retaliation_title)
    return result


def focus_areas(db: Database, supplier_id: int, on: Optional[date] = None,
                assessment_id: Optional[int] = None) -> FocusAreas:
    """The provisions complaints raised about a supplier since its last assessment before `on`: what the next
    assessment should look at. `assessment_id` (the one being edited) is not counted as the last one."""
    on = on or date.today()
    with db.reading() as s:
        q = select(func.max(Assessment.date)).where(Assessment.supplier_id == supplier_id, Assessment.date < on)
        if assessment_id is not None:
            q = q.where(Assessment.id != assessment_id)
        since = s.scalar(q)
        cq = select(Complaint.provision, Complaint.reference, Complaint.received_date, Complaint.outcome,
                    Complaint.retaliation_found_date).where(Complaint.supplier_id == supplier_id,
                                                            Complaint.received_date <= on)
        if since is not None:
            cq = cq.where(Complaint.received_date > since)
        rows = s.execute(cq.order_by(Complaint.received_date)).all()
        titles = category_titles(s)
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    areas = []
    for provision, items in grouped.items():
        confirmed = sum(1 for r in items if r[3] and Outcome(r[3]).confirmed)
        areas.append(FocusArea(provision, titles.get(provision, provision), len(items), confirmed,
                               any(r[4] is not None for r in items), max(r[2] for r in items),
                               tuple(r[1] for r in items)))
    areas.sort(key=lambda a: (-a.complaints, a.title))
    return FocusAreas(supplier_id, since, tuple(areas))


def focus_areas_for(db: Database, supplier_code: str, on: Optional[date] = None,
                    assessment_id: Optional[int] = None) -> FocusAreas:
    """focus_areas for a supplier given by its code (the assessment editor knows codes)."""
    with db.reading() as s:
        supplier_id = s.scalar(select(Supplier.id).where(Supplier.code == (supplier_code or "").strip()))
    if supplier_id is None:
        raise NotFound(f"No supplier with code {supplier_code!r}.")
    return focus_areas(db, supplier_id, on, assessment_id)
