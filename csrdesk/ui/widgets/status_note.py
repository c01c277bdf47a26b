"""A short confirmation in the window's status bar ("Supplier CN-0012 added"), gone after a few seconds so it never
outlives its moment."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QWidget

from csrdesk.ui.widgets import status_line


def tell(widget: Optional[QWidget], text: str, ms: Optional[int] = None) -> None:
    """Shows text in the status bar of the main window holding widget (nothing when it has none, e.g. a test), for
    ms, by default as long as the pages' own messages stay (status_line.PASSING_MS)."""
    if widget is None:
        return
    ms = status_line.PASSING_MS if ms is None else ms
    window = widget.window()
    parent = window.parentWidget() if window is not None else None
    for candidate in (window, parent.window() if parent is not None else None):
        bar = getattr(candidate, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, ms)
            return
