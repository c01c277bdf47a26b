"""Root cause and preventive action of CAP items, their quality checks, the CAP review and the improvement plan.

One function per use case: the guided entry's context and saving it, recording a factory's free-text answer
(e-mail, tracker, command line) through the same validation, the checks of a CAP with its quality figure,
overriding a warning with a reason, approving or returning a CAP with comments per item, and the
systems-improvement plan (items by cause category, with the risk source of each) that screens and letters show.
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Mapping, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csrdesk.domain import rootcause as rc
from csrdesk.domain.caps import due_date as compute_due_date, item_start
from csrdesk.domain.lifecycle import CapStatus, ItemFacts, ItemStatus, status_once_planned
from csrdesk.domain.rootcause import (
    CATEGORY_BY_KEY, ELEMENT_BY_KEY, EarlierAnswer, FindingFacts, QualityWarning, RootCauseAnalysis,
)
from csrdesk.domain.rootcause_flow import FlowContext, Suggestions
from csrdesk.domain.limits import implausible_date
from csrdesk.domain.reporting import numbered, plural, verb
from csrdesk.errors import NotFound, UserError
from csrdesk.exchange.letter_context import RETURN_REPLY_DAYS
from csrdesk.services.backup import bulk_change
from csrdesk.services.history import record_change
from csrdesk.progress import Progress
from csrdesk.storage.db import Database
from csrdesk.storage.models import Assessment, Cap, CapItem, Finding, FindingCategory, ViolationType

NOT_ANALYSED = "not-analysed"  # plan group of items with no root cause yet
UNCATEGORISED = "uncategorised"  # plan group of items whose root cause names no cause category


# --------------------------------------------------------------------------------------------------------------------
# Plain data handed to screens, the command line and letters
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemCheck:
    """A CAP item's answer and the warnings on it."""

    id: int
    cap_id: int
    position: int
    finding: str
    category: str
    severity: str
    repeat: bool
    status: str
    root_cause: str
    preventive_action: str
    project_leader: str
    planned_date: Optional[date]
    due_date: Optional[date]
    review_comment: str
    guided: bool  # the answer was entered through the guided entry (5 Whys, categories, structured actions)
    warnings: tuple[QualityWarning, ...]
    review_decision: str = ""  # "accepted", "returned" (to the factory with review_comment), or "" (not reviewed)

    @property
    def open_warnings(self) -> tuple[QualityWarning, ...]:
        return tuple(w for w in self.warnings if w.is_open)

    @property
    def ok(self) -> bool:
        return not self.open_warnings


@dataclass(frozen=True)
class CapCheck:
    """A CAP's quality check for review: each item's warnings, and the share of items without open warnings."""

    id: int
    supplier_code: str
    supplier_name: str
    status: str
    quality: int  # share (0-100) of items without open warnings
    items: tuple[ItemCheck, ...]

    @property
    def open_warning_count(self) -> int:
        return sum(len(i.open_warnings) for i in self.items)


@dataclass(frozen=True)
class GuidedContext:
    """Everything the guided entry of one CAP item shows: the finding, suggestions, the entry so far."""

    item: ItemCheck
    cap_status: str
    supplier_code: str
    supplier_name: str
    days_allowed: int
    flow: FlowContext
    analysis: RootCauseAnalysis


@dataclass(frozen=True)
class ReviewResult:
    """The outcome of a CAP review: approved or returned, and the items planned, accepted or sent back."""

    cap: CapCheck
    decision: str  # "approved" or "returned"
    items_planned: tuple[int, ...]  # items moved to action planned by the approval (or accepted in a return)
    items_accepted: tuple[int, ...] = ()  # items whose answer the review accepted
    items_returned: tuple[int, ...] = ()  # items sent back to the factory, each with its comment
    items_reopened: tuple[int, ...] = ()  # returned items moved back from action planned to open


ITEM_DECISIONS = ("accept", "return")  # what the reviewer may say of one item


@dataclass(frozen=True)
class PlanAction:
    """One preventive action as the improvement plan lists it."""

    what: str
    who: str
    by_when: Optional[date]
    verification: str
    element: str  # the title of the management-system element it changes, or "" for a one-off correction


@dataclass(frozen=True)
class PlanEntry:
    """One CAP item in the improvement plan: its root cause, cause categories, actions and who leads it."""

    item_id: int
    finding: str
    finding_category: str
    severity: str
    repeat: bool
    root_cause: str
    categories: tuple[str, ...]  # cause category titles, the main one first
    risk_source: str  # business process, operational function, structural gap, or "" when not analysed
    actions: tuple[PlanAction, ...]
    victim_measures: tuple[tuple[str, str], ...]
    project_leader: str
    planned_date: Optional[date]
    status: str
    open_warnings: int


@dataclass(frozen=True)
class PlanGroup:
    """The improvement plan's items that share a cause category."""

    key: str  # a cause category key, or NOT_ANALYSED
    title: str
    title_zh: str
    risk_sources: tuple[str, ...]
    entries: tuple[PlanEntry, ...]


@dataclass(frozen=True)
class ImprovementPlan:
    """The systems-improvement plan of a CAP: its items grouped by main cause category."""

    cap_id: int
    supplier_code: str
    supplier_name: str
    supplier_local_name: str
    assessment_date: date
    quality: int
    groups: tuple[PlanGroup, ...]
    elements: tuple[tuple[str, int], ...]  # management-system element title -> how many actions change it

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for letters and the command line."""
        return {
            "cap_id": self.cap_id, "supplier": self.supplier_code, "supplier_name": self.supplier_name,
            "supplier_local_name": self.supplier_local_name, "assessment_date": self.assessment_date.isoformat(),
            "quality": self.quality,
            "elements": [{"element": e, "actions": n} for e, n in self.elements],
            "groups": [
                {"key": g.key, "title": g.title, "title_zh": g.title_zh, "risk_sources": list(g.risk_sources),
                 "items": [
                     {"id": e.item_id, "finding": e.finding, "severity": e.severity, "repeat": e.repeat,
                      "root_cause": e.root_cause, "categories": list(e.categories), "risk_source": e.risk_source,
                      "actions": [{"what": a.what, "who": a.who,
                                   "by_when": a.by_when.isoformat() if a.by_when else None,
                                   "verification": a.verification, "element": a.element} for a in e.actions],
                      "victim_measures": [{"measure": m, "text": t} for m, t in e.victim_measures],
                      "project_leader": e.project_leader,
                      "planned_date": e.planned_date.isoformat() if e.planned_date else None,
                      "status": e.status, "open_warnings": e.open_warnings}
                     for e in g.entries
                 ]}
                for g in self.groups
            ],
        }

    def as_text(self) -> str:
        """The plan as plain text, readable on screen or pasted into an e-mail."""
        lines = [f"Systems-improvement plan: CAP #{self.cap_id}, {self.supplier_code} {self.supplier_name}".rstrip(),
                 f"Assessment of {self.assessment_date.isoformat()}; CAP quality {self.quality}%", ""]
        for g in self.groups:
            sources = f" ({', '.join(g.risk_sources)})" if g.risk_sources else ""
            lines.append(f"{g.title}{sources}")
            for e in g.entries:
                lines.append(f"  - {e.finding}")
                if e.root_cause:
                    lines.append(f"    Root cause: {e.root_cause}")
                if e.risk_source:
                    lines.append(f"    Risk source: {e.risk_source}")
                for a in e.actions:
                    detail = "; ".join(p for p in (
                        f"who: {a.who}" if a.who else "", f"by: {a.by_when.isoformat()}" if a.by_when else "",
                        f"verified by: {a.verification}" if a.verification else "",
                        f"changes: {a.element}" if a.element else "changes: no system element") if p)
                    lines.append(f"    * {a.what} ({detail})")
                for measure, text in e.victim_measures:
                    lines.append(f"    Victim protection, {measure}: {text}")
                leader = e.project_leader or "no project leader"
                planned = e.planned_date.isoformat() if e.planned_date else "no date"
                lines.append(f"    Project leader: {leader}; planned completion: {planned}")
            lines.append("")
        if self.elements:
            lines.append("Management-system elements changed: "
                         + ", ".join(f"{e} ({n})" for e, n in self.elements))
        return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------------------------------
# Loading what the checks need, in few queries
# --------------------------------------------------------------------------------------------------------------------

def _finding_key(violation_type: Optional[str], title: str) -> str:
    return ("type:" + violation_type) if violation_type else ("title:" + " ".join((title or "").lower().split()))


def _item_due(item: CapItem) -> Optional[date]:
    if item.due_date is not None:
        return item.due_date
    cap = item.cap
    return compute_due_date(item_start(cap.assessment.date, cap.issued_date, item.added_on), item.days_allowed)


class _Loader:
    """Library types and the factory's earlier answers for a set of items, loaded once."""

    def __init__(self, s: Session, items: list[CapItem]) -> None:
        self.s = s
        keys = {i.finding.violation_type for i in items if i.finding.violation_type}
        self.types: dict[str, ViolationType] = (
            {v.key: v for v in s.scalars(select(ViolationType).where(ViolationType.key.in_(keys)))} if keys else {}
        )
        self._earlier: dict[tuple[int, date], dict[str, list[EarlierAnswer]]] = {}
        from csrdesk.services.partners import victim_services_consulted

        self.consulted = victim_services_consulted(s, [i.id for i in items])

    def facts(self, item: CapItem) -> FindingFacts:
        f = item.finding
        vt = self.types.get(f.violation_type) if f.violation_type else None
        return FindingFacts(
            title=f.title, description=f.description, title_zh=vt.title_zh if vt else "",
            library_title=vt.title if vt and vt.title != f.title else "",
            category=f.category or (vt.category if vt else ""),
            violation_type=f.violation_type, severity=f.severity, repeat=f.repeat,
            victim_protection=bool(vt.victim_protection) if vt else False, due_date=_item_due(item),
            victim_services_consulted=item.id in self.consulted,
        )

    def earlier(self, item: CapItem) -> list[EarlierAnswer]:
        """What the same factory answered for the same violation type in CAPs of earlier assessments."""
        cap = item.cap
        key = (cap.supplier_id, cap.assessment.date)
        if key not in self._earlier:
            rows = self.s.execute(
                select(CapItem, Finding, Assessment.date)
                .join(Finding, Finding.id == CapItem.finding_id)
                .join(Cap, Cap.id == CapItem.cap_id)
                .join(Assessment, Assessment.id == Cap.assessment_id)
                .where(Cap.supplier_id == cap.supplier_id, Assessment.date < cap.assessment.date)
                .order_by(Assessment.date.desc(), CapItem.id)
            )
            grouped: dict[str, list[EarlierAnswer]] = defaultdict(list)
            for other, finding, when in rows:
                if not (other.root_cause.strip() or other.preventive_action.strip()):
                    continue
                grouped[_finding_key(finding.violation_type, finding.title)].append(EarlierAnswer(
                    cap_id=other.cap_id, item_id=other.id, assessment_date=when, finding=finding.title,
                    root_cause=other.root_cause, preventive_action=other.preventive_action,
                    project_leader=other.project_leader, status=other.status,
                ))
            self._earlier[key] = grouped
        return list(self._earlier[key].get(_finding_key(item.finding.violation_type, item.finding.title), ()))


def _analysis_of(item: CapItem) -> RootCauseAnalysis:
    return rc.current_analysis(item.root_cause, item.preventive_action, item.project_leader, item.planned_date,
                               item.analysis)


def _shared_answers(items: list[CapItem], analyses: list[RootCauseAnalysis]) -> list[tuple[rc.SharedAnswer, ...]]:
    """What each item of one CAP shares with items of other kinds of finding (a pasted, boilerplate answer)."""
    return rc.shared_answers([rc.item_answer(_finding_key(i.finding.violation_type, i.finding.title), a)
                              for i, a in zip(items, analyses)])


def _shared_for(s: Session, item: CapItem) -> tuple[rc.SharedAnswer, ...]:
    """The across-items check for one item: its CAP's other items are loaded to compare with."""
    siblings = list(s.scalars(select(CapItem).where(CapItem.cap_id == item.cap_id)
                              .options(selectinload(CapItem.finding)).order_by(CapItem.position, CapItem.id)))
    if len(siblings) < rc.SAME_ANSWER_MIN_KINDS:
        return ()
    shared = _shared_answers(siblings, [_analysis_of(i) for i in siblings])
    return next((found for other, found in zip(siblings, shared) if other.id == item.id), ())


def _item_check(item: CapItem, loader: _Loader, analysis: Optional[RootCauseAnalysis] = None,
                shared: Optional[tuple[rc.SharedAnswer, ...]] = None) -> ItemCheck:
    """An item's answer and its warnings; `shared` (what the item shares with its CAP's other items) is worked out
    here when the caller did not work it out for the whole CAP."""
    analysis = _analysis_of(item) if analysis is None else analysis
    if shared is None:
        shared = _shared_for(loader.s, item)
    warnings = rc.check_answer(loader.facts(item), analysis, loader.earlier(item), shared)
    f = item.finding
    return ItemCheck(
        id=item.id, cap_id=item.cap_id, position=item.position, finding=f.title, category=f.category,
        severity=f.severity, repeat=f.repeat, status=item.status, root_cause=item.root_cause,
        preventive_action=item.preventive_action, project_leader=item.project_leader,
        planned_date=item.planned_date, due_date=_item_due(item), review_comment=item.review_comment,
        guided=analysis.guided and bool(analysis.whys), warnings=tuple(warnings),
        review_decision=item.review_decision or "",
    )


def _load_item(s: Session, item_id: int) -> CapItem:
    item = s.get(CapItem, item_id)
    if item is None:
        raise NotFound(f"No CAP item {item_id}.")
    return item


def _load_cap(s: Session, cap_id: int) -> Cap:
    cap = s.scalar(select(Cap).where(Cap.id == cap_id).options(
        selectinload(Cap.items).selectinload(CapItem.finding),
        selectinload(Cap.assessment).selectinload(Assessment.supplier),
    ))
    if cap is None:
        raise NotFound(f"No CAP #{cap_id}.")
    return cap


def _user(db: Database) -> str:
    from csrdesk.services.settings import load_preferences

    try:
        return load_preferences(db).user_name
    except Exception:  # preferences are a nicety here; a broken settings row must not block a review
        return ""


# --------------------------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------------------------

def check_item(db: Database, item_id: int) -> ItemCheck:
    with db.reading() as s:
        item = _load_item(s, item_id)
        return _item_check(item, _Loader(s, [item]))


def check_cap(db: Database, cap_id: int, progress: Optional[Progress] = None) -> CapCheck:
    """The quality checks on every item of a CAP and the CAP quality figure."""
    with db.reading() as s:
        cap = _load_cap(s, cap_id)
        items = list(cap.items)
        loader = _Loader(s, items)
        analyses = [_analysis_of(i) for i in items]
        shared = _shared_answers(items, analyses)
        checks = []
        for n, item in enumerate(items):
            if progress is not None:
                progress.step(n, len(items), f"Checking item {n + 1} of {len(items)}")
            checks.append(_item_check(item, loader, analyses[n], shared[n]))
        sup = cap.assessment.supplier
        return CapCheck(id=cap.id, supplier_code=sup.code, supplier_name=sup.name, status=cap.status,
                        quality=rc.cap_quality([c.warnings for c in checks]), items=tuple(checks))


# --------------------------------------------------------------------------------------------------------------------
# The guided entry
# --------------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuidedEntry:
    """What the guided root-cause entry opens with: the item's context and the user's name (for overrides)."""

    context: "GuidedContext"
    user_name: str


def guided_entry(db: Database, item_id: int) -> GuidedEntry:
    return GuidedEntry(guided_context(db, item_id), _user(db))


def guided_context(db: Database, item_id: int) -> GuidedContext:
    """The finding and its requirements, the library's examples, the factory's earlier answers, the entry so far."""
    with db.reading() as s:
        item = _load_item(s, item_id)
        loader = _Loader(s, [item])
        facts = loader.facts(item)
        earlier = loader.earlier(item)
        f = item.finding
        vt = loader.types.get(f.violation_type) if f.violation_type else None
        cap = item.cap
        sup = cap.assessment.supplier
        flow = FlowContext(
            finding=facts, legal_requirement=f.legal_requirement, code_requirement=f.code_requirement,
            suggested_remediation=item.suggested_remediation,
            suggestions=Suggestions(
                root_causes=tuple(vt.root_cause_examples or ()) if vt else (),
                actions=tuple(vt.preventive_action_examples or ()) if vt else (),
                earlier=tuple(earlier),
            ),
            item_label=f"CAP #{cap.id}, item {item.position + 1}: {sup.code} {sup.name}",
            category_title=s.scalar(select(FindingCategory.title).where(FindingCategory.key == facts.category))
            or facts.category,
        )
        return GuidedContext(
            item=_item_check(item, loader), cap_status=cap.status, supplier_code=sup.code, supplier_name=sup.name,
            days_allowed=item.days_allowed, flow=flow, analysis=_analysis_of(item),
        )


def _refuse_if_closed(item: CapItem) -> None:
    if item.cap.status == CapStatus.CLOSED.value:
        raise UserError(f"CAP #{item.cap_id} is closed: reopen it before changing the factory's answers.")


def _write_answer(s: Session, item: CapItem, analysis: RootCauseAnalysis, root_text: str, action_text: str,
                  *, source: str, user: str, note: str) -> None:
    problem = implausible_date(analysis.planned_date, "planned date")
    if problem:  # the same bound as the tracker's, for the guided entry, the window and the command line
        raise UserError(problem)
    sup_id = item.cap.supplier_id
    previous = rc.from_json(item.analysis)
    values = {"root_cause": root_text, "preventive_action": action_text,
              "project_leader": analysis.project_leader.strip(), "planned_date": analysis.planned_date}
    for name, value in values.items():
        record_change(s, "cap_item", item.id, name, getattr(item, name), value, supplier_id=sup_id, source=source,
                      user=user, note=note)
        setattr(item, name, value)
    stored = rc.to_json(analysis, written=(root_text, action_text))
    changed = stored != item.analysis
    item.analysis = stored
    if analysis.guided and changed:
        whys = len([w for w in analysis.whys if w.strip()])
        cats = ", ".join(CATEGORY_BY_KEY[k].title.lower() for k in analysis.categories if k in CATEGORY_BY_KEY)
        summary = f"{plural(whys, 'why', 'whys')}; categories: {cats or '-'}; {plural(len(analysis.actions), 'action')}"
        record_change(s, "cap_item", item.id, "guided entry", None, summary, supplier_id=sup_id, source=source,
                      user=user, note=note)
    old_overrides = previous.overrides if previous else {}
    for code, o in analysis.overrides.items():
        before = old_overrides.get(code)
        if before is None or before.reason != o.reason or before.fingerprint != o.fingerprint:
            record_change(s, "cap_item", item.id, f"override {code}", before.reason if before else None, o.reason,
                          supplier_id=sup_id, source=source, user=user or o.by, note=note)


def save_guided_entry(db: Database, item_id: int, analysis: RootCauseAnalysis, *, source: str = "app",
                      user: Optional[str] = None, note: str = "") -> ItemCheck:
    """Saves a guided entry: the item's text fields from the structured data, the entry itself as JSON, history."""
    problems = rc.validate(analysis)
    if problems:
        raise UserError(" ".join(problems))
    user = _user(db) if user is None else user
    analysis = replace(analysis, guided=True)
    with db.transaction() as s:
        item = _load_item(s, item_id)
        _refuse_if_closed(item)
        _write_answer(s, item, analysis, rc.render_root_cause(analysis), rc.render_preventive_action(analysis),
                      source=source, user=user, note=note)
        _plan_if_complete(s, item, source=source, user=user)
        _open_brand_action_if_purchasing(s, item, analysis, source=source, user=user)
    return check_item(db, item_id)


def _plan_if_complete(s: Session, item: CapItem, *, source: str, user: str) -> None:
    """An open item whose saved plan is complete moves to action planned, as the item lifecycle says."""
    facts = ItemFacts(item.root_cause, item.preventive_action, item.project_leader, len(item.evidence),
                      item.evidence_notes, item.verification_notes)
    target = status_once_planned(item.status, facts)
    if target is not None:
        record_change(s, "cap_item", item.id, "status", item.status, target.value, supplier_id=item.cap.supplier_id,
                      source=source, user=user, note="plan saved")
        item.status = target.value


def _open_brand_action_if_purchasing(s: Session, item: CapItem, analysis: RootCauseAnalysis, *, source: str,
                                     user: str, confirmed: bool = False) -> None:
    """A confirmed purchasing-practices cause (chosen in the guided entry or given as the cause category) opens a
    brand action for the brand's own team; words alone only suggest it."""
    from csrdesk.domain.partners import PURCHASING
    from csrdesk.services.brand_actions import open_for_item_in

    if (analysis.guided or confirmed) and PURCHASING in analysis.categories:
        open_for_item_in(s, item, item.root_cause, source=source, user=user)


def record_answer(db: Database, item_id: int, *, root_cause: str, preventive_action: str, project_leader: str,
                  planned_date: Optional[date] = None, cap_id: Optional[int] = None, source: str = "app",
                  user: Optional[str] = None, note: str = "", cause_category: Optional[str] = None) -> ItemCheck:
    """Records a factory's free-text answer (from an e-mail, a tracker, the command line) through the same
    validation as the guided entry; a guided entry whose texts are unchanged is kept.

    `cause_category` (a key of the guided entry's cause categories) is confirmed as the main cause; buyer
    purchasing practices open a brand action."""
    if cause_category is not None and cause_category not in CATEGORY_BY_KEY:
        raise UserError(f"{cause_category!r} is not a cause category; use one of {', '.join(CATEGORY_BY_KEY)}.")
    if planned_date is not None and not isinstance(planned_date, date):
        raise UserError("The planned date must be a date (YYYY-MM-DD).")
    problems = rc.validate_text_answer(root_cause, preventive_action, project_leader, planned_date)
    if problems:
        raise UserError(" ".join(problems))
    user = _user(db) if user is None else user
    root_text = " ".join(root_cause.split())
    action_text = "\n".join(" ".join(ln.split()) for ln in preventive_action.splitlines() if ln.strip())
    with db.transaction() as s:
        item = _load_item(s, item_id)
        if cap_id is not None and item.cap_id != cap_id:
            raise UserError(f"CAP item {item_id} does not belong to CAP #{cap_id} (it is in CAP #{item.cap_id}).")
        _refuse_if_closed(item)
        analysis = rc.current_analysis(root_text, action_text, project_leader, planned_date, item.analysis)
        if cause_category is not None:
            analysis = replace(analysis, categories=[cause_category] + [
                c for c in analysis.categories if c != cause_category])
        _write_answer(s, item, analysis, root_text, action_text, source=source, user=user, note=note)
        if cause_category is not None:
            _open_brand_action_if_purchasing(s, item, analysis, source=source, user=user, confirmed=True)
    return check_item(db, item_id)


def override_warning(db: Database, item_id: int, code: str, reason: str, *, source: str = "app",
                     user: Optional[str] = None) -> ItemCheck:
    """Accepts a warning on an item for a reason; the reason is kept with the entry and in the history."""
    user = _user(db) if user is None else user
    with db.transaction() as s:
        item = _load_item(s, item_id)
        _refuse_if_closed(item)
        current = check_item_in(s, item)
        if code not in {w.code for w in current.warnings}:
            raise UserError(f"Item {item_id} has no warning {code!r} to override.")
        analysis = _analysis_of(item)
        try:
            analysis = rc.with_override(analysis, code, reason, by=user)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        o = analysis.overrides[code]
        record_change(s, "cap_item", item.id, f"override {code}", None, o.reason, supplier_id=item.cap.supplier_id,
                      source=source, user=user)
        item.analysis = rc.to_json(analysis, written=(item.root_cause, item.preventive_action))
    return check_item(db, item_id)


def clear_override(db: Database, item_id: int, code: str, *, source: str = "app",
                   user: Optional[str] = None) -> ItemCheck:
    """Withdraws an override: the warning is open again."""
    user = _user(db) if user is None else user
    with db.transaction() as s:
        item = _load_item(s, item_id)
        analysis = _analysis_of(item)
        before = analysis.overrides.get(code)
        if before is None:
            raise UserError(f"Item {item_id} has no override of {code!r}.")
        analysis = rc.without_override(analysis, code)
        record_change(s, "cap_item", item.id, f"override {code}", before.reason, None,
                      supplier_id=item.cap.supplier_id, source=source, user=user)
        item.analysis = rc.to_json(analysis, written=(item.root_cause, item.preventive_action))
    return check_item(db, item_id)


def check_item_in(s: Session, item: CapItem) -> ItemCheck:
    return _item_check(item, _Loader(s, [item]))


# --------------------------------------------------------------------------------------------------------------------
# CAP review
# --------------------------------------------------------------------------------------------------------------------

def start_review(db: Database, cap_id: int, *, source: str = "app") -> CapCheck:
    """Moves a CAP whose response came back to under review."""
    from csrdesk.services.caps import change_cap_status

    change_cap_status(db, cap_id, CapStatus.UNDER_REVIEW.value, note="review started", source=source)
    return check_cap(db, cap_id)


def review_cap(db: Database, cap_id: int, *, approve: bool, comments: Optional[Mapping[int, str]] = None,
               note: str = "", source: str = "app", user: Optional[str] = None,
               today: Optional[date] = None, decisions: Optional[Mapping[int, str]] = None) -> ReviewResult:
    """Approves a CAP, or returns it to the factory with comments per item; every decision goes to the history.

    Approval needs every warning resolved or overridden with a reason, and accepts every item; open items whose plan
    is complete become action planned. Returning decides each item: `decisions` maps an item to "accept" or
    "return"; an item without a decision is returned when it has a comment or open warnings (which become its
    comment), else accepted. A returned item needs a comment (what to change); an accepted item whose plan is
    complete becomes action planned. The CAP goes back to the factory (under review -> sent) with at least one item
    returned.
    """
    from csrdesk.services.caps import move_cap_status, set_item_status

    user = _user(db) if user is None else user
    comments = {int(k): " ".join(str(v or "").split()) for k, v in (comments or {}).items()}
    decided: dict[int, str] = {}
    for k, v in (decisions or {}).items():
        word = str(v or "").strip().lower()
        word = {"accepted": "accept", "returned": "return"}.get(word, word)
        if word not in ITEM_DECISIONS:
            raise UserError(f"Item {k}: the decision must be accept or return, not {v!r}.")
        decided[int(k)] = word
    check = check_cap(db, cap_id)
    ids = {i.id for i in check.items}
    strangers = sorted((set(comments) | set(decided)) - ids)
    if strangers:
        raise UserError(f"{numbered('Item', strangers)} {verb(len(strangers), 'does', 'do')} not belong to "
                        f"CAP #{cap_id}.")
    if check.status not in (CapStatus.RESPONSE_RECEIVED.value, CapStatus.UNDER_REVIEW.value):
        raise UserError(f"CAP #{cap_id} is {check.status}: only a CAP whose response came back can be reviewed.")
    final: dict[int, str] = {}
    verdicts: dict[int, str] = {}
    if approve:
        sent_back = sorted(i for i, d in decided.items() if d == "return")
        if sent_back:
            raise UserError(f"CAP #{cap_id} cannot be approved with {numbered('item', sent_back)} "
                            "returned: return the CAP to the factory instead.")
        blocked = [i for i in check.items if i.open_warnings]
        if blocked:
            listed = "; ".join(f"item {i.id}: " + ", ".join(w.title.lower() for w in i.open_warnings)
                               for i in blocked[:5])
            more = f" and {len(blocked) - 5} more" if len(blocked) > 5 else ""
            raise UserError(f"CAP #{cap_id} cannot be approved: {plural(len(blocked), 'item')} "
                            f"{verb(len(blocked), 'has', 'have')} "
                            f"open warnings ({listed}"
                            f"{more}). Override them with a reason, or return the CAP to the factory.")
        final = {i.id: comments.get(i.id, "") for i in check.items}
        verdicts = {i.id: "accepted" for i in check.items}
    else:
        for i in check.items:
            text = comments.get(i.id, "")
            choice = decided.get(i.id) or ("return" if text or i.open_warnings else "accept")
            if choice == "return" and not text and i.open_warnings:
                text = "Please revise: " + " ".join(w.message for w in i.open_warnings)
            if choice == "return" and not text:
                raise UserError(f"Item {i.id} is returned without a comment: write what the factory should change.")
            final[i.id] = text
            verdicts[i.id] = "returned" if choice == "return" else "accepted"
        if "returned" not in verdicts.values():
            if any(final.values()):
                raise UserError("Every item is accepted: approve the CAP instead, or return the items to change.")
            raise UserError("Write a comment for at least one item, so that the factory knows what to change.")
    decision = "approved" if approve else "returned"
    target = CapStatus.APPROVED if approve else CapStatus.SENT
    # One transaction for the whole review (the CAP's moves, every item's comment and decision, the new response
    # date, the items now action planned): a failure part-way leaves the CAP as it was. Backed up first when it
    # changes several items.
    with bulk_change(db, "cap-review") if len(check.items) > 1 else nullcontext():
        with db.transaction() as s:
            cap = _load_cap(s, cap_id)
            if cap.status == CapStatus.RESPONSE_RECEIVED.value:
                move_cap_status(s, cap, CapStatus.UNDER_REVIEW, note="review started", source=source, today=today)
            move_cap_status(s, cap, target, note=note or f"review: {decision}", source=source, today=today)
            for item in cap.items:
                text = final.get(item.id, "")
                record_change(s, "cap_item", item.id, "review_comment", item.review_comment or None, text or None,
                              supplier_id=cap.supplier_id, source=source, user=user, note=f"review: {decision}")
                item.review_comment = text
                verdict = verdicts.get(item.id, "")
                if verdict != (item.review_decision or ""):
                    record_change(s, "cap_item", item.id, "review_decision", item.review_decision or None,
                                  verdict or None, supplier_id=cap.supplier_id, source=source, user=user,
                                  note=f"review: {decision}")
                item.review_decision = verdict
            record_change(s, "cap", cap.id, "review decision", None, f"{decision} (quality {check.quality}%)",
                          supplier_id=cap.supplier_id, source=source, user=user, note=note)
            if not approve:  # the revised answer is due when the returned letter asks for it, not at the first date
                due = (today or date.today()) + timedelta(days=RETURN_REPLY_DAYS)
                if cap.response_due != due:
                    record_change(s, "cap", cap.id, "response_due", cap.response_due.isoformat() if cap.response_due
                                  else None, due.isoformat(), supplier_id=cap.supplier_id, source=source, user=user,
                                  note="review: returned")
                    cap.response_due = due
            ready = [i for i in cap.items if i.status == ItemStatus.OPEN.value and verdicts.get(i.id) == "accepted"
                     and i.root_cause.strip() and i.preventive_action.strip() and i.project_leader.strip()]
            for item in ready:
                set_item_status(s, item, ItemStatus.ACTION_PLANNED, source,
                                "CAP approved" if approve else "answer accepted at the review", today or date.today())
            # A plan sent back for revision is not a plan in place: an item the factory's answer had marked action
            # planned goes back to open until a complete revised answer is entered (the CAPs page said "action
            # planned" beside a plan sent back).
            reopened = [i for i in cap.items
                        if verdicts.get(i.id) == "returned" and i.status == ItemStatus.ACTION_PLANNED.value]
            for item in reopened:
                set_item_status(s, item, ItemStatus.OPEN, source, "answer returned at the review",
                                today or date.today())
            planned: tuple[int, ...] = tuple(i.id for i in ready)
            back_to_open: tuple[int, ...] = tuple(i.id for i in reopened)
    return ReviewResult(cap=check_cap(db, cap_id), decision=decision, items_planned=planned,
                        items_accepted=tuple(i for i, v in verdicts.items() if v == "accepted"),
                        items_returned=tuple(i for i, v in verdicts.items() if v == "returned"),
                        items_reopened=back_to_open)


# --------------------------------------------------------------------------------------------------------------------
# The systems-improvement plan
# --------------------------------------------------------------------------------------------------------------------

def improvement_plan(db: Database, cap_id: int) -> ImprovementPlan:
    """The CAP's items grouped by main cause category, each with its risk source and the system changes it makes."""
    check = check_cap(db, cap_id)
    open_counts = {i.id: len(i.open_warnings) for i in check.items}
    with db.reading() as s:
        cap = _load_cap(s, cap_id)
        sup = cap.assessment.supplier
        grouped: dict[str, list[PlanEntry]] = defaultdict(list)
        element_counts: dict[str, int] = defaultdict(int)
        for item in cap.items:
            a = _analysis_of(item)
            main = a.main_category()
            source = a.effective_risk_source()
            actions = []
            for x in a.actions:
                if not x.what.strip():
                    continue
                chosen = x.element or next((e.key for e in rc.SYSTEM_ELEMENTS if e.key in x.element_or_inferred()), "")
                title = ELEMENT_BY_KEY[chosen].title if chosen else ""
                if title:
                    element_counts[title] += 1
                actions.append(PlanAction(x.what, x.who, x.by_when, x.verification, title))
            f = item.finding
            entry = PlanEntry(
                item_id=item.id, finding=f.title, finding_category=f.category, severity=f.severity, repeat=f.repeat,
                root_cause=item.root_cause,
                categories=tuple(CATEGORY_BY_KEY[k].title for k in a.categories if k in CATEGORY_BY_KEY),
                risk_source=source.value if source else "", actions=tuple(actions),
                victim_measures=tuple((rc.VICTIM_MEASURE_BY_KEY[k].title, v) for k, v in a.victim_measures.items()
                                      if k in rc.VICTIM_MEASURE_BY_KEY),
                project_leader=item.project_leader, planned_date=item.planned_date, status=item.status,
                open_warnings=open_counts.get(item.id, 0),
            )
            if not item.root_cause.strip():
                grouped[NOT_ANALYSED].append(entry)
            else:
                grouped[main.key if main else UNCATEGORISED].append(entry)
        groups = []
        for c in rc.CAUSE_CATEGORIES:
            if c.key in grouped:
                entries = tuple(grouped[c.key])
                sources = tuple(dict.fromkeys(e.risk_source for e in entries if e.risk_source))
                groups.append(PlanGroup(c.key, c.title, c.title_zh, sources, entries))
        if UNCATEGORISED in grouped:
            groups.append(PlanGroup(UNCATEGORISED, "Cause category not given", "未注明原因类别", (),
                                    tuple(grouped[UNCATEGORISED])))
        if NOT_ANALYSED in grouped:
            groups.append(PlanGroup(NOT_ANALYSED, "Not yet analysed", "尚未分析", (), tuple(grouped[NOT_ANALYSED])))
        order = [e.title for e in rc.SYSTEM_ELEMENTS]
        elements = tuple(sorted(element_counts.items(), key=lambda kv: order.index(kv[0])))
        return ImprovementPlan(
            cap_id=cap.id, supplier_code=sup.code, supplier_name=sup.name, supplier_local_name=sup.local_name,
            assessment_date=cap.assessment.date, quality=check.quality, groups=tuple(groups), elements=elements,
        )


def items_with_open_warnings(check: CapCheck) -> list[ItemCheck]:
    return [i for i in check.items if i.open_warnings]


def item_json(item: ItemCheck) -> dict[str, Any]:
    """An item's check as the command line prints it: open `warnings` (each `code` and `message`), and the
    warnings a reviewer accepted under `overridden` (with the `reason`)."""
    return {
        "id": item.id,
        "review_decision": item.review_decision,
        "review_comment": item.review_comment,
        "warnings": [{"code": w.code, "message": w.message} for w in item.open_warnings],
        "overridden": [{"code": w.code, "message": w.message, "reason": w.override_reason}
                       for w in item.warnings if w.overridden],
    }
