"""A supplier's standing: its current rating (assessment or certificate), the follow-up it owes, and whether
production is allowed. The fixed rules of DOMAIN.md ("Scoring and rating"), each written once here.

- An assessment's rating is its score band (or Denied); nothing lifts it (see scoring.rate_assessment).
- A valid recognised certificate stands in for an assessment, never over one: it rates the supplier Satisfactory
  only when no assessment of the brand's own is dated after the certificate's issue date, no follow-up is owed,
  and the latest assessment does not block production. A lapsed certificate leaves the latest assessment.
- Unsatisfactory owes a follow-up assessment, due `follow_up_days` after it; only a later follow-up, periodic or
  unannounced assessment meets it (a pre-production assessment or a verification visit does not).
- Zero Tolerance and Denied block production until a later assessment rates the supplier better.
- Verification visits check CAP items; they are no assessment of the factory, so they neither decide the current
  rating nor meet a follow-up.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Optional, Sequence

from csrdesk.domain.scoring import Certification, Rating, normalise_scheme

DEFAULT_FOLLOW_UP_DAYS = 90

PRE_PRODUCTION = "pre-production"
PERIODIC = "periodic"
FOLLOW_UP = "follow-up"
VERIFICATION_VISIT = "verification visit"
UNANNOUNCED = "unannounced"
ASSESSMENT_TYPES = (PRE_PRODUCTION, PERIODIC, FOLLOW_UP, VERIFICATION_VISIT, UNANNOUNCED)
# The assessments that meet a follow-up owed after Unsatisfactory.
MEETS_FOLLOW_UP = frozenset({FOLLOW_UP, PERIODIC, UNANNOUNCED})
# The assessments that rate the factory (a verification visit checks CAP items instead).
RATES_FACTORY = frozenset({PRE_PRODUCTION, PERIODIC, FOLLOW_UP, UNANNOUNCED})


@dataclass(frozen=True)
class AssessmentFacts:
    """What the rules need of one assessment."""

    assessment_id: int
    date: date
    type: str
    rating: Optional[str]  # a Rating value
    score: Optional[int] = None

    @property
    def rates_factory(self) -> bool:
        return self.type in RATES_FACTORY and self.rating is not None


@dataclass(frozen=True)
class FollowUp:
    """The follow-up assessment owed after the latest Unsatisfactory, and what met it."""

    owed_since: Optional[AssessmentFacts] = None  # the Unsatisfactory assessment that asks for it
    due: Optional[date] = None  # None when nothing is owed (never owed, or met)
    met_by: Optional[int] = None  # id of the assessment that met the latest one owed

    @property
    def owed(self) -> bool:
        return self.due is not None

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


def follow_up(assessments: Iterable[AssessmentFacts], days: int = DEFAULT_FOLLOW_UP_DAYS) -> FollowUp:
    """The follow-up a supplier owes: due `days` after its latest Unsatisfactory assessment, until a later follow-up,
    periodic or unannounced assessment meets it."""
    if days < 0:
        raise ValueError("follow-up days cannot be negative")
    state = FollowUp()
    for a in sorted(assessments, key=lambda a: (a.date, a.assessment_id)):
        if not a.rates_factory:
            continue
        if state.owed and a.type in MEETS_FOLLOW_UP:
            state = FollowUp(met_by=a.assessment_id)
        if a.rating == Rating.UNSATISFACTORY.value:
            state = FollowUp(owed_since=a, due=a.date + timedelta(days=int(days)))
    return state


@dataclass(frozen=True)
class CurrentRating:
    """The rating a supplier holds today, and why."""

    rating: Optional[Rating]  # None: not assessed (and no valid certificate)
    reason: str
    assessment: Optional[AssessmentFacts] = None  # the assessment that decides it, if one does
    certificate: Optional[Certification] = None  # the certificate that stands in, if one does

    @property
    def by_certification(self) -> bool:
        return self.certificate is not None

    @property
    def value(self) -> Optional[str]:
        return self.rating.value if self.rating is not None else None


def latest_rating_assessment(assessments: Iterable[AssessmentFacts]) -> Optional[AssessmentFacts]:
    """The newest assessment that rates the factory (verification visits left out)."""
    rated = [a for a in assessments if a.rates_factory]
    return max(rated, key=lambda a: (a.date, a.assessment_id)) if rated else None


def _describe(a: AssessmentFacts) -> str:
    score = f", score {a.score}" if a.score is not None and a.rating != Rating.DENIED.value else ""
    return f"the {a.type} assessment of {a.date.isoformat()} is rated {a.rating}{score}"


def current_rating(assessments: Sequence[AssessmentFacts], certifications: Iterable[Certification], today: date,
                   follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS, owed: Optional[FollowUp] = None) -> CurrentRating:
    """The supplier's current rating: its latest assessment's, or Satisfactory by a valid certificate that stands in
    for an assessment (never over a newer one, an owed follow-up, or a production block). `owed`: the supplier's
    follow_up(assessments, follow_up_days) when the caller has it already (the dashboard rates 600 suppliers)."""
    latest = latest_rating_assessment(assessments)
    if owed is None:
        owed = follow_up(assessments, follow_up_days)
    valid = [c for c in certifications if c.is_recognised() and _valid_today(c, today)]
    # The certificate that stands longest; at equal expiry the newest.
    valid.sort(key=lambda c: (c.expires or date.max, c.issued or date.min), reverse=True)
    for cert in valid:
        if latest is not None:
            if Rating(latest.rating).blocks_production or owed.owed:
                break  # a certificate never clears a production block or an owed follow-up
            if cert.issued is None or latest.date > cert.issued:
                continue  # a brand assessment after the certificate decides (or we cannot tell it is older)
        until = f", valid until {cert.expires.isoformat()}" if cert.expires else ""
        issued = f" (issued {cert.issued.isoformat()})" if cert.issued else ""
        over = (f"; it is newer than {_describe(latest)}" if latest is not None else "; no assessment of our own yet")
        return CurrentRating(
            Rating.SATISFACTORY,
            f"Satisfactory by certification: holds a valid {normalise_scheme(cert.scheme)} certificate{issued}{until}"
            f"{over}.",
            assessment=latest, certificate=cert)
    undated = sorted({normalise_scheme(c.scheme) for c in certifications if c.is_recognised() and c.expires is None})
    if len(undated) > 1:
        note = (f" The {' and '.join(undated)} certificates have no expiry date, so they cannot stand in for an "
                "assessment: enter their expiry dates.")
    elif undated:
        note = (f" The {undated[0]} certificate has no expiry date, so it cannot stand in for an assessment: enter "
                "its expiry date.")
    else:
        note = ""
    if valid:
        note = ""  # a dated certificate decides; the undated one is not the reason for anything
    if latest is None:
        return CurrentRating(None, "Not assessed yet: no assessment and no valid recognised certificate." + note)
    reason = _describe(latest)
    reason = reason[0].upper() + reason[1:] + "." + note
    if valid and latest is not None:
        cert = valid[0]
        if Rating(latest.rating).blocks_production:
            reason += (f" The {normalise_scheme(cert.scheme)} certificate does not lift a rating that blocks "
                       "production.")
        elif owed.owed:
            reason += (f" The {normalise_scheme(cert.scheme)} certificate does not clear the follow-up assessment "
                       f"owed by {owed.due.isoformat()}.")
        else:
            reason += (f" It is newer than the {normalise_scheme(cert.scheme)} certificate, so it decides the "
                       "rating.")
    return CurrentRating(Rating(latest.rating), reason, assessment=latest)


def _valid_today(cert: Certification, today: date) -> bool:
    """Valid on `today`: issued (if the date is known) and not expired; a certificate expiring today still holds."""
    return cert.is_valid_on(today)


@dataclass(frozen=True)
class ProductionBlock:
    """Production not allowed: the latest assessment is Zero Tolerance or Denied (until a later one rates better)."""

    assessment: AssessmentFacts
    reason: str


def production_block(assessments: Iterable[AssessmentFacts]) -> Optional[ProductionBlock]:
    """The block on production, if the latest assessment that rates the factory is Zero Tolerance or Denied."""
    latest = latest_rating_assessment(assessments)
    if latest is None or not Rating(latest.rating).blocks_production:
        return None
    if latest.rating == Rating.DENIED.value:
        why = f"the auditor was denied access at the {latest.type} assessment of {latest.date.isoformat()}"
    else:
        why = _describe(latest)
    return ProductionBlock(latest, f"Production not allowed: {why}; a later assessment must rate it better.")


def follow_up_due_after(a: AssessmentFacts, days: int = DEFAULT_FOLLOW_UP_DAYS) -> Optional[date]:
    """The follow-up an assessment asks for on its own (Unsatisfactory: due `days` after it), met or not."""
    return follow_up([a], days).due


# Access refused is the assessment's Denied flag, never a finding (one fact, one rating).
_DENIED_ACCESS_WORDS = (
    "denied access", "access denied", "refused access", "access refused", "denied entry", "refused entry",
    "auditor denied", "auditor refused", "audit refused", "audit denied",
    "拒绝审核", "拒绝审计", "拒绝进入", "拒绝访问", "拒绝验厂", "不允许审核", "不允许进入",
)
DENIED_ACCESS_TYPES = frozenset({"MGT-009"})  # the library's former "Auditor denied access" type


def is_denied_access(title: str, violation_type: Optional[str] = None) -> bool:
    """A finding that only says the auditor was refused access (it is recorded as the Denied flag instead)."""
    if violation_type and violation_type in DENIED_ACCESS_TYPES:
        return True
    text = " ".join(str(title or "").lower().split())
    return any(word in text for word in _DENIED_ACCESS_WORDS)


PRODUCTION_STATUSES = frozenset({"approved", "conditionally approved", "active"})


def should_propose_suspension(status: str, block: Optional[ProductionBlock]) -> bool:
    """A supplier in production (approved or active) whose production is blocked: the app proposes suspension."""
    return block is not None and status in PRODUCTION_STATUSES
