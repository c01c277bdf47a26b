"""Buttons of the pages: the primary action, which must look unavailable when it is (nothing to save)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QPushButton, QWidget

_DISABLED_PRIMARY = "QPushButton#primary:disabled { background: #b9c9dc; color: #f4f7fb; border: 1px solid #b9c9dc; }"


def primary_button(text: str, parent: Optional[QWidget] = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName("primary")
    button.setStyleSheet(_DISABLED_PRIMARY)
    return button
