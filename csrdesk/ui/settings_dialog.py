"""Preferences: the user's name and company, the signature on letters, the letter language, backup retention."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit,
    QSpinBox, QVBoxLayout, QWidget,
)

from csrdesk.services.settings import LANGUAGES, Preferences, load_preferences
from csrdesk.services.team import display_name, save_settings
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error
from csrdesk.ui.widgets.message_label import MessageLabel

LANGUAGE_NAMES = {"en": "English", "zh-en": "Chinese and English (bilingual)"}


class SettingsDialog(QDialog):
    """Edits the preferences kept in the database (shared with the command line)."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prefs: Optional[Preferences] = None
        self.setWindowTitle("Settings")
        self.setMinimumWidth(580)

        self.name_edit = QLineEdit()
        self.history_name_edit = QLineEdit()
        self.history_name_edit.setPlaceholderText("empty: your database sign-in on a server, else Your name")
        self.history_name_edit.setToolTip("How the change history names you. Kept on this computer, not in the "
                                          "shared database, so each member of a team is told apart.")
        self.title_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.company_edit = QLineEdit()
        self.address_edit = QPlainTextEdit()
        self.address_edit.setFixedHeight(54)
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setFixedHeight(86)
        self.signature_edit.setPlaceholderText("Your name and title under each letter's closing, e.g.\nAnna Berg\n"
                                               "CSR Manager, Northwind Apparel")
        self.language_combo = QComboBox()
        for code in LANGUAGES:
            self.language_combo.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.retention_spin = QSpinBox()
        self.retention_spin.setRange(1, 1000)
        self.retention_spin.setSuffix(" backups")
        self.follow_up_spin = QSpinBox()
        self.follow_up_spin.setRange(1, 730)
        self.follow_up_spin.setSuffix(" days")
        self.vetting_check = QCheckBox("A supplier needs a vetting decision before approval")
        self.visit_due_spin = QSpinBox()
        self.visit_due_spin.setRange(1, 365)
        self.visit_due_spin.setSuffix(" days after the CAP meeting")
        self.reopen_spin = QSpinBox()
        self.reopen_spin.setRange(1, 365)
        self.reopen_spin.setSuffix(" days after the visit")
        for spin in (self.retention_spin, self.follow_up_spin, self.visit_due_spin, self.reopen_spin):
            spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel scrolls the dialog, not the value

        you = QGroupBox("You and your company")
        you_form = QFormLayout(you)
        you_form.addRow("Your name", self.name_edit)
        you_form.addRow("Name in the history", self.history_name_edit)
        you_form.addRow("Job title", self.title_edit)
        you_form.addRow("E-mail", self.email_edit)
        you_form.addRow("Company", self.company_edit)
        you_form.addRow("Company address", self.address_edit)
        letters = QGroupBox("Letters")
        letters_form = QFormLayout(letters)
        letters_form.addRow("Signature block", self.signature_edit)
        letters_form.addRow("Default language", self.language_combo)
        rules = QGroupBox("Rules and safety")
        rules_form = QFormLayout(rules)
        rules_form.addRow("Follow-up assessment within", self.follow_up_spin)
        rules_form.addRow(self.vetting_check)
        rules_form.addRow("Verification visit due", self.visit_due_spin)
        rules_form.addRow("Items sent back at a visit due", self.reopen_spin)
        rules_form.addRow("Keep automatic backups", self.retention_spin)

        self.error_label = MessageLabel()
        self.error_label.setStyleSheet(f"color: {theme.OVERDUE};")
        self.error_label.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("primary")
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(you)
        layout.addWidget(letters)
        layout.addWidget(rules)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        theme.decorate(self)
        self.load_task = ctx.run(load_preferences, ctx.db, on_done=self._fill, parent=self)

    def _fill(self, prefs: Preferences) -> None:
        self.prefs = prefs
        self.name_edit.setText(prefs.user_name)
        self.history_name_edit.setText(display_name())
        self.title_edit.setText(prefs.user_title)
        self.email_edit.setText(prefs.user_email)
        self.company_edit.setText(prefs.company)
        self.address_edit.setPlainText(prefs.company_address)
        self.signature_edit.setPlainText(prefs.signature)
        index = self.language_combo.findData(prefs.letter_language)
        self.language_combo.setCurrentIndex(max(0, index))
        self.retention_spin.setValue(int(prefs.backup_retention))
        self.follow_up_spin.setValue(int(prefs.follow_up_days))
        self.vetting_check.setChecked(bool(prefs.require_vetting))
        self.visit_due_spin.setValue(int(prefs.visit_due_days))
        self.reopen_spin.setValue(int(prefs.reopen_due_days))
        self.save_button.setEnabled(True)

    def collect(self) -> Preferences:
        base = self.prefs or Preferences()
        return replace(
            base, user_name=self.name_edit.text().strip(), user_title=self.title_edit.text().strip(),
            user_email=self.email_edit.text().strip(), company=self.company_edit.text().strip(),
            company_address=self.address_edit.toPlainText().strip(), signature=self.signature_edit.toPlainText().rstrip(),
            letter_language=self.language_combo.currentData(), backup_retention=self.retention_spin.value(),
            follow_up_days=self.follow_up_spin.value(), require_vetting=self.vetting_check.isChecked(),
            visit_due_days=self.visit_due_spin.value(), reopen_due_days=self.reopen_spin.value(),
        )

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.ctx.run(save_settings, self.ctx.db, self.collect(), self.history_name_edit.text(), on_done=self._saved,
                     on_error=self._failed, parent=self)

    def _saved(self, prefs: Preferences) -> None:
        self.prefs = prefs
        self.save_button.setEnabled(True)
        self.ctx.notify("settings")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if is_user_error(exc):
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)
        else:
            show_error(self, exc)


def open_settings(ctx: AppContext, parent: QWidget) -> SettingsDialog:
    dialog = SettingsDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
