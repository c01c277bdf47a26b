"""The audit report itself (the auditor's PDF) kept with its assessment: copied into the evidence folder by content,
like evidence files, checked first (a real PDF, not empty, not too large), opened again from the assessment."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from csrdesk.errors import NotFound, UserError
from csrdesk.services.shared_files import evidence_name, human_size, keep_file, kept_location, local_copy
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment

MAX_REPORT_BYTES = 100 * 1024 * 1024  # an audit report with photos runs to some tens of MB; more is not a report
_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class AuditReport:
    """The auditor's report file kept with an assessment: its name, the app's copy, and whether it is there."""

    assessment_id: int
    name: str  # the file's name as the user had it
    path: Path  # where the app keeps its copy
    size: int
    exists: bool  # False when the copy went missing from the data folder


def check_report_file(source: Path) -> None:
    """Refuses, with the reason, a file that cannot be an audit report: missing, empty, too large, or no PDF."""
    source = Path(source)
    if not source.is_file():
        raise UserError(f"{source} is not a file; no report was attached.")
    size = source.stat().st_size
    if size == 0:
        raise UserError(f"{source.name} is empty; no report was attached.")
    if size > MAX_REPORT_BYTES:
        raise UserError(f"{source.name} is {human_size(size)}, more than the {human_size(MAX_REPORT_BYTES)} an audit "
                        "report may have; no report was attached.")
    with open(source, "rb") as handle:
        head = handle.read(1024)
    if _PDF_MAGIC not in head:
        raise UserError(f"{source.name} is not a PDF file (the audit report is attached as the auditor's PDF); "
                        "no report was attached.")


def _sha(stored_name: str) -> str:
    return Path(stored_name).name.split(".")[0]


def _report(s, a: Assessment) -> Optional[AuditReport]:
    if not a.report_stored_name:
        return None
    path, exists = kept_location(s, a.report_stored_name, _sha(a.report_stored_name))
    return AuditReport(a.id, a.report_name, path, a.report_size, exists)


def audit_report(db: Database, assessment_id: int) -> Optional[AuditReport]:
    """The assessment's audit report, or None when none is attached."""
    with db.reading() as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise NotFound(f"No assessment {assessment_id}.")
        return _report(s, a)


def attach_audit_report(db: Database, assessment_id: int, source: Path, *, source_label: str = "app") -> AuditReport:
    """Attaches (or replaces) the assessment's audit report; the change goes to the supplier's history."""
    source = Path(source)
    check_report_file(source)
    sha, stored_name = evidence_name(source)
    created = None
    try:
        with db.transaction() as s:
            a = s.get(Assessment, assessment_id)
            if a is None:
                raise NotFound(f"No assessment {assessment_id}.")
            created = keep_file(s, source, sha, stored_name)
            record_change(s, "assessment", a.id, "audit report", a.report_name or None, source.name,
                          supplier_id=a.supplier_id, source=source_label)
            a.report_name, a.report_stored_name, a.report_size = source.name, stored_name, source.stat().st_size
            s.flush()
            return _report(s, a)
    except BaseException:
        if created is not None:
            created.unlink(missing_ok=True)
        raise


def audit_report_copy(db: Database, assessment_id: int) -> Path:
    """The assessment's audit report as a file on this computer, to open (downloaded once from a shared database)."""
    with db.reading() as s:
        a = s.get(Assessment, assessment_id)
        if a is None:
            raise NotFound(f"No assessment {assessment_id}.")
        if not a.report_stored_name:
            raise UserError("No audit report is attached to this assessment.")
        stored_name, name = a.report_stored_name, a.report_name
    return local_copy(db, stored_name, _sha(stored_name), f"The audit report {name}")
