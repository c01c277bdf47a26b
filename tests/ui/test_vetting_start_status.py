"""Starting a supplier screen for a prospect moves the prospect to vetting: the window says so (it changed the
supplier's status without a word, found by the fresh new-user pass); a supplier already in vetting is not news."""
from __future__ import annotations

from csrdesk.services.suppliers import SupplierInput, create_supplier, supplier_detail
from tests.services.test_vetting import SCREENING
from tests.ui.conftest import wait_idle


def _start(qtbot, window, code: str) -> list[str]:
    window.go("vetting")
    page = window.vetting
    wait_idle(qtbot, window.ctx)
    shown: list[str] = []
    bar = window.statusBar()
    real = bar.showMessage
    bar.showMessage = lambda text, ms=0: shown.append(text) or real(text, ms)
    try:
        page.start(SCREENING, supplier_code=code)
        wait_idle(qtbot, window.ctx)
    finally:
        del bar.showMessage
    return shown

def test_a_prospect_screened_is_told_moved_to_vetting(qtbot, window, ui_db):
    create_supplier(ui_db, SupplierInput(name="Anatolia Denim", code="TR-0951", country="Turkey"))
    shown = _start(qtbot, window, "TR-0951")
    assert supplier_detail(ui_db, "TR-0951").row.status == "vetting"
    assert any("TR-0951 Anatolia Denim moved from prospect to vetting" in text for text in shown), shown

def test_a_supplier_already_in_vetting_is_not_told_again(qtbot, window, ui_db):
    create_supplier(ui_db, SupplierInput(name="Bosphorus Knit", code="TR-0952", country="Turkey"), status="vetting")
    shown = _start(qtbot, window, "TR-0952")
    assert not any("moved from prospect" in text for text in shown), shown
