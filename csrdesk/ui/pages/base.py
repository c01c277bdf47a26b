"""What the pages share: a header with title and actions, and reloading only when shown after a change."""
from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from csrdesk.ui.context import AppContext


class Page(QWidget):
    """A page of the main window. It reloads when one of its `topics` changed, at once if shown, else when shown."""

    title = ""
    topics: tuple[str, ...] = ()

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self.loads = 0  # how many times the page loaded its data (tests and the benchmark read it)
        ctx.changed.connect(self._changed)

    def _changed(self, what: str) -> None:
        if what == "all" or what in self.topics:
            self._stale = True
            if self.isVisible():
                self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Loads the page's data again (on the worker)."""
        self._stale = False
        self.loads += 1
        self.reload()

    def reload(self) -> None:  # pragma: no cover - every page overrides it
        pass

    def open_item(self, kind: str, item_id) -> None:
        """Shows one item of this page (from search or a link); pages override it."""

    def focus_filter(self) -> None:
        """Ctrl+F: puts the cursor in the page's filter box, if it has one."""


def page_header(title: str, subtitle: str = "", actions: Iterable[QWidget] = ()) -> tuple[QWidget, QLabel]:
    """A page title, a muted line under it, and buttons on the right. Returns the widget and the subtitle label."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    text = QVBoxLayout()
    text.setSpacing(2)
    title_label = QLabel(title)
    title_label.setObjectName("pageTitle")
    subtitle_label = QLabel(subtitle)
    subtitle_label.setObjectName("pageSubtitle")
    text.addWidget(title_label)
    text.addWidget(subtitle_label)
    layout.addLayout(text, 1)
    for widget in actions:
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)
    return box, subtitle_label


def button(text: str, *, primary: bool = False, tooltip: str = "") -> QPushButton:
    b = QPushButton(text)
    if primary:
        b.setObjectName("primary")
    if tooltip:
        b.setToolTip(tooltip)
    return b


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class Card(QFrame):
    """A figure with its label, for the dashboard."""

    def __init__(self, label: str, value: str = "—", note: str = "", parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value_label = QLabel(value)
        self.value_label.setObjectName("cardValue")
        self.label = QLabel(label)
        self.label.setObjectName("cardLabel")
        self.label.setWordWrap(True)
        self.note = muted(note)
        layout.addWidget(self.label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def set(self, value: str, note: str = "", colour: Optional[str] = None) -> None:
        from csrdesk.ui.theme import TEXT, set_text_colour

        self.value_label.setText(value)
        set_text_colour(self.value_label, colour or TEXT)
        self.note.setText(note)


def ask_save_first(parent: QWidget, title: str, text: str) -> QMessageBox.StandardButton:
    """The one "unsaved changes" question of every page: Save (the default), Discard or Cancel."""
    buttons = QMessageBox.StandardButton
    return QMessageBox.question(parent, title, text, buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
