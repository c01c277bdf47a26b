"""The demo's plan: places, people, the library as the generator draws from it, and which supplier plays which part.

Kept apart from the generator (services/demo.py) so each reads as one thing: what the demo world is made of here,
how it unfolds over three years there. The tables themselves are data in resources/demo/*.json.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock
from typing import Any, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csrdesk.domain.laws import LawEntry
from csrdesk.domain.lifecycle import CapStatus
from csrdesk.domain.scoring import ScoringMatrix, Severity
from csrdesk.domain.vetting import TemplateError, parse_template
from csrdesk.errors import UserError
from csrdesk.services import demo_data
from csrdesk.services.laws import to_entry
from csrdesk.services.ratings import load_matrix
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, Certification, ChecklistTemplate, Contact, Finding, FindingCategory, LawReference,
    Supplier, VerificationResult, VerificationVisit, VettingAnswer, VettingCondition, VettingScreen, ViolationType,
)

# -- places, names and people (the tables themselves are data: resources/demo/*.json) ---------------------------

@dataclass(frozen=True)
class City:
    """A city the demo places factories in, with its local name, region and position."""

    name: str
    local: str
    region: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Country:
    """A sourcing country of the demo: its cities, brands, products and how its names and addresses look."""

    code: str
    name: str
    weight: float
    language: str  # the factory's language (contact preference, letters)
    dial: str
    cities: tuple[City, ...]
    brands: tuple[tuple[str, str], ...]  # (English, local)
    products: tuple[tuple[str, str, str], ...]  # (English, local, sector)
    english: str  # pattern with {brand} {product} {city}
    local: str
    street: str  # pattern with {no} and {city} {region}
    people: str  # key into PEOPLE


_PLACES_DATA = demo_data.load("places")
COUNTRIES: tuple[Country, ...] = tuple(
    Country(**{**c, "cities": tuple(City(**city) for city in c["cities"])}) for c in _PLACES_DATA["countries"])
CN_PROVINCES: dict[str, str] = _PLACES_DATA["cn_provinces"]
OTHER_BRANDS: tuple[str, ...] = _PLACES_DATA["other_brands"]
AUDIT_FIRMS: tuple[str, ...] = _PLACES_DATA["audit_firms"]
STANDARDS: tuple[str, ...] = _PLACES_DATA["standards"]

_PEOPLE_DATA = demo_data.load("people")
# (family names, given names, family name first). Chinese names carry their characters.
PEOPLE: dict[str, tuple[tuple[Any, ...], tuple[Any, ...], bool]] = {
    language: (n["family"], n["given"], n["family_first"]) for language, n in _PEOPLE_DATA["names"].items()}
SOURCING_OWNERS: tuple[tuple[str, str], ...] = _PEOPLE_DATA["sourcing_owners"]
# Who at the brand looks after which sourcing region.
OWNER_BY_COUNTRY: dict[str, tuple[int, int]] = _PEOPLE_DATA["owner_by_country"]
STAFF_ROLES: tuple[str, ...] = _PEOPLE_DATA["staff_roles"]
LEADER_ROLE_BY_CATEGORY: dict[str, str] = _PEOPLE_DATA["leader_role_by_category"]

_FINDINGS_DATA = demo_data.load("findings")
PLACES: dict[str, tuple[str, ...]] = _FINDINGS_DATA["places"]
PLACE_KIND: dict[str, str] = _FINDINGS_DATA["place_kind"]
EVIDENCE: dict[str, str] = _FINDINGS_DATA["evidence"]
REVIEW_COMMENTS: tuple[str, ...] = _FINDINGS_DATA["review_comments"]
DENIED_NOTES: tuple[str, ...] = _FINDINGS_DATA["denied_notes"]

# Share of each CAP status among the latest CAPs of established suppliers, and the age (days) of the assessment.
STAGE_SHARES = (
    (CapStatus.DRAFT, 0.06), (CapStatus.SENT, 0.12), (CapStatus.RESPONSE_RECEIVED, 0.10),
    (CapStatus.UNDER_REVIEW, 0.09), (CapStatus.APPROVED, 0.07), (CapStatus.IN_REMEDIATION, 0.40),
    (CapStatus.CLOSED, 0.16),
)
STAGE_AGE = {
    CapStatus.DRAFT: (2, 12), CapStatus.SENT: (8, 45), CapStatus.RESPONSE_RECEIVED: (20, 55),
    CapStatus.UNDER_REVIEW: (25, 65), CapStatus.APPROVED: (35, 80), CapStatus.IN_REMEDIATION: (60, 330),
    CapStatus.CLOSED: (120, 360),
}
STAGE_ORDER = {s: i for i, s in enumerate(CapStatus)}
# Supplier roles beyond the ordinary active factory; each appears at least once from 20 suppliers on.
ROLE_SHARES = (
    ("vetting", 0.05), ("approved", 0.04), ("conditionally approved", 0.03), ("prospect", 0.02),
    ("exiting", 0.03), ("exited", 0.02), ("severe", 0.05), ("denied", 0.04),
)
NEW_ROLES = ("vetting", "approved", "conditionally approved", "prospect")
# Findings per full assessment as a share of findings_per_assessment, and the severity mix, by the factory's state.
CONDITIONS = {
    "good": ((0.0, 0.3), ((Severity.MINOR, 0.9), (Severity.MAJOR, 0.1))),
    "fair": ((0.8, 1.2), ((Severity.MINOR, 0.9), (Severity.MAJOR, 0.095), (Severity.CRITICAL, 0.005))),
    "poor": ((1.0, 1.4), ((Severity.MINOR, 0.48), (Severity.MAJOR, 0.44), (Severity.CRITICAL, 0.08))),
}
PROFILE_CONDITIONS = {
    "good": (("good", 0.75), ("fair", 0.25)),
    "fair": (("good", 0.2), ("fair", 0.55), ("poor", 0.25)),
    "poor": (("fair", 0.3), ("poor", 0.7)),
}
RECOGNISED = (("WRAP", 1), ("SA8000", 3), ("amfori BSCI", 1), ("ICTI", 1))
OTHER_CERTS = (("SLCP", 1), ("ISO 14001", 3), ("Higg FEM", 1), ("OEKO-TEX Standard 100", 1), ("GOTS", 1))

_ASCII = str.maketrans({"ı": "i", "İ": "I", "đ": "d", "Đ": "D"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass(frozen=True)
class Person:
    """A demo contact person: a name and the start of an e-mail address."""

    name: str
    email_local: str


def make_person(rng: random.Random, language: str) -> Person:
    families, givens, family_first = PEOPLE[language]
    family, given = rng.choice(families), rng.choice(givens)
    if language == "zh":
        name = f"{family[0]} {given[0]} ({family[1]}{given[1]})"
        return Person(name, f"{slug(given[0])}.{slug(family[0])}")
    name = f"{family} {given}" if family_first else f"{given} {family}"
    return Person(name, f"{slug(given.split()[-1] if family_first else given.split()[0])}.{slug(family)}")


def phone(rng: random.Random, dial: str) -> str:
    return f"+{dial} {rng.randint(20, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


# -- the library as the generator needs it ------------------------------------------------------------------------

@dataclass(frozen=True)
class LibType:
    """A finding type of the library as the demo draws findings, root causes and actions from it."""

    key: str
    category: str
    title: str
    severity: Severity
    description: str
    code_requirement: str
    legal_topic: Optional[str]
    suggested_remediation: str
    days_allowed: int
    root_causes: tuple[str, ...]
    preventive_actions: tuple[str, ...]


@dataclass
class Library:
    """The finding library, laws and scoring matrix as the demo generator draws from them."""

    types: list[LibType]
    by_severity: dict[Severity, list[LibType]]
    categories: list[str]
    laws: list[LawEntry]
    matrix: ScoringMatrix


def load_library(s: Session) -> Library:
    types = [
        LibType(v.key, v.category, v.title, Severity(v.severity), v.description or "", v.code_requirement or "",
                v.legal_topic, v.suggested_remediation or "", int(v.days_allowed or 0),
                tuple(v.root_cause_examples or ()), tuple(v.preventive_action_examples or ()))
        for v in s.scalars(select(ViolationType).where(ViolationType.archived.is_(False)).order_by(ViolationType.key))
    ]
    if not types:
        raise UserError("The finding library is empty, so there is nothing to draw demo findings from.")
    by_severity: dict[Severity, list[LibType]] = {sev: [] for sev in Severity}
    for t in types:
        # Denied access is recorded on the assessment itself, not as a finding.
        if t.key != "MGT-009":
            by_severity[t.severity].append(t)
    categories = list(s.scalars(select(FindingCategory.key).order_by(FindingCategory.position, FindingCategory.id)))
    laws = [to_entry(r) for r in s.scalars(select(LawReference))]
    return Library(types, by_severity, categories or sorted({t.category for t in types}), laws, load_matrix(s))


# -- the generator ------------------------------------------------------------------------------------------------

@dataclass
class Ids:
    """The next free id of each table, so rows can reference each other before anything is written."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class SupplierPlan:
    """Which part a demo supplier plays (its role, CAP stage and profile) and where it is."""

    index: int
    code: str
    role: str
    stage: Optional[CapStatus]
    country: Country
    profile: str


@dataclass
class Rows:
    """The demo's records table by table, gathered before they are written in bulk."""

    suppliers: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    shared_brands: list[dict] = field(default_factory=list)  # other brands sharing a factory
    certifications: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    caps: list[dict] = field(default_factory=list)
    cap_items: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    visit_results: list[dict] = field(default_factory=list)
    screens: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)


def at_hour(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, clock(hour, 0))


# -- planning -----------------------------------------------------------------------------------------------------

def code_numbers(suppliers: int, seed: int) -> list[str]:
    """The numbers of the demo supplier codes (CN-10001...): the seed, then the supplier's place."""
    return [f"{abs(seed)}{i:04d}" for i in range(1, suppliers + 1)]


def spread(rng: random.Random, n: int, shares: Sequence[tuple[Any, float]], rest: Any, minimum_from: int) -> list:
    """n labels: each share of n (at least one each once n reaches minimum_from), the rest filled, shuffled."""
    labels: list[Any] = []
    for label, share in shares:
        k = round(share * n)
        if n >= minimum_from:
            k = max(k, 1)
        labels.extend([label] * k)
    labels = labels[:n]
    labels.extend([rest] * (n - len(labels)))
    rng.shuffle(labels)
    return labels


def plan_suppliers(rng: random.Random, suppliers: int, seed: int) -> list[SupplierPlan]:
    roles = spread(rng, suppliers, ROLE_SHARES, "active", 20)
    established = [i for i, r in enumerate(roles) if r in ("active", "severe", "denied", "exiting")]
    stage_list = spread(rng, len(established), STAGE_SHARES[:-2], CapStatus.IN_REMEDIATION, 10)
    # Closed CAPs take their share from the remediation pool once the minimum of each status is in place.
    for k, stage in enumerate(stage_list):
        if stage is CapStatus.IN_REMEDIATION and rng.random() < 0.16 / 0.56:
            stage_list[k] = CapStatus.CLOSED
    if len(established) >= 10 and CapStatus.CLOSED not in stage_list:
        stage_list[stage_list.index(CapStatus.IN_REMEDIATION)] = CapStatus.CLOSED
    stages: dict[int, CapStatus] = dict(zip(established, stage_list))
    countries = [c.weight for c in COUNTRIES]
    plans = []
    for i, (role, suffix) in enumerate(zip(roles, code_numbers(suppliers, seed))):
        country = rng.choices(COUNTRIES, weights=countries)[0]
        if role in ("severe", "exiting"):
            profile = "poor"
        elif role in NEW_ROLES:
            profile = "good" if rng.random() < 0.5 else "fair"
        else:
            profile = weighted(rng, (("good", 0.25), ("fair", 0.4), ("poor", 0.35)))
        plans.append(SupplierPlan(i, f"{country.code}-{suffix}", role, stages.get(i), country, profile))
    return plans


def next_ids(s: Session) -> Ids:
    tables = {
        "suppliers": Supplier, "contacts": Contact, "certifications": Certification, "assessments": Assessment,
        "findings": Finding, "caps": Cap, "cap_items": CapItem, "verification_visits": VerificationVisit,
        "verification_results": VerificationResult, "vetting_screens": VettingScreen,
        "vetting_answers": VettingAnswer, "vetting_conditions": VettingCondition,
    }
    return Ids({name: int(s.scalar(select(func.max(model.id))) or 0) + 1 for name, model in tables.items()})


def screening_templates(s: Session) -> list[tuple[int, Any]]:
    """The newest version of each supplier screening template in the workspace, parsed by the vetting rules."""
    newest: dict[str, ChecklistTemplate] = {}
    for t in s.scalars(select(ChecklistTemplate).where(ChecklistTemplate.kind == "supplier")
                       .order_by(ChecklistTemplate.key, ChecklistTemplate.version)):
        newest[t.key] = t
    parsed = []
    for key in sorted(newest):
        row = newest[key]
        try:
            parsed.append((row.id, parse_template(row.definition)))
        except (TemplateError, TypeError, KeyError):
            continue
    return parsed
