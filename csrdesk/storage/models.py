"""SQLAlchemy 2 models of every csrdesk entity. Only services import this module."""

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text,
    UniqueConstraint, false, func, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from csrdesk.storage.versioning import Versioned

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Supplier(Versioned, Base):
    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    local_name: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(80), default="", index=True)
    # Province, state or district where the law differs inside the country ("West Java - Bekasi Regency").
    region: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    supplier_type: Mapped[str] = mapped_column(String(40), default="factory")
    sector: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(30), default="prospect", index=True)
    os_id: Mapped[str] = mapped_column(String(40), default="")
    sourcing_owner: Mapped[str] = mapped_column(String(200), default="")
    sourcing_owner_email: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[Optional[float]] = mapped_column(default=None)
    longitude: Mapped[Optional[float]] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    contacts: Mapped[list["Contact"]] = relationship(back_populates="supplier", cascade="all, delete-orphan")
    certifications: Mapped[list["Certification"]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan"
    )
    assessments: Mapped[list["Assessment"]] = relationship(back_populates="supplier", cascade="all, delete-orphan")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(60), default="compliance contact")
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")

    supplier: Mapped[Supplier] = relationship(back_populates="contacts")


class Certification(Base):
    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str] = mapped_column(String(120), default="")
    issued: Mapped[Optional[date]] = mapped_column(Date, default=None)
    expires: Mapped[Optional[date]] = mapped_column(Date, default=None)

    supplier: Mapped[Supplier] = relationship(back_populates="certifications")


class Assessment(Versioned, Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_supplier_date", "supplier_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    assessment_type: Mapped[str] = mapped_column(String(40), default="periodic")
    date: Mapped[date] = mapped_column(Date)
    audit_firm: Mapped[str] = mapped_column(String(200), default="")
    auditor: Mapped[str] = mapped_column(String(200), default="")
    standard: Mapped[str] = mapped_column(String(120), default="")
    denied: Mapped[bool] = mapped_column(Boolean, default=False)
    # Derived from the findings and the scoring matrix; kept so lists of hundreds of suppliers need no rescoring.
    score: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[str] = mapped_column(String(30), default="Satisfactory")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The audit report itself (PDF), copied into the evidence folder like evidence files (services.audit_report).
    report_name: Mapped[str] = mapped_column(String(500), default="", server_default="")
    report_stored_name: Mapped[str] = mapped_column(String(500), default="", server_default="")
    report_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    supplier: Mapped[Supplier] = relationship(back_populates="assessments")
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Finding.position"
    )
    cap: Mapped[Optional["Cap"]] = relationship(back_populates="assessment", cascade="all, delete-orphan")


class Finding(Versioned, Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    violation_type: Mapped[Optional[str]] = mapped_column(String(40), default=None, index=True)
    category: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    legal_requirement: Mapped[str] = mapped_column(Text, default="")
    code_requirement: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(Integer, default=0)
    # Points typed by the user rather than taken from the matrix; a matrix edit leaves them alone.
    points_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    # The law reference its legal requirement was filled from, so a change of that law finds the findings citing it.
    # No foreign key: adding one on SQLite rebuilds the table, and the rebuild would cascade to the CAP items;
    # deleting a law reference clears the links instead (services.laws.delete_law).
    law_reference_id: Mapped[Optional[int]] = mapped_column(Integer, index=True, default=None)

    assessment: Mapped[Assessment] = relationship(back_populates="findings")
    cap_item: Mapped[Optional["CapItem"]] = relationship(back_populates="finding", cascade="all, delete-orphan")


class Cap(Versioned, Base):
    __tablename__ = "caps"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    issued_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    response_due: Mapped[Optional[date]] = mapped_column(Date, default=None)
    meeting_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    closed_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    progress_category: Mapped[Optional[int]] = mapped_column(Integer, default=None)
    review_notes: Mapped[str] = mapped_column(Text, default="")
    meeting_sourcing: Mapped[str] = mapped_column(Text, default="", server_default="")  # who from sourcing attended
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    assessment: Mapped[Assessment] = relationship(back_populates="cap")
    items: Mapped[list["CapItem"]] = relationship(
        back_populates="cap", cascade="all, delete-orphan", order_by="CapItem.position"
    )


class CapItem(Versioned, Base):
    __tablename__ = "cap_items"
    # Covers the open and overdue counts of the supplier list (status, due date, CAP), read from the index alone.
    __table_args__ = (Index("ix_cap_items_status_due_cap", "status", "due_date", "cap_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cap_id: Mapped[int] = mapped_column(ForeignKey("caps.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    suggested_remediation: Mapped[str] = mapped_column(Text, default="")
    days_allowed: Mapped[int] = mapped_column(Integer, default=30)
    due_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    preventive_action: Mapped[str] = mapped_column(Text, default="")
    project_leader: Mapped[str] = mapped_column(String(200), default="")
    planned_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(30), default="open")
    evidence_notes: Mapped[str] = mapped_column(Text, default="")
    verification_notes: Mapped[str] = mapped_column(Text, default="")
    verification_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    closed_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    # The guided root-cause entry (5 Whys, cause categories, structured actions) as entered; see domain.rootcause.
    analysis: Mapped[Optional[dict[str, Any]]] = mapped_column(default=None)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    # The CAP review's word on this item's answer: "accepted", "returned" (to the factory, with the comment), or "".
    review_decision: Mapped[str] = mapped_column(String(20), default="", server_default="")
    added_on: Mapped[Optional[date]] = mapped_column(Date, default=None)  # the day it joined its CAP
    # Plans or drawings the brand approves before work starts (structural, electrical, fire works...).
    needs_plan_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    plan_approved_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())

    cap: Mapped[Cap] = relationship(back_populates="items")
    finding: Mapped[Finding] = relationship(back_populates="cap_item")
    evidence: Mapped[list["EvidenceFile"]] = relationship(back_populates="item", cascade="all, delete-orphan")


class EvidenceFile(Base):
    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    cap_item_id: Mapped[int] = mapped_column(ForeignKey("cap_items.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(500))
    stored_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    item: Mapped[CapItem] = relationship(back_populates="evidence")


class VerificationVisit(Versioned, Base):
    """A remediation verification visit: booked (a date, who attends), then done (verdicts per CAP item)."""

    __tablename__ = "verification_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    cap_id: Mapped[int] = mapped_column(ForeignKey("caps.id", ondelete="CASCADE"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="done", server_default="done")  # booked, done
    verifier: Mapped[str] = mapped_column(String(200), default="")
    # Who attends: [{"role": "worker representative", "name": "..."}, ...] (see domain.verification.ATTENDEE_ROLES).
    attendees: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))
    evidence_before_visit: Mapped[Optional[bool]] = mapped_column(Boolean, default=None)
    suggested_category: Mapped[Optional[int]] = mapped_column(Integer, default=None)
    category_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The category the person confirmed (None until confirmed).
    progress_category: Mapped[Optional[int]] = mapped_column(Integer, default=None)
    # The CAP's progress rate (0-100) right after the visit, kept for trends.
    progress_rate: Mapped[Optional[float]] = mapped_column(default=None)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    results: Mapped[list["VerificationResult"]] = relationship(back_populates="visit", cascade="all, delete-orphan")


class VerificationResult(Base):
    __tablename__ = "verification_results"
    __table_args__ = (UniqueConstraint("visit_id", "cap_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("verification_visits.id", ondelete="CASCADE"), index=True)
    cap_item_id: Mapped[int] = mapped_column(ForeignKey("cap_items.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(30))  # done_correctly, done_with_errors, not_done, not_checked
    notes: Mapped[str] = mapped_column(Text, default="")
    status_before: Mapped[str] = mapped_column(String(30), default="", server_default="")
    new_due_date: Mapped[Optional[date]] = mapped_column(Date, default=None)  # for items sent back

    visit: Mapped[VerificationVisit] = relationship(back_populates="results")


class EscalationRecord(Base):
    """One step of a supplier's escalation, with its date and reason (domain.verification.LADDER)."""

    __tablename__ = "escalation_steps"
    __table_args__ = (Index("ix_escalation_steps_supplier_date", "supplier_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(60), default="app")
    user: Mapped[str] = mapped_column(String(200), default="")
    # The sourcing owner copied on the step, and who from sourcing attended an escalation meeting.
    copied_to: Mapped[str] = mapped_column(Text, default="", server_default="")
    sourcing_attended: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ChecklistTemplate(Base):
    __tablename__ = "checklist_templates"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), default="supplier")
    definition: Mapped[dict[str, Any]] = mapped_column()
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class VettingScreen(Versioned, Base):
    __tablename__ = "vetting_screens"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    supplier_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("suppliers.id", ondelete="CASCADE"), index=True, default=None
    )
    subject: Mapped[str] = mapped_column(String(300), default="")  # a consultant or audit firm when not a supplier
    status: Mapped[str] = mapped_column(String(30), default="draft")
    score: Mapped[Optional[float]] = mapped_column(default=None)
    suggested_decision: Mapped[Optional[str]] = mapped_column(String(40), default=None)
    decision: Mapped[Optional[str]] = mapped_column(String(40), default=None)
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    decision_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    answers: Mapped[list["VettingAnswer"]] = relationship(back_populates="screen", cascade="all, delete-orphan")
    conditions: Mapped[list["VettingCondition"]] = relationship(back_populates="screen", cascade="all, delete-orphan")


class VettingAnswer(Base):
    __tablename__ = "vetting_answers"
    __table_args__ = (UniqueConstraint("screen_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("vetting_screens.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    value: Mapped[Optional[Any]] = mapped_column(JSON, default=None)
    evidence: Mapped[str] = mapped_column(String(500), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    screen: Mapped[VettingScreen] = relationship(back_populates="answers")


class VettingCondition(Base):
    __tablename__ = "vetting_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("vetting_screens.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_date: Mapped[Optional[date]] = mapped_column(Date, default=None)

    screen: Mapped[VettingScreen] = relationship(back_populates="conditions")


class Complaint(Versioned, Base):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_status_received", "status", "received_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    received_date: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(40), default="hotline")
    supplier_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("suppliers.id", ondelete="SET NULL"), index=True, default=None
    )
    factory_name: Mapped[str] = mapped_column(String(300), default="")  # a factory outside the program
    provision: Mapped[str] = mapped_column(String(60), default="")  # a finding category key
    description: Mapped[str] = mapped_column(Text, default="")  # the summary
    # Confidential: the complainant's name and contact sealed with a key kept outside the database (see
    # services/identity_key.py); only the token and the key's fingerprint are stored, never the text.
    # Deferred: loaded only when asked for, so a read-only member (no right to these columns, storage.roles)
    # can still read the rest of a complaint.
    identity_token: Mapped[Optional[str]] = mapped_column(Text, default=None, deferred=True)
    identity_key_id: Mapped[str] = mapped_column(String(32), default="", deferred=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_agrees_factory_told: Mapped[bool] = mapped_column(Boolean, default=False)
    retaliation_risk: Mapped[str] = mapped_column(String(20), default="low")
    retaliation_found_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    acknowledged_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    factory_decision: Mapped[str] = mapped_column(String(30), default="")
    factory_decision_note: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")  # the remedy
    outcome: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(30), default="received")
    resolved_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    compliance_checked_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    closed_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    cap_item_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("cap_items.id", ondelete="SET NULL"), default=None
    )

    steps: Mapped[list["ComplaintStep"]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="[ComplaintStep.date, ComplaintStep.id]"
    )


class ComplaintStep(Base):
    """One dated step of a complaint's timeline: acknowledged, an investigation note, the decision on telling the
    factory, resolved, compliance checked, closed, retaliation found, made a CAP item."""

    __tablename__ = "complaint_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    complaint: Mapped[Complaint] = relationship(back_populates="steps")


class UnsealedIdentity(Base):
    """Complainants' names and contacts of a database written before identities were sealed, waiting for the key.

    The migration that sealed identities cannot reach the key (it lives outside the database, beyond the storage
    layer), so it moves old plaintext here; opening the workspace seals each row and deletes it at once, then
    rewrites the file so no old page keeps the text. Empty in every database opened since.
    """

    __tablename__ = "complaint_unsealed_identities"

    # No foreign key: the migration rebuilds the complaints table while these rows wait, and must not cascade.
    complaint_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")


class LawReference(Versioned, Base):
    """A country's legal requirement on one topic (see domain.laws); region '' holds for the whole country."""

    __tablename__ = "law_references"
    __table_args__ = (Index("ix_law_references_country_topic", "country", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(80))
    requirement: Mapped[str] = mapped_column(Text)
    value: Mapped[Optional[float]] = mapped_column(default=None)
    unit: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(10), default="")
    effective: Mapped[Optional[date]] = mapped_column(Date, default=None)
    source: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(Text, default="")
    last_checked: Mapped[Optional[date]] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A built-in (starter) entry keeps its key and the fingerprint of what was loaded, so that an upgrade updates
    # it only while the user has not edited it.
    builtin_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True, default=None)
    builtin_hash: Mapped[Optional[str]] = mapped_column(String(64), default=None)
    user_edited: Mapped[bool] = mapped_column(Boolean, default=False)


class CountryRiskNote(Base):
    """The user's own notes on a sourcing country's risk, shown beside the risk map."""

    __tablename__ = "country_risk_notes"

    country: Mapped[str] = mapped_column(String(80), primary_key=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())


class FindingCategory(Base):
    __tablename__ = "finding_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    schemes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ViolationType(Base):
    __tablename__ = "violation_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    category: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(500))
    title_zh: Mapped[str] = mapped_column(String(500), default="")
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    code_requirement: Mapped[str] = mapped_column(Text, default="")
    legal_topic: Mapped[Optional[str]] = mapped_column(String(80), default=None)
    suggested_remediation: Mapped[str] = mapped_column(Text, default="")
    days_allowed: Mapped[int] = mapped_column(Integer, default=30)
    root_cause_examples: Mapped[list[Any]] = mapped_column(default=list)
    preventive_action_examples: Mapped[list[Any]] = mapped_column(default=list)
    victim_protection: Mapped[bool] = mapped_column(Boolean, default=False)
    schemes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    builtin: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set once the user edits a built-in type, so that a library upgrade leaves the edit alone.
    user_modified: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class ScoringPoints(Base):
    """The scoring matrix: a row with no violation type is the default for its severity."""

    __tablename__ = "scoring_points"
    __table_args__ = (UniqueConstraint("violation_type", "severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_type: Mapped[Optional[str]] = mapped_column(String(40), default=None)
    severity: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(Integer)


class ChangeRecord(Base):
    """The change history: when, what, old and new value, for CAP items, CAPs, ratings and supplier status."""

    __tablename__ = "change_history"
    __table_args__ = (Index("ix_change_history_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[Optional[int]] = mapped_column(Integer, index=True, default=None)
    field: Mapped[str] = mapped_column(String(80))
    old: Mapped[Optional[str]] = mapped_column(Text, default=None)
    new: Mapped[Optional[str]] = mapped_column(Text, default=None)
    source: Mapped[str] = mapped_column(String(120), default="")  # 'app', 'tracker import', 'command line'...
    user: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Optional[Any]] = mapped_column(JSON, default=None)


class Partner(Base):
    """Someone who helps remediation from outside the factory: a consultant, an audit firm, a civil society
    organisation, a government agency or another brand (domain.partners)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(80), default="")
    topics: Mapped[list[Any]] = mapped_column(default=list)  # finding category keys
    cso_type: Mapped[str] = mapped_column(String(60), default="")  # for civil society organisations
    contact: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    vetting_screen_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("vetting_screens.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class CapPartner(Base):
    """A partner's part in a CAP or one of its items: a consultant assigned, a CSO consulted, a brand leading or
    joining a collaboration; with dates and what they did."""

    __tablename__ = "cap_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    cap_id: Mapped[int] = mapped_column(ForeignKey("caps.id", ondelete="CASCADE"), index=True)
    cap_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cap_items.id", ondelete="CASCADE"), default=None)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    start_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    end_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    what_done: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class BrandAction(Base):
    """An action for the brand's own team when a root cause lies in its purchasing practices; never sent to the
    factory."""

    __tablename__ = "brand_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    cap_item_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("cap_items.id", ondelete="SET NULL"), index=True, default=None)
    cause: Mapped[str] = mapped_column(Text, default="")
    what: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_date: Mapped[Optional[date]] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class SupplierBrand(Base):
    """Another brand buying from the same factory."""

    __tablename__ = "supplier_brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    brand: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"), default=None)
    contact: Mapped[str] = mapped_column(Text, default="")
    share: Mapped[Optional[float]] = mapped_column(default=None)  # percent of the factory's production
    accepts_shared_audit: Mapped[Optional[bool]] = mapped_column(Boolean, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)


class StoredFile(Base):
    """A file's content kept in a shared (team) database, once per content: evidence files and audit reports,
    which a local workspace keeps in its data folder instead. Named by its SHA-256, as in the data folder."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    added_by: Mapped[str] = mapped_column(String(200), default="")


class SharedTemplate(Base):
    """A letter or report template the team shares (team database only): used by every member who has no copy of
    their own with its name."""

    __tablename__ = "shared_templates"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    shared_at: Mapped[datetime] = mapped_column(DateTime)
    shared_by: Mapped[str] = mapped_column(String(200), default="")
