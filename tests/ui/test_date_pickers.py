"""A date box that is not set opens its calendar on today (or the item's due date), never on January 2000, and
opening the calendar does not set a date."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDateEdit

from csrdesk.ui.widgets.date_edit import NO_DATE, OptionalDateEdit


def _open_calendar(qtbot, box: QDateEdit):
    qtbot.waitExposed(box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() - 6, box.height() // 2))  # the arrow
    calendar = box.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    return calendar


def test_unset_date_opens_on_today_and_stays_unset(qtbot, ui_app):
    box = OptionalDateEdit()
    qtbot.addWidget(box)
    box.show()
    calendar = _open_calendar(qtbot, box)
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    assert box.date() == NO_DATE and box.text() == "not set"


def test_unset_date_opens_on_the_due_date(qtbot, ui_app):
    box = OptionalDateEdit(open_on=lambda: date(2031, 7, 15))
    qtbot.addWidget(box)
    box.show()
    calendar = _open_calendar(qtbot, box)
    assert (calendar.yearShown(), calendar.monthShown()) == (2031, 7)
    assert box.value() is None


def test_every_unset_date_box_in_the_window_opens_near_today(qtbot, window):
    """Visits every page: no date box that shows "not set" opens its calendar in the year 2000."""
    boxes = []
    for key in list(window.pages):
        if key == "supplier":
            continue
        window.go(key)
        boxes += [b for b in window.findChildren(QDateEdit) if b.specialValueText() and b not in boxes]
    assert boxes, "the CAP item's planned date at least"
    for box in boxes:
        if not isinstance(box, OptionalDateEdit):
            raise AssertionError(f"{box.objectName() or box} is a plain QDateEdit with an unset value")
        box.setDate(box.minimumDate())
        assert box.opening_date().year() >= QDate.currentDate().year() - 1
