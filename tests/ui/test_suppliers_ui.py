"""The suppliers list, the add/edit dialog, status changes and the supplier page, driven as a user would."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
from csrdesk.services.suppliers import (
    CertificationInput, ContactInput, SupplierInput, create_supplier, list_suppliers, supplier_detail,
)
from csrdesk.ui.pages.supplier_dialogs import StatusDialog, SupplierDialog
from tests.ui.conftest import wait_idle


def _dialog(kind):
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


@pytest.fixture(scope="module")
def seeded(ui_db):
    """Three suppliers: one approved with a Satisfactory audit, one with an Unsatisfactory audit and overdue items,
    one still in vetting with no assessment."""
    today = date.today()
    create_supplier(ui_db, SupplierInput(name="Harbour Knitwear Ltd", code="VN-0101", country="Vietnam",
                                         local_name="Công ty Dệt kim Cảng"), status="vetting")
    record_assessment(ui_db, AssessmentInput(supplier_code="VN-0101", date=today - timedelta(days=200),
                                             assessment_type="pre-production",
                                             findings=[FindingInput("First aid kit incomplete", "minor")]))
    create_supplier(ui_db, SupplierInput(
        name="Pearl River Toys Co., Ltd", code="CN-0102", country="China", local_name="珠江玩具有限公司",
        certifications=[CertificationInput("ICTI", "ICTI-1", today - timedelta(days=900), today - timedelta(days=150)),
                        CertificationInput("Higg FEM", "HF-2", today - timedelta(days=300), today + timedelta(days=20))],
        contacts=[ContactInput("compliance contact", "Chen Jing", "chen.jing@example.cn", "", "zh")],
    ), status="vetting")
    record_assessment(ui_db, AssessmentInput(
        supplier_code="CN-0102", date=today - timedelta(days=120), assessment_type="periodic",
        findings=[FindingInput("Overtime above 60 hours a week", "critical", days_allowed=30),
                  FindingInput("Fire exit locked during working hours", "major", days_allowed=14)]))
    create_supplier(ui_db, SupplierInput(name="Dhaka Denim Works", code="BD-0103", country="Bangladesh"),
                    status="vetting")
    return {r.code: r for r in list_suppliers(ui_db)}


@pytest.fixture
def suppliers_page(qtbot, window, seeded):
    assert window.go("suppliers")
    page = window.suppliers
    assert window.current_page() is page
    page.refresh()
    wait_idle(qtbot, window.ctx)
    page.filter_box.clear()
    for combo in (page.status_filter, page.country_filter, page.rating_filter):
        combo.setCurrentIndex(0)
    return page


def test_the_table_shows_rating_items_and_overdue(suppliers_page, seeded):
    """Each supplier shows its current rating (coloured), open items and overdue items."""
    model = suppliers_page.model
    rows = {r.code: r for r in model.visible_rows()}
    assert rows["CN-0102"].rating == "Unsatisfactory"
    assert rows["CN-0102"].open_items == 2
    assert rows["CN-0102"].overdue_items == 2
    assert rows["BD-0103"].rating is None
    rating_col = [c.title for c in model.columns].index("Rating")
    index = model.index_of(seeded["CN-0102"].id, rating_col)
    assert model.data(index) == "Unsatisfactory"
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    overdue_col = [c.title for c in model.columns].index("Overdue")
    assert model.data(model.index_of(seeded["CN-0102"].id, overdue_col)) == "2"


def test_create_a_supplier_through_the_dialog_and_see_it_in_the_table(qtbot, window, suppliers_page):
    """Ctrl+N opens the dialog; after Save the new supplier is in the list and selected."""
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _dialog(SupplierDialog) is not None)
    dialog = _dialog(SupplierDialog)
    dialog.code_edit.setText("TR-0104")
    dialog.name_edit.setText("Anatolia Socks Tekstil A.Ş.")
    dialog.country_combo.setCurrentText("Türkiye")
    dialog.contacts.table.item(0, 1).setText("Ayşe Demir")
    dialog.contacts.table.item(0, 2).setText("ayse@example.com.tr")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog(SupplierDialog) is None, timeout=10000)
    wait_idle(qtbot, window.ctx)
    codes = [r.code for r in suppliers_page.model.visible_rows()]
    assert "TR-0104" in codes
    assert [r.code for r in suppliers_page.view.selected_rows()] == ["TR-0104"]
    detail = supplier_detail(window.ctx.db, "TR-0104")
    assert detail.row.country == "Türkiye" and detail.contacts[0].email == "ayse@example.com.tr"


def test_a_supplier_without_a_name_is_refused_in_the_dialog(qtbot, window, suppliers_page):
    """Saving without a name says so in the dialog and creates nothing."""
    before = suppliers_page.model.total_count
    dialog = suppliers_page.new_supplier()
    dialog.country_combo.setCurrentText("China")
    dialog.save()
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "needs a name" in dialog.error_label.text()
    dialog.name_edit.setText("Bad Mail Garments")
    dialog.owner_email_edit.setText("not-an-address")
    dialog.save()
    assert "not an e-mail address" in dialog.error_label.text()
    dialog.reject()
    wait_idle(qtbot, window.ctx)
    assert len(list_suppliers(window.ctx.db)) == before


def test_a_half_typed_country_is_refused_once_with_a_guess_and_the_save_is_confirmed(qtbot, window, suppliers_page):
    """'Chin' typed and saved is refused naming China (it used to be kept as typed, with a made-up SU- code and no
    country laws); choosing China saves a CN- supplier and the status bar confirms it. A country csrdesk does not
    know (Ghana) is kept when the user saves again."""
    before = len(list_suppliers(window.ctx.db))
    dialog = suppliers_page.new_supplier()
    dialog.name_edit.setText("Half Typed Garments")
    dialog.country_combo.setCurrentText("Chin")
    dialog.save()
    assert dialog.isVisible() and "Did you mean China" in dialog.error_label.text()
    wait_idle(qtbot, window.ctx)
    qtbot.wait(50)  # the layout settles with the three-line message: the dialog grows, the fields do not overlap
    assert dialog.address_edit.geometry().bottom() < dialog.region_edit.geometry().top()
    assert dialog.error_label.height() >= dialog.error_label.heightForWidth(dialog.error_label.width())
    assert len(list_suppliers(window.ctx.db)) == before
    dialog.country_combo.setCurrentText("China")
    dialog.save()
    qtbot.waitUntil(lambda: _dialog(SupplierDialog) is None, timeout=10000)
    wait_idle(qtbot, window.ctx)
    added = [r for r in list_suppliers(window.ctx.db) if r.name == "Half Typed Garments"]
    assert len(added) == 1 and added[0].code.startswith("CN-") and added[0].country == "China"
    assert f"Saved supplier {added[0].code}" in window.statusBar().currentMessage()

    dialog = suppliers_page.new_supplier()
    dialog.name_edit.setText("Accra Apparel")
    dialog.country_combo.setCurrentText("Ghana")
    dialog.save()
    assert dialog.isVisible() and "not in the country list" in dialog.error_label.text()
    dialog.save()  # saved again as typed: kept
    qtbot.waitUntil(lambda: _dialog(SupplierDialog) is None, timeout=10000)
    wait_idle(qtbot, window.ctx)
    ghana = [r for r in list_suppliers(window.ctx.db) if r.name == "Accra Apparel"]
    assert len(ghana) == 1 and ghana[0].country == "Ghana" and ghana[0].code.startswith("SU-")


def test_a_duplicate_code_is_refused_with_the_service_reason(qtbot, window, suppliers_page):
    """The service's refusal (code in use) appears in the dialog, which stays open with the input kept."""
    dialog = suppliers_page.new_supplier()
    dialog.code_edit.setText("CN-0102")
    dialog.name_edit.setText("Another Toys Factory")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "already in use" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.name_edit.text() == "Another Toys Factory"
    dialog.reject()


def test_refused_status_change_shows_the_reason(qtbot, window, suppliers_page, seeded):
    """Approving a supplier with no pre-production assessment is refused; the dialog says why; nothing changes."""
    assert suppliers_page.view.select_id(seeded["BD-0103"].id)
    suppliers_page.change_status_selected()
    qtbot.waitUntil(lambda: _dialog(StatusDialog) is not None, timeout=10000)
    dialog = _dialog(StatusDialog)
    dialog.status_combo.setCurrentText("approved")
    dialog.apply()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "no pre-production assessment" in dialog.error_label.text()
    assert dialog.isVisible()
    dialog.reject()
    assert supplier_detail(window.ctx.db, "BD-0103").row.status == "vetting"


def test_an_allowed_status_change_updates_the_list_and_history(qtbot, window, suppliers_page, seeded):
    """Moving a supplier back to prospect shows in the table and in its page's change history with the note."""
    suppliers_page.view.select_id(seeded["BD-0103"].id)
    suppliers_page.change_status_selected()
    qtbot.waitUntil(lambda: _dialog(StatusDialog) is not None, timeout=10000)
    dialog = _dialog(StatusDialog)
    dialog.status_combo.setCurrentText("prospect")
    dialog.note_edit.setPlainText("Order moved to next season")
    dialog.apply()
    qtbot.waitUntil(lambda: _dialog(StatusDialog) is None, timeout=10000)
    wait_idle(qtbot, window.ctx)
    rows = {r.code: r for r in suppliers_page.model.all_rows()}
    assert rows["BD-0103"].status == "prospect"
    window.show_supplier(seeded["BD-0103"].id)
    wait_idle(qtbot, window.ctx)
    history = window.supplier_page.history_model.visible_rows()
    assert any(h.new == "prospect" and h.note == "Order moved to next season" for h in history)


def test_filters_for_status_country_rating_and_text(qtbot, suppliers_page):
    """The three filters and type-to-filter narrow the list; clearing them shows everything again."""
    page = suppliers_page
    total = page.model.visible_count
    page.rating_filter.setCurrentIndex(page.rating_filter.findData("Unsatisfactory"))
    assert [r.code for r in page.model.visible_rows()] == ["CN-0102"]
    page.rating_filter.setCurrentIndex(0)
    page.country_filter.setCurrentIndex(page.country_filter.findData("Vietnam"))
    assert [r.code for r in page.model.visible_rows()] == ["VN-0101"]
    page.country_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("vetting"))
    assert all(r.status == "vetting" for r in page.model.visible_rows())
    page.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.filter_box, "pearl")
    assert [r.code for r in page.model.visible_rows()] == ["CN-0102"]
    page.filter_box.clear()
    page.filter_box.insert("珠江")  # typed through an input method
    assert [r.code for r in page.model.visible_rows()] == ["CN-0102"]
    assert "1 of" in page.count_label.text()
    page.filter_box.clear()
    assert page.model.visible_count == total


def test_ctrl_f_puts_the_cursor_in_the_filter(qtbot, window, suppliers_page):
    """Ctrl+F on the suppliers page focuses its filter box."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.suppliers.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is suppliers_page.filter_box


def test_supplier_page_shows_certifications_history_and_open_items(qtbot, window, seeded):
    """The supplier page marks the expired and expiring certificates and lists assessments and open CAP items."""
    window.show_supplier(seeded["CN-0102"].id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    assert "CN-0102" in page.title_label.text()
    states = {c.scheme: c.state for c in page.certs_model.visible_rows()}
    assert states == {"ICTI": "expired", "Higg FEM": "expiring soon"}
    state_col = [c.title for c in page.certs_model.columns].index("State")
    assert page.certs_model.data(page.certs_model.index(0, state_col), Qt.ItemDataRole.BackgroundRole) is not None
    assert [a.rating for a in page.assessments_model.visible_rows()] == ["Unsatisfactory"]
    assert len(page.items_model.visible_rows()) == 2
    assert all(i.overdue for i in page.items_model.visible_rows())
    assert page.glance.values["Follow-up due"].text() != "none owed"
    assert "2 overdue" in page.glance.values["Open CAP items"].text()
    assert page.contacts_model.visible_rows()[0].name == "Chen Jing"


def test_supplier_page_chart_loads_matplotlib_only_when_asked(qtbot, window, seeded):
    """The score chart draws the assessment history when the user asks for it."""
    window.show_supplier(seeded["CN-0102"].id)
    wait_idle(qtbot, window.ctx)
    page = window.supplier_page
    page.tabs.setCurrentIndex(1)
    page.chart_button.setChecked(True)
    assert page.chart._figure is not None
    axes = page.chart._figure.axes
    assert axes and len(axes[0].collections) >= 1
    page.chart_button.setChecked(False)
    window.go("suppliers")


def test_import_suppliers_checks_first_then_imports(qtbot, window, suppliers_page, tmp_path):
    """File > Import suppliers shows what would happen (nothing changed yet), then imports on confirmation."""
    from csrdesk.ui.import_dialogs import ReportDialog, import_suppliers_flow

    sheet = tmp_path / "suppliers.csv"
    sheet.write_text("name,country,address\n\"Mekong Bags Co., Ltd\",Vietnam,Long An\n"
                     "Harbour Knitwear Ltd,Vietnam,Hai Phong\n", encoding="utf-8")
    before = len(list_suppliers(window.ctx.db))
    import_suppliers_flow(window.ctx, window, str(sheet))
    qtbot.waitUntil(lambda: _dialog(ReportDialog) is not None, timeout=10000)
    check = _dialog(ReportDialog)
    assert "would be created" in check.text.toPlainText()
    assert "Harbour Knitwear" in check.text.toPlainText()  # the duplicate of VN-0101 is reported, not created
    assert len(list_suppliers(window.ctx.db)) == before
    check.accept()
    qtbot.waitUntil(lambda: _dialog(ReportDialog) is not None and _dialog(ReportDialog) is not check, timeout=10000)
    done = _dialog(ReportDialog)
    assert "created" in done.text.toPlainText()
    done.accept()
    wait_idle(qtbot, window.ctx)
    names = [r.name for r in suppliers_page.model.all_rows()]
    assert "Mekong Bags Co., Ltd" in names
    assert len(list_suppliers(window.ctx.db)) == before + 1


def test_contacts_grid_fits_a_long_email_and_offers_roles_and_languages(qtbot, window, suppliers_page):
    """The contacts grid gives a long e-mail address the room a short role does not need (every column had the same
    width and the address was cut); the role is chosen from the roles in a combo box and kept as typed text."""
    from PySide6.QtWidgets import QComboBox

    dialog = suppliers_page.new_supplier()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    table = dialog.contacts.table
    table.item(0, 2).setText("farhana.begum@surma-textilemills.example")
    qtbot.wait(50)
    needed = table.fontMetrics().horizontalAdvance("farhana.begum@surma-textilemills.example")
    assert table.columnWidth(2) > needed and table.columnWidth(2) > table.columnWidth(1)
    assert table.horizontalHeader().length() <= table.viewport().width() + 2  # no sideways scroll
    table.setCurrentCell(0, 0)
    table.editItem(table.item(0, 0))
    editor = table.findChild(QComboBox)
    assert editor is not None and editor.findText("HR manager") >= 0
    editor.setCurrentText("HR manager")
    table.commitData(editor)
    assert dialog.contacts.rows()[0][0] == "HR manager" and dialog.contacts.rows()[0][4] == "en"
    dialog.reject()


def test_the_new_supplier_dialog_starts_in_the_name_field(qtbot, window, suppliers_page):
    """Ctrl+Shift+N and typing at once fills the supplier's name (the one field it needs), not the tab bar above
    it."""
    dialog = window.new_supplier()  # File > New supplier (Ctrl+Shift+N)
    assert isinstance(dialog, SupplierDialog)
    try:
        with qtbot.waitActive(dialog):
            dialog.activateWindow()  # as the window system does with a dialog that opens
        assert QApplication.focusWidget() is dialog.name_edit
        qtbot.keyClicks(dialog.focusWidget(), "Lotus Socks Co")
        assert dialog.name_edit.text() == "Lotus Socks Co"
    finally:
        dialog.reject()


def test_a_certification_row_left_with_only_its_scheme_is_refused(qtbot, window, suppliers_page):
    """Add certification, then Save without filling the row in: the dialog says what the row lacks and saves
    nothing (the untouched row, its scheme filled in for you, was saved as a WRAP certificate with no expiry and the
    new supplier showed "Satisfactory by certification" without any assessment)."""
    from PySide6.QtWidgets import QPushButton
    from shiboken6 import isValid

    before = len(list_suppliers(window.ctx.db))
    dialog = suppliers_page.new_supplier()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("Blank Cert Toys Co., Ltd.")
    dialog.country_combo.setCurrentText("China")
    dialog.tabs.setCurrentIndex(2)
    add = next(b for b in dialog.certifications.findChildren(QPushButton) if b.text() == "Add certification")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert dialog.certifications.rows()[0][0]  # the scheme is filled in, nothing else
    dialog.tabs.setCurrentIndex(0)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.ctx)
    try:
        assert dialog.isVisible()
        assert dialog.error_label.isVisible() and "no reference and no dates" in dialog.error_label.text()
        assert dialog.tabs.currentIndex() == 2  # shown where the row is
        assert len(list_suppliers(window.ctx.db)) == before
        dialog.certifications.table.item(0, 3).setText((date.today() + timedelta(days=200)).isoformat())
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        # Saved, the dialog closes and deletes itself: ask whether it still exists before asking it anything.
        qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=10000)
    finally:
        if isValid(dialog) and dialog.isVisible():
            dialog.reject()
    wait_idle(qtbot, window.ctx)
    assert len(list_suppliers(window.ctx.db)) == before + 1


def test_a_new_contact_is_typed_into_boxes_wide_enough(qtbot, window, suppliers_page):
    """New supplier, Contacts: the name, e-mail and phone of the first contact are typed into boxes as wide as a
    usual name, address and number (the empty columns were as wide as their titles, about 45 px, and the address
    scrolled inside its box while the role chosen for you took the rest of the row)."""
    from PySide6.QtWidgets import QLineEdit

    dialog = suppliers_page.new_supplier()
    qtbot.waitExposed(dialog)
    try:
        dialog.tabs.setCurrentIndex(1)
        table = dialog.contacts.table
        qtbot.wait(50)
        metrics = table.fontMetrics()
        for column, sample in ((1, "Nguyễn Thị Thu Hương"), (2, "compliance@factory-name.example"),
                               (3, "+86 769 1234 5678")):
            table.setCurrentCell(0, column)
            table.editItem(table.item(0, column))
            editor = next(e for e in table.findChildren(QLineEdit) if e.isVisible())
            assert editor.width() >= metrics.horizontalAdvance(sample), (column, editor.width())
            table.closePersistentEditor(table.item(0, column))
        assert table.horizontalHeader().length() <= table.viewport().width() + 2  # no sideways scroll
    finally:
        dialog.reject()
