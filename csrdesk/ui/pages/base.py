"""What the pages share: reloading only when shown after a change (skipping their own echo), leaving with unsaved
edits (asked once, saved through the worker), a header with title and actions."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from csrdesk.ui.context import AppContext, Change


class Page(QWidget):
    """A page of the main window. It reloads when one of its `topics` changed, at once if shown, else when shown.

    A change the page itself caused (notified with `origin=self`) is its own echo: it already shows what it saved,
    so it does not reload for it. A change from one of its parts (a form, an editor) does reach the page; during
    `reload()` the page reads `self.changes` to see what changed and who caused it (`changed_only_by`).
    """

    title = ""
    topics: tuple[str, ...] = ()  # besides "all", which every page answers
    navigate_requested = Signal(str, object)  # (kind, id): open an item wherever it lives

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        self._pending: list[Change] = []
        self.changes: list[Change] = []  # the changes the running reload() answers (empty: a first or full load)
        self.loads = 0  # how many times the page loaded its data (tests and the benchmark read it)
        ctx.change_notice.connect(self._noticed)

    def _noticed(self, change: Change) -> None:
        if change.topic != "all" and change.topic not in self.topics:
            return
        if change.origin is self:
            return
        self._pending.append(change)
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Loads the page's data again (on the worker)."""
        self.changes, self._pending = self._pending, []
        self._stale = False
        self.loads += 1
        try:
            self.reload()
        finally:
            self.changes = []

    def reload(self) -> None:  # pragma: no cover - every page overrides it
        pass

    def changed_only_by(self, *origins: object) -> bool:
        """True (inside reload) when every change being answered came from one of `origins`: their own echo."""
        return bool(self.changes) and all(c.origin in origins for c in self.changes)

    def changed_topics(self) -> set[str]:
        """The topics being answered (inside reload); empty on a first or full load."""
        return {c.topic for c in self.changes}

    def notify(self, *topics: str, origin: object = None) -> None:
        """Tells every screen what this page changed; by default the page itself is the origin (its own echo)."""
        for topic in topics:
            self.ctx.notify(topic, origin=self if origin is None else origin)

    # -- leaving with unsaved edits ------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return False

    def unsaved_question(self) -> tuple[str, str]:
        """The title and text of the question asked before unsaved edits are left."""
        return "Unsaved changes", "There are changes that are not saved. Save them first?"

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel; a method of its own so tests can answer it."""
        return ask_save_first(self, *self.unsaved_question())

    def save_unsaved(self, then: Callable[[], None]) -> None:
        """Saves the edits on the worker and calls `then` once they are saved; when the save fails, the page stays
        with the error shown and the edits kept (`then` is not called)."""
        then()

    def discard_unsaved(self) -> None:
        """Throws the edits away (the records as saved again)."""

    def leave(self, then: Callable[[], None]) -> bool:
        """Leaves the page's current record or the page itself: `then` does the move. With unsaved edits it asks
        first: Save saves through the worker and moves once saved, Discard moves at once, Cancel stays. Returns
        False when the user stayed."""
        if not self.has_unsaved_changes():
            then()
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self.save_unsaved(then)
            return True
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_unsaved()
            then()
            return True
        return False

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
        self.setAccessibleName(label)

    def set(self, value: str, note: str = "", colour: Optional[str] = None) -> None:
        from csrdesk.ui.theme import TEXT, set_text_colour

        self.value_label.setText(value)
        set_text_colour(self.value_label, colour or TEXT)
        self.note.setText(note)
        self.setAccessibleName(f"{self.label.text()}: {value}")  # what a screen reader says on Tab

    def paintEvent(self, event) -> None:  # noqa: N802
        """A card that takes the keyboard (a dashboard tile that opens what it counts) shows a frame in the
        palette's highlight colour while it has the focus."""
        super().paintEvent(event)
        if not self.hasFocus():
            return
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QPainter, QPalette, QPen

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 8, 8)
        painter.end()


def ask_save_first(parent: QWidget, title: str, text: str) -> QMessageBox.StandardButton:
    """The one "unsaved changes" question of every page: Save (the default), Discard or Cancel."""
    buttons = QMessageBox.StandardButton
    return QMessageBox.question(parent, title, text, buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
