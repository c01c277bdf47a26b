"""Messages about what just happened do not outlive their moment: "CAP #140 is now response received" goes when the
page is left, when the CAP changes elsewhere, after a while, or when a newer message replaces it; "Saved." of one CAP
item is not shown beside another; errors stay until replaced. Clicking Suppliers on a supplier's page goes back to
the list."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.caps import list_items

from csrdesk.services.suppliers import SupplierInput, create_supplier
from tests.ui.conftest import wait_idle


def test_cap_page_message_goes_when_the_page_is_left_or_the_cap_changes_elsewhere(qtbot, window):
    window.go("caps")
    page = window.pages["caps"]
    wait_idle(qtbot, window.ctx)
    page._set_message("CAP #140 is now response received.")
    assert page.message.text()
    window.go("dashboard")
    window.go("caps")
    wait_idle(qtbot, window.ctx)
    assert page.message.text() == ""
    page._set_message("CAP #140 is now response received.")
    window.ctx.notify("caps")  # the CAP went back to sent from another screen
    wait_idle(qtbot, window.ctx)
    assert page.message.text() == ""
    page._set_message("Not changed: the CAP is closed.", error=True)
    window.ctx.notify("caps")
    wait_idle(qtbot, window.ctx)
    assert page.message.text().startswith("Not changed")  # an error stays until replaced
    page.message._timer.setInterval(30)
    page._set_message("CAP #140 is now sent.")
    qtbot.waitUntil(lambda: page.message.text() == "", timeout=2000)


def test_saved_of_one_item_is_not_shown_beside_another(qtbot, window, ui_db):
    create_supplier(ui_db, SupplierInput(name="Saved Msg Garments", code="SM-001", country="India"))
    create_supplier(ui_db, SupplierInput(name="Other Msg Garments", code="SM-002", country="India"))
    first = record_assessment(ui_db, AssessmentInput(supplier_code="SM-001", date=date(2026, 1, 5), findings=[
        FindingInput(title="Fire exit blocked", severity="critical")]))
    second = record_assessment(ui_db, AssessmentInput(supplier_code="SM-002", date=date(2026, 1, 6), findings=[
        FindingInput(title="No overtime records", severity="major")]))
    items = [i for i in list_items(ui_db) if i.cap_id in (first.cap_id, second.cap_id)]
    page = window.pages["caps"]
    window.go("caps")
    window.ctx.notify("caps", origin=object())
    wait_idle(qtbot, window.ctx)
    page.open_item("cap_item", items[0].id)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.id == items[0].id)
    page.panel.set_message("Saved.")
    page.open_item("cap_item", items[1].id)
    qtbot.waitUntil(lambda: page.panel.detail is not None and page.panel.detail.row.id == items[1].id)
    assert page.panel.message.text() == ""


def test_suppliers_in_the_navigation_goes_back_to_the_list(qtbot, window, ui_db):
    detail = create_supplier(ui_db, SupplierInput(name="Nav Back Textiles", code="NB-001", country="India"))
    window.show_supplier(detail.row.id)
    wait_idle(qtbot, window.ctx)
    assert window.current_page() is window.supplier_page
    row = window._nav_keys.index("suppliers")
    item = window.navigation.item(row)
    rect = window.navigation.visualItemRect(item)
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.current_page() is window.suppliers)


def test_the_demo_data_summary_goes_like_every_message_about_what_just_happened(qtbot, window, monkeypatch):
    """After "load demo data" the window's status bar says what was added; the message goes when the user moves
    to another page, and by itself after the while every passing message stays (the pages' PASSING_MS), so it
    does not stand under the next screens as if it were news."""
    from csrdesk.services import demo
    from csrdesk.ui.widgets import status_line

    class Added:
        def summary(self) -> str:
            return "Added 40 suppliers with 146 assessments."

    monkeypatch.setattr(demo, "generate_demo", lambda db, **kwargs: Added())
    bar = window.statusBar()
    window.go("dashboard")
    window.load_demo()
    qtbot.waitUntil(lambda: bar.currentMessage() == "Added 40 suppliers with 146 assessments.")
    window.navigation.setCurrentRow(window._nav_keys.index("suppliers"))  # the user clicks Suppliers
    qtbot.waitUntil(lambda: window.current_page() is window.suppliers)
    assert bar.currentMessage() == ""

    monkeypatch.setattr(status_line, "PASSING_MS", 60)
    window.load_demo()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("Added"))
    qtbot.waitUntil(lambda: bar.currentMessage() == "", timeout=2000)


def test_an_imported_assessment_is_confirmed_with_a_plain_count_for_a_while(qtbot, window):
    """After an import of findings the window says what was recorded ("1 finding", not "1 findings") and the
    message passes like the pages' own."""
    from csrdesk.ui.widgets.status_line import PASSING_MS

    create_supplier(window.ctx.db, SupplierInput(name="Single Finding Mill", code="CN-8801", country="China"))
    detail = record_assessment(window.ctx.db, AssessmentInput("CN-8801", date(2026, 3, 2), findings=[
        FindingInput("Fire extinguisher not inspected", "minor", category="health-safety")]))
    shown = []
    real = window.statusBar().showMessage
    window.statusBar().showMessage = lambda text, ms=0: shown.append((text, ms)) or real(text, ms)
    try:
        window._imported_assessment(detail)
    finally:
        del window.statusBar().showMessage
    assert shown and shown[0][0].startswith("Assessment recorded: 1 finding, score ")
    assert shown[0][1] == PASSING_MS
    wait_idle(qtbot, window.ctx)
