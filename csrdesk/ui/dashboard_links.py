"""What the dashboard's charts and tiles open: a click on a bar or a tile shows the suppliers or items behind it."""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class _Clicks(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], None]) -> None:
        super().__init__(widget)
        self._action = action

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            self._action()
            return True
        if (event.type() == QEvent.Type.KeyPress and obj is self.parent() and not event.isAutoRepeat()
                and event.key() in OPEN_KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self._action()
            return True
        return False


OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)


def make_clickable(widget: QWidget, action: Callable[[], None], tip: str = "") -> None:
    """A left click anywhere on widget (a dashboard tile) runs action, and so do Enter and Space once Tab brought
    the focus to it; the pointer, tooltip and accessible description say so."""
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if tip:
        widget.setToolTip(tip)
        widget.setAccessibleDescription(f"{tip} (Enter)")
    clicks = _Clicks(widget, action)
    for w in [widget] + widget.findChildren(QWidget):
        w.installEventFilter(clicks)


def open_filtered(window, page_key: str, kind: str = "", value: Optional[str] = None) -> None:
    """Shows a page of the main window, filtered to what a dashboard bar or tile stands for."""
    if not window.go(page_key):
        return
    page = window.pages.get(page_key)
    show = getattr(page, "show_filtered", None)
    if kind and show is not None:
        show(kind, value)


def connect_dashboard(window) -> None:
    window.dashboard.open_requested.connect(lambda key, kind, value: open_filtered(window, key, kind, value))
