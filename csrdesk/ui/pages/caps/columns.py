"""The CAPs list's columns, colours and show modes: what each column shows and how it sorts 52,000 items."""
from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Callable, Optional, Sequence

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor

from csrdesk.domain.caps import due_soon_window
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.services.caps import CapItemRow
from csrdesk.ui import theme
from csrdesk.ui.tables import Column
from csrdesk.ui.widgets.findings_grid import SEVERITY_COLOURS

SHOW_OPEN, SHOW_OVERDUE, SHOW_DUE_SOON, SHOW_ALL = "open", "overdue", "due soon", "all"
NO_DATE = QDate(2000, 1, 1)  # the planned-date box shows "not set" at its minimum
_OVERDUE = QColor(theme.OVERDUE)
OVERDUE_BG = QColor(theme.OVERDUE_BG)
_DUE_SOON = QColor(theme.WARNING)
_SEVERITY_QCOLOURS = {k: QColor(v) for k, v in SEVERITY_COLOURS.items()}
STATUS_COLOURS = {
    "open": QColor("#5f6b7a"), "action planned": QColor("#1f5fa8"), "evidence submitted": QColor("#7a4fb5"),
    "verified": QColor("#2e7d32"), "closed": QColor("#7b8794"),
}


_SEVERITY_RANK = {"minor": 0, "major": 1, "critical": 2, "zero tolerance": 3}
_STATUS_RANK = {s.value: i for i, s in enumerate(ItemStatus)}


class Categories:
    """Category key -> title, shared by the columns (set when the library is read)."""

    titles: dict[str, str] = {}


OPEN_VALUES = frozenset(s.value for s in ItemStatus if s.is_open)


def due_soon(row: CapItemRow, today: date) -> bool:
    """Open, not overdue yet, and due within the due-soon window (domain.caps.is_due_soon, without an enum per row:
    the page counts 34,000 items with it)."""
    if row.due_date is None or row.status not in OPEN_VALUES:
        return False
    first, last = due_soon_window(today)
    return first <= row.due_date <= last


def item_summary(rows: Sequence[CapItemRow], today: date) -> tuple[int, int, int, int]:
    """Open items, their suppliers, how many are overdue and how many due soon (the page's subtitle)."""
    first, last = due_soon_window(today)
    open_count = overdue = soon = 0
    suppliers = set()
    for r in rows:
        if r.status not in OPEN_VALUES:
            continue
        open_count += 1
        suppliers.add(r.supplier_id)
        if r.overdue:
            overdue += 1
        if r.due_date is not None and first <= r.due_date <= last:
            soon += 1
    return open_count, len(suppliers), overdue, soon


def cap_columns(today_fn: Callable[[], date] = date.today) -> list[Column]:
    def due_colour(r: CapItemRow) -> Optional[QColor]:
        if r.overdue:
            return _OVERDUE
        return _DUE_SOON if due_soon(r, today_fn()) else None

    # Getters are attrgetters and text columns carry their own sort key: one C call or one lambda per row keeps a
    # sort of 52,000 rows well under 0.1 s.
    return [
        Column("Due", attrgetter("due_date"), colour=due_colour, bold=attrgetter("overdue"), width=92,
               sort_key=attrgetter("due_date")),
        Column("Overdue", attrgetter("days_overdue"), fmt=lambda v: f"{v} d" if v else "",
               colour=lambda r: _OVERDUE, width=70, searchable=False,
               sort_key=lambda r: r.days_overdue or None),  # blanks (not overdue) last, both ways
        Column("Status", attrgetter("status"), colour=lambda r: STATUS_COLOURS.get(r.status), width=136,
               sort_key=lambda r: _STATUS_RANK.get(r.status, 9)),
        Column("Supplier", attrgetter("supplier_code"), width=80, tooltip=attrgetter("supplier_name"),
               sort_key=attrgetter("supplier_code")),
        Column("Name", attrgetter("supplier_name"), width=170, hidden=True, sort_key=lambda r: r.supplier_name.casefold()),
        Column("Finding", attrgetter("finding"), width=300, tooltip=attrgetter("finding"),
               sort_key=lambda r: r.finding.casefold()),
        Column("Category", lambda r: Categories.titles.get(r.category, r.category), width=150, hidden=True,
               sort_key=lambda r: Categories.titles.get(r.category, r.category)),
        Column("Severity", attrgetter("severity"), colour=lambda r: _SEVERITY_QCOLOURS.get(r.severity), width=96,
               sort_key=lambda r: _SEVERITY_RANK.get(r.severity, -1)),
        Column("Points", attrgetter("points"), width=56, hidden=True, searchable=False, sort_key=attrgetter("points")),
        Column("Repeat", attrgetter("repeat"), fmt=lambda v: "↻" if v else "", align="center", width=56,
               colour=lambda r: _OVERDUE, searchable=False, sort_key=attrgetter("repeat")),
        Column("Project leader", attrgetter("project_leader"), width=130, hidden=True,
               sort_key=lambda r: r.project_leader.casefold()),
        Column("Root cause", attrgetter("root_cause"), width=220, hidden=True, tooltip=lambda r: r.root_cause or None,
               sort_key=lambda r: r.root_cause.casefold()),
    ]

