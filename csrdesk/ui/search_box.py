"""The search box (Ctrl+K): suppliers, CAP items and findings as you type, opened with Enter or a click."""
from __future__ import annotations

import time
from typing import Optional

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QLineEdit, QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget,
)

from csrdesk.services.search import (
    SearchHit, SearchIndex, SearchIndexParts, finish_search_index, read_search_index_part, start_search_index,
)
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.ui.widgets.suggestion_panel import SuggestionPanel

DEBOUNCE_MS = 120
KIND_LABELS = {"cap": "CAP", "supplier": "Supplier", "cap_item": "CAP item", "finding": "Finding", "assessment": "Assessment",
               "vetting_screen": "Vetting screen", "verification_visit": "Visit", "complaint": "Complaint"}
# Changes after which the search index is read again.
INDEX_TOPICS = ("suppliers", "assessments", "caps", "all")
INDEX_MAX_AGE_S = 300
# After the window shows and its first page has its data, the index is read in the background, so the first Ctrl+K
# finds it ready.
WARM_UP_DELAY_MS = 150


class _HitDelegate(QStyledItemDelegate):
    """Draws a hit on two lines: its kind and title, then the detail (red when the item is overdue)."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802
        height = option.fontMetrics.height()
        return QSize(option.rect.width(), 2 * height + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        hit: SearchHit = index.data(Qt.ItemDataRole.UserRole)
        if hit is None:
            return super().paint(painter, option, index)
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor(theme.ACCENT_LIGHT))
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor(theme.ACCENT))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, QColor("#f4f6f9"))
        metrics = option.fontMetrics
        line = metrics.height()
        x = rect.left() + 12
        width = rect.width() - 24
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.82))
        small.setWeight(QFont.Weight.DemiBold)
        painter.setFont(small)
        tag = KIND_LABELS.get(hit.kind, hit.kind).upper()
        tag_width = QFontMetrics(small).horizontalAdvance(tag) + 10
        painter.setPen(QColor(theme.OVERDUE if hit.overdue else theme.MUTED))
        painter.drawText(QRect(x, rect.top() + 6, tag_width, line), int(Qt.AlignmentFlag.AlignVCenter), tag)
        title_font = QFont(option.font)
        title_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(title_font)
        painter.setPen(QColor(theme.TEXT))
        title = QFontMetrics(title_font).elidedText(hit.title, Qt.TextElideMode.ElideRight, width - tag_width)
        painter.drawText(QRect(x + tag_width, rect.top() + 6, width - tag_width, line),
                         int(Qt.AlignmentFlag.AlignVCenter), title)
        painter.setFont(option.font)
        painter.setPen(QColor(theme.OVERDUE if hit.overdue else theme.MUTED))
        detail = metrics.elidedText(hit.detail, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(x, rect.top() + 8 + line, width, line), int(Qt.AlignmentFlag.AlignVCenter), detail)
        painter.restore()


class SearchResults(SuggestionPanel):
    """The list under the search box: two lines per hit."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, "searchPanel")
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setItemDelegate(_HitDelegate(self.list))
        self.note.setContentsMargins(10, 6, 10, 6)


class SearchBox(QLineEdit):
    """Type to search; Down/Up choose a result, Enter opens it, Escape closes the list."""

    hit_chosen = Signal(object)  # SearchHit

    def __init__(self, ctx: AppContext, window: QWidget, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setPlaceholderText("Search suppliers, findings, CAP items…   Ctrl+K")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(360)
        self.results = SearchResults(window)
        self.results.list.itemActivated.connect(self._activate_item)
        self.results.list.itemClicked.connect(self._activate_item)
        self.hits: list[SearchHit] = []
        self._sequence = 0
        self._awaiting_index = False
        self.shown_text = ""  # the text whose results the list shows
        self._open_first = False
        self._shown_sequence = 0
        self.searches = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)
        self.textEdited.connect(self._edited)
        self.textChanged.connect(self._maybe_hide)
        window.installEventFilter(self)
        # The index is read right after the window shows, and again after a change when the box is used, on the
        # worker, in parts (one worker call each), so a page opened meanwhile waits for one part at most.
        self.index: Optional[SearchIndex] = None
        self._index_stale = True
        self._index_task = None
        self._index_seq = 0
        self._index_time = 0.0
        self._warmed = False
        self.index_reads = 0  # how many times the index was read whole (tests and the benchmark read it)
        ctx.changed.connect(self._data_changed)

    # -- the index --------------------------------------------------------------------------------------------------
    def _data_changed(self, what: str) -> None:
        if what in INDEX_TOPICS:
            self._index_stale = True
            if what == "all":
                self.index = None  # another database: the old index is no use at all
                self._index_seq += 1  # and a read of it under way is dropped
                self._index_task = None
                QTimer.singleShot(WARM_UP_DELAY_MS, self, self.prepare)  # read the new one in the background

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            # Once the window has shown (the first page asks for its data as it shows, after this box) and that
            # data is in, a moment later: read at the same time, both would share the interpreter and the page
            # would show its figures later.
            QTimer.singleShot(0, self, lambda: self.ctx.when_idle(
                lambda: QTimer.singleShot(WARM_UP_DELAY_MS, self, self.prepare)))

    def prepare(self) -> None:
        """Starts reading the index if it is missing or out of date: right after the window shows, then on Ctrl+K
        and on typing. Changes made elsewhere (the command line) are picked up once the index is a few minutes
        old."""
        if self._index_task is not None:
            return
        if self.index is not None and time.monotonic() - self._index_time > INDEX_MAX_AGE_S:
            self._index_stale = True
        if self.index is not None and not self._index_stale:
            return
        self._index_stale = False
        self._index_seq += 1
        seq, db = self._index_seq, self.ctx.db

        def step(parts: SearchIndexParts) -> None:
            if seq != self._index_seq:
                return
            if parts.done:
                self._index_task = self.ctx.run(finish_search_index, parts, on_done=lambda index: finished(index),
                                                on_error=failed, parent=self.window_)
            else:
                self._index_task = self.ctx.run(read_search_index_part, db, parts, on_done=step, on_error=failed,
                                                parent=self.window_)

        def finished(index: SearchIndex) -> None:
            if seq == self._index_seq:
                self._index_ready(index)

        def failed(exc: BaseException) -> None:
            if seq == self._index_seq:
                self._index_failed(exc)

        self._index_task = self.ctx.run(start_search_index, db, on_done=step, on_error=failed,
                                        parent=self.window_)

    def _index_ready(self, index: SearchIndex) -> None:
        self._index_task = None
        self.index = index
        self.index_reads += 1
        self._index_time = time.monotonic()
        # Search only when a search waits for the index ("Preparing the search…"); a refresh of the index after
        # the user chose a result must not open the list again.
        if self._awaiting_index and self.text().strip():
            self._awaiting_index = False
            self._search_now()

    def _index_failed(self, exc: BaseException) -> None:
        self._index_task = None
        self._index_stale = True
        from csrdesk.ui.context import show_error

        show_error(self.window_, exc)


    # -- searching --------------------------------------------------------------------------------------------------
    def _edited(self, _text: str) -> None:
        self.prepare()
        self._timer.start()

    def _maybe_hide(self, text: str) -> None:
        self._open_first = False
        if not text.strip():
            self._timer.stop()
            self._sequence += 1
            self._awaiting_index = False
            self.hits = []
            self.shown_text = ""
            self.results.hide()

    def _search_now(self) -> None:
        text = self.text().strip()
        if not text:
            return
        self.prepare()
        self._sequence += 1
        sequence = self._sequence
        # While a fresher index is being read, search the one at hand now and again when the fresh one comes.
        self._awaiting_index = self._index_task is not None
        if self.index is None:  # the first read of the index is on its way; _index_ready searches then
            self._awaiting_index = True
            self._show_note("Preparing the search…")
            return
        self.ctx.run(self.index.search_current, self.ctx.db, text, 50,
                     on_done=lambda hits: self._searched(sequence, text, hits), parent=self.window_)

    def _searched(self, sequence: int, text: str, hits: Optional[list[SearchHit]]) -> None:
        if hits is not None:
            self._show(sequence, text, hits)
            return
        if sequence != self._sequence:
            return
        # The workspace changed elsewhere since the index was read: read it again and search then.
        self._index_stale = True
        self.prepare()
        self._awaiting_index = True
        self._show_note("Preparing the search…")

    def _show_note(self, note: str) -> None:
        self.results.list.clear()
        self.results.note.setText(note)
        self._place()
        self.results.show_over()

    def search_now(self) -> None:
        """Searches at once (without waiting for the typing pause)."""
        self._timer.stop()
        self._search_now()

    def _show(self, sequence: int, text: str, hits: list[SearchHit]) -> None:
        if sequence != self._sequence:  # a newer search is on its way
            return
        self.searches += 1
        self.hits = hits
        self.shown_text = text
        lst = self.results.list
        lst.clear()
        for hit in hits:
            item = QListWidgetItem(f"{KIND_LABELS.get(hit.kind, hit.kind)}: {hit.title}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            item.setToolTip(f"{hit.title}\n{hit.detail}")
            lst.addItem(item)
        if hits:
            lst.setCurrentRow(0)
        if self._open_first:
            self._open_first = False
            if hits:
                self.choose(0)
                return
        n = len(hits)
        self.results.note.setText(
            f"No supplier, assessment, vetting screen, complaint, finding or CAP item matches “{text}”." if not n else
            f"{n} result{'s' if n != 1 else ''} · ↑↓ to choose, Enter to open, Esc to close"
            + (" · showing the first 50" if n >= 50 else ""))
        self._place()
        self.results.show_over()

    def _place(self) -> None:
        top = self.mapTo(self.window_, QPoint(0, self.height() + 4)).y()
        shown = self.results.list.count()
        width = max(self.width(), 640)
        # With nothing to list the panel is the note alone: an empty row stood as a blank band above "No … matches".
        self.results.list.setVisible(shown > 0)
        if not shown:
            note = self.results.note
            margins = note.contentsMargins()
            height = note.heightForWidth(width - 24) if note.wordWrap() else note.sizeHint().height()
            height = max(height, note.fontMetrics().height()) + margins.top() + margins.bottom() + 16
        else:
            rows = min(shown, 9)
            row_height = 2 * self.fontMetrics().height() + 14
            height = min(rows * row_height + 44, max(120, self.window_.height() - top - 40))
        self.results.place_under(self, self.window_, width, height, gap=4, flip=False)

    # -- keys and choosing ------------------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802
        lst = self.results.list
        key = event.key()
        if self.results.isVisible() and key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown,
                                                Qt.Key.Key_PageUp):
            self.results.move_current({Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 6,
                                       Qt.Key.Key_PageUp: -6}[key])
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive() or (self.text().strip() and not self.results.isVisible()):
                # typed faster than the search: search now and open the first result when it comes
                self._open_first = True
                self.search_now()
                return
            if self.results.isVisible() and lst.currentItem() is not None:
                self._activate_item(lst.currentItem())
            return
        if key == Qt.Key.Key_Escape:
            self._awaiting_index = False
            if self.results.isVisible():
                self.results.hide()
            else:
                self.clear()
                self.clearFocus()
            return
        super().keyPressEvent(event)

    def _activate_item(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        self._awaiting_index = False  # chosen: nothing may open the list again
        self.results.hide()
        if hit is not None:
            self.hit_chosen.emit(hit)

    def choose(self, index: int = 0) -> Optional[SearchHit]:
        """Opens the result at `index` (used by keyboard users through Enter, and by tests)."""
        if 0 <= index < self.results.list.count():
            item = self.results.list.item(index)
            self._activate_item(item)
            return item.data(Qt.ItemDataRole.UserRole)
        return None

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        # A click in the list moves focus there; hide only when focus went elsewhere.
        QTimer.singleShot(150, self._hide_if_unfocused)

    def _hide_if_unfocused(self) -> None:
        focus = self.window_.focusWidget() if self.window_ is not None else None
        if focus is self or (focus is not None and self.results.isAncestorOf(focus)):
            return
        self.results.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window_ and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            if self.results.isVisible():
                self._place()
        return False
