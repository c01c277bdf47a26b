"""Keyboard shortcuts scoped to the part of the window they act on.

PySide6 ignores the `context=` keyword of QShortcut's constructor (the shortcut stays window-wide), so a form's
Ctrl+S or a grid's Delete reached from anywhere in the window; this sets the context after construction."""
from __future__ import annotations

from typing import Callable, Union

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

Keys = Union[str, QKeySequence, QKeySequence.StandardKey]


def shortcut(keys: Keys, parent: QWidget, slot: Callable[[], object],
             context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    """A shortcut on `parent` that runs `slot` (with no argument) while the focus is in `parent` (and its children,
    by default; WidgetShortcut: `parent` itself only)."""
    sc = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), parent)
    sc.setContext(context)
    sc.activated.connect(lambda: slot())
    return sc


def standard_or(standard: QKeySequence.StandardKey, fallback: str) -> QKeySequence:
    """The platform's standard key (Cmd+Q on macOS, Ctrl+Q on KDE and GNOME), or `fallback` where the platform has
    none: Windows and the offscreen platform give no Quit or Preferences key, so the menu showed none."""
    keys = QKeySequence(standard)
    return keys if not keys.isEmpty() else QKeySequence(fallback)
