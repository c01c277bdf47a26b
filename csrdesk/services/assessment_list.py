"""The assessment list and what the assessment editor needs around it: supplier choices and earlier findings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import func, select

from csrdesk.domain.caps import PastFinding
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.errors import NotFound
from csrdesk.services import library
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, Cap, CapItem, Finding, Supplier

OPEN_ITEM_STATUSES = tuple(s.value for s in ItemStatus if s.is_open)


@dataclass(frozen=True)
class AssessmentListRow:
    """One row of the Assessments page: an assessment with its supplier, rating, findings and CAP."""

    id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    date: date
    assessment_type: str
    audit_firm: str
    auditor: str
    standard: str
    denied: bool
    score: int
    rating: str
    findings: int
    cap_id: Optional[int]
    cap_status: Optional[str]
    open_items: int


@dataclass(frozen=True)
class SupplierChoice:
    """A supplier the assessment editor offers to choose from."""

    id: int
    code: str
    name: str
    local_name: str
    status: str

    @property
    def label(self) -> str:
        return f"{self.code} · {self.name}"


@dataclass
class AssessmentFilters:
    """What the assessment list is narrowed to; None means any."""

    supplier_id: Optional[int] = None
    rating: Optional[str] = None
    assessment_type: Optional[str] = None
    since: Optional[date] = None
    until: Optional[date] = None
    open_cap_only: bool = False


def list_assessments(db: Database, filters: Optional[AssessmentFilters] = None) -> list[AssessmentListRow]:
    """Assessments newest first, with their finding count and the state of their CAP."""
    filters = filters or AssessmentFilters()
    finding_counts = (
        select(Finding.assessment_id.label("aid"), func.count(Finding.id).label("n"))
        .group_by(Finding.assessment_id)
        .subquery()
    )
    open_counts = (
        select(CapItem.cap_id.label("cid"), func.count(CapItem.id).label("n"))
        .where(CapItem.status.in_(OPEN_ITEM_STATUSES))
        .group_by(CapItem.cap_id)
        .subquery()
    )
    q = (
        select(
            Assessment.id, Supplier.id, Supplier.code, Supplier.name, Assessment.date, Assessment.assessment_type,
            Assessment.audit_firm, Assessment.auditor, Assessment.standard, Assessment.denied, Assessment.score,
            Assessment.rating, func.coalesce(finding_counts.c.n, 0), Cap.id, Cap.status,
            func.coalesce(open_counts.c.n, 0),
        )
        .join(Supplier, Supplier.id == Assessment.supplier_id)
        .outerjoin(finding_counts, finding_counts.c.aid == Assessment.id)
        .outerjoin(Cap, Cap.assessment_id == Assessment.id)
        .outerjoin(open_counts, open_counts.c.cid == Cap.id)
    )
    if filters.supplier_id is not None:
        q = q.where(Assessment.supplier_id == filters.supplier_id)
    if filters.rating:
        q = q.where(Assessment.rating == filters.rating)
    if filters.assessment_type:
        q = q.where(Assessment.assessment_type == filters.assessment_type)
    if filters.since:
        q = q.where(Assessment.date >= filters.since)
    if filters.until:
        q = q.where(Assessment.date <= filters.until)
    if filters.open_cap_only:
        q = q.where(Cap.id.is_not(None), Cap.status != "closed")
    q = q.order_by(Assessment.date.desc(), Assessment.id.desc())
    with db.reading() as s:
        return [AssessmentListRow(*r) for r in s.execute(q)]


def supplier_choices(db: Database) -> list[SupplierChoice]:
    """Every supplier by code, for the editor's supplier box and the list filters."""
    with db.reading() as s:
        q = select(Supplier.id, Supplier.code, Supplier.name, Supplier.local_name, Supplier.status).order_by(Supplier.code)
        return [SupplierChoice(*r) for r in s.execute(q)]


def past_findings(db: Database, supplier_code: str, exclude_assessment: Optional[int] = None) -> list[PastFinding]:
    """The findings of a supplier's assessments, so the editor can mark repeats before saving."""
    with db.reading() as s:
        supplier_id = s.scalar(select(Supplier.id).where(Supplier.code == (supplier_code or "").strip()))
        if supplier_id is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
        q = (
            select(Assessment.date, Finding.violation_type, Finding.title)
            .join(Finding, Finding.assessment_id == Assessment.id)
            .where(Assessment.supplier_id == supplier_id)
        )
        if exclude_assessment is not None:
            q = q.where(Assessment.id != exclude_assessment)
        return [PastFinding(d, vt, t) for d, vt, t in s.execute(q)]


def audit_firms(db: Database) -> list[str]:
    """Audit firms and standards already used, offered as completions in the editor's header."""
    with db.reading() as s:
        return [r for (r,) in s.execute(
            select(Assessment.audit_firm).where(Assessment.audit_firm != "").group_by(Assessment.audit_firm)
            .order_by(func.count().desc()).limit(200)
        )]


def standards(db: Database) -> list[str]:
    with db.reading() as s:
        return [r for (r,) in s.execute(
            select(Assessment.standard).where(Assessment.standard != "").group_by(Assessment.standard)
            .order_by(func.count().desc()).limit(200)
        )]


def assessment_of_finding(db: Database, finding_id: int) -> int:
    """The assessment a finding belongs to (a search hit on a finding opens its assessment)."""
    with db.reading() as s:
        assessment_id = s.scalar(select(Finding.assessment_id).where(Finding.id == finding_id))
        if assessment_id is None:
            raise NotFound(f"No finding {finding_id}.")
        return assessment_id


@dataclass(frozen=True)
class EditorReference:
    """What the assessment editor offers: the finding library, its categories and scoring matrix, the suppliers,
    and the audit firms and standards already used. Read on the database worker when the editor is first needed
    and after a change notice."""

    violation_types: list
    categories: list
    matrix: object
    suppliers: list[SupplierChoice]
    audit_firms: list[str]
    standards: list[str]


def editor_reference(db: Database) -> EditorReference:
    return EditorReference(
        violation_types=library.list_violation_types(db), categories=library.list_categories(db),
        matrix=library.get_matrix(db), suppliers=supplier_choices(db), audit_firms=audit_firms(db),
        standards=standards(db),
    )
