"""The CAPs page: every open CAP item across suppliers, status changes one at a time or in bulk, the item's detail."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QHBoxLayout, QLabel, QMenu, QPushButton, QSplitter, QToolButton, QVBoxLayout, QWidget,
)

from csrdesk.domain.caps import DUE_SOON_DAYS
from csrdesk.domain.lifecycle import ItemStatus
from csrdesk.domain.scoring import Severity
from csrdesk.services import caps as cap_service
from csrdesk.services import library
from csrdesk.services.caps import CapDetail, CapItemDetail, CapItemRow
from csrdesk.services.shared_files import files_in_database
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.pages.base import Page, page_header
from csrdesk.ui.pages.caps.columns import (
    OVERDUE_BG, SHOW_ALL, SHOW_DUE_SOON, SHOW_OPEN, SHOW_OVERDUE, Categories, cap_columns, item_summary,
)
from csrdesk.ui.pages.caps.filters import CapFilters, supplier_choices
from csrdesk.ui.pages.caps.item_panel import ItemPanel
from csrdesk.ui.pages.caps.status_moves import CapStatusMoves
from csrdesk.ui.tables import FilterBox, RowTableModel, TableView, build_search_texts, count_text
from csrdesk.ui.widgets.status_line import StatusLine

log = logging.getLogger(__name__)

FIRST_ROWS = 200  # more than a screenful: shown while the rest of the items is read


class CountLabel(QLabel):
    """'313 of 2,187 items': its least width is that of the longest count, whatever it says now, so that a filter
    changing the count never moves the splitter the user placed (the list's least width stays the same)."""

    def minimumSizeHint(self):  # noqa: N802
        hint = super().minimumSizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance("888,888 of 888,888 items") + 4)
        return hint


class CapsPage(CapFilters, CapStatusMoves, Page):
    """Every CAP item across suppliers, filtered in Python (52,000 rows filter in milliseconds), with the detail."""

    title = "CAPs"
    topics = ("caps", "assessments", "suppliers", "library", "verification")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)  # read when first shown, so starting the window stays quick
        self.today = date.today()
        self._rows: list[CapItemRow] = []
        self._search: list[str] = []
        self._index: dict[int, int] = {}
        self._loaded_all = False
        self._loading = False
        self._cap_filter: Optional[int] = None
        self._shown_item: Optional[int] = None
        self._cap_cache: dict[int, CapDetail] = {}
        self._pending_select: Any = None  # an item id, or "first", to select once the list is read
        self._detail_seq = 0  # the latest detail read; older answers are dropped
        self._library_seq = 0
        self._top_after_load = False
        self._load_seq = 0  # the latest list read; older answers are dropped
        self._first_shown = False
        self.last_error: Optional[str] = None
        self.columns = cap_columns(lambda: self.today)
        self._build()
        self._library_read = False

    # --- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header, self.subtitle = page_header("CAPs", "")
        layout.addWidget(header)

        self.model = RowTableModel(self.columns, self, row_background=lambda r: OVERDUE_BG if r.overdue else None)
        filters = QHBoxLayout()
        self.filter_box = FilterBox(self.model, self, placeholder="Filter supplier, finding, leader…  (Ctrl+F)")
        self.show_box = QComboBox(self)
        for text, value in (("Open items", SHOW_OPEN), ("Overdue", SHOW_OVERDUE),
                            (f"Due in the next {DUE_SOON_DAYS} days", SHOW_DUE_SOON),
                            ("All items, closed included", SHOW_ALL)):
            self.show_box.addItem(text, value)
        self.status_box = QComboBox(self)
        self.status_box.addItem("Any status", None)
        for s in ItemStatus:
            self.status_box.addItem(s.value, s.value)
        self.supplier_box = QComboBox(self)
        self.supplier_box.setEditable(True)
        self.supplier_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.supplier_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.supplier_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.supplier_box.setMinimumWidth(200)
        self.supplier_box.addItem("Any supplier", None)  # the suppliers come with the items
        self.category_box = QComboBox(self)
        self.category_box.addItem("Any category", None)
        self.cap_chip = QToolButton(self)
        self.cap_chip.setToolTip("Show the items of every CAP again")
        self.cap_chip.setVisible(False)
        filters.addWidget(self.filter_box, 2)
        filters.addWidget(self.show_box)
        filters.addWidget(self.status_box)
        filters.addWidget(self.supplier_box, 1)
        filters.addWidget(self.category_box)
        filters.addWidget(self.cap_chip)
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = TableView(left, settings_key="caps", placeholder="No CAP items to show.", multi_select=True)
        self.table.setModel(self.model)
        titles = [c.title for c in self.columns]  # every status and severity shows whole, on any row scrolled to
        self.table.ensure_column_fits(titles.index("Status"), [s.value for s in ItemStatus])
        self.table.ensure_column_fits(titles.index("Severity"), [s.value for s in Severity])
        left_layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.count_label = CountLabel("")
        self.count_label.setObjectName("muted")
        self.status_button = QPushButton("Change status…")
        self.status_button.setToolTip("Move the selected items to another status (one or many)")
        self.status_menu = QMenu(self.status_button)
        self.status_menu.aboutToShow.connect(self._fill_status_menu)
        self.status_button.setMenu(self.status_menu)
        self.message = StatusLine()
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.status_button)
        self.guided_button = QPushButton("Guided root cause…")  # issue 4: the root-cause wizard and CAP review
        self.guided_button.setToolTip("Enter the factory's root cause and preventive actions step by step")
        self.guided_button.clicked.connect(self.open_guided_root_cause)
        self.review_button = QPushButton("Review CAP…")
        self.review_button.setToolTip("Check the answers of the item's CAP, then approve it or return it")
        self.review_button.clicked.connect(self.open_cap_review)
        bar.addWidget(self.guided_button)
        bar.addWidget(self.review_button)
        left_layout.addLayout(bar)
        self.panel = ItemPanel(self.splitter)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 520])
        layout.addWidget(self.splitter, 1)

        self.show_box.currentIndexChanged.connect(self._show_changed)
        self.status_box.currentIndexChanged.connect(self.apply_filters)
        self.supplier_box.currentIndexChanged.connect(self.apply_filters)
        self.supplier_box.lineEdit().editingFinished.connect(self._supplier_text_done)
        self.category_box.currentIndexChanged.connect(self.apply_filters)
        self.filter_box.textChanged.connect(self._filters_changed)  # after the box filtered the model
        self.cap_chip.clicked.connect(lambda: self.clear_cap_filter())
        self.model.filtered.connect(self._update_counts)
        self.table.selection_changed_rows.connect(self._selection_changed)
        self.panel.status_requested.connect(lambda s: self.change_status(s, self._panel_ids(), from_panel=True))
        self.panel.cap_status_requested.connect(lambda cap_id, s: self.change_cap_status(cap_id, s))
        self.panel.save_requested.connect(self._save_item)
        self.panel.attach_requested.connect(self._attach)
        self.panel.fetch_requested.connect(self._open_evidence)
        self.panel.navigate_requested.connect(self.navigate_requested)
        from csrdesk.ui.pages.cap_partners import attach_to

        self.cap_partners = attach_to(self)  # the Partners tab: consultants, CSOs, brands, brand actions
        self.restore_state()

    def _read_library(self) -> None:
        """Categories and finding types (for the category filter and the panel's examples), read on the worker;
        the list read queued after it arrives later, so its category column has the titles."""
        self._library_read = True
        self._library_seq += 1
        seq = self._library_seq
        db = self.ctx.db

        def read():
            return (library.list_categories(db), library.list_violation_types(db, include_archived=True))

        def done(result) -> None:
            if seq == self._library_seq:
                self._library_loaded(*result)

        def failed(exc: BaseException) -> None:
            self._library_read = False  # tried again with the next reload
            self.ctx.show_error(self, exc)

        self.ctx.run(read, on_done=done, on_error=failed, parent=self)

    def _library_loaded(self, categories, types) -> None:
        Categories.titles = {c.key: c.title for c in categories}
        self.panel.library = {v.key: v for v in types}
        current = self.category_box.currentData()
        with QSignalBlocker(self.category_box):
            self.category_box.clear()
            self.category_box.addItem("Any category", None)
            for key, title in Categories.titles.items():
                self.category_box.addItem(title, key)
            index = self.category_box.findData(current)
            self.category_box.setCurrentIndex(max(index, 0))

    # --- loading -----------------------------------------------------------------------------------------------
    def first_rows_shown(self) -> bool:
        """True once the list shows items (the first screenful or all of them): the page can be worked with."""
        return self._first_shown

    def reload(self, *, select: Any = None) -> None:
        """Reads the items on the database worker; the table keeps its filter, sort and selection.

        With nothing on screen yet, the first screenful (the items due first) is read on its own and shown at
        once, then every item in a second call; the page is never covered by a progress dialog meanwhile, and the
        count under the list says the rest is on its way. Answers of an older reload are dropped."""
        if self.changed_topics() & {"library", "all"}:
            self._read_library()
        if self.changes and not self.changed_only_by(self, self.panel):
            self.message.clear_passing()  # changed elsewhere: "CAP #140 is now sent" may no longer be true
        self._loading = True
        self.today = date.today()
        if not self._library_read:
            self._read_library()
        if select is not None:
            self._pending_select = select
        include_closed = self.show_box.currentData() == SHOW_ALL
        columns, db, today = self.columns, self.ctx.db, self.today
        self._load_seq += 1
        seq = self._load_seq
        if not self._rows:
            def first():
                rows = cap_service.list_items(db, today=today, open_only=not include_closed, limit=FIRST_ROWS)
                return rows, build_search_texts(columns, rows)

            # A failure here is told by the full read queued after it.
            self.ctx.run(first, on_done=lambda result: self._first_rows(seq, result), on_error=lambda _exc: None,
                         parent=self)

        def load():
            rows = cap_service.list_items(db, today=today, open_only=not include_closed)
            return (include_closed, rows, build_search_texts(columns, rows), supplier_choices(rows),
                    item_summary(rows, today))

        self.count_label.setText("Reading CAP items…")
        self.ctx.run(load, on_done=lambda result: self._loaded(seq, result), on_error=self._load_failed,
                     parent=self)

    def _first_rows(self, seq: int, result) -> None:
        """The first screenful, while the rest is read: shown, not yet counted or offered as supplier choices."""
        if seq != self._load_seq or not self._loading:
            return
        rows, texts = result
        self._rows, self._search = rows, texts
        self._index = {r.id: i for i, r in enumerate(rows)}
        self.model.set_predicate(self._predicate())
        self._push_rows()
        self._first_shown = True
        if not self.subtitle.text():
            self.subtitle.setText("Reading the items and counting them…")
        self.count_label.setText(f"The first {len(rows):,} items; reading the rest…" if len(rows) >= FIRST_ROWS
                                 else self.count_label.text())

    def _loaded(self, seq: int, result) -> None:
        if seq != self._load_seq:
            return
        include_closed, rows, texts, suppliers, summary = result
        self._cap_cache.clear()
        self._loading = False
        self._loaded_all = include_closed
        to_top, self._top_after_load = self._top_after_load, False
        self._rows = rows
        self._search = texts
        self._index = {r.id: i for i, r in enumerate(rows)}
        self._fill_suppliers(suppliers)
        self.model.set_predicate(self._predicate())  # it depends on what was loaded and on today
        self._push_rows()
        self._first_shown = True
        self._update_counts()
        self._update_subtitle(summary)
        target = self._pending_select
        self._pending_select = None
        if target == "first":
            target = self.model.row_at(0).id if self.model.visible_count else None
        if to_top:
            self._filters_changed()
        if target is not None and target != self._shown_item:
            self.table.select_id(target)  # the selection handler shows it
        elif self._shown_item is not None and not self.panel.is_dirty():
            # The shown item may have changed elsewhere (a CAP sent, an import): show it as it is now.
            self._show_item(self._shown_item)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.ctx.show_error(self, exc)

    def _push_rows(self) -> None:
        # A copy of the search texts: the model may update its own list when a row is replaced.
        self.model.set_rows(self._rows, list(self._search))

    def _update_subtitle(self, summary: Optional[tuple[int, int, int, int]] = None) -> None:
        open_count, suppliers, overdue, soon = summary or item_summary(self._rows, self.today)
        self.subtitle.setText(
            f"{open_count:,} open items at {suppliers:,} suppliers · "
            f"<span style='color:{theme.OVERDUE}; font-weight:600'>{overdue:,} overdue</span> · "
            f"{soon:,} due in the next {DUE_SOON_DAYS} days"
        )

    def _update_counts(self, *_args) -> None:
        if self._loading and self._first_shown:
            self.count_label.setText(count_text(self.model, "item") + " of the first read; reading the rest…")
            return
        self.count_label.setText(count_text(self.model, "item"))

    # --- selection and the detail panel ------------------------------------------------------------------------
    def _update_status_button(self, rows: list) -> None:
        self.status_button.setEnabled(bool(rows))
        self.status_button.setText(f"Change status of {len(rows)} items…" if len(rows) > 1 else "Change status…")

    def _selection_changed(self, rows: list) -> None:
        self._update_status_button(rows)
        current = self.table.current_row()
        if current is None and len(rows) == 1:
            current = rows[0]
        target = current.id if current is not None else None
        if target == self._shown_item:
            return
        if not self.has_unsaved_changes():
            self._show_item(target)
            return
        with QSignalBlocker(self.table.selectionModel()):  # the edited item stays chosen until it is left
            self.table.clearSelection()
            self.table.select_id(self._shown_item)

        def move() -> None:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.clearSelection()
                self.table.select_id(target)
            self._show_item(target)

        self.leave(move)

    def _show_item(self, item_id: Optional[int]) -> None:
        """Shows the item in the panel, read on the worker; when the selection moved on before the answer came,
        the answer is dropped. The item's CAP is kept while moving between items of one CAP (a CAP of 100 items
        takes tens of milliseconds to read) and read again after any change."""
        self._shown_item = item_id
        self._detail_seq += 1
        seq = self._detail_seq
        if item_id is None:
            self.panel.show_item(None, None)
            return
        db, today, cached = self.ctx.db, self.today, dict(self._cap_cache)

        def read():
            detail = cap_service.item_detail(db, item_id, today)
            cap = cached.get(detail.row.cap_id) or cap_service.cap_detail(db, detail.row.cap_id, today)
            return detail, cap

        def done(result) -> None:
            if seq != self._detail_seq:
                return
            detail, cap = result
            self._cap_cache = {cap.id: cap}
            self.panel.show_item(detail, cap)

        def failed(exc: BaseException) -> None:
            if seq != self._detail_seq:
                return
            self.panel.show_item(None, None)
            if isinstance(exc, UserError):  # told once: on the panel's line, or by the fault dialog
                self.panel.set_message(" ".join(str(exc).split()), error=True)
            else:
                self.ctx.show_error(self, exc)

        self.ctx.run(read, on_done=done, on_error=failed, parent=self)

    def _panel_ids(self) -> list[int]:
        return [self.panel.detail.row.id] if self.panel.detail is not None else []

    def unsaved_question(self) -> tuple[str, str]:
        return "Unsaved CAP item", "The item has changes that are not saved. Save them first?"

    def save_unsaved(self, then: Callable[[], None]) -> None:
        self._save_item(self.panel.changes(), then=then)

    def discard_unsaved(self) -> None:
        self.panel.revert()

    def has_unsaved_changes(self) -> bool:
        return self.panel.is_dirty()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    # --- the factory's answer ----------------------------------------------------------------------------------
    def _save_item(self, changes: dict, then: Optional[Callable[[], None]] = None) -> None:
        """Saves the item's answer on the worker; `then` runs once saved (a failure keeps the edits, with why)."""
        detail = self.panel.detail
        if detail is None:
            return

        def saved(item: CapItemDetail) -> None:
            self._item_saved(item)
            if then is not None:
                then()

        self.ctx.run(cap_service.update_item, self.ctx.db, detail.row.id, **changes, seen_version=detail.version,
                     on_done=saved, on_error=self._item_failed, label="Saving the CAP item…", parent=self)

    def _item_saved(self, detail: CapItemDetail) -> None:
        self._update_rows([detail.row])
        if self.panel.detail is not None and self.panel.detail.row.id == detail.row.id:
            self._cap_cache.clear()
            self.panel.show_item(detail, self.panel.cap)  # the saved answer at once; its CAP follows
            self.panel.set_message("Saved.")
            self._show_item(detail.row.id)
        self._notify()

    def _item_failed(self, exc: BaseException) -> None:
        """Told once: a refusal on the panel's line by Save; someone else's change by the question that offers to
        reload (the edits stay, marked unsaved); a fault by the error dialog."""
        text = " ".join(str(exc).split())
        self.last_error = text
        if isinstance(exc, ConcurrentEdit):
            shown = self.panel.detail.row.id if self.panel.detail is not None else None
            offer_reload(self, exc, lambda: self._show_item(shown))
        elif isinstance(exc, UserError):
            self.panel.set_message("Not saved: " + text, error=True)
        else:
            self.ctx.show_error(self, exc)

    def _attach(self, paths: list) -> None:
        detail = self.panel.detail
        if detail is None:
            return
        db, item_id = self.ctx.db, detail.row.id

        def done(_infos):
            self._cap_cache.clear()
            self._show_item(item_id)
            where = "kept in the shared database" if files_in_database(db) else "copied into the data folder"
            self.panel.set_message(f"Attached {len(paths)} file{'s' if len(paths) != 1 else ''}; {where}.")
            self._notify()

        self.ctx.run(cap_service.attach_evidence_files, db, item_id, [Path(p) for p in paths], on_done=done,
                     on_error=self._item_failed, label="Copying evidence files…", parent=self)

    def _open_evidence(self, info) -> None:
        """Brings an evidence file the shared database holds onto this computer (on the worker), then opens it."""
        self.ctx.run(cap_service.evidence_copy, self.ctx.db, info.id, on_done=self.panel.evidence.open_path,
                     on_error=self._item_failed, label=f"Opening {info.original_name}…", parent=self)

    # --- status changes ----------------------------------------------------------------------------------------
    # --- navigation and change notices ---------------------------------------------------------------------------
    def open_item(self, kind: str, item_id: Any) -> bool:
        """Shows a CAP (its items only) or one CAP item, clearing filters that would hide it."""
        if kind == "cap":
            # A CAP is shown whole: its closed items too, whatever the other filters were.
            self.filter_box.clear()
            with QSignalBlocker(self.status_box), QSignalBlocker(self.supplier_box), QSignalBlocker(self.category_box):
                self.status_box.setCurrentIndex(0)
                self.supplier_box.setCurrentIndex(0)
                self.category_box.setCurrentIndex(0)
            self.set_cap_filter(int(item_id))
            self.panel.tabs.setCurrentIndex(3)
            if not self._loaded_all or self._loading:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL)
                self.reload(select="first")
                return True
            with QSignalBlocker(self.show_box):
                self.set_show(SHOW_ALL)
            self.apply_filters()
            if self.model.visible_count:
                self.table.select_id(self.model.row_at(0).id)
            return True
        if kind == "cap_item":
            item_id = int(item_id)
            self.filter_box.clear()
            self.set_cap_filter(None)
            with QSignalBlocker(self.status_box), QSignalBlocker(self.supplier_box), QSignalBlocker(self.category_box):
                self.status_box.setCurrentIndex(0)
                self.supplier_box.setCurrentIndex(0)
                self.category_box.setCurrentIndex(0)
            if item_id not in self._index or self._loading:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL)
                self.reload(select=item_id)
                return True
            if self.model.position_of(item_id) is None:
                with QSignalBlocker(self.show_box):
                    self.set_show(SHOW_ALL if not ItemStatus(self._rows[self._index[item_id]].status).is_open
                                  else SHOW_OPEN)
                self.apply_filters()
            return self.table.select_id(item_id)
        return False

    def _notify(self) -> None:
        self.notify("caps")  # the page already shows what it changed; other screens refresh

    def restore_state(self) -> None:
        state = self.ctx.settings().value("caps/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.ctx.settings().setValue("caps/splitter", self.splitter.saveState())
        super().hideEvent(event)

    # --- guided root cause and CAP review (issue 4) ----------------------------------------------------------------
    def open_guided_root_cause(self) -> None:
        """Opens the guided root-cause wizard for the item shown; the list reloads after a save ("caps")."""
        detail = self.panel.detail
        if detail is None:
            self._set_message("Choose a CAP item first.", error=True)
            return
        from csrdesk.ui.wizards.rootcause import open_root_cause_wizard

        from csrdesk.ui.wizards.rootcause import saved_message

        before = detail.row.status
        self.root_cause_task = open_root_cause_wizard(
            self.ctx, detail.row.id, self, on_saved=lambda check: self._set_message(saved_message(check, before)))

    def open_cap_review(self) -> None:
        """Opens the review of the shown item's CAP: warnings, comments, approve or return, the plan."""
        detail = self.panel.detail
        if detail is None:
            self._set_message("Choose a CAP item first.", error=True)
            return
        from csrdesk.ui.pages.cap_review import open_cap_review

        self.review_dialog = open_cap_review(self.ctx, detail.row.cap_id, self, item_id=detail.row.id)
