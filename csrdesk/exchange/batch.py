"""Letters, trackers and e-mail drafts for many CAPs at once, with progress and cancel.

What happens when one CAP fails: its problem is reported (supplier, CAP and the message) and the batch goes on
with the rest, because one factory without a contact e-mail should not hold back letters to 599 others. Two
things stop the whole batch instead: a template that is refused (every letter would fail the same way, so the
user hears it once, before anything is written) and cancel. Files already written stay: each was written whole
(through a temporary file), and the result lists them. Bugs are logged with their traceback and reported as the
CAP's failure.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from csrdesk.exchange.email_draft import safe_filename
from csrdesk.exchange.letters import TemplateRefused
from csrdesk.services.errors import UserError
from csrdesk.services.progress import NO_PROGRESS, Cancelled, Progress
from csrdesk.storage.db import Database

log = logging.getLogger(__name__)

LETTER_KINDS = ("cap_letter", "overdue_reminder")


@dataclass(frozen=True)
class BatchOutput:
    cap_id: int
    supplier_code: str
    what: str  # 'letter', 'tracker' or 'e-mail'
    path: Path


@dataclass(frozen=True)
class BatchFailure:
    cap_id: Optional[int]
    supplier_code: str
    message: str


@dataclass
class BatchResult:
    total: int
    outputs: list[BatchOutput] = field(default_factory=list)
    failures: list[BatchFailure] = field(default_factory=list)
    cancelled: bool = False
    done: int = 0  # CAPs finished, with or without a failure

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled

    def summary(self) -> str:
        parts = [f"{self.done} of {self.total} CAP(s) done", f"{len(self.outputs)} file(s) written"]
        if self.failures:
            parts.append(f"{len(self.failures)} problem(s)")
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


def _codes(db: Database, cap_ids: Sequence[int]) -> dict[int, str]:
    from sqlalchemy import select

    from csrdesk.storage.models import Cap, Supplier

    with db.reading() as s:
        rows = s.execute(select(Cap.id, Supplier.code).join(Supplier, Supplier.id == Cap.supplier_id)
                         .where(Cap.id.in_(list(cap_ids))))
        return {cap_id: code for cap_id, code in rows}


def run_batch(db: Database, cap_ids: Sequence[int], folder: Path, *, letters: bool = True, trackers: bool = False,
              drafts: bool = False, letter_kind: str = "cap_letter", template: Optional[str] = None,
              lang: Optional[str] = None, progress: Progress = NO_PROGRESS,
              today: Optional[date] = None) -> BatchResult:
    """Writes the chosen files for each CAP into `folder`, named after the letter's reference."""
    from csrdesk.services import letters as svc

    if letter_kind not in LETTER_KINDS:
        raise UserError(f"A batch writes {' or '.join(LETTER_KINDS)} letters, not {letter_kind!r}.")
    if not (letters or trackers or drafts):
        raise UserError("Choose at least one of letters, trackers and e-mail drafts.")
    ids = list(dict.fromkeys(int(i) for i in cap_ids))
    if not ids:
        raise UserError("No CAPs were chosen.")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from None
    today = today or date.today()
    job = svc.LetterJob.prepare(db)
    if letters:
        # Refuses a broken template before anything is written.
        svc.resolve_template(letter_kind, template, lang or job.prefs.letter_language)
    exporter = svc._tracker_exporter() if trackers else None
    if trackers and exporter is None:
        raise UserError("CAP trackers cannot be written: the tracker module is not available.")
    codes = _codes(db, ids)
    result = BatchResult(total=len(ids))
    render = svc.render_cap_letter if letter_kind == "cap_letter" else svc.render_overdue_reminder
    prefix = "CAP" if letter_kind == "cap_letter" else "REM"
    try:
        for n, cap_id in enumerate(ids):
            code = codes.get(cap_id, "")
            progress.step(n, len(ids), f"{code or 'CAP'} (CAP {cap_id})")
            progress.check()  # a cancel pressed while the step was being shown stops before the next CAP
            if not code:
                result.failures.append(BatchFailure(cap_id, "", f"No CAP {cap_id}."))
                result.done += 1
                continue
            stem = safe_filename(f"{prefix}-{code}-{cap_id:04d}")
            try:
                if letters:
                    path = render(db, cap_id, folder / f"{stem} letter.docx", template, lang, today=today, job=job)
                    result.outputs.append(BatchOutput(cap_id, code, "letter", path))
                if exporter is not None:
                    path = Path(exporter(db, cap_id, folder / f"{safe_filename(f'CAP-{code}-{cap_id:04d}')} tracker.xlsx"))
                    result.outputs.append(BatchOutput(cap_id, code, "tracker", path))
                if drafts:
                    path = svc.make_email_draft(db, cap_id, folder / f"{stem} e-mail.eml", lang=lang, today=today,
                                                job=job, letter_template=template if letter_kind == "cap_letter" else None)
                    result.outputs.append(BatchOutput(cap_id, code, "e-mail", path))
            except TemplateRefused:
                raise
            except UserError as exc:
                result.failures.append(BatchFailure(cap_id, code, str(exc)))
            except Exception as exc:  # a bug: logged in full, reported for this CAP, the batch goes on
                log.exception("batch: CAP %s failed", cap_id)
                result.failures.append(BatchFailure(cap_id, code, f"unexpected error ({type(exc).__name__}: {exc}); "
                                                                  "details are in the log"))
            result.done += 1
        progress.step(len(ids), len(ids), "done")
    except Cancelled:
        result.cancelled = True
    return result


def run_batch_for_suppliers(db: Database, supplier_codes: Sequence[str], folder: Path, **options) -> BatchResult:
    """As run_batch, for the newest open CAP of each supplier; a supplier without one is reported."""
    from csrdesk.services.letters import caps_for_suppliers

    cap_ids, problems = caps_for_suppliers(db, supplier_codes)
    if not cap_ids:
        raise UserError("None of the chosen suppliers has an open CAP.")
    result = run_batch(db, cap_ids, folder, **options)
    for message in problems:
        code = message.split(":", 1)[0]
        result.failures.append(BatchFailure(None, code, message))
    return result
