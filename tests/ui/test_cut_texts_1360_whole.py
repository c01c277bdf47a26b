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
    """The demo data with one supplier's name and every contact's e-mail address as long as real ones, and an
    80-character finding in that supplier's latest assessment."""
    from sqlalchemy import text

    from csrdesk.services.demo import generate_demo

    generate_demo(ui_db, suppliers=14, findings_per_assessment=12, seed=7)
    with ui_db.engine.begin() as connection:
        code = connection.execute(text(
            "SELECT s.code FROM suppliers s JOIN assessments a ON a.supplier_id = s.id "
            "JOIN caps c ON c.assessment_id = a.id ORDER BY a.date DESC LIMIT 1")).scalar_one()
        connection.execute(text("UPDATE suppliers SET name = :name WHERE code = :code"),
                           {"name": LONG_NAME, "code": code})
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
