"""News of what was just done goes when the user moves on to another supplier: "Saved supplier CN-0941 ..." from the
list does not stay in the status bar under another supplier's page (it did, for ten seconds)."""
from __future__ import annotations

from tests.ui.conftest import wait_idle


def test_saved_supplier_message_goes_when_another_supplier_opens(qtbot, window):
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.ui.widgets.status_note import tell

    first = create_supplier(window.ctx.db, SupplierInput(name="Saved Just Now Knit", code="CN-0941", country="China"))
    other = create_supplier(window.ctx.db, SupplierInput(name="Another Knit", code="CN-0942", country="China"))
    window.go("suppliers")
    wait_idle(qtbot, window.ctx)
    tell(window.suppliers, f"Saved supplier {first.row.code} {first.row.name}")
    assert window.statusBar().currentMessage().startswith("Saved supplier CN-0941")
    window.show_supplier(other.row.id)
    wait_idle(qtbot, window.ctx)
    assert window.current_page() is window.supplier_page
    assert "CN-0941" not in window.statusBar().currentMessage()
