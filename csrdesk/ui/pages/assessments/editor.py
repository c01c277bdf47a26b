"""The assessment editor: records or edits one assessment with a live rating and why, and saves it."""
from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Callable, Optional

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication, QCompleter, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.services import assessment_list, assessments, laws, library
from csrdesk.services.assessment_list import SupplierChoice
from csrdesk.services.assessments import AssessmentDetail, AssessmentInput
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.widgets.audit_report_bar import AuditReportBar
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.elided_label import ElidedLabel
from csrdesk.ui.widgets.findings_grid import (
    COL_CATEGORY, COL_SEVERITY, FindingDraft, FindingsModel,
)
from csrdesk.ui.widgets.reasons_panel import ReasonsPanel
from csrdesk.ui.pages.assessments.findings import FindingsSection
from csrdesk.ui.pages.assessments.header import HeaderSection
from csrdesk.ui.widgets.shortcuts import shortcut

log = logging.getLogger(__name__)

COMMON_STANDARDS = ("SMETA 6.1", "amfori BSCI", "SLCP", "WRAP", "SA8000", "ICTI Ethical Toy Program", "Brand code")
PREVIEW_DELAY_MS = 40


class AssessmentEditor(HeaderSection, FindingsSection, QWidget):
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
        self._message_until_edited = False
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
        self._reference_reading = False
        self._reference_seq = 0
        self._reference_waiting: list[Callable[[], None]] = []
        self._build()
        self._connect()
        self.new_assessment()

    # --- building ----------------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        # One line that ends in … beside the saved state (a long supplier name widened the editor past the
        # window, the list beside it scrolling sideways); the whole title is in its tooltip.
        self.title = ElidedLabel("New assessment")
        self.title.setObjectName("sectionTitle")
        self.state_label = QLabel("")
        self.state_label.setObjectName("muted")
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.state_label)
        outer.addLayout(title_row)

        outer.addWidget(self._build_header())

        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setChildrenCollapsible(False)
        left = self._build_findings(body)

        right = QWidget(body)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 6, 0, 0)
        self.reasons = ReasonsPanel(right)
        self.reasons.setMinimumWidth(195)
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
        body.setSizes([760, 220])
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
        # The auditor's PDF, kept with the assessment, on a line of its own: beside the message and the buttons
        # its sentence was cut to "Audit …" at 1360x840.
        self.report_bar = AuditReportBar(self.ctx, self)
        outer.addWidget(self.report_bar)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)

        shortcut(QKeySequence.StandardKey.Save, self, self.save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(keys, self, self.add_own_text)
        grid_only = Qt.ShortcutContext.WidgetShortcut
        shortcut(QKeySequence.StandardKey.Delete, self.grid, self.remove_selected, grid_only)
        shortcut(QKeySequence.StandardKey.Undo, self.grid, self.undo_stack.undo, grid_only)
        shortcut(QKeySequence.StandardKey.Redo, self.grid, self.undo_stack.redo, grid_only)

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
        self.picker.classify_requested.connect(lambda: self.prompt_next_unclassified())
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
    def ensure_reference(self, then: Optional[Callable[[], None]] = None) -> None:
        """Reads the reference data the first time the editor is needed (not while the window starts), on the
        database worker; `then` runs once it is there: at once when it already is, after the read on its way when
        one is (so a supplier just added is in the box)."""
        if then is not None:
            self._reference_waiting.append(then)
        if self._reference_reading:
            return  # a read is on its way (after a change notice, a new supplier): `then` waits for it
        if self.reference_loaded:
            self._run_reference_waiting()
        else:
            self.reload_reference_data()

    def reload_reference_data(self) -> None:
        """Suppliers, the finding library, categories and the matrix: read on the database worker once, and again
        after a change notice; the editor stays usable meanwhile (with what it had)."""
        self._reference_seq += 1
        seq = self._reference_seq
        self._reference_reading = True

        def done(ref: assessment_list.EditorReference) -> None:
            if seq != self._reference_seq:
                return
            self._reference_reading = False
            self._apply_reference(ref)
            self._run_reference_waiting()

        def failed(exc: BaseException) -> None:
            if seq != self._reference_seq:
                return
            self._reference_reading = False
            self._reference_waiting.clear()
            self.ctx.show_error(self, exc)

        self.ctx.run(assessment_list.editor_reference, self.ctx.db, on_done=done, on_error=failed, parent=self)

    def _run_reference_waiting(self) -> None:
        waiting, self._reference_waiting = self._reference_waiting, []
        for then in waiting:
            then()

    def _apply_reference(self, ref: assessment_list.EditorReference) -> None:
        self.reference_loaded = True
        self._library = {v.key: v for v in ref.violation_types}
        self._categories = [(c.key, c.title) for c in ref.categories]
        self.model.set_category_titles(dict(self._categories))
        self.model.set_matrix(ref.matrix)
        self.picker.set_library(self._library.values())
        self.set_suppliers(ref.suppliers)
        firms = QCompleter(ref.audit_firms, self.firm_edit)
        firms.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.firm_edit.setCompleter(firms)
        standards = sorted(set(COMMON_STANDARDS) | set(ref.standards))
        completer = QCompleter(standards, self.standard_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.standard_edit.setCompleter(completer)
        self._schedule_preview()

    # --- opening -----------------------------------------------------------------------------------------------
    def default_type(self, supplier_code: Optional[str]) -> str:
        """Pre-production for a supplier not yet approved (a prospect, or in vetting); periodic otherwise."""
        status = next((s.status for s in self._suppliers if s.code == supplier_code), None)
        return "pre-production" if status in ("prospect", "vetting") else "periodic"

    def new_assessment(self, supplier_code: Optional[str] = None, assessment_type: Optional[str] = None,
                       on: Optional[date] = None) -> None:
        self._open_seq += 1  # an assessment still being read must not replace the new one
        self.loading_assessment = None
        self._loading = True
        try:
            self.assessment_id = None
            self._seen_version = None
            self.cap_id = None
            self.report_bar.set_assessment(None)
            self.supplier_box.setEnabled(True)
            with QSignalBlocker(self.supplier_box):
                self._select_supplier(supplier_code)
            self.type_box.setCurrentText(assessment_type or self.default_type(supplier_code))
            self.date_edit.setDate(QDate(on.year, on.month, on.day) if on else QDate.currentDate())
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
        self.title.set_full_text("New assessment")
        self._set_message("")
        self._say_by_box("")
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
        if detail.id != self.assessment_id or self._message_until_edited:
            self._set_message("")  # a message about the assessment shown before is not about this one
            self._say_by_box("")
        self.loading_assessment = None
        self._loading = True
        try:
            self.assessment_id = detail.id
            self._seen_version = detail.version
            self.cap_id = detail.cap_id
            self.report_bar.set_assessment(detail.id)
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
            for edit in (self.firm_edit, self.auditor_edit, self.standard_edit, self.notes_edit,
                         self.supplier_box.lineEdit()):
                edit.setCursorPosition(0)  # show the start of a long value (the supplier's code), not its end
            self.model.load([FindingDraft.from_row(f) for f in detail.findings])
            self.undo_stack.clear()
            self._past_for = None
            self._update_history()
        finally:
            self._loading = False
        self._saved_input = self.current_input()
        self.title.set_full_text(f"{detail.supplier_code} · {detail.supplier_name} — {detail.assessment_type} "
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
        if dirty and self._message_until_edited:
            self._set_message("")  # "Saved at 14:02" is no longer true of what is shown
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

    # --- saving ------------------------------------------------------------------------------------------------
    def _set_message(self, text: str, *, error: bool = False, until_edited: bool = False) -> None:
        """The line by the Save button. A message `until_edited` ("Saved at 14:02", "Changes thrown away") says
        what is true of the assessment as shown: it goes at the next edit, or when another assessment is shown."""
        self._message_until_edited = until_edited
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;" if error else f"color: {theme.OK};")

    def _check(self, data: AssessmentInput) -> Optional[str]:
        if not data.supplier_code:
            return "Choose the supplier the assessment belongs to."
        for number, finding in enumerate(data.findings, start=1):
            # A finding added now needs a category (one saved before the rule came is left as it was).
            if not finding.category and not finding.violation_type and finding.finding_id is None:
                return f"Choose a category for “{finding.title}” (finding {number}): it is not in the library."
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
            missing = [i for i, d in enumerate(self.model.drafts()) if not d.severity
                       or (not d.category and not d.violation_type and d.finding_id is None)]
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
        self._set_message(f"Saved at {datetime.now():%H:%M}: {detail.rating}, {detail.score} points{items}.",
                          until_edited=True)
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
                "Reloaded: this is the assessment as saved now.", until_edited=True)))
        elif not isinstance(exc, UserError):
            self.ctx.show_error(self, exc)

    def revert(self) -> None:
        if self.assessment_id is None:
            self.new_assessment((self._saved_input.supplier_code if self._saved_input else "") or None)
            self._set_message("Changes thrown away.", until_edited=True)
        else:
            self.load(self.assessment_id, then=lambda: self._set_message("Changes thrown away.", until_edited=True))
