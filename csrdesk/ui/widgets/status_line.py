"""The message line of a page or form, for what just happened: "Saved.", "CAP #140 is now sent." A passing message
clears itself after a while, when the page is left, and when a newer one replaces it; an error or warning stays
until it is replaced (the user has to act on it)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from csrdesk.ui import theme
from csrdesk.ui.widgets.message_label import MessageLabel

PASSING_MS = 10_000


class StatusLine(MessageLabel):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.passing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PASSING_MS)
        self._timer.timeout.connect(self.clear_passing)

    def show_message(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.setText(text)
        colour = theme.OVERDUE if error else (theme.WARNING if warning else theme.OK)
        self.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.passing = bool(text) and not (error or warning)
        if self.passing:
            self._timer.start()
        else:
            self._timer.stop()

    def clear_passing(self) -> None:
        """Clears a message about what just happened (not an error or warning still to act on)."""
        if self.passing:
            self.passing = False
            self._timer.stop()
            self.setText("")

    def hideEvent(self, event) -> None:  # noqa: N802 - the page was left: its news is old
        self.clear_passing()
        super().hideEvent(event)
