"""CAP dates and progress: due dates from days allowed, overdue, progress rate, repeat findings, follow-ups."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional

from csrdesk.domain.lifecycle import ItemStatus

DUE_SOON_DAYS = 14  # an open item due within this many days is "due soon" (dashboard, CAPs page)


def due_date(start: date, days_allowed: int) -> date:
    if days_allowed < 0:
        raise ValueError("days allowed cannot be negative")
    return start + timedelta(days=int(days_allowed))


def item_start(assessment_date: date, cap_issued: Optional[date], added_on: Optional[date] = None) -> date:
    """The day a CAP item's time allowed starts counting.

    A draft's items count from the assessment; once the CAP is sent, from its issue date; an item that joins a CAP
    already sent counts from the day it joins, so it is never born overdue.
    """
    if cap_issued is None:
        return assessment_date
    if added_on is not None and added_on > cap_issued:
        return added_on
    return cap_issued


def is_overdue(due: Optional[date], status: ItemStatus | str, today: date) -> bool:
    status = ItemStatus(status)
    return due is not None and status.is_open and due < today


def is_due_soon(due: Optional[date], status: ItemStatus | str, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Open, not overdue yet, and due within `days` (today included)."""
    return due is not None and ItemStatus(status).is_open and today <= due <= today + timedelta(days=days)


def due_soon_window(today: date, days: int = DUE_SOON_DAYS) -> tuple[date, date]:
    """The first and last due date that count as due soon (for a query)."""
    return today, today + timedelta(days=days)


def days_overdue(due: Optional[date], status: ItemStatus | str, today: date) -> int:
    return (today - due).days if is_overdue(due, status, today) else 0


def progress_rate(original_items: int, verified_or_closed: int) -> Optional[float]:
    """Share (0-100) of the CAP's original items verified as fixed; None when there is nothing to fix."""
    if original_items <= 0:
        return None
    return round(100.0 * min(verified_or_closed, original_items) / original_items, 1)


@dataclass(frozen=True)
class PastFinding:
    """A finding of an earlier assessment of the supplier, to tell whether a new finding repeats it."""

    assessment_date: date
    violation_type: Optional[str]
    title: str


def is_repeat(violation_type: Optional[str], title: str, assessment_date: date, earlier: Iterable[PastFinding]) -> bool:
    """A finding repeats when an earlier assessment of the same supplier had one of the same type.

    Free-text findings with no type are compared by their title, case and spacing ignored.
    """
    key = _finding_key(violation_type, title)
    return any(p.assessment_date < assessment_date and _finding_key(p.violation_type, p.title) == key for p in earlier)


def _finding_key(violation_type: Optional[str], title: str) -> str:
    if violation_type:
        return "type:" + violation_type
    return "title:" + " ".join((title or "").lower().split())
