"""A vetting screen as the reviewer edits it: answers as typed, the live score, the decision and its conditions.

The Qt form only draws this state and passes on what the user types; everything it decides (what counts as an
edit, what to save, how each answer scores, which decision is suggested, which conditions are proposed, which
actions are possible) is here, so it is tested without a GUI.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping, Optional, Sequence

from csrdesk.domain.reporting import plural
from csrdesk.domain.vetting import Answer, AnswerError, Decision, Evaluation, Template, evaluate, parse_answer
from csrdesk.errors import UserError


@dataclass(frozen=True)
class AnswerInput:
    """An answer as typed (a form widget's value or a workbook cell); None leaves the question unanswered."""

    value: Any = None
    evidence: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ConditionInput:
    """A condition of an approval as the reviewer states it."""

    text: str
    due_date: Optional[date] = None


@dataclass(frozen=True)
class Mark:
    """How one answer scores, as shown beside it. kind: error, unanswered, knockout, na, met, short or noted."""

    kind: str
    text: str = ""
    evidence_missing: bool = False


@dataclass(frozen=True)
class DecisionRequest:
    """What recording the decision sends: the unsaved answers (None when there are none) and the decision.

    conditions None means: the checklist's proposed conditions (an empty table on an approval with conditions).
    """

    answers: Optional[dict[str, AnswerInput]]
    decision: str
    reviewer: str
    decided_on: date
    conditions: Optional[list[ConditionInput]]
    notes: str


def read_conditions(rows: Iterable[tuple[str, str]]) -> list[ConditionInput]:
    """Conditions from (text, due date as typed) rows; rows without text are skipped. A due date that is not
    YYYY-MM-DD is refused with the condition it belongs to."""
    out = []
    for text, due_text in rows:
        text, due_text = (text or "").strip(), (due_text or "").strip()
        if not text:
            continue
        try:
            due = date.fromisoformat(due_text) if due_text else None
        except ValueError:
            raise UserError(f"The due date {due_text!r} of “{text}” is not a date (YYYY-MM-DD).") from None
        out.append(ConditionInput(text, due))
    return out


class ScreenState:
    """One screen being filled in: the saved answers, the user's edits on top, and the decision being prepared."""

    def __init__(self, template: Template, saved: Mapping[str, Answer], *, decided: bool = False,
                 decision_date: Optional[date] = None, today: Optional[date] = None) -> None:
        self.template = template
        self.saved = dict(saved)
        self.decided = decided
        # A decided screen is scored as on its decision day; an open one as of today.
        self.when = decision_date or today or date.today()
        self._edits: dict[str, AnswerInput] = {}
        self.errors: dict[str, str] = {}
        self.decision: Decision = Decision.APPROVE
        self.decision_touched = False
        self.evaluation: Evaluation = self.evaluate()

    # -- answers -----------------------------------------------------------------------------------------------------
    def edit(self, question_id: str, typed: AnswerInput) -> Evaluation:
        """The user changed a question's answer, evidence or comment; returns the new score."""
        self.template.question(question_id)  # an unknown question is a bug of the caller
        self._edits[question_id] = AnswerInput(typed.value, (typed.evidence or "").strip(),
                                               (typed.comment or "").strip())
        return self.evaluate()

    def parsed(self, question_id: str) -> tuple[Optional[Answer], str]:
        """(the answer as it would be stored, why it cannot be) for one question; unedited ones are as saved."""
        typed = self._edits.get(question_id)
        if typed is None:
            return self.saved.get(question_id), ""
        try:
            value = parse_answer(self.template.question(question_id), typed.value)
        except AnswerError as exc:
            return None, str(exc)
        return Answer(value, " ".join(typed.evidence.split()), typed.comment), ""

    def current_answers(self) -> tuple[dict[str, Answer], dict[str, str]]:
        """The answers as typed (read by the domain rules) and the errors of those that do not fit."""
        answers: dict[str, Answer] = {}
        errors: dict[str, str] = {}
        for q in self.template.questions():
            answer, error = self.parsed(q.id)
            if error:
                errors[q.id] = error
            elif answer is not None and (answer.value is not None or answer.evidence or answer.comment):
                answers[q.id] = answer
        return answers, errors

    def answers_to_save(self) -> dict[str, AnswerInput]:
        """The edits that differ from what is saved (or cannot be read: the service says why on saving)."""
        out = {}
        for qid, typed in self._edits.items():
            parsed, error = self.parsed(qid)
            if error or parsed != self.saved.get(qid, Answer()):
                out[qid] = typed
        return out

    @property
    def dirty(self) -> bool:
        return bool(self.answers_to_save())

    # -- the score -----------------------------------------------------------------------------------------------------
    def evaluate(self) -> Evaluation:
        answers, self.errors = self.current_answers()
        self.evaluation = evaluate(self.template, answers, self.when)
        if not self.decided and not self.decision_touched:
            self.decision = self.evaluation.suggested
        return self.evaluation

    def mark(self, question_id: str) -> Mark:
        """How the answer to one question scores now."""
        error = self.errors.get(question_id)
        if error:
            return Mark("error", error)
        r = self.evaluation.results.get(question_id)
        if r is None or not r.answered:
            mark = Mark("unanswered", "required" if self.template.question(question_id).required else "")
        elif r.knockout:
            mark = Mark("knockout", "knock-out")
        elif not r.applicable:
            mark = Mark("na", "n/a")
        elif r.possible and r.earned >= r.possible:
            mark = Mark("met", f"{r.earned:g}/{r.possible:g}")
        elif r.possible:
            mark = Mark("short", f"{r.earned:g}/{r.possible:g}" + (f" ({r.note})" if r.note else ""))
        else:
            mark = Mark("noted", "noted")
        if r is not None and r.evidence_missing:
            mark = Mark(mark.kind, mark.text, evidence_missing=True)
        return mark

    def progress_text(self) -> str:
        e, th = self.evaluation, self.template.thresholds
        unreadable = f" · {plural(len(self.errors), 'answer')} not readable" if self.errors else ""
        return (f"{e.answered} of {e.questions} answered · approve at {th.approve:g}, with conditions at "
                f"{th.conditional:g}{unreadable}")

    def reasons(self) -> list[str]:
        """Why the score and the suggestion; knock-outs are listed on their own, so they are left out here."""
        return [r for r in self.evaluation.reasons if not r.startswith("Knock-out:")]

    # -- the decision ----------------------------------------------------------------------------------------------------
    def choose_decision(self, decision: str) -> None:
        """The reviewer picked a decision: it no longer follows the suggestion."""
        self.decision = Decision.parse(decision)
        self.decision_touched = True

    @property
    def takes_conditions(self) -> bool:
        return self.decision is Decision.CONDITIONS

    def proposed_conditions(self, start: date, have: Iterable[str] = ()) -> list[tuple[str, date]]:
        """The checklist's conditions for the answers that fell short, due from `start`, less those listed."""
        listed = set(have)
        return [(c.text, start + timedelta(days=c.days)) for c in self.evaluation.conditions if c.text not in listed]

    def decision_request(self, reviewer: str, decided_on: date, notes: str,
                         condition_rows: Sequence[tuple[str, str]]) -> DecisionRequest:
        """What to send to record the decision; raises UserError on a condition whose due date cannot be read."""
        conditions = read_conditions(condition_rows) if self.takes_conditions else []
        answers = self.answers_to_save()
        return DecisionRequest(answers or None, self.decision.value, reviewer, decided_on, conditions or None, notes)

    # -- what may be done now -------------------------------------------------------------------------------------------
    @property
    def can_save(self) -> bool:
        return self.dirty and not self.decided

    @property
    def can_revert(self) -> bool:
        return self.dirty

    @property
    def can_change(self) -> bool:
        """Export, import and delete: only while the screen is not decided."""
        return not self.decided
