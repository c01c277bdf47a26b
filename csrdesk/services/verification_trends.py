"""Verification across factories: which finding types fail verification most, how long each finding category takes
from the CAP meeting to verified, and how the factories' progress categories moved quarter by quarter."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from sqlalchemy import func, select

from csrdesk.domain.verification import PROGRESS_CATEGORIES, Verdict
from csrdesk.services.verification import DONE, category_titles
from csrdesk.storage.db import Database
from csrdesk.storage.models import Cap, CapItem, Finding, VerificationResult, VerificationVisit


@dataclass(frozen=True)
class FailingType:
    """A finding type and how often its items failed verification."""

    violation_type: str
    title: str
    checked: int
    failed: int
    failed_share: float


@dataclass(frozen=True)
class TimeToVerified:
    """How many days a finding category's items took from the CAP meeting to verified."""

    category: str
    items: int
    median_days: float
    mean_days: float


@dataclass(frozen=True)
class CategoryPeriod:
    """How many visits of one quarter ended in each progress category."""

    period: str  # e.g. 2026-Q1
    counts: dict[int, int]


@dataclass(frozen=True)
class Trends:
    """Verification across factories: types failing most, time to verified, progress categories over time."""

    failing_types: tuple[FailingType, ...]
    time_to_verified: tuple[TimeToVerified, ...]
    categories_over_time: tuple[CategoryPeriod, ...]


def verification_trends(db: Database, *, min_checked: int = 3, top: int = 20) -> Trends:
    """Which finding types fail verification most, how long items of each finding category take from the CAP meeting
    to verified, and how the factories' progress categories moved quarter by quarter."""
    with db.reading() as s:
        titles = category_titles(s)
        per_type: dict[str, list] = {}
        for vtype, title, outcome, n in s.execute(
            select(Finding.violation_type, Finding.title, VerificationResult.outcome, func.count())
            .join(CapItem, CapItem.id == VerificationResult.cap_item_id)
            .join(Finding, Finding.id == CapItem.finding_id)
            .where(VerificationResult.outcome != Verdict.NOT_CHECKED.value)
            .group_by(Finding.violation_type, Finding.title, VerificationResult.outcome)
        ):
            key = vtype or title
            entry = per_type.setdefault(key, [title, 0, 0])
            entry[1] += n
            if outcome in (Verdict.DONE_WITH_ERRORS.value, Verdict.NOT_DONE.value):
                entry[2] += n
        days: dict[str, list[int]] = defaultdict(list)
        for category, meeting, verified in s.execute(
            select(Finding.category, Cap.meeting_date, CapItem.verification_date)
            .join(CapItem, CapItem.finding_id == Finding.id).join(Cap, Cap.id == CapItem.cap_id)
            .where(Cap.meeting_date.is_not(None), CapItem.verification_date.is_not(None),
                   CapItem.verification_date >= Cap.meeting_date)
        ):
            days[category].append((verified - meeting).days)
        periods: dict[str, Counter] = defaultdict(Counter)
        for vdate, confirmed, suggested in s.execute(
            select(VerificationVisit.visit_date, VerificationVisit.progress_category,
                   VerificationVisit.suggested_category).where(VerificationVisit.status == DONE)
        ):
            chosen = confirmed or suggested
            if chosen:
                periods[f"{vdate.year}-Q{(vdate.month - 1) // 3 + 1}"][int(chosen)] += 1
    failing = sorted(
        (FailingType(k, v[0], v[1], v[2], round(100.0 * v[2] / v[1], 1)) for k, v in per_type.items()
         if v[1] >= min_checked),
        key=lambda f: (-f.failed_share, -f.checked, f.title))[:top]
    timing = sorted((TimeToVerified(titles.get(c, c), len(d), float(median(d)), round(sum(d) / len(d), 1))
                     for c, d in days.items() if d), key=lambda t: -t.median_days)
    over_time = tuple(CategoryPeriod(p, {c: periods[p].get(c, 0) for c in PROGRESS_CATEGORIES})
                      for p in sorted(periods))
    return Trends(tuple(failing), tuple(timing), over_time)
