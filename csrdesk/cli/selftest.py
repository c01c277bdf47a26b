"""The self-test: migrates a temporary database and exercises every part that is built.

The frozen installer runs it (`csrdesk selftest`) to prove the bundle works. Each part adds a step with @step.
"""
from __future__ import annotations

import os
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional


@dataclass
class Context:
    """What the self-test's steps hand on to each other: the temporary folder, database and the records made."""

    folder: Path
    db: object = None
    supplier_code: str = ""
    assessment_id: int = 0
    cap_id: int = 0


STEPS: list[tuple[str, Callable[[Context], str]]] = []


def step(name: str):
    def wrap(fn: Callable[[Context], str]):
        STEPS.append((name, fn))
        return fn

    return wrap


@step("migrate a new database")
def _migrate(ctx: Context) -> str:
    from csrdesk.services.startup import open_workspace, schema_state

    ctx.db = open_workspace(str(ctx.folder / "selftest.sqlite3"))
    revision, head = schema_state(ctx.db)
    assert revision == head, f"schema at {revision}, expected {head}"
    return f"schema {revision}"


@step("make demo data")
def _demo(ctx: Context) -> str:
    from csrdesk.services.demo import generate_demo
    from csrdesk.services.suppliers import list_suppliers

    result = generate_demo(ctx.db, suppliers=6, findings_per_assessment=8, seed=7)
    rows = list_suppliers(ctx.db)
    assert len(rows) == 6, f"{len(rows)} suppliers"
    rated = [r for r in rows if r.rating]
    assert rated, "no supplier was rated"
    ctx.supplier_code = rated[0].code
    return f"{result.suppliers} suppliers, {result.findings} findings"


@step("record and rate an assessment")
def _rate(ctx: Context) -> str:
    from datetime import date

    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment

    detail = record_assessment(ctx.db, AssessmentInput(
        supplier_code=ctx.supplier_code, date=date.today(), assessment_type="periodic",
        findings=[FindingInput("Fire exit blocked", "critical"), FindingInput("Overtime above limit", "major")],
    ))
    assert detail.score == 38 and detail.rating == "Unsatisfactory", (detail.score, detail.rating)
    ctx.assessment_id, ctx.cap_id = detail.id, detail.cap_id or 0
    return f"score {detail.score}: {detail.rating}"


@step("draw a chart")
def _chart(ctx: Context) -> str:
    from csrdesk.services.reports import rating_chart_png

    out = rating_chart_png(ctx.db, ctx.folder / "ratings.png")
    assert out.stat().st_size > 1000, "the chart is empty"
    return f"{out.name}, {out.stat().st_size} bytes"


def _heading(ws, text: str, row: int = 0) -> tuple[int, int]:
    """Where a column is, found by its heading as a factory filling the file finds it: (heading row, column).
    The heading's first line starts with text; row, where given, is the heading row."""
    for cells in ws.iter_rows(min_row=row or 1, max_row=row or 30):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.strip().split("\n")[0].startswith(text):
                return cell.row, cell.column
    raise AssertionError(f"no column headed {text!r} in {ws.title}")


def run_selftest(progress: Optional[Callable[[str], None]] = None, folder: Optional[Path] = None) -> dict:
    """Runs every step in a temporary folder (data, logs and cache included); returns a report."""
    results = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="csrdesk-selftest-") as tmp:
        base = Path(folder or tmp)
        previous = os.environ.get("CSRDESK_HOME")
        os.environ["CSRDESK_HOME"] = str(base / "home")
        os.environ.setdefault("MPLCONFIGDIR", str(base / "home" / "cache" / "matplotlib"))
        ctx = Context(folder=base)
        try:
            for name, fn in STEPS:
                started = time.perf_counter()
                try:
                    detail = fn(ctx)
                    passed = True
                except Exception as exc:  # report every failure, go on with the next step
                    detail = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                    passed = False
                    ok = False
                seconds = round(time.perf_counter() - started, 3)
                results.append({"step": name, "ok": passed, "seconds": seconds, "detail": detail})
                if progress:
                    progress(f"{'ok  ' if passed else 'FAIL'} {name} ({seconds:.2f} s): {detail}")
        finally:
            if ctx.db is not None:
                ctx.db.dispose()
            if previous is None:
                os.environ.pop("CSRDESK_HOME", None)
            else:
                os.environ["CSRDESK_HOME"] = previous
    return {"ok": ok, "steps": results}


@step("import a supplier list and a findings sheet")
def _imports(ctx: Context) -> str:
    from datetime import date

    from csrdesk.services.findings_import import import_assessment
    from csrdesk.services.supplier_import import import_suppliers

    suppliers = ctx.folder / "suppliers.csv"
    suppliers.write_bytes("工厂名称,国家\r\n宁波美达服饰有限公司,中国\r\n宁波美达服饰厂,CHINA\r\n".encode("gb18030"))
    report = import_suppliers(ctx.db, suppliers)
    assert len(report.created) == 1 and len(report.duplicates) == 1, report.summary()
    findings = ctx.folder / "findings.csv"
    findings.write_text("Finding,Risk level,Timeline (days)\nEmergency exit blocked,Critical,7\n", encoding="utf-8")
    d = import_assessment(ctx.db, findings, supplier_code=report.created[0].code, on=date.today(),
                          assessment_type="periodic")
    assert d.rating == "Unsatisfactory" and d.cap_id, f"{d.rating}, CAP {d.cap_id}"
    return f"{report.created[0].code} created, 1 duplicate flagged; assessment {d.id} {d.rating}"


@step("check root causes of a CAP")
def _root_cause_checks(ctx: Context) -> str:
    from csrdesk.services.caps import cap_detail
    from csrdesk.services.review import check_cap, improvement_plan, record_answer

    assert ctx.cap_id, "no CAP was made by the earlier step"
    items = {i.row.finding: i.row.id for i in cap_detail(ctx.db, ctx.cap_id).items}
    record_answer(ctx.db, items["Overtime above limit"], root_cause="工人加班", preventive_action="已支付加班费",
                  project_leader="Li Wei", cap_id=ctx.cap_id)
    record_answer(ctx.db, items["Fire exit blocked"], root_cause="No one is responsible for checking exits daily",
                  preventive_action="Safety officer checks every exit each morning and signs the checklist",
                  project_leader="Chen Jie", cap_id=ctx.cap_id)
    check = check_cap(ctx.db, ctx.cap_id)
    codes = {w.code for i in check.items for w in i.open_warnings}
    assert "root_cause_restates_finding" in codes and "no_system_element" in codes, codes
    assert check.quality == 50, check.quality
    plan = improvement_plan(ctx.db, ctx.cap_id)
    assert plan.groups, "empty improvement plan"
    return f"quality {check.quality}%, warnings {', '.join(sorted(codes))}"


@step("rate live in the assessment editor and list the CAP items")
def _editor_pages(ctx: Context) -> str:
    # Offscreen unless a display is already in use, so the step also runs on a build machine without one.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from csrdesk.ui.app import ensure_application
    from csrdesk.ui.context import AppContext
    from csrdesk.ui.pages.assessments import AssessmentsPage
    from csrdesk.ui.pages.caps import CapsPage

    app = ensure_application()  # Qt's messages go to the log, not to the self-test's output
    app_ctx = AppContext(ctx.db)
    page = AssessmentsPage(app_ctx)
    page.editor.ensure_reference()  # the library and suppliers are read on the database worker, as the window does
    deadline = time.monotonic() + 20
    while not page.editor.reference_loaded and time.monotonic() < deadline:
        time.sleep(0.02)
        app.processEvents()
    page.new_assessment(ctx.supplier_code)
    page.editor.add_library_finding("HRS-001")
    page.editor.free_severity.setCurrentText("critical")
    page.editor.add_free_finding("Fire exit blocked")
    page.editor.refresh_rating()  # scored on the database worker; wait for its answer
    deadline = time.monotonic() + 20
    while (page.editor.rating_pending or app_ctx.busy) and time.monotonic() < deadline:
        time.sleep(0.02)
        app.processEvents()
    rating = page.editor.reasons.badge.rating
    assert rating == "Unsatisfactory" and page.editor.reasons.badge.score == 38, rating
    caps = CapsPage(app_ctx)
    caps.show()
    deadline = time.monotonic() + 20
    while caps._loading and time.monotonic() < deadline:
        time.sleep(0.02)
        app.processEvents()
    caps.hide()
    app_ctx.wait_idle()
    assert caps.model.total_count > 0, "no CAP items listed"
    return f"live rating {rating} (38 points); {caps.model.total_count} open CAP items listed"


@step("write a bilingual CAP letter and an e-mail draft")
def _letters(ctx: Context) -> str:
    import email
    from email import policy

    import docx

    from csrdesk.services.letters import make_email_draft_detail, render_cap_letter

    assert ctx.cap_id, "no CAP was made by the earlier step"
    letter = render_cap_letter(ctx.db, ctx.cap_id, ctx.folder / "letter.docx", lang="zh-en")
    text = "\n".join(p.text for p in docx.Document(str(letter)).paragraphs)
    assert "评估结果" in text and "Unsatisfactory" in text, "the letter lacks its rating or its Chinese text"
    # The demo supplier may have no contact e-mail; give it one for the draft.
    from csrdesk.services.caps import cap_detail
    from csrdesk.services.suppliers import ContactInput, supplier_detail, supplier_input_from_detail, update_supplier

    code = cap_detail(ctx.db, ctx.cap_id).supplier_code
    data = supplier_input_from_detail(supplier_detail(ctx.db, code))
    data.contacts.append(ContactInput(role="compliance contact", name="Self Test", email="selftest@example.com",
                                      language="en"))
    update_supplier(ctx.db, code, data)
    draft = make_email_draft_detail(ctx.db, ctx.cap_id, ctx.folder)
    msg = email.message_from_bytes(draft.path.read_bytes(), policy=policy.default)
    assert msg["X-Unsent"] == "1" and len(list(msg.iter_attachments())) == len(draft.attachments)
    return f"letter {letter.stat().st_size // 1024} KB, draft with {', '.join(draft.attachments)}"


@step("score and decide a vetting screen through its questionnaire")
def _vetting(ctx: Context) -> str:
    from openpyxl import load_workbook

    from csrdesk.services.suppliers import SupplierInput, approval_gate, create_supplier
    from csrdesk.services.checklists import list_checklists
    from csrdesk.services.vetting import decide_screen, export_for_supplier, import_questionnaire

    assert len(list_checklists(ctx.db)) >= 4, "the built-in checklists were not loaded"
    create_supplier(ctx.db, SupplierInput(name="Self-test Vetting Factory", code="ST-VET"), status="vetting")
    screen_id, path = export_for_supplier(ctx.db, "ST-VET", "new_supplier_screening", ctx.folder / "vetting.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    head, id_col = _heading(ws, "Question ID")
    _head, answer_col = _heading(ws, "Answer", head)
    for row in ws.iter_rows(min_row=head + 1):
        if row[id_col - 1].value == "documents_held":
            row[answer_col - 1].value = "Yes / 是"  # passports kept: a knock-out
    wb.save(ctx.folder / "vetting-returned.xlsx")
    result = import_questionnaire(ctx.db, ctx.folder / "vetting-returned.xlsx", apply=True)
    assert result.applied and result.evaluation.suggested.value == "reject", result.evaluation.reasons
    assert [k.question_id for k in result.evaluation.knockouts] == ["documents_held"]
    detail = decide_screen(ctx.db, screen_id, "reject", "Self Test")
    gate = approval_gate(ctx.db, "ST-VET")
    assert gate and "the vetting decision is reject" in gate[0], gate
    from csrdesk.services.letters import render_vetting_letter

    letter = render_vetting_letter(ctx.db, screen_id, ctx.folder / "vetting-letter.docx")
    return (f"score {detail.evaluation.score:g}, knock-out found, decided {detail.decision}; "
            f"letter {letter.stat().st_size // 1024} KB")


@step("export a CAP tracker, answer it as a factory and import it back")
def _tracker(ctx: Context) -> str:
    from openpyxl import load_workbook

    from csrdesk.services.trackers import apply_tracker_import, export_tracker, preview_tracker_import

    assert ctx.cap_id, "no CAP was made by the earlier step"
    path = export_tracker(ctx.db, ctx.cap_id, ctx.folder / "tracker.xlsx")
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("CAP items"))
    head, root_cause = _heading(ws, "(d) Root cause")
    first = head + 1
    ws.cell(first, root_cause).value = "没有根据产能制定生产计划"
    ws.cell(first, _heading(ws, "Planned date")[1]).value = "2026年3月5日"
    ws.cell(first, _heading(ws, "Evidence notes")[1]).value = "=1+1"
    wb.save(ctx.folder / "tracker-returned.xlsx")
    preview = preview_tracker_import(ctx.db, ctx.folder / "tracker-returned.xlsx")
    assert len(preview.changes) == 3 and not preview.conflicts, preview
    result = apply_tracker_import(ctx.db, ctx.folder / "tracker-returned.xlsx")
    assert {c.new for c in result.applied} >= {"=1+1", "没有根据产能制定生产计划"}, result.applied
    return f"tracker {path.stat().st_size // 1024} KB, {len(result.applied)} answers imported"


@step("open the main window, list the suppliers and find one by search")
def _main_window(ctx: Context) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from csrdesk.services.search import build_search_index
    from csrdesk.ui.app import ensure_application, open_window

    app = ensure_application()
    app_ctx, window = open_window(ctx.db, install_hooks=False)
    window.show()
    window.go("suppliers")
    deadline = time.monotonic() + 20
    while (app_ctx.busy or not window.suppliers.model.total_count) and time.monotonic() < deadline:
        time.sleep(0.02)
        app.processEvents()
    pages = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    hits = build_search_index(ctx.db).search(ctx.db, ctx.supplier_code)
    app_ctx.wait_idle()
    window.close()
    assert window.suppliers.model.total_count > 0, "the suppliers list is empty"
    assert hits and hits[0].supplier_code == ctx.supplier_code, hits[:1]
    return f"pages {', '.join(pages)}; {window.suppliers.model.total_count} suppliers listed; search found {ctx.supplier_code}"
