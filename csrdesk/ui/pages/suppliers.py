"""The suppliers list: every factory with its status, current rating, open and overdue CAP items and progress."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from csrdesk.domain.lifecycle import SupplierStatus
from csrdesk.domain.scoring import Rating
from csrdesk.services.suppliers import SupplierDetail, SupplierRow, list_suppliers, supplier_detail
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext
from csrdesk.ui.pages.base import Page, button, page_header
from csrdesk.ui.pages.supplier_dialogs import open_status_dialog, open_supplier_dialog
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, build_search_texts, count_text, percent
from csrdesk.ui.widgets.status_note import tell

ALL = "__all__"
NOT_ASSESSED = "__none__"


def supplier_columns() -> list[Column]:
    return [
        Column("Code", lambda r: r.code, width=80),
        # The name is what the list is read by: it keeps the room a registered name needs at 1360 px ("Dhaka
        # Knitwear & Garments Manufacturing Ltd."). The local name, cut to a few characters beside it, is shown on
        # request (right-click on the titles), in the name's tooltip and on the supplier's page, and is searched.
        Column("Name", lambda r: r.name, width=220,
               tooltip=lambda r: f"{r.name}\n{r.local_name}" if r.local_name else None),
        Column("Local name", lambda r: r.local_name, width=150, hidden=True),
        Column("Country", lambda r: r.country, width=90),
        Column("Status", lambda r: r.status, colour=lambda r: theme.status_colour(r.status), width=150,
               sort_key=lambda r: [s.value for s in SupplierStatus].index(r.status)
               if r.status in {s.value for s in SupplierStatus} else 99),
        Column("Rating", lambda r: r.rating or "", width=125,
               colour=lambda r: theme.rating_text_colour(r.rating), background=lambda r: theme.rating_background(r.rating),
               bold=lambda r: bool(r.rating), tooltip=lambda r: r.rating_reason or "No assessment recorded yet",
               sort_key=lambda r: [x.value for x in Rating].index(r.rating) if r.rating in {x.value for x in Rating}
               else None),
        Column("Production", lambda r: "" if r.production_allowed else "not allowed", width=100,
               colour=lambda r: None if r.production_allowed else QColor(theme.OVERDUE),
               background=lambda r: None if r.production_allowed else QColor(theme.OVERDUE_BG),
               bold=lambda r: not r.production_allowed,
               tooltip=lambda r: r.production_block_reason or "Production allowed"),
        Column("Last assessment", lambda r: r.last_assessment, width=110),
        Column("Open items", lambda r: r.open_items, width=80, searchable=False),
        Column("Overdue", lambda r: r.overdue_items, width=70, searchable=False,
               colour=lambda r: QColor(theme.OVERDUE) if r.overdue_items else QColor("#9aa5b1"),
               bold=lambda r: r.overdue_items > 0),
        Column("Progress", lambda r: r.progress, fmt=percent, align="right", width=70, searchable=False,
               tooltip=lambda r: "Share of the CAP items verified or closed: the latest CAP's, and any still open from "
                                         "earlier CAPs"),
    ]


def _load(db):
    rows = list_suppliers(db)
    return rows, build_search_texts(supplier_columns(), rows)


class SuppliersPage(Page):
    """The table of suppliers with filters; add, edit and change status from here."""

    title = "Suppliers"
    topics = ("suppliers", "assessments", "caps", "vetting")
    supplier_requested = Signal(int)  # open the supplier page

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self.new_button = button("New supplier", primary=True, tooltip="Add a supplier (Ctrl+N)")
        self.edit_button = button("Edit…", tooltip="Edit the selected supplier")
        self.status_button = button("Change status…", tooltip="Move the selected supplier along its lifecycle")
        self.open_button = button("Open", tooltip="Open the supplier's page (Enter)")
        self.new_button.clicked.connect(self.new_supplier)
        self.edit_button.clicked.connect(self.edit_selected)
        self.status_button.clicked.connect(self.change_status_selected)
        self.open_button.clicked.connect(self.open_selected)
        header, self.subtitle = page_header(
            "Suppliers", "", [self.open_button, self.edit_button, self.status_button, self.new_button])

        self.model = RowTableModel(supplier_columns(), self)
        self.model.filtered.connect(self._update_count)
        self.filter_box = FilterBox(self.model, placeholder="Filter by code, name, country…  (Ctrl+F)")
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", ALL)
        for status in SupplierStatus:
            self.status_filter.addItem(status.value.capitalize(), status.value)
        self.country_filter = QComboBox()
        self.country_filter.addItem("All countries", ALL)
        self.country_filter.setMinimumWidth(140)
        self.rating_filter = QComboBox()
        self.rating_filter.addItem("All ratings", ALL)
        for rating in Rating:
            self.rating_filter.addItem(rating.value, rating.value)
        self.rating_filter.addItem("Not assessed", NOT_ASSESSED)
        for combo in (self.status_filter, self.country_filter, self.rating_filter):
            combo.currentIndexChanged.connect(self._apply_predicate)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.filter_box.setMinimumWidth(240)
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.country_filter)
        filters.addWidget(self.rating_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.view = TableView(settings_key="suppliers", placeholder="No suppliers yet. Add one with New supplier "
                              "(Ctrl+N) or File > Import suppliers.")
        self.view.setModel(self.model)
        rating_column = next(i for i, c in enumerate(self.model.columns) if c.title == "Rating")
        self.view.ensure_column_fits(rating_column, [r.value for r in Rating], bold=True)
        self._status_column = next(i for i, c in enumerate(self.model.columns) if c.title == "Status")
        self.view.ensure_column_fits(self._status_column, [s.value for s in SupplierStatus])  # until rows come
        self.view.row_activated.connect(lambda row: self.supplier_requested.emit(row.id))
        self.view.selection_changed_rows.connect(self._update_buttons)
        self._update_buttons([])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(header)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

    # -- loading ----------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.run(_load, self.ctx.db, on_done=self._loaded, parent=self)

    def _loaded(self, result) -> None:
        rows, texts = result
        # Status keeps room for the statuses the list holds (on any row scrolled to), not for every status there
        # is: "conditionally approved" held 160 px for no supplier while the names beside it ended in ….
        self.view.ensure_column_fits(self._status_column, sorted({r.status for r in rows})
                                     or [s.value for s in SupplierStatus])
        self.model.set_rows(rows, texts)
        countries = sorted({r.country for r in rows if r.country})
        current = self.country_filter.currentData()
        self.country_filter.blockSignals(True)
        self.country_filter.clear()
        self.country_filter.addItem("All countries", ALL)
        for country in countries:
            self.country_filter.addItem(country, country)
        index = self.country_filter.findData(current)
        self.country_filter.setCurrentIndex(max(0, index))
        self.country_filter.blockSignals(False)
        self._apply_predicate()

    def _apply_predicate(self, *_args) -> None:
        status = self.status_filter.currentData()
        country = self.country_filter.currentData()
        rating = self.rating_filter.currentData()
        tests = []
        if status not in (None, ALL):
            tests.append(lambda r: r.status == status)
        if country not in (None, ALL):
            tests.append(lambda r: r.country == country)
        if rating == NOT_ASSESSED:
            tests.append(lambda r: not r.rating)
        elif rating not in (None, ALL):
            tests.append(lambda r: r.rating == rating)
        if not tests:
            self.model.set_predicate(None)
        elif len(tests) == 1:
            self.model.set_predicate(tests[0])
        else:
            self.model.set_predicate(lambda r: all(t(r) for t in tests))

    def _update_count(self, *_args) -> None:
        self.count_label.setText(count_text(self.model, "supplier"))
        overdue = sum(1 for r in self.model.all_rows() if r.overdue_items)
        total = self.model.total_count
        self.subtitle.setText(
            f"{total:,} suppliers · {overdue:,} with overdue CAP items" if total else "Your factories and suppliers")

    def _update_buttons(self, rows) -> None:
        one = len(rows) == 1
        for b in (self.edit_button, self.status_button, self.open_button):
            b.setEnabled(one)

    # -- actions ----------------------------------------------------------------------------------------------------
    def show_filtered(self, kind: str, value: Optional[str]) -> None:
        """Shows the suppliers a dashboard bar stands for: kind 'rating' or 'status' (value '' shows them all)."""
        self.filter_box.clear()
        for combo in (self.status_filter, self.country_filter, self.rating_filter):
            combo.setCurrentIndex(0)
        if kind == "rating" and value:
            combo, data = self.rating_filter, (NOT_ASSESSED if value == "Not assessed" else value)
        elif kind == "status" and value:
            combo, data = self.status_filter, value
        else:
            return
        combo.setCurrentIndex(max(0, combo.findData(data)))

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def countries(self) -> list[str]:
        return sorted({r.country for r in self.model.all_rows() if r.country})

    def new_supplier(self):
        """Opens the New supplier dialog; the new supplier is selected once saved."""
        return open_supplier_dialog(self.ctx, self, countries=self.countries(), on_saved=self._select_after_save)

    def _select_after_save(self, detail: SupplierDetail) -> None:
        tell(self, f"Saved supplier {detail.row.code} {detail.row.name}")
        self._pending_select = detail.row.id
        self.ctx.run(_load, self.ctx.db, on_done=self._loaded_then_select, parent=self)

    def _loaded_then_select(self, result) -> None:
        self._loaded(result)
        target = getattr(self, "_pending_select", None)
        if target is not None and not self.view.select_id(target):
            # filtered out: clear the filters so the user sees what they just saved
            self.filter_box.clear()
            for combo in (self.status_filter, self.country_filter, self.rating_filter):
                combo.setCurrentIndex(0)
            self.view.select_id(target)
        self._pending_select = None

    def _with_selected_detail(self, then) -> None:
        row: Optional[SupplierRow] = self.view.current_row()
        if row is None:
            return
        self.ctx.run(supplier_detail, self.ctx.db, row.id, on_done=then, parent=self)

    def edit_selected(self) -> None:
        self._with_selected_detail(lambda d: open_supplier_dialog(self.ctx, self, d, countries=self.countries(),
                                                                  on_saved=self._select_after_save))

    def change_status_selected(self) -> None:
        self._with_selected_detail(lambda d: open_status_dialog(self.ctx, self, d))

    def open_selected(self) -> None:
        row = self.view.current_row()
        if row is not None:
            self.supplier_requested.emit(row.id)

    def open_item(self, kind: str, item_id) -> None:
        if kind == "supplier":
            self.view.select_id(item_id)
