"""The fast table model: filtering and sorting 52,000 rows in Python, lazy fetching, remembered columns."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

import pytest
from PySide6.QtCore import Qt

from csrdesk.ui.tables import Column, FilterBox, IdRole, RowRole, RowTableModel, TableView, count_text

CATEGORIES = ["Wages and benefits", "Working hours", "Health and safety", "Child labour and young workers",
              "Forced and bonded labour", "Environment"]
STATUSES = ["open", "action planned", "evidence submitted", "verified"]


@dataclass(frozen=True)
class Item:
    id: int
    supplier: str
    category: str
    status: str
    due: Optional[date]
    points: int
    finding: str


def make_items(n: int = 52_000, seed: int = 3) -> list[Item]:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    return [
        Item(i, f"CN-{i % 600:04d}", rng.choice(CATEGORIES), rng.choice(STATUSES),
             None if i % 11 == 0 else start + timedelta(days=rng.randint(0, 700)), rng.choice([1, 8, 30, 800]),
             f"Finding {i}: {rng.choice(['fire exit blocked', 'overtime over 60 hours', 'no age records'])}")
        for i in range(n)
    ]


COLUMNS = [
    Column("Supplier", lambda r: r.supplier),
    Column("Category", lambda r: r.category),
    Column("Status", lambda r: r.status),
    Column("Due", lambda r: r.due),
    Column("Points", lambda r: r.points),
    Column("Finding", lambda r: r.finding),
]


@pytest.fixture(scope="module")
def items():
    return make_items()


@pytest.fixture
def model(qapp, items):
    m = RowTableModel(COLUMNS)
    m.set_rows(items)
    return m


def _text(row: Item) -> str:
    return " ".join([row.supplier, row.category, row.status, row.due.isoformat() if row.due else "", str(row.points),
                     row.finding]).lower()


def test_filter_on_52000_rows_returns_exactly_the_matching_rows(model, items):
    """Typing 'cn-0042 overtime' keeps every row that has both words, in any column, and nothing else."""
    model.set_filter("cn-0042 overtime")
    expected = [r.id for r in items if "cn-0042" in _text(r) and "overtime" in _text(r)]
    assert expected, "the synthetic data has matches"
    assert [r.id for r in model.visible_rows()] == expected
    assert count_text(model, "item") == f"{len(expected):,} of 52,000 items"
    model.set_filter("")
    assert model.visible_count == 52_000


def test_filter_is_case_insensitive_and_ignores_extra_spaces(model):
    """'  FIRE   Exit ' finds the same rows as 'fire exit'."""
    model.set_filter("fire exit")
    plain = [r.id for r in model.visible_rows()]
    model.set_filter("  FIRE   Exit ")
    assert [r.id for r in model.visible_rows()] == plain
    assert len(plain) > 1000


def test_sort_by_date_descending_puts_undated_rows_last(model, items):
    """Sorting by due date, newest first, gives the right order; items without a date come at the end."""
    model.sort(3, Qt.SortOrder.DescendingOrder)
    rows = model.visible_rows()
    dated = [r for r in rows if r.due is not None]
    assert [r.due for r in dated] == sorted((r.due for r in items if r.due is not None), reverse=True)
    assert all(r.due is None for r in rows[len(dated):])
    model.sort(3, Qt.SortOrder.AscendingOrder)
    rows = model.visible_rows()
    assert rows[0].due == min(r.due for r in items if r.due)
    assert rows[-1].due is None


def test_sort_and_filter_work_together(model):
    """A filter applied after a sort keeps the sort order, and a sort applied under a filter keeps the filter."""
    model.sort(4, Qt.SortOrder.DescendingOrder)
    model.set_filter("health")
    rows = model.visible_rows()
    assert all("health" in r.category.lower() for r in rows)
    assert [r.points for r in rows] == sorted((r.points for r in rows), reverse=True)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    rows = model.visible_rows()
    assert all("health" in r.category.lower() for r in rows)
    assert [r.supplier for r in rows] == sorted(r.supplier for r in rows)


def test_predicate_combines_with_text_filter(model, items):
    """A status choice and typed text both apply."""
    model.set_predicate(lambda r: r.status == "open")
    model.set_filter("wages")
    expected = [r.id for r in items if r.status == "open" and "wages" in r.category.lower()]
    assert sorted(r.id for r in model.visible_rows()) == sorted(expected)
    model.set_predicate(None)
    model.set_filter("")


def test_rows_are_fetched_lazily(model):
    """The view first gets a chunk of rows; more come as it scrolls, and a far row can be reached by id."""
    assert model.rowCount() < 1000
    first = model.rowCount()
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() > first
    index = model.index_of(51_999)
    assert index.isValid()
    assert model.data(index, IdRole) == 51_999
    assert model.data(index, RowRole).id == 51_999


def test_view_sorts_through_the_model_and_keeps_the_selection(qtbot, model):
    """Clicking a header sorts in Python; the selected row stays selected through a sort and a filter."""
    view = TableView(settings_key="test.items")
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    view.show()
    assert view.select_id(777)
    view.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
    assert model.sort_column == 4
    assert [r.id for r in view.selected_rows()] == [777]
    box = FilterBox(model)
    qtbot.addWidget(box)
    box.setText(model.row_at(model.position_of(777)).supplier)
    assert [r.id for r in view.selected_rows()] == [777]
    box.clear()


def test_column_widths_and_sort_are_remembered(qtbot, qapp, items, csrdesk_home):
    """A column widened and a sort chosen come back in the next session of the same table."""
    model = RowTableModel(COLUMNS)
    model.set_rows(items[:500])
    view = TableView(settings_key="test.remember")
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    view.setColumnWidth(1, 333)
    view.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    view.save_state()

    again = RowTableModel(COLUMNS)
    again.set_rows(items[:500])
    second = TableView(settings_key="test.remember")
    qtbot.addWidget(second)
    second.setModel(again)
    assert second.columnWidth(1) == 333
    assert again.sort_column == 2 and again.sort_order == Qt.SortOrder.DescendingOrder
    assert [r.status for r in again.visible_rows()] == sorted((r.status for r in items[:500]), reverse=True)
