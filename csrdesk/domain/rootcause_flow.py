"""The guided root-cause entry as a state machine: steps, next and back, validation per step, the review.

The Qt wizard only draws this flow (one page per step); everything it decides is here, so it is tested without a
GUI. Steps: finding -> whys -> categories -> actions -> leader_and_date -> review. The 5 Whys chain may stop early:
going on from the whys step after fewer than five answers means "this is the root cause".
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Callable, Mapping, Optional, Sequence

from csrdesk.domain.rootcause import (
    CAUSE_CATEGORIES, CATEGORY_BY_KEY, ELEMENT_BY_KEY, MAX_WHYS, SYSTEM_ELEMENTS, VICTIM_MEASURE_BY_KEY,
    EarlierAnswer, FindingFacts, PreventiveAction, QualityWarning, RiskSource, RootCauseAnalysis, check_answer,
    infer_categories, infer_elements, needs_victim_protection, render_preventive_action, render_root_cause,
    validate_actions, validate_categories, validate_leader_and_date, validate_whys, with_override, without_override,
)


class Step(str, Enum):
    FINDING = "finding"
    WHYS = "whys"
    CATEGORIES = "categories"
    ACTIONS = "actions"
    LEADER_AND_DATE = "leader_and_date"
    REVIEW = "review"


STEP_TITLES: Mapping[Step, str] = {
    Step.FINDING: "The finding",
    Step.WHYS: "5 Whys",
    Step.CATEGORIES: "Cause categories",
    Step.ACTIONS: "Preventive actions",
    Step.LEADER_AND_DATE: "Project leader and date",
    Step.REVIEW: "Review",
}


class StepInvalid(ValueError):
    """The current step cannot be left forwards; `problems` says why, in the user's words."""

    def __init__(self, step: Step, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.step = step
        self.problems = list(problems)


@dataclass(frozen=True)
class Suggestions:
    """What the user may pick from: the library's examples and what the same factory answered before."""

    root_causes: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    earlier: tuple[EarlierAnswer, ...] = ()


@dataclass(frozen=True)
class FlowContext:
    """What the entry is about; read-only for the flow."""

    finding: FindingFacts
    legal_requirement: str = ""
    code_requirement: str = ""
    suggested_remediation: str = ""
    suggestions: Suggestions = field(default_factory=Suggestions)
    item_label: str = ""  # e.g. "CAP 12, item 3: CN-0001 Golden Thread"
    category_title: str = ""  # the finding category in words


def _next_linear(step: Step) -> Callable[["RootCauseFlow"], Optional[Step]]:
    order = list(Step)
    following = order[order.index(step) + 1] if order.index(step) + 1 < len(order) else None
    return lambda flow: following


class RootCauseFlow:
    """A guided entry for one CAP item: the data being entered and where the user is."""

    # Each step: how to validate it, and which step follows (a function of the flow, as in a wizard navmap).
    NAVIGATION: Mapping[Step, Callable[["RootCauseFlow"], Optional[Step]]] = {s: _next_linear(s) for s in Step}
    VALIDATORS: Mapping[Step, Callable[[RootCauseAnalysis], list[str]]] = {
        Step.FINDING: lambda a: [],
        Step.WHYS: validate_whys,
        Step.CATEGORIES: validate_categories,
        Step.ACTIONS: validate_actions,
        Step.LEADER_AND_DATE: validate_leader_and_date,
        Step.REVIEW: lambda a: [],
    }

    def __init__(self, context: FlowContext, analysis: Optional[RootCauseAnalysis] = None) -> None:
        self.context = context
        self.data: RootCauseAnalysis = copy.deepcopy(analysis) if analysis is not None else RootCauseAnalysis()
        self.data.guided = True
        if not self.data.whys and self.data.root_cause:
            # an answer that came as free text: it becomes the first why, to be asked "why?" again
            self.data.whys = [self.data.root_cause]
        self._stack: list[Step] = [Step.FINDING]
        self._listeners: list[Callable[[], None]] = []

    # -- observers --------------------------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> None:
        """Called after every change of step or data (the wizard redraws)."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- navigation -------------------------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self._stack[-1]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(Step)

    @property
    def position(self) -> tuple[int, int]:
        """(number of the current step, counting from 1; number of steps)."""
        return list(Step).index(self.step) + 1, len(Step)

    @property
    def visited(self) -> tuple[Step, ...]:
        return tuple(self._stack)

    def problems(self, step: Optional[Step] = None) -> list[str]:
        """What keeps `step` (default: the current one) from being left forwards."""
        step = step or self.step
        return self.VALIDATORS[step](self.data)

    def can_next(self) -> bool:
        return self.next_step() is not None and not self.problems()

    def next_step(self) -> Optional[Step]:
        return self.NAVIGATION[self.step](self)

    def next(self) -> Step:
        """Goes to the next step. Raises StepInvalid when the current step is not complete."""
        following = self.next_step()
        if following is None:
            raise StepInvalid(self.step, ["This is the last step: save the entry."])
        problems = self.problems()
        if problems:
            raise StepInvalid(self.step, problems)
        if self.step is Step.WHYS:
            self._tidy_whys()
        self._stack.append(following)
        self._changed()
        return following

    def can_back(self) -> bool:
        return len(self._stack) > 1

    def back(self) -> Step:
        """Goes back one step; what was entered stays."""
        if not self.can_back():
            raise StepInvalid(self.step, ["This is the first step."])
        self._stack.pop()
        self._changed()
        return self.step

    def go_to(self, step: Step) -> Step:
        """Jumps back to a step already passed (the review page's "change" links)."""
        if step not in self._stack:
            raise StepInvalid(self.step, [f"Complete the steps before {STEP_TITLES[step].lower()} first."])
        while self.step is not step:
            self._stack.pop()
        self._changed()
        return self.step

    @property
    def is_last(self) -> bool:
        return self.next_step() is None

    # -- the finding ------------------------------------------------------------------------------------------------
    @property
    def needs_victim_protection(self) -> bool:
        return needs_victim_protection(self.context.finding)

    # -- the 5 whys -------------------------------------------------------------------------------------------------
    @property
    def whys(self) -> list[str]:
        return list(self.data.whys)

    def why_question(self, n: int) -> str:
        """The question for why number n (from 0): the first asks about the finding, each next about the answer."""
        if n == 0:
            return f"Why did this happen: \u201c{self.context.finding.title}\u201d?"
        previous = self.data.whys[n - 1].strip() if n - 1 < len(self.data.whys) else ""
        return f"Why {n + 1}: why \u201c{previous}\u201d?" if previous else f"Why {n + 1}?"

    def set_why(self, n: int, text: str) -> None:
        """Answers why number n (from 0); n may be the next unanswered one."""
        if not 0 <= n < MAX_WHYS:
            raise StepInvalid(Step.WHYS, [f"Five whys at most (why {n + 1} asked)."])
        if n > len(self.data.whys):
            raise StepInvalid(Step.WHYS, [f"Answer why {len(self.data.whys) + 1} before why {n + 1}."])
        if n == len(self.data.whys):
            self.data.whys.append(text)
        else:
            self.data.whys[n] = text
        self._changed()

    def can_ask_another_why(self) -> bool:
        answered = [w for w in self.data.whys if w.strip()]
        return bool(answered) and len(self.data.whys) < MAX_WHYS and bool(self.data.whys[-1].strip())

    def ask_another_why(self) -> int:
        """Opens the next why; returns its number (from 0)."""
        if not self.can_ask_another_why():
            raise StepInvalid(Step.WHYS, ["Answer the last why first (five at most)."])
        self.data.whys.append("")
        self._changed()
        return len(self.data.whys) - 1

    def remove_last_why(self) -> None:
        if self.data.whys:
            self.data.whys.pop()
            self._changed()

    @property
    def can_stop_early(self) -> bool:
        """True when the chain may end here, before the fifth why: at least one why is answered."""
        answered = [w for w in self.data.whys if w.strip()]
        return bool(answered) and len(answered) < MAX_WHYS

    def stop_early(self) -> Step:
        """Ends the chain at the last answered why ("this is the root cause") and goes on to the categories."""
        if self.step is not Step.WHYS:
            raise StepInvalid(self.step, ["The chain of whys can only be stopped on the whys step."])
        self._tidy_whys()
        return self.next()

    def _tidy_whys(self) -> None:
        while self.data.whys and not self.data.whys[-1].strip():
            self.data.whys.pop()

    @property
    def root_cause(self) -> str:
        """The root cause as it will be saved: the statement, or the last why."""
        return render_root_cause(self.data)

    def set_root_cause(self, text: str) -> None:
        """Writes the root cause statement (empty: the last why is the root cause)."""
        self.data.root_cause = text
        self._changed()

    def use_root_cause_suggestion(self, text: str) -> None:
        """Takes an example or an earlier answer as the root cause statement (and as the first why if none)."""
        if not self.data.whys or not any(w.strip() for w in self.data.whys):
            self.data.whys = [text]
        self.data.root_cause = text
        self._changed()

    # -- cause categories -------------------------------------------------------------------------------------------
    def set_category(self, key: str, chosen: bool = True) -> None:
        if key not in CATEGORY_BY_KEY:
            raise StepInvalid(Step.CATEGORIES, [f"Unknown cause category {key!r}."])
        if chosen and key not in self.data.categories:
            self.data.categories.append(key)
        elif not chosen and key in self.data.categories:
            self.data.categories.remove(key)
        self._changed()

    def suggested_categories(self) -> list[str]:
        """The categories the root cause and the whys seem to name, in the usual order."""
        found = infer_categories(" ".join([self.root_cause] + self.data.whys))
        return [c.key for c in CAUSE_CATEGORIES if c.key in found]

    def set_risk_source(self, value: str) -> None:
        """The business process, operational function or structural gap the risk comes from ("" = derived)."""
        if value and value not in {r.value for r in RiskSource}:
            raise StepInvalid(Step.CATEGORIES, [f"Unknown risk source {value!r}."])
        self.data.risk_source = value
        self._changed()

    @property
    def risk_source(self) -> Optional[str]:
        source = self.data.effective_risk_source()
        return source.value if source else None

    # -- preventive actions -----------------------------------------------------------------------------------------
    @property
    def actions(self) -> list[PreventiveAction]:
        return list(self.data.actions)

    def add_action(self, what: str = "", who: str = "", by_when: Optional[date] = None, verification: str = "",
                   element: str = "") -> int:
        """Adds a preventive action; returns its index. The element is guessed from the text when not given."""
        if element and element not in ELEMENT_BY_KEY:
            raise StepInvalid(Step.ACTIONS, [f"Unknown management-system element {element!r}."])
        if not element and what.strip():
            element = self.guess_element(what)
        self.data.actions.append(PreventiveAction(what, who, by_when, verification, element))
        self._changed()
        return len(self.data.actions) - 1

    def update_action(self, index: int, **changes) -> None:
        if not 0 <= index < len(self.data.actions):
            raise StepInvalid(Step.ACTIONS, [f"There is no action {index + 1}."])
        known = {"what", "who", "by_when", "verification", "element"}
        unknown = set(changes) - known
        if unknown:
            raise StepInvalid(Step.ACTIONS, ["Unknown action fields: " + ", ".join(sorted(unknown)) + "."])
        if changes.get("element") and changes["element"] not in ELEMENT_BY_KEY:
            raise StepInvalid(Step.ACTIONS, [f"Unknown management-system element {changes['element']!r}."])
        self.data.actions[index] = replace(self.data.actions[index], **changes)
        self._changed()

    def remove_action(self, index: int) -> None:
        if 0 <= index < len(self.data.actions):
            del self.data.actions[index]
            self._changed()

    @staticmethod
    def guess_element(text: str) -> str:
        """The management-system element an action's text seems to change (the first in the usual order), or ""."""
        found = infer_elements(text)
        return next((e.key for e in SYSTEM_ELEMENTS if e.key in found), "")

    def use_action_suggestion(self, text: str) -> int:
        """Adds an example or an earlier answer as a new action, its element guessed."""
        return self.add_action(text)

    def set_victim_measure(self, key: str, text: str) -> None:
        if key not in VICTIM_MEASURE_BY_KEY:
            raise StepInvalid(Step.ACTIONS, [f"Unknown victim-protection measure {key!r}."])
        if text.strip():
            self.data.victim_measures[key] = text
        else:
            self.data.victim_measures.pop(key, None)
        self._changed()

    # -- leader and date --------------------------------------------------------------------------------------------
    def set_project_leader(self, name: str) -> None:
        self.data.project_leader = name
        self._changed()

    def set_planned_date(self, value: Optional[date]) -> None:
        self.data.planned_date = value
        self._changed()

    @property
    def due_date(self) -> Optional[date]:
        return self.context.finding.due_date

    # -- review -----------------------------------------------------------------------------------------------------
    def warnings(self) -> list[QualityWarning]:
        """The quality checks on the entry as it stands, overrides applied."""
        return check_answer(self.context.finding, self.data, self.context.suggestions.earlier)

    def open_warnings(self) -> list[QualityWarning]:
        return [w for w in self.warnings() if w.is_open]

    def override(self, code: str, reason: str, by: str = "") -> None:
        """Accepts a warning for a reason (kept with the entry and in the history)."""
        if code not in {w.code for w in self.warnings()}:
            raise StepInvalid(Step.REVIEW, [f"There is no warning {code!r} to override."])
        try:
            self.data = with_override(self.data, code, reason, by)
        except ValueError as exc:
            raise StepInvalid(Step.REVIEW, [str(exc)]) from None
        self._changed()

    def clear_override(self, code: str) -> None:
        self.data = without_override(self.data, code)
        self._changed()

    def summary(self) -> list[tuple[Step, str, str]]:
        """The review page's lines: (step to change it, label, text)."""
        a = self.data
        whys = [w.strip() for w in a.whys if w.strip()]
        categories = ", ".join(CATEGORY_BY_KEY[k].title for k in a.categories if k in CATEGORY_BY_KEY)
        return [
            (Step.WHYS, "5 Whys", " → ".join(whys) + (f"  (stopped after {len(whys)})" if 0 < len(whys) < MAX_WHYS
                                                       else "")),
            (Step.WHYS, "Root cause", self.root_cause),
            (Step.CATEGORIES, "Cause categories", categories),
            (Step.CATEGORIES, "Risk source", self.risk_source or ""),
            (Step.ACTIONS, "Preventive actions", render_preventive_action(a)),
            (Step.LEADER_AND_DATE, "Project leader", a.project_leader.strip()),
            (Step.LEADER_AND_DATE, "Planned completion",
             a.planned_date.isoformat() if a.planned_date else ""),
        ]

    def all_problems(self) -> dict[Step, list[str]]:
        return {s: p for s in Step if (p := self.problems(s))}

    def can_finish(self) -> bool:
        return self.step is Step.REVIEW and not self.all_problems()

    def result(self) -> RootCauseAnalysis:
        """The entry to save. Raises StepInvalid (for the first incomplete step) when something is missing."""
        problems = self.all_problems()
        if problems:
            step, messages = next(iter(problems.items()))
            raise StepInvalid(step, messages)
        out = copy.deepcopy(self.data)
        out.whys = [w for w in out.whys if w.strip()]
        out.actions = [x for x in out.actions if x.what.strip()]
        out.guided = True
        return out
