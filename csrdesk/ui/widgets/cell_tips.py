"""A table cell whose text is cut (it ends in …) shows its whole text when the mouse rests on it, in every table of
the app: an e-mail address, a supplier's name or a finding cut short had no way to be read where the table gave no
tooltip of its own. A cell with its own tooltip keeps it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyleOptionViewItem, QToolTip

from csrdesk.ui.widgets.app_events import app_events


def cut_text(view: QAbstractItemView, index) -> str:
    """The cell's whole text when it does not fit the cell (and the model gives no tooltip of its own), else ""."""
    model = view.model()
    if model is None or not index.isValid() or model.data(index, Qt.ItemDataRole.ToolTipRole):
        return ""
    text = model.data(index, Qt.ItemDataRole.DisplayRole)
    text = "" if text is None else str(text)
    if not text.strip():
        return ""
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    option.index = index
    delegate = view.itemDelegateForIndex(index) if hasattr(view, "itemDelegateForIndex") else view.itemDelegate()
    delegate.initStyleOption(option, index)
    style = view.style()
    box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    room = box.width() - 2
    metrics = option.fontMetrics
    if view.wordWrap():  # wrapped: cut when its lines need more height than the row has, or a word is too wide
        lines = metrics.boundingRect(QRect(0, 0, max(room, 1), 100000), int(Qt.TextFlag.TextWordWrap), text)
        cut = lines.height() > box.height() + 2 or any(metrics.horizontalAdvance(w) > room for w in text.split())
        return text if cut else ""
    needed = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return text if needed > room else ""


def _tooltip(obj, event) -> bool:
    """A tooltip over an item view's cell shows the cell's whole text when it is cut."""
    if event.type() != QEvent.Type.ToolTip:
        return False
    view = obj.parent()
    if not isinstance(view, QAbstractItemView) or obj is not view.viewport():
        return False
    index = view.indexAt(event.pos())
    text = cut_text(view, index)
    if not text:
        return False
    QToolTip.showText(event.globalPos(), text, obj, view.visualRect(index))
    return True


def install_cell_tips(app: QApplication) -> None:
    app_events(app).add("cell tips", QHelpEvent, _tooltip)
