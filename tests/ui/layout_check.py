"""Measures what a user would see cut off in a widget tree, with the widgets' own fonts (whatever fonts the machine
has): labels whose text is wider (or, wrapped, taller) than the label, buttons whose text does not fit, table headers
narrower than their title, and sideways scroll bars. Used by the layout walk over every page and dialog."""
from __future__ import annotations

import re
from html import unescape

from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractScrollArea, QCheckBox, QHeaderView, QLabel, QLineEdit, QPushButton,
    QRadioButton, QScrollArea, QStyle, QStyleOptionFrame, QTabBar, QTableView, QToolButton, QWidget,
)

from csrdesk.ui.widgets.elided_label import ElidedLabel

SLACK = 2  # pixels of rounding allowed


def _shown(w: QWidget, root: QWidget) -> bool:
    if not w.isVisibleTo(root) or not w.isVisible() or w.width() <= 1 or w.height() <= 1:
        return False
    return True


def _plain(label: QLabel) -> list[str]:
    text = label.text()
    if QtGui.Qt.mightBeRichText(text) or label.textFormat() == Qt.TextFormat.RichText:
        text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
        text = re.sub(r"</(p|div|tr|li|h\d)>", "\n", text, flags=re.I)
        text = unescape(re.sub(r"<[^>]+>", "", text))
    return [line for line in text.split("\n") if line.strip()]


def _label_problem(label: QLabel) -> str | None:
    if isinstance(label, ElidedLabel) or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    lines = _plain(label)
    if not lines:
        return None
    rect = label.contentsRect()
    margin = label.margin() * 2 + max(label.indent(), 0)
    width = rect.width() - margin
    metrics = label.fontMetrics()
    rich = QtGui.Qt.mightBeRichText(label.text()) or label.textFormat() == Qt.TextFormat.RichText
    if label.wordWrap():
        needed_height = label.heightForWidth(label.width())
        if needed_height > label.height() + SLACK:
            return f"wrapped text needs {needed_height} px of height, has {label.height()}"
        return None
    if rich:  # bold parts and chips: measure the laid-out document
        needed = label.minimumSizeHint().width()
        if needed > label.width() + SLACK:
            return f"needs {needed} px, has {label.width()}"
        return None
    needed = max(metrics.horizontalAdvance(line) for line in lines)
    if needed > width + SLACK:
        return f"needs {needed} px, has {width}"
    if metrics.height() * len(lines) > rect.height() + SLACK + 2:
        return f"needs {metrics.height() * len(lines)} px of height, has {rect.height()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text.strip():
        return None
    metrics = button.fontMetrics()
    needed = metrics.horizontalAdvance(text)
    if isinstance(button, (QCheckBox, QRadioButton)):
        indicator = button.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, button)
        needed += indicator + 4
    elif not button.icon().isNull():
        needed += button.iconSize().width() + 4
    if needed > button.contentsRect().width() + SLACK:
        return f"needs {needed} px, has {button.contentsRect().width()}"
    return None


LINE_EDIT_MARGIN = 2  # Qt's own margin around a line edit's text, each side


def placeholder_problem(edit: QLineEdit) -> str | None:
    """An empty box whose placeholder (the hint a new user reads: "YYYY-MM-DD: when someone last compared it…")
    is wider than the room for text: the hint is cut where it matters. Measured in the box's own font, inside its
    frame, text margins and the icons shown in it."""
    hint = edit.placeholderText()
    if not hint.strip() or edit.text():
        return None
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = rect.width() - margins.left() - margins.right() - 2 * LINE_EDIT_MARGIN
    icons = [b for b in edit.findChildren(QToolButton) if b.isVisible() and b.parent() is edit]
    room -= sum(b.width() for b in icons)
    needed = edit.fontMetrics().horizontalAdvance(hint)
    if needed > room + SLACK:
        return f"placeholder needs {needed} px, has {room}"
    return None


def _header_problems(view: QTableView) -> list[str]:
    header = view.horizontalHeader()
    model = view.model()
    if model is None or not header.isVisible():
        return []
    out = []
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for i in range(model.columnCount()):
        if header.isSectionHidden(i):
            continue
        title = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not title:
            continue
        needed = metrics.horizontalAdvance(str(title)) + 2 * margin
        if header.sectionSize(i) + SLACK < needed:
            out.append(f"header '{title}' needs {needed} px, has {header.sectionSize(i)}")
    return out


SHORT_VALUE_PX = 130  # a column whose values are all this narrow (dates, codes, statuses) is never cut
SHORT_VALUE_WORDS = 3  # nor one whose values are all this few words (a decision, a status: "approve with conditions")
SPARE_PX = 16  # a column this much wider than its widest value and title has room to give


def _cell_needs(view: QTableView, row: int, column: int) -> int:
    """The width a cell needs to show whole: its text in its own font (bold where it is bold), the item margins,
    a check box and an icon where it has them."""
    model = view.model()
    index = model.index(row, column)
    text = model.data(index, Qt.ItemDataRole.DisplayRole)
    text = "" if text is None else str(text)
    font = model.data(index, Qt.ItemDataRole.FontRole)
    metrics = QtGui.QFontMetrics(font if isinstance(font, QtGui.QFont) else view.font())
    style = view.style()
    needed = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0) if text else 0
    needed += 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    if model.data(index, Qt.ItemDataRole.CheckStateRole) is not None:
        needed += style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view) + 6
    if model.data(index, Qt.ItemDataRole.DecorationRole) is not None:
        needed += view.iconSize().width() + 4
    return needed


def _few_words(view: QTableView, rows: range, column: int) -> bool:
    """Whether every value of the column (among `rows`) is a short phrase of a closed set, whatever the font: at
    most SHORT_VALUE_WORDS words, none a long one (a status, a decision, a rating, not a name or a finding)."""
    model = view.model()
    values = [model.data(model.index(r, column), Qt.ItemDataRole.DisplayRole) for r in rows]
    words = [str(v).split() for v in values if v is not None and str(v).strip()]
    return bool(words) and all(len(w) <= SHORT_VALUE_WORDS and all(len(x) <= 14 for x in w) for w in words)


def _wraps_whole(view: QTableView, row: int, column: int, text: str) -> bool:
    """Whether a cell of a word-wrapping table shows its text whole on the lines its row has."""
    if not view.wordWrap():
        return False
    metrics = view.fontMetrics()
    width = view.horizontalHeader().sectionSize(column) - 8
    rect = metrics.boundingRect(QRect(0, 0, max(width, 1), 100000), int(Qt.TextFlag.TextWordWrap), text)
    return rect.height() <= view.rowHeight(row) + SLACK and all(
        metrics.horizontalAdvance(word) <= width for word in text.split())


def _words(text: str) -> str:
    """The words of a text, whatever separates them (a list joined by '; ' in a cell, by lines in its tooltip)."""
    return " ".join(re.sub(r"[;,·]", " ", text).split())


def _hover_shows(view: QTableView, index, text: str) -> bool:
    """Whether resting the mouse on the cell shows its whole text (as the user would read a cut cell); a cell out
    of view counts as shown (it is measured when scrolled to)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from csrdesk.ui.widgets.cell_tips import cut_text

    rect = view.visualRect(index)
    if not view.viewport().rect().contains(rect.center()):
        return True
    if not cut_text(view, index):
        return True  # within a few pixels: by the style's own text rectangle (what Qt elides by) it is not cut
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(view.viewport(), event)
    shown = QToolTip.isVisible() and _words(text) in _words(QToolTip.text())
    QToolTip.hideText()
    return shown


def _unreadable_cells(view: QTableView, rows: range, shown: list[int]) -> list[str]:
    """Cells cut short with no way to read them: neither wrapped whole nor whole in the tooltip shown when the mouse
    rests on them."""
    model = view.model()
    header = view.horizontalHeader()
    out = []
    for i in shown:
        for r in rows:
            index = model.index(r, i)
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            text = "" if text is None else str(text)
            if not text.strip() or _cell_needs(view, r, i) <= header.sectionSize(i) + SLACK \
                    or _wraps_whole(view, r, i, text):
                continue
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if tip is not None and _words(text) in _words(str(tip)):
                continue
            if not _hover_shows(view, index, text):
                name = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                out.append(f"column '{name}' cuts {text[:40]!r} with no way to read it (no tooltip, no wrap)")
                break
    return out


def _cell_problems(view: QTableView) -> list[str]:
    """Cells cut short although the table has room: a column of short values (dates, statuses, counts) whose
    values end in …, or a column of long text cut while another column is much wider than its values and title.
    Measured over the first rows shown, with each cell's own font."""
    model = view.model()
    header = view.horizontalHeader()
    if model is None or not header.isVisible() or model.rowCount() == 0:
        return []
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    first = max(0, view.rowAt(0))
    rows = range(first, min(model.rowCount(), first + 30))
    shown = [i for i in range(model.columnCount()) if not header.isSectionHidden(i)]
    widest, title = {}, {}
    for i in shown:
        widest[i] = max(_cell_needs(view, r, i) for r in rows)
        name = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        title[i] = metrics.horizontalAdvance(str(name or "")) + 2 * margin
    sorted_ = header.sortIndicatorSection() if header.isSortIndicatorShown() else -1
    # the sorted column's title has room for its arrow (Qt's measure); others have their title and margins
    kept = getattr(view, "column_floors", {})  # room kept on purpose for values to come (e.g. every verdict's name)
    spare = {i: header.sectionSize(i) - max(widest[i], title[i] + 8, header.minimumSectionSize(), kept.get(i, 0),
                                            header.sectionSizeHint(i) if i == sorted_ else 0) for i in shown}
    roomy = [i for i in shown if spare[i] > SPARE_PX]
    out = _unreadable_cells(view, rows, shown)
    for i in shown:
        if widest[i] <= header.sectionSize(i) + SLACK:
            continue
        name = model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if widest[i] <= SHORT_VALUE_PX or _few_words(view, rows, i):
            out.append(f"column '{name}' cuts its values: they need {widest[i]} px, it has {header.sectionSize(i)}")
        elif roomy:
            others = ", ".join(f"'{model.headerData(j, Qt.Orientation.Horizontal)}' {spare[j]} px" for j in roomy)
            out.append(f"column '{name}' cuts its values ({widest[i]} px needed, {header.sectionSize(i)} shown) "
                       f"while other columns have room to spare: {others}")
    return out


def tab_bar_problem(bar: QTabBar) -> str | None:
    """Tab titles that do not all fit: the bar shows scroll arrows, or a tab reaches past its right edge."""
    arrows = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
    right = max((bar.tabRect(i).right() for i in range(bar.count())), default=0)
    if arrows or right > bar.width() + SLACK:
        titles = ", ".join(repr(bar.tabText(i).replace("&&", "&")) for i in range(bar.count()))
        return f"tabs {titles} need {bar.sizeHint().width()} px, have {bar.width()} (scroll arrows)"
    return None


def problems(root: QWidget, where: str, cells: bool = True) -> list[str]:
    """Everything cut off or scrolling sideways under `root` (only what is shown); with `cells`, table cells cut
    short while the table has room too."""
    found: list[str] = []

    def name(w: QWidget) -> str:
        text = getattr(w, "text", None)
        shown = text() if callable(text) else ""
        return f"{where}: {type(w).__name__} {w.objectName() or ''} {shown[:50]!r}"

    for label in root.findChildren(QLabel):
        if _shown(label, root) and not label.parent().inherits("QAbstractSpinBox"):
            problem = _label_problem(label)
            if problem:
                found.append(f"{name(label)}: {problem}")
    for button in root.findChildren(QAbstractButton):
        if _shown(button, root) and isinstance(button, (QPushButton, QCheckBox, QRadioButton)) \
                and not isinstance(button.parent(), QHeaderView):
            problem = _button_problem(button)
            if problem:
                found.append(f"{name(button)}: {problem}")
    for edit in root.findChildren(QLineEdit):
        if _shown(edit, root) and not edit.parent().inherits("QAbstractSpinBox"):
            problem = placeholder_problem(edit)
            if problem:
                found.append(f"{where}: QLineEdit {edit.objectName()} {edit.placeholderText()[:50]!r}: {problem}")
    for bar in root.findChildren(QTabBar):
        if _shown(bar, root):
            problem = tab_bar_problem(bar)
            if problem:
                found.append(f"{where}: QTabBar: {problem}")
    for view in root.findChildren(QTableView):
        if _shown(view, root):
            found += [f"{where}: {type(view).__name__} {view.objectName()}: {p}"
                      for p in _header_problems(view) + (_cell_problems(view) if cells else [])]
    for area in root.findChildren(QScrollArea):
        inner = area.widget()
        if _shown(area, root) and inner is not None and inner.width() > area.viewport().width() + SLACK:
            found.append(f"{where}: QScrollArea {area.objectName()}: its content is {inner.width()} px wide, "
                         f"{area.viewport().width()} px show (cut on the right)")
    for area in root.findChildren(QAbstractScrollArea):
        if _shown(area, root) and area.horizontalScrollBar().isVisible() \
                and area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOn:
            if isinstance(area, QTableView):
                extra = f" (columns {area.horizontalHeader().length()} px, room {area.viewport().width()} px)"
            else:
                extra = ""
            found.append(f"{where}: {type(area).__name__} {area.objectName()} scrolls sideways{extra}")
    for box in [root, *root.findChildren(QWidget)]:
        layout = box.layout()
        if layout is None or not _shown(box, root) or box.parent() is None and box is not root:
            continue
        if isinstance(box.parent(), QAbstractScrollArea) or box.parent() is not None \
                and isinstance(box.parent().parent(), QAbstractScrollArea):
            continue  # a scrolled content is as tall as it wants: its viewport scrolls instead
        need = layout.totalMinimumSize().height()
        if box.height() + SLACK < need:
            found.append(f"{where}: {type(box).__name__} {box.objectName()!r} is {box.height()} px high, its "
                         f"fields need {need} (squeezed into one another)")
    return found
