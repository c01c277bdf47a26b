"""Texts still shortened at the default 1360x840 window after issue 16's pass, each now shown whole where there is
room (or given a layout with room): the suppliers list's long names, the letters dialog's contact e-mail, the
assessment editor's chosen supplier and its findings. The demo data with real-length names and addresses; measured
with the widgets' own fonts (QFontMetrics), so they hold whatever fonts the machine has."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

from tests.ui.conftest import wait_idle

WIDTH, HEIGHT = 1360, 840
LONG_NAME = "Dhaka Knitwear & Garments Manufacturing Ltd."  # 44 characters, as registered names run
LONG_EMAIL = "compliance.manager@dhaka-knitwear-garments.com.bd"
TYPICAL_FINDING = "Payslips do not show the overtime hours worked nor the premium paid for them separately"


@pytest.fixture(scope="module")
def demo(ui_db):
    """The demo data with one supplier's name and every contact's e-mail address as long as real ones, an
    80-character finding in that supplier's latest assessment, and another supplier conditionally approved (the
    longest status)."""
    from sqlalchemy import text

    from csrdesk.services.demo import generate_demo

    generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)
    with ui_db.engine.begin() as connection:
        code = connection.execute(text(
            "SELECT s.code FROM suppliers s JOIN assessments a ON a.supplier_id = s.id "
            "JOIN caps c ON c.assessment_id = a.id ORDER BY a.date DESC LIMIT 1")).scalar_one()
        connection.execute(text("UPDATE suppliers SET name = :name WHERE code = :code"),
                           {"name": LONG_NAME, "code": code})
        connection.execute(text("UPDATE suppliers SET status = 'conditionally approved' WHERE id = "
                                "(SELECT min(id) FROM suppliers WHERE code != :code)"), {"code": code})
        connection.execute(text("UPDATE contacts SET email = :email WHERE email IS NOT NULL AND email != ''"),
                           {"email": LONG_EMAIL})
        assessment = connection.execute(text(
            "SELECT a.id FROM assessments a JOIN suppliers s ON s.id = a.supplier_id WHERE s.code = :code "
            "ORDER BY a.date DESC LIMIT 1"), {"code": code}).scalar_one()
        connection.execute(text("UPDATE findings SET title = :title WHERE assessment_id = :a AND position = 0"),
                           {"title": TYPICAL_FINDING, "a": assessment})
    return code, assessment


def _settle(qtbot, window) -> None:
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)
    wait_idle(qtbot, window.ctx)
    qtbot.wait(40)


def _cell_text_needs(view, row: int, column: int) -> int:
    """The width a cell's text needs in the view's font (bold where the cell is bold) with the item margins."""
    model = view.model()
    index = model.index(row, column)
    font = model.data(index, Qt.ItemDataRole.FontRole)
    metrics = QFontMetrics(font if isinstance(font, QFont) else view.font())
    margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return metrics.horizontalAdvance(str(model.data(index) or "")) + 2 * margin


def test_letters_dialog_shows_a_contact_email_whole(qtbot, window, demo):
    """Letters…, over the window at 1360x840: the contact e-mail compliance.manager@dhaka-knitwear-garments.com.bd
    shows whole in the CAP list (it was cut to "compliance.manager@dhaka-…" in the 900 px dialog), the names beside
    it too; the dialog stays within the window and needs no sideways scroll."""
    from csrdesk.ui.dialogs.letters import LettersDialog

    window.resize(WIDTH, HEIGHT)
    dialog = LettersDialog(window.ctx, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 and dialog.table.isEnabled())
    _settle(qtbot, window)
    table = dialog.table
    email, name = 5, 2
    rows = [r for r in range(table.rowCount()) if table.item(r, email).text() == LONG_EMAIL]
    assert rows
    for row in rows:
        assert _cell_text_needs(table, row, email) <= table.columnWidth(email), (
            table.columnWidth(email), _cell_text_needs(table, row, email))
    for row in range(table.rowCount()):
        assert _cell_text_needs(table, row, name) <= table.columnWidth(name), table.item(row, name).text()
    assert dialog.width() <= WIDTH
    assert table.horizontalHeader().length() <= table.viewport().width() + 1
    dialog.reject()


def test_suppliers_list_shows_a_long_name_whole_and_every_value_beside_it(qtbot, window, demo):
    """Suppliers at 1360x840: "Dhaka Knitwear & Garments Manufacturing Ltd." shows whole in the Name column (it
    ended in "Manuf…" while Status kept 160 px for "conditionally approved" and the local name took its share),
    and every other column still shows its values whole: code, country, status, rating, production, dates and
    counts; no sideways scroll. The local name moved to the name's tooltip (and the column menu)."""
    from csrdesk.domain.lifecycle import SupplierStatus
    from tests.ui.layout_check import SLACK, _cell_needs

    code, _assessment = demo
    window.resize(WIDTH, HEIGHT)
    window.go("suppliers")
    page = window.suppliers
    page.refresh()
    _settle(qtbot, window)
    view, model = page.view, page.model
    qtbot.waitUntil(lambda: model.rowCount() >= 14)
    _settle(qtbot, window)
    header = view.horizontalHeader()
    titles = {model.headerData(i, Qt.Orientation.Horizontal): i for i in range(model.columnCount())}
    row = next(r for r in range(model.rowCount()) if model.row_at(r).code == code)
    assert model.data(model.index(row, titles["Name"])) == LONG_NAME
    assert _cell_text_needs(view, row, titles["Name"]) <= view.columnWidth(titles["Name"]), (
        view.columnWidth(titles["Name"]), _cell_text_needs(view, row, titles["Name"]))
    for title, i in titles.items():
        if header.isSectionHidden(i) or title == "Name":
            continue
        cut = [model.data(model.index(r, i)) for r in range(model.rowCount())
               if _cell_needs(view, r, i) > header.sectionSize(i) + SLACK]
        assert not cut, (title, header.sectionSize(i), cut)
    # Status keeps room for every status the list holds, on rows further down too.
    statuses = {model.row_at(r).status for r in range(model.rowCount())} & {s.value for s in SupplierStatus}
    metrics = view.fontMetrics()
    assert all(metrics.horizontalAdvance(s) + 6 <= view.columnWidth(titles["Status"]) for s in statuses)
    assert header.length() <= view.viewport().width() + 1
    local = next(r for r in page.model.all_rows() if r.local_name)
    position = page.model.position_of(local.id)
    assert local.local_name in page.model.data(page.model.index(position, titles["Name"]), Qt.ItemDataRole.ToolTipRole)
