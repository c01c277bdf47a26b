"""The guided root-cause wizard for one CAP item: it draws domain.rootcause_flow, one page per step.

Every decision (which step follows, what is valid, which warnings apply) is the flow's; the pages only show its
state, pass the user's edits to it, and redraw when it changes. Suggestions sit beside the inputs: a click on
"Use" takes one. The review page lists the warnings, each of which can be overridden with a reason.
"""
from __future__ import annotations

import html
import logging
from datetime import date
from typing import Callable, Optional

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QCompleter, QDateEdit, QDialog, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea,
    QSplitter, QStackedWidget, QToolButton, QVBoxLayout, QWidget,
)

from csrdesk.domain.reporting import plural
from csrdesk.domain.rootcause import (
    CAUSE_CATEGORIES, MAX_WHYS, NO_ELEMENT_TITLE, SYSTEM_ELEMENTS, VICTIM_MEASURES, RiskSource,
)
from csrdesk.domain.rootcause_flow import STEP_TITLES, RootCauseFlow, Step, StepInvalid
from csrdesk.services import review
from csrdesk.ui import theme
from csrdesk.ui.widgets.buttons import primary_button
from csrdesk.ui.widgets.dialog_keys import ask_text
from csrdesk.ui.widgets.date_edit import OptionalDateEdit
from csrdesk.ui.widgets.message_label import MessageLabel

log = logging.getLogger(__name__)

NO_DATE = QDate(2000, 1, 1)  # a date box at its minimum shows "not set"


def _to_qdate(d: Optional[date]) -> QDate:
    return QDate(d.year, d.month, d.day) if d else NO_DATE


def _from_qdate(q: QDate) -> Optional[date]:
    return None if q <= NO_DATE else date(q.year(), q.month(), q.day())


def date_box(parent: Optional[QWidget] = None, open_on=None) -> QDateEdit:
    """A "not set" date box whose calendar opens on `open_on` (the item's due date) or today."""
    return OptionalDateEdit(parent, open_on=open_on)


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {theme.MUTED};")
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    label.setStyleSheet("font-weight: 600; font-size: 11pt;")
    label.setWordWrap(True)
    return label


def _set_text(edit, text: str) -> None:
    """Sets an editor's text without echoing the change back, and only when it differs (the cursor stays)."""
    current = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
    if current != text:
        with QSignalBlocker(edit):
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)


class SuggestionList(QWidget):
    """Suggestions beside an input: a list and a "Use" button (a double-click uses one too)."""

    used = Signal(str)

    def __init__(self, title: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading(title))
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout.addWidget(self.list, 1)
        self.use_button = QPushButton("Use", self)
        self.use_button.setToolTip("Take the selected suggestion")
        self.use_button.setEnabled(False)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignRight)
        self.empty = _muted("No suggestions for this finding.")
        layout.addWidget(self.empty)
        self.list.currentRowChanged.connect(lambda row: self.use_button.setEnabled(row >= 0))
        self.list.itemDoubleClicked.connect(lambda item: self.used.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.use_button.clicked.connect(self._use)

    def set_suggestions(self, entries: list[tuple[str, str]]) -> None:
        """entries: (text shown, text used)."""
        self.list.clear()
        for shown, value in entries:
            item = QListWidgetItem(shown)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(value)
            self.list.addItem(item)
        self.empty.setVisible(not entries)
        self.list.setVisible(bool(entries))
        self.use_button.setVisible(bool(entries))

    def texts(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def use(self, row: int) -> None:
        self.list.setCurrentRow(row)
        self._use()

    def _use(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.used.emit(item.data(Qt.ItemDataRole.UserRole))


class _Page(QWidget):
    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.flow = flow

    def sync(self) -> None:
        """Shows the flow's data (called after every change)."""


class FindingPage(_Page):
    """Step 1: the finding and its requirements, and what the factory answered before."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(flow, parent)
        ctx = flow.context
        f = ctx.finding
        layout = QVBoxLayout(self)
        title = _heading(f.title + ("   ↻ repeat finding" if f.repeat else ""))
        title.setStyleSheet("font-weight: 600; font-size: 13pt;")
        layout.addWidget(title)
        if f.title_zh:
            layout.addWidget(_muted(f.title_zh))
        facts = QFormLayout()
        facts.addRow("Severity:", QLabel(f.severity))
        if f.category:
            facts.addRow("Category:", QLabel(ctx.category_title or f.category))
        if f.due_date:
            facts.addRow("Due:", QLabel(f.due_date.isoformat()))
        for label, text in (("What the auditor found:", f.description),
                            ("Legal requirement:", ctx.legal_requirement),
                            ("Code requirement:", ctx.code_requirement),
                            ("Suggested remediation:", ctx.suggested_remediation)):
            if text:
                value = MessageLabel(text)  # as tall as its lines: at the wizard's smallest they were squeezed
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                facts.addRow(label, value)
        layout.addLayout(facts)
        if flow.needs_victim_protection:
            note = QLabel("This is a forced labour, trafficking or child labour finding: the preventive actions must "
                          "include victim-protection measures (protection, remedy, repatriation if wanted or "
                          "reintegration, victim-service organisations consulted).")
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {theme.OVERDUE}; background: {theme.OVERDUE_BG}; padding: 6px;")
            layout.addWidget(note)
        earlier = ctx.suggestions.earlier
        layout.addWidget(_heading("What this factory answered before for this finding"))
        if earlier:
            self.earlier = QLabel("<br>".join(
                f"<b>CAP #{e.cap_id}</b> ({e.assessment_date.isoformat() if e.assessment_date else ''}, {e.status}): "
                f"{html.escape(e.root_cause)}<br><i>{html.escape(e.preventive_action)}</i>" for e in earlier))
            self.earlier.setWordWrap(True)
            self.earlier.setTextFormat(Qt.TextFormat.RichText)
        else:
            self.earlier = _muted("Nothing: this finding is new for this factory.")
        layout.addWidget(self.earlier)
        layout.addStretch(1)
        layout.addWidget(_muted("The next steps ask why it happened until the answer names what in the management "
                                "system let it happen, then what will change, who leads it and by when."))


class WhysPage(_Page):
    """Step 2: the 5 Whys, each asking about the last answer; the chain may stop early."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(flow, parent)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(_muted("Answer each why with a fact, then ask why again. Stop when the answer names a "
                              "failure of the management system (policy, procedure, responsibility, monitoring, "
                              "resources, purchasing practices), not what people did."))
        grid = QGridLayout()
        self.questions: list[QLabel] = []
        self.answers: list[QLineEdit] = []
        for n in range(MAX_WHYS):
            q = QLabel()
            q.setWordWrap(True)
            a = QLineEdit()
            a.setPlaceholderText("because…")
            a.textEdited.connect(lambda text, n=n: self._answered(n, text))
            grid.addWidget(q, 2 * n, 0)
            grid.addWidget(a, 2 * n + 1, 0)
            self.questions.append(q)
            self.answers.append(a)
        left.addLayout(grid)
        buttons = QHBoxLayout()
        self.ask_button = QPushButton("Ask why again")
        self.ask_button.clicked.connect(self._ask)
        self.stop_button = QPushButton("This is the root cause →")
        self.stop_button.setToolTip("End the chain here and go on to the cause categories")
        self.stop_button.clicked.connect(self._stop)
        self.remove_button = QPushButton("Remove the last why")
        self.remove_button.clicked.connect(lambda: self.flow.remove_last_why())
        buttons.addWidget(self.ask_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_button)
        left.addLayout(buttons)
        left.addWidget(_heading("Root cause"))
        self.root_cause = QPlainTextEdit()
        self.root_cause.setMaximumHeight(70)
        self.root_cause.textChanged.connect(lambda: self.flow.set_root_cause(self.root_cause.toPlainText()))
        left.addWidget(self.root_cause)
        self.root_cause_note = _muted("")
        left.addWidget(self.root_cause_note)
        left.addStretch(1)
        outer.addLayout(left, 3)
        self.suggestions = SuggestionList("Example root causes (click Use)")
        entries = [(text, text) for text in flow.context.suggestions.root_causes]
        entries += [(f"Earlier answer, CAP #{e.cap_id}: {e.root_cause}", e.root_cause)
                    for e in flow.context.suggestions.earlier if e.root_cause.strip()]
        self.suggestions.set_suggestions(entries)
        self.suggestions.used.connect(self.flow.use_root_cause_suggestion)
        outer.addWidget(self.suggestions, 2)
        self.stop_error: Optional[str] = None

    def _answered(self, n: int, text: str) -> None:
        try:
            self.flow.set_why(n, text)
        except StepInvalid as exc:
            self.root_cause_note.setText(" ".join(exc.problems))

    def _ask(self) -> None:
        n = self.flow.ask_another_why()
        self.answers[n].setFocus()

    def _stop(self) -> None:
        try:
            self.flow.stop_early()
        except StepInvalid as exc:
            self.root_cause_note.setText(" ".join(exc.problems))

    def sync(self) -> None:
        whys = self.flow.whys
        shown = max(1, len(whys))
        for n in range(MAX_WHYS):
            visible = n < shown
            self.questions[n].setVisible(visible)
            self.answers[n].setVisible(visible)
            if visible:
                self.questions[n].setText(self.flow.why_question(n))
                _set_text(self.answers[n], whys[n] if n < len(whys) else "")
        _set_text(self.root_cause, self.flow.data.root_cause)
        self.root_cause.setPlaceholderText("Empty: the last why is the root cause. Write it here to word it better.")
        self.root_cause_note.setText(f"Saved as the root cause: {self.flow.root_cause}" if self.flow.root_cause
                                     else "")
        self.ask_button.setEnabled(self.flow.can_ask_another_why())
        self.stop_button.setEnabled(self.flow.can_stop_early)
        self.remove_button.setEnabled(len(whys) > 1)


class CategoriesPage(_Page):
    """Step 3: the cause categories, with the ones the root cause seems to name marked, and the risk source."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(flow, parent)
        layout = QVBoxLayout(self)
        self.root_cause = _muted("")
        layout.addWidget(self.root_cause)
        layout.addWidget(_muted("Tick every category the root cause belongs to; the first ticked is the main one."))
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for row, c in enumerate(CAUSE_CATEGORIES):
            box = QCheckBox(c.title)
            box.toggled.connect(lambda on, key=c.key: self.flow.set_category(key, on))
            hint = _muted(c.question)
            grid.addWidget(box, row, 0)
            grid.addWidget(hint, row, 1)
            self.boxes[c.key] = box
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.suggested = _muted("")
        layout.addWidget(self.suggested)
        form = QFormLayout()
        self.risk = QComboBox()
        self.risk.addItem("From the main category", "")
        for r in RiskSource:
            self.risk.addItem(r.value.capitalize(), r.value)
        self.risk.currentIndexChanged.connect(lambda _i: self.flow.set_risk_source(self.risk.currentData()))
        form.addRow("Where the risk comes from:", self.risk)
        self.risk_note = _muted("")
        form.addRow("", self.risk_note)
        layout.addLayout(form)
        layout.addStretch(1)

    def sync(self) -> None:
        self.root_cause.setText(f"Root cause: {self.flow.root_cause}")
        suggested = set(self.flow.suggested_categories())
        for key, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setChecked(key in self.flow.data.categories)
            c = next(c for c in CAUSE_CATEGORIES if c.key == key)
            box.setText(c.title + ("  (suggested)" if key in suggested else ""))
        titles = [c.title for c in CAUSE_CATEGORIES if c.key in suggested]
        self.suggested.setText("The root cause seems to name: " + ", ".join(titles) if titles else "")
        with QSignalBlocker(self.risk):
            self.risk.setCurrentIndex(max(0, self.risk.findData(self.flow.data.risk_source)))
        self.risk_note.setText(f"Risk source: {self.flow.risk_source}" if self.flow.risk_source else "")


class ActionRow(QFrame):
    """One preventive action: what, who, by when, how verified, the system element it changes."""

    def __init__(self, flow: RootCauseFlow, index: int, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.index = index
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        self.what = QLineEdit()
        self.what.setPlaceholderText("What will be done")
        self.who = QLineEdit()
        self.who.setPlaceholderText("Who")
        self.by_when = date_box(open_on=lambda: flow.due_date)
        self.verification = QLineEdit()
        self.verification.setPlaceholderText("How it will be verified (records, evidence)")
        self.element = QComboBox()
        self.element.addItem(NO_ELEMENT_TITLE.capitalize(), "")
        for e in SYSTEM_ELEMENTS:
            self.element.addItem(e.title, e.key)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this action")
        grid.addWidget(QLabel(f"{index + 1}."), 0, 0)
        grid.addWidget(self.what, 0, 1, 1, 3)
        grid.addWidget(self.remove, 0, 4)
        grid.addWidget(self.who, 1, 1)
        grid.addWidget(self.by_when, 1, 2)
        grid.addWidget(self.element, 1, 3)
        grid.addWidget(self.verification, 2, 1, 1, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        self.what.textEdited.connect(self._what_edited)
        self.who.textEdited.connect(lambda t: self.flow.update_action(self.index, who=t))
        self.verification.textEdited.connect(lambda t: self.flow.update_action(self.index, verification=t))
        self.by_when.dateChanged.connect(lambda q: self.flow.update_action(self.index, by_when=_from_qdate(q)))
        self.element.currentIndexChanged.connect(
            lambda _i: self.flow.update_action(self.index, element=self.element.currentData()))
        self.remove.clicked.connect(lambda: self.flow.remove_action(self.index))

    def _what_edited(self, text: str) -> None:
        action = self.flow.actions[self.index]
        changes = {"what": text}
        if not action.element:  # the element follows the text until the user chooses one
            changes["element"] = RootCauseFlow.guess_element(text)
        self.flow.update_action(self.index, **changes)

    def sync(self) -> None:
        a = self.flow.actions[self.index]
        _set_text(self.what, a.what)
        _set_text(self.who, a.who)
        _set_text(self.verification, a.verification)
        with QSignalBlocker(self.by_when):
            self.by_when.setDate(_to_qdate(a.by_when))
        due = self.flow.due_date
        late = a.by_when is not None and due is not None and a.by_when > due
        self.by_when.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;" if late else "")
        self.by_when.setToolTip(f"{plural((a.by_when - due).days, 'day')} past the item's due date {due.isoformat()}"
                                if late else "By when this action is done")
        with QSignalBlocker(self.element):
            self.element.setCurrentIndex(max(0, self.element.findData(a.element)))


class ActionsPage(_Page):
    """Step 4: the preventive actions, and victim-protection measures where the finding needs them."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(flow, parent)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(_muted("Each action says what changes in the management system, who does it, by when, and "
                              "how it will be verified. A one-off correction fixes this case, not the next one."))
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows_box)
        left.addWidget(scroll, 1)
        self.add_button = QPushButton("Add an action")
        self.add_button.clicked.connect(lambda: self.flow.add_action())
        left.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.rows: list[ActionRow] = []
        self.victim: dict[str, QLineEdit] = {}
        self.victim_group = QGroupBox("Victim protection (forced labour, trafficking, child labour)")
        vform = QFormLayout(self.victim_group)
        for m in VICTIM_MEASURES:
            edit = QLineEdit()
            edit.setPlaceholderText("What is done, by whom")
            edit.textEdited.connect(lambda t, key=m.key: self.flow.set_victim_measure(key, t))
            vform.addRow(m.title.capitalize() + ":", edit)
            self.victim[m.key] = edit
        self.victim_group.setVisible(flow.needs_victim_protection)
        left.addWidget(self.victim_group)
        outer.addLayout(left, 3)
        self.suggestions = SuggestionList("Example preventive actions (click Use)")
        entries = [(text, text) for text in flow.context.suggestions.actions]
        entries += [(f"Earlier answer, CAP #{e.cap_id}: {e.preventive_action}", e.preventive_action)
                    for e in flow.context.suggestions.earlier if e.preventive_action.strip()]
        self.suggestions.set_suggestions(entries)
        self.suggestions.used.connect(self.flow.use_action_suggestion)
        outer.addWidget(self.suggestions, 2)

    def sync(self) -> None:
        count = len(self.flow.actions)
        while len(self.rows) > count:
            row = self.rows.pop()
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        while len(self.rows) < count:
            row = ActionRow(self.flow, len(self.rows), self.rows_box)
            self.rows_layout.insertWidget(len(self.rows), row)
            row.show()  # a child added to a visible page shows only when told to
            self.rows.append(row)
        for row in self.rows:
            row.sync()
        for key, edit in self.victim.items():
            _set_text(edit, self.flow.data.victim_measures.get(key, ""))


class LeaderPage(_Page):
    """Step 5: the project leader and the planned completion date, against the due date the CAP allows."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None) -> None:
        super().__init__(flow, parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.leader = QLineEdit()
        self.leader.setPlaceholderText("The factory employee responsible for this item")
        leaders = sorted({e.project_leader for e in flow.context.suggestions.earlier if e.project_leader.strip()})
        if leaders:
            self.leader.setCompleter(QCompleter(leaders, self.leader))
        self.leader.textEdited.connect(self.flow.set_project_leader)
        form.addRow("Project leader:", self.leader)
        self.planned = date_box(open_on=lambda: flow.due_date)
        self.planned.dateChanged.connect(lambda q: self.flow.set_planned_date(_from_qdate(q)))
        form.addRow("Planned completion:", self.planned)
        due = flow.due_date
        self.due = QLabel(due.isoformat() if due else "not set yet (the CAP has not been sent)")
        form.addRow("Due date the CAP allows:", self.due)
        self.note = _muted("")
        form.addRow("", self.note)
        layout.addLayout(form)
        if leaders:
            layout.addWidget(_muted("Earlier project leaders at this factory: " + ", ".join(leaders)))
        layout.addStretch(1)

    def sync(self) -> None:
        _set_text(self.leader, self.flow.data.project_leader)
        with QSignalBlocker(self.planned):
            self.planned.setDate(_to_qdate(self.flow.data.planned_date))
        planned, due = self.flow.data.planned_date, self.flow.due_date
        if planned and due and planned > due:
            self.note.setText(f"{plural((planned - due).days, 'day')} past the due date.")
            self.note.setStyleSheet(f"color: {theme.OVERDUE};")
        else:
            self.note.setText("")


class WarningBox(QFrame):
    """One warning on the review page, with "Override with reason…" (or the reason, and "Withdraw")."""

    def __init__(self, page: "ReviewPage", warning, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.code = warning.code
        colour, background = ((theme.MUTED, theme.ALT_ROW) if warning.overridden
                              else (theme.WARNING, theme.WARNING_BG))
        self.setStyleSheet(f"WarningBox {{ background: {background}; border-left: 4px solid {colour}; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        title = QLabel(("Accepted: " if warning.overridden else "") + warning.title)
        title.setStyleSheet(f"font-weight: 600; color: {colour};")
        message = QLabel(warning.message)
        message.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(message)
        row = QHBoxLayout()
        if warning.overridden:
            reason = _muted(f"Reason: {warning.override_reason}"
                            + (f" ({warning.overridden_by})" if warning.overridden_by else ""))
            row.addWidget(reason, 1)
            self.button = QPushButton("Withdraw")
            self.button.clicked.connect(lambda: page.flow.clear_override(self.code))
        else:
            row.addStretch(1)
            self.button = QPushButton("Override with reason…")
            self.button.clicked.connect(lambda: page.override(self.code))
        row.addWidget(self.button)
        layout.addLayout(row)


class ReviewPage(_Page):
    """Step 6: the entry in brief, each part with a link back to its step, and the warnings."""

    def __init__(self, flow: RootCauseFlow, parent: Optional[QWidget] = None, *,
                 ask_reason: Optional[Callable[[str], Optional[str]]] = None, user: str = "") -> None:
        super().__init__(flow, parent)
        self.user = user
        self.ask_reason = ask_reason or self._ask_reason
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        summary_box = QWidget()
        self.summary = QGridLayout(summary_box)
        self.summary.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(summary_box)
        splitter.addWidget(scroll)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        right_layout.addWidget(self.verdict)
        self.warnings_box = QWidget()
        self.warnings_layout = QVBoxLayout(self.warnings_box)
        self.warnings_layout.setContentsMargins(0, 0, 0, 0)
        wscroll = QScrollArea()
        wscroll.setWidgetResizable(True)
        wscroll.setWidget(self.warnings_box)
        right_layout.addWidget(wscroll, 1)
        self.message = _muted("")
        right_layout.addWidget(self.message)
        splitter.addWidget(right)
        splitter.setSizes([480, 420])
        layout.addWidget(splitter, 1)
        self.warning_boxes: list[WarningBox] = []
        self.change_buttons: list[QPushButton] = []

    def _ask_reason(self, message: str) -> Optional[str]:
        text, ok = ask_text(self, "Override the warning", message)
        return text if ok else None

    def override(self, code: str) -> None:
        warning = next((w for w in self.flow.warnings() if w.code == code), None)
        if warning is None:
            return
        reason = self.ask_reason(f"{warning.message}\n\nWhy is the answer acceptable as it is?")
        if reason is None:
            return
        try:
            self.flow.override(code, reason, by=self.user)
            self.message.setText("")
        except StepInvalid as exc:
            self.message.setText(" ".join(exc.problems))
            self.message.setStyleSheet(f"color: {theme.OVERDUE};")

    @staticmethod
    def _clear(layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()

    def sync(self) -> None:
        if self.flow.step is not Step.REVIEW:
            return
        self._clear(self.summary)
        self.change_buttons = []
        for row, (step, label, text) in enumerate(self.flow.summary()):
            name = QLabel(label + ":")
            name.setStyleSheet("font-weight: 600;")
            value = QLabel(html.escape(text).replace("\n", "<br>") if text else "<i>not given</i>")
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setWordWrap(True)
            change = QPushButton("Change")
            change.setFlat(True)
            change.clicked.connect(lambda _c=False, s=step: self.flow.go_to(s))
            self.summary.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self.summary.addWidget(value, row, 1)
            self.summary.addWidget(change, row, 2, Qt.AlignmentFlag.AlignTop)
            for widget in (name, value, change):
                widget.show()
            self.change_buttons.append(change)
        self._clear(self.warnings_layout)
        warnings = self.flow.warnings()
        open_count = sum(1 for w in warnings if w.is_open)
        if open_count:
            self.verdict.setText(f"{plural(open_count, 'open warning')}. Fix {'it' if open_count == 1 else 'them'} with Change, or override each with a "
                                 "reason; the entry can be saved either way and the CAP review sees them.")
            self.verdict.setStyleSheet(f"color: {theme.WARNING}; font-weight: 600;")
        else:
            self.verdict.setText("No open warnings: the answer names a system failure and changes the system.")
            self.verdict.setStyleSheet(f"color: {theme.OK}; font-weight: 600;")
        self.warning_boxes = []
        for w in warnings:
            box = WarningBox(self, w, self.warnings_box)
            self.warnings_layout.addWidget(box)
            box.show()
            self.warning_boxes.append(box)
        self.warnings_layout.addStretch(1)


class RootCauseWizard(QDialog):
    """The guided entry for one CAP item; saving writes it through services.review.save_guided_entry."""

    saved_entry = Signal(object)  # the ItemCheck after saving

    def __init__(self, ctx, guided: "review.GuidedContext", parent: Optional[QWidget] = None, *,
                 ask_reason: Optional[Callable[[str], Optional[str]]] = None, user: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.guided = guided
        self.item_id = guided.item.id
        self.saved: Optional[review.ItemCheck] = None
        self.flow = RootCauseFlow(guided.flow, guided.analysis)
        self.setWindowTitle(f"Guided root cause — {guided.flow.item_label}")
        self.resize(1000, 680)
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.stack = QStackedWidget(self)
        self.pages: dict[Step, _Page] = {
            Step.FINDING: FindingPage(self.flow),
            Step.WHYS: WhysPage(self.flow),
            Step.CATEGORIES: CategoriesPage(self.flow),
            Step.ACTIONS: ActionsPage(self.flow),
            Step.LEADER_AND_DATE: LeaderPage(self.flow),
            Step.REVIEW: ReviewPage(self.flow, ask_reason=ask_reason, user=user),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {theme.OVERDUE}; font-weight: 600;")
        layout.addWidget(self.problems)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel")
        self.back_button = QPushButton("← Back")
        self.next_button = primary_button("Next →")
        self.save_button = primary_button("Save")
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.save_button.clicked.connect(self.save)
        self.flow.subscribe(self.redraw)
        self.redraw()

    # -- drawing the flow -------------------------------------------------------------------------------------------
    def redraw(self) -> None:
        step = self.flow.step
        page = self.pages[step]
        self.stack.setCurrentWidget(page)
        page.sync()
        parts = []
        for s in Step:
            n = list(Step).index(s) + 1
            text = f"{n} {html.escape(STEP_TITLES[s])}"
            parts.append(f"<b>{text}</b>" if s is step else f"<span style='color:{theme.MUTED}'>{text}</span>")
        self.header.setText(" &nbsp;›&nbsp; ".join(parts))
        self.back_button.setEnabled(self.flow.can_back())
        self.next_button.setVisible(not self.flow.is_last)
        self.save_button.setVisible(self.flow.is_last)
        self.save_button.setEnabled(self.flow.can_finish() and self.saved is None)
        if self.problems.text() and not self.flow.problems():
            self.problems.setText("")

    def show_problems(self, problems: list[str]) -> None:
        self.problems.setText(" ".join(problems))

    @property
    def page(self) -> _Page:
        return self.pages[self.flow.step]

    def go_next(self) -> None:
        try:
            self.flow.next()
            self.problems.setText("")
        except StepInvalid as exc:
            self.show_problems(exc.problems)

    def go_back(self) -> None:
        if self.flow.can_back():
            self.problems.setText("")
            self.flow.back()

    # -- saving -----------------------------------------------------------------------------------------------------
    def save(self) -> None:
        try:
            entry = self.flow.result()
        except StepInvalid as exc:
            self.show_problems([f"{STEP_TITLES[exc.step]}: "] + exc.problems)
            return
        self.save_button.setEnabled(False)
        self.ctx.run(review.save_guided_entry, self.ctx.db, self.item_id, entry, on_done=self._saved,
                     on_error=self._failed, label="Saving the root cause…", parent=self)

    def _saved(self, check) -> None:
        self.saved = check
        self.confirmation = saved_message(check, self.guided.item.status)
        self.saved_entry.emit(check)
        # the page that opened the wizard made this change: it keeps the confirmation it just showed
        self.ctx.notify("caps", origin=self.parentWidget())
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.ctx.show_error(self, exc)


def saved_message(check, status_before: str) -> str:
    """What saving the guided entry did, in words: the item's new status, and the warnings left open."""
    moved = f" and is now {check.status}" if check.status != status_before else f" (still {check.status})"
    text = f"Root cause of item #{check.id} saved{moved}."
    if check.open_warnings:
        n = len(check.open_warnings)
        text += (f" {n} warning{'s' if n > 1 else ''} still open: "
                 + "; ".join(w.title.lower() for w in check.open_warnings) + ".")
    return text


def open_root_cause_wizard(ctx, item_id: int, parent: Optional[QWidget] = None,
                           on_saved: Optional[Callable[[object], None]] = None):
    """Loads the item's guided-entry context on the worker, then opens the wizard (window-modal).

    Returns the Task; once it is done, `task.wizard` is the open wizard.
    """
    task = None

    def show(entry: review.GuidedEntry) -> None:
        wizard = RootCauseWizard(ctx, entry.context, parent, user=entry.user_name)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if on_saved is not None:
            wizard.saved_entry.connect(on_saved)
        wizard.open()
        if task is not None:
            task.wizard = wizard

    task = ctx.run(review.guided_entry, ctx.db, item_id, on_done=show, label="Opening the guided entry…",
                   parent=parent)
    return task
