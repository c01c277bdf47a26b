"""The Assessments page: every assessment with filters, and the editor that records one with a live rating."""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Callable, Optional

from PySide6.QtCore import QDate, QItemSelectionModel, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate, QAbstractItemView, QApplication, QCheckBox, QComboBox, QCompleter, QDateEdit, QFormLayout,
    QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSplitter,
    QTableView, QVBoxLayout, QWidget,
)

from csrdesk.domain.scoring import Rating
from csrdesk.services import assessment_list, assessments, complaints, laws, library
from csrdesk.services.assessment_list import AssessmentFilters, AssessmentListRow, SupplierChoice
from csrdesk.services.assessments import ASSESSMENT_TYPES, AssessmentDetail, AssessmentInput
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.pages.base import Page, page_header
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.elided_label import ElidedLabel
from csrdesk.ui.widgets.finding_picker import FindingPicker
from csrdesk.ui.widgets.findings_grid import (
    COL_CATEGORY, COL_POINTS, COL_SEVERITY, COL_TITLE, COLUMNS, SEVERITIES, CategoryDelegate, FindingDraft,
    FindingsModel, PointsDelegate, SeverityDelegate,
)
from csrdesk.ui.widgets.reasons_panel import ReasonsPanel

log = logging.getLogger(__name__)

COMMON_STANDARDS = ("SMETA 6.1", "amfori BSCI", "SLCP", "WRAP", "SA8000", "ICTI Ethical Toy Program", "Brand code")
PREVIEW_DELAY_MS = 40


def _rating_column(title: str = "Rating") -> Column:
    return Column(
        title, lambda r: r.rating, colour=lambda r: theme.rating_text_colour(r.rating),
        background=lambda r: theme.rating_background(r.rating), bold=lambda r: True, width=142,
    )


LIST_COLUMNS = [
    Column("Date", lambda r: r.date, width=90),
    Column("Supplier", lambda r: r.supplier_code, width=80, tooltip=lambda r: r.supplier_name),
    _rating_column(),
    Column("Score", lambda r: r.score, width=56),
    Column("Name", lambda r: r.supplier_name, width=180),
    Column("Type", lambda r: r.assessment_type, width=110),
    Column("Findings", lambda r: r.findings, width=70),
    Column("Open items", lambda r: r.open_items, width=80),
    Column("CAP", lambda r: r.cap_status or "", width=110),
    Column("Audit firm", lambda r: r.audit_firm, width=120),
]


class AssessmentEditor(QWidget):
    """Records or edits one assessment: header, findings grid, the live rating and why, and saving."""

    saved = Signal(object)  # AssessmentDetail
    dirty_changed = Signal(bool)
    navigate_requested = Signal(str, object)

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessment_id: Optional[int] = None
        self._seen_version: Optional[int] = None  # the row version of the assessment shown, handed back on save
        self.cap_id: Optional[int] = None
        self._saved_input: Optional[AssessmentInput] = None
        self._library: dict[str, library.ViolationTypeInfo] = {}
        self._categories: list[tuple[str, str]] = []
        self._suppliers: list[SupplierChoice] = []
        self._past_for: Optional[str] = None
        self._dirty = False
        self._saving = False
        self._after_save: Optional[Callable[[], None]] = None
        self._loading = False
        self.last_error: Optional[str] = None
        # Reads run on the database worker; each carries a number, and a result that arrives after a newer
        # request (another assessment opened, more typing) is dropped.
        self._open_seq = 0
        self._history_seq = 0
        self._preview_seq = 0
        self.loading_assessment: Optional[int] = None
        self.rating_pending = False
        self._past: list = []
        # The law references of the chosen supplier's country, read once per supplier, to fill the legal
        # requirement of a finding as it is added (the save fills it too, if they had not arrived yet).
        self._laws: Optional[laws.SupplierLaws] = None
        self._laws_for: Optional[str] = None
        self._laws_seq = 0
        ctx.changed.connect(self._law_context_changed)
        self._focus_before_save: Optional[QWidget] = None
        self._prompting: Optional[int] = None  # the free-text finding whose category and severity are asked
        self.undo_stack = QUndoStack(self)
        self.model = FindingsModel(self.undo_stack, self)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_rating)
        self.reference_loaded = False
        self._build()
        self._connect()
        self.new_assessment()

    # --- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        self.title = QLabel("New assessment")
        self.title.setObjectName("sectionTitle")
        self.state_label = QLabel("")
        self.state_label.setObjectName("muted")
        title_row.addWidget(self.title)
        title_row.addStretch(1)
        title_row.addWidget(self.state_label)
        outer.addLayout(title_row)

        header = QFrame(self)
        header.setObjectName("card")
        grid = QGridLayout(header)
        grid.setContentsMargins(12, 10, 12, 10)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.supplier_box = QComboBox(header)
        self.supplier_box.setEditable(True)
        self.supplier_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.supplier_box.lineEdit().setPlaceholderText("Supplier code or name")
        self.supplier_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.supplier_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.supplier_box.setMinimumWidth(200)
        self.type_box = QComboBox(header)
        self.type_box.addItems(ASSESSMENT_TYPES)
        self.date_edit = QDateEdit(header)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.firm_edit = QLineEdit(header)
        self.firm_edit.setPlaceholderText("e.g. Bureau Veritas")
        self.auditor_edit = QLineEdit(header)
        self.standard_edit = QLineEdit(header)
        self.standard_edit.setPlaceholderText("e.g. SMETA 6.1")
        self.denied_box = QCheckBox("The auditor was denied access", header)
        self.notes_edit = QLineEdit(header)
        self.notes_edit.setPlaceholderText("Notes (optional)")

        def label(text: str) -> QLabel:
            lab = QLabel(text)
            lab.setObjectName("muted")
            return lab

        grid.addWidget(label("Supplier"), 0, 0)
        grid.addWidget(self.supplier_box, 0, 1, 1, 3)
        grid.addWidget(label("Type"), 0, 4)
        grid.addWidget(self.type_box, 0, 5)
        grid.addWidget(label("Date"), 0, 6)
        grid.addWidget(self.date_edit, 0, 7)
        grid.addWidget(label("Audit firm"), 1, 0)
        grid.addWidget(self.firm_edit, 1, 1)
        grid.addWidget(label("Auditor"), 1, 2)
        grid.addWidget(self.auditor_edit, 1, 3)
        grid.addWidget(label("Standard"), 1, 4)
        grid.addWidget(self.standard_edit, 1, 5)
        grid.addWidget(self.denied_box, 1, 6, 1, 2)
        grid.addWidget(label("Notes"), 2, 0)
        grid.addWidget(self.notes_edit, 2, 1, 1, 7)
        for col, stretch in ((1, 2), (3, 2), (5, 1)):
            grid.setColumnStretch(col, stretch)
        outer.addWidget(header)

        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setChildrenCollapsible(False)
        left = QWidget(body)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 6, 6, 0)
        add_row = QHBoxLayout()
        self.picker = FindingPicker(left)
        self.free_severity = QComboBox(left)
        self.free_severity.addItem("Severity…", "")
        for s in SEVERITIES:
            self.free_severity.addItem(s, s)
        self.free_severity.setToolTip("Severity of the next free-text finding, if you know it already (library "
                                      "findings bring their own; otherwise you are asked after adding)")
        self.add_button = QPushButton("Add", left)
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click keeps the box and its suggestions
        self.add_button.setToolTip("Add the highlighted suggestion, or your text as a free-text finding (Enter); "
                                   "Ctrl+Enter adds your own text even when suggestions are shown")
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.free_severity)
        add_row.addWidget(self.add_button)
        left_layout.addLayout(add_row)

        self.grid = QTableView(left)
        self.grid.setModel(self.model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.grid.verticalHeader().setVisible(False)
        self.grid.setAlternatingRowColors(True)
        self.grid.setWordWrap(False)
        self.grid.setItemDelegateForColumn(COL_SEVERITY, SeverityDelegate(self.grid))
        self.grid.setItemDelegateForColumn(COL_POINTS, PointsDelegate(self.grid))
        self.grid.setItemDelegateForColumn(COL_CATEGORY, CategoryDelegate(lambda: self._categories, self.grid))
        for i, c in enumerate(COLUMNS):
            self.grid.setColumnWidth(i, c.width)
        self.grid.horizontalHeader().setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.grid.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        left_layout.addWidget(self.grid, 3)

        self.empty_hint = QLabel(
            "No findings yet. Type in the box above: a library key (HRS-001), words of the title in English or "
            "Chinese, or your own text; Enter adds it. An assessment with no findings is rated Satisfactory."
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("muted")
        left_layout.addWidget(self.empty_hint)

        detail = QFrame(left)
        detail.setObjectName("card")
        form = QFormLayout(detail)
        form.setContentsMargins(10, 8, 10, 8)
        self.detail_title = QLabel("Select a finding to describe what the auditor saw.")
        self.detail_title.setWordWrap(True)
        self.detail_title.setStyleSheet("font-weight: 600;")
        # The library's wording of the selected finding's type, as a guide (a label, not a placeholder: a
        # placeholder is not repainted when only its text changes, so it could show another finding's text).
        self.library_hint = ElidedLabel("")
        self.library_hint.setObjectName("muted")
        self.description_edit = QPlainTextEdit(detail)
        self.description_edit.setPlaceholderText("What the auditor saw: facts, numbers, where")
        self.legal_edit = QPlainTextEdit(detail)
        self.legal_edit.setPlaceholderText("The law it breaks (article, requirement)")
        self.code_edit = QPlainTextEdit(detail)
        self.code_edit.setPlaceholderText("The code of conduct requirement")
        for edit in (self.description_edit, self.legal_edit, self.code_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(52)
        form.addRow(self.detail_title)
        form.addRow(self.library_hint)
        form.addRow("Description", self.description_edit)
        form.addRow("Legal requirement", self.legal_edit)
        form.addRow("Code requirement", self.code_edit)
        left_layout.addWidget(detail, 2)

        grid_buttons = QHBoxLayout()
        self.remove_button = QPushButton("Remove finding", left)
        self.remove_button.setToolTip("Remove the selected findings (Delete)")
        self.undo_button = QPushButton("Undo", left)
        self.redo_button = QPushButton("Redo", left)
        self.count_label = QLabel("")
        self.count_label.setObjectName("muted")
        grid_buttons.addWidget(self.remove_button)
        grid_buttons.addWidget(self.undo_button)
        grid_buttons.addWidget(self.redo_button)
        grid_buttons.addStretch(1)
        grid_buttons.addWidget(self.count_label)
        left_layout.addLayout(grid_buttons)

        right = QWidget(body)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 6, 0, 0)
        self.reasons = ReasonsPanel(right)
        self.reasons.setMinimumWidth(220)
        right_layout.addWidget(self.reasons, 1)
        # What workers raised since the supplier's last assessment: where this assessment should look.
        self.focus_label = QLabel("", right)
        self.focus_label.setObjectName("focusAreas")
        self.focus_label.setWordWrap(True)
        self.focus_label.setStyleSheet(f"background: {theme.WARNING_BG}; color: {theme.TEXT}; border-radius: 5px; "
                                       "padding: 6px 8px;")
        self.focus_label.setVisible(False)
        right_layout.addWidget(self.focus_label)
        self.cap_label = QLabel("")
        self.cap_label.setWordWrap(True)
        self.cap_button = QPushButton("Open the CAP", right)
        self.cap_button.clicked.connect(lambda: self.cap_id and self.navigate_requested.emit("cap", self.cap_id))
        right_layout.addWidget(self.cap_label)
        right_layout.addWidget(self.cap_button)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([720, 260])
        self.body_splitter = body
        outer.addWidget(body, 1)

        bottom = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setToolTip("Throw away the unsaved changes")
        self.save_button = primary_button("Save", self)
        self.save_button.setToolTip("Save the assessment and its draft CAP (Ctrl+S)")
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)

        ctx_shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Save, self, lambda: self.save(), context=ctx_shortcut)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.add_own_text, context=ctx_shortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.grid, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence.StandardKey.Undo, self.grid, self.undo_stack.undo, context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence.StandardKey.Redo, self.grid, self.undo_stack.redo, context=Qt.ShortcutContext.WidgetShortcut)

    def _connect(self) -> None:
        self.model.edited.connect(self._changed)
        self.supplier_box.currentIndexChanged.connect(self._supplier_changed)
        self.supplier_box.lineEdit().editingFinished.connect(self._supplier_changed)
        self.type_box.currentIndexChanged.connect(self._changed)
        self.date_edit.dateChanged.connect(self._date_changed)
        for edit in (self.firm_edit, self.auditor_edit, self.standard_edit, self.notes_edit):
            edit.textChanged.connect(self._changed)
        self.denied_box.toggled.connect(self._changed)
        self.picker.picked.connect(self.add_library_finding)
        self.picker.free_text.connect(self.add_free_finding)
        self.add_button.clicked.connect(self.add_from_picker)
        self.remove_button.clicked.connect(self.remove_selected)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: self.undo_button.setToolTip(f"Undo {t.lower()} (Ctrl+Z)"))
        self.undo_stack.redoTextChanged.connect(lambda t: self.redo_button.setToolTip(f"Redo {t.lower()}"))
        self.grid.selectionModel().currentRowChanged.connect(self._show_detail)
        # Undo, redo, removing and reloading change the rows under the selection: the detail follows.
        self.model.dataChanged.connect(self._show_detail)
        self.model.rowsRemoved.connect(self._show_detail)
        self.model.rowsInserted.connect(self._show_detail)
        self.model.modelReset.connect(self._show_detail)
        self.grid.itemDelegateForColumn(COL_CATEGORY).closeEditor.connect(self._category_editor_closed)
        self.grid.itemDelegateForColumn(COL_SEVERITY).closeEditor.connect(self._severity_editor_closed)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.description_edit.textChanged.connect(lambda: self._detail_edited("description", self.description_edit))
        self.legal_edit.textChanged.connect(lambda: self._detail_edited("legal_requirement", self.legal_edit))
        self.code_edit.textChanged.connect(lambda: self._detail_edited("code_requirement", self.code_edit))
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button.clicked.connect(self.revert)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

    # --- reference data ----------------------------------------------------------------------------------------
    def ensure_reference(self) -> None:
        """Reads the reference data the first time the editor is needed (not while the window starts)."""
        if not self.reference_loaded:
            self.reload_reference_data()

    def reload_reference_data(self) -> None:
        """Suppliers, the finding library, categories and the matrix: read once, again after a change notice."""
        self.reference_loaded = True
        db = self.ctx.db
        self._library = {v.key: v for v in library.list_violation_types(db)}
        self._categories = [(c.key, c.title) for c in library.list_categories(db)]
        self.model.set_category_titles(dict(self._categories))
        self.model.set_matrix(library.get_matrix(db))
        self.picker.set_library(self._library.values())
        self.set_suppliers(assessment_list.supplier_choices(db))
        firms = QCompleter(assessment_list.audit_firms(db), self.firm_edit)
        firms.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.firm_edit.setCompleter(firms)
        standards = sorted(set(COMMON_STANDARDS) | set(assessment_list.standards(db)))
        completer = QCompleter(standards, self.standard_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.standard_edit.setCompleter(completer)
        self._schedule_preview()

    def set_suppliers(self, suppliers: list[SupplierChoice]) -> None:
        current = self.supplier_code()
        self._suppliers = suppliers
        with QSignalBlocker(self.supplier_box):
            self.supplier_box.clear()
            for s in suppliers:
                self.supplier_box.addItem(s.label, s.code)
            self._select_supplier(current)

    def _select_supplier(self, code: Optional[str]) -> None:
        index = self.supplier_box.findData(code) if code else -1
        self.supplier_box.setCurrentIndex(index)
        if index < 0:
            self.supplier_box.setEditText("")

    def supplier_code(self) -> Optional[str]:
        """The code of the supplier chosen in the box, or None when the text names no supplier."""
        text = self.supplier_box.currentText().strip()
        if not text:
            return None
        index = self.supplier_box.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.supplier_box.itemData(index)
        upper = text.split(" ")[0].upper()
        for s in self._suppliers:
            if s.code.upper() == upper:
                return s.code
        return None

    # --- opening -----------------------------------------------------------------------------------------------
    def new_assessment(self, supplier_code: Optional[str] = None) -> None:
        self._open_seq += 1  # an assessment still being read must not replace the new one
        self.loading_assessment = None
        self._loading = True
        try:
            self.assessment_id = None
            self._seen_version = None
            self.cap_id = None
            self.supplier_box.setEnabled(True)
            with QSignalBlocker(self.supplier_box):
                self._select_supplier(supplier_code)
            self.type_box.setCurrentText("periodic")
            self.date_edit.setDate(QDate.currentDate())
            for edit in (self.firm_edit, self.auditor_edit, self.standard_edit, self.notes_edit):
                edit.clear()
            self.denied_box.setChecked(False)
            self.model.load([])
            self.undo_stack.clear()
            self._past_for = None
            self._update_history()
        finally:
            self._loading = False
        self._saved_input = self.current_input()
        self.title.setText("New assessment")
        self._set_message("")
        self._update_cap_label(None)
        self._changed()
        self.refresh_rating()

    def load(self, assessment_id: int, then: Optional[Callable[[], None]] = None,
             on_error: Optional[Callable[[BaseException], None]] = None) -> None:
        """Opens a saved assessment, read on the worker (without asking about unsaved changes; the page does
        that). `then` runs once it is shown; a newer load or a new assessment in the meantime wins."""
        self._open_seq += 1
        seq = self._open_seq
        self.loading_assessment = int(assessment_id)

        def done(detail: AssessmentDetail) -> None:
            if seq != self._open_seq:
                return
            self.show_detail(detail)
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            if seq != self._open_seq:
                return
            self.loading_assessment = None
            if on_error is not None:
                on_error(exc)
            else:
                self.ctx.show_error(self, exc)

        self.ctx.run(assessments.assessment_detail, self.ctx.db, int(assessment_id), on_done=done, on_error=failed,
                     parent=self)

    def show_detail(self, detail: AssessmentDetail) -> None:
        self._open_seq += 1  # what is shown now is newer than any read still on its way
        self.loading_assessment = None
        self._loading = True
        try:
            self.assessment_id = detail.id
            self._seen_version = detail.version
            self.cap_id = detail.cap_id
            if self.supplier_box.findData(detail.supplier_code) < 0:
                self.supplier_box.addItem(f"{detail.supplier_code} · {detail.supplier_name}", detail.supplier_code)
            with QSignalBlocker(self.supplier_box):
                self._select_supplier(detail.supplier_code)
            self.supplier_box.setEnabled(False)  # an assessment stays with its supplier
            self.type_box.setCurrentText(detail.assessment_type)
            self.date_edit.setDate(QDate(detail.date.year, detail.date.month, detail.date.day))
            self.firm_edit.setText(detail.audit_firm)
            self.auditor_edit.setText(detail.auditor)
            self.standard_edit.setText(detail.standard)
            self.denied_box.setChecked(detail.denied)
            self.notes_edit.setText(detail.notes)
            for edit in (self.firm_edit, self.auditor_edit, self.standard_edit, self.notes_edit):
                edit.setCursorPosition(0)  # show the start of a long value, not its end
            self.model.load([FindingDraft.from_row(f) for f in detail.findings])
            self.undo_stack.clear()
            self._past_for = None
            self._update_history()
        finally:
            self._loading = False
        self._saved_input = self.current_input()
        self.title.setText(f"{detail.supplier_code} · {detail.supplier_name} — {detail.assessment_type} "
                           f"assessment of {detail.date.isoformat()}")
        self._update_cap_label(detail)
        self._changed()
        self.refresh_rating()
        if self.model.rowCount():
            self.select_finding(0)

    def _update_cap_label(self, detail: Optional[AssessmentDetail]) -> None:
        if detail is None or detail.cap_id is None:
            self.cap_label.setText("Saving creates a draft CAP with one item per finding." if detail is None
                                   else "No CAP: the assessment has no findings.")
            self.cap_button.setVisible(False)
        else:
            follow = (f"<br>A follow-up assessment is due by <b>{detail.follow_up_due.isoformat()}</b>."
                      if detail.follow_up_due else "")
            self.cap_label.setText(f"CAP #{detail.cap_id} holds one item per finding.{follow}")
            self.cap_button.setVisible(True)

    # --- the input as it stands --------------------------------------------------------------------------------
    def current_input(self) -> AssessmentInput:
        qd = self.date_edit.date()
        return AssessmentInput(
            supplier_code=self.supplier_code() or "",
            date=date(qd.year(), qd.month(), qd.day()),
            assessment_type=self.type_box.currentText(),
            audit_firm=self.firm_edit.text().strip(),
            auditor=self.auditor_edit.text().strip(),
            standard=self.standard_edit.text().strip(),
            denied=self.denied_box.isChecked(),
            notes=self.notes_edit.text().strip(),
            findings=[d.to_input() for d in self.model.drafts()],
            seen_version=self._seen_version,
        )

    def is_dirty(self) -> bool:
        return self._dirty

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        dirty = self._saved_input is not None and self.current_input() != self._saved_input
        if self.assessment_id is None and not self.model.rowCount() and not self.supplier_code():
            dirty = dirty and bool(self.firm_edit.text() or self.auditor_edit.text() or self.standard_edit.text()
                                   or self.notes_edit.text())
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self.state_label.setText("● Unsaved changes" if dirty else ("Saved" if self.assessment_id else ""))
        self.state_label.setStyleSheet(f"color: {theme.WARNING}; font-weight: 600;" if dirty else "")
        self.save_button.setEnabled(dirty and not self._saving)
        self.revert_button.setEnabled(dirty and not self._saving)
        n = self.model.rowCount()
        self.count_label.setText(f"{n} finding{'s' if n != 1 else ''}")
        self.empty_hint.setVisible(n == 0)
        self._selection_changed()
        self._schedule_preview()

    def _supplier_changed(self, *_args) -> None:
        if self._loading:
            return
        self._update_history()
        self._changed()

    def _date_changed(self, *_args) -> None:
        if self._loading:
            return
        self._update_history()
        self._changed()

    def _law_context_changed(self, what: str) -> None:
        if what in ("laws", "suppliers", "all"):
            self._laws_for = None
            self._laws = None

    def _load_laws(self, code: Optional[str]) -> None:
        if code == self._laws_for and (self._laws is not None or not code):
            return
        self._laws_for, self._laws = code, None
        self._laws_seq += 1
        if not code:
            return
        seq = self._laws_seq

        def done(found: laws.SupplierLaws) -> None:
            if seq == self._laws_seq:
                self._laws = found

        def failed(exc: BaseException) -> None:  # the save fills the legal requirement instead
            log.info("law references of %s not read: %s", code, exc)

        self.ctx.run(laws.supplier_laws, self.ctx.db, code, on_done=done, on_error=failed, parent=self)

    def _update_history(self) -> None:
        """Earlier findings of the chosen supplier, so repeats are marked before saving."""
        code = self.supplier_code()
        self._load_laws(code)
        qd = self.date_edit.date()
        if not code:
            self._history_seq += 1
            self.focus_label.setVisible(False)
            self.model.set_history([], None)
            self._past_for = None
            self._past = []
            return
        on = date(qd.year(), qd.month(), qd.day())
        key = f"{code}/{self.assessment_id}"
        if key == self._past_for:
            self.model.set_history(self._past, on)
            self._update_focus(code, on)
            return
        # Read on the worker; until it comes, nothing is marked as a repeat.
        self._past_for = key
        self._past = []
        self.model.set_history([], on)
        self._history_seq += 1
        seq = self._history_seq

        def done(past) -> None:
            if seq != self._history_seq:
                return
            self._past = list(past)
            qd_now = self.date_edit.date()
            self.model.set_history(self._past, date(qd_now.year(), qd_now.month(), qd_now.day()))

        def failed(exc: BaseException) -> None:
            if seq == self._history_seq and not isinstance(exc, UserError):
                self.ctx.show_error(self, exc)

        self.ctx.run(assessment_list.past_findings, self.ctx.db, code, self.assessment_id, on_done=done,
                     on_error=failed, parent=self)
        self._update_focus(code, on)

    def _update_focus(self, code: str, on: date) -> None:
        """The provisions worker complaints raised since the supplier's previous assessment, as focus areas."""
        self._focus_seq = getattr(self, "_focus_seq", 0) + 1
        seq = self._focus_seq

        def done(areas) -> None:
            if seq != self._focus_seq:
                return
            if not areas.areas:
                self.focus_label.setVisible(False)
                return
            since = f"since the last assessment ({areas.since.isoformat()})" if areas.since else "so far"
            lines = [f"<b>Focus areas</b>: worker complaints {since}"]
            for a in areas.areas:
                extra = [f"{a.confirmed} confirmed"] if a.confirmed else []
                if a.retaliation:
                    extra.append("retaliation found")
                lines.append(f"• {a.title}: {a.complaints}" + (f" ({', '.join(extra)})" if extra else ""))
            self.focus_label.setText("<br>".join(lines))
            self.focus_label.setVisible(True)

        self.ctx.run(complaints.focus_areas_for, self.ctx.db, code, on, self.assessment_id, on_done=done,
                     on_error=lambda exc: None, parent=self)

    # --- live rating -------------------------------------------------------------------------------------------
    def _schedule_preview(self) -> None:
        if not self._loading:
            self._preview_timer.start()

    def refresh_rating(self) -> None:
        """Scores the input as it stands (nothing saved) on the worker and shows the rating and why; only the
        answer to the latest input is shown."""
        self._preview_timer.stop()
        self._preview_seq += 1
        seq = self._preview_seq
        data = self.current_input()
        if not data.supplier_code:
            self.rating_pending = False
            self.reasons.show_message("Choose a supplier to see the rating (its certifications count).")
            return
        missing = self.model.unclassified()
        if missing:
            self.rating_pending = False
            title = self.model.draft(missing[0]).title
            self.reasons.show_message(f"Choose a severity for “{title}” to see the rating: a free-text finding "
                                      "is not scored until it has one.")
            return
        self.rating_pending = True

        def done(result) -> None:
            if seq != self._preview_seq:
                return
            self.rating_pending = False
            self.reasons.show_result(result)

        def failed(exc: BaseException) -> None:
            if seq != self._preview_seq:
                return
            self.rating_pending = False
            if isinstance(exc, UserError):
                self.reasons.show_message(str(exc))
            else:
                self.reasons.show_message("The rating could not be worked out; see the error message.")
                self.ctx.show_error(self, exc)

        self.ctx.run(assessments.preview_rating, self.ctx.db, data, on_done=done, on_error=failed, parent=self)

    # --- adding and removing findings --------------------------------------------------------------------------
    def add_from_picker(self) -> None:
        """The Add button: the highlighted suggestion, else the text as a free-text finding."""
        if self.picker.text().strip():
            self.picker.submit()
        else:
            self.picker.setFocus()

    def add_own_text(self) -> None:
        """Ctrl+Enter: the typed words themselves, even when the library suggests entries."""
        if self.picker.text().strip():
            self.picker.submit_free()
        else:
            self.picker.setFocus()

    def add_library_finding(self, key: str) -> None:
        v = self._library.get(key)
        if v is None:
            self._set_message(f"{key} is not in the finding library.", error=True)
            return
        qd = self.date_edit.date()
        fill = self._laws.fill(v.legal_topic, date(qd.year(), qd.month(), qd.day())) if self._laws else None
        draft = FindingDraft(
            title=v.title, severity=v.severity, violation_type=v.key, category=v.category,
            code_requirement=v.code_requirement, legal_requirement=fill.text if fill else "",
            law_reference_id=fill.entry.id if fill else None,
        )
        self._add(draft, f"Add {v.key}")

    def add_free_finding(self, text: str) -> None:
        """A finding the library does not have: its severity is the one chosen beside the box, or none yet, and
        the user is asked for its category and severity (it is not scored, nor saved, without a severity)."""
        severity = self.free_severity.currentData() or ""
        self.free_severity.setCurrentIndex(0)  # chosen for one finding, not silently for the next ones
        row = self._add(FindingDraft(title=text, severity=severity), "Add free-text finding")
        need = " and severity" if not severity else ""
        self._set_message(f"“{text}” is not in the library: choose its category{need} in the grid"
                          + (" (Save needs a severity)." if not severity else "."), error=not severity)
        self.prompt_classification(row)

    def prompt_classification(self, row: int) -> None:
        """Opens the category choice of a free-text finding in the grid; the severity choice follows, then the
        keyboard goes back to the box for the next finding. Escape ends the prompts."""
        if not self.grid.isVisible() or not 0 <= row < self.model.rowCount():
            return
        self._prompting = row
        self._edit_cell(row, COL_CATEGORY)

    def _edit_cell(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.grid.setFocus()
        self.grid.setCurrentIndex(index)
        self.grid.edit(index)

    def _category_editor_closed(self, _editor, hint=None) -> None:
        row, self._prompting = self._prompting, None
        if row is None:
            return
        if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:  # Escape: no more questions
            return

        def next_step() -> None:
            if not 0 <= row < self.model.rowCount():
                return
            if not self.model.draft(row).severity:
                self._prompting = row
                self._edit_cell(row, COL_SEVERITY)
            else:
                self._prompt_done()

        QTimer.singleShot(0, self, next_step)

    def _severity_editor_closed(self, _editor, hint=None) -> None:
        row, self._prompting = self._prompting, None
        if row is None or hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:
            return
        if 0 <= row < self.model.rowCount() and self.model.draft(row).severity:
            QTimer.singleShot(0, self, self._prompt_done)

    def _prompt_done(self) -> None:
        if not self.model.unclassified() and self.message.text().startswith("“"):
            self._set_message("")
        self.picker.setFocus()

    def _add(self, draft: FindingDraft, label: str) -> int:
        row = self.model.add([draft], label)
        self.select_finding(row)
        self.grid.scrollTo(self.model.index(row, 0))
        self._set_message("")
        self.picker.setFocus()
        return row

    def select_finding(self, row: int) -> None:
        """Makes one finding the selection and the current row (QTableView.selectRow would add to it)."""
        index = self.model.index(row, 0)
        if not index.isValid():
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.grid.selectionModel().setCurrentIndex(index, flags)
        self.grid.scrollTo(index)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.grid.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if not rows and self.grid.currentIndex().isValid():
            rows = [self.grid.currentIndex().row()]
        if rows:
            self.model.remove(rows)
            if self.model.rowCount():
                self.select_finding(min(rows[0], self.model.rowCount() - 1))

    def _selection_changed(self, *_args) -> None:
        self.remove_button.setEnabled(bool(self.grid.selectionModel().selectedRows()))

    # --- the selected finding's text ---------------------------------------------------------------------------
    def _show_detail(self, *_args) -> None:
        index = self.grid.currentIndex()
        has = index.isValid()
        for edit in (self.description_edit, self.legal_edit, self.code_edit):
            edit.setEnabled(has)
        if not has or index.row() >= self.model.rowCount():
            self.detail_title.setText("Select a finding to describe what the auditor saw.")
            self.library_hint.set_full_text("")
            self.library_hint.setVisible(False)
            for edit in (self.description_edit, self.legal_edit, self.code_edit):
                with QSignalBlocker(edit):
                    edit.setPlainText("")
            return
        d = self.model.draft(index.row())
        lib = self._library.get(d.violation_type or "")
        self.detail_title.setText(f"{index.row() + 1}. {d.title}")
        hint = f"Library ({lib.key}): {lib.description}" if lib and lib.description else ""
        self.library_hint.set_full_text(hint)
        self.library_hint.setVisible(bool(hint))
        for edit, value in ((self.description_edit, d.description), (self.legal_edit, d.legal_requirement),
                            (self.code_edit, d.code_requirement)):
            if edit.toPlainText() != value:
                with QSignalBlocker(edit):
                    edit.setPlainText(value)

    def _detail_edited(self, field: str, edit: QPlainTextEdit) -> None:
        index = self.grid.currentIndex()
        if not index.isValid():
            return
        self.model.set_fields(index.row(), "Edit " + field.replace("_", " "), **{field: edit.toPlainText()})

    # --- saving ------------------------------------------------------------------------------------------------
    def _set_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;" if error else f"color: {theme.OK};")

    def _check(self, data: AssessmentInput) -> Optional[str]:
        if not data.supplier_code:
            return "Choose the supplier the assessment belongs to."
        for number, finding in enumerate(data.findings, start=1):
            if not finding.severity:
                return f"Choose a severity for “{finding.title}” (finding {number}): it is not in the library."
        return None

    def save(self, then: Optional[Callable[[], None]] = None) -> None:
        """Saves in the background; the editor keeps its content until the save succeeds or says why it failed.
        `then` runs once saved (not after a failure: the editor stays with the reason shown)."""
        if self._saving:
            return
        self._after_save = then
        data = self.current_input()
        problem = self._check(data)
        if problem:
            self._save_failed(UserError(problem))
            missing = self.model.unclassified()
            if data.supplier_code and missing:
                self.select_finding(missing[0])
            return
        # Keep the keyboard in the editor: the Save button is disabled while saving, and a disabled focused
        # button would hand the focus to the next widget of the window (the search box).
        focus = QApplication.focusWidget()
        if focus is None or focus is self.save_button or not self.isAncestorOf(focus):
            focus = self.grid
        self._focus_before_save = focus
        if self.save_button.hasFocus():
            self.grid.setFocus()
        self._saving = True
        self._changed()
        self._set_message("Saving…")
        if self.assessment_id is None:
            self.ctx.run(assessments.record_assessment, self.ctx.db, data, on_done=self._save_done,
                         on_error=self._save_failed, label="Saving the assessment…", parent=self)
        else:
            self.ctx.run(assessments.update_assessment, self.ctx.db, self.assessment_id, data,
                         on_done=self._save_done, on_error=self._save_failed, label="Saving the assessment…",
                         parent=self)

    def _save_done(self, detail: AssessmentDetail) -> None:
        self._saving = False
        self.last_error = None
        current = self.grid.currentIndex().row()
        self.show_detail(detail)
        if 0 <= current < self.model.rowCount():
            self.select_finding(current)
        items = f" and its draft CAP #{detail.cap_id}" if detail.cap_id else ""
        self._set_message(f"Saved at {datetime.now():%H:%M}: {detail.rating}, {detail.score} points{items}.")
        self._restore_focus()
        self.saved.emit(detail)
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    def _restore_focus(self) -> None:
        target, self._focus_before_save = self._focus_before_save, None
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus) and focus.isEnabled():
            return
        if target is None or not target.isEnabled() or not target.isVisible():
            target = self.grid
        if self.isVisible():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self._after_save = None
        text = " ".join(str(exc).split()) or exc.__class__.__name__
        self.last_error = text
        self._set_message("Not saved: " + text, error=True)
        self._changed()
        self._restore_focus()
        if isinstance(exc, ConcurrentEdit) and self.assessment_id is not None:
            shown = self.assessment_id
            offer_reload(self, exc, lambda: self.load(shown, then=lambda: self._set_message(
                "Reloaded: this is the assessment as saved now.")))
        elif not isinstance(exc, UserError):
            self.ctx.show_error(self, exc)

    def revert(self) -> None:
        if self.assessment_id is None:
            self.new_assessment((self._saved_input.supplier_code if self._saved_input else "") or None)
            self._set_message("Changes thrown away.")
        else:
            self.load(self.assessment_id, then=lambda: self._set_message("Changes thrown away."))


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
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([430, 1000])
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
    def new_assessment(self, supplier_code: Optional[str] = None) -> bool:
        """Starts a new assessment (once unsaved edits are saved or thrown away); False when the user stayed."""
        def start() -> None:
            self.editor.ensure_reference()
            self.editor.new_assessment(supplier_code)
            self._select_in_list(None)
            self.editor.supplier_box.setFocus()

        return self.leave(start)

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
        if kind == "supplier":
            return self.new_assessment(str(item_id))
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
        if state is not None:
            self.splitter.restoreState(state)
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
