"""Recording a worker complaint as a new user does: the supplier typed by name (the box says "Type a code or name"),
and no code provision chosen for the user (the first category was taken silently and counted in the reports)."""
from __future__ import annotations

import pytest

from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def factory(ui_db):
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    create_supplier(ui_db, SupplierInput(name="Yıldız Knitwear Industry", code="TR-7401", country="Türkiye"),
                    status="active")
    create_supplier(ui_db, SupplierInput(name="Akdeniz Textile", code="TR-7402", country="Türkiye"), status="active")


def _dialog(qtbot, window):
    window.go("complaints")
    page = window.complaints
    wait_idle(qtbot, window.ctx)
    page.new_complaint()
    wait_idle(qtbot, window.ctx)
    return page.new_dialog


def test_a_complaint_is_recorded_for_a_supplier_typed_by_name(qtbot, window, factory):
    dialog = _dialog(qtbot, window)
    assert dialog.provision.currentIndex() == -1 and dialog.provision.currentText() == ""
    dialog.supplier.lineEdit().setText("yildiz knitwear")  # no Turkish letters on this keyboard
    dialog.summary.setPlainText("Sunday overtime is forced; refusals are fined")
    dialog.apply()
    wait_idle(qtbot, window.ctx)
    assert dialog.isVisible() and "provision" in dialog.error_label.text()  # none was chosen for the user
    dialog.provision.setCurrentIndex(dialog.provision.findData("hours"))
    with qtbot.waitSignal(dialog.done, timeout=5000) as saved:
        dialog.apply()
    assert saved.args[0].row.supplier_code == "TR-7401" and saved.args[0].row.provision == "hours"
    wait_idle(qtbot, window.ctx)


def test_import_findings_dialog_takes_a_supplier_name(qtbot, window, factory):
    from csrdesk.services.suppliers import list_suppliers
    from csrdesk.ui.import_dialogs import ImportFindingsDialog

    dialog = ImportFindingsDialog(window.ctx, list_suppliers(window.ctx.db), window)
    qtbot.addWidget(dialog)
    dialog.supplier_combo.lineEdit().setText("Akdeniz")
    assert dialog._supplier_code() == "TR-7402"
