"""The window when someone else saved the record first: the save is refused in the dialog, a box names who changed
what and when, lists the difference, and Reload shows the record as saved now."""
from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox


def _box():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == "concurrentEditBox" and widget.isVisible():
            return widget
    return None


def test_supplier_dialog_offers_reload_after_a_colleagues_save(qtbot, ctx, db, supplier):
    """Li Na edits the supplier while Ayşe saves a note: Save shows the refusal and the difference; Reload fills
    the form with Ayşe's note."""
    from csrdesk.services.startup import open_workspace
    from csrdesk.services.suppliers import supplier_input_from_detail, update_supplier
    from csrdesk.ui.pages.supplier_dialogs import SupplierDialog

    dialog = SupplierDialog(ctx, supplier)
    qtbot.addWidget(dialog)
    dialog.show()
    colleague = open_workspace(db.url)
    colleague.person = "Ayşe Demir"
    update_supplier(colleague, supplier.row.code,
                    replace(supplier_input_from_detail(supplier), notes="Visit booked for May."))
    colleague.dispose()
    dialog.sector_edit.setText("Knitwear")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _box() is not None, timeout=10000)
    box = _box()
    assert "Ayşe Demir changed the notes" in box.text()
    assert "Ayşe Demir: notes: (empty) → Visit booked for May." in box.detailedText()
    assert "changed by someone else" in dialog.error_label.text()
    shot = os.environ.get("CSRDESK_SCREENSHOT_DIR")
    if shot:
        box.grab().save(os.path.join(shot, "concurrent-edit.png"))
    reload_button = next(b for b in box.buttons() if b.text() == "Reload")
    qtbot.mouseClick(reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notes_edit.toPlainText() == "Visit booked for May.", timeout=10000)
    assert dialog.detail.version > supplier.version and dialog.sector_edit.text() == ""


def test_settings_sets_the_name_the_history_shows(qtbot, ctx, db):
    """Settings has "Name in the history": saved on this computer, used by the open database at once."""
    from csrdesk.services.team import display_name
    from csrdesk.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    assert dialog.history_name_edit.text() == ""
    dialog.history_name_edit.setText("Li Na (Shanghai office)")
    shot = os.environ.get("CSRDESK_SCREENSHOT_DIR")
    if shot:
        dialog.grab().save(os.path.join(shot, "settings-history-name.png"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert display_name() == "Li Na (Shanghai office)" and db.person == "Li Na (Shanghai office)"
