"""Vetting: screens filled for suppliers or firms on a checklist (services.checklists), decisions and conditions.

A screen goes to a supplier as an Excel questionnaire (exchange.questionnaire writes and reads the file) and comes
back: import_questionnaire shows what the file changes, and with apply stores it all or nothing after a backup.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from csrdesk.domain.vetting import (
    Answer, AnswerError, Decision, Evaluation, Template, answer_label, check_decision, evaluate, parse_answer,
)
from csrdesk.domain.vetting_screen import AnswerInput, ConditionInput
from csrdesk.errors import NotFound, UserError
from csrdesk.services.checklists import ChecklistInfo, list_checklists, row_template, template_row
from csrdesk.services.concurrency import check_version
from csrdesk.services.history import record_change
from csrdesk.storage.db import Database
from csrdesk.storage.models import ChecklistTemplate, Supplier, VettingAnswer, VettingCondition, VettingScreen

if TYPE_CHECKING:  # the workbook code (and openpyxl) is loaded when a questionnaire is first written or read
    from csrdesk.exchange.questionnaire import AnswerChange, ReturnedQuestionnaire

log = logging.getLogger(__name__)

CONDITION_STATUSES = ("open", "closed", "withdrawn")
SCREEN_STATUSES = ("draft", "decided")


# -- plain data handed to the UI and the command line ---------------------------------------------------------

@dataclass(frozen=True)
class ConditionInfo:
    """A condition of a vetting decision: its text, due date, status and whether it is overdue."""

    id: int
    screen_id: int
    text: str
    due_date: Optional[date]
    status: str
    closed_date: Optional[date]
    overdue: bool
    supplier_code: str
    subject: str


@dataclass(frozen=True)
class ScreenRow:
    """One row of the Vetting page: a screen with its checklist, subject, score and decision."""

    id: int
    template_key: str
    template_version: int
    template_title: str
    kind: str
    supplier_code: str
    supplier_name: str
    subject: str
    status: str
    score: Optional[float]
    suggested_decision: Optional[str]
    decision: Optional[str]
    reviewer: str
    decision_date: Optional[date]
    created_at: Optional[datetime]
    open_conditions: int
    supplier_id: Optional[int] = None

    @property
    def name(self) -> str:
        """Who was vetted: the supplier (code and name) or the firm."""
        return f"{self.supplier_code} {self.supplier_name}".strip() if self.supplier_code else self.subject


@dataclass(frozen=True)
class ScreenDetail:
    """One vetting screen in full: its checklist, answers, evaluation, decision and conditions."""

    id: int
    template_id: int
    template: Template
    supplier_id: Optional[int]
    supplier_code: str
    supplier_name: str
    supplier_local_name: str
    subject: str
    status: str
    answers: dict[str, Answer]
    evaluation: Evaluation
    decision: Optional[str]
    reviewer: str
    decision_date: Optional[date]
    notes: str
    conditions: tuple[ConditionInfo, ...]
    created_at: Optional[datetime]
    latest_version: int  # the newest version of the template (the screen may use an older one)
    version: int = 1  # the screen's row version as read: handed back with a save (someone else's save is refused)
    moved_to_vetting: bool = False  # starting this screen moved its supplier from prospect to vetting

    @property
    def decided(self) -> bool:
        return bool(self.decision)

    @property
    def effective_decision(self) -> str:
        """The reviewer's decision once recorded, the checklist's suggestion before."""
        return self.decision or self.evaluation.suggested.value

    @property
    def name(self) -> str:
        return f"{self.supplier_code} {self.supplier_name}".strip() if self.supplier_code else self.subject


# -- screens ------------------------------------------------------------------------------------------------------

def _supplier(s: Session, code: str) -> Supplier:
    supplier = s.scalar(select(Supplier).where(Supplier.code == (code or "").strip()))
    if supplier is None:
        raise NotFound(f"No supplier with code {code!r}.")
    return supplier


def start_screen(db: Database, template_key: str, *, supplier_code: Optional[str] = None, subject: str = "",
                 source: str = "app", user: str = "") -> ScreenDetail:
    """Starts a screen against the newest version of a template, for a supplier or (consultants) a named firm."""
    with db.transaction() as s:
        supplier = _supplier(s, supplier_code) if supplier_code else None
        was = supplier.status if supplier is not None else None
        screen_id = start_screen_in(s, template_key, supplier, subject=subject, source=source, user=user).id
        moved = supplier is not None and was != supplier.status
    return replace(screen_detail(db, screen_id), moved_to_vetting=moved)


def start_screen_in(s: Session, template_key: str, supplier: Optional[Supplier], *, subject: str = "",
                    source: str = "app", user: str = "") -> VettingScreen:
    """Starts a screen inside the caller's transaction (so that another change, such as an escalation to a
    responsible exit, and the screen are saved together or not at all)."""
    subject = " ".join((subject or "").split())
    row = template_row(s, template_key)
    if row.kind in ("supplier", "exit") and supplier is None:
        raise UserError(f"{row.title} is filled for a supplier: choose the supplier.")
    if supplier is None and not subject:
        raise UserError("Name the consultant or audit firm the screen is for.")
    screen = VettingScreen(template_id=row.id, supplier_id=supplier.id if supplier else None,
                           subject=subject, status="draft")
    s.add(screen)
    s.flush()
    template = row_template(row)
    e = evaluate(template, {})
    screen.score, screen.suggested_decision = e.score, e.suggested.value
    record_change(s, "vetting_screen", screen.id, "started", None, f"{row.key} v{row.version}",
                  supplier_id=screen.supplier_id, source=source, user=user)
    if row.kind == "supplier" and supplier is not None and supplier.status == "prospect":
        # Screening a prospect is vetting it: the supplier moves on with the screen (recorded in its history), so
        # the approval gate beside the screen and its decision letter speak of what is really missing.
        record_change(s, "supplier", supplier.id, "status", supplier.status, "vetting", supplier_id=supplier.id,
                      source=source, user=user, note=f"vetting screen {screen.id} started")
        supplier.status = "vetting"
    return screen


def open_screen_for(db: Database, template_key: str, supplier_code: str) -> Optional[int]:
    """The undecided screen of this template for this supplier, if there is one (to send out again)."""
    with db.reading() as s:
        supplier = _supplier(s, supplier_code)
        return s.scalar(
            select(VettingScreen.id).join(ChecklistTemplate)
            .where(VettingScreen.supplier_id == supplier.id, ChecklistTemplate.key == template_key,
                   VettingScreen.decision.is_(None))
            .order_by(VettingScreen.id.desc()).limit(1)
        )


def _load_screen(s: Session, screen_id: int) -> VettingScreen:
    screen = s.scalar(select(VettingScreen).where(VettingScreen.id == screen_id)
                      .options(selectinload(VettingScreen.answers), selectinload(VettingScreen.conditions)))
    if screen is None:
        raise NotFound(f"No vetting screen {screen_id}.")
    return screen


def _answers(screen: VettingScreen) -> dict[str, Answer]:
    return {a.question_id: Answer(a.value, a.evidence or "", a.comment or "") for a in screen.answers}


def _condition_info(c: VettingCondition, today: date, supplier_code: str, subject: str) -> ConditionInfo:
    overdue = c.status == "open" and c.due_date is not None and c.due_date < today
    return ConditionInfo(c.id, c.screen_id, c.text, c.due_date, c.status, c.closed_date, overdue, supplier_code, subject)


def screen_detail(db: Database, screen_id: int, today: Optional[date] = None) -> ScreenDetail:
    """A screen with its template version, answers, live evaluation, decision and conditions."""
    today = today or date.today()
    with db.reading() as s:
        screen = _load_screen(s, screen_id)
        row = s.get(ChecklistTemplate, screen.template_id)
        template = row_template(row)
        latest = s.scalar(select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.key == row.key))
        supplier = s.get(Supplier, screen.supplier_id) if screen.supplier_id else None
        answers = _answers(screen)
        # A decided screen is judged as on the day of its decision, so dates do not age after the fact.
        evaluation = evaluate(template, answers, screen.decision_date or today)
        code = supplier.code if supplier else ""
        return ScreenDetail(
            id=screen.id, template_id=row.id, template=template, supplier_id=screen.supplier_id,
            supplier_code=code, supplier_name=supplier.name if supplier else "",
            supplier_local_name=supplier.local_name if supplier else "", subject=screen.subject, status=screen.status,
            answers=answers, evaluation=evaluation, decision=screen.decision, reviewer=screen.reviewer,
            decision_date=screen.decision_date, notes=screen.notes,
            conditions=tuple(_condition_info(c, today, code, screen.subject)
                             for c in sorted(screen.conditions, key=lambda c: (c.due_date or date.max, c.id))),
            created_at=screen.created_at, latest_version=int(latest or row.version), version=screen.row_version,
        )


@dataclass(frozen=True)
class ScreenToEdit:
    """A screen as the form opens it: with what the approval gate still misses for its supplier, and the name of
    the user (the reviewer proposed for the decision)."""

    detail: ScreenDetail
    gate: list[str]
    user_name: str


def screen_to_edit(db: Database, screen_id: int) -> ScreenToEdit:
    from csrdesk.services.settings import load_preferences
    from csrdesk.services.suppliers import approval_gate

    detail = screen_detail(db, screen_id)
    gate: list[str] = []
    if detail.supplier_code and detail.template.kind == "supplier":
        gate = approval_gate(db, detail.supplier_code)
    return ScreenToEdit(detail, gate, load_preferences(db).user_name)


@dataclass(frozen=True)
class ScreenChoices:
    """What a new screen can be started with: the checklists, and the suppliers it can be for."""

    templates: list[ChecklistInfo]
    suppliers: list


def screen_choices(db: Database) -> ScreenChoices:
    from csrdesk.services.suppliers import list_suppliers

    return ScreenChoices(list_checklists(db), list_suppliers(db))


def list_screens(db: Database, supplier_code: Optional[str] = None, *, kind: Optional[str] = None) -> list[ScreenRow]:
    """Screens, newest first: all of them, or one supplier's."""
    with db.reading() as s:
        open_conditions = (select(VettingCondition.screen_id, func.count().label("n"))
                           .where(VettingCondition.status == "open").group_by(VettingCondition.screen_id).subquery())
        q = (select(VettingScreen, ChecklistTemplate, Supplier.code, Supplier.name, open_conditions.c.n)
             .join(ChecklistTemplate, ChecklistTemplate.id == VettingScreen.template_id)
             .outerjoin(Supplier, Supplier.id == VettingScreen.supplier_id)
             .outerjoin(open_conditions, open_conditions.c.screen_id == VettingScreen.id)
             .order_by(VettingScreen.created_at.desc(), VettingScreen.id.desc()))
        if supplier_code:
            q = q.where(VettingScreen.supplier_id == _supplier(s, supplier_code).id)
        if kind:
            q = q.where(ChecklistTemplate.kind == kind)
        return [
            ScreenRow(sc.id, t.key, t.version, t.title, t.kind, code or "", name or "", sc.subject, sc.status, sc.score,
                      sc.suggested_decision, sc.decision, sc.reviewer, sc.decision_date, sc.created_at, int(n or 0),
                      sc.supplier_id)
            for sc, t, code, name, n in s.execute(q)
        ]


def _question_label(template: Template, question_id: str) -> str:
    number = template.numbering().get(question_id, "?")
    return f"Question {number} (“{template.question(question_id).text}”)"


def parse_answers(template: Template, answers: Mapping[str, AnswerInput | Answer]) -> tuple[dict[str, Answer], list[str]]:
    """Reads typed answers against the template: (answers as stored, problems, one line each)."""
    out: dict[str, Answer] = {}
    problems: list[str] = []
    known = {q.id for q in template.questions()}
    for qid, given in answers.items():
        if qid not in known:
            problems.append(f"The checklist has no question {qid!r}.")
            continue
        q = template.question(qid)
        try:
            value = parse_answer(q, given.value)
        except AnswerError as exc:
            problems.append(f"{_question_label(template, qid)}: {exc}")
            continue
        evidence = " ".join(str(given.evidence or "").split())
        if len(evidence) > 500:
            problems.append(f"{_question_label(template, qid)}: the evidence note is longer than 500 characters.")
            continue
        out[qid] = Answer(value, evidence, str(given.comment or "").strip())
    return out, problems


def _write_answers(s: Session, screen: VettingScreen, template: Template, answers: Mapping[str, Answer], *,
                   source: str, user: str) -> int:
    """Stores answers (a None value with no evidence or comment removes the answer); returns how many changed."""
    existing = {a.question_id: a for a in screen.answers}
    changed = 0
    for qid, new in answers.items():
        row = existing.get(qid)
        old = Answer(row.value, row.evidence or "", row.comment or "") if row else Answer()
        if old == new:
            continue
        changed += 1
        q = template.question(qid)
        if old.value != new.value:
            record_change(s, "vetting_screen", screen.id, f"answer {qid}", answer_label(q, old.value) or None,
                          answer_label(q, new.value) or None, supplier_id=screen.supplier_id, source=source, user=user)
        if new.value is None and not new.evidence and not new.comment:
            if row is not None:
                screen.answers.remove(row)
            continue
        if row is None:
            screen.answers.append(VettingAnswer(question_id=qid, value=new.value, evidence=new.evidence,
                                                comment=new.comment))
        else:
            row.value, row.evidence, row.comment = new.value, new.evidence, new.comment
    e = evaluate(template, {**_answers(screen)}, date.today())
    screen.score, screen.suggested_decision = e.score, e.suggested.value
    if changed:
        flag_modified(screen, "score")  # the screen's version counts a save of its answers too
    return changed


def _refuse_if_decided(screen: VettingScreen) -> None:
    if screen.decision:
        raise UserError(f"Vetting screen {screen.id} was decided ({screen.decision}, {screen.decision_date}); "
                        "reopen it to change its answers.")


def _seen(s: Session, screen: VettingScreen, seen_version: Optional[int]) -> None:
    check_version(s, screen, seen_version, "vetting_screen", f"Vetting screen {screen.id}")


def _save_answers_in(s: Session, screen_id: int, answers: Mapping[str, AnswerInput | Answer], *, source: str,
                     user: str, seen_version: Optional[int] = None) -> None:
    screen = _load_screen(s, screen_id)
    _seen(s, screen, seen_version)
    _refuse_if_decided(screen)
    template = row_template(s.get(ChecklistTemplate, screen.template_id))
    parsed, problems = parse_answers(template, answers)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(f"Nothing was saved: {problems[0]}{more}")
    _write_answers(s, screen, template, parsed, source=source, user=user)
    s.flush()


def save_answers(db: Database, screen_id: int, answers: Mapping[str, AnswerInput | Answer], *,
                 source: str = "app", user: str = "", seen_version: Optional[int] = None) -> ScreenDetail:
    """Saves answers to some or all questions, all or nothing: one answer that does not fit changes nothing. With
    seen_version (the version the form showed), a screen someone else saved since is refused (ConcurrentEdit)."""
    with db.transaction() as s:
        _save_answers_in(s, screen_id, answers, source=source, user=user, seen_version=seen_version)
    return screen_detail(db, screen_id)


def _decision_checked(decision: str, reviewer: str, decided_on: Optional[date]) -> tuple[Decision, str, date]:
    """The decision, the reviewer's name and the date as recorded; refused before anything is read or written."""
    try:
        chosen = Decision.parse(decision)
    except ValueError as exc:
        raise UserError(str(exc)[:1].upper() + str(exc)[1:]) from None
    reviewer = " ".join((reviewer or "").split())
    if not reviewer:
        raise UserError("Name the reviewer who takes the decision.")
    decided_on = decided_on or date.today()
    if decided_on > date.today():
        raise UserError("The decision date cannot be in the future.")
    return chosen, reviewer, decided_on


def _decide_in(s: Session, screen_id: int, chosen: Decision, reviewer: str, decided_on: date,
               conditions: Optional[Sequence[ConditionInput]], notes: Optional[str], *, source: str,
               user: str, seen_version: Optional[int] = None) -> None:
    screen = _load_screen(s, screen_id)
    _seen(s, screen, seen_version)
    _refuse_if_decided(screen)
    template = row_template(s.get(ChecklistTemplate, screen.template_id))
    evaluation = evaluate(template, _answers(screen), decided_on)
    if chosen is Decision.CONDITIONS and conditions is None:
        conditions = [ConditionInput(c.text, decided_on + timedelta(days=c.days)) for c in evaluation.conditions]
    conditions = [ConditionInput(" ".join(c.text.split()), c.due_date) for c in (conditions or []) if c.text.strip()]
    if chosen is not Decision.CONDITIONS and conditions:
        raise UserError(f"Only an approval with conditions carries conditions; the decision is {chosen.value}.")
    for c in conditions:
        if c.due_date is not None and c.due_date < decided_on:
            raise UserError(f"The condition “{c.text}” would be due before the decision date.")
    try:
        check_decision(chosen, evaluation, [c.text for c in conditions])
    except ValueError as exc:
        raise UserError(str(exc)) from None
    for name, new in (("decision", chosen.value), ("reviewer", reviewer), ("decision_date", decided_on)):
        record_change(s, "vetting_screen", screen.id, name, getattr(screen, name), new,
                      supplier_id=screen.supplier_id, source=source, user=user,
                      note=f"suggested: {evaluation.suggested.value}" if name == "decision" else "")
    screen.decision, screen.reviewer, screen.decision_date = chosen.value, reviewer, decided_on
    screen.status = "decided"
    screen.score, screen.suggested_decision = evaluation.score, evaluation.suggested.value
    if notes is not None:
        screen.notes = notes.strip()
    for c in conditions:
        screen.conditions.append(VettingCondition(text=c.text, due_date=c.due_date, status="open"))


def decide_screen(db: Database, screen_id: int, decision: str, reviewer: str, *, decided_on: Optional[date] = None,
                  conditions: Optional[Sequence[ConditionInput]] = None, notes: Optional[str] = None,
                  source: str = "app", user: str = "") -> ScreenDetail:
    """Records the reviewer's decision and its date; the conditions of an approval become tracked action items.

    With 'approve with conditions' and no conditions given, the checklist's proposed conditions are used, each due
    its number of days after the decision.
    """
    chosen, reviewer, decided_on = _decision_checked(decision, reviewer, decided_on)
    with db.transaction() as s:
        _decide_in(s, screen_id, chosen, reviewer, decided_on, conditions, notes, source=source, user=user)
    return screen_detail(db, screen_id)


def save_and_decide(db: Database, screen_id: int, answers: Optional[Mapping[str, AnswerInput | Answer]],
                    decision: str, reviewer: str, *, decided_on: Optional[date] = None,
                    conditions: Optional[Sequence[ConditionInput]] = None, notes: Optional[str] = None,
                    source: str = "app", user: str = "", seen_version: Optional[int] = None) -> ScreenDetail:
    """Saves the answers still being edited and records the decision on them, in one transaction: a decision that
    is refused leaves the answers unsaved too (the form still holds them). With seen_version, a screen someone else
    saved since the form showed it is refused whole (ConcurrentEdit)."""
    chosen, reviewer, decided_on = _decision_checked(decision, reviewer, decided_on)
    with db.transaction() as s:
        screen = _load_screen(s, screen_id)
        _seen(s, screen, seen_version)
        if answers:
            _save_answers_in(s, screen_id, answers, source=source, user=user)
        _decide_in(s, screen_id, chosen, reviewer, decided_on, conditions, notes, source=source, user=user)
    return screen_detail(db, screen_id)


def reopen_screen(db: Database, screen_id: int, *, note: str = "", source: str = "app", user: str = "",
                  seen_version: Optional[int] = None) -> ScreenDetail:
    """Takes back a decision so the answers can change; its open conditions are withdrawn (kept in the history)."""
    with db.transaction() as s:
        screen = _load_screen(s, screen_id)
        _seen(s, screen, seen_version)
        if not screen.decision:
            raise UserError(f"Vetting screen {screen_id} has no decision to take back.")
        for name in ("decision", "reviewer", "decision_date"):
            record_change(s, "vetting_screen", screen.id, name, getattr(screen, name), None,
                          supplier_id=screen.supplier_id, source=source, user=user, note=note)
        screen.decision, screen.reviewer, screen.decision_date, screen.status = None, "", None, "draft"
        for c in screen.conditions:
            if c.status == "open":
                record_change(s, "vetting_condition", c.id, "status", c.status, "withdrawn",
                              supplier_id=screen.supplier_id, source=source, user=user, note="screen reopened")
                c.status = "withdrawn"
    return screen_detail(db, screen_id)


def delete_screen(db: Database, screen_id: int, *, source: str = "app", user: str = "") -> None:
    """Deletes a screen that was never decided (a decided one is a record and stays)."""
    with db.transaction() as s:
        screen = _load_screen(s, screen_id)
        if screen.decision:
            raise UserError(f"Vetting screen {screen_id} was decided; a decided screen is kept as a record.")
        record_change(s, "vetting_screen", screen.id, "deleted", None, "deleted", supplier_id=screen.supplier_id,
                      source=source, user=user)
        s.delete(screen)


# -- conditions ---------------------------------------------------------------------------------------------------

def _normal_condition_status(status: str) -> str:
    status = (status or "").strip().lower()
    if status == "met":
        status = "closed"
    if status not in CONDITION_STATUSES:
        raise UserError(f"A condition is {', '.join(CONDITION_STATUSES)}; not {status!r}.")
    return status


def _set_condition_status_in(s: Session, condition_id: int, status: str, on: date, *, source: str, user: str,
                             note: str) -> ConditionInfo:
    c = s.get(VettingCondition, condition_id)
    if c is None:
        raise NotFound(f"No vetting condition {condition_id}.")
    screen = s.get(VettingScreen, c.screen_id)
    if c.status == status:
        raise UserError(f"The condition is already {status}.")
    record_change(s, "vetting_condition", c.id, "status", c.status, status, supplier_id=screen.supplier_id,
                  source=source, user=user, note=note)
    c.status = status
    c.closed_date = on if status == "closed" else None
    supplier = s.get(Supplier, screen.supplier_id) if screen.supplier_id else None
    return _condition_info(c, date.today(), supplier.code if supplier else "", screen.subject)


def set_condition_status(db: Database, condition_id: int, status: str, *, on: Optional[date] = None,
                         source: str = "app", user: str = "", note: str = "") -> ConditionInfo:
    """Marks a condition closed (met), open again, or withdrawn."""
    status = _normal_condition_status(status)
    with db.transaction() as s:
        return _set_condition_status_in(s, condition_id, status, on or date.today(), source=source, user=user,
                                        note=note)


def set_conditions_status(db: Database, condition_ids: Sequence[int], status: str, *, on: Optional[date] = None,
                          source: str = "app", user: str = "", note: str = "") -> list[ConditionInfo]:
    """Marks several conditions at once, all or nothing: one that cannot change (already so) changes none."""
    status = _normal_condition_status(status)
    with db.transaction() as s:
        return [_set_condition_status_in(s, cid, status, on or date.today(), source=source, user=user, note=note)
                for cid in condition_ids]


def list_conditions(db: Database, *, supplier_code: Optional[str] = None, open_only: bool = False,
                    today: Optional[date] = None) -> list[ConditionInfo]:
    """Vetting conditions as action items, soonest due first."""
    today = today or date.today()
    with db.reading() as s:
        q = (select(VettingCondition, VettingScreen.subject, Supplier.code)
             .join(VettingScreen, VettingScreen.id == VettingCondition.screen_id)
             .outerjoin(Supplier, Supplier.id == VettingScreen.supplier_id))
        if supplier_code:
            q = q.where(VettingScreen.supplier_id == _supplier(s, supplier_code).id)
        if open_only:
            q = q.where(VettingCondition.status == "open")
        rows = [_condition_info(c, today, code or "", subject) for c, subject, code in s.execute(q)]
    return sorted(rows, key=lambda c: (c.status != "open", c.due_date or date.max, c.id))


# -- outputs ------------------------------------------------------------------------------------------------------

def screen_summary(detail: ScreenDetail) -> dict[str, Any]:
    """The screen as the command line prints it; `decision` is the reviewer's once recorded, else the suggestion."""
    e = detail.evaluation
    return {
        "screen_id": detail.id,
        "score": e.score,
        "decision": detail.effective_decision,
        "knockouts": [k.text for k in e.knockouts],
        "suggested_decision": e.suggested.value,
        "decided": detail.decided,
        "reviewer": detail.reviewer,
        "decision_date": detail.decision_date,
        "reasons": list(e.reasons),
        "template": {"key": detail.template.key, "version": detail.template.version, "title": detail.template.title},
        "supplier": detail.supplier_code or None,
        "subject": detail.subject or None,
        "answered": e.answered,
        "questions": e.questions,
        "unanswered_required": list(e.unanswered_required),
        "conditions": [{"id": c.id, "text": c.text, "due_date": c.due_date, "status": c.status, "overdue": c.overdue}
                       for c in detail.conditions],
        "proposed_conditions": [{"question": c.question_id, "text": c.text, "days": c.days} for c in e.conditions],
    }


def _gate_reason(text: str) -> str:
    """An approval-gate refusal as a letter states it: what is still needed, without the app's lead-in."""
    for lead in ("The supplier cannot be approved: ",):
        if text.startswith(lead):
            text = text[len(lead):]
    return text.rstrip(".")


def vetting_letter_context(db: Database, screen_id: int, today: Optional[date] = None) -> dict[str, Any]:
    """What a decision letter needs, as plain data. Keys are documented in docs and the module's report.

    The first keys match exchange.letter_context.VettingFacts field for field; the rest add the supplier, the
    checklist's version, its reasons and the knock-outs in both languages.
    """
    detail = screen_detail(db, screen_id, today)
    if not detail.decided:
        raise UserError(f"Vetting screen {screen_id} has no decision yet; record the decision before the letter.")
    from csrdesk.services.settings import load_preferences

    prefs = load_preferences(db)
    supplier: Optional[dict[str, Any]] = None
    if detail.supplier_id is not None:
        with db.reading() as s:
            sup = s.scalar(select(Supplier).where(Supplier.id == detail.supplier_id)
                           .options(selectinload(Supplier.contacts)))
            contact = next((c for c in sup.contacts if "compliance" in c.role.lower()), None) or (
                sup.contacts[0] if sup.contacts else None)
            supplier = {
                "code": sup.code, "name": sup.name, "local_name": sup.local_name, "country": sup.country,
                "address": sup.address, "status": sup.status,
                "contact_name": contact.name if contact else "", "contact_email": contact.email if contact else "",
                "contact_language": contact.language if contact else "en",
            }
    e = detail.evaluation
    decision = Decision(detail.decision)
    # A letter never promises what the app refuses: what still stands between the supplier and production.
    still_missing: tuple[str, ...] = ()
    if decision.is_positive and detail.supplier_code and detail.template.kind == "supplier":
        from csrdesk.services.suppliers import approval_gate, status_move_reason

        still_missing = tuple(_gate_reason(text) for text in approval_gate(db, detail.supplier_code)
                              if not status_move_reason(text))
    return {
        # the fields of exchange.letter_context.VettingFacts
        "screen_id": detail.id,
        "checklist_title": detail.template.title,
        "subject": detail.name,
        "status": detail.status,
        "score": e.score,
        "suggested_decision": e.suggested.value,
        "decision": decision.value,
        "reviewer": detail.reviewer,
        "decision_date": detail.decision_date,
        "notes": detail.notes,
        "conditions": tuple((c.text, c.due_date, c.status) for c in detail.conditions if c.status != "withdrawn"),
        "knock_outs": tuple(k.text for k in e.knockouts),
        "still_missing": still_missing,
        "approve_from": detail.template.thresholds.approve,
        "conditional_from": detail.template.thresholds.conditional,
        # more detail
        "reference": f"VET-{detail.supplier_code or 'X'}-{detail.id:04d}",
        "checklist_title_zh": detail.template.title_zh,
        "checklist_key": detail.template.key,
        "checklist_version": detail.template.version,
        "checklist_kind": detail.template.kind,
        "decision_zh": decision.label_zh,
        "approved": decision.is_positive,
        "reasons": list(e.reasons),
        "knockouts_detail": [{"question": k.text, "question_zh": k.text_zh, "answer": k.answer} for k in e.knockouts],
        "thresholds": {"approve": detail.template.thresholds.approve,
                       "conditional": detail.template.thresholds.conditional},
        "supplier": supplier,
        "sender": {"name": prefs.user_name, "title": prefs.user_title, "email": prefs.user_email,
                   "company": prefs.company, "company_address": prefs.company_address, "signature": prefs.signature},
        "letter_language": prefs.letter_language,
        "today": today or date.today(),
    }


# -- the questionnaire workbook: sent to a supplier, read back ------------------------------------------------------

@dataclass(frozen=True)
class QuestionnaireImport:
    """What a returned questionnaire changes on its screen (and, once applied, the backup taken before)."""

    screen_id: int
    file: Path
    supplier_code: str
    subject: str
    template_key: str
    template_version: int
    changes: tuple[AnswerChange, ...]
    problems: tuple[str, ...]
    evaluation: Evaluation  # the screen as it is once the changes are applied
    applied: bool = False
    backup: Optional[Path] = None
    answers: dict[str, Answer] = field(default_factory=dict, repr=False)  # every answer once applied
    notes: tuple[str, ...] = ()  # how ambiguous answers were read (5/3/2027 day first)
    template_title: str = ""  # the checklist as the user knows it ("New supplier social and environmental …")

    @property
    def empty(self) -> bool:
        return not self.changes


QUESTIONNAIRE_REFUSED = "Questionnaire refused, nothing was changed: "


def export_questionnaire(db: Database, screen_id: int, path: Path | str, *, today: Optional[date] = None) -> Path:
    """Writes the questionnaire of a screen (with any answers it already has) to path."""
    from csrdesk.exchange.questionnaire import QuestionnaireData, write_questionnaire
    from csrdesk.services.settings import load_preferences
    from csrdesk.services.trackers import workspace_secret

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"A questionnaire is an Excel file: give a file name ending in .xlsx, not {path.name!r}.")
    detail = screen_detail(db, screen_id, today)
    if detail.decided:
        raise UserError(f"Vetting screen {screen_id} was decided ({detail.decision}); reopen it before sending "
                        "the questionnaire again.")
    prefs = load_preferences(db)
    data = QuestionnaireData(
        screen_id=detail.id, template=detail.template, supplier_id=detail.supplier_id,
        supplier_code=detail.supplier_code, supplier_name=detail.supplier_name,
        supplier_local_name=detail.supplier_local_name, subject=detail.subject, answers=detail.answers,
        company=prefs.company, export_id=uuid.uuid4().hex, exported_at=datetime.now(),
    )
    try:
        return write_questionnaire(data, path, workspace_secret(db, create=True))
    except OSError as exc:
        raise UserError(f"Could not write {path}: {exc.strerror or exc}.") from None


def export_for_supplier(db: Database, supplier_code: str, template_key: str, path: Path | str) -> tuple[int, Path]:
    """Sends a checklist to a supplier: its undecided screen of that checklist, or a new one. Returns (screen, path)."""
    screen_id = open_screen_for(db, template_key, supplier_code)
    if screen_id is None:
        screen_id = start_screen(db, template_key, supplier_code=supplier_code, source="questionnaire export").id
    return screen_id, export_questionnaire(db, screen_id, path)


def _compare_returned(s: Session, returned: ReturnedQuestionnaire, name: str):
    """The screen a returned questionnaire belongs to, checked against it, and what the file would change."""
    from csrdesk.exchange.questionnaire import compare as compare_questionnaire

    prefix = QUESTIONNAIRE_REFUSED
    who = returned.supplier_code or returned.header.get("subject", "")
    try:
        screen = _load_screen(s, returned.screen_id)
    except UserError:
        raise UserError(prefix + f"{name} is for vetting screen {returned.screen_id}, which is not in this "
                                 "workspace (was it deleted?).") from None
    row = s.get(ChecklistTemplate, screen.template_id)
    supplier = s.get(Supplier, screen.supplier_id) if screen.supplier_id else None
    if screen.supplier_id != returned.supplier_id:
        raise UserError(prefix + f"{name} was sent to {who or 'a firm'}, but screen {screen.id} belongs to "
                                 f"{supplier.code if supplier else screen.subject}.")
    if row.key != returned.template_key or row.version != returned.template_version:
        raise UserError(prefix + f"{name} holds {returned.template_key} version {returned.template_version}, but "
                                 f"screen {screen.id} is {row.key} version {row.version}.")
    if screen.decision:
        raise UserError(prefix + f"screen {screen.id} was decided ({screen.decision}); reopen it to take in "
                                 "new answers.")
    template = row_template(row)
    changes, problems, after, notes = compare_questionnaire(template, _answers(screen), returned)
    return screen, template, supplier, changes, problems, after, notes


def import_questionnaire(db: Database, path: Path | str, *, screen_id: Optional[int] = None,
                         supplier_code: Optional[str] = None, apply: bool = False,
                         source: str = "questionnaire import", user: str = "") -> QuestionnaireImport:
    """Reads a returned questionnaire and compares it with its screen; with apply, stores every change or none.

    screen_id or supplier_code, when given, are what the user expects the file to be; a file for another screen or
    supplier is refused. Any refusal raises UserError with one line and changes nothing.
    """
    from csrdesk.exchange.questionnaire import QuestionnaireRefused, read_questionnaire
    from csrdesk.services.backup import bulk_change
    from csrdesk.services.trackers import workspace_secret

    path = Path(path)
    name = path.name
    prefix = QUESTIONNAIRE_REFUSED
    try:
        returned = read_questionnaire(path, workspace_secret(db, create=False))
    except QuestionnaireRefused as exc:
        raise UserError(prefix + str(exc)) from None
    who = returned.supplier_code or returned.header.get("subject", "")
    if screen_id is not None and returned.screen_id != screen_id:
        raise UserError(prefix + f"{name} is the questionnaire of screen {returned.screen_id} ({who}), "
                                 f"not of screen {screen_id}.")
    if supplier_code is not None and returned.supplier_code != supplier_code.strip():
        raise UserError(prefix + f"{name} is the questionnaire of {who or 'a firm'}, not of supplier {supplier_code}.")

    with db.reading() as s:
        screen, template, supplier, changes, problems, after, notes = _compare_returned(s, returned, name)
        result = QuestionnaireImport(
            screen_id=screen.id, file=path, supplier_code=supplier.code if supplier else "", subject=screen.subject,
            template_key=template.key, template_version=template.version, changes=tuple(changes),
            problems=tuple(problems), evaluation=evaluate(template, after), answers=after, notes=tuple(notes),
            template_title=template.title,
        )
    if not apply:
        return result
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(prefix + f"{problems[0]}{more}")
    if not changes:
        return result
    with bulk_change(db, "questionnaire-import") as backup, db.transaction() as s:
        screen, template, _supplier, changes2, problems2, after2, _notes = _compare_returned(s, returned, name)
        if problems2 or [c.question_id for c in changes2] != [c.question_id for c in changes]:
            raise UserError(prefix + "the screen changed while the file was being read; import it again.")
        _write_answers(s, screen, template, {c.question_id: after2[c.question_id] for c in changes2},
                       source=source, user=user)
    return replace(result, applied=True, backup=backup)
