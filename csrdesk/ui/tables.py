"""Fast tables for lists of plain rows (frozen dataclasses): filter and sort in Python, fetch rows lazily.

A QSortFilterProxyModel over 52,000 rows took seconds to sort; a pass over a Python list takes milliseconds. So the
model keeps every row, an order (the current sort) and the visible subset, and hands the view only the rows it
shows, a chunk at a time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterable, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QByteArray, QEvent, QModelIndex, QTimer, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QWidget

from csrdesk.ui.table_fit import PADDING, fit_to_width

log = logging.getLogger(__name__)

RowRole = Qt.ItemDataRole.UserRole + 1  # the row's dataclass
IdRole = Qt.ItemDataRole.UserRole + 2  # row.id
SortKeyRole = Qt.ItemDataRole.UserRole + 3  # the column's sort key for that row

FETCH_CHUNK = 400
FIT_SAMPLE_ROWS = 150  # rows fit_columns measures per column

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


def format_value(value: Any) -> str:
    """How a plain value reads in a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.1f}"
    if hasattr(value, "value") and not isinstance(value, (int, str)):  # an Enum
        return str(value.value)
    return str(value)


def percent(value: Optional[float]) -> str:
    """A progress rate (0 to 100, as the services give it) as text."""
    return "" if value is None else f"{value:.0f}%"


@dataclass
class Column:
    """One column: its title, how to get the value from a row, how to show it and how to sort it."""

    title: str
    getter: Callable[[Any], Any]
    align: Optional[str | Qt.AlignmentFlag] = None  # "left", "right", "center" or Qt flags; numbers default right
    fmt: Optional[Callable[[Any], str]] = None  # value -> text (default: format_value)
    colour: Optional[Callable[[Any], Optional[QColor]]] = None  # row -> text colour
    sort_key: Optional[Callable[[Any], Any]] = None  # row -> key (default: the value, case-folded when text)
    background: Optional[Callable[[Any], Optional[QColor]]] = None  # row -> cell background
    tooltip: Optional[Callable[[Any], Optional[str]]] = None  # row -> tooltip
    bold: Optional[Callable[[Any], bool]] = None  # row -> bold text
    searchable: bool = True  # part of the type-to-filter text
    width: Optional[int] = None  # initial width in pixels, before the user resizes
    hidden: bool = False  # hidden until the user shows it (right-click on the column titles)

    def text(self, row: Any) -> str:
        value = self.getter(row)
        return (self.fmt or format_value)(value)


def _alignment(column: Column, sample: Any) -> Qt.AlignmentFlag:
    if column.align is None:
        return _RIGHT if isinstance(sample, (int, float)) and not isinstance(sample, bool) else _LEFT
    if isinstance(column.align, str):
        return {"left": _LEFT, "right": _RIGHT, "center": _CENTER, "centre": _CENTER}[column.align]
    return column.align


def _default_key(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return str(value.value)
    return value


def _row_search_text(columns: Sequence[Column], row: Any) -> str:
    parts = []
    for column in columns:
        if column.searchable:
            try:
                parts.append(column.text(row))
            except Exception:  # a broken getter must not break filtering
                continue
    return "\x1f".join(parts).casefold()


def build_search_texts(columns: Sequence[Column], rows: Sequence[Any]) -> list[str]:
    """The lower-case text type-to-filter matches, one per row; plain Python, safe to build on the worker."""
    return [_row_search_text(columns, r) for r in rows]


class RowTableModel(QAbstractTableModel):
    """A read-only table over a list of rows, with Python-side filter and sort and lazy fetching.

    - `set_rows(rows)` replaces the data (the current filter and sort are kept).
    - `set_filter(text)`: every word must occur in the row's search text (the searchable columns, lower case).
    - `set_predicate(fn)`: an extra row filter, for combo boxes (status, country, rating...).
    - `sort(column, order)`: Python's sorted on the column's key; rows without a value go last either way.
    """

    filtered = Signal(int, int)  # visible rows, all rows

    def __init__(self, columns: Sequence[Column], parent=None, *,
                 row_background: Optional[Callable[[Any], Optional[QColor]]] = None,
                 row_colour: Optional[Callable[[Any], Optional[QColor]]] = None,
                 id_getter: Callable[[Any], Any] = lambda row: row.id,
                 fetch_chunk: int = FETCH_CHUNK) -> None:
        super().__init__(parent)
        self.columns: list[Column] = list(columns)
        self._row_background = row_background
        self._row_colour = row_colour
        self._id = id_getter
        self._chunk = max(1, fetch_chunk)
        self._rows: list[Any] = []
        self._search: Optional[list[str]] = None  # lazily built, one string per row
        self._order: list[int] = []  # all row indexes in the current sort order
        self._visible: list[int] = []  # the filtered subset of _order
        self._fetched = 0
        self._filter_words: tuple[str, ...] = ()
        self._predicate: Optional[Callable[[Any], bool]] = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._positions: Optional[dict[Any, int]] = None
        self._aligns: list[Qt.AlignmentFlag] = [_LEFT for _ in self.columns]
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ----------------------------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Any], search_texts: Optional[list[str]] = None) -> None:
        """Replaces the rows. `search_texts` (from build_search_texts, e.g. built on the worker) saves the
        filter's first keystroke from building them."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search = search_texts if search_texts is not None and len(search_texts) == len(self._rows) else None
        self._positions = None
        if self._rows:
            sample = self._rows[0]
            self._aligns = [_alignment(c, c.getter(sample)) for c in self.columns]
        self._order = self._sorted_indexes()
        self._visible = self._apply_filter(self._order)
        self._fetched = min(self._chunk, len(self._visible))
        self.endResetModel()
        self.filtered.emit(len(self._visible), len(self._rows))

    def replace_row(self, row: Any) -> bool:
        """Puts an updated row in place of the one with the same id (no reset, keeps the selection)."""
        key = self._id(row)
        for i, old in enumerate(self._rows):
            if self._id(old) == key:
                self._rows[i] = row
                if self._search is not None:
                    self._search[i] = self._search_text(row)
                position = self.position_of(key)
                if position is not None and position < self._fetched:
                    self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))
                return True
        return False

    # -- filtering and sorting --------------------------------------------------------------------------------------
    def _search_text(self, row: Any) -> str:
        return _row_search_text(self.columns, row)

    def _ensure_search(self) -> list[str]:
        if self._search is None:
            self._search = [self._search_text(r) for r in self._rows]
        return self._search

    def prepare_search(self) -> None:
        """Builds the search text now (for example right after loading) rather than at the first keystroke."""
        self._ensure_search()

    def _apply_filter(self, order: list[int]) -> list[int]:
        rows = self._rows
        predicate = self._predicate
        words = self._filter_words
        if predicate is None and not words:
            return list(order)
        candidates = order if predicate is None else [i for i in order if predicate(rows[i])]
        if not words:
            return candidates
        search = self._ensure_search()
        if len(words) == 1:
            word = words[0]
            return [i for i in candidates if word in search[i]]
        return [i for i in candidates if all(w in search[i] for w in words)]

    def _sorted_indexes(self) -> list[int]:
        n = len(self._rows)
        if self._sort_column < 0 or self._sort_column >= len(self.columns) or n == 0:
            return list(range(n))
        column = self.columns[self._sort_column]
        if column.sort_key is not None:
            keys = [column.sort_key(r) for r in self._rows]
        else:
            getter = column.getter
            keys = [_default_key(getter(r)) for r in self._rows]
        present = [i for i in range(n) if keys[i] is not None and keys[i] != ""]
        missing = [i for i in range(n) if keys[i] is None or keys[i] == ""]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        try:
            present.sort(key=keys.__getitem__, reverse=descending)
        except TypeError:  # mixed types in one column: compare their text
            present.sort(key=lambda i: str(keys[i]), reverse=descending)
        return present + missing

    def _refilter(self) -> None:
        self.beginResetModel()
        self._visible = self._apply_filter(self._order)
        self._positions = None
        self._fetched = min(self._chunk, len(self._visible))
        self.endResetModel()
        self.filtered.emit(len(self._visible), len(self._rows))

    def set_filter(self, text: str) -> None:
        words = tuple(w for w in (text or "").casefold().split() if w)
        if words == self._filter_words:
            return
        self._filter_words = words
        self._refilter()

    @property
    def filter_text(self) -> str:
        return " ".join(self._filter_words)

    def set_predicate(self, predicate: Optional[Callable[[Any], bool]]) -> None:
        self._predicate = predicate
        self._refilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self._sort_column = column
        self._sort_order = Qt.SortOrder(order)
        self._order = self._sorted_indexes()
        self._visible = self._apply_filter(self._order)
        self._positions = None
        self._fetched = min(max(self._fetched, self._chunk), len(self._visible))
        self.endResetModel()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    # -- lazy fetching ----------------------------------------------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:
        if parent.isValid():
            return False
        return self._fetched < len(self._visible)

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid():
            return
        remaining = len(self._visible) - self._fetched
        if remaining <= 0:
            return
        count = min(self._chunk, remaining)
        self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + count - 1)
        self._fetched += count
        self.endInsertRows()

    def fetch_to(self, position: int) -> None:
        """Makes the rows up to `position` available to the view (to select or scroll to a row far down)."""
        if position < self._fetched:
            return
        target = min(len(self._visible), position + 1 + self._chunk)
        self.beginInsertRows(QModelIndex(), self._fetched, target - 1)
        self._fetched = target
        self.endInsertRows()

    def fetch_all(self) -> None:
        if self._fetched < len(self._visible):
            self.fetch_to(len(self._visible) - 1)

    # -- reading ----------------------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    @property
    def visible_count(self) -> int:
        """Rows passing the filter (fetched or not)."""
        return len(self._visible)

    @property
    def total_count(self) -> int:
        return len(self._rows)

    def all_rows(self) -> list[Any]:
        return list(self._rows)

    def visible_rows(self) -> list[Any]:
        """The rows passing the filter, in the current order (fetched or not)."""
        rows = self._rows
        return [rows[i] for i in self._visible]

    def row_at(self, position: int) -> Any:
        return self._rows[self._visible[position]]

    def row_for_index(self, index: QModelIndex) -> Any:
        if not index.isValid():
            return None
        return self.row_at(index.row())

    def position_of(self, row_id: Any) -> Optional[int]:
        """Where the row with this id sits among the visible rows, or None when it is filtered out."""
        if self._positions is None:
            rows, ident = self._rows, self._id
            self._positions = {ident(rows[i]): p for p, i in enumerate(self._visible)}
        return self._positions.get(row_id)

    def index_of(self, row_id: Any, column: int = 0) -> QModelIndex:
        position = self.position_of(row_id)
        if position is None:
            return QModelIndex()
        self.fetch_to(position)
        return self.index(position, column)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._visible[index.row()]]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._aligns[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = column.colour(row) if column.colour else None
            if colour is None and self._row_colour is not None:
                colour = self._row_colour(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = column.background(row) if column.background else None
            if colour is None and self._row_background is not None:
                colour = self._row_background(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.FontRole:
            if column.bold is not None and column.bold(row):
                return self._bold
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip is not None:
                return column.tooltip(row)
            return None
        if role == RowRole:
            return row
        if role == IdRole:
            return self._id(row)
        if role == SortKeyRole:
            return column.sort_key(row) if column.sort_key else _default_key(column.getter(row))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self._aligns[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TableView(QTableView):
    """A QTableView with the defaults csrdesk tables share.

    Whole-row selection, alternating colours, a header that sorts through the model, fixed row heights (fast on big
    tables), column widths and sort remembered under `settings_key`, the selection kept across refreshes, and a
    short message painted when the table is empty.
    """

    row_activated = Signal(object)  # the row's dataclass, on double-click or Enter
    selection_changed_rows = Signal(list)  # the selected rows' dataclasses

    def __init__(self, parent: Optional[QWidget] = None, *, settings_key: Optional[str] = None,
                 placeholder: str = "", multi_select: bool = False) -> None:
        super().__init__(parent)
        self.settings_key = settings_key
        self.placeholder = placeholder
        self._restored = False
        self._kept_ids: list[Any] = []
        self._kept_current: Any = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi_select
                              else QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        from csrdesk.ui.theme import table_palette

        table_palette(self)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(max(24, self.fontMetrics().height() + 10))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True) if hasattr(header, "setSortIndicatorClearable") else None
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(40)
        header.sortIndicatorChanged.connect(self._sort_requested)
        header.sortIndicatorChanged.connect(lambda *_: self._fit_timer.start())  # the sorted title needs its arrow
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_state)
        self.column_floors: dict[int, int] = {}  # column -> narrowest width (every value of it shows whole)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_to_width)
        header.sectionCountChanged.connect(lambda *_: self._fit_timer.start())
        header.sectionResized.connect(self._schedule_save)
        header.sectionMoved.connect(self._schedule_save)
        self.doubleClicked.connect(self._activated)

    # -- model wiring -----------------------------------------------------------------------------------------------
    def setModel(self, model) -> None:  # noqa: N802 - Qt naming
        old = self.model()
        if isinstance(old, RowTableModel):
            old.modelAboutToBeReset.disconnect(self._remember_selection)
            old.modelReset.disconnect(self._restore_selection)
        super().setModel(model)
        if isinstance(model, RowTableModel):
            model.modelAboutToBeReset.connect(self._remember_selection)
            model.modelReset.connect(self._restore_selection)
            model.modelReset.connect(self._fit_timer.start)
            for i, column in enumerate(model.columns):
                if column.width:
                    self.setColumnWidth(i, column.width)
                self.setColumnHidden(i, column.hidden)
        if self.selectionModel() is not None:
            self.selectionModel().selectionChanged.connect(self._emit_selection)
        self.restore_state()

    def row_model(self) -> Optional[RowTableModel]:
        model = self.model()
        return model if isinstance(model, RowTableModel) else None

    def _sort_requested(self, section: int, order: Qt.SortOrder) -> None:
        model = self.row_model()
        if model is not None:
            model.sort(section, order)
        elif self.model() is not None and section >= 0:
            self.model().sort(section, order)
        self._schedule_save()

    # -- selection --------------------------------------------------------------------------------------------------
    def selected_rows(self) -> list[Any]:
        model = self.row_model()
        if model is None or self.selectionModel() is None:
            return []
        positions = sorted({i.row() for i in self.selectionModel().selectedRows()})
        return [model.row_at(p) for p in positions]

    def current_row(self) -> Any:
        model = self.row_model()
        index = self.currentIndex()
        if model is None or not index.isValid():
            return None
        return model.row_at(index.row())

    def select_id(self, row_id: Any) -> bool:
        """Selects and shows the row with this id; False when it is filtered out or absent."""
        model = self.row_model()
        if model is None:
            return False
        index = model.index_of(row_id)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.selectRow(index.row())
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _remember_selection(self) -> None:
        model = self.row_model()
        if model is None or self.selectionModel() is None:
            return
        try:
            self._kept_ids = [model.data(i, IdRole) for i in self.selectionModel().selectedRows()]
            current = self.currentIndex()
            self._kept_current = model.data(current, IdRole) if current.isValid() else None
        except IndexError:
            self._kept_ids, self._kept_current = [], None

    def _restore_selection(self) -> None:
        model = self.row_model()
        if model is None or not self._kept_ids:
            return
        selection = self.selectionModel()
        first = None
        for row_id in self._kept_ids:
            position = model.position_of(row_id)
            if position is None:
                continue
            index = model.index_of(row_id)
            if first is None:
                first = index
            selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        current = model.index_of(self._kept_current) if self._kept_current is not None else QModelIndex()
        if current.isValid():
            selection.setCurrentIndex(current, selection.SelectionFlag.NoUpdate)
        self._kept_ids, self._kept_current = [], None

    def _emit_selection(self, *_args) -> None:
        self.selection_changed_rows.emit(self.selected_rows())

    def _activated(self, index: QModelIndex) -> None:
        model = self.row_model()
        if model is not None and index.isValid():
            self.row_activated.emit(model.row_at(index.row()))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)

    # -- column widths ----------------------------------------------------------------------------------------------
    def fit_columns(self, stretch: Optional[int] = None, cap: int = 420) -> None:
        """Sizes every column to its title and its rows (at most `cap` pixels each), so nothing is cut off while
        the table has the room; the `stretch` column then takes the room left over. For small tables whose rows
        are known (call it after set_rows)."""
        model = self.model()
        if model is None:
            return
        header = self.horizontalHeader()
        margin = self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin, None, self)
        padding = 2 * margin + 10
        for i in range(model.columnCount()):
            if header.isSectionHidden(i) or i == stretch:
                continue
            if isinstance(model, RowTableModel):
                content = self._sampled_width(model, i) + 2 * (margin + 1) + (1 if self.showGrid() else 0)
            else:
                content = self.sizeHintForColumn(i)
            width = max(header.sectionSizeHint(i), content + padding)
            self.setColumnWidth(i, min(width, cap))
        if stretch is not None:
            header.setStretchLastSection(False)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self._fit_timer.start()

    def _sampled_width(self, model: "RowTableModel", column: int) -> int:
        """The widest text of the column among the first FIT_SAMPLE_ROWS rows, bold where the row shows it bold.
        (Qt's sizeHintForColumn asks every fetched row for every role: a second for a page of long tables.)"""
        col = model.columns[column]
        plain = self.fontMetrics()
        bold = plain
        if col.bold is not None:
            font = QFont(self.font())
            font.setBold(True)
            bold = QFontMetrics(font)
        widest = 0
        for position in range(min(FIT_SAMPLE_ROWS, model.visible_count)):
            row = model.row_at(position)
            text = col.text(row)
            if not text:
                continue
            metrics = bold if col.bold is not None and col.bold(row) else plain
            widest = max(widest, max(metrics.horizontalAdvance(line) for line in text.split("\n")))
        return widest

    def ensure_column_fits(self, column: int, texts: Iterable[str], *, bold: bool = False) -> None:
        """Widens a column (never narrows it) so that each of these texts shows whole, e.g. every rating name;
        measured again when the table's font changes."""
        texts = list(texts)
        font = QFont(self.font())
        font.setBold(bold)
        metrics = QFontMetrics(font)
        needed = max((metrics.horizontalAdvance(t) for t in texts), default=0) + PADDING
        needed = max(needed, self.horizontalHeader().sectionSizeHint(column))
        self.column_floors[column] = needed  # fitting the table's width keeps this too
        self._fit_texts = {**getattr(self, "_fit_texts", {}), column: (list(texts), bold)}
        if self.columnWidth(column) < needed:
            self.setColumnWidth(column, needed)

    # -- remembered state -------------------------------------------------------------------------------------------
    def _schedule_save(self, *_args) -> None:
        if self.settings_key and self._restored:
            self._save_timer.start()

    def save_state(self) -> None:
        if not self.settings_key or self.model() is None:
            return
        from csrdesk.ui.context import window_settings

        settings = window_settings()
        settings.setValue(f"tables/{self.settings_key}/header", self.horizontalHeader().saveState())
        settings.setValue(f"tables/{self.settings_key}/columns", self.model().columnCount())
        settings.setValue(f"tables/{self.settings_key}/user_sized", sorted(getattr(self, "_user_sized", ())))

    def restore_state(self) -> None:
        if not self.settings_key or self.model() is None:
            self._restored = True
            return
        from csrdesk.ui.context import window_settings

        settings = window_settings()
        state = settings.value(f"tables/{self.settings_key}/header")
        columns = settings.value(f"tables/{self.settings_key}/columns")
        try:
            same_shape = int(columns) == self.model().columnCount()
        except (TypeError, ValueError):
            same_shape = False
        header = self.horizontalHeader()
        if isinstance(state, (QByteArray, bytes)) and same_shape:
            header.blockSignals(True)
            ok = header.restoreState(QByteArray(state))
            header.blockSignals(False)
            if ok:
                sized = settings.value(f"tables/{self.settings_key}/user_sized") or []
                self._user_sized = {int(i) for i in (sized if isinstance(sized, list) else [sized])}
                section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
                model = self.row_model()
                if model is not None and 0 <= section < model.columnCount():
                    model.sort(section, order)
        self._restored = True

    def hideEvent(self, event) -> None:  # noqa: N802
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_state()
        super().hideEvent(event)

    # -- empty table message ----------------------------------------------------------------------------------------
    def _column_menu(self, pos) -> None:
        """Right-click on the column titles: show or hide columns (remembered with the widths)."""
        from PySide6.QtWidgets import QMenu

        model = self.model()
        if model is None:
            return
        menu = QMenu(self)
        header = self.horizontalHeader()
        shown = [i for i in range(model.columnCount()) if not header.isSectionHidden(i)]
        for i in range(model.columnCount()):
            title = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(i in shown)
            action.setEnabled(not (i in shown and len(shown) == 1))
            action.toggled.connect(lambda on, i=i: (self.setColumnHidden(i, not on), self._schedule_save(),
                                                    self._fit_timer.start()))
        if getattr(self, "_user_sized", None):
            menu.addSeparator()
            fit = menu.addAction("Fit the columns to their contents")
            fit.triggered.connect(lambda: (self._user_sized.clear(), self._schedule_save(), self._fit_timer.start()))
        menu.popup(header.mapToGlobal(pos))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_timer.start()  # resized while hidden: fit now

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and getattr(self, "_fit_texts", None):
            for column, (texts, bold) in list(self._fit_texts.items()):
                self.ensure_column_fits(column, texts, bold=bold)  # every rating, decision… whole in the new font

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_timer.start()

    def fit_to_width(self) -> None:
        """No sideways scrolling: when the columns are wider than the table, the columns wider than their title
        give up room in proportion (their long texts end in …, whole in the tooltip), never below the title."""
        fit_to_width(self)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        model = self.model()
        if self.placeholder and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            colour = self.palette().color(QPalette.ColorRole.PlaceholderText)
            painter.setPen(colour)
            rect = self.viewport().rect().adjusted(24, 24, -24, -24)
            text = self.placeholder
            row_model = self.row_model()
            if row_model is not None and row_model.total_count and not row_model.visible_count:
                text = "Nothing matches the filter."
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                       | Qt.TextFlag.TextWordWrap), text)
            painter.end()


class FilterBox(QLineEdit):
    """Type-to-filter for a RowTableModel: every keystroke filters at once (it takes milliseconds)."""

    def __init__(self, model: Optional[RowTableModel] = None, parent: Optional[QWidget] = None,
                 placeholder: str = "Filter…  (Ctrl+F)") -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(220)
        self._model = model
        self.textChanged.connect(self._changed)

    def set_model(self, model: RowTableModel) -> None:
        self._model = model
        model.set_filter(self.text())

    def _changed(self, text: str) -> None:
        if self._model is not None:
            self._model.set_filter(text)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


def count_text(model: RowTableModel, noun: str, plural: Optional[str] = None) -> str:
    """'1,204 suppliers' or '37 of 1,204 suppliers' when filtered."""
    plural = plural or noun + "s"
    total = model.total_count
    shown = model.visible_count
    word = noun if total == 1 else plural
    if shown == total:
        return f"{total:,} {word}"
    return f"{shown:,} of {total:,} {word}"
