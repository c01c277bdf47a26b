"""Dates as people type them into a workbook, read the same way by every import (CAP trackers, vetting
questionnaires): ISO 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日, 31.12.2026, 31/12/2026 and 12/31/2026,
Dec 31 2026, 31 December 2026, an Excel serial number (46387), or a real date cell.

A slashed date whose day and month are both 12 or less (5/3/2026) is ambiguous: it is read day first, as most of the
world and the factories csrdesk serves write it, unless the file's other dates show it writes month first
(DateOrder learns that); the note returned says how it was read.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Optional

_ISO = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:\s.*)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTHS = {m: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for m in names}
# 31 December 2026, 31st Dec 2026, 31-Dec-2026 and 31-Dec-26 (Excel's own), Dec 31 2026, December 31st, 2026
_WORDY = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})"
                    r"|([a-z]+)\.?[\s\-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-]+(\d{4}))$")
EXCEL_EPOCH = date(1899, 12, 30)


class DateOrder:
    """How the file writes slashed dates: learnt from unambiguous ones (25/3/2026 is day first)."""

    def __init__(self) -> None:
        self.day_first = 0
        self.month_first = 0

    def learn(self, texts: Iterable[str]) -> None:
        for text in texts:
            m = _NUMERIC.match(text.strip())
            if not m or m.group(2) == ".":
                continue
            a, b = int(m.group(1)), int(m.group(3))
            if a > 12 >= b:
                self.day_first += 1
            elif b > 12 >= a:
                self.month_first += 1

    @property
    def prefer_day_first(self) -> bool:
        # Most of the world, and the factories csrdesk serves, write the day first; only a file that shows
        # month-first dates is read month first.
        return self.month_first <= self.day_first or self.month_first == 0


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _serial(number: float) -> Optional[date]:
    if 20000 <= number <= 80000:  # 1954 to 2119: anything else is not a date a factory meant
        return EXCEL_EPOCH + timedelta(days=int(number))
    return None


def parse_date_text(value: Any, order: Optional[DateOrder] = None) -> tuple[Optional[date], str]:
    """A date from a cell: a real date, an Excel serial number or text typed by hand.

    Returns (date, note); note explains an ambiguous reading. Raises ValueError when it is no date.
    """
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float)):
        found = _serial(float(value))
        if found is None:
            raise ValueError(str(value))
        return found, ""
    text = " ".join(str(value).replace("／", "/").replace("－", "-").split())
    if not text:
        return None, ""
    if _SERIAL.match(text):
        found = _serial(float(text))
        if found is not None:
            return found, ""
    m = _ISO.match(text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), ""
    m = _NUMERIC.match(text)
    if m:
        a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), _year(m.group(4))
        if sep == "." or a > 12:
            return date(year, b, a), ""            # 05.03.2026 and 25/3/2026: day first
        if b > 12:
            return date(year, a, b), ""            # 3/25/2026: month first
        if a == b:
            return date(year, a, b), ""
        if order is None or order.prefer_day_first:
            found = date(year, b, a)
            return found, f"{text!r} was read day first, as {found.isoformat()}"
        found = date(year, a, b)
        return found, f"{text!r} was read month first, as {found.isoformat()}, like the other dates in the file"
    m = _WORDY.match(text.lower())
    if m:
        if m.group(1):
            day, month, year = int(m.group(1)), _MONTHS.get(m.group(2)), _year(m.group(3))
        else:
            month, day, year = _MONTHS.get(m.group(4)), int(m.group(5)), int(m.group(6))
        if month:
            return date(year, month, day), ""
    raise ValueError(text)
