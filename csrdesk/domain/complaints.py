"""Worker complaints: channels, outcomes, retaliation risk, the rules of each step, and time-to-act figures."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Iterable, Optional, Sequence


def _key(text: str) -> str:
    """Typed words as a key: 'Partly substantiated', 'partly-substantiated' -> 'partly_substantiated'."""
    return "_".join(str(text or "").strip().lower().replace("-", " ").replace("_", " ").split())


class _Parsed(str, Enum):
    """An enumeration whose values are keys, parsed from the words users type."""

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {}

    @classmethod
    def parse(cls, text: str):
        key = _key(text)
        key = cls._aliases().get(key, key)
        try:
            return cls(key)
        except ValueError:
            what = cls.__doc__.split(":")[0].strip().lower() if cls.__doc__ else cls.__name__
            raise ValueError(f"Unknown {what} {text!r}: use one of {', '.join(m.value for m in cls)}.") from None

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Channel(_Parsed):
    """Channel: how the complaint reached the brand."""

    HOTLINE = "hotline"
    WORKER_ORGANISATION = "worker_organisation"
    UNION = "union"
    EMAIL = "email"
    IN_PERSON = "in_person"
    OTHER = "other"

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"worker_organization": "worker_organisation", "ngo": "worker_organisation", "e_mail": "email",
                "mail": "email", "phone": "hotline", "telephone": "hotline", "trade_union": "union",
                "inperson": "in_person", "visit": "in_person"}

    @property
    def label(self) -> str:
        return {"email": "E-mail"}.get(self.value, super().label)


class Outcome(_Parsed):
    """Outcome: what the investigation found."""

    SUBSTANTIATED = "substantiated"
    PARTLY_SUBSTANTIATED = "partly_substantiated"
    NOT_SUBSTANTIATED = "not_substantiated"
    WITHDRAWN = "withdrawn"
    REFERRED = "referred"

    @property
    def confirmed(self) -> bool:
        """A confirmed complaint owes a remedy, a compliance check and can become a CAP item."""
        return self in (Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED)


class RetaliationRisk(_Parsed):
    """Retaliation risk: how likely the worker is to suffer for complaining."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class FactoryDecision(_Parsed):
    """Decision: whether and how the factory is told."""

    NOT_TOLD = "not_told"  # investigated without the factory knowing (records, off-site interviews)
    ISSUE_ONLY = "issue_only"  # the issue raised with the factory (e.g. at an audit), the complaint not mentioned
    TOLD = "told"  # the factory told of the complaint itself, never of who made it

    @property
    def label(self) -> str:
        return {"not_told": "Factory not told", "issue_only": "Issue raised, complaint not mentioned",
                "told": "Factory told of the complaint (not of who made it)"}[self.value]


class ComplaintStatus(str, Enum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self is not ComplaintStatus.CLOSED

    @property
    def label(self) -> str:
        return self.value.capitalize()


class StepRefused(ValueError):
    """A step the rules do not allow; the message says why and what to do."""


@dataclass(frozen=True)
class ComplaintFacts:
    """What the rules of each step look at."""

    received: date
    acknowledged: Optional[date] = None
    resolved: Optional[date] = None
    outcome: Optional[str] = None
    compliance_checked: Optional[date] = None
    closed: Optional[date] = None
    notes: int = 0
    worker_agrees_factory_told: bool = False
    supplier_known: bool = True  # False for a factory outside the program


def status_of(f: ComplaintFacts) -> ComplaintStatus:
    if f.closed is not None:
        return ComplaintStatus.CLOSED
    if f.resolved is not None:
        return ComplaintStatus.RESOLVED
    if f.acknowledged is not None and f.notes:
        return ComplaintStatus.INVESTIGATING
    if f.acknowledged is not None:
        return ComplaintStatus.ACKNOWLEDGED
    return ComplaintStatus.RECEIVED


def check_received(received: Optional[date], today: date) -> None:
    if not isinstance(received, date):
        raise StepRefused("The complaint needs the date it was received (YYYY-MM-DD).")
    if received > today:
        raise StepRefused(f"The received date {received.isoformat()} is in the future.")


def _check_date(f: ComplaintFacts, on: Optional[date], what: str, today: date, after: Optional[date] = None,
                after_what: str = "") -> None:
    if not isinstance(on, date):
        raise StepRefused(f"The {what} needs a date (YYYY-MM-DD).")
    if on < f.received:
        raise StepRefused(f"The {what} date {on.isoformat()} is before the complaint was received "
                          f"({f.received.isoformat()}).")
    if after is not None and on < after:
        raise StepRefused(f"The {what} date {on.isoformat()} is before {after_what} ({after.isoformat()}).")
    if on > today:
        raise StepRefused(f"The {what} date {on.isoformat()} is in the future.")


def _open(f: ComplaintFacts, what: str) -> None:
    if f.closed is not None:
        raise StepRefused(f"The complaint was closed on {f.closed.isoformat()}: it takes no {what}; reopen it first.")


def check_acknowledge(f: ComplaintFacts, on: Optional[date], today: date) -> None:
    _open(f, "acknowledgement")
    if f.acknowledged is not None:
        raise StepRefused(f"The complaint was already acknowledged on {f.acknowledged.isoformat()}.")
    _check_date(f, on, "acknowledgement", today)


def check_note(f: ComplaintFacts, text: str, on: Optional[date], today: date) -> None:
    _open(f, "investigation notes")
    if not (text or "").strip():
        raise StepRefused("An investigation note needs its text (what was done or found).")
    _check_date(f, on, "note", today)


def check_decision(f: ComplaintFacts, decision: FactoryDecision, on: Optional[date], today: date) -> None:
    _open(f, "decision")
    if not f.supplier_known and decision is not FactoryDecision.NOT_TOLD:
        raise StepRefused("The factory is outside the program: forward the complaint (resolve it as referred) "
                          "instead of telling the factory.")
    if decision is FactoryDecision.TOLD and not f.worker_agrees_factory_told:
        raise StepRefused("The worker has not agreed that the factory may be told of the complaint: explain the risk "
                          "to the worker and record their agreement first, or raise the issue without the complaint.")
    _check_date(f, on, "decision", today)


def check_resolve(f: ComplaintFacts, outcome: Outcome, remedy: str, on: Optional[date], today: date) -> None:
    _open(f, "resolution")
    if f.acknowledged is None:
        raise StepRefused("Acknowledge the complaint before resolving it (the worker is told it arrived first).")
    if f.resolved is not None:
        raise StepRefused(f"The complaint was already resolved on {f.resolved.isoformat()} ({f.outcome}).")
    if outcome.confirmed and not (remedy or "").strip():
        raise StepRefused(f"A {outcome.label.lower()} complaint needs its remedy: what puts the worker right.")
    _check_date(f, on, "resolution", today, f.acknowledged, "the acknowledgement")


def check_compliance(f: ComplaintFacts, on: Optional[date], today: date) -> None:
    _open(f, "compliance check")
    if f.resolved is None:
        raise StepRefused("Resolve the complaint before checking that compliance held.")
    _check_date(f, on, "compliance check", today, f.resolved, "the resolution")


def check_close(f: ComplaintFacts, on: Optional[date], today: date) -> None:
    _open(f, "closing")
    if f.resolved is None:
        raise StepRefused("Resolve the complaint (outcome and remedy) before closing it.")
    if f.outcome and Outcome(f.outcome).confirmed and f.compliance_checked is None:
        raise StepRefused("A confirmed complaint is closed only after a check that compliance held: record the "
                          "compliance check date first.")
    _check_date(f, on, "closing", today, f.compliance_checked or f.resolved,
                "the compliance check" if f.compliance_checked else "the resolution")


def check_retaliation_found(f: ComplaintFacts, on: Optional[date], today: date) -> None:
    if not f.supplier_known:
        raise StepRefused("The factory is outside the program: record it in a note and forward it.")
    _check_date(f, on, "retaliation", today)


def check_reopen(f: ComplaintFacts) -> None:
    if f.closed is None:
        raise StepRefused("The complaint is not closed.")


# -- figures --------------------------------------------------------------------------------------------------------

def median(values: Sequence[float]) -> Optional[float]:
    """The middle value (the mean of the two middle ones for an even count); None without values."""
    return percentile(values, 50)


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """The p-th percentile by linear interpolation between closest ranks (as spreadsheets' PERCENTILE.INC):
    rank = p/100 * (n - 1) in the sorted values. None without values."""
    data = sorted(values)
    if not data:
        return None
    rank = p / 100 * (len(data) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    value = data[low] + (data[high] - data[low]) * (rank - low)
    return round(value, 1)


@dataclass(frozen=True)
class TimeFigures:
    """How fast complaints were acknowledged and resolved: counts, median and 90th-percentile days."""

    acknowledged: int  # complaints with an acknowledgement date
    resolved: int
    median_days_to_acknowledge: Optional[float]
    p90_days_to_acknowledge: Optional[float]
    median_days_to_resolve: Optional[float]
    p90_days_to_resolve: Optional[float]


def time_figures(rows: Iterable[tuple[date, Optional[date], Optional[date]]]) -> TimeFigures:
    """Days from receipt to acknowledgement and to resolution, from (received, acknowledged, resolved) rows."""
    ack: list[int] = []
    res: list[int] = []
    for received, acknowledged, resolved in rows:
        if acknowledged is not None:
            ack.append((acknowledged - received).days)
        if resolved is not None:
            res.append((resolved - received).days)
    return TimeFigures(len(ack), len(res), median(ack), percentile(ack, 90), median(res), percentile(res, 90))


AGE_BANDS = ((30, "0-30 days"), (60, "31-60 days"), (90, "61-90 days"), (None, "over 90 days"))


def age_band(days: int) -> str:
    for limit, label in AGE_BANDS:
        if limit is None or days <= limit:
            return label
    return AGE_BANDS[-1][1]


def filed_by(channel: str, anonymous: bool) -> str:
    """Who filed it, as a public overview may say: never a name."""
    try:
        ch = Channel.parse(channel)
    except ValueError:
        ch = Channel.OTHER
    if ch is Channel.UNION:
        return "Union"
    if ch is Channel.WORKER_ORGANISATION:
        return "Worker organisation"
    return "Anonymous worker" if anonymous else "Worker"
