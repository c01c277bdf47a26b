"""The vetting page: screens filled as forms with a live score, the reviewer's decision, conditions, templates.

The form scores itself on every keystroke with the domain rules (no database call); saving, deciding, exporting
and importing run on the database worker through the AppContext.
"""
from __future__ import annotations

import html
import logging
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
    QFormLayout, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QListWidget,
    QMessageBox, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSpinBox, QSplitter, QStackedWidget,
    QTableWidget, QTableWidgetItem, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from csrdesk.domain.vetting import (
    KIND_LABELS, NA, QUESTION_TYPES, TYPE_LABELS, YES, Answer, AnswerError, Decision, Evaluation, Option, Question,
    Section, Template, TemplateError, Thresholds, add_question, add_section, evaluate, move_question,
    new_question_id, parse_answer, remove_question, replace_question, validate,
)
from csrdesk.services import vetting as service
from csrdesk.errors import UserError
from csrdesk.services.vetting import AnswerInput, ConditionInput, ScreenDetail, ScreenRow
from csrdesk.ui import theme
from csrdesk.ui.pages.base import Page, ask_save_first, muted, page_header, section_title
from csrdesk.ui.tables import Column, FilterBox, RowTableModel, TableView, count_text
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.elided_label import ElidedLabel

log = logging.getLogger(__name__)

DECISION_COLOURS = {"approve": theme.OK, "approve with conditions": theme.WARNING, "reject": theme.OVERDUE}
_DECISION_Q = {k: QColor(v) for k, v in DECISION_COLOURS.items()}


def _esc(text: str) -> str:
    return html.escape(text or "")


def _load_screen(db, screen_id: int) -> tuple[ScreenDetail, list[str], str]:
    """The screen, what the approval gate still misses for its supplier, and the user's name (worker side)."""
    from csrdesk.services.settings import load_preferences
    from csrdesk.services.suppliers import approval_gate

    detail = service.screen_detail(db, screen_id)
    gate: list[str] = []
    if detail.supplier_code and detail.template.kind == "supplier":
        gate = approval_gate(db, detail.supplier_code)
    return detail, gate, load_preferences(db).user_name


def _save_and_decide(db, screen_id: int, answers: Optional[dict], decision: str, reviewer: str, decided_on: date,
                     conditions: Optional[list[ConditionInput]], notes: str) -> int:
    if answers:
        service.save_answers(db, screen_id, answers)
    service.decide_screen(db, screen_id, decision, reviewer, decided_on=decided_on, conditions=conditions,
                          notes=notes)
    return screen_id


# -- one question in the form -------------------------------------------------------------------------------------

class QuestionRow(QFrame):
    """A question with its answer widget, evidence and comment boxes, and how the answer scores."""

    changed = Signal()

    def __init__(self, q: Question, number: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.q = q
        self.setObjectName("questionRow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 6)
        layout.setSpacing(3)
        required = " <span style='color:%s'>*</span>" % theme.OVERDUE if q.required else ""
        knock = " <span style='color:%s'>[knock-out]</span>" % theme.OVERDUE if q.has_knockout else ""
        zh = f"<br><span style='color:{theme.MUTED}'>{_esc(q.text_zh)}</span>" if q.text_zh else ""
        self.label = QLabel(f"<b>{number}</b>&nbsp; {_esc(q.text)}{required}{knock}{zh}")
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
        if q.type == "file":
            browse = QPushButton("Choose…")
            browse.clicked.connect(self._choose_file)
            line.addWidget(browse)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("Evidence: file or note" + (" (required)" if q.evidence else ""))
        self.evidence.textEdited.connect(lambda _t: self.changed.emit())
        self.evidence.setVisible(q.type != "file")
        line.addWidget(self.evidence, 2)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Comment")
        self.comment.textEdited.connect(lambda _t: self.changed.emit())
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
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            return combo
        edit = QLineEdit()
        edit.setPlaceholderText({"number": "a number" + (f" ({q.unit})" if q.unit else ""),
                                 "date": "YYYY-MM-DD", "text": "answer", "file": "file name"}[q.type]
                                + (" or n/a" if q.allow_na and q.type in ("number", "date") else ""))
        edit.textEdited.connect(lambda _t: self.changed.emit())
        return edit

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Evidence file")
        if name:
            self.input.setText(Path(name).name)
            self.changed.emit()

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

    def set_value(self, value: Any) -> None:
        """Sets the answer as a user would (tests and shortcuts), and tells the form."""
        if isinstance(self.input, QComboBox):
            index = self.input.findData(value)
            if index < 0:
                index = self.input.findText(str(value), Qt.MatchFlag.MatchStartsWith)
            self.input.setCurrentIndex(max(index, 0))
        else:
            self.input.setText("" if value is None else str(value))
            self.changed.emit()

    def parsed(self) -> tuple[Optional[Answer], str]:
        """(the answer as it would be stored, an error message)."""
        try:
            value = parse_answer(self.q, self.raw())
        except AnswerError as exc:
            return None, str(exc)
        return Answer(value, " ".join(self.evidence.text().split()), self.comment.text().strip()), ""

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.input, self.evidence, self.comment):
            w.setEnabled(not read_only)

    def show_result(self, evaluation: Evaluation, error: str) -> None:
        if error:
            self.mark.setText(f"<span style='color:{theme.OVERDUE}'>{_esc(error)}</span>")
            return
        r = evaluation.results.get(self.q.id)
        if r is None or not r.answered:
            text = f"<span style='color:{theme.MUTED}'>{'required' if self.q.required else ''}</span>"
        elif r.knockout:
            text = f"<b style='color:{theme.OVERDUE}'>⛔ knock-out</b>"
        elif not r.applicable:
            text = f"<span style='color:{theme.MUTED}'>n/a</span>"
        elif r.possible and r.earned >= r.possible:
            text = f"<span style='color:{theme.OK}'>✓ {r.earned:g}/{r.possible:g}</span>"
        elif r.possible:
            note = f" ({_esc(r.note)})" if r.note else ""
            text = f"<span style='color:{theme.WARNING}'>✗ {r.earned:g}/{r.possible:g}{note}</span>"
        else:
            text = f"<span style='color:{theme.MUTED}'>noted</span>"
        if r is not None and r.evidence_missing:
            text += f"<br><span style='color:{theme.WARNING}'>evidence missing</span>"
        self.mark.setText(text)


# -- the screen form ----------------------------------------------------------------------------------------------

class ScreenForm(QWidget):
    """One screen: its questions, live score, knock-outs, suggested decision, and the reviewer's decision."""

    changed = Signal()  # the database changed (saved, decided, reopened, imported)
    dirty_changed = Signal(bool)

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: Optional[ScreenDetail] = None
        self.rows: dict[str, QuestionRow] = {}
        self.evaluation: Optional[Evaluation] = None
        self._dirty = False
        self._default_reviewer = ""

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
        self.import_button.clicked.connect(self.import_questionnaire)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_screen)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = primary_button("Save answers")
        self.save_button.clicked.connect(lambda: self.save())
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
        side_scroll.setMinimumWidth(320)
        side_scroll.setMaximumWidth(430)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(420)

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
        self.conditions_table.setHorizontalHeaderLabels(["Condition", "Due (YYYY-MM-DD)"])
        self.conditions_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.conditions_table.verticalHeader().setVisible(False)
        self.conditions_table.setMinimumHeight(110)
        add = QPushButton("Add")
        add.clicked.connect(lambda: self._add_condition("", date.today() + timedelta(days=30)))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_condition)
        propose = QPushButton("Propose from answers")
        propose.setToolTip("The conditions the checklist proposes for the answers that fell short")
        propose.clicked.connect(self.propose_conditions)
        buttons = QHBoxLayout()
        for b in (add, remove, propose):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.conditions_widget = QWidget()
        cond_layout = QVBoxLayout(self.conditions_widget)
        cond_layout.setContentsMargins(0, 0, 0, 0)
        cond_layout.addWidget(self.conditions_table)
        cond_layout.addLayout(buttons)
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
        self.decided_conditions = QTableWidget(0, 3)
        self.decided_conditions.setHorizontalHeaderLabels(["Condition", "Due", "Status"])
        self.decided_conditions.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.decided_conditions.verticalHeader().setVisible(False)
        self.decided_conditions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.decided_conditions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.decided_conditions.setMinimumHeight(100)
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
        return self._dirty

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self._update_buttons()

    def show_screen(self, detail: ScreenDetail, gate: Optional[list[str]] = None, reviewer: str = "") -> None:
        """Builds the form for a screen (its own template version) and shows its answers and decision."""
        if self.detail is None or self.detail.id != detail.id:
            self.status.setText("")
        self.detail = detail
        self._default_reviewer = reviewer
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
                row.changed.connect(self._answer_changed)
                self.rows[q.id] = row
                box_layout.addWidget(row)
            self.questions_layout.addWidget(box)
        self.questions_layout.addStretch(1)
        for row in self.rows.values():
            row.set_read_only(detail.decided)
        if gate:
            self.gate_label.setText(f"<b>Approval gate for {_esc(detail.supplier_code)}:</b> "
                                    + "<br>".join(_esc(g) for g in gate))
        elif detail.supplier_code and t.kind == "supplier":
            self.gate_label.setText(f"<b>Approval gate for {_esc(detail.supplier_code)}:</b> "
                                    f"<span style='color:{theme.OK}'>nothing missing</span>")
        else:
            self.gate_label.setText("")
        self._show_decision(detail)
        self._set_dirty(False)
        self.refresh_score()

    def _show_decision(self, detail: ScreenDetail) -> None:
        self.decision_box.setVisible(not detail.decided)
        self.decided_box.setVisible(detail.decided)
        if detail.decided:
            colour = DECISION_COLOURS.get(detail.decision or "", theme.TEXT)
            notes = f"<br>{_esc(detail.notes)}" if detail.notes else ""
            self.decided_label.setText(
                f"<b style='color:{colour}'>{_esc(detail.decision)}</b> by {_esc(detail.reviewer)} on "
                f"{detail.decision_date}{notes}")
            self.decided_conditions.setRowCount(0)
            for c in detail.conditions:
                r = self.decided_conditions.rowCount()
                self.decided_conditions.insertRow(r)
                item = QTableWidgetItem(c.text)
                item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.decided_conditions.setItem(r, 0, item)
                self.decided_conditions.setItem(r, 1, QTableWidgetItem(str(c.due_date or "")))
                status = QTableWidgetItem(c.status + (" · overdue" if c.overdue else ""))
                if c.overdue:
                    status.setForeground(QColor(theme.OVERDUE))
                self.decided_conditions.setItem(r, 2, status)
            self.decided_conditions.setVisible(bool(detail.conditions))
        else:
            self.reviewer_edit.setText(detail.reviewer or self._default_reviewer)
            self.notes_edit.setPlainText(detail.notes or "")
            self.date_edit.setMaximumDate(QDate.currentDate())
            self.date_edit.setDate(QDate.currentDate())
            self.conditions_table.setRowCount(0)

    def clear(self) -> None:
        self.detail = None
        self.status.setText("")
        self.rows = {}
        while self.questions_layout.count():
            item = self.questions_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.title.set_full_text("")
        self.subtitle.setText("")
        self._set_dirty(False)

    # -- live score ------------------------------------------------------------------------------------------------
    def current_answers(self) -> tuple[dict[str, Answer], dict[str, str]]:
        """The answers as typed (parsed by the domain rules) and the errors of those that do not fit."""
        answers: dict[str, Answer] = {}
        errors: dict[str, str] = {}
        for qid, row in self.rows.items():
            answer, error = row.parsed()
            if error:
                errors[qid] = error
            elif answer is not None and (answer.value is not None or answer.evidence or answer.comment):
                answers[qid] = answer
        return answers, errors

    def refresh_score(self) -> Optional[Evaluation]:
        if self.detail is None:
            return None
        answers, errors = self.current_answers()
        when = self.detail.decision_date or date.today()
        e = evaluate(self.detail.template, answers, when)
        self.evaluation = e
        for qid, row in self.rows.items():
            row.show_result(e, errors.get(qid, ""))
        self.score_label.setText(f"{e.score:g}")
        self.score_bar.setValue(int(round(e.score)))
        th = self.detail.template.thresholds
        self.progress_label.setText(
            f"{e.answered} of {e.questions} answered · approve at {th.approve:g}, with conditions at "
            f"{th.conditional:g}" + (f" · {len(errors)} answer(s) not readable" if errors else ""))
        colour = DECISION_COLOURS[e.suggested.value]
        self.suggestion_label.setText(f"Suggested: <b style='color:{colour}'>{e.suggested.value}</b>")
        self.suggestion_label.setTextFormat(Qt.TextFormat.RichText)
        if e.knockouts:
            items = "".join(f"<li>{_esc(k.text)} — <b>{_esc(k.answer)}</b></li>" for k in e.knockouts)
            self.knockout_label.setText(f"<b style='color:{theme.OVERDUE}'>Knock-outs ({len(e.knockouts)})</b>"
                                        f"<ul style='margin:0'>{items}</ul>")
        else:
            self.knockout_label.setText(f"<span style='color:{theme.MUTED}'>No knock-out answer.</span>")
        # Knock-outs are listed above; the other reasons explain the score and the conditions.
        reasons = [r for r in e.reasons if not r.startswith("Knock-out:")]
        self.reasons_label.setText("<ul style='margin-left:-20px'>"
                                   + "".join(f"<li>{_esc(r)}</li>" for r in reasons) + "</ul>")
        if not self.detail.decided and not self._decision_touched:
            with QSignalBlocker(self.decision_combo):
                self.decision_combo.setCurrentIndex(self.decision_combo.findData(e.suggested.value))
            self._decision_changed()
        return e

    _decision_touched = False

    def _answer_changed(self) -> None:
        self._set_dirty(True)
        self.refresh_score()

    def _decision_changed(self, *_args) -> None:
        if self.sender() is self.decision_combo:
            self._decision_touched = True
        self.conditions_widget.setVisible(self.decision_combo.currentData() == Decision.CONDITIONS.value)

    def _update_buttons(self) -> None:
        has = self.detail is not None
        decided = bool(self.detail and self.detail.decided)
        self.save_button.setEnabled(has and self._dirty and not decided)
        self.revert_button.setEnabled(has and self._dirty)
        self.export_button.setEnabled(has and not decided)
        self.import_button.setEnabled(has and not decided)
        self.delete_button.setEnabled(has and not decided)

    # -- conditions in the decision box -----------------------------------------------------------------------------
    def _add_condition(self, text: str, due: Optional[date]) -> None:
        r = self.conditions_table.rowCount()
        self.conditions_table.insertRow(r)
        self.conditions_table.setItem(r, 0, QTableWidgetItem(text))
        self.conditions_table.setItem(r, 1, QTableWidgetItem(due.isoformat() if due else ""))

    def _remove_condition(self) -> None:
        rows = sorted({i.row() for i in self.conditions_table.selectedIndexes()}, reverse=True)
        for r in rows or [self.conditions_table.rowCount() - 1]:
            if r >= 0:
                self.conditions_table.removeRow(r)

    def propose_conditions(self) -> None:
        e = self.refresh_score()
        if e is None:
            return
        start = self.date_edit.date().toPython()
        have = {self.conditions_table.item(r, 0).text() for r in range(self.conditions_table.rowCount())
                if self.conditions_table.item(r, 0)}
        for c in e.conditions:
            if c.text not in have:
                self._add_condition(c.text, start + timedelta(days=c.days))

    def conditions(self) -> list[ConditionInput]:
        out = []
        for r in range(self.conditions_table.rowCount()):
            text_item, due_item = self.conditions_table.item(r, 0), self.conditions_table.item(r, 1)
            text = text_item.text().strip() if text_item else ""
            due_text = due_item.text().strip() if due_item else ""
            if not text:
                continue
            try:
                due = date.fromisoformat(due_text) if due_text else None
            except ValueError:
                raise UserError(f"The due date {due_text!r} of “{text}” is not a date (YYYY-MM-DD).") from None
            out.append(ConditionInput(text, due))
        return out

    # -- actions ---------------------------------------------------------------------------------------------------
    def answers_to_save(self) -> dict[str, AnswerInput]:
        out = {}
        for qid, row in self.rows.items():
            new = row.answer_input()
            old = self.detail.answers.get(qid, Answer()) if self.detail else Answer()
            parsed, error = row.parsed()
            if error or parsed != old:
                out[qid] = new
        return out

    def save(self, then: Optional[Callable[[], None]] = None) -> None:
        if self.detail is None:
            return
        answers = self.answers_to_save()
        if not answers:
            self._set_dirty(False)
            if then:
                then()
            return
        screen_id = self.detail.id

        def done(_detail) -> None:
            self._set_dirty(False)
            self.changed.emit()
            self.load(screen_id, then)

        self.ctx.run(service.save_answers, self.ctx.db, screen_id, answers, on_done=done, label="Saving answers…",
                     parent=self)

    def load(self, screen_id: int, then: Optional[Callable[[], None]] = None) -> None:
        def shown(result) -> None:
            detail, gate, reviewer = result
            self._decision_touched = False
            self.show_screen(detail, gate, reviewer)
            if then:
                then()

        self.ctx.run(_load_screen, self.ctx.db, screen_id, on_done=shown, parent=self)

    def revert(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)

    def record_decision(self) -> None:
        if self.detail is None:
            return
        try:
            conditions = self.conditions() if self.decision_combo.currentData() == Decision.CONDITIONS.value else []
        except UserError as exc:
            self.ctx.show_error(self, exc)
            return
        decision = self.decision_combo.currentData()
        screen_id = self.detail.id
        answers = self.answers_to_save() if self._dirty else None
        # An empty conditions table means: the checklist's proposals (the service fills them in).
        conditions_arg = conditions if conditions else None

        def done(_id) -> None:
            self._set_dirty(False)
            self.changed.emit()
            self.load(screen_id)

        self.ctx.run(_save_and_decide, self.ctx.db, screen_id, answers, decision, self.reviewer_edit.text(),
                     self.date_edit.date().toPython(), conditions_arg, self.notes_edit.toPlainText(),
                     on_done=done, label="Recording the decision…", parent=self)

    def reopen(self) -> None:
        if self.detail is None:
            return
        note, ok = QInputDialog.getText(self, "Reopen screen",
                                        "Why is the decision taken back? (kept in the history)")
        if not ok:
            return
        screen_id = self.detail.id
        self.ctx.run(service.reopen_screen, self.ctx.db, screen_id, note=note,
                     on_done=lambda _d: (self.changed.emit(), self.load(screen_id)), parent=self)

    def _condition_status(self, status: str) -> None:
        rows = {i.row() for i in self.decided_conditions.selectedIndexes()}
        if not rows or self.detail is None:
            return
        screen_id = self.detail.id
        ids = [self.decided_conditions.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in sorted(rows)]

        def work(db):
            for cid in ids:
                service.set_condition_status(db, cid, status)

        self.ctx.run(work, self.ctx.db, on_done=lambda _r: (self.changed.emit(), self.load(screen_id)), parent=self)

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

        self.save(then=go) if self._dirty else go()

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


def run_import(ctx, parent: QWidget, path: str, screen_id: Optional[int],
               on_applied: Callable[[int], None]) -> None:
    """Reads a returned questionnaire, shows what it changes, and applies it when the user agrees."""
    from csrdesk.services.vetting import import_questionnaire

    def preview(result) -> None:
        dialog = ImportPreviewDialog(result, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ctx.run(import_questionnaire, ctx.db, path, screen_id=result.screen_id, apply=True,
                on_done=lambda r: on_applied(r.screen_id), label="Saving the answers…", parent=parent)

    ctx.run(import_questionnaire, ctx.db, path, screen_id=screen_id, on_done=preview,
            label="Reading the questionnaire…", parent=parent)


class ImportPreviewDialog(QDialog):
    """What a returned questionnaire changes, its problems and the score it gives; apply or cancel."""

    def __init__(self, result, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import answers")
        self.setMinimumWidth(640)
        e = result.evaluation
        who = result.supplier_code or result.subject
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{_esc(result.file.name)}</b>: screen {result.screen_id} ({_esc(who)}), "
                                f"{_esc(result.template_key)} version {result.template_version}"))
        changes = QListWidget()
        for c in result.changes:
            changes.addItem(c.describe())
            if c.conflict:
                changes.item(changes.count() - 1).setForeground(QColor(theme.WARNING))
        if not result.changes:
            changes.addItem("No answer differs from what is saved.")
        layout.addWidget(section_title(f"Changes ({len(result.changes)})"))
        layout.addWidget(changes, 1)
        if result.problems:
            layout.addWidget(section_title(f"Problems ({len(result.problems)}): nothing can be applied"))
            problems = QListWidget()
            for p in result.problems:
                problems.addItem(p)
                problems.item(problems.count() - 1).setForeground(QColor(theme.OVERDUE))
            layout.addWidget(problems)
        colour = DECISION_COLOURS[e.suggested.value]
        knock = f" · <b style='color:{theme.OVERDUE}'>{len(e.knockouts)} knock-out(s)</b>" if e.knockouts else ""
        layout.addWidget(QLabel(f"With these answers: score <b>{e.score:g}</b>, suggested "
                                f"<b style='color:{colour}'>{e.suggested.value}</b>{knock}"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("Apply changes", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(bool(result.changes) and not result.problems)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# -- starting a screen --------------------------------------------------------------------------------------------

class NewScreenDialog(QDialog):
    """Chooses a checklist and who it is for: a supplier, or a consultant or audit firm by name."""

    def __init__(self, templates, suppliers, parent: Optional[QWidget] = None, supplier_code: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New vetting screen")
        self.setMinimumWidth(460)
        self.templates = templates
        self.template_combo = QComboBox()
        for t in templates:
            self.template_combo.addItem(f"{t.title} (v{t.version})", t.key)
        self.supplier_combo = QComboBox()
        self.supplier_combo.setEditable(True)
        self.supplier_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for s in suppliers:
            self.supplier_combo.addItem(f"{s.code}  {s.name}", s.code)
        if supplier_code:
            self.supplier_combo.setCurrentIndex(max(0, self.supplier_combo.findData(supplier_code)))
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText("name of the consultant or audit firm")
        form = QFormLayout(self)
        form.addRow("Checklist", self.template_combo)
        self.supplier_label = QLabel("Supplier")
        self.subject_label = QLabel("Firm")
        form.addRow(self.supplier_label, self.supplier_combo)
        form.addRow(self.subject_label, self.subject_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.template_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def kind(self) -> str:
        i = self.template_combo.currentIndex()
        return self.templates[i].kind if 0 <= i < len(self.templates) else "supplier"

    def _kind_changed(self, *_args) -> None:
        firm = self.kind() == "consultant"
        for w in (self.supplier_label, self.supplier_combo):
            w.setVisible(not firm)
        for w in (self.subject_label, self.subject_edit):
            w.setVisible(firm)

    def choice(self) -> tuple[str, Optional[str], str]:
        key = self.template_combo.currentData()
        if self.kind() == "consultant":
            return key, None, self.subject_edit.text().strip()
        text = self.supplier_combo.currentText().strip()
        index = self.supplier_combo.currentIndex()
        if index >= 0 and text == self.supplier_combo.itemText(index):
            return key, self.supplier_combo.currentData(), ""
        return key, text.split()[0] if text else "", ""


# -- the template editor ------------------------------------------------------------------------------------------

def _optional_number(text: str, what: str) -> Optional[float]:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise TemplateError(f"{what} must be a number or empty, not {text!r}.") from None


class QuestionEditor(QWidget):
    """The fields of one question; `question()` reads them back (raising TemplateError on nonsense)."""

    edited = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.id_label = QLabel()
        self.type_combo = QComboBox()
        for t in QUESTION_TYPES:
            self.type_combo.addItem(TYPE_LABELS[t], t)
        self.text_edit = QLineEdit()
        self.text_zh_edit = QLineEdit()
        self.help_edit = QLineEdit()
        self.help_zh_edit = QLineEdit()
        self.weight_spin = QDoubleSpinBox()
        self.weight_spin.setRange(0, 100)
        self.weight_spin.setDecimals(1)
        self.required_check = QCheckBox("Required")
        self.evidence_check = QCheckBox("Evidence required")
        self.na_check = QCheckBox("May be answered n/a")
        flags = QHBoxLayout()
        for w in (self.required_check, self.evidence_check, self.na_check):
            flags.addWidget(w)
        flags.addStretch(1)
        self.expected_combo = QComboBox()
        self.expected_combo.addItem("Yes", "yes")
        self.expected_combo.addItem("No", "no")
        self.knockout_combo = QComboBox()
        self.knockout_combo.addItem("none", None)
        self.knockout_combo.addItem("Yes rejects", "yes")
        self.knockout_combo.addItem("No rejects", "no")
        self.options_table = QTableWidget(0, 5)
        self.options_table.setHorizontalHeaderLabels(["Value", "Label", "中文", "Score 0–1", "Knock-out"])
        self.options_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.options_table.verticalHeader().setVisible(False)
        self.options_table.setMinimumHeight(120)
        add_option = QPushButton("Add option")
        add_option.clicked.connect(lambda: self._add_option(Option("", "")))
        remove_option = QPushButton("Remove option")
        remove_option.clicked.connect(self._remove_option)
        option_buttons = QHBoxLayout()
        option_buttons.addWidget(add_option)
        option_buttons.addWidget(remove_option)
        option_buttons.addStretch(1)
        self.options_box = QWidget()
        ob = QVBoxLayout(self.options_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addWidget(self.options_table)
        ob.addLayout(option_buttons)
        self.good_min, self.good_max = QLineEdit(), QLineEdit()
        self.ko_below, self.ko_above = QLineEdit(), QLineEdit()
        for w, tip in ((self.good_min, "earns the weight from"), (self.good_max, "earns the weight up to"),
                       (self.ko_below, "rejects below"), (self.ko_above, "rejects above")):
            w.setPlaceholderText("—")
            w.setToolTip(tip + " (for dates: days from the day of the screen, negative in the past)")
        self.unit_edit = QLineEdit()
        ranges = QHBoxLayout()
        for label, w in (("good from", self.good_min), ("to", self.good_max), ("knock-out below", self.ko_below),
                         ("above", self.ko_above), ("unit", self.unit_edit)):
            ranges.addWidget(QLabel(label))
            ranges.addWidget(w)
        self.ranges_box = QWidget()
        self.ranges_box.setLayout(ranges)
        self.condition_edit = QLineEdit()
        self.condition_edit.setPlaceholderText("proposed as a condition when the answer falls short")
        self.condition_days = QSpinBox()
        self.condition_days.setRange(0, 3650)
        self.condition_days.setSuffix(" days")
        cond = QHBoxLayout()
        cond.addWidget(self.condition_edit, 1)
        cond.addWidget(self.condition_days)
        form = QFormLayout(self)
        form.addRow("Id", self.id_label)
        form.addRow("Type", self.type_combo)
        form.addRow("Question", self.text_edit)
        form.addRow("问题", self.text_zh_edit)
        form.addRow("Help", self.help_edit)
        form.addRow("说明", self.help_zh_edit)
        form.addRow("Weight", self.weight_spin)
        form.addRow(flags)
        self.expected_label, self.knockout_label = QLabel("Expected answer"), QLabel("Knock-out")
        form.addRow(self.expected_label, self.expected_combo)
        form.addRow(self.knockout_label, self.knockout_combo)
        form.addRow(self.options_box)
        form.addRow(self.ranges_box)
        form.addRow("Condition", cond)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        for w in (self.text_edit, self.text_zh_edit, self.help_edit, self.help_zh_edit, self.good_min, self.good_max,
                  self.ko_below, self.ko_above, self.unit_edit, self.condition_edit):
            w.textEdited.connect(lambda _t: self.edited.emit())
        for w in (self.required_check, self.evidence_check, self.na_check):
            w.toggled.connect(lambda _b: self.edited.emit())
        for w in (self.type_combo, self.expected_combo, self.knockout_combo):
            w.currentIndexChanged.connect(lambda _i: self.edited.emit())
        self.weight_spin.valueChanged.connect(lambda _v: self.edited.emit())
        self.condition_days.valueChanged.connect(lambda _v: self.edited.emit())
        self.options_table.itemChanged.connect(lambda _i: self.edited.emit())
        self._qid = ""

    def _type_changed(self, *_args) -> None:
        t = self.type_combo.currentData()
        for w in (self.expected_label, self.expected_combo, self.knockout_label, self.knockout_combo):
            w.setVisible(t == "yesno")
        self.options_box.setVisible(t == "choice")
        self.ranges_box.setVisible(t in ("number", "date"))

    def _add_option(self, o: Option) -> None:
        r = self.options_table.rowCount()
        self.options_table.insertRow(r)
        for c, value in enumerate((o.value, o.label, o.label_zh, f"{o.score:g}")):
            self.options_table.setItem(r, c, QTableWidgetItem(value))
        ko = QTableWidgetItem()
        ko.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        ko.setCheckState(Qt.CheckState.Checked if o.knockout else Qt.CheckState.Unchecked)
        self.options_table.setItem(r, 4, ko)

    def _remove_option(self) -> None:
        rows = sorted({i.row() for i in self.options_table.selectedIndexes()}, reverse=True)
        for r in rows or [self.options_table.rowCount() - 1]:
            if r >= 0:
                self.options_table.removeRow(r)
        self.edited.emit()

    def set_question(self, q: Question) -> None:
        blockers = [QSignalBlocker(w) for w in self.findChildren(QWidget)]
        self._qid = q.id
        self.id_label.setText(q.id)
        self.type_combo.setCurrentIndex(self.type_combo.findData(q.type))
        self.text_edit.setText(q.text)
        self.text_zh_edit.setText(q.text_zh)
        self.help_edit.setText(q.help)
        self.help_zh_edit.setText(q.help_zh)
        self.weight_spin.setValue(q.weight)
        self.required_check.setChecked(q.required)
        self.evidence_check.setChecked(q.evidence)
        self.na_check.setChecked(q.allow_na)
        self.expected_combo.setCurrentIndex(self.expected_combo.findData(q.expected))
        self.knockout_combo.setCurrentIndex(self.knockout_combo.findData(q.knockout_answer))
        self.options_table.setRowCount(0)
        for o in q.options:
            self._add_option(o)
        for w, v in ((self.good_min, q.good_min), (self.good_max, q.good_max), (self.ko_below, q.knockout_below),
                     (self.ko_above, q.knockout_above)):
            w.setText("" if v is None else f"{v:g}")
        self.unit_edit.setText(q.unit)
        self.condition_edit.setText(q.condition)
        self.condition_days.setValue(q.condition_days)
        del blockers
        self._type_changed()

    def question(self) -> Question:
        t = self.type_combo.currentData()
        options: list[Option] = []
        if t == "choice":
            for r in range(self.options_table.rowCount()):
                cells = [self.options_table.item(r, c) for c in range(5)]
                label = cells[1].text().strip() if cells[1] else ""
                if not label:
                    continue
                value = (cells[0].text().strip() if cells[0] else "") or label
                try:
                    score = float(cells[3].text()) if cells[3] and cells[3].text().strip() else 1.0
                except ValueError:
                    raise TemplateError(f"The score of option {label!r} must be a number from 0 to 1.") from None
                options.append(Option(value, label, cells[2].text().strip() if cells[2] else "", score,
                                      bool(cells[4] and cells[4].checkState() == Qt.CheckState.Checked)))
        return Question(
            id=self._qid, type=t, text=self.text_edit.text().strip(), text_zh=self.text_zh_edit.text().strip(),
            help=self.help_edit.text().strip(), help_zh=self.help_zh_edit.text().strip(),
            weight=self.weight_spin.value(), required=self.required_check.isChecked(),
            evidence=self.evidence_check.isChecked(), allow_na=self.na_check.isChecked(),
            expected=self.expected_combo.currentData() if t == "yesno" else YES,
            knockout_answer=self.knockout_combo.currentData() if t == "yesno" else None,
            options=tuple(options),
            good_min=_optional_number(self.good_min.text(), "Good from") if t in ("number", "date") else None,
            good_max=_optional_number(self.good_max.text(), "Good to") if t in ("number", "date") else None,
            knockout_below=_optional_number(self.ko_below.text(), "Knock-out below") if t in ("number", "date") else None,
            knockout_above=_optional_number(self.ko_above.text(), "Knock-out above") if t in ("number", "date") else None,
            unit=self.unit_edit.text().strip() if t in ("number", "date") else "",
            condition=self.condition_edit.text().strip(), condition_days=self.condition_days.value(),
        )


class TemplateEditor(QWidget):
    """Edits a checklist: add, change, reorder and remove questions; saving stores a new version."""

    saved = Signal(object)  # TemplateInfo

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.template: Optional[Template] = None
        self.templates = []
        self._dirty = False
        self._current_qid: Optional[str] = None
        self._question_dirty = False

        self.template_combo = QComboBox()
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        self.versions_label = muted()
        self.status = muted()
        copy_button = QPushButton("New template from this…")
        copy_button.clicked.connect(self.copy_template)
        self.save_button = primary_button("Save as new version")
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        top.addWidget(QLabel("Checklist"))
        top.addWidget(self.template_combo, 1)
        top.addWidget(self.versions_label)
        top.addWidget(copy_button)
        top.addWidget(self.save_button)

        self.title_edit = QLineEdit()
        self.title_zh_edit = QLineEdit()
        self.approve_spin = QDoubleSpinBox()
        self.conditional_spin = QDoubleSpinBox()
        for spin in (self.approve_spin, self.conditional_spin):
            spin.setRange(0, 100)
            spin.setDecimals(0)
            spin.valueChanged.connect(lambda _v: self._mark_dirty())
        self.title_edit.textEdited.connect(lambda _t: self._mark_dirty())
        self.title_zh_edit.textEdited.connect(lambda _t: self._mark_dirty())
        head = QFormLayout()
        head.addRow("Title", self.title_edit)
        head.addRow("标题", self.title_zh_edit)
        thresholds = QHBoxLayout()
        thresholds.addWidget(QLabel("approve at"))
        thresholds.addWidget(self.approve_spin)
        thresholds.addWidget(QLabel("approve with conditions at"))
        thresholds.addWidget(self.conditional_spin)
        thresholds.addStretch(1)
        head.addRow("Thresholds", thresholds)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Question", "Type", "Weight", "Knock-out"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._item_chosen)
        self.add_button = QPushButton("Add question")
        self.add_button.clicked.connect(self.add_question)
        self.add_section_button = QPushButton("Add section")
        self.add_section_button.clicked.connect(self.add_section)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move(+1))
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        tree_buttons = QHBoxLayout()
        for b in (self.add_button, self.add_section_button, self.up_button, self.down_button, self.remove_button):
            tree_buttons.addWidget(b)
        tree_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(tree_buttons)

        self.editor = QuestionEditor()
        self.editor.edited.connect(self._question_edited)
        self.apply_button = QPushButton("Apply to question")
        self.apply_button.clicked.connect(self.apply_question)
        self.editor_error = QLabel()
        self.editor_error.setWordWrap(True)
        self.editor_error.setStyleSheet(f"color: {theme.OVERDUE};")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.editor)
        right_layout.addWidget(self.editor_error)
        right_layout.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignRight)
        right_layout.addStretch(1)
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setWidget(right)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right_scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(head)
        layout.addWidget(split, 1)
        self._update_buttons()

    @property
    def dirty(self) -> bool:
        return self._dirty or self._question_dirty

    def _mark_dirty(self) -> None:
        self._dirty = True
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.template is not None
        on_question = self._current_qid is not None
        self.save_button.setEnabled(has and self.dirty)
        for b in (self.up_button, self.down_button, self.remove_button):
            b.setEnabled(on_question)
        self.apply_button.setEnabled(on_question and self._question_dirty)
        self.editor.setEnabled(on_question)

    # -- loading ---------------------------------------------------------------------------------------------------
    def reload(self, select_key: Optional[str] = None) -> None:
        def loaded(rows) -> None:
            self.templates = rows
            key = select_key or (self.template.key if self.template else None)
            with QSignalBlocker(self.template_combo):
                self.template_combo.clear()
                for t in rows:
                    self.template_combo.addItem(f"{t.title}  ·  v{t.version}{'' if t.builtin else ' (edited)'}", t.key)
                index = self.template_combo.findData(key) if key else 0
                self.template_combo.setCurrentIndex(max(index, 0))
            if not self.dirty:
                self._template_chosen()

        self.ctx.run(service.list_templates, self.ctx.db, on_done=loaded, parent=self)

    def _template_chosen(self, *_args) -> None:
        key = self.template_combo.currentData()
        if not key:
            return
        self.ctx.run(service.get_template, self.ctx.db, key, on_done=self.show_template, parent=self)

    def show_template(self, template: Template) -> None:
        self.template = template
        info = next((t for t in self.templates if t.key == template.key), None)
        self.versions_label.setText(f"version {template.version} · {KIND_LABELS.get(template.kind, template.kind)}"
                                    + ("" if info is None or info.builtin else " · edited"))
        with QSignalBlocker(self.title_edit), QSignalBlocker(self.title_zh_edit), \
                QSignalBlocker(self.approve_spin), QSignalBlocker(self.conditional_spin):
            self.title_edit.setText(template.title)
            self.title_zh_edit.setText(template.title_zh)
            self.approve_spin.setValue(template.thresholds.approve)
            self.conditional_spin.setValue(template.thresholds.conditional)
        self._dirty = False
        self._question_dirty = False
        self._fill_tree()

    def _fill_tree(self, select: Optional[str] = None) -> None:
        t = self.template
        with QSignalBlocker(self.tree):
            self.tree.clear()
            numbering = t.numbering() if t else {}
            chosen = None
            for si, s in enumerate(t.sections if t else (), start=1):
                top = QTreeWidgetItem([f"{si}. {s.title}"])
                top.setData(0, Qt.ItemDataRole.UserRole, ("section", s.id))
                font = top.font(0)
                font.setBold(True)
                top.setFont(0, font)
                self.tree.addTopLevelItem(top)
                for q in s.questions:
                    item = QTreeWidgetItem([f"{numbering[q.id]} {q.text}", TYPE_LABELS[q.type], f"{q.weight:g}",
                                            "yes" if q.has_knockout else ""])
                    item.setData(0, Qt.ItemDataRole.UserRole, ("question", q.id))
                    item.setToolTip(0, q.text_zh or q.text)
                    top.addChild(item)
                    if q.id == select:
                        chosen = item
                top.setExpanded(True)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        else:
            self._current_qid = None
            self._update_buttons()

    def _item_chosen(self, current, previous) -> None:
        if self._question_dirty and self._current_qid and not self.apply_question():
            with QSignalBlocker(self.tree):
                self.tree.setCurrentItem(previous)
            return
        data = current.data(0, Qt.ItemDataRole.UserRole) if current is not None else None
        if data and data[0] == "question" and self.template is not None:
            self._current_qid = data[1]
            self.editor.set_question(self.template.question(data[1]))
        else:
            self._current_qid = None
        self._question_dirty = False
        self.editor_error.setText("")
        self._update_buttons()

    def _question_edited(self) -> None:
        self._question_dirty = True
        self._update_buttons()

    def _selected_section(self) -> Optional[str]:
        item = self.tree.currentItem()
        if item is None:
            return self.template.sections[-1].id if self.template and self.template.sections else None
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data[0] == "section":
            return data[1]
        return self.template.section_of(data[1]).id

    # -- editing ---------------------------------------------------------------------------------------------------
    def _change(self, fn: Callable[[Template], Template], select: Optional[str] = None) -> bool:
        try:
            self.template = fn(self.template)
        except (TemplateError, KeyError) as exc:
            self.ctx.show_error(self, UserError(str(exc)))
            return False
        self._dirty = True
        self._fill_tree(select)
        self._update_buttons()
        return True

    def apply_question(self) -> bool:
        """Puts the edited fields into the question; a nonsensical question is refused with the reason."""
        if self.template is None or self._current_qid is None:
            return True
        try:
            q = self.editor.question()
            candidate = validate(replace_question(self.template, self._current_qid, q))
        except (TemplateError, KeyError) as exc:
            self.editor_error.setText(str(exc))
            return False
        self.editor_error.setText("")
        self._question_dirty = False
        self.template = candidate
        self._dirty = True
        self._fill_tree(q.id)
        return True

    def add_question(self, text: str = "New question", qtype: str = "yesno") -> Optional[str]:
        if self.template is None:
            return None
        if self._question_dirty and not self.apply_question():
            return None
        section = self._selected_section()
        qid = new_question_id(self.template, "q")
        position = None
        item = self.tree.currentItem()
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole)[0] == "question":
            s = self.template.section_of(item.data(0, Qt.ItemDataRole.UserRole)[1])
            position = [q.id for q in s.questions].index(item.data(0, Qt.ItemDataRole.UserRole)[1]) + 1
        q = Question(id=qid, type=qtype, text=text, weight=1,
                     options=(Option("a", "Option A"), Option("b", "Option B", score=0)) if qtype == "choice" else ())
        if self._change(lambda t: add_question(t, section, q, position), select=qid):
            return qid
        return None

    def add_section(self) -> None:
        if self.template is None:
            return
        title, ok = QInputDialog.getText(self, "Add section", "Section title")
        if not ok or not title.strip():
            return
        sid = new_question_id(self.template, "section")
        while any(s.id == sid for s in self.template.sections):
            sid += "_"
        qid = new_question_id(self.template, "q")
        section = Section(sid, title.strip(), "", (Question(id=qid, type="yesno", text="New question"),))
        self._change(lambda t: add_section(t, section), select=qid)

    def move(self, delta: int) -> None:
        if self._current_qid is None:
            return
        if self._question_dirty and not self.apply_question():
            return
        qid = self._current_qid
        self._change(lambda t: move_question(t, qid, delta), select=qid)

    def remove(self) -> None:
        if self._current_qid is None:
            return
        qid = self._current_qid
        self._question_dirty = False
        self._change(lambda t: remove_question(t, qid))

    def _edited_template(self) -> Template:
        t = self.template
        return replace(t, title=self.title_edit.text().strip(), title_zh=self.title_zh_edit.text().strip(),
                       thresholds=Thresholds(self.approve_spin.value(), self.conditional_spin.value()))

    def save(self) -> None:
        if self.template is None:
            return
        if self._question_dirty and not self.apply_question():
            return
        template = self._edited_template()

        def done(info) -> None:
            self._dirty = False
            self._question_dirty = False
            self.status.setText(f"Saved as version {info.version}. New screens use it; screens already filled keep "
                                "their own version.")
            self.saved.emit(info)
            self.reload(info.key)

        self.ctx.run(service.save_template, self.ctx.db, template, on_done=done, label="Saving the checklist…",
                     parent=self)

    def copy_template(self) -> None:
        if self.template is None:
            return
        title, ok = QInputDialog.getText(self, "New template", "Title of the new checklist",
                                         text=f"{self.template.title} (copy)")
        if not ok or not title.strip():
            return
        base = "".join(ch if ch.isalnum() else "_" for ch in title.lower()).strip("_")[:60] or "checklist"
        if not base[0].isalpha():
            base = "c_" + base
        keys = {t.key for t in self.templates}
        key, n = base, 2
        while key in keys:
            key, n = f"{base}_{n}", n + 1
        self.template = replace(self._edited_template(), key=key, version=1, title=title.strip(), builtin_version=None)
        self.title_edit.setText(title.strip())
        self._dirty = True
        self.versions_label.setText("new, not saved yet")
        self._fill_tree()
        self._update_buttons()


# -- the page -----------------------------------------------------------------------------------------------------

def screen_columns() -> list[Column]:
    def decision_colour(r: ScreenRow) -> Optional[QColor]:
        return _DECISION_Q.get(r.decision or r.suggested_decision or "")

    return [
        Column("Screen", lambda r: r.id, width=60),
        Column("Who", lambda r: r.name, width=200, tooltip=lambda r: r.name),
        Column("Checklist", lambda r: f"{r.template_title} v{r.template_version}", width=200),
        Column("Score", lambda r: r.score, fmt=lambda v: "" if v is None else f"{v:g}", width=56, searchable=False),
        Column("Decision", lambda r: r.decision or f"({r.suggested_decision or ''})", colour=decision_colour,
               bold=lambda r: bool(r.decision), width=150),
        Column("Decided", lambda r: r.decision_date, width=92),
        Column("Open conditions", lambda r: r.open_conditions or None, width=70, searchable=False),
    ]


def condition_columns() -> list[Column]:
    overdue = QColor(theme.OVERDUE)
    return [
        Column("Due", lambda c: c.due_date, colour=lambda c: overdue if c.overdue else None, bold=lambda c: c.overdue,
               width=92),
        Column("Status", lambda c: c.status + (" · overdue" if c.overdue else ""),
               colour=lambda c: overdue if c.overdue else None, width=110),
        Column("Who", lambda c: c.supplier_code or c.subject, width=160),
        Column("Condition", lambda c: c.text, width=420, tooltip=lambda c: c.text),
        Column("Screen", lambda c: c.screen_id, width=60),
        Column("Closed", lambda c: c.closed_date, width=92),
    ]


class VettingPage(Page):
    """Vetting screens, their conditions, and the checklist templates."""

    title = "Vetting"
    topics = ("vetting", "suppliers", "assessments", "settings")

    def __init__(self, ctx, parent: Optional[QWidget] = None) -> None:
        super().__init__(ctx, parent)
        self._shown_id: Optional[int] = None
        self._supplier_filter: Optional[int] = None
        self._form_reloads = False
        self._editor_reloads = False
        self.loading = False

        new_button = primary_button("New screen…")
        new_button.clicked.connect(self.new_screen)
        import_button = QPushButton("Import answers…")
        import_button.setToolTip("Read a returned questionnaire (it names its own screen)")
        import_button.clicked.connect(self.import_any)
        header, self.subtitle = page_header("Vetting", "Screens of suppliers and firms, their decisions and "
                                            "conditions", [import_button, new_button])

        self.filter_box = FilterBox(placeholder="Filter screens…  (Ctrl+F)")
        self.model = RowTableModel(screen_columns(), self)
        self.filter_box.set_model(self.model)
        self.table = TableView(settings_key="vetting/screens", placeholder="No vetting screen yet: start one with "
                                                                             "New screen…")
        self.table.setModel(self.model)
        self.table.selection_changed_rows.connect(self._selected)
        self.supplier_chip = QPushButton()
        self.supplier_chip.setVisible(False)
        self.supplier_chip.clicked.connect(lambda: self.show_supplier(None))
        self.count_label = muted()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.supplier_chip)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)

        self.form = ScreenForm(ctx)
        self.form.changed.connect(self._form_changed)
        self.placeholder = muted("Choose a screen on the left, or start one with New screen….")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(self.placeholder)
        self.form_stack.addWidget(self.form)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.form_stack)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 5)
        split.setSizes([430, 1000])
        self.split = split
        # With no screen open the list takes the room it needs (no sideways scrolling beside an empty half);
        # an open screen gets the room back.
        self.form_stack.currentChanged.connect(lambda _i: self._fit_split())
        screens_tab = QWidget()
        st = QVBoxLayout(screens_tab)
        st.setContentsMargins(0, 6, 0, 0)
        st.addWidget(split)

        self.conditions_model = RowTableModel(condition_columns(), self)
        self.conditions_table = TableView(settings_key="vetting/conditions", multi_select=True,
                                          placeholder="No condition: approvals with conditions list theirs here.")
        self.conditions_table.setModel(self.conditions_model)
        self.conditions_table.row_activated.connect(lambda c: self.open_item("vetting_screen", c.screen_id))
        self.open_only = QCheckBox("Open only")
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _b: self._load_conditions())
        met = QPushButton("Mark met")
        met.clicked.connect(lambda: self._conditions_to("closed"))
        again = QPushButton("Open again")
        again.clicked.connect(lambda: self._conditions_to("open"))
        withdraw = QPushButton("Withdraw")
        withdraw.clicked.connect(lambda: self._conditions_to("withdrawn"))
        row = QHBoxLayout()
        row.addWidget(self.open_only)
        row.addStretch(1)
        for b in (met, again, withdraw):
            row.addWidget(b)
        conditions_tab = QWidget()
        ct = QVBoxLayout(conditions_tab)
        ct.setContentsMargins(0, 6, 0, 0)
        ct.addLayout(row)
        ct.addWidget(self.conditions_table, 1)

        self.editor = TemplateEditor(ctx)
        self.editor.saved.connect(self._template_saved)

        self.tabs = QTabWidget()
        self.tabs.addTab(screens_tab, "Screens")
        self.tabs.addTab(conditions_tab, "Conditions")
        self.tabs.addTab(self.editor, "Checklist templates")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(header)
        layout.addWidget(self.tabs, 1)

    def _fit_split(self) -> None:
        total = sum(self.split.sizes())
        if total <= 0:
            return
        header = self.table.horizontalHeader()
        needed = header.length() + self.table.frameWidth() * 2 + self.table.verticalScrollBar().sizeHint().width() + 4
        empty = self.form_stack.currentWidget() is self.placeholder
        # A hidden form must not hold the stack at its own minimum width while only the hint shows.
        self.form.setSizePolicy(QSizePolicy.Policy.Ignored if empty else QSizePolicy.Policy.Preferred,
                                QSizePolicy.Policy.Preferred)
        if empty:
            left = min(needed, total - 240)
        else:
            left = min(max(360, min(needed, total - 780)), total - 420)
        self.split.setSizes([max(left, 200), total - max(left, 200)])

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_split)  # once the splitter has its real width

    # -- loading ---------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.loading = True

        def loaded(rows) -> None:
            self.model.set_rows(rows)
            self._apply_supplier_filter()
            self.loading = False
            if self._shown_id is not None:
                with QSignalBlocker(self.table.selectionModel()):
                    self.table.select_id(self._shown_id)

        def failed(exc) -> None:
            self.loading = False
            self.ctx.show_error(self, exc)

        self.ctx.run(service.list_screens, self.ctx.db, on_done=loaded, on_error=failed, parent=self)
        self._load_conditions()
        if not self.editor.dirty and not self._editor_reloads:
            self.editor.reload()
        self._editor_reloads = False
        # After its own save the form reloads itself; after other changes (conditions, imports) it is reloaded here.
        if self.form.detail is not None and not self.form.dirty and not self._form_reloads:
            self.form.load(self.form.detail.id)
        self._form_reloads = False

    def _form_changed(self) -> None:
        if self.form.detail is None:  # the screen was deleted
            self._shown_id = None
            self.form_stack.setCurrentWidget(self.placeholder)
        self._form_reloads = True
        self.ctx.notify("vetting")

    def _load_conditions(self) -> None:
        self.ctx.run(service.list_conditions, self.ctx.db, open_only=self.open_only.isChecked(),
                     on_done=self.conditions_model.set_rows, parent=self)

    def _apply_supplier_filter(self) -> None:
        sid = self._supplier_filter
        self.model.set_predicate((lambda r: r.supplier_id == sid) if sid is not None else None)
        rows = [r for r in self.model.all_rows() if sid is not None and r.supplier_id == sid]
        self.supplier_chip.setVisible(sid is not None)
        if sid is not None:
            self.supplier_chip.setText(f"{rows[0].supplier_code if rows else 'supplier'} ✕")
        self.count_label.setText(count_text(self.model, "screen"))

    def show_supplier(self, supplier_id: Optional[int]) -> None:
        self._supplier_filter = supplier_id
        self._apply_supplier_filter()

    # -- screens ---------------------------------------------------------------------------------------------------
    def _selected(self, rows: list) -> None:
        if not rows:
            return
        row = rows[0]
        if row.id == self._shown_id:
            return
        if not self.confirm_leave():
            with QSignalBlocker(self.table.selectionModel()):
                self.table.select_id(self._shown_id)
            return
        self.open_screen(row.id)

    def open_screen(self, screen_id: int) -> None:
        self._shown_id = screen_id
        self.form_stack.setCurrentWidget(self.form)
        with QSignalBlocker(self.table.selectionModel()):
            self.table.select_id(screen_id)
        self.form.load(screen_id)

    def open_item(self, kind: str, item_id) -> None:
        """Opens a screen ('vetting_screen'), one supplier's screens ('supplier') or a template ('checklist')."""
        if kind in ("vetting_screen", "screen"):
            self.tabs.setCurrentIndex(0)
            self.open_screen(int(item_id))
        elif kind == "supplier":
            self.tabs.setCurrentIndex(0)
            self.show_supplier(int(item_id))
        elif kind in ("checklist", "checklist_template"):
            self.tabs.setCurrentIndex(2)
            self.editor.reload(str(item_id))

    def confirm_leave(self) -> bool:
        """Asks about unsaved answers or template edits before they are left behind."""
        if not self.form.dirty and not self.editor.dirty:
            return True
        what = "answers" if self.form.dirty else "checklist changes"
        answer = ask_save_first(self, "Unsaved changes", f"Save the {what} before leaving?")
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            if self.form.dirty:
                self.form.save()
            if self.editor.dirty:
                self.editor.save()
            return True
        if self.form.dirty:
            self.form._set_dirty(False)
        if self.editor.dirty:
            self.editor._dirty = self.editor._question_dirty = False
        return True

    def new_screen(self) -> None:
        from csrdesk.services.suppliers import list_suppliers

        def lists(db):
            return service.list_templates(db), list_suppliers(db)

        preset = ""
        if self._supplier_filter is not None:
            rows = [r for r in self.model.all_rows() if r.supplier_id == self._supplier_filter]
            preset = rows[0].supplier_code if rows else ""

        def ask(result) -> None:
            templates, suppliers = result
            dialog = NewScreenDialog(templates, suppliers, self, supplier_code=preset)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            key, code, subject = dialog.choice()
            self.start(key, supplier_code=code, subject=subject)

        self.ctx.run(lists, self.ctx.db, on_done=ask, parent=self)

    def start(self, template_key: str, *, supplier_code: Optional[str] = None, subject: str = "") -> None:
        def started(detail) -> None:
            self.open_screen(detail.id)
            self._form_reloads = True
            self.ctx.notify("vetting")

        self.ctx.run(service.start_screen, self.ctx.db, template_key, supplier_code=supplier_code or None,
                     subject=subject, on_done=started, parent=self)

    def import_any(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import answers", str(Path.home()), "Excel workbook (*.xlsx)")
        if not path:
            return

        def applied(screen_id: int) -> None:
            self.open_screen(screen_id)
            self._form_reloads = True
            self.ctx.notify("vetting")

        run_import(self.ctx, self, path, None, on_applied=applied)

    def _conditions_to(self, status: str) -> None:
        ids = [c.id for c in self.conditions_table.selected_rows()]
        if not ids:
            return

        def work(db):
            for cid in ids:
                service.set_condition_status(db, cid, status)

        self.ctx.run(work, self.ctx.db, on_done=lambda _r: self.ctx.notify("vetting"), parent=self)

    def _template_saved(self, _info) -> None:
        self._editor_reloads = True  # the editor reloads itself
        self.ctx.notify("vetting")

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_box.setFocus()
        self.filter_box.selectAll()
