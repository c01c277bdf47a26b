"""The dialog for unexpected errors (bugs): what happened, the details to copy, where the log file is.

The app keeps running after it. Errors raised anywhere (a slot, a worker thread, a plain thread) reach it through
one signal bridge, so the dialog is always built on the GUI thread.
"""
from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from typing import Callable, Optional

from PySide6.QtCore import QObject, QUrl, Qt, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QStyle,
    QVBoxLayout, QWidget,
)

from csrdesk.errors import UserError
from csrdesk.progress import Cancelled

log = logging.getLogger(__name__)


def _log_path():
    from csrdesk.logsetup import log_file

    return log_file()


def error_details(exc: BaseException) -> str:
    from csrdesk import __version__

    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    try:
        import PySide6

        qt = PySide6.__version__
    except Exception:  # pragma: no cover
        qt = "?"
    header = (f"csrdesk {__version__} · Python {platform.python_version()} · PySide6 {qt} · "
              f"{platform.system()} {platform.release()}\n\n")
    return header + "".join(lines)



def is_user_error(exc: BaseException) -> bool:
    """True for errors whose message is meant for the user (as opposed to bugs)."""
    return isinstance(exc, UserError)


def show_error(parent: Optional[QWidget], exc: BaseException) -> None:
    """Tells the user about a failure: a plain warning for their errors, nothing for a cancel, the bug dialog else."""
    if isinstance(exc, Cancelled):
        return
    if parent is None:
        parent = QApplication.activeWindow()
    if is_user_error(exc):
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        QMessageBox.warning(parent, "csrdesk", message)
        return
    show_exception_dialog(parent, exc)


class ErrorDialog(QDialog):
    """Shows an unexpected error; the details can be copied for a bug report."""

    def __init__(self, exc: BaseException, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle("csrdesk: unexpected error")
        self.setMinimumWidth(560)
        self.exc = exc
        self.details = error_details(exc)

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        summary = " ".join(str(exc).split()) or exc.__class__.__name__
        if len(summary) > 300:
            summary = summary[:300] + "…"
        title = QLabel("<b>Something went wrong that csrdesk did not expect.</b>")
        message = QLabel(
            f"{exc.__class__.__name__}: {summary}<br><br>"
            "Nothing you saved earlier is affected; the change that was in progress was not saved. "
            "You can keep working."
        )
        message.setWordWrap(True)
        message.setTextFormat(Qt.TextFormat.RichText)
        self.message_label = message
        log_path = _log_path()
        self.log_label = QLabel(f"The details are also in the log file:<br><code>{log_path}</code>")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.details_box = QPlainTextEdit(self.details)
        self.details_box.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.details_box.setFont(mono)
        self.details_box.setMinimumHeight(180)
        self.details_box.setVisible(False)

        self.toggle_button = QPushButton("Show details")
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle)
        copy_button = QPushButton("Copy details")
        copy_button.clicked.connect(self.copy_details)
        folder_button = QPushButton("Open log folder")
        folder_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        top = QHBoxLayout()
        top.addWidget(icon)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(message)
        text.addWidget(self.log_label)
        top.addLayout(text, 1)
        row = QHBoxLayout()
        row.addWidget(self.toggle_button)
        row.addWidget(copy_button)
        row.addWidget(folder_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_box, 1)
        layout.addLayout(row)

    def _toggle(self, on: bool) -> None:
        self.details_box.setVisible(on)
        self.toggle_button.setText("Hide details" if on else "Show details")
        self.adjustSize()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


# While a dialog is open, more errors (often the same one repeating) are logged but not stacked as new dialogs.
_open_dialogs: list[ErrorDialog] = []


def show_exception_dialog(parent: Optional[QWidget], exc: BaseException) -> Optional[ErrorDialog]:
    """Opens the error dialog (non-blocking) and returns it; logs the error with its traceback."""
    log.error("unexpected error: %s", exc, exc_info=(type(exc), exc, exc.__traceback__))
    if QApplication.instance() is None:
        return None
    _forget_closed_dialogs()
    if _open_dialogs:
        return _open_dialogs[0]
    # On the widget's window, not the widget: a dialog or panel that closes must not take the report with it.
    from shiboken6 import isValid

    owner = parent.window() if parent is not None and isValid(parent) else QApplication.activeWindow()
    dialog = ErrorDialog(exc, owner)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_dialogs.append(dialog)
    dialog.finished.connect(lambda _result, d=dialog: _open_dialogs.remove(d) if d in _open_dialogs else None)
    dialog.open()
    return dialog


def _forget_closed_dialogs() -> None:
    """Drops dialogs Qt has already deleted (their window went first), so a later error is never swallowed."""
    from shiboken6 import isValid

    _open_dialogs[:] = [d for d in _open_dialogs if isValid(d)]


def current_error_dialog() -> Optional[ErrorDialog]:
    _forget_closed_dialogs()
    return _open_dialogs[0] if _open_dialogs else None


class ExceptionBridge(QObject):
    """Carries exceptions from any thread to the GUI thread, where the dialog opens."""

    raised = Signal(object)

    def __init__(self, parent_getter: Callable[[], Optional[QWidget]], parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._parent_getter = parent_getter
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous_hook = None
        self._previous_thread_hook = None

    @Slot(object)
    def _show(self, exc: BaseException) -> None:
        try:
            show_error(self._parent_getter(), exc)  # a user error that escaped a slot is still just a message
        except Exception:  # never let the error path raise into Qt
            log.exception("could not show the error dialog")

    def _excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            if self._previous_hook:
                self._previous_hook(exc_type, exc, tb)
            return
        if exc is None:
            exc = exc_type()
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.raised.emit(exc)

    def _thread_hook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        self._excepthook(args.exc_type, exc, args.exc_traceback)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook
