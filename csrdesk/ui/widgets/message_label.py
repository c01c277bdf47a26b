"""A word-wrapped message under a form ("The supplier code CN-0102 is already in use."): always as tall as its
wrapped lines. Qt sizes a window from its widgets' smallest sizes, which for a wrapped label is one line; a long
message shown in a plain QLabel then squeezed the form above it, fields drawn over one another. This label asks for
the height of its lines at its width, so the window grows (or its layout makes room) instead."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QLabel, QWidget


class MessageLabel(QLabel):
    def __init__(self, text: str = "", parent: Optional[QWidget] = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._fit()

    def clear(self) -> None:
        super().clear()
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        need = self.heightForWidth(max(self.width(), 1)) if self.text().strip() else 0
        if need != self.minimumHeight():
            self.setMinimumHeight(max(need, 0))
