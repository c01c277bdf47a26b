"""The finding library and the scoring matrix: loading the built-in library, browsing and editing both."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from csrdesk import paths
from csrdesk.domain.scoring import DEFAULT_POINTS, ScoringMatrix, Severity
from csrdesk.errors import NotFound, UserError
from csrdesk.services.builtin_data import load_when_changed
from csrdesk.services.ratings import RerateImpact, load_matrix, rescore_with_matrix
from csrdesk.storage.db import Database
from csrdesk.storage.models import FindingCategory, ScoringPoints, ViolationType

LIBRARY_FILE = ("library", "findings.json")
EDITABLE_FIELDS = (
    "title", "title_zh", "category", "severity", "description", "code_requirement", "legal_topic",
    "suggested_remediation", "days_allowed", "root_cause_examples", "preventive_action_examples",
    "victim_protection", "schemes",
)


@dataclass(frozen=True)
class Category:
    """A finding category of the library, with its title in both languages and the schemes' codes for it."""

    key: str
    title: str
    title_zh: str
    schemes: dict[str, Any]


@dataclass(frozen=True)
class ViolationTypeInfo:
    """A finding type of the library: severity, requirement, remediation, days allowed and examples."""

    key: str
    category: str
    title: str
    title_zh: str
    severity: str
    description: str
    code_requirement: str
    legal_topic: Optional[str]
    suggested_remediation: str
    days_allowed: int
    root_cause_examples: tuple[str, ...]
    preventive_action_examples: tuple[str, ...]
    victim_protection: bool
    schemes: dict[str, Any]
    builtin: bool
    user_modified: bool


def category_titles(s: Session) -> dict[str, str]:
    """Finding category keys and their titles ("health-safety" -> "Health and safety")."""
    return dict(s.execute(select(FindingCategory.key, FindingCategory.title)).all())


def read_builtin_library() -> dict[str, Any]:
    path = paths.resource(*LIBRARY_FILE)
    return json.loads(path.read_text(encoding="utf-8"))


def ensure_library(db: Database) -> bool:
    """Loads the built-in library on first start and after an upgrade; the user's edits are kept.

    Returns True when anything was loaded. Cheap when nothing changed (one hash compare).
    """
    raw = paths.resource(*LIBRARY_FILE).read_bytes()

    def load(s: Session) -> bool:
        _merge_library(s, json.loads(raw.decode("utf-8")))
        _ensure_default_points(s)
        return True

    return load_when_changed(db, "library_hash", hashlib.sha256(raw).hexdigest(), load)


def _merge_library(s: Session, data: dict[str, Any]) -> None:
    categories = {c.key: c for c in s.scalars(select(FindingCategory))}
    for position, c in enumerate(data["categories"]):
        row = categories.get(c["key"])
        if row is None:
            s.add(FindingCategory(key=c["key"], title=c["title"], title_zh=c.get("title_zh", ""),
                                  schemes=c.get("schemes", {}), position=position))
    existing = {v.key: v for v in s.scalars(select(ViolationType))}
    for v in data["violation_types"]:
        row = existing.get(v["key"])
        values = {name: v.get(name) for name in EDITABLE_FIELDS}
        values["title_zh"] = values["title_zh"] or ""
        values["root_cause_examples"] = list(values["root_cause_examples"] or [])
        values["preventive_action_examples"] = list(values["preventive_action_examples"] or [])
        values["schemes"] = dict(values["schemes"] or {})
        values["victim_protection"] = bool(values["victim_protection"])
        if row is None:
            s.add(ViolationType(key=v["key"], builtin=True, user_modified=False, **values))
        elif row.builtin and not row.user_modified:
            for name, value in values.items():
                setattr(row, name, value)
    # A built-in type the library no longer has is archived (findings keep it), unless the user made it theirs.
    shipped = {v["key"] for v in data["violation_types"]}
    for key, row in existing.items():
        if row.builtin and not row.user_modified and key not in shipped and not row.archived:
            row.archived = True


def _ensure_default_points(s: Session) -> None:
    have = {r.severity for r in s.scalars(select(ScoringPoints).where(ScoringPoints.violation_type.is_(None)))}
    for severity, points in DEFAULT_POINTS.items():
        if severity.value not in have:
            s.add(ScoringPoints(violation_type=None, severity=severity.value, points=points))


def _info(v: ViolationType) -> ViolationTypeInfo:
    return ViolationTypeInfo(
        key=v.key, category=v.category, title=v.title, title_zh=v.title_zh or "", severity=v.severity,
        description=v.description, code_requirement=v.code_requirement, legal_topic=v.legal_topic,
        suggested_remediation=v.suggested_remediation, days_allowed=v.days_allowed,
        root_cause_examples=tuple(v.root_cause_examples or ()),
        preventive_action_examples=tuple(v.preventive_action_examples or ()),
        victim_protection=v.victim_protection, schemes=dict(v.schemes or {}), builtin=v.builtin,
        user_modified=v.user_modified,
    )


def list_categories(db: Database) -> list[Category]:
    with db.reading() as s:
        return [
            Category(c.key, c.title, c.title_zh, dict(c.schemes or {}))
            for c in s.scalars(select(FindingCategory).order_by(FindingCategory.position, FindingCategory.id))
        ]


def list_violation_types(db: Database, include_archived: bool = False) -> list[ViolationTypeInfo]:
    with db.reading() as s:
        q = select(ViolationType).order_by(ViolationType.category, ViolationType.key)
        if not include_archived:
            q = q.where(ViolationType.archived.is_(False))
        return [_info(v) for v in s.scalars(q)]


def get_violation_type(db: Database, key: str) -> ViolationTypeInfo:
    with db.reading() as s:
        v = s.scalar(select(ViolationType).where(ViolationType.key == key))
        if v is None:
            raise NotFound(f"No violation type {key!r} in the finding library.")
        return _info(v)


def find_violation_type(s: Session, text: str) -> Optional[ViolationType]:
    """The library type a free-text finding names: by key, or by its title (case and spacing ignored)."""
    cleaned = " ".join((text or "").split()).lower()
    if not cleaned:
        return None
    by_key = s.scalar(select(ViolationType).where(ViolationType.key == text.strip().upper()))
    if by_key is not None:
        return by_key
    for v in s.scalars(select(ViolationType)):
        if " ".join(v.title.split()).lower() == cleaned:
            return v
    return None


def _validate_type_values(s: Session, values: dict[str, Any]) -> None:
    if "title" in values and not str(values["title"] or "").strip():
        raise UserError("A violation type needs a title.")
    if "severity" in values:
        try:
            values["severity"] = Severity.parse(values["severity"]).value
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if "category" in values:
        if s.scalar(select(FindingCategory).where(FindingCategory.key == values["category"])) is None:
            raise UserError(f"Unknown category {values['category']!r}.")
    if "days_allowed" in values:
        days = values["days_allowed"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 730:
            raise UserError("Days allowed must be a whole number from 0 to 730.")


def update_violation_type(db: Database, key: str, **changes: Any) -> ViolationTypeInfo:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise UserError("These fields cannot be edited: " + ", ".join(sorted(unknown)))
    with db.transaction() as s:
        v = s.scalar(select(ViolationType).where(ViolationType.key == key))
        if v is None:
            raise NotFound(f"No violation type {key!r} in the finding library.")
        _validate_type_values(s, changes)
        for name, value in changes.items():
            setattr(v, name, value)
        if v.builtin:
            v.user_modified = True
        s.flush()
        return _info(v)


def create_violation_type(db: Database, key: str, **values: Any) -> ViolationTypeInfo:
    key = (key or "").strip().upper()
    if not key:
        raise UserError("A violation type needs a key, such as HRS-101.")
    with db.transaction() as s:
        if s.scalar(select(ViolationType).where(ViolationType.key == key)) is not None:
            raise UserError(f"The key {key} is already in use.")
        values.setdefault("severity", "major")
        values.setdefault("days_allowed", 30)
        _validate_type_values(s, values)
        v = ViolationType(key=key, builtin=False, **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})
        s.add(v)
        s.flush()
        return _info(v)


def get_matrix(db: Database) -> ScoringMatrix:
    with db.reading() as s:
        return load_matrix(s)


@dataclass
class MatrixChange:
    """Points to set: severity -> points for the defaults, or (type key, severity) -> points; None removes."""

    defaults: dict[str, int] = field(default_factory=dict)
    per_type: dict[tuple[str, str], Optional[int]] = field(default_factory=dict)


def _apply_change(matrix: ScoringMatrix, change: MatrixChange) -> ScoringMatrix:
    defaults = dict(matrix.default_points)
    for sev, pts in change.defaults.items():
        defaults[Severity(sev)] = pts
    overrides = {k: dict(v) for k, v in matrix.overrides.items()}
    for (key, sev), pts in change.per_type.items():
        if pts is None:
            overrides.get(key, {}).pop(Severity(sev), None)
        else:
            overrides.setdefault(key, {})[Severity(sev)] = pts
    new = ScoringMatrix(default_points=defaults, overrides=overrides)
    try:
        new.validate()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return new


def preview_matrix_change(db: Database, change: MatrixChange, open_only: bool = True) -> list[RerateImpact]:
    """Which assessments a matrix change would re-rate, before it is saved."""
    with db.reading() as s:
        new_matrix = _apply_change(load_matrix(s), change)
        return rescore_with_matrix(s, new_matrix, open_only=open_only, apply=False)


def save_matrix_change(db: Database, change: MatrixChange, open_only: bool = True) -> list[RerateImpact]:
    """Saves a matrix change and re-rates the open assessments it touches, recording each rating change."""
    with db.transaction() as s:
        new_matrix = _apply_change(load_matrix(s), change)
        s.execute(delete(ScoringPoints))
        for sev, pts in new_matrix.default_points.items():
            s.add(ScoringPoints(violation_type=None, severity=sev.value, points=int(pts)))
        for key, per in new_matrix.overrides.items():
            for sev, pts in per.items():
                s.add(ScoringPoints(violation_type=key, severity=sev.value, points=int(pts)))
        s.flush()
        return rescore_with_matrix(s, new_matrix, open_only=open_only, apply=True)

