"""One vetting screen as a form: its questions, the live score, knock-outs, the suggestion and the decision.

The form scores itself on every keystroke through domain.vetting_screen.ScreenState (no database call); saving,
deciding, exporting and importing run on the database worker through the AppContext.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea,
    QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from csrdesk.domain.vetting import (
    KIND_LABELS, NA, Answer, Decision, Evaluation, Question,
)
from csrdesk.domain.vetting_screen import Mark, ScreenState
from csrdesk.services import vetting as service
from csrdesk.errors import ConcurrentEdit, UserError
from csrdesk.services.vetting import AnswerInput, ScreenDetail, ScreenToEdit
from csrdesk.ui import theme
from csrdesk.ui.dialogs.concurrent import offer_reload
from csrdesk.ui.pages.vetting.dialogs import DECISION_COLOURS, esc, run_import
from csrdesk.ui.pages.base import muted, section_title
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.elided_label import ElidedLabel
from csrdesk.ui.widgets.dialog_keys import ask_text
from csrdesk.ui.widgets.placeholder import hint
from csrdesk.ui.widgets.shortcuts import shortcut


def wrap_condition_table(table: QTableWidget) -> None:
    """A conditions table in the narrow decision panel shows each condition whole: the Condition column takes what
    the short columns (due date, status) leave, long conditions wrap onto more lines, and nothing scrolls sideways
    (the columns cut the text to "Ha…" and the header to "onditic" at 1360x840)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, table.columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class QuestionRow(QFrame):
    """A question with its answer widget, evidence and comment boxes, and how the answer scores."""

    edited = Signal(str, object)  # the question's id, its AnswerInput as typed now

    def __init__(self, q: Question, number: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.q = q
        self.setObjectName("questionRow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 6)
        layout.setSpacing(3)
        required = " <span style='color:%s'>*</span>" % theme.OVERDUE if q.required else ""
        knock = " <span style='color:%s'>[knock-out]</span>" % theme.OVERDUE if q.has_knockout else ""
        zh = f"<br><span style='color:{theme.MUTED}'>{esc(q.text_zh)}</span>" if q.text_zh else ""
        self.label = QLabel(f"<b>{number}</b>&nbsp; {esc(q.text)}{required}{knock}{zh}")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        tips = [t for t in (q.help, q.help_zh) if t]
        if q.evidence:
            tips.append("Evidence is required for a positive answer.")
        if q.weight:
            tips.append(f"Weight {q.weight:g}.")
        self.label.setToolTip("\n".join(tips))
        layout.addWidget(self.label)
        line = QHBoxLayout()
        line.setSpacing(6)
        self.input = self._make_input()
        line.addWidget(self.input, 3)
        self.browse: Optional[QPushButton] = None
        if q.type == "file":
            self.browse = QPushButton("Choose…")
            self.browse.clicked.connect(self._choose_file)
            line.addWidget(self.browse)
        self.evidence = QLineEdit()
        hint(self.evidence, "Evidence" + (" (required)" if q.evidence else ""),
             "Evidence for this answer: a file name or a note" + (" (required)" if q.evidence else ""))
        self.evidence.textEdited.connect(lambda _t: self._edited())
        self.evidence.setVisible(q.type != "file")
        line.addWidget(self.evidence, 2)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Comment")
        self.comment.textEdited.connect(lambda _t: self._edited())
        line.addWidget(self.comment, 2)
        self.mark = QLabel()
        self.mark.setMinimumWidth(90)
        self.mark.setWordWrap(True)
        line.addWidget(self.mark, 1)
        layout.addLayout(line)
        if q.help or q.help_zh:
            help_label = muted(" / ".join(t for t in (q.help, q.help_zh) if t))
            layout.addWidget(help_label)

    def _make_input(self) -> QWidget:
        q = self.q
        if q.type in ("yesno", "choice"):
            combo = QComboBox()
            # Long bilingual option labels must not widen the whole form; the list pops up at full width.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
            combo.addItem("", None)
            if q.type == "yesno":
                combo.addItem("Yes / 是", "yes")
                combo.addItem("No / 否", "no")
            else:
                for o in q.options:
                    combo.addItem(f"{o.label} / {o.label_zh}" if o.label_zh else o.label, o.value)
            if q.allow_na:
                combo.addItem("n/a / 不适用", NA)
            combo.currentIndexChanged.connect(lambda _i: self._edited())
            return combo
        edit = QLineEdit()
        edit.setPlaceholderText({"number": "a number" + (f" ({q.unit})" if q.unit else ""),
                                 "date": "YYYY-MM-DD", "text": "answer", "file": "file name"}[q.type]
                                + (" or n/a" if q.allow_na and q.type in ("number", "date") else ""))
        edit.textEdited.connect(lambda _t: self._edited())
        return edit

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Evidence file")
        if name:
            self.input.setText(Path(name).name)
            self._edited()

    def _edited(self) -> None:
        self.edited.emit(self.q.id, self.answer_input())

    # -- values ------------------------------------------------------------------------------------------------------
    def raw(self) -> Any:
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        return self.input.text().strip() or None

    def answer_input(self) -> AnswerInput:
        return AnswerInput(self.raw(), self.evidence.text().strip(), self.comment.text().strip())

    def set_answer(self, a: Optional[Answer]) -> None:
        a = a or Answer()
        with QSignalBlocker(self.input):
            if isinstance(self.input, QComboBox):
                index = self.input.findData(a.value) if a.value is not None else 0
                self.input.setCurrentIndex(max(index, 0))
            else:
                value = a.value
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                self.input.setText("" if value is None else str(value))
        self.evidence.setText(a.evidence)
        self.comment.setText(a.comment)
        # A stored answer longer than its box reads from its beginning ("Ayse Demir, HR manager…"), not its end.
        for box in (self.input, self.evidence, self.comment):
            if isinstance(box, QLineEdit):
                box.setCursorPosition(0)

    def set_value(self, value: Any) -> None:
        """Sets the answer as a user would (tests and shortcuts), and tells the form."""
        if isinstance(self.input, QComboBox):
            index = self.input.findData(value)
            if index < 0:
                index = self.input.findText(str(value), Qt.MatchFlag.MatchStartsWith)
            self.input.setCurrentIndex(max(index, 0))
        else:
            self.input.setText("" if value is None else str(value))
            self._edited()

    def set_read_only(self, read_only: bool) -> None:
        # Choose… too: on a decided screen it put another file name into the answer and marked the form edited.
        for w in (self.input, self.evidence, self.comment, self.browse):
            if w is not None:
                w.setEnabled(not read_only)

    def show_mark(self, mark: Mark) -> None:
        """Shows how the answer scores (from the screen's state)."""
        colour, text = _MARK_LOOK[mark.kind]
        text = text.format(esc(mark.text))
        html = f"<span style='color:{colour}'>{text}</span>" if mark.kind not in ("knockout",) else \
            f"<b style='color:{colour}'>{text}</b>"
        if mark.evidence_missing:
            html += f"<br><span style='color:{theme.WARNING}'>evidence missing</span>"
        self.mark.setText(html)


# Colour and wording of each kind of mark beside an answer ({} is the mark's text).
_MARK_LOOK = {
    "error": (theme.OVERDUE, "{}"), "unanswered": (theme.MUTED, "{}"), "knockout": (theme.OVERDUE, "⛔ {}"),
    "na": (theme.MUTED, "{}"), "met": (theme.OK, "✓ {}"), "short": (theme.WARNING, "✗ {}"),
    "noted": (theme.MUTED, "{}"),
}


# -- the screen form ----------------------------------------------------------------------------------------------

class ScreenForm(QWidget):
    """One screen: its questions, live score, knock-outs, suggested decision, and the reviewer's decision."""

    changed = Signal()  # the database changed (saved, decided, reopened, imported)
    dirty_changed = Signal(bool)
    shown = Signal()  # a screen is on the form (its minimum width may have changed)

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Optional[ScreenDetail] = None
        self.rows: dict[str, QuestionRow] = {}
        self.state: Optional[ScreenState] = None
        self._was_dirty = False
        self._default_reviewer = ""
        self._gate: Optional[list[str]] = None

        # Who is screened, on one line whatever the fonts: shortened with … to the width it has (the whole name in
        # the tooltip); the checklist's title goes to the line under it.
        self.title = ElidedLabel()
        self.title.setObjectName("sectionTitle")
        self.subtitle = muted()
        self.status = muted()  # what the last action did (a file written, answers imported)
        self.export_button = QPushButton("Send questionnaire…")
        self.export_button.setToolTip("Write this screen as an Excel questionnaire (English and Chinese) to e-mail")
        self.export_button.clicked.connect(self.export_questionnaire)
        self.import_button = QPushButton("Import answers…")
        self.import_button.setToolTip("Read a questionnaire the supplier filled in; the changes are shown first")
        self.import_button.clicked.connect(lambda: self.import_questionnaire())
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_screen)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = primary_button("Save answers")
        self.save_button.clicked.connect(lambda: self.save())
        self.save_button.setToolTip("Save the answers (Ctrl+S)")
        # Ctrl+S saves the answers from any box of the screen, as in the assessment editor.
        shortcut(QKeySequence.StandardKey.Save, self, lambda: self.save() if self.save_button.isEnabled() else None)
        # The title and the screen's facts have the whole width (the title wrapped to three lines beside the
        # buttons); the buttons sit on the line under them, beside what the last action did.
        top = QVBoxLayout()
        top.setSpacing(2)
        top.addWidget(self.title)
        top.addWidget(self.subtitle)
        facts = QHBoxLayout()
        facts.addWidget(self.status, 1)
        for b in (self.export_button, self.import_button, self.delete_button, self.revert_button, self.save_button):
            facts.addWidget(b, 0, Qt.AlignmentFlag.AlignBottom)
        top.addLayout(facts)

        self.questions_box = QWidget()
        self.questions_layout = QVBoxLayout(self.questions_box)
        self.questions_layout.setContentsMargins(0, 0, 8, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.questions_box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll = scroll

        # The side panel: the score and why, then the decision.
        self.score_label = QLabel("—")
        self.score_label.setStyleSheet("font-size: 22pt; font-weight: 700;")
        self.score_bar = QProgressBar()
        self.score_bar.setRange(0, 100)
        self.score_bar.setTextVisible(False)
        self.score_bar.setFixedHeight(8)
        self.progress_label = muted()
        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        self.knockout_label = QLabel()
        self.knockout_label.setWordWrap(True)
        self.knockout_label.setTextFormat(Qt.TextFormat.RichText)
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.gate_label = QLabel()
        self.gate_label.setWordWrap(True)
        self.gate_label.setTextFormat(Qt.TextFormat.RichText)

        self.decision_box = self._build_decision_box()
        self.decided_box = self._build_decided_box()

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        side_layout.addWidget(section_title("Score"))
        side_layout.addWidget(self.score_label)
        side_layout.addWidget(self.score_bar)
        side_layout.addWidget(self.progress_label)
        side_layout.addWidget(self.suggestion_label)
        side_layout.addWidget(self.knockout_label)
        side_layout.addWidget(self.reasons_label)
        side_layout.addWidget(self.gate_label)
        side_layout.addWidget(self.decision_box)
        side_layout.addWidget(self.decided_box)
        side_layout.addStretch(1)
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setWidget(side)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The decision panel and the questions are never cut on the right: each is as wide as its content needs.
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side, self.side_scroll = side, side_scroll
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_widths()

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(side_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([800, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._update_buttons()

    def _fit_widths(self) -> None:
        """The questions and the decision panel each as wide as what they show needs (measured with the fonts
        the machine has, for the boxes shown now: the decided box is narrower than the decision form), so neither
        is cut on the right and the screens list beside the form keeps the rest."""
        bar = self.side_scroll.verticalScrollBar().sizeHint().width()
        self.side_scroll.setMinimumWidth(self.side.minimumSizeHint().width() + bar + 4)
        self.side_scroll.setMaximumWidth(max(430, self.side_scroll.minimumWidth()))
        self.scroll.setMinimumWidth(self.questions_box.minimumSizeHint().width() + bar + 2)

    def _build_decision_box(self) -> QGroupBox:
        box = QGroupBox("Reviewer's decision")
        form = QFormLayout(box)
        self.decision_combo = QComboBox()
        for d in Decision:
            self.decision_combo.addItem(d.value, d.value)
        self.decision_combo.currentIndexChanged.connect(self._decision_changed)
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setPlaceholderText("who decides")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate.currentDate())
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.conditions_table = QTableWidget(0, 2)
        self.conditions_table.setHorizontalHeaderLabels(["Condition", "Due"])
        self.conditions_table.horizontalHeaderItem(1).setToolTip("Due date, as YYYY-MM-DD")
        self.conditions_table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("0000-00-00") + 28)
        self.conditions_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.conditions_table.verticalHeader().setVisible(False)
        self.conditions_table.setMinimumHeight(110)
        wrap_condition_table(self.conditions_table)
        add = QPushButton("Add")
        add.clicked.connect(lambda: self._add_condition("", date.today() + timedelta(days=30)))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_condition)
        propose = QPushButton("Propose from answers")
        propose.setToolTip("The conditions the checklist proposes for the answers that fell short")
        propose.clicked.connect(self.propose_conditions)
        buttons = QHBoxLayout()
        for b in (add, remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.conditions_widget = QWidget()
        cond_layout = QVBoxLayout(self.conditions_widget)
        cond_layout.setContentsMargins(0, 0, 0, 0)
        cond_layout.addWidget(self.conditions_table)
        cond_layout.addLayout(buttons)
        # On a line of its own: beside Add and Remove the three made the panel (and so the screen) wider than the
        # screens list could spare at 1360x840.
        cond_layout.addWidget(propose, 0, Qt.AlignmentFlag.AlignLeft)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText("Notes for the record and the letter")
        self.notes_edit.setFixedHeight(60)
        self.decide_button = primary_button("Record decision")
        self.decide_button.clicked.connect(self.record_decision)
        form.addRow("Decision", self.decision_combo)
        form.addRow("Reviewer", self.reviewer_edit)
        form.addRow("Date", self.date_edit)
        form.addRow(self.conditions_widget)
        form.addRow("Notes", self.notes_edit)
        form.addRow(self.decide_button)
        return box

    def _build_decided_box(self) -> QGroupBox:
        box = QGroupBox("Decision")
        layout = QVBoxLayout(box)
        self.decided_label = QLabel()
        self.decided_label.setWordWrap(True)
        self.decided_label.setTextFormat(Qt.TextFormat.RichText)
        # Two columns in the narrow panel: the condition, and its due date with its status under it (a third
        # column pushed the status title out of sight at 1360x840).
        self.decided_conditions = QTableWidget(0, 2)
        self.decided_conditions.setHorizontalHeaderLabels(["Condition", "Due, status"])
        self.decided_conditions.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.decided_conditions.verticalHeader().setVisible(False)
        self.decided_conditions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.decided_conditions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.decided_conditions.setMinimumHeight(100)
        wrap_condition_table(self.decided_conditions)
        met = QPushButton("Mark met")
        met.clicked.connect(lambda: self._condition_status("closed"))
        reopen_condition = QPushButton("Open again")
        reopen_condition.clicked.connect(lambda: self._condition_status("open"))
        row = QHBoxLayout()
        row.addWidget(met)
        row.addWidget(reopen_condition)
        row.addStretch(1)
        self.letter_button = QPushButton("Decision letter…")
        self.letter_button.clicked.connect(self.write_letter)
        self.reopen_button = QPushButton("Reopen screen…")
        self.reopen_button.setToolTip("Take back the decision so the answers can change")
        self.reopen_button.clicked.connect(self.reopen)
        bottom = QHBoxLayout()
        bottom.addWidget(self.letter_button)
        bottom.addWidget(self.reopen_button)
        bottom.addStretch(1)
        layout.addWidget(self.decided_label)
        layout.addWidget(self.decided_conditions)
        layout.addLayout(row)
        layout.addLayout(bottom)
        return box

    # -- showing a screen ------------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.state is not None and self.state.dirty

    @property
    def evaluation(self) -> Optional[Evaluation]:
        return self.state.evaluation if self.state is not None else None

    def _dirty_maybe_changed(self) -> None:
        dirty = self.dirty
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)
        self._update_buttons()

    def show_screen(self, detail: ScreenDetail, gate: Optional[list[str]] = None, reviewer: str = "") -> None:
        """Builds the form for a screen (its own template version) and shows its answers and decision."""
        if self.detail is None or self.detail.id != detail.id:
            self.status.setText("")
        self.detail = detail
        self.state = ScreenState(detail.template, detail.answers, decided=detail.decided,
                                 decision_date=detail.decision_date)
        self._default_reviewer = reviewer
        self._gate = gate
        t = detail.template
        version_note = ""
        if detail.latest_version != t.version:
            version_note = f" · filled against version {t.version} (the template is now at {detail.latest_version})"
        self.title.set_full_text(detail.name)
        self.subtitle.setText(f"{t.title} · screen {detail.id} · {KIND_LABELS.get(t.kind, t.kind)} · version "
                              f"{t.version}{version_note} · {detail.status}")
        # Rebuild the questions (a screen may use another version than the one shown before).
        while self.questions_layout.count():
            item = self.questions_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        numbering = t.numbering()
        if t.description:
            self.questions_layout.addWidget(muted(t.description))
        for si, section in enumerate(t.sections, start=1):
            box = QGroupBox(f"{si}. {section.title}" + (f" / {section.title_zh}" if section.title_zh else ""))
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(0)
            for q in section.questions:
                row = QuestionRow(q, numbering[q.id])
                row.set_answer(detail.answers.get(q.id))
                row.edited.connect(self._answer_edited)
                self.rows[q.id] = row
                box_layout.addWidget(row)
            self.questions_layout.addWidget(box)
        self.questions_layout.addStretch(1)
        for row in self.rows.values():
            row.set_read_only(detail.decided)
        if gate:
            self.gate_label.setText(f"<b>Approval gate for {esc(detail.supplier_code)}:</b> "
                                    + "<br>".join(esc(g) for g in gate))
        elif detail.supplier_code and t.kind == "supplier":
            self.gate_label.setText(f"<b>Approval gate for {esc(detail.supplier_code)}:</b> "
                                    f"<span style='color:{theme.OK}'>nothing missing</span>")
        else:
            self.gate_label.setText("")
        self._show_decision(detail)
        self._dirty_maybe_changed()
        self.refresh_score()
        QTimer.singleShot(0, self, self._after_shown)  # measured once the new rows are laid out

    def _after_shown(self) -> None:
        self._fit_widths()
        self.shown.emit()

    def _show_decision(self, detail: ScreenDetail) -> None:
        self.decision_box.setVisible(not detail.decided)
        self.decided_box.setVisible(detail.decided)
        if detail.decided:
            colour = DECISION_COLOURS.get(detail.decision or "", theme.TEXT)
            notes = f"<br>{esc(detail.notes)}" if detail.notes else ""
            self.decided_label.setText(
                f"<b style='color:{colour}'>{esc(detail.decision)}</b> by {esc(detail.reviewer)} on "
                f"{detail.decision_date}{notes}")
            self.decided_conditions.setRowCount(0)
            for c in detail.conditions:
                r = self.decided_conditions.rowCount()
                self.decided_conditions.insertRow(r)
                item = QTableWidgetItem(c.text)
                item.setToolTip(c.text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.decided_conditions.setItem(r, 0, item)
                status = QTableWidgetItem(f"{c.due_date or 'no date'}\n{c.status}" + ("\noverdue" if c.overdue else ""))
                if c.overdue:
                    status.setForeground(QColor(theme.OVERDUE))
                self.decided_conditions.setItem(r, 1, status)
            self.decided_conditions.setVisible(bool(detail.conditions))
        else:
            self.reviewer_edit.setText(detail.reviewer or self._default_reviewer)
            self.notes_edit.setPlainText(detail.notes or "")
            self.date_edit.setMaximumDate(QDate.currentDate())
            self.date_edit.setDate(QDate.currentDate())
            self.conditions_table.setRowCount(0)

    def clear(self) -> None:
        self.detail = None
        self.state = None
        self.status.setText("")
        self.rows = {}
        while self.questions_layout.count():
            item = self.questions_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.title.set_full_text("")
        self.subtitle.setText("")
        self._dirty_maybe_changed()

    # -- live score ------------------------------------------------------------------------------------------------
    def refresh_score(self) -> Optional[Evaluation]:
        """Shows the score, the marks beside the answers, the suggestion and its reasons from the screen's state."""
        state = self.state
        if state is None:
            return None
        e = state.evaluation
        for qid, row in self.rows.items():
            row.show_mark(state.mark(qid))
        self.score_label.setText(f"{e.score:g}")
        self.score_bar.setValue(int(round(e.score)))
        self.progress_label.setText(state.progress_text())
        colour = DECISION_COLOURS[e.suggested.value]
        self.suggestion_label.setText(f"Suggested: <b style='color:{colour}'>{e.suggested.value}</b>")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        if e.knockouts:
            items = "".join(f"<li>{esc(k.text)} — <b>{esc(k.answer)}</b></li>" for k in e.knockouts)
            self.knockout_label.setText(f"<b style='color:{theme.OVERDUE}'>Knock-outs ({len(e.knockouts)})</b>"
                                        f"<ul style='margin:0'>{items}</ul>")
        else:
            self.knockout_label.setText(f"<span style='color:{theme.MUTED}'>No knock-out answer.</span>")
        self.reasons_label.setText("<ul style='margin-left:-20px'>"
                                   + "".join(f"<li>{esc(r)}</li>" for r in state.reasons()) + "</ul>")
        if not state.decided:
            with QSignalBlocker(self.decision_combo):
                self.decision_combo.setCurrentIndex(self.decision_combo.findData(state.decision.value))
            self._show_conditions_box()
        return e

    def _answer_edited(self, question_id: str, typed: AnswerInput) -> None:
        if self.state is None:
            return
        self.state.edit(question_id, typed)
        self.status.setText("")  # "Answers saved", "imported…" no longer describe the form once it is edited
        self._dirty_maybe_changed()
        self.refresh_score()

    def _decision_changed(self, *_args) -> None:
        if self.state is not None and self.decision_combo.currentData():
            self.state.choose_decision(self.decision_combo.currentData())
        self._show_conditions_box()

    def _show_conditions_box(self) -> None:
        self.conditions_widget.setVisible(self.decision_combo.currentData() == Decision.CONDITIONS.value)

    def _update_buttons(self) -> None:
        state = self.state
        self.save_button.setEnabled(state is not None and state.can_save)
        self.revert_button.setEnabled(state is not None and state.can_revert)
        for b in (self.export_button, self.import_button, self.delete_button):
            b.setEnabled(state is not None and state.can_change)

    # -- conditions in the decision box -----------------------------------------------------------------------------
    def _add_condition(self, text: str, due: Optional[date]) -> None:
        r = self.conditions_table.rowCount()
        self.conditions_table.insertRow(r)
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        self.conditions_table.setItem(r, 0, item)
        self.conditions_table.setItem(r, 1, QTableWidgetItem(due.isoformat() if due else ""))

    def _remove_condition(self) -> None:
        rows = sorted({i.row() for i in self.conditions_table.selectedIndexes()}, reverse=True)
        for r in rows or [self.conditions_table.rowCount() - 1]:
            if r >= 0:
                self.conditions_table.removeRow(r)

    def _condition_rows(self) -> list[tuple[str, str]]:
        table = self.conditions_table
        return [tuple(table.item(r, c).text() if table.item(r, c) else "" for c in (0, 1))
                for r in range(table.rowCount())]

    def propose_conditions(self) -> None:
        if self.state is None:
            return
        have = [text for text, _due in self._condition_rows()]
        for text, due in self.state.proposed_conditions(self.date_edit.date().toPython(), have):
            self._add_condition(text, due)

    # -- actions ---------------------------------------------------------------------------------------------------
    def answers_to_save(self) -> dict[str, AnswerInput]:
        return self.state.answers_to_save() if self.state is not None else {}

    def save(self, then: Optional[Callable[[], None]] = None) -> None:
        """Saves the edited answers on the worker, then shows the screen as saved and calls `then`; on an error
        the edits stay in the form (and `then` is not called)."""
        if self.detail is None:
            return
        answers = self.answers_to_save()
        if not answers:
            if then:
                then()
            return
        screen_id = self.detail.id

        def done(_detail) -> None:
            self.status.setText(f"Answers saved at {datetime.now():%H:%M}.")
            self.changed.emit()
            self.load(screen_id, then)

        self.ctx.run(service.save_answers, self.ctx.db, screen_id, answers, seen_version=self.detail.version,
                     on_done=done, on_error=self._save_failed, label="Saving answers…", parent=self)

    def _save_failed(self, exc: BaseException) -> None:
        """A colleague saved this screen since it was shown: say who and offer to reload (the edits stay in the
        form until then); other errors as usual."""
        if isinstance(exc, ConcurrentEdit) and self.detail is not None:
            shown = self.detail.id
            offer_reload(self, exc, lambda: self.load(shown))
        else:
            self.ctx.show_error(self, exc)

    def load(self, screen_id: int, then: Optional[Callable[[], None]] = None) -> None:
        def shown(result: ScreenToEdit) -> None:
            self.show_screen(result.detail, result.gate, result.user_name)
            if then:
                then()

        self.ctx.run(service.screen_to_edit, self.ctx.db, screen_id, on_done=shown, parent=self)

    def revert(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)

    def discard(self) -> None:
        """Throws the edits away at once: the screen as it was read."""
        if self.detail is not None:
            self.show_screen(self.detail, self._gate, self._default_reviewer)

    def record_decision(self) -> None:
        """Saves the answers still edited and records the decision, in one transaction on the worker."""
        if self.detail is None or self.state is None:
            return
        try:
            request = self.state.decision_request(self.reviewer_edit.text(), self.date_edit.date().toPython(),
                                                  self.notes_edit.toPlainText(), self._condition_rows())
        except UserError as exc:
            self.ctx.show_error(self, exc)
            return
        screen_id = self.detail.id

        def done(detail) -> None:
            # Said now, so the line never still shows what an earlier action did ("Answers imported from …").
            self.status.setText(f"Decision recorded: {detail.decision}. Decision letter… writes it for the "
                                "supplier." if detail.supplier_code else f"Decision recorded: {detail.decision}.")
            self.changed.emit()
            self.load(screen_id)

        self.ctx.run(service.save_and_decide, self.ctx.db, screen_id, request.answers, request.decision,
                     request.reviewer, decided_on=request.decided_on, conditions=request.conditions,
                     notes=request.notes, seen_version=self.detail.version, on_done=done,
                     on_error=self._save_failed, label="Recording the decision…", parent=self)

    def reopen(self) -> None:
        if self.detail is None:
            return
        note, ok = ask_text(self, "Reopen screen", "Why is the decision taken back? (kept in the history)",
                             multiline=False)
        if not ok:
            return
        screen_id = self.detail.id
        self.ctx.run(service.reopen_screen, self.ctx.db, screen_id, note=note, seen_version=self.detail.version,
                     on_done=lambda _d: (self.status.setText("Screen reopened: its answers can change again."),
                                         self.changed.emit(), self.load(screen_id)),
                     on_error=self._save_failed, parent=self)

    def _condition_status(self, status: str) -> None:
        rows = {i.row() for i in self.decided_conditions.selectedIndexes()}
        if not rows or self.detail is None:
            return
        screen_id = self.detail.id
        ids = [self.decided_conditions.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in sorted(rows)]

        self.ctx.run(service.set_conditions_status, self.ctx.db, ids, status,
                     on_done=lambda _r: (self.changed.emit(), self.load(screen_id)), parent=self)

    def delete_screen(self) -> None:
        if self.detail is None or self.detail.decided:
            return
        answer = QMessageBox.question(self, "Delete screen", f"Delete screen {self.detail.id} for "
                                      f"{self.detail.name} and its answers?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.run(service.delete_screen, self.ctx.db, self.detail.id,
                     on_done=lambda _r: (self.clear(), self.changed.emit()), parent=self)

    def export_questionnaire(self) -> None:
        if self.detail is None:
            return
        from csrdesk.services.vetting import export_questionnaire

        who = (self.detail.supplier_code or self.detail.subject or "screen").replace("/", "-")
        suggested = str(Path.home() / f"{self.detail.template.title} - {who}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "Send questionnaire", suggested, "Excel workbook (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        screen_id = self.detail.id

        def written(p) -> None:
            self.status.setText(f"Questionnaire written to {p}: e-mail it, then import the answers that come back.")

        def go() -> None:
            self.ctx.run(export_questionnaire, self.ctx.db, screen_id, path, on_done=written,
                         label="Writing the questionnaire…", parent=self)

        self.save(then=go)

    def import_questionnaire(self, path: Optional[str] = None) -> None:
        if self.detail is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import answers", str(Path.home()), "Excel workbook (*.xlsx)")
            if not path:
                return
        def applied(screen_id: int) -> None:
            self.status.setText(f"Answers imported from {Path(path).name}.")
            self.changed.emit()
            self.load(screen_id)

        run_import(self.ctx, self, path, self.detail.id, on_applied=applied)

    def write_letter(self) -> None:
        if self.detail is None or not self.detail.decided:
            return
        who = (self.detail.supplier_code or self.detail.subject or "screen").replace("/", "-")
        suggested = str(Path.home() / f"Vetting decision - {who}.docx")
        path, _ = QFileDialog.getSaveFileName(self, "Decision letter", suggested, "Word document (*.docx)")
        if not path:
            return
        if not path.lower().endswith(".docx"):
            path += ".docx"
        from csrdesk.services.letters import render_vetting_letter  # loads docxtpl: only when a letter is written

        self.ctx.run(render_vetting_letter, self.ctx.db, self.detail.id, path,
                     on_done=lambda p: self.status.setText(f"Decision letter written to {p}."),
                     label="Writing the letter…", parent=self)

