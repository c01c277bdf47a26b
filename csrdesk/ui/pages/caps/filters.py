"""The CAPs page's filters: show mode, status, supplier, category and one CAP, applied in Python to the loaded items."""
from __future__ import annotations

from typing import Callable, Optional, Sequence

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt

from csrdesk.domain.caps import due_soon_window
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.services.caps import CapItemRow
from csrdesk.ui.pages.caps.columns import SHOW_ALL, SHOW_DUE_SOON, SHOW_OPEN, SHOW_OVERDUE


def supplier_choices(rows: Sequence[CapItemRow]) -> list[tuple[int, str]]:
    """The suppliers of the loaded items for the supplier filter, by code (plain Python: built on the worker)."""
    seen: dict[int, str] = {}
    for r in rows:
        if r.supplier_id not in seen:
            seen[r.supplier_id] = f"{r.supplier_code} · {r.supplier_name}"
    return sorted(seen.items(), key=lambda kv: kv[1])


class CapFilters:
    """The filter half of the CAPs page (mixed into CapsPage, which owns the widgets and the loaded rows)."""

    def _fill_suppliers(self, choices: Optional[list[tuple[int, str]]] = None) -> None:
        current = self.supplier_box.currentData()
        if choices is None:
            choices = supplier_choices(self._rows)
        with QSignalBlocker(self.supplier_box):
            self.supplier_box.clear()
            self.supplier_box.addItem("Any supplier", None)
            for sid, label in choices:
                self.supplier_box.addItem(label, sid)
            index = self.supplier_box.findData(current) if current is not None else 0
            self.supplier_box.setCurrentIndex(max(index, 0))


    # --- filters -----------------------------------------------------------------------------------------------
    def _predicate(self) -> Optional[Callable[[CapItemRow], bool]]:
        show = self.show_box.currentData()
        status = self.status_box.currentData()
        supplier = self.supplier_box.currentData()
        category = self.category_box.currentData()
        cap = self._cap_filter
        today = self.today
        _first, soon = due_soon_window(today)
        open_values = frozenset(s.value for s in ItemStatus if s.is_open)
        tests: list[Callable[[CapItemRow], bool]] = []
        if show == SHOW_OPEN and self._loaded_all:  # an open-only list drops rows as they close (_update_rows)
            tests.append(lambda r: r.status in open_values)
        elif show == SHOW_OVERDUE:
            tests.append(lambda r: r.overdue)
        elif show == SHOW_DUE_SOON:
            tests.append(lambda r: r.status in open_values and r.due_date is not None and today <= r.due_date <= soon)
        if status is not None:
            tests.append(lambda r: r.status == status)
        if supplier is not None:
            tests.append(lambda r: r.supplier_id == supplier)
        if category is not None:
            tests.append(lambda r: r.category == category)
        if cap is not None:
            tests.append(lambda r: r.cap_id == cap)
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(t(r) for t in tests)

    def apply_filters(self, *_args) -> None:
        self.model.set_predicate(self._predicate())
        self._filters_changed()

    def _filters_changed(self, *_args) -> None:
        """After a filter change the list starts at the top (the worst items first, not wherever the old list was
        scrolled to). The item shown stays selected when it still passes the filters; otherwise nothing is
        selected and the panel empties, unless it holds unsaved edits, which are kept and pointed out."""
        self.table.scrollToTop()
        shown = self._shown_item
        selection = self.table.selectionModel()
        if shown is not None and self.model.position_of(shown) is not None:
            if shown not in [r.id for r in self.table.selected_rows()]:
                with QSignalBlocker(selection):
                    index = self.model.index_of(shown)
                    selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect
                                              | selection.SelectionFlag.Rows)
                self.table.scrollToTop()
            if self.panel.message.text().startswith("This item is hidden"):
                self.panel._edited()
                if self.panel.message.text().startswith("This item is hidden"):
                    self.panel.set_message("")
            self._update_status_button(self.table.selected_rows())
            return
        with QSignalBlocker(selection):
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)
        self._update_status_button([])
        if shown is None:
            return
        if self.panel.is_dirty():
            self.panel.set_message("This item is hidden by the filters; save or revert its changes.", warning=True)
            return
        self._show_item(None)

    def _show_changed(self, *_args) -> None:
        if self.show_box.currentData() == SHOW_ALL and not self._loaded_all:
            self._top_after_load = True
            self.reload()
        else:
            self.apply_filters()

    def _supplier_text_done(self) -> None:
        text = self.supplier_box.currentText().strip()
        if not text:
            self.supplier_box.setCurrentIndex(0)

    def set_show(self, mode: str) -> None:
        self.show_box.setCurrentIndex(self.show_box.findData(mode))

    def show_filtered(self, kind: str, value: Optional[str]) -> None:
        """What a dashboard tile or bar stands for: 'show' a mode (overdue, due soon), or a CAP status's items."""
        if kind == "show" and value:
            self.set_show(value)
        elif kind == "cap_status":
            self.set_show(SHOW_ALL if value == "closed" else SHOW_OPEN)

    def clear_cap_filter(self) -> None:
        """Back from one CAP to the work list: open items, most urgent (earliest due) first."""
        self.set_cap_filter(None)
        self.set_show(SHOW_OPEN)
        due = [c.title for c in self.columns].index("Due")
        self.table.horizontalHeader().setSortIndicator(due, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    def set_cap_filter(self, cap_id: Optional[int]) -> None:
        self._cap_filter = cap_id
        self.cap_chip.setText(f"CAP #{cap_id} only  ✕" if cap_id else "")
        self.cap_chip.setVisible(cap_id is not None)
        self.apply_filters()

