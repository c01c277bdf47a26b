"""Worker complaints in figures: the report by provision, outcome and age, the publishable list, the dashboard tile.

Nothing here returns a complainant's name or contact: the figures are counts and days, and the publishable list
carries who filed (a worker, a union, anonymous), never who it was.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

from sqlalchemy import select

from csrdesk.domain.complaints import AGE_BANDS, ComplaintStatus, Outcome, RetaliationRisk, age_band, filed_by, time_figures
from csrdesk.errors import UserError
from csrdesk.services.library import category_titles
from csrdesk.storage.db import Database
from csrdesk.storage.models import Complaint, Supplier


@dataclass(frozen=True)
class ComplaintReport:
    """The complaints report of a period: counts by provision, outcome, supplier and age, and time to act."""

    date_from: Optional[date]
    date_to: Optional[date]
    complaints: int
    open: int
    by_provision: dict[str, int]
    by_outcome: dict[str, int]
    by_supplier: dict[str, int]
    by_channel: dict[str, int]
    by_retaliation_risk: dict[str, int]
    open_by_age: dict[str, int]
    median_days_to_acknowledge: Optional[float]
    p90_days_to_acknowledge: Optional[float]
    median_days_to_resolve: Optional[float]
    p90_days_to_resolve: Optional[float]
    provision_titles: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("provision_titles")
        out["from"] = out.pop("date_from")
        out["to"] = out.pop("date_to")
        return out


@dataclass(frozen=True)
class PublicRow:
    """One line of the publishable list: never a name, a contact or an internal note."""

    complaint_id: int
    reference: str
    factory: str
    received: date
    status: str
    filed_by: str
    summary: str
    outcome: str


@dataclass(frozen=True)
class ComplaintsTile:
    """The dashboard's complaints tile: open complaints, the high-risk ones, those waiting too long."""

    open: int
    high_risk_open: int
    unacknowledged_over_7_days: int
    oldest_open_days: Optional[int]
    retaliation_found_open: int


def _check_range(date_from: Optional[date], date_to: Optional[date]) -> None:
    if date_from and date_to and date_from > date_to:
        raise UserError(f"The report starts ({date_from.isoformat()}) after it ends ({date_to.isoformat()}).")


def complaints_report(db: Database, date_from: Optional[date] = None, date_to: Optional[date] = None,
                      today: Optional[date] = None) -> ComplaintReport:
    """Counts by provision, outcome, supplier, channel and risk, open complaints by age, and the days taken to
    acknowledge and to resolve, for complaints received in the period. No identities."""
    today = today or date.today()
    _check_range(date_from, date_to)
    q = (select(Complaint.received_date, Complaint.acknowledged_date, Complaint.resolved_date, Complaint.provision,
                Complaint.outcome, Supplier.code, Complaint.factory_name, Complaint.channel,
                Complaint.retaliation_risk, Complaint.status)
         .outerjoin(Supplier, Supplier.id == Complaint.supplier_id))
    if date_from:
        q = q.where(Complaint.received_date >= date_from)
    if date_to:
        q = q.where(Complaint.received_date <= date_to)
    with db.reading() as s:
        rows = s.connection().execute(q).all()
        titles = category_titles(s)
    by_provision, by_outcome, by_supplier, by_channel, by_risk, by_age = (Counter() for _ in range(6))
    open_count = 0
    for received, _ack, _res, provision, outcome, code, factory, channel, risk, status in rows:
        by_provision[provision] += 1
        by_outcome[outcome or "pending"] += 1
        by_supplier[code or factory or "(not named)"] += 1
        by_channel[channel] += 1
        by_risk[risk] += 1
        if status != ComplaintStatus.CLOSED.value:
            open_count += 1
            by_age[age_band((today - received).days)] += 1
    figures = time_figures((r[0], r[1], r[2]) for r in rows)

    def ordered(counter: Counter) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    return ComplaintReport(
        date_from=date_from, date_to=date_to, complaints=len(rows), open=open_count,
        by_provision=ordered(by_provision), by_outcome=ordered(by_outcome), by_supplier=ordered(by_supplier),
        by_channel=ordered(by_channel),
        by_retaliation_risk={r.value: by_risk.get(r.value, 0) for r in RetaliationRisk},
        open_by_age={label: by_age.get(label, 0) for _limit, label in AGE_BANDS},
        median_days_to_acknowledge=figures.median_days_to_acknowledge,
        p90_days_to_acknowledge=figures.p90_days_to_acknowledge,
        median_days_to_resolve=figures.median_days_to_resolve, p90_days_to_resolve=figures.p90_days_to_resolve,
        provision_titles=titles,
    )


def write_report(db: Database, path: Path, date_from: Optional[date] = None, date_to: Optional[date] = None,
                 today: Optional[date] = None) -> Path:
    """The report as an Excel workbook (figures and counts; no identities, no summaries)."""
    from csrdesk.exchange.complaints_report import write_report_xlsx

    today = today or date.today()
    report = complaints_report(db, date_from, date_to, today)
    return write_report_xlsx(Path(path), report, today)


def publishable_list(db: Database, date_from: Optional[date] = None, date_to: Optional[date] = None) -> list[PublicRow]:
    """The public overview (factory, date, status, filed by, summary, outcome), for the user to review before it
    leaves: no names, contacts, notes or remedies."""
    _check_range(date_from, date_to)
    q = (select(Complaint.id, Complaint.reference, Supplier.name, Complaint.factory_name, Complaint.received_date,
                Complaint.status, Complaint.channel, Complaint.anonymous, Complaint.description, Complaint.outcome)
         .outerjoin(Supplier, Supplier.id == Complaint.supplier_id)
         .order_by(Complaint.received_date, Complaint.id))
    if date_from:
        q = q.where(Complaint.received_date >= date_from)
    if date_to:
        q = q.where(Complaint.received_date <= date_to)
    with db.reading() as s:
        rows = s.execute(q).all()
    out = []
    for cid, ref, sname, factory, received, status, channel, anonymous, summary, outcome in rows:
        public_status = {"received": "Open: received", "acknowledged": "Open: under investigation",
                         "investigating": "Open: under investigation", "resolved": "Resolved",
                         "closed": "Closed"}.get(status, status)
        out.append(PublicRow(cid, ref, sname or factory, received, public_status, filed_by(channel, anonymous),
                             summary, Outcome(outcome).label if outcome else ""))
    return out


def write_publishable_list(rows: Sequence[PublicRow], path: Path, today: Optional[date] = None) -> Path:
    """Writes the reviewed list (the rows as the user left them) to an Excel file."""
    from csrdesk.exchange.complaints_report import write_public_list_xlsx

    if not rows:
        raise UserError("The publishable list is empty: nothing to write.")
    return write_public_list_xlsx(Path(path), [
        (r.reference, r.factory, r.received, r.status, r.filed_by, r.summary, r.outcome) for r in rows
    ], today or date.today())


def complaints_tile(db: Database, today: Optional[date] = None) -> ComplaintsTile:
    """The dashboard's figures: open complaints, high risk, unacknowledged after a week, the oldest open."""
    today = today or date.today()
    with db.reading() as s:
        rows = s.execute(select(Complaint.received_date, Complaint.acknowledged_date, Complaint.retaliation_risk,
                                Complaint.retaliation_found_date)
                         .where(Complaint.status != ComplaintStatus.CLOSED.value)).all()
    oldest = min((r[0] for r in rows), default=None)
    return ComplaintsTile(
        open=len(rows), high_risk_open=sum(1 for r in rows if r[2] == RetaliationRisk.HIGH.value),
        unacknowledged_over_7_days=sum(1 for r in rows if r[1] is None and (today - r[0]).days > 7),
        oldest_open_days=(today - oldest).days if oldest else None,
        retaliation_found_open=sum(1 for r in rows if r[3] is not None),
    )
