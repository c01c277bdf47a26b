"""The CAP scoring matrix and the factory rating, with the reasons behind every rating."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Iterable, Mapping, Optional

from csrdesk.domain.reporting import plural


class Severity(str, Enum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    ZERO_TOLERANCE = "zero tolerance"

    @classmethod
    def parse(cls, text: str) -> "Severity":
        """Reads a severity as auditors write it ('Major', 'ZT', 'zero-tolerance', 'Critical ')."""
        cleaned = " ".join(str(text or "").strip().lower().replace("-", " ").replace("_", " ").split())
        cleaned = cleaned.removesuffix("问题").strip()  # "严重问题" is how a report may put "critical"
        aliases = {
            "minor": cls.MINOR, "low": cls.MINOR, "observation": cls.MINOR,
            "major": cls.MAJOR, "medium": cls.MAJOR, "moderate": cls.MAJOR,
            "critical": cls.CRITICAL, "high": cls.CRITICAL, "serious": cls.CRITICAL,
            "zero tolerance": cls.ZERO_TOLERANCE, "zt": cls.ZERO_TOLERANCE, "zerotolerance": cls.ZERO_TOLERANCE,
            "zero": cls.ZERO_TOLERANCE,
            # As Chinese audit reports grade findings.
            "轻微": cls.MINOR, "次要": cls.MINOR, "一般": cls.MINOR, "轻度": cls.MINOR,
            "主要": cls.MAJOR, "重大": cls.MAJOR, "中等": cls.MAJOR, "中度": cls.MAJOR,
            "严重": cls.CRITICAL, "关键": cls.CRITICAL, "紧急": cls.CRITICAL,
            "零容忍": cls.ZERO_TOLERANCE,
        }
        try:
            return aliases[cleaned]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}: use minor, major, critical or zero tolerance"
            ) from None


class Rating(str, Enum):
    SATISFACTORY = "Satisfactory"
    NEEDS_IMPROVEMENT = "Needs Improvement"
    UNSATISFACTORY = "Unsatisfactory"
    ZERO_TOLERANCE = "Zero Tolerance"
    DENIED = "Denied"

    @property
    def blocks_production(self) -> bool:
        return self in (Rating.ZERO_TOLERANCE, Rating.DENIED)

    @property
    def requires_follow_up(self) -> bool:
        return self is Rating.UNSATISFACTORY

    @property
    def allows_approval(self) -> bool:
        """A pre-production assessment with this rating lets a new supplier be approved."""
        return self in (Rating.SATISFACTORY, Rating.NEEDS_IMPROVEMENT)

    @property
    def meaning(self) -> str:
        return RATING_MEANINGS[self]

    @property
    def colour(self) -> str:
        return RATING_COLOURS[self]


RATING_MEANINGS = {
    Rating.SATISFACTORY: "None or minimal violations. Production may continue; findings are corrected through the CAP.",
    Rating.NEEDS_IMPROVEMENT: (
        "Medium-risk violations. They must be corrected, verified and closed through the CAP process."
    ),
    Rating.UNSATISFACTORY: (
        "Unacceptable practices and significant risk. A follow-up assessment is required to verify all "
        "preventive actions."
    ),
    Rating.ZERO_TOLERANCE: "Extremely severe violations. The facility may not be used for production.",
    Rating.DENIED: (
        "The auditor was refused access. Treated as potential serious issues; production is not permitted."
    ),
}

RATING_COLOURS = {
    Rating.SATISFACTORY: "#2e7d32",
    Rating.NEEDS_IMPROVEMENT: "#f9a825",
    Rating.UNSATISFACTORY: "#ef6c00",
    Rating.ZERO_TOLERANCE: "#c62828",
    Rating.DENIED: "#6a1b9a",
}

DEFAULT_POINTS: Mapping[Severity, int] = {
    Severity.MINOR: 1,
    Severity.MAJOR: 8,
    Severity.CRITICAL: 30,
    Severity.ZERO_TOLERANCE: 800,
}

# Lower bound of each band; the score of a Denied assessment counts as the Zero Tolerance floor.
BANDS = (
    (800, Rating.ZERO_TOLERANCE),
    (30, Rating.UNSATISFACTORY),
    (8, Rating.NEEDS_IMPROVEMENT),
    (0, Rating.SATISFACTORY),
)
DENIED_SCORE = 800

RECOGNISED_CERTIFICATIONS = ("WRAP", "SA8000", "ICTI", "AMFORI BSCI")


def band_for(score: int) -> Rating:
    if score < 0:
        raise ValueError("a score cannot be negative")
    for floor, rating in BANDS:
        if score >= floor:
            return rating
    raise AssertionError("unreachable")


def band_range(rating: Rating) -> str:
    """The scores a rating stands for, in words: '30 to 799 points', '800 points or more'."""
    if rating is Rating.DENIED:
        return f"access denied, counted as {DENIED_SCORE} points"
    floors = [floor for floor, _r in BANDS]  # highest first
    floor = next(f for f, r in BANDS if r is rating)
    higher = [f for f in floors if f > floor]
    return f"{floor} to {min(higher) - 1} points" if higher else f"{floor} points or more"


def band_rule(rating: Rating) -> str:
    return {
        Rating.SATISFACTORY: "Satisfactory is a score of 0 to 7",
        Rating.NEEDS_IMPROVEMENT: "Needs Improvement is a score of 8 to 29",
        Rating.UNSATISFACTORY: "Unsatisfactory is a score of 30 to 799",
        Rating.ZERO_TOLERANCE: "Zero Tolerance is a score of 800 or more",
        Rating.DENIED: "Denied access counts as 800 points",
    }[rating]


@dataclass(frozen=True)
class ScoringMatrix:
    """Points per severity, with the user's overrides per violation type (type key -> severity -> points)."""

    default_points: Mapping[Severity, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    overrides: Mapping[str, Mapping[Severity, int]] = field(default_factory=dict)

    def points(self, severity: Severity, violation_type: Optional[str] = None) -> int:
        if violation_type and violation_type in self.overrides:
            per_type = self.overrides[violation_type]
            if severity in per_type:
                return int(per_type[severity])
        return int(self.default_points[severity])

    def validate(self) -> None:
        for severity, pts in self.default_points.items():
            _check_points(pts, f"default points for {severity.value}")
        for key, per_type in self.overrides.items():
            for severity, pts in per_type.items():
                _check_points(pts, f"points for {key} ({severity.value})")


def _check_points(points: int, what: str) -> None:
    if not isinstance(points, int) or isinstance(points, bool) or points < 0 or points > 100_000:
        raise ValueError(f"{what} must be a whole number from 0 to 100000, not {points!r}")


@dataclass(frozen=True)
class ScoredFinding:
    """What the rating needs of one finding."""

    title: str
    severity: Severity
    points: int
    finding_id: Optional[int] = None
    repeat: bool = False


@dataclass(frozen=True)
class Certification:
    """A supplier's certificate (scheme, issued, expires), which may stand in for an assessment while valid."""

    scheme: str
    expires: Optional[date]
    issued: Optional[date] = None

    def is_recognised(self) -> bool:
        return normalise_scheme(self.scheme) in RECOGNISED_CERTIFICATIONS

    def is_valid_on(self, day: date) -> bool:
        """Issued by `day` (when the date is known) and not expired. A certificate with no expiry date cannot be
        shown to be unexpired, so it is not valid: typed without its date, a lapsed certificate would otherwise
        rate the factory Satisfactory for ever."""
        if self.issued and self.issued > day:
            return False
        return self.expires is not None and self.expires >= day


def normalise_scheme(scheme: str) -> str:
    text = " ".join(str(scheme or "").upper().replace("-", " ").split())
    if text in ("BSCI", "AMFORI", "AMFORI BSCI"):
        return "AMFORI BSCI"
    if text in ("SA 8000",):
        return "SA8000"
    return text


@dataclass(frozen=True)
class RatingResult:
    """A factory's score and rating, with the reasons and the findings that decided it."""

    score: int
    rating: Rating
    band_rating: Rating
    reasons: tuple[str, ...]
    contributing: tuple[ScoredFinding, ...]

    @property
    def blocks_production(self) -> bool:
        return self.rating.blocks_production

    @property
    def requires_follow_up(self) -> bool:
        return self.rating.requires_follow_up


def rate_assessment(findings: Iterable[ScoredFinding], *, denied: bool = False) -> RatingResult:
    """Scores an assessment and rates it by its score's band (or Denied), explaining which findings, which points
    and which rule. Nothing lifts a scored audit: a certificate can stand in for an assessment when the supplier's
    current rating is worked out (domain.ratings), never change the rating of an audit."""
    findings = tuple(findings)
    reasons: list[str] = []
    if denied:
        score = DENIED_SCORE
        band = Rating.DENIED
        reasons.append("The auditor was refused access: denied access counts as 800 points and is rated Denied.")
        if findings:
            reasons.append(f"{plural(len(findings), 'finding')} {'was' if len(findings) == 1 else 'were'} recorded but do not change a Denied rating.")
        contributing: tuple[ScoredFinding, ...] = ()
    else:
        score = sum(f.points for f in findings)
        band = band_for(score)
        contributing = tuple(sorted(findings, key=lambda f: (-f.points, f.title)))
        if not findings:
            reasons.append("No findings: score 0.")
        else:
            by_severity: dict[Severity, list[ScoredFinding]] = {}
            for f in findings:
                by_severity.setdefault(f.severity, []).append(f)
            parts = []
            for severity in (Severity.ZERO_TOLERANCE, Severity.CRITICAL, Severity.MAJOR, Severity.MINOR):
                group = by_severity.get(severity)
                if group:
                    parts.append(f"{len(group)} {severity.value} ({sum(f.points for f in group)} points)")
            reasons.append(f"Score {score} from {plural(len(findings), 'finding')}: " + ", ".join(parts) + ".")
            top = [f for f in contributing if f.points > 0][:3]
            if top:
                reasons.append(
                    "Largest contributions: " + "; ".join(f"{f.title} ({f.severity.value}, {f.points} points)" for f in top) + "."
                )
        reasons.append(f"{band_rule(band)}, so the score {score} is rated {band.value}.")
    if band.requires_follow_up:
        reasons.append("Unsatisfactory requires a follow-up assessment to verify all preventive actions.")
    if band.blocks_production:
        reasons.append(f"{band.value} blocks production at this facility.")
    return RatingResult(score=score, rating=band, band_rating=band, reasons=tuple(reasons), contributing=contributing)
