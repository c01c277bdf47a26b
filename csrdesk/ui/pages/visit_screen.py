"""The visit screen: verdicts for a CAP's items at a verification visit, keyboard first.

Keys 1-4 set the verdict of the selected item (1 done correctly, 2 done with errors, 3 not done, 4 not checked) and
move to the next one; 0 or Delete clears it; Enter or F2 goes to the note, which takes any language (Esc comes
back). The summary under the table says what the visit will do: the progress rate after it and the category the
evidence and verdicts suggest (domain.verification), which the person may confirm or change before saving.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from csrdesk.domain.verification import (
    PROGRESS_CATEGORIES, VERDICT_KEYS, Verdict, evidence_before_visit, suggest_category, tally, visit_progress_rate,
)
from csrdesk.services.verification import (
    VerdictInput, VisitDetail, VisitScreenData, record_visit, sheet_verdicts, visit_screen_data,
)
from csrdesk.ui import theme
from csrdesk.ui.context import AppContext, is_user_error, show_error
from csrdesk.ui.tables import Column, RowTableModel, TableView
from csrdesk.ui.widgets.message_label import MessageLabel
from csrdesk.ui.widgets.wheel_guard import wheel_only_with_focus

VERDICT_COLOURS = {Verdict.DONE_CORRECTLY: theme.OK, Verdict.DONE_WITH_ERRORS: theme.WARNING,
                   Verdict.NOT_DONE: theme.OVERDUE, Verdict.NOT_CHECKED: theme.MUTED}


@dataclass
class Entry:
    """One item on the screen and the verdict given to it so far."""

    item: Any  # the item as the on-site sheet shows it (exchange.visit_sheet.SheetItem, from the service)
    verdict: Optional[Verdict] = None
    note: str = ""

    @property
    def id(self) -> int:
        return self.item.item_id


class VisitDialog(QDialog):
    """Records one verification visit of a CAP."""

    recorded = Signal(object)  # the VisitDetail saved

    def __init__(self, ctx: AppContext, cap_id: int, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cap_id = cap_id
        self.data: Optional[VisitScreenData] = None
        self.entries: list[Entry] = []
        self.result_visit: Optional[VisitDetail] = None
        self.setWindowTitle(f"Verification visit: CAP #{cap_id}")
        self.resize(1240, 760)

        self.title = QLabel("Loading…")
        self.title.setObjectName("sectionTitle")
        self.visit_date = QDateEdit(QDate.currentDate())
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        self.visit_date.setMaximumDate(QDate.currentDate())
        self.verifier = QLineEdit()
        self.verifier.setPlaceholderText("Who verified")
        self.evidence = QComboBox()
        self.evidence.addItem("Work it out from the items", None)
        self.evidence.addItem("Evidence came before the visit", True)
        self.evidence.addItem("No evidence before the visit", False)
        self.category = QComboBox()
        self.category.addItem("Take the suggestion for now", None)
        for number, (text, _zh) in PROGRESS_CATEGORIES.items():
            self.category.addItem(f"{number}: {text}", number)
        wheel_only_with_focus(self.visit_date, self.evidence, self.category)
        self.visit_date.setMinimumWidth(self.visit_date.fontMetrics().horizontalAdvance("2026-12-31") + 60)
        form = QHBoxLayout()
        for label, widget, stretch in (("Visit date", self.visit_date, 0), ("Verifier", self.verifier, 1),
                                       ("Evidence", self.evidence, 1)):
            form.addWidget(QLabel(label))
            form.addWidget(widget, stretch)

        self.model = RowTableModel([
            Column("Item", lambda e: e.item.item_id, width=70),
            Column("Finding", lambda e: e.item.finding, width=330,  # the whole finding (it may end in …), its plan
                   tooltip=lambda e: e.item.finding + (f"\n\nPlan: {e.item.plan}" if e.item.plan else "")),
            Column("Area", lambda e: e.item.category.split("\n")[0], width=150),
            Column("Status", lambda e: e.item.status, width=120),
            Column("Due", lambda e: e.item.due_date, width=95),
            Column("Evidence", lambda e: e.item.evidence or "—", width=150),
            Column("Verdict", lambda e: e.verdict.label if e.verdict else "", width=140, bold=lambda e: True,
                   colour=lambda e: QColor(VERDICT_COLOURS[e.verdict]) if e.verdict else None),
            Column("Note", lambda e: e.note.replace("\n", " ")),
        ], self, id_getter=lambda e: e.id)
        self.table = TableView(settings_key="visit.items", placeholder="No open items to verify.")
        self.table.setModel(self.model)
        self.table.installEventFilter(self)
        self.table.selection_changed_rows.connect(lambda _rows: self._show_note())
        keys = QLabel("Keys: 1 done correctly · 2 done with errors · 3 not done · 4 not checked (say why) · "
                      "0 clear · Enter: note")
        keys.setObjectName("muted")
        keys.setWordWrap(True)

        # "Note for item 132: <the finding>": wraps (a long finding widened the dialog past the screen).
        self.note_label = MessageLabel("Note")  # as tall as its lines
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("What you saw, checked and were told (any language); required for not checked")
        self.note.setTabChangesFocus(True)
        self.note.installEventFilter(self)
        self.note.textChanged.connect(self._note_changed)
        note_box = QWidget()
        note_layout = QVBoxLayout(note_box)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.addWidget(self.note_label)
        note_layout.addWidget(self.note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(keys)
        splitter.addWidget(table_box)
        splitter.addWidget(note_box)
        splitter.setSizes([520, 120])

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.OVERDUE};")
        self.error.setVisible(False)
        self.load_sheet = QPushButton("Load on-site sheet…")
        self.load_sheet.setToolTip("Take the verdicts from a returned on-site sheet; check them here, then save")
        self.load_sheet.clicked.connect(lambda: self.choose_sheet())
        self.save_button = QPushButton("Save visit")
        self.save_button.setObjectName("primary")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save())
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        # Enter in a box and Ctrl+Enter anywhere save the visit: Save is the default button and the others never
        # take that role when focused (Load on-site sheet was the first button, so Ctrl+Enter opened a file picker).
        for b in (self.load_sheet, cancel):
            b.setAutoDefault(False)
        self.save_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Category"))
        buttons.addWidget(self.category, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.load_sheet)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.evidence.currentIndexChanged.connect(lambda _i: self._update_summary())
        theme.decorate(self)
        self.load_task = ctx.run(visit_screen_data, ctx.db, cap_id, on_done=self._fill, parent=self)

    # -- data ----------------------------------------------------------------------------------------------------
    def _fill(self, data: VisitScreenData) -> None:
        self.data = data
        sheet = data.sheet
        self.title.setText(f"{sheet.supplier_name} ({sheet.supplier_code}) · CAP #{sheet.cap_id} · "
                           f"{len(sheet.items)} open items")
        if data.booked_date and data.booked_date <= date.today():
            self.visit_date.setDate(QDate(data.booked_date.year, data.booked_date.month, data.booked_date.day))
        if data.verifier:
            self.verifier.setText(data.verifier)
        self.entries = [Entry(item) for item in sheet.items]
        self.model.set_rows(self.entries)
        self.table.fit_columns(stretch=7)
        self.table.ensure_column_fits(6, [v.label for v in Verdict], bold=True)
        self.save_button.setEnabled(True)
        if self.entries:
            self.table.selectRow(0)
            self.table.setFocus()
        self._update_summary()

    def set_verdict(self, verdict: Optional[Verdict], advance: bool = True) -> None:
        """Sets the verdict of the selected item and moves to the next (keys 1-4)."""
        entry = self.table.current_row()
        if entry is None:
            return
        entry.verdict = verdict
        self.model.replace_row(entry)
        self._update_summary()
        if advance:
            row = self.table.currentIndex().row()
            if row + 1 < self.model.rowCount():
                self.table.selectRow(row + 1)

    def _show_note(self) -> None:
        entry = self.table.current_row()
        self.note.blockSignals(True)
        self.note.setPlainText(entry.note if entry else "")
        self.note.blockSignals(False)
        self.note.setEnabled(entry is not None)
        self.note_label.setText(f"Note for item {entry.id}: {entry.item.finding}" if entry else "Note")

    def _note_changed(self) -> None:
        entry = self.table.current_row()
        if entry is not None:
            entry.note = self.note.toPlainText()
            self.model.replace_row(entry)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(obj, event)
        key = event.key()
        if obj is self.table:
            text = event.text()
            if text in VERDICT_KEYS:
                self.set_verdict(VERDICT_KEYS[text])
                return True
            if key in (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.set_verdict(None, advance=False)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2) and self.table.current_row() is not None:
                self.note.setFocus()
                self.note.moveCursor(self.note.textCursor().MoveOperation.End)
                return True
        if obj is self.note and key == Qt.Key.Key_Escape:
            self.table.setFocus()
            return True
        return super().eventFilter(obj, event)

    def judged(self) -> list[Entry]:
        return [e for e in self.entries if e.verdict is not None]

    def _update_summary(self) -> None:
        if self.data is None:
            return
        judged = self.judged()
        t = tally(e.verdict for e in judged)
        verified_now = sum(1 for e in judged if e.verdict is Verdict.DONE_CORRECTLY)
        rate = visit_progress_rate(self.data.total_items, self.data.done_items + verified_now)
        forced = self.evidence.currentData()
        with_evidence = sum(1 for e in judged if e.verdict is not Verdict.NOT_CHECKED
                            and (e.item.evidence or e.item.status not in ("open", "action planned")))
        evidence = evidence_before_visit(with_evidence, t.checked) if forced is None else bool(forced)
        suggestion = suggest_category(evidence, [e.verdict for e in judged])
        parts = [f"{len(judged)} of {len(self.entries)} items judged: {t.done_correctly} done correctly, "
                 f"{t.done_with_errors} with errors, {t.not_done} not done, {t.not_checked} not checked",
                 f"progress after the visit {rate if rate is not None else '—'}%"]
        if suggestion:
            parts.append(f"suggested category {suggestion.category}: {suggestion.reason}")
        self.summary.setText(" · ".join(parts))
        self.suggested = suggestion

    def verdicts(self) -> list[VerdictInput]:
        return [VerdictInput(e.id, e.verdict, e.note) for e in self.judged()]

    # -- loading a sheet and saving -------------------------------------------------------------------------------
    def choose_sheet(self, path: Optional[str] = None) -> None:
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self, "On-site sheet", "", "Excel workbooks (*.xlsx)")
        if path:
            self.ctx.run(sheet_verdicts, self.ctx.db, path, self.cap_id, on_done=self._sheet_read,
                         on_error=self._failed, parent=self)

    def _sheet_read(self, result) -> None:
        verdicts, _sha = result
        by_id = {e.id: e for e in self.entries}
        for v in verdicts:
            entry = by_id.get(v.item_id)
            if entry is not None:
                entry.verdict = v.verdict if isinstance(v.verdict, Verdict) else Verdict(v.verdict)
                entry.note = v.note
                self.model.replace_row(entry)
        self._show_note()
        self._update_summary()
        self.error.setVisible(False)

    def save(self) -> None:
        if not self.judged():
            self._show_problem("Give at least one item a verdict (keys 1-4) before saving.")
            return
        unexplained = next((e for e in self.judged() if e.verdict is Verdict.NOT_CHECKED and not e.note.strip()),
                           None)
        if unexplained is not None:
            # Straight to the box that is missing, rather than a refusal that leaves the user to find the item.
            self.table.select_id(unexplained.id)
            self._show_note()
            self.note.setFocus()
            self._show_problem(f"Item {unexplained.id} ({unexplained.item.finding}) is not checked, so it needs a note "
                               "saying why: write it in the box below; nothing was saved yet.")
            return
        qd = self.visit_date.date()
        self.save_button.setEnabled(False)
        self.ctx.run(record_visit, self.ctx.db, self.cap_id, date(qd.year(), qd.month(), qd.day()), self.verdicts(),
                     verifier=self.verifier.text(), evidence=self.evidence.currentData(),
                     category=self.category.currentData(), on_done=self._saved, on_error=self._failed, parent=self,
                     label="Saving the visit")

    def _saved(self, visit: VisitDetail) -> None:
        self.result_visit = visit
        self.ctx.notify("verification")
        self.ctx.notify("caps")
        self.recorded.emit(visit)
        self.accept()

    def _show_problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.data is not None)
        if is_user_error(exc):
            self._show_problem(str(exc))
        else:
            show_error(self, exc)
