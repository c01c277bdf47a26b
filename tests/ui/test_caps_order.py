"""The CAP list's order: sorting by Overdue puts the items that are not overdue (blank) last, ascending and
descending; clearing a CAP filter goes back to open items, most urgent first, not to closed items of 2024."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from csrdesk.domain.caps import ItemStatus
from tests.ui.conftest import wait_idle


@pytest.fixture(scope="module")
def demo(ui_db):
    from csrdesk.services.demo import generate_demo

    return generate_demo(ui_db, suppliers=8, findings_per_assessment=6, seed=11)


def _loaded(qtbot, window):
    window.go("caps")
    page = window.pages["caps"]
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.model.visible_count > 0)
    return page


def test_overdue_sort_puts_blanks_last_both_ways(qtbot, window, demo):
    page = _loaded(qtbot, window)
    column = [c.title for c in page.columns].index("Overdue")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        page.table.horizontalHeader().setSortIndicator(column, order)
        values = [page.model.row_at(i).days_overdue for i in range(page.model.visible_count)]
        assert values[0], f"a blank first when sorted {order}"
        first_blank = values.index(0) if 0 in values else len(values)
        assert all(not v for v in values[first_blank:]), "blanks are all at the end"


def test_clearing_the_cap_filter_shows_open_items_most_urgent_first(qtbot, window, demo):
    page = _loaded(qtbot, window)
    closed_cap = next(page.model.all_rows()[i].cap_id for i in range(len(page.model.all_rows()))
                      if True)
    page.open_item("cap", closed_cap)
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.cap_chip.isVisible())
    qtbot.mouseClick(page.cap_chip, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.ctx)
    qtbot.waitUntil(lambda: page.model.visible_count > 0)
    rows = [page.model.row_at(i) for i in range(min(20, page.model.visible_count))]
    assert all(ItemStatus(r.status).is_open for r in rows)
    dues = [r.due_date for r in rows if r.due_date is not None]
    assert dues == sorted(dues)
