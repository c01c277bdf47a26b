"""The program report's figures for a period: one Section per topic, each with its chart data, tables and sentences.

Counts of things that happen (assessments, closures, visits, escalations, decisions, complaints) are those dated in
the period; counts of how things stand (statuses, ratings, open and overdue items) are as of the period's last day
(or today, if that is earlier), from the items' current state. The same ProgramReport feeds the Word file, the Excel
file and `csrdesk report program --json`, so their numbers agree.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any, Optional

from sqlalchemy import case, func, select

from csrdesk.domain import reporting as rp
from csrdesk.domain.complaints import Outcome
from csrdesk.domain.lifecycle import ItemStatus, SupplierStatus
from csrdesk.domain.ratings import AssessmentFacts, follow_up
from csrdesk.domain.scoring import Certification as CertFact, Rating
from csrdesk.domain.verification import CATEGORY_SHORT, LADDER, EscalationStep, Verdict
from csrdesk.errors import UserError
from csrdesk.services.ratings import follow_up_days, standing_of
from csrdesk.storage.db import Database
from csrdesk.storage.models import (
    Assessment, Cap, CapItem, Certification, EscalationRecord, Finding, FindingCategory, Supplier,
    VerificationResult, VerificationVisit, VettingScreen, ViolationType,
)

NOT_ASSESSED = "Not assessed"
RATING_ORDER = tuple(r.value for r in Rating)
_OPEN = tuple(s.value for s in ItemStatus if s.is_open)
_CLOSED = (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)
_GONE = (SupplierStatus.EXITED.value,)


@dataclass(frozen=True)
class ProgramReport:
    """The program report of a period: one section per topic, with its figures, tables and sentences."""

    date_from: date
    date_to: date
    as_of: date
    suppliers: int  # in the program (not exited) on the report day
    empty: bool  # no supplier at all: the report says so instead of drawing charts
    sections: tuple[rp.Section, ...]

    def section(self, key: str) -> rp.Section:
        return next(s for s in self.sections if s.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.date_from, "to": self.date_to, "as_of": self.as_of, "suppliers": self.suppliers,
                "empty": self.empty,
                "sections": {s.key: {"title": s.title, "sentences": list(s.sentences), **dict(s.figures)}
                             for s in self.sections}}


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months up to today."""
    return date(today.year - 1, today.month, 1) if today.month != 1 else date(today.year - 1, 1, 1), today


def check_period(date_from: Optional[date], date_to: Optional[date], today: date) -> tuple[date, date]:
    start, end = default_period(today)
    date_from, date_to = date_from or start, date_to or max(today, date_from or today)
    if date_from > date_to:
        raise UserError(f"The report starts ({date_from.isoformat()}) after it ends ({date_to.isoformat()}).")
    if (date_to - date_from).days > 366 * 10:
        raise UserError("The period is longer than ten years: give a shorter one with --from and --to.")
    return date_from, date_to


def program_report(db: Database, date_from: Optional[date] = None, date_to: Optional[date] = None,
                   today: Optional[date] = None) -> ProgramReport:
    """Every section's figures for the period, read in one transaction."""
    today = today or date.today()
    date_from, date_to = check_period(date_from, date_to, today)
    as_of = min(date_to, today)
    with db.reading() as s:
        data = _Data.load(s, date_from, date_to, as_of)
    data.complaints = load_complaints(db, date_from, date_to, as_of) if data.suppliers else None
    in_program = sum(1 for _c, _n, st, _k in data.suppliers.values() if st not in _GONE)
    if not data.suppliers:
        return ProgramReport(date_from, date_to, as_of, 0, True, ())
    builders = (_suppliers, _blocked, _assessments, _caps, _repeats, _verification, _escalations, _vetting,
                _complaints, _finding_types, _countries)
    sections = tuple(b(data) for b in builders)
    return ProgramReport(date_from, date_to, as_of, in_program, False,
                         _with_purchasing(db, sections, date_from, date_to))


def _with_purchasing(db: Database, sections: tuple, date_from: date, date_to: date) -> tuple:
    """The repeat-findings section also says how many findings trace back to our own purchasing practices."""
    from dataclasses import replace

    from csrdesk.services.brand_actions import purchasing_counts

    with db.reading() as s:
        traced, repeats = purchasing_counts(s, date_from, date_to)
    out = []
    for section in sections:
        if section.key == "repeats":
            verb = "traces" if traced == 1 else "trace"
            sentence = (f"{rp.plural(traced, 'finding')} of the period {verb} back to our own purchasing practices"
                        + (f", {repeats:,} of them repeat findings." if repeats else "."))
            section = replace(section, sentences=section.sentences + (sentence,),
                              figures={**section.figures, "from_purchasing": traced,
                                       "repeats_from_purchasing": repeats})
        out.append(section)
    return tuple(out)


def load_complaints(db: Database, date_from: date, date_to: date, as_of: date):
    from csrdesk.services.complaint_reports import complaints_report

    return complaints_report(db, date_from, date_to, today=as_of)


# -- reading -----------------------------------------------------------------------------------------------------

class _Data:
    """Everything the sections need, read with a few narrow queries."""

    @classmethod
    def load(cls, s, date_from: date, date_to: date, as_of: date) -> "_Data":
        d = cls()
        d.date_from, d.date_to, d.as_of = date_from, date_to, as_of
        d.suppliers = {sid: (code, name, status, country) for sid, code, name, status, country in
                       s.connection().execute(select(Supplier.id, Supplier.code, Supplier.name, Supplier.status, Supplier.country))}
        d.days = follow_up_days(s)
        d.facts = defaultdict(list)
        d.assessments = []  # (id, supplier, date, type, rating, score) in the period
        for aid, sid, day, kind, rating, score in s.connection().execute(
                select(Assessment.id, Assessment.supplier_id, Assessment.date, Assessment.assessment_type,
                       Assessment.rating, Assessment.score)):
            d.facts[sid].append(AssessmentFacts(aid, day, kind, rating, score))
            if date_from <= day <= date_to:
                d.assessments.append((aid, sid, day, kind, rating, score))
        d.certs = defaultdict(list)
        for sid, scheme, expires, issued in s.connection().execute(select(Certification.supplier_id, Certification.scheme,
                                                             Certification.expires, Certification.issued)):
            d.certs[sid].append(CertFact(scheme, expires, issued))
        d.categories = dict(s.connection().execute(select(FindingCategory.key, FindingCategory.title)).all())
        d.types = dict(s.connection().execute(select(ViolationType.key, ViolationType.title)).all())
        # Counted in SQL: tens of thousands of findings and CAP items become a few hundred rows.
        untyped_title = case((Finding.violation_type.is_(None), Finding.title), else_="")
        d.findings = [tuple(r) for r in s.connection().execute(
            select(Finding.category, Finding.violation_type, untyped_title, Finding.repeat, func.count())
            .join(Assessment, Assessment.id == Finding.assessment_id)
            .where(Assessment.date >= date_from, Assessment.date <= date_to)
            .group_by(Finding.category, Finding.violation_type, untyped_title, Finding.repeat))]
        d.findings_total = sum(r[4] for r in d.findings)
        d.open_by_due = s.connection().execute(
            select(CapItem.due_date, func.count()).where(CapItem.status.in_(_OPEN))
            .group_by(CapItem.due_date)).all()
        d.closed_items = s.connection().execute(
            select(CapItem.closed_date, CapItem.added_on, Assessment.date, Finding.category)
            .join(Cap, Cap.id == CapItem.cap_id).join(Finding, Finding.id == CapItem.finding_id)
            .join(Assessment, Assessment.id == Cap.assessment_id)
            .where(CapItem.status.in_(_CLOSED), CapItem.closed_date >= date_from,
                   CapItem.closed_date <= date_to)).all()
        d.visits = s.connection().execute(
            select(VerificationVisit.id, VerificationVisit.cap_id, VerificationVisit.visit_date,
                   VerificationVisit.progress_category, VerificationVisit.progress_rate, Cap.supplier_id)
            .join(Cap, Cap.id == VerificationVisit.cap_id)
            .where(VerificationVisit.status == "done", VerificationVisit.visit_date >= date_from,
                   VerificationVisit.visit_date <= date_to)
            .order_by(VerificationVisit.visit_date, VerificationVisit.id)).all()
        visit_ids = [v[0] for v in d.visits]
        d.verdicts = Counter()
        if visit_ids:
            d.verdicts = Counter(dict(s.connection().execute(
                select(VerificationResult.outcome, func.count()).where(VerificationResult.visit_id.in_(visit_ids))
                .group_by(VerificationResult.outcome)).all()))
        d.escalations = s.connection().execute(
            select(EscalationRecord.supplier_id, EscalationRecord.step, EscalationRecord.date)
            .where(EscalationRecord.date >= date_from, EscalationRecord.date <= date_to)).all()
        d.screens = s.connection().execute(
            select(VettingScreen.supplier_id, VettingScreen.status, VettingScreen.decision,
                   VettingScreen.decision_date)).all()
        d.standing = {sid: standing_of([f for f in d.facts.get(sid, ()) if f.date <= as_of],
                                       d.certs.get(sid, ()), as_of, d.days) for sid in d.suppliers}
        return d

    def in_program(self, sid: int) -> bool:
        return self.suppliers[sid][2] not in _GONE

    def title(self, category: str) -> str:
        return self.categories.get(category, category or "(no category)")


def _rating_of(st) -> str:
    return st.rating or NOT_ASSESSED


# -- sections ------------------------------------------------------------------------------------------------------

def _suppliers(d: _Data) -> rp.Section:
    by_status = Counter(st for _c, _n, st, _k in d.suppliers.values())
    by_rating = Counter(_rating_of(d.standing[sid]) for sid in d.suppliers if d.in_program(sid))
    ratings = [r for r in RATING_ORDER] + [NOT_ASSESSED]
    trend = []
    for label, end in rp.quarter_ends(d.date_from, d.as_of if d.as_of >= d.date_from else d.date_to):
        counts = Counter()
        for sid in d.suppliers:
            if not d.in_program(sid):
                continue
            facts = [f for f in d.facts.get(sid, ()) if f.date <= end]
            counts[_rating_of(standing_of(facts, d.certs.get(sid, ()), end, d.days))] += 1
        trend.append((label, {r: counts.get(r, 0) for r in ratings}))
    total = sum(by_rating.values())
    good = by_rating.get(Rating.SATISFACTORY.value, 0) + by_rating.get(Rating.NEEDS_IMPROVEMENT.value, 0)
    worst = sum(by_rating.get(r.value, 0) for r in (Rating.UNSATISFACTORY, Rating.ZERO_TOLERANCE, Rating.DENIED))
    sentences = [f"{rp.plural(total, 'supplier')} in the program on {d.as_of.isoformat()}: "
                 f"{rp.percent(good, total)} rated Satisfactory or Needs Improvement, {rp.percent(worst, total)} "
                 f"Unsatisfactory or worse, {by_rating.get(NOT_ASSESSED, 0):,} not assessed."]
    if len(trend) > 1:
        first, last = trend[0], trend[-1]
        sat0, sat1 = first[1][Rating.SATISFACTORY.value], last[1][Rating.SATISFACTORY.value]
        sentences.append(f"Satisfactory suppliers went from {sat0:,} at the end of {first[0]} to {sat1:,} "
                         f"at the end of {last[0]}.")
    active = by_status.get(SupplierStatus.ACTIVE.value, 0)
    sentences.append(f"{rp.plural(active, 'supplier is', 'suppliers are')} active; "
                     f"{by_status.get(SupplierStatus.SUSPENDED.value, 0):,} suspended.")
    chart = rp.ChartData(rp.STACKED, "Suppliers by rating at the end of each quarter",
                         tuple(label for label, _c in trend),
                         tuple((r, tuple(float(c[r]) for _l, c in trend)) for r in ratings), "suppliers")
    return rp.Section(
        "suppliers", "Suppliers by status and rating", "供应商状态与评级", tuple(sentences), chart,
        (rp.Table("Suppliers by status", ("Status", "Suppliers"),
                  tuple((st.value, by_status.get(st.value, 0)) for st in SupplierStatus)),
         rp.Table("Suppliers by current rating", ("Rating", "Suppliers"),
                  tuple((r, by_rating.get(r, 0)) for r in ratings)),
         rp.Table("Rating trend by quarter", ("Quarter",) + tuple(ratings),
                  tuple((label,) + tuple(c[r] for r in ratings) for label, c in trend))),
        {"in_program": total, "by_status": {st.value: by_status.get(st.value, 0) for st in SupplierStatus},
         "by_rating": {r: by_rating.get(r, 0) for r in ratings},
         "trend": [{"quarter": label, **c} for label, c in trend]})


def _blocked(d: _Data) -> rp.Section:
    rows = []
    for sid, (code, name, status, country) in sorted(d.suppliers.items(), key=lambda kv: kv[1][0]):
        st = d.standing[sid]
        if d.in_program(sid) and st.block is not None:
            rows.append((code, name, country, status, st.block.reason.removeprefix("Production not allowed: ")))
    by_status = Counter(r[3] for r in rows)
    producing = sum(by_status.get(s.value, 0) for s in (SupplierStatus.ACTIVE, SupplierStatus.APPROVED,
                                                        SupplierStatus.CONDITIONALLY_APPROVED))
    if rows:
        sentences = (f"{rp.plural(len(rows), 'supplier')} may not be used for production (Zero Tolerance or access "
                     f"denied).",
                     f"{rp.plural(producing, 'of them is', 'of them are')} still approved or active: suspension is "
                     f"proposed." if producing else "None of them is still approved or active.")
    else:
        sentences = ("No supplier is blocked from production.",)
    counts = [(s.value, by_status.get(s.value, 0)) for s in SupplierStatus if by_status.get(s.value)]
    return rp.Section("blocked", "Production-blocked suppliers", "禁止生产的供应商", sentences,
                      rp.counts_chart(rp.BAR, "Production-blocked suppliers by status", counts, "suppliers",
                                      targets=[("blocked_status", k) for k, _v in counts]),
                      (rp.Table("Production-blocked suppliers", ("Code", "Supplier", "Country", "Status", "Why"),
                                tuple(rows)),),
                      {"count": len(rows), "still_producing": producing, "by_status": dict(counts),
                       "suppliers": [r[0] for r in rows]})


def _assessments(d: _Data) -> rp.Section:
    by_rating = Counter(r[4] for r in d.assessments)
    by_type = Counter(r[3] for r in d.assessments)
    owed = late = 0
    for sid in d.suppliers:
        if not d.in_program(sid):
            continue
        fu = follow_up([f for f in d.facts.get(sid, ()) if f.date <= d.as_of], d.days)
        if fu.owed:
            owed += 1
            late += bool(fu.due and fu.due < d.as_of)
    n = len(d.assessments)
    suppliers = len({r[1] for r in d.assessments})
    sentences = [f"{rp.plural(n, 'assessment')} of {rp.plural(suppliers, 'supplier')} in the period."
                 if n else "No assessment was recorded in the period."]
    if n:
        worst = sum(by_rating.get(r.value, 0) for r in (Rating.ZERO_TOLERANCE, Rating.DENIED))
        sentences.append(f"{rp.percent(by_rating.get(Rating.SATISFACTORY.value, 0), n)} rated Satisfactory; "
                         f"{rp.plural(worst, 'assessment')} Zero Tolerance or Denied.")
    sentences.append(f"{rp.plural(owed, 'follow-up assessment')} owed after Unsatisfactory, {late:,} of them late."
                     if owed else "No follow-up assessment is owed.")
    counts = [(r, by_rating.get(r, 0)) for r in RATING_ORDER]
    return rp.Section("assessments", "Assessments and follow-ups", "评估与跟进评估", tuple(sentences),
                      rp.counts_chart(rp.RATINGS, "Assessments in the period by rating", counts, "assessments",
                                      targets=[("assessment_rating", k) for k, _v in counts]),
                      (rp.Table("Assessments by rating", ("Rating", "Assessments"), tuple(counts)),
                       rp.Table("Assessments by type", ("Type", "Assessments"), tuple(sorted(by_type.items()))),
                       rp.Table("Follow-ups", ("Figure", "Suppliers"), (("Owed", owed), ("Late", late)))),
                      {"count": n, "suppliers": suppliers, "by_rating": dict(counts), "by_type": dict(by_type),
                       "follow_ups_owed": owed, "follow_ups_late": late})


def _caps(d: _Data) -> rp.Section:
    open_items = overdue = closed = 0
    ages: Counter = Counter()
    days_by_cat: dict[str, list[int]] = defaultdict(list)
    for due, count in d.open_by_due:
        open_items += count
        if due is not None and due < d.as_of:
            overdue += count
            ages[rp.overdue_age((d.as_of - due).days)] += count
    for closed_on, added, assessed, category in d.closed_items:
        closed += 1
        days_by_cat[d.title(category)].append(max(0, (closed_on - (added or assessed)).days))
    medians = {cat: float(median(v)) for cat, v in sorted(days_by_cat.items())}
    all_days = [x for v in days_by_cat.values() for x in v]
    sentences = [f"{rp.plural(open_items, 'CAP item')} open, {overdue:,} of them overdue "
                 f"({ages.get(rp.OVERDUE_AGES[-1][1], 0):,} by more than 180 days).",
                 f"{rp.plural(closed, 'item')} closed or verified in the period"
                 + (f", in a median of {median(all_days):.0f} days." if all_days else ".")]
    if medians:
        slow = max(medians.items(), key=lambda kv: (kv[1], kv[0]))
        sentences.append(f"{slow[0]} took longest to close (median {slow[1]:.0f} days).")
    chart_counts = sorted(medians.items(), key=lambda kv: -kv[1])[:rp.TOP_N]
    return rp.Section("caps", "CAP progress", "纠正措施计划进展", tuple(sentences),
                      rp.counts_chart(rp.BARH, "Median days to close a CAP item, by finding category",
                                      chart_counts, "days"),
                      (rp.Table("CAP items", ("Figure", "Items"),
                                (("Open", open_items), ("Overdue", overdue), ("Closed in the period", closed))),
                       rp.Table("Overdue items by age", ("Overdue by", "Items"),
                                tuple((label, ages.get(label, 0)) for _l, label in rp.OVERDUE_AGES)),
                       rp.Table("Median days to close by category", ("Category", "Median days", "Items closed"),
                                tuple((c, m, len(days_by_cat[c])) for c, m in sorted(medians.items())))),
                      {"open": open_items, "overdue": overdue, "closed_in_period": closed,
                       "overdue_by_age": {label: ages.get(label, 0) for _l, label in rp.OVERDUE_AGES},
                       "median_days_to_close": medians})


def _repeats(d: _Data) -> rp.Section:
    repeats: Counter = Counter()
    for cat, _vt, _t, repeat, count in d.findings:
        if repeat:
            repeats[d.title(cat)] += count
    total = sum(repeats.values())
    n = d.findings_total
    counts = rp.top_n(repeats)
    sentences = [f"{rp.plural(total, 'finding')} repeated a finding of an earlier assessment "
                 f"({rp.percent(total, n)} of {n:,} findings in the period)."]
    if repeats:
        sentences.append("Most repeats: " + rp.listing(f"{k} ({v:,})" for k, v in rp.largest(repeats)) + ".")
    return rp.Section("repeats", "Repeat findings", "重复发现的问题", tuple(sentences),
                      rp.counts_chart(rp.BARH, "Repeat findings by category", counts, "findings"),
                      (rp.Table("Repeat findings by category", ("Category", "Repeat findings"),
                                tuple(sorted(repeats.items(), key=lambda kv: -kv[1]))),),
                      {"count": total, "findings": n,
                       "by_category": dict(sorted(repeats.items(), key=lambda kv: (-kv[1], kv[0])))})


def _verification(d: _Data) -> rp.Section:
    latest: dict[int, Optional[int]] = {}
    for _vid, cap_id, _day, category, _rate, _sid in d.visits:
        latest[cap_id] = category if category is not None else latest.get(cap_id)
    cats = Counter(c for c in latest.values() if c)
    verdicts = {v.label: d.verdicts.get(v.value, 0) for v in Verdict}
    judged = sum(verdicts.values())
    visits = len(d.visits)
    sentences = [f"{rp.plural(visits, 'verification visit')} in the period, judging {rp.plural(judged, 'CAP item')}."]
    if judged:
        sentences.append(f"{rp.percent(verdicts['done correctly'], judged)} of the items checked were done "
                         f"correctly, {rp.percent(verdicts['not done'], judged)} not done.")
    if cats:
        sentences.append(f"{cats.get(4, 0):,} of {rp.plural(sum(cats.values()), 'factory', 'factories')} visited "
                         f"showed verified evidence and good progress; {cats.get(1, 0):,} showed neither.")
    counts = [(f"{k}: {CATEGORY_SHORT[k]}", cats.get(k, 0)) for k in sorted(CATEGORY_SHORT)]
    return rp.Section("verification", "Verification results", "整改核查结果", tuple(sentences),
                      rp.counts_chart(rp.BARH, "Factories by progress category (latest visit)", counts, "CAPs"),
                      (rp.Table("Verdicts", ("Verdict", "Items"), tuple(verdicts.items())),
                       rp.Table("Progress categories", ("Category", "CAPs"), tuple(counts))),
                      {"visits": visits, "items_judged": judged, "verdicts": verdicts,
                       "progress_categories": {str(k): cats.get(k, 0) for k in sorted(CATEGORY_SHORT)}})


def _escalations(d: _Data) -> rp.Section:
    by_step = Counter(step for _sid, step, _day in d.escalations)
    suppliers = len({sid for sid, step, _day in d.escalations if step != EscalationStep.RESOLVED.value})
    steps = list(LADDER) + [EscalationStep.RESOLVED]
    counts = [(s.label, by_step.get(s.value, 0)) for s in steps]
    total = sum(v for k, v in counts)
    if total:
        sentences = (f"{rp.plural(total, 'escalation step')} recorded in the period, for "
                     f"{rp.plural(suppliers, 'supplier')}.",
                     f"{rp.plural(by_step.get(EscalationStep.SUSPENSION.value, 0), 'suspension')} and "
                     f"{rp.plural(by_step.get(EscalationStep.RESPONSIBLE_EXIT.value, 0), 'responsible exit')}; "
                     f"{rp.plural(by_step.get(EscalationStep.RESOLVED.value, 0), 'escalation')} resolved.")
    else:
        sentences = ("No supplier was escalated in the period.",)
    return rp.Section("escalations", "Escalations", "升级处理", sentences,
                      rp.counts_chart(rp.BARH, "Escalation steps in the period", counts, "steps"),
                      (rp.Table("Escalation steps", ("Step", "Times"), tuple(counts)),),
                      {"steps": total, "suppliers": suppliers, "by_step": {s.value: by_step.get(s.value, 0)
                                                                          for s in steps}})


def _vetting(d: _Data) -> rp.Section:
    pipeline = Counter(st for _sid, st, *_rest in ((r[0], r[2]) for r in d.suppliers.values()
                                                   if r[2] in (SupplierStatus.PROSPECT.value,
                                                               SupplierStatus.VETTING.value)))
    drafts = sum(1 for _sid, status, _dec, _day in d.screens if status == "draft")
    decisions = Counter(dec for _sid, status, dec, day in d.screens
                        if dec and day is not None and d.date_from <= day <= d.date_to)
    total = sum(decisions.values())
    sentences = [f"{rp.plural(pipeline.get('prospect', 0), 'prospect')} and "
                 f"{rp.plural(pipeline.get('vetting', 0), 'supplier')} in "
                 f"vetting; {rp.plural(drafts, 'screen')} not decided yet."]
    sentences.append(f"{rp.plural(total, 'vetting decision')} in the period: "
                     + rp.listing(f"{v:,} {k}" for k, v in sorted(decisions.items())) + "."
                     if total else "No vetting decision was taken in the period.")
    counts = [(k, decisions.get(k, 0)) for k in ("approve", "approve with conditions", "reject")]
    return rp.Section("vetting", "Vetting pipeline and decisions", "供应商准入筛查", tuple(sentences),
                      rp.counts_chart(rp.BAR, "Vetting decisions in the period", counts, "decisions"),
                      (rp.Table("Pipeline", ("Stage", "Count"),
                                (("Prospects", pipeline.get("prospect", 0)), ("In vetting", pipeline.get("vetting", 0)),
                                 ("Screens not decided", drafts))),
                       rp.Table("Decisions", ("Decision", "Count"), tuple(counts))),
                      {"prospects": pipeline.get("prospect", 0), "in_vetting": pipeline.get("vetting", 0),
                       "screens_open": drafts, "decisions": dict(counts)})


def _complaints(d: _Data) -> rp.Section:
    return complaints_section(d.complaints, d.categories)


def complaints_section(report, titles: dict[str, str]) -> rp.Section:
    """Counts by provision and outcome and time to resolution, from the complaints report: never an identity."""
    if report is None or not report.complaints:
        return rp.Section("complaints", "Worker complaints", "工人投诉", ("No worker complaint was received in the "
                                                                       "period.",), None, (),
                          {"received": 0, "open": 0, "by_provision": {}, "by_outcome": {},
                           "median_days_to_resolve": None})
    by_provision = {titles.get(k, k or "(no provision)"): v for k, v in report.by_provision.items()}
    by_outcome = {(Outcome(k).label if k in {o.value for o in Outcome} else k.replace("_", " ")): v
                  for k, v in report.by_outcome.items()}
    sentences = [f"{rp.plural(report.complaints, 'worker complaint')} received in the period, "
                 f"{report.open:,} still open."]
    if report.median_days_to_resolve is not None:
        sentences.append(f"Resolution took a median of {report.median_days_to_resolve:.0f} days.")
    sentences.append("Most raised: " + rp.listing(f"{k} ({v:,})" for k, v in rp.largest(by_provision)) + ".")
    return rp.Section("complaints", "Worker complaints", "工人投诉", tuple(sentences),
                      rp.counts_chart(rp.BARH, "Complaints by code provision", rp.top_n(by_provision), "complaints"),
                      (rp.Table("By provision", ("Provision", "Complaints"), tuple(by_provision.items())),
                       rp.Table("By outcome", ("Outcome", "Complaints"), tuple(by_outcome.items())),
                       rp.Table("Time taken", ("Figure", "Days"),
                                (("Median days to acknowledge", report.median_days_to_acknowledge),
                                 ("Median days to resolve", report.median_days_to_resolve),
                                 ("90th percentile days to resolve", report.p90_days_to_resolve)))),
                      {"received": report.complaints, "open": report.open, "by_provision": by_provision,
                       "by_outcome": by_outcome, "median_days_to_resolve": report.median_days_to_resolve,
                       "median_days_to_acknowledge": report.median_days_to_acknowledge})


def _finding_types(d: _Data) -> rp.Section:
    types: Counter = Counter()
    for _c, vt, title, _r, count in d.findings:
        types[d.types.get(vt) or title or vt or "(untitled)"] += count
    counts = rp.top_n(types, 10)
    n = d.findings_total
    sentences = [f"{rp.plural(n, 'finding')} in the period's assessments, of {rp.plural(len(types), 'type')}."]
    if types:
        top, count = rp.largest(types, 1)[0]
        sentences.append(f"The most frequent was {top!s} ({count:,}, {rp.percent(count, n)}).")
    drawn, title = counts, "Most frequent finding types"
    if counts and counts[-1][0] == rp.OTHERS and counts[-1][1] > 3 * counts[0][1]:
        # Dozens of types: an "Others" bar many times the longest would flatten the bars that matter.
        drawn = counts[:-1]
        title += f" ({counts[-1][1]:,.0f} others not drawn)"
    return rp.Section("finding_types", "Top finding types", "最常见的问题类型", tuple(sentences),
                      rp.counts_chart(rp.BARH, title, drawn, "findings"),
                      (rp.Table("Finding types", ("Finding type", "Findings"), tuple(counts)),),
                      {"findings": n, "types": len(types), "top": dict(counts)})


def _countries(d: _Data) -> rp.Section:
    per: dict[str, Counter] = defaultdict(Counter)
    for sid, (_code, _name, _status, country) in d.suppliers.items():
        if d.in_program(sid):
            per[country or "(no country)"][_rating_of(d.standing[sid])] += 1
    totals = {c: sum(v.values()) for c, v in per.items()}
    assessed = Counter(d.suppliers[sid][3] or "(no country)" for _a, sid, *_r in d.assessments)
    top = [c for c, _v in rp.top_n(totals)]
    ratings = list(RATING_ORDER) + [NOT_ASSESSED]

    def value(country: str, rating: str) -> float:
        if country == rp.OTHERS:
            return float(sum(per[c].get(rating, 0) for c in per if c not in top))
        return float(per[country].get(rating, 0))

    chart = rp.ChartData(rp.STACKED, "Suppliers by country and current rating", tuple(top),
                         tuple((r, tuple(value(c, r) for c in top)) for r in ratings), "suppliers",
                         tuple(("country", c) if c != rp.OTHERS else None for c in top))
    sentences = [f"Suppliers in {rp.plural(len(per), 'country', 'countries')}; most in "
                 + rp.listing(f"{c} ({v:,})" for c, v in rp.largest(totals)) + "."] if per else \
        ["No supplier in the program."]
    if assessed:
        sentences.append("Most assessments in the period: "
                         + rp.listing(f"{c} ({v:,})" for c, v in rp.largest(assessed)) + ".")
    return rp.Section("countries", "Country breakdown", "国家分布", tuple(sentences), chart,
                      (rp.Table("Suppliers by country", ("Country", "Suppliers", "Assessments in period") +
                                tuple(ratings),
                                tuple((c, totals[c], assessed.get(c, 0)) + tuple(per[c].get(r, 0) for r in ratings)
                                      for c in sorted(per, key=lambda c: (-totals[c], c)))),),
                      {"suppliers": totals, "assessments": dict(assessed)})

