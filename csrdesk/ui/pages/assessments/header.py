"""The assessment editor's header: supplier, type, date, audit firm and standard; the chosen supplier's
earlier findings (repeats), law references and the focus areas worker complaints raised."""
from __future__ import annotations

import logging
from datetime import date
from typing import Optional

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDateEdit, QFrame, QGridLayout, QLabel, QLineEdit, QStyle, QWidget,
)

from csrdesk.services import assessment_list, complaints, laws
from csrdesk.services.assessment_list import SupplierChoice
from csrdesk.services.assessments import ASSESSMENT_TYPES
from csrdesk.errors import UserError

log = logging.getLogger(__name__)


def placeholder_width(edit: QLineEdit) -> int:
    """The width a line edit needs to show its placeholder whole, measured with its own font: the text, the
    frame, Qt's two-pixel margin on each side and the text margins."""
    frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
    margins = edit.textMargins()
    return (edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + 2 * frame + 4 + margins.left()
            + margins.right() + 6)


class HeaderSection:
    """Mixin of AssessmentEditor: the header card and what follows from the chosen supplier and date."""

    def _build_header(self) -> QFrame:
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
        self.supplier_box.setMinimumWidth(150)
        # A chosen supplier reads from its code: a label longer than the box is cut at its end, not its start.
        self.supplier_box.currentIndexChanged.connect(lambda _i: self._show_supplier_start())
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
        self.denied_box = QCheckBox("Access denied", header)
        self.denied_box.setToolTip("The auditor was denied access to the site or to records")
        self.notes_edit = QLineEdit(header)
        self.notes_edit.setPlaceholderText("Notes (optional)")

        def label(text: str) -> QLabel:
            lab = QLabel(text)
            lab.setObjectName("muted")
            return lab

        # The supplier ("CN-70002 · Dhaka Knitwear & Garments Manufacturing Ltd.") has the first line up to the date;
        # the type sits beside the notes (beside the supplier it left room for half a registered name).
        grid.addWidget(label("Supplier"), 0, 0)
        grid.addWidget(self.supplier_box, 0, 1, 1, 5)
        grid.addWidget(label("Date"), 0, 6)
        grid.addWidget(self.date_edit, 0, 7)
        grid.addWidget(label("Audit firm"), 1, 0)
        grid.addWidget(self.firm_edit, 1, 1)
        grid.addWidget(label("Auditor"), 1, 2)
        grid.addWidget(self.auditor_edit, 1, 3)
        grid.addWidget(label("Standard"), 1, 4)
        # The standard takes the room under the date: "SLCP converged assessment" and "Crossbridge Assurance"
        # were cut in their boxes while "Access denied" held the end of the line (it sits beside the type now).
        grid.addWidget(self.standard_edit, 1, 5, 1, 3)
        grid.addWidget(label("Type"), 2, 0)
        grid.addWidget(self.type_box, 2, 1)
        grid.addWidget(self.denied_box, 2, 2, 1, 2)
        grid.addWidget(label("Notes"), 2, 4)
        grid.addWidget(self.notes_edit, 2, 5, 1, 3)
        order = (self.supplier_box, self.date_edit, self.firm_edit, self.auditor_edit, self.standard_edit,
                 self.type_box, self.denied_box, self.notes_edit)  # Tab goes as the eye reads, line by line
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        # The standard's box also spans the date's columns: of the room left, the audit firm takes the most
        # ("Crossbridge Assurance"), the auditor's name less, the standard the rest.
        for col, stretch in ((1, 3), (3, 2), (5, 1)):
            grid.setColumnStretch(col, stretch)
        for edit in (self.firm_edit, self.standard_edit):  # "e.g. Bureau Veritas" shows whole, whatever the font
            edit.setMinimumWidth(placeholder_width(edit))
        return header

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
        self._show_supplier_start()  # also when its signals are blocked

    def _show_supplier_start(self) -> None:
        self.supplier_box.lineEdit().setCursorPosition(0)
        self.supplier_box.setToolTip(self.supplier_box.currentText())

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
