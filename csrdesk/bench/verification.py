"""Benchmark rows of verification (registered with @measure when the benchmark runner imports this module).

On the large-program workspace: the Verification page's data (target 0.5 s), the visit plan across all factories
(0.2 s), and recording a 120-item visit with its CAP update in one transaction (0.3 s), each run on a CAP of its own.
"""
from __future__ import annotations

from datetime import timedelta

from csrdesk.bench.registry import BenchContext, first_code, measure

VISIT_ITEMS = 120
VISIT_RUNS = 3


@measure("verification: prepare CAPs of 120 items for the visit rows (not timed against a target)", repeat=1)
def _prepare(ctx: BenchContext) -> str:
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.verification import set_meeting_date

    code = first_code(ctx)
    caps = []
    for n in range(VISIT_RUNS):
        day = ctx.today - timedelta(days=150 + n)
        d = record_assessment(ctx.db, AssessmentInput(code, day, "follow-up", findings=[
            FindingInput(f"Bench finding {n}-{i}", "minor", category="health-safety") for i in range(VISIT_ITEMS)]))
        caps_service.change_cap_status(ctx.db, d.cap_id, "sent", today=day)
        set_meeting_date(ctx.db, d.cap_id, day + timedelta(days=20))
        caps.append((d.cap_id, [i.row.id for i in caps_service.cap_detail(ctx.db, d.cap_id).items]))
    ctx.facts["visit_caps"] = caps
    return f"{VISIT_RUNS} CAPs of {VISIT_ITEMS} items for {code}"


@measure("verification: record a 120-item visit with its CAP update", target=0.3, repeat=VISIT_RUNS)
def _record(ctx: BenchContext) -> str:
    from csrdesk.services.verification import VerdictInput, record_visit

    cap_id, items = ctx.facts["visit_caps"].pop(0)
    cycle = ("done_correctly", "done_correctly", "done_with_errors", "not_done")
    verdicts = [VerdictInput(item, cycle[i % 4], "检查了记录 / records checked") for i, item in enumerate(items)]
    visit = record_visit(ctx.db, cap_id, ctx.today, verdicts, verifier="Bench", today=ctx.today)
    return f"CAP {cap_id}: {visit.items_verified} verified, {visit.items_reopened} sent back"


@measure("verification: visit plan across all factories", target=0.2)
def _plan(ctx: BenchContext) -> str:
    from csrdesk.services.verification import visit_plan

    rows = visit_plan(ctx.db, ctx.today)
    return f"{len(rows)} CAPs"


@measure("verification: Verification page data", target=0.5, repeat=3)
def _page(ctx: BenchContext) -> str:
    from csrdesk.services.verification_overview import verification_overview

    o = verification_overview(ctx.db, ctx.today)
    return (f"{len(o.plan)} planned, {len(o.visits)} visits, {len(o.escalations)} escalations, "
            f"{len(o.ready)} ready")
