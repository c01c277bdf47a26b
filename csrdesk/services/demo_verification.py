"""Demo data of verification: visits with attendees, evidence, suggested and confirmed categories and progress
rates; visits booked; items whose plans need approval; CAPs ready for the final inspection; escalation steps.

It works on the rows services.demo has generated, before they are written, with a random generator of its own so
the rest of the demo data stays as it was for a given seed.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Callable

from csrdesk.domain.lifecycle import CapStatus, ItemStatus
from csrdesk.domain.verification import (
    VISIT_DUE_DAYS, EscalationStep, Verdict, lag_reasons, LagFacts, suggest_category,
    visit_progress_rate,
)

SOURCE = "demo"
DONE = (ItemStatus.VERIFIED.value, ItemStatus.CLOSED.value)
PLAN_APPROVAL_CATEGORIES = ("health-safety",)
MEETING_STAGES = (CapStatus.UNDER_REVIEW.value, CapStatus.APPROVED.value, CapStatus.IN_REMEDIATION.value)
BRAND_STAFF = ("Anna Berg", "Tom Buyer", "Sara Lind", "Mehmet Kaya")
WORKER_REPS = ("Zhang Min", "Nusrat Jahan", "Nguyen Thi Lan", "Ayşe Demir", "Rina Sari", "Maria López")


def extend(rows: Any, take_id: Callable[[str], int], seed: int, today: date) -> list[dict]:
    """Fills in the verification side of the generated rows (in place) and returns escalation step rows to write."""
    rng = random.Random(seed * 7919 + 11)
    items_by_cap: dict[int, list[dict]] = defaultdict(list)
    for item in rows.cap_items:
        items_by_cap[item["cap_id"]].append(item)
    category_of = {f["id"]: f["category"] for f in rows.findings}
    results_by_visit: dict[int, list[dict]] = defaultdict(list)
    for r in rows.visit_results:
        r.setdefault("status_before", "")
        r.setdefault("new_due_date", None)
        results_by_visit[r["visit_id"]].append(r)
    caps = {c["id"]: c for c in rows.caps}

    ready_wanted = max(1, len(rows.suppliers) // 20)
    for visit in rows.visits:
        cap_items = items_by_cap[visit["cap_id"]]
        category = visit["progress_category"]
        if category == 4 and ready_wanted > 0:
            ready_wanted -= 1
            _all_verified(cap_items, results_by_visit[visit["id"]], visit["visit_date"])
        _visit_facts(rng, visit, results_by_visit[visit["id"]], cap_items, today)

    visited = {v["cap_id"] for v in rows.visits}
    bookable: list[dict] = []
    for cap in rows.caps:
        _plan_approvals(rng, cap, items_by_cap[cap["id"]], category_of)
        if cap["meeting_date"] is None and cap["issued_date"] and cap["status"] in MEETING_STAGES \
                and rng.random() < 0.8:
            # Most CAPs under way had their meeting, so the plan shows visits overdue, due and later.
            low, high = cap["issued_date"] + timedelta(days=10), today - timedelta(days=3)
            if high > low:
                cap["meeting_date"] = low + timedelta(days=rng.randint(0, (high - low).days))
        meeting = cap["meeting_date"]
        if meeting is None or cap["id"] in visited or cap["status"] not in (
                CapStatus.APPROVED.value, CapStatus.IN_REMEDIATION.value):
            continue
        due = meeting + timedelta(days=VISIT_DUE_DAYS)
        if today - timedelta(days=10) <= due <= today + timedelta(days=45):
            bookable.append(cap)
            if rng.random() < 0.6:
                _book(rng, rows, take_id, cap, meeting, today)
    if bookable and not any(v["status"] == "booked" for v in rows.visits):
        # However the draws fell, the plan shows a booked visit.
        _book(rng, rows, take_id, bookable[0], bookable[0]["meeting_date"], today)
    return _escalations(rng, rows, caps, items_by_cap, today)


def _book(rng: random.Random, rows, take_id, cap: dict, meeting, today) -> None:
    day = max(today + timedelta(days=rng.randint(2, 20)), meeting + timedelta(days=7))
    rows.visits.append(dict(
        id=take_id("verification_visits"), cap_id=cap["id"], visit_date=day, status="booked",
        verifier="", attendees=_attendees(rng), evidence_before_visit=None, suggested_category=None,
        category_reason="", progress_category=None, progress_rate=None, escalated=False, notes="",
    ))


def _attendees(rng: random.Random) -> list[dict]:
    people = [{"role": "brand", "name": rng.choice(BRAND_STAFF)},
              {"role": "worker representative", "name": rng.choice(WORKER_REPS)}]
    if rng.random() < 0.4:
        people.append({"role": "union", "name": ""})
    people.append({"role": "factory management", "name": ""})
    return people


def _all_verified(items: list[dict], results: list[dict], day: date) -> None:
    """A CAP whose every item was found done: ready for the final inspection."""
    for item in items:
        if item["status"] not in DONE:
            item["status"] = ItemStatus.VERIFIED.value
            item["verification_date"] = day
            item["verification_notes"] = f"Visit {day.isoformat()}: done correctly."
            item["evidence_notes"] = item["evidence_notes"] or "Shown at the visit: records, photos and the new procedure."
    for r in results:
        r["outcome"] = Verdict.DONE_CORRECTLY.value


def _visit_facts(rng: random.Random, visit: dict, results: list[dict], items: list[dict], today: date) -> None:
    category = visit["progress_category"]
    evidence = category in (3, 4)
    by_id = {i["id"]: i for i in items}
    for r in results:
        item = by_id.get(r["cap_item_id"])
        r["status_before"] = item["status"] if item else ""
        if r["outcome"] in (Verdict.DONE_WITH_ERRORS.value, Verdict.NOT_DONE.value):
            r["new_due_date"] = visit["visit_date"] + timedelta(days=30)
            r["notes"] = rng.choice(("Procedure written but not in use on the floor.", "Records incomplete for "
                                     "two of five months.", "No change seen; workers not informed.",
                                     "整改未完成，记录不全。", "Only part of the site done."))
    suggestion = suggest_category(evidence, [Verdict(r["outcome"]) for r in results])
    visit.update(
        status="done", attendees=_attendees(rng), evidence_before_visit=evidence,
        suggested_category=suggestion.category if suggestion else None,
        category_reason=suggestion.reason if suggestion else "",
        progress_rate=visit_progress_rate(len(items), sum(1 for i in items if i["status"] in DONE)),
    )
    # Most categories are confirmed; the newest visits still wait for the person's confirmation.
    if (today - visit["visit_date"]).days < 20 and rng.random() < 0.5:
        visit["progress_category"] = None
    visit["escalated"] = (visit["progress_category"] or visit["suggested_category"]) in (1, 2)


def _plan_approvals(rng: random.Random, cap: dict, items: list[dict], category_of: dict[int, str]) -> None:
    for item in items:
        if category_of.get(item["finding_id"]) in PLAN_APPROVAL_CATEGORIES and rng.random() < 0.15:
            item["needs_plan_approval"] = True
            if cap["issued_date"] and item["status"] != ItemStatus.OPEN.value and rng.random() < 0.7:
                item["plan_approved_date"] = cap["issued_date"] + timedelta(days=rng.randint(14, 40))
    for item in items:
        item.setdefault("needs_plan_approval", False)
        item.setdefault("plan_approved_date", None)


def _escalations(rng: random.Random, rows: Any, caps: dict[int, dict], items_by_cap: dict[int, list[dict]],
                 today: date) -> list[dict]:
    """Steps for lagging factories, by the rules of domain.verification: a latest visit in category 1 or 2, or most
    open items overdue. Dates never fall after today."""
    latest: dict[int, dict] = {}
    for visit in rows.visits:
        if visit["status"] != "done":
            continue
        sid = caps[visit["cap_id"]]["supplier_id"]
        if sid not in latest or visit["visit_date"] > latest[sid]["visit_date"]:
            latest[sid] = visit
    open_items: dict[int, list[dict]] = defaultdict(list)
    for cap in rows.caps:
        if cap["status"] != CapStatus.CLOSED.value:
            open_items[cap["supplier_id"]].extend(i for i in items_by_cap[cap["id"]] if i["status"] not in DONE)
    out = []
    for sid in sorted(set(latest) | set(open_items)):
        visit = latest.get(sid)
        category = (visit["progress_category"] or visit["suggested_category"]) if visit else None
        items = open_items.get(sid, [])
        overdue = [i for i in items if i["due_date"] and i["due_date"] < today]
        reasons = lag_reasons(LagFacts(len(items), len(overdue), category, visit["visit_date"] if visit else None,
                                       visit["evidence_before_visit"] if visit else None))
        if not reasons or rng.random() < 0.35:
            continue  # not lagging, or not escalated yet (the page lists it as lagging)
        start = visit["visit_date"] if category in (1, 2) else min(i["due_date"] for i in overdue)
        ladder = [EscalationStep.REMINDER, EscalationStep.WARNING_LETTER]
        if category == 1 or rng.random() < 0.4:
            ladder.append(EscalationStep.SENIOR_MANAGEMENT_MEETING)
            if rng.random() < 0.3:
                ladder.append(EscalationStep.ORDERS_AT_RISK)
        if category == 2 and rng.random() < 0.3:
            ladder = [EscalationStep.REMINDER, EscalationStep.RESOLVED]
        reason = "; ".join(reasons)
        day = start
        for n, step in enumerate(ladder):
            day = day + timedelta(days=7 if n == 0 else rng.randint(14, 35))
            if day > today:
                break
            why = {EscalationStep.REMINDER: reason,
                   EscalationStep.WARNING_LETTER: "No evidence after the reminder; " + reason,
                   EscalationStep.SENIOR_MANAGEMENT_MEETING: "Warning letter unanswered; meeting with the owner "
                                                             "and general manager",
                   EscalationStep.ORDERS_AT_RISK: "No progress since the meeting; new orders held until the overdue "
                                                  "items are verified",
                   EscalationStep.RESOLVED: "Evidence received for most items; progress on the ground confirmed"}[step]
            out.append(dict(supplier_id=sid, step=step.value, date=day, reason=why, source=SOURCE, user=""))
    return out
