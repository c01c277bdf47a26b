"""App-wide: the mouse wheel over a combo, spin or date box changes it only while it has keyboard focus; otherwise the
wheel scrolls what the box sits in (a recorded decision must never change because the user scrolled the panel)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget


class WheelGuard(QObject):
    """An event filter on the application; one instance, parented to the QApplication."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        # Every event of the app passes here: the type test first (a C check), the event's type (a Python enum
        # made per call) only for the boxes.
        if not isinstance(obj, (QComboBox, QAbstractSpinBox)) or event.type() != QEvent.Type.Wheel:
            return False
        if obj.hasFocus():
            return False
        # Not focused: the wheel scrolls the nearest scroll area the box sits in, as if the box were not there.
        parent = obj.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent.viewport(), event.clone())
        return True


def install_wheel_guard(app: QApplication) -> None:
    if getattr(app, "_csrdesk_wheel_guard", None) is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        app._csrdesk_wheel_guard = guard


def wheel_only_with_focus(*widgets: QWidget) -> None:
    """Boxes that take focus by click or Tab (not by the wheel), so the guard decides what the wheel does."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
