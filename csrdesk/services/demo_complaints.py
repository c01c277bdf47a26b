"""Demo worker complaints: realistic channels, provisions, steps and outcomes, with every identity sealed.

Called by services.demo.generate_demo inside its transaction, after the suppliers are written; the benchmark calls
it too, to build 10,000 complaints.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from csrdesk.domain.complaints import ComplaintFacts, Outcome, status_of
from csrdesk.services import demo_data, identity_key
from csrdesk.services.demo_plan import weighted
from csrdesk.storage.models import Complaint, ComplaintStep

_TABLES = demo_data.load("complaints")
CHANNELS = _TABLES["channels"]
TEXTS: dict[str, tuple[str, ...]] = _TABLES["texts"]
OUTCOMES = _TABLES["outcomes"]
REMEDIES: dict[str, str] = _TABLES["remedies"]
NOTES: tuple[str, ...] = _TABLES["notes"]
OUTSIDE: tuple[str, ...] = _TABLES["outside"]
# A few names by country code, Latin and local script, so the demo shows what sealing protects.
NAMES: dict[str, tuple[str, ...]] = _TABLES["names"]
OTHER_NAMES: tuple[str, ...] = _TABLES["other_names"]


def add_demo_complaints(s: Session, suppliers: Sequence[tuple[int, str, str, str]], count: int, seed: int,
                        today: date, provisions: Sequence[str] = ()) -> int:
    """Adds `count` complaints about the suppliers [(id, profile good/fair/poor, country code, dial code)] in s.

    Poor factories get more complaints; about one in twenty concerns a factory outside the program. Returns count.
    """
    if not suppliers or count <= 0:
        return 0
    rng = random.Random(f"complaints-{seed}")
    weights = [{"good": 1, "fair": 2, "poor": 4}.get(p, 2) for _sid, p, _c, _d in suppliers]
    provisions = [p for p in (provisions or TEXTS) if p in TEXTS] or list(TEXTS)
    numbers = _reference_numbers(s)
    for _k in range(1, count + 1):
        sid, _profile, country, dial = rng.choices(suppliers, weights=weights)[0]
        outside = rng.random() < 0.05
        # More recent than old: a live channel has a few open complaints and a longer tail of closed ones.
        received = today - timedelta(days=int(rng.triangular(3, 900, 20)))
        provision = rng.choice(provisions)
        risk = weighted(rng, (("low", 0.5), ("medium", 0.35), ("high", 0.15)))
        if provision in ("freedom-of-association", "discrimination", "forced-labour") and risk == "low":
            risk = "medium"
        anonymous = rng.random() < 0.45
        c = Complaint(
            reference=_next_reference(numbers, received), received_date=received, channel=weighted(rng, CHANNELS),
            supplier_id=None if outside else sid, factory_name=rng.choice(OUTSIDE) if outside else "",
            provision=provision, description=rng.choice(TEXTS[provision]), anonymous=anonymous,
            retaliation_risk=risk, worker_agrees_factory_told=rng.random() < 0.4,
        )
        if not anonymous:
            name = rng.choice(NAMES.get(country, OTHER_NAMES))
            phone = f"+{dial} {rng.randint(20, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
            c.identity_token, c.identity_key_id = identity_key.seal({"ref": c.reference, "name": name,
                                                                      "contact": phone})
        _work(rng, c, today, outside)
        s.add(c)
    s.flush()
    return count


def _reference_numbers(s: Session) -> dict[int, int]:
    """The highest number of each year's complaint references already in the workspace (GRV-2026-0007: 7)."""
    numbers: dict[int, int] = {}
    for ref in s.scalars(select(Complaint.reference).where(Complaint.reference.like("GRV-%"))):
        parts = ref.split("-")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            year = int(parts[1])
            numbers[year] = max(numbers.get(year, 0), int(parts[2]))
    return numbers


def _next_reference(numbers: dict[int, int], received: date) -> str:
    """A reference as the app gives one (GRV-<year received>-<number>), never one already used; the demo's used to
    carry the seed where the year goes ("GRV-1-0007")."""
    numbers[received.year] = numbers.get(received.year, 0) + 1
    return f"GRV-{received.year}-{numbers[received.year]:04d}"


def _work(rng: random.Random, c: Complaint, today: date, outside: bool) -> None:
    """The steps taken so far, as a complaint of that age would have them."""
    age = (today - c.received_date).days
    steps: list[ComplaintStep] = []

    def step(kind: str, on: date, text: str = "") -> None:
        steps.append(ComplaintStep(kind=kind, date=min(on, today), text=text))

    if age > 2 and rng.random() < 0.92:
        c.acknowledged_date = min(today, c.received_date + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5, 8, 14))))
        step("acknowledged", c.acknowledged_date)
        for n in range(rng.randint(1, 3) if age > 10 else 0):
            step("note", c.acknowledged_date + timedelta(days=5 + 9 * n), NOTES[(n + len(c.reference)) % len(NOTES)])
        if not outside and age > 20 and rng.random() < 0.6:
            decision = "told" if c.worker_agrees_factory_told else "issue_only"
            c.factory_decision = decision
            step("decision", c.acknowledged_date + timedelta(days=12),
                 "Factory told of the complaint (not of who made it)." if decision == "told"
                 else "Issue raised at the factory as a general concern; the complaint not mentioned.")
        if c.retaliation_risk == "high" and not outside and age > 40 and rng.random() < 0.2:
            c.retaliation_found_date = c.acknowledged_date + timedelta(days=30)
            step("retaliation_found", c.retaliation_found_date,
                 "The worker's overtime was cut after the factory learned of the complaint.")
        if age > 60 and (rng.random() < 0.8 or age > 240):
            outcome = "referred" if outside else weighted(rng, OUTCOMES)
            resolved = c.acknowledged_date + timedelta(days=rng.randint(10, 110))
            if resolved < today:
                c.outcome, c.resolution, c.resolved_date = outcome, REMEDIES[outcome], resolved
                step("resolved", resolved, f"{Outcome(outcome).label}. {REMEDIES[outcome]}")
                confirmed = Outcome(outcome).confirmed
                if confirmed:
                    checked = resolved + timedelta(days=rng.randint(30, 90))
                    if checked < today:
                        c.compliance_checked_date = checked
                        step("compliance_checked", checked, "Checked at the follow-up visit: the practice stopped.")
                closing = (c.compliance_checked_date or resolved) + timedelta(days=rng.randint(1, 10))
                if (not confirmed or c.compliance_checked_date) and closing < today:
                    c.closed_date = closing
                    step("closed", closing)
    c.steps = steps
    c.status = status_of(ComplaintFacts(
        received=c.received_date, acknowledged=c.acknowledged_date, resolved=c.resolved_date, outcome=c.outcome,
        compliance_checked=c.compliance_checked_date, closed=c.closed_date,
        notes=sum(1 for st in steps if st.kind == "note"),
    )).value
