"""Every dialog has a keyboard path to OK: Tab leaves a note box (no tab typed into the note), Ctrl+Enter presses
OK; the override prompt wraps its message instead of growing as wide as the message."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from csrdesk.services.suppliers import SupplierInput, create_supplier
from csrdesk.ui.pages.supplier_dialogs import StatusDialog
from csrdesk.ui.widgets.dialog_keys import TextPrompt, ask_text
from tests.ui.conftest import wait_idle

LONG_WARNING = ("The root cause names the worker rather than the system that let the problem happen: " * 6).strip()


def test_change_status_dialog_tab_leaves_the_note_and_ctrl_enter_changes_the_status(qtbot, ui_app, ctx):
    detail = create_supplier(ctx.db, SupplierInput(name="Keys Knit Ltd.", code="KK-001", country="Bangladesh"))
    dialog = StatusDialog(ctx, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.note_edit.setFocus()
    qtbot.keyClicks(dialog.note_edit, "moved to active")
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Tab)
    assert "\t" not in dialog.note_edit.toPlainText()
    assert not dialog.note_edit.hasFocus()
    changed = []
    dialog.changed.connect(changed.append)
    dialog.note_edit.setFocus()
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: bool(changed) or dialog.error_label.isVisible())
    assert changed or dialog.error_label.text()  # OK was pressed: the change ran (or said why not)


def test_override_prompt_wraps_and_accepts_with_ctrl_enter(qtbot, ui_app):
    answers = []

    def answer() -> None:
        prompt = QApplication.activeModalWidget()
        assert isinstance(prompt, TextPrompt)
        screen_width = 1360
        assert prompt.width() < screen_width // 2, prompt.width()
        qtbot.keyClicks(prompt.edit, "Agreed with the buyer")
        qtbot.keyClick(prompt.edit, Qt.Key.Key_Tab)
        answers.append(prompt.edit.toPlainText())
        prompt.edit.setFocus()
        qtbot.keyClick(prompt.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(100, answer)
    text, ok = ask_text(None, "Override the warning", LONG_WARNING)
    assert ok and text == "Agreed with the buyer" and answers == ["Agreed with the buyer"]


def test_ctrl_enter_in_any_plain_dialog_presses_its_ok(qtbot, ui_app):
    """A dialog built anywhere in the app, with a note box and an OK/Cancel box, gets the same keys when shown."""
    from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    note = QPlainTextEdit(dialog)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.accepted.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(note)
    layout.addWidget(box)
    dialog.show()
    qtbot.waitExposed(dialog)
    note.setFocus()
    qtbot.keyClick(note, Qt.Key.Key_Tab)
    assert note.toPlainText() == ""
    note.setFocus()
    qtbot.keyClick(note, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_enter_in_the_reports_dialog_makes_the_report_not_the_file_picker(qtbot, ui_app, ctx, monkeypatch):
    """Reports: Enter in the Save-as field (and Ctrl+Enter) presses Make report, the dialog's default button. Its
    Make report was marked default before the button row was in the dialog, so Qt forgot it and made Browse… the
    default on showing: Enter opened a file picker and the keyboard had no way to make the report."""
    from PySide6.QtWidgets import QFileDialog

    from csrdesk.ui.dialogs.reports import ReportDialog

    picked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: picked.append(a) or ("", "")))
    dialog = ReportDialog(ctx)
    qtbot.addWidget(dialog)
    made = []
    monkeypatch.setattr(dialog, "make", lambda: made.append(dialog.path.text()))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.make_button.isDefault() and not dialog.browse_button.isDefault()
    dialog.path.setFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert picked == [] and len(made) == 2

