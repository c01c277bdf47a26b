"""Verification of remediation: visit verdicts and what they do to CAP items, progress, categories, escalation.

The words are DOMAIN.md's ("Verification of remediation (RVV)"). A verification visit judges each reported CAP
item; the CAP is updated from the verdicts; the factory's progress is placed in one of four categories, suggested
here from whether evidence came before the visit and from the verdicts, and confirmed by the person. Factories that
lag are escalated step by step along a fixed ladder. A visit checks CAP items; it is never an assessment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Iterable, Optional, Sequence

from csrdesk.domain.caps import progress_rate
from csrdesk.domain.lifecycle import ItemStatus

VISIT_DUE_DAYS = 42        # the visit falls due about six weeks after the CAP meeting (a setting)
REOPEN_DUE_DAYS = 30       # an item sent back at a visit gets this long to be put right (a setting)

# Category suggestion thresholds (shares of the items checked at the visit).
GOOD_PROGRESS_SHARE = 0.6   # done correctly, for "good progress" (category 4)
ERROR_TOLERANCE = 0.1       # done with errors tolerated in "good progress"
GROUND_PROGRESS_SHARE = 0.3  # done at all (correctly or not), for "progress on the ground" without evidence (2)
EVIDENCE_SHARE = 0.5        # items with evidence before the visit, for "evidence submitted"

# Escalation rules.
OVERDUE_SHARE = 0.5         # overdue among open items that makes a factory lag
FAST_PROGRESS_RATE = 75.0   # progress rate (percent) of a fast, motivated factory


class Verdict(str, Enum):
    DONE_CORRECTLY = "done_correctly"
    DONE_WITH_ERRORS = "done_with_errors"
    NOT_DONE = "not_done"
    NOT_CHECKED = "not_checked"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def label_zh(self) -> str:
        return VERDICT_ZH[self]

    @property
    def sends_back(self) -> bool:
        """The item goes back to the factory with a new due date."""
        return self in (Verdict.DONE_WITH_ERRORS, Verdict.NOT_DONE)


VERDICT_ZH = {
    Verdict.DONE_CORRECTLY: "已正确完成",
    Verdict.DONE_WITH_ERRORS: "已完成但有错误",
    Verdict.NOT_DONE: "未完成",
    Verdict.NOT_CHECKED: "未核查",
}
# The keys 1-4 of the visit screen and the number a verifier may type in the on-site sheet.
VERDICT_KEYS = {"1": Verdict.DONE_CORRECTLY, "2": Verdict.DONE_WITH_ERRORS, "3": Verdict.NOT_DONE,
                "4": Verdict.NOT_CHECKED}


class VerdictError(ValueError):
    """A verdict that cannot be taken; the message says why in the user's words."""


def _key(text: str) -> str:
    return " ".join(str(text or "").replace("_", " ").replace("-", " ").lower().split())


def _verdict_lookup() -> dict[str, Verdict]:
    table: dict[str, Verdict] = {}
    for v in Verdict:
        for form in (v.value, v.label, v.label_zh, f"{v.label} / {v.label_zh}", f"{v.label}/{v.label_zh}"):
            table[_key(form)] = v
    for number, v in VERDICT_KEYS.items():
        table[number] = v
    return table


_VERDICTS = _verdict_lookup()


def verdict_label(v: Verdict) -> str:
    """The bilingual label of a verdict, as the on-site sheet's dropdown shows it."""
    return f"{v.label} / {v.label_zh}"


def parse_verdict(text: str) -> Optional[Verdict]:
    """The verdict a text names (snake_case, words, Chinese, the bilingual label, or 1-4); None for blank.

    Raises VerdictError for anything else.
    """
    key = _key(text)
    if not key:
        return None
    found = _VERDICTS.get(key)
    if found is None:
        raise VerdictError(
            f"unknown verdict {str(text).strip()!r}; use one of {', '.join(v.value for v in Verdict)}"
        )
    return found


# --- what a verdict does to a CAP item ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemMove:
    """The change a verdict makes to one CAP item. status None leaves the status as it is."""

    status: Optional[ItemStatus]
    verification_date: Optional[date] = None
    due_date: Optional[date] = None
    note: str = ""


def verdict_move(verdict: Verdict, current: ItemStatus | str, *, has_plan: bool, visit_date: date,
                 reopen_days: int = REOPEN_DUE_DAYS, note: str = "") -> ItemMove:
    """What a verdict does to an item: done correctly -> verified (dated the visit); done with errors and not done
    -> back to the factory (action planned when it has a plan, open when it has none or was open) with a new due
    date and the verifier's note; not checked -> nothing, but it needs a note saying why.

    The visit judges the work on the ground, so an item moves straight to verified from any open status (the
    factory need not have marked evidence submitted first). A verified or closed item found undone is reopened.
    """
    current = ItemStatus(current)
    note = (note or "").strip()
    if verdict is Verdict.NOT_CHECKED:
        if not note:
            raise VerdictError("an item not checked needs a note saying why")
        return ItemMove(None, note=note)
    if verdict is Verdict.DONE_CORRECTLY:
        if current in (ItemStatus.VERIFIED, ItemStatus.CLOSED):
            return ItemMove(None, note=note)
        return ItemMove(ItemStatus.VERIFIED, verification_date=visit_date, note=note)
    if reopen_days < 0:
        raise VerdictError("the days allowed for an item sent back cannot be negative")
    back = ItemStatus.ACTION_PLANNED if has_plan and current is not ItemStatus.OPEN else ItemStatus.OPEN
    return ItemMove(None if current is back else back, due_date=visit_date + timedelta(days=int(reopen_days)),
                    note=note)


def verification_note(verdict: Verdict, visit_date: date, note: str) -> str:
    """The line a visit adds to an item's verification notes: when, what was found, the verifier's words."""
    text = f"Visit {visit_date.isoformat()}: {verdict.label}"
    note = (note or "").strip()
    return f"{text}. {note}" if note else text + "."


# --- the visit as a whole -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """How many items a verification visit found done correctly, done with errors, not done or not checked."""

    done_correctly: int = 0
    done_with_errors: int = 0
    not_done: int = 0
    not_checked: int = 0

    @property
    def checked(self) -> int:
        return self.done_correctly + self.done_with_errors + self.not_done

    @property
    def total(self) -> int:
        return self.checked + self.not_checked


def tally(verdicts: Iterable[Verdict]) -> Tally:
    counts = {v: 0 for v in Verdict}
    for v in verdicts:
        counts[Verdict(v)] += 1
    return Tally(counts[Verdict.DONE_CORRECTLY], counts[Verdict.DONE_WITH_ERRORS], counts[Verdict.NOT_DONE],
                 counts[Verdict.NOT_CHECKED])


def visit_progress_rate(original_items: int, done_items: int) -> Optional[float]:
    """The CAP's progress rate after the visit: the share (0-100) of its original items verified as fixed."""
    return progress_rate(original_items, done_items)


def evidence_before_visit(items_with_evidence: int, items_judged: int) -> bool:
    """Evidence came before the visit when at least half of the items judged had evidence sent for them."""
    if items_judged <= 0:
        return False
    return items_with_evidence / items_judged >= EVIDENCE_SHARE


PROGRESS_CATEGORIES = {
    1: ("Not submitting evidence, with an overall lack of motivation.", "未提交证据，整体缺乏整改意愿。"),
    2: ("Not submitting evidence, but actually making progress on the ground.", "未提交证据，但现场确有整改进展。"),
    3: ("Verified evidence, but erring in some aspects of remediation.", "证据已核实，但部分整改存在错误。"),
    4: ("Verified evidence and making good progress.", "证据已核实，整改进展良好。"),
}
CATEGORY_SHORT = {1: "no evidence, no motivation", 2: "no evidence, progress on the ground",
                  3: "evidence, partly wrong", 4: "evidence, good progress"}


@dataclass(frozen=True)
class CategorySuggestion:
    """The progress category a visit's verdicts suggest for the factory, and the sentence saying why."""

    category: int
    reason: str


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def suggest_category(evidence: bool, verdicts: Iterable[Verdict]) -> Optional[CategorySuggestion]:
    """The progress category (1-4) the evidence and the verdicts suggest, with the reason; None when no item was
    checked (nothing to judge the factory by). The person confirms or changes it."""
    t = tally(verdicts)
    if not t.checked:
        return None
    correct = _share(t.done_correctly, t.checked)
    errors = _share(t.done_with_errors, t.checked)
    ground = _share(t.done_correctly + t.done_with_errors, t.checked)
    done_words = f"{t.done_correctly} of {t.checked} items checked done correctly, {t.done_with_errors} with errors"
    if not evidence:
        if ground >= GROUND_PROGRESS_SHARE:
            return CategorySuggestion(2, f"No evidence before the visit, but {done_words}: progress on the ground.")
        return CategorySuggestion(1, f"No evidence before the visit and {done_words}: little sign of effort.")
    if correct >= GOOD_PROGRESS_SHARE and errors <= ERROR_TOLERANCE:
        return CategorySuggestion(4, f"Evidence before the visit and {done_words}: good progress.")
    return CategorySuggestion(3, f"Evidence before the visit, but {done_words}: remediation partly wrong.")


def check_category(value: object) -> int:
    """A category the person confirms: a whole number from 1 to 4."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number not in PROGRESS_CATEGORIES:
        raise VerdictError(f"the progress category must be 1, 2, 3 or 4, not {value!r}")
    return number


# --- planning -----------------------------------------------------------------------------------------------------

def visit_due(meeting: Optional[date], days: int = VISIT_DUE_DAYS) -> Optional[date]:
    """The day the verification visit falls due: a set number of days after the CAP meeting."""
    return meeting + timedelta(days=int(days)) if meeting else None


class PlanState(str, Enum):
    OVERDUE = "overdue"
    DUE = "due"          # due within the planning horizon
    LATER = "later"
    BOOKED = "booked"
    DONE = "done"        # visited since the meeting


def plan_state(visit_due_on: Optional[date], booked_on: Optional[date], visited_on: Optional[date], today: date,
               horizon_days: int = 21) -> Optional[PlanState]:
    """Where a CAP stands in the visit plan; None without a meeting date (nothing to plan yet)."""
    if visit_due_on is None:
        return None
    if visited_on is not None:
        return PlanState.DONE
    if booked_on is not None:
        return PlanState.BOOKED
    if visit_due_on < today:
        return PlanState.OVERDUE
    if visit_due_on <= today + timedelta(days=horizon_days):
        return PlanState.DUE
    return PlanState.LATER


ATTENDEE_ROLES = ("brand", "verifier", "worker representative", "union", "factory management", "sourcing")


def attendee_role(text: str) -> str:
    key = _key(text)
    aliases = {"worker rep": "worker representative", "workers": "worker representative",
               "worker": "worker representative", "management": "factory management", "factory": "factory management",
               "trade union": "union", "buyer": "sourcing", "merchandiser": "sourcing"}
    key = aliases.get(key, key)
    if key not in ATTENDEE_ROLES:
        raise VerdictError(f"unknown attendee role {text!r}; use one of {', '.join(ATTENDEE_ROLES)}")
    return key


# --- escalation ---------------------------------------------------------------------------------------------------

class EscalationStep(str, Enum):
    REMINDER = "reminder"
    WARNING_LETTER = "warning_letter"
    SENIOR_MANAGEMENT_MEETING = "senior_management_meeting"
    ORDERS_AT_RISK = "orders_at_risk"
    SUSPENSION = "suspension"
    RESPONSIBLE_EXIT = "responsible_exit"
    RESOLVED = "resolved"  # the factory caught up: the escalation ends

    @property
    def label(self) -> str:
        return ESCALATION_LABELS[self][0]

    @property
    def label_zh(self) -> str:
        return ESCALATION_LABELS[self][1]

    @property
    def rank(self) -> int:
        return LADDER.index(self) + 1 if self in LADDER else 0


LADDER: tuple[EscalationStep, ...] = (
    EscalationStep.REMINDER, EscalationStep.WARNING_LETTER, EscalationStep.SENIOR_MANAGEMENT_MEETING,
    EscalationStep.ORDERS_AT_RISK, EscalationStep.SUSPENSION, EscalationStep.RESPONSIBLE_EXIT,
)
ESCALATION_LABELS = {
    EscalationStep.REMINDER: ("Reminder", "提醒"),
    EscalationStep.WARNING_LETTER: ("Warning letter", "警告函"),
    EscalationStep.SENIOR_MANAGEMENT_MEETING: ("Meeting with senior management", "与高层管理人员会谈"),
    EscalationStep.ORDERS_AT_RISK: ("Orders at risk", "订单面临风险"),
    EscalationStep.SUSPENSION: ("Suspension", "暂停合作"),
    EscalationStep.RESPONSIBLE_EXIT: ("Responsible exit", "负责任退出"),
    EscalationStep.RESOLVED: ("Resolved", "已解决"),
}
# The supplier lifecycle status a step moves the supplier to (through the lifecycle's own rules).
STEP_SUPPLIER_STATUS = {EscalationStep.SUSPENSION: "suspended", EscalationStep.RESPONSIBLE_EXIT: "exiting"}


class EscalationRefused(ValueError):
    """A step the ladder does not allow; the message says why."""


def parse_step(text: str) -> EscalationStep:
    key = _key(text).replace(" ", "_")
    for step in EscalationStep:
        if key in (step.value, _key(step.label).replace(" ", "_")):
            return step
    aliases = {"warning": EscalationStep.WARNING_LETTER, "meeting": EscalationStep.SENIOR_MANAGEMENT_MEETING,
               "senior_management": EscalationStep.SENIOR_MANAGEMENT_MEETING, "orders": EscalationStep.ORDERS_AT_RISK,
               "suspend": EscalationStep.SUSPENSION, "exit": EscalationStep.RESPONSIBLE_EXIT}
    if key in aliases:
        return aliases[key]
    raise EscalationRefused(
        f"unknown escalation step {text!r}; use one of {', '.join(s.value for s in EscalationStep)}"
    )


def next_step(current: Optional[EscalationStep]) -> Optional[EscalationStep]:
    """The next rung of the ladder (the first when not escalated); None at the top."""
    if current is None or current is EscalationStep.RESOLVED:
        return LADDER[0]
    i = LADDER.index(current)
    return LADDER[i + 1] if i + 1 < len(LADDER) else None


def check_step(current: Optional[EscalationStep], target: EscalationStep, reason: str) -> None:
    """Raises EscalationRefused unless target is allowed from current: one rung up at a time (never skipping),
    back down to any earlier rung, or resolved; every step needs a reason."""
    if not (reason or "").strip():
        raise EscalationRefused("every escalation step needs a reason")
    if target is EscalationStep.RESOLVED:
        if current in (None, EscalationStep.RESOLVED):
            raise EscalationRefused("the supplier is not escalated; there is nothing to resolve")
        return
    if current is target:
        raise EscalationRefused(f"the supplier is already at {target.label.lower()}")
    if current not in (None, EscalationStep.RESOLVED) and target.rank < current.rank:
        return  # stepping back down the ladder
    expected = next_step(current)
    if target is not expected:
        where = "not escalated" if current in (None, EscalationStep.RESOLVED) else f"at {current.label.lower()}"
        raise EscalationRefused(
            f"escalation goes step by step: the supplier is {where}, so the next step is "
            f"{expected.value if expected else 'none (the top of the ladder)'}, not {target.value}"
        )


@dataclass(frozen=True)
class LagFacts:
    """What the escalation rules look at for one supplier (gathered by the services)."""

    open_items: int = 0
    overdue_items: int = 0
    latest_category: Optional[int] = None
    latest_visit: Optional[date] = None
    evidence_before_latest_visit: Optional[bool] = None
    visit_overdue_since: Optional[date] = None  # a visit due after the CAP meeting, not held, past its date


def lag_reasons(f: LagFacts) -> list[str]:
    """Why a factory is not remediating fast enough (empty when it is)."""
    reasons = []
    if f.latest_category in (1, 2):
        reasons.append(f"progress category {f.latest_category} ({CATEGORY_SHORT[f.latest_category]}) at the visit "
                       f"of {f.latest_visit.isoformat() if f.latest_visit else 'unknown date'}")
    if f.open_items and f.overdue_items / f.open_items >= OVERDUE_SHARE:
        reasons.append(f"{f.overdue_items} of {f.open_items} open CAP items overdue "
                       f"({round(100 * f.overdue_items / f.open_items)}%)")
    if f.latest_visit is not None and f.evidence_before_latest_visit is False:
        reasons.append(f"no evidence sent before the visit of {f.latest_visit.isoformat()}")
    if f.visit_overdue_since is not None:
        reasons.append(f"verification visit overdue since {f.visit_overdue_since.isoformat()}")
    return reasons


def lag_since(f: LagFacts, oldest_overdue: Optional[date]) -> Optional[date]:
    """The earliest date the lag goes back to (the visit that showed it, the overdue visit, the oldest overdue
    item), for lists."""
    dates = [f.visit_overdue_since]
    if f.latest_category in (1, 2) or f.evidence_before_latest_visit is False:
        dates.append(f.latest_visit)
    if f.open_items and f.overdue_items / f.open_items >= OVERDUE_SHARE:
        dates.append(oldest_overdue)
    found = [d for d in dates if d is not None]
    return min(found) if found else None


# --- good news ----------------------------------------------------------------------------------------------------

def ready_for_final_inspection(items: int, done: int) -> bool:
    """Every item of the CAP verified (or closed): the factory is ready for the final inspection."""
    return items > 0 and done >= items


def fast_and_motivated(category: Optional[int], evidence: Optional[bool], rate: Optional[float],
                       days_meeting_to_visit: Optional[int], due_days: int = VISIT_DUE_DAYS) -> bool:
    """A factory worth showing as an example: good progress with evidence at its latest visit, most of the CAP
    done, and the visit held on time."""
    return (category == 4 and bool(evidence) and rate is not None and rate >= FAST_PROGRESS_RATE
            and (days_meeting_to_visit is None or days_meeting_to_visit <= due_days + 14))


def share_failed(verdicts: Sequence[Verdict]) -> Optional[float]:
    """The share (0-100) of checked items that failed verification (done with errors or not done)."""
    t = tally(verdicts)
    if not t.checked:
        return None
    return round(100.0 * (t.done_with_errors + t.not_done) / t.checked, 1)
