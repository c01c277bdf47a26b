"""Validation of a root-cause entry before it is saved (the wizard's steps and the command line share it)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Optional

from csrdesk.domain.rootcause.entry import RootCauseAnalysis, render_root_cause
from csrdesk.domain.rootcause.text import clean
from csrdesk.domain.rootcause.vocabularies import CATEGORY_BY_KEY, ELEMENT_BY_KEY, MAX_WHYS, VICTIM_MEASURE_BY_KEY, RiskSource


LEADER_MAX = 200


def validate_whys(a: RootCauseAnalysis) -> list[str]:
    problems = []
    whys = list(a.whys)
    while whys and not clean(whys[-1]):
        whys.pop()
    if len(whys) > MAX_WHYS:
        problems.append(f"Five whys at most: the chain has {len(whys)}.")
    if any(not clean(w) for w in whys):
        problems.append("A why in the middle of the chain is empty: answer it or remove it.")
    if not render_root_cause(replace(a, whys=whys)):
        problems.append("Answer at least the first why, or write the root cause.")
    return problems


def validate_categories(a: RootCauseAnalysis) -> list[str]:
    problems = []
    unknown = [k for k in a.categories if k not in CATEGORY_BY_KEY]
    if unknown:
        problems.append("Unknown cause categories: " + ", ".join(unknown) + ".")
    if not [k for k in a.categories if k in CATEGORY_BY_KEY]:
        problems.append("Choose at least one cause category.")
    if a.risk_source and a.risk_source not in {r.value for r in RiskSource}:
        problems.append(f"Unknown risk source {a.risk_source!r}.")
    return problems


def validate_actions(a: RootCauseAnalysis) -> list[str]:
    problems = []
    if not any(clean(x.what) for x in a.actions):
        problems.append("Add at least one preventive action (what will be done).")
    for n, x in enumerate(a.actions, start=1):
        if not clean(x.what) and (clean(x.who) or x.by_when or clean(x.verification) or x.element):
            problems.append(f"Action {n} says who, when or how, but not what will be done.")
        if x.element and x.element not in ELEMENT_BY_KEY:
            problems.append(f"Action {n}: unknown management-system element {x.element!r}.")
        if x.by_when is not None and not isinstance(x.by_when, date):
            problems.append(f"Action {n}: the date must be a date (YYYY-MM-DD).")
    unknown = [k for k in a.victim_measures if k not in VICTIM_MEASURE_BY_KEY]
    if unknown:
        problems.append("Unknown victim-protection measures: " + ", ".join(unknown) + ".")
    return problems


def validate_leader_and_date(a: RootCauseAnalysis) -> list[str]:
    problems = []
    if len(clean(a.project_leader)) > LEADER_MAX:
        problems.append(f"The project leader's name is longer than {LEADER_MAX} characters.")
    if a.planned_date is not None and not isinstance(a.planned_date, date):
        problems.append("The planned date must be a date (YYYY-MM-DD).")
    return problems


def validate(a: RootCauseAnalysis) -> list[str]:
    """Everything that keeps a guided entry from being saved (warnings do not: they are for the review)."""
    return validate_whys(a) + validate_categories(a) + validate_actions(a) + validate_leader_and_date(a)


def validate_text_answer(root_cause: str, preventive_action: str, project_leader: str,
                         planned_date: Optional[date]) -> list[str]:
    """What keeps a free-text answer from being recorded."""
    problems = []
    if not clean(root_cause):
        problems.append("The root cause is empty.")
    if not clean(preventive_action):
        problems.append("The preventive action is empty.")
    if len(clean(project_leader)) > LEADER_MAX:
        problems.append(f"The project leader's name is longer than {LEADER_MAX} characters.")
    if planned_date is not None and not isinstance(planned_date, date):
        problems.append("The planned date must be a date (YYYY-MM-DD).")
    return problems
