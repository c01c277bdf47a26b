"""The mouse wheel never changes a combo, spin or date box that does not have focus, anywhere in the app (it changed
a recorded vetting decision while the user scrolled the panel); with focus it does."""
from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QScrollArea, QSpinBox, QVBoxLayout, QWidget


def _wheel(widget, steps: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_scrolls_the_panel_not_the_boxes(qtbot, ui_app):
    area = QScrollArea()
    inner = QWidget()
    layout = QVBoxLayout(inner)
    combo, spin, day = QComboBox(), QSpinBox(), QDateEdit(QDate(2026, 6, 1))
    combo.addItems(["approve with conditions", "approve", "reject"])
    spin.setValue(5)
    for w in (combo, spin, day):
        layout.addWidget(w)
    layout.addSpacing(2000)
    area.setWidget(inner)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    for w in (combo, spin, day):
        _wheel(w)
    assert combo.currentText() == "approve with conditions" and spin.value() == 5 and day.date() == QDate(2026, 6, 1)
    assert area.verticalScrollBar().value() > 0  # the panel scrolled instead
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel(spin, 1)
    assert spin.value() == 6
