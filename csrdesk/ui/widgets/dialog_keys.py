"""App-wide keyboard path to OK in every dialog: Tab leaves a note box instead of typing a tab, and Ctrl+Enter
presses the dialog's OK (its default button, or the accept button of its button box), as Enter does elsewhere.
Also `ask_text`, the one prompt for a reason or a note: its message wraps instead of widening the dialog."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit, QVBoxLayout,
    QWidget,
)

from csrdesk.ui.widgets.app_events import app_events

PROMPT_WIDTH = 460


def ok_button(dialog: QDialog) -> Optional[QPushButton]:
    """The button that means OK in a dialog: its default button, else the accept/yes button of its button box."""
    for button in dialog.findChildren(QPushButton):
        if button.isDefault() and button.isVisible() and button.window() is dialog:
            return button
    for box in dialog.findChildren(QDialogButtonBox):
        if box.window() is not dialog:
            continue
        for button in box.buttons():
            if box.buttonRole(button) in (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole):
                return button
    return None


def press_ok(dialog: QDialog) -> None:
    button = ok_button(dialog)
    if button is not None:
        if button.isEnabled():
            button.click()  # the dialog's own checks run, as for a click
    else:
        dialog.accept()


def keep_default_button(dialog: QDialog) -> None:
    """Makes the button marked default (setDefault) the dialog's default for Enter. Qt only tells the dialog when
    the button is already inside it: one marked while its button row was still being built was forgotten, and on
    showing the dialog Qt made the first button after the focus its default instead (Enter and Ctrl+Enter in the
    Reports dialog opened the file picker of Browse… rather than making the report). Called on Show, before Qt
    chooses."""
    for button in dialog.findChildren(QPushButton):
        if button.isDefault() and button.window() is dialog:
            button.setDefault(False)  # setDefault(True) alone does nothing on a button already marked
            button.setDefault(True)
            return


def give_keyboard_path(dialog: QDialog) -> None:
    """Tab out of every note box; Ctrl+Enter presses OK (once per dialog); the default button stays the one the
    dialog chose."""
    for edit in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
        if not edit.isReadOnly():
            edit.setTabChangesFocus(True)
    if not dialog.property("csrdesk_keys"):
        keep_default_button(dialog)
    dialog.setProperty("csrdesk_keys", True)


def _is_ctrl_enter(event) -> bool:
    return (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))


def _shown(obj, event) -> bool:
    """Every dialog gets its keyboard path when it is shown."""
    if isinstance(obj, QDialog) and obj.isWindow():
        give_keyboard_path(obj)
    return False


def _key_pressed(obj, event) -> bool:
    """Ctrl+Enter anywhere in a dialog presses its OK."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QWidget) or not _is_ctrl_enter(event):
        return False
    dialog = obj.window()
    if isinstance(dialog, QDialog) and dialog.property("csrdesk_keys"):
        press_ok(dialog)
        return True
    return False


def install_dialog_keys(app: QApplication) -> None:
    events = app_events(app)
    events.add("dialog keys: show", QShowEvent, _shown)
    events.add("dialog keys: Ctrl+Enter", QKeyEvent, _key_pressed)


class TextPrompt(QDialog):
    """A message (wrapped, never wider than PROMPT_WIDTH) above a box for the answer; OK with Ctrl+Enter (and Enter
    for one line), Tab leaves the box."""

    def __init__(self, parent: Optional[QWidget], title: str, message: str, text: str = "",
                 multiline: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.label = QLabel(message)
        self.label.setWordWrap(True)
        self.label.setFixedWidth(PROMPT_WIDTH)
        self.label.setMinimumHeight(self.label.heightForWidth(PROMPT_WIDTH))  # never squeezed by a small window
        layout.addWidget(self.label)
        if multiline:
            self.edit = QPlainTextEdit(self)
            self.edit.setPlainText(text)
            self.edit.setTabChangesFocus(True)
            self.edit.setFixedHeight(110)
        else:
            self.edit = QLineEdit(text, self)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if multiline:
            buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip("OK (Ctrl+Enter)")
        layout.addWidget(buttons)
        self.buttons = buttons
        give_keyboard_path(self)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()


def ask_text(parent: Optional[QWidget], title: str, message: str, text: str = "",
             multiline: bool = True) -> tuple[str, bool]:
    """Like QInputDialog.getMultiLineText/getText, but the message wraps and the keyboard reaches OK."""
    dialog = TextPrompt(parent, title, message, text, multiline)
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.text(), ok
