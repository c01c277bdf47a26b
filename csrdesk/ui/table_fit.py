"""Tables without sideways scrolling: the columns shrink to fit the table's width. A column of short values (dates,
codes, statuses, ratings) keeps its widest value; a column of long text (names, findings) may end in … down to its
title. A table too narrow even for that keeps its columns and scrolls."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

LONG_TEXT_PX = 130  # a column whose texts are wider may end in … to fit the table's width


def fit_to_width(view: QTableView) -> None:
    """Shrinks the columns of `view` so that all of them fit its viewport (no sideways scroll bar): a column of
    short values (dates, codes, statuses, ratings) down to its widest value, a column of long text (names,
    findings) down to its title (its texts end in …, whole in the tooltip). A table too narrow even for that keeps
    its columns and scrolls."""
    header = view.horizontalHeader()
    available = view.viewport().width()
    if available <= 50 or view.model() is None or not view.isVisible():
        return
    sections = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    if not sections:
        return
    stretched = {i for i in sections if header.sectionResizeMode(i) == QHeaderView.ResizeMode.Stretch}
    last = header.logicalIndex(max(header.visualIndex(i) for i in sections))
    if header.stretchLastSection():
        stretched.add(last)
    floor = column_floors(view, sections)
    for i in stretched:
        floor[i] = max(floor[i], int(view.property("stretch_min") or 0))
    for i in sections:  # a short value that came with new rows shows whole again
        if i not in stretched and header.sectionSize(i) < floor[i]:
            header.resizeSection(i, floor[i])
    others = sum(header.sectionSize(i) for i in sections if i not in stretched)
    excess = others + sum(floor[i] for i in stretched) - available
    if excess > 0:
        room = {i: header.sectionSize(i) - floor[i] for i in sections
                if i not in stretched and header.sectionSize(i) > floor[i]}
        total = sum(room.values())
        if total > 0:
            share = min(1.0, excess / total)
            for i, spare in room.items():
                header.resizeSection(i, header.sectionSize(i) - int(spare * share + 0.999))
            others = sum(header.sectionSize(i) for i in sections if i not in stretched)
    if header.stretchLastSection() and header.length() > available and last in stretched:
        # The stretching last column keeps its first width when the others leave it less: give it what is left.
        header.resizeSection(last, max(floor[last], available - others))
    view.updateGeometries()  # the sideways scroll bar goes now, not after the next layout pass


def column_floors(view: QTableView, sections: list[int]) -> dict[int, int]:
    """How narrow each column may get: its title, and for short values the widest of the first rows."""
    header = view.horizontalHeader()
    model = view.model()
    rows = min(model.rowCount(), 30)
    plain = view.fontMetrics()
    bold_font = QFont(view.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    padding = 14
    floors = {}
    for i in sections:
        floor = max(header.sectionSizeHint(i), header.minimumSectionSize())
        if rows:
            texts = []
            for row in range(rows):
                index = model.index(row, i)
                value = model.data(index, Qt.ItemDataRole.DisplayRole)
                font = model.data(index, Qt.ItemDataRole.FontRole)
                texts.append(("" if value is None else str(value), bool(font is not None and font.bold())))
            widest = max((bold if b else plain).horizontalAdvance(t) for t, b in texts) + padding
            if widest <= LONG_TEXT_PX:
                floor = max(floor, widest)
        floors[i] = max(floor, getattr(view, "column_floors", {}).get(i, 0))
    return floors


class _FitOnResize(QObject):
    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, obj, lambda: fit_to_width(obj))
        return False


def keep_fitted(view: QTableView, stretch_min: int = 0) -> None:
    """For a plain QTableView: its columns shrink to fit its width whenever it is resized (see fit_to_width); the
    stretching column keeps at least `stretch_min` pixels."""
    view.setProperty("stretch_min", stretch_min)
    fitter = _FitOnResize(view)
    view.installEventFilter(fitter)
    view._fit_on_resize = fitter
    model = view.model()
    if model is not None:
        for signal in (model.rowsInserted, model.modelReset, model.dataChanged):
            signal.connect(lambda *_: QTimer.singleShot(0, view, lambda: fit_to_width(view)))

