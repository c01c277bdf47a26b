"""Recording assessments and their findings, scoring and rating them, and keeping their draft CAP in step."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from csrdesk.domain.caps import PastFinding, due_date, is_repeat, item_start
from csrdesk.domain.ratings import ASSESSMENT_TYPES, AssessmentFacts, follow_up_due_after, is_denied_access
from csrdesk.domain.reporting import numbered, verb
from csrdesk.domain.scoring import ScoredFinding, ScoringMatrix, Severity, rate_assessment
from csrdesk.errors import NotFound, UserError
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change
from csrdesk.services.laws import fill_for_supplier
from csrdesk.services.ratings import apply_rating, follow_up_days, load_matrix, rate
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, Cap, CapItem, Finding, LawReference, Supplier, ViolationType

def parse_assessment_type(text: str) -> str:
    cleaned = " ".join(str(text or "").strip().lower().replace("_", " ").split())
    cleaned = {"preproduction": "pre-production", "pre production": "pre-production", "follow up": "follow-up",
               "followup": "follow-up", "verification": "verification visit", "rvv": "verification visit"}.get(cleaned, cleaned)
    if cleaned not in ASSESSMENT_TYPES:
        raise UserError(f"Unknown assessment type {text!r}: use one of {', '.join(ASSESSMENT_TYPES)}.")
    return cleaned


@dataclass
class FindingInput:
    """One finding as the user or an auditor's file gives it. Points None means: take them from the matrix."""

    title: str
    severity: str
    category: str = ""
    violation_type: Optional[str] = None
    description: str = ""
    legal_requirement: str = ""
    code_requirement: str = ""
    suggested_remediation: str = ""
    days_allowed: Optional[int] = None
    points: Optional[int] = None
    finding_id: Optional[int] = None  # set when editing an existing finding
    # The law reference the legal requirement was filled from (see services.laws); a new finding of a type with a
    # legal topic and no legal requirement gets one from the supplier's country and region when saved.
    law_reference_id: Optional[int] = None


@dataclass
class AssessmentInput:
    """An assessment as the editor saves it: supplier, date, type, audit firm and its findings."""

    supplier_code: str
    date: date
    assessment_type: str = "periodic"
    audit_firm: str = ""
    auditor: str = ""
    standard: str = ""
    denied: bool = False
    notes: str = ""
    findings: list[FindingInput] = field(default_factory=list)
    # The row version the editor was filled from: a save of an assessment someone changed since is refused.
    seen_version: Optional[int] = None


@dataclass(frozen=True)
class FindingRow:
    """One finding of an assessment as the editor shows it: category, requirements, severity and points."""

    id: int
    category: str
    violation_type: Optional[str]
    title: str
    description: str
    legal_requirement: str
    code_requirement: str
    severity: str
    points: int
    points_overridden: bool
    repeat: bool
    law_reference_id: Optional[int] = None


@dataclass(frozen=True)
class AssessmentDetail:
    """One assessment as the editor shows it: its findings, score, rating and the reasons, and its CAP."""

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
    notes: str
    score: int
    rating: str
    reasons: tuple[str, ...]
    findings: tuple[FindingRow, ...]
    cap_id: Optional[int]
    follow_up_due: Optional[date]
    messages: tuple[str, ...] = ()  # what saving did that the user did not type (access refused recorded as Denied)
    version: int = 0  # the row version shown: handed back with a save (AssessmentInput.seen_version)


def _supplier_by_code(s: Session, code: str) -> Supplier:
    supplier = s.scalar(select(Supplier).where(Supplier.code == (code or "").strip()))
    if supplier is None:
        raise NotFound(f"No supplier with code {code!r}.")
    return supplier


def _earlier_findings(s: Session, supplier_id: int, before: date, exclude_assessment: Optional[int]) -> list[PastFinding]:
    q = (
        select(Assessment.date, Finding.violation_type, Finding.title)
        .join(Finding, Finding.assessment_id == Assessment.id)
        .where(Assessment.supplier_id == supplier_id, Assessment.date < before)
    )
    if exclude_assessment is not None:
        q = q.where(Assessment.id != exclude_assessment)
    return [PastFinding(d, vt, t) for d, vt, t in s.execute(q)]


def _build_finding(s: Session, fi: FindingInput, matrix: ScoringMatrix, types: dict[str, ViolationType]) -> dict:
    title = " ".join((fi.title or "").split())
    if not title:
        raise UserError("Every finding needs a title (what the auditor found).")
    try:
        severity = Severity.parse(fi.severity)
    except ValueError as exc:
        raise UserError(f"Finding {title!r}: {exc}") from None
    vt = types.get(fi.violation_type) if fi.violation_type else None
    if fi.violation_type and vt is None:
        raise UserError(f"Finding {title!r}: no violation type {fi.violation_type!r} in the finding library.")
    category = fi.category or (vt.category if vt else "")
    if fi.points is not None:
        if not isinstance(fi.points, int) or fi.points < 0:
            raise UserError(f"Finding {title!r}: points must be a whole number of 0 or more.")
        points, overridden = fi.points, fi.points != matrix.points(severity, fi.violation_type)
    else:
        points, overridden = matrix.points(severity, fi.violation_type), False
    days = fi.days_allowed if fi.days_allowed is not None else (vt.days_allowed if vt else _default_days(severity))
    if not isinstance(days, int) or days < 0 or days > 730:
        raise UserError(f"Finding {title!r}: days allowed must be a whole number from 0 to 730.")
    return dict(
        title=title, severity=severity.value, category=category, violation_type=fi.violation_type,
        description=fi.description,
        legal_requirement=fi.legal_requirement, code_requirement=fi.code_requirement or (vt.code_requirement if vt else ""),
        points=points, points_overridden=overridden, law_reference_id=fi.law_reference_id,
        _topic=vt.legal_topic if vt else None, _remediation=fi.suggested_remediation or (vt.suggested_remediation if vt else ""), _days=days,
    )


def _default_days(severity: Severity) -> int:
    return {Severity.MINOR: 90, Severity.MAJOR: 60, Severity.CRITICAL: 30, Severity.ZERO_TOLERANCE: 7}[severity]


def _denied_access_as_flag(data: AssessmentInput) -> tuple[str, ...]:
    """A finding that says the auditor was refused access becomes the assessment's Denied flag (one fact, one
    rating): it is taken out of the findings, and the message says so."""
    refused = [fi for fi in data.findings if is_denied_access(fi.title, fi.violation_type)]
    if not refused:
        return ()
    data.findings = [fi for fi in data.findings if fi not in refused]
    data.denied = True
    titles = "; ".join(sorted({" ".join((fi.title or "").split()) for fi in refused}))
    return (f"Recorded as Denied access (the assessment's denied flag), not as a finding: {titles}.",)


def record_assessment(db: Database, data: AssessmentInput, *, source: str = "app") -> AssessmentDetail:
    """Creates an assessment with its findings, rates it and makes its draft CAP (one item per finding)."""
    messages = _denied_access_as_flag(data)
    with db.transaction() as s:
        supplier = _supplier_by_code(s, data.supplier_code)
        assessment = Assessment(supplier=supplier)
        s.add(assessment)
        _fill_header(assessment, data)
        _replace_findings(s, assessment, data.findings, source)
        s.flush()
        record_change(s, "assessment", assessment.id, "rating", None, f"{assessment.rating} ({assessment.score})",
                      supplier_id=supplier.id, source=source)
        assessment_id = assessment.id
    return replace(assessment_detail(db, assessment_id), messages=messages)


def update_assessment(db: Database, assessment_id: int, data: AssessmentInput, *, source: str = "app") -> AssessmentDetail:
    """Saves an edited assessment: header, findings (kept by id, added, removed), rating and draft CAP."""
    messages = _denied_access_as_flag(data)
    with db.transaction() as s:
        assessment = s.get(Assessment, assessment_id)
        if assessment is None:
            raise NotFound(f"No assessment {assessment_id}.")
        check_version(s, assessment, data.seen_version, "assessment", f"The assessment of {assessment.date}")
        _fill_header(assessment, data)
        flag_modified(assessment, "notes")  # a save of findings alone is a new version of the assessment too
        _replace_findings(s, assessment, data.findings, source)
    return replace(assessment_detail(db, assessment_id), messages=messages)


def _fill_header(a: Assessment, data: AssessmentInput) -> None:
    if not isinstance(data.date, date):
        raise UserError("The assessment needs a date.")
    if data.date > date.today().replace(year=date.today().year + 1):
        raise UserError("The assessment date is more than a year in the future.")
    a.assessment_type = parse_assessment_type(data.assessment_type)
    a.date = data.date
    a.audit_firm = data.audit_firm.strip()
    a.auditor = data.auditor.strip()
    a.standard = data.standard.strip()
    a.denied = bool(data.denied)
    a.notes = data.notes


def _replace_findings(s: Session, a: Assessment, inputs: Iterable[FindingInput], source: str) -> None:
    matrix = load_matrix(s)
    inputs = list(inputs)
    keys = {fi.violation_type for fi in inputs if fi.violation_type}
    types = {v.key: v for v in s.scalars(select(ViolationType).where(ViolationType.key.in_(keys)))} if keys else {}
    built = [_build_finding(s, fi, matrix, types) for fi in inputs]
    cited = {b["law_reference_id"] for b in built if b["law_reference_id"] is not None}
    if cited:
        known = set(s.scalars(select(LawReference.id).where(LawReference.id.in_(cited))))
        for b in built:
            if b["law_reference_id"] not in known:
                b["law_reference_id"] = None  # the entry was deleted since the editor filled the text
    s.flush()
    earlier = _earlier_findings(s, a.supplier.id, a.date, a.id)
    existing = {f.id: f for f in a.findings}
    keep_ids = {fi.finding_id for fi in inputs if fi.finding_id}
    unknown = keep_ids - set(existing)
    if unknown:
        raise UserError(f"{numbered('Finding', sorted(unknown))} {verb(len(unknown), 'does', 'do')} not belong to this "
                        "assessment.")
    removed = [f for fid, f in existing.items() if fid not in keep_ids]
    if removed and a.cap is not None and a.cap.status != "draft":
        raise UserError(
            f"The CAP of this assessment is {a.cap.status}: its findings can no longer be removed "
            "(close the item instead)."
        )
    for f in removed:
        if f.cap_item is not None and a.cap is not None:
            a.cap.items.remove(f.cap_item)
        a.findings.remove(f)
    cap = a.cap
    with s.no_autoflush:
        _sync_findings(s, a, cap, inputs, built, existing, earlier)
    s.flush()
    cap = a.cap
    if cap is not None and not cap.items and cap.status == "draft":
        a.cap = None
    _refresh_repeats(s, a.supplier.id, a.id)
    apply_rating(s, a, source)


def _refresh_repeats(s: Session, supplier_id: int, except_assessment: int) -> None:
    """Re-judges the repeat flag of the supplier's other assessments: an audit entered late, or a finding added to
    an older one, makes later findings repeats (or no longer)."""
    rows = s.execute(
        select(Finding, Assessment.date, Assessment.id)
        .join(Assessment, Assessment.id == Finding.assessment_id)
        .where(Assessment.supplier_id == supplier_id)
    ).all()
    history = [PastFinding(d, f.violation_type, f.title) for f, d, _ in rows]
    for finding, day, assessment_id in rows:
        if assessment_id == except_assessment:
            continue
        repeat = is_repeat(finding.violation_type, finding.title, day, history)
        if finding.repeat != repeat:
            finding.repeat = repeat


def _sync_findings(s, a, cap, inputs, built, existing, earlier) -> None:
    for position, (fi, values) in enumerate(zip(inputs, built)):
        remediation, days, topic = values.pop("_remediation"), values.pop("_days"), values.pop("_topic")
        finding = existing.get(fi.finding_id) if fi.finding_id else None
        if finding is None:
            if not values["legal_requirement"].strip():
                fill = fill_for_supplier(s, a.supplier, topic, a.date)
                if fill is not None:
                    values["legal_requirement"], values["law_reference_id"] = fill.text, fill.entry.id
            finding = Finding(**values)
            a.findings.append(finding)
        else:
            for name, value in values.items():
                if name == "law_reference_id" and value is None:
                    continue  # an edit that does not say which law it cites keeps the citation it had
                setattr(finding, name, value)
        finding.position = position
        finding.repeat = is_repeat(finding.violation_type, finding.title, a.date, earlier)
        is_new = finding.cap_item is None
        if is_new:
            if cap is None:
                cap = Cap(supplier_id=a.supplier.id, status="draft")
                a.cap = cap
            # The day it joins counts only for an item added to a CAP already sent (item_start).
            item = CapItem(finding=finding, suggested_remediation=remediation, days_allowed=days,
                           added_on=date.today() if cap.issued_date is not None else None)
            cap.items.append(item)
        else:
            item = finding.cap_item
            if cap is not None and cap.status == "draft":
                item.suggested_remediation = remediation or item.suggested_remediation
                item.days_allowed = days
        item.position = position
        # Due dates follow the assessment while the CAP is a draft; once it is sent they are the factory's agreed
        # dates (extensions included) and an edit of the assessment must not move them.
        if is_new or cap.status == "draft":
            start = item_start(a.date, cap.issued_date, item.added_on)
            item.due_date = due_date(start, item.days_allowed)


def assessment_detail(db: Database, assessment_id: int) -> AssessmentDetail:
    with db.reading() as s:
        a = s.scalar(
            select(Assessment)
            .where(Assessment.id == assessment_id)
            .options(selectinload(Assessment.findings), selectinload(Assessment.supplier))
        )
        if a is None:
            raise NotFound(f"No assessment {assessment_id}.")
        result = rate(s, a)
        follow_up = follow_up_due_after(AssessmentFacts(a.id, a.date, a.assessment_type, result.rating.value),
                                        follow_up_days(s))
        return AssessmentDetail(
            id=a.id, supplier_id=a.supplier_id, supplier_code=a.supplier.code, supplier_name=a.supplier.name,
            date=a.date, assessment_type=a.assessment_type, audit_firm=a.audit_firm, auditor=a.auditor,
            standard=a.standard, denied=a.denied, notes=a.notes, score=a.score, rating=a.rating,
            reasons=result.reasons,
            findings=tuple(
                FindingRow(f.id, f.category, f.violation_type, f.title, f.description, f.legal_requirement,
                           f.code_requirement, f.severity, f.points, f.points_overridden, f.repeat,
                           f.law_reference_id)
                for f in a.findings
            ),
            cap_id=a.cap.id if a.cap else None,
            follow_up_due=follow_up, version=a.row_version,
        )


def preview_rating(db: Database, data: AssessmentInput):
    """Scores unsaved input as the editor shows it live: the same rules as saving, nothing written."""
    with db.reading() as s:
        _supplier_by_code(s, data.supplier_code)
        matrix = load_matrix(s)
        scored = []
        for fi in data.findings:
            try:
                severity = Severity.parse(fi.severity)
            except ValueError:
                continue
            pts = fi.points if fi.points is not None else matrix.points(severity, fi.violation_type)
            scored.append(ScoredFinding(fi.title or "(untitled)", severity, pts))
        denied = data.denied or any(is_denied_access(fi.title, fi.violation_type) for fi in data.findings)
        return rate_assessment(scored, denied=denied)
