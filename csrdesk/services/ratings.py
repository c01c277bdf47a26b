"""Scoring and rating in the database: the user's scoring matrix, an assessment's score and rating kept in step with
its findings (every change of rating recorded), re-rating when the matrix changes, and each supplier's standing
(current rating, follow-up owed, production block) by the rules of domain.ratings with the user's settings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain.ratings import (
    DEFAULT_FOLLOW_UP_DAYS, AssessmentFacts, CurrentRating, FollowUp, ProductionBlock, current_rating, follow_up,
    production_block,
)
from csrdesk.domain.scoring import (
    DEFAULT_POINTS, Certification as CertFact, ScoredFinding, ScoringMatrix, Severity, rate_assessment,
)
from csrdesk.services.history import record_change
from csrdesk.storage.models import Assessment, Cap, Certification, ScoringPoints, Setting


def load_matrix(s: Session) -> ScoringMatrix:
    defaults = dict(DEFAULT_POINTS)
    overrides: dict[str, dict[Severity, int]] = {}
    for row in s.scalars(select(ScoringPoints)):
        severity = Severity(row.severity)
        if row.violation_type is None:
            defaults[severity] = row.points
        else:
            overrides.setdefault(row.violation_type, {})[severity] = row.points
    return ScoringMatrix(default_points=defaults, overrides=overrides)


@dataclass(frozen=True)
class RerateImpact:
    """How a change of the scoring matrix would change one assessment's score and rating."""

    assessment_id: int
    supplier_code: str
    supplier_name: str
    date: str
    old_score: int
    new_score: int
    old_rating: str
    new_rating: str


def rate(s: Session, assessment: Assessment, matrix: Optional[ScoringMatrix] = None):
    """The rating of an assessment as it stands in the session (not saved): its score's band, or Denied."""
    scored = [
        ScoredFinding(f.title, Severity(f.severity), f.points, f.id, f.repeat) for f in assessment.findings
    ]
    return rate_assessment(scored, denied=assessment.denied)


def apply_rating(s: Session, assessment: Assessment, source: str) -> None:
    result = rate(s, assessment)
    if assessment.id is not None and (assessment.rating != result.rating.value or assessment.score != result.score):
        record_change(s, "assessment", assessment.id, "rating", f"{assessment.rating} ({assessment.score})",
                      f"{result.rating.value} ({result.score})", supplier_id=assessment.supplier_id, source=source)
    assessment.score = result.score
    assessment.rating = result.rating.value


def rescore_with_matrix(s: Session, matrix: ScoringMatrix, *, open_only: bool, apply: bool):
    """Recomputes matrix points (not typed overrides) of assessments, returning those whose score would change."""
    q = select(Assessment).options(selectinload(Assessment.findings), selectinload(Assessment.supplier))
    if open_only:
        q = q.join(Cap, Cap.assessment_id == Assessment.id).where(Cap.status != "closed")
    impacts = []
    for a in s.scalars(q):
        new_points = {
            f.id: (f.points if f.points_overridden else matrix.points(Severity(f.severity), f.violation_type))
            for f in a.findings
        }
        scored = [ScoredFinding(f.title, Severity(f.severity), new_points[f.id]) for f in a.findings]
        result = rate_assessment(scored, denied=a.denied)
        if result.score != a.score or result.rating.value != a.rating:
            impacts.append(RerateImpact(a.id, a.supplier.code, a.supplier.name, a.date.isoformat(), a.score,
                                        result.score, a.rating, result.rating.value))
        if apply:
            for f in a.findings:
                f.points = new_points[f.id]
            apply_rating(s, a, "scoring matrix")
    return impacts


# -- a supplier's standing ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """A supplier's current rating and why, the follow-up it owes, and whether production is allowed."""

    current: CurrentRating
    follow_up: FollowUp
    block: Optional[ProductionBlock]

    @property
    def rating(self) -> Optional[str]:
        return self.current.value

    @property
    def production_allowed(self) -> bool:
        return self.block is None

    @property
    def production_block_reason(self) -> Optional[str]:
        return self.block.reason if self.block else None


NOT_ASSESSED = Standing(current_rating([], [], date.min), FollowUp(), None)


def follow_up_days(s: Session) -> int:
    """The user's setting for the follow-up assessment owed after Unsatisfactory (Settings; 90 days by default)."""
    row = s.get(Setting, "preferences")
    value = (row.value or {}).get("follow_up_days") if row else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_FOLLOW_UP_DAYS


def standing_of(facts: Iterable[AssessmentFacts], certificates: Iterable[CertFact], today: date,
                days: int) -> Standing:
    facts = list(facts)
    owed = follow_up(facts, days)
    return Standing(current_rating(facts, list(certificates), today, days, owed), owed, production_block(facts))


def standings(s: Session, today: date, supplier_ids: Optional[Iterable[int]] = None) -> dict[int, Standing]:
    """Every supplier's standing (or those given), from two narrow queries."""
    days = follow_up_days(s)
    assessment_q = select(Assessment.supplier_id, Assessment.id, Assessment.date, Assessment.assessment_type,
                          Assessment.rating, Assessment.score)
    cert_q = select(Certification.supplier_id, Certification.scheme, Certification.expires, Certification.issued)
    wanted = list(supplier_ids) if supplier_ids is not None else None
    if wanted is not None:
        assessment_q = assessment_q.where(Assessment.supplier_id.in_(wanted or [-1]))
        cert_q = cert_q.where(Certification.supplier_id.in_(wanted or [-1]))
    facts: dict[int, list[AssessmentFacts]] = {}
    for sid, aid, day, kind, rating, score in s.execute(assessment_q):
        facts.setdefault(sid, []).append(AssessmentFacts(aid, day, kind, rating, score))
    certs: dict[int, list[CertFact]] = {}
    for sid, scheme, expires, issued in s.execute(cert_q):
        certs.setdefault(sid, []).append(CertFact(scheme, expires, issued))
    ids = wanted if wanted is not None else set(facts) | set(certs)
    return {sid: standing_of(facts.get(sid, ()), certs.get(sid, ()), today, days) for sid in ids}


def standing(s: Session, supplier_id: int, today: date) -> Standing:
    return standings(s, today, [supplier_id]).get(supplier_id, NOT_ASSESSED)
