"""Importing an auditor's findings spreadsheet as one assessment: columns recognised in English and Chinese,
categories and severities matched to the library, written all or nothing."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.domain.reporting import plural
from csrdesk.domain.scoring import Severity
from csrdesk.errors import NotFound, UserError
from csrdesk.exchange.tables import Table, header_key, parse_number, read_table
from csrdesk.services.assessments import AssessmentDetail, AssessmentInput, FindingInput, record_assessment
from csrdesk.services.backup import bulk_change
from csrdesk.services.library import find_violation_type
from csrdesk.storage.db import Database
from csrdesk.storage.models import FindingCategory, Supplier, ViolationType

FINDING_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("finding", "finding title", "findings", "violation", "violation title", "issue", "issue title",
              "non compliance", "noncompliance", "non conformity", "nc", "finding issue", "问题", "发现",
              "不符合项", "违规项", "审核发现"),
    "description": ("description", "details", "detail", "finding details", "finding description",
                    "objective evidence", "evidence", "observation details", "描述", "详情", "问题描述"),
    "category": ("category", "area", "section", "topic", "performance area", "finding category", "类别", "分类"),
    "severity": ("severity", "risk level", "rating", "risk", "level", "grade", "severity level", "risk rating",
                 "严重程度", "风险等级", "等级"),
    "legal_requirement": ("legal requirement", "local law", "legal reference", "law", "legal basis",
                          "law reference", "local law requirement", "applicable law", "法律要求", "法律法规", "法规"),
    "code_requirement": ("code requirement", "code of conduct", "coc", "coc requirement", "code reference",
                         "code of conduct requirement", "standard requirement", "行为准则要求", "行为准则"),
    "suggested_remediation": ("suggested remediation", "cap suggestion", "remediation", "recommendation",
                              "recommended action", "corrective action", "suggested action", "suggested corrective action",
                              "cap", "整改建议", "建议整改措施"),
    "days_allowed": ("days allowed", "timeline days", "timeline", "days", "time allowed", "time allowed days",
                     "deadline days", "days to remediate", "remediation days", "整改期限", "天数", "整改天数"),
    "violation_type": ("violation type", "violation code", "finding code", "library key", "type key"),
    "points": ("points",),
}
# Far above any scoring matrix (zero tolerance is 800): a bigger number is a typo, and past 64 bits no database
# column could hold it.
MAX_POINTS = 1_000_000
_MULTILINE_FINDING_FIELDS = ("description", "legal_requirement", "code_requirement", "suggested_remediation")
_SEVERITY_HELP = "use minor, major, critical or zero tolerance"

# Words auditors use for a category, mapped to words of the default category titles.
_CATEGORY_SYNONYMS = {
    "labor": "labour", "ohs": "health", "osh": "health", "ehs": "health", "hse": "health", "fire": "health",
    "electrical": "health", "structural": "health", "building": "health", "dormitory": "health",
    "foa": "freedom", "association": "freedom", "compensation": "wages", "pay": "wages", "salary": "wages",
    "remuneration": "wages", "benefit": "wages", "wage": "wages", "overtime": "hours", "hour": "hours",
    "bribery": "ethics", "corruption": "ethics", "integrity": "ethics", "ethical": "ethics",
    "young": "child", "juvenile": "child", "bonded": "forced", "trafficking": "forced", "prison": "forced",
    "harassment": "discrimination", "abuse": "discrimination", "disciplinary": "discrimination",
    "grievance": "voice", "subcontractor": "subcontracting", "transparent": "transparency",
    "environmental": "environment", "system": "management", "systems": "management",
}
_CATEGORY_STOPWORDS = {"and", "of", "the", "or", "incl", "including", "worker", "workers", "labour", "labor"}


def _category_words(text: str) -> set[str]:
    words = set()
    for word in header_key(text).split():
        word = _CATEGORY_SYNONYMS.get(word, word)
        if word in _CATEGORY_STOPWORDS or len(word) < 3:
            continue
        words.add(word)
    return words


class _CategoryLookup:
    def __init__(self, s: Session) -> None:
        self.exact: dict[str, str] = {}
        self.words: list[tuple[str, set[str]]] = []
        self.titles: list[str] = []
        for c in s.scalars(select(FindingCategory).order_by(FindingCategory.position, FindingCategory.id)):
            for text in (c.key, c.title, c.title_zh or ""):
                if text:
                    self.exact.setdefault(header_key(text), c.key)
            self.words.append((c.key, _category_words(c.title) | _category_words(c.key.replace("-", " "))))
            self.titles.append(c.title)

    def find(self, text: str) -> Optional[str]:
        """The category key a text names: its key or title (any case), or the one category sharing its words."""
        key = header_key(text)
        if key in self.exact:
            return self.exact[key]
        words = _category_words(text)
        if not words:
            return None
        scored = sorted(((len(words & ws), k) for k, ws in self.words), reverse=True)
        if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            return scored[0][1]
        return None


def _parse_days(text: str, on: date) -> Optional[int]:
    """Days allowed as auditors write them: '30', '30 days', '30天', '30.0', or a due date after the assessment."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d+)(?:\.0+)?\s*(?:days?|d|天|日|calendar days|working days)?\.?", text, re.IGNORECASE)
    if m:
        return int(m.group(1))
    try:
        due = date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"days allowed {text!r} is not a number of days") from None
    if due < on:
        raise ValueError(f"the due date {due.isoformat()} is before the assessment date {on.isoformat()}")
    return (due - on).days


def _finding_inputs(s: Session, table: Table, on: date) -> list[FindingInput]:
    categories = _CategoryLookup(s)
    findings = []
    problems: list[str] = []
    for row in table.rows:
        where = f"{table.source} row {row.number}"
        title = row.get("title")
        description = row.get("description")
        if not title and description:
            first_line = description.split("\n", 1)[0]
            title = first_line if len(first_line) <= 200 else first_line[:199].rstrip() + "\u2026"
        if not title:
            problems.append(f"{where}: no finding text")
            continue
        if len(title) > 500:
            description = description or title
            title = title[:499].rstrip() + "\u2026"
        vt: Optional[ViolationType] = None

        if row.get("violation_type"):
            vt = find_violation_type(s, row.get("violation_type"))
            if vt is None:
                problems.append(f"{where}: no violation type {row.get('violation_type')!r} in the finding library")
                continue
        else:
            vt = find_violation_type(s, title)
        severity_text = row.get("severity")
        if severity_text:
            try:
                severity = Severity.parse(severity_text).value
            except ValueError:
                problems.append(f"{where}: unknown severity {severity_text!r}; {_SEVERITY_HELP}")
                continue
        elif vt is not None:
            severity = vt.severity
        else:
            problems.append(f"{where}: no severity; {_SEVERITY_HELP}")
            continue
        try:
            days = _parse_days(row.get("days_allowed"), on)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if days is not None and not 0 <= days <= 730:
            problems.append(f"{where}: days allowed must be from 0 to 730, not {days}")
            continue
        points = None
        if row.get("points"):
            number = parse_number(row.get("points"))
            if number is None or not 0 <= number <= MAX_POINTS or not float(number).is_integer():
                problems.append(f"{where}: points {row.get('points')!r} is not a whole number from 0 to "
                                f"{MAX_POINTS:,}")
                continue
            points = int(number)
        category = ""
        if row.get("category"):
            category = categories.find(row.get("category")) or ""
            if not category and vt is None:
                problems.append(f"{where}: category {row.get('category')!r} is not one of "
                                f"{', '.join(categories.titles)}")
                continue
        findings.append(FindingInput(
            title=title, severity=severity, category=category or (vt.category if vt else ""),
            violation_type=vt.key if vt else None, description=description,
            legal_requirement=row.get("legal_requirement"), code_requirement=row.get("code_requirement"),
            suggested_remediation=row.get("suggested_remediation"), days_allowed=days, points=points,
        ))
    if problems:
        more = f" (and {plural(len(problems) - 1, 'more row')} with problems)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}; nothing was imported.")
    return findings


def import_assessment(
    db: Database,
    path: Optional[Path],
    *,
    supplier_code: str,
    on: date,
    assessment_type: str,
    denied: bool = False,
    audit_firm: str = "",
    auditor: str = "",
    standard: str = "",
    encoding: Optional[str] = None,
) -> AssessmentDetail:
    """Records an assessment from an auditor's findings spreadsheet: findings, rating and draft CAP together.

    With `denied` and no file, records that the auditor was refused access. A row that cannot be used refuses
    the whole file with its row number and the problem; nothing is created then.
    """
    with db.reading() as s:
        if s.scalar(select(Supplier.id).where(Supplier.code == (supplier_code or "").strip())) is None:
            raise NotFound(f"No supplier with code {supplier_code!r}.")
    findings: list[FindingInput] = []
    notes = ""
    if path is None:
        if not denied:
            raise UserError("A findings file is needed unless the auditor was denied access.")
        notes = "Access denied to the auditor."
    else:
        table = read_table(Path(path), FINDING_COLUMNS, required_any=("title", "description"),
                           what="findings column", multiline=_MULTILINE_FINDING_FIELDS, encoding=encoding)
        with db.reading() as s:
            findings = _finding_inputs(s, table, on)
        notes = f"Findings imported from {table.source} ({plural(len(findings), 'finding')})."
    data = AssessmentInput(
        supplier_code=supplier_code, date=on, assessment_type=assessment_type, audit_firm=audit_firm,
        auditor=auditor, standard=standard, denied=denied, notes=notes, findings=findings,
    )
    source = f"import {Path(path).name}" if path is not None else "import (access denied)"
    if not findings:
        return record_assessment(db, data, source=source)
    with bulk_change(db, "assessment-import"):
        return record_assessment(db, data, source=source)
