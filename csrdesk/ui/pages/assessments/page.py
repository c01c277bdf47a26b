"""The Assessments page: every assessment with filters, and the editor beside the list."""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Optional

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.domain.scoring import Rating
from csrdesk.services import assessment_list
from csrdesk.services.assessment_list import AssessmentFilters, AssessmentListRow
from csrdesk.services.assessments import ASSESSMENT_TYPES, AssessmentDetail
from csrdesk.errors import UserError
from csrdesk.ui import theme
from csrdesk.ui.pages.base import Page, page_header
from csrdesk.ui.table_fit import column_floors
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.pages.assessments.editor import AssessmentEditor


def _rating_column(title: str = "Rating") -> Column:
    return Column(
        title, lambda r: r.rating, colour=lambda r: theme.rating_text_colour(r.rating),
        background=lambda r: theme.rating_background(r.rating), bold=lambda r: True, width=142,
    )


LIST_COLUMNS = [
    Column("Date", lambda r: r.date, width=90),
    Column("Supplier", lambda r: r.supplier_code, width=80, tooltip=lambda r: r.supplier_name),
    _rating_column(),
    Column("Score", lambda r: r.score, width=56, hidden=True),
    # Shown on request (right-click on the titles): beside the editor the list keeps date, code and rating, and the
    # editor the room its findings need. (The name, cut to three letters there, is in the code's tooltip and the
    # editor's title.)
    Column("Name", lambda r: r.supplier_name, width=180, tooltip=lambda r: r.supplier_name, hidden=True),
    Column("Type", lambda r: r.assessment_type, width=110, hidden=True),
    Column("Findings", lambda r: r.findings, width=70, hidden=True),
    Column("Open items", lambda r: r.open_items, width=80, hidden=True),
    Column("CAP", lambda r: r.cap_status or "", width=110, hidden=True),
    Column("Audit firm", lambda r: r.audit_firm, width=120, hidden=True, tooltip=lambda r: r.audit_firm or None),
]


class AssessmentsPage(Page):
    """Every assessment, newest first, with filters; the editor beside the list."""

    title = "Assessments"
    topics = ("assessments", "suppliers", "library", "caps")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)  # read when first shown, so starting the window stays quick
        self._loading_list = False
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.new_button = primary_button("New assessment")
        self.new_button.setToolTip("Record a new assessment (Ctrl+N)")
        header, self.subtitle = page_header("Assessments", "", [self.new_button])
        layout.addWidget(header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        self.list_model = RowTableModel(LIST_COLUMNS, self)
        filters = QHBoxLayout()
        self.filter_box = FilterBox(self.list_model, left, placeholder="Filter supplier, firm, type…")
        self.rating_filter = QComboBox(left)
        self.rating_filter.addItem("Any rating", None)
        for r in Rating:
            self.rating_filter.addItem(r.value, r.value)
        self.type_filter = QComboBox(left)
        self.type_filter.addItem("Any type", None)
        for t in ASSESSMENT_TYPES:
            self.type_filter.addItem(t, t)
        self.open_cap_filter = QCheckBox("Open CAP", left)
        self.open_cap_filter.setToolTip("Only assessments whose CAP is not closed yet")
        self.filter_box.setMinimumWidth(120)
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.open_cap_filter)
        left_layout.addLayout(filters)
        combos = QHBoxLayout()
        combos.addWidget(self.rating_filter, 1)
        combos.addWidget(self.type_filter, 1)
        left_layout.addLayout(combos)
        self.table = TableView(left, settings_key="assessments", placeholder="No assessments recorded yet.")
        self.table.setModel(self.list_model)
        self.table.ensure_column_fits(2, [r.value for r in Rating], bold=True)
        left_layout.addWidget(self.table, 1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        left_layout.addWidget(self.count_label)
        self.editor = AssessmentEditor(self.ctx, self.splitter)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        # The editor is where the work is: at the default window its findings grid needs the room for the short
        # columns and a finding read on three lines at most; the list keeps date, supplier code and rating.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([430, 730])
        layout.addWidget(self.splitter, 1)

        self.new_button.clicked.connect(lambda: self.new_assessment())
        self.rating_filter.currentIndexChanged.connect(self._apply_predicate)
        self.type_filter.currentIndexChanged.connect(self._apply_predicate)
        self.open_cap_filter.toggled.connect(self._apply_predicate)
        self.list_model.filtered.connect(self._update_count)
        self.table.selection_changed_rows.connect(self._list_selection)
        self.editor.saved.connect(self._editor_saved)
        self.editor.navigate_requested.connect(self.navigate_requested)
        self.restore_state()

    # --- list --------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """After a change elsewhere: the suppliers and library the editor offers, the assessment it shows (unless
        edited), and the list."""
        self.editor.ensure_reference()
        if self.changed_topics() & {"suppliers", "library", "all"}:
            self.editor.reload_reference_data()
        if self.changes and self.editor.assessment_id is not None and not self.editor.is_dirty():
            # Shown again as saved now (edited elsewhere, or gone: then a new assessment starts).
            self.editor.load(self.editor.assessment_id, on_error=self._reopen_failed)
        self.reload_list()

    def reload_list(self) -> None:
        """Reads the list on the database worker; the table keeps its filter, sort and selection."""
        self._loading_list = True
        self.ctx.run(assessment_list.list_assessments, self.ctx.db, AssessmentFilters(), on_done=self._list_loaded,
                     on_error=self._list_failed, parent=self)

    def _list_loaded(self, rows: list[AssessmentListRow]) -> None:
        self._loading_list = False
        with QSignalBlocker(self.table.selectionModel()):
            self.list_model.set_rows(rows)
        self._update_count()
        self._schedule_fit_split()
        if self.editor.assessment_id is not None:
            self._select_in_list(self.editor.assessment_id)

    def _list_failed(self, exc: BaseException) -> None:
        self._loading_list = False
        self.ctx.show_error(self, exc)

    def _update_count(self, *_args) -> None:
        self.count_label.setText(count_text(self.list_model, "assessment"))
        rows = self.list_model.all_rows()
        open_caps = sum(1 for r in rows if r.cap_status and r.cap_status != "closed")
        self.subtitle.setText(f"{len(rows):,} recorded · {open_caps:,} with an open CAP")

    def _apply_predicate(self, *_args) -> None:
        rating = self.rating_filter.currentData()
        kind = self.type_filter.currentData()
        open_cap = self.open_cap_filter.isChecked()
        if rating is None and kind is None and not open_cap:
            self.list_model.set_predicate(None)
            return

        def keep(r: AssessmentListRow) -> bool:
            return ((rating is None or r.rating == rating) and (kind is None or r.assessment_type == kind)
                    and (not open_cap or (r.cap_status is not None and r.cap_status != "closed")))

        self.list_model.set_predicate(keep)

    def _select_in_list(self, assessment_id: Optional[int]) -> None:
        with QSignalBlocker(self.table.selectionModel()):
            if assessment_id is None or not self.table.select_id(assessment_id):
                self.table.clearSelection()

    def _list_selection(self, rows: list) -> None:
        if len(rows) != 1 or rows[0].id in (self.editor.assessment_id, self.editor.loading_assessment):
            return
        self._select_in_list(self.editor.assessment_id)  # the shown assessment stays chosen until it is left
        chosen = rows[0].id
        self.leave(lambda: (self.editor.load(chosen), self._select_in_list(chosen)))

    # --- navigation --------------------------------------------------------------------------------------------
    def new_assessment(self, supplier_code: Optional[str] = None, assessment_type: Optional[str] = None,
                       on: Optional[date] = None) -> bool:
        """Starts a new assessment (once unsaved edits are saved or thrown away); False when the user stayed. Its
        type is pre-production for a supplier not yet approved, unless given."""
        def start() -> None:
            self.editor.new_assessment(supplier_code, assessment_type, on)
            self._select_in_list(None)
            self.editor.supplier_box.setFocus()

        # The suppliers and the library are read on the worker the first time: the new assessment starts once
        # they are there (at once when they already are).
        return self.leave(lambda: self.editor.ensure_reference(start))

    def open_item(self, kind: str, item_id: Any) -> bool:
        """Shows an assessment (kind 'assessment'), a finding's assessment (kind 'finding') with the finding
        selected, or starts a new assessment for a supplier (kind 'supplier', its code)."""
        self.editor.ensure_reference()
        if kind == "finding":
            finding_id = int(item_id)

            def found(assessment_id: int) -> None:
                self._open_assessment(assessment_id, select_finding=finding_id)

            # Which assessment holds the finding is read on the worker; the editor opens it when known.
            self.ctx.run(assessment_list.assessment_of_finding, self.ctx.db, finding_id, on_done=found, parent=self)
            return True
        if kind == "assessment":
            return self._open_assessment(int(item_id))
        if kind in ("supplier", "new_assessment"):
            return self.new_assessment(str(item_id))
        if kind == "follow_up_assessment":  # (supplier code, the date the follow-up is due, or None)
            code, due = item_id
            if due is not None and due < date.today():
                due = date.today()  # overdue: the follow-up happens from today on, not on the day that has passed
            return self.new_assessment(str(code), "follow-up", due)
        return False

    def _open_assessment(self, assessment_id: int, select_finding: Optional[int] = None) -> bool:
        def select() -> None:
            self._select_in_list(assessment_id)
            if select_finding is not None:
                for row, d in enumerate(self.editor.model.drafts()):
                    if d.finding_id == select_finding:
                        self.editor.select_finding(row)

        if assessment_id == self.editor.assessment_id:
            select()
            return True
        def open_it() -> None:
            self.filter_box.clear()
            self.editor.load(assessment_id, then=select)
            self._select_in_list(assessment_id)

        return self.leave(open_it)

    def has_unsaved_changes(self) -> bool:
        return self.editor.is_dirty()

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def unsaved_question(self) -> tuple[str, str]:
        return "Unsaved assessment", "The assessment has changes that are not saved. Save them before leaving?"

    def save_unsaved(self, then: Callable[[], None]) -> None:
        self.editor.save(then=then)

    def discard_unsaved(self) -> None:
        self.editor.revert()

    # --- change notices ----------------------------------------------------------------------------------------
    def _editor_saved(self, detail: AssessmentDetail) -> None:
        self.notify("assessments", "caps")  # the editor already shows what was saved; other screens refresh
        self.reload_list()

    def _reopen_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.editor.new_assessment()
        else:
            self.ctx.show_error(self, exc)

    # --- remembered layout -------------------------------------------------------------------------------------
    def restore_state(self) -> None:
        settings = self.ctx.settings()
        state = settings.value("assessments/splitter")
        self._split_restored = state is not None and self.splitter.restoreState(state)
        body = settings.value("assessments/editor_splitter")
        if body is not None:
            self.editor.body_splitter.restoreState(body)

    def save_state(self) -> None:
        settings = self.ctx.settings()
        settings.setValue("assessments/splitter", self.splitter.saveState())
        settings.setValue("assessments/editor_splitter", self.editor.body_splitter.saveState())

    def hideEvent(self, event) -> None:  # noqa: N802
        self.save_state()
        super().hideEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._schedule_fit_split()

    def _schedule_fit_split(self) -> None:
        if not getattr(self, "_split_restored", True) and not getattr(self, "_split_fitted", False) \
                and self.isVisible() and self.list_model.rowCount():
            QTimer.singleShot(0, self, self._fit_split)

    def _fit_split(self) -> None:  # (once the rows are in: the dates and codes are measured)
        """The first time (no split remembered): the list as wide as its shown columns at their narrowest (date,
        supplier code and rating whole; a column the user shows, such as the name, from its title on, ending in …),
        measured in its own font; the editor, where the work is, gets the rest: its findings grid needs the room for
        the finding and its category."""
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        self._split_fitted = True
        header = self.table.horizontalHeader()
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        columns = sum(column_floors(self.table, shown).values())
        margins = self.table.parentWidget().layout().contentsMargins()
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width() + 2
        left = max(columns + frame + margins.left() + margins.right(),
                   self.table.parentWidget().minimumSizeHint().width())
        editor = self.editor.minimumSizeHint().width()
        left = min(left, total - editor)
        if left > 0:
            self.splitter.setSizes([left, total - left])
