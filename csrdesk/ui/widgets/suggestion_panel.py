"""The list of suggestions under a text box (the search box, the finding picker): drawn over the window as a child
of it, not as a popup window, so every key stays in the box; chosen with the arrow keys, placed under the box (above
it when there is no room below)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QVBoxLayout, QWidget


class SuggestionPanel(QFrame):
    """A list and a note line under it, hidden until there is something to suggest."""

    def __init__(self, parent: QWidget, object_name: str, margins: int = 4) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.list = QListWidget(self)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMouseTracking(True)
        self.note = QLabel(self)
        self.note.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(margins, margins, margins, margins)
        layout.setSpacing(0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        self.hide()

    def move_current(self, step: int) -> None:
        """Moves the highlighted row by `step` (arrow and page keys), staying inside the list."""
        lst = self.list
        if lst.count():
            lst.setCurrentRow(max(0, min(lst.count() - 1, lst.currentRow() + step)))
            lst.scrollToItem(lst.currentItem())

    def place_under(self, box: QWidget, host: QWidget, width: int, height: int, *, gap: int = 2,
                    flip: bool = True) -> None:
        """Puts the panel under `box` in `host`'s coordinates, inside the host; with `flip`, above the box when it
        would not fit below."""
        below = box.mapTo(host, QPoint(0, box.height() + gap))
        x = max(0, min(below.x(), host.width() - width - 4))
        y = below.y()
        if flip and y + height > host.height() - 4:
            above = box.mapTo(host, QPoint(0, 0)).y() - height - gap
            if above >= 0:
                y = above
        self.setGeometry(x, y, min(width, host.width()), height)

    def show_over(self) -> None:
        self.show()
        self.raise_()
