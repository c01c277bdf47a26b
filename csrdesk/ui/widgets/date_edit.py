"""A date box that may be "not set": it shows "not set" at its minimum, and its calendar then opens on a useful
month (today, or the date given with `open_on`, such as the item's due date), never on January 2000."""
from __future__ import annotations

from datetime import date
from typing import Callable, Optional, Union

from PySide6.QtCore import QDate, QEvent, QSignalBlocker
from PySide6.QtWidgets import QDateEdit, QWidget

from csrdesk.errors import UserError

NO_DATE = QDate(2000, 1, 1)  # the box's minimum: shown as "not set"

OpenOn = Union[None, date, Callable[[], Optional[date]]]


class TypedDateError(UserError, ValueError):
    """A date typed into a text box that is not a date in the form YYYY-MM-DD."""


def typed_date(text: str, what: str = "date") -> Optional[date]:
    """The date typed into a text box (YYYY-MM-DD), None when it is empty; refused with what it was for."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TypedDateError(f"The {what} {text!r} is not a date in the form YYYY-MM-DD.") from None


def to_qdate(d: Optional[date]) -> QDate:
    return QDate(d.year, d.month, d.day) if d else NO_DATE


def from_qdate(q: QDate) -> Optional[date]:
    return None if q <= NO_DATE else date(q.year(), q.month(), q.day())


class OptionalDateEdit(QDateEdit):
    """A calendar-popup date box for a date that may be unset."""

    def __init__(self, parent: Optional[QWidget] = None, open_on: OpenOn = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("not set")
        self.setDate(NO_DATE)
        self._open_on: OpenOn = open_on
        self.calendarWidget().installEventFilter(self)

    def set_open_on(self, open_on: OpenOn) -> None:
        """Where the calendar opens while no date is set: a date, a function giving one, or None for today."""
        self._open_on = open_on

    def value(self) -> Optional[date]:
        return from_qdate(self.date())

    def set_value(self, d: Optional[date]) -> None:
        self.setDate(to_qdate(d))

    def opening_date(self) -> QDate:
        chosen = self._open_on() if callable(self._open_on) else self._open_on
        return to_qdate(chosen) if chosen else QDate.currentDate()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and obj is self.calendarWidget() and self.date() <= NO_DATE:
            start = self.opening_date()
            with QSignalBlocker(obj):  # showing a month is not choosing a date
                obj.setSelectedDate(start)
                obj.setCurrentPage(start.year(), start.month())
        return super().eventFilter(obj, event)
