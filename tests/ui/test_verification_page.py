"""The Verification page and the visit screen: keys 1-4 over a long CAP, a Chinese note, saving updates the CAP."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import wait_idle

ITEMS = 120


@pytest.fixture(scope="module")
def big_cap(ui_db):
    """An active supplier with a sent CAP of 120 items, its meeting held 50 days ago (so its visit is overdue)."""
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.verification import set_meeting_date

    create_supplier(ui_db, SupplierInput(name="Pearl River Knitwear", code="CN-7001", country="China"),
                    status="active")
    day = date.today() - timedelta(days=120)
    d = record_assessment(ui_db, AssessmentInput("CN-7001", day, findings=[
        FindingInput(f"Finding number {n}", "minor", category="health-safety") for n in range(ITEMS)]))
    caps_service.change_cap_status(ui_db, d.cap_id, "sent", today=day)
    set_meeting_date(ui_db, d.cap_id, date.today() - timedelta(days=50))
    return d.cap_id


def open_page(qtbot, window):
    window.go("verification")
    page = window.verification
    wait_idle(qtbot, window.ctx)
    return page


def test_the_page_lists_the_overdue_visit(qtbot, window, big_cap):
    """The CAP whose meeting was 50 days ago is on the plan as overdue, with its 120 items due."""
    page = open_page(qtbot, window)
    rows = page.plan_model.all_rows()
    row = next(r for r in rows if r.cap_id == big_cap)
    assert row.state == "overdue" and row.items_due == ITEMS
    assert page.card_overdue.value_label.text() == "1"
    assert page.tabs.tabText(0).startswith("Visits due (")


def test_the_plan_names_each_factory_whole_at_1360(qtbot, window, big_cap):
    """The plan is read by factory: its name is a column of its own, shown whole at the default size (it was a
    hidden column, and the plan showed codes only)."""
    window.resize(1360, 840)
    page = open_page(qtbot, window)
    view, model = page.plan_view, page.plan_model
    name_column = next(i for i, c in enumerate(model.columns) if c.title == "Name")
    assert not view.isColumnHidden(name_column)
    row = next(i for i, r in enumerate(model.all_rows()) if r.cap_id == big_cap)
    qtbot.waitUntil(lambda: view.columnWidth(name_column) > 0)
    needed = view.fontMetrics().horizontalAdvance("Pearl River Knitwear")
    assert view.columnWidth(name_column) >= needed + 8, (view.columnWidth(name_column), needed)
    assert model.data(model.index(row, name_column)) == "Pearl River Knitwear"


def test_keys_set_verdicts_and_move_down_and_the_note_takes_chinese(qtbot, window, big_cap, tmp_path):
    """1-4 set the selected item's verdict and move to the next; Enter opens the note; saving records the visit and
    verifies the items done correctly."""
    page = open_page(qtbot, window)
    dialog = page.record_visit(big_cap)
    wait_idle(qtbot, window.ctx)
    assert dialog.model.rowCount() > 0 and len(dialog.entries) == ITEMS
    dialog.table.setFocus()
    for key in "1123":
        qtbot.keyClick(dialog.table, key)
    assert [e.verdict.value for e in dialog.entries[:4]] == ["done_correctly", "done_correctly",
                                                            "done_with_errors", "not_done"]
    assert dialog.table.currentIndex().row() == 4
    qtbot.keyClick(dialog.table, "4")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert dialog.note.hasFocus()
    dialog.note.insertPlainText("机器房上锁，无法检查")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert dialog.table.hasFocus() and dialog.entries[4].note == "机器房上锁，无法检查"
    assert "5 of 120 items judged" in dialog.summary.text() and "suggested category" in dialog.summary.text()
    dialog.resize(1360, 840)
    dialog.grab().save(str(tmp_path / "visit-screen.png"))
    with qtbot.waitSignal(dialog.recorded, timeout=10000):
        dialog.save()
    visit = dialog.result_visit
    assert visit.items_verified == 2 and visit.items_reopened == 2
    wait_idle(qtbot, window.ctx)
    from csrdesk.services.caps import cap_detail

    statuses = [i.row.status for i in cap_detail(window.ctx.db, big_cap).items[:5]]
    assert statuses[:2] == ["verified", "verified"]
    assert any(r.id == visit.id for r in page.visits_model.all_rows())


def test_not_checked_without_a_note_is_refused_on_the_screen(qtbot, window, big_cap):
    """The refusal shows in the dialog, which stays open, and nothing is saved."""
    page = open_page(qtbot, window)
    before = len(page.visits_model.all_rows())
    dialog = page.record_visit(big_cap)
    wait_idle(qtbot, window.ctx)
    dialog.visit_date.setDate(dialog.visit_date.date().addDays(-1))
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, "4")
    dialog.save()
    wait_idle(qtbot, window.ctx)
    assert dialog.isVisible() and "needs a note saying why" in dialog.error.text()
    dialog.reject()
    page.refresh()
    wait_idle(qtbot, window.ctx)
    assert len(page.visits_model.all_rows()) == before


def test_page_screenshot(qtbot, window, tmp_path):
    page = open_page(qtbot, window)
    window.resize(1360, 840)
    page.grab().save(str(tmp_path / "verification-page.png"))
    assert page.subtitle.text()


def test_supplier_page_dashboard_and_search_show_verification(qtbot, window, big_cap):
    """After a visit, the supplier page shows it with its category and escalation, the dashboard counts visits, and
    search finds the visit by the supplier and by its number."""
    from csrdesk.services.escalations import escalate
    from csrdesk.services.search import search
    from csrdesk.services.suppliers import supplier_detail
    from csrdesk.services.verification import list_visits

    db = window.ctx.db
    escalate(db, "CN-7001", "reminder", "Visit overdue")
    window.ctx.notify("verification")
    window.show_supplier(supplier_detail(db, "CN-7001").row.id)
    wait_idle(qtbot, window.ctx)
    glance = window.supplier_page.glance.values
    assert "last visit" in glance["Verification"].text() and "category" in glance["Verification"].text()
    assert glance["Escalation"].text().startswith("Reminder since")
    window.go("dashboard")
    wait_idle(qtbot, window.ctx)
    assert "escalated" in window.dashboard.card_visits.note.text()
    visit = list_visits(db, supplier_id=supplier_detail(db, "CN-7001").row.id)[0]
    assert any(h.kind == "verification_visit" and h.id == visit.id for h in search(db, "CN-7001"))
    assert search(db, f"visit {visit.id}")[0].id == visit.id
    window.open_item("verification_visit", visit.id)
    assert window.current_page() is window.verification and window.verification.visits_view.current_row().id == visit.id


def test_sheet_and_onsite_report_are_written_from_the_page(qtbot, window, big_cap, tmp_path, monkeypatch):
    """On-site sheet of the chosen CAP and onsite report of the chosen visit, saved where the user says."""
    import openpyxl
    from docx import Document
    from PySide6.QtWidgets import QFileDialog

    page = open_page(qtbot, window)
    target = {"path": ""}
    suggested = []

    def ask(parent, title, start, kinds):
        suggested.append(start)
        return target["path"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.verification import set_meeting_date

    day = date.today() - timedelta(days=60)
    d = record_assessment(window.ctx.db, AssessmentInput("CN-7001", day, findings=[
        FindingInput("Exit blocked", "critical"), FindingInput("No first aid kit", "minor")]))
    caps_service.change_cap_status(window.ctx.db, d.cap_id, "sent", today=day)
    set_meeting_date(window.ctx.db, d.cap_id, day + timedelta(days=5))
    page.tabs.setCurrentIndex(0)
    page.refresh()
    wait_idle(qtbot, window.ctx)
    assert page.plan_view.select_id(d.cap_id)
    target["path"] = str(tmp_path / "sheet.xlsx")
    page.write_sheet()
    wait_idle(qtbot, window.ctx)
    ws = openpyxl.load_workbook(target["path"])["Visit 核查"]
    # The save dialog opened in the home folder, not wherever csrdesk was started.
    assert Path(suggested[0]).parent == Path.home() and Path(suggested[0]).suffix == ".xlsx"
    assert ws.cell(6, 4).value == "Exit blocked"
    page.tabs.setCurrentIndex(1)
    done = next(r for r in page.visits_model.all_rows() if r.status == "done")
    page.visits_view.select_id(done.id)
    target["path"] = str(tmp_path / "report.docx")
    page.write_report()
    wait_idle(qtbot, window.ctx)
    text = "\n".join(p.text for p in Document(target["path"]).paragraphs)
    assert "Onsite report of the verification visit" in text and page.message.text().startswith("Wrote")


def test_booking_again_starts_from_the_people_already_booked(qtbot, window, monkeypatch):
    """Book visit... on a CAP whose visit is booked shows the booked attendees and their names, so moving the date
    keeps them (the dialog started from brand and worker representative, and OK silently dropped the others)."""
    from PySide6.QtWidgets import QDialog

    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.verification import book_visit, set_meeting_date
    from csrdesk.ui.pages import verification

    db = window.ctx.db
    create_supplier(db, SupplierInput(name="Jade Bay Socks", code="CN-7002", country="China"), status="active")
    day = date.today() - timedelta(days=30)
    d = record_assessment(db, AssessmentInput("CN-7002", day, findings=[FindingInput("Exit blocked", "critical")]))
    caps_service.change_cap_status(db, d.cap_id, "sent", today=day)
    set_meeting_date(db, d.cap_id, day + timedelta(days=5))
    book_visit(db, d.cap_id, date.today() + timedelta(days=9),
               attendees=["brand:Anna Berg", "factory management:Mr Li"])
    page = open_page(qtbot, window)
    page.tabs.setCurrentIndex(0)
    page.refresh()
    wait_idle(qtbot, window.ctx)
    assert page.plan_view.select_id(d.cap_id)
    seen = {}

    def look(dialog):
        seen.update({role: (check.isChecked(), name.text()) for role, (check, name) in dialog.people.items()})
        seen["date"] = dialog.date.date().toPython()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(verification.BookDialog, "exec", look)
    page.book()
    assert seen["brand"] == (True, "Anna Berg") and seen["factory management"] == (True, "Mr Li")
    assert seen["worker representative"] == (False, "") and seen["date"] == date.today() + timedelta(days=9)
