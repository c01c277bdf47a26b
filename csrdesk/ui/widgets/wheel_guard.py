"""App-wide: the mouse wheel over a combo, spin or date box changes it only while it has keyboard focus; otherwise the
wheel scrolls what the box sits in (a recorded decision must never change because the user scrolled the panel)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

from csrdesk.ui.widgets.app_events import app_events


def _wheel(obj, event) -> bool:
    """A wheel event (the application filter sends only these): kept from a box without focus."""
    if not isinstance(obj, (QComboBox, QAbstractSpinBox)) or obj.hasFocus():
        return False
    # Not focused: the wheel scrolls the nearest scroll area the box sits in, as if the box were not there.
    parent = obj.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        QApplication.sendEvent(parent.viewport(), event.clone())
    return True


def install_wheel_guard(app: QApplication) -> None:
    app_events(app).add("wheel guard", QWheelEvent, _wheel)


def wheel_only_with_focus(*widgets: QWidget) -> None:
    """Boxes that take focus by click or Tab (not by the wheel), so the guard decides what the wheel does."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
