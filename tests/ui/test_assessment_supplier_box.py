"""The new assessment's supplier box shows the chosen supplier from its code: with a name longer than the box, the
end of the name is cut, never the code's first letters ("N-10041 · Golden Thread..." at 1360x840 before)."""
from __future__ import annotations

from PySide6.QtGui import QFontMetrics

from tests.ui.conftest import wait_idle


def test_a_long_supplier_label_shows_its_code(qtbot, window):
    from csrdesk.services.suppliers import SupplierInput, create_supplier

    box_width = window.assessments.editor.supplier_box.width() or 300
    name = "Golden Thread Garments"
    fm = QFontMetrics(window.assessments.editor.supplier_box.lineEdit().font())
    while fm.horizontalAdvance(f"CN-0961 · {name}") < 2 * box_width + 400:
        name += " and Trading"
    create_supplier(window.ctx.db, SupplierInput(name=name[:200], code="CN-0961", country="China"))
    window.go("assessments")
    page = window.assessments
    page.refresh()
    wait_idle(qtbot, window.ctx)
    assert page.new_assessment("CN-0961")
    wait_idle(qtbot, window.ctx)
    qtbot.wait(30)
    edit = page.editor.supplier_box.lineEdit()
    assert edit.text().startswith("CN-0961 · ")
    assert fm.horizontalAdvance(edit.text()) > edit.width()  # the label does not fit...
    assert edit.cursorPosition() == 0 and edit.cursorRect().left() < fm.horizontalAdvance("CN-0961")  # ...its code shows
    assert page.editor.supplier_box.toolTip() == edit.text()
