"""Connect to a shared PostgreSQL database: the server, database and user; the password (kept in the OS keyring
when asked, never in the settings file); a test that says what opening it would do before anything is opened."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from csrdesk.errors import UserError
from csrdesk.services.team_connect import ServerCheck, check_server, server_url, use_password
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error


class ConnectDialog(QDialog):
    """Test first, then Connect: `chosen_url` (without the password) and `told` (where the password is kept) are
    set when accepted."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chosen_url: Optional[str] = None
        self.told = ""
        self._tested: Optional[str] = None
        self.setWindowTitle("Connect to a shared database")
        self.setMinimumWidth(520)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("db.example.com")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.port_spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.database_edit = QLineEdit("csrdesk")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText("your database user, e.g. li_na")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty: taken from ~/.pgpass or the keyring")
        self.remember_check = QCheckBox("Remember the password in this computer's keyring")
        self.remember_check.setChecked(True)
        form = QFormLayout()
        form.addRow("Server", self.host_edit)
        form.addRow("Port", self.port_spin)
        form.addRow("Database", self.database_edit)
        form.addRow("User", self.user_edit)
        form.addRow("Password", self.password_edit)
        form.addRow(self.remember_check)
        self.result_label = QLabel("Test the connection first: nothing is opened or changed by the test.")
        self.result_label.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(lambda: self.test())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("primary")
        self.connect_button.setEnabled(False)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(lambda: self.connect_now())
        self.buttons.rejected.connect(self.reject)
        for edit in (self.host_edit, self.database_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(lambda _text: self._changed())
        self.port_spin.valueChanged.connect(lambda _value: self._changed())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        theme.decorate(self)

    def _changed(self) -> None:
        self._tested = None
        self.connect_button.setEnabled(False)

    def _url(self) -> Optional[str]:
        try:
            return server_url(self.host_edit.text(), self.database_edit.text(), self.user_edit.text(),
                              self.port_spin.value())
        except UserError as exc:
            self._say(str(exc), error=True)
            return None

    def _say(self, text: str, *, error: bool = False) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {theme.OVERDUE};" if error else "")

    def test(self) -> None:
        url = self._url()
        if url is None:
            return
        self.test_button.setEnabled(False)
        self._say("Testing…")
        password = self.password_edit.text() or None
        self.ctx.run(check_server, url, password, on_done=lambda check: self._tested_done(url, check),
                     on_error=self._failed, label="Testing the connection…", parent=self)

    def _tested_done(self, url: str, check: ServerCheck) -> None:
        self.test_button.setEnabled(True)
        self._say(f"{check.server} at {check.url}: {check.message}", error=not check.can_open)
        self._tested = url if check.can_open else None
        self.connect_button.setEnabled(check.can_open)

    def _failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._tested = None
        self.connect_button.setEnabled(False)
        if is_user_error(exc):
            self._say(" ".join(str(exc).split()), error=True)
        else:
            show_error(self, exc)

    def connect_now(self) -> None:
        if self._tested is None:
            return
        url, password = self._tested, self.password_edit.text()
        if not password:  # nothing typed: ~/.pgpass or the keyring already hold it
            self.chosen_url, self.told = url, ""
            self.accept()
            return

        def kept(told: str) -> None:
            self.chosen_url, self.told = url, told
            self.accept()

        self.ctx.run(use_password, url, password, remember=self.remember_check.isChecked(), on_done=kept,
                     on_error=self._failed, parent=self)
