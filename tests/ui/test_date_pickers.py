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


def test_a_typed_date_is_read_or_refused_naming_what_it_was_for():
    """Dates typed into text boxes (law entries, CAP partners, certificates) are read one way everywhere: empty is
    no date; a typo is refused as a user error naming the box, never a traceback."""
    from datetime import date

    import pytest

    from csrdesk.errors import UserError
    from csrdesk.ui.widgets.date_edit import typed_date

    assert typed_date("  ") is None and typed_date(" 2026-07-01 ", "effective date") == date(2026, 7, 1)
    with pytest.raises(UserError, match="The expiry date '2026-13-01' is not a date in the form YYYY-MM-DD"):
        typed_date("2026-13-01", "expiry date")
    with pytest.raises(ValueError):  # forms that catch ValueError keep working
        typed_date("1.7.2026")
