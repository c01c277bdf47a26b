"""CAP trackers in the window: export one CAP's tracker or the master tracker, and import a returned tracker.

The import dialog shows what the factory's file would change, per item and field (old -> new), with a checkbox per
item; conflicts (fields also changed in the app since the export) are highlighted and left unticked. Reading the file
and applying it both run on the database worker, never on the GUI thread.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Optional

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from csrdesk.domain.reporting import plural
from csrdesk.services import trackers
from csrdesk.errors import UserError
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error
from csrdesk.ui.widgets.status_note import tell

EXCEL_FILES = "Excel workbooks (*.xlsx);;All files (*)"
FIELD_TITLES = {
    "root_cause": "Root cause", "preventive_action": "Preventive action", "project_leader": "Project leader",
    "planned_date": "Planned date", "status": "Status", "evidence_notes": "Evidence notes",
}
CONFLICT_BG = QColor(theme.WARNING_BG)
PROBLEM_FG = QColor(theme.OVERDUE)
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop


def _text(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


ANSWER_LIMIT = 1200  # an answer longer than this (a pasted report) ends in …, whole in its tooltip


def _short(value: Any, limit: int = ANSWER_LIMIT) -> str:
    text = " ".join(_text(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their texts wrapped at their column's width, so a factory's answer of a few hundred
    characters reads whole in the preview. (QTreeView asks a row's height without a width, which keeps every row
    one line high and cuts the answer to its first line.)"""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)  # one line high
        view: QTreeView = self.parent()
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text or not view.wordWrap():
            return size
        style = view.style()
        width = view.header().sectionSize(index.column()) - 2 * (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
        if index.column() == view.header().logicalIndex(0):  # the branch lines, indentation and check box
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= view.indentation() * (depth + (1 if view.rootIsDecorated() else 0))
            if index.data(Qt.ItemDataRole.CheckStateRole) is not None:
                width -= style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 6
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else view.font())
        needed = metrics.boundingRect(QRect(0, 0, max(width, 1), 100000), int(Qt.TextFlag.TextWordWrap), text)
        return QSize(size.width(), max(size.height(), needed.height() + size.height() - metrics.height()))


class TrackerImportDialog(QDialog):
    """Preview of a returned tracker with per-item acceptance; Apply changes the database in one go."""

    applied = Signal(object)  # the TrackerImportResult

    def __init__(self, ctx: AppContext, path: Path | str, parent: Optional[QWidget] = None, *,
                 expected_cap_id: Optional[int] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.expected_cap_id = expected_cap_id
        self.preview: Optional[trackers.TrackerImportPreview] = None
        self.result_value: Optional[trackers.TrackerImportResult] = None
        self._item_nodes: dict[int, QTreeWidgetItem] = {}
        self._problem_items: dict[int, str] = {}
        self.setWindowTitle(f"Import CAP tracker: {self.path.name}")
        self.resize(980, 620)
        self._build()
        self._load()

    # -- layout --------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.title = QLabel(f"Reading {self.path.name}…")
        self.title.setObjectName("dialogTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item / field", "Now in csrdesk", "The factory's answer"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # tall answers scroll smoothly
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 300)
        self.tree.setItemDelegate(_WrappingDelegate(self.tree))
        # A column that changes width (the dialog resized, a column dragged) changes how many lines its texts take.
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.tree.doItemsLayout)
        header.sectionResized.connect(lambda *_: self._relayout.start())
        self.tree.itemChanged.connect(self._item_toggled)
        layout.addWidget(self.tree, 1)

        self.messages = QLabel("")
        self.messages.setWordWrap(True)
        self.messages.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.messages)

        row = QHBoxLayout()
        self.all_button = QPushButton("Accept all")
        self.none_button = QPushButton("Accept none")
        self.all_button.clicked.connect(lambda: self.set_all_checked(True))
        self.none_button.clicked.connect(lambda: self.set_all_checked(False))
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
        row.addStretch(1)
        self.count_label = QLabel("")
        row.addWidget(self.count_label)
        layout.addLayout(row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.apply_button = self.buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for w in (self.all_button, self.none_button):
            w.setEnabled(False)

    # -- reading -------------------------------------------------------------------------------------------------
    def _load(self) -> None:
        self.task = self.ctx.run(
            trackers.preview_tracker_import, self.ctx.db, self.path, expected_cap_id=self.expected_cap_id,
            on_done=self._show_preview, on_error=self._preview_failed, label="Reading the returned tracker…",
            cancellable=True, parent=self,
        )

    def _preview_failed(self, exc: BaseException) -> None:
        self.title.setText("This tracker cannot be imported")
        self.summary.setText(" ".join(str(exc).split()))
        self.summary.setStyleSheet(f"color: {theme.OVERDUE};")
        if not is_user_error(exc):  # a refusal is said above, once; a bug also gets the error dialog and its details
            show_error(self, exc)

    def _show_preview(self, preview: trackers.TrackerImportPreview) -> None:
        self.preview = preview
        self.title.setText(f"Tracker of CAP #{preview.cap_id}: {preview.supplier_name} ({preview.supplier})")
        conflicts = len(preview.conflicts)
        parts = [f"{plural(len(preview.changes), 'change')} in {plural(len(preview.item_ids), 'item')}"]
        if conflicts:
            parts.append(f"{plural(conflicts, 'conflict')}: fields also changed in csrdesk after the export, highlighted; "
                         "tick the item to take the factory's answer")
        parts.append(f"exported {preview.exported_at.replace('T', ' ')}")
        self.summary.setText("; ".join(parts) + ".")
        # Ticking an item takes its conflicts too: judge it as accepted (preview.problems judge the default apply).
        self._problem_items = dict(preview.item_problems)
        self._fill_tree(preview)
        lines = [f"Problem: {p}" for p in self._problem_items.values()] + [f"Note: {n}" for n in preview.notes]
        if preview.empty:
            lines.insert(0, "The factory's file changes nothing: every answer is already in csrdesk.")
        self.messages.setText("\n".join(lines))
        if self._problem_items:
            self.messages.setStyleSheet(f"color: {theme.OVERDUE};")
        for w in (self.all_button, self.none_button):
            w.setEnabled(not preview.empty)
        self._update_count()

    def _fill_tree(self, preview: trackers.TrackerImportPreview) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        self._item_nodes = {}
        by_item: dict[int, list] = {}
        for c in preview.changes:
            by_item.setdefault(c.item_id, []).append(("change", c))
        for c in preview.conflicts:
            by_item.setdefault(c.item_id, []).append(("conflict", c))
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for item_id in preview.item_ids:
            entries = by_item.get(item_id, [])
            has_conflict = any(kind == "conflict" for kind, _ in entries)
            problem = self._problem_items.get(item_id)
            finding = preview.findings.get(item_id, "")
            node = QTreeWidgetItem([f"Item {item_id}: {_short(finding, 160)}", "", ""])
            node.setToolTip(0, _text(finding))
            node.setData(0, Qt.ItemDataRole.UserRole, item_id)
            node.setFlags(node.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            node.setCheckState(0, Qt.CheckState.Unchecked if (has_conflict or problem) else Qt.CheckState.Checked)
            node.setFont(0, bold)
            node.setFirstColumnSpanned(False)
            if problem:
                for col in range(3):
                    node.setForeground(col, QBrush(PROBLEM_FG))
                node.setText(1, "Cannot be applied")
                node.setToolTip(0, problem)
                node.setToolTip(1, problem)
            order = list(FIELD_TITLES)
            for kind, c in sorted(entries, key=lambda e: order.index(e[1].field)):
                if kind == "change":
                    child = QTreeWidgetItem([FIELD_TITLES[c.field], _short(c.old), _short(c.new)])
                    child.setToolTip(1, _text(c.old))
                    child.setToolTip(2, _text(c.new))
                else:
                    child = QTreeWidgetItem([f"{FIELD_TITLES[c.field]} (conflict)", _short(c.current),
                                             _short(c.returned)])
                    tip = (f"Changed in csrdesk after the export.\nWhen exported: {_text(c.exported)}\n"
                           f"Now in csrdesk: {_text(c.current)}\nThe factory's answer: {_text(c.returned)}")
                    for col in range(3):
                        child.setBackground(col, QBrush(CONFLICT_BG))
                        child.setToolTip(col, tip)
                    child.setData(0, Qt.ItemDataRole.UserRole + 1, "conflict")
                for col in range(3):  # a field's name and old value beside the first line of a long answer
                    child.setTextAlignment(col, TOP_LEFT)
                node.addChild(child)
            self.tree.addTopLevelItem(node)
            node.setExpanded(True)
            self._item_nodes[item_id] = node
        self.tree.blockSignals(False)

    # -- choosing ------------------------------------------------------------------------------------------------
    def accepted_items(self) -> set[int]:
        return {item_id for item_id, node in self._item_nodes.items()
                if node.checkState(0) == Qt.CheckState.Checked}

    def set_checked(self, item_id: int, checked: bool) -> None:
        self._item_nodes[item_id].setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_all_checked(self, checked: bool) -> None:
        self.tree.blockSignals(True)
        for item_id in self._item_nodes:
            self.set_checked(item_id, checked)
        self.tree.blockSignals(False)
        self._update_count()

    def _item_toggled(self, _node: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self._update_count()

    def _update_count(self) -> None:
        chosen = self.accepted_items()
        blocked = [i for i in chosen if i in self._problem_items]
        self.count_label.setText(f"{len(chosen)} of {plural(len(self._item_nodes), 'item')} accepted")
        self.apply_button.setEnabled(bool(chosen) and not blocked and self.preview is not None)
        if blocked:
            self.count_label.setText(self.count_label.text() + f"; untick {'item' if len(blocked) == 1 else 'items'} {', '.join(map(str, blocked))}"
                                                               " to apply")

    # -- applying ------------------------------------------------------------------------------------------------
    def apply(self) -> None:
        chosen = self.accepted_items()
        if not chosen or self.preview is None:
            return
        self.apply_button.setEnabled(False)
        self.task = self.ctx.run(
            trackers.apply_tracker_import, self.ctx.db, self.path, chosen, expected_cap_id=self.preview.cap_id,
            expected_sha256=self.preview.sha256,
            on_done=self._applied, on_error=self._apply_failed, label="Applying the factory's answers…",
            cancellable=True, parent=self,
        )

    def _applied(self, result: trackers.TrackerImportResult) -> None:
        self.result_value = result
        self.ctx.notify("caps")
        self.applied.emit(result)
        self.accept()

    def _apply_failed(self, exc: BaseException) -> None:
        self._update_count()
        show_error(self, exc)


class ChooseCapDialog(QDialog):
    """Picks the CAP whose tracker to export, filtered as one types."""

    def __init__(self, choices: list[trackers.CapChoice], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export CAP tracker")
        self.choices = choices
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Choose the CAP whose tracker the factory should fill in:"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by supplier code or name")
        self.filter.textChanged.connect(self._filter)
        layout.addWidget(self.filter)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["CAP", "Supplier", "Assessment", "Rating", "Status", "Open / items"])
        for c in choices:
            node = QTreeWidgetItem([str(c.cap_id), f"{c.supplier_code}  {c.supplier_name}",
                                    c.assessment_date.isoformat(), c.rating, c.status, f"{c.open_items} / {c.items}"])
            node.setData(0, Qt.ItemDataRole.UserRole, c.cap_id)
            self.tree.addTopLevelItem(node)
        # The short columns are as wide as their longest value ("Needs Improvement", "response received"), the
        # supplier takes the rest; the dialog is wide enough for the longest supplier too (up to 1,200 px).
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(self.tree.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        short = sum(max(self.tree.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in (0, 2, 3, 4, 5))
        supplier = max([self.tree.sizeHintForColumn(1), header.sectionSizeHint(1)])
        chrome = self.tree.frameWidth() * 2 + self.tree.verticalScrollBar().sizeHint().width() + 40
        self.resize(min(max(720, short + supplier + chrome), 1200), 460)
        self.tree.itemDoubleClicked.connect(lambda *_: self.accept())
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if choices:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            node = self.tree.topLevelItem(i)
            node.setHidden(bool(needle) and needle not in node.text(1).lower())

    def chosen_cap_id(self) -> Optional[int]:
        node = self.tree.currentItem()
        if node is None or node.isHidden():
            return None
        return node.data(0, Qt.ItemDataRole.UserRole)


# ---------------------------------------------------------------- the actions the window offers

def _status(parent: Optional[QWidget], text: str) -> None:
    tell(parent, text)


def export_tracker_flow(ctx: AppContext, parent: Optional[QWidget] = None, cap_id: Optional[int] = None) -> None:
    """Asks for a CAP (unless given) and a file name, then writes the tracker on the worker."""
    if cap_id is None:
        def choose(choices: list[trackers.CapChoice]) -> None:
            if not choices:
                show_error(parent, UserError("There is no CAP with items to export yet."))
                return
            dialog = ChooseCapDialog(choices, parent)
            if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen_cap_id() is not None:
                chosen = next(c for c in choices if c.cap_id == dialog.chosen_cap_id())
                _ask_file_and_export(ctx, parent, chosen.cap_id, chosen.supplier_code)

        ctx.run(trackers.cap_choices, ctx.db, on_done=choose, parent=parent)
        return
    _ask_file_and_export(ctx, parent, cap_id, "")


def _ask_file_and_export(ctx: AppContext, parent: Optional[QWidget], cap_id: int, code: str) -> None:
    name = f"CAP tracker {code} CAP {cap_id}.xlsx".replace("  ", " ")
    path, _ = QFileDialog.getSaveFileName(parent, "Export CAP tracker", str(Path.home() / name), EXCEL_FILES)
    if not path:
        return
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    ctx.run(trackers.export_tracker, ctx.db, cap_id, Path(path),
            on_done=lambda p: _status(parent, f"Tracker of CAP #{cap_id} written to {p}"),
            label="Writing the CAP tracker…", parent=parent)


def export_master_flow(ctx: AppContext, parent: Optional[QWidget] = None) -> None:
    """Asks for a file name and writes the master tracker on the worker, with progress and cancel."""
    default = Path.home() / f"Master CAP tracker {date.today():%Y-%m-%d}.xlsx"
    path, _ = QFileDialog.getSaveFileName(parent, "Export master tracker", str(default), EXCEL_FILES)
    if not path:
        return
    if not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    ctx.run(trackers.export_master, ctx.db, Path(path),
            on_done=lambda p: _status(parent, f"Master tracker written to {p}"),
            label="Writing the master tracker…", cancellable=True, parent=parent)


def import_tracker_flow(ctx: AppContext, parent: Optional[QWidget] = None, *,
                        expected_cap_id: Optional[int] = None) -> Optional[TrackerImportDialog]:
    """Asks for a returned tracker and opens the import dialog on it."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import a returned CAP tracker", str(Path.home()), EXCEL_FILES)
    if not path:
        return None
    dialog = TrackerImportDialog(ctx, path, parent, expected_cap_id=expected_cap_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def done(result: trackers.TrackerImportResult) -> None:
        # Counted as the preview counted them ("3 changes in 2 items"), not as "answers".
        items = len({c.item_id for c in result.applied})
        moved = f"; CAP #{result.preview.cap_id} is now {result.cap_status}" if result.cap_status_changed else ""
        _status(parent, f"Applied {plural(len(result.applied), 'change')} in {plural(items, 'item')} from "
                        f"{Path(path).name}{moved}" + (f"; backup at {result.backup}" if result.backup else ""))

    dialog.applied.connect(done)
    dialog.open()
    return dialog
