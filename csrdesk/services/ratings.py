"""Scoring and rating in the database: the user's scoring matrix, an assessment's score and rating kept in step with
its findings (every change of rating recorded), and re-rating when the matrix or a certificate changes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain.scoring import (
    DEFAULT_POINTS, Certification as CertFact, ScoredFinding, ScoringMatrix, Severity, rate_assessment,
)
from csrdesk.services.history import record_change
from csrdesk.storage.models import Assessment, Cap, ScoringPoints, Supplier


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
    assessment_id: int
    supplier_code: str
    supplier_name: str
    date: str
    old_score: int
    new_score: int
    old_rating: str
    new_rating: str


def certification_facts(supplier: Supplier) -> list[CertFact]:
    return [CertFact(c.scheme, c.expires, c.issued) for c in supplier.certifications]


def rate(s: Session, assessment: Assessment, matrix: Optional[ScoringMatrix] = None):
    """The rating of an assessment as it stands in the session (not saved)."""
    scored = [
        ScoredFinding(f.title, Severity(f.severity), f.points, f.id, f.repeat) for f in assessment.findings
    ]
    return rate_assessment(
        scored, denied=assessment.denied, certifications=certification_facts(assessment.supplier), on=assessment.date
    )


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
        result = rate_assessment(scored, denied=a.denied, certifications=certification_facts(a.supplier), on=a.date)
        if result.score != a.score or result.rating.value != a.rating:
            impacts.append(RerateImpact(a.id, a.supplier.code, a.supplier.name, a.date.isoformat(), a.score,
                                        result.score, a.rating, result.rating.value))
        if apply:
            for f in a.findings:
                f.points = new_points[f.id]
            apply_rating(s, a, "scoring matrix")
    return impacts


def rerate_supplier(s: Session, supplier: Supplier, source: str) -> None:
    """Re-rates a supplier's assessments after its certifications changed."""
    for a in supplier.assessments:
        apply_rating(s, a, source)
