"""Benchmark rows for letters (registered with @measure when the benchmark runner imports this module).

Each of our rows is measured against bare docxtpl rendering the same template with the same data in the same run:
bare docxtpl loads the template, renders it with plain Jinja and saves the file; csrdesk also reads the CAP from
the database, builds the context, checks the template and renders in the sandbox with autoescape.
"""
from __future__ import annotations

import time
from pathlib import Path

from csrdesk.bench.registry import BenchContext, measure

BATCH_SIZE = 600
BATCH_LIMIT = 1.5  # a batch may take at most this many times bare docxtpl's time


def _template_path() -> Path:
    from csrdesk.services.letters import find_template

    return find_template("cap_letter_en.docx")


def _caps_by_size(ctx: BenchContext) -> list[int]:
    """CAPs, those with findings_per_assessment items (87 at the large scale) first, then the nearest sizes."""
    if "letter_caps" not in ctx.facts:
        from sqlalchemy import func, select

        from csrdesk.storage.models import Cap, CapItem

        with ctx.db.reading() as s:
            rows = s.execute(select(Cap.id, func.count(CapItem.id)).join(CapItem, CapItem.cap_id == Cap.id)
                             .group_by(Cap.id).order_by(func.count(CapItem.id).desc(), Cap.id)).all()
        wanted = ctx.findings_per_assessment
        rows.sort(key=lambda r: (abs(r[1] - wanted), -r[1], r[0]))
        ctx.facts["letter_caps"] = [cap_id for cap_id, _n in rows]
        ctx.facts["letter_cap_items"] = rows[0][1] if rows else 0
    return ctx.facts["letter_caps"]


def _bare_render(template: Path, context: dict, out: Path) -> None:
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    doc.render(context)
    doc.save(str(out))


@measure("bare docxtpl: one letter, 87 findings (reference)", target=None)
def _bare_one(ctx: BenchContext) -> str:
    from csrdesk.services.letters import cap_letter_context

    cap_id = _caps_by_size(ctx)[0]
    key = ("letter_context", cap_id)
    if key not in ctx.facts:
        ctx.facts[key] = cap_letter_context(ctx.db, cap_id, lang="en", today=ctx.today)
    out = ctx.folder / "bench-letters"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    _bare_render(_template_path(), ctx.facts[key], out / "bare.docx")
    ctx.facts.setdefault("bare_one_runs", []).append(time.perf_counter() - started)
    return f"CAP {cap_id}, {len(ctx.facts[key]['findings'])} findings"


@measure("CAP letter, 87 findings", target=0.3)
def _letter_one(ctx: BenchContext) -> str:
    from csrdesk.services.letters import render_cap_letter

    cap_id = _caps_by_size(ctx)[0]
    out = ctx.folder / "bench-letters"
    out.mkdir(exist_ok=True)
    render_cap_letter(ctx.db, cap_id, out / "letter.docx", lang="en", today=ctx.today)
    bare = sorted(ctx.facts.get("bare_one_runs", [0.0]))
    median = bare[len(bare) // 2]
    return f"{ctx.facts.get('letter_cap_items')} findings; bare docxtpl {median:.3f} s in this run"


@measure(f"bare docxtpl: {BATCH_SIZE} letters (reference)", target=None, repeat=1)
def _bare_batch(ctx: BenchContext) -> str:
    from csrdesk.services.letters import LetterJob, cap_letter_context

    caps = _caps_by_size(ctx)[:BATCH_SIZE]
    job = LetterJob.prepare(ctx.db)
    contexts = [cap_letter_context(ctx.db, cap_id, lang="en", today=ctx.today, job=job) for cap_id in caps]
    template = _template_path()
    out = ctx.folder / "bench-bare-batch"
    out.mkdir(exist_ok=True)
    started = time.perf_counter()
    for n, context in enumerate(contexts):
        _bare_render(template, context, out / f"{n}.docx")
    seconds = time.perf_counter() - started
    ctx.facts["bare_batch_seconds"] = seconds
    # The batch row's limit is relative to this run's bare time; the runner reads it from here.
    ctx.facts[("target", f"{BATCH_SIZE} CAP letters in a batch")] = round(BATCH_LIMIT * seconds, 3)
    return (f"{len(caps)} letters; rendering alone {seconds:.1f} s (the reference), the rest of the row's time is "
            "building their contexts")


@measure(f"{BATCH_SIZE} CAP letters in a batch", target=None, repeat=1)
def _letter_batch(ctx: BenchContext) -> str:
    from csrdesk.services.letters import run_batch

    caps = _caps_by_size(ctx)[:BATCH_SIZE]
    started = time.perf_counter()
    result = run_batch(ctx.db, caps, ctx.folder / "bench-batch", letters=True, lang="en", today=ctx.today)
    seconds = time.perf_counter() - started
    if result.failures:
        raise RuntimeError(f"{len(result.failures)} letters failed, first: {result.failures[0].message}")
    bare = ctx.facts.get("bare_batch_seconds")
    ratio = f"{seconds / bare:.2f}x bare docxtpl ({bare:.1f} s), limit {BATCH_LIMIT}x" if bare else "no bare reference"
    return f"{len(result.outputs)} letters with database reads and checks; {ratio}"
