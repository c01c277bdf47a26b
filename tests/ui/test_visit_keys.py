"""The visit screen's keyboard path, as a verifier back from a visit uses it: Ctrl+Enter (and Enter in a box) saves
the visit, never opens the on-site sheet picker; an item marked not checked without a note is selected with its note
box focused when saving, so the user types the reason straight away."""
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def cap(ui_db):
    from csrdesk.services import caps as caps_service
    from csrdesk.services.assessments import AssessmentInput, FindingInput, record_assessment
    from csrdesk.services.suppliers import SupplierInput, create_supplier
    from csrdesk.services.verification import set_meeting_date

    create_supplier(ui_db, SupplierInput(name="Hai Au Toys", code="VN-7101", country="Vietnam"), status="active")
    day = date.today() - timedelta(days=100)
    d = record_assessment(ui_db, AssessmentInput("VN-7101", day, findings=[
        FindingInput(f"Exit number {n} blocked", "major", category="health-safety") for n in range(5)]))
    caps_service.change_cap_status(ui_db, d.cap_id, "sent", today=day)
    set_meeting_date(ui_db, d.cap_id, date.today() - timedelta(days=45))
    return d.cap_id


@pytest.fixture(autouse=True)
def picked(monkeypatch):
    """The on-site sheet picker, recorded instead of opened (a modal file dialog would wait for a click)."""
    from PySide6.QtWidgets import QFileDialog

    calls = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: calls.append(a) or ("", ""))
    return calls


def _dialog(qtbot, window, cap):
    window.go("verification")
    wait_idle(qtbot, window.ctx)
    dialog = window.verification.record_visit(cap)
    wait_idle(qtbot, window.ctx)
    qtbot.waitExposed(dialog)
    return dialog


def test_ctrl_enter_saves_the_visit(qtbot, window, cap, picked):
    """Verdicts by keys, then Ctrl+Enter from the table: the visit is saved, and no file picker opens."""
    dialog = _dialog(qtbot, window, cap)
    assert dialog.save_button.isDefault() and not dialog.load_sheet.isDefault()
    dialog.table.setFocus()
    for key in "12":
        qtbot.keyClick(dialog.table, key)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window.ctx)
    assert not picked, "Ctrl+Enter opened the on-site sheet picker"
    assert dialog.result_visit is not None and dialog.result_visit.items_verified == 1


def test_not_checked_without_a_note_takes_the_user_to_its_note(qtbot, window, cap):
    """Saving with an item not checked and no note selects that item and puts the cursor in its note box."""
    dialog = _dialog(qtbot, window, cap)
    dialog.visit_date.setDate(dialog.visit_date.date().addDays(-1))  # the first test recorded today's visit
    dialog.table.setFocus()
    for key in "14":
        qtbot.keyClick(dialog.table, key)
    unexplained = dialog.entries[1]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window.ctx)
    assert dialog.isVisible() and dialog.result_visit is None
    assert dialog.table.current_row() is unexplained and dialog.note.hasFocus()
    assert "needs a note saying why" in dialog.error.text()
    dialog.note.insertPlainText("Store room locked on the day")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window.ctx)
    assert dialog.result_visit is not None, dialog.error.text()
