"""What the forms editing one saved record share: which fields changed, the unsaved mark, revert and messages.

Used by the CAP item panel (CAPs page) and the finding type editor (Library page). A form using the mixin builds
its message line with Revert and Save through `save_bar()`, watches its fields with `watch()`, has `_loading` and a
`_save()` method, and says what it shows through three methods:
`form_values()` (the widgets now), `saved_values()` (the record as shown; None when nothing is shown) and
`show_saved()` (fill the widgets from the record again).
"""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox,
    QTextEdit,
)

from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.status_line import StatusLine
from csrdesk.ui.widgets.shortcuts import shortcut

UNSAVED_MARK = "● Unsaved changes"


class RecordFormMixin:
    """Changes, dirty state, revert and the message line of a form over one saved record."""

    _loading: bool = False

    # -- what the form provides ----------------------------------------------------------------------------------------
    def form_values(self) -> dict[str, Any]:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def saved_values(self) -> Optional[dict[str, Any]]:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def show_saved(self) -> None:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def _save(self) -> None:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    # -- building ------------------------------------------------------------------------------------------------------
    def save_bar(self, save_text: str, tooltip: str) -> QHBoxLayout:
        """The message line with Revert and Save beside it, wired to revert() and _save(); Ctrl+S saves too."""
        bar = QHBoxLayout()
        self.message = StatusLine()
        self.revert_button = QPushButton("Revert")
        self.save_button = primary_button(save_text)
        self.save_button.setToolTip(tooltip)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        self.save_button.clicked.connect(lambda: self._save())
        self.revert_button.clicked.connect(lambda: self.revert())
        shortcut(QKeySequence.StandardKey.Save, self, self._save)
        return bar

    def watch(self, *widgets) -> None:
        """Re-checks the unsaved state whenever one of these fields changes."""
        for w in widgets:
            if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
                w.textChanged.connect(self._edited)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self._edited)
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(self._edited)
            elif isinstance(w, QSpinBox):
                w.valueChanged.connect(self._edited)
            elif isinstance(w, QAbstractButton):
                w.toggled.connect(self._edited)
            else:  # pragma: no cover - a field kind the forms do not use yet
                raise TypeError(f"cannot watch {type(w).__name__}")

    # -- shared ----------------------------------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """The fields edited since the record was shown (what the service's update needs)."""
        saved = self.saved_values()
        if saved is None:
            return {}
        return {k: v for k, v in self.form_values().items() if v != saved.get(k)}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.set_message(UNSAVED_MARK, warning=True)
        elif self.message.text().startswith("●"):
            self.set_message("")

    def revert(self) -> None:
        """Throws the edits away: the record as saved again."""
        self.show_saved()
        if self.message.text().startswith("●"):
            self.set_message("")

    def set_message(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        self.message.show_message(text, error=error, warning=warning)
