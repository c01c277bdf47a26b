"""The data of a guided root-cause entry (5 Whys, categories, preventive actions), the facts of its finding,
its text form and its JSON form (CapItem.analysis), and the reviewer's overrides of warnings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any, Mapping, Optional

from csrdesk.domain.rootcause.text import clean, clean_block, infer_categories, infer_elements
from csrdesk.domain.rootcause.vocabularies import (
    CATEGORY_BY_KEY, CAUSE_CATEGORIES, ELEMENT_BY_KEY, MAX_WHYS, SYSTEM_ELEMENTS, VICTIM_MEASURE_BY_KEY, VICTIM_MEASURES,
    CauseCategory, RiskSource,
)


JSON_VERSION = 1


class Check(str, Enum):
    """The stable codes of the quality checks (scripts and stored overrides rely on them)."""

    ROOT_CAUSE_MISSING = "root_cause_missing"
    ROOT_CAUSE_RESTATES_FINDING = "root_cause_restates_finding"
    PREVENTIVE_ACTION_MISSING = "preventive_action_missing"
    NO_SYSTEM_ELEMENT = "no_system_element"
    TRAINING_ONLY = "training_only"
    NO_PROJECT_LEADER = "no_project_leader"
    PLANNED_AFTER_DUE = "planned_after_due"
    ACTION_AFTER_DUE = "action_after_due"
    VICTIM_PROTECTION_MISSING = "victim_protection_missing"
    SAME_ROOT_CAUSE_AS_BEFORE = "same_root_cause_as_before"
    SAME_ANSWER_ACROSS_ITEMS = "same_answer_across_items"


CHECK_TITLES: Mapping[Check, str] = {
    Check.ROOT_CAUSE_MISSING: "No root cause",
    Check.ROOT_CAUSE_RESTATES_FINDING: "Root cause restates the finding",
    Check.PREVENTIVE_ACTION_MISSING: "No preventive action",
    Check.NO_SYSTEM_ELEMENT: "No management-system change",
    Check.TRAINING_ONLY: "Training alone for a systemic issue",
    Check.NO_PROJECT_LEADER: "No project leader",
    Check.PLANNED_AFTER_DUE: "Planned date past the due date",
    Check.ACTION_AFTER_DUE: "Preventive action planned past the due date",
    Check.VICTIM_PROTECTION_MISSING: "Victim-protection measures missing",
    Check.SAME_ROOT_CAUSE_AS_BEFORE: "Same root cause as last time",
    Check.SAME_ANSWER_ACROSS_ITEMS: "Same answer pasted across items",
}

# Which part of the answer each check looks at: an override holds only while that part stays as it was.
CHECK_FIELDS: Mapping[Check, tuple[str, ...]] = {
    Check.ROOT_CAUSE_MISSING: ("root_cause",),
    Check.ROOT_CAUSE_RESTATES_FINDING: ("root_cause",),
    Check.SAME_ROOT_CAUSE_AS_BEFORE: ("root_cause",),
    Check.PREVENTIVE_ACTION_MISSING: ("preventive_action",),
    Check.NO_SYSTEM_ELEMENT: ("preventive_action",),
    Check.TRAINING_ONLY: ("preventive_action", "categories"),
    Check.VICTIM_PROTECTION_MISSING: ("preventive_action",),
    Check.NO_PROJECT_LEADER: ("project_leader",),
    Check.PLANNED_AFTER_DUE: ("planned_date",),
    Check.ACTION_AFTER_DUE: ("preventive_action",),
    Check.SAME_ANSWER_ACROSS_ITEMS: ("root_cause", "preventive_action"),
}


@dataclass(frozen=True)
class QualityWarning:
    """One explained warning on a CAP item's answer; `overridden` when a reviewer accepted it with a reason."""

    code: str
    message: str
    overridden: bool = False
    override_reason: str = ""
    overridden_by: str = ""

    @property
    def is_open(self) -> bool:
        return not self.overridden

    @property
    def title(self) -> str:
        return CHECK_TITLES.get(Check(self.code), self.code) if self.code in CHECK_CODES else self.code


CHECK_CODES = frozenset(c.value for c in Check)


@dataclass(frozen=True)
class Override:
    """A reviewer's reason for accepting a warning, tied to the part of the answer it was given for."""

    reason: str
    by: str = ""
    at: str = ""  # ISO date-time
    fingerprint: str = ""


@dataclass
class PreventiveAction:
    """One preventive action of a root-cause entry: what, who, by when, how it is verified, what it changes."""

    what: str
    who: str = ""
    by_when: Optional[date] = None
    verification: str = ""  # how it will be verified
    element: str = ""  # the management-system element it changes; "" for a one-off correction

    def element_or_inferred(self) -> set[str]:
        """The element chosen, or those its text names when none was chosen."""
        if self.element:
            return {self.element}
        return infer_elements(" ".join((self.what, self.verification)))


@dataclass
class RootCauseAnalysis:
    """A guided root-cause entry for one CAP item, as kept in CapItem.analysis."""

    whys: list[str] = field(default_factory=list)  # answers to "why?"; the chain may stop before MAX_WHYS
    root_cause: str = ""  # the statement of the root cause; the last why unless written otherwise
    categories: list[str] = field(default_factory=list)  # CauseCategory keys, the first being the main one
    risk_source: str = ""  # a RiskSource value, or "" to derive it from the main category
    actions: list[PreventiveAction] = field(default_factory=list)
    victim_measures: dict[str, str] = field(default_factory=dict)  # VictimMeasure key -> what is done
    project_leader: str = ""
    planned_date: Optional[date] = None
    overrides: dict[str, Override] = field(default_factory=dict)  # Check code -> Override
    guided: bool = True  # False when built from a free-text answer (e-mail, tracker, command line)

    def main_category(self) -> Optional[CauseCategory]:
        for key in self.categories:
            if key in CATEGORY_BY_KEY:
                return CATEGORY_BY_KEY[key]
        return None

    def effective_risk_source(self) -> Optional[RiskSource]:
        if self.risk_source:
            try:
                return RiskSource(self.risk_source)
            except ValueError:
                pass
        main = self.main_category()
        return main.risk_source if main else None

    def elements(self) -> set[str]:
        out: set[str] = set()
        for a in self.actions:
            out |= a.element_or_inferred()
        return out

    def root_cause_text(self) -> str:
        return render_root_cause(self)

    def preventive_action_text(self) -> str:
        return render_preventive_action(self)


def render_root_cause(a: RootCauseAnalysis) -> str:
    """The text written to CapItem.root_cause: the root cause statement (the last why when none was written)."""
    statement = clean(a.root_cause)
    if statement:
        return statement
    whys = [w for w in (clean(w) for w in a.whys) if w]
    return whys[-1] if whys else ""


def _action_line(n: int, act: PreventiveAction) -> str:
    parts = []
    if clean(act.who):
        parts.append(f"who: {clean(act.who)}")
    if act.by_when:
        parts.append(f"by: {act.by_when.isoformat()}")
    if clean(act.verification):
        parts.append(f"verified by: {clean(act.verification)}")
    if act.element in ELEMENT_BY_KEY:
        parts.append(f"changes: {ELEMENT_BY_KEY[act.element].title.lower()}")
    tail = f" ({'; '.join(parts)})" if parts else ""
    return f"{n}. {clean(act.what)}{tail}"


def render_preventive_action(a: RootCauseAnalysis) -> str:
    """The text written to CapItem.preventive_action: one numbered line per action, then victim protection."""
    lines = [_action_line(n, act) for n, act in enumerate((x for x in a.actions if clean(x.what)), start=1)]
    measures = [(VICTIM_MEASURE_BY_KEY[k], clean(v)) for k, v in a.victim_measures.items()
                if k in VICTIM_MEASURE_BY_KEY and clean(v)]
    if measures:
        order = [m.key for m in VICTIM_MEASURES]
        measures.sort(key=lambda mv: order.index(mv[0].key))
        lines.append("Victim protection: " + " | ".join(f"{m.title}: {text}" for m, text in measures))
    return "\n".join(lines)


_ACTION_DETAIL = re.compile(r"^(?P<what>.*\S)\s*\((?P<details>(?:who|by|verified by|changes): [^()]*)\)\s*$")
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)、）]|（\d{1,2}）|[①②③④⑤⑥⑦⑧⑨⑩]|[-*•·])\s*")


def parse_preventive_action(text: str) -> tuple[list[PreventiveAction], dict[str, str]]:
    """Reads actions out of a free-text preventive action: one per line or numbered item, else per sentence.

    Lines in the form render_preventive_action writes are read back with their details.
    """
    actions: list[PreventiveAction] = []
    victim: dict[str, str] = {}
    raw_lines = [ln.strip() for ln in (text or "").replace("\r", "\n").split("\n") if ln.strip()]
    if len(raw_lines) == 1 and not _NUMBERING.match(raw_lines[0]):
        # one paragraph: each sentence or semicolon-separated clause is an action
        raw_lines = [p.strip() for p in re.split(r"[;；。]|\.\s+(?=[A-Z])", raw_lines[0]) if p.strip()]
    for line in raw_lines:
        if line.lower().startswith("victim protection:"):
            body = line.split(":", 1)[1]
            for part in body.split("|"):
                label, _, value = part.partition(":")
                for m in VICTIM_MEASURES:
                    if label.strip().lower() == m.title.lower() and value.strip():
                        victim[m.key] = value.strip()
            continue
        line = _NUMBERING.sub("", line, count=1).strip()
        if not line:
            continue
        act = PreventiveAction(what=line)
        match = _ACTION_DETAIL.match(line)
        if match:
            act.what = match.group("what").strip()
            for part in match.group("details").split(";"):
                key, _, value = part.partition(":")
                key, value = key.strip().lower(), value.strip()
                if key == "who":
                    act.who = value
                elif key == "by":
                    try:
                        act.by_when = date.fromisoformat(value)
                    except ValueError:
                        pass
                elif key == "verified by":
                    act.verification = value
                elif key == "changes":
                    act.element = next((e.key for e in SYSTEM_ELEMENTS if e.title.lower() == value.lower()), "")
        actions.append(act)
    return actions, victim


def analysis_from_text(root_cause: str, preventive_action: str, project_leader: str = "",
                       planned_date: Optional[date] = None,
                       previous: Optional[RootCauseAnalysis] = None) -> RootCauseAnalysis:
    """An entry built from a free-text answer; the whys and categories of `previous` are kept if its root cause
    is the same text, and its overrides are kept (they lapse by themselves where the answer changed)."""
    actions, victim = parse_preventive_action(preventive_action)
    same_cause = previous is not None and clean(previous.root_cause_text()) == clean(root_cause)
    if same_cause:
        whys, categories, risk = list(previous.whys), list(previous.categories), previous.risk_source
    else:
        whys, categories, risk = [], sorted(infer_categories(root_cause), key=_category_order), ""
    return RootCauseAnalysis(
        whys=whys, root_cause=clean(root_cause), categories=categories, risk_source=risk, actions=actions,
        victim_measures=victim, project_leader=clean(project_leader), planned_date=planned_date,
        overrides=dict(previous.overrides) if previous else {}, guided=bool(same_cause and previous.guided),
    )


def _category_order(key: str) -> int:
    return [c.key for c in CAUSE_CATEGORIES].index(key) if key in CATEGORY_BY_KEY else 99


# --------------------------------------------------------------------------------------------------------------------
# JSON (CapItem.analysis)
# --------------------------------------------------------------------------------------------------------------------

def iso_date(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


def _date(value: Any) -> Optional[date]:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def to_json(a: RootCauseAnalysis, written: Optional[tuple[str, str]] = None) -> dict[str, Any]:
    """The entry as the JSON kept in CapItem.analysis.

    `text` holds what was written to the item's root cause and preventive action fields (by default the rendered
    entry), so that a later edit of those fields elsewhere (a tracker, an e-mail) is noticed.
    """
    root_text, action_text = written if written is not None else (render_root_cause(a), render_preventive_action(a))
    return {
        "version": JSON_VERSION,
        "guided": a.guided,
        "whys": [clean(w) for w in a.whys],
        "root_cause": clean(a.root_cause),
        "categories": [k for k in a.categories if k in CATEGORY_BY_KEY],
        "risk_source": a.risk_source if a.risk_source in {r.value for r in RiskSource} else "",
        "actions": [
            {"what": clean(x.what), "who": clean(x.who), "by_when": iso_date(x.by_when),
             "verification": clean(x.verification), "element": x.element if x.element in ELEMENT_BY_KEY else ""}
            for x in a.actions if clean(x.what)
        ],
        "victim_measures": {k: clean(v) for k, v in a.victim_measures.items()
                            if k in VICTIM_MEASURE_BY_KEY and clean(v)},
        "project_leader": clean(a.project_leader),
        "planned_date": iso_date(a.planned_date),
        "overrides": {code: {"reason": o.reason, "by": o.by, "at": o.at, "fingerprint": o.fingerprint}
                      for code, o in a.overrides.items() if code in CHECK_CODES},
        "text": {"root_cause": clean(root_text), "preventive_action": clean_block(action_text)},
    }


def from_json(data: Optional[Mapping[str, Any]]) -> Optional[RootCauseAnalysis]:
    """Reads CapItem.analysis back; parts that are missing or malformed are left out rather than failing."""
    if not isinstance(data, Mapping):
        return None

    def text(value: Any) -> str:
        return clean(value) if isinstance(value, str) else ""

    actions = []
    for raw in data.get("actions") or ():
        if isinstance(raw, Mapping) and text(raw.get("what")):
            element = raw.get("element") if raw.get("element") in ELEMENT_BY_KEY else ""
            actions.append(PreventiveAction(text(raw.get("what")), text(raw.get("who")), _date(raw.get("by_when")),
                                            text(raw.get("verification")), element))
    overrides = {}
    for code, raw in (data.get("overrides") or {}).items() if isinstance(data.get("overrides"), Mapping) else ():
        if code in CHECK_CODES and isinstance(raw, Mapping) and text(raw.get("reason")):
            overrides[code] = Override(text(raw.get("reason")), text(raw.get("by")), text(raw.get("at")),
                                       text(raw.get("fingerprint")))
    victim = data.get("victim_measures") if isinstance(data.get("victim_measures"), Mapping) else {}
    return RootCauseAnalysis(
        whys=[text(w) for w in data.get("whys") or () if isinstance(w, str)][:MAX_WHYS],
        root_cause=text(data.get("root_cause")),
        categories=[k for k in data.get("categories") or () if k in CATEGORY_BY_KEY],
        risk_source=data.get("risk_source") if data.get("risk_source") in {r.value for r in RiskSource} else "",
        actions=actions,
        victim_measures={k: text(v) for k, v in victim.items() if k in VICTIM_MEASURE_BY_KEY and text(v)},
        project_leader=text(data.get("project_leader")),
        planned_date=_date(data.get("planned_date")),
        overrides=overrides,
        guided=bool(data.get("guided", True)),
    )


def current_analysis(root_cause: str, preventive_action: str, project_leader: str, planned_date: Optional[date],
                     stored: Optional[Mapping[str, Any]]) -> RootCauseAnalysis:
    """The entry that matches a CAP item's text fields now.

    The stored guided entry is used while the item's texts are those it wrote; once the texts were changed
    elsewhere (a returned tracker, the command line), the entry is rebuilt from the texts.
    """
    previous = from_json(stored)
    written = stored.get("text") if isinstance(stored, Mapping) and isinstance(stored.get("text"), Mapping) else {}
    if (previous is not None and clean(written.get("root_cause", "")) == clean(root_cause)
            and clean_block(written.get("preventive_action", "")) == clean_block(preventive_action)):
        return replace(previous, project_leader=clean(project_leader), planned_date=planned_date)
    return analysis_from_text(root_cause, preventive_action, project_leader, planned_date, previous)


@dataclass(frozen=True)
class FindingFacts:
    """What the checks need to know of the finding behind a CAP item."""

    title: str
    description: str = ""
    title_zh: str = ""  # the library's Chinese title, so a Chinese answer can be compared with an English finding
    library_title: str = ""  # the library's English title when the auditor worded the finding differently
    category: str = ""  # finding category key
    violation_type: Optional[str] = None
    severity: str = "major"
    repeat: bool = False
    victim_protection: bool = False  # the library flags the violation type
    due_date: Optional[date] = None
    # A victim-service organisation's consultation is recorded on the CAP or the item (services.partners).
    victim_services_consulted: bool = False

    def texts(self) -> tuple[str, ...]:
        return (self.title, self.description, self.title_zh, self.library_title)


@dataclass(frozen=True)
class EarlierAnswer:
    """What the same factory answered for the same violation type in an earlier CAP."""

    cap_id: int
    item_id: int
    assessment_date: Optional[date]
    finding: str
    root_cause: str
    preventive_action: str = ""
    project_leader: str = ""
    status: str = ""


SAME_CAUSE_SIMILARITY = 0.6
