"""A supplier's page offers the next steps: a new assessment (pre-production for a prospect), a vetting screen (for
this supplier, on a supplier checklist), a follow-up when one is owed; the new-screen dialog finds suppliers by name."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from csrdesk.services import vetting
from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui.pages.vetting.dialogs import NewScreenDialog
from tests.ui.conftest import wait_idle


def test_new_assessment_of_a_prospect_is_pre_production(qtbot, window, ui_db):
    detail = create_supplier(ui_db, SupplierInput(name="Next Step Knitwear", code="NS-001", country="Bangladesh"))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    assert page.assess_button.isVisible() and page.vetting_button.isVisible()
    assert not page.follow_up_button.isVisible()  # nothing owed
    qtbot.mouseClick(page.assess_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.assessments)
    editor = window.assessments.editor
    # The suppliers are read again on the worker (one was added): the new assessment starts with it once read.
    qtbot.waitUntil(lambda: editor.supplier_code() == "NS-001")
    assert editor.type_box.currentText() == "pre-production"


def test_start_vetting_opens_a_supplier_checklist_for_this_supplier(qtbot, window, ui_db):
    detail = create_supplier(ui_db, SupplierInput(name="Vet Me Garments", code="NS-002", country="India"))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    seen = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, NewScreenDialog):
            QTimer.singleShot(50, look)
            return
        seen["supplier"] = dialog.supplier_combo.currentData()
        seen["kind"] = dialog.kind()
        dialog.reject()

    QTimer.singleShot(50, look)
    qtbot.mouseClick(window.supplier_page.vetting_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "kind" in seen, timeout=10000)
    assert seen == {"supplier": "NS-002", "kind": "supplier"}


def test_follow_up_owed_is_one_click(qtbot, window, ui_db):
    detail = create_supplier(ui_db, SupplierInput(name="Follow Up Textiles", code="NS-003", country="India"),
                             status="active")
    record_assessment(ui_db, AssessmentInput(supplier_code="NS-003", date=date.today() - timedelta(days=20),
                                             findings=[FindingInput(title="No fire drills", severity="critical"),
                                                       FindingInput(title="Wages late", severity="major")]))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    due = page._next[2]
    assert due is not None and page.follow_up_button.isVisible()
    assert not page.vetting_button.isVisible()  # an active supplier is not vetted again from here
    qtbot.mouseClick(page.follow_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.assessments)
    editor = window.assessments.editor
    qtbot.waitUntil(lambda: editor.supplier_code() == "NS-003")  # once the suppliers are read again (one was added)
    assert editor.type_box.currentText() == "follow-up" and editor.date_edit.date().toPython() == due


def test_an_overdue_follow_up_is_dated_today_not_on_the_day_that_passed(qtbot, window, ui_db):
    """A follow-up owed since months ago opens dated today (it opened on the past due date, as if it had been done
    then)."""
    detail = create_supplier(ui_db, SupplierInput(name="Late Follow Up Knit", code="NS-004", country="India"),
                             status="active")
    record_assessment(ui_db, AssessmentInput(supplier_code="NS-004", date=date.today() - timedelta(days=300),
                                             findings=[FindingInput(title="No fire drills", severity="critical")]))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    assert page._next[2] is not None and page._next[2] < date.today()
    qtbot.mouseClick(page.follow_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.assessments)
    editor = window.assessments.editor
    qtbot.waitUntil(lambda: editor.supplier_code() == "NS-004")
    assert editor.type_box.currentText() == "follow-up" and editor.date_edit.date().toPython() == date.today()


def test_new_screen_dialog_finds_a_supplier_by_name(qtbot, ui_app, db):
    create_supplier(db, SupplierInput(name="Alpha Apparel", code="AA-001", country="India"))
    create_supplier(db, SupplierInput(name="Lotus Denim Mills", code="LD-002", country="India"))
    choices = vetting.screen_choices(db)
    dialog = NewScreenDialog(choices.templates, choices.suppliers)
    qtbot.addWidget(dialog)
    assert dialog.kind() == "supplier"
    assert dialog.supplier_combo.currentIndex() == -1  # not simply the first supplier of the list
    dialog.supplier_combo.setEditText("lotus denim")
    assert dialog.choice()[1] == "LD-002"


def test_a_complaint_about_this_supplier_starts_from_its_complaints_tab(qtbot, window, ui_db):
    """The supplier page's Complaints tab has New complaint… (it was a dead end): it opens the intake on the
    Complaints page with this supplier chosen."""
    detail = create_supplier(ui_db, SupplierInput(name="Complaint Path Textiles", code="NS-009", country="India"))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    page.tabs.setCurrentIndex(3)
    assert page.complaint_button.isVisible()
    qtbot.mouseClick(page.complaint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.complaints)
    complaints = window.complaints
    qtbot.waitUntil(lambda: getattr(complaints, "new_dialog", None) is not None and complaints.new_dialog.isVisible())
    assert complaints.new_dialog.supplier.code() == "NS-009"
    assert complaints.new_dialog.supplier.currentText().startswith("NS-009")
    complaints.new_dialog.reject()


def test_open_cap_items_show_category_titles_not_keys(qtbot, window, ui_db):
    """The supplier page's Open CAP items tab names each category as the library does ("Health and safety"), not by
    its key ("health-safety")."""
    detail = create_supplier(ui_db, SupplierInput(name="Category Words Mill", code="NS-010", country="India"))
    record_assessment(ui_db, AssessmentInput("NS-010", date.today() - timedelta(days=10), findings=[
        FindingInput("Fire extinguishers not inspected", "minor", category="health-safety")]))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    model = page.items_view.model()
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())].index("Category")
    shown = model.index(0, column).data()
    assert shown and shown != "health-safety" and "health" in shown.lower(), shown


def test_change_history_names_records_as_the_app_does():
    """The supplier's Change history names what changed as the rest of the app does ("CAP #59", "Assessment #61",
    "This supplier"), not by internal table names ("cap 59", "supplier 16"); found by the fresh new-user pass."""
    from csrdesk.ui.pages.supplier_page import record_label

    assert record_label("cap", 59) == "CAP #59"
    assert record_label("cap_item", 2184) == "CAP item #2184"
    assert record_label("assessment", 61) == "Assessment #61"
    assert record_label("supplier", 16) == "This supplier"
    assert record_label("law_reference", 3) == "Law reference #3"


def test_the_history_tab_shows_the_names(qtbot, window, ui_db):
    detail = create_supplier(ui_db, SupplierInput(name="History Words Mill", code="NS-011", country="India"))
    assessed = record_assessment(ui_db, AssessmentInput("NS-011", date.today() - timedelta(days=3), findings=[
        FindingInput("Fire extinguishers not inspected", "minor", category="health-safety")]))
    window.ctx.notify("suppliers")
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    model = window.supplier_page.history_model
    shown = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert f"Assessment #{assessed.id}" in shown or f"CAP #{assessed.cap_id}" in shown, shown
    assert not any(text.startswith(("cap ", "supplier ", "assessment ")) for text in shown), shown
